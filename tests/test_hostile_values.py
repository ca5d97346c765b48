"""Values that crash the reader, and names that collide with the tool's own files (issue 14).

Each case goes through the real publish: the run finishes, the message names the file and
line and says what to do, every other release and edition is still published, no traceback,
and no translator's file is touched.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import polib
import pytest

from tests.conftest import ROOT, run, tool
from workflow import release, typeset
from workflow.cli import main
from workflow.model import WorkflowError
from workflow.pofile import PoSyntaxError, read_po_bytes

BELGIUM = "2024-02-07-cambodia-belgium-consultations"
FRANCOPHONIE = "2025-03-20-reunion-preparation-sommet-francophonie"
SAMPLES = (BELGIUM, FRANCOPHONIE)
LANGS = ("km", "en", "fr")
HIDE_SUBSET = Path(__file__).resolve().parent / "support" / "no_harfbuzz_subset"
#: What an exception that escaped would print (a traceback, or report.failure's "TypeError: …").
CRASHES = ("Traceback", "TypeError", "ValueError", "LookupError", "KeyError", "AttributeError", "RecursionError",
           "UnicodeError", "OverflowError", "MemoryError")


def _no_crash(err: str) -> None:
    for word in CRASHES:
        assert word not in err, err


def _samples_published(root: Path, *, except_: set[tuple[str, str]] = frozenset()) -> None:
    for slug in SAMPLES:
        for lang in LANGS:
            if (slug, lang) not in except_:
                for ext in ("html", "pdf"):
                    assert (root / "output" / lang / f"{slug}.{ext}").is_file(), (slug, lang, ext)


def _translations(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "locale").rglob("*.po"))}


# ------------------------------------------------------------ front matter

NUMBER = "9" * 5000
BAD_FRONT = {
    # name: (front matter after the fence, line, what the message says)
    "mixed-keys": ("title: T\ndate: 2024-05-01\nlang: en\n2024: x\nauthor: y", 5, "unknown keys '2024', 'author'"),
    "odd-keys": ("title: T\n~: x\ndate: 2024-05-01\n!!int 5: y\nlang: en\n!!binary eA==: z", 3,
                 "unknown keys '~' (an empty key), '5', 'eA=='"),
    "int-title": ("title: !!int 5\ndate: 2024-05-01\nlang: en", 2, "title: the tag !!int makes '5' a number, not text"),
    "float-title": ("title: !!float 1e3\ndate: 2024-05-01\nlang: en", 2, "title: the tag !!float makes '1e3' a number"),
    "bool-subtitle": ("title: T\ndate: 2024-05-01\nlang: en\nsubtitle: !!bool yes", 5,
                      "subtitle: the tag !!bool makes 'yes' true or false, not text"),
    "binary-place": ("title: T\ndate: 2024-05-01\nlang: en\nplace: !!binary aGVsbG8=", 5,
                     "place: the tag !!binary makes 'aGVsbG8=' binary data, not text"),
    "bad-binary": ("title: T\ndate: 2024-05-01\nlang: en\nplace: !!binary '%%%'", 5, "place: the tag !!binary"),
    "huge-int": (f"title: !!int {NUMBER}\ndate: 2024-05-01\nlang: en", 2, "title: the tag !!int makes '999"),
    "huge-float": (f"title: T\ndate: 2024-05-01\nlang: en\nreference: !!float {NUMBER}e{NUMBER}", 5,
                   "reference: the tag !!float makes '999"),
    "list-title": ("title: [a, b]\ndate: 2024-05-01\nlang: en", 2, "title: expected text, found a list"),
    "dict-department": ("title: T\ndate: 2024-05-01\nlang: en\ndepartment: {a: b}", 5,
                        "department: expected text, found a mapping"),
    "set-issuer": ("title: T\ndate: 2024-05-01\nlang: en\nissuer: !!set {a}", 5, "issuer: expected text, found a set"),
    "int-lang": ("title: T\ndate: 2024-05-01\nlang: !!int 5", 4, "lang: the tag !!int"),
    "list-lang": ("title: T\ndate: 2024-05-01\nlang: [en]", 4, "lang: expected text, found a list"),
    "int-date": ("title: T\ndate: !!int 20240501\nlang: en", 3, "date: the tag !!int makes '20240501' a number, not a date"),
    "huge-date": (f"title: T\ndate: {NUMBER}\nlang: en", 3, "date: '999"),
    "list-date": ("title: T\ndate: [2024, 5, 1]\nlang: en", 3, "date: expected a date, found a list"),
    "bad-timestamp": ("title: T\ndate: !!timestamp yesterday\nlang: en", 3, "date: 'yesterday' is not a date"),
    "bool-withdrawn": ("title: T\ndate: 2024-05-01\nlang: en\nwithdrawn: yes", 5, "withdrawn: 'yes' is not a date"),
    "deep": ("title: " + "[" * 20000 + "]" * 20000 + "\ndate: 2024-05-01\nlang: en", 2, "nested too deeply"),
    "twice": ("title: A\ndate: 2024-05-01\nlang: en\ntitle: B", 5, "the key 'title' is given twice (lines 2 and 5)"),
}


@pytest.mark.parametrize("name", BAD_FRONT)
def test_front_matter_value_is_refused_with_its_line(name):
    front, line, words = BAD_FRONT[name]
    started = time.perf_counter()
    with pytest.raises(WorkflowError) as caught:
        release.parse(f"---\n{front}\n---\n\nText.\n", path="content/x.md", slug="x")
    assert time.perf_counter() - started < 2
    assert (caught.value.line, caught.value.path) == (line, "content/x.md"), str(caught.value)
    assert words in caught.value.message, str(caught.value)
    assert caught.value.hint


def test_front_matter_that_crashed_the_reader_fails_alone(project_copy, capsys):
    """Every bad file at once: each named with its line and what to do, the samples published."""
    before = _translations(project_copy)
    for name, (front, _line, _words) in BAD_FRONT.items():
        (project_copy / "content" / f"2024-05-01-{name}.md").write_text(f"---\n{front}\n---\n\nText.\n",
                                                                       encoding="utf-8")
    started = time.perf_counter()
    assert main(["--root", str(project_copy), "publish"]) == 1
    assert time.perf_counter() - started < 120
    err = capsys.readouterr().err
    _no_crash(err)
    for name, (_front, line, words) in BAD_FRONT.items():
        said = [row for row in err.splitlines() if row.startswith(f"content/2024-05-01-{name}.md:{line}: error: ")]
        assert len(said) == 1 and words in said[0] and " — " in said[0], (name, err)
        assert not list((project_copy / "output").glob(f"*/2024-05-01-{name}.*"))
    _samples_published(project_copy)
    assert {k: v for k, v in _translations(project_copy).items() if k in before} == before


def test_front_matter_scalars_are_published_as_written(project_copy, capsys):
    """A plain value is the text it is: no number, boolean or octal conversion, however long."""
    (project_copy / "content" / "2024-05-02-plain.md").write_text(
        "---\ntitle: 1.50\ndate: !!str 2024-05-02\nlang: en\nsubtitle: yes\nreference: 0123\n"
        f"place: 1e3\nissued: !!timestamp 2024-05-03 10:00:00\ndepartment: {NUMBER}\n---\n\nText.\n",
        encoding="utf-8")
    (project_copy / "content" / "2024-05-05-anchor.md").write_text(
        "---\ntitle: &t Same\nsubtitle: *t\ndate: 2024-05-05\nlang: en\n<<: {place: Siem Reap}\n---\n\nText.\n",
        encoding="utf-8")
    assert main(["--root", str(project_copy), "publish"]) == 0, capsys.readouterr().err
    _no_crash(capsys.readouterr().err)
    pot = {e.comment: e.msgid for e in polib.pofile(str(project_copy / "locale/templates/2024-05-02-plain.pot"))}
    assert pot["type: front matter: title"] == "1.50"
    assert pot["type: front matter: subtitle"] == "yes"
    assert pot["type: front matter: place"] == "1e3"
    assert pot["type: front matter: department"] == NUMBER
    page = (project_copy / "output/en/2024-05-02-plain.html").read_text(encoding="utf-8")
    assert "0123" in page and "1.50" in page
    anchor = [e.msgid for e in polib.pofile(str(project_copy / "locale/templates/2024-05-05-anchor.pot"))]
    assert anchor[:2] == ["Same", "Siem Reap"]  # title and subtitle (an alias) are one message; the merged place
    _samples_published(project_copy)


# ------------------------------------------------------- dates before 1904

def test_the_font_time_stamp_is_clamped_to_1904_not_the_release_date(monkeypatch):
    from workflow.build import _epoch
    import datetime as dt

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    for day, stamp in ((dt.date(1900, 5, 1), typeset.FONT_EPOCH), (dt.date(1, 1, 1), typeset.FONT_EPOCH),
                       (dt.date(1904, 1, 1), typeset.FONT_EPOCH), (dt.date(2024, 2, 7), 1707264000)):
        with typeset._source_date(_epoch(day)):
            assert os.environ["SOURCE_DATE_EPOCH"] == str(stamp)
            from fontTools.misc.timeTools import timestampNow
            assert 0 <= timestampNow() < 2 ** 64  # what a font's head table can hold
    assert "SOURCE_DATE_EPOCH" not in os.environ


def test_a_release_dated_before_1904_gets_its_pdf_with_its_own_date(project_copy):
    """Without HarfBuzz-Subset, fontTools stamps the subset fonts with SOURCE_DATE_EPOCH: a date
    before 1904 (the fonts' epoch) made every PDF of the release fail, blaming the font."""
    days = {"1900-05-01-old": "1900-05-01", "0001-01-01-oldest": "0001-01-01", "9999-12-31-last": "9999-12-31"}
    for slug, day in days.items():
        (project_copy / "content" / f"{slug}.md").write_text(
            f"---\ntitle: Old news\ndate: {day}\nlang: en\n---\n\nText.\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HIDE_SUBSET), str(ROOT)]))
    result = subprocess.run([sys.executable, "-m", "workflow", "--root", str(project_copy), "publish"],
                            env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert ": error:" not in result.stderr
    _no_crash(result.stderr)
    for slug, day in days.items():
        pdf = project_copy / "output/en" / f"{slug}.pdf"
        info = run(tool("pdfinfo"), str(pdf)).stdout
        year = str(int(day[:4]))
        assert re.search(rf"CreationDate:.* {year} UTC", info), info  # the release's date, not 1904
        html = (project_copy / "output/en" / f"{slug}.html").read_text(encoding="utf-8")
        assert f'content="{day}"' in html
    _samples_published(project_copy)
