"""Run the pipeline for every release and language: update catalogs, build editions.

A broken release, catalog or edition is reported with its file and line, and
everything else is still built; outputs are written atomically, so what was
published before stays whole when a step fails.
"""

from __future__ import annotations

import datetime as _dt
import functools
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from workflow import lifecycle, media, records
from workflow.editions import current_content, gate_problems, make_edition, plan_edition, ui_tables
from workflow.fsutil import publishing_lock, remove_stale_temporaries, write_atomic
from workflow.model import Finding, TypesetError, WorkflowError
from workflow.project import Project
from workflow.render import Renderer
from workflow.report import Outcome, Report
from workflow.update import update_catalogs
from workflow.workspace import Workspace, doubtful, load_workspace, save

# What only a publish needs (PDF jobs, fonts, the run record, the indexes) is imported there:
# 'status', 'check', 'update-po' and a publish with nothing to do start without it.
if TYPE_CHECKING:
    from workflow import runstate

log = logging.getLogger(__name__)


def edition_states(project: Project) -> tuple[dict[tuple[str, str], lifecycle.Plan], Workspace, Report]:
    """``make status``: where every edition stands, without building anything."""
    report = Report()
    ws = load_workspace(project, report)
    renderer = Renderer(ui_tables(ws, report), project.languages, project.templates)
    plans = {}
    for rel in ws.releases:
        for lang in project.languages:
            if (lang, rel.slug) not in ws.broken and not doubtful(ws, rel.slug, lang):
                plans[(rel.slug, lang)] = plan_edition(ws, rel, lang, renderer, report)[1]
    return plans, ws, report


def update_po(project: Project) -> Report:
    """``make update-po``: templates rebuilt, catalogs merged; nothing written if nothing changed."""
    report = Report()
    with publishing_lock(project.root / ".publish.lock"):
        ws = load_workspace(project, report)
        update_catalogs(ws, report)
    return report


def publish(project: Project, *, jobs: int | None = None) -> Report:
    """``make publish``: update the catalogs, then build every edition and the indexes — or, when
    nothing has changed since the last run that ended without error, say what it said
    (``workflow.runstate``)."""
    from workflow import runstate
    from workflow.pdf.fonts import font_paths

    with publishing_lock(project.root / ".publish.lock"):
        remove_stale_temporaries(project.scratch)
        try:
            fonts = font_paths()
        except TypesetError:
            fonts = None  # the full run says what is wrong
        last = runstate.read(project.output)
        before = runstate.inputs(project, fonts) if fonts is not None else None
        if before is not None and runstate.unchanged(last, runstate.digest(before), project.output):
            return _replay(last)
        report = _build_all(project, jobs)
        if before is not None:
            _remember(project, fonts, before, report)
    return report


def _remember(project: Project, fonts: dict[str, Path], before: dict[str, bytes], report: Report) -> None:
    """Record the run for the next one — unless it failed, or an input changed while it went on
    (what it read may not be what is there now: the next run must be a full one)."""
    from workflow import runstate

    after = runstate.inputs(project, fonts)
    meanwhile = runstate.changed_meanwhile(before, after, report.written)
    if meanwhile:
        log.warning("%s changed while this publish ran: the next 'make publish' reads it again",
                    ", ".join(meanwhile[:3]) + (f" and {len(meanwhile) - 3} more" if len(meanwhile) > 3 else ""))
    elif report.ok:
        text = runstate.text(runstate.digest(after), project.output, report.findings, report.outcomes, report.hints,
                             report.typeset + report.unchanged)
        write_atomic(project.output / runstate.RECORD, text.encode("utf-8"), scratch=project.scratch)
    # Otherwise the record of an earlier run stays: it matches only inputs and outputs exactly as
    # that run left them, which this run's failure or a change meanwhile cannot bring back wrongly.


def _replay(last: runstate.LastRun) -> Report:
    """The report of a run with nothing to do: what the last run said, said again."""
    log.info("nothing has changed since the last publish: every edition is up to date")
    report = Report(hints=list(last.hints), unchanged=last.pdfs)
    for finding in last.findings:
        report._add(Finding(**finding))
    for item in last.outcomes:
        fields = {k: v for k, v in item.items() if k not in ("slug", "lang")}
        report.outcomes[(item["slug"], item["lang"])] = Outcome(**fields)
    return report


