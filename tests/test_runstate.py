"""A publish with nothing to do (workflow.runstate): it says what the last run said and does
nothing more, and anything that changed — an input, an output, the record itself — means a full run.

Whether a run was full is read from the report (``typeset``, ``written``) and from the files,
never from timing.
"""

from __future__ import annotations

import polib

from tests.conftest import ROOT
from workflow import build, project as project_io, runstate
from workflow.cli import main

BELGIUM = "2024-02-07-cambodia-belgium-consultations"


def publish(root) -> build.Report:
    return build.publish(project_io.load(root), jobs=1)


def stamps(root) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns for p in (root / "output").rglob("*") if p.is_file()}


def test_nothing_changed_replays_the_last_report_and_touches_nothing(project_copy, capsys):
    path = project_copy / f"locale/fr/LC_MESSAGES/{BELGIUM}.po"
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.comment == "type: paragraph")
    entry.msgstr += " "  # a space the source does not end with: a warning, not an error
    po.save(str(path))
    assert main(["--root", str(project_copy), "publish"]) == 0
    first = capsys.readouterr().err
    assert "warning" in first and (project_copy / "output" / runstate.RECORD).is_file()
    before = stamps(project_copy)
    assert main(["--root", str(project_copy), "publish"]) == 0
    again = capsys.readouterr().err
    assert "nothing has changed since the last publish" in again
    said = lambda err: sorted(line for line in err.splitlines() if ": warning:" in line or "  fr  " in line)
    assert said(again) == said(first)  # the same warnings and the same summary rows
    assert stamps(project_copy) == before


def test_an_output_removed_or_changed_means_a_full_run(project_copy):
    publish(project_copy)
    page = project_copy / "output/fr" / f"{BELGIUM}.html"
    original = page.read_bytes()
    page.unlink()
    report = publish(project_copy)
    assert page.read_bytes() == original and f"output/fr/{BELGIUM}.html" in report.written
    page.write_bytes(original.replace(b"<body", b"<body data-x"))
    report = publish(project_copy)
    assert page.read_bytes() == original and report.written == [f"output/fr/{BELGIUM}.html"]
    stray = project_copy / "output/fr/stray.html"
    stray.write_text("x", encoding="utf-8")
    assert publish(project_copy).outcomes  # a full run (it has something to say of every edition)


def test_an_input_changed_means_a_full_run(project_copy):
    publish(project_copy)
    source = project_copy / "content" / f"{BELGIUM}.md"
    source.write_text(source.read_text(encoding="utf-8").replace("Phnom Penh", "Siem Reap", 1), encoding="utf-8")
    report = publish(project_copy)
    assert "locale/templates/" + f"{BELGIUM}.pot" in report.written


def test_a_damaged_record_means_a_full_run_never_an_error(project_copy):
    publish(project_copy)
    record = project_copy / "output" / runstate.RECORD
    for damaged in ("", "{", '{"format": 1}', '{"format": 1, "inputs": 3, "outputs": []}', "[]", "\x00"):
        record.write_text(damaged, encoding="utf-8")
        report = publish(project_copy)
        assert report.ok and report.written == [] and report.typeset == 0 and report.unchanged == len(list((ROOT / "content").glob("*.md"))) * 3
        assert runstate.read(project_copy / "output") is not None  # written again whole


def test_a_record_larger_than_a_record_may_be_still_makes_a_no_op(project_copy, monkeypatch):
    """Some 650 bytes a release: past some fifteen thousand releases the run's record was larger
    than the 10 MB a record may be, was taken for none, and no publish was ever a no-op.  Written
    an outcome a line and read a line at a time, it is bounded by its lines, not by that: here
    that bound is made smaller than the record (and no smaller than its longest line)."""
    from workflow import fsutil

    first = publish(project_copy)
    record = project_copy / "output" / runstate.RECORD
    longest = max(len(line) for line in record.read_bytes().splitlines(keepends=True))
    assert record.stat().st_size > 3 * longest
    monkeypatch.setattr(fsutil, "MAX_RECORD_BYTES", longest)
    before = stamps(project_copy)
    again = publish(project_copy)
    assert again.written == [] and again.typeset == 0 and stamps(project_copy) == before
    assert dict(again.outcomes) == dict(first.outcomes) and again.findings == first.findings
    assert again.unchanged == first.typeset + first.unchanged and again.hints == first.hints


def test_what_a_run_said_is_said_again_only_from_its_own_record(project_copy):
    """``said`` reads the findings, hints and outcomes back a line at a time, in order, and refuses
    a record that is no longer the one ``read`` took (then the publish is a full one)."""
    import dataclasses

    import pytest

    first = publish(project_copy)
    output = project_copy / "output"
    last = runstate.read(output)
    assert last is not None and last.pdfs == first.typeset + first.unchanged
    said = list(runstate.said(output, last))
    outcomes = [item for kind, item in said if kind == "outcomes"]
    assert [(item["slug"], item["lang"]) for item in outcomes] == sorted(first.outcomes)
    assert [item for kind, item in said if kind == "findings"] == [dataclasses.asdict(f) for f in first.findings]
    with pytest.raises(ValueError):
        list(runstate.said(output, dataclasses.replace(last, pdfs=last.pdfs + 1)))
    text = (output / runstate.RECORD).read_text(encoding="utf-8")
    (output / runstate.RECORD).write_text(text.replace('"outcomes": [\n', '"outcomes": [\n  {"slug": 1\n', 1),
                                          encoding="utf-8")
    assert runstate.read(output) == last  # what tells whether there is anything to do is intact
    report = publish(project_copy)  # but what was said cannot be said again: a full run
    timeless = lambda report: {key: dataclasses.replace(o, seconds=0) for key, o in report.outcomes.items()}
    assert report.ok and timeless(report) == timeless(first) and report.typeset == 0
    assert runstate.read(output) == last and len(list(runstate.said(output, last))) == len(said)  # written again


