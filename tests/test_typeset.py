"""The typography of record: what the published PDFs say, judged by poppler, pypdf and pdfplumber.

* Khmer PDFs give back, through ``pdftotext``, exactly the Khmer text of their edition, segment by
  segment, with one page footer per page, all in Khmer digits.
* French PDFs carry the no-break spaces of French typography, and no others than the text's own.
  ``pdftotext`` cannot judge this: poppler turns U+00A0 and U+202F into plain word breaks (it
  returns neither), so the characters are read with pdfplumber, after checking that pdfplumber
  and pdftotext read the same text.
* Two publishes of one project in two folders give the same bytes; every font is embedded.
* The metadata (title, author, subject, language, dates of the release, bookmarks) and the
  archival variants (PDF/A-3b, PDF/UA-1).
"""

from __future__ import annotations

import collections
import html
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pdfplumber
import polib
import pypdf
import pytest
import yaml

from tests.conftest import ROOT, copy_project, pdftotext, run, squash, tool
from workflow.cli import main
from workflow.lang import typography

SLUGS = sorted(p.stem for p in (ROOT / "content").glob("*.md"))
LANGS = ("km", "en", "fr")
KHMER_DIGITS = "០១២៣៤៥៦៧៨៩"
NBSP, NNBSP = "\u00a0", "\u202f"
#: The place-and-date line of the samples as a Khmer reader expects it (the only date line a page has).
KHMER_DATES = {
    "2024-02-07-cambodia-belgium-consultations": ("ភ្នំពេញ ថ្ងៃទី១៤ ខែកុម្ភៈ ឆ្នាំ២០២៤",),
    "2025-03-20-reunion-preparation-sommet-francophonie": ("ភ្នំពេញ ថ្ងៃទី២១ ខែមីនា ឆ្នាំ២០២៥",),
    "2024-11-09-independence-day-71st-anniversary": ("ភ្នំពេញ ថ្ងៃទី៩ ខែវិច្ឆិកា ឆ្នាំ២០២៤",),
}
FOOTER = re.compile(r"ទំព័រ\s*([០-៩]+)\s*នៃ\s*([០-៩]+)")
ANY_FOOTER = re.compile(r"ទំព័រ\s*[០-៩]+\s*នៃ\s*[០-៩]+|Page\s+\d+\s+(?:of|sur)\s+\d+")


def khmer_number(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", KHMER_DIGITS))


def pdfinfo(path: Path, *options: str) -> str:
    result = run(tool("pdfinfo"), *options, str(path))
    assert result.returncode == 0, result.stderr
    assert "Error" not in result.stderr, result.stderr
    return result.stdout


def page_count(path: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)$", pdfinfo(path), re.M).group(1))


def front_matter(slug: str) -> dict:
    text = (ROOT / "content" / f"{slug}.md").read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---")[1])


# --------------------------------------------------------------- the edition's HTML

@dataclass
class Block:
    label: str  #: where it is, for messages: "h1.title", "body p 3", "li 2 marker"
    text: str


class PrintedBlocks(HTMLParser):
    """The printed text of an edition page, block by block, in document order.

    Skips the ``<head>``, the language switcher (``display: none`` in print) and SVG; adds the list
    markers WeasyPrint prints (• – · for bullets, the counter for numbered lists: in Khmer digits in
    the Khmer edition).  The draft banner is printed on every page: it is kept apart.
    """

    BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "th", "td", "pre", "blockquote", "div", "header",
              "article", "ul", "ol", "table", "thead", "tbody", "tr", "nav", "section", "body", "dl", "dt", "dd",
              "figure", "figcaption"}
    SKIP = {"head", "nav", "svg", "script", "style", "template"}
    BULLETS = ("•", "–", "·")

    def __init__(self, page: str, lang: str):
        super().__init__(convert_charrefs=True)
        self.lang = lang
        self.blocks: list[Block] = []
        self.banner = ""
        self._skip = 0
        self._stack: list[str] = []
        self._lists: list[list] = []  # [tag, next number]
        self._text: list[str] = []
        self._label = ""
        self._count = collections.Counter()
        self.feed(page)
        self.close()
        self._flush()

    def _flush(self) -> None:
        text = "".join(self._text)
        if text.strip():
            if "draft-banner" in self._label:
                self.banner += text
            else:
                self.blocks.append(Block(self._label, text))
        self._text = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("br", "wbr", "img", "hr", "meta", "link", "input"):
            return
        if self._skip or tag in self.SKIP:
            self._skip += 1
            return
        name = ".".join([tag, *(attrs.get("class") or "").split()])
        if tag in self.BLOCKS:
            self._flush()
            self._count[tag] += 1
            inside = "body " if "div.body" in self._stack else ""
            self._label = f"{inside}{name} {self._count[tag]}"
        if tag in ("ul", "ol"):
            self._lists.append([tag, int(attrs.get("start") or 1)])
        elif tag == "li" and self._lists:
            kind, number = self._lists[-1]
            if kind == "ol":
                digits = khmer_number(number) if self.lang == "km" else str(number)
                self.blocks.append(Block(self._label + " marker", digits + "."))
                self._lists[-1][1] += 1
            else:
                depth = sum(1 for k, _ in self._lists if k == "ul")
                self.blocks.append(Block(self._label + " marker", self.BULLETS[min(depth, 3) - 1]))
        self._stack.append(name)

    def handle_endtag(self, tag):
        if tag in ("br", "wbr", "img", "hr", "meta", "link", "input"):
            return
        if self._skip:
            self._skip -= 1
            return
        if tag in self.BLOCKS:
            self._flush()
        if tag in ("ul", "ol") and self._lists:
            self._lists.pop()
        if self._stack:
            self._stack.pop()

    def handle_data(self, data):
        if not self._skip and self._stack:
            self._text.append(data)


