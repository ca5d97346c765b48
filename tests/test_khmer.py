"""Tests for workflow.lang.khmer: digits, cluster-safe word breaks, typesetting."""

from __future__ import annotations

import importlib.util
import io
import itertools
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

try:
    import regex
except ImportError:
    regex = None

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workflow.lang import khmer

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
KM_PO = CORPUS / "po" / "km"
ZWSP = "\u200b"

# A Khmer rendering of the opening of the Cambodia-Belgium press release,
# written for this test (long space-free runs, digits, ។ at sentence ends).
PARAGRAPH = (
    "កិច្ចពិគ្រោះយោបល់ទ្វេភាគីលើកទីមួយ រវាងក្រសួងការបរទេស "
    "និងសហប្រតិបត្តិការអន្តរជាតិនៃព្រះរាជាណាចក្រកម្ពុជា "
    "និងសេវាសាធារណៈសហព័ន្ធកិច្ចការបរទេស ពាណិជ្ជកម្មបរទេស "
    "និងសហប្រតិបត្តិការអភិវឌ្ឍន៍នៃព្រះរាជាណាចក្របែលហ្ស៊ិក "
    "បានប្រព្រឹត្តទៅនៅថ្ងៃទី៧ ខែកុម្ភៈ ឆ្នាំ២០២៤ "
    "នៅទីស្តីការក្រសួងការបរទេស និងសហប្រតិបត្តិការអន្តរជាតិ។ "
    "ឯកឧត្តមបណ្ឌិត ជាម វិទ្យា រដ្ឋលេខាធិការ "
    "បានថ្លែងអំណរគុណយ៉ាងជ្រាលជ្រៅចំពោះព្រះរាជាណាចក្របែលហ្ស៊ិក "
    "ចំពោះជំនួយដ៏មានតម្លៃដល់កម្ពុជាក្នុងរយៈពេលជាច្រើនឆ្នាំកន្លងមក "
    "ដែលបានចូលរួមចំណែកយ៉ាងសំខាន់ដល់ការអភិវឌ្ឍសេដ្ឋកិច្ចសង្គមរបស់កម្ពុជា "
    "ជាពិសេសលើវិស័យកសិកម្ម សុខាភិបាល អប់រំ និងការការពារបរិស្ថាន។ "
    "ភាគីទាំងពីរបានសម្តែងការប្តេជ្ញាចិត្តក្នុងការពង្រឹង "
    "និងពង្រីកកិច្ចសហប្រតិបត្តិការលើវិស័យពាណិជ្ជកម្ម និងវិនិយោគ។"
)

SEGMENTERS = [
    pytest.param(name, marks=pytest.mark.skipif(
        importlib.util.find_spec(module) is None,
        reason=f"segmenter {name} is not installed (pip install {pip_name})"))
    for name, module, pip_name in [("khmercut", "khmercut", "khmercut"),
                                   ("icu", "icu", "PyICU")]
]


def _unescape(po_string: str) -> str:
    """Decode the C-style escapes of a PO string literal."""
    table = {"n": "\n", "t": "\t", "r": "\r"}
    return re.sub(r"\\(.)", lambda m: table.get(m[1], m[1]), po_string)


def _po_msgstrs(path: Path) -> list[str]:
    """Every msgstr (plural forms included) of a PO file, joined across lines."""
    found, current = [], None
    for line in path.read_text(encoding="utf-8").splitlines():
        start = re.match(r'msgstr(?:\[\d+\])?\s+"(.*)"\s*$', line)
        more = re.match(r'"(.*)"\s*$', line)
        if start:
            current = [start[1]]
            found.append(current)
        elif more and current is not None:
            current.append(more[1])
        else:
            current = None
    return [_unescape("".join(parts)) for parts in found]


@pytest.fixture(scope="module")
def corpus_texts() -> list[str]:
    """Distinct Khmer msgstrs of the real PO catalogues in shared/corpus."""
    if not KM_PO.is_dir():
        pytest.skip(f"real Khmer corpus not found at {KM_PO} (shared/ is absent)")
    texts = [s for po in sorted(KM_PO.glob("*.po")) for s in _po_msgstrs(po)]
    texts = list(dict.fromkeys(s for s in texts if khmer.has_khmer(s)))
    assert len(texts) > 500, "expected hundreds of Khmer msgstrs in the corpus"
    return texts


def _mark_positions(marked: str, mark: str = ZWSP) -> list[int]:
    """Offsets in the mark-free text at which ``mark`` occurs in ``marked``."""
    positions, plain_len = [], 0
    for part in marked.split(mark)[:-1]:
        plain_len += len(part)
        positions.append(plain_len)
    return positions


