"""workflow.cli without typesetting: argument parsing, exit codes, what ``status``, ``check`` and
``update-po`` print, the summary line, and the one way every error is said.

Everything runs in this process through ``main(argv)`` on a copy of the samples; nothing here
publishes (tests/test_publish.py and tests/test_first_run.py do).
"""

from __future__ import annotations

import json
import pickle

import polib
import pytest

from tests.conftest import ROOT
from workflow.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main
from workflow.fsutil import RefusedInput
from workflow.model import TypesetError, WorkflowError
from workflow.po import PoSyntaxError, read_po

BELGIUM = "2024-02-07-cambodia-belgium-consultations"
FRANCOPHONIE = "2025-03-20-reunion-preparation-sommet-francophonie"
SUMMARY = "0 file(s) written, 0 warning(s), 0 error(s)"
#: The samples, however many: releases and catalogs (each release's two translations, ui in three languages).
SLUGS = sorted(p.stem for p in (ROOT / "content").glob("*.md"))
CATALOGS = sorted((p.parent.parent.name, p.stem) for p in (ROOT / "locale").glob("*/LC_MESSAGES/*.po"))


def _cli(root, *args: str) -> int:
    return main(["--root", str(root), *args])


# ------------------------------------------------------------- arguments


@pytest.mark.parametrize("argv", [[], ["frobnicate"], ["status", "--format", "xml"], ["publish", "-j", "two"],
                                  ["approve", "--release", BELGIUM], ["check", "--source-lang"]])
def test_wrong_usage_exits_2_with_argparse_saying_why(argv, capsys):
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == EXIT_USAGE
    assert "usage: python -m workflow" in capsys.readouterr().err


def test_help_names_every_command(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["--help"])
    assert caught.value.code == EXIT_OK
    out = capsys.readouterr().out
    assert all(command in out for command in ("publish", "update-po", "status", "check", "approve"))


@pytest.mark.parametrize("jobs", ["0", "-3"])
def test_jobs_below_one_is_a_usage_error_before_anything_is_done(project_copy, capsys, jobs):
    assert _cli(project_copy, "publish", "--jobs", jobs) == EXIT_USAGE
    assert "--jobs must be 1 or more" in capsys.readouterr().err
    assert not (project_copy / "output").exists()


# ------------------------------------------------------------- status


def test_status_lists_every_catalog_and_edition(project_copy, capsys):
    assert _cli(project_copy, "status") == EXIT_OK
    out = capsys.readouterr().out
    header, *rows = out.split("\n\n")[0].splitlines()
    assert header.split() == ["language", "catalog", "done", "fuzzy", "todo", "words", "left"]
    assert len(rows) == len(CATALOGS) == 2 * len(SLUGS) + 3  # two translations a release, ui in three languages
    assert sorted(tuple(row.split()[:2]) for row in rows) == CATALOGS
    assert any(row.split() == ["fr", BELGIUM, "8", "0", "0", "0"] for row in rows)
    editions = [line.split() for line in out.split("\n\n")[1].splitlines()[1:]]
    assert sorted((row[0], row[1]) for row in editions) == sorted(
        (slug, lang) for slug in SLUGS for lang in ("km", "en", "fr"))
    assert all(row[2] == "final" for row in editions)  # approval is off in the copy: the gate alone decides


def test_status_as_json_says_the_same(project_copy, capsys):
    assert _cli(project_copy, "status", "--format", "json") == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    fr = next(c for c in data["catalogs"] if (c["lang"], c["catalog"]) == ("fr", BELGIUM))
    assert (fr["translated"], fr["fuzzy"], fr["untranslated"], fr["words_left"]) == (8, 0, 0, 0)
    assert {(e["release"], e["lang"]): e["state"] for e in data["editions"]}[(FRANCOPHONIE, "km")] == "final"


def test_status_counts_what_is_left_and_says_what_is_missing(project_copy, capsys):
    path = project_copy / f"locale/fr/LC_MESSAGES/{BELGIUM}.po"
    po = polib.pofile(str(path))
    paragraphs = [e for e in po if e.comment == "type: paragraph"]
    paragraphs[0].msgstr = ""
    paragraphs[1].flags.append("fuzzy")
    po.save(str(path))
    assert _cli(project_copy, "status", "--format", "json") == EXIT_OK  # incomplete is not a failure
    data = json.loads(capsys.readouterr().out)
    fr = next(c for c in data["catalogs"] if (c["lang"], c["catalog"]) == ("fr", BELGIUM))
    assert (fr["translated"], fr["fuzzy"], fr["untranslated"]) == (6, 1, 1)
    assert fr["words_left"] == len(paragraphs[0].msgid.split()) + len(paragraphs[1].msgid.split())
    edition = next(e for e in data["editions"] if (e["release"], e["lang"]) == (BELGIUM, "fr"))
    assert edition["state"] == "draft"
    assert edition["missing"] == "1 segment(s) not translated; 1 segment(s) fuzzy"


