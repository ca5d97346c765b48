"""Typographic rules applied by the typesetter, so translators need not type them.

French: a narrow no-break space (U+202F) before ; ! ? and inside « »; a
no-break space (U+00A0) before :.  English: typographic quotes and
apostrophes.  The rules touch only the text of HTML, never tags, attributes,
code or URLs, and leave times (10:30) and numbers alone.

In HTML, a rule sees the text of a whole block at once (across ``<strong>``,
``<a>`` and the other inline tags), so ``<strong>Note</strong> : voir`` and
``"<em>Summit</em>"`` are set right; code spans are seen as opaque words.
"""

from __future__ import annotations

import bisect
import difflib
import html as _html
import re
from collections.abc import Callable

NNBSP = "\u202f"
NBSP = "\u00a0"
#: Stand for a code span (in HTML) and for a URL while a rule runs: "words" no rule changes.
_OPAQUE = "\ue000"
_URL_MARK = "\ue001"

_SPACES = "[ \t\n\u00a0\u202f\u2009]"
#: What may stand before a French high sign (; : ! ?) or a closing guillemet.
_FR_BEFORE = rf"[\w)\]»’”\"'.…%{_OPAQUE}{_URL_MARK}]"
_FR_TIGHT = re.compile(rf"(?<={_FR_BEFORE}){_SPACES}*([;!?]+)(?![\w/=&#%+~@{_OPAQUE}{_URL_MARK}])")
# Before a colon: "Note : x", "Note: x", "Note :" at the end; never a time (10:30) or a URL.
_FR_COLON = re.compile(rf"(?<={_FR_BEFORE})(?:{_SPACES}*:(?=\s|$)|{_SPACES}+:(?![\d/]))")
_FR_OPEN = re.compile(rf"«{_SPACES}*")
_FR_CLOSE = re.compile(rf"{_SPACES}*»")
_URL = re.compile(r"(?:\b[A-Za-z][A-Za-z0-9+.-]*://|\bmailto:|\bwww\.)[^\s<>«»\"“”‘’]*[^\s<>«»\"“”‘’.,;:!?)\]']")


def _outside_urls(rule: Callable[[str], str]) -> Callable[[str], str]:
    """``rule`` applied to text with its URLs kept as they are."""

    def apply(text: str) -> str:
        urls = _URL.findall(text)
        if not urls or _URL_MARK in text:
            return rule(text)
        done = iter(urls)
        return re.sub(_URL_MARK, lambda _m: next(done), rule(_URL.sub(_URL_MARK, text)))

    apply.__name__, apply.__doc__ = rule.__name__, rule.__doc__
    return apply


@_outside_urls
def french(text: str) -> str:
    """French spacing in plain text.

    >>> french("Pourquoi ? Voici : « oui » ; non !") == "Pourquoi\\u202f? Voici\\u00a0: «\\u202foui\\u202f»\\u202f; non\\u202f!"
    True
    >>> french("à 10:30, voir https://example.org/?q=1")
    'à 10:30, voir https://example.org/?q=1'
    """
    text = _FR_OPEN.sub("«" + NNBSP, text)
    text = _FR_CLOSE.sub(NNBSP + "»", text)
    text = _FR_TIGHT.sub(lambda m: NNBSP + m.group(1), text)
    return _FR_COLON.sub(NBSP + ":", text)


#: Where a quotation opens: at the start, after a space, an opening bracket or quote, a dash.
_OPENS_AFTER = r"(?:^|(?<=[\s(\[{“‘«—–/-]))"
#: Leading apostrophes of elisions: '90s, 'tis, 'twas, 'em, rock 'n' roll.
_EN_ELISION = re.compile(r"(?<![\w’])'(?=\d\d(?:s\b|\b)|(?:tis|twas|em|til|cause)\b|n'\s)", re.I)
_EN_OPEN_DOUBLE = re.compile(_OPENS_AFTER + r'"(?=\S)')
_EN_OPEN_SINGLE = re.compile(_OPENS_AFTER + r"'(?=\S)")


