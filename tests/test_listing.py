"""workflow.listing's ``output/releases.json``: one dataclass reads and writes it, a published
file reads back to the same bytes, and a damaged or foreign file is taken for none with a warning
that names it — never an error, never a traceback."""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
from pathlib import Path

import pytest

from workflow import build, fsutil, listing, runstate, shelf
from workflow import project as project_io
from workflow.lang import locales
from workflow.listing import INDEX_FILE, Listed, ListedVersion, Listing, read_listing

from .conftest import ROOT, copy_project

BELGIUM = "2024-02-07-cambodia-belgium-consultations"


def test_a_listing_round_trips_through_json():
    version = ListedVersion(1, "2024-02-09T09:30:00+00:00", "Sokha Chan", "ab" * 32, "fr/a.html", "fr/a.pdf")
    withdrawn = ListedVersion(1, "2024-02-09T09:30:00+00:00", "Sokha Chan", "cd" * 32)  # its files taken down
    listing = Listing((Listed("b", _dt.date(2025, 1, 2), {"fr": "Titre", "km": "ចំណងជើង"}, {"fr": (version,)}),
                       Listed("a", _dt.date(2024, 1, 2), {}, {"fr": (withdrawn,)}, _dt.date(2024, 3, 1)),
                       Listed("c", _dt.date(2023, 1, 2), {"en": "Kept"})))
    text = listing.to_json()
    assert Listing.from_json(text) == listing
    data = json.loads(text)["releases"]
    assert "versions" not in data[2] and data[1]["withdrawn"] == "2024-03-01"
    assert data[1]["versions"]["fr"][0] == {"version": 1, "approved": "2024-02-09T09:30:00+00:00",
                                            "approved_by": "Sokha Chan", "sha256": "cd" * 32}
    assert "ចំណងជើង" in text  # not escaped: the file is read by people too
    assert listing.titles("b") == {"fr": "Titre", "km": "ចំណងជើង"} and listing.titles("z") == {}
    assert listing.versions("c") == {} and listing.versions("b")["fr"] == (version,)


def test_the_published_list_reads_back_to_the_same_bytes(published):
    path = published / "output" / INDEX_FILE
    listing, problems = read_listing(project_io.load(published))
    assert problems == []
    assert {item.slug for item in listing.releases} == {p.stem for p in (ROOT / "content").glob("*.md")}
    assert BELGIUM in {item.slug for item in listing.releases}
    assert listing.to_json().encode("utf-8") == path.read_bytes()


@pytest.mark.parametrize("text, says", [
    ("", "is not a list of releases (Expecting value"),
    ("[" * 100000, "is not a list of releases"),
    ('{"releases": [{"slug": "a", "date": "2024-02-07", "titles": "oops"}]}', "'titles' is not an object"),
    ('{"releases": [{"slug": ["x"], "date": "2024-02-07", "titles": {}}]}', "'slug' is not a text"),
    ('{"releases": [7, null]}', "release 1 is not an object"),
    ('{"releases": [{"slug": "a", "date": "2024-02-30", "titles": {}}]}', "is not a list of releases"),
    ('{"releases": [{"slug": "a", "date": "2024-02-07", "titles": {"fr": 3}}]}', "not texts by language"),
    ('{"releases": [{"slug": "a", "date": "2024-02-07", "titles": {}, "versions": {"fr": [{"version": true, '
     '"approved": "", "approved_by": "", "sha256": ""}]}}]}', "'version' is not a whole number"),
    ('{"releases": [], "generator": "another tool"}', "not an object with a list of releases"),
    ('{"items": []}', "not an object with a list of releases"),
    ('{"releases": [{"slug": "a", "date": "2024-02-07", "titles": {}, "colour": "red"}]}', "unknown key 'colour'"),
])
def test_a_damaged_or_foreign_list_is_taken_for_none_with_a_warning(tmp_path, text, says):
    root = copy_project(tmp_path)
    (root / "output").mkdir()
    (root / "output" / INDEX_FILE).write_text(text, encoding="utf-8")
    listing, [problem] = read_listing(project_io.load(root))
    assert listing == Listing()
    assert problem.path == "output/releases.json" and problem.severity == "warning"
    assert says in problem.message and "it is taken for none" in problem.message


