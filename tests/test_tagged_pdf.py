"""Every default PDF is tagged: its structure tree, read back independently, is the page's HTML.

The reader here is pypdf plus fifty lines of this file, not WeasyPrint: it walks
``/StructTreeRoot`` and, for each structure element, gathers the text of its marked content
(``/MCID``) from the page's content stream, taking a nested ``/ActualText`` (how
``workflow.pdf.pdftext`` gives Khmer its exact text) in place of its glyphs and every other glyph
through its font's ``ToUnicode`` map.  (poppler's ``pdfinfo -struct-text`` stops a marked-content
sequence at the first nested ``EMC``, so it reads only the first cluster of a Khmer line; its
structure, without the text, agrees with this reader's: ``test_poppler_sees_the_same_structure``.)

Each heading, paragraph and list item of the print HTML is matched, in order, with the
elements of the same type in the PDF (an element broken across two pages is two elements there,
whose texts join); figures carry their alt text, captions their text, tables their rows and cells; the catalog says
the document's language.  Tagging costs are in ``notes/khmer-web-breaks.md``.
"""

from __future__ import annotations

import base64
import io
import re
import shutil
import struct
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pypdf
import pytest
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, IndirectObject

from tests.conftest import ROOT, run, squash, tool
from workflow.pdf import typeset

SLUGS = sorted(p.stem for p in (ROOT / "content").glob("*.md"))
LANGS = ("km", "en", "fr")
#: The HTML elements that become structure elements of their own, and their PDF types.
HTML_TYPES = {**{f"h{n}": f"H{n}" for n in range(1, 7)}, "p": "P", "li": "LI", "th": "TH", "td": "TD",
              "tr": "TR", "ul": "L", "ol": "L", "table": "Table", "img": "Figure", "figcaption": "Caption"}


# ------------------------------------------------------------------ an independent reader

def _code_length(cmap: str) -> int:
    match = re.search(r"begincodespacerange\s*<([0-9a-fA-F]+)>", cmap)
    return len(match.group(1)) // 2 if match else 2


