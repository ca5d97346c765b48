"""The workspace's catalogs, releases and segments, most of them kept off the heap: memory that does
not grow with the project.

A publish reads every release and catalog first (the translation memory and the merge need them
all), then uses a release's catalogs while it builds that release's editions, and once more at the
end (the consistency check, the review pages).  Held as objects all run, the catalogs were most of
what grew with the number of releases: some 46 KB a release, 46 MB at a thousand; the releases
(their Markdown, front matter and segments) another 8 KB a release.  Here the first ``RESIDENT``
values of a shelf (and every ``ui.po``: each edition reads its language's) stay as they are; the
others are pickled, with their keys, into a temporary SQLite database (``_Store``: the system's
temporary folder, gone with the process) as soon as they are stored, and unpickled when asked for.
Neither the values nor the keys on disk are held in memory, so a shelf's memory does not grow
with the number of its keys.  The last few asked for stay (``RECENT``), so that the editions of
one release, built one after the other, unpickle its catalogs once.  A project of up to
``RESIDENT`` catalogs (and releases) pays nothing for it, and does not even load SQLite.

What comes back is what was stored: the parse cache already gives every run unpickled values
(``workflow.parsecache``), and nothing changes a catalog once it is in the workspace (a merge
makes a new one and stores it under the same key; one that changed nothing stores the very catalog
it was given, which is not written again); releases and segments are never changed.  A value that
cannot be pickled, or written to the store, simply stays in memory.

The run's manifest entries wait in shelves too (``buildcache.Cache.new``, ``pages.PdfQueue.kept``):
written once each, never changed in place, read back one at a time as the manifest is written; so
do the records of every edition (``report.Report.done``), the files a run wrote (``Spool``), the
releases' slugs (``Releases``), and the order in which the indexes list the releases (``Ranked``).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import os
import pickle
import threading
import weakref
from collections import OrderedDict
from collections.abc import (
    Callable,
    Collection,
    ItemsView,
    Iterable,
    Iterator,
    Mapping,
    MutableMapping,
    Sequence,
)
from operator import itemgetter
from typing import Generic, TypeVar, overload

from workflow.model import Release, Segment
from workflow.po import Catalog
from workflow.project import UI_DOMAIN

log = logging.getLogger(__name__)

#: Values of a shelf kept as objects before any goes to the file: 256 catalogs (a hundred and
#: twenty-eight releases of three languages), or 256 releases and their segments: a few megabytes,
#: and no unpickling at all.
RESIDENT = 256
#: Spilled values kept as objects once unpickled, the most recently asked for: a release's catalogs.
RECENT = 4
#: The pages of the store SQLite keeps in memory, at most (KiB): what it reads and writes goes
#: through them, whatever the number of values on disk.
CACHE_KIB = 1024

K = TypeVar("K")
V = TypeVar("V")
Key = tuple[str, str]


class _Store:
    """Where every shelf of this process keeps what is not in memory: a temporary SQLite database
    (the system's temporary folder, gone with the connection), one table for all, each row a key
    of one shelf (its number), the order it was first stored in, the key as written (``_written``)
    and pickled, and its value pickled.  SQLite finds a key in its own index on disk, through a
    bounded cache of pages (``CACHE_KIB``): neither the values nor the keys past a shelf's first
    few hundred are held in memory, however many there are."""

    def __init__(self) -> None:
        import sqlite3  # only once a shelf has more than it keeps in memory

        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.db = sqlite3.connect("", isolation_level=None, check_same_thread=False)
        for pragma in ("journal_mode = OFF", "synchronous = OFF", f"cache_size = -{CACHE_KIB}"):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.execute("CREATE TABLE kv (shelf INTEGER NOT NULL, seq INTEGER NOT NULL, k TEXT NOT NULL, "
                        "key BLOB NOT NULL, value BLOB NOT NULL, PRIMARY KEY (shelf, k))")
        self.db.execute("CREATE UNIQUE INDEX kv_order ON kv (shelf, seq)")
        # ``Translations``: a translation memory's entries, found by their source or its length.
        self.db.execute("CREATE TABLE tm (memory INTEGER NOT NULL, msgid BLOB NOT NULL, size INTEGER NOT NULL, "
                        "msgstr BLOB NOT NULL, origin BLOB NOT NULL, doubtful INTEGER NOT NULL, "
                        "seq INTEGER NOT NULL, PRIMARY KEY (memory, msgid))")
        self.db.execute("CREATE INDEX tm_size ON tm (memory, size, seq)")
        # ``Ranked``: places ranked by a day and a name, the latest first (``back``: the place
        # negated, so that one descending order of the key is the whole order).
        self.db.execute("CREATE TABLE ranked (ranking INTEGER NOT NULL, day INTEGER NOT NULL, name BLOB NOT NULL, "
                        "back INTEGER NOT NULL, tags TEXT NOT NULL, PRIMARY KEY (ranking, day, name, back))")
        # One transaction, never committed: nothing here outlives the process, and a transaction
        # of its own took some 40 % of each statement's time.
        self.db.execute("BEGIN")
        self.numbers = itertools.count(1)
        #: One cursor for every statement: each new one would leave a reference in the connection.
        self.cursor = self.db.cursor()
        self.forgotten: list[int] = []  #: shelves let go, whose rows are still there

    def one(self, sql: str, params: tuple) -> tuple | None:
        with self.lock:
            return self.cursor.execute(sql, params).fetchone()

    def all(self, sql: str, params: tuple) -> list[tuple]:
        with self.lock:
            return self.cursor.execute(sql, params).fetchall()

    def change(self, sql: str, params: tuple) -> int:
        """How many rows ``sql`` changed (the rows of shelves let go are deleted first)."""
        with self.lock:
            while self.forgotten:
                number = self.forgotten.pop()
                self.cursor.execute("DELETE FROM kv WHERE shelf = ?", (number,))
                self.cursor.execute("DELETE FROM tm WHERE memory = ?", (number,))
                self.cursor.execute("DELETE FROM ranked WHERE ranking = ?", (number,))
            return self.cursor.execute(sql, params).rowcount

    def forget(self, shelf: int) -> None:
        """A shelf let go: its rows are deleted with the next change.  Called by the garbage
        collector, which may run in the middle of any statement of this very thread: it takes
        no lock and runs no statement (taking the lock there hung a publish for good)."""
        self.forgotten.append(shelf)


_store: _Store | None = None
_store_lock = threading.Lock()


def _the_store() -> _Store:
    """This process's store, made when first needed (a process started by ``fork`` makes its own)."""
    global _store
    with _store_lock:
        if _store is None or _store.pid != os.getpid():
            _store = _Store()
        return _store


def _written(key: object) -> str:
    """A key as the store finds it: ``repr`` of a string, a number, or a tuple of those and None
    (each written one way only); TypeError for any other key, whose value then stays in memory."""
    if type(key) in (str, int) or (type(key) is tuple and all(type(part) in _PARTS for part in key)):
        return repr(key)
    raise TypeError(f"a key of type {type(key).__name__} is not stored on disk")


#: What a tuple written as a key may hold (``_written``): a finding's line may be None.
_PARTS = (str, int, type(None))


class Shelf(MutableMapping[K, V], Generic[K, V]):
    """key → value, as a dict, with every value beyond ``resident`` on disk (but those ``always``
    keeps in memory, which do not count), in the process's store (``_Store``).

    A key in memory costs what a dict's key costs; a key on disk costs nothing here (it had cost
    an entry of a dict and 16 bytes of two arrays: some 1.5 KB a release across a run's shelves).
    Keys come back in the order they were first stored, as a dict's do."""

    def __init__(self, items: Mapping[K, V] | None = None, *, resident: int | None = None,
                 recent: int | None = None, always: Callable[[K], bool] | None = None):
        self.resident = RESIDENT if resident is None else resident
        self.recent = max(1, RECENT if recent is None else recent)
        self._always = always or (lambda key: False)
        self._held: dict[K, V] = {}  #: the values kept as objects
        self._order: dict[K, int] = {}  #: and when each of their keys was first stored
        self._recent: OrderedDict[K, V] = OrderedDict()  #: unpickled lately, the latest last
        self._kept = 0  #: values in ``_held`` that count against ``resident``
        self._next = 0  #: the order of the next key stored
        self._spilled = 0  #: keys on disk
        self._disk: _Store | None = None
        self._number = 0  #: this shelf's in the store
        self.writes = 0  #: values written to disk
        for key, value in (items or {}).items():
            self[key] = value

    def __len__(self) -> int:
        return len(self._held) + self._spilled

    def __iter__(self) -> Iterator[K]:
        """The keys in the order first stored (those stored meanwhile are not met)."""
        held = sorted((order, key) for key, order in self._order.items()) if self._order else []
        if not self._spilled:
            return iter([key for _, key in held])
        return (key for _, key in heapq.merge(held, self._on_disk(self._next), key=itemgetter(0)))

    def _on_disk(self, before: int, *, values: bool = False) -> Iterator[tuple]:
        """(order, key) of each key on disk stored before ``before``, in order, or (order, key,
        value): a page of rows at a time."""
        after = -1
        columns = "seq, key, value" if values else "seq, key"
        while True:
            rows = self._disk.all(f"SELECT {columns} FROM kv WHERE shelf = ? AND seq > ? AND seq < ? ORDER BY seq "
                                  "LIMIT 256", (self._number, after, before)) if self._disk else []
            if not rows:
                return
            for row in rows:
                yield (row[0], pickle.loads(row[1]), *(pickle.loads(blob) for blob in row[2:]))
            after = rows[-1][0]

    def items(self) -> ItemsView[K, V]:
        return _Items(self)

    def _pairs(self) -> Iterator[tuple[K, V]]:
        """(key, value) in the order first stored, the values on disk read with their keys (a key
        at a time, each would be a statement of its own)."""
        held = sorted((order, key, self._held[key]) for key, order in self._order.items()) if self._order else []
        if not self._spilled:
            return iter([(key, value) for _, key, value in held])
        merged = heapq.merge(held, self._on_disk(self._next, values=True), key=itemgetter(0))
        # One unpickled lately is given as it is: the very object (``__setitem__`` knows it by that).
        return ((key, self._recent.get(key, value)) for _, key, value in merged)

    def __contains__(self, key: object) -> bool:
        return key in self._held or self._place(key) is not None

    def _place(self, key: object) -> str | None:
        """The key as written, if it is on disk."""
        if not self._spilled or self._disk is None:
            return None
        try:
            written = _written(key)
        except TypeError:
            return None
        found = self._disk.one("SELECT 1 FROM kv WHERE shelf = ? AND k = ?", (self._number, written))
        return written if found else None

    def __getitem__(self, key: K) -> V:
        if key in self._held:
            return self._held[key]
        if key in self._recent:
            self._recent.move_to_end(key)
            return self._recent[key]
        row = None
        if self._spilled and self._disk is not None:
            try:
                written = _written(key)
            except TypeError:
                raise KeyError(key) from None
            row = self._disk.one("SELECT value FROM kv WHERE shelf = ? AND k = ?", (self._number, written))
        if row is None:
            raise KeyError(key)
        value = pickle.loads(row[0])
        self._remember(key, value)
        return value

    def __setitem__(self, key: K, value: V) -> None:
        if key in self._held:
            self._held[key] = value
            return
        if key in self._recent and self._recent[key] is value:
            return  # the very value read back from disk (a merge that changed nothing): written already
        on_disk = self._place(key)
        self._recent.pop(key, None)
        always = self._always(key)
        if on_disk is None and (always or self._kept < self.resident):
            self._hold(key, value, self._take(), counts=not always)
            return
        if self._write(key, value, on_disk):
            self._remember(key, value)  # just stored: the caller is likely to ask for it again soon
            return
        # Cannot be written: stays in memory, where it was first stored in the order (correct, only larger).
        order = self._take()
        if on_disk is not None:
            row = self._disk.one("SELECT seq FROM kv WHERE shelf = ? AND k = ?", (self._number, on_disk))
            order = row[0] if row else order
            self._disk.change("DELETE FROM kv WHERE shelf = ? AND k = ?", (self._number, on_disk))
            self._spilled -= 1
        self._hold(key, value, order, counts=True)

    def _take(self) -> int:
        self._next += 1
        return self._next - 1

    def _hold(self, key: K, value: V, order: int, *, counts: bool) -> None:
        self._held[key] = value
        self._order[key] = order
        self._kept += counts

    def _write(self, key: K, value: V, on_disk: str | None) -> bool:
        """Whether ``value`` went to disk (not picklable, a key of another type, a full disk: no)."""
        try:
            blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            if self._disk is None:  # the first value this shelf puts on disk
                disk = _the_store()
                self._disk, self._number = disk, next(disk.numbers)
                weakref.finalize(self, disk.forget, self._number)
            if on_disk is not None:
                self._disk.change("UPDATE kv SET value = ? WHERE shelf = ? AND k = ?", (blob, self._number, on_disk))
            else:
                self._disk.change("INSERT INTO kv VALUES (?, ?, ?, ?, ?)", (
                    self._number, self._take(), _written(key), pickle.dumps(key, protocol=pickle.HIGHEST_PROTOCOL),
                    blob))
                self._spilled += 1
        except Exception as exc:  # noqa: BLE001 - whatever pickling or the store raises: kept in memory instead
            log.debug("%r stays in memory: %s", key, exc)
            return False
        self.writes += 1
        return True

    def __delitem__(self, key: K) -> None:
        self._recent.pop(key, None)
        if key in self._held:
            del self._held[key], self._order[key]
            if not self._always(key):
                self._kept -= 1
            return
        on_disk = self._place(key)
        if on_disk is None:
            raise KeyError(key)
        self._disk.change("DELETE FROM kv WHERE shelf = ? AND k = ?", (self._number, on_disk))
        self._spilled -= 1

    def clear(self) -> None:
        """Every key let go at once (``MutableMapping.clear`` takes them one by one)."""
        self._held.clear()
        self._order.clear()
        self._recent.clear()
        self._kept = 0
        if self._spilled and self._disk is not None:
            self._disk.change("DELETE FROM kv WHERE shelf = ?", (self._number,))
        self._spilled = 0

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self._held)} in memory, {self._spilled} on disk)"

    def _remember(self, key: K, value: V) -> None:
        self._recent[key] = value
        while len(self._recent) > self.recent:
            self._recent.popitem(last=False)


