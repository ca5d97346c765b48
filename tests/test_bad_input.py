"""Bad input: a clear message naming file and line, the rest still published, exit code 1."""

from __future__ import annotations

import html
import shutil

import polib

from tests.conftest import corpus, pdftotext, run, tool, use_templates
from workflow.cli import main
from workflow.po import read_po

BELGIUM = "2024-02-07-cambodia-belgium-consultations"
FRANCOPHONIE = "2025-03-20-reunion-preparation-sommet-francophonie"


def test_broken_po_keeps_the_last_edition_and_publishes_the_rest(project_copy, capsys):
    assert main(["--root", str(project_copy), "-q", "publish"]) == 0
    old_pdf = (project_copy / "output/fr" / f"{BELGIUM}.pdf").read_bytes()
    broken = project_copy / "locale/fr/LC_MESSAGES" / f"{BELGIUM}.po"
    shutil.copy(corpus("po4a-markdown/monero-site/Offline_Backup.fr.MALFORMED.po"), broken)
    before = broken.read_bytes()
    (project_copy / "output/km" / f"{BELGIUM}.html").unlink()

    assert main(["--root", str(project_copy), "publish"]) == 1
    err = capsys.readouterr().err
    assert f"locale/fr/LC_MESSAGES/{BELGIUM}.po:44:" in err
    assert broken.read_bytes() == before  # a translator's file we cannot read is never rewritten
    assert (project_copy / "output/fr" / f"{BELGIUM}.pdf").read_bytes() == old_pdf
    assert (project_copy / "output/km" / f"{BELGIUM}.html").is_file()  # the rest is still built
    assert not list((project_copy / "output").rglob("*.tmp"))


def test_broken_front_matter_names_the_line_and_the_rest_is_published(project_copy, capsys):
    bad = project_copy / "content" / "2024-03-01-broken.md"
    bad.write_text("---\ntitle: Broken\ndate: 2024-13-01\nlang: en\n---\n\nText.\n", encoding="utf-8")
    assert main(["--root", str(project_copy), "publish"]) == 1
    err = capsys.readouterr().err
    assert "content/2024-03-01-broken.md:3: error: date: '2024-13-01' is not a date" in err
    for lang in ("km", "en", "fr"):
        assert (project_copy / "output" / lang / f"{FRANCOPHONIE}.pdf").is_file()
        assert not (project_copy / "output" / lang / "2024-03-01-broken.html").exists()


def test_a_release_broken_after_publishing_stays_published_and_listed(project_copy, capsys):
    """Its editions from the last good run are kept, and the indexes still link to them."""
    assert main(["--root", str(project_copy), "-q", "publish"]) == 0
    output = project_copy / "output"
    pages = [output / "index.html"] + [output / lang / "index.html" for lang in ("km", "en", "fr")]
    before = {page: page.read_bytes() for page in pages}
    editions = {p: p.read_bytes() for p in output.glob(f"*/{BELGIUM}.*")}
    assert len(editions) == 7  # html and pdf in three languages, and the review page
    source = project_copy / "content" / f"{BELGIUM}.md"
    source.write_text(source.read_text(encoding="utf-8").replace("date: 2024-02-07", "date: 2024-02-30"),
                      encoding="utf-8")
    assert main(["--root", str(project_copy), "publish"]) == 1
    assert f"content/{BELGIUM}.md:3: error: date" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in output.glob(f"*/{BELGIUM}.*")} == editions
    assert {page: page.read_bytes() for page in pages} == before
    # A damaged list is read for what it holds, and never stops a publish.
    listing = output / "releases.json"
    for damaged in ('{"releases": [{"slug": "%s", "date": "2024-02-07", "titles": "oops"}]}' % BELGIUM,
                    '{"releases": [{"slug": ["x"], "titles": 3}, 7, null]}', "[" * 100000, "\xff\xfe", ""):
        listing.write_text(damaged, encoding="utf-8", errors="surrogateescape")
        assert main(["--root", str(project_copy), "-q", "publish"]) == 1
        assert f"{BELGIUM}.html" not in (output / "index.html").read_text(encoding="utf-8")
        assert "Traceback" not in capsys.readouterr().err
    # A release that is removed on purpose leaves the indexes.
    source.unlink()
    assert main(["--root", str(project_copy), "-q", "publish"]) == 0
    assert all(BELGIUM not in page.read_text(encoding="utf-8") for page in pages)


def test_unknown_language_in_settings_is_a_usage_error(project_copy, capsys):
    settings = project_copy / "pyproject.toml"
    settings.write_text(settings.read_text().replace('languages = ["km", "en", "fr"]',
                                                     'languages = ["km", "en", "xx"]'))
    assert main(["--root", str(project_copy), "publish"]) == 2
    assert "unknown language 'xx'" in capsys.readouterr().err