@_outside_urls
def english(text: str) -> str:
    """Typographic quotes and apostrophes.

    A quote opens at the start of the text, after a space, a bracket, a dash or
    another opening quote; every other quote closes, and every other
    apostrophe is ’ (it's, the countries’, the ’90s).

    >>> english('the countries\\' "strong" hope, it\\'s \\'ours\\'')
    'the countries’ “strong” hope, it’s ‘ours’'
    """
    text = _EN_ELISION.sub("’", text)
    text = _EN_OPEN_DOUBLE.sub("“", text)
    text = _EN_OPEN_SINGLE.sub("‘", text)
    return text.replace('"', "”").replace("'", "’")


RULES: dict[str, Callable[[str], str]] = {"fr": french, "en": english}


def text_rule(lang: str) -> Callable[[str], str]:
    """The typographic rule for a language's plain text (identity if none)."""
    return RULES.get(lang, lambda text: text)


_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"</?\s*([A-Za-z][A-Za-z0-9]*)")
#: Text inside these is never changed.
_VERBATIM = {"code", "pre", "kbd", "samp", "script", "style", "var"}
#: Tags that do not end a run of text: a rule sees across them.
_INLINE = {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "ins", "kbd", "mark",
           "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var"}
_LINK_TEXT_URL = re.compile(r"\s*\w+://\S*\s*")


_LANG_ATTRIBUTE = re.compile(r"""\slang=["']?([A-Za-z-]+)""")


def apply_to_html(html: str, rule: Callable[[str], str]) -> str:
    """Apply ``rule`` to the text between tags, outside code and URL-like link texts.

    The text of each block (a paragraph, a heading, a list item, a cell) is
    given to ``rule`` in one piece, inline tags left out and code spans
    replaced by an opaque character; what the rule changes is then put back
    into the pieces of text it came from.  A block that says it is in another
    language (``<p lang="en">``: a draft's passage left in the source language)
    gets that language's rule instead.

    >>> apply_to_html("<p><strong>Note</strong> : voir <code>a ? b</code> ; fin</p>", french) == (
    ...     "<p><strong>Note</strong>\\u00a0: voir <code>a ? b</code>\\u202f; fin</p>")
    True
    >>> apply_to_html('<p>Oui ; non</p><p lang="en">"Yes" ; no</p>', french) == (
    ...     '<p>Oui\\u202f; non</p><p lang="en">“Yes” ; no</p>')
    True
    """
    parts = _TAG.split(html)
    verbatim = 0
    run: list[tuple[int, bool]] = []  # (index in parts, opaque) of the current block's texts
    block_rule = rule
    for index, part in enumerate(parts):
        if index % 2 == 0:
            if part:
                run.append((index, verbatim > 0 or bool(_LINK_TEXT_URL.fullmatch(part))))
            continue
        name = _TAG_NAME.match(part)
        tag = name.group(1).lower() if name else ""
        if tag in _VERBATIM and not part.endswith("/>"):
            verbatim = max(0, verbatim + (-1 if part.startswith("</") else 1))
        if tag not in _INLINE:
            _apply_to_run(parts, run, block_rule)
            run = []
            other = _LANG_ATTRIBUTE.search(part) if not part.startswith("</") else None
            block_rule = text_rule(other.group(1)) if other else rule
    _apply_to_run(parts, run, block_rule)
    return "".join(parts)


