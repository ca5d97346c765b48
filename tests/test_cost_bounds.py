"""Cost bounds: input that would make a run take minutes or gigabytes is refused before the costly
work, with its file, line and limit, and input just below the limits is published within a bound.

Every publish runs in a child process with a generous timeout (a regression to the quadratic
cost fails the test instead of stalling the suite) and reports its peak memory; no test times
anything.  The limits: ``workflow.segment`` (a source block, a release, a front-matter field),
``workflow.po.read`` (a catalog's entries, a translation), ``workflow.fsutil`` (file sizes).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.conftest import copy_project, run_in_child
from workflow import segment
from workflow.fsutil import MAX_CATALOG_BYTES, MAX_RELEASE_BYTES
from workflow.model import WorkflowError
from workflow.po import PoSyntaxError, dump_po, read_po_bytes
from workflow.po.read import MAX_BRACKETS, MAX_BRACKETS_CATALOG, MAX_ENTRIES, translation_limit
from workflow.release import parse

BELGIUM = "2024-02-07-cambodia-belgium-consultations"
FRANCOPHONIE = "2025-03-20-reunion-preparation-sommet-francophonie"
LANGS = ("km", "en", "fr")
#: Generous: a publish of the samples takes a few seconds; the quadratic costs took minutes.
HANG = 120
#: Peak memory of a whole publish (kB): the samples take about 130 MB.
MEMORY_KB = 400_000

def run_child(root: Path, *args: str, timeout: int = HANG) -> tuple[int, str, int]:
    """Exit code, stderr and peak memory (kB) of a command run in a child process."""
    return run_in_child(root, *args, timeout=timeout, hang=f"the run did not finish within {timeout} s")


def translations(root: Path) -> dict[str, dict[tuple[str | None, str], str]]:
    """Every translation of every catalog: path → {(msgctxt, msgid): msgstr}; a catalog that
    cannot be read is kept as its bytes (it must come back unchanged too)."""
    found = {}
    for path in sorted((root / "locale").rglob("*.po")):
        data = path.read_bytes()
        try:
            po = read_po_bytes(data, path=str(path))
        except PoSyntaxError:
            found[path.relative_to(root).as_posix()] = {(None, "<bytes>"): data.decode("utf-8", "replace")}
            continue
        found[path.relative_to(root).as_posix()] = {(e.msgctxt, e.msgid): e.msgstr for e in po
                                                     if e.msgstr and not e.obsolete}
    return found


def published(root: Path, slug: str, langs=LANGS) -> bool:
    return all((root / "output" / lang / f"{slug}.{ext}").is_file() for lang in langs for ext in ("html", "pdf"))


def release(root: Path, slug: str, body: str, *, title: str | None = None) -> Path:
    path = root / "content" / f"{slug}.md"
    path.write_text(f"---\ntitle: {title or slug}\ndate: 2024-05-01\nlang: en\n---\n\n{body}\n", encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    return path.read_text(encoding="utf-8")[:path.read_text(encoding="utf-8").index(needle)].count("\n") + 1


# --- the source: judged before Python-Markdown runs its link matching --------------------------


def _extract(text: str):
    return segment.extract(parse(text, path="content/x.md", slug="x"))


HEAD = "---\ntitle: T\ndate: 2024-01-01\nlang: en\n---\n\nFirst paragraph.\n\n"


@pytest.mark.parametrize("block, line, message", [
    ("x " + "[" * 450, 9, "this paragraph has 450 link brackets [ (at most 200)"),
    ("[a](b) " * 201, 9, "this paragraph has 201 link brackets [ (at most 200)"),
    ("- item\n- " + "![a](b) " * 300, 10, "this list item has 300 link brackets [ (at most 200)"),
    ("| a |\n|---|\n| " + "[x](y)" * 250 + " |", 11, "this table cell has 250 link brackets [ (at most 200)"),
    ("word " * 5_000, 9, "this paragraph is 24,999 characters long (at most 20,000)"),
    ("[a] " * 190 + "word " * 3_648, 9, "this paragraph has 190 link brackets [ (at most 157 in a text of 18,999 "
                                       "characters)"),
])
def test_a_costly_source_block_is_refused_with_its_line_before_markdown_links_it(block, line, message):
    with pytest.raises(WorkflowError) as caught:
        _extract(HEAD + block + "\n\nLast paragraph.\n")
    assert caught.value.path == "content/x.md" and caught.value.line == line, str(caught.value)
    assert caught.value.message == message
    assert "split it" in caught.value.hint


def test_the_brackets_of_a_whole_release_are_counted_before_markdown_runs():
    body = "\n\n".join("[a](b) " * 100 for _ in range(6))  # each block within its limit, 600 in all
    with pytest.raises(WorkflowError) as caught:
        _extract(HEAD + body + "\n")
    assert caught.value.line == 9 + 2 * 5  # the block holding the 501st
    assert "the release has 600 link brackets [ (at most 500 in a release" in caught.value.message


def test_a_release_of_too_many_blocks_is_refused():
    with pytest.raises(WorkflowError) as caught:
        _extract(HEAD + "".join(f"- {i}\n" for i in range(segment.MAX_SEGMENTS + 10)))
    assert caught.value.line == 9 + segment.MAX_SEGMENTS - 1  # the first paragraph is a segment too
    assert "the release has 5,011 blocks to translate (at most 5,000" in caught.value.message


def test_a_long_title_is_refused_with_its_line():
    text = "---\nlang: en\ndate: 2024-01-01\ntitle: " + "Word " * 500 + "\n---\n\nText.\n"
    with pytest.raises(WorkflowError) as caught:
        _extract(text)
    assert caught.value.line == 4 and caught.value.message == "the title is 2,499 characters long (at most 2,000)"


def test_blocks_at_the_limits_are_extracted():
    at_limit = "[a](b) " * 200
    found = _extract(HEAD + at_limit + "\n\n" + ("word " * 4_000).strip() + "\n")
    assert [s.line for s in found] == [2, 7, 9, 11]


# --- translations: judged when the catalog is read, before anything renders them ---------------


def _catalog(entries: list[tuple[str, str]]) -> bytes:
    head = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    return (head + "".join(f'msgid "{i}"\nmsgstr "{s}"\n\n' for i, s in entries)).encode()


@pytest.mark.parametrize("entries, line, message", [
    ([("One.", "Un."), ("T" * 3_000, "x " + "[" * 10_000)], 9, "a translation with 10,000 link brackets [ (at most 200)"),
    ([("Two.", "y" * 1_001)], 6, "a translation of 1,001 characters, for a source of 4 (at most 1,000 here)"),
    ([("T" * 10_000, "y" * 40_001)], 6, "a translation of 40,001 characters, for a source of 10,000 (at most "
                                        "40,000 here)"),
    ([("T" * 10_000, "[" * 100 + "y" * 39_000)], 6, "a translation with 100 link brackets [ (at most 76 in 39,100 "
                                                    "characters)"),
    ([(f"S{i}.", "[a](b)" * 150) for i in range(7)], 24, f"the translations have more than {MAX_BRACKETS_CATALOG:,} "
                                                        "link brackets [ in all (this entry goes over)"),
])
def test_a_costly_translation_is_refused_with_its_line(entries, line, message):
    with pytest.raises(PoSyntaxError) as caught:
        read_po_bytes(_catalog(entries), path="locale/km/LC_MESSAGES/x.po")
    assert (caught.value.path, caught.value.line, caught.value.message) == ("locale/km/LC_MESSAGES/x.po", line, message)


def test_translations_at_the_limits_are_read():
    entries = [("Two.", "y" * 1_000), ("T" * 20_000, "[a](b)" * 75 + "y" * (translation_limit("T" * 20_000) - 450)),
               ("T" * 2_000, "[a](b)" * MAX_BRACKETS + "y" * 6_800)]
    po = read_po_bytes(_catalog(entries), path="x.po")
    assert [len(e.msgstr) for e in po] == [1_000, 40_000, 8_000]


def test_a_catalog_of_too_many_entries_is_refused_before_it_is_parsed():
    data = _catalog([(f"m{i}", "") for i in range(MAX_ENTRIES + 5)])
    assert len(data) < MAX_CATALOG_BYTES  # small enough to be read: the count refuses it
    with pytest.raises(PoSyntaxError) as caught:
        read_po_bytes(data, path="x.po")
    assert caught.value.line == 5 + 3 * (MAX_ENTRIES - 1)  # the first entry over the limit, the header counted
    assert f"more than {MAX_ENTRIES:,} entries" in caught.value.message
    obsolete = _catalog([]) + "".join(f'#~ msgid "o{i}"\n#~ msgstr "x"\n\n' for i in range(MAX_ENTRIES + 1)).encode()
    with pytest.raises(PoSyntaxError, match="more than 20,000 entries"):
        read_po_bytes(obsolete, path="x.po")
    assert len(read_po_bytes(_catalog([(f"m{i}", "") for i in range(MAX_ENTRIES - 1)]), path="x.po")) == MAX_ENTRIES - 1


# --- whole runs: refused inputs cost nothing, the rest is published, nothing is lost ------------


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path)


def test_hostile_sizes_are_refused_by_file_and_line_and_the_rest_is_published(project):
    before = translations(project)
    brackets = release(project, "2024-06-01-brackets", "Intro.\n\nx " + "[" * 10_000 + "\n")
    long_title = release(project, "2024-06-02-title", "Text.", title="Word " * 10_000)  # 50 KB title
    km = project / "locale/km/LC_MESSAGES" / f"{BELGIUM}.po"
    text = km.read_text(encoding="utf-8")
    first = text.index('msgstr "', text.index("msgid", text.index("\n\n")))  # the first entry after the header
    km.write_text(text[:first] + 'msgstr "' + "[" * 300 + text[first + len('msgstr "'):], encoding="utf-8")
    fr = project / "locale/fr/LC_MESSAGES" / f"{BELGIUM}.po"
    text = fr.read_text(encoding="utf-8")
    first = text.index('msgstr "', text.index("msgid", text.index("\n\n")))
    fr.write_text(text[:first] + 'msgstr "' + "y" * 500_000 + text[first + len('msgstr "'):], encoding="utf-8")
    many = project / "locale/en/LC_MESSAGES" / f"{FRANCOPHONIE}.po"
    many.write_bytes(many.read_bytes() + "".join(f'\nmsgid "m{i}"\nmsgstr ""\n' for i in range(30_000)).encode())
    hostile = {p: p.read_bytes() for p in (km, fr, many)}
    code, err, peak = run_child(project)
    assert code == 1, err
    assert f"content/2024-06-01-brackets.md:{_line_of(brackets, 'x [')}: error: the release has 10,000 link " \
           "brackets [ (at most 500 in a release" in err
    assert f"content/2024-06-02-title.md:{_line_of(long_title, 'title:')}: error: the title is 49,999 characters " \
           "long (at most 2,000)" in err
    assert f"locale/km/LC_MESSAGES/{BELGIUM}.po:" in err and "a translation with 300 link brackets" in err
    assert f"locale/fr/LC_MESSAGES/{BELGIUM}.po:" in err and "a translation of 500,1" in err
    assert f"locale/en/LC_MESSAGES/{FRANCOPHONIE}.po:" in err and "more than 20,000 entries" in err
    assert "Traceback" not in err
    assert peak < MEMORY_KB, f"{peak} kB"
    assert {p: p.read_bytes() for p in hostile} == hostile  # refused catalogs are left as they are
    assert published(project, BELGIUM, ("en",)) and published(project, FRANCOPHONIE, ("km", "fr"))
    for path in (km, fr, many):
        del before[path.relative_to(project).as_posix()]
    after = translations(project)
    assert {k: v for k, v in after.items() if k in before} == before


def test_a_release_and_its_translation_at_every_limit_publish_within_the_bound(project):
    """The worst input the limits let through: a 64 KB release whose blocks hold as many link
    brackets and characters as they may, its title as long as it may be, and a Khmer catalog
    whose translations do the same."""
    slug = "2024-06-03-at-limits"
    linked = ("a](b) [" * 100).strip()
    filler = "\n\n".join(("The ministry met its partners on trade and education. " * 30).strip() for _ in range(20))
    body = "\n\n".join([linked] * 5 + [("word " * 3_999).strip(), filler])
    path = release(project, slug, body, title=("Title " * 333).strip())
    assert MAX_RELEASE_BYTES - 8_000 < path.stat().st_size < MAX_RELEASE_BYTES
    assert main_update(project) == 0
    km = project / "locale/km/LC_MESSAGES" / f"{slug}.po"
    po = read_po_bytes(km.read_bytes(), path="km.po")
    for entry in po:  # 5 × 150 + 75 link brackets: the catalog's limit is 1,000
        limit = translation_limit(entry.msgid)
        brackets = 75 if len(entry.msgid) > 19_000 else 150 if "[" in entry.msgid else 0
        entry.msgstr = ("[" * brackets + " ក" * limit)[:limit]
    km.write_text(dump_po(po), encoding="utf-8")
    before = translations(project)
    started = time.perf_counter()
    code, err, peak = run_child(project)
    seconds = time.perf_counter() - started
    assert "Traceback" not in err, err
    assert peak < MEMORY_KB, f"{peak} kB"
    assert published(project, slug, ("en",)) and published(project, BELGIUM) and published(project, FRANCOPHONIE)
    assert (project / "output/km" / f"{slug}.html").is_file()  # a draft: its translations break the links
    assert translations(project) == before
    print(f"at the limits: {seconds:.1f} s, {peak / 1024:.0f} MB")  # for the report, not asserted


def main_update(root: Path) -> int:
    code, err, _peak = run_child(root, "-q", "update-po")
    assert "Traceback" not in err, err
    return code
