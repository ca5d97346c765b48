"""The first ``make publish`` on a fresh machine, and what it tells the person who ran it.

* Without HarfBuzz-Subset (a fresh Debian machine with Pango often lacks it), every PDF is still
  made, correct, and the run says once how to make it faster.
* WeasyPrint's messages are sorted by the written policy in ``workflow.pdf.typeset``.
* In-page links work in the HTML and the PDF; a link that points nowhere names its line.
* A PDF that fails costs only itself; each finding is said once; ``-v`` says what is done.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import polib
import pypdf
import pytest

from tests.conftest import ROOT, corpus, pdftotext, run, squash, tool, use_templates
from workflow.pdf import typeset
from workflow.cli import main
from workflow.po import read_po

BELGIUM = "2024-02-07-cambodia-belgium-consultations"
LANGS = ("km", "en", "fr")
SLUGS = sorted(p.stem for p in (ROOT / "content").glob("*.md"))
HIDE_SUBSET = Path(__file__).resolve().parent / "support" / "no_harfbuzz_subset"


def publish(root: Path, *args: str, hide_subset: bool = False) -> subprocess.CompletedProcess:
    """``python -m workflow publish`` in its own process, as ``make publish`` runs it."""
    paths = ([str(HIDE_SUBSET)] if hide_subset else []) + [str(ROOT)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(paths))
    return subprocess.run([sys.executable, "-m", "workflow", "--root", str(root), *args, "publish"],
                          env=env, capture_output=True, text=True)


# ------------------------------------------------------------- without HarfBuzz-Subset

def test_without_harfbuzz_subset_every_pdf_is_made_and_one_hint_says_why_it_is_slow(project_copy):
    probe = subprocess.run([sys.executable, "-c", "from weasyprint.text import ffi; print(ffi.harfbuzz_subset)"],
                           env=dict(os.environ, PYTHONPATH=f"{HIDE_SUBSET}{os.pathsep}{ROOT}"),
                           capture_output=True, text=True)
    assert probe.stdout.strip() == "None", probe.stderr  # WeasyPrint really runs without the library

    result = publish(project_copy, hide_subset=True)
    assert result.returncode == 0, result.stderr
    hint_lines = [line for line in result.stderr.splitlines() if "HarfBuzz" in line]
    assert len(hint_lines) == 1, result.stderr
    assert "apt-get install libharfbuzz-subset0" in hint_lines[0]
    assert ": error:" not in result.stderr and ": warning:" not in result.stderr and "Traceback" not in result.stderr
    for slug in SLUGS:
        for lang in LANGS:
            pdf = project_copy / "output" / lang / f"{slug}.pdf"
            assert run(tool("pdfinfo"), str(pdf)).returncode == 0
            fonts = run(tool("pdffonts"), str(pdf)).stdout.splitlines()[2:]
            assert fonts and all(line.split()[-5:-2] == ["yes", "yes", "yes"] for line in fonts), fonts
    # The fontTools path gives the same text as the HarfBuzz one: the Khmer title comes back whole.
    title = polib.pofile(str(project_copy / f"locale/km/LC_MESSAGES/{BELGIUM}.po"))[0].msgstr
    assert squash(title) in squash(pdftotext(project_copy / "output/km" / f"{BELGIUM}.pdf"))


def test_weasyprints_own_warning_about_harfbuzz_subset_is_not_said_beside_the_hint():
    """WeasyPrint 70 warns at import (a DeprecationWarning) when the library is missing; the hint
    says it once, in our words, so the warning stays silent even where warnings are shown."""
    env = dict(os.environ, PYTHONPATH=f"{HIDE_SUBSET}{os.pathsep}{ROOT}")
    result = subprocess.run([sys.executable, "-W", "always", "-c", "import workflow.pdf.typeset"], env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0 and "HarfBuzz-Subset will be required" not in result.stderr, result.stderr


def test_the_readme_names_every_package_a_fresh_debian_machine_needs():
    """The set-up table names make (a fresh Debian or Ubuntu has none) and every package .ci/run installs."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    packages_column = " ".join(line.split("|")[2] for line in readme.splitlines()
                               if line.startswith(("| required", "| optional", "| tests only")))
    named = set(re.findall(r"[\w.+-]+", " ".join(re.findall(r"`([^`]*)`", packages_column))))
    assert {"make", "python3", "python3-venv"} <= named, packages_column
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    installed = re.search(r"apt-get install ((?:\\\n|[^\n])*)", ci).group(1).replace("\\\n", " ")
    packages = {word for word in installed.split() if not word.startswith(("-", ">"))}
    assert packages and packages <= named, packages - named


