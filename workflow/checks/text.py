"""One text as the checks see it: what Python-Markdown really renders, and its plain words.

Every check that reads words (numbers, glossary, punctuation, scripts) works on the rendered text,
not on the Markdown: ``**7 February**`` is the words "7 February", and a ``*`` left over is a
marker that did not render.  The rendering is the pipeline's own (:func:`workflow.segment.
render_body`, the way a translation is put in a block) and is cached per text, so the checks of
one entry render each side once however many checks look at it.

Python-Markdown's bracket matching is quadratic (2,000 ``[`` take 0.4 s); a text with more than
:data:`MAX_BRACKETS` of them is not rendered here (markup.rejection refuses it anyway).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser

from workflow import segment
from workflow.checks.base import MEMO

#: More ``[`` than this in one text is refused rather than rendered (see the module docstring).
MAX_BRACKETS = 1000

#: Inline elements whose number must be the same in a source and its translation.
STRUCTURE = ("strong", "em", "code", "a", "br", "img")

#: printf (%s, %3li, %1$s, %(name)s), Qt/KDE (%1), brace ({0}, {name}), shell ($HOME, ${x}), entities.
#: No space flag (``% d``): it would eat the "% d" of "50 % des".
PLACEHOLDER = re.compile(
    r"%\(\w{1,40}\)[-+#0]{0,4}\d{0,3}(?:\.\d{1,3})?[a-zA-Z]"
    r"|%(?:\d{1,2}\$)?[-+#0]{0,4}\d{0,3}(?:\.\d{1,3})?(?:hh|ll|[hlLqjzt])?[diouxXeEfFgGcsaAp]"
    r"|%L?\d{1,2}"
    r"|\{\{?\s{0,2}[\w.]{0,40}\s{0,2}\}\}?"
    r"|\$\{\w{1,40}\}|\$[A-Za-z_]\w{0,40}"
    r"|&#?\w{1,10};")
URL = re.compile(r"(?:\b[A-Za-z][A-Za-z0-9+.-]{0,20}://|\bwww\.)[^\s<>\"“”«»]{1,2000}"
                 r"|\b[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
#: Raw HTML shown as text (HTML is off in the pipeline): a tag is not words.
TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]{0,20}(?:\s[^<>]{0,500})?/?>")
_WORD_TOKEN = re.compile(r"[(«“\"'‘]*([^\W\d_]+(?:['’-][^\W\d_]+)*)[)»”\"'’,.;:!?…]*")


class _Reader(HTMLParser):
    """The inline structure and the text of one rendered paragraph."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[str] = Counter()
        self.hrefs: list[str] = []
        self.text: list[str] = []
        self.prose: list[str] = []
        self._code = 0

    def handle_starttag(self, tag, attrs):
        if tag in STRUCTURE:
            self.tags[tag] += 1
        if tag == "a":
            self.hrefs.extend(value for name, value in attrs if name == "href" and value)
        if tag == "code":
            self._code += 1
        if tag == "br":
            self.text.append("\n")
            self.prose.append("\n")

    def handle_endtag(self, tag):
        if tag == "code":
            self._code = max(0, self._code - 1)

    def handle_data(self, data):
        self.text.append(data)
        self.prose.append(" " if self._code else data)


@dataclass(frozen=True)
class View:
    """A Markdown text rendered as a translation is, and what the checks read in it."""

    raw: str
    tags: Counter  #: count of each STRUCTURE element
    hrefs: tuple[str, ...]  #: link targets, as rendered
    text: str  #: the rendered text, code included
    prose: str  #: the rendered text without code, URLs, e-mail addresses, placeholders and tags
    rendered: bool  #: False when the text was too hostile to render (see MAX_BRACKETS)

    @functools.cached_property
    def words(self) -> list[str]:
        """The Latin (and other non-Khmer) words of the prose: paths, options and identifiers are not words."""
        found = []
        for token in self.prose.split():
            match = _WORD_TOKEN.fullmatch(token)
            if match and not _is_khmer(match.group(1)[0]):
                found.append(match.group(1))
        return found


def _is_khmer(ch: str) -> bool:
    return "\u1780" <= ch <= "\u17ff" or "\u19e0" <= ch <= "\u19ff"


def strip_noise(text: str) -> str:
    """Text without URLs, e-mail addresses, placeholders and HTML tags (each becomes a space).

    >>> " ".join(strip_noise("Voir https://x.org/a?b=1 ou %(name)s, <b>%1</b> {0}.").split())
    'Voir ou , .'
    """
    return PLACEHOLDER.sub(" ", TAG.sub(" ", URL.sub(" ", text)))


@functools.lru_cache(maxsize=MEMO)
def html(text: str, references: segment.References = ()) -> str:
    """The HTML of ``text`` put in a paragraph the way the pipeline puts a translation: in its
    release's body, whose link definitions (``references``) a ``[text][name]`` resolves against."""
    return segment.render_body("x", lambda msgid, kind="": text, references=references)


@functools.lru_cache(maxsize=MEMO)
def view(text: str, references: segment.References = ()) -> View:
    """``text`` rendered and read (cached: each side of an entry is rendered once)."""
    if text.count("[") > MAX_BRACKETS:
        return View(text, Counter(), (), text, strip_noise(text), rendered=False)
    reader = _Reader()
    reader.feed(html(text, references))
    reader.close()
    rendered_text = "".join(reader.text).strip()
    prose = strip_noise("".join(reader.prose)).strip()
    return View(text, reader.tags, tuple(reader.hrefs), rendered_text, prose, rendered=True)
