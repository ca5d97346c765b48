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
