"""The workspace off the heap (``workflow.shelf``): catalogs, releases and segments — what comes back is what was stored,
whether it stayed in memory or went to disk, and a run gives the same results either way."""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

import pytest

from workflow import build, qa, shelf
from workflow import project as project_io
from workflow.po import dump_po, read_po
from workflow.report import Report
from workflow.workspace import load_workspace

from tests.conftest import ROOT, copy_project

BELGIUM = "2024-02-07-cambodia-belgium-consultations"
INDEPENDENCE = "2024-11-09-independence-day-71st-anniversary"


def _sample(lang: str, domain: str):
    path = ROOT / "locale" / lang / "LC_MESSAGES" / f"{domain}.po"
    return read_po(path.read_text(encoding="utf-8"), path=str(path))


def test_a_catalog_on_disk_comes_back_as_it_was_stored():
    stored = {("fr", BELGIUM): _sample("fr", BELGIUM), ("km", BELGIUM): _sample("km", BELGIUM),
              ("fr", INDEPENDENCE): _sample("fr", INDEPENDENCE), ("fr", "ui"): _sample("fr", "ui")}
    catalogs = shelf.CatalogShelf(resident=0, recent=1)
    for key, po in stored.items():
        catalogs[key] = po
    assert list(catalogs) == list(stored) and len(catalogs) == 4 and ("km", "ui") not in catalogs
    assert repr(catalogs) == "CatalogShelf(1 in memory, 3 on disk)"
    assert catalogs[("fr", "ui")] is stored[("fr", "ui")]  # every edition reads its ui.po: never on disk
    for key, po in stored.items():  # one kept unpickled at a time: each read back from the file
        back = catalogs[key]
        assert dump_po(back) == dump_po(po) and [e.linenum for e in back] == [e.linenum for e in po]
        assert catalogs[key] is back  # the one asked for last stays
    assert catalogs.get(("en", BELGIUM)) is None


def test_a_catalog_stored_again_replaces_the_one_on_disk():
    catalogs = shelf.CatalogShelf(resident=1, recent=1)
    catalogs[("km", BELGIUM)] = _sample("km", BELGIUM)  # kept: the first one
    catalogs[("fr", BELGIUM)] = _sample("fr", BELGIUM)  # on disk
    catalogs[("fr", BELGIUM)] = _sample("fr", INDEPENDENCE)
    catalogs[("km", INDEPENDENCE)] = _sample("km", INDEPENDENCE)  # pushes the latest out of memory
    assert dump_po(catalogs[("fr", BELGIUM)]) == dump_po(_sample("fr", INDEPENDENCE))
    del catalogs[("fr", BELGIUM)]
    assert ("fr", BELGIUM) not in catalogs and list(catalogs) == [("km", BELGIUM), ("km", INDEPENDENCE)]
    with pytest.raises(KeyError):
        catalogs[("fr", BELGIUM)]
    del catalogs[("km", BELGIUM)]  # room again in memory for the next one
    catalogs[("en", BELGIUM)] = po = _sample("fr", BELGIUM)
    catalogs[("km", INDEPENDENCE)]  # the latest unpickled is another now
    assert catalogs[("en", BELGIUM)] is po


def test_a_catalog_stored_back_unchanged_is_not_written_again():
    """The merge stores every catalog back, most of them the very one it read: not pickled again."""
    catalogs = shelf.CatalogShelf(resident=0)
    catalogs[("fr", BELGIUM)] = _sample("fr", BELGIUM)
    catalogs[("km", BELGIUM)] = _sample("km", BELGIUM)
    size = catalogs.writes
    catalogs[("fr", BELGIUM)] = catalogs[("fr", BELGIUM)]
    assert catalogs.writes == size
    catalogs[("fr", BELGIUM)] = changed = _sample("fr", INDEPENDENCE)  # another catalog: written
    assert catalogs.writes > size and catalogs[("fr", BELGIUM)] is changed


