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
It is an index of where each entry is (a hash table on disk, checked whole by its digest when
the file is opened), then the entries' pickled values one after the other.  A run reads an
index record and an entry only when it asks for that entry, and holds neither: its new entries,
and the list of the entries it used, wait in temporary files, and the cache file is written from
there, one entry at a time (at a thousand releases the entries are some 36 MB).  What a run of
the cache holds in memory does not grow with the project.

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
import struct
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, TypeVar

from workflow import libraries
from workflow.model import Meta, Release, Segment
from workflow.po.model import Catalog, Entry

log = logging.getLogger(__name__)

FOLDER = ".workflow-cache"
NAME = "parses.pickle"
_MAGIC = b"mfaic-workflow parse cache 3\n"
#: An entry's place in the index: its key (a sha256), where its pickle starts, how long it is.
_RECORD = struct.Struct(">32sqq")
#: The file's last bytes: the sha256 of its index, and how many places the index has.
_TAIL = struct.Struct(">32sq")
#: An entry this run used: its kind and name (a digest of ``_NAME`` bytes), its key, whether it is
#: in this run's temporary file (else in the cache file), where, and how long.
_NAME = 16
_NOTE = struct.Struct(f">{_NAME}s32s?qq")
#: A place in the table of names ``save`` has met.
_NAMES = struct.Struct(f">{_NAME}s")
#: Far above what a project of thousands of releases needs; a larger file is not read.
_MAX_BYTES = 512 * 1024 * 1024
#: The libraries whose version changes what the readers produce.
_READERS = ("polib", "pyyaml", "markdown", "regex", "khmercut")

#: The level (below DEBUG) of the record each parse is told by, with the kind and file as ``parsed``.
PARSED = 5

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


def _loads(data: bytes) -> object:
    return _Restricted(io.BytesIO(data)).load()


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """What the code that parses is: this package's files (as ``runstate`` hashes them for its
    no-op check), Python's version and the readers' libraries' versions."""
    from workflow import runstate

    package = Path(__file__).resolve().parent
    total = hashlib.sha256(sys.version.encode() + b"\0")
    for name, path in runstate._files(package):
        total.update(name.encode() + b"\0" + runstate._file_digest(path) + b"\0")
    for library, version in libraries.versions(_READERS).items():
        total.update(f"{library}={version}\0".encode())
    return total.hexdigest()


def _read_index(path: Path, code: str) -> tuple[BinaryIO | None, _Table | None]:
    """The cache file, open, and its index (where each entry is in it), when this code made it;
    (None, None) for anything else.

    Only a regular file (never through a link, never a pipe), no bigger than ``_MAX_BYTES``, in
    a real folder, is used.  Nothing of it is held in memory: the index is read a record at a
    time, when a run asks for an entry, and so are the entry's bytes (a thousand releases'
    entries are some 36 MB, their index some 600 KB)."""
    try:
        if not stat.S_ISDIR(os.lstat(path.parent).st_mode):
            return None, None  # a link or a file where the folder should be: not ours
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None, None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            return None, None
        handle = os.fdopen(fd, "rb", buffering=0)
    except OSError:
        os.close(fd)
        return None, None
    try:
        index = _index_of(handle, _MAGIC + code.encode() + b"\n")
    except Exception:  # unreadable, truncated or damaged: the cache is unused
        index = None
    if index is None:
        handle.close()
        return None, None
    return handle, index


def _index_of(handle: BinaryIO, header: bytes) -> _Table | None:
    """The index of a cache file (see ``_write``), checked whole against the digest its tail
    carries, a piece at a time; None for anything else."""
    info = os.fstat(handle.fileno())
    size = info.st_size
    if not stat.S_ISREG(info.st_mode) or size > _MAX_BYTES or size < len(header) + _TAIL.size:
        return None
    if os.pread(handle.fileno(), len(header), 0) != header:
        return None
    digest, slots = _TAIL.unpack(os.pread(handle.fileno(), _TAIL.size, size - _TAIL.size))
    if slots < 1 or slots & (slots - 1) or len(header) + slots * _RECORD.size > size - _TAIL.size:
        return None
    index = _Table(handle, len(header), slots, end=size - _TAIL.size)
    return index if index.digest() == digest else None


