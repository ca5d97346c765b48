"""A persistent parse cache: a release or catalog whose bytes did not change is not parsed again.

Most runs follow a small edit (a translator fixes a comma in one catalog), yet every run read and
parsed every release (front matter, Markdown, segments, link checks) and every PO/POT file.  The
bytes are still read every run — ``Workspace.seen`` needs their digest, and ``read_input``'s checks
and limits come before anything else — but what parsing them produced is taken from
``.workflow-cache/parses.pickle`` at the project's root (outside ``output/``, which is what gets
published, and outside ``content/`` and ``locale/``, which are the run's inputs).

An entry's key is the sha256 of the file's bytes, with the kind of file, the path it is shown by
and its slug (the parse result names them); the whole file carries the digest of the code that
made it (``code_digest``: this package's source and templates, Python's version, the versions of
the libraries the readers use), so any change of code makes it unused.  The file holds only the
entries of the last run that wrote it (bounded: one entry a file read, the written catalogs'
new parse instead of the old one) and is written, atomically, only when something was parsed.

A cache is an optimisation, never a source of truth: a missing, damaged, truncated,
foreign-version or unreadable file, a folder or a link in its place, an entry of the wrong
type, or a folder that cannot be written all mean "parse again", never an error.

The values are pickled.  That is acceptable here because only this tool writes that folder, in
the project, with the same trust as the code it runs (whoever can write it can edit the
project's code and templates); still, the unpickler resolves only the few classes a parse
result is made of (``_ALLOWED``), nothing that could run code, and every loaded value's type is
checked before it is used.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import os
import pickle
import stat
import sys
from collections import Counter
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TypeVar

from workflow.model import Meta, Release, Segment
from workflow.po.model import Catalog, Entry

log = logging.getLogger(__name__)

FOLDER = ".workflow-cache"
NAME = "parses.pickle"
_MAGIC = b"mfaic-workflow parse cache 1\n"
#: Far above what a project of thousands of releases needs; a larger file is not read.
_MAX_BYTES = 512 * 1024 * 1024
#: The libraries whose version changes what the readers produce.
_READERS = ("polib", "pyyaml", "markdown", "regex", "khmercut")

#: Every parse this process made, by kind and shown path (a test counts them: a hit is not one).
parsed: Counter[str] = Counter()

#: The only globals a cached value may name (module, name).
_ALLOWED = frozenset({("workflow.model", "Release"), ("workflow.model", "Meta"), ("workflow.model", "Segment"),
                      ("workflow.po.model", "Catalog"), ("workflow.po.model", "Entry"),
                      ("workflow.po.model", "HeaderAsRead"), ("workflow.po.model", "CommentLines"),
                      ("datetime", "date")})

T = TypeVar("T")


class _Restricted(pickle.Unpickler):
    """An unpickler that resolves only ``_ALLOWED``: a file naming anything else is damaged."""

    allowed: frozenset[tuple[str, str]] = _ALLOWED

    def find_class(self, module: str, name: str) -> object:
        if (module, name) not in self.allowed:
            raise pickle.UnpicklingError(f"{module}.{name} is not a parse result")
        return super().find_class(module, name)


class _Plain(_Restricted):
    """The file's outer table: strings and bytes only."""

    allowed = frozenset()


def _loads(data: bytes, unpickler: type[pickle.Unpickler] = _Restricted) -> object:
    return unpickler(io.BytesIO(data)).load()


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """What the code that parses is: this package's files (as ``runstate`` hashes them for its
    no-op check), Python's version and the readers' libraries' versions."""
    from workflow import runstate

    package = Path(__file__).resolve().parent
    total = hashlib.sha256(sys.version.encode() + b"\0")
    for path in runstate._walk(package):
        if path.suffix in (".pyc", ".mo") or "__pycache__" in path.parts:
            continue
        total.update(str(path.relative_to(package)).encode() + b"\0" + runstate._file_digest(path) + b"\0")
    for library in _READERS:
        try:
            version = metadata.version(library)
        except metadata.PackageNotFoundError:
            version = "-"
        total.update(f"{library}={version}\0".encode())
    return total.hexdigest()


