"""Values that crash the reader, and names that collide with the tool's own files (issue 14).

Each case goes through the real publish: the run finishes, the message names the file and
line and says what to do, every other release and edition is still published, no traceback,
and no translator's file is touched.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.conftest import ROOT, run, tool
from workflow import release
from workflow.pdf import typeset
from workflow.cli import main
from workflow.model import WorkflowError
from workflow.po import PoSyntaxError, read_po_bytes

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
    "tagged-key": ("title: T\ndate: 2024-05-01\nlang: en\n!!omap x: y", 5, "not valid YAML"),  # found by fuzzing
    "twice": ("title: A\ndate: 2024-05-01\nlang: en\ntitle: B", 5, "the key 'title' is given twice (lines 2 and 5)"),
    # YAML escapes make characters no UTF-8 file holds: a NUL cannot go into a PO file (traceback), a
    # lone surrogate cannot be written (traceback), an ESC made every PDF fail blaming WeasyPrint.
    "nul-escape": ('title: "a\\0b"\ndate: 2024-05-01\nlang: en', 2,
                   "title: the value holds the control character U+0000, which is not text"),
    "esc-escape": ('title: T\ndate: 2024-05-01\nlang: en\nissuer: "\\e[31mred"', 5,
                   "issuer: the value holds the control character U+001B"),
    "surrogate-escape": ('title: T\ndate: 2024-05-01\nlang: en\nplace: "\\ud800"', 5,
                         "place: the value holds a lone surrogate U+D800"),
    "nonchar-escape": ('title: T\ndate: 2024-05-01\nlang: en\nsubtitle: "a\\U0010FFFF"', 5,
                       "subtitle: the value holds the noncharacter U+10FFFF"),
}

#: Characters that are never text, typed in a release's body (line 9 of the file).
BAD_BODY = {"nul": "\x00", "escape": "\x1b", "form-feed": "\x0c", "delete": "\x7f", "next-line": "\x85",
            "noncharacter": "\uffff", "plane-16-noncharacter": "\U0010fffe"}


@pytest.mark.parametrize("name", BAD_BODY)
def test_a_character_that_is_never_text_is_named_with_its_line(name):
    text = f"---\ntitle: T\ndate: 2024-05-01\nlang: en\n---\n\nOne.\n\nTwo {BAD_BODY[name]} here.\n"
    with pytest.raises(WorkflowError) as caught:
        release.parse(text, path="content/x.md", slug="x")
    assert caught.value.line == 9
    assert f"U+{ord(BAD_BODY[name]):04X}, which is not text" in caught.value.message
    assert "remove it" in caught.value.hint


@pytest.mark.parametrize("name", BAD_FRONT)
def test_front_matter_value_is_refused_with_its_line(name):
    front, line, words = BAD_FRONT[name]
    # CPU time of this process, not wall time: a loaded machine does not add to it, while a
    # reader that is quadratic in the value's size (20,000 brackets) takes minutes of it.
    started = time.process_time()
    with pytest.raises(WorkflowError) as caught:
        release.parse(f"---\n{front}\n---\n\nText.\n", path="content/x.md", slug="x")
    assert time.process_time() - started < 10
    assert (caught.value.line, caught.value.path) == (line, "content/x.md"), str(caught.value)
    assert words in caught.value.message, str(caught.value)
    assert caught.value.hint


_YAML_BITS = ["!!int ", "!!binary ", "!!timestamp ", "!!float ", "!!bool ", "!!str ", "!!set ", "!!omap ", "!!seq ",
              "!!map ", "!!null ", "&a ", "*a", "<<: ", "? ", ": ", "- ", "[", "]", "{", "}", "'", '"', "\\", "\\0",
              "\\x1b", "\\ud800", "\n", "  ", "#", "~", "9" * 5000, "2024: x\n", "title: ", "date: ", "lang: ",
              "issued: ", "withdrawn: ", "|", ">", "!local ", "\x85", "0x1F", "1e400", ".inf", "2024-02-30", "é"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 60), st.sampled_from(_YAML_BITS)), min_size=1, max_size=6))
def test_any_front_matter_is_read_or_refused_with_a_line_never_a_crash(edits):
    """Pieces of YAML dropped anywhere into a good front matter: the reader accepts the result
    or raises WorkflowError naming a line of the file, within a second."""
    front = "title: A visit\ndate: 2024-02-07\nlang: en\nplace: Phnom Penh\n"
    for position, bit in edits:
        position = min(position, len(front))
        front = front[:position] + bit + front[position:]
    text = f"---\n{front}---\n\nBody text.\n"
    started = time.process_time()  # CPU time: not what the machine's load adds
    try:
        rel = release.parse(text, path="content/x.md", slug="x")
        assert all(isinstance(getattr(rel.meta, key), str) for key in ("title", "place", "lang", "reference"))
    except WorkflowError as exc:
        assert exc.path == "content/x.md" and (exc.line is None or 1 <= exc.line <= text.count("\n") + 1)
    assert time.process_time() - started < 5


def test_front_matter_that_crashed_the_reader_fails_alone(project_copy, capsys):
    """Every bad file at once: each named with its line and what to do, the samples published."""
    before = _translations(project_copy)
    for name, (front, _line, _words) in BAD_FRONT.items():
        (project_copy / "content" / f"2024-05-01-{name}.md").write_text(f"---\n{front}\n---\n\nText.\n",
                                                                       encoding="utf-8")
    for name, char in BAD_BODY.items():
        (project_copy / "content" / f"2024-05-02-{name}.md").write_text(
            f"---\ntitle: T\ndate: 2024-05-02\nlang: en\n---\n\nOne.\n\nTwo {char} here.\n", encoding="utf-8")
    assert main(["--root", str(project_copy), "publish"]) == 1
    err = capsys.readouterr().err
    _no_crash(err)
    for name, (_front, line, words) in BAD_FRONT.items():
        said = [row for row in err.splitlines() if row.startswith(f"content/2024-05-01-{name}.md:{line}: error: ")]
        assert len(said) == 1 and words in said[0] and " — " in said[0], (name, err)
        assert not list((project_copy / "output").glob(f"*/2024-05-01-{name}.*"))
    for name, char in BAD_BODY.items():
        assert f"content/2024-05-02-{name}.md:9: error: the line holds " in err, err
        assert not list((project_copy / "output").glob(f"*/2024-05-02-{name}.*"))
    _samples_published(project_copy)
    assert {k: v for k, v in _translations(project_copy).items() if k in before} == before


def test_a_release_whose_reading_fails_unforeseen_is_named_and_the_rest_published(project_copy, capsys,
                                                                                  monkeypatch):
    """The last resort: whatever the reader raises for one release, the run goes on without it."""
    from workflow import segment

    scan = segment.scan  # the one traversal that reads a release's body

    def failing(rel):
        if rel.slug == BELGIUM:
            raise TypeError("something nobody foresaw")
        return scan(rel)

    monkeypatch.setattr(segment, "scan", failing)
    assert main(["--root", str(project_copy), "publish"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"content/{BELGIUM}.md: error: TypeError: something nobody foresaw" in err
    for lang in LANGS:
        assert (project_copy / "output" / lang / f"{FRANCOPHONIE}.pdf").is_file()


def test_a_catalog_whose_reading_fails_unforeseen_is_kept_and_the_rest_published(project_copy, capsys,
                                                                                monkeypatch):
    from workflow import parsecache, runstate, workspace

    assert main(["--root", str(project_copy), "-q", "publish"]) == 0
    capsys.readouterr()
    path = project_copy / f"locale/fr/LC_MESSAGES/{BELGIUM}.po"
    before, pdf = path.read_bytes(), (project_copy / "output/fr" / f"{BELGIUM}.pdf").read_bytes()
    read = workspace.read_po_bytes
    # Nothing on disk changes: without its record of the last run, the publish is a full one, and
    # without its parse cache every catalog is read again.
    (project_copy / "output" / runstate.RECORD).unlink()
    shutil.rmtree(project_copy / parsecache.FOLDER, ignore_errors=True)

    def failing(data, *, path):
        if path.endswith(f"fr/LC_MESSAGES/{BELGIUM}.po"):
            raise ValueError("something nobody foresaw")
        return read(data, path=path)

    monkeypatch.setattr(workspace, "read_po_bytes", failing)
    assert main(["--root", str(project_copy), "publish"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"locale/fr/LC_MESSAGES/{BELGIUM}.po: error: ValueError: something nobody foresaw" in err
    assert path.read_bytes() == before
    assert (project_copy / "output/fr" / f"{BELGIUM}.pdf").read_bytes() == pdf
    _samples_published(project_copy)


def test_front_matter_scalars_are_published_as_written(project_copy, capsys):
    """A plain value is the text it is: no number, boolean or octal conversion, however long."""
    (project_copy / "content" / "2024-05-02-plain.md").write_text(
        "---\ntitle: 1.50\ndate: !!str 2024-05-02\nlang: en\nsubtitle: yes\nreference: 0123\n"
        f"place: 1e3\nissued: !!timestamp 2024-05-03 10:00:00\ndepartment: {NUMBER[:1500]}\n---\n\nText.\n",
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
    assert pot["type: front matter: department"] == NUMBER[:1500]  # a front-matter text may have 2,000 characters
    page = (project_copy / "output/en/2024-05-02-plain.html").read_text(encoding="utf-8")
    assert "0123" in page and "1.50" in page
    anchor = [e.msgid for e in polib.pofile(str(project_copy / "locale/templates/2024-05-05-anchor.pot"))]
    assert anchor[:2] == ["Same", "Siem Reap"]  # title and subtitle (an alias) are one message; the merged place
    _samples_published(project_copy)


# ------------------------------------------------------- dates before 1904

def test_the_font_time_stamp_is_clamped_to_1904_not_the_release_date(monkeypatch):
    from workflow.pages import _epoch
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


# ------------------------------------------------------ PO header charsets

REFUSED_CHARSETS = {
    "base64": "is a transformation, not a text encoding", "rot13": "is a transformation",
    "rot_13": "is a transformation", "hex": "is a transformation", "zlib": "is a transformation",
    "bz2": "is a transformation", "uu": "is a transformation", "quopri": "is a transformation",
    "undefined": "is a transformation", "idna": "is a transformation", "punycode": "is a transformation",
    "unicode_escape": "is a transformation", "raw_unicode_escape": "is a transformation",
    "no-such-charset": "is not an encoding this tool knows", "utf-16": "does not keep ASCII bytes as ASCII",
    "UTF-16LE": "does not keep ASCII bytes as ASCII", "utf-32": "does not keep ASCII bytes as ASCII",
    "UTF-7": "does not keep ASCII bytes as ASCII", "cp037": "does not keep ASCII bytes as ASCII",
}


def _catalog(charset: str, msgstr: str = "Bonjour") -> bytes:
    return (f'# A translator\'s file\nmsgid ""\nmsgstr ""\n"Project-Id-Version: x\\n"\n'
            f'"Content-Type: text/plain; charset={charset}\\n"\n"Content-Transfer-Encoding: 8bit\\n"\n\n'
            f'msgid "Hello"\nmsgstr "{msgstr}"\n').encode("ascii")


@pytest.mark.parametrize("charset", REFUSED_CHARSETS)
def test_a_charset_that_is_not_a_text_encoding_names_the_header_line(charset, tmp_path):
    with pytest.raises(PoSyntaxError) as caught:
        read_po_bytes(_catalog(charset), path="locale/fr/LC_MESSAGES/x.po")
    assert caught.value.line == 5  # the Content-Type line
    assert f"the header declares charset={charset}, which {REFUSED_CHARSETS[charset]}" in caught.value.message
    assert "declare charset=UTF-8" in caught.value.hint
    # GNU msgfmt (the reference) does not know these names either: it warns and reads the bytes
    # unconverted; we would have to guess what the translator wrote, so the catalog is not used.
    path = tmp_path / "x.po"
    path.write_bytes(_catalog(charset))
    checked = run(tool("msgfmt"), "-c", "-o", os.devnull, str(path))
    assert "is not a portable encoding name" in checked.stderr or checked.returncode != 0, checked.stderr


@pytest.mark.parametrize("charset, text", [("KOI8-R", "Привет"), ("CP1251", "Привет"), ("SHIFT_JIS", "こんにちは"),
                                           ("GB18030", "你好"), ("ISO-8859-15", "Déjà 5 €"), ("CP1252", "Déjà"),
                                           ("EUC-KR", "안녕"), ("BIG5", "你好"), ("UTF-8", "សួស្តី")])
def test_a_real_charset_is_read_as_gnu_msgconv_reads_it(charset, text, tmp_path):
    data = _catalog(charset, "@@").replace(b"@@", text.encode(charset))
    path = tmp_path / "x.po"
    path.write_bytes(data)
    converted = run(tool("msgconv"), "--to-code=UTF-8", str(path))
    assert converted.returncode == 0, converted.stderr
    ours = read_po_bytes(data, path="x.po")
    assert [e.msgstr for e in ours] == [e.msgstr for e in polib.pofile(converted.stdout)] == [text]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le"])
def test_a_catalog_saved_as_utf16_or_utf32_is_named_at_line_1(encoding):
    data = _catalog("UTF-8").decode("ascii").encode(encoding)
    with pytest.raises(PoSyntaxError) as caught:
        read_po_bytes(data, path="x.po")
    assert caught.value.line == 1 and "the file is saved as UTF-" in caught.value.message
    assert "save it as UTF-8" in caught.value.hint


def test_a_control_character_in_the_charset_is_not_echoed():
    with pytest.raises(PoSyntaxError) as caught:
        read_po_bytes(_catalog("x\x1b[2Jy"), path="x.po")
    assert "\x1b" not in str(caught.value) and "charset=x?[2Jy" in str(caught.value)
    with pytest.raises(PoSyntaxError, match=r"charset=UTF-\?8, which is not an encoding this tool knows"):
        read_po_bytes(_catalog("UTF-\x008"), path="x.po")  # codecs.lookup() raised ValueError


def _header_line(path: Path) -> int:
    return next(n for n, row in enumerate(path.read_text(encoding="ascii", errors="replace").splitlines(), 1)
                if "charset=" in row)


def test_catalogs_declaring_no_text_encoding_keep_their_editions_and_the_rest_is_published(project_copy, capsys):
    assert main(["--root", str(project_copy), "-q", "publish"]) == 0
    capsys.readouterr()
    broken = {("fr", BELGIUM): "base64", ("km", FRANCOPHONIE): "rot13", ("en", FRANCOPHONIE): "utf-16"}
    kept = {}
    for (lang, slug), charset in broken.items():
        path = project_copy / f"locale/{lang}/LC_MESSAGES/{slug}.po"
        path.write_bytes(path.read_bytes().replace(b"charset=UTF-8", f"charset={charset}".encode()))
        kept[(lang, slug)] = (project_copy / "output" / lang / f"{slug}.pdf").read_bytes()
    before = _translations(project_copy)
    assert main(["--root", str(project_copy), "publish"]) == 1
    err = capsys.readouterr().err
    _no_crash(err)
    for (lang, slug), charset in broken.items():
        shown = f"locale/{lang}/LC_MESSAGES/{slug}.po"
        line = _header_line(project_copy / shown)
        assert f"{shown}:{line}: error: the header declares charset={charset}, which " in err, err
        assert (project_copy / "output" / lang / f"{slug}.pdf").read_bytes() == kept[(lang, slug)]
    assert _translations(project_copy) == before  # a catalog we cannot read is never rewritten
    _samples_published(project_copy)
    # The other editions are rebuilt, and the indexes still list every edition.
    index = (project_copy / "output/fr/index.html").read_text(encoding="utf-8")
    assert BELGIUM in index and FRANCOPHONIE in index


def test_a_ui_catalog_with_a_bad_charset_is_named_and_the_editions_are_published(project_copy, capsys):
    path = project_copy / "locale/km/LC_MESSAGES/ui.po"
    path.write_bytes(path.read_bytes().replace(b"charset=UTF-8", b"charset=hex"))
    before = path.read_bytes()
    assert main(["--root", str(project_copy), "publish"]) == 1
    err = capsys.readouterr().err
    _no_crash(err)
    assert f"locale/km/LC_MESSAGES/ui.po:{_header_line(path)}: error: the header declares charset=hex" in err
    assert path.read_bytes() == before
    _samples_published(project_copy)


def test_a_glossary_with_a_bad_charset_says_what_to_declare(project_copy, capsys):
    path = project_copy / "locale/glossary/fr.po"
    path.write_bytes(path.read_bytes().replace(b"charset=UTF-8", b"charset=zlib"))
    assert main(["--root", str(project_copy), "publish"]) == 1
    err = capsys.readouterr().err
    _no_crash(err)
    assert (f"locale/glossary/fr.po:{_header_line(path)}: error: the header declares charset=zlib, which is a "
            "transformation, not a text encoding — declare charset=UTF-8") in err
    _samples_published(project_copy)


# ------------------------------------------------------------ reserved names

RESERVED = ["index", "releases", "review", "assets", "ui", "templates", "glossary", "issued", "approvals",
            "km", "en", "fr"]


@pytest.mark.parametrize("name", RESERVED + ["2024-05-06-visit.v2", "x.v10"])
def test_a_reserved_name_is_refused(name):
    with pytest.raises(WorkflowError, match="rename the file"):
        release.parse("---\ntitle: T\ndate: 2024-05-06\nlang: en\n---\n\nText.\n", path=f"content/{name}.md",
                      slug=name)


def test_names_the_outputs_use_are_refused_and_nothing_is_overwritten(project_copy, capsys):
    """``content/index.md`` was a valid slug whose edition the language index overwrote (exit 0)."""
    for name in RESERVED + ["2024-05-06-visit.v2"]:
        (project_copy / "content" / f"{name}.md").write_text(
            f"---\ntitle: Release called {name}\ndate: 2024-05-06\nlang: en\n---\n\nText of {name}.\n",
            encoding="utf-8")
    (project_copy / "content" / ".2024-05-07-hidden.md").write_text(
        "---\ntitle: Hidden\ndate: 2024-05-07\nlang: en\n---\n\nText.\n", encoding="utf-8")
    assert main(["--root", str(project_copy), "publish"]) == 1
    err = capsys.readouterr().err
    _no_crash(err)
    for name in RESERVED:
        assert f"content/{name}.md: error: the name '{name}' is reserved" in err, err
        assert f"rename the file, e.g. to YYYY-MM-DD-{name}.md" in err
        assert not (project_copy / "locale/templates" / f"{name}.pot").exists() or name == "ui"
    assert ("content/2024-05-06-visit.v2.md: error: the file name '2024-05-06-visit.v2' ends like an earlier "
            "version's file") in err
    assert ("content/.2024-05-07-hidden.md: warning: not read: a name starting with '.' is hidden; rename it to "
            "2024-05-07-hidden.md") in err
    for lang in LANGS:
        index = (project_copy / "output" / lang / "index.html").read_text(encoding="utf-8")
        assert BELGIUM in index and FRANCOPHONIE in index and "Release called" not in index
    assert not list((project_copy / "output").rglob("*Release called*"))
    assert all("Release called" not in p.read_text(encoding="utf-8", errors="replace")
               for p in (project_copy / "output").rglob("*.html"))
    assert not (project_copy / "output/en/releases.html").exists()
    _samples_published(project_copy)


def test_a_name_too_long_for_the_tools_own_files_is_refused_and_the_longest_allowed_is_published(project_copy,
                                                                                              capsys):
    """A 250-character name fits content/ (255 bytes) but not '.<name>.v2.html.<random>.tmp': a
    traceback (File name too long) stopped the whole run."""
    longest = "2024-05-08-" + "a" * (release.SLUG_MAX - 11)
    too_long = "2024-05-08-" + "b" * (250 - 11)
    for slug in (longest, too_long):
        (project_copy / "content" / f"{slug}.md").write_text(
            "---\ntitle: Long\ndate: 2024-05-08\nlang: en\n---\n\nText.\n", encoding="utf-8")
    assert main(["--root", str(project_copy), "publish"]) == 1
    err = capsys.readouterr().err
    _no_crash(err)
    assert f"content/{too_long}.md: error: the file name is 250 characters long, more than the 150" in err
    assert "rename the file to a shorter name" in err
    for ext in ("html", "pdf"):
        assert (project_copy / "output/en" / f"{longest}.{ext}").is_file()
    assert (project_copy / "locale/fr/LC_MESSAGES" / f"{longest}.po").is_file()
    _samples_published(project_copy)


# ------------------------------------------------------- numbers in catalogs

PO_HEADER = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
             '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n')
WORDS = "x " * 50


def _number_catalogs(number: str) -> dict[str, str]:
    """Catalogs with ``number`` where GNU reads a number: line numbers, plural indexes, ranges,
    format directives' argument numbers and widths."""
    return {
        "reference": f"#: content/x.md:{number} y.md : {number} z.md: {number}\nmsgid \"a\"\nmsgstr \"b\"\n",
        "solaris": f"# File: x.md, line: {number}\nmsgid \"a\"\nmsgstr \"b\"\n",
        "range": f"#, range: {number}..{number}\nmsgid \"a\"\nmsgstr \"b\"\n",
        "range-to": f"#, range: 3..{number}\nmsgid \"a\"\nmsgstr \"b\"\n",
        "index": f"msgid \"a\"\nmsgid_plural \"b\"\nmsgstr[{'0' * len(number)}] \"x\"\nmsgstr[0001] \"y\"\n",
        # (a long source: a translation may have four times its source's length)
        "c-format": f"#, c-format\nmsgid \"a %1$s {'x' * len(number)}\"\nmsgstr \"b %{number}$s %*{number}$s "
                    f"%{number}d {WORDS}\"\n",
        "python-format": f"#, python-format\nmsgid \"a %s {'x' * len(number)}\"\nmsgstr \"b %{number}.{number}f {WORDS}\"\n",
        "php-format": f"#, php-format\nmsgid \"a %s {'x' * len(number)}\"\nmsgstr \"b %{number}$s {WORDS}\"\n",
    }


