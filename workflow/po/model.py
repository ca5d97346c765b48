"""The catalog the reader returns: polib's own classes, with what polib cannot hold exactly.

polib strips trailing blanks from comments, loses empty comment lines and rebuilds the header
from a dict.  GNU ``msgcat`` writes them back as they were, so the reader keeps them, as
declared fields of these subclasses, beside polib's: an :class:`Entry`'s comment lines as written
and a :class:`Catalog`'s header entry as read.  :mod:`workflow.po.write` uses them only while
polib's fields still say the same (an edited comment or header is written from polib's fields).
Everything else is plain polib: ``entry.fuzzy``, ``po.translated_entries()``,
``po.obsolete_entries()``, ``po.metadata``…; the writer takes any ``polib.POFile`` too.

>>> entry = Entry(msgid="Hello", msgstr="Bonjour", as_read=CommentLines(("  spaced  ",), ()))
>>> entry.fuzzy, entry.as_read.translator, isinstance(entry, polib.POEntry)
(False, ('  spaced  ',), True)
"""

from __future__ import annotations

from dataclasses import dataclass

import polib

__all__ = ["Catalog", "CommentLines", "Entry", "HeaderAsRead"]


@dataclass(frozen=True)
class CommentLines:
    """An entry's comment lines exactly as the file had them (polib strips and drops some)."""

    translator: tuple[str, ...]  #: ``#`` lines, without the one space after ``#``
    extracted: tuple[str, ...]  #: ``#.`` lines, likewise


@dataclass(frozen=True)
class HeaderAsRead:
    """The header entry as read, and polib's header fields as they were made from it: while
    ``po.header``, ``po.metadata`` and ``po.metadata_is_fuzzy`` still say ``fields``, the header is
    written back as it was read."""

    entry: polib.POEntry
    fields: tuple


class Entry(polib.POEntry):
    """A ``polib.POEntry`` that knows its comment lines as written (``as_read``; None when made in
    memory)."""

    def __init__(self, *args, as_read: CommentLines | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.as_read = as_read


class Catalog(polib.POFile):
    """A ``polib.POFile`` of :class:`Entry` objects that knows its header entry as read
    (``header_as_read``; None when the file had none or it was made in memory)."""

    def __init__(self, *args, header_as_read: HeaderAsRead | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.header_as_read = header_as_read
