"""Numbers, times and dates: the translation says the same figures as the source.

A number is compared by its value, whatever the script and the locale's marks: ``2024``,
``២០២៤``; ``1,000``, ``1 000``, ``១.០០០``; ``9:00``, ``9 h 00``, ``ម៉ោង ៩:០០``.  A mark
followed by exactly three digits may group or separate decimals, so such a number carries both
values and matches either.  Dates written out match through their parts, and their month
names (CLDR's, through Babel) must agree: ``7 February 2024`` = ``7 février 2024`` =
``ថ្ងៃទី៧ ខែកុម្ភៈ ឆ្នាំ២០២៤``.

Translators write "the first session" as ``លើកទី១`` and ``6 priorities`` as ``six priorités``,
so figures come in two strengths.  Digits (and ordinals such as ``20th``, ``XXᵉ``, ``ទី២០``) must
be matched on the other side; number words (``first``, ``six``, ``ពីរ``), bare Roman numerals
(``Phase I``) and month names may match a figure but are never required.  Placeholders
(``%1``, ``%(count)d``, ``{0}``), URLs and e-mail addresses are not numbers: other checks judge them.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from babel.dates import get_month_names

from workflow.lang import khmer
from workflow.lang import locales
from workflow.checks.base import MEMO, Entry, Problem, Severity, check
from workflow.checks.text import strip_noise

Key = tuple


@dataclass(frozen=True)
class Token:
    """One figure: the values it may stand for, as written, and its parts if it may be several."""

    keys: frozenset
    shown: str
    parts: tuple[Token, ...] = ()


@dataclass
class Figures:
    """The figures of one text: required (digits), optional (words), and the months named."""

    required: list[Token] = field(default_factory=list)
    optional: list[Token] = field(default_factory=list)
    months: Counter = field(default_factory=Counter)


_SPACES = " \u00a0\u202f\u2009"
_NUMBER = re.compile(rf"(?<![0-9])[0-9]{{1,40}}(?:[.,{_SPACES}][0-9]{{1,40}}){{0,12}}")
_TIME = re.compile(r"(?<![0-9.,:])([0-9]{1,2})\s?(?::|[hH](?![^\W\d_]))\s?([0-9]{2})(?![0-9:])"
                   r"|(?<![0-9.,:])([0-9]{1,2})\s?(?:[hH]|([aApP])\.?\s?[mM]\.?)(?![^\W\d_])(?!\s?[0-9])")
_ROMAN = re.compile(r"(?<![^\W\d_])(M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3}))"
                    r"(ᵉʳ|ʳᵉ|ᵉ|er|re|e|ème)?(?![^\W\d_])")
_ROMAN_AFTER = re.compile(r"(?:phase|part|chapter|title|article|volume|book|annex|section|stage|session|"
                          r"tome|partie|chapitre|titre|livre|annexe|étape|world war)\s$", re.I)
_LATIN_WORD = re.compile(r"[^\W\d_]+")


def _words(pairs: str) -> dict[str, int]:
    return {w: int(n) for w, n in (item.split("=") for item in pairs.split())}


_NUMBER_WORDS = {
    "en": _words("zero=0 one=1 two=2 three=3 four=4 five=5 six=6 seven=7 eight=8 nine=9 ten=10 eleven=11 "
                 "twelve=12 thirteen=13 fourteen=14 fifteen=15 sixteen=16 seventeen=17 eighteen=18 nineteen=19 "
                 "hundred=100 thousand=1000 first=1 second=2 third=3 fourth=4 fifth=5 sixth=6 seventh=7 "
                 "eighth=8 ninth=9 tenth=10 eleventh=11 twelfth=12 thirteenth=13 fourteenth=14 fifteenth=15 "
                 "sixteenth=16 seventeenth=17 eighteenth=18 nineteenth=19 hundredth=100 both=2 single=1 "
                 "twice=2 once=1 dozen=12 half=2"),
    "fr": _words("zéro=0 un=1 une=1 deux=2 trois=3 quatre=4 cinq=5 six=6 sept=7 huit=8 neuf=9 dix=10 onze=11 "
                 "douze=12 treize=13 quatorze=14 quinze=15 seize=16 cent=100 mille=1000 premier=1 première=1 "
                 "premiers=1 premières=1 second=2 seconde=2 deuxième=2 troisième=3 quatrième=4 cinquième=5 "
                 "sixième=6 septième=7 huitième=8 neuvième=9 dixième=10 onzième=11 douzième=12 treizième=13 "
                 "quatorzième=14 quinzième=15 seizième=16 centième=100 deuxièmes=2 double=2 moitié=2 "
                 "semestre=6 douzaine=12"),
}
_TENS = {
    "en": _words("twenty=20 thirty=30 forty=40 fifty=50 sixty=60 seventy=70 eighty=80 ninety=90 "
                 "twentieth=20 thirtieth=30 fortieth=40 fiftieth=50"),
    "fr": _words("vingt=20 trente=30 quarante=40 cinquante=50 soixante=60 vingtième=20 trentième=30 "
                 "quarantième=40 cinquantième=50 soixantième=60 dix=10"),
}
_KHMER_WORDS = _words("សូន្យ=0 មួយ=1 ពីរ=2 បី=3 បួន=4 ប្រាំ=5 ប្រាំមួយ=6 ប្រាំពីរ=7 ប្រាំបី=8 ប្រាំបួន=9 "
                      "ដប់=10 ម្ភៃ=20 សាមសិប=30 សែសិប=40 ហាសិប=50 ហុកសិប=60 ចិតសិប=70 ប៉ែតសិប=80 "
                      "កៅសិប=90 រយ=100 ពាន់=1000 ម៉ឺន=10000 សែន=100000 លាន=1000000 ឆមាស=6")
_KHMER_NUMBER = re.compile("|".join(sorted(map(re.escape, _KHMER_WORDS), key=len, reverse=True)))


def _num(value: Decimal | int) -> Key:
    return ("n", Decimal(value).normalize())


@functools.cache
def _month_names(lang: str) -> tuple[dict[str, int], dict[str, int]]:
    """(names that are a month anywhere, names that are one only beside a figure), from CLDR."""
    locale = locales.BABEL_LOCALES[lang]
    wide = {name: n for n, name in get_month_names("wide", locale=locale).items()}
    short = {name.rstrip("."): n for n, name in get_month_names("abbreviated", locale=locale).items()}
    if lang == "en":
        return {k: v for k, v in wide.items() if k != "May"}, {**short, "May": 5, "Sept": 9}
    if lang == "fr":
        return wide, {k: v for k, v in short.items() if k not in wide}
    return {}, wide  # km: a month only after ខែ or beside a figure (តុលាការ is a court, not October)


@functools.cache
def _month_pattern(lang: str) -> re.Pattern[str]:
    anywhere, near = _month_names(lang)
    names = sorted(set(anywhere) | set(near), key=len, reverse=True)
    flags = re.I if lang == "fr" else 0
    edge = "" if lang == "km" else r"(?<![^\W\d_])"
    return re.compile(edge + "(" + "|".join(map(re.escape, names)) + r")\.?" + ("" if lang == "km" else r"(?![^\W\d_])"),
                      flags)


def _months(text: str, lang: str) -> Counter:
    """Month numbers named in ``text`` (a number text, Latin digits)."""
    found: Counter = Counter()
    if lang not in ("en", "fr", "km"):
        return found
    anywhere, near = _month_names(lang)
    lookup = {k.lower(): v for k, v in {**near, **anywhere}.items()}
    for match in _month_pattern(lang).finditer(text):
        name = match.group(1)
        if lang == "en" and not name[0].isupper():
            continue
        before = text[max(0, match.start() - 6):match.start()].rstrip(_SPACES + "\u200b")
        after = text[match.end():match.end() + 4].lstrip(_SPACES + "\u200b")
        beside = before[-1:].isdigit() or after[:1].isdigit() or before.endswith("ខែ")
        if name in anywhere or name.lower() in {k.lower() for k in anywhere} or beside:
            found[lookup[name.lower()]] += 1
    return found


def _group_value(parts: list[str]) -> Decimal | None:
    """The value of digits grouped by thousands (1 000 000), or None if they are not grouped so."""
    if 1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:]):
        return Decimal("".join(parts))
    return None


#: (marks that group thousands, marks that start decimals) per language; Khmer writes both ways.
_MARKS = {"en": (",", "."), "fr": (".", ","), "km": (".,", ".,")}
_ANY = (".,", ".,")


def _values(shown: str, lang: str = "") -> list[Token]:
    """The token(s) one run of digits and marks stands for, read with ``lang``'s marks.

    >>> [sorted(str(k[1]) for k in t.keys) for t in _values("1,000", "en") + _values("1,000", "km")]
    [['1E+3'], ['1', '1E+3']]
    >>> [t.shown for t in _values("2024 25", "fr")]
    ['2024', '25']
    >>> [sorted(str(k[1]) for k in t.keys) for t in _values("1 234,5", "fr")]
    [['1234.5']]
    """
    parts = re.split(r"([.,\s\u00a0\u202f\u2009])", shown)
    digits, seps = parts[0::2], parts[1::2]
    if not seps:
        return [Token(frozenset({_num(int(shown))}), shown)]
    single = [Token(frozenset({_num(int(d))}), d) for d in digits]
    keys = _read(digits, seps, *_MARKS.get(lang, _ANY)) or _read(digits, seps, *_ANY)
    if set(seps) == {"."}:
        keys.add(("s", shown))  # perhaps a version: 3.0, 1.2.3
    if not keys:
        return single
    spaced = any(s not in ".," for s in seps)
    return [Token(frozenset(keys), shown, tuple(single) if spaced else ())]


def _read(digits: list[str], seps: list[str], group_marks: str, decimal_marks: str) -> set[Key]:
    """The values of digits and separators, read with these grouping and decimal marks."""
    keys: set[Key] = set()
    grouped = _group_value(digits)
    if grouped is not None and len(set(seps)) == 1 and (seps[0] in group_marks or seps[0] not in ".,"):
        keys.add(_num(grouped))
    last, rest = seps[-1], seps[:-1]
    if last in decimal_marks and len(set(rest)) <= 1 and last not in rest:
        whole = _group_value(digits[:-1]) if len(digits) > 2 else Decimal(digits[0])
        if whole is not None:
            keys.add(("n", (whole + Decimal("0." + digits[-1])).normalize()))
    return keys


def _times(text: str, figures: Figures) -> str:
    """Record the times of ``text`` and blank them out for the number pass."""

    def record(match: re.Match[str]) -> str:
        hour = int(match.group(1) or match.group(3))
        minute = int(match.group(2) or 0)
        if match.group(4) and match.group(4) in "pP" and hour < 12:
            hour += 12
        keys = {("t", hour % 12, minute)}
        if minute == 0:
            keys |= {_num(hour), _num(hour % 12 or 12)}
        figures.required.append(Token(frozenset(keys), match.group(0).strip()))
        return " " * len(match.group(0))

    return _TIME.sub(record, text)


def _romans(text: str, figures: Figures) -> str:
    """Record Roman numerals: with an ordinal ending (XXᵉ) required, bare ones (Phase I) optional."""

    def record(match: re.Match[str]) -> str:
        roman, suffix = match.group(1), match.group(2)
        if not roman:
            return match.group(0)
        value = _roman_value(roman)
        superscript = suffix and suffix[0] in "ᵉʳè"
        if suffix and (len(roman) >= 2 or superscript or roman in ("I", "V", "X")):
            figures.required.append(Token(frozenset({_num(value)}), match.group(0)))
        elif suffix is None and (len(roman) >= 2 or _ROMAN_AFTER.search(text[max(0, match.start() - 12):match.start()])):
            figures.optional.append(Token(frozenset({_num(value)}), roman))
        else:
            return match.group(0)
        return " " * len(match.group(0))

    return _ROMAN.sub(record, text)


def _roman_value(roman: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total = 0
    for here, after in zip(roman, roman[1:] + " "):
        total += -values[here] if values.get(after, 0) > values[here] else values[here]
    return total


def _number_words(text: str, lang: str, figures: Figures) -> None:
    """Record number words (six, première, ប្រាំមួយ) as optional figures."""
    for match in _KHMER_NUMBER.finditer(text):
        figures.optional.append(Token(frozenset({_num(_KHMER_WORDS[match.group(0)])}), match.group(0)))
    units, tens = _NUMBER_WORDS.get(lang, {}), _TENS.get(lang, {})
    words = [(m.group(0).lower(), m.start(), m.end()) for m in _LATIN_WORD.finditer(text)]
    for i, (word, start, end) in enumerate(words):
        value = units.get(word, tens.get(word))
        if value is None:
            continue
        if word in tens and i + 1 < len(words):
            following, nstart, _ = words[i + 1]
            if following in units and re.fullmatch(r"[-\s]|\s?-?et-?\s?", text[end:nstart]):
                value += units[following]
        figures.optional.append(Token(frozenset({_num(value)}), text[start:end]))


@functools.lru_cache(maxsize=MEMO)
def figures(text: str, lang: str) -> Figures:
    """Every figure of a rendered text in ``lang``."""
    found = Figures()
    plain = khmer.to_latin_digits(strip_noise(text))
    found.months = _months(plain, lang)
    for month, count in found.months.items():
        found.optional.extend([Token(frozenset({_num(month)}), f"month {month}")] * count)
    plain = _times(plain, found)
    plain = _romans(plain, found)
    _number_words(plain, lang, found)
    for match in _NUMBER.finditer(plain):
        found.required.extend(_values(match.group(0).strip(_SPACES), lang))
    return found


def _found(token: Token, *pools: list[Token]) -> bool:
    return any(token.keys & other.keys for pool in pools for other in pool)


def _compare(source: Figures, target: Figures, split: bool) -> tuple[list[str], list[str]]:
    """(figures of the source the translation lacks, figures of the translation the source lacks).

    Compared as sets: a translation may say a year once where the source says it twice.
    """

    def spread(tokens: list[Token]) -> list[Token]:
        return [p for t in tokens for p in (t.parts if split and t.parts else (t,))]

    src_req, tgt_req = spread(source.required), spread(target.required)
    missing = [t.shown for t in src_req if not _found(t, tgt_req, target.optional)]
    extra = [t.shown for t in tgt_req if not _found(t, src_req, source.optional)]
    return list(dict.fromkeys(missing)), list(dict.fromkeys(extra))


def _month_problems(source: Figures, target: Figures, lang: str, source_lang: str) -> list[str]:
    names = {"en": "en_GB", "fr": "fr", "km": "km"}

    def name(month: int, language: str) -> str:
        return get_month_names("wide", locale=names.get(language, "en_GB"))[month]

    def as_number(month: int, figures: Figures) -> bool:
        return any(_num(month) in t.keys for t in figures.required)

    lost = [name(m, source_lang) for m in source.months if m not in target.months and not as_number(m, target)]
    added = [name(m, lang) for m in target.months if m not in source.months and not as_number(m, source)]
    said = []
    for names_, whose, where in ((lost, "source", "translation"), (added, "translation", "source")):
        if names_:
            shown = ", ".join(names_[:3]) + ("…" if len(names_) > 3 else "")
            said.append(f"the {whose}'s month{'s' if len(names_) > 1 else ''} {shown} "
                        f"{'are' if len(names_) > 1 else 'is'} not in the {where}")
    return said


@check("numbers")
def numbers(entry: Entry) -> Iterator[Problem]:
    """Every number, time and date of the source is in the translation, and no other (Khmer digits and each locale's marks count)."""
    source = figures(entry.source.text, entry.source_lang)
    target = figures(entry.target.text, entry.lang)
    missing, extra = _compare(source, target, split=False)
    if missing or extra:
        missing, extra = min((missing, extra), _compare(source, target, split=True), key=lambda p: len(p[0] + p[1]))
    said = []
    if missing:
        said.append(f"the source's {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not in the translation")
    if extra:
        said.append(f"the translation's {', '.join(extra)} {'is' if len(extra) == 1 else 'are'} not in the source")
    said += _month_problems(source, target, entry.lang, entry.source_lang)
    if said:
        yield Problem("numbers", Severity.ERROR, "; ".join(said) + ": write the source's figures and dates")
