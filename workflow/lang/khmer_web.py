"""Khmer word breaks for the web pages: the browser may break between khmercut's words, never inside one.

Chromium breaks Khmer with ICU's dictionary, which splits compounds the PDF keeps whole
(ព្រះរាជា|ណាចក្រ, សហប្រតិបត្តិ|ការ, រាជ|រដ្ឋាភិបាល).  ``<wbr>`` between the words alone does not
stop it, and ``word-break: keep-all`` has no effect on Khmer in Chromium 156 (measured:
``notes/khmer-web-breaks.md``).  So in every text node of a page, each Khmer word of more than
one cluster goes in ``<span class="km-w">`` (``white-space: nowrap`` in ``edition.css``), and a
``<wbr>`` stands where :func:`workflow.lang.khmer.line_breaks` puts the PDF's U+200B.  Both are
elements, not characters: what a reader copies or searches is the text itself.

The page is read with the standard library's HTML tokenizer, so only text is touched: never a
tag, an attribute value, a comment, ``<title>`` (its text is shown as typed), ``<script>`` or
``<style>``.  Text between tags is HTML already (``&amp;``…): marks go only between two Khmer
letters, which no character reference contains.

>>> mark_page('<p title="ក្រសួង">ក្រសួងការបរទេស។</p>')
'<p title="ក្រសួង"><span class="km-w">ក្រសួង</span><wbr><span class="km-w">ការបរទេស។</span></p>'
>>> mark_page('<span class="nobreak">ហ្វ្រង់ស្វ័រ ដេឡាយ</span>')  # a name: no break inside it
'<span class="nobreak"><span class="km-w">ហ្វ្រង់</span><span class="km-w">ស្វ័រ</span> <span class="km-w">ដេឡាយ</span></span>'
"""

from __future__ import annotations

import bisect
import functools
import re
from html.parser import HTMLParser

from workflow.lang import khmer
from workflow.lang.typography import NOBREAK_CLASS  # a name kept on one line: no <wbr> inside it

WORD_CLASS = "km-w"
_OPEN, _CLOSE, _BREAK = f'<span class="{WORD_CLASS}">', "</span>", "<wbr>"
#: Elements whose text is not laid out in the page's flow (or not as markup).
_UNMARKED = frozenset({"title", "script", "style", "textarea", "template"})
_NEWLINE = re.compile("\n")
_MARKS = re.compile(f"{re.escape(_OPEN)}([^<]*){re.escape(_CLOSE)}|{re.escape(_BREAK)}")


class _TextFinder(HTMLParser):
    """The offsets of every run of text in a page outside the elements of ``_UNMARKED``."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=False)  # text arrives as it stands in the page
        self._html = html
        self._lines = [0, *(m.end() for m in _NEWLINE.finditer(html))]  # where each line starts
        self._inside: str | None = None
        self._spans: list[bool] = []  #: open spans: whether each keeps its text on one line
        self.texts: list[tuple[int, int, bool]] = []  #: start, end, inside a span.nobreak

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._lines[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if self._inside is None and tag in _UNMARKED:
            self._inside = tag
        if tag == "span":
            self._spans.append(NOBREAK_CLASS in (dict(attrs).get("class") or "").split())

    def handle_endtag(self, tag):
        if tag == self._inside:
            self._inside = None
        if tag == "span" and self._spans:
            self._spans.pop()

    def handle_data(self, data):
        if self._inside is None and khmer.has_khmer(data):
            start = self._offset()
            if self._html.startswith(data, start):  # the tokenizer's own slice of the page
                self.texts.append((start, start + len(data), any(self._spans)))


def mark_text(text: str, *, breaks_between: bool = True) -> str:
    """HTML text (no tags) with its Khmer words in spans and ``<wbr>`` between them (none when
    not ``breaks_between``: the text of a name kept on one line, where Chromium would still break
    at a ``<wbr>`` inside ``white-space: nowrap``).

    >>> mark_text("ព្រះរាជាណាចក្រកម្ពុជា (Cambodia)")
    '<span class="km-w">ព្រះរាជាណាចក្រ</span><wbr><span class="km-w">កម្ពុជា</span> (Cambodia)'
    """
    if not khmer.has_khmer(text):
        return text
    breaks = khmer.line_breaks(text)
    pieces, last = [], 0
    for match in khmer.KHMER_RUN.finditer(text):
        start, end = match.span()
        pieces.append(text[last:start])
        inner = breaks[bisect.bisect_right(breaks, start):bisect.bisect_left(breaks, end)]
        edges = [start, *inner, end]
        words = [_word(text[a:b]) for a, b in zip(edges, edges[1:])]
        pieces.append((_BREAK if breaks_between else "").join(words))
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


@functools.lru_cache(maxsize=khmer.KHMER_MEMO)
def _word(word: str) -> str:
    """One word, in a span when the browser could break inside it (more than one cluster).
    Remembered: a ministry's pages say the same words again and again (their clusters are
    counted once)."""
    return f"{_OPEN}{word}{_CLOSE}" if len(khmer.cluster_boundaries(word)) > 2 else word


def mark_page(html: str) -> str:
    """A whole page (or fragment) with :func:`mark_text` applied to each of its Khmer texts."""
    if not khmer.has_khmer(html):
        return html
    finder = _TextFinder(html)
    finder.feed(html)
    finder.close()
    pieces, last = [], 0
    for start, end, nobreak in finder.texts:
        pieces.append(html[last:start])
        pieces.append(mark_text(html[start:end], breaks_between=not nobreak))
        last = end
    pieces.append(html[last:])
    return "".join(pieces)


def unmark(html: str) -> str:
    """A page as it was before :func:`mark_page`: for comparing pages as text (tests, diffs).

    >>> unmark(mark_page("<p>ក្រសួងការបរទេស</p>"))
    '<p>ក្រសួងការបរទេស</p>'
    """
    return _MARKS.sub(lambda m: m.group(1) or "", html)
