"""Edition-level incremental builds (workflow.buildcache): an edition whose inputs did not change
is not recombined, judged, rendered or typeset again, and what its build said is said again.

What was built is counted through real hooks — the function that typesets one PDF job and the one
that recombines an edition, each wrapped and still called — and read from the files' inodes and
times and the run's own report, never from timing.  The whole-run replay of ``workflow.runstate``
would answer a publish with nothing changed before any of this runs: the tests that look at the
edition level delete ``output/.last-run.json`` first.
"""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest

from tests.conftest import use_templates
from workflow import build, editions, listing, pages, runstate, shelf
from workflow import project as project_io
from workflow.pdf import jobs as pdfjobs

BELGIUM = "2024-02-07-cambodia-belgium-consultations"
SOMMET = "2025-03-20-reunion-preparation-sommet-francophonie"
#: Every edition of the samples, however many releases they are.
ALL = {(path.stem, lang) for path in (Path(__file__).resolve().parents[1] / "content").glob("*.md")
       for lang in ("km", "en", "fr")}


@pytest.fixture
def calls(monkeypatch) -> dict[str, list]:
    """Which editions were recombined and which PDFs typeset, as it happens (the real functions run)."""
    seen: dict[str, list] = {"recombined": [], "typeset": []}
    make_edition, typeset = editions.make_edition, pdfjobs._typeset

    def counted_make_edition(ws, rel, lang, *args, **kwargs):
        seen["recombined"].append((rel.slug, lang))
        return make_edition(ws, rel, lang, *args, **kwargs)

    def counted_typeset(job):
        seen["typeset"].append(job.key)
        return typeset(job)

    for module in (editions, pages, listing):
        monkeypatch.setattr(module, "make_edition", counted_make_edition)
    monkeypatch.setattr(pdfjobs, "_typeset", counted_typeset)
    return seen


def publish(root: Path, jobs: int = 1, *, replay: bool = False) -> build.Report:
    """A publish in this process; without ``replay`` the record of the last run goes first, so that
    the edition level, not the whole-run replay, decides what is built."""
    if not replay:
        (root / "output" / runstate.RECORD).unlink(missing_ok=True)
    return build.publish(project_io.load(root), jobs=jobs)


def files(root: Path) -> dict[str, tuple[int, int]]:
    """Every published file's inode and modification time: a file written again gets a new inode."""
    return {p.relative_to(root / "output").as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted((root / "output").rglob("*")) if p.is_file() and p.name != runstate.RECORD}


def contents(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root / "output").as_posix(): p.read_bytes()
            for p in sorted((root / "output").rglob("*")) if p.is_file() and p.name != runstate.RECORD}


def edit_french_entry(root: Path) -> None:
    path = root / f"locale/fr/LC_MESSAGES/{BELGIUM}.po"
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.comment == "type: paragraph" and e.msgstr)
    entry.msgstr = "Ainsi, " + entry.msgstr[0].lower() + entry.msgstr[1:]
    po.save(str(path))


def said(report: build.Report) -> list[str]:
    return sorted(str(f) for f in report.findings)


def test_nothing_changed_at_the_edition_level_builds_and_writes_nothing(project_copy, calls):
    first = publish(project_copy)
    assert first.ok and set(calls["typeset"]) == ALL and {k for k in calls["recombined"]} == ALL
    before, calls["typeset"][:], calls["recombined"][:] = files(project_copy), [], []
    again = publish(project_copy)  # no record of the last run: the editions' own keys decide
    assert (calls["typeset"], calls["recombined"]) == ([], [])
    assert (again.written, again.typeset, again.unchanged) == ([], 0, len(ALL))
    assert files(project_copy) == before
    assert said(again) == said(first)
    assert {k: (o.html, o.pdf, o.draft, o.stage) for k, o in again.outcomes.items()} == \
        {k: (o.html, o.pdf, o.draft, o.stage) for k, o in first.outcomes.items()}


def test_a_no_op_publish_calls_weasyprint_zero_times_through_the_whole_run_replay(project_copy, calls):
    publish(project_copy)
    before, calls["typeset"][:], calls["recombined"][:] = files(project_copy), [], []
    again = publish(project_copy, replay=True)
    assert (calls["typeset"], calls["recombined"], again.written) == ([], [], [])
    assert files(project_copy) == before


