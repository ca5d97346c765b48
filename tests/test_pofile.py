"""workflow.po against the real judges: GNU msgcat / msgfmt (gettext 0.21).

The writer must print exactly what ``msgcat`` prints for the same catalog,
so every test here compares with the real tool (and skips, saying why, when
the tool or the shared corpus is missing).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import random
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workflow.po import linebreak as po_linebreak
from workflow.po import PoSyntaxError, dump_po, dump_po_bytes, read_po, read_po_bytes, write_po_file

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
MALFORMED = CORPUS / "po4a-markdown" / "monero-site" / "Offline_Backup.fr.MALFORMED.po"
EXAMPLES = int(os.environ.get("POFILE_EXAMPLES", "60"))


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.suffix in (".po", ".pot") and p != MALFORMED)


def need_corpus() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not here: {CORPUS} (it lives in ../shared/corpus beside the clone)")


def gettext_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (apt-get install gettext)")
    return found


def msgcat_bytes(path: Path) -> bytes:
    done = subprocess.run([gettext_tool("msgcat"), str(path)], capture_output=True)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return done.stdout


def msgcat_text(text: str, tmp_path: Path, name: str = "x.po") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return msgcat_bytes(path).decode("utf-8")


# ------------------------------------------------------------ the corpus

@pytest.mark.parametrize("path", corpus_files() or [None], ids=lambda p: p.name if p else "no-corpus")
def test_corpus_file_is_written_exactly_like_msgcat(path):
    need_corpus()
    expected = msgcat_bytes(path)
    ours = dump_po_bytes(read_po_bytes(path.read_bytes(), path=str(path)))
    assert ours == expected


@pytest.mark.parametrize("path", corpus_files() or [None], ids=lambda p: p.name if p else "no-corpus")
def test_our_output_is_a_msgcat_fixed_point(path, tmp_path):
    need_corpus()
    ours = dump_po(read_po(path.read_text(encoding="utf-8"), path=str(path)))
    assert msgcat_text(ours, tmp_path) == ours
    assert dump_po(read_po(ours)) == ours


def test_corpus_has_what_it_claims():
    """Guard against a silently shrunken corpus: the hard cases must be there."""
    need_corpus()
    names = {p.name for p in corpus_files()}
    assert {"debian-apt_km.po", "kde-konsole_fr.po", "weblate-website_django_km.po",
            "kobotoolbox-kpi_django_km.po", "verification-allos-advanced.fr.po"} <= names


# -------------------------------------------------------- reading errors

def test_malformed_corpus_file_reports_line_44():
    need_corpus()
    with pytest.raises(PoSyntaxError) as caught:
        read_po_bytes(MALFORMED.read_bytes(), path="Offline_Backup.fr.po")
    error = caught.value
    assert (error.path, error.line) == ("Offline_Backup.fr.po", 44)
    assert "do not both end with '\\n'" in error.message
    assert str(error).startswith("Offline_Backup.fr.po:44: ")
    assert "re-export the file" in str(error)


def test_malformed_line_agrees_with_msgfmt(tmp_path):
    need_corpus()
    done = subprocess.run([gettext_tool("msgfmt"), "-o", os.devnull, str(MALFORMED)],
                          capture_output=True, text=True)
    assert done.returncode != 0 and ":44: 'msgid' and 'msgstr' entries do not both end" in done.stderr


@pytest.mark.parametrize("data", [b"", b"\n  \n"])
def test_empty_file_is_an_error(data):
    with pytest.raises(PoSyntaxError) as caught:
        read_po_bytes(data, path="empty.po")
    assert (caught.value.path, caught.value.line, caught.value.message) == ("empty.po", 1, "empty file")


@pytest.mark.parametrize("text, line, words", [
    ('msgid "a"\n', 1, "expected 'msgstr'"),
    ('msgid "a"\nmsgstr "b" x\n', 2, "unknown keyword"),
    ('msgid "a\nmsgstr ""\n', 1, "end-of-line within string"),
    ('msgid "a\\q"\nmsgstr ""\n', 1, "invalid control sequence"),
    ('msgid "a"\nmsgid_plural "b"\nmsgstr[1] ""\n', 3, "wrong index"),
    ('msgid "a"\nmsgstr "b"\n\n#~ msgid "a"\n#~ msgstr "c"\n', 4, "duplicate message definition"),
    ('#| msgid "old"\n#~ msgid "a"\n#~ msgstr "b"\n', 2, "inconsistent use of #~"),
    ('msgid "\\nx"\nmsgstr "y"\n', 2, "do not both begin with"),
    ('msgid "a"\nmsgid_plural "b\\n"\nmsgstr[0] "c"\nmsgstr[1] "d"\n', 3, "'msgid_plural' entries"),
])
def test_syntax_errors_name_the_line(text, line, words):
    with pytest.raises(PoSyntaxError) as caught:
        read_po(text, path="bad.po")
    assert caught.value.line == line and words in caught.value.message


def test_fuzzy_untranslated_and_obsolete_entries_are_not_newline_checked(tmp_path):
    text = ('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
            '#, fuzzy\nmsgid "a\\n"\nmsgstr "b"\n\nmsgid "c\\n"\nmsgstr ""\n\n'
            '#~ msgid "d\\n"\n#~ msgstr "e"\n')
    assert len(read_po(text)) == 3
    path = tmp_path / "ok.po"
    path.write_text(text, encoding="utf-8")
    assert subprocess.run([gettext_tool("msgfmt"), "-o", os.devnull, str(path)]).returncode == 0


def test_undecodable_bytes_name_their_line():
    data = b'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "a"\nmsgstr "\xff"\n'
    with pytest.raises(PoSyntaxError) as caught:
        read_po_bytes(data, path="bad.po")
    assert caught.value.line == 5


LATIN1 = ('# Vieux fichier\nmsgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=ISO-8859-1\\n"\n\n'
          '#: a.c:1\nmsgid "café"\nmsgstr "café crème, très « bien » à la française, avec des '
          'accents partout et une ligne assez longue pour être coupée"\n\nmsgid "\\351t\\xe9"\nmsgstr "été"\n')


def test_latin1_declared_file_is_decoded_by_its_header(tmp_path):
    data = LATIN1.encode("latin-1")
    po = read_po_bytes(data, path="old.po")
    assert po[0].msgid == "café" and po[1].msgid == "été"
    assert po.metadata["Content-Type"] == "text/plain; charset=ISO-8859-1"
    path = tmp_path / "old.po"
    path.write_bytes(data)
    assert dump_po_bytes(po) == msgcat_bytes(path)


def test_domain_directives_are_refused():
    with pytest.raises(PoSyntaxError) as caught:
        read_po('domain "other"\nmsgid "a"\nmsgstr "b"\n', path="d.po")
    assert caught.value.line == 1 and "domain" in caught.value.message


def test_header_is_written_first(tmp_path):
    """msgcat keeps a late header where it is; polib has no place for that."""
    text = 'msgid "a"\nmsgstr "b"\n\n' + HEADER.rstrip("\n") + "\n"
    assert msgcat_text(text, tmp_path).startswith('msgid "a"')
    assert dump_po(read_po(text)) == HEADER + 'msgid "a"\nmsgstr "b"\n'


def test_byte_order_mark_is_skipped():
    po = read_po_bytes('\ufeffmsgid "a"\nmsgstr "b"\n'.encode("utf-8"))
    assert po[0].msgstr == "b"


# ---------------------------------------------------- hand-made oddities

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
ODDITIES = {
    "comments": '#foo bar   \n#  two spaces\n#\n#.extracted\n#.  two\n#.\n# File: x.c, line:5\nmsgid "a"\nmsgstr "b"\n',
    "references": "#: b.c:3 a.c a.c:1 b.c:3\n#: ./x/y.c:10 e: 12 f :7 c:d:12 foo:bar\n"
                  + "#: " + " ".join(f"src/some/long/path/file{i}.py:{i * 7}" for i in range(9))
                  + '\nmsgid "a"\nmsgstr "b"\n',
    "flags": "#, fuzzy\n#, python-format, fuzzy, foo-bar, no-wrap, c-format, range: 1..5, possible-php-format,"
             ' no-python-format\nmsgid "hello %s"\nmsgstr "bonjour"\n\n#, fuzzy\nmsgid "empty"\nmsgstr ""\n',
    "obsolete": '#, fuzzy, c-format\n#~| msgid "old"\n#~ msgid "obs"\n#~ msgstr "x"\n\n'
                '#~ msgid "gone"\n#~ msgstr ""\n\n#, no-wrap\n#~ msgid "' + "long " * 30 + '"\n#~ msgstr "y"\n',
    "previous": '#, fuzzy\n#| msgctxt "ctx"\n#| msgid "' + "previous words " * 8 + '"\n#| msgid_plural "p"\n'
                'msgctxt "ctx"\nmsgid "a"\nmsgid_plural "b"\nmsgstr[0] "c"\nmsgstr[1] "d"\n',
    "escapes": 'msgid "tab\\there \\"quoted\\" back\\\\slash \\a\\b\\f\\v\\r end"\nmsgstr "\\x41\\101"\n',
    "newlines": 'msgid "one\\ntwo\\n\\nthree\\n"\nmsgstr "' + "un deux trois " * 12 + '\\n"\n',
    "c-format-spaces": '#, c-format\nmsgid "' + "x" * 66 + ' 100% of the %-s thing %.*s and more words here"\n'
                       'msgstr ""\n',
    "python-format": '#, python-format\nmsgid "' + "y" * 60 + ' %(user-name)s and %(a b)s, % d and more"\nmsgstr ""\n',
    "brace-format": '#, python-brace-format\nmsgid "' + "z" * 64 + ' {obj.attr-x} and {x:>10}"\nmsgstr ""\n',
    "khmer-zwsp": 'msgid "x"\nmsgstr "' + "ការ\u200bកំណត់\u200bរចនាសម្ព័ន្ធ\u200b" * 6 + '"\n',
    "khmer-no-break": 'msgid "x"\nmsgstr "' + "ការកំណត់រចនាសម្ព័ន្ធ" * 9 + ' ok"\n',
    "french-nbsp": 'msgid "x"\nmsgstr "' + "Attention\u00a0: voici «\u202fune phrase\u202f» très\u00a0longue ; " * 3 + '"\n',
    "cjk": 'msgid "x"\nmsgstr "' + "日本語のテキストは空白がありません。" * 5 + '"\n',
    "long-url": 'msgid "See https://example.org/a/very/long/path/with/many/segments/and-hyphens-too/'
                'index.html?query=value&other=thing for details"\nmsgstr ""\n',
}


@pytest.mark.parametrize("name", sorted(ODDITIES))
def test_oddities_are_written_like_msgcat(name, tmp_path):
    text = HEADER + ODDITIES[name]
    expected = msgcat_text(text, tmp_path)
    assert dump_po(read_po(text)) == expected


def test_polib_fields_are_filled():
    text = HEADER + ODDITIES["previous"] + "\n" + ODDITIES["references"].replace('"a"', '"z"')
    po = read_po(text)
    entry = po[0]
    assert entry.fuzzy and entry.msgctxt == "ctx" and entry.msgstr_plural == {0: "c", 1: "d"}
    assert entry.previous_msgctxt == "ctx" and entry.previous_msgid_plural == "p"
    assert po[1].occurrences[:3] == [("b.c", "3"), ("a.c", ""), ("a.c", "1")]
    assert po.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"


def test_edited_polib_fields_win_over_what_was_read():
    po = read_po(HEADER + ODDITIES["comments"])
    po[0].tcomment = "new comment"
    po[0].comment = ""
    po.metadata["Language"] = "fr"
    out = dump_po(po)
    assert "# new comment\n#: x.c:5\nmsgid" in out
    assert '"Language: fr\\n"' in out and "#." not in out


def test_catalog_built_with_polib_alone(tmp_path):
    po = polib.POFile()
    po.header = "Built in code."
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "km"}
    po.metadata_is_fuzzy = ["fuzzy"]
    po.append(polib.POEntry(msgid="Hello " * 20, msgstr="សួស្តី\u200b" * 20, comment="extracted\nsecond",
                            occurrences=[("a.md", "3"), ("a.md", "3")], flags=["python-format", "fuzzy"]))
    po.append(polib.POEntry(msgid="one", msgid_plural="many", msgstr_plural={0: "x", 1: "y"}))
    po.append(polib.POEntry(msgid="gone", msgstr="parti", obsolete=True))
    out = dump_po(po)
    assert msgcat_text(out, tmp_path) == out
    assert out.startswith("# Built in code.\n#, fuzzy\nmsgid \"\"\n")


def test_header_alone(tmp_path):
    """msgcat prints nothing at all for a catalog that is only a header (it
    refuses to write an empty catalog unless --force-po).  We still write the
    header, so that our own reader can read the file back."""
    text = HEADER.rstrip("\n") + "\n"
    assert msgcat_text(text, tmp_path) == ""
    assert dump_po(read_po(text)) == text
    with_gone_entry = HEADER + '#~ msgid "gone"\n#~ msgstr ""\n'
    assert msgcat_text(with_gone_entry, tmp_path) == text == dump_po(read_po(with_gone_entry))


def test_comment_ending_in_backslash(tmp_path):
    """GNU's lexer joins a line ending in a backslash to the next one, even in
    comments, and msgcat writes comments verbatim: such a comment swallows
    the next line each time msgcat runs.  We read it the same way."""
    text = HEADER + "# ends with \\\n#. next\nmsgid \"a\"\nmsgstr \"b\"\n"
    once = msgcat_text(text, tmp_path)
    assert "# ends with #. next\n" in once
    assert dump_po(read_po(text)) == once


# ----------------------------------------------------------- write_po_file

def test_write_po_file_only_writes_changes(tmp_path):
    po = read_po(HEADER + ODDITIES["newlines"])
    path = tmp_path / "fr.po"
    assert write_po_file(path, po) is True
    assert path.read_bytes() == dump_po_bytes(po)
    stamp = path.stat().st_mtime_ns
    assert write_po_file(path, po) is False
    assert path.stat().st_mtime_ns == stamp
    po[0].msgstr = "changé\n"
    assert write_po_file(path, po) is True
    assert read_po_bytes(path.read_bytes())[0].msgstr == "changé\n"
    assert [p.name for p in tmp_path.iterdir()] == ["fr.po"]  # no temporary file left


def test_write_po_file_keeps_permissions(tmp_path):
    path = tmp_path / "km.po"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o640)
    assert write_po_file(path, read_po(HEADER + ODDITIES["khmer-zwsp"]))
    assert path.stat().st_mode & 0o777 == 0o640
    fresh = tmp_path / "new.po"
    write_po_file(fresh, read_po(HEADER + ODDITIES["khmer-zwsp"]))
    umask = os.umask(0)
    os.umask(umask)
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~umask


def test_write_po_file_keeps_the_declared_charset(tmp_path):
    po = read_po_bytes(LATIN1.encode("latin-1"))
    path = tmp_path / "old.po"
    write_po_file(path, po)
    assert b"caf\xe9" in path.read_bytes()


# ------------------------------------------------ property: random catalogs

KHMER = ("កខគឃងចឆជឈញដឋឌឍណតថទធនបផពភមយរលវសហឡអ" "ាិីឹឺុូួើឿៀេែៃោៅំះៈ់៉៊់៌៍៎៏័្" "។៕៖ៗ៘៙៚៛០១២៣៤៥៦៧៨៩")
SPECIALS = [" ", " ", " ", "\n", "\t", '"', "\\", "\u00a0", "\u202f", "\u200b", "\u200d", "\u2028", "-", "/",
            "%", "{", "}", "(", ")", ".", ",", ":", ";", "«", "»", "…", "'", "<", ">", "&", "=", "?", "!", "#", "~"]
CJK = "日本語中文한국어テキスト。、「」"
letters = st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFXYZ0123456789éèàç")
any_char = st.characters(blacklist_categories=("Cs", "Cc"))
chars = st.one_of(letters, st.sampled_from(list(KHMER)), st.sampled_from(SPECIALS), st.sampled_from(CJK), any_char)
words = st.one_of(
    st.text(chars, min_size=1, max_size=14),
    st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz/.:-_?=&%0123456789"), min_size=40, max_size=130),
    st.text(st.sampled_from(KHMER + "\u200b"), min_size=20, max_size=90),
    st.sampled_from(["%s", "%d", "%(name)s", "{0}", "{name}", "%1", "% d", "%-s", "100% of", "%.*s"]),
)
texts = st.lists(st.one_of(words, st.sampled_from([" ", "\n", "  "])), max_size=16).map("".join)
comment_lines = st.text(st.one_of(letters, st.sampled_from([" ", "#", ".", ":", ",", "~", "|", "\\"]), any_char),
                        max_size=60).filter(lambda line: not line.endswith("\\"))  # see test_comment_ending_in_backslash
file_names = st.from_regex(r"[a-z][a-z0-9_/.-]{0,40}", fullmatch=True)
FLAGS = ["fuzzy", "c-format", "python-format", "no-python-format", "python-brace-format", "php-format",
         "kde-format", "no-wrap", "wrap", "range: 0..9"]


@st.composite
def catalogs(draw, formats: bool = True) -> polib.POFile:
    po = polib.POFile()
    po.header = draw(comment_lines)
    po.metadata = {"Project-Id-Version": "test", "MIME-Version": "1.0",
                   "Content-Type": "text/plain; charset=UTF-8", "Content-Transfer-Encoding": "8bit",
                   "Language": "km", "Plural-Forms": "nplurals=2; plural=(n != 1);"}
    seen = set()
    for _ in range(draw(st.integers(1, 8))):
        entry = draw(entries(formats))
        if (entry.msgctxt, entry.msgid) not in seen:
            seen.add((entry.msgctxt, entry.msgid))
            po.append(entry)
    po[0].obsolete = False  # msgcat prints nothing for a header alone (see test_header_alone)
    return po


@st.composite
def entries(draw, formats: bool) -> polib.POEntry:
    msgid = draw(texts.filter(bool))
    translated = draw(st.booleans())
    plural = draw(st.booleans())
    flags = draw(st.lists(st.sampled_from(FLAGS if formats else ["fuzzy", "no-wrap", "wrap"]), max_size=3))
    entry = polib.POEntry(
        msgid=msgid,
        msgctxt=draw(st.one_of(st.none(), texts)),
        tcomment="\n".join(draw(st.lists(comment_lines, max_size=3))),
        comment="\n".join(draw(st.lists(comment_lines, max_size=2))),
        occurrences=draw(st.lists(st.tuples(file_names, st.one_of(st.just(""), st.integers(1, 99999).map(str))),
                                  max_size=8)),
        flags=flags,
        obsolete=draw(st.integers(0, 5)) == 0,
    )
    if "fuzzy" in flags and draw(st.booleans()):
        entry.previous_msgid = draw(texts)
        entry.previous_msgctxt = draw(st.one_of(st.none(), texts))
    msgstrs = [same_newlines(msgid, draw(texts.filter(bool))) if translated else "" for _ in range(2)]
    if plural:
        entry.msgid_plural = same_newlines(msgid, draw(texts.filter(bool)))
        entry.msgstr_plural = dict(enumerate(msgstrs))
    else:
        entry.msgstr = msgstrs[0]
    return entry


def same_newlines(model: str, text: str) -> str:
    """`text` with a leading/trailing newline exactly when `model` has one (msgfmt --check)."""
    text = text.strip("\n") or "x"
    return ("\n" if model.startswith("\n") else "") + text + ("\n" if model.endswith("\n") else "")


def check_with_gettext(po: polib.POFile, tmp_path: Path, *, msgfmt: bool) -> None:
    out = dump_po(po)
    path = tmp_path / f"random-{random.getrandbits(64):x}.po"
    path.write_text(out, encoding="utf-8")
    try:
        assert msgcat_bytes(path).decode("utf-8") == out
        assert dump_po(read_po(out)) == out
        if msgfmt:
            done = subprocess.run([gettext_tool("msgfmt"), "--check", "-o", os.devnull, str(path)],
                                  capture_output=True, text=True)
            assert done.returncode == 0, done.stderr
    finally:
        path.unlink()


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.function_scoped_fixture])
@given(po=catalogs(formats=False))
def test_random_catalogs_survive_msgcat_and_msgfmt(po, tmp_path):
    check_with_gettext(po, tmp_path, msgfmt=True)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.function_scoped_fixture])
@given(po=catalogs(formats=True))
def test_random_catalogs_with_format_flags_survive_msgcat(po, tmp_path):
    check_with_gettext(po, tmp_path, msgfmt=False)


# ------------------------------------- the line breaker against libunistring

def libunistring():
    name = ctypes.util.find_library("unistring")
    if name is None:
        pytest.skip("libunistring is not installed (apt-get install libunistring2)")
    lib = ctypes.CDLL(name)
    if not hasattr(lib, "u8_possible_linebreaks_v2"):
        pytest.skip("this libunistring predates 1.0")
    lib.uc_width.argtypes = [ctypes.c_uint32, ctypes.c_char_p]
    lib.u8_possible_linebreaks_v2.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_char_p]
    return lib


def test_width_table_matches_libunistring():
    lib = libunistring()
    wrong = [hex(code) for code in range(1, 0x110000)
             if not 0xD800 <= code < 0xE000
             and po_linebreak.char_width.__wrapped__(chr(code), False) != lib.uc_width(code, b"UTF-8")]
    assert wrong == []


def test_line_breaks_match_libunistring():
    lib = libunistring()
    rng = random.Random(1)
    pool = [chr(c) for c in range(0x20, 0x3000, 7)] + list(KHMER + CJK) + SPECIALS * 5 + ["\u200b", "\u0300"] * 20
    pool += [chr(c) for c in (0x1F1E6, 0x1F1E7, 0x1F466, 0x1F3FB, 0x5D0, 0xAC00, 0xAC01, 0x1100, 0x1160, 0x11A8)]
    for _ in range(3000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 16)))
        raw = text.encode("utf-8")
        out = ctypes.create_string_buffer(len(raw))
        lib.u8_possible_linebreaks_v2(raw, len(raw), b"UTF-8", out)
        offsets = [len(text[:i].encode("utf-8")) for i in range(len(text))]
        assert po_linebreak.possible_breaks(text, False) == [out.raw[o] for o in offsets], repr(text)


def test_an_unknown_word_is_shown_only_when_it_is_a_slip_of_a_keyword():
    """A file that is not a catalog at all (a system file copied in) is never quoted."""
    with pytest.raises(PoSyntaxError) as caught:
        read_po('msgid "a"\nmsgtsr "b"\n', path="x.po")
    assert caught.value.message == "unknown keyword 'msgtsr'"
    with pytest.raises(PoSyntaxError) as caught:
        read_po_bytes(b"root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n", path="x.po")
    assert caught.value.line == 1 and "root" not in caught.value.message
    assert "is this a PO file?" in caught.value.message


def test_what_polib_cannot_hold_is_kept_in_the_subclasses_fields(tmp_path):
    """The reader returns polib subclasses (workflow.po.Catalog, Entry): the comment lines and the
    header as read are declared fields, not private attributes hung on polib objects; a copy keeps
    them, and what msgcat writes is still written."""
    import copy

    from workflow.po import Catalog, Entry

    text = HEADER + "#  two spaces kept  \n#\n#. extracted  \n" + 'msgid "a"\nmsgstr "b"\n'
    po = read_po(text)
    assert isinstance(po, Catalog) and isinstance(po, polib.POFile) and po.header_as_read is not None
    entry = po[0]
    assert isinstance(entry, Entry) and isinstance(entry, polib.POEntry)
    assert entry.as_read.translator == (" two spaces kept  ", "") and entry.as_read.extracted == ("extracted  ",)
    assert not [name for name in vars(entry) if name.startswith("_")]
    assert not [name for name in vars(po) if name.startswith("_")]
    assert dump_po(po) == msgcat_text(text, tmp_path)
    again = copy.deepcopy(po)
    assert type(again[0]) is Entry and dump_po(again) == dump_po(po)
    assert po.translated_entries() == [entry] and not po.fuzzy_entries() and not po.obsolete_entries()
    entry.fuzzy = True  # polib's own API; the writer follows it
    assert "#, fuzzy\nmsgid \"a\"" in dump_po(po) and po.fuzzy_entries() == [entry]
