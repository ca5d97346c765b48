"""Dates, digits and language names, checked against what each language writes."""

import datetime as dt

import pytest

from workflow.lang import locales


@pytest.mark.parametrize("lang, expected", [
    ("en", "7 February 2024"),
    ("fr", "7 février 2024"),
    ("km", "ថ្ងៃទី៧ ខែកុម្ភៈ ឆ្នាំ២០២៤"),  # the official form, with ថ្ងៃទី, ខែ and ឆ្នាំ
])
def test_long_dates(lang, expected):
    assert locales.long_date(dt.date(2024, 2, 7), lang) == expected


def test_french_first_of_month_is_ordinal():
    assert locales.long_date(dt.date(2024, 3, 1), "fr") == "1er mars 2024"


def test_plural_forms_are_those_of_gettext_tools():
    assert locales.PLURAL_FORMS["fr"] == "nplurals=2; plural=(n > 1);"
    assert locales.PLURAL_FORMS["km"] == "nplurals=1; plural=0;"


def test_unknown_language():
    with pytest.raises(locales.UnknownLanguage):
        locales.check("xx")