class _Items(ItemsView[K, V]):
    """A shelf's items, each value read with its key."""

    def __iter__(self) -> Iterator[tuple[K, V]]:
        return self._mapping._pairs()


class Translations:
    """A translation memory's entries on disk, in the process's store (``_Store``): source →
    (translation, origin, doubtful), in the order each source was first learnt, found by its
    source or by its length (a similarity search reads only the sources of a length that can
    match, a length at a time).  None of them is held in memory.  Texts are kept as UTF-8 that
    lets a lone surrogate through (``_text``): whatever a catalog held comes back as it was."""

    def __init__(self) -> None:
        self._disk = _the_store()
        self._number = next(self._disk.numbers)
        self._next = 0
        self._count = 0
        weakref.finalize(self, self._disk.forget, self._number)

    def __len__(self) -> int:
        return self._count

    def learn(self, msgid: str, msgstr: str, origin: str, doubtful: bool) -> None:
        """Keep ``msgid``'s translation, unless one is known already — a doubtful one gives way to
        one that is not (``catalog.Memory.add``'s rule), keeping its place in the order."""
        self._next += 1
        key, value, where = _bytes(msgid), _bytes(msgstr), _bytes(origin)
        if self._disk.change("INSERT OR IGNORE INTO tm VALUES (?, ?, ?, ?, ?, ?, ?)",
                             (self._number, key, len(msgid), value, where, int(doubtful), self._next)):
            self._count += 1
        elif not doubtful:
            self._disk.change("UPDATE tm SET msgstr = ?, origin = ?, doubtful = 0 "
                              "WHERE memory = ? AND msgid = ? AND doubtful = 1", (value, where, self._number, key))

    def get(self, msgid: str) -> tuple[str, str, bool] | None:
        """``msgid``'s translation, its origin and whether it is doubtful; None when unknown."""
        found = self._disk.one("SELECT msgstr, origin, doubtful FROM tm WHERE memory = ? AND msgid = ?",
                               (self._number, _bytes(msgid)))
        return None if found is None else (_text(found[0]), _text(found[1]), bool(found[2]))

    def sizes(self, low: int, high: int) -> list[int]:
        """The lengths of the sources between ``low`` and ``high`` (both included), each once, in order."""
        return [size for (size,) in self._disk.all(
            "SELECT DISTINCT size FROM tm WHERE memory = ? AND size BETWEEN ? AND ? ORDER BY size",
            (self._number, low, high))]

    def of_size(self, size: int) -> list[tuple[int, str]]:
        """Every source of that length, with its place in the order, in that order."""
        return [(seq, _text(source)) for seq, source in self._disk.all(
            "SELECT seq, msgid FROM tm WHERE memory = ? AND size = ? ORDER BY seq", (self._number, size))]


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _text(data: bytes) -> str:
    return data.decode("utf-8", "surrogatepass")


