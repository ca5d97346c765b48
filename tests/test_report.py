"""The run's report: each finding is kept and said once, however many passes meet it, and an
edition's recording (``buildcache.Recording``) shares the run's findings."""

from __future__ import annotations

import logging

from workflow.buildcache import Recording
from workflow.report import Report


def test_a_finding_met_again_is_kept_and_said_once(caplog):
    report = Report()
    with caplog.at_level(logging.WARNING, logger="workflow.report"):
        for _ in range(3):
            report.warn("locale/fr/LC_MESSAGES/x.po", 12, "punctuation: a space is missing before “:”")
        report.error("locale/fr/LC_MESSAGES/x.po", 12, "punctuation: a space is missing before “:”")
    assert [f.severity for f in report.findings] == ["warning", "error"]
    assert len([r for r in caplog.records if "punctuation" in r.getMessage()]) == 2


def test_an_editions_recording_shares_the_runs_findings():
    report = Report()
    report.warn("content/a.md", 3, "seen by the run first")
    recording = Recording(report)
    recording.warn("content/a.md", 3, "seen by the run first")  # the edition's own, said once by the run
    recording.warn("content/a.md", 4, "the edition's")
    recording.warn("content/a.md", 4, "the edition's")
    assert [f.message for f in recording.recorded] == ["seen by the run first", "the edition's"]
    assert [f.message for f in report.findings] == ["seen by the run first", "the edition's"]
    report.warn("content/a.md", 4, "the edition's")  # the run meets it again: nothing new
    assert len(report.findings) == 2


def test_twenty_thousand_distinct_findings_are_all_kept_in_order():
    """A catalog of 20,000 wrong entries (the limit) gives 20,000 findings, each kept once, in order
    (they are found through a set, not by comparing each with every earlier one)."""
    report = Report()
    for line in range(20_000):
        report.warn("locale/fr/LC_MESSAGES/big.po", line + 1, "fuzzy")
    for line in range(0, 20_000, 7):
        report.warn("locale/fr/LC_MESSAGES/big.po", line + 1, "fuzzy")
    assert [f.line for f in report.findings] == list(range(1, 20_001))


def test_findings_past_a_few_hundred_wait_on_disk_and_are_still_said_once(monkeypatch):
    """An archive's run can warn of thousands of drafts: past ``shelf.RESIDENT`` the findings, and
    the set that says each once, are on disk; they come back in order, a finding met again is
    still not kept twice, and an error among those on disk still fails the run."""
    from workflow import shelf

    monkeypatch.setattr(shelf, "RESIDENT", 4)
    report = Report()
    recording = Recording(report)
    for line in range(1, 11):
        report.warn("locale/fr/LC_MESSAGES/x.po", line, "2 segment(s) fuzzy")
    recording.warn("locale/fr/LC_MESSAGES/x.po", 9, "2 segment(s) fuzzy")  # on disk already: not kept again
    assert report.ok
    recording.error("locale/fr/LC_MESSAGES/x.po", 11, "an unsafe translation")
    assert "on disk" in repr(report.findings) and len(report.findings) == 11
    assert repr(report.said) == "Shelf(4 in memory, 7 on disk)"  # the set that says each once too
    assert [f.line for f in report.findings] == list(range(1, 12)) and report.findings[-1].severity == "error"
    assert [f.line for f in recording.recorded] == [9, 11]
    assert not report.ok


def test_each_editions_record_is_one_value_kept_off_the_heap_past_a_few_hundred(monkeypatch):
    """What became of each edition is one record (``Report.done``), read through ``outcomes``,
    ``titles``, ``stages`` and ``editions``; past ``shelf.RESIDENT`` editions the records wait on
    disk, the run reads back what it wrote, and a plan keeps no issued texts."""
    import datetime as _dt

    from workflow import lifecycle, records, shelf
    from workflow.model import State
    from workflow.report import Outcome

    monkeypatch.setattr(shelf, "RESIDENT", 4)
    report = Report()
    content = records.Content("a0", "fr", "---\ntitle: T\n---\n\nHello\n", {"Hello": "Bonjour"}, {})
    issued = records.Issued(records.Approval(_dt.datetime(2024, 2, 9, tzinfo=_dt.timezone.utc), "a0", "fr", 1,
                                             "b" * 64, "Sokha Chan"), content)
    plan = lifecycle.Plan(lifecycle.Stage.ISSUED, issued, (issued,), False, "")
    for n in range(10):
        report.built((f"a{n}", "fr"), Outcome(False, True, True, stage="issued"), State.COMPLETE, f"Titre {n}", plan)
    report.outcome(("a0", "fr"), Outcome(False, True, False, "PDF failed", stage="issued"))  # its PDF failed
    report.outcome(("b", "km"), Outcome(True, False, False, "its catalog cannot be read"))  # not built at all
    assert "on disk" in repr(report.done) and not repr(report.done).startswith("Shelf(11 in memory")
    assert report.outcomes[("a0", "fr")].why == "PDF failed" and report.titles[("a0", "fr")] == "Titre 0"
    assert report.titles[("a9", "fr")] == "Titre 9" and report.editions[("a9", "fr")] is State.COMPLETE
    assert report.stages[("a9", "fr")] == lifecycle.Plan(lifecycle.Stage.ISSUED, None, (), False, "")
    assert len(report.outcomes) == 11 and len(report.titles) == 10 and ("b", "km") not in report.stages
    assert report.stages.get(("b", "km")) is None and report.outcomes[("b", "km")].state == "failed"