def test_one_french_entry_rebuilds_that_edition_and_the_pages_that_list_it(project_copy, calls):
    publish(project_copy)
    before, calls["typeset"][:], calls["recombined"][:] = files(project_copy), [], []
    edit_french_entry(project_copy)
    report = publish(project_copy, replay=True)  # the record is there: the changed catalog makes the run a full one
    assert report.ok
    assert calls["typeset"] == [(BELGIUM, "fr")]
    assert set(calls["recombined"]) == {(BELGIUM, "fr")}  # screen and print; no other edition recombined
    after = files(project_copy)
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {f"fr/{BELGIUM}.html", f"fr/{BELGIUM}.pdf", f"review/{BELGIUM}.html", pdfjobs.MANIFEST}
    # The indexes list titles, and the title did not change: they are rendered again and found identical.
    assert set(report.written) == {f"output/{name}" for name in changed}
    assert (report.typeset, report.unchanged) == (1, len(ALL) - 1)


@pytest.mark.parametrize("same", [test_nothing_changed_at_the_edition_level_builds_and_writes_nothing,
                                  test_one_french_entry_rebuilds_that_edition_and_the_pages_that_list_it])
def test_a_warm_run_decides_the_same_with_every_record_on_disk(same, project_copy, calls, monkeypatch):
    """Past ``shelf.RESIDENT`` (here 0) the last run's manifest entries, this run's, the releases
    and the catalogs wait on disk: the same editions are rebuilt, and the same files written."""
    monkeypatch.setattr(shelf, "RESIDENT", 0)
    same(project_copy, calls)


def test_an_edition_that_becomes_a_draft_takes_its_language_out_of_the_others_switchers(project_copy, calls):
    publish(project_copy)
    english = project_copy / "output/en" / f"{BELGIUM}.html"
    assert 'hreflang="fr"' in english.read_text(encoding="utf-8")
    path = project_copy / f"locale/fr/LC_MESSAGES/{BELGIUM}.po"
    po = polib.pofile(str(path))
    next(e for e in po if e.comment == "type: paragraph" and e.msgstr).flags.append("fuzzy")
    po.save(str(path))
    calls["typeset"][:], calls["recombined"][:] = [], []
    report = publish(project_copy)
    assert report.outcomes[(BELGIUM, "fr")].draft
    # The English and Khmer editions' inputs did not change, but which editions are public did.
    assert 'hreflang="fr"' not in english.read_text(encoding="utf-8")
    assert {(BELGIUM, "en"), (BELGIUM, "km"), (BELGIUM, "fr")} <= set(calls["recombined"])
    assert not {key for key in calls["recombined"] if key[0] == SOMMET}
    index = json.loads((project_copy / "output/releases.json").read_text(encoding="utf-8"))
    assert "fr" not in next(r for r in index["releases"] if r["slug"] == BELGIUM)["titles"]


def test_a_template_change_rebuilds_every_edition(project_copy, calls):
    from workflow.render import template_file

    publish(project_copy)
    calls["typeset"][:], calls["recombined"][:] = [], []
    html = template_file("edition.html").read_text(encoding="utf-8")
    use_templates(project_copy, {"edition.html": html.replace("</body>", "<!-- a new line -->\n</body>", 1)})
    report = publish(project_copy)
    assert report.ok
    assert set(calls["typeset"]) == ALL and set(calls["recombined"]) == ALL
    for slug, lang in ALL:
        assert "<!-- a new line -->" in (project_copy / "output" / lang / f"{slug}.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("damaged", ["", "{", '{"pdfs": {}, "editions": 3}', '{"pdfs": {}, "editions": {"format": 1, '
                                     '"en/x": {"key": 1}}, "reviews": {"format": 1}}', "\x00" * 8])
def test_a_damaged_manifest_means_a_full_rebuild_never_an_error(project_copy, calls, damaged):
    publish(project_copy)
    before = contents(project_copy)
    (project_copy / "output" / pdfjobs.MANIFEST).write_text(damaged, encoding="utf-8")
    calls["typeset"][:], calls["recombined"][:] = [], []
    report = publish(project_copy)
    assert report.ok, said(report)
    assert set(calls["typeset"]) == ALL and set(calls["recombined"]) == ALL
    assert contents(project_copy) == before  # the same bytes, the manifest included


