"""The editions look official: Khmer in Moul and Battambang (PDF and Chromium), the document type
in black, the page centred on the sheet, the ministry's emblem when the project has one, and the
fonts fetched from the npm registry only as pinned (or a clear error).

The judges are real: poppler (``pdffonts``, ``pdfimages``) and pdfplumber read the PDFs WeasyPrint
wrote, headless Chromium (``CSS.getPlatformFontsForNode``, computed styles, layout) the web pages.
Measurements behind the choice of faces: ``notes/official-typefaces.md``.
"""

from __future__ import annotations

import dataclasses
import io
import shutil
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import ROOT, run, tool, use_templates
from tests.test_browser import CHROMIUM, browser, tab  # noqa: F401 - the module's Chromium fixtures
from workflow.cli import main
from workflow.model import TypesetError
from workflow.pdf import fonts

SLUGS = sorted(p.stem for p in (ROOT / "content").glob("*.md"))
BELGIUM = "2024-02-07-cambodia-belgium-consultations"
LANGS = ("km", "en", "fr")
chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")


def pdf_font_names(pdf: Path) -> set[str]:
    """The fonts ``pdffonts`` lists, without their subset prefix."""
    rows = run(tool("pdffonts"), str(pdf)).stdout.splitlines()[2:]
    return {row.split()[0].split("+", 1)[-1] for row in rows}


def first_page(pdf: Path):
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        return page.width, list(page.chars), list(page.images)


def top_line(chars: list[dict]) -> list[dict]:
    top = min(c["top"] for c in chars)
    return [c for c in chars if abs(c["top"] - top) < 2]


# ------------------------------------------------------------------ PDF: faces and page


@pytest.mark.parametrize("slug", SLUGS)
def test_khmer_pdfs_set_the_letterhead_in_moul_and_the_text_in_battambang(published, slug):
    pdf = published / "output/km" / f"{slug}.pdf"
    names = pdf_font_names(pdf)
    assert {"Moul", "Battambang"} <= names, names
    assert names <= {"Moul", "Battambang", "Battambang-Bold", "Noto-Sans-Khmer", "Noto-Sans-Khmer-Bold",
                     "Noto-Serif", "Noto-Serif-Bold", "Noto-Serif-Italic", "Noto-Serif-Bold-Italic"}, names
    _width, chars, _images = first_page(pdf)

    def face(char: dict) -> str:
        return char["fontname"].split("+", 1)[-1]

    # The kingdom, first line of the page, is in Moul, as are the document type (the page's largest
    # letters) and the title after it; the text below the title is in Battambang, three glyphs to
    # one of its Moul subheadings. (Counted below the title, not over the whole page: the letterhead
    # is ~100 Moul glyphs on every page, which a short release's body need not outnumber 3 to 1.)
    assert {face(c) for c in top_line(chars)} == {"Moul"}
    doctype = max(chars, key=lambda c: c["size"])
    assert face(doctype) == "Moul", doctype
    below = sorted((c for c in chars if c["top"] > doctype["bottom"]), key=lambda c: c["top"])
    body_top = next(c["top"] for c in below if face(c) != "Moul")  # the title's lines are Moul
    assert any(c["top"] < body_top - 1 for c in below), "no title in Moul after the document type"
    body = Counter(face(c) for c in below if c["top"] >= body_top - 1)
    assert body["Battambang"] > 3 * body["Moul"] and body["Battambang"] > 100, body
    for lang in ("en", "fr"):  # Moul is a Khmer face: the other editions keep Noto Serif
        other = pdf_font_names(published / "output" / lang / f"{slug}.pdf")
        assert "Moul" not in other and "Noto-Serif" in other, (lang, other)


@pytest.mark.parametrize("lang", LANGS)
def test_the_page_is_centred_on_the_sheet(published, lang):
    """The letterhead's centred first line is centred on the sheet: the left and right margins are equal."""
    width, chars, _images = first_page(published / "output" / lang / f"{BELGIUM}.pdf")
    line = top_line(chars)
    middle = (min(c["x0"] for c in line) + max(c["x1"] for c in line)) / 2
    assert abs(middle - width / 2) < 1.5, (middle, width / 2)


