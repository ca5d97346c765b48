"""Markdown ⇄ segments, in one traversal.

Python-Markdown builds an element tree from the blocks, then runs its tree
processors; the inline processor (priority 20) turns ``**bold**`` and
``[text](url)`` into elements.  A tree processor registered above it sees each
block's raw inline Markdown as the element's text.  Listing those texts is
extraction; replacing them is recombination.  Both go through ``_traverse``, so
the two directions can never disagree about what a segment is.

Headings get an ``id`` made from their *source* text (``anchor_id``), so that
``[see below](#annex)`` points at the same heading in every language.

Raw HTML is switched off for sources and translations alike: it is escaped and
shown as text, so a translation cannot smuggle markup into an edition.
"""

from __future__ import annotations

import functools
import re
import unicodedata
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

import markdown
from markdown.extensions.toc import unique
from markdown.treeprocessors import Treeprocessor
from markdown.util import STX

from workflow import media
from workflow.model import TRANSLATABLE_KEYS, Release, Segment, WorkflowError

#: The longest segment offered to translators: a press-release paragraph is a few
#: thousand characters; anything far beyond is a mistake (a missing blank line).
MAX_SEGMENT = 20_000
#: Python-Markdown's link matching is quadratic in the links of a block (2,000 links: 9 s), so
#: the ``[`` of a segment and of a whole release are counted before it runs.  The most in the real
#: documents of ../shared/corpus: 85 in one segment (a table), 105 in one document.
MAX_BRACKETS = 200
MAX_BRACKETS_RELEASE = 500
#: An unmatched ``[`` makes Python-Markdown scan to the end of its block: fewer brackets are
#: allowed in a long block (the real maximum, 85 brackets in 15,332 characters, makes 1.3 million).
MAX_BRACKET_SCAN = 3_000_000
#: A front-matter text (title, subtitle, place…): a real title is a line or two.
MAX_FIELD = 2_000
#: The segments of a release (a catalog may have 20,000 entries, the obsolete ones included).
MAX_SEGMENTS = 5_000


class _TooCostly(Exception):
    """A block beyond the limits, met before inline Markdown runs on it."""

    def __init__(self, msgid: str, kind: str, problem: str):
        super().__init__(problem)
        self.msgid, self.kind, self.problem = msgid, kind, problem


