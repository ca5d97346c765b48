"""Segmentation golden files, and the round trip through real PO files.

Adding a case is adding two files: ``golden/segment/NAME.md`` and the
``NAME.pot`` it must give (write it with ``UPDATE_GOLDEN=1 make test`` and read
it before committing).
"""

from __future__ import annotations

import datetime as dt
import os
import re

import markdown
import pytest

from tests.conftest import GOLDEN, ROOT, corpus, run, tool
from workflow import catalog, release, segment
from workflow.lang import typography
from workflow.model import TRANSLATABLE_KEYS, Meta, Release
from workflow.po import dump_po, read_po_bytes

CASES = sorted((GOLDEN / "segment").glob("*.md"))
SAMPLES = sorted((ROOT / "content").glob("*.md"))


def golden_release(path) -> Release:
    meta = Meta(title="", date=dt.date(2024, 1, 1), lang="en")
    return Release(path.stem, f"tests/golden/segment/{path.name}", meta, path.read_text(encoding="utf-8"), 1)


def sample_release(path) -> Release:
    return release.read(path.read_bytes(), path=f"content/{path.name}", slug=path.stem)


def template_text(rel: Release, monkeypatch) -> str:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    return dump_po(catalog.build_template(segment.extract(rel), project_id=rel.slug))


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_golden_template(path, monkeypatch):
    expected = path.with_suffix(".pot")
    actual = template_text(golden_release(path), monkeypatch)
    if os.environ.get("UPDATE_GOLDEN"):
        expected.write_text(actual, encoding="utf-8")
    assert actual == expected.read_text(encoding="utf-8")


def test_golden_templates_pass_msgfmt():
    for path in CASES:
        result = run(tool("msgfmt"), "--check-format", "--check-domain", "-o", "/dev/null",
                     str(path.with_suffix(".pot")))
        assert result.returncode == 0, result.stderr


def test_code_is_never_offered():
    text = (GOLDEN / "segment/quotes-links-code.md").read_text()
    ids = [msgid for msgid, _ in segment.body_segments(text)]
    assert not any("print(" in m or "indented code block" in m for m in ids)
    assert "Inline `code` stays in the text, and so does a reference [link][mfaic]." in ids


def test_kinds_are_named():
    kinds = {kind for _, kind in segment.body_segments((GOLDEN / "segment/quotes-links-code.md").read_text())}
    assert {"heading 1", "block quote paragraph", "list item", "paragraph"} <= kinds


def identity_table(rel: Release, tmp_path) -> dict[str, str]:
    """Every msgstr set to its msgid, through a real PO file that msgfmt accepts."""
    po = catalog.merge(catalog.build_template(segment.extract(rel), project_id=rel.slug), None,
                       lang="fr", project_id=rel.slug)
    for entry in po:
        entry.msgstr = entry.msgid
    path = tmp_path / "identity.po"
    path.write_text(dump_po(po), encoding="utf-8")
    result = run(tool("msgfmt"), "--check", "-o", "/dev/null", str(path))
    assert result.returncode == 0, result.stderr
    table = catalog.translations(read_po_bytes(path.read_bytes(), path=str(path)))
    assert len(table) == len({s.text for s in segment.extract(rel)})
    return table


@pytest.mark.parametrize("path", CASES + SAMPLES, ids=lambda p: p.stem)
def test_identity_translation_renders_exactly_the_source(path, tmp_path):
    rel = golden_release(path) if path in CASES else sample_release(path)
    table = identity_table(rel, tmp_path)
    seen = []

    def translate(msgid, kind):
        seen.append(msgid)
        return table[msgid]

    assert segment.render_body(rel.body, translate) == segment.render_body(rel.body)
    assert len(seen) == len(segment.body_segments(rel.body))


def _words(html: str) -> str:
    return re.sub(r"\s+", " ", html).strip()


