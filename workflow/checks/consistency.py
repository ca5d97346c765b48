"""Consistency: one source text, one translation, across every catalog of a language.

An official phrase translated two ways in two releases (or twice in the templates' strings)
makes readers wonder whether two things are meant.  The check compares translations without
their spacing and hand-typed word breaks, and names both places; it is a warning, since a
context may call for another wording.  Pass only final translations (not fuzzy ones); a
``msgctxt`` may be given gettext's way, as ``context + "\\x04" + msgid``, to keep contexts apart.

A publish compares every catalog of a language, and the catalogs of a thousand releases do not
fit in memory at once (``workflow.shelf``), nor should every entry's texts: it first tallies what
each distinct source is translated as in a few bytes (:class:`Tally`), and only if some source has
two translations (rare: each one is a warning) reads the catalogs again for those sources alone,
which :func:`check_consistency` then compares as it would have compared them all.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable, MutableMapping

from workflow.checks.base import Problem, Severity, check, excerpt

Place = tuple[str, "int | None"]


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).replace("\u200b", "").split())


def source_key(msgid: str) -> int:
    """What :class:`Tally` keeps of a source, and what its :meth:`Tally.disagreeing` are: sources
    that compare equal have the same key.

    >>> source_key("Phnom  Penh") == source_key("Phnom Penh\u200b") != source_key("Phnom-Penh")
    True
    """
    return _digest(_norm(msgid))


def _digest(text: str) -> int:
    """Eight bytes of BLAKE2b for a text: a fixed size whatever its length.  Two texts with one
    digest by chance (about 1 in 10^19 a pair) would at worst hide one inconsistency; a source
    wrongly taken for another only costs a second look (:func:`check_consistency` compares the
    texts themselves)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


#: What :class:`Tally` keeps of a source once it has two translations: no digest is negative.
_SEVERAL = -1


class Tally:
    """The first pass of the check across many catalogs: for each distinct source text, only
    whether it has been translated two ways, in two digests, never the texts, nor anything of
    each entry.  Kept in ``firsts`` (a dict unless given: about 120 bytes a distinct source,
    which grows with an archive; a publish gives a ``workflow.shelf.Shelf``, past a few thousand
    on disk).

    >>> tally = Tally()
    >>> for msgid, msgstr in [("Minister", "ministre"), ("Minister", " ministre"), ("Prime", "premier"),
    ...                       ("Prime", "Premier"), ("Prime", "premier")]:
    ...     tally.add(msgid, msgstr)
    >>> tally.disagreeing() == {source_key("Prime")}
    True
    """

    __slots__ = ("_first",)

    def __init__(self, firsts: MutableMapping[int, int] | None = None) -> None:
        #: source key → the digest of its first translation, or ``_SEVERAL``
        self._first: MutableMapping[int, int] = {} if firsts is None else firsts

    def add(self, msgid: str, msgstr: str) -> None:
        """One entry, as :func:`check_consistency` takes it (an empty side is not compared)."""
        if not (msgid and msgstr):
            return
        key = source_key(msgid)
        first = self._first.get(key)
        if first == _SEVERAL:
            return  # already known: spare the digest of a long translation
        text = _digest(_norm(msgstr))
        if first is None:
            self._first[key] = text
        elif first != text:
            self._first[key] = _SEVERAL

    def disagreeing(self) -> set[int]:
        """The keys (:func:`source_key`) of the sources translated two ways or more."""
        return {key for key, first in self._first.items() if first == _SEVERAL}


def _where(place: Place) -> str:
    path, line = place
    return f"{path}:{line}" if line else path


@check("consistency", per_entry=False)
def check_consistency(entries: Iterable[tuple[str, int | None, str, str]]) -> dict[Place, list[Problem]]:
    """The same source text is translated the same way everywhere in a language (else a warning naming both places)."""
    # The entries of the sources a Tally finds translated two ways give the same problems as
    # every entry: a source's problems depend on its own entries only, in the order they come.
    by_source: dict[str, dict[str, list[Place]]] = {}
    for path, line, msgid, msgstr in entries:
        if msgid and msgstr:
            by_source.setdefault(_norm(msgid), {}).setdefault(_norm(msgstr), []).append((path, line))
    found: dict[Place, list[Problem]] = {}
    for translations in by_source.values():
        if len(translations) < 2:
            continue
        for text, places in translations.items():
            other_text, other_places = next((t, p) for t, p in translations.items() if t != text)
            more = sum(len(p) for t, p in translations.items() if t != text) - 1
            also = f" (and {more} more)" if more > 0 else ""
            message = (f"the same source is translated {excerpt(other_text, width=20)} at "
                       f"{_where(other_places[0])}{also}, here {excerpt(text, width=20)}: use one translation")
            for place in places:
                found.setdefault(place, []).append(Problem("consistency", Severity.WARNING, message))
    return found
