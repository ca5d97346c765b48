"""The workspace's catalogs, releases and segments, most of them kept off the heap: memory that does
not grow with the project.

A publish reads every release and catalog first (the translation memory and the merge need them
all), then uses a release's catalogs while it builds that release's editions, and once more at the
end (the consistency check, the review pages).  Held as objects all run, the catalogs were most of
what grew with the number of releases: some 46 KB a release, 46 MB at a thousand; the releases
(their Markdown, front matter and segments) another 8 KB a release.  Here the first ``RESIDENT``
values of a shelf (and every ``ui.po``: each edition reads its language's) stay as they are; the
others are pickled into a temporary file (the system's temporary folder, gone with the process) as
soon as they are stored, and unpickled when asked for.  The last few asked for stay (``RECENT``),
so that the editions of one release, built one after the other, unpickle its catalogs once.  A
project of up to ``RESIDENT`` catalogs (and releases) pays nothing for it.

What comes back is what was stored: the parse cache already gives every run unpickled values
(``workflow.parsecache``), and nothing changes a catalog once it is in the workspace (a merge
makes a new one and stores it under the same key; one that changed nothing stores the very catalog
it was given, which is not written again); releases and segments are never changed.  A value that
cannot be pickled, or written to the file, simply stays in memory.

The run's manifest entries wait in shelves too (``buildcache.Cache.new``, ``pages.PdfQueue.kept``):
written once each, never changed in place, read back one at a time as the manifest is written.
"""

from __future__ import annotations

import logging
import pickle
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from typing import BinaryIO, Generic, TypeVar, overload

from workflow.model import Release, Segment
from workflow.parsecache import _append, _read_at
from workflow.po import Catalog
from workflow.project import UI_DOMAIN

log = logging.getLogger(__name__)

#: Values of a shelf kept as objects before any goes to the file: 256 catalogs (a hundred and
#: twenty-eight releases of three languages), or 256 releases and their segments: a few megabytes,
#: and no unpickling at all.
RESIDENT = 256
#: Spilled values kept as objects once unpickled, the most recently asked for: a release's catalogs.
RECENT = 4

#: In ``Shelf._keys``: the value is kept as an object.
_HELD = -1

K = TypeVar("K")
V = TypeVar("V")
Key = tuple[str, str]