def printed_blocks(published: Path, lang: str, slug: str) -> PrintedBlocks:
    page = (published / "output" / lang / f"{slug}.html").read_text(encoding="utf-8")
    return PrintedBlocks(page, lang)


def differences(blocks: list[Block], text: str) -> list[str]:
    """Walk the squashed PDF text block by block; describe every block that is not where expected."""
    found, position = [], 0
    for block in blocks:
        expected = squash(block.text)
        if text.startswith(expected, position):
            position += len(expected)
            continue
        at = text.find(expected, position)
        if at < 0:
            found.append(f"{block.label}: expected {expected!r}, the PDF has {text[position:position + len(expected) + 10]!r}")
        else:
            found.append(f"{block.label}: the PDF has {text[position:at]!r} before it")
            position = at + len(expected)
    if position < len(text):
        found.append(f"after the last block the PDF has {text[position:]!r}")
    return found


# ------------------------------------------------------------------------ Khmer text

def check_khmer_text(root: Path, slug: str) -> list[Block]:
    """Assert that the Khmer PDF's text is its edition's printed blocks and page footers, in order."""
    pdf = root / "output/km" / f"{slug}.pdf"
    text = pdftotext(pdf)
    pages = page_count(pdf)

    footers = FOOTER.findall(text)
    assert footers == [(khmer_number(n), khmer_number(pages)) for n in range(1, pages + 1)], \
        f"one footer 'ទំព័រ n នៃ {pages}' per page, in Khmer digits: {footers}"
    body = squash(FOOTER.sub("", text))

    printed = printed_blocks(root, "km", slug)
    if printed.banner:  # a draft: the banner is on every page
        assert body.count(squash(printed.banner)) == pages
        body = body.replace(squash(printed.banner), "")
    blocks = printed.blocks
    labels = [b.label for b in blocks]
    assert any(label.startswith("body ") for label in labels), labels
    for part in ("p.kingdom-name", "p.motto", "p.ministry", "p.doctype", "h1.title", "p.closing"):
        assert any(part in label for label in labels), (part, labels)

    problems = differences(blocks, body)
    assert not problems, f"{len(problems)} of {len(blocks)} segments differ:\n" + "\n".join(problems)
    assert body == "".join(squash(b.text) for b in blocks)
    return blocks