def test_a_catalog_that_cannot_be_pickled_stays_in_memory():
    po = _sample("fr", BELGIUM)
    po.unpicklable = lambda: None  # what no pickle can hold
    catalogs = shelf.CatalogShelf(resident=0)
    catalogs[("fr", BELGIUM)] = po
    catalogs[("km", BELGIUM)] = _sample("km", BELGIUM)
    catalogs[("km", INDEPENDENCE)] = _sample("km", INDEPENDENCE)
    catalogs[("fr", INDEPENDENCE)] = _sample("fr", INDEPENDENCE)
    catalogs[("en", INDEPENDENCE)] = _sample("fr", INDEPENDENCE)
    catalogs[("en", BELGIUM)] = _sample("fr", INDEPENDENCE)
    assert catalogs[("fr", BELGIUM)] is po


def test_releases_on_disk_come_back_in_order_and_equal(tmp_path, monkeypatch):
    """Past ``RESIDENT``, releases and their segments are read back from the shelf's file: the same
    values, in the order read; what needs only the slugs unpickles nothing."""
    project = project_io.load(copy_project(tmp_path))
    held = load_workspace(project, Report())
    monkeypatch.setattr(shelf, "RESIDENT", 0)
    ws = load_workspace(project, Report())
    assert "0 in memory" in repr(ws.releases) and "0 in memory" in repr(ws.segments)
    assert len(ws.releases) == len(held.releases) >= 2 and ws.releases.slugs == held.releases.slugs
    assert list(ws.releases) == list(held.releases) and ws.releases == held.releases
    assert ws.releases[-1] == held.releases[-1] and ws.releases[:1] == list(held.releases)[:1]
    assert ws.releases.get(BELGIUM) == held.releases.get(BELGIUM) and ws.releases.get("nothing") is None
    assert ws.releases.known(BELGIUM) and not ws.releases.known("nothing")
    for slug in ws.releases.slugs:
        assert ws.segments[slug] == held.segments[slug]
    with pytest.raises(IndexError):
        ws.releases[len(held.releases)]
    assert "on disk" in repr(ws.releases) and ws.releases._shelf.writes > 0


def test_a_list_of_releases_is_made_a_shelf():
    releases = shelf.Releases(resident=1)
    assert len(releases) == 0 and list(releases) == [] and releases.slugs == []
    from workflow.workspace import Workspace

    ws = Workspace(project_io.load(ROOT), releases=[])
    assert isinstance(ws.releases, shelf.Releases) and ws.releases == []


def _inconsistent(root: Path) -> None:
    """The Belgium release's French catalog spells "Phnom Penh" another way than the Independence
    Day release's: the consistency check has something to say."""
    path = root / "locale" / "fr" / "LC_MESSAGES" / f"{BELGIUM}.po"
    text = path.read_text(encoding="utf-8")
    assert text.count('msgid "Phnom Penh"\nmsgstr "Phnom Penh"\n') == 1
    path.write_text(text.replace('msgid "Phnom Penh"\nmsgstr "Phnom Penh"\n', 'msgid "Phnom Penh"\nmsgstr "Phnom-Penh"\n'),
                    encoding="utf-8")


def test_the_consistency_check_says_the_same_with_the_catalogs_on_disk(tmp_path, monkeypatch):
    root = copy_project(tmp_path)
    _inconsistent(root)
    project = project_io.load(root)
    in_memory = qa.consistency(load_workspace(project, Report()))
    monkeypatch.setattr(shelf, "RESIDENT", 0)
    ws = load_workspace(project, Report())
    assert "on disk" in repr(ws.catalogs) and "0 in memory" not in repr(ws.catalogs)
    on_disk = qa.consistency(ws)
    assert on_disk == in_memory
    assert {(f.path, f.check, f.translation) for f in on_disk} >= {
        (f"locale/fr/LC_MESSAGES/{BELGIUM}.po", "consistency", "“Phnom-Penh”")}