# ------------------------------------------------------------------ Chromium: faces and colour

MOUL_PARTS = (".kingdom-name", ".motto", ".ministry", ".doctype", "h1.title")


def node_fonts(page, selector: str) -> dict[str, int]:
    """{family: glyphs} Chromium drew the text inside the first element ``selector`` matches with."""
    root = page.send("DOM.getDocument", depth=0)["root"]["nodeId"]
    node = page.send("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
    assert node, f"no {selector}"
    used: dict[str, int] = {}
    for font in page.send("CSS.getPlatformFontsForNode", nodeId=node)["fonts"]:
        assert font["isCustomFont"], (selector, font)  # a bundled face, never the system's
        used[font["familyName"]] = used.get(font["familyName"], 0) + font["glyphCount"]
    return used


@chromium
@pytest.mark.parametrize("slug", SLUGS)
def test_chromium_draws_khmer_in_moul_and_battambang(tab, published, slug):  # noqa: F811 - the fixture
    load = tab.open((published / "output/km" / f"{slug}.html").as_uri())
    assert load.problems() == []
    for selector in MOUL_PARTS:
        used = node_fonts(tab, selector)
        assert max(used, key=used.get) == "Moul", (selector, used)
    used = node_fonts(tab, ".body p")
    assert max(used, key=used.get) == "Battambang", used
    assert "Moul" not in used


@chromium
@pytest.mark.parametrize("lang", LANGS)
def test_the_document_type_is_black(tab, published, lang):  # noqa: F811 - the fixture
    tab.open((published / "output" / lang / f"{BELGIUM}.html").as_uri())
    assert tab.js("getComputedStyle(document.querySelector('.doctype')).color") == "rgb(0, 0, 0)"


# ------------------------------------------------------------------ the emblem


def emblem_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (120, 140), "white")
    ImageDraw.Draw(image).ellipse((10, 10, 110, 130), fill=(180, 140, 20))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def edition_files(project: Path, lang: str = "km") -> tuple[str, bytes]:
    base = project / "output" / lang / BELGIUM
    return base.with_suffix(".html").read_text(encoding="utf-8"), base.with_suffix(".pdf").read_bytes()


@chromium
def test_the_emblem_appears_centred_when_present_and_the_page_is_unchanged_when_absent(
        project_copy, tab, capsys):  # noqa: F811 - the fixture
    folder = use_templates(project_copy, {})
    assert main(["--root", str(project_copy), "-q", "publish"]) == 0
    without = {lang: edition_files(project_copy, lang) for lang in LANGS}
    assert all('class="emblem"' not in html for html, _pdf in without.values())

    png = emblem_png()
    (folder / "emblem.png").write_bytes(png)
    assert main(["--root", str(project_copy), "-q", "publish"]) == 0
    assert (project_copy / "output/assets/emblem.png").read_bytes() == png
    for lang in LANGS:
        html, pdf = edition_files(project_copy, lang)
        assert '<img class="emblem" src="../assets/emblem.png" alt="">' in html
        assert html.index('class="emblem"') < html.index('class="kingdom"')  # above the letterhead
        pdf_path = project_copy / "output" / lang / f"{BELGIUM}.pdf"
        listed = run(tool("pdfimages"), "-list", "-f", "1", "-l", "1", str(pdf_path)).stdout.splitlines()[2:]
        assert len(listed) == 1 and listed[0].split()[3:5] == ["120", "140"], listed
        width, chars, images = first_page(pdf_path)
        (image,) = images
        assert abs((image["x0"] + image["x1"]) / 2 - width / 2) < 1, image  # centred on the sheet
        assert image["bottom"] < min(c["top"] for c in chars)  # above every line of text

        load = tab.open((project_copy / "output" / lang / f"{BELGIUM}.html").as_uri())
        assert load.problems() == []  # the CSP lets it in: it is the site's own
        box = tab.js("""(() => { const img = document.querySelector('img.emblem');
            const r = img.getBoundingClientRect(), a = document.querySelector('article').getBoundingClientRect();
            return {loaded: img.complete && img.naturalWidth, middle: r.left + r.width / 2,
                    axis: a.left + a.width / 2, above: r.bottom <= document.querySelector('.kingdom').getBoundingClientRect().top};
        })()""")
        assert box["loaded"] == 120 and box["above"], box
        assert abs(box["middle"] - box["axis"]) < 1, box

    (folder / "emblem.png").unlink()
    (project_copy / "output/.last-run.json").unlink()
    assert main(["--root", str(project_copy), "-q", "publish"]) == 0
    assert {lang: edition_files(project_copy, lang) for lang in LANGS} == without  # byte for byte
    assert not (project_copy / "output/assets/emblem.png").exists()


