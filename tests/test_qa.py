"""``qa.consistency``, the check across catalogs a publish runs: the same findings, in the same
order and words, as when it kept every entry of a language in memory, now that it tallies each
distinct source in a few bytes and reads the catalogs again only for the sources in conflict.

The pass it replaced is kept here, word for word, as the judge (``_kept_every_entry``): every entry
of a language given to ``check_consistency`` at once."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from types import SimpleNamespace

import polib
import pytest

from tests.conftest import copy_project, corpus
from workflow import checks, qa, shelf
from workflow import po as pofile
from workflow import project as project_io
from workflow.report import Report
from workflow.workspace import Workspace, load_workspace

BELGIUM = "2024-02-07-cambodia-belgium-consultations"
INDEPENDENCE = "2024-11-09-independence-day-71st-anniversary"


# ------------------------------------------------------- the judge: every entry kept, as before

def _kept_every_entry(ws: Workspace) -> list[qa.QaFinding]:
    """``qa.consistency`` as it was: every entry's texts of a language in two lists at once."""
    project, found = ws.project, []
    for lang in project.languages:
        entries = []
        quoted = {}
        for _, domain, source_lang, rel in qa._checked_catalogs(ws, lang):
            if rel is None:
                continue
            path = project.relative(project.catalog_path(lang, domain))
            for entry in qa._entries(qa._Target(domain, lang, source_lang, path, ws.catalogs[(lang, domain)])):
                translation = qa._translation(entry)
                entries.append((path, entry.linenum, qa._in_context(entry), translation))
                quoted[(path, entry.linenum)] = (domain, source_lang, entry.msgid, translation)
        for place, problems in checks.check_consistency(entries).items():
            domain, source_lang, msgid, translation = quoted[place]
            target = qa._Target(domain, lang, source_lang, place[0], None)
            found.extend(qa._finding(target, qa._Quoted(place[1], msgid), problem, None, translation)
                         for problem in problems)
    return found


class _Counted(dict):
    """Catalogs that count how often each is read."""

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.reads: dict = {}

    def __getitem__(self, key):
        self.reads[key] = self.reads.get(key, 0) + 1
        return super().__getitem__(key)


# ------------------------------------------------------------------------------ the real corpus

def test_the_real_corpus_catalogs_give_the_same_findings():
    """The other projects' catalogs (contexts, plurals, fuzzy and obsolete entries, hand-typed
    U+200B) as the releases of one project, each language's compared with each other."""
    names = sorted(p.relative_to(corpus("po")) for p in corpus("po").glob("*/*.po"))
    catalogs, releases = {}, []
    for name in names:
        lang, domain = name.parts[0], name.stem
        path = corpus("po", *name.parts)
        catalogs[(lang, domain)] = pofile.read_po_bytes(path.read_bytes(), path=str(path))
        releases.append(SimpleNamespace(slug=domain, meta=SimpleNamespace(lang="en"), body=""))
    project = project_io.load(copy_project(Path(tempfile.mkdtemp())))
    ws = Workspace(project, releases=releases, catalogs=_Counted(catalogs))
    expected = _kept_every_entry(ws)
    ws.catalogs.reads.clear()
    found = qa.consistency(ws)
    assert found == expected
    assert expected, "the corpus has inconsistencies to find (\"Cancel\" in two catalogs, contexts…)"
    # Read twice each, once a pass (a language with conflicts is read again), never held.
    assert set(ws.catalogs.reads.values()) == {2}


# --------------------------------------------------------------------- a project of many releases

def _set(path: Path, changes: dict[str, str]) -> None:
    """Give the entries of these msgids another translation."""
    po = polib.pofile(str(path), wrapwidth=79)
    for entry in po:
        if entry.msgid in changes:
            entry.msgstr = changes[entry.msgid]
    assert {e.msgid for e in po} >= changes.keys()
    po.save(str(path))


def _copies(root: Path, count: int) -> list[str]:
    """``count`` more releases with the Belgium release's text and catalogs: every source repeated."""
    slugs = []
    for n in range(count):
        slug = f"2024-03-{n + 1:02d}-belgium-copy-{n + 1}"
        shutil.copy(root / "content" / f"{BELGIUM}.md", root / "content" / f"{slug}.md")
        for lang in ("fr", "km"):
            folder = root / "locale" / lang / "LC_MESSAGES"
            text = (folder / f"{BELGIUM}.po").read_text(encoding="utf-8")
            (folder / f"{slug}.po").write_text(text.replace(BELGIUM, slug), encoding="utf-8")
        slugs.append(slug)
    return slugs


DEPARTMENT = "General Department of Europe, America, and Africa-Middle East"