# ---------------------------------------------------------------------- the policy

@pytest.mark.parametrize("text, level, kind", [
    ('Font-face "Noto Sans Khmer" cannot be loaded', typeset.Level.FAIL, "font"),
    ('Unable to instantiate "Noto Serif" variable font', typeset.Level.FAIL, "font"),
    ('.notdef glyph rendered for Unicode string unsupported by fonts: "க" (U+0B95)', typeset.Level.FAIL, "glyph"),
    ('Using fontTools instead of HarfBuzz-Subset for font "Noto Serif". This will be unsupported',
     typeset.Level.HINT, "speed"),
    ("No anchor #overview for internal URI reference", typeset.Level.WARN, "anchor"),
    ("Ignored `colour: red` at 12:3, unknown property.", typeset.Level.WARN, "css"),
    ("Failed to load image at 'file:///x.png': nope", typeset.Level.WARN, "other"),
    ("A message WeasyPrint 71 might add", typeset.Level.WARN, "other"),
])
def test_each_kind_of_weasyprint_message_has_its_level(text, level, kind):
    message = typeset.classify(text)
    assert (message.level, message.kind) == (level, kind)


def _write(html: str, tmp_path: Path) -> typeset.Typeset:
    return typeset.write_pdf(html, base_url=tmp_path, allowed=(tmp_path,))


def test_the_policy_holds_on_what_weasyprint_really_says(tmp_path):
    """Real documents through the real WeasyPrint: a glyph no font has fails the PDF; an anchor
    that does not exist is a warning; an unknown message would be a warning too, never silence."""
    with pytest.raises(typeset.TypesetError, match="notdef"):
        _write('<p style="font-family: nonexistent-font-x">\U00013000</p>', tmp_path)  # EGYPTIAN HIEROGLYPH A001
    result = _write('<html lang="en"><p><a href="#nowhere">link</a></p>', tmp_path)  # tagged: a language is due
    # (Without HarfBuzz-Subset, the speed hint comes too: said once a run by the caller, not here.)
    said = [(m.level, m.kind, m.anchor) for m in result.messages if m.level is not typeset.Level.HINT]
    assert said == [(typeset.Level.WARN, "anchor", "nowhere")]
    assert result.pdf.startswith(b"%PDF")
    css = typeset.check_stylesheet("p { color: red; }\nh1 { colour: blue; }\n", base_url=tmp_path)
    assert [(m.level, m.kind, m.line) for m in css] == [(typeset.Level.WARN, "css", 2)]


def test_an_ignored_rule_in_a_projects_stylesheet_is_named_by_file_and_line_once(project_copy, capsys):
    from workflow.render import template_file

    lines = template_file("edition.css").read_text().splitlines()
    lines.insert(12, "h1 { text-colour: red; }")
    use_templates(project_copy, {"edition.css": "\n".join(lines) + "\n"})
    assert main(["--root", str(project_copy), "publish"]) == 0  # a warning, not a failure
    err = capsys.readouterr().err
    assert err.count("text-colour") == 1, err
    assert "templates/edition.css:13: warning:" in err
    assert len(list((project_copy / "output").rglob("*.pdf"))) == len(SLUGS) * 3