def _inside_cluster(plain: str, pos: int) -> bool:
    """Independent check: does a break at ``pos`` split a grapheme cluster?"""
    if regex is None:
        pytest.skip("pip install regex: the independent \\X check needs it")
    if pos in (0, len(plain)):
        return False
    edges = {m.end() for m in regex.finditer(r"\X", plain)}
    before, after = plain[pos - 1], plain[pos]
    return (pos not in edges or before == "\u17d2" or after == "\u17d2"
            or unicodedata.category(after).startswith("M")
            or before in "\u200c\u200d" or after in "\u200c\u200d")


# --- digits, predicates ----------------------------------------------------

def test_digits_round_trip():
    latin = "Phnom Penh, 7 February 2024 (No. 0123456789)"
    khmer_text = khmer.to_khmer_digits(latin)
    assert khmer_text == "Phnom Penh, ៧ February ២០២៤ (No. ០១២៣៤៥៦៧៨៩)"
    assert khmer.to_latin_digits(khmer_text) == latin
    assert khmer.to_latin_digits("ឆ្នាំ២០២៤") == "ឆ្នាំ2024"


def test_is_khmer_and_has_khmer():
    assert khmer.is_khmer("ក") and khmer.is_khmer("៣") and khmer.is_khmer("\u17d2")
    assert not khmer.is_khmer("k") and not khmer.is_khmer(ZWSP)
    assert khmer.has_khmer("APT នេះ") and not khmer.has_khmer("Belgium 2024")


def test_cluster_boundaries_keep_subscripts_and_joiners():
    text = "ក្រសួង"  # ក + COENG + រ form one cluster; then ស ួ, ង
    assert khmer.cluster_boundaries(text) == [0, 3, 5, 6]
    assert not khmer.is_cluster_boundary(text, 2)  # between COENG and រ
    assert not khmer.is_cluster_boundary(text, 4)  # before vowel sign ួ
    assert khmer.is_cluster_boundary(text, 3)
    joined = "ប\u200cី"
    assert khmer.cluster_boundaries(joined) == [0, 3]


def test_cluster_fallback_without_regex_agrees(monkeypatch):
    """Without the regex wheel, the legacy-cluster fallback gives the same answer."""
    if regex is None:
        pytest.skip("pip install regex: nothing to compare the fallback with")
    samples = [PARAGRAPH, "ស្ត្រី ប\u200cី ក\u200dា\r\nឆ្នាំ២០២៤ ព្រះ"]
    expected = [khmer.cluster_boundaries(text) for text in samples]
    monkeypatch.setattr(khmer, "_CLUSTER", None)
    assert [khmer.cluster_boundaries(text) for text in samples] == expected
    assert not khmer.is_cluster_boundary("ក្រ", 2)


# --- word breaks -----------------------------------------------------------

@pytest.mark.parametrize("segmenter", SEGMENTERS)
def test_word_breaks_split_obvious_words(segmenter):
    text = "រវាងក្រសួងការបរទេស និង ព្រះរាជាណាចក្រកម្ពុជា"
    words = [text[a:b] for a, b in
             zip([0, *khmer.word_breaks(text, segmenter)],
                 [*khmer.word_breaks(text, segmenter), len(text)])]
    assert "រវាង" in words and "ក្រសួង" in words
    assert any(w.endswith("កម្ពុជា") for w in words)


def test_word_breaks_only_inside_khmer_runs():
    text = "Regex កំហុសការចងក្រង - %s and more Latin words ២០២៤"
    for pos in khmer.word_breaks(text):
        assert khmer.is_khmer(text[pos - 1]) and khmer.is_khmer(text[pos])
    assert khmer.insert_breaks("Plain Latin text, 2024.") == "Plain Latin text, 2024."


def test_hostile_segmenter_cannot_split_clusters(monkeypatch):
    """Even a segmenter proposing every offset yields cluster boundaries only."""
    monkeypatch.setitem(khmer.SEGMENTERS, "every",
                        lambda: lambda run: range(len(run) + 1))
    khmer.get_segmenter.cache_clear()
    try:
        text = "ព្រះរាជាណាចក្រ ប\u200cី ក\u200dា ឆ្នាំ២០២៤ ស្ត្រី"
        breaks = khmer.word_breaks(text, "every")
    finally:
        khmer.get_segmenter.cache_clear()
    assert breaks, "the hostile segmenter should still leave some breaks"
    assert not [p for p in breaks if _inside_cluster(text, p)]
    for joiner in ("\u200c", "\u200d"):
        at = text.index(joiner)
        assert not {at, at + 1} & set(breaks)
    digits = text.index("២០២៤")
    assert not set(range(digits + 1, digits + 4)) & set(breaks)