class Ranked:
    """Places (numbers: where each item is in a ``Spool``) ranked by a day and a name, the latest
    day first, then the name last in order first, then the place first stored; each with the tags
    it is listed under.  Read back in that order (:meth:`of`: those of one tag, or all).

    What the indexes list, newest first: a list of every release's place, sorted in memory, grew
    with the archive (some 250 bytes a release).  Past ``resident`` places the rows are in the
    process's store (``_Store``), where SQLite keeps them in that order and they are read a page
    at a time; below it, nothing is written.  Only the number of places of each tag is held."""

    def __init__(self, *, resident: int | None = None):
        self.resident = RESIDENT if resident is None else resident
        self._held: list[tuple[int, str, int, tuple[str, ...]]] = []
        self._ranked = True  #: ``_held`` is in order
        self._counts: dict[str | None, int] = {None: 0}
        self._disk: _Store | None = None
        self._number = 0

    def add(self, day: int, name: str, place: int, tags: Iterable[str]) -> None:
        tags = tuple(tags)
        for tag in (None, *tags):
            self._counts[tag] = self._counts.get(tag, 0) + 1
        if self._disk is None and len(self._held) < self.resident:
            self._held.append((day, name, place, tags))
            self._ranked = False
            return
        if self._disk is None:  # the first past ``resident``: those held go to disk with it
            self._disk = _the_store()
            self._number = next(self._disk.numbers)
            weakref.finalize(self, self._disk.forget, self._number)
            held, self._held = self._held, []
            for row in held:
                self._write(*row)
        self._write(day, name, place, tags)

    def _write(self, day: int, name: str, place: int, tags: tuple[str, ...]) -> None:
        self._disk.change("INSERT INTO ranked VALUES (?, ?, ?, ?, ?)",
                          (self._number, day, _bytes(name), -place, _tagged(tags)))

    def of(self, tag: str | None = None) -> Collection[int]:
        """The places of ``tag`` (None: every place), in order: counted without reading them, and
        read again each time they are gone through."""
        return _RankedPlaces(self, tag)

    def _places(self, tag: str | None) -> Iterator[int]:
        if self._disk is None:
            if not self._ranked:
                self._held.sort(key=lambda row: (row[0], row[1], -row[2]), reverse=True)
                self._ranked = True
            return (place for _day, _name, place, tags in self._held if tag is None or tag in tags)
        return self._read(tag)

    def _read(self, tag: str | None) -> Iterator[int]:
        """From the store, a page of rows at a time, each page after the last row of the one before."""
        only = "" if tag is None else " AND instr(tags, ?) > 0"
        tagged = () if tag is None else (_tagged((tag,)),)
        after = ""
        bound: tuple = ()
        while True:
            rows = self._disk.all(f"SELECT day, name, back FROM ranked WHERE ranking = ?{only}{after} "
                                  "ORDER BY day DESC, name DESC, back DESC LIMIT 256",
                                  (self._number, *tagged, *bound))
            if not rows:
                return
            for _day, _name, back in rows:
                yield -back
            after, bound = " AND (day, name, back) < (?, ?, ?)", rows[-1]

    def __repr__(self) -> str:
        where = f"{self._counts[None]} on disk" if self._disk else f"{len(self._held)} in memory"
        return f"Ranked({where})"