def _to_unicode(font) -> tuple[dict[bytes, str], int]:
    """A font's ToUnicode CMap: {code: text} (bfchar and bfrange), and its code length in bytes."""
    stream = font.get("/ToUnicode")
    if stream is None:
        return {}, 1
    cmap = stream.get_object().get_data().decode("latin-1")
    table: dict[bytes, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>", block):
            table[bytes.fromhex(code)] = bytes.fromhex(text).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, first in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            width, start = len(low) // 2, int(first, 16)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                table[code.to_bytes(width, "big")] = chr(start + offset)
    return table, _code_length(cmap)


def _raw(string) -> bytes:
    return string.get_original_bytes() if hasattr(string, "get_original_bytes") else bytes(string)


def marked_texts(reader: pypdf.PdfReader, page_index: int) -> dict[int, str]:
    """{MCID: the text of that marked-content sequence} for one page."""
    page = reader.pages[page_index]
    fonts = page["/Resources"].get("/Font", {})
    texts: dict[int, list[str]] = {}
    stack: list[tuple[int | None, bool]] = []  # (MCID, inside /ActualText) per open sequence
    decode: tuple[dict[bytes, str], int] = ({}, 1)

    def current() -> int | None:
        return next((mcid for mcid, _ in reversed(stack) if mcid is not None), None)

    def show(string) -> None:
        mcid = current()
        if mcid is None or any(actual for _, actual in stack):
            return
        table, width = decode
        data = _raw(string)
        texts.setdefault(mcid, []).extend(table.get(data[i:i + width], "") for i in range(0, len(data), width))

    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"BDC":
            properties = operands[1]
            properties = properties.get_object() if isinstance(properties, IndirectObject) else properties
            mcid = properties.get("/MCID") if isinstance(properties, DictionaryObject) else None
            actual = properties.get("/ActualText") if isinstance(properties, DictionaryObject) else None
            if actual is not None and current() is not None and not any(a for _, a in stack):
                texts.setdefault(current(), []).append(str(actual))
            stack.append((None if mcid is None else int(mcid), actual is not None))
        elif operator == b"BMC":
            stack.append((None, False))
        elif operator == b"EMC":
            stack.pop()
        elif operator == b"Tf":
            decode = _to_unicode(fonts[operands[0]].get_object())
        elif operator == b"TJ":
            for item in operands[0]:
                if not isinstance(item, (int, float)) and hasattr(item, "__len__"):
                    show(item)
        elif operator in (b"Tj", b"'", b'"'):
            show(operands[-1])
    assert not stack, "unbalanced marked content"
    return {mcid: "".join(parts) for mcid, parts in texts.items()}


class Structure:
    """A PDF's structure tree: (type, text, element) for each element, in document order."""

    def __init__(self, path_or_bytes):
        data = path_or_bytes.read_bytes() if isinstance(path_or_bytes, Path) else path_or_bytes
        self.reader = pypdf.PdfReader(io.BytesIO(data))
        self.catalog = self.reader.trailer["/Root"]
        self.pages = {page.indirect_reference.idnum: i for i, page in enumerate(self.reader.pages)}
        self._texts: dict[int, dict[int, str]] = {}
        self.elements: list[tuple[str, str, DictionaryObject]] = []
        root = self.catalog.get("/StructTreeRoot")
        self.tagged = root is not None
        if root is not None:
            for kid in self._kids(root.get_object()):
                self._walk(kid, None)

    @staticmethod
    def _kids(element) -> list:
        kids = element.get("/K", ArrayObject())
        kids = kids.get_object() if isinstance(kids, IndirectObject) else kids
        return list(kids) if isinstance(kids, ArrayObject) else [kids]

    def _mcid_text(self, page, mcid: int) -> str:
        index = self.pages[page.idnum]
        if index not in self._texts:
            self._texts[index] = marked_texts(self.reader, index)
        return self._texts[index].get(mcid, "")

    def _walk(self, kid, page) -> str:
        """The text under ``kid`` (an element, a marked-content reference or an MCID)."""
        if isinstance(kid, int):
            return self._mcid_text(page, int(kid))
        element = kid.get_object()
        if element.get("/Type") == "/MCR":
            return self._mcid_text(element.get("/Pg", page), int(element["/MCID"]))
        if element.get("/Type") == "/OBJR":
            return ""
        page = element.get("/Pg", page)
        entry = [str(element["/S"])[1:], "", element]
        self.elements.append(entry)  # in document order: a parent before its children
        text = "".join(self._walk(child, page) for child in self._kids(element))
        entry[1] = text
        return "" if entry[0] in ("Lbl", "Artifact") else text  # a list's bullets are not its items' text

    def of_type(self, kind: str) -> list[tuple[str, DictionaryObject]]:
        return [(text, element) for s, text, element in self.elements if s == kind]


class Elements(HTMLParser):
    """The elements of a print page that become structure elements, with their text (what is drawn:
    the language switcher is not printed, an image is its alt text)."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[list] = []  # [PDF type, text, attributes]
        self._open: list[tuple[str, list | None]] = []
        self._hidden = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("br", "wbr", "img", "hr", "meta", "link", "input"):  # void elements
            if tag == "img" and not self._hidden:
                self.found.append(["Figure", attrs.get("alt") or "", attrs])
            return
        hidden = tag in ("head", "nav", "style", "script", "title")
        self._hidden += hidden
        entry = [HTML_TYPES[tag], "", attrs] if tag in HTML_TYPES and not self._hidden else None
        if entry:
            self.found.append(entry)
        self._open.append((tag, entry, hidden))

    def handle_endtag(self, tag):
        while self._open:
            name, _, hidden = self._open.pop()
            self._hidden -= hidden
            if name == tag:
                break

    def handle_data(self, data):
        if self._hidden:
            return
        for depth, (_, entry, _) in enumerate(self._open):
            # A list inside a list item belongs to the list in a PDF (ISO 32000 14.8.4.3.3), so
            # its items' text is not the item's own.
            nested = any(name in ("ul", "ol") for name, _, _ in self._open[depth + 1:])
            if entry is not None and not (entry[0] == "LI" and nested):
                entry[1] += data

    def of_type(self, kind: str) -> list[str]:
        return [text for found, text, _ in self.found if found == kind]


def same(text: str) -> str:
    """Text as compared: no white space or invisible marks, one case (text-transform: uppercase)."""
    return squash(text).casefold()


def assert_matches(html_texts: list[str], pdf_texts: list[str], kind: str) -> None:
    """Each HTML element's text is one PDF element's, or several in a row (a page break in it)."""
    html_texts = [same(t) for t in html_texts if same(t)]
    pdf_texts = [same(t) for t in pdf_texts if same(t)]
    at = 0
    for wanted in html_texts:
        got = ""
        while at < len(pdf_texts) and len(got) < len(wanted):
            got += pdf_texts[at]
            at += 1
        assert got == wanted, f"{kind}: the PDF has {got!r} where the HTML has {wanted!r}"
    assert at == len(pdf_texts), f"{kind}: the PDF has more: {pdf_texts[at:]}"


def check_structure(pdf, html: str, lang: str) -> Structure:
    structure = Structure(pdf)
    assert structure.tagged, "no /StructTreeRoot"
    assert structure.catalog["/MarkInfo"]["/Marked"].value is True
    assert str(structure.catalog["/Lang"]) == lang
    elements = Elements(html)
    for kind in ("H1", "H2", "H3", "P", "LI", "TH", "TD", "Caption"):
        assert_matches(elements.of_type(kind), [t for t, _ in structure.of_type(kind)], kind)
    # Lists, rows and tables: as many in the PDF (or more: one broken across pages is two).
    for kind in ("L", "TR", "Table"):
        assert len(structure.of_type(kind)) >= len(elements.of_type(kind)), kind
    alts = [str(element.get("/Alt", "")) for _, element in structure.of_type("Figure")]
    assert alts == elements.of_type("Figure")
    return structure


# ------------------------------------------------------------------ the published samples

def print_pages(root: Path) -> dict[tuple[str, str], str]:
    """The print HTML of every sample edition, as the publish that made ``root/output`` made it."""
    from workflow import project as project_io
    from workflow.editions import make_edition, print_filter, ui_tables
    from workflow.render import EditionPage, Renderer
    from workflow.report import Report
    from workflow.workspace import load_workspace

    project = project_io.load(root)
    report = Report()
    ws = load_workspace(project, report)
    renderer = Renderer(ui_tables(ws, report), project.languages)
    pages = {}
    for rel in ws.releases:
        for lang in project.languages:
            edition = make_edition(ws, rel, lang, report, print_filter(lang))
            pages[(rel.slug, lang)] = renderer.edition(edition, draft=False, page=EditionPage(for_print=True))
    return pages


@pytest.fixture(scope="module")
def pages(published):
    return print_pages(published)


#: A block of a release's Markdown that is not a paragraph of text: a heading, a list, a table, an image.
NOT_A_PARAGRAPH = re.compile(r"#|[-*+] |\d+[.)] |\||!\[")


def source_blocks(slug: str) -> list[str]:
    """The blocks (between blank lines) of a sample release's Markdown, after its front matter."""
    text = (ROOT / "content" / f"{slug}.md").read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1]
    return [block.strip() for block in re.split(r"\n\s*\n", body) if block.strip()]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("slug", SLUGS)