def test_a_list_larger_than_a_record_may_be_is_read_a_release_a_line(tmp_path, monkeypatch):
    """Some 650 bytes a release: past some fifteen thousand releases ``releases.json`` was larger
    than the 10 MB a record may be and was taken for none (the indexes then forgot what the last
    run listed).  Written a release a line and read a line at a time, it is bounded by its lines
    (``MAX_RECORD_BYTES`` each), not by that: here that bound is made small, the listing larger.
    A listing of earlier versions (indented) is still read whole; one cut short is none."""
    monkeypatch.setattr(listing, "MAX_RECORD_BYTES", 4096)  # a file read whole
    monkeypatch.setattr(fsutil, "MAX_RECORD_BYTES", 4096)  # a line of one read a line at a time
    made = Listing(tuple(Listed(f"r{n:03d}", _dt.date(2024, 1, 1) + _dt.timedelta(days=n),
                                {"fr": f"Titre {n}", "km": "សេចក្តីប្រកាសព័ត៌មាន"}) for n in range(300, 0, -1)))
    root = copy_project(tmp_path)
    (root / "output").mkdir()
    path = root / "output" / INDEX_FILE
    text = made.to_json()
    assert len(text.encode("utf-8")) > 10 * 4096 and len(text.splitlines()) == 300 + 4  # a release a line
    path.write_text(text, encoding="utf-8")
    read, problems = read_listing(project_io.load(root))
    assert problems == [] and read == made and read.titles("r150") == {"fr": "Titre 150", "km": "សេចក្តីប្រកាសព័ត៌មាន"}
    long = text.replace("Titre 150", "Titre 150" + "x" * 5000)  # a line longer than a record may be: none
    path.write_text(long, encoding="utf-8")
    read, [problem] = read_listing(project_io.load(root))
    assert read == Listing() and "it is taken for none" in problem.message
    monkeypatch.setattr(listing, "MAX_RECORD_BYTES", 10 << 20)
    monkeypatch.setattr(fsutil, "MAX_RECORD_BYTES", 10 << 20)
    path.write_text(json.dumps(json.loads(text), indent=1, sort_keys=True, ensure_ascii=False), encoding="utf-8")
    assert read_listing(project_io.load(root)) == (made, [])
    path.write_text(text[:len(text) // 2], encoding="utf-8")
    read, [problem] = read_listing(project_io.load(root))
    assert read == Listing() and "is not a list of releases" in problem.message


def test_a_list_that_is_not_a_file_is_taken_for_none_without_waiting(tmp_path):
    root = copy_project(tmp_path)
    (root / "output").mkdir()
    listing, problems = read_listing(project_io.load(root))
    assert (listing, problems) == (Listing(), [])  # none yet: the first publish, nothing to say
    os.mkfifo(root / "output" / INDEX_FILE)
    listing, [problem] = read_listing(project_io.load(root))
    assert listing == Listing() and "is a named pipe (FIFO)" in problem.message
    (root / "output" / INDEX_FILE).unlink()
    (root / "output" / INDEX_FILE).write_bytes(b"\xff\xfe{}")
    assert "is not UTF-8" in read_listing(project_io.load(root))[1][0].message


def _listed_on(page: Path) -> list[str]:
    """The slugs an index page lists, in order."""
    return re.findall(r'</time>\n<a href="[^"]*/([^/"]+)\.html"', page.read_text(encoding="utf-8"))


@pytest.mark.parametrize("resident", [None, 0], ids=["in memory", "on disk"])
def test_an_index_lists_its_releases_a_page_at_a_time_and_every_page_leads_to_the_others(tmp_path, monkeypatch,
                                                                                         resident):
    """At ``PER_PAGE`` releases a page, newest first: every release listed once, in order, on
    ``<lang>/index.html`` then ``<lang>/page/<n>.html``, each page linking to all of them (and to
    the one before and after); pages no longer needed are taken down.  The same when the order
    of the releases is kept on disk (``shelf.Ranked``, as past a few hundred releases)."""
    root = copy_project(tmp_path)
    if resident is not None:
        monkeypatch.setattr(shelf, "RESIDENT", resident)
    monkeypatch.setattr(listing, "PER_PAGE", 1)
    assert build.publish(project_io.load(root), jobs=1).ok
    output = root / "output"
    listed = json.loads((output / INDEX_FILE).read_text(encoding="utf-8"))["releases"]
    for lang in ("km", "en", "fr"):
        slugs = [item["slug"] for item in listed if lang in item["titles"]]
        assert len(slugs) >= 2, "the samples publish at least two releases in every language"
        pages = [output / listing.page_name(lang, n) for n in range(1, len(slugs) + 1)]
        assert [_listed_on(page) for page in pages] == [[slug] for slug in slugs]
        assert not (output / listing.page_name(lang, len(slugs) + 1)).exists()
        for number, page in enumerate(pages, start=1):
            text = page.read_text(encoding="utf-8")
            links = re.search(r'<nav class="pages" aria-label="([^"]+)">(.*?)</nav>', text, re.S)
            assert links.group(1) == {"km": "ទំព័រ", "en": "Pages", "fr": "Pages"}[lang]
            hrefs = re.findall(r'<a href="([^"]+)">', links.group(2))
            assert [(page.parent / href).resolve() for href in hrefs] == \
                [other.resolve() for other in pages if other != page]  # each exists: checked above
            assert f'<span aria-current="page">{locales.localize_digits(str(number), lang)}</span>' in text
            assert ('rel="prev"' in text) == (number > 1) and ('rel="next"' in text) == (number < len(pages))
            assert f'href="{"../" * (page.relative_to(output).as_posix().count("/"))}assets/edition.css"' in text
    front = (output / "index.html").read_text(encoding="utf-8")
    english = [item["slug"] for item in listed if "en" in item["titles"]]
    assert _listed_on(output / "index.html") == english[:1] and 'href="en/page/2.html"' in front

    monkeypatch.setattr(listing, "PER_PAGE", 2)  # in the code, not an input: the whole-run record goes first
    (output / runstate.RECORD).unlink()
    report = build.publish(project_io.load(root), jobs=1)
    assert report.ok
    for lang in ("km", "en", "fr"):
        slugs = [item["slug"] for item in listed if lang in item["titles"]]
        assert _listed_on(output / listing.page_name(lang, 1)) == slugs[:2]
        assert [_listed_on(page) for page in sorted((output / lang / listing.PAGES_FOLDER).glob("*.html"))] == \
            [slugs[2:4]] * (len(slugs) > 2)
        assert not (output / listing.page_name(lang, 3)).exists()
    assert set(report.written) >= {f"output/{lang}/{listing.PAGES_FOLDER}/3.html"
                                   for lang in ("km", "en", "fr")
                                   if len([i for i in listed if lang in i["titles"]]) >= 3}


def test_with_one_page_an_index_has_no_page_links(published):
    for page in [published / "output" / "index.html"] + [published / "output" / lang / "index.html"
                                                          for lang in ("km", "en", "fr")]:
        text = page.read_text(encoding="utf-8")
        assert 'class="pages"' not in text and 'rel="next"' not in text
    assert not any((published / "output" / lang / listing.PAGES_FOLDER).exists() for lang in ("km", "en", "fr"))
