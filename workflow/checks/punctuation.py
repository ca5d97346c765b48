"""Punctuation and spacing: a sentence ends as its source does, in the target language's marks.

Khmer ends a sentence with ។ (khan) or ៕ (bariyosan), never a Latin full stop; English and French
with ``.``; a question, an exclamation, a colon and an ellipsis stay what they are (Khmer may
write ``៖`` for a colon).  Headings, titles and table cells usually have no final stop: none is
required where the source has none, and one added there is only worth a look.  A source that
ends with an abbreviation ("etc.", "Dr.") does not ask for a stop either.

French spacing: the typesetter sets the narrow no-break space before ; ! ? and inside « », and the
no-break space before :, whatever the translator typed.  A plain space typed there is still
reported, as a warning: wherever the text is shown untypeset (a tool, an e-mail, a template
string) the line can break before the sign.  A no-break space typed there is correct French and
is not reported.  Times (10 : 30 is no colon of prose) and URLs are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from workflow.lang import khmer
from workflow.checks.base import Entry, Problem, Severity, check, excerpt

_CLOSERS = ")]}\"'”’»*_ \t\n\u00a0\u202f\u2009\u200b"
_ENDS = {".": ".", "។": ".", "៕": ".", "?": "?", "？": "?", "!": "!", "！": "!", ":": ":", "៖": ":", "…": "…"}
_NAMES = {".": "a full stop", "?": "a question mark", "!": "an exclamation mark", ":": "a colon",
          "…": "an ellipsis", "": "no final punctuation"}
_ABBREVIATION = re.compile(r"(?:\b(?:etc|Dr|Mr|Mrs|Ms|Mme|Mlle|St|Ltd|Inc|Co|Corp|Jr|Sr|vs|No|Nos|approx|cf|"
                           r"e\.g|i\.e|a\.m|p\.m)|(?<![^\W\d_])[A-Z])\.$")
#: Kinds of segment that have no final stop of their own (a paragraph or a UI message may add one).
_UNSTOPPED = ("heading", "front matter", "table", "template string")
#: A Latin full stop after a Khmer letter, at the end or before a space and more text.
_KHMER_LATIN_STOP = re.compile(r"[\u1780-\u17dd\u17e0-\u17e9]\.(?=\s|$)")


def final(text: str) -> str:
    """The kind of punctuation that ends ``text``: ".", "?", "!", ":", "…" or "".

    >>> final("It was held in **Phnom Penh.**"), final("ឆ្នាំ២០២៤។"), final("trois axes :"), final("Titre")
    ('.', '.', ':', '')
    """
    text = text.rstrip(_CLOSERS)
    if text.endswith("..."):
        return "…"
    return _ENDS.get(text[-1:], "")


def _stop_for(lang: str) -> str:
    return "។" if lang == "km" else "."


@check("punctuation")
def punctuation(entry: Entry) -> Iterator[Problem]:
    """A sentence ends as its source does, with the language's own marks (Khmer ។, not '.'); no doubled or stray spaces."""
    yield from _final_mark(entry)
    if entry.lang == "km":
        yield from _latin_stops(entry.target.text)
    yield from _spaces(entry.msgid, entry.msgstr)


def _final_mark(entry: Entry) -> Iterator[Problem]:
    source, target = entry.source.text, entry.target.text
    want = "" if _ABBREVIATION.search(source.rstrip(_CLOSERS)) else final(source)
    got = final(target)
    bare = target.rstrip(_CLOSERS)
    if want == "." and got == "." and entry.lang == "km" and bare.endswith(".") and khmer.has_khmer(bare[-2:]):
        return  # said by _latin_stops, with the place
    if want == "." and got == "." and entry.lang != "km" and bare[-1:] in "។៕":
        yield Problem("punctuation", Severity.ERROR, f"the sentence ends with the Khmer {bare[-1]} in "
                      f"{excerpt(bare, len(bare) - 1, len(bare))}: end it with '.'")
    elif want and got != want:
        mark = _stop_for(entry.lang) if want == "." else want
        yield Problem("punctuation", Severity.ERROR, f"the source ends with {_NAMES[want]}, the translation with "
                      f"{_NAMES[got]} ({excerpt(bare, len(bare), len(bare))}): end it with {mark}")
    elif not want and got == "." and entry.kind.startswith(_UNSTOPPED) and source.rstrip(_CLOSERS)[-1:] not in ";,":
        yield Problem("punctuation", Severity.WARNING, f"the translation ends with a full stop the source does not "
                      f"have ({excerpt(bare, len(bare), len(bare))}): headings and titles have none",
                      kind="a full stop the source does not have ends the translation: headings and titles have none")


def _latin_stops(text: str) -> Iterator[Problem]:
    for match in _KHMER_LATIN_STOP.finditer(text):
        if "." in text[max(0, match.start() - 3):match.start() + 1]:
            continue  # an abbreviation: អ.វ.ត.ក.
        yield Problem("punctuation", Severity.ERROR, "a Khmer sentence ends with a Latin full stop in "
                      f"{excerpt(text, match.start(), match.end())}: write ។ instead of '.'")
        return


def _spaces(msgid: str, msgstr: str) -> Iterator[Problem]:
    double = re.search(r"\S( {2,})\S", msgstr)
    if double and not re.search(r"\S {2,}\S", msgid):
        yield Problem("punctuation", Severity.WARNING, f"a doubled space in {excerpt(msgstr, *double.span(1))}: "
                      "type one space", kind="a doubled space: type one space")
    for side, src, tgt in (("starts", msgid[:1], msgstr[:1]), ("ends", msgid[-1:], msgstr[-1:])):
        if src.isspace() != tgt.isspace():
            spaced, bare = ("translation", "source") if tgt.isspace() else ("source", "translation")
            yield Problem("punctuation", Severity.WARNING, f"the {spaced} {side} with a space, the {bare} does "
                          "not: match the source", kind="the translation and the source differ in a space at the "
                          f"{'start' if side == 'starts' else 'end'}: match the source")


_FR_BEFORE = re.compile(r"(?<=[\w)\]»’”\"'.…%])( )([;:!?»])")
_FR_AFTER = re.compile(r"(«)( )(?=\S)")


@check("french-spacing")
def french_spacing(entry: Entry) -> Iterator[Problem]:
    """French: a plain space typed before ; : ! ? » or after « lets the line break there (the typesetter sets no-break spaces; type none, or a no-break one)."""
    if entry.lang != "fr":
        return
    text = entry.target.prose
    for match in _FR_BEFORE.finditer(text):
        if match.group(2) == ":" and re.match(r"[\d/]", text[match.end():match.end() + 1]):
            continue  # a time or a URL, not a colon of prose
        yield _fr_problem(text, match, match.group(2))
        return
    match = _FR_AFTER.search(text)
    if match:
        yield _fr_problem(text, match, "«")


def _fr_problem(text: str, match: re.Match[str], sign: str) -> Problem:
    where = "after" if sign == "«" else "before"
    return Problem("french-spacing", Severity.WARNING, f"a plain space {where} “{sign}” in "
                   f"{excerpt(text, match.start(), match.end(), width=15)} can break the line there: "
                   "remove it (the typesetter sets the French no-break space) or type a no-break space",
                   kind="a plain space before ; : ! ? » or after « can break the line there: remove it (the "
                   "typesetter sets the French no-break space) or type a no-break space")
