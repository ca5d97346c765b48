"""Typographic rules applied by the typesetter, so translators need not type them.

French: a narrow no-break space (U+202F) before ; ! ? and inside « »; a
no-break space (U+00A0) before :.  English: typographic quotes and
apostrophes.  The rules touch only the text of HTML, never tags, attributes,
code or URLs, and leave times (10:30) and numbers alone.  Every language: no line
break between an honorific and the name it goes with, nor inside a personal name
("His Excellency Dr. CHEM Widhya", "Son Excellence M. PRAK Sokhonn",
"ឯកឧត្តមឧបនាយករដ្ឋមន្ត្រី ប្រាក់ សុខុន"): no-break spaces (U+00A0) in place of the
spaces, and in Khmer no line-break mark (U+200B) inside.

In HTML, a rule sees the text of a whole block at once (across ``<strong>``,
``<a>`` and the other inline tags), so ``<strong>Note</strong> : voir`` and
``"<em>Summit</em>"`` are set right; code spans are seen as opaque words.
"""

from __future__ import annotations

import bisect
import difflib
import html as _html
import re
from collections.abc import Callable

import regex

NNBSP = "\u202f"
NBSP = "\u00a0"
#: Stand for a code span (in HTML) and for a URL while a rule runs: "words" no rule changes.
_OPAQUE = "\ue000"
_URL_MARK = "\ue001"

_SPACES = "[ \t\n\u00a0\u202f\u2009]"
#: What may stand before a French high sign (; : ! ?) or a closing guillemet.
_FR_BEFORE = rf"[\w)\]»’”\"'.…%{_OPAQUE}{_URL_MARK}]"
_FR_TIGHT = re.compile(rf"(?<={_FR_BEFORE}){_SPACES}*([;!?]+)(?![\w/=&#%+~@{_OPAQUE}{_URL_MARK}])")
# Before a colon: "Note : x", "Note: x", "Note :" at the end; never a time (10:30) or a URL.
_FR_COLON = re.compile(rf"(?<={_FR_BEFORE})(?:{_SPACES}*:(?=\s|$)|{_SPACES}+:(?![\d/]))")
_FR_OPEN = re.compile(rf"«{_SPACES}*")
_FR_CLOSE = re.compile(rf"{_SPACES}*»")
_URL = re.compile(r"(?:\b[A-Za-z][A-Za-z0-9+.-]*://|\bmailto:|\bwww\.)[^\s<>«»\"“”‘’]*[^\s<>«»\"“”‘’.,;:!?)\]']")


def _outside_urls(rule: Callable[[str], str]) -> Callable[[str], str]:
    """``rule`` applied to text with its URLs kept as they are."""

    def apply(text: str) -> str:
        urls = _URL.findall(text)
        if not urls or _URL_MARK in text:
            return rule(text)
        done = iter(urls)
        return re.sub(_URL_MARK, lambda _m: next(done), rule(_URL.sub(_URL_MARK, text)))

    apply.__name__, apply.__doc__ = rule.__name__, rule.__doc__
    return apply


@_outside_urls
def french(text: str) -> str:
    """French spacing in plain text.

    >>> french("Pourquoi ? Voici : « oui » ; non !") == "Pourquoi\\u202f? Voici\\u00a0: «\\u202foui\\u202f»\\u202f; non\\u202f!"
    True
    >>> french("à 10:30, voir https://example.org/?q=1")
    'à 10:30, voir https://example.org/?q=1'
    """
    text = _FR_OPEN.sub("«" + NNBSP, text)
    text = _FR_CLOSE.sub(NNBSP + "»", text)
    text = _FR_TIGHT.sub(lambda m: NNBSP + m.group(1), text)
    return _FR_COLON.sub(NBSP + ":", text)


#: Where a quotation opens: at the start, after a space, an opening bracket or quote, a dash.
_OPENS_AFTER = r"(?:^|(?<=[\s(\[{“‘«—–/-]))"
#: Leading apostrophes of elisions: '90s, 'tis, 'twas, 'em, rock 'n' roll.
_EN_ELISION = re.compile(r"(?<![\w’])'(?=\d\d(?:s\b|\b)|(?:tis|twas|em|til|cause)\b|n'\s)", re.I)
_EN_OPEN_DOUBLE = re.compile(_OPENS_AFTER + r'"(?=\S)')
_EN_OPEN_SINGLE = re.compile(_OPENS_AFTER + r"'(?=\S)")