def _tagged(tags: tuple[str, ...]) -> str:
    """Tags as the store keeps them, each between two separators, found with ``instr``; none is
    one separator, where not even an empty tag is found.

    >>> _tagged(("en", "fr")), _tagged(()), _tagged(("",))
    ('\\x1fen\\x1ffr\\x1f', '\\x1f', '\\x1f\\x1f')
    """
    return "\x1f" + "\x1f".join(tags) + "\x1f" if tags else "\x1f"


class _RankedPlaces(Collection[int]):
    """:meth:`Ranked.of`: its places, counted without being read."""

    def __init__(self, ranked: Ranked, tag: str | None):
        self.ranked, self.tag = ranked, tag

    def __len__(self) -> int:
        return self.ranked._counts.get(self.tag, 0)

    def __iter__(self) -> Iterator[int]:
        return self.ranked._places(self.tag)

    def __contains__(self, place: object) -> bool:
        return any(place == mine for mine in self)


class CatalogShelf(Shelf[Key, Catalog]):
    """(lang, domain) → catalog, with every ``ui.po`` in memory."""

    def __init__(self, items: dict[Key, Catalog] | None = None, *, resident: int | None = None,
                 recent: int | None = None):
        super().__init__(items, resident=resident, recent=recent, always=_is_ui)