def _build_all(project: Project, jobs: int | None) -> Report:
    """Every stage of a publish, for every release and language."""
    from workflow.listing import read_listing, write_indexes, write_reviews
    from workflow.pages import (
        Typesetting,
        build_edition,
        plan_for_build,
        public_languages,
        take_down_gone,
        typeset_all,
        write_assets,
    )
    from workflow.pdf import jobs as pdfjobs

    report = Report()
    ws = load_workspace(project, report)
    update_catalogs(ws, report)
    renderer = Renderer(ui_tables(ws, report), project.languages, project.templates)
    try:
        assets = write_assets(project, renderer, report)
    except (TypesetError, WorkflowError) as exc:
        report.failure(exc, project.relative(project.output / "assets"))
        return report  # without fonts and stylesheets no edition can be right; nothing else is touched
    pdfs = Typesetting(assets, pdfjobs.tree_digest(assets), pdfjobs.engine_digest(),
                       pdfjobs.read_manifest(project.output))
    previous, unusable = read_listing(project)  # what the last run listed, for the switchers and the indexes
    for finding in unusable:
        report.warn(finding.path, finding.line, finding.message)
    for rel in ws.releases:
        # Every edition of a release is planned before any is written: a public page's language
        # switcher links only to the editions that are public too, never to a draft.
        plans = {}
        for lang in project.languages:
            try:
                plans[lang] = plan_for_build(ws, rel, lang, renderer, report)
            except Exception as exc:  # one broken edition must not stop the others
                report.failure(exc, rel.path)
        public = public_languages(ws, rel, plans, previous)
        for lang, planned in plans.items():
            try:
                build_edition(ws, rel, lang, renderer, pdfs, report, planned=planned, public=public)
            except Exception as exc:  # one broken edition must not stop the others
                report.failure(exc, rel.path)
    typeset_all(project, pdfs, report, jobs or pdfjobs.default_workers())
    report.unchanged = pdfs.unchanged
    take_down_gone(ws, report)
    from workflow import (
        qa,  # qa judges with this module's judge(): imported here, not at the top
    )

    for finding in qa.consistency(ws):
        report.warn(finding.path, finding.line, f"{finding.check}: {finding.message}")
    for step in (functools.partial(write_indexes, previous=previous), write_reviews):
        try:
            step(ws, renderer, report)
        except Exception as exc:  # the editions are published; say what could not be listed
            report.failure(exc, project.relative(project.output))
    return report


def approve(project: Project, slug: str, lang: str, by: str, *, now: _dt.datetime | None = None) -> Report:
    """``make approve``: record that ``by`` approved the ``lang`` edition of ``slug`` as it is now.

    The edition must pass the gate, and every image it shows must be publishable.  The bytes of
    its images go to ``content/issued/<slug>/media/<sha256>.<ext>`` (once a digest), its texts to
    ``content/issued/<slug>/<lang>.v<N>.json``, then a line to ``content/approvals.tsv`` (in that
    order: a line always has its texts, and its texts their images).
    """
    report = Report()
    ledger = project.relative(records.ledger_path(project.content))
    if not by.strip():
        report.error(ledger, None, "an approval needs the name of who approves: BY=\"First Last\"")
        return report
    if not project.approval:
        report.error("pyproject.toml", None, "approval = false under [tool.workflow]: an edition that passes the "
                     "checks is public without approval, so nothing is recorded; set approval = true to approve")
        return report
    with publishing_lock(project.root / ".publish.lock"):
        ws = load_workspace(project, report)
        rel = next((r for r in ws.releases if r.slug == slug), None)
        if rel is None:
            known = ", ".join(r.slug for r in ws.releases) or "none"
            report.error(f"content/{slug}.md", None, f"there is no release {slug!r} to approve (releases: {known})")
            return report
        if lang not in project.languages:
            report.error(rel.path, None, f"{lang!r} is not one of this project's languages "
                         f"({', '.join(project.languages)})")
            return report
        if rel.meta.withdrawn:
            report.error(rel.path, rel.field_lines.get("withdrawn"), "this release is withdrawn: nothing to approve")
            return report
        if doubtful(ws, slug, lang):
            report.error(ledger, None, f"the approvals of the {lang} edition of {slug} cannot all be read (see "
                         "above): fix that line first — approving now could hide an approved version or write "
                         "over its texts")
            return report
        renderer = Renderer(ui_tables(ws, report), project.languages, project.templates)
        edition = make_edition(ws, rel, lang, report)
        problems = gate_problems(edition)
        if problems:
            where = project.relative(project.catalog_path(lang, slug)) if lang != rel.meta.lang else rel.path
            report.error(where, None, f"the {lang} edition cannot be approved yet: {'; '.join(problems)} "
                         "(see output/review/" + f"{slug}.html)")
            return report
        refused = [(line, message) for path, line, message in media.library(ws).problems if path == rel.path]
        if refused:
            for line, message in refused:
                report.error(rel.path, line, message)
            report.error(rel.path, refused[0][0], f"the {lang} edition cannot be approved while an image it shows "
                         "cannot be published (see above): an approval covers the bytes of every image")
            return report
        content = current_content(ws, rel, lang, edition, renderer)
        versions = ws.issued.get((slug, lang), [])
        if versions and versions[-1].approval.hash == content.hash:
            latest = versions[-1].approval
            log.info("the %s edition of %s is already approved as it is: version %d, by %s on %s", lang, slug,
                     latest.version, latest.by, latest.day.isoformat())
            return report
        when = (now or _dt.datetime.now(_dt.timezone.utc)).replace(microsecond=0)
        approval = records.Approval(when, slug, lang, records.next_version(project.content, slug, lang, versions),
                                    content.hash, " ".join(by.split()))
        issued = records.Issued(approval, content)
        images = media.library(ws).images
        for name, digest in content.media.items():  # the images first: a text always has its images
            # named by its digest: written once, left as it is by every later approval of the same bytes
            save(project, report, records.image_path(project.content, slug, name, digest), images[name].data)
        snapshot = records.snapshot_path(project.content, slug, lang, approval.version)
        save(project, report, snapshot, records.snapshot_text(issued).encode("utf-8"))
        path = records.ledger_path(project.content)
        existing = records.read_text(path, project.content) if path.exists() else ""
        save(project, report, path, records.ledger_text(existing, approval).encode("utf-8"))
        log.info("approved version %d of the %s edition of %s (sha256 %s…); 'make publish' issues it",
                 approval.version, lang, slug, content.hash[:12])
    return report