def test_status_with_a_broken_catalog_exits_1_naming_its_line_and_lists_the_rest(project_copy, capsys):
    path = project_copy / f"locale/km/LC_MESSAGES/{BELGIUM}.po"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines, start=1) if line.startswith("msgstr") and i > 20)
    lines[number - 1] = lines[number - 1].replace("msgstr", "msgtsr", 1)
    path.write_text("".join(lines), encoding="utf-8")
    assert _cli(project_copy, "status") == EXIT_FAILED
    captured = capsys.readouterr()
    assert f"locale/km/LC_MESSAGES/{BELGIUM}.po:{number}: error: unknown keyword 'msgtsr'" in captured.err
    editions = {tuple(line.split()[:2]) for line in captured.out.split("\n\n")[1].splitlines()[1:]}
    assert (BELGIUM, "fr") in editions and (BELGIUM, "km") not in editions  # the rest is listed


# ------------------------------------------------------------- check


def test_check_of_the_samples_is_clean(project_copy, capsys):
    assert _cli(project_copy, "check") == EXIT_OK
    assert capsys.readouterr().out.rstrip().endswith(f"0 error(s), 0 warning(s) in {len(CATALOGS)} catalog(s) checked")


def test_check_exits_1_on_an_error_and_says_where(project_copy, capsys):
    path = project_copy / f"locale/fr/LC_MESSAGES/{BELGIUM}.po"
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.comment == "type: paragraph")
    entry.msgstr += " [plus](https://example.com/)"  # a link the source does not have
    po.save(str(path))
    line = next(e.linenum for e in read_po(path.read_text(encoding="utf-8")) if e.msgid == entry.msgid)
    assert _cli(project_copy, "check", "--format", "json") == EXIT_FAILED
    data = json.loads(capsys.readouterr().out)
    assert data["errors"] >= 1
    found = next(f for f in data["findings"] if f["severity"] == "error")
    assert found["path"] == f"locale/fr/LC_MESSAGES/{BELGIUM}.po" and found["line"] >= line


def test_check_of_named_files_that_cannot_be_read_exits_1(tmp_path, project_copy, capsys):
    missing = tmp_path / "nowhere.fr.po"
    folder = tmp_path / "folder.fr.po"
    folder.mkdir()
    assert _cli(project_copy, "check", str(folder)) == EXIT_FAILED
    assert f"{folder}: is a folder, not a catalog; it is not read" in capsys.readouterr().err
    assert _cli(project_copy, "check", str(missing)) == EXIT_FAILED


# ------------------------------------------------------------- update-po and the summary


def test_update_po_of_an_up_to_date_project_writes_nothing(project_copy, capsys):
    before = {p: p.read_bytes() for p in (project_copy / "locale").rglob("*.po*")}
    assert _cli(project_copy, "update-po") == EXIT_OK
    assert capsys.readouterr().err.splitlines()[-1] == SUMMARY
    assert {p: p.read_bytes() for p in (project_copy / "locale").rglob("*.po*")} == before


def test_update_po_after_an_edit_writes_the_template_and_each_catalog(project_copy, capsys):
    source = project_copy / "content" / f"{BELGIUM}.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nA paragraph added by the editor.\n", encoding="utf-8")
    assert _cli(project_copy, "update-po") == EXIT_OK
    assert capsys.readouterr().err.splitlines()[-1] == "3 file(s) written, 0 warning(s), 0 error(s)"
    for lang in ("km", "fr"):
        po = read_po((project_copy / f"locale/{lang}/LC_MESSAGES/{BELGIUM}.po").read_text(encoding="utf-8"))
        added = next(e for e in po if e.msgid == "A paragraph added by the editor.")
        assert added.msgstr == "" and not added.fuzzy
    assert _cli(project_copy, "-q", "update-po") == EXIT_OK  # and again: nothing left to do
    assert capsys.readouterr().err == ""