def _only_release(project, slug, text):
    (project / "content" / f"{slug}.md").write_text(text, encoding="utf-8")


def test_catalog_in_another_charset_is_read(project_copy, tmp_path):
    """A valid ISO-8859-1 catalog (as some old tools save them) is decoded by its header."""
    path = project_copy / f"locale/fr/LC_MESSAGES/{BELGIUM}.po"
    po = polib.pofile(str(path))
    for entry in po:
        entry.msgstr = "Déjà traduit : numéro " + str(po.index(entry))
    po.save(str(path))
    converted = run(tool("msgconv"), "--to-code=ISO-8859-1", "-o", str(path), str(path))
    assert converted.returncode == 0, converted.stderr
    assert b"charset=ISO-8859-1" in path.read_bytes()
    assert main(["--root", str(project_copy), "-q", "publish"]) == 0
    page = html.unescape((project_copy / "output/fr" / f"{BELGIUM}.html").read_text(encoding="utf-8"))
    assert "<p>Déjà traduit\u00a0: numéro 3</p>" in page


def test_catalog_for_the_wrong_release_is_refused_and_kept(project_copy, capsys):
    wrong = project_copy / f"locale/km/LC_MESSAGES/{FRANCOPHONIE}.po"
    target = project_copy / f"locale/km/LC_MESSAGES/{BELGIUM}.po"
    shutil.copy(wrong, target)
    before = target.read_bytes()
    assert main(["--root", str(project_copy), "publish"]) == 1
    err = capsys.readouterr().err
    assert f"locale/km/LC_MESSAGES/{BELGIUM}.po:1: error: this catalog was made for '{FRANCOPHONIE}'" in err
    assert target.read_bytes() == before
    assert (project_copy / "output/km" / f"{FRANCOPHONIE}.pdf").is_file()


def test_empty_catalog_is_an_error_naming_it(project_copy, capsys):
    target = project_copy / f"locale/fr/LC_MESSAGES/{BELGIUM}.po"
    target.write_bytes(b"")
    assert main(["--root", str(project_copy), "publish"]) == 1
    assert f"locale/fr/LC_MESSAGES/{BELGIUM}.po:1: error: empty file" in capsys.readouterr().err
    assert target.read_bytes() == b""
    assert (project_copy / "output/km" / f"{BELGIUM}.pdf").is_file()


def test_invalid_utf8_release(project_copy, capsys):
    (project_copy / "content/2024-04-01-latin1.md").write_bytes(
        b"---\ntitle: Caf\xe9\ndate: 2024-04-01\nlang: en\n---\n\nText.\n")
    assert main(["--root", str(project_copy), "publish"]) == 1
    assert "content/2024-04-01-latin1.md:2: error: invalid UTF-8" in capsys.readouterr().err
    assert (project_copy / "output/fr" / f"{BELGIUM}.pdf").is_file()


def test_a_megabyte_paragraph_is_refused_with_its_line(project_copy, capsys):
    # 30 KB: a whole release of more than 64 KB is refused unread (tests/test_not_files.py).
    big = " ".join(["word"] * 6_000)
    _only_release(project_copy, "2024-04-02-huge", f"---\ntitle: Huge\ndate: 2024-04-02\nlang: en\n---\n\nIntro.\n\n{big}\n")
    assert main(["--root", str(project_copy), "publish"]) == 1
    err = capsys.readouterr().err
    assert "content/2024-04-02-huge.md:9: error: this paragraph is 29,999 characters long" in err
    assert (project_copy / "output/fr" / f"{BELGIUM}.pdf").is_file()


def test_lists_nested_fifty_deep_are_published(project_copy):
    nested = "\n".join("    " * depth + f"- level {depth}" for depth in range(50))
    _only_release(project_copy, "2024-04-03-deep", f"---\ntitle: Deep\ndate: 2024-04-03\nlang: en\n---\n\n{nested}\n")
    assert main(["--root", str(project_copy), "-q", "publish"]) == 0
    text = run(tool("pdftotext"), str(project_copy / "output/en/2024-04-03-deep.pdf"), "-").stdout
    assert "level 0" in text and "level 49" in text
    pot = polib.pofile(str(project_copy / "locale/templates/2024-04-03-deep.pot"))
    assert [e.msgid for e in pot][1:] == [f"level {d}" for d in range(50)]