def test_what_weasyprint_says_of_a_templates_own_style_and_links_is_never_silence(project_copy, capsys):
    """A CSS rule in a style element of a project's edition.html, and a link of the template to no
    anchor, are not in the stylesheets checked once nor in a release's text: still warnings, once."""
    from workflow.render import template_file

    page = template_file("edition.html").read_text(encoding="utf-8")
    page = page.replace("</head>", "<style>h1 { text-colour: red; }</style>\n</head>", 1)
    page = page.replace("</article>", '<a href="#not-in-any-release">top</a>\n</article>', 1)
    assert page.count("text-colour") == 1 and page.count("#not-in-any-release") == 1
    use_templates(project_copy, {"edition.html": page})
    assert main(["--root", str(project_copy), "publish"]) == 0
    err = capsys.readouterr().err
    assert err.count("text-colour") == 1, err
    assert "templates/edition.html: warning: WeasyPrint will not use this: Ignored `text-colour" in err
    said = [line for line in err.splitlines() if "#not-in-any-release" in line]
    assert said and len(said) == len(set(said)) <= len(SLUGS), err  # once per release at most
    assert len(list((project_copy / "output").rglob("*.pdf"))) == len(SLUGS) * 3


# -------------------------------------------------------------------- in-page links

ANNEX_RELEASE = """---
title: Annexes
date: 2024-05-02
lang: en
---

The programme is [below](#programme of the visit) and in [the annex](#annex-1).

A link to [nowhere](#no-such-heading).

## Annex 1

| Time | Activity |
| --- | --- |
| 9:00 | Opening |

## Programme of the visit

Text.
"""


def _internal_links(pdf: Path) -> list[str]:
    """The named destinations the PDF's link annotations go to."""
    reader = pypdf.PdfReader(pdf)
    found = []
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            action = annot.get("/A")
            if annot.get("/Dest") is not None:
                found.append(str(annot["/Dest"]))
            elif action is not None and action.get("/S") == "/GoTo":
                found.append(str(action["/D"]))
    return found


def test_in_page_links_work_in_every_language_and_a_dead_one_names_its_line(project_copy, capsys):
    (project_copy / "content" / "2024-05-02-annexes.md").write_text(
        ANNEX_RELEASE.replace("#programme of the visit", "#programme-of-the-visit"), encoding="utf-8")
    assert main(["--root", str(project_copy), "publish"]) == 0
    err = capsys.readouterr().err
    assert err.count("#no-such-heading") == 1, err
    assert "content/2024-05-02-annexes.md:9: warning: the link to #no-such-heading points nowhere" in err
    for lang in LANGS:
        page = (project_copy / "output" / lang / "2024-05-02-annexes.html").read_text(encoding="utf-8")
        # The anchors come from the source text, so they are the same in every language.
        assert re.search(r'<h2 id="annex-1"[ >]', page) and re.search(r'<h2 id="programme-of-the-visit"[ >]', page)
        assert 'href="#annex-1"' in page and 'href="#programme-of-the-visit"' in page
        links = _internal_links(project_copy / "output" / lang / "2024-05-02-annexes.pdf")
        assert {"annex-1", "programme-of-the-visit"} <= set(links), links


def test_markdowns_own_syntax_document_publishes_in_every_language(project_copy, capsys):
    text = corpus("markdown-torture", "python-markdown_markdown-syntax.txt").read_text(encoding="utf-8")
    header = "---\ntitle: Markdown Syntax\ndate: 2024-06-01\nlang: en\n---\n"
    (project_copy / "content" / "2024-06-01-markdown-syntax.md").write_text(header + text, encoding="utf-8")
    assert main(["--root", str(project_copy), "publish"]) == 0
    err = capsys.readouterr().err
    for lang in LANGS:
        for suffix in ("html", "pdf"):
            assert (project_copy / "output" / lang / f"2024-06-01-markdown-syntax.{suffix}").is_file()
    # Its anchors are raw HTML headings (<h2 id="overview">), shown as text here: every in-page
    # link is reported once, with the line it is on (the file has 5 lines of front matter).
    lines = text.splitlines()
    targets = dict.fromkeys(re.findall(r"\]\(#([\w-]+)\)", text))
    assert len(targets) == 19 and "p" in targets  # "#p" after "#philosophy": the line is the link's own
    for target in targets:
        line = next(n for n, t in enumerate(lines, start=6) if f"(#{target})" in t)
        assert f"2024-06-01-markdown-syntax.md:{line}: warning: the link to #{target} points nowhere" in err
        assert err.count(f"the link to #{target} points") == 1
    # A heading the document really has, through Markdown's own syntax, is an anchor that works.
    page = (project_copy / "output/en/2024-06-01-markdown-syntax.html").read_text(encoding="utf-8")
    assert '<h1 id="markdown-syntax">' in page
    assert "No anchor" not in err  # WeasyPrint's own message is not said again without the line