def test_a_publish_with_every_catalog_on_disk_publishes_the_same(tmp_path, monkeypatch):
    """Outputs, catalogs written and findings: the same bytes and words whether the catalogs,
    releases and segments stayed in memory or not (a run with ``RESIDENT`` 0 reads every release,
    its segments and its catalogs back from disk)."""
    first = copy_project(tmp_path / "memory")
    _inconsistent(first)
    second = tmp_path / "disk"
    shutil.copytree(first, second)
    said = build.publish(project_io.load(first), jobs=1)
    monkeypatch.setattr(shelf, "RESIDENT", 0)
    again = build.publish(project_io.load(second), jobs=1)
    assert [(f.path, f.line, f.message) for f in again.findings] == [(f.path, f.line, f.message)
                                                                    for f in said.findings]
    assert any("consistency" in f.message for f in again.findings)
    assert again.outcomes.keys() == said.outcomes.keys()
    for folder in ("output", "locale"):
        compared = filecmp.dircmp(first / folder, second / folder, ignore=[".last-run.json"])
        _same(compared)


def _same(compared: filecmp.dircmp) -> None:
    assert not compared.left_only and not compared.right_only, (compared.left_only, compared.right_only)
    _, different, errors = filecmp.cmpfiles(compared.left, compared.right, compared.common_files, shallow=False)
    assert not different and not errors, (compared.left, different, errors)
    for sub in compared.subdirs.values():
        _same(sub)


def test_a_spool_keeps_its_items_in_order_past_the_few_it_holds(monkeypatch):
    """``shelf.Spool`` (the names of the files a run wrote): a list that only grows, its items past
    ``resident`` on disk, read back in order; one that cannot be pickled stays in memory."""
    spool = shelf.Spool(resident=3)
    items = [f"output/fr/{n}.html" for n in range(10)]
    for item in items[:6]:
        spool.append(item)
    spool.append(lambda: None)  # not picklable: kept as it is, in its place
    for item in items[6:]:
        spool.append(item)
    assert len(spool) == 11 and "3 in memory, 7 on disk" in repr(spool)
    assert list(spool[:6]) == items[:6] and callable(spool[6]) and list(spool[7:]) == items[6:]
    assert spool[-1] == items[-1] and set(spool[7:]) == set(items[6:])
    with pytest.raises(IndexError):
        spool[11]


def test_keys_come_back_in_the_order_first_stored_wherever_their_values_are():
    """Some values in memory (the first, an ``always`` one, one that cannot be pickled), the others
    on disk: the keys still come in the order they were first stored, as a dict's do; a key
    stored again keeps its place; one deleted is not met."""
    shelf_ = shelf.Shelf(resident=2, always=lambda key: key == "ui")
    expected = {}
    for key in ["a", "b", "c", "ui", "d", ("fr", "e"), 7, "f"]:
        value = (lambda: None) if key == "d" else f"value of {key}"
        shelf_[key] = expected[key] = value
    shelf_["c"] = expected["c"] = "c again"
    assert list(shelf_) == list(expected) and len(shelf_) == len(expected)
    assert repr(shelf_) == "Shelf(4 in memory, 4 on disk)"
    assert all(shelf_[key] == value for key, value in expected.items() if key != "d") and callable(shelf_["d"])
    pairs = list(shelf_.items())  # the values on disk read with their keys, a page at a time
    assert [key for key, _ in pairs] == list(expected)
    assert all(value == expected[key] for key, value in pairs if key != "d") and callable(dict(pairs)["d"])
    del shelf_["f"], shelf_["a"], expected["f"], expected["a"]
    assert list(shelf_) == list(expected) == ["b", "c", "ui", "d", ("fr", "e"), 7]
    assert ("fr", "e") in shelf_ and ("fr", "x") not in shelf_ and "a" not in shelf_
    with pytest.raises(KeyError):
        shelf_["f"]


def test_two_shelves_keep_their_own_keys_and_one_let_go_leaves_nothing_behind():
    first, second = shelf.Shelf(resident=0), shelf.Shelf(resident=0)
    first["x"], second["x"], second["y"] = 1, 2, 3
    assert (first["x"], second["x"], list(first), list(second)) == (1, 2, ["x"], ["x", "y"])
    disk, number = second._disk, second._number
    del second
    import gc

    gc.collect()
    first["z"] = 4  # the rows of a shelf let go are deleted with the next change
    assert disk.one("SELECT count(*) FROM kv WHERE shelf = ?", (number,)) == (0,) and first["x"] == 1