def test_update_po_leaves_a_broken_catalog_alone_exits_1_and_merges_the_others(project_copy, capsys):
    broken = project_copy / f"locale/fr/LC_MESSAGES/{BELGIUM}.po"
    broken.write_bytes(broken.read_bytes().replace(b'msgid "', b'msgid "\n', 1))  # a string across two lines
    kept = broken.read_bytes()
    source = project_copy / "content" / f"{BELGIUM}.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
    assert _cli(project_copy, "update-po") == EXIT_FAILED
    err = capsys.readouterr().err
    assert f"locale/fr/LC_MESSAGES/{BELGIUM}.po:" in err and "error: end-of-line within string" in err
    assert err.splitlines()[-2] == "2 file(s) written, 0 warning(s), 1 error(s)"
    assert err.splitlines()[-1] == "1 error(s); fix the files named above and run again."
    assert broken.read_bytes() == kept
    assert "One more paragraph." in (project_copy / f"locale/km/LC_MESSAGES/{BELGIUM}.po").read_text(encoding="utf-8")


def test_quiet_says_only_errors(project_copy, capsys):
    assert _cli(project_copy, "-q", "update-po") == EXIT_OK
    assert capsys.readouterr().err == ""


def test_approve_without_a_name_exits_1(project_copy, capsys):
    assert _cli(project_copy, "approve", "--release", BELGIUM, "--lang", "fr", "--by", "  ") == EXIT_FAILED
    assert "an approval needs the name of who approves" in capsys.readouterr().err


# ------------------------------------------------------------- one error type


def test_every_error_of_the_project_is_a_workflow_error_said_one_way():
    errors = [PoSyntaxError("locale/fr/LC_MESSAGES/a.po", 12, "unknown keyword 'msgtsr'"),
              RefusedInput("locale/fr/LC_MESSAGES/a.po", "is a named pipe (FIFO), not a catalog; it is not read",
                           "put the catalog itself in its place"),
              TypesetError("WeasyPrint: no glyph for U+17D2", path="output/fr/a.html", line=3,
                           hint="install the font"),
              WorkflowError("pyproject.toml", 6, "fuzzy_threshold = 'high' is not a whole number", "write 80")]
    for error in errors:
        assert isinstance(error, WorkflowError)
        where = f"{error.path}:{error.line}" if error.line else error.path
        assert str(error) == f"{where}: {error.message} — {error.hint}"
        again = pickle.loads(pickle.dumps(error))  # as a PDF worker's error comes back to the parent
        assert type(again) is type(error) and str(again) == str(error)
        assert (again.path, again.line, again.message, again.hint) == (error.path, error.line, error.message,
                                                                        error.hint)
    assert errors[0].hint == PoSyntaxError.hint  # the general advice, unless the error has its own
    assert pickle.loads(pickle.dumps(errors[1])).outside is False


def test_a_typeset_error_without_a_file_is_its_message_alone():
    error = TypesetError("the font 'Noto Sans Khmer' (bold) is not installed")
    assert (error.path, error.line, str(error)) == ("", None, "the font 'Noto Sans Khmer' (bold) is not installed")


def test_the_summary_lists_every_edition_by_release_then_language_and_counts_the_findings(monkeypatch, caplog):
    """The table is sorted by release, then language, whatever order the editions were done in and
    wherever their records are (past ``shelf.RESIDENT`` on disk); the last line counts the findings."""
    import logging
    import time

    from workflow import cli, shelf
    from workflow.report import Outcome, Report

    monkeypatch.setattr(shelf, "RESIDENT", 3)
    report = Report()
    for slug in ("2024-03-02-b", "2024-01-09-a", "2024-03-02-a-b"):
        for lang in ("km", "fr", "en"):
            report.outcome((slug, lang), Outcome(lang == "km", True, True, "1 segment(s) fuzzy" if lang == "km" else ""))
    report.warn("locale/km/LC_MESSAGES/2024-01-09-a.po", None, "1 segment(s) fuzzy")
    report.error("content/2024-03-02-b.md", 4, "a broken link")
    with caplog.at_level(logging.INFO, logger="workflow"):
        cli._summary(report, time.perf_counter())
    rows = [r.getMessage().split()[:3] for r in caplog.records if r.getMessage().startswith("2024")]
    assert [row[:2] for row in rows] == [[slug, lang] for slug in ("2024-01-09-a", "2024-03-02-a-b", "2024-03-02-b")
                                         for lang in ("en", "fr", "km")]
    assert [row[2] for row in rows if row[1] == "km"] == ["draft"] * 3
    assert "0 file(s) written, 1 warning(s), 1 error(s)" in caplog.text
