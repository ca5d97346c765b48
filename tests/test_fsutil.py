"""Crash-safe writes and the publishing lock (workflow.fsutil)."""

from __future__ import annotations

import multiprocessing
import os
import time

import pytest

from workflow.fsutil import (MAX_CATALOG_BYTES, RefusedInput, input_lines, publishing_lock, read_input,
                             remove_stale_temporaries, write_atomic, write_atomic_streamed)


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


def test_a_streamed_write_is_written_only_when_its_bytes_change(tmp_path):
    """Compared a block at a time: bytes that differ only past the first block, or only in
    length, are still a change; the same bytes leave the file (and its time) as they were."""
    path, scratch = tmp_path / "cache" / "big.bin", tmp_path / ".publish-tmp"
    big = os.urandom(3 * (1 << 20) + 5)
    assert write_atomic_streamed(path, lambda handle: handle.write(big), scratch=scratch)
    assert path.read_bytes() == big
    path.chmod(0o640)
    before = path.stat().st_mtime_ns
    time.sleep(0.01)
    assert not write_atomic_streamed(path, lambda handle: handle.write(big), scratch=scratch)
    assert path.stat().st_mtime_ns == before
    assert not write_atomic(path, big)  # the same block-wise comparison for bytes in memory
    changed = big[:-1] + bytes([big[-1] ^ 1])
    assert write_atomic_streamed(path, lambda handle: handle.write(changed), scratch=scratch)
    assert path.read_bytes() == changed and path.stat().st_mode & 0o777 == 0o640
    assert write_atomic_streamed(path, lambda handle: handle.write(changed[:-1]), scratch=scratch)
    assert path.read_bytes() == changed[:-1]
    assert list(scratch.iterdir()) == [] and [p.name for p in path.parent.iterdir()] == ["big.bin"]


def test_a_streamed_write_that_fails_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "big.bin"
    path.write_bytes(b"old")

    def half(handle):
        handle.write(b"half")
        raise OSError("the disk is full")

    with pytest.raises(OSError):
        write_atomic_streamed(path, half)
    assert path.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["big.bin"]


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


# ------------------------------------------------------------ reading input

def _refused(path, **kwargs) -> RefusedInput:
    kwargs.setdefault("limit", MAX_CATALOG_BYTES)
    with pytest.raises(RefusedInput) as caught:
        read_input(path, **kwargs)
    return caught.value


def test_input_lines_reads_a_line_at_a_time_after_the_same_checks(tmp_path):
    """The manifest is read a line at a time (``input_lines``): the same refusals as ``read_input``."""
    path = tmp_path / "manifest.json"
    path.write_bytes(b'{\n  "a": 1\n}\n')
    with input_lines(path, limit=100, line_limit=9) as lines:
        assert list(lines) == [b"{\n", b'  "a": 1\n', b"}\n"]
    with pytest.raises(RefusedInput, match="more than the 5 bytes"), input_lines(path, limit=5, line_limit=9) as lines:
        list(lines)
    with pytest.raises(RefusedInput, match="a line of more than 8 bytes"), \
            input_lines(path, limit=100, line_limit=8) as lines:
        list(lines)
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(RefusedInput, match="it is not read"), input_lines(tmp_path / "pipe", limit=100, line_limit=9):
        pass  # refused from its stat: never opened, never blocking
    with pytest.raises(FileNotFoundError), input_lines(tmp_path / "missing.json", limit=100, line_limit=9):
        pass


def test_read_input_reads_a_regular_file_and_a_link_inside_the_project(tmp_path):
    (tmp_path / "locale").mkdir()
    po = tmp_path / "locale" / "fr.po"
    po.write_bytes(b"msgid \"\"\n")
    link = tmp_path / "locale" / "km.po"
    link.symlink_to("fr.po")
    assert read_input(po, limit=100, root=tmp_path) == b"msgid \"\"\n"
    assert read_input(link, limit=100, root=tmp_path) == b"msgid \"\"\n"
    assert read_input(po, limit=9) == b"msgid \"\"\n"  # exactly the limit is allowed
    with pytest.raises(FileNotFoundError):
        read_input(tmp_path / "locale" / "missing.po", limit=100, root=tmp_path)


def test_a_top_folder_linked_elsewhere_is_part_of_the_project(tmp_path):
    """An office may keep locale/ in a translations checkout of its own and link it in."""
    elsewhere = tmp_path / "translations"
    (elsewhere / "fr").mkdir(parents=True)
    (elsewhere / "fr" / "x.po").write_bytes(b"x")
    (elsewhere / "secret").write_bytes(b"root:x:0:0")
    project = tmp_path / "project"
    project.mkdir()
    (project / "locale").symlink_to(elsewhere)
    assert read_input(project / "locale" / "fr" / "x.po", limit=10, root=project) == b"x"
    (project / "content").mkdir()
    (project / "content" / "a.md").symlink_to(elsewhere / "secret")
    assert _refused(project / "content" / "a.md", root=project).outside


