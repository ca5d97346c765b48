"""Date lines as each language writes them, one a page: the place-and-date line at the end.

"Phnom Penh, 14 February 2024", "Phnom Penh, le 14 février 2024" (the first of the month "le 1er"),
"ភ្នំពេញ ថ្ងៃទី១៤ ខែកុម្ភៈ ឆ្នាំ២០២៤" (Khmer digits, ថ្ងៃទី / ខែ / ឆ្នាំ); without a place, the date
alone ("Le 1er mars 2025" in French).  Judged in the HTML and, through ``pdftotext``, in the PDF.
Why the end and not the top: ``notes/datelines.md``.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT, copy_project, pdftotext, squash
from workflow.cli import main
from workflow.lang import locales

BELGIUM = "2024-02-07-cambodia-belgium-consultations"
SUMMIT = "2025-03-20-reunion-preparation-sommet-francophonie"
LANGS = ("km", "en", "fr")

#: The samples' place-and-date lines (issued on 14 February 2024 and 21 March 2025).
SAMPLE_LINES = {
    (BELGIUM, "km"): "ភ្នំពេញ ថ្ងៃទី១៤ ខែកុម្ភៈ ឆ្នាំ២០២៤",
    (BELGIUM, "en"): "Phnom Penh, 14 February 2024",
    (BELGIUM, "fr"): "Phnom Penh, le 14 février 2024",
    (SUMMIT, "km"): "ភ្នំពេញ ថ្ងៃទី២១ ខែមីនា ឆ្នាំ២០២៥",
    (SUMMIT, "en"): "Phnom Penh, 21 March 2025",
    (SUMMIT, "fr"): "Phnom Penh, le 21 mars 2025",
}
#: The forms the editions had before (a dateline at the top, another order at the end, no "le").
OLD_FORMS = ("7 February 2024, Phnom Penh", "៧ កុម្ភៈ ២០២៤", "១៤ កុម្ភៈ ២០២៤", "Phnom Penh, 14 février",
             "Phnom Penh, 21 mars", "២០ មីនា ២០២៥", "២១ មីនា ២០២៥")


def date_lines(page: str) -> list[str]:
    """The text of every date line of an edition page (the dateline class, the closing line)."""
    found = re.findall(r'<p class="(?:dateline|closing)">(.*?)</p>', page, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", line)) for line in found]


# ------------------------------------------------------------------ the forms

@pytest.mark.parametrize("lang, day, expected", [
    ("en", dt.date(2024, 2, 14), "14 February 2024"),
    ("fr", dt.date(2024, 2, 14), "14 février 2024"),
    ("km", dt.date(2024, 2, 14), "ថ្ងៃទី១៤ ខែកុម្ភៈ ឆ្នាំ២០២៤"),
    ("en", dt.date(2025, 3, 1), "1 March 2025"),
    ("fr", dt.date(2025, 3, 1), "1er mars 2025"),
    ("km", dt.date(2025, 3, 1), "ថ្ងៃទី១ ខែមីនា ឆ្នាំ២០២៥"),
    ("km", dt.date(2024, 12, 31), "ថ្ងៃទី៣១ ខែធ្នូ ឆ្នាំ២០២៤"),
])
def test_long_date_is_the_official_form(lang, day, expected):
    assert locales.long_date(day, lang) == expected


@pytest.mark.parametrize("lang, place, expected", [
    ("en", "Phnom Penh", "Phnom Penh, 1 February 2024"),
    ("fr", "Phnom Penh", "Phnom Penh, le 1er février 2024"),
    ("km", "ភ្នំពេញ", "ភ្នំពេញ ថ្ងៃទី១ ខែកុម្ភៈ ឆ្នាំ២០២៤"),
    ("en", "", "1 February 2024"),
    ("fr", "", "Le 1er février 2024"),
    ("km", "", "ថ្ងៃទី១ ខែកុម្ភៈ ឆ្នាំ២០២៤"),
])
def test_place_and_date_line(lang, place, expected):
    assert locales.place_and_date_text(dt.date(2024, 2, 1), lang, place) == expected


# ------------------------------------------------------------------ the samples, HTML and PDF

@pytest.mark.parametrize("slug", [BELGIUM, SUMMIT])
@pytest.mark.parametrize("lang", LANGS)
def test_each_page_has_one_date_line_in_its_languages_form(published, slug, lang):
    expected = SAMPLE_LINES[(slug, lang)]
    page = (published / "output" / lang / f"{slug}.html").read_text(encoding="utf-8")
    assert date_lines(page) == [expected]
    assert 'class="dateline"' not in page
    assert page.index('class="closing"') > page.index('class="body"')  # at the end, after the text
    issued = {BELGIUM: "2024-02-14", SUMMIT: "2025-03-21"}[slug]
    assert f'<time datetime="{issued}">' in page

    text = pdftotext(published / "output" / lang / f"{slug}.pdf")
    lines = [line.strip() for line in text.splitlines()]
    assert lines.count(expected) == 1, [line for line in lines if "Phnom" in line or "ភ្នំពេញ" in line]
    # It ends the release: after it, only the page footer.
    after = [line for line in lines[lines.index(expected) + 1:] if line and "\f" not in line]
    assert all(re.fullmatch(r"(Page \d+ (of|sur) \d+|ទំព័រ [០-៩]+ នៃ [០-៩]+)", line) for line in after), after
    flat = squash(text)
    for old in OLD_FORMS:
        assert squash(old) not in flat, old


# ------------------------------------------------------------------ the first of a month, no place

@pytest.fixture(scope="module")
def first_of_month(tmp_path_factory) -> Path:
    """The Belgian release issued on 1 February 2024; the Francophonie one on 1 March 2025, with no place."""
    root = copy_project(tmp_path_factory.mktemp("datelines"))
    belgium = root / "content" / f"{BELGIUM}.md"
    text = belgium.read_text(encoding="utf-8")
    assert "\ndate: 2024-02-07\n" in text and "\nissued: 2024-02-14\n" in text
    belgium.write_text(text.replace("\ndate: 2024-02-07\n", "\ndate: 2024-01-30\n")
                       .replace("\nissued: 2024-02-14\n", "\nissued: 2024-02-01\n"), encoding="utf-8")
    summit = root / "content" / f"{SUMMIT}.md"
    text = summit.read_text(encoding="utf-8")
    assert "\nplace: Phnom Penh\n" in text and "\ndate: 2025-03-20\n" in text
    summit.write_text(text.replace("\nplace: Phnom Penh\n", "\n").replace("\nissued: 2025-03-21\n", "\n")
                      .replace("\ndate: 2025-03-20\n", "\ndate: 2025-03-01\n"), encoding="utf-8")
    assert main(["--root", str(root), "-q", "publish"]) == 0
    return root


FIRST_OF_MONTH = {
    (BELGIUM, "km"): "ភ្នំពេញ ថ្ងៃទី១ ខែកុម្ភៈ ឆ្នាំ២០២៤",
    (BELGIUM, "en"): "Phnom Penh, 1 February 2024",
    (BELGIUM, "fr"): "Phnom Penh, le 1er février 2024",
    (SUMMIT, "km"): "ថ្ងៃទី១ ខែមីនា ឆ្នាំ២០២៥",
    (SUMMIT, "en"): "1 March 2025",
    (SUMMIT, "fr"): "Le 1er mars 2025",
}


@pytest.mark.parametrize("slug", [BELGIUM, SUMMIT])
@pytest.mark.parametrize("lang", LANGS)
def test_first_of_the_month_and_a_release_without_place(first_of_month, slug, lang):
    expected = FIRST_OF_MONTH[(slug, lang)]
    page = (first_of_month / "output" / lang / f"{slug}.html").read_text(encoding="utf-8")
    assert date_lines(page) == [expected]
    if slug == SUMMIT:
        assert "Phnom" not in page and "ភ្នំពេញ" not in page
    lines = [line.strip() for line in pdftotext(first_of_month / "output" / lang / f"{slug}.pdf").splitlines()]
    assert lines.count(expected) == 1, expected


def test_the_samples_have_a_place():
    """The published samples above do test the place: both releases name it in their front matter."""
    for slug in (BELGIUM, SUMMIT):
        assert "\nplace: Phnom Penh\n" in (ROOT / "content" / f"{slug}.md").read_text(encoding="utf-8")
