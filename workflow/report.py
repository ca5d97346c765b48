"""What a run did and what went wrong: the findings (each said once, as it is found) and the
outcome of each edition, which the CLI turns into the summary table and an exit code."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from workflow import lifecycle
from workflow.model import Finding, State, WorkflowError

log = logging.getLogger(__name__)


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


@dataclass
class Report:
    """What a run did and what went wrong; the CLI turns it into output and an exit code.

    Each finding is kept and logged once, however many passes meet it.
    """

    findings: list[Finding] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    #: The sha256 of what was written to each file of ``written`` (a save landing after it is not ours).
    wrote: dict[str, bytes] = field(default_factory=dict)
    editions: dict[tuple[str, str], State] = field(default_factory=dict)
    titles: dict[tuple[str, str], str] = field(default_factory=dict)  #: (slug, lang) → the edition's title
    outcomes: dict[tuple[str, str], Outcome] = field(default_factory=dict)  #: (slug, lang) → what became of it
    hints: list[str] = field(default_factory=list)  #: said once, at the end
    stages: dict[tuple[str, str], lifecycle.Plan] = field(default_factory=dict)  #: (slug, lang) → its plan
    typeset: int = 0  #: PDFs typeset this run
    unchanged: int = 0  #: PDFs already up to date, not typeset
    #: ``findings`` as a set: a run with tens of thousands of findings (a catalog of 20,000 entries,
    #: each wrong) must not compare each new one with every earlier one.
    said: set[Finding] = field(default_factory=set, repr=False, compare=False)

    def _add(self, finding: Finding) -> None:
        if finding in self.said:
            return
        self.said.add(finding)
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
