"""The termbase: official renderings of titles, institutions, countries and organisations.

Where the file lives and why: ``locale/glossary/<lang>.po``, one standard gettext catalog per
language, whose msgid is the English term (the concept) and whose msgstr is that language's
approved rendering; a plural (``msgid_plural``/``msgstr[n]``) gives the plural forms.  A PO file
is what the contractors already open in Poedit, Lokalize, Weblate or Virtaal (Virtaal and
Translate Toolkit's ``pofilter --tmx/--glossary`` read PO terminology too), each translator
edits only their own language's file, and Git shows a change of one term as one line.  A single
TBX or CSV would put three languages in one file that every contractor edits, in a format most
of their tools only import.  The folder is outside ``LC_MESSAGES``, so the build never takes a
glossary for a release catalog.  English is the pivot: a release written in French or Khmer is
checked through the concepts whose French or Khmer rendering its text has.

Fuzzy and empty entries are not approved and are ignored.  Matching forgives what inflection
and typing change: case, accents, ’ or ', hyphen or space, a plural ``s``/``x``; Khmer is matched
without its spaces, on word boundaries found by the segmenter (:mod:`workflow.lang.khmer`), so
``ព្រះរាជាណាចក្របែលហ្ស៊ិក`` contains ``បែលហ្ស៊ិក`` but ``តុលាការ`` does not contain ``តុលា``.
Where the source holds a longer term around a shorter one ("Kingdom of Cambodia" around
"Cambodia"), only the longer one is required.  A form no rule can derive (French inflects a title
for a woman: ``ambassadrice``, ``Première ministre``) is another entry of the same msgid with a
``msgctxt`` ("woman"): every rendering of a term found in the source is accepted.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from workflow.lang import khmer
from workflow.checks.base import MEMO, Entry, Problem, Severity, check
from workflow.model import WorkflowError

#: Where the termbase lives, relative to the project root.
GLOSSARY_DIR = Path("locale") / "glossary"
#: The language the concepts (msgids) are written in.
PIVOT = "en"

_LETTER = r"A-Za-z0-9\u00c0-\u024f\u1e00-\u1eff"
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'", "‐": "-", "‑": "-", "–": "-"})
_COMPACT_DROP = frozenset(" \t\n\u00a0\u202f\u2009\u200b\u200c\u200d")


@dataclass(frozen=True)
class Term:
    """One concept: its renderings per language, and where each is written."""

    forms: Mapping[str, tuple[str, ...]]
    where: Mapping[str, str]

    def name(self) -> str:
        return self.forms.get(PIVOT, ("?",))[0]


class Glossary:
    """The approved terms, looked up by the language of a text.

    Never changed once made: ``workflow.editions.judge`` remembers its judgements by the
    glossary's identity (its default hash)."""

    def __init__(self, terms: Iterable[Term] = ()):
        self.terms = tuple(terms)

    def __len__(self) -> int:
        return len(self.terms)

    def __repr__(self) -> str:
        return f"Glossary({len(self)} terms)"

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, str | tuple[str, ...]]]) -> Glossary:
        """A glossary from {lang: form or forms} rows (for tests and scripts).

        >>> g = Glossary.from_rows([{"en": "Secretary of State", "fr": "secrétaire d’État"}])
        >>> g.lacking("the Secretary of State spoke", "en", "le ministre a parlé", "fr")[0][1]
        ('secrétaire d’État',)
        """
        terms = []
        for row in rows:
            forms = {lang: (value,) if isinstance(value, str) else tuple(value) for lang, value in row.items()}
            terms.append(Term(forms, {lang: "<glossary>" for lang in forms}))
        return cls(terms)

    def lacking(self, source: str, source_lang: str, target: str, lang: str) -> list[tuple[str, tuple[str, ...], str]]:
        """The source's terms whose approved rendering the target lacks: (term as in the source,
        accepted renderings, where the rendering is written)."""
        found: dict[tuple[int, int, bool], list[tuple[Term, str]]] = {}
        for term in self.terms:
            if not term.forms.get(lang):
                continue
            for form in term.forms.get(source_lang, ()):
                for span in _spans(form, source):
                    found.setdefault(span, []).append((term, form))
        lacking = []
        for span, hits in _outermost(found).items():
            accepted = tuple(dict.fromkeys(f for term, _ in hits for f in term.forms[lang]))
            if not any(_spans(form, target) for form in accepted):
                lacking.append((hits[0][1], accepted, hits[0][0].where.get(lang, "")))
        return lacking


def _outermost(found: dict[tuple[int, int, bool], list]) -> dict[tuple[int, int, bool], list]:
    """The spans not inside a longer one (of the same kind of text)."""
    return {span: hits for span, hits in found.items()
            if not any(o != span and o[2] == span[2] and o[0] <= span[0] and span[1] <= o[1] for o in found)}


def _spans(form: str, text: str) -> list[tuple[int, int, bool]]:
    """Where ``form`` occurs in ``text``, as (start, end, is_khmer) spans."""
    if khmer.has_khmer(form):
        return [(a, b, True) for a, b in _khmer_spans(form, text)]
    folded = _fold(text)
    return [(m.start(), m.end(), False) for m in _latin_pattern(form).finditer(folded)]