@pytest.mark.parametrize("slug", SLUGS)
def test_khmer_pdf_text_is_the_edition_text_segment_by_segment(published, slug):
    blocks = check_khmer_text(published, slug)
    from workflow import release, segment

    source = release.parse((ROOT / "content" / f"{slug}.md").read_text(encoding="utf-8"), path=slug, slug=slug)
    printed = [kind for _, kind in segment.body_segments(source.body) if kind != "image alt text"]  # alt: not printed
    assert len([b for b in blocks if b.label.startswith("body ")]) >= len(printed) >= 2


def publish_with_numbered_list(root: Path, markdown: str, translations: dict[str, str]) -> str:
    """Add ``markdown`` to the French sample, translate it into Khmer, publish; return the slug."""
    slug = next(s for s in SLUGS if front_matter(s)["lang"] == "fr")
    source = root / "content" / f"{slug}.md"
    source.write_text(source.read_text(encoding="utf-8").rstrip() + "\n\n" + markdown + "\n", encoding="utf-8")
    assert main(["--root", str(root), "-q", "update-po"]) == 0
    path = root / "locale/km/LC_MESSAGES" / f"{slug}.po"
    po = polib.pofile(str(path))
    for entry in po:
        if entry.msgid in translations:
            entry.msgstr = translations[entry.msgid]
    po.save(str(path))
    assert main(["--root", str(root), "-q", "publish"]) == 0
    return slug


def test_khmer_numbered_lists_count_in_khmer_digits(project_copy):
    items = {"premier point": "ចំណុចទីមួយ", "deuxième point": "ចំណុចទីពីរ", "troisième point": "ចំណុចទីបី"}
    slug = publish_with_numbered_list(project_copy, "1. premier point\n2. deuxième point\n3. troisième point", items)
    page = (project_copy / "output/km" / f"{slug}.html").read_text(encoding="utf-8")
    assert "<ol>" in page and "draft-banner" not in page
    blocks = check_khmer_text(project_copy, slug)  # markers ១. ២. ៣. included
    markers = [b.text for b in blocks if b.label.endswith("marker") and b.label.startswith("body li")]
    assert "១." in markers and "៣." in markers, markers
    text = squash(FOOTER.sub("", pdftotext(project_copy / "output/km" / f"{slug}.pdf")))
    assert "១.ចំណុចទីមួយ២.ចំណុចទីពីរ៣.ចំណុចទីបី" in text
    # The other editions keep their own digits.
    assert "1.premierpoint2.deuxièmepoint" in squash(ANY_FOOTER.sub("", pdftotext(project_copy / "output/fr" / f"{slug}.pdf")))


@pytest.mark.parametrize("slug", SLUGS)
def test_khmer_pdf_writes_numbers_in_khmer_digits(published, slug):
    text = pdftotext(published / "output/km" / f"{slug}.pdf")
    (closing,) = KHMER_DATES[slug]
    flat = squash(text)
    assert squash(closing) in flat, closing
    assert re.search(r"ទំព័រ\s*១\s*នៃ\s*[០-៩]+", text)

    # ASCII digits only where the Khmer translation itself has them.
    catalog = published / "locale/km/LC_MESSAGES"
    own = [e.msgstr for e in polib.pofile(str(catalog / f"{slug}.po")) if e.msgstr]
    own += [e.msgstr for e in polib.pofile(str(catalog / "ui.po")) if e.msgstr]
    allowed = collections.Counter(run for s in own for run in re.findall(r"[0-9]+", s))
    printed = collections.Counter(re.findall(r"[0-9]+", text))
    assert printed <= allowed, f"ASCII digits the Khmer translation does not have: {printed - allowed}"
    assert re.findall(f"[{KHMER_DIGITS}]+", text), "no Khmer digits at all"


# ---------------------------------------------------------------------- French spacing

SPACED_BEFORE = {";": NNBSP, "!": NNBSP, "?": NNBSP, "»": NNBSP, ":": NBSP}
_URL = re.compile(r"\w+://\S+")