@pytest.fixture()
def conflicted(tmp_path) -> Path:
    """Seven releases, where "Phnom Penh" has four French translations (two of them twice, one
    differing only in its spacing, which is no difference), the department two in French and
    two in Khmer, each in several places."""
    root = copy_project(tmp_path)
    slugs = _copies(root, 5)
    fr = root / "locale" / "fr" / "LC_MESSAGES"
    km = root / "locale" / "km" / "LC_MESSAGES"
    _set(fr / f"{slugs[0]}.po", {"Phnom Penh": "Phnom-Penh"})
    _set(fr / f"{slugs[1]}.po", {"Phnom Penh": "Phnom Penh (Cambodge)", DEPARTMENT: "Direction générale Europe"})
    _set(fr / f"{slugs[2]}.po", {"Phnom Penh": "Phnom-Penh"})
    _set(fr / f"{slugs[3]}.po", {"Phnom Penh": "Phnom  Penh\u200b", DEPARTMENT: "Direction générale Europe"})
    _set(fr / f"{slugs[4]}.po", {"Phnom Penh": "PHNOM PENH"})
    _set(km / f"{slugs[2]}.po", {DEPARTMENT: "នាយកដ្ឋានទូទៅ"})
    _set(km / f"{slugs[4]}.po", {DEPARTMENT: "នាយកដ្ឋានទូទៅ"})
    return root


@pytest.mark.parametrize("resident", [None, 0], ids=["in memory", "on disk"])
def test_conflicts_across_releases_give_the_same_findings(conflicted, monkeypatch, resident):
    if resident is not None:
        monkeypatch.setattr(shelf, "RESIDENT", resident)
        monkeypatch.setattr(qa, "TALLY_RESIDENT", resident)  # the tally's record of each source too
    ws = load_workspace(project_io.load(conflicted), Report())
    found = qa.consistency(ws)
    assert found == _kept_every_entry(ws)
    phnom_penh = [f for f in found if f.lang == "fr" and f.source == "“Phnom Penh”"]
    assert len(phnom_penh) == 7  # every French catalog's entry: each has a translation another lacks
    assert sorted({f.translation for f in phnom_penh}) == [
        "“PHNOM PENH”", "“Phnom Penh (Cambodge)”", "“Phnom Penh\u200b”", "“Phnom Penh”", "“Phnom-Penh”"]
    assert any("(and 4 more)" in f.message for f in phnom_penh)
    assert {f.lang for f in found if f.source.startswith("“General Department")} == {"fr", "km"}
    assert all(f.check == "consistency" and f.severity == "warning" and f.lines == (f.line,) for f in found)


def test_a_project_without_conflicts_reads_each_catalog_once(tmp_path):
    root = copy_project(tmp_path)
    _copies(root, 3)
    ws = load_workspace(project_io.load(root), Report())
    assert _kept_every_entry(ws) == []
    ws.catalogs = _Counted({key: ws.catalogs[key] for key in ws.catalogs})
    assert qa.consistency(ws) == []
    compared = {key for key in ws.catalogs if key[1] != "ui"}
    assert ws.catalogs.reads == {key: 1 for key in compared}  # no second pass


def test_the_tally_keeps_a_few_bytes_a_source_and_nothing_of_each_entry():
    """A thousand entries of one long source, translated one way, then another: what the first
    pass holds is one record, whatever the number of entries and the length of their texts."""
    import sys

    tally = checks.ConsistencyTally()
    long = "word " * 2000
    for n in range(1000):
        tally.add(long, "mot " * 2000 if n < 999 else "terme " * 2000)
    assert tally.disagreeing() == {checks.source_key(long)}
    assert len(tally._first) == 1 and sys.getsizeof(next(iter(tally._first))) < 64
    for n in range(1000):
        tally.add(f"source {n}", f"traduction {n}")
    assert len(tally._first) == 1001 and tally.disagreeing() == {checks.source_key(long)}


def test_the_tally_on_disk_finds_what_the_tally_in_memory_finds():
    """Given a shelf, the tally keeps only the first few sources in memory, and finds the same
    sources translated two ways as a dict does, whatever their order."""
    sources = [(f"source {n}", f"traduction {n}") for n in range(600)]
    sources += [(f"source {n}", f"autre traduction {n}") for n in range(0, 600, 7)]
    sources += [(f"source {n}", f"  traduction {n}\u200b") for n in range(1, 600, 5)]  # the same, spaced
    sources += [("", "vide"), ("source 3", "")]  # an empty side is not compared
    in_memory, on_disk = checks.ConsistencyTally(), shelf.Shelf(resident=50)
    tally = checks.ConsistencyTally(on_disk)
    for msgid, msgstr in sources:
        in_memory.add(msgid, msgstr)
        tally.add(msgid, msgstr)
    expected = {checks.source_key(f"source {n}") for n in range(0, 600, 7)}
    assert in_memory.disagreeing() == tally.disagreeing() == expected
    assert len(on_disk) == 600 and len(on_disk._held) == 50  # the other 550 are not in memory