def _read_entries(path: Path, code: str) -> dict[str, bytes]:
    """The entries of the cache file when this code made it; empty for anything else.

    Only a regular file (never through a link, never a pipe), no bigger than ``_MAX_BYTES``, in
    a real folder, is read, and it is unpickled as it is read: the file's bytes are never held
    beside the entries they hold (some 24 MB each at a thousand releases)."""
    try:
        if not stat.S_ISDIR(os.lstat(path.parent).st_mode):
            return {}  # a link or a file where the folder should be: not ours
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return {}
    header = _MAGIC + code.encode() + b"\n"
    try:
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > _MAX_BYTES or handle.read(len(header)) != header:
                return {}
            table = _Plain(_Bounded(handle, _MAX_BYTES - len(header))).load()
    except Exception:  # unreadable, truncated or damaged: whatever unpickling raises, the cache is unused
        return {}
    if not isinstance(table, dict) or not all(isinstance(k, str) and isinstance(v, bytes) for k, v in table.items()):
        return {}
    return table


class _Bounded(io.RawIOBase):
    """A file read no further than ``left`` bytes (one that grows while it is read stays bounded)."""

    def __init__(self, handle: io.BufferedReader, left: int):
        super().__init__()
        self.handle, self.left = handle, left

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.left <= 0:
            raise OSError("the parse cache is larger than it may be")
        count = self.handle.readinto(memoryview(buffer)[: self.left])
        self.left -= count
        return count


def _is_release(value: object) -> bool:
    if not (isinstance(value, tuple) and len(value) == 3):
        return False
    release, segments, warnings = value
    return (isinstance(release, Release) and isinstance(release.meta, Meta) and isinstance(segments, list)
            and all(isinstance(s, Segment) for s in segments) and isinstance(warnings, list)
            and all(isinstance(w, tuple) and len(w) == 2 and (w[0] is None or isinstance(w[0], int))
                    and isinstance(w[1], str) for w in warnings))


def _is_catalog(value: object) -> bool:
    return isinstance(value, Catalog) and all(isinstance(entry, Entry) for entry in value)


#: A cached release: the release, its segments and the warnings reading it reported (line, message).
ReleaseParse = tuple[Release, list[Segment], list[tuple[int | None, str]]]


