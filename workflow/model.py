"""The data model: plain values, no I/O.

Every stage of the pipeline takes and returns these objects, so that each
stage can be tested on its own.

The values a run holds one of per release, segment or finding (``Meta``, ``Release``,
``Segment``, ``Finding``) have slots: a publish keeps every release read for the whole run, and
an object without a ``__dict__`` is a third of the size (pickling them, as the parse cache does,
would otherwise make each one's ``__dict__`` real).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from enum import Enum

#: Front-matter keys a release must have.
REQUIRED_KEYS = ("title", "date", "lang")
#: Front-matter keys whose values are offered to translators, in this order.
TRANSLATABLE_KEYS = ("title", "subtitle", "place", "department", "issuer", "withdrawn_reason")
#: Every key the front matter may carry; anything else is reported as unknown.
KNOWN_KEYS = REQUIRED_KEYS + ("place", "department", "issuer", "issued", "reference", "subtitle", "withdrawn",
                               "withdrawn_reason")


class WorkflowError(Exception):
    """A problem a user can fix: it names the file, the line and what to do.

    Every error of the project is one of these (a PO syntax error, a refused input, a PDF that
    cannot be made…), so the CLI and the report say each the same way: ``path:line: message —
    hint``.  ``path`` may be empty when the error is about no file of the project (a font that is
    not installed); whoever reports it then names the output it was making.

    It survives being sent between processes (a PDF worker's error), fields and all:

    >>> import pickle
    >>> str(pickle.loads(pickle.dumps(WorkflowError("a.po", 3, "bad", "fix it"))))
    'a.po:3: bad — fix it'
    """

    def __init__(self, path: str, line: int | None, message: str, hint: str = ""):
        self.path = str(path)
        self.line = line
        self.message = message
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.message}" if where else self.message
        return f"{text} — {self.hint}" if self.hint else text

    def __reduce__(self):
        # Exception pickles its args (here the one formatted string), which the subclasses'
        # constructors would not take back: rebuild from the fields instead.
        return _rebuild_error, (type(self), dict(self.__dict__))


def _rebuild_error(cls: type[WorkflowError], fields: dict) -> WorkflowError:
    error = cls.__new__(cls)
    error.__dict__.update(fields)
    Exception.__init__(error, str(error))
    return error


class TypesetError(WorkflowError):
    """The PDF could not be made, or would be wrong (missing font or glyph).

    Its message says what went wrong; it names a file only when one is to blame (``path``):
    the PDF it was making is named by whoever reports it.
    """

    def __init__(self, message: str, path: str = "", line: int | None = None, hint: str = ""):
        super().__init__(path, line, message, hint)


@dataclass(frozen=True, slots=True)
class Meta:
    """A release's front matter, with defaults filled in."""

    title: str
    date: _dt.date
    lang: str
    place: str = ""
    department: str = ""
    issuer: str = ""
    issued: _dt.date | None = None
    reference: str = ""
    subtitle: str = ""
    withdrawn: _dt.date | None = None  #: the day the release was withdrawn: a notice replaces its editions
    withdrawn_reason: str = ""

    @property
    def closing_date(self) -> _dt.date:
        """The date printed with the place at the end: the issue date, else the release date."""
        return self.issued or self.date


@dataclass(frozen=True, slots=True)
class Release:
    """One press release as written by the press office."""

    slug: str
    path: str  #: relative to the project root, as it appears in PO references
    meta: Meta
    body: str  #: Markdown after the front matter
    body_line: int  #: line number of the body's first line in the file
    field_lines: dict[str, int] = field(default_factory=dict, compare=False)
    text: str = field(default="", compare=False)  #: the whole file as read (what an approval is bound to)


@dataclass(frozen=True, slots=True)
class Segment:
    """One translatable unit: a block of the body or a front-matter field."""

    text: str  #: the msgid: inline Markdown kept as written
    kind: str  #: what it is, e.g. "paragraph", "heading 2", "table cell"
    path: str  #: the file it comes from, relative to the project root
    line: int  #: line in that file

    @property
    def comment(self) -> str:
        """The extracted comment translators see (``#.`` in the PO file)."""
        return f"type: {self.kind}"


class State(str, Enum):
    """How far an edition's translation has come."""

    SOURCE = "source"  #: the source-language edition
    COMPLETE = "complete"  #: every segment has a final translation
    INCOMPLETE = "incomplete"  #: some segments fall back to the source text


@dataclass(frozen=True, slots=True)
class Finding:
    """Something a build or check noticed, tied to a file and line."""

    path: str
    line: int | None
    message: str
    severity: str = "warning"  #: "error" fails the build; "warning" is reported

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message}"


@dataclass
class Edition:
    """One language edition of a release, ready to render."""

    release: Release
    lang: str
    body_html: str
    strings: dict[str, str]  #: translated front-matter fields by key
    state: State
    untranslated: int = 0
    findings: list[Finding] = field(default_factory=list)
    fallback: frozenset[str] = frozenset()  #: front-matter keys shown in the source language
    texts: dict[str, str] = field(default_factory=dict)  #: msgid → the translation published for it
    fuzzy: int = 0  #: of the untranslated segments, those with a fuzzy suggestion
    rejected: int = 0  #: of the untranslated segments, those whose translation was refused
    errors: int = 0  #: check errors in the translations it shows (or in its templates' strings)
