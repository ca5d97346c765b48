"""Khmer sequences a font cannot draw right, legacy font encodings, and hand-typed word breaks.

Unicode Khmer is written in a fixed order — base (consonant or independent vowel), subscripts
(COENG U+17D2 + consonant, at most two), register shifter, one dependent vowel, then signs — and
HarfBuzz draws a dotted circle where the order is broken: a COENG not followed by a consonant, a
vowel or sign with no base before it, a subscript or shifter after the vowel, two vowels
(េ + ា typed for ោ), a sign typed twice.  Those are errors: the text looks wrong and cannot be
searched.  So are the characters Unicode deprecates (ឣ ឤ, the invisible ឴ ឵, ៓ and ៘).

Before Unicode, Khmer was typed in Limon and ABC fonts that draw Khmer glyphs on Latin codes; such
text reaches a PO file as Latin gibberish with capitals inside words ("RksYgkarbreTs") or
Latin-1 signs glued to letters.  A "Khmer" translation without a Khmer letter that looks like it
is reported as legacy text rather than as English.

The typesetter inserts U+200B at word boundaries itself (:mod:`workflow.lang.khmer`); one typed by
hand is only a warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from workflow.lang import khmer
from workflow.checks.base import Entry, Problem, Severity, check, excerpt


def _in(ch: str, first: int, last: int) -> bool:
    return first <= ord(ch) <= last


def _consonant(ch: str) -> bool:
    return _in(ch, 0x1780, 0x17A2)


def _base(ch: str) -> bool:
    return _in(ch, 0x1780, 0x17B3)


def _vowel(ch: str) -> bool:
    return _in(ch, 0x17B6, 0x17C5)


def _sign(ch: str) -> bool:
    return _in(ch, 0x17C6, 0x17D1) or ch in "\u17D3\u17DD"


_SHIFTERS = "\u17C9\u17CA"
_DEPRECATED = {"\u17A3": "អ", "\u17A4": "អា", "\u17B4": "nothing", "\u17B5": "nothing", "\u17D3": "ំ",
               "\u17D8": "។ល។"}


def sequence_problems(text: str) -> Iterator[tuple[int, str]]:
    """(offset, what is wrong) for each broken Khmer sequence of ``text``.

    >>> [why for _, why in sequence_problems("ក្រសួង ការបរទេស")]
    []
    >>> [why for _, why in sequence_problems("ក្ ា កេា")]
    ['a COENG (្) not followed by a consonant', 'a vowel sign with no letter before it', 'two vowel signs in a row']
    """
    prev, subscripts, vowel_seen = "", 0, False
    for i, ch in enumerate(text):
        if ch in khmer.JOINERS:
            continue
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if ch in _DEPRECATED:
            yield i, f"the deprecated character U+{ord(ch):04X} (write {_DEPRECATED[ch]})"
        elif ch == khmer.COENG:
            if not _consonant(nxt):
                yield i, "a COENG (្) not followed by a consonant"
            elif vowel_seen:
                yield i, "a subscript typed after the vowel (type the subscript first)"
            elif not (_base(prev) or prev == khmer.COENG):
                yield i, "a COENG (្) with no letter before it"
            subscripts += 1
            if subscripts == 3:
                yield i, "three subscripts on one letter"
        elif _vowel(ch) or _sign(ch) or ch in _SHIFTERS:
            yield from _mark_problem(i, ch, prev, vowel_seen)
            vowel_seen = vowel_seen or _vowel(ch) or _sign(ch)
        elif _base(ch) and prev != khmer.COENG:
            subscripts, vowel_seen = 0, False
        elif not _base(ch):
            subscripts, vowel_seen = 0, False
        prev = ch


def _mark_problem(i: int, ch: str, prev: str, vowel_seen: bool) -> Iterator[tuple[int, str]]:
    if not (_base(prev) or _vowel(prev) or _sign(prev) or prev in _SHIFTERS):
        yield i, "a vowel sign with no letter before it"
    elif ch == prev:
        yield i, f"the sign {ch} typed twice"
    elif _vowel(ch) and _vowel(prev):
        yield i, "two vowel signs in a row"
    elif ch in _SHIFTERS and vowel_seen:
        yield i, "a register shifter (៉ ៊) typed after the vowel (type it first)"


_ODD_CAPITAL = re.compile(r"[a-z][A-Z]")
_LATIN1_SIGN = re.compile(r"[A-Za-z][\u00a1-\u00bf\u00d7\u00f7\[\]{}|\\^~`]|[\u00a1-\u00bf\u00d7\u00f7\[\]{}|\\^~`][A-Za-z]")


def looks_legacy(text: str, source: str = "") -> bool:
    """True if Latin text looks like Khmer typed in a legacy (Limon/ABC) font.  Words the source
    has are the source's (names, code, a copy): they are not legacy Khmer.

    >>> looks_legacy("RksYgkarbreTs nig shRbtibtþikarGnþrCati"), looks_legacy("Ministry of Foreign Affairs")
    (True, False)
    >>> looks_legacy("DeLink %s [%s]", source="DeLink %s [%s]")
    False
    """
    if khmer.has_khmer(text):
        return False
    known = set(source.split())
    tokens = [t for t in text.split() if len(t) >= 3 and any(c.isalpha() for c in t) and t not in known]
    odd = [t for t in tokens if _ODD_CAPITAL.search(t) or _LATIN1_SIGN.search(t) or re.search(r"[a-z][þÐðæ]", t)]
    return len(odd) >= 2 and len(odd) * 5 >= len(tokens) * 2


ZWSP_KIND = ("zero-width spaces (U+200B) typed by hand: remove them, the typesetter inserts the word breaks "
             "itself")


@check("khmer")
def khmer_text(entry: Entry) -> Iterator[Problem]:
    """Khmer is valid Unicode Khmer: no COENG without a consonant, no sign without a base, no doubled sign, no legacy (Limon) text; no hand-typed U+200B."""
    text = entry.msgstr
    if khmer.has_khmer(text):
        for offset, why in sequence_problems(text):
            yield Problem("khmer", Severity.ERROR, f"{why} in {excerpt(text, offset, offset + 1, width=10)}: "
                          "a font draws it with a dotted circle; retype the word")
            break
    if entry.lang != "km":
        return
    if looks_legacy(text, entry.msgid) and (len(text.split()) >= 3 or not entry.same_language):
        yield Problem("khmer", Severity.ERROR, f"{excerpt(text, 0, 0)} looks like Khmer typed in a legacy "
                      "(Limon/ABC) font: retype it with a Unicode Khmer keyboard")
    zwsp = text.count(khmer.ZWSP)
    if zwsp and not entry.msgid.count(khmer.ZWSP):
        yield Problem("khmer", Severity.WARNING, f"{zwsp} zero-width space(s) (U+200B) typed by hand: remove "
                      "them, the typesetter inserts the word breaks itself", kind=ZWSP_KIND)
