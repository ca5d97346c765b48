"""Characters a translation may not bring: invisible ones that change what a reader sees, and
ones no bundled font can draw.

A bidirectional override (U+202E) in a title reverses the text after it on the index page and
in the PDF's Title; a zero-width no-break space (U+FEFF) or an invisible operator hides inside a
word and defeats the glossary and URL checks; a line separator (U+2028) breaks a line where the
Markdown has none; a private-use character means something only in one font; a noncharacter is
not text; an emoji has no glyph in the bundled fonts, so the PDF would print an empty box (the
PDF stage refuses it, which used to cost the whole edition's PDF, named by its release).  Refused
here, in the one judgement of a translation (:func:`workflow.checks.markup.rejection`), each is
an error naming the catalog and the entry's line, and only that entry gives way to its source.

Format characters a language needs are kept (measured on the eight real catalogs in
``../shared/corpus``: 3,910 U+200B in three Khmer catalogs, and no other format, private-use or
separator character at all):

- U+200B ZERO WIDTH SPACE: Khmer writes no spaces between words and some teams mark word breaks
  with it (the ``khmer`` check warns: the typesetter inserts its own);
- U+200C ZERO WIDTH NON-JOINER and U+200D ZERO WIDTH JOINER: they ask a shaping engine for or
  against a joined form (Unicode's chapters on Indic scripts, Khmer among them) and move nothing;
- U+00AD SOFT HYPHEN and U+2060 WORD JOINER: a hyphenation point and a no-break mark, French and
  English typography, invisible unless the line breaks there.

Every other character of category Cf (bidi marks, embeddings, overrides and isolates, U+FEFF,
invisible operators, tags...), Zl and Zp, Co (private use), Cn (noncharacters and code points
this Python's Unicode does not assign) and Cc (but tab and line feed) is refused when the source
does not hold it.
"""

from __future__ import annotations

import functools
import unicodedata

#: Format characters a language may need (see the module docstring).
KEPT_FORMAT = frozenset("\u00ad\u200b\u200c\u200d\u2060")
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _name(char: str) -> str:
    code = ord(char)
    name = unicodedata.name(char, "")
    return f"U+{code:04X}" + (f" ({name})" if name else "")


def why_refused(char: str) -> str | None:
    """Why ``char`` may not be in a translation (None: it may).

    >>> why_refused("\\u202e")
    'the bidirectional control U+202E (RIGHT-TO-LEFT OVERRIDE), which reorders the text around it as readers see it'
    >>> why_refused("\\u200b") is None, why_refused("é") is None
    (True, True)
    """
    if char in "\t\n":
        return None
    category = unicodedata.category(char)
    if category == "Cc":
        return f"the control character U+{ord(char):04X}, which no font can draw " \
               "(in a text editor it may show as ^M, ^L or a box)"
    if char in _BIDI:
        return f"the bidirectional control {_name(char)}, which reorders the text around it as readers see it"
    if category == "Cf" and char not in KEPT_FORMAT:
        return f"the invisible format character {_name(char)}"
    if category in ("Zl", "Zp"):
        return f"the {'line' if category == 'Zl' else 'paragraph'} separator {_name(char)}, which breaks " \
               "the text where the Markdown has no break"
    if category == "Co":
        return f"the private-use character U+{ord(char):04X}, which means something only in one font"
    if category == "Cs":
        return f"the lone surrogate U+{ord(char):04X}, which is not text"
    if category == "Cn":
        return f"U+{ord(char):04X}, which is not a character (a noncharacter or unassigned code point)"
    return None


@functools.lru_cache(maxsize=1)
def _coverage() -> frozenset[int] | None:
    """Every code point a bundled font draws (the variable fonts' cmaps: their static faces share
    them); None when the fonts cannot be read here (the PDF stage still checks every glyph)."""
    try:
        from workflow.pdf.fonts import FACES, Face, _variable_font, coverage

        # Noto's families are last in every font stack, so what they draw is what some bundled
        # face draws (Moul and Battambang add no code point Noto lacks).
        return frozenset().union(*(coverage(path) for path in
                                   {_variable_font(face) for face in FACES.values() if isinstance(face, Face)}))
    except Exception:  # noqa: BLE001 — no font package: the PDF stage reports it
        return None


def undrawable(text: str) -> list[str]:
    """Characters of ``text`` no bundled font draws (spaces and controls aside), in order."""
    covered = _coverage()
    if covered is None:
        return []
    from workflow.pdf.fonts import not_drawn  # loaded by _coverage already

    return not_drawn(text, covered)


def refused(msgid: str, msgstr: str) -> str | None:
    """Why a translation's characters may not be published (None: they may): the first character
    the source does not hold that is invisible, not text, or that no bundled font can draw."""
    for char in dict.fromkeys(msgstr):
        if char in msgid:
            continue
        why = why_refused(char)
        if why:
            return f"the translation holds {why}; remove it"
    missing = [ch for ch in undrawable(msgstr) if ch not in msgid]
    if missing:
        names = ", ".join(_name(ch) for ch in missing[:5])
        return f"no bundled font can draw {names}: the PDF would print an empty box; remove or replace it"
    return None