# --- insert_breaks ---------------------------------------------------------

def test_insert_breaks_paragraph_properties():
    marked = khmer.insert_breaks(PARAGRAPH)
    assert marked.count(ZWSP) > 50
    assert marked.replace(ZWSP, "") == PARAGRAPH
    assert khmer.insert_breaks(marked) == marked
    assert ZWSP + "។" not in marked and ZWSP + " " not in marked
    assert " " + ZWSP not in marked


def test_insert_breaks_custom_mark_is_idempotent():
    marked = khmer.insert_breaks(PARAGRAPH, mark="|")
    assert "|" in marked and marked.replace("|", "") == PARAGRAPH
    assert khmer.insert_breaks(marked, mark="|") == marked
    with pytest.raises(ValueError):
        khmer.insert_breaks(PARAGRAPH, mark="")


@pytest.mark.parametrize("segmenter", SEGMENTERS)
def test_corpus_breaks_never_split_clusters(corpus_texts, segmenter):
    """Real msgstrs: marks land on \\X boundaries, round-trip, are idempotent."""
    inserted = 0
    for original in corpus_texts:
        plain = original.replace(ZWSP, "")
        marked = khmer.insert_breaks(plain, segmenter=segmenter)
        assert marked.replace(ZWSP, "") == plain
        assert khmer.insert_breaks(marked, segmenter=segmenter) == marked
        split = [p for p in _mark_positions(marked) if _inside_cluster(plain, p)]
        assert not split, f"break inside a cluster in {plain!r} at {split}"
        inserted += marked.count(ZWSP)
    assert inserted > 1000


def test_corpus_existing_zwsp_are_kept(corpus_texts):
    """Translators' own ZWSPs survive; only new ones are added."""
    with_zwsp = [s for s in corpus_texts if ZWSP in s]
    assert with_zwsp, "the corpus is documented to contain ZWSP"
    for original in with_zwsp:
        marked = khmer.insert_breaks(original)
        assert marked.replace(ZWSP, "") == original.replace(ZWSP, "")
        assert set(_mark_positions(original)) <= set(_mark_positions(marked))
        assert khmer.insert_breaks(marked) == marked


# --- typesetting -------------------------------------------------------------

COLUMN_MM = 60
MARGIN_MM = 10
FAMILY = "Test Khmer Face"
PT_PER_MM = 72 / 25.4


@pytest.fixture(scope="module")
def render():
    """A function rendering a paragraph in a 60 mm column to a WeasyPrint Document."""
    weasyprint = pytest.importorskip("weasyprint", reason="pip install weasyprint")
    pytest.importorskip("pdfplumber", reason="pip install pdfplumber")
    fontpkg = pytest.importorskip("fontpkg", reason="pip install fontpkg-noto-sans-khmer")
    try:
        font = Path(fontpkg.path("Noto Sans Khmer"))
    except LookupError as error:  # fontpkg.errors.FamilyNotInstalled
        pytest.skip(f"Noto Sans Khmer font package missing: {error}")
    css = (f'@font-face {{ font-family: "{FAMILY}"; src: url({font.as_uri()}) }}'
           f"@page {{ size: 100mm 600mm; margin: {MARGIN_MM}mm }}"
           f'body {{ margin: 0 }} p {{ font-family: "{FAMILY}"; font-size: 12pt;'
           f" line-height: 1.8; width: {COLUMN_MM}mm; margin: 0 }}")
    return lambda text: weasyprint.HTML(string=f"<style>{css}</style><p>{text}</p>").render()


def _pdf_chars(pdf: bytes) -> list[dict]:
    """All characters pdfplumber finds in the PDF (single page expected)."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        assert len(doc.pages) == 1
        return list(doc.pages[0].chars)


def _layout_lines(document) -> list[str]:
    """Text of each line box, from WeasyPrint's layout tree (what it draws)."""
    from weasyprint.formatting_structure import boxes

    lines = []

    def walk(box):
        if isinstance(box, boxes.LineBox):
            lines.append("".join(b.text for b in box.descendants()
                                 if isinstance(b, boxes.TextBox)))
        else:
            for child in getattr(box, "children", []):
                walk(child)

    walk(document.pages[0]._page_box)
    return lines


def _pdf_line_count(chars: list[dict]) -> int:
    """Count text lines by clustering glyph tops (marks sit a few pt off)."""
    tops = sorted(c["top"] for c in chars)
    return 1 + sum(1 for a, b in itertools.pairwise(tops) if b - a > 8)