def test_a_link_out_of_the_project_is_refused_unread_and_named(tmp_path):
    (tmp_path / "content").mkdir()
    link = tmp_path / "content" / "a.md"
    link.symlink_to("/etc/passwd")
    error = _refused(link, root=tmp_path, shown="content/a.md", what="release")
    assert error.outside
    assert str(error).startswith("content/a.md: is a link to /etc/passwd, outside the project; it is not read")
    assert "root:" not in str(error)
    escape = tmp_path / "content" / "b.md"
    escape.symlink_to("../../" + tmp_path.name + "-elsewhere")
    assert _refused(escape, root=tmp_path).outside


@pytest.mark.parametrize("target", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_a_device_is_refused_without_reading(tmp_path, target):
    link = tmp_path / "a.md"
    link.symlink_to(target)
    assert "is a device, not a release; it is not read" in str(_refused(link, what="release"))
    assert _refused(link, root=tmp_path).outside  # in a project it is already outside


def test_a_fifo_a_socket_and_a_folder_are_refused_without_blocking(tmp_path):
    import socket

    fifo = tmp_path / "x.po"
    os.mkfifo(fifo)
    # No writer: an open without O_NONBLOCK, or a read, would wait forever.
    assert "is a named pipe (FIFO), not a catalog" in str(_refused(fifo, root=tmp_path, what="catalog"))
    folder = tmp_path / "y.po"
    folder.mkdir()
    assert "is a folder, not a catalog" in str(_refused(folder, root=tmp_path, what="catalog"))
    sock_path = tmp_path / "z.po"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(sock_path))
        assert "is a socket" in str(_refused(sock_path, root=tmp_path))
    finally:
        server.close()


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "big.po"
    with open(big, "wb") as handle:
        handle.truncate(2 << 30)  # 2 GB, sparse: it takes no disk and would take 2 GB to read
    error = _refused(big, what="catalog")
    assert str(error) == (f"{big}: is 2,147,483,648 bytes, more than the 1,048,576 bytes (1 MB) a catalog may "
                          "have; it is not read — check that it is the right catalog: a real one is far smaller")
    assert _peak_kb_after(lambda: _refused(big)) < 100_000  # nothing of it was held in memory
    small = tmp_path / "small.po"
    small.write_bytes(b"x" * 11)
    assert "is 11 bytes, more than the 10 bytes" in str(_refused(small, limit=10))


def _peak_kb_after(action) -> int:
    """How much the peak resident memory grew (kB) while ``action`` ran, in a child process."""
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()

    def child():
        import resource

        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        action()
        queue.put(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)

    process = ctx.Process(target=child)
    process.start()
    grown = queue.get(timeout=60)
    process.join(60)
    return grown


def test_a_file_that_grows_while_it_is_read_is_caught(tmp_path, monkeypatch):
    """The size is checked from fstat, and then at most limit + 1 bytes are read."""
    path = tmp_path / "growing.po"
    path.write_bytes(b"12345")
    real_fstat = os.fstat

    def stale_fstat(fd):  # the file was 5 bytes when looked at, it is 50 when read
        info = real_fstat(fd)
        path.write_bytes(b"x" * 50) if path.stat().st_size == 5 else None
        return info

    monkeypatch.setattr(os, "fstat", stale_fstat)
    assert "grew while it was read to more than the 10 bytes" in str(_refused(path, limit=10))


def test_write_atomic_replaces_a_fifo_without_blocking_and_never_reads_a_device(tmp_path):
    fifo = tmp_path / "ui.pot"
    os.mkfifo(fifo)
    assert write_atomic(fifo, b"new")
    assert fifo.read_bytes() == b"new"
    link = tmp_path / "page.html"
    link.symlink_to("/dev/zero")
    assert write_atomic(link, b"page")
    assert not link.is_symlink() and link.read_bytes() == b"page"


def test_a_link_to_nothing_is_refused_and_a_missing_file_is_missing(tmp_path):
    (tmp_path / "content").mkdir()
    dangling = tmp_path / "content" / "a.md"
    dangling.symlink_to("gone.md")
    error = _refused(dangling, root=tmp_path, shown="content/a.md", what="release")
    assert str(error) == (f"content/a.md: is a link to {tmp_path / 'content' / 'gone.md'}, which does not exist; "
                          "it is not read — restore the release it leads to, or put the release itself in its place")
    assert not error.outside


def test_a_loop_of_links_is_refused(tmp_path):
    (tmp_path / "a.po").symlink_to("b.po")
    (tmp_path / "b.po").symlink_to("a.po")
    error = _refused(tmp_path / "a.po", root=tmp_path, shown="a.po", what="catalog")
    assert str(error) == "a.po: is a link that leads back to itself; it is not read — put the catalog itself in its place"


