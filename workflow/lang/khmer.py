"""Khmer text helpers for typesetting: digits, clusters and line-break marks.

WeasyPrint (Pango) breaks Khmer lines only at spaces, and Khmer writes no
space between words.  :func:`insert_breaks` puts an invisible U+200B ZERO
WIDTH SPACE at dictionary word boundaries so that long Khmer runs can wrap,
without ever splitting a grapheme cluster (``word-break: break-all`` does
split them: never use it for Khmer).

Segmenter: ``khmercut`` (CRF model, pip wheels only) is preferred; PyICU's
dictionary ``BreakIterator`` is used if khmercut is missing.  The choice and
its measurements are in ``notes/khmer-segmenter.md``.

Requirements: ``pip install khmercut regex`` (PyICU is optional and needs
``apt-get install libicu-dev pkg-config g++`` before ``pip install PyICU``).
"""

from __future__ import annotations

import functools
import itertools
import logging
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable

try:  # UAX #29 extended grapheme clusters (\X)
    import regex
except ImportError:  # pragma: no cover - exercised only without the wheel
    regex = None

log = logging.getLogger(__name__)

ZWSP = "\u200b"
ZWNJ = "\u200c"
ZWJ = "\u200d"
COENG = "\u17d2"
JOINERS = frozenset((ZWJ, ZWNJ))
#: Khmer marks that must not start a line (khan, bariyosan, camnuc pii kuuh,
#: lek too, beyyal, koomuut, riel sign).
NO_BREAK_BEFORE = frozenset("\u17d4\u17d5\u17d6\u17d7\u17d8\u17da\u17db")
#: Khmer marks that must not end a line (phnaek muan opens a text).
NO_BREAK_AFTER = frozenset("\u17d9")

_LATIN_DIGITS = "0123456789"
_KHMER_DIGITS = "០១២៣៤៥៦៧៨៩"
_TO_KHMER = str.maketrans(_LATIN_DIGITS, _KHMER_DIGITS)
_TO_LATIN = str.maketrans(_KHMER_DIGITS, _LATIN_DIGITS)
_KHMER_RUN = re.compile("[\u1780-\u17ff\u19e0-\u19ff\u200c\u200d]+")
#: A run of Khmer letters, signs and digits (joiners included): the text a segmenter reads.
KHMER_RUN = _KHMER_RUN
_CLUSTER = regex.compile(r"\X") if regex is not None else None

Segmenter = Callable[[str], Iterable[int]]


def to_khmer_digits(text: str) -> str:
    """Replace ASCII digits 0-9 with Khmer digits ០-៩."""
    return text.translate(_TO_KHMER)


def to_latin_digits(text: str) -> str:
    """Replace Khmer digits ០-៩ with ASCII digits 0-9."""
    return text.translate(_TO_LATIN)


def is_khmer(ch: str) -> bool:
    """True if ``ch`` is in the Khmer (U+1780-17FF) or Khmer Symbols block."""
    return "\u1780" <= ch <= "\u17ff" or "\u19e0" <= ch <= "\u19ff"


#: One character of :func:`is_khmer`'s blocks (a search in C: pages and checks ask of every text).
_KHMER_CHAR = re.compile("[\u1780-\u17ff\u19e0-\u19ff]")


def has_khmer(text: str) -> bool:
    """True if ``text`` contains at least one Khmer character (one of :func:`is_khmer`'s).

    >>> has_khmer("Phnom Penh"), has_khmer("ភ្នំពេញ"), has_khmer("\u19e0"), has_khmer("\u200b")
    (False, True, True, False)
    """
    return _KHMER_CHAR.search(text) is not None


def _is_mark(ch: str) -> bool:
    """True for combining marks (vowel signs, diacritics, COENG)."""
    return unicodedata.category(ch).startswith("M")