# ------------------------------------------------------------- one failure, its cost

def test_a_pdf_that_fails_leaves_its_html_published_and_is_said_once(project_copy, capsys, monkeypatch, request):
    from workflow import editions
    from workflow.checks import characters, markup

    assert main(["--root", str(project_copy), "-q", "publish"]) == 0
    # The checks refuse a translation's undrawable character at its PO line before any PDF is made
    # (tests/test_bad_input.py); where they cannot read the fonts' cmaps they let it through and the
    # PDF stage is the safety net: that PDF fails, and it alone.
    monkeypatch.setattr(characters, "_coverage", lambda: None)
    # Judgements are memoized by their text for the process: those made without the cmaps go with
    # the patch (a later test's same entry must be judged with the fonts again).
    for memo in (editions.judge, markup.rejection):
        memo.cache_clear()
        request.addfinalizer(memo.cache_clear)
    old_pdf = (project_copy / "output/fr" / f"{BELGIUM}.pdf").read_bytes()
    path = project_copy / f"locale/fr/LC_MESSAGES/{BELGIUM}.po"
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgstr and "type: paragraph" in e.comment)
    entry.msgstr += " \u0b95"  # TAMIL LETTER KA: no bundled font draws it
    po.save(str(path))
    assert main(["--root", str(project_copy), "publish"]) == 1
    err = capsys.readouterr().err
    assert err.count("U+0B95") == 1, err
    line = next(e.linenum for e in read_po(path.read_text(encoding="utf-8"), path="x") if e.msgid == entry.msgid)
    assert f"locale/fr/LC_MESSAGES/{BELGIUM}.po:{line}: error: no bundled font has a glyph for U+0B95" in err
    html = (project_copy / "output/fr" / f"{BELGIUM}.html").read_text(encoding="utf-8")
    assert "\u0b95" in html  # the HTML edition is published: a browser finds a font of its own
    assert (project_copy / "output/fr" / f"{BELGIUM}.pdf").read_bytes() == old_pdf  # the last good PDF stays
    assert re.search(rf"{BELGIUM}\s+fr\s+failed\s+.*PDF failed", err), err
    for lang in ("km", "en"):
        assert re.search(rf"{BELGIUM}\s+{lang}\s+final", err)


def test_a_refused_url_and_a_rejected_link_are_each_said_once(project_copy, capsys):
    release = project_copy / "content" / f"{BELGIUM}.md"
    release.write_text(release.read_text(encoding="utf-8") + "\n![seal](../../seal.png)\n", encoding="utf-8")
    (project_copy / "seal.png").write_bytes(b"not in the assets")
    path = project_copy / f"locale/fr/LC_MESSAGES/{BELGIUM}.po"
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgstr and "type: paragraph" in e.comment)
    entry.msgstr += " [ici](https://evil.example/)"
    po.save(str(path))
    main(["--root", str(project_copy), "publish"])
    err = capsys.readouterr().err
    assert err.count("https://evil.example/") == 1, err
    assert err.count("the source text is published instead") == 1, err  # said once on its line too
    # An image outside content/media/ is refused at its line (workflow.media), before the sandbox sees it.
    assert err.count("the image '../../seal.png' is outside content/media/") == 1, err
    assert (project_copy / "seal.png").as_uri() not in err