@pytest.mark.parametrize("number", ["9" * 30, "9" * 5000, "18446744073709551615", "18446744073709551616",
                                    "2147483648", "0" * 5000 + "7"])
def test_huge_numbers_in_a_catalog_are_read_and_written_as_msgcat_does(number, tmp_path):
    """Python's int() refuses more than 4,300 digits: a 5,000-digit line number or plural index
    was a traceback.  GNU reads them as C integers (wrapped, or clamped); so do we."""
    for name, body in _number_catalogs(number).items():
        data = (PO_HEADER + body).encode()
        path = tmp_path / f"{name}.po"
        path.write_bytes(data)
        gnu = run(tool("msgcat"), str(path))
        assert gnu.returncode == 0, (name, gnu.stderr)
        started = time.process_time()  # CPU time: not what the machine's load adds
        from workflow.po import dump_po
        assert dump_po(read_po_bytes(data, path=f"{name}.po")) == gnu.stdout, name
        assert time.process_time() - started < 10


def test_a_huge_plural_index_is_a_wrong_index_as_gnu_says(tmp_path):
    data = (PO_HEADER + f'msgid "a"\nmsgid_plural "b"\nmsgstr[0] "x"\nmsgstr[{"9" * 5000}] "y"\n').encode()
    with pytest.raises(PoSyntaxError) as caught:
        read_po_bytes(data, path="x.po")
    assert (caught.value.line, caught.value.message) == (9, "plural form has wrong index")
    (tmp_path / "x.po").write_bytes(data)
    assert "x.po:9: plural form has wrong index" in run(tool("msgfmt"), "-c", "-o", os.devnull,
                                                          str(tmp_path / "x.po")).stderr