def french_sources(published: Path, slug: str) -> tuple[list[str], list[str]]:
    """The French words of an edition as written: the release's (source or translation), the letterhead's."""
    if front_matter(slug)["lang"] == "fr":
        source = (published / "content" / f"{slug}.md").read_text(encoding="utf-8")
        texts = [*map(str, front_matter(slug).values()), source.split("---", 2)[2]]
    else:
        po = polib.pofile(str(published / "locale/fr/LC_MESSAGES" / f"{slug}.po"))
        texts = [e.msgstr for e in po if e.msgstr]
    ui = polib.pofile(str(published / "locale/fr/LC_MESSAGES/ui.po"))
    return texts, [e.msgstr for e in ui if e.msgstr]


def unexplained_spaces(text: str) -> collections.Counter:
    """No-break spaces that French spacing does not call for, each with its neighbours."""
    found = collections.Counter()
    for i, ch in enumerate(text):
        if ch not in (NBSP, NNBSP):
            continue
        after = text[i + 1:i + 2]
        before = text[i - 1:i] if i else ""
        if after in SPACED_BEFORE or before == "«":
            continue
        found[(before, ch, after)] += 1
    return found


def pdf_characters(path: Path) -> str:
    """The characters a PDF draws, from their ToUnicode entries (pdfplumber: no layout rules)."""
    with pdfplumber.open(path) as pdf:
        return "\n".join("".join(c["text"] for c in page.chars) for page in pdf.pages)


def check_french_spacing(root: Path, slug: str) -> int:
    """Assert the French PDF's no-break spaces: all that French spacing calls for, no others
    than the text's own.  Returns how many signs were checked."""
    pdf = root / "output/fr" / f"{slug}.pdf"
    chars = pdf_characters(pdf)
    # Both judges read the same characters (pdfplumber gives ligatures as ﬁ, and list markers in
    # drawing order); only the no-break spaces are pdfplumber's own.
    unligated = re.sub("[\ufb00-\ufb06]", lambda m: unicodedata.normalize("NFKC", m.group()), chars)
    assert collections.Counter(squash(unligated)) == collections.Counter(squash(pdftotext(pdf)))

    checked, wrong = 0, []
    text = _URL.sub("url", chars)
    for match in re.finditer(r"[;:!?»]+", text):
        sign, start = match.group(), match.start()
        if sign == ":" and re.match(r"\d:\d", text[start - 1:start + 2]):
            continue  # a time, 10:30
        checked += 1
        if text[start - 1:start] != SPACED_BEFORE[sign[0]]:
            wrong.append(f"{text[max(0, start - 25):start + 5]!r}: U+{ord(SPACED_BEFORE[sign[0]]):04X} "
                         f"expected before {sign!r}")
    for match in re.finditer("«", text):
        checked += 1
        if text[match.end():match.end() + 1] != NNBSP:
            wrong.append(f"{text[match.start():match.end() + 25]!r}: U+202F expected after «")
    assert not wrong, "\n".join(wrong)
    own, letterhead = french_sources(root, slug)
    if any(re.search(r"[;!?«»]|\D:", text) for text in own):
        assert checked, "the French text has signs to space, and none was found in the PDF"

    allowed = collections.Counter()
    for source in own + letterhead:  # the text's own, and the typesetter's between a title and a name
        allowed.update(unexplained_spaces(typography.latin_names(source)))
    extra = unexplained_spaces(chars) - allowed
    assert not extra, f"no-break spaces that neither French spacing nor the text calls for: {extra}"
    return checked


@pytest.mark.parametrize("slug", SLUGS)
def test_french_pdf_has_french_spacing(published, slug):
    check_french_spacing(published, slug)


#: French typed without a single no-break space, signs next to tags, a link, a URL and a time.
PLAIN_FRENCH = ("**Note** : voir « [le programme](https://www.mfaic.gov.kh/?page=1) » ; à 10:30 ou "
                "à *9 h 30* ? Oui ! Écrire à https://www.mfaic.gov.kh/contact?lang=fr : merci.")


def test_french_spacing_is_the_typesetters_not_the_typists(project_copy):
    """The samples' French source already has its no-break spaces: here they are removed, so
    only the typesetter can put them back."""
    slug = next(s for s in SLUGS if front_matter(s)["lang"] == "fr")
    source = project_copy / "content" / f"{slug}.md"
    text = source.read_text(encoding="utf-8").replace(NBSP, " ").replace(NNBSP, " ")
    source.write_text(f"{text.rstrip()}\n\n{PLAIN_FRENCH}\n", encoding="utf-8")
    assert main(["--root", str(project_copy), "-q", "publish"]) == 0
    page = html.unescape((project_copy / "output/fr" / f"{slug}.html").read_text(encoding="utf-8"))
    assert "https://www.mfaic.gov.kh/contact?lang=fr\u00a0: merci" in page  # the URL itself untouched
    assert check_french_spacing(project_copy, slug) >= 10