@functools.lru_cache(maxsize=MEMO)
def _fold(text: str) -> str:
    """Latin text without case, accents and typing variants (Khmer letters lose their signs: not used there)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch) or "\u1780" <= ch <= "\u17ff")
    return re.sub(r"\s+", " ", bare.casefold())


@functools.lru_cache(maxsize=4096)
def _latin_pattern(form: str) -> re.Pattern[str]:
    words = []
    for word in _fold(form).split():
        piece = re.escape(word).replace(r"\-", "[- ]")
        if len(word) >= 3 and word[-1].isalpha():
            piece += "(?:s|x|es)?"
        words.append(piece)
    return re.compile(rf"(?<![{_LETTER}])" + " ".join(words) + rf"(?![{_LETTER}])")


@functools.lru_cache(maxsize=MEMO)
def _compact(text: str) -> tuple[str, tuple[int, ...]]:
    """Text without spaces and zero-width marks, and each kept character's offset in ``text``."""
    kept = [(i, ch) for i, ch in enumerate(text) if ch not in _COMPACT_DROP]
    return "".join(ch for _, ch in kept), tuple(i for i, _ in kept)


@functools.lru_cache(maxsize=MEMO)
def _breaks(text: str) -> frozenset[int]:
    return frozenset(khmer.word_breaks(text))


def _khmer_spans(form: str, text: str) -> Iterator[tuple[int, int]]:
    needle, _ = _compact(form)
    hay, offsets = _compact(text)
    if not needle:
        return
    start = hay.find(needle)
    while start != -1:
        a, b = offsets[start], offsets[start + len(needle) - 1] + 1
        if _edge(text, a) and _edge(text, b):
            yield a, b
        start = hay.find(needle, start + 1)


def _edge(text: str, pos: int) -> bool:
    """True if a word may start or end at ``pos`` (the text's end, a non-Khmer neighbour, a segmenter break)."""
    if pos in (0, len(text)) or not (khmer.is_khmer(text[pos - 1]) and khmer.is_khmer(text[pos])):
        return True
    return pos in _breaks(text)


def load_glossary(root: Path) -> Glossary:
    """The project's termbase, ``locale/glossary/<lang>.po``; no folder → an empty glossary.

    A file that is not a valid PO catalog raises :class:`workflow.model.WorkflowError` with its line.
    """
    from workflow import po as pofile
    from workflow.fsutil import MAX_CATALOG_BYTES, read_input

    folder = Path(root) / GLOSSARY_DIR
    concepts: dict[tuple[str | None, str], dict[str, tuple[str, ...]]] = {}
    where: dict[tuple[str | None, str], dict[str, str]] = {}
    for path in sorted(folder.glob("*.po")) if folder.is_dir() else ():
        shown = str(GLOSSARY_DIR / path.name)
        try:
            po = pofile.read_po_bytes(read_input(path, limit=MAX_CATALOG_BYTES, root=Path(root), shown=shown,
                                                 what="glossary file"), path=shown)
        except pofile.PoSyntaxError as exc:
            own = exc.hint != pofile.PoSyntaxError.hint  # what to do about this error in particular
            raise WorkflowError(shown, exc.line, exc.message, exc.hint if own else "fix the line or re-export the "
                                "glossary from your translation tool") from exc
        except OSError as exc:
            raise WorkflowError(shown, None, f"cannot read the glossary: {exc.strerror}") from exc
        lang = _language(po, path, shown)
        for entry in po:
            if entry.obsolete or not entry.msgid or "fuzzy" in entry.flags:
                continue
            key = (entry.msgctxt, entry.msgid)
            forms = concepts.setdefault(key, {PIVOT: tuple(f for f in (entry.msgid, entry.msgid_plural) if f)})
            where.setdefault(key, {PIVOT: f"{shown}:{entry.linenum}"})
            rendered = [entry.msgstr] if not entry.msgid_plural else [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
            rendered = [r.strip() for r in rendered if r and r.strip()]
            if rendered:
                forms[lang] = tuple(dict.fromkeys(rendered))
                where[key][lang] = f"{shown}:{entry.linenum}"
    return Glossary(Term(forms, where[key]) for key, forms in concepts.items())


def _language(po, path: Path, shown: str) -> str:
    """The file's language: its name, which its Language header must not contradict."""
    header = (po.metadata.get("Language") or "").strip()
    if header and header.split("_")[0] != path.stem:
        raise WorkflowError(shown, 1, f"the Language header says {header!r} but the file is named {path.name}",
                            f"name the file {header.split('_')[0]}.po or correct the header")
    return path.stem


@check("glossary")
def glossary(entry: Entry) -> Iterator[Problem]:
    """Where the source has an official term, the translation uses its approved rendering (locale/glossary/<lang>.po)."""
    if entry.glossary is None or not len(entry.glossary) or entry.same_language:
        return
    for found, accepted, where in entry.glossary.lacking(entry.source.prose, entry.source_lang,
                                                          entry.target.prose, entry.lang):
        choice = " or ".join(f"“{a}”" for a in accepted[:3])
        yield Problem("glossary", Severity.ERROR, f"the source says “{found}”, which the approved terms ({where}) "
                      f"render {choice}: use that rendering in the translation")
