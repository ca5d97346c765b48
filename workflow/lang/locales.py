"""Per-language facts: names, Babel locales, digits, plural forms, dates."""

from __future__ import annotations

import datetime as _dt

from babel import Locale
from babel.dates import format_date

from workflow.lang import khmer

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
    return khmer.to_khmer_digits(text) if lang == "km" else text


def long_date(day: _dt.date, lang: str) -> str:
    """A date as the language writes it in an official document.

    >>> long_date(_dt.date(2024, 2, 7), "en")
    '7 February 2024'
    >>> long_date(_dt.date(2024, 2, 7), "fr")
    '7 février 2024'
    >>> long_date(_dt.date(2024, 2, 7), "km")
    '៧ កុម្ភៈ ២០២៤'
    """
    text = format_date(day, format="long", locale=BABEL_LOCALES[check(lang)])
    if lang == "fr" and day.day == 1:
        text = "1er" + text[1:]  # French writes the first of the month as an ordinal
    return localize_digits(text, lang)


def language_name(lang: str, in_lang: str | None = None) -> str:
    """The language's name, in its own language by default ("ខ្មែរ", "English", "français")."""
    locale = Locale.parse(BABEL_LOCALES[check(lang)])
    target = Locale.parse(BABEL_LOCALES[check(in_lang or lang)])
    name = locale.get_language_name(target) or lang
    return name[:1].upper() + name[1:] if lang != "km" else name
