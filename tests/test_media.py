"""Photos and figures (workflow.media): checked, published beside the editions, set in the PDF
with their caption, their alt text and caption translated; hostile images refused with the
release's line, and the rest still published.  Judged by Pillow, pdfimages, pdftotext and an
HTML parser, on images made here."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import struct
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import ROOT, copy_project, pdftotext, run, squash, tool
from workflow import media, segment
from workflow.build import publish, update_po
from workflow.media import MediaError
from workflow.po import read_po, write_po_file
from workflow.project import load
from workflow.release import parse
from workflow.report import Report

FLAG = "2024-11-09-independence-day-71st-anniversary"
PHOTO = "2024-12-01-photo-sample"
BROKEN = "2024-12-02-broken-images"
NB = "\u00a0"


def jpeg(width=320, height=200) -> bytes:
    image = Image.new("RGB", (width, height))
    image.putdata([(x % 256, y % 256, (x * y) % 256) for y in range(height) for x in range(width)])
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def png(width=120, height=60) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (3, 46, 161)).save(out, "PNG")
    return out.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` × ``height`` pixels (a decompression bomb's header)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


SVG_OK = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 40 20">'
          '<!-- a comment --><?pi x?><defs><path id="p" d="M0 0h10v10z"/><linearGradient id="g"><stop offset="0" '
          'stop-color="#fff"/></linearGradient></defs><use xlink:href="#p" fill="url(#g)"/><text x="1" y="15">Ab'
          '</text></svg>')
SVG_HOSTILE = {
    "script": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "foreign object": '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p xmlns="http://www.w3.org/1999/'
                      'xhtml">x</p></foreignObject></svg>',
    "event attribute": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>',
    "event attribute, mixed case": '<svg xmlns="http://www.w3.org/2000/svg"><rect OnClick="alert(1)"/></svg>',
    "external href": '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
                     '<use xlink:href="https://evil.example/x.svg#a"/></svg>',
    "file href": '<svg xmlns="http://www.w3.org/2000/svg"><use href="file:///etc/passwd#a"/></svg>',
    "embedded image": '<svg xmlns="http://www.w3.org/2000/svg"><image href="#x"/></svg>',
    "external url() paint": '<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(http://evil.example/#g)"/></svg>',
    "external url() in style": '<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url( \'file:///etc/passwd\')"/>'
                               '</svg>',
    "style sheet": '<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(http://evil.example/a.css);</style></svg>',
    "link": '<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>',
    "animation": '<svg xmlns="http://www.w3.org/2000/svg"><set attributeName="fill" to="red"/></svg>',
    "entities (billion laughs)": '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;'
                                 '&a;&a;&a;&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>',
    "external entity": '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                       '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
    "DTD only": '<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
                '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg xmlns="http://www.w3.org/2000/svg"/>',
    "XInclude": '<svg xmlns="http://www.w3.org/2000/svg"><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
                'href="file:///etc/passwd" parse="text"/></svg>',
    "CSS escape hiding url()": '<svg xmlns="http://www.w3.org/2000/svg"><rect fill="u\\72l(http://evil.example/)"/></svg>',
    "@import in style": '<svg xmlns="http://www.w3.org/2000/svg"><rect style="@import \'http://evil.example/\'"/></svg>',
    "nested 10,000 deep": '<svg xmlns="http://www.w3.org/2000/svg">' + "<g>" * 10_000 + "</g>" * 10_000 + "</svg>",
    "no SVG namespace": '<svg><rect/></svg>',
    "not XML": '<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>',
    "HTML": '<html><body><script>alert(1)</script></body></html>',
}


# --- names: only files under content/media/ --------------------------------------------------

@pytest.mark.parametrize("src, says", [
    ("https://example.org/photo.jpg", "remote image (https:)"),
    ("http://example.org/photo.jpg", "remote image (http:)"),
    ("//example.org/photo.jpg", "remote image (//)"),
    ("file:///etc/passwd", "remote image (file:)"),
    ("data:image/png;base64,iVBORw0KGgo=", "remote image (data:)"),
    ("javascript:alert(1)", "remote image (javascript:)"),
    ("/etc/passwd", "absolute path"),
    ("\\\\server\\share\\a.jpg", "absolute path"),
    ("../secret.jpg", "outside content/media/"),
    ("media/../../secret.jpg", "outside content/media/"),
    ("media/../issued/a.jpg", "outside content/media/"),
    ("photo.jpg", "outside content/media/"),
    ("media", "outside content/media/"),
    ("media/my photo.jpg", "not plain"),
    ("media/.hidden.jpg", "not plain"),
    ("media/photo.gif", "not a JPEG, PNG or SVG"),
    ("media/photo.html", "not a JPEG, PNG or SVG"),
])
def test_only_plain_names_under_content_media(src, says):
    with pytest.raises(MediaError) as refused:
        media.media_name(src)
    assert says in refused.value.message and refused.value.hint


def test_names_that_are_taken():
    assert media.media_name("media/2024/visit.JPG") == "2024/visit.JPG"
    assert media.media_name(" media/a-b_c.1.png ") == "a-b_c.1.png"


# --- bytes: what the extension says, within limits --------------------------------------------

def _check(tmp_path: Path, name: str, data: bytes | None = None) -> media.Media:
    folder = tmp_path / "content" / "media"
    folder.mkdir(parents=True, exist_ok=True)
    if data is not None:
        (folder / name).write_bytes(data)
    return media.check(tmp_path / "content", tmp_path, name)


def test_a_photo_and_a_figure_are_read_from_their_headers(tmp_path):
    photo = _check(tmp_path, "a.jpg", jpeg(320, 200))
    assert (photo.width, photo.height) == (320, 200) and photo.data.startswith(b"\xff\xd8\xff")
    figure = _check(tmp_path, "b.png", png(120, 60))
    assert (figure.width, figure.height) == (120, 60)


def test_a_photo_taken_upright_has_its_turned_size(tmp_path):
    """Browsers and WeasyPrint turn a JPEG as its EXIF orientation says: so do its width and height."""
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    out = io.BytesIO()
    Image.new("RGB", (300, 200)).save(out, "JPEG", exif=exif)
    turned = _check(tmp_path, "upright.jpg", out.getvalue())
    assert (turned.width, turned.height) == (200, 300)


@pytest.mark.parametrize("name, data, says", [
    ("missing.jpg", None, "is missing: there is no content/media/missing.jpg"),
    ("png.jpg", png(), "is a PNG file, not the JPEG its extension says"),
    ("jpeg.png", jpeg(8, 8), "is a JPEG file, not the PNG its extension says"),
    ("text.jpg", b"not an image at all\n", "is not an image, not the JPEG"),
    ("svg.png", SVG_OK.encode(), "is an SVG file, not the PNG"),
    ("html.svg", b"<html><script>alert(1)</script></html>", "is not an SVG file"),
    ("broken.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\"><rect></svg>", "not well-formed"),
    ("empty.png", b"", "not an image"),
    ("truncated.png", png()[:40], "cannot be read as PNG"),
    ("bomb.png", png_header(100_000, 100_000), "decompression bomb"),
    ("huge.png", png_header(9_000, 9_000), "9,000 × 9,000 pixels (at most 50 megapixels"),
    ("long.png", png_header(25_000, 10), "20,000 pixels a side"),
])
def test_images_that_are_refused(tmp_path, name, data, says):
    with pytest.raises(MediaError) as refused:
        _check(tmp_path, name, data)
    assert says in refused.value.message, refused.value.message
    assert refused.value.hint


def test_a_file_over_20_mb_is_refused_from_its_size(tmp_path):
    folder = tmp_path / "content" / "media"
    folder.mkdir(parents=True)
    with open(folder / "big.jpg", "wb") as handle:  # sparse: 21 MB on paper, nothing on disk
        handle.write(jpeg(8, 8))
        handle.truncate(21 * 1024 * 1024)
    with pytest.raises(MediaError) as refused:
        media.check(tmp_path / "content", tmp_path, "big.jpg")
    assert "22,020,096 bytes" in refused.value.message and "20 MB" in refused.value.message
    assert "resize it" in refused.value.hint


def test_pipes_and_links_out_of_the_project_are_not_read(tmp_path):
    folder = tmp_path / "content" / "media"
    folder.mkdir(parents=True)
    os.mkfifo(folder / "pipe.jpg")
    (folder / "passwd.jpg").symlink_to("/etc/passwd")
    with pytest.raises(MediaError, match="named pipe"):
        media.check(tmp_path / "content", tmp_path, "pipe.jpg")  # would block forever if it were opened
    with pytest.raises(MediaError, match="outside the project"):
        media.check(tmp_path / "content", tmp_path, "passwd.jpg")


# --- SVG: an allow-list on the parsed tree ----------------------------------------------------

@pytest.mark.parametrize("case", sorted(SVG_HOSTILE))
def test_hostile_svg_is_refused(case):
    with pytest.raises(MediaError) as refused:
        media.sanitise_svg(SVG_HOSTILE[case].encode())
    assert refused.value.hint
    if case not in ("no SVG namespace", "not XML", "HTML"):  # refused for what it holds, not as a bad file
        assert refused.value.message.startswith(("is an SVG with", "is an SVG nested")), refused.value.message


def test_a_plain_svg_is_published_as_the_tree_that_was_checked():
    data, width, height = media.sanitise_svg(SVG_OK.encode())
    assert (width, height) == (40, 20)
    text = data.decode()
    assert "<!--" not in text and "<?pi" not in text  # what was not checked is not published
    assert 'xlink:href="#p"' in text and 'fill="url(#g)"' in text and ">Ab</text>" in text


def test_the_sample_figure_passes_the_allow_list():
    sample = ROOT / "content" / "media" / "cambodia-flag.svg"
    data, width, height = media.sanitise_svg(sample.read_bytes())
    assert (width, height) == (640, 480) and data.count(b"<path") == sample.read_bytes().count(b"<path")


# --- segments: alt text and caption, with their lines -----------------------------------------

RELEASE = """---
title: A visit
date: 2024-12-01
lang: en
---

