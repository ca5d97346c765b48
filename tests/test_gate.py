"""The publishing gate: nothing wrong goes public.

An edition is final only when every segment is translated, none is fuzzy and no check reports
an error; otherwise it is built as a draft (banner and ``noindex`` in the HTML, a watermark on
every PDF page) that no public index lists, its untranslated passages in the source language
marked with their own ``lang`` and set with the source language's typography.  ``make check``
reports the same findings the editions are built from.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import polib
import pytest

from tests.conftest import ROOT, corpus, pdftotext, run, squash, tool
from workflow.cli import main

BELGIUM = "2024-02-07-cambodia-belgium-consultations"
FR = f"locale/fr/LC_MESSAGES/{BELGIUM}.po"


def _indexes(root) -> list[str]:
    return [(root / "output" / page).read_text(encoding="utf-8")
            for page in ("index.html", "km/index.html", "en/index.html", "fr/index.html")]


def _paragraph(po: polib.POFile) -> polib.POEntry:
    return next(e for e in po if e.msgstr and e.comment == "type: paragraph")


def test_one_fuzzy_entry_makes_a_draft_no_index_lists_and_confirming_it_lists_the_final(project_copy, capsys):
    path = project_copy / FR
    po = polib.pofile(str(path))
    entry = _paragraph(po)
    entry.flags.append("fuzzy")
    po.save(str(path))
    assert main(["--root", str(project_copy), "publish"]) == 0  # a draft is reported, not a failure
    err = capsys.readouterr().err
    assert re.search(rf"{BELGIUM}\s+fr\s+draft\s+1 segment\(s\) fuzzy", err), err
    page = (project_copy / "output/fr" / f"{BELGIUM}.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex">' in page and 'class="draft-banner"' in page
    banner = re.search(r'class="draft-banner"[^>]*>([^<]+)<', page).group(1)
    pdf = project_copy / "output/fr" / f"{BELGIUM}.pdf"
    pages = pdftotext(pdf).count("\f")
    # The watermark is set at an angle: read in drawing order (-raw), it comes back whole on every page.
    raw = run(tool("pdftotext"), "-raw", "-enc", "UTF-8", str(pdf), "-").stdout
    assert pages >= 1 and squash(raw).count(squash(banner)) == pages
    for index in _indexes(project_copy):
        assert f"fr/{BELGIUM}.html" not in index
    assert f"en/{BELGIUM}.html" in _indexes(project_copy)[0]  # the final editions are listed
    # Nor does a public edition's language switcher (or its hreflang links) lead to the draft.
    for lang, other in (("en", "km"), ("km", "en")):
        public = (project_copy / f"output/{lang}/{BELGIUM}.html").read_text(encoding="utf-8")
        assert f"../fr/{BELGIUM}.html" not in public and f"../{other}/{BELGIUM}.html" in public

    po = polib.pofile(str(path))
    po.find(entry.msgid).flags.remove("fuzzy")
    po.save(str(path))
    assert main(["--root", str(project_copy), "-q", "publish"]) == 0
    page = (project_copy / "output/fr" / f"{BELGIUM}.html").read_text(encoding="utf-8")
    assert "noindex" not in page and "draft-banner" not in page
    assert f"fr/{BELGIUM}.html" in _indexes(project_copy)[3]
    assert f"../fr/{BELGIUM}.html" in (project_copy / f"output/en/{BELGIUM}.html").read_text(encoding="utf-8")
    assert squash(banner) not in squash(run(tool("pdftotext"), "-raw", "-enc", "UTF-8", str(pdf), "-").stdout)


def test_a_check_error_keeps_the_edition_a_draft_and_make_check_names_it(project_copy, capsys):
    path = project_copy / FR
    po = polib.pofile(str(path))
    entry = next(e for e in po if "2024" in e.msgstr and e.comment == "type: paragraph")
    entry.msgstr = entry.msgstr.replace("2024", "2025")
    po.save(str(path))
    assert main(["--root", str(project_copy), "publish"]) == 0
    err = capsys.readouterr().err
    assert re.search(rf"{BELGIUM}\s+fr\s+draft\s+1 check error\(s\)", err), err
    assert f"fr/{BELGIUM}.html" not in _indexes(project_copy)[3]
    line = next(e.linenum for e in polib.pofile(str(path)) if e.msgid == entry.msgid)

    assert main(["--root", str(project_copy), "check"]) == 1
    out = capsys.readouterr().out
    assert f"{BELGIUM} — fr ({FR})" in out
    assert re.search(rf"{re.escape(FR)}:\d+: error: numbers: the source's 2024 is not in the translation", out), out
    assert "source: " in out and "translation: " in out

    assert main(["--root", str(project_copy), "check", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    [finding] = [f for f in data["findings"] if f["check"] == "numbers"]
    assert (finding["release"], finding["lang"], finding["path"], finding["severity"]) == (BELGIUM, "fr", FR, "error")
    assert abs(finding["line"] - line) <= 3  # the entry's first line (comments) or its msgid line
    assert data["errors"] >= 1


def test_the_samples_pass_make_check_with_nothing_to_say(capsys):
    catalogs = sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("locale/*/LC_MESSAGES/*.po"))
    assert main(["--root", str(ROOT), "check", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data == {"catalogs": catalogs, "errors": 0, "warnings": 0, "findings": []}
    assert main(["--root", str(ROOT), "check"]) == 0
    # how many were checked, not how many had something to say (that said "in 0 catalog(s)")
    assert capsys.readouterr().out == f"0 error(s), 0 warning(s) in {len(catalogs)} catalog(s) checked\n"


def test_a_french_draft_keeps_the_english_fallback_in_english(project_copy):
    release = project_copy / "content" / f"{BELGIUM}.md"
    release.write_text(release.read_text(encoding="utf-8") + '\nNote: the "annex" follows; see it!\n', encoding="utf-8")
    path = project_copy / FR
    po = polib.pofile(str(path))
    title = po[0]
    assert title.comment == "type: front matter: title"
    title.msgstr = ""
    po.save(str(path))
    assert main(["--root", str(project_copy), "-q", "publish"]) == 0
    page = (project_copy / "output/fr" / f"{BELGIUM}.html").read_text(encoding="utf-8")
    assert f'<h1 class="title" lang="en">{title.msgid}</h1>' in page
    fallback = re.search(r'<p lang="en">(Note.*?)</p>', page, re.S).group(1)
    assert fallback == "Note: the “annex” follows; see it!"  # English typography, not French
    assert "\u202f;" not in fallback and "\u00a0:" not in fallback
    assert "Son Excellence le Dr" in page.replace("&nbsp;", " ")  # the French text around it is French


def test_status_counts_refused_translations_as_not_done_and_khmer_words_by_the_segmenter(project_copy, capsys):
    path = project_copy / FR
    po = polib.pofile(str(path))
    _paragraph(po).msgstr += " [ici](https://evil.example/)"
    po.save(str(path))
    assert main(["--root", str(project_copy), "status", "--format", "json"]) == 1  # an unsafe translation to fix
    data = json.loads(capsys.readouterr().out)
    stats = {(c["lang"], c["catalog"]): c for c in data["catalogs"]}
    fr = stats[("fr", BELGIUM)]
    assert fr["untranslated"] == 1 and fr["rejected"] == 1
    editions = {(e["release"], e["lang"]): e for e in data["editions"]}
    assert editions[(BELGIUM, "fr")]["state"] == "draft"
    assert "refused by the checks" in editions[(BELGIUM, "fr")]["missing"]

    km = project_copy / f"locale/km/LC_MESSAGES/{BELGIUM}.po"
    po = polib.pofile(str(km))
    entry = _paragraph(po)  # a Khmer-source word count is meaningless here: the source is English
    entry.msgstr = ""
    po.save(str(km))
    assert main(["--root", str(project_copy), "status", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    stats = {(c["lang"], c["catalog"]): c for c in data["catalogs"]}
    assert stats[("km", BELGIUM)]["words_left"] == len(entry.msgid.split())


@pytest.mark.parametrize("command", [["status", "--format", "json"], ["check"]])
def test_a_reader_that_stops_early_stops_us_quietly(command):
    """``make status --format json | head -1``: the reader closes the pipe before we are done."""
    read, write = os.pipe()
    os.close(read)  # the reader is gone before anything is written: every write fails
    try:
        done = subprocess.run([sys.executable, "-m", "workflow", *command], cwd=ROOT, stdout=write,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write)
    assert done.stderr == ""
    assert done.returncode == 1  # what was asked for was not all delivered


def test_make_check_reads_every_real_catalog_without_crashing(capsys):
    files = sorted(corpus("po").glob("*/*.po"))
    assert len(files) >= 8
    status = main(["check", "--format", "json", *map(str, files)])
    assert status in (0, 1)
    data = json.loads(capsys.readouterr().out)
    assert data["findings"], "real catalogs have real mistakes"
    assert {f["lang"] for f in data["findings"]} == {"km", "fr"}


def test_a_po4a_catalog_takes_its_language_from_its_name(tmp_path, capsys):
    """po4a names a catalog <name>.fr.po and leaves its Language header empty."""
    path = corpus("po4a-markdown", "monero-site", "prove-payment.fr.po")
    assert '"Language: \\n"' in path.read_text(encoding="utf-8")
    assert main(["check", "--format", "json", str(path)]) in (0, 1)
    data = json.loads(capsys.readouterr().out)
    assert data["findings"] and {f["lang"] for f in data["findings"]} == {"fr"}

    khmer = tmp_path / "guide.km.draft.po"  # the language part need not be the last one
    khmer.write_text('msgid ""\nmsgstr ""\n"Language: \\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                     'msgid "Download"\nmsgstr "ទាញ\u200bយក"\n', encoding="utf-8")
    assert main(["check", "--format", "json", str(khmer)]) == 0
    [finding] = json.loads(capsys.readouterr().out)["findings"]
    assert (finding["lang"], finding["check"]) == ("km", "khmer")


@pytest.mark.parametrize("name", ["Offline_Backup.fr.MALFORMED.po"])
def test_make_check_names_the_line_of_a_broken_catalog(name, capsys):
    path = corpus("po4a-markdown", "monero-site", name)
    assert main(["check", str(path)]) == 1
    assert f"{path}:44:" in capsys.readouterr().err


def test_the_report_of_a_real_catalog_stays_readable(capsys):
    """A catalog that repeats one warning hundreds of times (apt's Khmer team types U+200B on
    purpose) gets it once, with how many entries and where; every error stands on its own line."""
    for path in sorted(corpus("po").glob("*/*.po")):
        main(["check", str(path)])
        text = capsys.readouterr().out
        main(["check", "--format", "json", str(path)])
        data = json.loads(capsys.readouterr().out)
        warnings = [line for line in text.splitlines() if ": warning: " in line]
        errors = [line for line in text.splitlines() if ": error: " in line]
        assert len(warnings) == data["warnings"] <= 6, (path.name, len(warnings))
        assert len(errors) == data["errors"], path.name  # no error is folded away
        assert all(f["count"] == 1 for f in data["findings"] if f["severity"] == "error")
        assert text.endswith(f"{data['errors']} error(s), {data['warnings']} warning(s) in 1 of 1 catalog(s) checked\n"
                             if data["findings"] else "0 error(s), 0 warning(s) in 1 catalog(s) checked\n")
    zwsp = next(f for f in data["findings"] if "U+200B" in f["message"])  # the last: Weblate's Khmer
    assert zwsp["count"] == len(zwsp["lines"]) > 3
    assert f"in {zwsp['count']} entries, at lines {', '.join(map(str, zwsp['lines']))}; the first:" in text
