"""The parse cache (workflow.parsecache): an unchanged release or catalog is not parsed again, and
a run with the cache says and publishes exactly what a run without it does.

Parses are counted through what the cache logs (a record below DEBUG for each parse, carrying
its kind and file), which the real parse path says; a hit does not.  A cache that cannot be used — damaged, truncated, from
other code, a folder or a link in its place, a folder that cannot be written — means parsing
again, never an error.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import pickle
import shutil
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest

from tests.conftest import copy_project
from workflow import build, parsecache, runstate
from workflow.po.model import Catalog, Entry
from workflow import project as project_io
from workflow.pdf import jobs as pdfjobs

BELGIUM = "2024-02-07-cambodia-belgium-consultations"


def cache_file(root: Path) -> Path:
    return root / parsecache.FOLDER / parsecache.NAME


class _Parses(logging.Handler):
    """Counts the parses the cache says it made (a record each, naming the kind and file)."""

    def __init__(self) -> None:
        super().__init__(parsecache.PARSED)
        self.parsed: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        if hasattr(record, "parsed"):
            self.parsed[record.parsed] += 1


@contextlib.contextmanager
def counting() -> Iterator[Counter[str]]:
    """The parses made meanwhile in this process, by kind and file."""
    logger, counter = logging.getLogger(parsecache.__name__), _Parses()
    level = logger.level
    logger.addHandler(counter)
    logger.setLevel(parsecache.PARSED)
    try:
        yield counter.parsed
    finally:
        logger.removeHandler(counter)
        logger.setLevel(level)


def update(root: Path) -> tuple[list[str], dict[str, int]]:
    """``make update-po`` in this process: what it said, and what it parsed."""
    with counting() as parsed:
        report = build.update_po(project_io.load(root))
    return sorted(str(f) for f in report.findings), dict(parsed)


def releases_and_catalogs(parsed: dict[str, int]) -> set[str]:
    return {name.split(":", 1)[0] for name in parsed}


@pytest.fixture
def root(tmp_path) -> Path:
    return copy_project(tmp_path / "project")


def test_a_second_run_parses_nothing(root):
    said, parsed = update(root)
    assert releases_and_catalogs(parsed) == {"release", "catalog"}
    assert cache_file(root).is_file()
    again, parsed = update(root)
    assert parsed == {} and again == said


def test_an_edited_catalog_alone_is_parsed_again(root):
    update(root)
    path = root / f"locale/fr/LC_MESSAGES/{BELGIUM}.po"
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgstr and e.msgstr.endswith("."))
    entry.msgstr = "Ainsi, " + entry.msgstr
    po.save(str(path))
    _said, parsed = update(root)
    assert parsed == {f"catalog:locale/fr/LC_MESSAGES/{BELGIUM}.po": 1}
    assert update(root)[1] == {}


def test_an_edited_release_alone_is_parsed_again(root):
    update(root)
    path = root / "content" / f"{BELGIUM}.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
    _said, parsed = update(root)
    # Its template and catalogs are rewritten with the new paragraph: their parse is kept as written.
    assert parsed == {f"release:content/{BELGIUM}.md\0{BELGIUM}": 1}
    assert update(root)[1] == {}


def test_warnings_of_a_cached_release_are_said_again(root):
    path = root / "content" / f"{BELGIUM}.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nSee [below](#nowhere) and [this](other.html).\n",
                    encoding="utf-8")
    said, _parsed = update(root)
    assert any("#nowhere points nowhere" in s for s in said) and any("other.html is relative" in s for s in said)
    again, parsed = update(root)
    assert again == said and not any(name.startswith("release:") for name in parsed)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "other code", "index", "wrong types",
                                    "a global"])
def test_a_cache_that_cannot_be_used_means_parsing_again(root, damage):
    said, first = update(root)
    data = cache_file(root).read_bytes()
    header = parsecache._MAGIC + parsecache.code_digest().encode() + b"\n"
    if damage == "garbage":
        data = os.urandom(len(data))
    elif damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "empty":
        data = b""
    elif damage == "other code":
        data = parsecache._MAGIC + b"0" * 64 + b"\n" + data[len(header):]
    elif damage == "index":  # one byte of the index: its digest no longer matches, so none of it is used
        data = data[:len(header) + 40] + bytes([data[len(header) + 40] ^ 0xFF]) + data[len(header) + 41:]
    else:
        handle, index = parsecache._read_index(cache_file(root), parsecache.code_digest())
        keys = list(index)
        handle.close()
        value = "not a parse" if damage == "wrong types" else shutil.rmtree  # a global it must never load
        written = io.BytesIO()
        parsecache._write(written, parsecache.code_digest(), ((key, pickle.dumps(value)) for key in keys), len(keys))
        data = written.getvalue()
    cache_file(root).write_bytes(data)
    again, parsed = update(root)
    assert again == said and parsed == first
    assert update(root)[1] == {}  # written anew, whole


def test_a_damaged_entry_alone_is_parsed_again(root):
    """Entries are read from the file one by one, when they are asked for: one whose bytes are
    damaged is parsed again, the others are still used."""
    update(root)
    handle, index = parsecache._read_index(cache_file(root), parsecache.code_digest())
    offset, length = min(index.values())
    handle.close()
    data = bytearray(cache_file(root).read_bytes())
    data[offset:offset + length] = b"\0" * length
    cache_file(root).write_bytes(bytes(data))
    parsed = update(root)[1]
    assert len(parsed) == 1 and sum(parsed.values()) == 1
    assert update(root)[1] == {}


def test_a_folder_in_place_of_the_cache_file(root):
    cache_file(root).mkdir(parents=True)
    said, first = update(root)
    again, parsed = update(root)
    assert again == said and parsed == first
    assert cache_file(root).is_dir()


def test_a_file_in_place_of_the_cache_folder(root):
    (root / parsecache.FOLDER).write_text("not a folder")
    said, first = update(root)
    again, parsed = update(root)
    assert again == said and parsed == first
    assert (root / parsecache.FOLDER).read_text() == "not a folder"


def test_a_link_in_place_of_the_cache_folder_is_neither_read_nor_written(root, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    update(root)
    shutil.move(str(root / parsecache.FOLDER), str(elsewhere / "cache"))
    (root / parsecache.FOLDER).symlink_to(elsewhere / "cache")
    before = (elsewhere / "cache" / parsecache.NAME).read_bytes()
    said, first = update(root)
    assert releases_and_catalogs(first) == {"release", "catalog"}  # not read through the link
    assert (elsewhere / "cache" / parsecache.NAME).read_bytes() == before  # nor written
    assert update(root)[0] == said


def test_a_link_in_place_of_the_cache_file_is_not_followed(root, tmp_path):
    update(root)
    target = tmp_path / "target.pickle"
    shutil.move(str(cache_file(root)), str(target))
    cache_file(root).symlink_to(target)
    _said, parsed = update(root)
    assert releases_and_catalogs(parsed) == {"release", "catalog"}
    assert not cache_file(root).is_symlink() and cache_file(root).is_file()  # replaced, the target untouched


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_a_folder_that_cannot_be_written(root):
    (root / parsecache.FOLDER).mkdir()
    (root / parsecache.FOLDER).chmod(0o500)
    try:
        said, first = update(root)
        again, parsed = update(root)
    finally:
        (root / parsecache.FOLDER).chmod(0o700)
    assert again == said and parsed == first


def test_the_cache_is_not_an_input(root):
    update(root)
    found = runstate.inputs(project_io.load(root), {})
    assert not any(parsecache.FOLDER in key for key in found)


def published(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root / "output").as_posix(): p.read_bytes()
            for p in sorted((root / "output").rglob("*")) if p.is_file() and p.name != runstate.RECORD}


def test_a_warm_cache_publishes_the_same_bytes_and_findings(root):
    for other in (root / "content").glob("*.md"):
        if other.stem != BELGIUM:
            other.unlink()
    cold_report = build.publish(project_io.load(root))
    cold = published(root)
    assert cache_file(root).is_file()
    shutil.rmtree(root / "output")
    with counting() as parsed:
        warm_report = build.publish(project_io.load(root))
    assert parsed == {}
    assert warm_report.findings == cold_report.findings and warm_report.ok == cold_report.ok
    assert published(root) == cold


def status(root: Path) -> tuple[list[str], dict[str, int]]:
    """``make status`` in this process (the workspace read, the templates' strings judged)."""
    with counting() as parsed:
        _plans, _ws, report = build.edition_states(project_io.load(root))
    return [str(f) for f in report.findings], dict(parsed)


def test_what_the_checks_say_of_the_templates_strings_is_said_again(root):
    path = root / "locale/fr/LC_MESSAGES/ui.po"
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgstr)
    entry.msgstr = entry.msgstr + " <script>alert(1)</script>"
    po.save(str(path))
    said, parsed = status(root)
    assert any("ui.po" in s for s in said) and "ui:fr" in parsed
    again, parsed = status(root)
    assert again == said and parsed == {}
    (root / parsecache.FOLDER / parsecache.NAME).unlink()
    assert status(root)[0] == said  # and without any cache