def test_a_shelf_let_go_in_the_middle_of_a_statement_does_not_hang_the_run():
    """The garbage collector may let a shelf go while this thread is inside the store (its lock
    held): what the shelf's finalizer does must neither wait for that lock nor run a statement.
    It took the lock, and a publish of two thousand releases hung for good."""
    import threading

    held = shelf.Shelf(resident=0)
    held["x"] = 1
    disk = held._disk
    gone = shelf.Shelf(resident=0)
    gone["y"] = 2
    number = gone._number

    def collected_inside_a_statement() -> None:
        with disk.lock:  # as inside one(), all() or change()
            disk.forget(number)

    worker = threading.Thread(target=collected_inside_a_statement, daemon=True)
    worker.start()
    worker.join(60)  # a hang detector, not a timing: forget takes microseconds
    assert not worker.is_alive(), "forget waited for the store's lock"
    held["x"] = 3
    assert disk.one("SELECT count(*) FROM kv WHERE shelf = ?", (number,)) == (0,) and held["x"] == 3


def test_what_a_shelf_holds_does_not_grow_with_the_keys_on_disk():
    """Thousands of keys past ``resident``: the Python objects the shelf keeps do not grow with
    them (SQLite's own pages are bounded apart: ``CACHE_KIB``).  Held as a dict, 2,000 more keys
    took some 300 KB."""
    import tracemalloc

    shelf_ = shelf.Shelf(resident=8, recent=1)

    def store(numbers: range) -> None:
        for n in numbers:
            shelf_[("fr", f"2024-01-01-release-{n:04d}")] = {"input": "0" * 64, "output": "1" * 64}

    store(range(1000))  # the store made, its statements prepared
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        store(range(1000, 3000))
        held = sum(stat.size_diff for stat in tracemalloc.take_snapshot().compare_to(before, "filename")
                   if stat.traceback[0].filename.endswith("shelf.py"))
    finally:
        tracemalloc.stop()
    assert len(shelf_) == 3000 and shelf_[("fr", "2024-01-01-release-1234")]["input"] == "0" * 64
    assert held < 8 * 1024, f"{held} bytes more held for 2,000 more keys on disk"


@pytest.mark.parametrize("resident", [10_000, 0, 7, 256], ids=["in memory", "on disk", "some held, then on disk",
                                                          "a page held, then on disk"])
def test_ranked_places_come_back_newest_first_as_a_sort_in_memory_gives_them(resident):
    """``Ranked``: the latest day first, then the name last in order first (Khmer and accented
    names among them, as Python orders them), then the place first added; of one tag or all,
    counted without being read, and read again as often as asked."""
    import random

    rng = random.Random(7)
    names = ["2024-03-01-visit", "2024-03-01-visite", "ក-ការប្រជុំ", "é-accord", "a", "a\ud800b", "Z", ""]
    # 700 places on 3 days and 8 names: ties of day and name run across the pages of 256 read
    # from disk; a release with no language, and an empty tag, are found only where they are.
    rows = [(rng.randrange(738_000, 738_003), rng.choice(names), place,
             tuple(sorted(rng.sample(["km", "en", "fr", ""], rng.randrange(0, 5)))))
            for place in range(700)]
    ranked = shelf.Ranked(resident=resident)
    for row in rows:
        ranked.add(*row)
    expected = sorted(rows, key=lambda row: (row[0], row[1], -row[2]), reverse=True)
    assert list(ranked.of()) == [place for _day, _name, place, _tags in expected]
    for tag in ("km", "en", "fr", "", "e"):
        places = ranked.of(tag)
        assert list(places) == [place for _day, _name, place, tags in expected if tag in tags]
        assert len(places) == sum(tag in tags for *_rest, tags in rows) and list(places) == list(places)
    assert ("on disk" in repr(ranked)) == (resident < len(rows))
