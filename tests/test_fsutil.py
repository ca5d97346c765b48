"""Crash-safe writes and the publishing lock (workflow.fsutil)."""

from __future__ import annotations

import multiprocessing
import os
import time

import pytest

from workflow.fsutil import publishing_lock, remove_stale_temporaries, write_atomic


def test_write_atomic_writes_only_when_the_bytes_change(tmp_path):
    path = tmp_path / "sub" / "page.html"
    assert write_atomic(path, b"one")
    assert path.read_bytes() == b"one"
    before = path.stat().st_mtime_ns
    time.sleep(0.01)
    assert not write_atomic(path, b"one")
    assert path.stat().st_mtime_ns == before
    assert write_atomic(path, b"two")
    assert path.read_bytes() == b"two"
    assert sorted(p.name for p in path.parent.iterdir()) == ["page.html"]


def test_write_atomic_keeps_permissions_and_new_files_follow_the_umask(tmp_path):
    kept = tmp_path / "kept.po"
    kept.write_bytes(b"old")
    kept.chmod(0o640)
    write_atomic(kept, b"new")
    assert kept.stat().st_mode & 0o777 == 0o640
    umask = os.umask(0o027)
    try:
        fresh = tmp_path / "fresh.pdf"
        write_atomic(fresh, b"%PDF")
    finally:
        os.umask(umask)
    assert fresh.stat().st_mode & 0o777 == 0o640


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes(b"old")

    with pytest.raises(TypeError):
        write_atomic(path, "not bytes")  # type: ignore[arg-type]
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


def test_scratch_folder_and_stale_temporaries(tmp_path):
    scratch = tmp_path / ".publish-tmp"
    write_atomic(tmp_path / "out" / "a.html", b"a", scratch=scratch)
    assert (tmp_path / "out" / "a.html").read_bytes() == b"a"
    (scratch / ".a.html.123.tmp").write_bytes(b"half")
    assert remove_stale_temporaries(scratch) == 1
    assert list(scratch.iterdir()) == []


def _hold(lock, started, release):
    with publishing_lock(lock):
        started.set()
        release.wait(10)


def test_the_lock_serializes_and_a_killed_holder_is_recovered(tmp_path, caplog):
    lock = tmp_path / ".publish.lock"
    ctx = multiprocessing.get_context("fork")
    started, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold, args=(lock, started, release))
    holder.start()
    assert started.wait(10)
    holder.kill()  # a run killed while it holds the lock: the kernel frees the flock
    holder.join()
    with caplog.at_level("WARNING"), publishing_lock(lock):
        assert lock.read_text() == str(os.getpid())
    assert any("interrupted run" in r.getMessage() and str(holder.pid) in r.getMessage() for r in caplog.records)
    assert lock.read_text() == ""