The Minister received the delegation.

![The Minister shakes hands with the head of the delegation.](media/visit.jpg "The Minister and the delegation, Phnom Penh, 1 December 2024.")

A chart ![a small chart](media/chart.png) in a sentence stays in its paragraph.
"""


def test_alt_text_and_caption_are_segments_with_their_line():
    rel = parse(RELEASE, path="content/x.md", slug="x")
    found = [(s.text, s.kind, s.line) for s in segment.extract(rel)][1:]
    assert found == [
        ("The Minister received the delegation.", "paragraph", 7),
        ("The Minister shakes hands with the head of the delegation.", "image alt text", 9),
        ("The Minister and the delegation, Phnom Penh, 1 December 2024.", "figure caption", 9),
        ("A chart ![a small chart](media/chart.png) in a sentence stays in its paragraph.", "paragraph", 11),
    ]


def test_a_figure_is_put_back_in_the_same_traversal():
    rel = parse(RELEASE, path="content/x.md", slug="x")
    table = {"The Minister shakes hands with the head of the delegation.":
             "Le ministre serre la main du chef de la délégation.",
             "The Minister and the delegation, Phnom Penh, 1 December 2024.":
             "Le ministre et la délégation, **Phnom Penh**, 1er décembre 2024."}
    body = segment.render_body(rel.body, lambda msgid, kind: table.get(msgid), fallback_lang="en", lang="fr")
    assert ('<figure><img alt="Le ministre serre la main du chef de la délégation." src="media/visit.jpg">'
            '<figcaption>Le ministre et la délégation, <strong>Phnom Penh</strong>, 1er décembre 2024.</figcaption>'
            ) in body
    untranslated = segment.render_body(rel.body, lambda msgid, kind: None, fallback_lang="en", lang="fr")
    assert 'alt="The Minister shakes hands with the head of the delegation." lang="en"' in untranslated
    assert '<figcaption lang="en">' in untranslated
    # A catalog whose translations are the source renders exactly the source.
    assert segment.render_body(rel.body, lambda msgid, kind: msgid) == segment.render_body(rel.body)


def test_pages_point_at_the_published_images_only():
    visit = media.Media("visit.jpg", b"x", 640, 427)
    body = ('<figure><img alt="A &amp; B" src="media/visit.jpg"><figcaption>c</figcaption></figure>'
            '<p><img alt="gone" src="media/gone.png"><img alt="far" src="https://evil.example/t.gif"></p>')
    placed = media.place(body, "../../", {"visit.jpg": visit})
    assert placed == ('<figure><img alt="A &amp; B" src="../../media/visit.jpg" width="640" height="427" '
                      f'data-sha256="{visit.sha256}"><figcaption>c</figcaption></figure><p></p>')
    assert 'src="../media/gone.png"' in media.place(body, "../", None)  # not checked yet: never published


# --- end to end: one publish with a photo, a figure, and broken images ------------------------

PHOTO_SOURCE = """---
title: Photo sample
date: 2024-12-01
lang: en
place: Phnom Penh
---