def test_missing_and_unknown_language(project_copy, capsys):
    _only_release(project_copy, "2024-04-04-nolang", "---\ntitle: No language\ndate: 2024-04-04\n---\n\nText.\n")
    _only_release(project_copy, "2024-04-05-thai", "---\ntitle: Thai\ndate: 2024-04-05\nlang: th\n---\n\nText.\n")
    assert main(["--root", str(project_copy), "publish"]) == 1
    err = capsys.readouterr().err
    assert "content/2024-04-04-nolang.md:1: error: required key 'lang' is missing" in err
    assert "content/2024-04-05-thai.md:4: error: unknown language 'th'" in err
    assert (project_copy / "output/km" / f"{BELGIUM}.pdf").is_file()


def test_missing_font_is_a_clear_error_and_nothing_is_touched(project_copy, capsys, monkeypatch):
    from workflow.pdf import fonts

    assert main(["--root", str(project_copy), "-q", "publish"]) == 0
    before = {p: p.read_bytes() for p in (project_copy / "output").rglob("*") if p.is_file()}
    monkeypatch.setitem(fonts.FACES, "NotoSansKhmer-Regular.ttf", fonts.Face("Noto Sans Khmer Fantasy", "normal", 400))
    fonts.font_paths.cache_clear()  # made again from the table above
    assert main(["--root", str(project_copy), "publish"]) == 1
    err = capsys.readouterr().err
    assert "the font 'Noto Sans Khmer Fantasy' (normal) is not installed" in err
    assert "pip install fontpkg-noto-sans-khmer-fantasy" in err
    assert {p: p.read_bytes() for p in (project_copy / "output").rglob("*") if p.is_file()} == before


def test_template_error_names_the_template_and_line(project_copy, capsys):
    from workflow.render import template_file

    lines = template_file("edition.html").read_text().splitlines()
    lines.insert(3, "{{ unclosed( }}")
    line = 4
    folder = use_templates(project_copy, {"edition.html": "\n".join(lines)})
    assert main(["--root", str(project_copy), "publish"]) == 1
    err = capsys.readouterr().err
    assert f"{folder / 'edition.html'}:{line}: error: template error" in err
    assert (project_copy / "output/index.html").is_file()


def test_a_character_no_bundled_font_has_fails_that_edition(project_copy, capsys):
    path = project_copy / f"locale/fr/LC_MESSAGES/{BELGIUM}.po"
    po = polib.pofile(str(path))
    entry = po[3]
    entry.msgstr += " \u0b95"  # TAMIL LETTER KA: neither Noto Serif nor Noto Sans Khmer draws it
    po.save(str(path))
    assert main(["--root", str(project_copy), "publish"]) == 1
    err = capsys.readouterr().err
    # Refused by the checks (workflow/checks/characters.py) at the entry's line, before any PDF:
    # only that entry gives way to its source, so no empty box is printed and the edition is a draft.
    line = next(e.linenum for e in read_po(path.read_text(encoding="utf-8"), path="x") if e.msgid == entry.msgid)
    assert f"locale/fr/LC_MESSAGES/{BELGIUM}.po:{line}: error: unsafe: no bundled font can draw U+0B95" in err
    assert err.count("U+0B95") == 1, err
    fr = html.unescape((project_copy / "output/fr" / f"{BELGIUM}.html").read_text(encoding="utf-8"))
    assert "\u0b95" not in fr and entry.msgid.split("\n")[0][:60] in fr
    assert "\u0b95" not in pdftotext(project_copy / "output/fr" / f"{BELGIUM}.pdf")
    for lang in ("km", "en"):  # the rest is published
        assert (project_copy / f"output/{lang}" / f"{BELGIUM}.pdf").is_file()


def test_a_font_that_cannot_be_loaded_fails_the_build(project_copy, capsys):
    from workflow.render import template_file

    css = template_file("edition.css").read_text()
    use_templates(project_copy, {"edition.css": css.replace("url(fonts/NotoSansKhmer-Regular.ttf)", "url(fonts/Missing.ttf)")})
    assert main(["--root", str(project_copy), "publish"]) == 1
    err = capsys.readouterr().err
    assert "Missing.ttf" in err and "error" in err
    assert not list((project_copy / "output").rglob("*.pdf"))


def test_a_damaged_font_in_the_cache_is_made_again(tmp_path, monkeypatch):
    """The static faces are cached per machine: one cut short there (by hand, a full disk) is made
    again rather than breaking every PDF."""
    from workflow.pdf import fonts

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    fonts.font_paths.cache_clear()
    try:
        made = fonts.font_paths()
        victim = made["NotoSansKhmer-Bold.ttf"]
        whole = victim.read_bytes()
        victim.write_bytes(whole[: len(whole) // 3])
        fonts.font_paths.cache_clear()
        again = fonts.font_paths()
        assert again["NotoSansKhmer-Bold.ttf"].read_bytes() == whole
    finally:
        fonts.font_paths.cache_clear()