def _khmer_rule_allows(text: str, pos: int) -> bool:
    """Khmer rules on top of UAX #29: keep COENG + consonant and joiners whole."""
    before, after = text[pos - 1], text[pos]
    if before == COENG or after == COENG or _is_mark(after):
        return False
    return before not in JOINERS and after not in JOINERS


def cluster_boundaries(text: str) -> list[int]:
    """Offsets (0 and len included) between Khmer-aware grapheme clusters.

    Extended grapheme clusters (``regex`` ``\\X``) split a Khmer subscript
    (COENG + consonant) from its base, so those boundaries are dropped too.
    """
    if _CLUSTER is not None:
        offsets = [m.end() for m in _CLUSTER.finditer(text)]
    else:  # legacy clusters: a base and its marks/joiners, CR LF
        offsets = [p for p in range(1, len(text) + 1)
                   if p == len(text) or not (_is_mark(text[p]) or text[p] in JOINERS
                                             or text[p - 1:p + 1] == "\r\n")]
    inner = [p for p in offsets[:-1] if _khmer_rule_allows(text, p)]
    return [0, *inner, len(text)] if text else [0]


def is_cluster_boundary(text: str, pos: int) -> bool:
    """True if a break at ``pos`` does not fall inside a grapheme cluster."""
    return pos in cluster_boundaries(text)


def _khmercut_segmenter() -> Segmenter:
    """Boundaries inside one Khmer run from khmercut's CRF tokenizer."""
    import khmercut

    lock = threading.Lock()  # one shared pycrfsuite tagger

    def breaks(run: str) -> Iterable[int]:
        with lock:
            tokens = khmercut.tokenize(run)
        if "".join(tokens) != run:
            log.warning("khmercut changed the text of %r: no breaks there", run[:20])
            return []
        return list(itertools.accumulate(len(token) for token in tokens[:-1]))

    return breaks


def _icu_segmenter() -> Segmenter:
    """Boundaries inside one Khmer run from ICU's Khmer dictionary."""
    import icu

    locale = icu.Locale("km")

    def breaks(run: str) -> Iterable[int]:
        iterator = icu.BreakIterator.createWordInstance(locale)
        iterator.setText(run)  # offsets are UTF-16 units: a Khmer run is all BMP
        return list(iterator)

    return breaks


SEGMENTERS: dict[str, Callable[[], Segmenter]] = {
    "khmercut": _khmercut_segmenter,
    "icu": _icu_segmenter,
}


@functools.cache
def get_segmenter(name: str | None = None) -> Segmenter:
    """Return the named segmenter, or the best installed one if ``name`` is None."""
    if name is not None:
        return SEGMENTERS[name]()
    for candidate, factory in SEGMENTERS.items():
        try:
            segmenter = factory()
        except ImportError:
            log.info("Khmer segmenter %s is not installed", candidate)
            continue
        log.debug("Khmer segmenter: %s", candidate)
        return segmenter
    raise ImportError("no Khmer segmenter: pip install khmercut (or PyICU)")


def word_breaks(text: str, segmenter: str | None = None) -> list[int]:
    """Offsets of word boundaries strictly inside Khmer runs of ``text``.

    Every offset lies between two Khmer characters and on a cluster boundary
    (never before a combining sign or COENG, never between COENG and its
    consonant, never next to ZWJ/ZWNJ); digits are never split.
    """
    found: set[int] = set()
    for match in _KHMER_RUN.finditer(text):
        run = match.group()
        found.update(match.start() + offset for offset in _run_breaks(run, segmenter))
    return sorted(found)


#: Khmer runs (and words, ``khmer_web``) remembered: a release's, and the phrases every release
#: repeats.  A run met in one release alone (a title's number) is not met again after it: at
#: 8,192 the caches grew with every release up to some 8,000 releases (about 0.7 KB a release
#: together); at 1,024 the bench's 1,000 releases segment 1,200 runs more, of 200,000 asked for.
KHMER_MEMO = 1024