def _write(handle: BinaryIO, code: str, entries: Iterable[tuple[bytes, bytes]], count: int) -> None:
    """A cache file of at most ``count`` entries: the header, the index (a hash table of
    ``_RECORD``s, twice as many places as entries, by key), each entry's pickled value one after
    the other, and the tail (``_TAIL``: the index's digest and its number of places).  An entry
    whose key is in already is left out.  Only ``handle`` holds the index while it is made:
    nothing here grows with the number of entries."""
    header = _MAGIC + code.encode() + b"\n"
    handle.seek(0)
    handle.write(header)
    index = _Table.empty(handle, len(header), count)
    end = index.end
    for key, blob in entries:
        if not index.add(key, end, len(blob)):
            continue
        handle.seek(end)
        handle.write(blob)
        end += len(blob)
    digest = index.digest()
    handle.seek(end)
    handle.write(_TAIL.pack(digest, index.slots))
    handle.truncate()


class _Slots:
    """A hash table of fixed-size records (``record``, its first field the key: a digest, never
    all zeros) kept in a file, from ``start``: ``slots`` places, a power of two, found by the
    key's first bytes and the next free one (open addressing).  It holds nothing in memory: each
    look is a read, each addition a write."""

    def __init__(self, handle: BinaryIO, start: int, slots: int, record: struct.Struct):
        self.handle, self.start, self.slots, self.record = handle, start, slots, record
        self.end = start + slots * record.size

    @staticmethod
    def places_for(count: int) -> int:
        """Enough places for ``count`` keys, each found in a read or two: at least twice as many."""
        return 1 << max(3, (2 * count).bit_length())

    def _places(self, key: bytes) -> Iterator[tuple[int, tuple | None]]:
        first, size = int.from_bytes(key[:8], "big"), self.record.size
        for probe in range(self.slots):  # bounded: a damaged table is never looped through forever
            at = self.start + ((first + probe) & (self.slots - 1)) * size
            self.handle.seek(at)
            data = self.handle.read(size)
            yield at, self.record.unpack(data) if len(data) == size else None

    def find(self, key: bytes) -> tuple | None:
        """The record of ``key``, or None."""
        for _at, fields in self._places(key):
            if fields is None or not any(fields[0]):
                return None
            if fields[0] == key:
                return fields
        return None

    def add(self, key: bytes, *rest: object) -> bool:
        """Whether ``key`` was added (False: it was in already).  OSError when the table is full."""
        for at, fields in self._places(key):
            if fields is None:
                raise OSError("a hash table's file is shorter than its places")
            if fields[0] == key:
                return False
            if not any(fields[0]):
                self.handle.seek(at)
                _write_all(self.handle, self.record.pack(key, *rest))
                return True
        raise OSError("a hash table is full")

    def _zeroed(self) -> None:
        """Every place empty: the file made as long as the table, with zeros."""
        self.handle.seek(self.end - 1)
        _write_all(self.handle, b"\0")

    def __iter__(self) -> Iterator[bytes]:
        """The keys, in the table's order."""
        for at in range(self.start, self.end, self.record.size):
            self.handle.seek(at)
            key = self.record.unpack(self.handle.read(self.record.size))[0]
            if any(key):
                yield key

    def digest(self) -> bytes:
        """The sha256 of the table's bytes, read a piece at a time."""
        total, at = hashlib.sha256(), self.start
        while at < self.end:
            self.handle.seek(at)
            piece = self.handle.read(min(1 << 16, self.end - at))
            if not piece:
                raise OSError("a hash table's file is shorter than its places")
            total.update(piece)
            at += len(piece)
        return total.digest()


