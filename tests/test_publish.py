"""End to end: ``publish`` on the samples, judged by pdftotext, pdffonts, pdfinfo and an HTML parser."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import polib
import pypdf
import pytest

from tests.conftest import ROOT, pdftotext, run, squash, tool
from workflow.cli import main
from workflow.lang import khmer_web

SLUGS = sorted(p.stem for p in (ROOT / "content").glob("*.md"))
BELGIUM = "2024-02-07-cambodia-belgium-consultations"
LANGS = ("km", "en", "fr")


class Page(HTMLParser):
    """The parts of a page the tests look at."""

    def __init__(self, text: str):
        super().__init__()
        self.lang = None
        self.alternates: dict[str, str] = {}
        self.links: list[tuple[str, str]] = []
        self.times: list[str] = []
        self._in_time = False
        self.feed(khmer_web.unmark(text))  # Khmer words as text, without their spans

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "link" and attrs.get("rel") == "alternate":
            self.alternates[attrs["hreflang"]] = attrs["href"]
        elif tag == "a" and "href" in attrs:
            self.links.append((attrs.get("hreflang", ""), attrs["href"]))
        elif tag == "time":
            self._in_time = True

    def handle_endtag(self, tag):
        self._in_time = self._in_time and tag != "time"

    def handle_data(self, data):
        if self._in_time:
            self.times.append(data)


def test_every_edition_is_published(published):
    for slug in SLUGS:
        for lang in LANGS:
            assert (published / "output" / lang / f"{slug}.html").is_file()
            assert (published / "output" / lang / f"{slug}.pdf").is_file()
    for index in ["index.html"] + [f"{lang}/index.html" for lang in LANGS]:
        text = (published / "output" / index).read_text(encoding="utf-8")
        for slug in SLUGS:
            for lang in LANGS:
                assert f"{lang}/{slug}.html" in text, (index, slug, lang)


def test_french_pdf_has_the_french_body(published):
    po = polib.pofile(str(published / "locale/fr/LC_MESSAGES" / f"{BELGIUM}.po"))
    # The page footers out: a paragraph may run from one page onto the next.
    text = squash(re.sub(r"Page \d+ sur \d+", "", pdftotext(published / "output/fr" / f"{BELGIUM}.pdf")))
    paragraphs = [e.msgstr for e in po if "type: paragraph" in e.comment]
    assert len(paragraphs) == 5
    for paragraph in paragraphs:
        assert squash(paragraph) in text
    # and none of the English source
    assert squash("The First Session of the Bilateral Consultations") not in text


@pytest.mark.parametrize("lang, date", [("en", "14 February 2024"), ("fr", "14 février 2024"),
                                        ("km", "ថ្ងៃទី១៤ ខែកុម្ភៈ ឆ្នាំ២០២៤")])  # the issue date, at the end
def test_html_editions_have_lang_switcher_and_local_date(published, lang, date):
    page = Page((published / "output" / lang / f"{BELGIUM}.html").read_text(encoding="utf-8"))
    assert page.lang == lang
    assert date in page.times
    others = [other for other in LANGS if other != lang]
    for other in others:
        assert page.alternates[other] == f"../{other}/{BELGIUM}.html"
        assert (other, f"../{other}/{BELGIUM}.html") in page.links
        assert (published / "output" / lang / page.alternates[other]).resolve().is_file()


def test_pdfs_are_a4_with_metadata_and_embedded_fonts(published):
    for lang in LANGS:
        pdf = published / "output" / lang / f"{BELGIUM}.pdf"
        info = run(tool("pdfinfo"), str(pdf)).stdout
        assert "(A4)" in info
        title = Page((published / "output" / lang / f"{BELGIUM}.html").read_text(encoding="utf-8"))
        assert re.search(r"^Title:\s+\S", info, re.M)
        fonts = run(tool("pdffonts"), str(pdf)).stdout.splitlines()[2:]
        assert fonts, "no fonts in the PDF"
        for line in fonts:
            assert line.split()[-5] == "yes", f"font not embedded: {line}"
            assert re.match(r"^[A-Z]{6}\+(Noto|Moul|Battambang)", line), f"a font that is not bundled: {line}"
        assert title.lang == lang


def test_pdf_language_and_title_metadata(published):
    for lang in LANGS:
        reader = pypdf.PdfReader(published / "output" / lang / f"{BELGIUM}.pdf")
        assert reader.trailer["/Root"]["/Lang"] == lang
    info = run(tool("pdfinfo"), str(published / "output/fr" / f"{BELGIUM}.pdf")).stdout
    assert "Résultats des premières consultations bilatérales" in info


def test_fonts_are_bundled_beside_the_pages(published):
    css = (published / "output/assets/edition.css").read_text()
    for url in re.findall(r"url\(([^)]+)\)", css):
        assert not url.startswith(("http:", "https:", "//")), url
        assert (published / "output/assets" / url).is_file()


def test_republishing_changes_nothing(published):
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in published.rglob("*") if p.is_file()}
    assert main(["--root", str(published), "-q", "publish"]) == 0
    after = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in published.rglob("*") if p.is_file()
             and p.name != ".publish.lock"}
    before.pop(published / ".publish.lock", None)
    assert after == before


def test_every_front_matter_field_is_translated_and_the_issuer_signs(project_copy):
    """subtitle, place, department and issuer are offered to translators; the issuer signs the
    release and is the PDF's author (the ministry when there is none)."""
    source = project_copy / "content" / f"{BELGIUM}.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("\nplace:", "\nsubtitle: Joint press statement\nissuer: Spokesperson of the Ministry"
                                   "\nplace:", 1), encoding="utf-8")
    assert main(["--root", str(project_copy), "-q", "update-po"]) == 0
    path = project_copy / f"locale/fr/LC_MESSAGES/{BELGIUM}.po"
    po = polib.pofile(str(path))
    kinds = {e.msgid: e.comment for e in po}
    assert kinds["Joint press statement"] == "type: front matter: subtitle"
    assert kinds["Spokesperson of the Ministry"] == "type: front matter: issuer"
    po.find("Joint press statement").msgstr = "Communiqué conjoint"
    po.find("Spokesperson of the Ministry").msgstr = "Le porte-parole du ministère"
    po.save(str(path))
    path = project_copy / f"locale/km/LC_MESSAGES/{BELGIUM}.po"
    po = polib.pofile(str(path))
    po.find("Spokesperson of the Ministry").msgstr = "អ្នកនាំពាក្យក្រសួងការបរទេស"
    po.save(str(path))
    assert main(["--root", str(project_copy), "-q", "publish"]) == 0  # km is a draft (no subtitle), fr is not
    reader = pypdf.PdfReader(project_copy / "output/km" / f"{BELGIUM}.pdf")
    assert reader.metadata["/Author"] == "អ្នកនាំពាក្យក្រសួងការបរទេស"  # no line-break marks in metadata
    page = (project_copy / "output/fr" / f"{BELGIUM}.html").read_text(encoding="utf-8")
    assert '<p class="subtitle">Communiqué conjoint</p>' in page and "draft-banner" not in page
    assert '<p class="signature">Le porte-parole du ministère</p>' in page
    info = run(tool("pdfinfo"), str(project_copy / "output/fr" / f"{BELGIUM}.pdf")).stdout
    assert re.search(r"^Author:\s+Le porte-parole du ministère$", info, re.M), info
    info = run(tool("pdfinfo"), str(project_copy / "output/km/2025-03-20-reunion-preparation-sommet-francophonie.pdf")).stdout
    assert re.search(r"^Author:\s+ក្រសួងការបរទេស", info, re.M), info