class Shelf(MutableMapping[K, V], Generic[K, V]):
    """key → value, as a dict, with every value beyond ``resident`` on disk (but those ``always``
    keeps in memory, which do not count).

    Each key costs one entry of a dict (its value: where the key's value is, a small number) and
    16 bytes of two arrays: a value on disk is known by its offset and length in the file, not by
    a tuple of two ``int``s (some 120 bytes more a key, at a dozen keys a release across a run's
    shelves)."""

    def __init__(self, items: Mapping[K, V] | None = None, *, resident: int | None = None,
                 recent: int | None = None, always: Callable[[K], bool] | None = None):
        self.resident = RESIDENT if resident is None else resident
        self.recent = max(1, RECENT if recent is None else recent)
        self._always = always or (lambda key: False)
        #: every key, in the order it was first stored → its place in the file (an index of
        #: ``_offsets`` and ``_lengths``), or ``_HELD``: kept as an object, in ``_held``
        self._keys: dict[K, int] = {}
        self._held: dict[K, V] = {}
        self._offsets, self._lengths = array("q"), array("q")
        self._recent: OrderedDict[K, V] = OrderedDict()  #: unpickled lately, the latest last
        self._file: BinaryIO | None = None
        self._kept = 0  #: values in ``_held`` that count against ``resident``
        for key, value in (items or {}).items():
            self[key] = value

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[K]:
        return iter(list(self._keys))

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __getitem__(self, key: K) -> V:
        if key in self._held:
            return self._held[key]
        if key in self._recent:
            self._recent.move_to_end(key)
            return self._recent[key]
        place = self._keys[key]  # KeyError: not stored
        value = pickle.loads(self._read(self._offsets[place], self._lengths[place]))
        self._remember(key, value)
        return value

    def __setitem__(self, key: K, value: V) -> None:
        place = self._keys.get(key, _HELD)
        if place != _HELD and self._recent.get(key) is value:
            return  # the very value read back from the file (a merge that changed nothing): written already
        self._recent.pop(key, None)
        always = self._always(key)
        if key in self._held or always or (key not in self._keys and self._kept < self.resident):
            if key not in self._held and not always:
                self._kept += 1
            self._keys[key] = _HELD
            self._held[key] = value
            return
        written = self._write(key, value)
        if written is None:  # stays in memory: correct, only larger
            self._keys[key] = _HELD
            self._held[key] = value
            self._kept += 1
            return
        if place == _HELD:  # a new place (a key stored again keeps its own)
            place = len(self._offsets)
            self._offsets.append(0)
            self._lengths.append(0)
        self._offsets[place], self._lengths[place] = written
        self._keys[key] = place
        self._remember(key, value)  # just stored: the caller is likely to ask for it again soon

    def __delitem__(self, key: K) -> None:
        del self._keys[key]
        if self._held.pop(key, None) is not None and not self._always(key):
            self._kept -= 1
        self._recent.pop(key, None)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self._held)} in memory, {len(self._keys) - len(self._held)} on disk)"

    def _remember(self, key: K, value: V) -> None:
        self._recent[key] = value
        while len(self._recent) > self.recent:
            self._recent.popitem(last=False)

    def _write(self, key: K, value: V) -> tuple[int, int] | None:
        try:
            blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            self._file, offset = _append(self._file, blob)
        except Exception as exc:  # not picklable, a full disk: kept in memory instead
            log.debug("%r stays in memory: %s", key, exc)
            return None
        return offset, len(blob)

    def _read(self, offset: int, length: int) -> bytes:
        assert self._file is not None  # a place was written, so the file is there
        return _read_at(self._file, offset, length, "a shelf's temporary file is shorter than what was written to it")


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
    """A list that only grows (``append``), its items past ``resident`` pickled to a temporary file
    as they come: the names of the files a run wrote, a few a release, read back to count and list
    them at the end.  An item that cannot be written there stays in memory."""

    def __init__(self, *, resident: int | None = None):
        self.resident = RESIDENT if resident is None else resident
        self._held: list[V] = []  #: the first ``resident``
        self._offsets, self._lengths = array("q"), array("q")  #: then each one's place in the file
        self._stuck: dict[int, V] = {}  #: of those, by their number past ``_held``: not written (-1)
        self._file: BinaryIO | None = None

    def append(self, item: V) -> None:
        if len(self._held) < self.resident:
            self._held.append(item)
            return
        try:
            blob = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
            self._file, offset = _append(self._file, blob)
        except Exception as exc:  # not picklable, a full disk: kept in memory instead
            log.debug("%r stays in memory: %s", item, exc)
            self._stuck[len(self._offsets)] = item
            offset, blob = -1, b""
        self._offsets.append(offset)
        self._lengths.append(len(blob))

    def __len__(self) -> int:
        return len(self._held) + len(self._offsets)

    def _item(self, at: int) -> V:
        if at < len(self._held):
            return self._held[at]
        at -= len(self._held)
        if self._offsets[at] < 0:
            return self._stuck[at]
        assert self._file is not None  # a place was written, so the file is there
        return pickle.loads(_read_at(self._file, self._offsets[at], self._lengths[at],
                                     "a spool's temporary file is shorter than what was written to it"))

    def __repr__(self) -> str:
        return f"Spool({len(self._held)} in memory, {len(self._offsets) - len(self._stuck)} on disk)"


class Releases(_ListLike[Release]):
    """The releases read, in order, beyond ``RESIDENT`` on disk; their slugs always at hand
    (``slugs``, ``get``), so that what needs only those unpickles nothing."""

    def __init__(self, releases: Iterable[Release] = (), *, resident: int | None = None):
        self._shelf: Shelf[int, Release] = Shelf(resident=resident, recent=1)
        self.slugs: list[str] = []
        self._index: dict[str, int] = {}
        for rel in releases:
            self.append(rel)

    def append(self, rel: Release) -> None:
        self._index.setdefault(rel.slug, len(self.slugs))
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