class _Table(_Slots):
    """A cache file's index: key → where the entry's pickle is (offset, length), between the
    index's end and ``end`` (the tail)."""

    def __init__(self, handle: BinaryIO, start: int, slots: int, *, end: int | None = None):
        super().__init__(handle, start, slots, _RECORD)
        self.last = end

    @classmethod
    def empty(cls, handle: BinaryIO, start: int, count: int) -> _Table:
        table = cls(handle, start, cls.places_for(count))
        table._zeroed()
        return table

    def get(self, key: bytes) -> tuple[int, int] | None:
        fields = self.find(key)
        if fields is None:
            return None
        _key, offset, length = fields
        if not (self.end <= offset and 0 <= length and (self.last is None or offset + length <= self.last)):
            return None  # a record pointing outside the entries: none
        return offset, length

    def values(self) -> Iterator[tuple[int, int]]:
        for key in self:
            place = self.get(key)
            if place is not None:
                yield place


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
    """The parses of one run: those found in the cache file, and those made now.

    Nothing of them is held in memory that grows with the project.  An entry's pickled bytes stay
    where they are, in the cache file (found there) or in a temporary file (made now), and are
    read back only when they are used or written (36 MB at a thousand releases, when they were
    held as ``bytes``); the cache file's index is read a record at a time (``_Table``); and which
    entries this run used, and where each is, waits in another temporary file, a ``_NOTE`` each
    (some 2.4 KB a release, when it was a dict of names)."""

    def __init__(self, root: Path | None):
        self.path = None if root is None else Path(root) / FOLDER / NAME
        self.code = code_digest() if root is not None else ""
        self._file, self._index = _read_index(self.path, self.code) if self.path is not None else (None, None)
        self._spool: BinaryIO | None = None  #: this run's new entries, one after the other
        self._notes: BinaryIO | None = None  #: this run's entries, a ``_NOTE`` each, in the order they came
        self._noted = 0
        self._missed = False  #: something was parsed this run
        self._saved = 0  #: how many notes the file holds since this run wrote it

    @staticmethod
    def _key(kind: str, name: str, data: bytes) -> bytes:
        return hashlib.sha256(f"{kind}\0{name}\0".encode() + data).digest()

    def _blob(self, spooled: bool, offset: int, length: int) -> bytes:
        source = self._spool if spooled else self._file
        if source is None:
            raise OSError("the parse cache is closed")
        return _read_at(source, offset, length, "the parse cache is shorter than its index says")

    def _get(self, kind: str, name: str, data: bytes, parse: Callable[[], T], valid: Callable[[object], bool]) -> T:
        key = self._key(kind, name, data)
        place = self._index.get(key) if self._index is not None else None
        if place is not None:
            try:
                value = _loads(self._blob(False, *place))
            except Exception:  # a damaged entry: parsed again below
                value = None
            if valid(value):
                self._note(kind, name, key, False, *place)
                return value  # type: ignore[return-value]
        return self._parse(kind, name, key, parse)

    def _note(self, kind: str, name: str, key: bytes, spooled: bool, offset: int, length: int) -> None:
        """An entry this run used, and where it is, for ``save``.  One that cannot be noted (no
        room left) is simply not written: the next run parses that file again."""
        shown = hashlib.blake2b(f"{kind}\0{name}".encode(), digest_size=_NAME).digest()
        try:
            self._notes, _ = _append(self._notes, _NOTE.pack(shown, key, spooled, offset, length))
        except OSError as exc:
            log.debug("%s is not cached: %s", name, exc)
            return
        self._noted += 1

    def _parse(self, kind: str, name: str, key: bytes, parse: Callable[[], T]) -> T:
        # Told below DEBUG (``-v`` shows that), to whoever listens: the tests count parses so; a hit says nothing.
        log.log(PARSED, "%s is parsed: not in the parse cache", name.split("\0")[0],
                extra={"parsed": f"{kind}:{name}"})
        value, said = _capturing(parse)
        # A warning is said again by parsing again; a note of a library found (once a process) is not.
        if not any(record.levelno >= logging.WARNING for record in said):
            value = self._store(kind, name, key, value)
        return value

    def _store(self, kind: str, name: str, key: bytes, value: T, *, fresh: bool = True) -> T:
        """``value`` added to this run's entries; what the run goes on with is returned: with
        ``fresh``, the entry as the next run will read it, made again from its pickle.  Pickling a
        string that is not ASCII leaves a UTF-8 copy of it inside the string object (CPython's
        ``PyUnicode_AsUTF8AndSize``), for as long as the string lives: Khmer and French text,
        held all run, took twice its room after a cold run's parse (some 7 KB a release).  The
        strings made by unpickling have no such copy."""
        # Pickled now, before any stage can change the value it returns (a merge edits a catalog).
        try:
            blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            self._spool, offset = _append(self._spool, blob)
            again = _loads(blob) if fresh else value
        except Exception as exc:  # not picklable, or no room for it: simply not cached
            log.debug("%s is not cached: %s", name, exc)
            return value
        self._note(kind, name, key, True, offset, len(blob))
        self._missed = True
        return again  # type: ignore[return-value]

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
        """A catalog this run wrote, and its parse: the next run reads those bytes.  The run goes
        on with ``value`` itself, UTF-8 copies and all (``_store``): unpickling it again cost an
        update of 200 catalogs a third of its time, and the copies last only while the catalog
        is in memory, which the workspace's shelf bounds (``workflow.shelf``: past ``RESIDENT``
        catalogs, each goes to disk)."""
        self._store("catalog", name, self._key("catalog", name, data), value, fresh=False)

    def close(self) -> None:
        """Let go of the entries: once a publish has read its workspace, merged its catalogs and
        judged the templates' strings, nothing more is parsed through here.  Later calls parse
        without caching; ``save`` writes nothing."""
        for handle in (self._file, self._spool, self._notes):
            try:
                if handle is not None:
                    handle.close()
            except OSError:  # never an error: a cache is only an optimisation
                pass
        self._file, self._index, self._spool, self._notes = None, None, None, None
        self._noted, self._saved, self._missed, self.path = 0, 0, False, None

    def __del__(self) -> None:  # 'status', 'check', 'update-po' never close theirs: no open file left behind
        try:
            self.close()
        except Exception:  # never raised out of a finalizer
            pass

    def save(self, project) -> None:
        """Write this run's entries, when something was parsed and they are not written yet
        (never an error: a cache that cannot be written only means the next run parses again).
        Called once the workspace is read, and again once the templates are."""
        noted = self._noted
        if self.path is None or not self._missed or noted == self._saved:
            return
        from workflow.fsutil import write_atomic_streamed

        def dump(handle: BinaryIO) -> None:  # one entry at a time: never all of them in memory
            _write(handle, self.code, self._latest(noted), noted)

        try:
            if os.path.lexists(self.path.parent) and not stat.S_ISDIR(os.lstat(self.path.parent).st_mode):
                raise NotADirectoryError(f"{self.path.parent} is not a folder")
            write_atomic_streamed(self.path, dump, scratch=project.scratch)
        except OSError as exc:
            log.info("the parse cache %s could not be written (%s): the next run parses everything again",
                     project.relative(self.path), exc.strerror or exc)
            return
        self._saved = noted

    def _latest(self, noted: int) -> Iterator[tuple[bytes, bytes]]:
        """The first ``noted`` entries this run used, the last of each name only (a catalog this
        run wrote: its new parse, not the one read), as (key, pickled bytes): the notes are read
        from the last, and the names already met kept in a hash table in a temporary file."""
        if self._notes is None:
            return
        names = _Slots(_spool(), 0, _Slots.places_for(noted), _NAMES)
        try:
            names._zeroed()
            for at in range(noted - 1, -1, -1):
                shown, key, spooled, offset, length = _NOTE.unpack(
                    _read_at(self._notes, at * _NOTE.size, _NOTE.size, "the parse cache's notes are short"))
                if names.add(shown):
                    yield key, self._blob(spooled, offset, length)
        finally:
            names.handle.close()


