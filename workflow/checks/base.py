"""What every check shares: severities, the problem record, the entry under check, the registry.

A check is a small function of one :class:`Entry` that yields :class:`Problem` values.  Its
one-line docstring is also the explanation users read (as in Translate Toolkit's filters), so
:data:`CHECKS` can list every check without a second copy of the words.  Checks never raise
on what a translator typed: the input is untrusted and any text must be judged, not crash.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from workflow.checks.glossary import Glossary
    from workflow.checks.text import View


#: The bound of every memo keyed by a text (a translation, a source, one side of an entry): the
#: checks' renderings and figures, a translation's rejection, its judgement
#: (``workflow.editions.judge``).  A publish asks them of one release's entries a few times in a
#: row (the screen and print editions, the edition's counts), so a memo need only hold some
#: releases' worth: a release of 50 segments in three languages asks for some 300 texts.  The
#: review pages and the consistency check, at the end of the run, ask again; what is no longer
#: held is computed again there.  A memo holding every text of the run (they were bounded at
#: 4,096 to 16,384) grew with the number of releases, about 13 KB a release, and some 25 MB a
#: memo once full of real text (each entry keeps its texts, which the catalogs kept on disk
#: (``workflow.shelf``) would otherwise let go).  At 1,024 the memos still held some 10 MB at
#: 4,000 releases of distinct text, and their churn left the allocator's holes growing through the
#: run (the parent's memory crept 10.8 MB over 10,500 editions; 4.8 MB with memos of 64); 256
#: holds several releases' texts, and on the bench's corpus at 100 releases misses no more than
#: 1,024 did (the same count of judgements, renderings and figures).
MEMO = 256


class Severity(str, Enum):
    """How much a problem matters to the publishing gate."""

    REJECT = "reject"  #: unsafe: never published, not even in a draft; the source text stands in
    ERROR = "error"  #: the translation is wrong: the edition cannot be final
    WARNING = "warning"  #: worth a look; does not block


@dataclass(frozen=True)
class Problem:
    """One thing a check found in one translation."""

    check: str  #: the check's name, a key of CHECKS
    severity: Severity
    message: str  #: one line: what is wrong, what to do, with a short excerpt
    #: The kind of problem, one line without this entry's particulars (no excerpt, no count): the
    #: warnings of one check and one kind in a catalog are reported as one finding that says this
    #: and lists their lines.  "" when the message itself says it (the same message is one kind).
    kind: str = ""

    def __str__(self) -> str:
        return f"{self.severity.value}: {self.check}: {self.message}"


@dataclass(frozen=True)
class Entry:
    """A source text and its translation, with what the checks need to know about them."""

    msgid: str
    msgstr: str
    source_lang: str
    lang: str
    glossary: Glossary | None = None
    kind: str = ""
    #: The release's link definitions (``segment.link_definitions``): the page resolves a
    #: translation's ``[text][name]`` against them, so the checks do too.
    references: tuple = ()

    @functools.cached_property
    def source(self) -> View:
        from workflow.checks.text import view
        return view(self.msgid, self.references)

    @functools.cached_property
    def target(self) -> View:
        from workflow.checks.text import view
        return view(self.msgstr, self.references)

    @property
    def same_language(self) -> bool:
        """True when source and translation are meant to be the same language (en/ui.po)."""
        return self.source_lang == self.lang


Check = Callable[[Entry], Iterable[Problem]]

#: name → one-line explanation, in the order check_entry runs them (consistency runs across entries).
CHECKS: dict[str, str] = {}
_RUN: list[Check] = []


def check(name: str, *, per_entry: bool = True) -> Callable[[Check], Check]:
    """Register a check under ``name``; its docstring's first line is the explanation."""

    def register(function: Check) -> Check:
        CHECKS[name] = (function.__doc__ or "").strip().splitlines()[0]
        if per_entry:
            _RUN.append(function)
        return function

    return register


def run_all(entry: Entry) -> Iterator[Problem]:
    for function in _RUN:
        yield from function(entry)


def excerpt(text: str, start: int = 0, end: int | None = None, width: int = 30) -> str:
    """A short quoted piece of ``text`` around ``text[start:end]``, for a message.

    >>> excerpt("The meeting took place on 7 February 2024 in Phnom Penh.", 26, 41, width=8)
    '“…lace on 7 February 2024 in Phno…”'
    >>> excerpt("Short.")
    '“Short.”'
    """
    end = start if end is None else end
    if start == 0 and end in (0, len(text)) and len(text) <= 2 * width:
        piece = text
    else:
        a, b = max(0, start - width), min(len(text), end + width)
        piece = ("…" if a > 0 else "") + text[a:b] + ("…" if b < len(text) else "")
    return "“" + " ".join(piece.split()) + "”"