The Minister received the delegation.

![The Minister shakes hands with the head of the delegation.](media/visit.jpg "The Minister and the delegation: Phnom Penh.")

![A blue rectangle.](media/figures/blue.png)
"""
BROKEN_SOURCE = """---
title: Broken images
date: 2024-12-02
lang: en
---

This paragraph is published whatever happens to the images.

![missing](media/nowhere.jpg "Missing.")

![remote](https://evil.example/tracker.jpg)

![outside](../approvals.tsv)

![server file](media/passwd.jpg)

![hostile](media/hostile.svg)

![not an image](media/text.jpg)

![too big](media/big.png)

![](media/visit.jpg)
"""
PHOTO_FR = {
    "Photo sample": "Exemple de photo",
    "Phnom Penh": "Phnom Penh",
    "The Minister received the delegation.": "Le ministre a reçu la délégation.",
    "The Minister shakes hands with the head of the delegation.": "Le ministre serre la main du chef de la délégation.",
    "The Minister and the delegation: Phnom Penh.": f"Le ministre et la délégation{NB}: Phnom Penh.",
    "A blue rectangle.": "Un rectangle bleu.",
}
PHOTO_KM = {
    "Photo sample": "គំរូរូបថត",
    "Phnom Penh": "ភ្នំពេញ",
    "The Minister received the delegation.": "រដ្ឋមន្ត្រីបានទទួលគណៈប្រតិភូ។",
    "The Minister shakes hands with the head of the delegation.": "រដ្ឋមន្ត្រីចាប់ដៃជាមួយប្រធានគណៈប្រតិភូ។",
    "The Minister and the delegation: Phnom Penh.": "រដ្ឋមន្ត្រី និងគណៈប្រតិភូ៖ ភ្នំពេញ។",
    "A blue rectangle.": "ចតុកោណកែងពណ៌ខៀវ។",
}


def _translate(root: Path, lang: str, slug: str, table: dict[str, str]) -> None:
    path = root / "locale" / lang / "LC_MESSAGES" / f"{slug}.po"
    po = read_po(path.read_text(encoding="utf-8"))
    for entry in po:
        if entry.msgid in table:
            entry.msgstr = table[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    write_po_file(path, po)


class Images(HTMLParser):
    def __init__(self, text: str):
        super().__init__()
        self.images: list[dict[str, str]] = []
        self.captions: list[str] = []
        self._caption: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))
        elif tag == "figcaption":
            self._caption = []

    def handle_data(self, data):
        if self._caption is not None:
            self._caption.append(data)

    def handle_endtag(self, tag):
        if tag == "figcaption":
            self.captions.append("".join(self._caption))
            self._caption = None


def _figure_sample_only(root: Path) -> Path:
    """A project copy with the figure sample alone (its approvals kept), to keep publishes short."""
    content = root / "content"
    for path in content.glob("*.md"):
        if path.stem != FLAG:
            path.unlink()
            shutil.rmtree(content / "issued" / path.stem, ignore_errors=True)
    ledger = content / "approvals.tsv"
    ledger.write_text("".join(line for line in ledger.read_text(encoding="utf-8").splitlines(keepends=True)
                              if line.startswith("#") or FLAG in line), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def published_media(tmp_path_factory) -> tuple[Path, Report]:
    """The figure sample, a release with a photo, and one whose images are all broken, published
    once (the other samples are left out to keep it short)."""
    root = _figure_sample_only(copy_project(tmp_path_factory.mktemp("media")))
    content = root / "content"
    (content / f"{PHOTO}.md").write_text(PHOTO_SOURCE, encoding="utf-8")
    (content / f"{BROKEN}.md").write_text(BROKEN_SOURCE, encoding="utf-8")
    folder = content / "media"
    (folder / "figures").mkdir()
    (folder / "visit.jpg").write_bytes(jpeg(320, 200))
    (folder / "figures" / "blue.png").write_bytes(png(120, 60))
    (folder / "unused.jpg").write_bytes(jpeg(16, 16))  # not named by any release: not published
    (folder / "passwd.jpg").symlink_to("/etc/passwd")
    (folder / "hostile.svg").write_text(SVG_HOSTILE["script"], encoding="utf-8")
    (folder / "text.jpg").write_text("not an image\n", encoding="utf-8")
    with open(folder / "big.png", "wb") as handle:
        handle.write(png())
        handle.truncate(21 * 1024 * 1024)
    project = load(root)
    assert update_po(project).ok
    _translate(root, "fr", PHOTO, PHOTO_FR)
    _translate(root, "km", PHOTO, PHOTO_KM)
    return root, publish(project, jobs=1)


def test_broken_images_are_errors_at_their_lines_and_the_rest_is_published(published_media):
    root, run_report = published_media
    assert not run_report.ok
    report = "\n".join(f"{f.path}:{f.line}: {f.message}" for f in run_report.findings)
    where = f"content/{BROKEN}.md"
    for line, says in [(9, "is missing: there is no content/media/nowhere.jpg"),
                       (11, "is a remote image (https:)"), (13, "is outside content/media/"),
                       (15, "is a link to /etc/passwd, outside the project"),
                       (17, "is an SVG with a <script> element"), (19, "is not an image, not the JPEG"),
                       (21, "22,020,096 bytes"), (23, "has no alt text")]:
        assert re.search(rf"^{re.escape(where)}:{line}: .*{re.escape(says)}.* — \w", report, re.M), (line, report)
    for lang in ("km", "en", "fr"):  # every edition of every release is published, broken images left out
        for slug in (FLAG, PHOTO, BROKEN):
            assert (root / "output" / lang / f"{slug}.html").is_file() and (root / "output" / lang / f"{slug}.pdf").is_file()
        page = Images((root / "output" / lang / f"{BROKEN}.html").read_text(encoding="utf-8"))
        assert [image["src"] for image in page.images] == ["../media/visit.jpg"]
        assert page.captions == ["Missing."]  # the caption stays where its image could not be
    assert "whatever happens" in pdftotext(root / "output" / "en" / f"{BROKEN}.pdf")
    published = sorted(p.relative_to(root / "output" / "media").as_posix()
                       for p in (root / "output" / "media").rglob("*") if p.is_file())
    assert published == ["cambodia-flag.svg", "figures/blue.png", "visit.jpg"]
    assert "root:" not in "".join(p.read_text(errors="replace") for p in (root / "output").rglob("*.html"))


def test_the_photo_is_in_the_html_translated(published_media):
    root, _ = published_media
    alts = {"en": "The Minister shakes hands with the head of the delegation.",
            "fr": PHOTO_FR["The Minister shakes hands with the head of the delegation."],
            "km": PHOTO_KM["The Minister shakes hands with the head of the delegation."]}
    for lang, alt in alts.items():
        page_path = root / "output" / lang / f"{PHOTO}.html"
        page = Images(page_path.read_text(encoding="utf-8"))
        assert [image["alt"] for image in page.images][0] == alt
        for image in page.images:
            target = (page_path.parent / image["src"]).resolve()
            assert target.is_file() and target.is_relative_to(root / "output" / "media")
            with Image.open(target) as opened:
                assert opened.size == (int(image["width"]), int(image["height"]))
    fr = Images((root / "output" / "fr" / f"{PHOTO}.html").read_text(encoding="utf-8"))
    assert fr.captions == [f"Le ministre et la délégation{NB}: Phnom Penh."]
    assert (root / "output" / "media" / "visit.jpg").read_bytes() == (root / "content" / "media" / "visit.jpg").read_bytes()


def test_the_photo_and_its_caption_are_in_the_pdf(published_media):
    root, _ = published_media
    for lang, caption in (("en", "The Minister and the delegation: Phnom Penh."),
                          ("fr", f"Le ministre et la délégation{NB}: Phnom Penh."),
                          ("km", PHOTO_KM["The Minister and the delegation: Phnom Penh."])):
        pdf = root / "output" / lang / f"{PHOTO}.pdf"
        listed = run(tool("pdfimages"), "-list", str(pdf))
        assert listed.returncode == 0, listed.stderr
        rows = [line.split() for line in listed.stdout.splitlines()[2:]]
        sizes = sorted((int(row[3]), int(row[4]), row[2]) for row in rows if row[2] == "image")
        assert sizes == [(120, 60, "image"), (320, 200, "image")], listed.stdout
        assert any(row[8] == "jpeg" for row in rows), listed.stdout  # the JPEG is embedded as JPEG
        assert squash(caption) in squash(pdftotext(pdf))


def test_the_sample_figure_is_in_html_and_pdf(published_media):
    root, _ = published_media
    for lang, caption in (("en", "The national flag of the Kingdom of Cambodia"),
                          ("fr", "Le drapeau national du Royaume du Cambodge")):
        page = Images((root / "output" / lang / f"{FLAG}.html").read_text(encoding="utf-8"))
        assert page.images[0]["src"] == "../media/cambodia-flag.svg" and page.captions[0].startswith(caption)
        assert squash(caption) in squash(pdftotext(root / "output" / lang / f"{FLAG}.pdf"))
    fr = Images((root / "output" / "fr" / f"{FLAG}.html").read_text(encoding="utf-8"))
    assert fr.images[0]["alt"].startswith(f"Le drapeau national du Cambodge{NB}: une large bande rouge")


def test_alt_text_and_caption_are_catalog_entries(published_media):
    root, _ = published_media
    pot = (root / "locale" / "templates" / f"{PHOTO}.pot").read_text(encoding="utf-8")
    assert ('#. type: image alt text\n#: content/2024-12-01-photo-sample.md:10\n'
            'msgid "The Minister shakes hands with the head of the delegation."') in pot
    assert ('#. type: figure caption\n#: content/2024-12-01-photo-sample.md:10\n'
            'msgid "The Minister and the delegation: Phnom Penh."') in pot
    sample = (ROOT / "locale" / "km" / "LC_MESSAGES" / f"{FLAG}.po").read_text(encoding="utf-8")
    assert f"#. type: figure caption\n#: content/{FLAG}.md:10\n" in sample
    for lang in ("km", "fr"):
        result = run(tool("msgfmt"), "--check", "-o", os.devnull, str(root / "locale" / lang / "LC_MESSAGES" / f"{PHOTO}.po"))
        assert result.returncode == 0, result.stderr


def test_a_changed_photo_retypesets_the_pdfs_that_show_it_and_only_those(published_media, tmp_path):
    source, _ = published_media
    root = tmp_path / "copy"
    shutil.copytree(source, root, symlinks=True)
    (root / "output" / ".last-run.json").unlink(missing_ok=True)  # none: that run had errors
    (root / "content" / "media" / "visit.jpg").write_bytes(jpeg(300, 200))  # same name, new photo
    before = {lang: (root / "output" / lang / f"{FLAG}.pdf").read_bytes() for lang in ("km", "en", "fr")}
    report = publish(load(root), jobs=1)
    # The photo release's three PDFs and the broken release's three (it shows the photo too).
    assert (report.typeset, report.unchanged) == (6, 3)
    assert before == {lang: (root / "output" / lang / f"{FLAG}.pdf").read_bytes() for lang in ("km", "en", "fr")}
    assert (root / "output" / "media" / "visit.jpg").read_bytes() == (root / "content" / "media" / "visit.jpg").read_bytes()
    listed = run(tool("pdfimages"), "-list", str(root / "output" / "en" / f"{PHOTO}.pdf")).stdout
    assert re.search(r"\bimage\s+300\s+200\b", listed), listed


def test_an_issued_version_keeps_its_image_when_a_revision_replaces_it(tmp_path):
    root = _figure_sample_only(copy_project(tmp_path, approval=True))
    source = root / "content" / f"{FLAG}.md"
    source.write_text(source.read_text(encoding="utf-8").replace("media/cambodia-flag.svg", "media/flag.png"),
                      encoding="utf-8")
    (root / "content" / "media" / "flag.png").write_bytes(png(64, 40))
    report = publish(load(root), jobs=1)
    assert report.ok, report.findings
    # The issued version shows the bytes approved, kept in its record (tests/test_media_records.py).
    digest = json.loads((root / "content" / "issued" / FLAG / "en.v1.json").read_text(encoding="utf-8"))["media"]
    approved = f"issued/{digest['cambodia-flag.svg']}.svg"
    for lang in ("km", "en", "fr"):
        issued = Images((root / "output" / lang / f"{FLAG}.html").read_text(encoding="utf-8"))
        assert [image["src"] for image in issued.images] == [f"../media/{approved}"], lang
        pending = Images((root / "output" / "review" / lang / f"{FLAG}.html").read_text(encoding="utf-8"))
        assert [image["src"] for image in pending.images] == ["../../media/flag.png"], lang
    published = sorted(p.relative_to(root / "output" / "media").as_posix()
                       for p in (root / "output" / "media").rglob("*") if p.is_file())
    assert published == ["flag.png", approved]


def test_the_run_record_reads_the_images():
    """A publish with nothing changed is replayed; an image changed under content/media/ is a change."""
    from workflow import runstate

    found = runstate.inputs(load(ROOT), {})
    assert "content/media/cambodia-flag.svg" in found and "content/media/cambodia-flag.svg.license" in found