def test_a_run_with_an_error_is_not_remembered(project_copy):
    publish(project_copy)
    (project_copy / f"locale/fr/LC_MESSAGES/{BELGIUM}.po").write_text('msgid "x\n', encoding="utf-8")
    for _ in range(2):  # said every time, since the next run may well succeed
        report = publish(project_copy)
        assert not report.ok and any(f"fr/LC_MESSAGES/{BELGIUM}.po" in f.path for f in report.findings)
        assert "nothing has changed" not in " ".join(map(str, report.findings))


def test_harfbuzz_subset_arriving_or_leaving_means_a_full_run(project_copy):
    """Without HarfBuzz-Subset the PDFs are other bytes and the report hints to install it: a
    replay after installing it would repeat that hint for a library that is there."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    hide = Path(__file__).resolve().parent / "support" / "no_harfbuzz_subset"
    code = "from workflow import runstate; print(runstate._harfbuzz_subset())"
    root = Path(__file__).resolve().parents[1]
    seen = {}
    for hidden in (False, True):
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(hide), str(root)] if hidden else [str(root)]))
        seen[hidden] = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                      check=True).stdout.strip()
    assert seen[True] == "False"
    from weasyprint.text import ffi
    assert seen[False] == str(ffi.harfbuzz_subset is not None)


def test_a_change_inside_a_linked_folder_means_a_full_run(project_copy):
    """locale/glossary may be a link to a folder the projects share: the run reads through it,
    so a changed glossary entry there is a change, not a replay without its warnings."""
    shared = project_copy / "shared-glossary"
    (project_copy / "locale" / "glossary").rename(shared)
    (project_copy / "locale" / "glossary").symlink_to("../shared-glossary")
    (project_copy / "locale" / "loop").symlink_to(".")  # a link to a folder above: walked once
    project = project_io.load(project_copy)
    fonts = {}
    before = runstate.digest(runstate.inputs(project, fonts))
    path = shared / "fr.po"
    path.write_text(path.read_text(encoding="utf-8").replace('msgstr[0] "Son Excellence"', 'msgstr[0] "Sa Grandeur"', 1),
                    encoding="utf-8")
    assert runstate.digest(runstate.inputs(project, fonts)) != before


def test_an_edit_saved_while_a_publish_runs_is_read_by_the_next_one(project_copy, monkeypatch, caplog):
    """A translator saves while a publish runs: that run read the file before the save, so it must
    not be remembered as having published what is there now."""
    source = project_copy / "content" / f"{BELGIUM}.md"
    build_all = build._build_all

    def with_a_save_meanwhile(project, *args):
        report = build_all(project, *args)
        source.write_text(source.read_text(encoding="utf-8").replace("It was co-chaired", "It was jointly co-chaired"),
                          encoding="utf-8")  # saved after the run read it
        return report

    monkeypatch.setattr(build, "_build_all", with_a_save_meanwhile)
    assert publish(project_copy).ok
    assert f"content/{BELGIUM}.md changed while this publish ran" in caplog.text
    assert runstate.read(project_copy / "output") is None  # no run was remembered before this one
    monkeypatch.setattr(build, "_build_all", build_all)
    report = publish(project_copy)  # a full run: it reads the save
    assert f"output/en/{BELGIUM}.html" in report.written
    assert "jointly" in (project_copy / "output/en" / f"{BELGIUM}.html").read_text(encoding="utf-8")


def test_the_record_lists_every_outcome_sorted_and_every_finding_in_order_past_the_shelf(tmp_path, monkeypatch):
    """The run's record is written a piece at a time from what waits on disk (``shelf.RESIDENT``
    made small here): the outcomes sorted by release, then language, whatever order the editions
    ended in; the findings in the order said."""
    import json

    from workflow import shelf
    from workflow.fsutil import json_lines
    from workflow.report import Outcome, Report

    monkeypatch.setattr(shelf, "RESIDENT", 3)
    report = Report()
    keys = [(f"2024-01-{n:02d}-r", lang) for n in (9, 2, 7, 1, 5) for lang in ("km", "en", "fr")]
    for slug, lang in keys:
        report.outcome((slug, lang), Outcome(False, True, True, stage="final"))
    for line in range(8, 0, -1):
        report.warn("locale/fr/LC_MESSAGES/x.po", line, "fuzzy")
    text = "".join(runstate.pieces("sha", tmp_path, report.findings, report.outcomes, [], 15))
    read = [(name, json.loads(value)) for name, key, value in json_lines(text.encode().splitlines(True))
            if isinstance(key, int)]
    outcomes = [(item["slug"], item["lang"]) for name, item in read if name == "outcomes"]
    assert outcomes == sorted(keys)
    assert [item["line"] for name, item in read if name == "findings"] == list(range(8, 0, -1))
