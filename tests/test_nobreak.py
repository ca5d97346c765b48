"""Names never break: no line ends between an honorific and a name, or inside a name, in any PDF or
web edition of the samples; the letterhead breaks where the ministry's own letterhead does; the
templates' strings get the same typography as the releases' words.

The rules are the typesetter's (``workflow.lang.typography``): translators type plain spaces.  The
judges are poppler (``pdftotext -bbox-layout``: the words of each line of the PDF) and Chromium
(``Range.getClientRects`` of each name at 320, 400 and 1000 px), with the phrases to protect written
out by hand below, so a rule that stops finding them fails here.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pdfplumber
import pytest

from tests.conftest import copy_project, run, squash, tool
from tests.test_browser import browser, tab  # noqa: F401 - the Chromium fixtures
from workflow.cli import main
from workflow.lang.khmer_web import unmark
from workflow.lang.typography import NBSP, khmer_names, latin_names, letterhead_lines

BELGIUM = "2024-02-07-cambodia-belgium-consultations"
SUMMIT = "2025-03-20-reunion-preparation-sommet-francophonie"
LANGS = ("km", "en", "fr")
SLUGS = (BELGIUM, SUMMIT)

#: Every titled name of the samples, as the text writes it (plain spaces), edition by edition.
PROTECTED = {
    # A chain of honorifics longer than 24 characters may break between two honorifics, each whole,
    # the last one with the name ("His Excellency / Dr. CHEM Widhya"): a table cell on a phone.
    (BELGIUM, "en"): ("His Excellency", "Dr. CHEM Widhya", "Ambassador François DELHAYE"),
    (BELGIUM, "fr"): ("Son Excellence", "le Dr CHEM Widhya", "ambassadeur François DELHAYE"),
    # Long Khmer titles may break after ឯកឧត្តម (His Excellency), never between the last title and the name.
    (BELGIUM, "km"): ("ឯកឧត្តម បណ្ឌិត ជាម វិទ្យា", "ឯកអគ្គរដ្ឋទូត ហ្វ្រង់ស្វ័រ ដេឡាយ"),
    (SUMMIT, "en"): ("His Excellency PRAK Sokhonn",),
    (SUMMIT, "fr"): ("Son Excellence", "M. PRAK Sokhonn"),
    (SUMMIT, "km"): ("ឧបនាយករដ្ឋមន្ត្រី ប្រាក់ សុខុន",),
}
#: A run of words joined by no-break spaces: what must stay on one line (Latin script; in Khmer,
#: where words are not spaced, the typesetter's ``<span class="nobreak">`` says where a name starts).
GLUED = re.compile(r"[^\s\u00a0]+(?:\u00a0[^\s\u00a0]+)+")
NOBREAK_SPAN = re.compile(r'<span class="nobreak">(.*?)</span>', re.S)
WIDTHS = (320, 400, 1000)


# ------------------------------------------------------------------ the rules

@pytest.mark.parametrize("text, glued", [
    ("co-chaired by H.E. Dr. CHEM Widhya, Secretary", "H.E. Dr. CHEM Widhya"),
    ("co-chaired by His Excellency Dr. CHEM Widhya, Secretary", "His Excellency"),
    ("co-chaired by His Excellency Dr. CHEM Widhya, Secretary", "Dr. CHEM Widhya"),
    ("by Ambassador François DELHAYE, Director", "Ambassador François DELHAYE"),
    ("Son Excellence M. PRAK Sokhonn, Vice-Premier ministre", "M. PRAK Sokhonn"),
    ("D’emblée, Son Excellence le Dr CHEM Widhya a exprimé", "le Dr CHEM Widhya"),
    ("En réponse, l’ambassadeur François DELHAYE a réitéré", "ambassadeur François DELHAYE"),
    ("H.E. Mrs. Ing Kantha Phavi, Minister", "Mrs. Ing Kantha Phavi"),
    ("His Excellency Deputy Prime Minister PRAK Sokhonn said", "Deputy Prime Minister PRAK Sokhonn"),
    ("reçu par Mme KEO Sothea hier", "Mme KEO Sothea"),
    ("met Samdech HUN Manet today", "Samdech HUN Manet"),
    ("the minister, PRAK Sokhonn, said", "PRAK Sokhonn"),  # FAMILY Given without a title
])
def test_latin_titles_and_names_are_glued(text, glued):
    out = latin_names(text)
    assert glued.replace(" ", NBSP) in out, out
    assert out.replace(NBSP, " ") == text  # only spaces change


@pytest.mark.parametrize("text", [
    "the ASEAN Secretariat and the UN Charter",
    "the Organisation internationale de la Francophonie (OIF) Members and OIF Members",
    "the Extraordinary Chambers (ECCC) Demining, COVID-19 Response",
    "the Ambassador of Belgium and Mr Chairman's",
])
def test_acronyms_and_ordinary_words_are_not_glued(text):
    out = latin_names(text)
    assert "ASEAN" + NBSP not in out and "UN" + NBSP not in out and "OIF" + NBSP not in out, out
    assert "Ambassador" + NBSP not in out and "ECCC" + NBSP not in out


@pytest.mark.parametrize("text, glued", [
    ("ក្រោមសហអធិបតីភាពរបស់ ឯកឧត្តម បណ្ឌិត ជាម វិទ្យា រដ្ឋលេខាធិការ", "ឯកឧត្តម បណ្ឌិត ជាម វិទ្យា"),
    ("ឆ្លើយតបវិញ ឯកឧត្តមឯកអគ្គរដ្ឋទូត ហ្វ្រង់ស្វ័រ ដេឡាយ បានបញ្ជាក់", "ឯកអគ្គរដ្ឋទូត ហ្វ្រង់ស្វ័រ ដេឡាយ"),
    ("ជួបជាមួយ លោកជំទាវ សុខ ចិន្តាសោភា នៅ", "លោកជំទាវ សុខ ចិន្តាសោភា"),
    ("ដឹកនាំដោយ សម្តេចធិបតី ហ៊ុន ម៉ាណែត នាយករដ្ឋមន្ត្រី", "សម្តេចធិបតី ហ៊ុន ម៉ាណែត"),
    ("ក្រោមការចូលរួមពី អ្នកឧកញ៉ា គិត ម៉េង ប្រធាន", "អ្នកឧកញ៉ា គិត ម៉េង"),
    ("ជាមួយ លោក ស៊ុន ចាន់ថុល ឧបនាយករដ្ឋមន្ត្រី", "លោក ស៊ុន ចាន់ថុល"),
])
def test_khmer_titles_and_names_are_glued(text, glued):
    out = khmer_names(text)
    assert glued.replace(" ", NBSP) in out, out
    assert out.replace(NBSP, " ") == text


def test_khmer_rule_takes_line_break_marks_out_of_a_name_only():
    marked = "ជាការបញ្ចប់\u200b ឯកឧត្តម\u200bឧបនាយក\u200bរដ្ឋមន្ត្រី ប្រាក់ សុខុន បាន\u200bថ្លែង"
    out = khmer_names(marked)
    assert "ឯកឧត្តម\u200bឧបនាយករដ្ឋមន្ត្រី\u00a0ប្រាក់\u00a0សុខុន" in out  # long: a break after ឯកឧត្តម only
    assert out.count("\u200b") == 3  # the marks outside the name stay
    assert squash(out) == squash(marked)  # the same text for a reader (and for pdftotext)


@pytest.mark.parametrize("text", [
    "កិច្ចប្រជុំកំពូលស្តីពីពិភពលោកគ្មានមីន នៃ អនុសញ្ញា",  # លោក inside ពិភពលោក ("world")
    "ឯកឧត្តមបានគូសបញ្ជាក់ពីសារៈសំខាន់នៃទំនាក់ទំនង នយោបាយ ទ្វេភាគី",  # a title, then a verb: no name
])
def test_khmer_words_that_are_not_titled_names_are_left_alone(text):
    assert khmer_names(text) == text


def test_letterhead_lines():
    assert letterhead_lines("Ministry of Foreign Affairs and International Cooperation", "en", "ministry") == [
        "Ministry of Foreign Affairs ", "and International Cooperation"]
    assert letterhead_lines("General Department of International Organisations", "en", "department") == [
        "General Department of ", "International Organisations"]
    assert letterhead_lines("Direction générale des organisations internationales", "fr", "department") == [
        "Direction générale ", "des organisations internationales"]
    # A translation the rules do not know is one line, wrapped by the page as it must.
    assert letterhead_lines("Ministerium", "fr", "ministry") == ["Ministerium"]


# ------------------------------------------------------------------ the samples: HTML

def article_text(page: str) -> str:
    body = page.split("<article>", 1)[1].split("</article>", 1)[0]
    return html.unescape(re.sub(r"<[^>]+>", "", body))


def glued_phrases(page: str, lang: str) -> set[str]:
    """What the page keeps on one line: its no-break runs (Latin), its nobreak spans (Khmer).

    A Khmer web page has its words in ``<span class="km-w">`` with ``<wbr>`` between them
    (``workflow.lang.khmer_web``), inside the nobreak spans too: they are read without those marks."""
    if lang == "km":
        return {html.unescape(m) for m in NOBREAK_SPAN.findall(unmark(page))}
    return set(GLUED.findall(article_text(page)))


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("lang", LANGS)
def test_titled_names_are_glued_in_the_html(published, slug, lang):
    text = article_text((published / "output" / lang / f"{slug}.html").read_text(encoding="utf-8"))
    for phrase in PROTECTED[(slug, lang)]:
        assert phrase.replace(" ", NBSP) in text, phrase
        assert phrase not in text, f"{phrase!r} with a plain space somewhere"


# ------------------------------------------------------------------ the samples: PDF

def pdf_lines(pdf: Path) -> list[str]:
    """The text of each line of the PDF (poppler's layout), without white space."""
    xml = run(tool("pdftotext"), "-bbox-layout", str(pdf), "-").stdout
    tree = ET.fromstring(re.sub(r'\sxmlns="[^"]+"', "", xml, count=1))
    return [squash("".join(word.text or "" for word in line.iter("word"))) for line in tree.iter("line")]


def broken_in_pdf(pdf: Path, phrases: set[str]) -> tuple[list[str], int]:
    """The phrases a line of the PDF ends inside, and how many times the phrases were found whole."""
    lines = pdf_lines(pdf)
    flat = "".join(lines)
    broken, whole = [], 0
    for phrase in phrases:
        target = squash(phrase)
        on_one_line = sum(line.count(target) for line in lines)
        if flat.count(target) != on_one_line:
            broken.append(phrase)
        whole += on_one_line
    return broken, whole


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("lang", LANGS)
def test_no_pdf_line_ends_inside_a_titled_name(published, slug, lang):
    page = (published / "output" / lang / f"{slug}.html").read_text(encoding="utf-8")
    glued = glued_phrases(page, lang)
    for phrase in PROTECTED[(slug, lang)]:  # the judge looks at every name the samples have
        assert any(phrase.replace(" ", NBSP) in g for g in glued), phrase
    broken, whole = broken_in_pdf(published / "output" / lang / f"{slug}.pdf", glued)
    assert not broken, broken
    assert whole >= len(PROTECTED[(slug, lang)])


def test_the_pdf_judge_sees_a_broken_name(tmp_path):
    """Calibration: the same judge on a PDF whose column is too narrow for a name finds it broken."""
    from weasyprint import HTML
    pdf = tmp_path / "narrow.pdf"
    HTML(string="<style>@page{size:60mm 100mm;margin:5mm} p{width:28mm;font-size:12pt}</style>"
                "<p>by His Excellency Dr. CHEM Widhya and others</p>").write_pdf(pdf)
    broken, _ = broken_in_pdf(pdf, {"Excellency Dr. CHEM Widhya"})
    assert broken


# ------------------------------------------------------------------ the samples: letterhead in the PDF

LETTERHEAD = {
    "en": ["Ministry of Foreign Affairs", "and International Cooperation"],
    "fr": ["Ministère des Affaires étrangères", "et de la Coopération internationale"],
    "km": ["ក្រសួងការបរទេស", "និងសហប្រតិបត្តិការអន្តរជាតិ"],
}
DEPARTMENTS = {
    (SUMMIT, "en"): ["General Department of", "International Organisations"],
    (SUMMIT, "fr"): ["Direction générale", "des organisations internationales"],
    (SUMMIT, "km"): ["អគ្គនាយកដ្ឋានអង្គការអន្តរជាតិ"],
    (BELGIUM, "en"): ["General Department of", "Europe, America, and Africa-Middle East"],
    (BELGIUM, "fr"): ["Direction générale", "de l’Europe, de l’Amérique", "et de l’Afrique-Moyen-Orient"],
}


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("lang", LANGS)
def test_letterhead_lines_break_as_the_ministrys_own(published, slug, lang):
    text = run(tool("pdftotext"), "-layout", "-l", "1", str(published / "output" / lang / f"{slug}.pdf"), "-").stdout
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    expected = LETTERHEAD[lang] + DEPARTMENTS.get((slug, lang), [])
    start = lines.index(expected[0])
    assert lines[start:start + len(expected)] == expected, lines[:8]
    assert not any(line.endswith(("International", "étrangères et de la")) for line in lines[:8]), lines[:8]


# ------------------------------------------------------------------ the samples: Chromium

CHECK_NAMES = r"""(() => {
  const found = [], broken = [];
  const oneLine = (rects) => rects.every(r => r.top < rects[0].bottom - 1 && r.bottom > rects[0].top + 1);
  for (const span of document.querySelectorAll('article .nobreak')) {  // Khmer: the typesetter's spans
    const range = document.createRange();
    range.selectNodeContents(span);
    found.push(span.textContent);
    if (!oneLine([...range.getClientRects()].filter(r => r.width > 0))) broken.push(span.textContent);
  }
  const walker = document.createTreeWalker(document.querySelector('article'), NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    if (/[ក-៿]/.test(node.data)) continue;
    for (const m of node.data.matchAll(/[^\s\u00a0]+(?:\u00a0[^\s\u00a0]+)+/g)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const rects = [...range.getClientRects()].filter(r => r.width > 0);
      found.push(m[0]);
      if (!oneLine(rects)) broken.push(m[0]);  // one line: every box overlaps the first one vertically
    }
  }
  return {found, broken, overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth};
})()"""




@pytest.mark.parametrize("width", WIDTHS)
def test_no_web_line_ends_inside_a_titled_name(tab, published, width):  # noqa: F811 - the fixture
    tab.viewport(width)
    try:
        for slug in SLUGS:
            for lang in LANGS:
                tab.open((published / "output" / lang / f"{slug}.html").as_uri())
                result = tab.js(CHECK_NAMES)
                assert result["broken"] == [], (width, lang, slug, result["broken"])
                for phrase in PROTECTED[(slug, lang)]:
                    assert any(phrase.replace(" ", NBSP) in g for g in result["found"]), (lang, slug, phrase)
                assert result["overflow"] <= 0, (width, lang, slug, "a glued name sticks out of the page")
    finally:
        tab.send("Emulation.clearDeviceMetricsOverride")


def test_the_web_judge_sees_a_broken_name(tab, tmp_path):  # noqa: F811 - the fixture
    """Calibration: a name in a column narrower than itself is seen broken."""
    page = tmp_path / "narrow.html"
    page.write_text("<!DOCTYPE html><html><body><article><p style='width:60px'>His\u00a0Excellency"
                    "\u00a0Dr.\u00a0CHEM\u00a0Widhya</p></article></body></html>", encoding="utf-8")
    tab.open(page.as_uri())
    assert tab.js(CHECK_NAMES)["broken"] == [], "white-space keeps it on one line, overflowing"
    page.write_text("<!DOCTYPE html><html><body><article><p style='width:60px;overflow-wrap:anywhere'>"
                    "His\u00a0Excellency\u00a0Dr.\u00a0CHEM\u00a0Widhya</p></article></body></html>", encoding="utf-8")
    tab.open(page.as_uri())
    assert tab.js(CHECK_NAMES)["broken"] == ["His\u00a0Excellency\u00a0Dr.\u00a0CHEM\u00a0Widhya"]


#: Each run of p.ministry between two <br>: its text, and on how many lines Chromium draws it (the
#: Khmer line is in km-w spans with <wbr>, workflow/lang/khmer_web.py: not one text node).
LETTERHEAD_LINES = r"""(() => {
  const out = [], range = document.createRange();
  let run = [];
  const close = () => {
    if (!run.length) return;
    range.setStartBefore(run[0]); range.setEndAfter(run[run.length - 1]);
    const tops = [...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top));
    out.push([range.toString().trim(), new Set(tops).size]);
    run = [];
  };
  for (const node of document.querySelector('p.ministry').childNodes) {
    if (node.nodeName === 'BR') close(); else run.push(node);
  }
  close();
  return out;
})()"""


def test_letterhead_lines_in_chromium(tab, published):  # noqa: F811 - the fixture
    tab.viewport(1000)
    try:
        for lang in LANGS:
            tab.open((published / "output" / lang / f"{SUMMIT}.html").as_uri())
            lines = tab.js(LETTERHEAD_LINES)
            assert lines == [[line, 1] for line in LETTERHEAD[lang]], (lang, lines)
    finally:
        tab.send("Emulation.clearDeviceMetricsOverride")


# ------------------------------------------------------------------ the templates' strings

@pytest.fixture(scope="module")
def draft(tmp_path_factory) -> Path:
    """The samples with one more English paragraph: the French and Khmer Belgian editions are drafts."""
    root = copy_project(tmp_path_factory.mktemp("nobreak-draft"))
    source = root / "content" / f"{BELGIUM}.md"
    source.write_text(source.read_text(encoding="utf-8").rstrip() + "\n\nA paragraph not yet translated.\n",
                      encoding="utf-8")
    assert main(["--root", str(root), "-q", "publish"]) == 0
    return root


def test_interface_strings_get_french_spacing(draft):
    page = (draft / "output/fr" / f"{BELGIUM}.html").read_text(encoding="utf-8")
    assert "Projet\u00a0: cette édition" in page, re.findall(r'draft-banner[^<]*<?', page)
    with pdfplumber.open(draft / "output/fr" / f"{BELGIUM}.pdf") as pdf:
        chars = "".join(c["text"] for c in pdf.pages[0].chars)
    assert "Projet\u00a0:" in chars