def _line_end_offsets(lines: list[str], text: str) -> list[int]:
    """Offsets in ``text`` where each laid-out line (but the last) ends."""
    ends, pos = [], 0
    for line in lines:
        while text[pos] == " ":
            pos += 1
        assert text.startswith(line.rstrip(" "), pos), (line, text[pos:pos + 40])
        pos += len(line.rstrip(" "))
        ends.append(pos)
    assert text[pos:].strip() == ""
    return ends[:-1]


def _outside_column(chars: list[dict]) -> list[dict]:
    """Glyphs whose box leaves the column (0.5 pt tolerance)."""
    left, right = MARGIN_MM * PT_PER_MM, (MARGIN_MM + COLUMN_MM) * PT_PER_MM
    return [c for c in chars if c["x0"] < left - 0.5 or c["x1"] > right + 0.5]


def test_breaks_keep_khmer_inside_narrow_column(render):
    document = render(khmer.insert_breaks(PARAGRAPH))
    chars, lines = _pdf_chars(document.write_pdf()), _layout_lines(document)
    assert {c["fontname"].split("+")[-1] for c in chars} == {FAMILY.replace(" ", "-")}
    overflow = _outside_column(chars)
    assert not overflow, f"{len(overflow)} glyphs outside the column, max x1 " \
                         f"{max(c['x1'] for c in overflow) / PT_PER_MM:.1f} mm"
    assert len(lines) >= 15
    assert _pdf_line_count(chars) == len(lines)


def test_without_breaks_khmer_overflows(render):
    """The same check fails without the marks: proves the test can fail."""
    chars = _pdf_chars(render(PARAGRAPH).write_pdf())
    overflow = _outside_column(chars)
    assert len(overflow) > 20
    assert max(c["x1"] for c in overflow) > (MARGIN_MM + COLUMN_MM + 10) * PT_PER_MM


def test_line_breaks_fall_at_produced_word_boundaries(render):
    """Each line ends at a space or at a boundary insert_breaks produced.

    pdfplumber's text for WeasyPrint's Khmer glyphs is not the source text
    (ToUnicode maps each shaped glyph once: subscripts, reordered vowels and
    ligatures come out lost or wrong), so line *contents* are read from the
    layout tree that WeasyPrint drew, and tied to the PDF by the line count
    (checked in the column test).
    """
    marked = khmer.insert_breaks(PARAGRAPH)
    lines = _layout_lines(render(marked))
    assert "".join(lines).replace(" ", "") == marked.replace(" ", "")
    allowed = {i + 1 for i, ch in enumerate(marked) if ch in (ZWSP, " ")}
    allowed |= {i for i, ch in enumerate(marked) if ch == " "}
    ends = _line_end_offsets(lines, marked)
    assert ends and not [e for e in ends if e not in allowed]
    plain_breaks = set(khmer.word_breaks(PARAGRAPH))
    at_words = [e for e in ends if marked[e - 1] == ZWSP]
    assert at_words, "no line broke at an inserted mark"
    for end in at_words:
        assert len(marked[:end].replace(ZWSP, "")) in plain_breaks


def test_pdf_text_lines_are_the_layout_lines(render, tmp_path):
    """With /ActualText (workflow.pdf.pdftext), poppler reads each PDF line exactly.

    This ties the line contents checked above to the PDF itself: line by line,
    pdftotext's text equals the laid-out line (spaces and ZWSP ignored).
    """
    pdftext = pytest.importorskip("workflow.pdf.pdftext", reason="needs workflow/pdftext.py")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (apt-get install poppler-utils)")
    document = render(khmer.insert_breaks(PARAGRAPH))
    pdftext.write_pdf(document, tmp_path / "column.pdf")
    out = subprocess.run(["pdftotext", "-layout", str(tmp_path / "column.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout

    def squeeze(line: str) -> str:
        return re.sub(r"[\s\u200b]", "", line)

    pdf_lines = [squeeze(line) for line in out.splitlines() if squeeze(line)]
    assert pdf_lines == [squeeze(line) for line in _layout_lines(document)]


def test_has_khmer_agrees_with_is_khmer_on_every_code_point():
    """``has_khmer`` searches with a regular expression; it must answer as ``is_khmer`` does, for
    every character of the first two planes (surrogates aside), alone and inside other text."""
    from workflow.lang.khmer import has_khmer, is_khmer

    for code in (c for c in range(0x20000) if not 0xD800 <= c < 0xE000):
        ch = chr(code)
        assert has_khmer(ch) == has_khmer(f"ab{ch}\n") == is_khmer(ch), hex(code)
    assert not has_khmer("")