@functools.lru_cache(maxsize=KHMER_MEMO)
def _run_breaks(run: str, segmenter: str | None) -> tuple[int, ...]:
    """Segmenter offsets inside one Khmer run that are safe places to break (remembered: the
    same runs come back in the screen page, the print page and every page's letterhead)."""
    breaks = get_segmenter(segmenter)
    clusters = set(cluster_boundaries(run))
    safe = []
    for pos in sorted(set(breaks(run))):
        if not 0 < pos < len(run) or (run[pos - 1].isdigit() and run[pos].isdigit()):
            continue
        if pos in clusters:
            safe.append(pos)
        else:
            log.warning("segmenter break inside a cluster dropped: %r|%r",
                        run[max(0, pos - 3):pos], run[pos:pos + 3])
    return tuple(safe)


def _may_start_or_end_line(text: str, pos: int) -> bool:
    """False where punctuation must not start (or end) a line."""
    return text[pos] not in NO_BREAK_BEFORE and text[pos - 1] not in NO_BREAK_AFTER


def insert_breaks(text: str, mark: str = ZWSP, segmenter: str | None = None) -> str:
    """Insert ``mark`` at Khmer word boundaries of ``text``.

    Marks already in ``text`` are kept, and segmentation runs on the text
    with them removed, so ``insert_breaks(insert_breaks(t)) ==
    insert_breaks(t)`` and ``insert_breaks(t).replace(mark, "") ==
    t.replace(mark, "")``.  Latin text is never touched, and no mark goes
    next to a space, an existing ZWSP, or before ។ ៕ ៖ and similar signs.
    """
    if not mark:
        raise ValueError("mark must not be empty")
    parts = text.split(mark)
    plain = "".join(parts)
    if not has_khmer(plain):
        return text
    counts: dict[int, int] = {}
    pos = 0
    for part in parts[:-1]:
        pos += len(part)
        counts[pos] = counts.get(pos, 0) + 1
    for pos in line_breaks(plain, segmenter):
        if pos not in counts:
            counts[pos] = 1
    return _join_marks(plain, counts, mark)


#: Compounds khmercut cuts in two (រាជ|រដ្ឋាភិបាល, ទ្វេ|ភាគី, ឯក|អគ្គ|រដ្ឋទូត…) that are one word of
#: the ministry's texts: a line never ends inside them (the word boundaries stay, for the checks).
WHOLE_WORDS = ("រាជរដ្ឋាភិបាល", "ទ្វេភាគី", "ពហុភាគី", "ឯកអគ្គរដ្ឋទូត", "នាយករដ្ឋមន្ត្រី", "ឧបនាយករដ្ឋមន្ត្រី")
_WHOLE = re.compile("|".join(sorted(WHOLE_WORDS, key=len, reverse=True)))


def line_breaks(text: str, segmenter: str | None = None) -> list[int]:
    """The word boundaries of :func:`word_breaks` where a line may end: not before ។ ៕ ៖ and
    similar signs, nor after ៙, nor inside one of :data:`WHOLE_WORDS`.  The PDF's U+200B and the
    web pages' ``<wbr>`` go there.

    >>> text = "នៃរាជរដ្ឋាភិបាលកម្ពុជា។"
    >>> [text[:pos][-3:] + "|" for pos in line_breaks(text)]
    ['នៃ|', 'បាល|']
    """
    inside = {pos for match in _WHOLE.finditer(text) for pos in range(match.start() + 1, match.end())}
    return [pos for pos in word_breaks(text, segmenter) if _may_start_or_end_line(text, pos) and pos not in inside]


def _join_marks(plain: str, counts: dict[int, int], mark: str) -> str:
    """Rebuild text from ``plain`` with ``counts[pos]`` copies of ``mark`` at ``pos``."""
    pieces, last = [], 0
    for pos in sorted(counts):
        pieces.append(plain[last:pos])
        pieces.append(mark * counts[pos])
        last = pos
    pieces.append(plain[last:])
    return "".join(pieces)
