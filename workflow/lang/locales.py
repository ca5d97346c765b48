"""Per-language facts: names, Babel locales, digits, plural forms, dates."""

from __future__ import annotations

import datetime as _dt

# Babel and the Khmer module are imported where dates, digits and names are written: loading a
# project checks its languages here, and a publish with nothing to do needs nothing more.

#: Babel locale used for each language's dates and names.  British English
#: writes "7 February 2024", as the ministry does.
BABEL_LOCALES = {"km": "km", "en": "en_GB", "fr": "fr"}

#: Plural-Forms as GNU gettext and translators' tools write them (Babel's CLDR
#: data gives French three forms, which no PO editor expects).
PLURAL_FORMS = {
    "km": "nplurals=1; plural=0;",
    "en": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
}


class UnknownLanguage(ValueError):
    """A language code the project has no data for."""


def check(lang: str) -> str:
    """Return ``lang`` if the project knows it, else raise UnknownLanguage."""
    if lang not in BABEL_LOCALES:
        known = ", ".join(sorted(BABEL_LOCALES))
        raise UnknownLanguage(f"unknown language {lang!r}; use one of {known}")
    return lang


def localize_digits(text: str, lang: str) -> str:
    """Write ASCII digits in the language's own digits (Khmer only, for now).

    >>> localize_digits("7 2024", "km")
    '៧ ២០២៤'
    """
    from workflow.lang import khmer

    return khmer.to_khmer_digits(text) if lang == "km" else text


def long_date(day: _dt.date, lang: str) -> str:
    """A date as the language writes it in an official document, in running text and on the
    place-and-date line alike (corrections, withdrawal notices, earlier versions, indexes).

    Month names are CLDR's (Babel); Khmer writes the official form with ថ្ងៃទី (day), ខែ (month)
    and ឆ្នាំ (year) and Khmer digits, French the first of the month as an ordinal.

    >>> long_date(_dt.date(2024, 2, 7), "en")
    '7 February 2024'
    >>> long_date(_dt.date(2024, 2, 7), "fr")
    '7 février 2024'
    >>> long_date(_dt.date(2024, 2, 1), "fr")
    '1er février 2024'
    >>> long_date(_dt.date(2024, 2, 7), "km")
    'ថ្ងៃទី៧ ខែកុម្ភៈ ឆ្នាំ២០២៤'
    """
    from babel.dates import format_date, get_month_names

    if check(lang) == "km":
        month = get_month_names("wide", locale=BABEL_LOCALES["km"])[day.month]
        return localize_digits(f"ថ្ងៃទី{day.day} ខែ{month} ឆ្នាំ{day.year}", lang)
    text = format_date(day, format="long", locale=BABEL_LOCALES[lang])
    if lang == "fr" and day.day == 1:
        text = "1er" + text[1:]  # French writes the first of the month as an ordinal
    return localize_digits(text, lang)


#: The place-and-date line that ends a release, as each language writes it: its pieces in order,
#: "{place}" and "{date}" standing for the place and the date.
_PLACE_AND_DATE = {
    "km": ("{place}", " ", "{date}"),  # ភ្នំពេញ ថ្ងៃទី១៤ ខែកុម្ភៈ ឆ្នាំ២០២៤
    "en": ("{place}", ", ", "{date}"),  # Phnom Penh, 14 February 2024
    "fr": ("{place}", ", le ", "{date}"),  # Phnom Penh, le 14 février 2024
}
#: The same without a place: the date alone (French: "Le 14 février 2024").
_DATE_ALONE = {"km": ("{date}",), "en": ("{date}",), "fr": ("Le ", "{date}")}


def place_and_date(day: _dt.date, lang: str, *, place: bool) -> list[tuple[str, str]]:
    """The pieces of the place-and-date line, in order: ("place", ""), ("date", the date) and
    ("text", words between them); the caller puts in the place, already translated.

    >>> place_and_date(_dt.date(2024, 2, 1), "fr", place=True)
    [('place', ''), ('text', ', le '), ('date', '1er février 2024')]
    >>> place_and_date(_dt.date(2024, 2, 14), "fr", place=False)
    [('text', 'Le '), ('date', '14 février 2024')]
    """
    pieces = (_PLACE_AND_DATE if place else _DATE_ALONE)[check(lang)]
    date = long_date(day, lang)
    return [("place", "") if p == "{place}" else ("date", date) if p == "{date}" else ("text", p) for p in pieces]


def place_and_date_text(day: _dt.date, lang: str, place: str = "") -> str:
    """The place-and-date line as plain text.

    >>> place_and_date_text(_dt.date(2024, 2, 14), "km", "ភ្នំពេញ")
    'ភ្នំពេញ ថ្ងៃទី១៤ ខែកុម្ភៈ ឆ្នាំ២០២៤'
    >>> place_and_date_text(_dt.date(2024, 2, 14), "en", "Phnom Penh")
    'Phnom Penh, 14 February 2024'
    """
    return "".join(place if kind == "place" else text for kind, text in place_and_date(day, lang, place=bool(place)))


def language_name(lang: str, in_lang: str | None = None) -> str:
    """The language's name, in its own language by default ("ខ្មែរ", "English", "français")."""
    from babel import Locale

    locale = Locale.parse(BABEL_LOCALES[check(lang)])
    target = Locale.parse(BABEL_LOCALES[check(in_lang or lang)])
    name = locale.get_language_name(target) or lang
    return name[:1].upper() + name[1:] if lang != "km" else name
