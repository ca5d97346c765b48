"""Crash-safe file writing and the publishing lock.

Every file the tool writes goes to a temporary file in the same folder and is
renamed into place, so a build killed at any moment leaves either the old
complete file or the new complete one.
"""

from __future__ import annotations

import fcntl
import logging
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)


def write_atomic(path: Path, data: bytes, *, scratch: Path | None = None) -> bool:
    """Write ``data`` to ``path`` unless it already holds exactly that; return whether it wrote.

    The bytes go to a temporary file in ``scratch`` (default: beside ``path``; it
    must be on the same file system), are synced, then renamed over ``path``,
    and the folder is synced so that the rename survives a power cut.  The file
    keeps its permissions; a new one gets 0666 less the umask, as ``open`` gives.
    """
    path = Path(path)
    try:
        if path.read_bytes() == data:
            return False
        mode = stat.S_IMODE(path.stat().st_mode)
    except (FileNotFoundError, IsADirectoryError):
        mode = 0o666 & ~_umask()
    path.parent.mkdir(parents=True, exist_ok=True)
    folder = scratch if scratch is not None else path.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)
    return True


def _umask() -> int:
    """The process's umask, read without changing it where Linux shows it (setting it to read it
    would briefly change it for every thread)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def _fsync_directory(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems cannot sync a folder; the rename is still atomic
        pass
    finally:
        os.close(fd)


def remove_stale_temporaries(folder: Path) -> int:
    """Delete temporary files left by a killed run; return how many."""
    count = 0
    if folder.is_dir():
        for tmp in folder.rglob(".*.tmp"):
            tmp.unlink(missing_ok=True)
            count += 1
    return count


@contextmanager
def publishing_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock so that two runs at once serialize.

    The lock is an ``flock`` on ``path``: the kernel releases it when a run is
    killed, so a stale lock never blocks; the pid a killed run left is reported.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("another publish is running (%s); waiting for it to finish", path)
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        previous = handle.read().strip()
        if previous:
            log.warning("recovered the lock %s left by an interrupted run (pid %s); "
                        "its temporary files are removed and every output is rebuilt as needed", path, previous)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            handle.flush()
            fcntl.flock(handle, fcntl.LOCK_UN)