def test_index_pages_are_rendered_again_only_when_what_they_list_changes(root, monkeypatch):
    from workflow.render import Renderer

    for other in (root / "content").glob("*.md"):
        if other.stem != BELGIUM:
            other.unlink()
    rendered: list[str] = []
    index = Renderer.index

    def counted(self, lang, releases, *, root, **kwargs):
        rendered.append(lang + ("/" if root else ""))
        return index(self, lang, releases, root=root, **kwargs)

    monkeypatch.setattr(Renderer, "index", counted)
    build.publish(project_io.load(root))
    assert sorted(rendered) == ["en", "en/", "fr/", "km/"]
    pages = published(root)
    path = root / f"locale/fr/LC_MESSAGES/{BELGIUM}.po"
    po = polib.pofile(str(path))
    paragraph = next(e for e in po if e.comment == "type: paragraph" and e.msgstr)
    paragraph.msgstr = "Ainsi, " + paragraph.msgstr
    po.save(str(path))
    rendered.clear()
    assert build.publish(project_io.load(root)).ok
    assert rendered == []
    assert {name: data for name, data in published(root).items() if "index" in name} == \
        {name: data for name, data in pages.items() if "index" in name}
    title = next(e for e in po if e.comment == "type: front matter: title" and e.msgstr)
    title.msgstr = "Nouveau titre"
    po.save(str(path))
    build.publish(project_io.load(root))
    assert "fr/" in rendered
    indexes = {name: data for name, data in published(root).items() if "index" in name}
    # What a run that keeps no index key makes of the same inputs: the same bytes.
    (root / "output" / pdfjobs.MANIFEST).unlink()
    (root / "output" / runstate.RECORD).unlink()
    rendered.clear()
    build.publish(project_io.load(root))
    assert sorted(rendered) == ["en", "en/", "fr/", "km/"]
    assert {name: data for name, data in published(root).items() if "index" in name} == indexes