def _spool() -> BinaryIO:
    """Where a run's new entries wait to be written: a temporary file (the system's temporary
    folder; gone with the process), or memory when none can be made.  Unbuffered: an entry that
    cannot be written (a full disk, ``ulimit -f``) fails where it is stored, and is not cached."""
    try:
        return tempfile.TemporaryFile(prefix="parses-", buffering=0)
    except OSError:
        return io.BytesIO()  # type: ignore[return-value]


def _append(spool: BinaryIO | None, blob: bytes) -> tuple[BinaryIO, int]:
    """A pickle's bytes written at the end of ``spool`` (a new one when None): the spool, and
    where they start, for :func:`_read_at`.  Raises what writing raises."""
    if spool is None:
        spool = _spool()
    offset = spool.seek(0, os.SEEK_END)
    _write_all(spool, blob)
    return spool, offset


def _read_at(source: BinaryIO, offset: int, length: int, short: str) -> bytes:
    """``length`` bytes of ``source`` from ``offset``, wherever its read position stands (a spool
    held in memory, when no temporary file could be made, too); OSError(``short``) if fewer."""
    if isinstance(source, io.BytesIO):
        with source.getbuffer() as view:
            blob = bytes(view[offset:offset + length])
    else:
        blob = os.pread(source.fileno(), length, offset)
    if len(blob) != length:
        raise OSError(short)
    return blob


def _write_all(handle: BinaryIO, data: bytes) -> None:
    """All of ``data``, however many writes it takes (an unbuffered file may take part of it)."""
    view = memoryview(data)
    while view:
        written = handle.write(view)
        if not written:
            raise OSError("nothing could be written")
        view = view[written:]