def test_every_published_pdf_has_the_structure_of_its_html(published, pages, slug, lang):
    structure = check_structure(published / "output" / lang / f"{slug}.pdf", pages[(slug, lang)], lang)
    kinds = {kind for kind, _, _ in structure.elements}
    assert {"H1", "P"} <= kinds
    # A P for the kingdom, the motto, the ministry, the document type and the date line, and one
    # (or more, across a page break) for each paragraph of the source.
    blocks = source_blocks(slug)
    paragraphs = [block for block in blocks if not NOT_A_PARAGRAPH.match(block)]
    assert len(structure.of_type("P")) >= 5 + len(paragraphs) >= 6
    # An image on its own line is a Figure with its alt text, its caption a Caption (check_structure).
    assert len(structure.of_type("Figure")) == sum(block.startswith("![") for block in blocks)


def test_the_samples_have_subheadings_and_list_items_tagged(published, pages):
    """The Francophonie release has a subheading and a bulleted list: H2, L, LI (with LBody)."""
    slug = next(s for s in SLUGS if "francophonie" in s)
    structure = Structure(published / "output/km" / f"{slug}.pdf")
    kinds = [kind for kind, _, _ in structure.elements]
    assert "H2" in kinds and "L" in kinds and kinds.count("LI") >= 3 and "LBody" in kinds and "Lbl" in kinds


def test_poppler_sees_the_same_structure(published):
    """``pdfinfo -struct`` (poppler, another reader) lists the same elements in the same order."""
    for lang in LANGS:
        pdf = published / "output" / lang / f"{SLUGS[0]}.pdf"
        result = run(tool("pdfinfo"), "-struct", str(pdf))
        assert result.returncode == 0, result.stderr
        poppler = [line.split()[0] for line in result.stdout.splitlines() if line.strip()]
        ours = [kind for kind, _, _ in Structure(pdf).elements]
        assert poppler == ours


def test_the_khmer_structure_text_is_exact(published, pages):
    """Khmer element texts come from pdftext's /ActualText inside the tags: not a cluster wrong."""
    slug = SLUGS[0]
    structure = Structure(published / "output/km" / f"{slug}.pdf")
    title = next(text for text, _ in structure.of_type("H1"))
    html_title = Elements(pages[(slug, "km")]).of_type("H1")[0]
    assert squash(title) == squash(html_title) and "ព្រះរាជាណាចក្រកម្ពុជា" in squash(title)


# ------------------------------------------------------------------ every kind of element