def test_indented_json_is_json_dumps_text():
    """The manifest and releases.json are written item by item (less memory at the end of a large
    run), and must stay the very bytes ``json.dumps(…, indent=1, sort_keys=True)`` wrote."""
    import json
    import random

    from workflow.fsutil import indented_json

    rng = random.Random(12)

    def value(depth: int) -> object:
        roll = rng.random()
        if depth > 3 or roll < 0.3:
            return rng.choice([None, True, False, 0, -3, 1.5, "", 'é\n"x\\', "ព្រះរាជាណាចក្រកម្ពុជា", [], {}, (1, "a")])
        if roll < 0.6:
            return [value(depth + 1) for _ in range(rng.randint(0, 3))]
        return {rng.choice(["a", "b", "é", "", "x y", "\n"]) + str(rng.randint(0, 9)): value(depth + 1)
                for _ in range(rng.randint(0, 4))}

    for _ in range(500):
        data = value(0)
        for levels in range(4):
            assert indented_json(data, levels=levels) == json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False)
    not_str_keys = {2: [1], 1: {"a": 1}}
    assert indented_json(not_str_keys, levels=2) == json.dumps(not_str_keys, indent=1, sort_keys=True, ensure_ascii=False)


def test_json_lines_reads_back_what_json_pieces_writes_an_entry_a_line_and_nothing_else():
    """The listing, the run's record and the manifest are read a line at a time: whatever
    ``json_pieces(…, levels=2, inline=True)`` writes of an object reads back the same, and a file
    cut short anywhere, or JSON of another shape, is refused (ValueError), never taken in part."""
    import json
    import random

    from workflow.fsutil import json_lines, json_pieces

    rng = random.Random(7)

    def value(depth: int) -> object:
        roll = rng.random()
        if depth > 3 or roll < 0.3:
            return rng.choice([None, True, 0, -3, 1.5, "", 'é\n"x\\, ', "ព្រះរាជាណាចក្រកម្ពុជា", "a,", "{", "[", [], {}])
        if roll < 0.6:
            return [value(depth + 1) for _ in range(rng.randint(0, 3))]
        return {rng.choice(["a", "b", "é", "", "x: y", '"', "\n"]) + str(rng.randint(0, 9)): value(depth + 1)
                for _ in range(rng.randint(0, 4))}

    def read(text: str) -> dict:
        found: dict = {}
        for name, key, raw in json_lines(text.encode("utf-8").splitlines(keepends=True)):
            if key is None:
                found[name] = json.loads(raw)
            elif isinstance(key, str):
                found.setdefault(name, {})[key] = json.loads(raw)
            else:
                assert key == len(found.setdefault(name, []))
                found[name].append(json.loads(raw))
        return found

    for _ in range(300):
        data = {name: value(1) for name in rng.sample(["pdfs", "é", "x: y", "", "format"], rng.randint(0, 5))}
        text = "".join(json_pieces(data, levels=2, inline=True)) + "\n"
        assert read(text) == data
        for cut in range(len(text) - 1):
            if text[:cut].strip() and text[:cut].rstrip("\n") != text.rstrip("\n"):
                with pytest.raises(ValueError):
                    read(text[:cut])
    indented = json.dumps({"a": [{"b": 1}], "c": 2}, indent=1)
    with pytest.raises(ValueError):
        list(json_lines(indented.encode().splitlines(keepends=True)))  # refused unread, not left to its reader
    for other in (indented, "[]", "", '{"a": 1}', "{\n \"a\": [\n  1\n }\n}\n", "{\n}\nx", "{\n  1\n}"):
        with pytest.raises(ValueError):
            read(other)


def test_folder_syncs_wait_for_the_end_of_the_block_and_files_are_in_place_at_once(tmp_path):
    from workflow import fsutil

    a, b = tmp_path / "a", tmp_path / "b"
    with fsutil.folder_syncs_deferred():
        assert write_atomic(a / "one.pdf", b"1") and write_atomic(a / "two.pdf", b"2")
        assert write_atomic_streamed(b / "three.bin", lambda handle: handle.write(b"3"), scratch=tmp_path / "s")
        assert (a / "one.pdf").read_bytes() == b"1" and (b / "three.bin").read_bytes() == b"3"  # renamed already
        assert fsutil._PENDING.get() == {a, b}  # each folder once, whatever the number of its files
        fsutil.sync_folders()
        assert fsutil._PENDING.get() == set()
        write_atomic(a / "one.pdf", b"one")
        assert fsutil._PENDING.get() == {a}
    assert fsutil._PENDING.get() is None  # outside a block, each write syncs its folder at once
    assert (a / "one.pdf").read_bytes() == b"one"
    assert not [p for p in tmp_path.rglob("*.tmp")]