def test_a_closed_cache_parses_without_keeping_and_writes_nothing(root):
    """A publish closes its cache once the workspace is read (``ParseCache.close``): the entries,
    about 24 KB a release, do not stay in memory while the editions are built; a parse asked of
    it after that is made, and neither kept nor written."""
    update(root)
    before = cache_file(root).read_bytes()
    parses = parsecache.ParseCache(root)
    data = (root / f"content/{BELGIUM}.md").read_bytes()
    parses.close()
    made = []
    with counting() as parsed:
        parses.release(data, f"content/{BELGIUM}.md", BELGIUM, lambda: made.append(1) or ("r", [], []))
    assert made == [1] and parsed
    parses.save(project_io.load(root))
    assert cache_file(root).read_bytes() == before


def _texts(value: object) -> list[str]:
    """Every string a parse result holds (its fields, its entries' fields)."""
    found, stack, seen = [], [value], set()
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
        elif hasattr(item, "__slots__") or hasattr(item, "__dict__"):
            stack.extend(getattr(item, name) for name in getattr(type(item), "__slots__", ()) if hasattr(item, name))
            stack.extend(vars(item).values() if hasattr(item, "__dict__") else ())
    return found


def test_what_a_cold_run_parses_holds_its_text_once(root):
    """Pickling a string that is not ASCII leaves a UTF-8 copy of it in the string object for as
    long as it lives (CPython): the parse a run goes on with is the cached one, read back from its
    pickle, whose strings have none — Khmer and French held all run take their own room only."""
    from workflow.report import Report
    from workflow.workspace import load_workspace

    ws = load_workspace(project_io.load(root), Report())
    rel = ws.releases.get(BELGIUM)
    held = _texts(rel) + _texts(ws.segments[BELGIUM]) + _texts(ws.catalogs[("km", BELGIUM)])
    held += _texts(ws.catalogs[("fr", BELGIUM)])
    khmer = [text for text in held if any("\u1780" <= ch <= "\u17ff" for ch in text)]
    french = [text for text in held if "é" in text]
    assert khmer and french
    for text in held:  # a copy made by decoding has no UTF-8 copy: the same size, or the text has one
        assert sys.getsizeof(text) == sys.getsizeof(text.encode("utf-8").decode("utf-8")), text[:40]


def test_the_file_keeps_the_last_parse_of_each_file(root):
    """A catalog a run read, then wrote: the file keeps the parse of what was written, once."""
    def catalog(*entries: Entry) -> Catalog:
        made = Catalog()
        made.extend(entries)
        return made

    project = project_io.load(root)
    parses = parsecache.ParseCache(root)
    name = f"locale/fr/LC_MESSAGES/{BELGIUM}.po"
    parses.catalog(b"old bytes", name, lambda: catalog(Entry(msgid="a", msgstr="un")))
    parses.catalog(b"other.po", "locale/fr/LC_MESSAGES/other.po", lambda: catalog(Entry(msgid="b")))
    parses.wrote_catalog(b"new bytes", name, catalog(Entry(msgid="a", msgstr="une")))
    parses.save(project)
    parses.close()
    handle, index = parsecache._read_index(cache_file(root), parsecache.code_digest())
    try:
        assert len(list(index)) == 2 and index.get(parsecache.ParseCache._key("catalog", name, b"old bytes")) is None
    finally:
        handle.close()
    again = parsecache.ParseCache(root)
    with counting() as parsed:
        kept = again.catalog(b"new bytes", name, catalog)
    assert parsed == {} and [e.msgstr for e in kept] == ["une"]
    again.close()