# ------------------------------------------------------------------ reproducible, fonts

def test_two_folders_give_the_same_pdfs(published, tmp_path):
    other = copy_project(tmp_path / "elsewhere" / "deeper")
    assert main(["--root", str(other), "-q", "publish"]) == 0
    pdfs = sorted(p.relative_to(published / "output") for p in (published / "output").rglob("*.pdf"))
    assert len(pdfs) == len(SLUGS) * len(LANGS)
    for pdf in pdfs:
        assert (other / "output" / pdf).read_bytes() == (published / "output" / pdf).read_bytes(), pdf


@pytest.mark.parametrize("lang", LANGS)
def test_every_font_is_embedded_with_a_text_map(published, lang):
    for slug in SLUGS:
        lines = run(tool("pdffonts"), str(published / "output" / lang / f"{slug}.pdf")).stdout.splitlines()
        assert lines[0].split()[:3] == ["name", "type", "encoding"] and len(lines) > 2
        for line in lines[2:]:
            emb, sub, uni = line.split()[-5:-2]
            assert (emb, sub, uni) == ("yes", "yes", "yes"), f"{slug} ({lang}): {line}"


# --------------------------------------------------------------------------- metadata

def flatten(outline, level=0):
    for item in outline:
        if isinstance(item, list):
            yield from flatten(item, level + 1)
        else:
            yield level, item.title