@pytest.mark.parametrize("path", [p for p in CASES + SAMPLES if "<" not in p.read_text()], ids=lambda p: p.stem)
def test_same_html_as_plain_python_markdown(path):
    """Segmenting changes nothing but line breaks inside paragraphs (which HTML ignores), and
    gives headings an anchor (``test_headings_have_the_same_anchor_in_every_language``), and makes
    a paragraph that is one image a figure captioned with the image's title (``workflow.media``)."""
    rel = golden_release(path) if path in CASES else sample_release(path)
    plain = markdown.markdown(rel.body, extensions=["tables", "fenced_code"], output_format="html")
    plain = re.sub(r'<p><img alt="([^"]*)" src="([^"]*)"(?: title="([^"]*)")? ?/?></p>',
                   lambda m: f'<figure><img alt="{m[1]}" src="{m[2]}">'
                   + (f"<figcaption>{m[3]}</figcaption>" if m[3] else "") + "</figure>", plain)
    ours = re.sub(r'(<h[1-6]) id="[^"]*"', r"\1", segment.render_body(rel.body)).replace("\n</figure>", "</figure>")
    assert _words(ours) == _words(plain)


@pytest.mark.parametrize("name", ["python-markdown_markdown-syntax.txt", "cmark-gfm_extensions.txt",
                                  "python-markdown_extra_footnote.txt"])
def test_real_markdown_round_trips(name, tmp_path):
    """The Markdown test suites' own inputs go through extraction and recombination unchanged."""
    path = corpus("markdown-torture", name)
    rel = Release("torture", name, Meta(title="", date=dt.date(2024, 1, 1), lang="en"),
                  path.read_text(encoding="utf-8"), 1)
    table = identity_table(rel, tmp_path)
    assert segment.render_body(rel.body, lambda m, k: table[m]) == segment.render_body(rel.body)
    assert len(table) > 10


# ----------------------------------------------- random documents (hypothesis)

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

_INLINE = st.text(alphabet=st.sampled_from(list("abc XYZ Ééàក្រ*_`[]()<>&!#|\\-+.:;\"'") + ["\u00a0", "\u200b"]),
                  min_size=1, max_size=30)
_WORDS = _INLINE.map(lambda t: t.replace("\n", " ").strip()).filter(bool)


def _block(draw) -> str:
    kind = draw(st.sampled_from(["p", "h", "ul", "ol", "quote", "table", "code", "fence", "hr", "nested"]))
    text = draw(_WORDS)
    if kind == "h":
        return "#" * draw(st.integers(1, 6)) + " " + text
    if kind in ("ul", "ol"):
        items = draw(st.lists(_WORDS, min_size=1, max_size=4))
        return "\n".join(("- " if kind == "ul" else f"{n}. ") + item for n, item in enumerate(items, 1))
    if kind == "nested":
        depth = draw(st.integers(1, 6))
        return "\n".join("    " * d + f"- {text} {d}" for d in range(depth))
    if kind == "quote":
        return "> " + text + "\n> " + draw(_WORDS)
    if kind == "table":
        cells = draw(st.lists(_WORDS.map(lambda c: c.replace("|", "/")), min_size=2, max_size=2))
        return f"| {cells[0]} | {cells[1]} |\n| --- | --- |\n| {cells[1]} | {cells[0]} |"
    if kind == "code":
        return "    " + text
    if kind == "fence":
        return "```\n" + text + "\n```"
    if kind == "hr":
        return "---"
    return text + "\n" + draw(_WORDS)


@st.composite
def documents(draw) -> str:
    return "\n\n".join(_block(draw) for _ in range(draw(st.integers(1, 8)))) + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=documents())
def test_random_documents_round_trip(text, tmp_path):
    rel = Release("random", "random.md", Meta(title="", date=dt.date(2024, 1, 1), lang="en"), text, 1)
    table = identity_table(rel, tmp_path)
    assert segment.render_body(rel.body, lambda m, k: table[m]) == segment.render_body(rel.body)