def test_huge_numbers_in_a_translators_catalog_keep_the_run_going(project_copy, capsys):
    assert main(["--root", str(project_copy), "-q", "publish"]) == 0
    kept = (project_copy / "output/km" / f"{FRANCOPHONIE}.pdf").read_bytes()
    fr = project_copy / f"locale/fr/LC_MESSAGES/{BELGIUM}.po"
    text = fr.read_text(encoding="utf-8")
    text = text.replace("#: content/", f"#, range: 1..{'9' * 5000}\n#: content/x.md:{'9' * 5000} content/", 1)
    fr.write_text(text, encoding="utf-8")
    km = project_copy / f"locale/km/LC_MESSAGES/{FRANCOPHONIE}.po"
    km.write_text(km.read_text(encoding="utf-8") + f'\nmsgid "one"\nmsgid_plural "many"\nmsgstr[{"9" * 5000}] "x"\n',
                  encoding="utf-8")
    line = km.read_text(encoding="utf-8").count("\n")
    before_fr = {e.msgid: e.msgstr for e in polib.pofile(str(fr))}
    before_km = km.read_bytes()
    assert main(["--root", str(project_copy), "publish"]) == 1
    err = capsys.readouterr().err
    _no_crash(err)
    assert f"locale/km/LC_MESSAGES/{FRANCOPHONIE}.po:{line}: error: plural form has wrong index" in err
    assert km.read_bytes() == before_km
    assert (project_copy / "output/km" / f"{FRANCOPHONIE}.pdf").read_bytes() == kept  # the last one stays
    assert {e.msgid: e.msgstr for e in polib.pofile(str(fr)) if e.msgid in before_fr} == before_fr
    _samples_published(project_copy)