@pytest.mark.parametrize("name, data, says", [
    ("emblem.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "an SVG emblem is not used"),
    ("emblem.png", b"GIF89a not a png", "the emblem is not a PNG image"),
    ("emblem.jpg", emblem_png(), "the emblem is not a JPG image"),
])
def test_an_unusable_emblem_is_an_error_naming_it_and_the_rest_is_published(project_copy, capsys, name, data,
                                                                              says):
    folder = use_templates(project_copy, {})
    (folder / name).write_bytes(data)
    assert main(["--root", str(project_copy), "publish"]) == 1
    err = capsys.readouterr().err
    assert f"{folder / name}: error: {says}" in err, err
    assert "save it as PNG" in err or "export it as PNG" in err
    for lang in LANGS:
        html, pdf = edition_files(project_copy, lang)
        assert 'class="emblem"' not in html and pdf.startswith(b"%PDF")
    assert not [p.name for p in (project_copy / "output/assets").iterdir() if p.name.startswith("emblem")]


# ------------------------------------------------------------------ the fonts' source


@pytest.fixture
def empty_font_cache(tmp_path, monkeypatch):
    """A font cache holding only Noto's static faces (made from PyPI): the npm faces must be fetched."""
    made = fonts.font_paths()
    cache = tmp_path / "cache"
    folder = cache / "mfaic-workflow" / "fonts"
    folder.mkdir(parents=True)
    for name, face in fonts.FACES.items():
        if isinstance(face, fonts.Face):
            shutil.copy2(made[name], folder / made[name].name)
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    fonts.font_paths.cache_clear()
    fonts._tarball.cache_clear()  # this process fetched them already
    yield folder
    fonts.font_paths.cache_clear()
    fonts._tarball.cache_clear()


def test_without_network_or_cached_fonts_a_publish_fails_saying_what_to_do(empty_font_cache, project_copy,
                                                                            monkeypatch, capsys):
    # npm's own settings, as a machine without the registry would have them: the discard port
    # refuses at once, and no retry waits.
    monkeypatch.setenv("npm_config_registry", "http://127.0.0.1:9/")
    monkeypatch.setenv("npm_config_fetch_retries", "0")
    monkeypatch.setenv("npm_config_cache", str(project_copy.parent / "npm-cache"))  # nothing cached there
    with pytest.raises(TypesetError, match=r"@fontsource/moul@5\.3\.0 is not in the font cache .* "
                                           r"'npm pack @fontsource/moul@5\.3\.0' could not fetch it"):
        fonts.font_paths()
    assert main(["--root", str(project_copy), "publish"]) == 1
    err = capsys.readouterr().err
    assert "connect this machine to the npm registry once and run 'make publish' again" in err
    assert not list((project_copy / "output").rglob("*.pdf"))  # never a PDF in the wrong face
    assert sorted(p.name for p in empty_font_cache.iterdir() if "Moul" in p.name or "Battambang" in p.name) == []


def test_without_npm_the_error_says_to_install_it(empty_font_cache, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(TypesetError, match=r"npm, which fetches it once, is not installed: install it"):
        fonts.font_paths()


def test_a_tarball_that_does_not_match_its_pin_is_refused():
    real = fonts._tarball(fonts.MOUL)  # fetched and checked
    assert fonts.checked_tarball(fonts.MOUL, real) == real
    for tampered in (b"\x1f\x8b not the package", real[:-1], real + b"\0", fonts._tarball(fonts.BATTAMBANG)):
        with pytest.raises(TypesetError, match=r"does not match its pinned sha512 .*refused"):
            fonts.checked_tarball(fonts.MOUL, tampered)


def test_a_faces_code_points_are_kept_in_the_cache_and_a_damaged_record_is_made_again(tmp_path, monkeypatch):
    from fontTools.ttLib import TTFont

    made = fonts.font_paths()["NotoSansKhmer-Regular.ttf"]
    folder = tmp_path / "cache" / "mfaic-workflow" / "fonts"
    folder.mkdir(parents=True)
    face = Path(shutil.copy2(made, folder / made.name))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with TTFont(face) as font:
        truth = frozenset(font.getBestCmap())
    assert 0x1780 in truth and len(truth) > 100
    assert fonts.coverage(face) == truth
    record = face.with_suffix(".cmap")
    kept = record.read_bytes()
    assert kept.startswith(b"mfaic-workflow cmap 1 ")
    fonts.coverage.cache_clear()
    assert fonts.coverage(face) == truth  # from the record
    head, body = kept.split(b"\n", 1)
    for damaged in (kept[:-3], head.replace(b" 1 ", b" 1 9", 1) + b"\n" + body, b"", b"\xff" * 40,
                    head + b"\n" + body.replace(b"-", b"+", 1)):
        record.write_bytes(damaged)
        fonts.coverage.cache_clear()
        assert fonts.coverage(face) == truth
        assert record.read_bytes() == kept  # made again
    fonts.coverage.cache_clear()


def test_the_npm_faces_are_fetched_checked_and_named_by_their_pin(empty_font_cache):
    """From the registry (CI and developers' machines reach it), into the cache, as TrueType."""
    from fontTools.ttLib import TTFont

    paths = fonts.font_paths()
    for name, family in (("Moul-Regular.ttf", "Moul"), ("Battambang-Regular.ttf", "Battambang"),
                         ("Battambang-Bold.ttf", "Battambang")):
        assert paths[name].parent == empty_font_cache
        with TTFont(paths[name]) as font:
            assert font.flavor is None and font["name"].getDebugName(1) == family
            assert 0x1780 in font.getBestCmap() and "GSUB" in font
    assert "SIL Open Font License" in fonts.licence_paths()["Moul-OFL.txt"].read_text()
    # The cached name carries the pin: another version or tarball is another file, so the run
    # record (which names each face's file) sees the change and the next publish is a full one.
    moved = dataclasses.replace(fonts.FACES["Moul-Regular.ttf"],
                                package=dataclasses.replace(fonts.MOUL, integrity="sha512-other"))
    assert fonts._packed_digest(moved) != fonts._packed_digest(fonts.FACES["Moul-Regular.ttf"])


def test_the_run_record_names_every_face_by_its_file(project_copy):
    from workflow import project as settings
    from workflow import runstate

    found = runstate.inputs(settings.load(project_copy), fonts.font_paths())
    for name in ("Moul-Regular.ttf", "Battambang-Regular.ttf", "Battambang-Bold.ttf"):
        assert found[f"font:{name}"].decode().startswith(name.removesuffix(".ttf") + "-")


def test_an_emblem_linked_out_of_the_templates_folder_is_refused_unread(project_copy, tmp_path, capsys):
    """The sandbox: only the project's own folders.  A link to a PNG elsewhere is named, not read."""
    outside = tmp_path / "elsewhere.png"
    outside.write_bytes(emblem_png())
    folder = use_templates(project_copy, {})
    (folder / "emblem.png").symlink_to(outside)
    assert main(["--root", str(project_copy), "publish"]) == 1
    err = capsys.readouterr().err
    assert f"{folder / 'emblem.png'}" in err and "error" in err, err
    html, _pdf = edition_files(project_copy)
    assert 'class="emblem"' not in html
    assert not (project_copy / "output/assets/emblem.png").exists()