def too_costly(text: str, *, length: int = MAX_SEGMENT, brackets: int = MAX_BRACKETS) -> str | None:
    """What makes a text too long or too costly for Python-Markdown, or None.

    >>> too_costly("[a](b) " * 201)
    'has 201 link brackets [ (at most 200)'
    """
    if len(text) > length:
        return f"is {len(text):,} characters long (at most {length:,})"
    count = text.count("[")
    allowed = min(brackets, MAX_BRACKET_SCAN // max(len(text), 1))
    if count > allowed:
        return f"has {count:,} link brackets [ (at most {allowed:,}" + \
            (f" in a text of {len(text):,} characters)" if allowed < brackets else ")")
    return None

#: Called for each segment with (msgid, kind); returns the text to put in its
#: place, or None to keep the source text.
Visitor = Callable[[str, str], "str | None"]

_HEADINGS = {f"h{n}": f"heading {n}" for n in range(1, 7)}
_TEXT_TAGS = {"p": "paragraph", "li": "list item", "th": "table header", "td": "table cell", **_HEADINGS}
_SKIP_TAGS = {"pre", "code", "script", "style"}
_EXTENSIONS = ["tables", "fenced_code"]


def to_msgid(raw: str) -> str:
    """A block's text as a msgid: soft line breaks become spaces, hard breaks ``\\n``.

    >>> to_msgid("one\\n  two  \\nthree")
    'one two\\nthree'
    """
    lines = raw.strip().split("\n")
    parts = []
    for number, line in enumerate(lines):
        parts.append(line.strip())
        if number < len(lines) - 1:
            parts.append("\n" if line.endswith("  ") else " ")
    return "".join(parts)


def from_msgstr(text: str) -> str:
    """A translation back as Markdown inline text (``\\n`` is a hard line break)."""
    return "  \n".join(line.strip() for line in text.strip().split("\n"))


def _kind(tag: str, parents: tuple[str, ...]) -> str:
    """What kind of block an element is, as the extracted comment says it."""
    if tag == "p":
        for parent in reversed(parents):
            if parent == "li":
                return "list item"
            if parent == "blockquote":
                return "block quote paragraph"
    return _TEXT_TAGS[tag]


#: Inline Markdown that does not belong in an anchor: link targets, then markers.
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_MARKERS = re.compile(r"[*_`\[\]\\]")


def anchor_id(msgid: str, used: set[str]) -> str:
    """The ``id`` of a heading: its source text as a slug, made unique in the document as
    Python-Markdown's ``toc`` extension does; letters, marks and digits of every script are
    kept whole (``toc``'s own slugify drops Khmer vowel signs and coengs).

    >>> used = set()
    >>> anchor_id("Annex **1**", used), anchor_id("Annex 1", used), anchor_id("ឧបសម្ព័ន្ធ", used)
    ('annex-1', 'annex-1_1', 'ឧបសម្ព័ន្ធ')
    """
    text = unicodedata.normalize("NFC", _MARKERS.sub("", _LINK_TARGET.sub("]", msgid))).lower()
    slug = "".join(ch if unicodedata.category(ch)[0] in "LMN" else " " for ch in text)
    return unique("-".join(slug.split()) or "section", used)


@dataclass(frozen=True)
class _Recombine:
    """How one traversal puts texts back (extraction needs none of it)."""

    visitor: Visitor
    #: With a language, a block whose translation is missing keeps the source text and says so
    #: with ``lang`` (and a block translated inside it says its own language): readers, screen
    #: readers and the typography rules then treat it as the source language it is.
    fallback_lang: str = ""
    lang: str = ""
    #: Applied to every text put back, translated or not (the print edition's Khmer breaks).
    text_filter: Callable[[str], str] | None = None
    #: Refuse a block beyond the limits before inline Markdown runs on it (extraction).
    limits: bool = False


def _visit_tree(element: etree.Element, parents: tuple[str, ...], how: _Recombine, ids: set[str],
                foreign: bool = False) -> None:
    for child in element:
        if child.tag in _SKIP_TAGS:
            continue
        raw = child.text or ""
        inside_foreign = foreign
        lone = media.lone_image(raw) if child.tag == "p" and STX not in raw else None
        if lone is not None:  # a photo or a figure: its alt text and caption are segments
            _figure(child, *lone, how)
            continue
        # Stashed content (a fenced code block) shows as an STX…ETX placeholder: not prose.
        if child.tag in _TEXT_TAGS and raw.strip() and STX not in raw:
            msgid = to_msgid(raw)
            problem = too_costly(msgid) if how.limits else None
            if problem:  # before the inline processor (priority 20) runs on it
                raise _TooCostly(msgid, _kind(child.tag, parents), problem)
            if child.tag in _HEADINGS:
                child.set("id", anchor_id(msgid, ids))
            replacement = how.visitor(msgid, _kind(child.tag, parents))
            if how.fallback_lang and replacement is None:
                child.set("lang", how.fallback_lang)
                inside_foreign = True
            elif how.fallback_lang and foreign:
                child.set("lang", how.lang)
                inside_foreign = False
            text = msgid if replacement is None else replacement
            child.text = from_msgstr(how.text_filter(text) if how.text_filter else text)
        _visit_tree(child, parents + (child.tag,), how, ids, inside_foreign)


def _figure(element: etree.Element, alt: str, src: str, title: str, how: _Recombine) -> None:
    """A paragraph holding one image becomes ``<figure><img alt><figcaption>`` (``workflow.media``):
    the alt text and the caption (the image's title) are put back like any block's text."""
    element.tag, element.text = "figure", None
    image = etree.SubElement(element, "img", {"src": src, "alt": ""})
    for text, kind in ((to_msgid(alt), "image alt text"), (to_msgid(title), "figure caption")):
        if not text:
            continue
        replacement = how.visitor(text, kind)
        target = image if kind == "image alt text" else etree.SubElement(element, "figcaption")
        if how.fallback_lang and replacement is None:
            target.set("lang", how.fallback_lang)
        text = text if replacement is None else replacement
        if target is image:  # an attribute: no Markdown, no print line breaks (a screen reader reads it);
            image.set("alt", re.sub(r"[ \t\r\n]+", " ", text).strip())  # no-break spaces stay
        else:
            target.text = from_msgstr(how.text_filter(text) if how.text_filter else text)


class _SegmentProcessor(Treeprocessor):
    def __init__(self, md: markdown.Markdown, how: _Recombine):
        super().__init__(md)
        self.how = how

    def run(self, root: etree.Element) -> None:
        _visit_tree(root, (), self.how, set())


#: A body's link definitions (``[name]: url "title"``) as Python-Markdown keeps them: name → (url, title).
References = tuple[tuple[str, tuple[str, "str | None"]], ...]


def new_markdown(visitor: Visitor | _Recombine, references: References = ()) -> markdown.Markdown:
    """A Python-Markdown instance with raw HTML off and the segment visitor installed; with
    ``references``, link definitions known before the text's own (see :func:`link_definitions`)."""
    how = visitor if isinstance(visitor, _Recombine) else _Recombine(visitor)
    md = markdown.Markdown(extensions=_EXTENSIONS, output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.treeprocessors.register(_SegmentProcessor(md, how), "segments", 25)
    md.references.update(dict(references))
    return md


#: Python-Markdown instances not in use.  Building one (its parser and processors) costs about as
#: much as converting a press release's body, and a run converts each body several times; a
#: conversion that starts another (a check renders a translation while a body is read) takes its own.
_IDLE: list[markdown.Markdown] = []
_IDLE_KEPT = 4


def _traverse(text: str, visitor: Visitor | _Recombine, references: References = ()) -> str:
    how = visitor if isinstance(visitor, _Recombine) else _Recombine(visitor)
    try:
        md = _IDLE.pop()
    except IndexError:
        md = new_markdown(how)
    md.reset()  # what the last conversion stashed and defined goes, even one that raised
    processor = md.treeprocessors["segments"]
    processor.how = how
    md.references.update(dict(references))
    try:
        return md.convert(text)
    finally:
        processor.how = None
        if len(_IDLE) < _IDLE_KEPT:
            _IDLE.append(md)


@functools.lru_cache(maxsize=256)
def link_definitions(body: str) -> References:
    """The link definitions of a Markdown body, as Python-Markdown collects them before any inline
    text is read: a translation put back in this body resolves ``[text][name]``, ``[name]`` and
    ``[text][]`` against them, so the checks render a translation with them too (a reference-style
    link is a link, whoever wrote its definition).

    >>> link_definitions("See [the ministry][mfa].\\n\\n[MFA]: https://www.mfaic.gov.kh/ 'MFAIC'\\n")
    (('mfa', ('https://www.mfaic.gov.kh/', 'MFAIC')),)
    """
    md = new_markdown(lambda msgid, kind: None)
    md.convert(body)
    return tuple(sorted(md.references.items()))


def render_body(text: str, translate: Visitor | None = None, *, fallback_lang: str = "", lang: str = "",
                text_filter: Callable[[str], str] | None = None, references: References = ()) -> str:
    """Markdown to HTML, with each segment replaced by ``translate``'s answer (None: the source).

    With ``fallback_lang`` (the source's language) and ``lang`` (the edition's), a block left in
    the source language is marked ``lang="<fallback_lang>"``:

    >>> render_body("Un.\\n\\nDeux.", lambda m, k: "One." if m == "Un." else None, fallback_lang="fr", lang="en")
    '<p>One.</p>\\n<p lang="fr">Deux.</p>'
    """
    how = _Recombine(translate or (lambda msgid, kind: None), fallback_lang, lang, text_filter)
    return _traverse(text, how, references)


def body_segments(text: str) -> list[tuple[str, str]]:
    """Each translatable block's (msgid, kind), in document order.  Raises ``_TooCostly`` for a
    block beyond the limits, before inline Markdown runs on any block."""
    return _scan_body(text)[0]


def _scan_body(text: str) -> tuple[list[tuple[str, str]], str]:
    """:func:`body_segments`, and the body rendered as it stands (what ``render_body(text)`` gives:
    extraction keeps every source text): one traversal serves the segments and the links."""
    found: list[tuple[str, str]] = []

    def collect(msgid: str, kind: str) -> None:
        found.append((msgid, kind))

    html = _traverse(text, _Recombine(collect, limits=True))
    return found, html


class _Anchors(HTMLParser):
    """The ids of a rendered body's elements and the in-page links (``#name``) it makes, read
    from its tags (raw HTML in the text is escaped, so it is text, never a tag)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: dict[str, None] = {}
        self.hrefs: dict[str, None] = {}
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        if tag == "a" and (values.get("href") or "").startswith("#"):
            self.links[values["href"][1:]] = None
        if tag == "a" and values.get("href"):  # images: workflow.media checks and publishes them
            self.hrefs[values["href"]] = None


def is_relative(url: str) -> bool:
    """True for a link that names a place relative to the page (``annex.pdf``, ``/x``, ``//host/x``):
    a browser resolves it against the page's address, a PDF against the folder it was made in
    (``file:///…/output/en/annex.pdf``, the build machine's folders and a dead link).  In-page
    anchors (``#annex-1``) and URLs with a scheme are not.

    >>> [is_relative(u) for u in ("annex.pdf", "../x.html", "/a", "//h/a", "#annex", "https://x.org", "mailto:a@b.kh")]
    [True, True, True, True, False, False, False]
    """
    url = url.strip()
    return not url.startswith("#") and not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", url)


def relative_links(release: Release, segments: list[Segment]) -> list[tuple[str, int | None]]:
    """Links of a release relative to the page (:func:`is_relative`), each with the line of the
    first segment that has it (None when only a reference definition names it)."""
    return _relative_links(release, _Anchors(render_body(release.body)), segments)


def _relative_links(release: Release, anchors: _Anchors, segments: list[Segment]) -> list[tuple[str, int | None]]:
    found = []
    for url in anchors.hrefs:
        if is_relative(url):
            line = next((s.line for s in segments if url in s.text), None)
            if line is None:  # a reference definition: its own line in the body
                at = release.body.find(url)
                line = release.body_line + release.body.count("\n", 0, at) if at >= 0 else None
            found.append((url, line))
    return found


def missing_anchors(release: Release, segments: list[Segment]) -> list[tuple[str, int | None]]:
    """In-page links (``#name``) of a release that no heading answers, each with the line of the
    first segment that makes it (None when it comes from a reference definition alone).

    >>> from workflow.release import parse
    >>> r = parse("---\\ntitle: T\\ndate: 2024-01-01\\nlang: en\\n---\\n## Annex\\n\\n[a](#annex) [b](#nowhere)\\n",
    ...           path="x.md", slug="x")
    >>> missing_anchors(r, extract(r))
    [('nowhere', 8)]
    >>> r = parse("---\\ntitle: T\\ndate: 2024-01-01\\nlang: en\\n---\\n[a](#pa)\\n\\n[b](#p)\\n",
    ...           path="x.md", slug="x")
    >>> missing_anchors(r, extract(r))
    [('pa', 6), ('p', 8)]
    """
    return _missing_anchors(_Anchors(render_body(release.body)), segments)


def _missing_anchors(anchors: _Anchors, segments: list[Segment]) -> list[tuple[str, int | None]]:
    found = []
    for target in anchors.links:
        if target in anchors.ids:
            continue
        # The whole name: "#p" must not find the line of "(#philosophy)".
        link = re.compile(re.escape(f"#{target}") + r"(?![^\s)>\"'])")
        line = next((s.line for s in segments if link.search(s.text)), None)
        found.append((target, line))
    return found


def _locate(body: str, msgid: str, start: int) -> int:
    """Offset in ``body`` of the segment's first words, searching from ``start`` (then from the top)."""
    words = msgid.split()[:6]
    if not words:
        return start
    pattern = re.compile(r"\s+(?:>\s*)*".join(re.escape(w) for w in words))
    found = pattern.search(body, start) or pattern.search(body)
    return found.start() if found else start


@dataclass(frozen=True)
class Scan:
    """What reading a release finds: its segments, and what its links lack."""

    segments: list[Segment]
    missing_anchors: list[tuple[str, int | None]]  #: as :func:`missing_anchors` gives them
    relative_links: list[tuple[str, int | None]]  #: as :func:`relative_links` gives them


def scan(release: Release) -> Scan:
    """:func:`extract`, :func:`missing_anchors` and :func:`relative_links` of a release from one
    Markdown traversal (each alone converts the whole body: a third of reading the releases each).
    Raises what :func:`extract` raises."""
    segments, html = _extract(release)
    anchors = _Anchors(html)
    return Scan(segments, _missing_anchors(anchors, segments), _relative_links(release, anchors, segments))


def extract(release: Release) -> list[Segment]:
    """Every translatable segment of a release: front-matter fields, then the body."""
    return _extract(release)[0]


def _extract(release: Release) -> tuple[list[Segment], str]:
    """:func:`extract`, and the body rendered as it stands (``render_body(release.body)``)."""
    segments = []
    for key in TRANSLATABLE_KEYS:
        value = getattr(release.meta, key)
        problem = value and too_costly(value, length=MAX_FIELD)
        if problem:
            raise WorkflowError(release.path, release.field_lines.get(key, 1), f"the {key} {problem}",
                                "shorten it: it is a line of the letterhead, not a paragraph")
        if value:
            segments.append(Segment(value, f"front matter: {key}", release.path, release.field_lines.get(key, 1)))
    body = release.body
    count = body.count("[")
    if count > MAX_BRACKETS_RELEASE:  # counted before Python-Markdown sees the body
        where = release.body_line + body.count("\n", 0, _nth(body, "[", MAX_BRACKETS_RELEASE + 1))
        raise WorkflowError(release.path, where, f"the release has {count:,} link brackets [ (at most "
                            f"{MAX_BRACKETS_RELEASE:,} in a release; this line has the first one over the limit)",
                            "remove the brackets that are not links, or split the release")
    try:
        found, html = _scan_body(body)
    except _TooCostly as exc:
        line = release.body_line + body.count("\n", 0, _locate(body, exc.msgid, 0))
        raise WorkflowError(release.path, line, f"this {exc.kind} {exc.problem}",
                            "split it with blank lines between paragraphs") from None
    if len(found) > MAX_SEGMENTS:
        msgid, kind = found[MAX_SEGMENTS]
        line = release.body_line + body.count("\n", 0, _locate(body, msgid, 0))
        raise WorkflowError(release.path, line, f"the release has {len(found):,} blocks to translate (at most "
                            f"{MAX_SEGMENTS:,}; this {kind} is the first over the limit)", "split the release")
    cursor = 0
    for msgid, kind in found:
        cursor = _locate(body, msgid, cursor)
        line = release.body_line + body.count("\n", 0, cursor)
        segments.append(Segment(msgid, kind, release.path, line))
        cursor += 1
    return segments, html


def _nth(text: str, char: str, n: int) -> int:
    """The offset of the ``n``-th ``char`` in ``text`` (it has at least ``n``)."""
    at = -1
    for _ in range(n):
        at = text.index(char, at + 1)
    return at