@_outside_urls
def english(text: str) -> str:
    """Typographic quotes and apostrophes.

    A quote opens at the start of the text, after a space, a bracket, a dash or
    another opening quote; every other quote closes, and every other
    apostrophe is ’ (it's, the countries’, the ’90s).

    >>> english('the countries\\' "strong" hope, it\\'s \\'ours\\'')
    'the countries’ “strong” hope, it’s ‘ours’'
    """
    text = _EN_ELISION.sub("’", text)
    text = _EN_OPEN_DOUBLE.sub("“", text)
    text = _EN_OPEN_SINGLE.sub("‘", text)
    return text.replace('"', "”").replace("'", "’")


# ------------------------------------------------------------------ names that never break

#: Latin honorifics and titles that go before a name (English and French; a passage left in the
#: source language keeps its own).  Longest first, so "Deputy Prime Minister" wins over "Prime Minister".
LATIN_HONORIFICS = (
    "His Excellency", "Her Excellency", "H.E.", "Samdech", "Lok Chumteav", "Oknha", "Ambassador",
    "Deputy Prime Minister", "Prime Minister", "Minister", "Secretary of State", "Professor", "Prof.",
    "Dr.", "Dr", "Mr.", "Mrs.", "Ms.", "Mr", "Mrs", "Ms", "Madam", "Sir", "Dame",
    "Son Excellence", "Leurs Excellences", "S.E.", "Monsieur", "Madame", "M.", "Mme", "Mlle", "Pr",
    "Ambassadeur", "Ambassadrice", "Vice-Premier ministre", "Premier ministre", "Samdech Techo",
    "ambassadeur", "ambassadrice",  # "l’ambassadeur François DELHAYE"
)
#: A titled name longer than this may break between its honorifics (each kept whole, the last one
#: kept with the name, "le"/"la" with the honorific it goes with): "His Excellency / Dr. CHEM Widhya",
#: "Son Excellence / M. PRAK Sokhonn".  Whole, they stick out of a table cell on a 320 px phone.
LONGEST_UNBROKEN = 24
#: Uppercase words that are not family names: they never glue to the word beside them (an
#: uppercase word in brackets, "(OIF)", is an acronym of the text itself).
ACRONYMS = frozenset("""
    AKP AMM APEC ARF ASEAN ASEM AU CLV CMAC COVID EAS ECCC EU FAO G20 GMS ICC ICJ ILO IMF MFAIC NATO NGO
    OECD OIF PM RGC UK UN UNDP UNESCO UNGA UNHCR UNICEF US USA WHO WTO
""".split())
_NB_SPACE = "[ \t\n\u00a0]+"
_UPPER_WORD = r"\p{Lu}[\p{Lu}’'-]*\p{Lu}"  # CHEM, DELHAYE, VAN-DER
_CAPITAL_WORD = r"\p{Lu}[\p{Ll}’'][\p{L}’'-]*"  # Widhya, François, Jean-Yves, O’Neil
_NAME_WORD = rf"(?:{_UPPER_WORD}|{_CAPITAL_WORD})(?![\w-])(?!\.\w)"  # a full stop may end the sentence
_HONORIFIC = "|".join(regex.escape(h) for h in sorted(LATIN_HONORIFICS, key=len, reverse=True))
_LATIN_TITLED = regex.compile(rf"(?<![\w.])(?P<hon>{_HONORIFIC})(?:{_NB_SPACE}(?P<hon>(?:(?:le|la){_NB_SPACE})?(?:{_HONORIFIC})))*"
                              rf"(?:{_NB_SPACE}{_NAME_WORD}){{1,4}}")
_LATIN_NAME = regex.compile(rf"(?<![\w.’'-])(?:(?P<family>{_UPPER_WORD}){_NB_SPACE}{_CAPITAL_WORD}"
                            rf"|{_CAPITAL_WORD}{_NB_SPACE}(?P<family2>{_UPPER_WORD}))(?![\w’'-])(?!\.\w)")