def _is_ui(key: Key) -> bool:
    return key[1] == UI_DOMAIN


class SegmentShelf(Shelf[str, list[Segment]]):
    """slug → the release's segments."""


class _ListLike(Sequence[V]):
    """A sequence that reads as a list does (an index from the end, a slice, IndexError), equals a
    list (or tuple) of the same items, and is unhashable; ``_item`` gives one item."""

    def _item(self, at: int) -> V:
        raise NotImplementedError

    @overload
    def __getitem__(self, at: int) -> V: ...

    @overload
    def __getitem__(self, at: slice) -> list[V]: ...

    def __getitem__(self, at: int | slice) -> V | list[V]:
        if isinstance(at, slice):
            return [self._item(i) for i in range(len(self))[at]]
        return self._item(range(len(self))[at])  # IndexError as a list's

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (_ListLike, list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


class Spool(_ListLike[V]):
    """A list that only grows (``append``), its items past ``resident`` on disk (a ``Shelf`` by
    their number) as they come: the names of the files a run wrote, a few a release, read back
    to count and list them at the end.  An item that cannot be written there stays in memory."""

    def __init__(self, *, resident: int | None = None):
        self.resident = RESIDENT if resident is None else resident
        self._held: list[V] = []  #: the first ``resident``
        self._rest: Shelf[int, V] = Shelf(resident=0, recent=1)  #: then the others, by their number past those

    def append(self, item: V) -> None:
        if len(self._held) < self.resident:
            self._held.append(item)
            return
        self._rest[len(self._rest)] = item

    def __len__(self) -> int:
        return len(self._held) + len(self._rest)

    def _item(self, at: int) -> V:
        if at < len(self._held):
            return self._held[at]
        return self._rest[at - len(self._held)]

    def __repr__(self) -> str:
        return f"Spool({len(self._held)} in memory, {self._rest._spilled} on disk)"


class Releases(_ListLike[Release]):
    """The releases read, in order, beyond ``RESIDENT`` on disk; their slugs always at hand
    (``slugs``, ``get``), so that what needs only those unpickles nothing."""

    def __init__(self, releases: Iterable[Release] = (), *, resident: int | None = None):
        self._shelf: Shelf[int, Release] = Shelf(resident=resident, recent=1)
        self.slugs: Spool[str] = Spool(resident=resident)
        self._index: Shelf[str, int] = Shelf(resident=resident, recent=1)  #: slug → where the first of it is
        for rel in releases:
            self.append(rel)

    def append(self, rel: Release) -> None:
        if rel.slug not in self._index:
            self._index[rel.slug] = len(self.slugs)
        self._shelf[len(self.slugs)] = rel
        self.slugs.append(rel.slug)

    def known(self, slug: str) -> bool:
        """Whether a release of that slug was read (nothing unpickled)."""
        return slug in self._index

    def get(self, slug: str) -> Release | None:
        """The release of that slug (the first read, were there two), or None."""
        at = self._index.get(slug)
        return None if at is None else self._shelf[at]

    def __len__(self) -> int:
        return len(self.slugs)

    def __iter__(self) -> Iterator[Release]:
        for at in range(len(self.slugs)):
            yield self._shelf[at]

    def _item(self, at: int) -> Release:
        return self._shelf[at]

    def __repr__(self) -> str:
        return f"Releases({len(self)}: {self._shelf!r})"