def test_a_damaged_edition_entry_rebuilds_that_edition_alone(project_copy, calls):
    publish(project_copy)
    manifest = project_copy / "output" / pdfjobs.MANIFEST
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["editions"][f"km/{SOMMET}"]["findings"] = [{"path": 3}]
    manifest.write_text(json.dumps(data), encoding="utf-8")
    calls["typeset"][:], calls["recombined"][:] = [], []
    report = publish(project_copy)
    assert report.ok and set(calls["recombined"]) == {(SOMMET, "km")} and calls["typeset"] == []


def test_the_findings_of_unchanged_editions_are_said_again(project_copy, calls):
    path = project_copy / f"locale/fr/LC_MESSAGES/{BELGIUM}.po"
    po = polib.pofile(str(path))
    entries = [e for e in po if e.comment == "type: paragraph" and e.msgstr]
    entries[0].msgstr += " "  # a warning
    entries[1].msgstr = "[Ici](https://example.org/elsewhere). " + entries[1].msgstr  # a link the source does not have: refused, an error
    po.save(str(path))
    first = publish(project_copy)
    assert not first.ok and any("warning" in line for line in said(first))
    # Another release changes: the French Belgium edition is not rebuilt, its findings are said again.
    source = project_copy / "content" / f"{SOMMET}.md"
    source.write_text(source.read_text(encoding="utf-8").replace("Phnom Penh", "Siem Reap", 1), encoding="utf-8")
    calls["recombined"][:] = []
    again = publish(project_copy)
    assert (BELGIUM, "fr") not in calls["recombined"]
    assert not again.ok
    belgium = lambda report: [line for line in said(report) if BELGIUM in line]  # noqa: E731
    assert belgium(again) == belgium(first)


def test_editions_rebuilt_in_workers_are_the_same_as_editions_rebuilt_here(tmp_path, monkeypatch):
    from tests.conftest import copy_project
    from tests.test_pdfjobs import _more_releases

    # The catalogs' creation date is part of each edition's key (a catalog's bytes are): the same
    # for both copies, so that the manifests, keys included, can be compared too.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")

    one, two = copy_project(tmp_path / "one"), copy_project(tmp_path / "two")
    for root in (one, two):
        _more_releases(root, 2)  # 6 releases
        publish(root, jobs=1)
        edit_french_entry(root)
        for slug in (f"{BELGIUM}-0", f"{BELGIUM}-1", f"{SOMMET}-0", f"{SOMMET}-1"):  # enough for a pool of 2
            (root / "output" / "km" / f"{slug}.pdf").unlink()
            (root / "output" / "en" / f"{slug}.pdf").unlink()
    assert publish(one, jobs=1).typeset == 9
    assert publish(two, jobs=2).typeset == 9
    assert contents(one) == contents(two)


def test_an_approval_rebuilds_the_edition_it_issues(tmp_path, calls):
    import datetime as dt

    from tests.conftest import copy_project

    root = copy_project(tmp_path / "approving", approval=True)
    assert publish(root).outcomes[(BELGIUM, "fr")].stage == "issued"
    edit_french_entry(root)
    assert publish(root).outcomes[(BELGIUM, "fr")].stage == "issued, revision pending"
    issued = (root / "output/fr" / f"{BELGIUM}.html").read_bytes()
    done = build.approve(project_io.load(root), BELGIUM, "fr", "Sokha Chan",
                         now=dt.datetime(2030, 2, 9, 10, 0, tzinfo=dt.timezone.utc))
    assert done.ok, said(done)
    calls["recombined"][:], calls["typeset"][:] = [], []
    report = publish(root)  # only the ledger and the approved texts changed
    assert report.outcomes[(BELGIUM, "fr")].stage == "issued"
    assert (BELGIUM, "fr") in calls["typeset"] and (BELGIUM, "fr") in calls["recombined"]
    assert {key for key in calls["recombined"] + calls["typeset"]} == {(BELGIUM, "fr")}
    assert (root / "output/fr" / f"{BELGIUM}.html").read_bytes() != issued  # the new version is the public one
    versions = sorted(p.name for p in (root / "output/fr").glob(f"{BELGIUM}.v*.html"))
    assert versions, "the earlier version stays at its own address"
    assert not (root / "output/review/fr" / f"{BELGIUM}.html").exists()  # no revision pending any more