_IN_BRACKETS = regex.compile(r"\((\p{Lu}{2,})\)")
_SPACE_RUN = regex.compile(_NB_SPACE)

#: Khmer honorifics that open a title: those that are never part of another word, and those that
#: are (លោក in ពិភពលោក, "the world"), which open a title only at the start of a word.
KHMER_HEADS = ("ឯកឧត្តម", "សម្តេច", "លោកជំទាវ", "អ្នកឧកញ៉ា")
KHMER_HEADS_AT_START = ("លោកស្រី", "លោក", "អ្នកស្រី", "កញ្ញា", "បណ្ឌិត", "ឧកញ៉ា")
#: Titles that may follow the honorific, written to it or after a space, before the name.
KHMER_TITLES = ("បណ្ឌិត", "សាស្ត្រាចារ្យ", "ឯកអគ្គរដ្ឋទូត", "ឯកអគ្គរាជទូត", "ឧបនាយករដ្ឋមន្ត្រី", "នាយករដ្ឋមន្ត្រី",
                "ទេសរដ្ឋមន្ត្រី", "រដ្ឋមន្ត្រី", "រដ្ឋលេខាធិការ", "អនុរដ្ឋលេខាធិការ", "ឧត្តមសេនីយ៍", "អគ្គបណ្ឌិតសភាចារ្យ",
                "មហាបវរធិបតី", "អគ្គមហាសេនាបតីតេជោ", "អគ្គមហាធម្មពោធិសាល", "តេជោ", "ធិបតី")


def _khmer_alternatives(words) -> str:
    """Alternatives for a regex, longest first; ្ត and ្ដ (both written for the same sound) alike."""
    return "|".join(regex.escape(w).replace("្ត", "្[តដ]").replace("្ដ", "្[តដ]")
                    for w in sorted(words, key=len, reverse=True))


_KH_LETTER = "[\u1780-\u17d3\u17dd\u19e0-\u19ff]"  # letters and signs, not ។ ៖ nor digits
_KH_NAME_WORD = rf"{_KH_LETTER}{{1,14}}(?!{_KH_LETTER})"  # a name is short: never a whole phrase
_KHMER_TITLED = regex.compile(
    rf"(?:(?<![\u1780-\u17ff])(?:{_khmer_alternatives(KHMER_HEADS_AT_START)})|(?:{_khmer_alternatives(KHMER_HEADS)}))"
    rf"(?:(?P<title>{_khmer_alternatives(KHMER_TITLES)}))*"
    rf"(?:[ \u00a0]+(?:(?P<title>{_khmer_alternatives(KHMER_TITLES)}))+)*"
    rf"(?:[ \u00a0]+{_KH_NAME_WORD}){{1,2}}")
#: A Khmer titled name longer than this (characters) may break after its honorific, before the
#: last title (kept with the name): "ឯកឧត្តម / ឧបនាយករដ្ឋមន្ត្រី ប្រាក់ សុខុន" in a table cell on a phone.
KHMER_LONGEST_UNBROKEN = 30


def _khmer_spans(plain: str) -> list[tuple[int, int]]:
    """Where Khmer titled names are to be kept whole in ``plain`` (text without U+200B)."""
    spans = []
    for m in _KHMER_TITLED.finditer(plain):
        start = m.start()
        if m.end() - start > KHMER_LONGEST_UNBROKEN and m.starts("title"):
            start = m.starts("title")[-1]
        spans.append((start, m.end()))
    return spans