def test_identity_catalogs_give_the_source_edition_field_by_field(project_copy):
    """The whole edition (front-matter fields and body), not only the body: with msgstr = msgid in
    every catalog, each translated edition holds exactly what the source edition holds."""
    import polib

    from workflow import project as project_io
    from workflow.editions import make_edition
    from workflow.report import Report
    from workflow.workspace import load_workspace

    for path in (project_copy / "locale").glob("*/LC_MESSAGES/*.po"):
        if path.stem == "ui":
            continue
        po = polib.pofile(str(path))
        for entry in po:
            if not entry.obsolete:
                entry.msgstr = entry.msgid
                entry.flags = [f for f in entry.flags if f != "fuzzy"]
        po.save(str(path))
    project = project_io.load(project_copy)
    report = Report()
    ws = load_workspace(project, report)
    assert report.ok and len(ws.releases) == len(SAMPLES)
    departments = []
    for rel in ws.releases:
        for lang in project.languages:
            if lang == rel.meta.lang:
                continue
            edition = make_edition(ws, rel, lang, report)
            assert edition.untranslated == 0, (rel.slug, lang)
            # The source's text, set with the edition language's typography (French spaces, English quotes).
            rule = typography.text_rule(lang)
            assert edition.body_html == typography.apply_to_html(segment.render_body(rel.body), rule)
            fields = {key: getattr(rel.meta, key) for key in TRANSLATABLE_KEYS}
            assert edition.strings == {key: rule(value) if value else "" for key, value in fields.items()}
            assert edition.strings["title"] and edition.strings["place"]
            departments.append(edition.strings["department"])
    assert any(departments)  # the field is exercised (the figure sample names no department)
    assert report.ok


# ----------------------------------------------- one traversal for reading a release

def _corpus_markdown() -> list:
    from tests.conftest import CORPUS

    return sorted(CORPUS.glob("markdown-torture/*.txt")) + sorted(CORPUS.glob("md-pairs/*/*.md"))


def _any_release(path) -> Release:
    if path in CASES:
        return golden_release(path)
    if path in SAMPLES:
        return sample_release(path)
    return Release(path.stem, path.name, Meta(title="", date=dt.date(2024, 1, 1), lang="en"),
                   path.read_text(encoding="utf-8"), 1)


@pytest.mark.parametrize("path", CASES + SAMPLES + _corpus_markdown(), ids=lambda p: p.stem)
def test_scan_gives_what_the_three_traversals_gave(path):
    """``segment.scan`` (what reading the releases uses) finds the segments, the links to missing
    anchors and the relative links that ``extract``, ``missing_anchors`` and ``relative_links``
    find each with its own traversal, in the same order, with the same lines."""
    rel = _any_release(path)
    segments = segment.extract(rel)
    scanned = segment.scan(rel)
    assert scanned.segments == segments
    assert scanned.missing_anchors == segment.missing_anchors(rel, segments)
    assert scanned.relative_links == segment.relative_links(rel, segments)


def test_scan_is_tested_on_documents_with_missing_anchors_and_relative_links():
    """The comparison above is not vacuous: the real documents have both kinds of links."""
    if not _corpus_markdown():
        pytest.skip("the real corpus is not here (it lives in ../shared/corpus beside the clone)")
    scans = [segment.scan(_any_release(path)) for path in CASES + SAMPLES + _corpus_markdown()]
    assert any(s.relative_links for s in scans)
    assert any(s.missing_anchors for s in scans)
    assert any(line is not None for s in scans for _url, line in s.relative_links)


def test_scan_refuses_what_extract_refuses():
    """A release beyond the limits is refused by ``scan`` with the same error, file and line."""
    body = "Fine.\n\n" + "[x] " * (segment.MAX_BRACKETS + 1) + "\n"
    rel = Release("x", "content/x.md", Meta(title="T", date=dt.date(2024, 1, 1), lang="en"), body, 6)
    with pytest.raises(segment.WorkflowError) as extracted:
        segment.extract(rel)
    with pytest.raises(segment.WorkflowError) as scanned:
        segment.scan(rel)
    assert (scanned.value.path, scanned.value.line, scanned.value.message) == \
        (extracted.value.path, extracted.value.line, extracted.value.message)
    assert scanned.value.line == 8
