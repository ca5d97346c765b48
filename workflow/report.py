"""What a run did and what went wrong: the findings (each said once, as it is found) and the
outcome of each edition, which the CLI turns into the summary table and an exit code."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Collection, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from workflow import lifecycle
from workflow.model import Finding, State, WorkflowError

if TYPE_CHECKING:
    from workflow.shelf import Spool

log = logging.getLogger(__name__)
V = TypeVar("V")


@dataclass(frozen=True)
class Outcome:
    """What became of one edition in this run, for the summary table and the indexes."""

    draft: bool  #: not final: built for reviewers, left out of the public indexes
    html: bool  #: the HTML edition is published (written now or unchanged)
    pdf: bool  #: the PDF is published (written now or unchanged)
    why: str = ""  #: for a draft or a failure: the reason, in a few words
    seconds: float = 0.0
    stage: str = ""  #: where the edition stands in its lifecycle (``workflow.lifecycle.Stage``)

    @property
    def state(self) -> str:
        """The stage ("final", "draft", "issued"…), or "failed" (the HTML or the PDF could not be made)."""
        return "failed" if not (self.html and self.pdf) else self.stage or ("draft" if self.draft else "final")


@dataclass(frozen=True)
class Done:
    """What became of one edition in this run: its outcome and, once it was planned and built (or
    taken as its last build left it), its state, the title it is listed under and where it stands
    in its lifecycle (its stage, reason and pending revision: no texts)."""

    outcome: Outcome
    state: State | None = None
    title: str | None = None
    plan: lifecycle.Plan | None = None


Key = tuple[str, str]  #: (slug, lang)


def _records() -> MutableMapping:
    from workflow.shelf import Shelf  # the catalogs' module: not imported by a run with nothing to do

    return Shelf()


def _spool() -> Spool:
    from workflow.shelf import Spool

    return Spool()


class _Field(Mapping[Key, V]):
    """One field of every edition's record (``Report.done``), read as a mapping, a record at a time.
    ``always``: every record has it (the outcome), so its keys are the records' and none is read
    to list or count them."""

    def __init__(self, done: Mapping[Key, Done], name: str, *, always: bool = False):
        self.done, self.name, self.always = done, name, always

    def __getitem__(self, key: Key) -> V:
        value = getattr(self.done[key], self.name)
        if value is None:
            raise KeyError(key)
        return value

    def __iter__(self) -> Iterator[Key]:
        if self.always:
            return iter(self.done)
        return (key for key in self.done if getattr(self.done[key], self.name) is not None)

    def __len__(self) -> int:
        return len(self.done) if self.always else sum(1 for _key in self)

    def __contains__(self, key: object) -> bool:
        if self.always:
            return key in self.done  # its record is not read
        return super().__contains__(key)


def in_order(records: Mapping[Key, object]) -> Iterator[Key]:
    """The keys of ``records`` as ``sorted`` gives them, without a list of them all (on disk past a
    few hundred: ``workflow.shelf``): the releases' names sorted, then each one's languages.

    >>> list(in_order({("b", "fr"): 1, ("a", "km"): 2, ("b", "en"): 3}))
    [('a', 'km'), ('b', 'en'), ('b', 'fr')]
    """
    langs = sorted({lang for _slug, lang in records})
    for slug in sorted({slug for slug, _lang in records}):
        for lang in langs:
            if (slug, lang) in records:
                yield slug, lang


class InOrder(Collection[Key]):
    """:func:`in_order` as a collection, read as often as asked: what the run's record writes of
    every edition (``fsutil.Made``), a record at a time."""

    def __init__(self, records: Mapping[Key, object]):
        self.records = records

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[Key]:
        return in_order(self.records)

    def __contains__(self, key: object) -> bool:
        return key in self.records


@dataclass
class Report:
    """What a run did and what went wrong; the CLI turns it into output and an exit code.

    Each finding is kept and logged once, however many passes meet it.
    """

    #: Every finding, in the order said: past a few hundred on disk (``workflow.shelf.Spool``): a
    #: run over an archive can warn of thousands of drafts, some 300 bytes each as objects.
    findings: Spool[Finding] = field(default_factory=_spool)
    #: Every file written (or removed), in order: a few a release, past a few hundred on disk
    #: (``workflow.shelf.Spool``); ``append`` adds one.
    written: Spool[str] = field(default_factory=_spool)
    #: The sha256 of what was written to each file of ``written`` that a run reads (not under
    #: ``output/``): a save landing after it is not the run's own (``build._remember``).  A cold
    #: run writes every catalog: past a few hundred on disk (``workflow.shelf``).
    wrote: MutableMapping[str, bytes] = field(default_factory=_records)
    #: (slug, lang) → what became of the edition: one record an edition, past a few hundred on disk
    #: (``workflow.shelf``) until the summary, the indexes and the run's record read them back.
    done: MutableMapping[Key, Done] = field(default_factory=_records, repr=False)
    hints: list[str] = field(default_factory=list)  #: said once, at the end
    typeset: int = 0  #: PDFs typeset this run
    unchanged: int = 0  #: PDFs already up to date, not typeset
    #: ``findings`` as a set (a finding's fields → True; past a few hundred on disk, as they are): a
    #: run with tens of thousands of findings (a catalog of 20,000 entries, each wrong) must not
    #: compare each new one with every earlier one.  Keyed by a tuple, not the ``Finding``: a shelf
    #: writes only keys of strings, numbers and tuples of those to disk.
    said: MutableMapping[tuple, bool] = field(default_factory=_records, repr=False, compare=False)

    @property
    def outcomes(self) -> Mapping[Key, Outcome]:
        """(slug, lang) → what became of the edition."""
        return _Field(self.done, "outcome", always=True)

    @property
    def editions(self) -> Mapping[Key, State]:
        return _Field(self.done, "state")

    @property
    def titles(self) -> Mapping[Key, str]:
        """(slug, lang) → the title the edition is listed under."""
        return _Field(self.done, "title")

    @property
    def stages(self) -> Mapping[Key, lifecycle.Plan]:
        """(slug, lang) → where the edition stands (a plan without its texts)."""
        return _Field(self.done, "plan")

    def built(self, key: Key, outcome: Outcome, state: State, title: str, plan: lifecycle.Plan) -> None:
        """An edition planned and built (or taken as its last build left it)."""
        self.done[key] = Done(outcome, state, title, plan.without_texts())

    def outcome(self, key: Key, outcome: Outcome) -> None:
        """What became of an edition, the rest of its record kept (its PDFs done, or failed)."""
        before = self.done.get(key)
        self.done[key] = Done(outcome) if before is None else dataclasses.replace(before, outcome=outcome)

    def _add(self, finding: Finding) -> None:
        key = (finding.path, finding.line, finding.message, finding.severity)
        if key in self.said:
            return
        self.said[key] = True
        self.findings.append(finding)
        (log.error if finding.severity == "error" else log.warning)("%s", finding)

    def error(self, path: str, line: int | None, message: str) -> None:
        self._add(Finding(path, line, message, "error"))

    def warn(self, path: str, line: int | None, message: str) -> None:
        self._add(Finding(path, line, message, "warning"))

    def hint(self, text: str) -> None:
        if text not in self.hints:
            self.hints.append(text)

    def failure(self, exc: Exception, path: str) -> None:
        if isinstance(exc, WorkflowError):  # a PoSyntaxError, a TypesetError, a refused file…
            self.error(exc.path or path, exc.line, exc.message + (f" — {exc.hint}" if exc.hint else ""))
        else:
            log.debug("internal error", exc_info=exc)
            self.error(path, None, f"{type(exc).__name__}: {exc}")

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)