def _glue(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the spaces inside ``spans`` made no-break spaces, and no U+200B there."""
    if not spans:
        return text
    pieces, last = [], 0
    for start, end in spans:
        pieces.append(text[last:start])
        pieces.append(_SPACE_RUN.sub(NBSP, text[start:end]).replace("\u200b", ""))
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


@_outside_urls
def latin_names(text: str) -> str:
    """No line break between an honorific and a name, nor inside a name FAMILY Given or Given FAMILY.

    >>> latin_names("by Ambassador François DELHAYE, and His Excellency Dr. CHEM Widhya.").replace(NBSP, "_")
    'by Ambassador_François_DELHAYE, and His_Excellency Dr._CHEM_Widhya.'
    >>> latin_names("Son Excellence M. PRAK Sokhonn a présidé") == (
    ...     "Son\u00a0Excellence M.\u00a0PRAK\u00a0Sokhonn a présidé")
    True
    >>> latin_names("the ASEAN Secretariat, the UN Charter, the Organisation (OIF) Members")
    'the ASEAN Secretariat, the UN Charter, the Organisation (OIF) Members'
    >>> latin_names("the Ambassador of Belgium")
    'the Ambassador of Belgium'
    >>> latin_names("D’emblée, Son Excellence le Dr CHEM Widhya a dit").replace(NBSP, "_")
    'D’emblée, Son_Excellence le_Dr_CHEM_Widhya a dit'
    >>> latin_names("His Excellency Deputy Prime Minister PRAK Sokhonn said").replace(NBSP, "_")
    'His_Excellency Deputy_Prime_Minister_PRAK_Sokhonn said'
    >>> latin_names("by H.E. Dr. CHEM Widhya").replace(NBSP, "_")
    'by H.E._Dr._CHEM_Widhya'
    """
    if not any(ch.isupper() for ch in text):
        return text
    spans = []
    for m in _LATIN_TITLED.finditer(text):
        if m.end() - m.start() <= LONGEST_UNBROKEN:
            spans.append(m.span())
        else:  # each honorific whole, and the last one with the name
            spans.extend(zip(m.starts("hon")[:-1], m.ends("hon")[:-1]))
            spans.append((m.starts("hon")[-1], m.end()))
    acronyms = ACRONYMS | set(_IN_BRACKETS.findall(text))
    for m in _LATIN_NAME.finditer(text):
        family = m.group("family") or m.group("family2")
        if family not in acronyms and family.replace("-", "").isalpha():
            spans.append(m.span())
    return _glue(text, _merged(spans))


def khmer_names(text: str) -> str:
    """No line break between a Khmer honorific (and the titles after it) and the name.

    Looks through U+200B, the line-break marks of the print text, and takes them out of the title
    and name.

    >>> khmer_names("ជាកិច្ចចាប់ផ្តើម ឯកឧត្តម បណ្ឌិត ជាម វិទ្យា បានសម្តែង") == (
    ...     "ជាកិច្ចចាប់ផ្តើម ឯកឧត្តម\u00a0បណ្ឌិត\u00a0ជាម\u00a0វិទ្យា បានសម្តែង")
    True
    >>> khmer_names("ឯកឧត្តម\u200bឧបនាយក\u200bរដ្ឋមន្ត្រី ប្រាក់ សុខុន ។") == "ឯកឧត្តម\u200bឧបនាយករដ្ឋមន្ត្រី\u00a0ប្រាក់\u00a0សុខុន ។"
    True
    >>> khmer_names("ឯកឧត្តមបានគូសបញ្ជាក់ពីសារៈសំខាន់ នៃ ពិភពលោក គ្មានមីន")  # no name follows: nothing glued
    'ឯកឧត្តមបានគូសបញ្ជាក់ពីសារៈសំខាន់ នៃ ពិភពលោក គ្មានមីន'
    """
    if not any(head in text for head in ("ឯកឧត", "សម្", "លោក", "អ្នក", "កញ្ញា", "បណ្ឌិត", "ឧកញ៉ា")):
        return text
    index = [i for i, ch in enumerate(text) if ch != "\u200b"]  # plain position -> position in text
    plain = "".join(text[i] for i in index)
    index.append(len(text))
    spans = [(index[start], index[end - 1] + 1) for start, end in _khmer_spans(plain)]
    return _glue(text, _merged(spans))


NOBREAK_CLASS = "nobreak"


def nowrap_khmer_names(html: str) -> str:
    """Each Khmer titled name of sanitised HTML (words joined by U+00A0) in a ``<span class="nobreak">``.

    A browser breaks Khmer inside a run of letters with its own dictionary
    (ឯកឧត្តម|ឯកអគ្គរដ្ឋទូត), which no-break spaces cannot stop; ``white-space: nowrap`` does, and
    the text a reader copies stays the text (no joiner characters).  Only the text outside code is
    touched; nothing else of the HTML changes.

    >>> nowrap_khmer_names("<p>របស់ ឯកឧត្តម&nbsp;បណ្ឌិត&nbsp;ជាម&nbsp;វិទ្យា បាន &amp; <code>a&nbsp;ក</code></p>")
    '<p>របស់ <span class="nobreak">ឯកឧត្តម\xa0បណ្ឌិត\xa0ជាម\xa0វិទ្យា</span> បាន &amp; <code>a&nbsp;ក</code></p>'
    """
    if "\u1780" > max(html, default=" ") or ("&nbsp;" not in html and NBSP not in html):
        return html
    parts = _TAG.split(html)
    verbatim = 0
    for index, part in enumerate(parts):
        if index % 2:
            name = _TAG_NAME.match(part)
            if name and name.group(1).lower() in _VERBATIM and not part.endswith("/>"):
                verbatim = max(0, verbatim + (-1 if part.startswith("</") else 1))
            continue
        if verbatim or not part:
            continue
        text = _html.unescape(part)
        names = _merged(_khmer_spans(text))
        if not names:
            continue
        pieces, last = [], 0
        for start, end in names:
            pieces.append(_html.escape(text[last:start], quote=False))
            pieces.append(f'<span class="{NOBREAK_CLASS}">{_html.escape(text[start:end], quote=False)}</span>')
            last = end
        pieces.append(_html.escape(text[last:], quote=False))
        parts[index] = "".join(pieces)
    return "".join(parts)


def _french(text: str) -> str:
    return latin_names(french(text))


def _english(text: str) -> str:
    return latin_names(english(text))


_french.__doc__, _english.__doc__ = french.__doc__, english.__doc__

RULES: dict[str, Callable[[str], str]] = {"fr": _french, "en": _english, "km": khmer_names}


# ------------------------------------------------------------------ the letterhead's lines

#: Where the ministry's own letterhead breaks its lines, per language: a break at the first match
#: of the pattern (the rest of each line wraps only if the page is too narrow for it).  The
#: ministry: "Ministry of Foreign Affairs / and International Cooperation", "Ministère des Affaires
#: étrangères / et de la Coopération internationale", "ក្រសួងការបរទេស / និងសហប្រតិបត្តិការអន្តរជាតិ";
#: a department as on the ministry's letters: "General Department of / Europe, America, and
#: Africa-Middle East", "Direction générale / des organisations internationales" (a Khmer
#: department is one line: "អគ្គនាយកដ្ឋានអង្គការអន្តរជាតិ").
LETTERHEAD_BREAKS: dict[str, dict[str, re.Pattern]] = {
    "ministry": {"en": re.compile(r"[ \u00a0]+(?=and\s)"), "fr": re.compile(r"[ \u00a0]+(?=et\s)"),
                 "km": re.compile("[ \u00a0\u200b]+(?=និង)")},
    "department": {"en": re.compile(r"(?<=^General Department of)[ \u00a0]+|(?<=^Department of)[ \u00a0]+"),
                   "fr": re.compile(r"(?<=^Direction générale)[ \u00a0]+(?=d)")},
}


def letterhead_lines(text: str, lang: str, kind: str) -> list[str]:
    """The lines of a letterhead line of ``kind`` ("ministry", "department") in ``lang``: pieces of
    ``text`` that give it back when joined (the space at a break ends the line before it, so the
    copied text and the PDF's metadata stay the same words).

    >>> letterhead_lines("Ministère des Affaires étrangères et de la Coopération internationale", "fr", "ministry")
    ['Ministère des Affaires étrangères ', 'et de la Coopération internationale']
    >>> letterhead_lines("General Department of International Organisations", "en", "department")
    ['General Department of ', 'International Organisations']
    >>> letterhead_lines("Direction générale de l’Europe, de l’Amérique et de l’Afrique-Moyen-Orient", "fr", "department")
    ['Direction générale ', 'de l’Europe, de l’Amérique ', 'et de l’Afrique-Moyen-Orient']
    >>> letterhead_lines("ក្រសួងការបរទេស និងសហប្រតិបត្តិការអន្តរជាតិ", "km", "ministry")
    ['ក្រសួងការបរទេស ', 'និងសហប្រតិបត្តិការអន្តរជាតិ']
    """
    pattern = LETTERHEAD_BREAKS.get(kind, {}).get(lang)
    match = pattern.search(text) if pattern else None
    if not match or not text[:match.start()].strip() or not text[match.end():].strip():
        lines = [text]
    else:
        lines = [text[:match.end()], text[match.end():]]
    # A department too long for one line breaks before its last "and"/"et", not at a hyphen.
    last = _LAST_AND.get(lang) if kind == "department" else None
    if last and len(lines[-1]) > LONGEST_LETTERHEAD_LINE and (split := last.search(lines[-1])):
        lines[-1:] = [lines[-1][:split.end()], lines[-1][split.end():]]
    return lines


#: Characters of the longest department line the letterhead sets whole (its block is 20em wide).
LONGEST_LETTERHEAD_LINE = 42
_LAST_AND = {"en": re.compile(r"[ \u00a0]+(?=and\s)(?!.*\sand\s)"), "fr": re.compile(r"[ \u00a0]+(?=et\s)(?!.*\set\s)")}


def text_rule(lang: str) -> Callable[[str], str]:
    """The typographic rule for a language's plain text (identity if none)."""
    return RULES.get(lang, lambda text: text)


_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"</?\s*([A-Za-z][A-Za-z0-9]*)")
#: Text inside these is never changed.
_VERBATIM = {"code", "pre", "kbd", "samp", "script", "style", "var"}
#: Tags that do not end a run of text: a rule sees across them.
_INLINE = {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "ins", "kbd", "mark",
           "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var"}
_LINK_TEXT_URL = re.compile(r"\s*\w+://\S*\s*")


_LANG_ATTRIBUTE = re.compile(r"""\slang=["']?([A-Za-z-]+)""")


def apply_to_html(html: str, rule: Callable[[str], str]) -> str:
    """Apply ``rule`` to the text between tags, outside code and URL-like link texts.

    The text of each block (a paragraph, a heading, a list item, a cell) is
    given to ``rule`` in one piece, inline tags left out and code spans
    replaced by an opaque character; what the rule changes is then put back
    into the pieces of text it came from.  A block that says it is in another
    language (``<p lang="en">``: a draft's passage left in the source language)
    gets that language's rule instead.

    >>> apply_to_html("<p><strong>Note</strong> : voir <code>a ? b</code> ; fin</p>", french) == (
    ...     "<p><strong>Note</strong>\\u00a0: voir <code>a ? b</code>\\u202f; fin</p>")
    True
    >>> apply_to_html('<p>Oui ; non</p><p lang="en">"Yes" ; no</p>', french) == (
    ...     '<p>Oui\\u202f; non</p><p lang="en">“Yes” ; no</p>')
    True
    """
    parts = _TAG.split(html)
    verbatim = 0
    run: list[tuple[int, bool]] = []  # (index in parts, opaque) of the current block's texts
    block_rule = rule
    for index, part in enumerate(parts):
        if index % 2 == 0:
            if part:
                run.append((index, verbatim > 0 or bool(_LINK_TEXT_URL.fullmatch(part))))
            continue
        name = _TAG_NAME.match(part)
        tag = name.group(1).lower() if name else ""
        if tag in _VERBATIM and not part.endswith("/>"):
            verbatim = max(0, verbatim + (-1 if part.startswith("</") else 1))
        if tag not in _INLINE:
            _apply_to_run(parts, run, block_rule)
            run = []
            other = _LANG_ATTRIBUTE.search(part) if not part.startswith("</") else None
            block_rule = text_rule(other.group(1)) if other else rule
    _apply_to_run(parts, run, block_rule)
    return "".join(parts)


def _apply_to_run(parts: list[str], run: list[tuple[int, bool]], rule: Callable[[str], str]) -> None:
    """Apply ``rule`` to the texts ``parts[i]`` of one block, in place."""
    if not any(not opaque for _, opaque in run):
        return
    texts = [_html.unescape(parts[i]) for i, _ in run]
    shown = [_OPAQUE if opaque else text for text, (_, opaque) in zip(texts, run)]
    plain = "".join(shown)
    new = rule(plain)
    if new == plain:
        return
    # Each text's span in ``plain``, and the edits that fall in it.
    spans, start = [], 0
    for text in shown:
        spans.append((start, start + len(text)))
        start += len(text)
    edits: list[list[tuple[int, int, str]]] = [[] for _ in run]
    ends = [b for _, b in spans]
    for i1, i2, replacement in _changes(plain, new):
        _place_edit(plain, spans, ends, run, edits, i1, i2, replacement)
    for k, (index, opaque) in enumerate(run):
        if opaque or not edits[k]:
            continue
        text = texts[k]
        for a, b, replacement in sorted(edits[k], reverse=True):
            text = text[:a] + replacement + text[b:]
        parts[index] = _html.escape(text, quote=False)


def _is_anchor(ch: str) -> bool:
    """What the rules never add, remove or change (the definition :data:`_ANCHOR` searches for)."""
    return ch.isalnum() or ch in (_OPAQUE, _URL_MARK)


#: Every character of :func:`_is_anchor`, found in C (``[^\W_]`` is exactly ``str.isalnum``):
#: a Python test of each character of every block was a tenth of recombining an edition.
_ANCHOR = re.compile(f"[^\\W_]|{_OPAQUE}|{_URL_MARK}")


def _changes(old: str, new: str) -> list[tuple[int, int, str]]:
    """What turns ``old`` into ``new``: (start, end, replacement) in ``old``, in order.

    The rules never add, remove or change letters, digits or opaque marks, so
    these anchor the two texts; only the stretches between anchors are
    compared, character by character.  This stays linear in the text's length.
    Should a rule break that promise, the whole text is compared at once.
    """
    old_anchors = [m.start() for m in _ANCHOR.finditer(old)]
    new_anchors = [m.start() for m in _ANCHOR.finditer(new)]
    if [old[i] for i in old_anchors] != [new[j] for j in new_anchors]:
        gaps = [(0, len(old), 0, len(new))]
    else:
        bounds = list(zip([-1, *old_anchors], [*old_anchors, len(old)], [-1, *new_anchors], [*new_anchors, len(new)]))
        gaps = [(a + 1, b, c + 1, d) for a, b, c, d in bounds]
    changes = []
    for a, b, c, d in gaps:
        if old[a:b] == new[c:d]:
            continue
        matcher = difflib.SequenceMatcher(None, old[a:b], new[c:d], autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op != "equal":
                changes.append((a + i1, a + i2, new[c + j1:c + j2]))
    return changes


def _place_edit(plain: str, spans: list[tuple[int, int]], ends: list[int], run: list[tuple[int, bool]],
                edits: list[list[tuple[int, int, str]]], i1: int, i2: int, replacement: str) -> None:
    """Give the change of ``plain[i1:i2]`` into ``replacement`` to the texts it belongs to.

    ``spans`` are the texts' (start, end) in ``plain``, in order and not empty; ``ends`` their
    ends, for a binary search (a block can hold thousands of texts).
    """
    if i1 < i2:  # characters replaced or removed: by the texts that hold them
        touched = []
        for k in range(bisect.bisect_right(ends, i1), len(spans)):  # the first text ending after i1
            if spans[k][0] >= i2:
                break
            touched.append(k)
        if any(run[k][1] for k in touched):
            return  # never inside code or a URL
        for n, k in enumerate(touched):
            a, b = spans[k]
            edits[k].append((max(i1, a) - a, min(i2, b) - a, replacement if n == 0 else ""))
        return
    # An insertion between two texts goes with the sign it spaces: before "?" with the "?",
    # after "«" with the "«".
    k = bisect.bisect_left(ends, i1)  # the first text ending at or after i1
    before = k if k < len(spans) and spans[k][0] < i1 <= spans[k][1] else None
    k = bisect.bisect_right(ends, i1)  # the first text ending after i1
    after = k if k < len(spans) and spans[k][0] <= i1 < spans[k][1] else None
    punctuation_follows = i1 < len(plain) and not plain[i1].isalnum() and plain[i1] != _OPAQUE
    order = (after, before) if punctuation_follows else (before, after)
    for k in order:
        if k is not None and not run[k][1]:
            a, _ = spans[k]
            edits[k].append((i1 - a, i1 - a, replacement))
            return