def _png(width: int = 4, height: int = 3) -> bytes:
    """A small grey PNG, made here (no file to ship)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


PHOTO = "data:image/png;base64," + base64.b64encode(_png()).decode()
DOCUMENT = f"""<!DOCTYPE html>
<html lang="km"><head><meta charset="utf-8"><title>សាកល្បង</title>
<link rel="stylesheet" href="edition.css"></head>
<body><article>
<h1>សេចក្តីប្រកាសព័ត៌មាន</h1>
<p>ក្រសួង\u200bការបរទេស និង\u200bសហប្រតិបត្តិការ\u200bអន្តរជាតិ</p>
<h2>ចំណុចសំខាន់ៗ</h2>
<ul><li>ចំណុចទីមួយ</li><li>ចំណុចទីពីរ<ul><li>ចំណុចរង</li></ul></li></ul>
<ol><li><p>កិច្ចប្រជុំ</p></li><li><p>របាយការណ៍</p></li></ol>
<h3>តារាង</h3>
<table><thead><tr><th>ប្រទេស</th><th>ឆ្នាំ</th></tr></thead>
<tbody><tr><td>កម្ពុជា</td><td>២០២៤</td></tr><tr><td>បែលហ្ស៊ិក</td><td>២០២៥</td></tr></tbody></table>
<p><img src="{PHOTO}" alt="ឯកឧត្តម ប្រាក់ សុខុន ជួបជាមួយឯកអគ្គរដ្ឋទូត"></p>
<p>Latin text, and a <a href="https://www.mfaic.gov.kh/">link</a>.</p>
</article></body></html>
"""


def typeset_document(assets: Path, html: str = DOCUMENT, **options) -> bytes:
    result = typeset.write_pdf(html, base_url=assets, allowed=(assets,), identifier=b"0" * 32,
                               epoch=1707264000, **options)
    assert not [m for m in result.messages if m.level is typeset.Level.WARN], result.messages
    return result.pdf


def test_headings_lists_tables_and_figures_are_tagged_with_their_text(published):
    assets = published / "output/assets"
    pdf = typeset_document(assets)
    structure = check_structure(pdf, DOCUMENT, "km")
    kinds = [kind for kind, _, _ in structure.elements]
    for kind in ("H1", "H2", "H3", "L", "LI", "Lbl", "LBody", "Table", "THead", "TBody", "TR", "TH", "TD",
                 "Figure", "Link"):
        assert kind in kinds, kind
    assert kinds.count("TH") == 2 and kinds.count("TD") == 4 and kinds.count("LI") == 5
    (alt, figure), = [(element["/Alt"], element) for _, element in structure.of_type("Figure")]
    assert alt == "ឯកឧត្តម ប្រាក់ សុខុន ជួបជាមួយឯកអគ្គរដ្ឋទូត" and len(figure["/A"]["/BBox"]) == 4
    # The nested list belongs to the list (PDF), not to its item (HTML).
    assert kinds.count("L") == 3


def test_tagged_pdfs_are_byte_for_byte_reproducible(published, tmp_path):
    assets = published / "output/assets"
    assert typeset_document(assets) == typeset_document(assets)
    # the same document from another folder (what test_typeset checks for whole publishes)
    other = tmp_path / "assets"
    shutil.copytree(assets, other)
    assert typeset_document(other) == typeset_document(assets)


def test_the_judge_sees_an_untagged_pdf(published):
    """Calibration: the reader finds no structure in a PDF made without tags."""
    assert not Structure(typeset_document(published / "output/assets", tags=False)).tagged


@pytest.mark.parametrize("variant, declared", [("pdf/a-3b", ("pdfaid:part", "3")), ("pdf/ua-1", ("pdfuaid:part", "1"))])
def test_the_archival_and_ua_variants_are_tagged_too(published, variant, declared):
    pdf = typeset_document(published / "output/assets", variant=variant)
    check_structure(pdf, DOCUMENT, "km")
    metadata = Structure(pdf).catalog["/Metadata"].get_object().get_data().decode("utf-8")
    key, value = declared
    assert re.search(rf"{key}[>=\"']+{value}", metadata), metadata[:400]


def test_a_page_without_a_language_or_an_image_without_alt_text_is_said(tmp_path):
    """What a tagged PDF lacks is a warning of the typesetting policy, never silence."""
    result = typeset.write_pdf(f'<p>x</p><img src="{PHOTO}">', base_url=tmp_path, allowed=(tmp_path,))
    said = [m.text for m in result.messages if m.level is typeset.Level.WARN]
    assert any('Missing required "lang"' in text for text in said), said
    assert any("has no required alt description" in text for text in said), said