# ------------------------------------------------------------------ settings

BAD_SETTINGS = [
    ("fuzzy_threshold", '"abc"', "fuzzy_threshold = 'abc' is not a whole number from 0 to 100"),
    ("fuzzy_threshold", "1e400", "fuzzy_threshold = inf is not a whole number"),
    ("fuzzy_threshold", "[1]", "fuzzy_threshold = [1] is not a whole number"),
    ("fuzzy_threshold", "500", "fuzzy_threshold = 500 is not a whole number from 0 to 100"),
    ("fuzzy_threshold", "true", "fuzzy_threshold = True is not a whole number"),
    ("languages", "5", "languages = 5 is not a list of language codes"),
    ("languages", '"en"', "languages = 'en' is not a list of language codes"),
    ("languages", "[]", "languages = [] is not a list of language codes"),
    ("languages", '[["en"]]', "languages = [['en']] is not a list of language codes"),
    ("languages", '["en", "en"]', "languages = ['en', 'en'] is not a list of different languages"),
    ("templates", "5", "templates = 5 is not a folder's name"),
    ("approval", '"yes"', "approval = 'yes' is not true or false"),
]


@pytest.mark.parametrize("key, value, words", BAD_SETTINGS)
def test_a_setting_of_the_wrong_kind_is_named_with_its_line(project_copy, capsys, key, value, words):
    settings = project_copy / "pyproject.toml"
    text = settings.read_text(encoding="utf-8")
    if re.search(rf"(?m)^{key} = ", text):
        text = re.sub(rf"(?m)^{key} = .*$", lambda m: f"{key} = {value}", text)
    else:
        text = text.replace("[tool.workflow]\n", f"[tool.workflow]\n{key} = {value}\n")
    settings.write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith(f"{key} = "))
    assert main(["--root", str(project_copy), "publish"]) == 2
    err = capsys.readouterr().err
    _no_crash(err)
    assert f"pyproject.toml:{line}: {words}" in err and " — " in err, err
    assert not (project_copy / "output").exists()  # nothing is built on settings it cannot read