def _apply_to_run(parts: list[str], run: list[tuple[int, bool]], rule: Callable[[str], str]) -> None:
    """Apply ``rule`` to the texts ``parts[i]`` of one block, in place."""
    if not any(not opaque for _, opaque in run):
        return
    texts = [_html.unescape(parts[i]) for i, _ in run]
    shown = [_OPAQUE if opaque else text for text, (_, opaque) in zip(texts, run)]
    plain = "".join(shown)
    new = rule(plain)
    if new == plain:
        return
    # Each text's span in ``plain``, and the edits that fall in it.
    spans, start = [], 0
    for text in shown:
        spans.append((start, start + len(text)))
        start += len(text)
    edits: list[list[tuple[int, int, str]]] = [[] for _ in run]
    ends = [b for _, b in spans]
    for i1, i2, replacement in _changes(plain, new):
        _place_edit(plain, spans, ends, run, edits, i1, i2, replacement)
    for k, (index, opaque) in enumerate(run):
        if opaque or not edits[k]:
            continue
        text = texts[k]
        for a, b, replacement in sorted(edits[k], reverse=True):
            text = text[:a] + replacement + text[b:]
        parts[index] = _html.escape(text, quote=False)


def _is_anchor(ch: str) -> bool:
    return ch.isalnum() or ch in (_OPAQUE, _URL_MARK)


def _changes(old: str, new: str) -> list[tuple[int, int, str]]:
    """What turns ``old`` into ``new``: (start, end, replacement) in ``old``, in order.

    The rules never add, remove or change letters, digits or opaque marks, so
    these anchor the two texts; only the stretches between anchors are
    compared, character by character.  This stays linear in the text's length.
    Should a rule break that promise, the whole text is compared at once.
    """
    old_anchors = [i for i, ch in enumerate(old) if _is_anchor(ch)]
    new_anchors = [j for j, ch in enumerate(new) if _is_anchor(ch)]
    if [old[i] for i in old_anchors] != [new[j] for j in new_anchors]:
        gaps = [(0, len(old), 0, len(new))]
    else:
        bounds = list(zip([-1, *old_anchors], [*old_anchors, len(old)], [-1, *new_anchors], [*new_anchors, len(new)]))
        gaps = [(a + 1, b, c + 1, d) for a, b, c, d in bounds]
    changes = []
    for a, b, c, d in gaps:
        if old[a:b] == new[c:d]:
            continue
        matcher = difflib.SequenceMatcher(None, old[a:b], new[c:d], autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op != "equal":
                changes.append((a + i1, a + i2, new[c + j1:c + j2]))
    return changes


def _place_edit(plain: str, spans: list[tuple[int, int]], ends: list[int], run: list[tuple[int, bool]],
                edits: list[list[tuple[int, int, str]]], i1: int, i2: int, replacement: str) -> None:
    """Give the change of ``plain[i1:i2]`` into ``replacement`` to the texts it belongs to.

    ``spans`` are the texts' (start, end) in ``plain``, in order and not empty; ``ends`` their
    ends, for a binary search (a block can hold thousands of texts).
    """
    if i1 < i2:  # characters replaced or removed: by the texts that hold them
        touched = []
        for k in range(bisect.bisect_right(ends, i1), len(spans)):  # the first text ending after i1
            if spans[k][0] >= i2:
                break
            touched.append(k)
        if any(run[k][1] for k in touched):
            return  # never inside code or a URL
        for n, k in enumerate(touched):
            a, b = spans[k]
            edits[k].append((max(i1, a) - a, min(i2, b) - a, replacement if n == 0 else ""))
        return
    # An insertion between two texts goes with the sign it spaces: before "?" with the "?",
    # after "«" with the "«".
    k = bisect.bisect_left(ends, i1)  # the first text ending at or after i1
    before = k if k < len(spans) and spans[k][0] < i1 <= spans[k][1] else None
    k = bisect.bisect_right(ends, i1)  # the first text ending after i1
    after = k if k < len(spans) and spans[k][0] <= i1 < spans[k][1] else None
    punctuation_follows = i1 < len(plain) and not plain[i1].isalnum() and plain[i1] != _OPAQUE
    order = (after, before) if punctuation_follows else (before, after)
    for k in order:
        if k is not None and not run[k][1]:
            a, _ = spans[k]
            edits[k].append((i1 - a, i1 - a, replacement))
            return