class _Capture(logging.Handler):
    """What a parse logged (a byte order mark skipped, a charset guessed), whatever the level
    the run shows: a parse that warned is not cached, so that every run says it again."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _capturing(parse: Callable[[], T]) -> tuple[T, list[logging.LogRecord]]:
    """``parse()``, and every record the package logged meanwhile, each then passed on as it
    would have been."""
    logger = logging.getLogger("workflow")
    capture, level, propagate = _Capture(), logger.level, logger.propagate
    logger.addHandler(capture)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        value = parse()
    finally:
        logger.removeHandler(capture)
        logger.setLevel(level)
        logger.propagate = propagate
        for record in capture.records:
            source = logging.getLogger(record.name)
            if source.isEnabledFor(record.levelno):
                source.handle(record)
    return value, capture.records


class ParseCache:
    """The parses of one run: those found in the cache file, and those made now."""

    def __init__(self, root: Path | None):
        self.path = None if root is None else Path(root) / FOLDER / NAME
        self.code = code_digest() if root is not None else ""
        self._found = _read_entries(self.path, self.code) if self.path is not None else {}
        self._now: dict[str, tuple[str, bytes]] = {}  #: name → (key, pickled value), this run's entries
        self._missed = False  #: something was parsed this run
        self._saved: frozenset[str] = frozenset()  #: the keys the file holds since this run wrote it

    @staticmethod
    def _key(kind: str, name: str, data: bytes) -> str:
        return hashlib.sha256(f"{kind}\0{name}\0".encode() + data).hexdigest()

    def _get(self, kind: str, name: str, data: bytes, parse: Callable[[], T], valid: Callable[[object], bool]) -> T:
        key = self._key(kind, name, data)
        blob = self._found.get(key)
        if blob is not None:
            try:
                value = _loads(blob)
            except Exception:  # a damaged entry: parsed again below
                value = None
            if valid(value):
                self._now[f"{kind}\0{name}"] = (key, blob)
                return value  # type: ignore[return-value]
        return self._parse(kind, name, key, parse)

    def _parse(self, kind: str, name: str, key: str, parse: Callable[[], T]) -> T:
        parsed[f"{kind}:{name}"] += 1
        value, said = _capturing(parse)
        # A warning is said again by parsing again; a note of a library found (once a process) is not.
        if not any(record.levelno >= logging.WARNING for record in said):
            self._store(kind, name, key, value)
        return value

    def _store(self, kind: str, name: str, key: str, value: object) -> None:
        # Pickled now, before any stage can change the value it returns (a merge edits a catalog).
        try:
            blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # not picklable: simply not cached
            log.debug("%s is not cached: %s", name, exc)
            return
        self._now[f"{kind}\0{name}"] = (key, blob)
        self._missed = True

    def release(self, data: bytes, name: str, slug: str, parse: Callable[[], ReleaseParse]) -> ReleaseParse:
        """What ``parse`` makes of a release's bytes (shown as ``name``), from the cache when it can."""
        return self._get("release", f"{name}\0{slug}", data, parse, _is_release)

    def catalog(self, data: bytes, name: str, parse: Callable[[], Catalog]) -> Catalog:
        """What ``parse`` makes of a PO/POT file's bytes (shown as ``name``), from the cache when it can."""
        return self._get("catalog", name, data, parse, _is_catalog)

    def remembered(self, kind: str, name: str, key: bytes, compute: Callable[[], T],
                   valid: Callable[[object], bool]) -> T:
        """What ``compute`` makes of inputs whose digest is ``key`` (a stage's result made of
        plain values: strings, numbers, lists, tuples, dicts), from the cache when it can."""
        return self._get(kind, name, key, compute, valid)

    def wrote_catalog(self, data: bytes, name: str, value: Catalog) -> None:
        """A catalog this run wrote, and its parse: the next run reads those bytes."""
        self._store("catalog", name, self._key("catalog", name, data), value)

    def close(self) -> None:
        """Let go of the entries (about 24 KB a release, kept as pickled bytes): once a publish has
        read its workspace, merged its catalogs and judged the templates' strings, nothing more is
        parsed through here, and at a thousand releases they would stay in memory all run.  Later
        calls parse without caching; ``save`` writes nothing."""
        self._found, self._now, self._missed = {}, {}, False
        self.path = None

    def save(self, project) -> None:
        """Write this run's entries, when something was parsed and they are not written yet
        (never an error: a cache that cannot be written only means the next run parses again).
        Called once the workspace is read, and again once the templates are."""
        table = {key: blob for key, blob in self._now.values()}
        if self.path is None or not self._missed or frozenset(table) == self._saved:
            return
        from workflow.fsutil import write_atomic_streamed

        def dump(handle) -> None:  # pickled into the file: never a second copy of the entries in memory
            handle.write(_MAGIC + self.code.encode() + b"\n")
            pickle.dump(table, handle, protocol=pickle.HIGHEST_PROTOCOL)

        try:
            if os.path.lexists(self.path.parent) and not stat.S_ISDIR(os.lstat(self.path.parent).st_mode):
                raise NotADirectoryError(f"{self.path.parent} is not a folder")
            write_atomic_streamed(self.path, dump, scratch=project.scratch)
        except OSError as exc:
            log.info("the parse cache %s could not be written (%s): the next run parses everything again",
                     project.relative(self.path), exc.strerror or exc)
            return
        self._saved = frozenset(table)