def test_a_tool_workflow_that_is_not_a_table_is_named(project_copy, capsys):
    settings = project_copy / "pyproject.toml"
    text = re.sub(r"(?ms)^\[tool\.workflow\]\n.*?(?=^\[|\Z)", "", settings.read_text(encoding="utf-8"))
    settings.write_text(text + "\n[tool]\nworkflow = 5\n", encoding="utf-8")
    assert main(["--root", str(project_copy), "publish"]) == 2
    err = capsys.readouterr().err
    _no_crash(err)
    assert "[tool.workflow] must be a table of settings" in err


@pytest.mark.parametrize("value", ["99999999999999", "\u00b2", "1" + "0" * 5000, "-5", "soon"])
def test_a_source_date_epoch_that_is_not_a_time_is_said_once_and_the_clock_dates_the_templates(
        project_copy, capsys, monkeypatch, value):
    from workflow import catalog

    catalog._source_date.cache_clear()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    (project_copy / "content" / "2024-05-09-new.md").write_text(  # a new template is dated
        "---\ntitle: New\ndate: 2024-05-09\nlang: en\n---\n\nText.\n", encoding="utf-8")
    assert main(["--root", str(project_copy), "publish"]) == 0
    err = capsys.readouterr().err
    _no_crash(err)
    assert err.count("SOURCE_DATE_EPOCH=") == 1 and "the templates are dated by the clock" in err
    _samples_published(project_copy)