# ------------------------------------------------------------------ what is said

def test_verbose_says_one_line_per_edition_and_no_library_debug(project_copy):
    result = publish(project_copy, "-v")
    assert result.returncode == 0, result.stderr
    for slug in SLUGS:
        for lang in LANGS:
            progress = [line for line in result.stderr.splitlines()
                        if re.match(rf"{lang}\s+{slug}\s+final\s+[\d.]+ s$", line)]
            assert len(progress) == 1, result.stderr
    assert len(result.stderr.splitlines()) < 40, result.stderr  # not Python-Markdown's debug log


def test_verbose_says_each_edition_once_it_is_done_pdf_included(project_copy, capsys, monkeypatch):
    """The line of an edition comes after its PDF: its time counts the typesetting (most of the
    work) and its state is the one the summary gives, "failed" when the PDF fails."""
    import dataclasses

    from workflow.pdf import jobs as pdfjobs

    real = pdfjobs._typeset

    def slow_or_failing(job):
        if job.key == (BELGIUM, "fr"):
            raise typeset.TypesetError("WeasyPrint: made to fail by the test")
        made = real(job)
        return dataclasses.replace(made, seconds=made.seconds + 100)  # a slow PDF, without waiting for one

    monkeypatch.setattr(pdfjobs, "_typeset", slow_or_failing)
    assert main(["--root", str(project_copy), "-v", "publish", "--jobs", "1"]) == 1
    err = capsys.readouterr().err
    for slug in SLUGS:
        for lang in LANGS:
            lines = [line for line in err.splitlines() if re.match(rf"{lang}\s+{slug}\s+\S+\s+[\d.]+ s$", line)]
            assert len(lines) == 1, err
            state, seconds = lines[0].split()[2], float(lines[0].split()[3])
            if (slug, lang) == (BELGIUM, "fr"):
                assert state == "failed", lines
            else:
                assert state == "final" and seconds >= 100, lines


def test_the_summary_says_final_draft_or_failed_and_why(project_copy):
    path = project_copy / f"locale/km/LC_MESSAGES/{BELGIUM}.po"
    po = polib.pofile(str(path))
    next(e for e in po if e.msgstr and "type: paragraph" in e.comment).msgstr = ""
    po.save(str(path))
    result = publish(project_copy)
    assert result.returncode == 0, result.stderr
    rows = {tuple(line.split()[:3]): line for line in result.stderr.splitlines() if line.startswith("20")}
    assert len(rows) == len(SLUGS) * len(LANGS), result.stderr
    assert "1 segment(s) not translated" in rows[(BELGIUM, "km", "draft")]
    assert (BELGIUM, "fr", "final") in rows


@pytest.mark.parametrize("name", ["2024-04-01-visit.markdown", "2024-04-01-visit.MD", "2024-04-01-visit.txt"])
def test_a_file_that_looks_like_a_release_but_is_not_read_is_named(project_copy, capsys, name):
    (project_copy / "content" / name).write_text("---\ntitle: Visit\ndate: 2024-04-01\nlang: en\n---\nText.\n")
    assert main(["--root", str(project_copy), "publish"]) == 0
    err = capsys.readouterr().err
    assert f"content/{name}: warning: not read: only files ending in '.md' are releases" in err
    assert "rename it to 2024-04-01-visit.md" in err


def test_a_tab_in_the_front_matter_says_to_indent_with_spaces(project_copy, capsys):
    (project_copy / "content" / "2024-04-02-tab.md").write_text(
        "---\ntitle: Tab\ndate: 2024-04-02\nlang: en\nplace:\n\tPhnom Penh\n---\nText.\n", encoding="utf-8")
    assert main(["--root", str(project_copy), "publish"]) == 1
    err = capsys.readouterr().err
    assert "content/2024-04-02-tab.md:6: error: the front matter is not valid YAML" in err
    assert "indent with spaces, not tabs" in err
