"""Side-by-side review pages: one row per segment, a column per language.

Each cell shows the published text and its state (final, fuzzy, missing,
rejected); a fuzzy cell shows what changed in the source since it was
translated, as a word diff of the previous msgid (``#| msgid``) and the new one.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import polib

from workflow import catalog, checks
from workflow.model import Release, Segment


@dataclass(frozen=True)
class Change:
    """A run of words in a source diff: kept, removed or added."""

    op: str  #: "equal", "delete" or "insert"
    text: str


@dataclass(frozen=True)
class Cell:
    lang: str
    text: str
    state: str  #: "source", "final", "fuzzy", "missing" or "rejected"
    changes: tuple[Change, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Row:
    segment: Segment
    cells: tuple[Cell, ...]


@dataclass
class Review:
    release: Release
    languages: tuple[str, ...]
    rows: list[Row] = field(default_factory=list)
    stats: dict[str, catalog.Stats] = field(default_factory=dict)


def word_diff(old: str, new: str) -> tuple[Change, ...]:
    """What changed from ``old`` to ``new``, word by word.

    >>> [(c.op, c.text) for c in word_diff("a b c", "a x c")]
    [('equal', 'a'), ('delete', 'b'), ('insert', 'x'), ('equal', 'c')]
    """
    before, after = old.split(), new.split()
    changes = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if op in ("equal", "delete", "replace") and i2 > i1:
            changes.append(Change("equal" if op == "equal" else "delete", " ".join(before[i1:i2])))
        if op in ("insert", "replace") and j2 > j1:
            changes.append(Change("insert", " ".join(after[j1:j2])))
    return tuple(changes)


def _cell(lang: str, segment: Segment, po: polib.POFile | None) -> Cell:
    entry = next((e for e in po if e.msgid == segment.text and not e.obsolete), None) if po else None
    if entry is None or not entry.msgstr:
        return Cell(lang, "", "missing")
    if "fuzzy" in entry.flags:
        changes = word_diff(entry.previous_msgid, segment.text) if entry.previous_msgid else ()
        return Cell(lang, entry.msgstr, "fuzzy", changes, entry.tcomment or "")
    reason = checks.rejection(segment.text, entry.msgstr)
    if reason:
        return Cell(lang, entry.msgstr, "rejected", note=reason)
    return Cell(lang, entry.msgstr, "final")


def review(release: Release, segments: list[Segment], catalogs: dict[str, polib.POFile | None],
           languages: tuple[str, ...]) -> Review:
    """The review of one release: ``catalogs`` maps each target language to its catalog."""
    result = Review(release, languages)
    for lang, po in catalogs.items():
        if po is not None:
            result.stats[lang] = catalog.stats(po)
    seen = set()
    for segment in segments:
        if segment.text in seen:
            continue
        seen.add(segment.text)
        cells = tuple(Cell(lang, segment.text, "source") if lang == release.meta.lang
                      else _cell(lang, segment, catalogs.get(lang)) for lang in languages)
        result.rows.append(Row(segment, cells))
    return result
