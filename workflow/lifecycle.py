"""The life of an edition, decided from values alone (no I/O)::

    draft ──(complete, no fuzzy, no check error)──▶ ready ──(approved, this exact content)──▶ issued
    issued ──(source or catalog changes)──▶ issued, revision pending (the issued bytes stay public)
    revision ready + approved ──▶ issued again, with a correction line; the earlier version kept
    any state ──(withdrawn: DATE)──▶ withdrawn (a notice in place of the edition, unlisted)

With approval switched off (``approval = false``), the gate alone decides: an edition that passes
it is final and public, one that does not is a draft.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from workflow.records import Issued


class Stage(str, Enum):
    DRAFT = "draft"
    READY = "ready for approval"
    ISSUED = "issued"
    PENDING = "issued, revision pending"
    WITHDRAWN = "withdrawn"
    FINAL = "final"  #: approval off: the edition passed the gate

    @property
    def public(self) -> bool:
        """Whether an edition in this stage is listed in the public indexes."""
        return self in (Stage.ISSUED, Stage.PENDING, Stage.FINAL)


@dataclass(frozen=True)
class Plan:
    """What to build for one edition, and why."""

    stage: Stage
    #: The issued version published at the edition's URL; None: the current text goes there
    #: (a draft, a final edition with approval off, or a withdrawal notice).
    public: Issued | None
    #: Issued versions, oldest first: all but the last are kept at versioned URLs.
    versions: tuple[Issued, ...] = ()
    #: The current text is a revision of an issued edition: built as a draft in the review area.
    pending: bool = False
    why: str = ""  #: what is missing before the next step

    @property
    def draft(self) -> bool:
        """Whether the current text is built as a draft (banner, watermark, noindex)."""
        return self.stage in (Stage.DRAFT, Stage.READY, Stage.PENDING)

    def without_texts(self) -> Plan:
        """Where the edition stands, without its issued versions: what a run keeps of it to the
        end, and the manifest of its last build."""
        return self if self.public is None and not self.versions else Plan(self.stage, None, (), self.pending, self.why)


def plan(*, approval: bool, problems: list[str], current_hash: str, issued: list[Issued], withdrawn: bool,
         approve_command: str) -> Plan:
    """Where an edition stands.

    ``problems`` are the gate's reasons (empty: the edition passes it); ``issued`` its approved
    versions, oldest first.

    >>> plan(approval=False, problems=[], current_hash="h", issued=[], withdrawn=False, approve_command="").stage
    <Stage.FINAL: 'final'>
    >>> p = plan(approval=True, problems=[], current_hash="h", issued=[], withdrawn=False, approve_command="make x")
    >>> p.stage.value, p.why
    ('ready for approval', 'awaiting approval: make x')
    """
    versions = tuple(issued) if approval else ()
    if withdrawn:
        return Plan(Stage.WITHDRAWN, None, why="withdrawn")
    waiting = "; ".join(problems) if problems else f"awaiting approval: {approve_command}"
    if not approval:
        return Plan(Stage.DRAFT if problems else Stage.FINAL, None, why="; ".join(problems))
    if not versions:
        return Plan(Stage.DRAFT if problems else Stage.READY, None, why=waiting)
    latest = versions[-1]
    if latest.approval.hash == current_hash:
        return Plan(Stage.ISSUED, latest, versions)
    return Plan(Stage.PENDING, latest, versions, pending=True, why=waiting)
