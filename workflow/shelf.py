"""The workspace's catalogs, most of them kept off the heap: memory that does not grow with the project.

A publish reads every catalog first (the translation memory and the merge need them all), then
uses a release's catalogs while it builds that release's editions, and once more at the end (the
consistency check, the review pages).  Held as objects all run, the catalogs were most of what
grew with the number of releases: some 46 KB a release, 46 MB at a thousand.  Here the first
``RESIDENT`` release catalogs and every ``ui.po`` (each edition reads its language's) stay as they
are; the others are pickled into a temporary file (the system's temporary folder, gone with the
process) as soon as they are stored, and unpickled when asked for.  The last few asked for stay
(``RECENT``), so that the editions of one release, built one after the other, unpickle its
catalogs once.  A project of up to ``RESIDENT`` catalogs pays nothing for it.

What comes back is what was stored: the parse cache already gives every run unpickled catalogs
(``workflow.parsecache``), and nothing changes a catalog once it is in the workspace (a merge
makes a new one and stores it under the same key; one that changed nothing stores the very catalog
it was given, which is not written again).  A catalog that cannot be pickled, or written
to the file, simply stays in memory.
"""

from __future__ import annotations

import logging
import pickle
from collections import OrderedDict
from collections.abc import Iterator, MutableMapping
from typing import BinaryIO

from workflow.parsecache import _append, _read_at
from workflow.po import Catalog
from workflow.project import UI_DOMAIN

log = logging.getLogger(__name__)

#: Release catalogs kept as objects before any goes to the file (a hundred and twenty-eight
#: releases of three languages: a few megabytes, and no unpickling at all).
RESIDENT = 256
#: Spilled catalogs kept as objects once unpickled, the most recently asked for: a release's.
RECENT = 4

Key = tuple[str, str]


class CatalogShelf(MutableMapping[Key, Catalog]):
    """(lang, domain) → catalog, as a dict, with every catalog beyond ``resident`` on disk."""

    def __init__(self, items: dict[Key, Catalog] | None = None, *, resident: int | None = None,
                 recent: int | None = None):
        self.resident = RESIDENT if resident is None else resident
        self.recent = max(1, RECENT if recent is None else recent)
        self._keys: dict[Key, None] = {}  #: every key, in the order it was first stored (a dict's order)
        self._held: dict[Key, Catalog] = {}  #: kept as objects
        self._places: dict[Key, tuple[int, int]] = {}  #: in the file: (offset, length)
        self._recent: OrderedDict[Key, Catalog] = OrderedDict()  #: unpickled lately, the latest last
        self._file: BinaryIO | None = None
        self._kept = 0  #: release catalogs in ``_held``
        for key, value in (items or {}).items():
            self[key] = value

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[Key]:
        return iter(list(self._keys))

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __getitem__(self, key: Key) -> Catalog:
        if key in self._held:
            return self._held[key]
        if key in self._recent:
            self._recent.move_to_end(key)
            return self._recent[key]
        offset, length = self._places[key]  # KeyError: not stored
        value = pickle.loads(self._read(offset, length))
        self._remember(key, value)
        return value

    def __setitem__(self, key: Key, value: Catalog) -> None:
        if key in self._places and self._recent.get(key) is value:
            return  # the very catalog read back from the file (a merge that changed nothing): written already
        self._recent.pop(key, None)
        self._keys.setdefault(key, None)
        if key in self._held or key[1] == UI_DOMAIN or (key not in self._places and self._kept < self.resident):
            if key not in self._held and key[1] != UI_DOMAIN:
                self._kept += 1
            self._places.pop(key, None)
            self._held[key] = value
            return
        place = self._write(key, value)
        if place is None:  # stays in memory: correct, only larger
            self._held[key] = value
            self._places.pop(key, None)
            self._kept += 1
            return
        self._places[key] = place
        self._remember(key, value)  # just stored: the caller is likely to ask for it again soon

    def __delitem__(self, key: Key) -> None:
        del self._keys[key]
        if self._held.pop(key, None) is not None and key[1] != UI_DOMAIN:
            self._kept -= 1
        self._places.pop(key, None)
        self._recent.pop(key, None)

    def __repr__(self) -> str:
        return f"CatalogShelf({len(self._held)} in memory, {len(self._places)} on disk)"

    def _remember(self, key: Key, value: Catalog) -> None:
        self._recent[key] = value
        while len(self._recent) > self.recent:
            self._recent.popitem(last=False)

    def _write(self, key: Key, value: Catalog) -> tuple[int, int] | None:
        try:
            blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            self._file, offset = _append(self._file, blob)
        except Exception as exc:  # not picklable, a full disk: kept in memory instead
            log.debug("the %s catalog of %s stays in memory: %s", key[0], key[1], exc)
            return None
        return offset, len(blob)

    def _read(self, offset: int, length: int) -> bytes:
        assert self._file is not None  # a place was written, so the file is there
        return _read_at(self._file, offset, length, "the catalogs' temporary file is shorter than what was written to it")
