"""Safe reading of the project's input, crash-safe file writing and the publishing lock.

Every file of the project the tool reads (releases, catalogs and templates, the glossary, the
approvals and their texts, a project's own templates, the settings) goes through
:func:`read_input`: only a regular file inside the project, and no bigger than its limit, is
read; a named pipe, a device, a socket, a folder, a link leading out of the project or a file
above its limit is refused with a :class:`RefusedInput` that names it, says why and what to do,
without blocking, without reading it and without showing any of its content.

Every file the tool writes goes to a temporary file in the same folder and is
renamed into place, so a build killed at any moment leaves either the old
complete file or the new complete one.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import io
import json
import logging
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import BinaryIO

from workflow.model import WorkflowError

log = logging.getLogger(__name__)

_MB = 1 << 20

#: Limits on the size of what is read, far above anything real, checked before a byte is read:
#: the largest real files measured are a 3 KB release in content/, a 29 KB Markdown document and
#: a 212 KB catalog in ../shared/corpus.  A release of 64 KB is about 20 pages of text (typesetting
#: its three editions takes WeasyPrint some 10 s, and every stage grows with the size); its
#: catalog, translated into Khmer (three bytes a character) with the source text beside it and the
#: previous text of fuzzy entries, comes to about 320 KB, so catalogs get three times that.
MAX_RELEASE_BYTES = 64 * 1024
#: A PO or POT file: a release's catalog or template, ui.po, a glossary file (writing one of
#: 1 MB of long paragraphs takes some 10 s: GNU's line breaking, character by character).
MAX_CATALOG_BYTES = 1 * _MB
#: The approvals ledger (content/approvals.tsv, about 100 bytes an approval) and each approved
#: text (content/issued/<slug>/<lang>.v<n>.json, the size of an edition's translations).
MAX_RECORD_BYTES = 10 * _MB
#: A record written an entry a line and read a line at a time (:func:`record_entries`: the
#: manifest, ``output/releases.json``, the run's record): its size bounds only how long reading
#: it takes, each line being bounded by ``MAX_RECORD_BYTES``.  Read whole under that limit, the
#: manifest (some 3 KB a release) was taken for none past some 3,400 releases, and the other two
#: (some 650 bytes a release) would have been past some fifteen thousand.
MAX_LINED_RECORD_BYTES = 1 << 30
#: A template (HTML, CSS, SVG) of a project's own templates folder, and pyproject.toml.
MAX_TEMPLATE_BYTES = 1 * _MB


class RefusedInput(WorkflowError):
    """A file of the project that is not read: not a regular file, leading out of the project,
    or above its size limit.  ``outside``: it is a link to somewhere outside the project."""

    def __init__(self, path: str, message: str, hint: str, *, outside: bool = False):
        super().__init__(path, None, message, hint)
        self.outside = outside


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _allowed_trees(path: Path, root: Path) -> list[Path]:
    """Where a file of the project may lead: the project, and the top folder it is listed in
    (``locale/`` may be a link to a translations checkout that the office keeps elsewhere)."""
    trees = [root.resolve()]
    try:
        parts = path.absolute().relative_to(root.absolute()).parts
    except ValueError:
        return trees
    if len(parts) > 1:  # a folder, not the file itself
        trees.append((root / parts[0]).resolve())
    return trees


def read_input(path: Path, *, limit: int, root: Path | None = None, shown: str | None = None,
               what: str = "file") -> bytes:
    """The bytes of one input file, read only if it is a regular file no bigger than ``limit``
    bytes and, with ``root``, inside that project (after following links).

    Raises :class:`RefusedInput` (a :class:`WorkflowError` naming ``shown``, default the path)
    for anything else, before reading it and without ever blocking: a named pipe, a device, a
    socket or a folder is refused from its ``stat``, a file is opened without blocking and its
    opened descriptor checked again, and at most ``limit + 1`` bytes are read, so that a file that
    grows while it is read is refused too.  A file that does not exist raises
    ``FileNotFoundError`` (a link to nothing: a :class:`RefusedInput`); one that cannot be opened a :class:`RefusedInput` with the reason.
    """
    name = shown if shown is not None else str(path)
    fd, info = _open_checked(Path(path), limit, root, name, what)
    try:
        chunks, total = [], 0
        while True:
            try:
                chunk = os.read(fd, min(limit + 1 - total, max(info.st_size - total + 1, 1 << 16)))
            except OSError as exc:
                raise RefusedInput(name, f"cannot be read: {exc.strerror or exc}", f"check the {what}") from None
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise _too_big(name, None, limit, what)
        return b"".join(chunks)
    finally:
        os.close(fd)


@contextmanager
def input_lines(path: Path, *, limit: int, line_limit: int, root: Path | None = None, shown: str | None = None,
                what: str = "file") -> Iterator[Iterator[bytes]]:
    """:func:`read_input`'s file, checked the same way, read a line at a time (each with its
    ``\\n``, none longer than ``line_limit``): a file of many lines is never held whole, so its
    ``limit`` bounds only how long it takes to read.  Raises what ``read_input`` raises, when
    opened or, past either limit, as the lines are read."""
    name = shown if shown is not None else str(path)
    fd, _info = _open_checked(Path(path), limit, root, name, what)
    with os.fdopen(fd, "rb") as handle:
        yield _lines(handle, limit, line_limit, name, what)


def _lines(handle: BinaryIO, limit: int, line_limit: int, name: str, what: str) -> Iterator[bytes]:
    total = 0
    while True:
        try:
            line = handle.readline(min(line_limit, limit - total) + 1)
        except OSError as exc:
            raise RefusedInput(name, f"cannot be read: {exc.strerror or exc}", f"check the {what}") from None
        if not line:
            return
        total += len(line)
        if total > limit:
            raise _too_big(name, None, limit, what)
        if len(line) > line_limit:
            raise RefusedInput(name, f"has a line of more than {line_limit:,} bytes ({_size(line_limit)}); "
                               "it is not read", f"check that it is the right {what}: a real one has short lines")
        yield line


def _open_checked(path: Path, limit: int, root: Path | None, name: str, what: str) -> tuple[int, os.stat_result]:
    """The file open (a descriptor) and what it is, once every check of :func:`read_input` passed."""
    try:
        resolved = path.resolve()
    except (RuntimeError, OSError):  # Python 3.11 says RuntimeError for a loop of links
        raise RefusedInput(name, "is a link that leads back to itself; it is not read",
                           f"put the {what} itself in its place") from None
    if root is not None and not any(_within(resolved, tree) for tree in _allowed_trees(path, Path(root))):
        raise RefusedInput(name, f"is a link to {resolved}, outside the project; it is not read",
                           f"put the {what} itself in the project instead of a link to it", outside=True)
    try:
        mode = os.stat(resolved).st_mode
    except FileNotFoundError:
        if path.is_symlink():
            raise RefusedInput(name, f"is a link to {resolved}, which does not exist; it is not read",
                               f"restore the {what} it leads to, or put the {what} itself in its place") from None
        raise
    except OSError as exc:
        raise RefusedInput(name, f"cannot be read: {exc.strerror or exc}", f"check the {what}'s permissions") from None
    if not stat.S_ISREG(mode):
        raise RefusedInput(name, f"is {_kind(mode)}, not {_a(what)}; it is not read",
                           f"replace it with the {what} itself")
    try:
        fd = os.open(resolved, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise RefusedInput(name, f"cannot be read: {exc.strerror or exc}", f"check the {what}'s permissions") from None
    try:
        info = os.fstat(fd)  # what was opened, whatever the path leads to now
        if not stat.S_ISREG(info.st_mode):
            raise RefusedInput(name, f"is {_kind(info.st_mode)}, not {_a(what)}; it is not read",
                               f"replace it with the {what} itself")
        if info.st_size > limit:
            raise _too_big(name, info.st_size, limit, what)
        return fd, info
    except BaseException:
        os.close(fd)
        raise


def _a(what: str) -> str:
    return f"{'an' if what[:1] in 'aeiou' else 'a'} {what}"


def _too_big(name: str, size: int | None, limit: int, what: str) -> RefusedInput:
    said = f"is {size:,} bytes," if size is not None else "grew while it was read to"
    return RefusedInput(name, f"{said} more than the {limit:,} bytes ({_size(limit)}) {_a(what)} may have; "
                        "it is not read", f"check that it is the right {what}: a real one is far smaller")


def _size(limit: int) -> str:
    """A limit as people say it.

    >>> _size(2 << 20), _size(128 << 10)
    ('2 MB', '128 KB')
    """
    return f"{limit / _MB:g} MB" if limit >= _MB else f"{limit / 1024:g} KB"


class ChangedMeanwhile(WorkflowError):
    """A file that changed after the run read it (a translator's save): it is not written over."""


#: ``expected`` of :func:`write_atomic` when the file's content is not to be compared.
ANY = object()


def content_digest(data: bytes | None) -> str | None:
    """What :func:`write_atomic` compares: the hash of a file's bytes (None: no file)."""
    return None if data is None else hashlib.sha256(data).hexdigest()


def current_digest(path: Path) -> str | None:
    """The :func:`content_digest` of what ``path`` holds now: None when nothing is there, and a
    mark of its kind for anything that is not a regular file (never read, never waited for)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"unreadable:{exc.errno}"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return f"not a file:{stat.S_IFMT(info.st_mode)}"
        digest = hashlib.sha256()
        while chunk := os.read(fd, 1 << 20):
            digest.update(chunk)
        return digest.hexdigest()
    except OSError as exc:
        return f"unreadable:{exc.errno}"
    finally:
        os.close(fd)


def _before_replace(path: Path) -> None:
    """Called right before the content of ``path`` is compared and the new file renamed over it:
    nothing, except in tests that make a translator save at that very moment."""


def write_atomic(path: Path, data: bytes, *, scratch: Path | None = None, expected: object = ANY) -> bool:
    """Write ``data`` to ``path`` unless it already holds exactly that; return whether it wrote.

    The bytes go to a temporary file in ``scratch`` (default: beside ``path``; when ``scratch``
    is on another file system or mount, beside ``path`` too), are synced, then renamed over
    ``path``, and the folder is synced so that the rename survives a power cut.  The file
    keeps its permissions; a new one gets 0666 less the umask, as ``open`` gives.

    With ``expected`` (the :func:`content_digest` of the file as the run read it, None: it did
    not exist), what ``path`` holds is compared again right before the rename, and when it changed
    meanwhile nothing is written and :class:`ChangedMeanwhile` is raised: someone else's save wins.
    """
    path = Path(path)
    if expected is not ANY and current_digest(path) != expected:
        raise _changed(path)
    same, mode = _holds(path, data)
    if same:
        return False
    if mode is None:
        mode = 0o666 & ~_umask()
    path.parent.mkdir(parents=True, exist_ok=True)
    folder = path.parent
    if scratch is not None and _same_file_system(Path(scratch), path.parent):
        folder = Path(scratch)
    try:
        _write_and_replace(path, data, mode, folder, expected)
    except OSError as exc:
        if exc.errno != errno.EXDEV or folder == path.parent:
            raise
        # Another mount of the same file system (a bind mount): scratch beside the file instead.
        _write_and_replace(path, data, mode, path.parent, expected)
    _sync_folder(path.parent)
    return True


def _same_file_system(scratch: Path, folder: Path) -> bool:
    """Whether a file made in ``scratch`` can be renamed into ``folder`` (``scratch`` is made
    here, as a real folder: a link in its place is replaced, never followed)."""
    try:
        real_scratch(scratch)
        return os.stat(scratch).st_dev == os.stat(folder).st_dev
    except OSError:
        return False


def _write_and_replace(path: Path, data: bytes, mode: int, folder: Path, expected: object) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        _before_replace(path)
        if expected is not ANY and current_digest(path) != expected:
            raise _changed(path)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _changed(path: Path) -> ChangedMeanwhile:
    return ChangedMeanwhile(str(path), None, "changed after this run read it (someone saved it meanwhile); "
                            "it is left as it is, with their changes, and this run's update of it is not written",
                            "run again: the next run reads and merges it")


def _holds(path: Path, data: bytes) -> tuple[bool, int | None]:
    """Whether ``path`` is a regular file holding exactly ``data``, and its permissions (None: no
    regular file there).  Never blocks on a named pipe, and reads a file only when its size is
    that of ``data``: whatever stands at ``path`` that is not such a file is replaced."""
    return _holds_bytes(path, len(data), io.BytesIO(data))


def _holds_bytes(path: Path, size: int, data: BinaryIO) -> tuple[bool, int | None]:
    """:func:`_holds`, for ``size`` bytes read from ``data`` where it stands."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return False, None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return False, None
        mode = stat.S_IMODE(info.st_mode)
        if info.st_size != size:
            return False, mode
        with os.fdopen(os.dup(fd), "rb") as handle:
            return _same_bytes(handle, data), mode
    except OSError:
        return False, None
    finally:
        os.close(fd)


def _same_bytes(one: BinaryIO, other: BinaryIO) -> bool:
    """Whether two files hold the same bytes, read a block at a time: comparing a file of tens of
    megabytes (the parse cache) must not hold another copy of it."""
    while True:
        block = one.read(_MB)
        if block != other.read(_MB):
            return False
        if not block:
            return True


def write_atomic_streamed(path: Path, write: Callable[[BinaryIO], None], *, scratch: Path | None = None) -> bool:
    """:func:`write_atomic` for bytes too many to hold in memory at once (the parse cache: some
    24 MB at a thousand releases, which a ``bytes`` would hold beside the values it is made of):
    ``write`` writes them to the temporary file, which replaces ``path`` unless ``path`` already
    holds exactly those bytes (then nothing changes, and it returns False)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    folder = path.parent
    if scratch is not None and _same_file_system(Path(scratch), path.parent):
        folder = Path(scratch)
    try:
        written = _stream_and_replace(path, write, folder)
    except OSError as exc:
        if exc.errno != errno.EXDEV or folder == path.parent:
            raise
        # Another mount of the same file system (a bind mount): scratch beside the file instead.
        written = _stream_and_replace(path, write, path.parent)
    if written:
        _sync_folder(path.parent)
    return written


def _stream_and_replace(path: Path, write: Callable[[BinaryIO], None], folder: Path) -> bool:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w+b") as handle:
            write(handle)
            handle.flush()
            handle.seek(0)
            same, mode = _holds_bytes(path, os.fstat(handle.fileno()).st_size, handle)
            if same:
                Path(tmp).unlink()
                return False
            os.fchmod(handle.fileno(), 0o666 & ~_umask() if mode is None else mode)
            os.fsync(handle.fileno())
        _before_replace(path)
        os.replace(tmp, path)
        return True
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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


#: The folders files were renamed into whose sync waits (``folder_syncs_deferred``); None: sync at once.
_PENDING: ContextVar[set[Path] | None] = ContextVar("workflow_pending_folder_syncs", default=None)


@contextmanager
def folder_syncs_deferred() -> Iterator[None]:
    """Inside the block, a folder a file is renamed into (``write_atomic``) is synced once, by
    ``sync_folders()`` or when the block ends, not after each of its files.

    Each file's bytes are still synced before its rename, so a power cut never leaves a renamed
    file half-written: a rename not yet synced can only be lost, leaving the file as it was before
    the run, whole.  Syncing a folder after every file was half of a publish's syncs (a cold
    publish of 30 releases made 478, 1.1 s: 2 ms each on this machine's disk).  A run calls
    ``sync_folders()`` before it writes the records that describe its outputs (the manifest, the
    run record), so that no record outlives what it describes; a run cut short leaves records that
    do not match, and the next run does the work again."""
    pending: set[Path] = set()
    token = _PENDING.set(pending)
    try:
        yield
    finally:
        _PENDING.reset(token)
        _sync_all(pending)


def sync_folders() -> None:
    """Sync now every folder whose sync ``folder_syncs_deferred`` holds back."""
    pending = _PENDING.get()
    if pending:
        _sync_all(pending)


def _sync_all(pending: set[Path]) -> None:
    for folder in sorted(pending):
        _fsync_directory(folder)
    pending.clear()


def _sync_folder(folder: Path) -> None:
    pending = _PENDING.get()
    if pending is None:
        _fsync_directory(folder)
    else:
        pending.add(folder)


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


def real_scratch(folder: Path) -> Path:
    """Make ``folder`` (``.publish-tmp``) a real folder of this project: a link in its place (one
    committed to the repository, say) is removed and never followed, so that nothing is ever
    written or deleted where it leads; so is a file in its place."""
    folder = Path(folder)
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        info = None
    if info is not None and not stat.S_ISDIR(info.st_mode):
        what = "a link" if stat.S_ISLNK(info.st_mode) else "not a folder"
        log.warning("%s is %s; it is replaced by a folder of temporary files (what it leads to is left alone)",
                    folder, what)
        os.unlink(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def remove_stale_temporaries(folder: Path) -> int:
    """Delete what a killed run left in ``folder`` (``.publish-tmp``): temporary files, and the
    temporary folders of its libraries (``tmp/``); return how many.  A link, in place of the folder
    or inside it, is removed itself and never followed: nothing outside the folder is touched."""
    count = 0
    folder = Path(folder)
    if not os.path.lexists(folder):
        return 0
    real_scratch(folder)
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            try:
                os.unlink(os.path.join(dirpath, name))
                count += 1
            except FileNotFoundError:
                pass
    for dirpath, dirnames, _filenames in os.walk(folder, topdown=False, followlinks=False):
        for name in dirnames:
            try:
                os.rmdir(os.path.join(dirpath, name))
            except OSError:
                pass
    return count


@contextmanager
def private_tmpdir(scratch: Path, on_exit: Callable[[Path], None] | None = None) -> Iterator[Path]:
    """Give the run (and the worker processes it starts) a temporary folder of its own inside
    ``scratch``, on the project's file system, after removing what a killed run left there: what
    libraries make in it (WeasyPrint's folder of ``@font-face`` fonts) is removed at the end of the
    run (``on_exit(folder)`` first: what the process keeps there must be forgotten), and by the
    next run after a kill — never left in the machine's ``$TMPDIR``.  Hold the lock around it."""
    remove_stale_temporaries(scratch)
    folder = real_scratch(scratch) / f"tmp-{os.getpid()}"
    folder.mkdir(exist_ok=True)
    saved_env, saved_dir = os.environ.get("TMPDIR"), tempfile.tempdir
    os.environ["TMPDIR"] = str(folder)
    tempfile.tempdir = None  # read again from TMPDIR
    try:
        yield folder
    finally:
        if saved_env is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved_env
        tempfile.tempdir = saved_dir
        try:
            if on_exit is not None:
                on_exit(folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def publishing_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock so that two runs at once serialize.

    The lock is an ``flock`` on ``path``: the kernel releases it when a run is
    killed, so a stale lock never blocks; the pid a killed run left is reported.
    A link in place of ``path`` is never followed (what it leads to is never
    emptied): it is replaced by the lock file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as exc:
        if exc.errno not in (errno.ELOOP, errno.ENXIO):
            raise
        fd = None
    if fd is not None and not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        fd = None
    if fd is None:  # a link, a named pipe…: removed, and a lock file of our own in its place
        log.warning("%s is not a file (a link?); it is replaced by the lock file, and what it leads to is "
                    "left alone", path)
        os.unlink(path)
        fd = os.open(path, flags | os.O_EXCL, 0o644)
    os.set_blocking(fd, True)
    with os.fdopen(fd, "r+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("another publish is running (%s); waiting for it to finish", path)
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        previous = handle.read(64).strip()
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


def indented_json(value: object, *, levels: int) -> str:
    """``json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False)``, the same text, made
    item by item for the outer ``levels`` of dicts and lists.

    With an indent, ``json`` encodes in Python, and each level joins the pieces of its items: for
    the manifest of a thousand releases (3 MB of text, most of it Khmer, so two bytes a character)
    some 19 MB at once, at the end of a run, when the run holds the most.  Here each item is
    encoded alone and the pieces are joined once.  A JSON string holds no newline (it is
    escaped), so an item's lines are indented by adding spaces after each one.

    >>> data = {"b": [1, {"x": None}], "a": {"é": [], "c": {}}, "d": 1.5}
    >>> indented_json(data, levels=2) == json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False)
    True
    """
    return "".join(json_pieces(value, levels=levels))


class Made(Sequence):
    """``make(item)`` for each item of ``items``, made when it is asked for: what :func:`json_pieces`
    writes of records it must not hold all at once (``releases.json``, the run's outcomes).

    >>> made = Made([1, 2, 3], lambda n: {"n": n})
    >>> len(made), made[-1], made[:2]
    (3, {'n': 3}, [{'n': 1}, {'n': 2}])
    """

    def __init__(self, items: Sequence | Collection, make: Callable[[object], object]):
        self.items, self.make = items, make

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator:
        """Each item made in turn: ``items`` need only be a collection (``report.InOrder``)."""
        return map(self.make, self.items)

    def __getitem__(self, at):
        if isinstance(at, slice):
            return [self.make(item) for item in self.items[at]]
        return self.make(self.items[at])


def json_pieces(value: object, *, levels: int, inline: bool = False) -> Iterator[str]:
    """The text of :func:`indented_json`, piece by piece: what is too large to hold whole (the
    manifest of a thousand releases: 3 MB of text, 6 MB as a ``str``) is written as it is made.
    A ``Mapping`` of the outer levels that is not a dict (``workflow.shelf``: most values on
    disk), or a ``Sequence`` that is not a list (:class:`Made`: each item made as it is asked
    for), is read a value at a time, in its keys' order.  With ``inline``, each value
    below the outer levels is on one line (JSON still): a reader can take them a line at a time.

    >>> print("".join(json_pieces({"a": {"x": [1, {"y": 2}]}, "b": {}}, levels=2, inline=True)))
    {
     "a": {
      "x": [1, {"y": 2}]
     },
     "b": {}
    }
    """
    return _json_pieces(value, levels, 0, inline)


def json_lines(lines: Iterable[bytes]) -> Iterator[tuple[str, str | int | None, str]]:
    """Read back, a line at a time, an object that :func:`json_pieces` wrote with ``levels=2`` and
    ``inline``: ``(name, None, value)`` for each of its values written whole on its own line, and
    ``(name, key, value)`` for each entry of an object or ``(name, position, value)`` for each item
    of a list written an entry a line — each ``value`` as the JSON text of that line, for the reader
    to decode when it needs it (a run that reads its record only to compare two digests does not
    decode its outcomes).  Raises ValueError, as soon as it is seen, for anything else: other JSON,
    a file cut short, text that is not JSON; what was taken before may be partial.

    >>> text = "".join(json_pieces({"a": {"x": [1], "y": 2}, "b": [], "c": ["z"]}, levels=2, inline=True))
    >>> [(name, key, json.loads(value)) for name, key, value in json_lines(text.encode().splitlines(True))]
    [('a', 'x', [1]), ('a', 'y', 2), ('b', None, []), ('c', 0, 'z')]
    """
    lines = iter(lines)
    first = next(lines, b"").rstrip(b"\n")
    if first == b"{}" and not any(rest.strip() for rest in lines):
        return
    if first != b"{":
        raise ValueError("not an object written an entry a line")
    name: str | None = None  #: the object or list whose entries are being read
    closing = b""
    position = 0
    for raw in lines:
        line = raw.rstrip(b"\n")
        if line.startswith(b"  "):  # an entry of what is open: "key": value, or an item
            if name is None or line[2:3].isspace():  # indented JSON: an entry spread over lines
                raise ValueError("an entry outside any object or list, or over several lines")
            text = line[2:].rstrip(b",").decode("utf-8")
            if closing == b"]":
                yield name, position, text
                position += 1
            else:
                yield (name, *_named(text))
        elif name is not None and line.rstrip(b",") == b" " + closing:
            name = None
        elif line == b"}" and name is None:
            if any(rest.strip() for rest in lines):
                raise ValueError("text after the end of the object")
            return
        elif line.startswith(b" ") and not line.startswith(b"  ") and name is None:
            key, value = _named(line[1:].rstrip(b",").decode("utf-8"))
            if value in ("{", "["):
                name, closing, position = key, b"}" if value == "{" else b"]", 0
            else:
                yield key, None, value
        else:
            raise ValueError("a line out of place")
    raise ValueError("cut short")


def record_entries(path: Path) -> Iterator[tuple[str, str | int | None, str]]:
    """:func:`json_lines` of the record at ``path``, read a line at a time under
    ``MAX_LINED_RECORD_BYTES`` (each line under ``MAX_RECORD_BYTES``).  Raises what
    :func:`input_lines` raises (``FileNotFoundError``, a :class:`RefusedInput`) or ValueError as
    :func:`json_lines` does, when the entries are read."""
    with input_lines(path, limit=MAX_LINED_RECORD_BYTES, line_limit=MAX_RECORD_BYTES) as lines:
        yield from json_lines(lines)


_DECODER = json.JSONDecoder()


def _named(text: str) -> tuple[str, str]:
    """``"key": value`` → the key and the value's text."""
    key, end = _DECODER.raw_decode(text)
    rest = text[end:].lstrip()
    if not isinstance(key, str) or not rest.startswith(":"):
        raise ValueError("a value without a name")
    return key, rest[1:].strip()


def _json_pieces(value: object, levels: int, depth: int, inline: bool = False) -> Iterator[str]:
    mapping = isinstance(value, Mapping)
    sequence = isinstance(value, Sequence) and not isinstance(value, (str, bytes, bytearray))
    if levels <= 0 or not value or not (mapping or sequence) \
            or (mapping and not all(isinstance(key, str) for key in value)):  # json's own keys
        if mapping and not isinstance(value, dict):  # json encodes dicts and lists, not their kin
            value = dict(value)
        elif sequence and not isinstance(value, (list, tuple)):
            value = list(value)
        if inline:
            yield json.dumps(value, sort_keys=True, ensure_ascii=False)
            return
        text = json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False)
        yield text.replace("\n", "\n" + " " * depth) if depth else text
        return
    inner = ",\n" + " " * (depth + 1)
    if mapping:
        yield "{"
        for number, key in enumerate(sorted(value)):
            yield inner[number == 0:] + json.dumps(key, ensure_ascii=False) + ": "
            yield from _json_pieces(value[key], levels - 1, depth + 1, inline)
        yield "\n" + " " * depth + "}"
    else:
        yield "["
        for number, item in enumerate(value):
            yield inner[number == 0:]
            yield from _json_pieces(item, levels - 1, depth + 1, inline)
        yield "\n" + " " * depth + "]"
