"""Side-by-side review pages: one row per segment, a column per language.

Each cell shows the published text and its state (final, fuzzy, missing,
rejected); a fuzzy cell shows what changed in the source since it was
translated, as a word diff of the previous msgid (``#| msgid``) and the new one.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

import polib

from workflow import catalog, checks
from workflow import segment as segment_io
from workflow.checks import characters
from workflow.lang import khmer
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
    state: str  #: "source", "final", "fuzzy", "missing", "error" (a check error) or "rejected" (unsafe)
    changes: tuple[Change, ...] = ()
    note: str = ""
    #: The release the translation memory filled this text in from ("" when a translator typed it):
    #: nobody translated it for this release, so the reviewer sees where it came from.
    memory: str = ""


@dataclass(frozen=True)
class Row:
    segment: Segment
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Version:
    """An issued version of an edition, as the review page lists it."""

    number: int
    by: str
    day: str  #: ISO date of the approval
    sha256: str


@dataclass(frozen=True)
class Lifecycle:
    """Where one edition stands, who approved which version, and what to do next."""

    lang: str
    stage: str
    why: str = ""
    versions: tuple[Version, ...] = ()
    command: str = ""  #: the command that approves the edition as it is now ("" when nothing to approve)
    draft: str = ""  #: the page of the draft or pending revision, relative to the review page


@dataclass
class Review:
    release: Release
    languages: tuple[str, ...]
    rows: list[Row] = field(default_factory=list)
    stats: dict[str, catalog.Stats] = field(default_factory=dict)
    lifecycle: dict[str, Lifecycle] = field(default_factory=dict)
    #: (lang, msgid) → what changed from the issued text to the pending revision, word by word
    revisions: dict[tuple[str, str], tuple[Change, ...]] = field(default_factory=dict)

    @property
    def memory_filled(self) -> dict[str, int]:
        """lang → how many of its cells the translation memory filled in (final or fuzzy)."""
        counts: dict[str, int] = {}
        for row in self.rows:
            for cell in row.cells:
                if cell.memory:
                    counts[cell.lang] = counts.get(cell.lang, 0) + 1
        return counts


def _tokens(text: str) -> list[str]:
    """Words with the spaces after them; Khmer, written without spaces, split at the segmenter's
    word boundaries (else a one-word change would show as the whole sentence replaced)."""
    tokens = []
    for match in re.finditer(r"\S+\s*", text):
        word = match.group()
        if not khmer.has_khmer(word):
            tokens.append(word)
            continue
        cuts = [0, *khmer.word_breaks(word), len(word)]
        tokens += [word[a:b] for a, b in zip(cuts, cuts[1:]) if b > a]
    return tokens


def word_diff(old: str, new: str) -> tuple[Change, ...]:
    """What changed from ``old`` to ``new``, word by word (each word keeps the space after it).

    >>> [(c.op, c.text) for c in word_diff("a b c", "a x c")]
    [('equal', 'a '), ('delete', 'b '), ('insert', 'x '), ('equal', 'c')]
    >>> [(c.op, c.text) for c in word_diff("កិច្ចប្រជុំនៅភ្នំពេញ", "កិច្ចប្រជុំនៅសៀមរាប")]
    [('equal', 'កិច្ចប្រជុំនៅ'), ('delete', 'ភ្នំពេញ'), ('insert', 'សៀមរាប')]
    """
    before, after = _tokens(old), _tokens(new)
    changes = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if op in ("equal", "delete", "replace") and i2 > i1:
            changes.append(Change("equal" if op == "equal" else "delete", "".join(before[i1:i2])))
        if op in ("insert", "replace") and j2 > j1:
            changes.append(Change("insert", "".join(after[j1:j2])))
    return tuple(changes)


def visible(text: str) -> str:
    """A translation as the reviewer should see it: a character the checks refuse (a bidi control,
    an invisible format character, a separator) is shown as its code point, so that it neither
    hides nor reorders the text around it on the review page.

    >>> visible("R\u202eévil")
    'R⟨U+202E⟩évil'
    """
    return "".join(f"⟨U+{ord(ch):04X}⟩" if characters.why_refused(ch) else ch for ch in text)


def _cell(lang: str, segment: Segment, po: polib.POFile | None, source_lang: str,
          glossary: checks.Glossary | None, references: tuple = ()) -> Cell:
    entry = next((e for e in po if e.msgid == segment.text and not e.obsolete), None) if po else None
    if entry is None or not entry.msgstr:
        return Cell(lang, "", "missing")
    memory = catalog.memory_origin(entry)
    if "fuzzy" in entry.flags:
        changes = word_diff(entry.previous_msgid, segment.text) if entry.previous_msgid else ()
        return Cell(lang, visible(entry.msgstr), "fuzzy", changes, entry.tcomment or "", memory=memory)
    # The edition's own judgement, not a copy of it: refused, wrong, or final.
    from workflow.editions import judge  # imported when used: the editions stage renders with this module

    judged = judge(segment.text, entry.msgstr, source_lang=source_lang, lang=lang, glossary=glossary,
                   kind=segment.kind, references=references)
    note = "; ".join(map(str, judged.problems))
    if judged.text is None:
        return Cell(lang, visible(entry.msgstr), "rejected", note=note, memory=memory)
    if judged.errors:
        return Cell(lang, entry.msgstr, "error", note=note, memory=memory)
    return Cell(lang, entry.msgstr, "final", note=note, memory=memory)


def review(release: Release, segments: list[Segment], catalogs: dict[str, polib.POFile | None],
           languages: tuple[str, ...], glossary: checks.Glossary | None = None) -> Review:
    """The review of one release: ``catalogs`` maps each target language to its catalog."""
    result = Review(release, languages)
    references = segment_io.link_definitions(release.body)
    for lang, po in catalogs.items():
        if po is not None:
            result.stats[lang] = catalog.stats(po, references)
    seen = set()
    for segment in segments:
        if segment.text in seen:
            continue
        seen.add(segment.text)
        cells = tuple(Cell(lang, segment.text, "source") if lang == release.meta.lang
                      else _cell(lang, segment, catalogs.get(lang), release.meta.lang, glossary, references)
                      for lang in languages)
        result.rows.append(Row(segment, cells))
    return result


def issued_changes(current: list[Segment], issued: list[Segment], translations: dict[str, str],
                   published: dict[str, str]) -> dict[str, tuple[Change, ...]]:
    """For each current segment whose published text differs from the issued version's, the word
    diff from the issued text to the current one.  Segments are paired in document order
    (difflib on their source texts), so an edited sentence is compared with what it replaced.

    ``translations`` are the issued texts by msgid (empty for the source edition), ``published``
    the current ones.

    >>> seg = lambda text: Segment(text, "paragraph", "x.md", 1)
    >>> changes = issued_changes([seg("A b.")], [seg("A c.")], {"A c.": "Un c."}, {"A b.": "Un b."})
    >>> [(c.op, c.text) for c in changes["A b."]]
    [('equal', 'Un '), ('delete', 'c.'), ('insert', 'b.')]
    """
    old = [s.text for s in issued]
    new = [s.text for s in current]
    found = {}
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        pairs = zip(range(i1, i2), range(j1, j2)) if op in ("equal", "replace") else ()
        for i, j in pairs:
            before = translations.get(old[i], old[i]) if translations else old[i]
            after = published.get(new[j], new[j]) if published else new[j]
            if before != after:
                found[new[j]] = word_diff(before, after)
    return found