class Headings(HTMLParser):
    """The edition's title and its body headings, as the reader sees them."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.items: list[tuple[int, str]] = []
        self.texts: dict[str, str] = collections.defaultdict(str)
        self._open: list[tuple[int, str]] = []
        self._class = ""
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if re.fullmatch(r"h[1-6]", tag):
            self.items.append((int(tag[1]), ""))
            self._open.append((len(self.items) - 1, tag))
        elif tag == "p" and classes:
            self._class = classes[0]

    def handle_endtag(self, tag):
        if self._open and self._open[-1][1] == tag:
            self._open.pop()
        if tag == "p":
            self._class = ""

    def handle_data(self, data):
        if self._open:
            index = self._open[-1][0]
            self.items[index] = (self.items[index][0], self.items[index][1] + data)
        if self._class:
            self.texts[self._class] += data


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("slug", SLUGS)
def test_pdf_metadata_comes_from_the_release(published, slug, lang):
    pdf = published / "output" / lang / f"{slug}.pdf"
    page = Headings((published / "output" / lang / f"{slug}.html").read_text(encoding="utf-8"))
    reader = pypdf.PdfReader(pdf)
    meta = reader.metadata
    title = page.items[0][1]
    assert page.items[0][0] == 1 and title.strip()

    assert meta.title == title, "the title, exactly as printed (no zero-width marks)"
    assert meta.author in (page.texts["ministry"], page.texts["department"]), meta.author
    assert title in meta.subject and page.texts["doctype"] in meta.subject, meta.subject
    assert reader.trailer["/Root"]["/Lang"] == lang
    matter = front_matter(slug)
    assert meta.creation_date.date() == matter["date"]
    assert meta.modification_date.date() == matter.get("issued", matter["date"])
    info = pdfinfo(pdf)
    assert re.search(r"^Author:\s+\S", info, re.M) and re.search(r"^Subject:\s+\S", info, re.M)

    # Bookmarks: the title, and each body heading below it.
    bookmarks = list(flatten(reader.outline))
    expected = [(level - 1, text) for level, text in page.items]
    assert [(level, squash(text)) for level, text in bookmarks] == \
        [(level, squash(text)) for level, text in expected]
    assert len(bookmarks) >= 1 + ("sommet" in slug)


@pytest.mark.parametrize("slug", SLUGS)
def test_khmer_bookmarks_have_no_line_break_marks(published, slug):
    reader = pypdf.PdfReader(published / "output/km" / f"{slug}.pdf")
    for _level, label in flatten(reader.outline):
        assert "\u200b" not in label, repr(label)


# ------------------------------------------------------------------ archival variants

def structure_elements(node, seen=None):
    """Every structure element under a StructTreeRoot (or element), depth first."""
    seen = set() if seen is None else seen
    node = node.get_object()
    kids = node.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, list) else [kids]:
        kid_object = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(kid_object, dict) and kid_object.get("/Type", "/StructElem") == "/StructElem" \
                and "/S" in kid_object and id(kid_object) not in seen:
            seen.add(id(kid_object))
            yield kid_object
            yield from structure_elements(kid_object, seen)


@pytest.mark.parametrize("variant, declared", [
    ("pdf/a-3b", [r'pdfaid:part="3"', r'pdfaid:conformance="B"']),
    ("pdf/ua-1", [r'pdfuaid:part="1"']),
])
def test_archival_variants(project_copy, published, variant, declared):
    settings = project_copy / "pyproject.toml"
    text, count = re.subn(r'(?m)^pdf_variant = ".*"$', f'pdf_variant = "{variant}"', settings.read_text())
    assert count == 1
    settings.write_text(text)
    assert main(["--root", str(project_copy), "-q", "publish"]) == 0
    for slug in SLUGS:
        for lang in LANGS:
            pdf = project_copy / "output" / lang / f"{slug}.pdf"
            info = pdfinfo(pdf)
            assert "Metadata Stream: yes" in info
            xmp = pdfinfo(pdf, "-meta")
            for declaration in declared:
                assert re.search(declaration, xmp), (pdf, xmp)
            if variant.startswith("pdf/ua"):
                assert re.search(r"^Tagged:\s+yes$", info, re.M), info
                reader = pypdf.PdfReader(pdf)
                assert reader.trailer["/Root"]["/Lang"] == lang
                # PDF/UA-1 7.3: a figure needs alternate text; decoration must be an artifact instead.
                figures = [e for e in structure_elements(reader.trailer["/Root"]["/StructTreeRoot"])
                           if e.get("/S") == "/Figure"]
                assert all("/Alt" in figure for figure in figures), (pdf, figures)
            # The variant changes the container, not the text.
            plain = published / "output" / lang / f"{slug}.pdf"
            assert squash(pdftotext(pdf)) == squash(pdftotext(plain))


def test_subsetting_makes_its_arrays_from_their_items_and_the_pdf_is_the_same(published, monkeypatch):
    """WeasyPrint's font subsetting named each array's length in its C type, which cffi parses
    anew for every length (``typeset._ArraysByTheirItems``): the arrays are now made from their
    items, and a PDF typeset through them has the bytes WeasyPrint's own way gives."""
    from weasyprint.pdf import fonts as pdf_fonts
    from weasyprint.text.ffi import ffi

    from workflow.pdf import typeset

    arrays = pdf_fonts.ffi
    assert isinstance(arrays, typeset._ArraysByTheirItems)
    made = arrays.new("hb_codepoint_t[3]", [5, 6, 7])
    assert list(made) == [5, 6, 7] and ffi.typeof(made) is ffi.typeof("hb_codepoint_t[]")
    assert ffi.typeof(arrays.new("hb_codepoint_t[4]")) is ffi.typeof("hb_codepoint_t[4]")  # no items: as asked
    assert ffi.typeof(arrays.new("char[3]", b"ab")) is ffi.typeof("char[3]")  # only glyph and table numbers

    assets = published / "output" / "assets"
    sheets = ((assets / "edition.css").read_bytes(), (assets / "km.css").read_text(encoding="utf-8"))

    def pdf(key: str) -> bytes:
        return typeset.write_pdf(typeset._REHEARSAL, base_url=assets, allowed=(assets,), assets_key=key,
                                 stylesheets=sheets, styles_base=assets, identifier=b"0" * 32, epoch=0).pdf

    ours = pdf("arrays from their items")
    monkeypatch.setattr(pdf_fonts, "ffi", arrays._ffi)
    assert pdf("arrays named by length") == ours
