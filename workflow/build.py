"""Run the pipeline for every release and language: update catalogs, build editions.

A broken release, catalog or edition is reported with its file and line, and
everything else is still built; outputs are written atomically, so what was
published before stays whole when a step fails.
"""

from __future__ import annotations

import datetime as _dt
import logging
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING

from workflow.fsutil import (
    folder_syncs_deferred,
    private_tmpdir,
    publishing_lock,
    sync_folders,
    write_atomic_streamed,
)
from workflow.model import Finding, TypesetError, WorkflowError
from workflow.project import Project
from workflow.report import Outcome, Report

# What only a publish needs (PDF jobs, fonts, the run record, the indexes) is imported there:
# 'status', 'check', 'update-po' and a publish with nothing to do start without it.  What reads
# and builds the editions (the workspace, the catalogs, the checks, the templates: most of a
# second to import) is imported by each command that uses it, so that a publish knows first
# whether it has anything to do, and starts a PDF worker, before it pays for them.
if TYPE_CHECKING:
    from workflow import lifecycle, runstate
    from workflow.pdf import jobs as pdfjobs
    from workflow.workspace import Workspace

log = logging.getLogger(__name__)


def edition_states(project: Project) -> tuple[dict[tuple[str, str], lifecycle.Plan], Workspace, Report]:
    """``make status``: where every edition stands, without building anything."""
    from workflow.editions import plan_edition, ui_tables
    from workflow.render import Renderer
    from workflow.workspace import doubtful, load_workspace

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
    from workflow.update import update_catalogs
    from workflow.workspace import load_workspace

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

    with publishing_lock(project.root / ".publish.lock"), private_tmpdir(project.scratch, _forget_temporaries):
        try:
            fonts = font_paths()
        except TypesetError:
            fonts = None  # the full run says what is wrong
        last = runstate.read(project.output)
        before = runstate.inputs(project, fonts) if fonts is not None else None
        if before is not None and runstate.unchanged(last, runstate.digest(before), project.output):
            replayed = _replay(project.output, last)
            if replayed is not None:
                return replayed
        from workflow.pdf import jobs as pdfjobs  # not before: a run with nothing to do starts no process

        workers = jobs or pdfjobs.default_workers()
        # Something is to be done: a worker imports WeasyPrint meanwhile, on another core, unless
        # the fonts are missing (then nothing is typeset: the run says why).
        # Each folder is synced once, before the records that describe what is in it are written.
        # What every input held as the run began waits on disk until the run ends (``before``: a
        # shelf of a path and a digest a file).
        with folder_syncs_deferred():
            with pdfjobs.Warm(workers if fonts is not None else 1) as warm:
                report = _build_all(project, workers, warm)
            if before is not None:
                _remember(project, fonts, before, report)
    return report


def _forget_temporaries(tmp: Path) -> None:
    """What this process keeps in the run's temporary folder, removed with it: WeasyPrint's font
    configuration (its fonts are copied there), and the static fonts when no cache could be written."""
    import sys

    from workflow.pdf.fonts import font_paths

    typeset = sys.modules.get("workflow.pdf.typeset")
    if typeset is not None:
        typeset._shared.cache_clear()
    try:
        if font_paths.cache_info().currsize and any(tmp in p.parents for p in font_paths().values()):
            font_paths.cache_clear()
    except TypesetError:
        font_paths.cache_clear()


def _remember(project: Project, fonts: dict[str, Path], before: Mapping[str, bytes], report: Report) -> None:
    """Record the run for the next one — unless it failed, or an input changed while it went on
    (what it read may not be what is there now: the next run must be a full one)."""
    from workflow import runstate
    from workflow.shelf import Shelf

    after = runstate.inputs(project, fonts)
    # A file this run wrote is its own only while it holds what the run wrote (not a save after
    # it); only the inputs among them matter (a shelf: a cold run writes every catalog).
    ours: MutableMapping[str, bool] = Shelf()
    for path in report.written:
        now = after.get(path)
        if report.wrote.get(path, now) == now and (now is not None or path in before):
            ours[path] = True
    meanwhile = runstate.changed_meanwhile(before, after, ours)
    if meanwhile:
        log.warning("%s changed while this publish ran: the next 'make publish' reads it again",
                    ", ".join(meanwhile[:3]) + (f" and {len(meanwhile) - 3} more" if len(meanwhile) > 3 else ""))
    elif report.ok:
        sync_folders()  # what the record describes is on disk before the record is
        pieces = runstate.pieces(runstate.digest(after), project.output, report.findings, report.outcomes,
                                 report.hints, report.typeset + report.unchanged)
        try:
            write_atomic_streamed(project.output / runstate.RECORD,
                                  lambda handle: handle.writelines(piece.encode("utf-8") for piece in pieces),
                                  scratch=project.scratch)
        except OSError as exc:  # the next run is a full one: nothing is lost
            log.warning("%s could not be written (%s): the next publish does everything again",
                        project.relative(project.output / runstate.RECORD), exc.strerror or exc)
    # Otherwise the record of an earlier run stays: it matches only inputs and outputs exactly as
    # that run left them, which this run's failure or a change meanwhile cannot bring back wrongly.


def _replay(output: Path, last: runstate.LastRun) -> Report | None:
    """The report of a run with nothing to do: what the last run said, said again, read a line at
    a time from its record; None when that record can no longer be read (then the run is a full one)."""
    from workflow import runstate

    report = Report(unchanged=last.pdfs)
    try:
        for kind, item in runstate.said(output, last):
            if kind == "hints":
                report.hints.append(str(item))
            elif kind == "findings":
                report._add(Finding(**item))
            else:
                fields = {k: v for k, v in item.items() if k not in ("slug", "lang")}
                report.outcome((item["slug"], item["lang"]), Outcome(**fields))
    except (OSError, ValueError, RecursionError, KeyError, TypeError, AttributeError, WorkflowError):
        return None
    log.info("nothing has changed since the last publish: every edition is up to date")
    return report


def _build_all(project: Project, workers: int, warm: pdfjobs.Warm | None = None) -> Report:
    """Every stage of a publish, for every release and language; an edition whose inputs did not
    change since it was last built is taken as it is (``workflow.buildcache``).  The PDFs are
    typeset by ``workers`` processes, ``warm``'s first if it has one."""
    from workflow import buildcache
    from workflow.listing import read_listing, write_indexes, write_reviews
    from workflow.pages import (
        PdfQueue,
        Typesetting,
        _said_done,
        build_edition,
        plan_for_build,
        public_languages,
        save_manifest,
        take_down_gone,
        write_assets,
    )
    from workflow.editions import ui_tables
    from workflow.pdf import jobs as pdfjobs
    from workflow.render import Renderer, read_template
    from workflow.shelf import Shelf
    from workflow.update import update_catalogs
    from workflow.workspace import load_workspace

    report = Report()
    ws = load_workspace(project, report)
    update_catalogs(ws, report)
    ws.seen.clear()  # what each catalog held when read: only the update writes over one (a path and digest a file)
    renderer = Renderer(ui_tables(ws, report), project.languages, project.templates)
    ws.parses.close()  # written: its entries need not stay in memory while the editions are built
    try:
        assets = write_assets(project, renderer, report, workers, warm.pool if warm is not None else None)
    except (TypesetError, WorkflowError) as exc:
        report.failure(exc, project.relative(project.output / "assets"))
        return report  # without fonts and stylesheets no edition can be right; nothing else is touched
    pdfs = Typesetting(assets, pdfjobs.tree_digest(assets), pdfjobs.engine_digest(),
                       pdfjobs.read_manifest(project.output), read_template("edition.css", project.templates))
    if warm is not None:  # the worker readies its fonts and stylesheets while the editions are planned
        warm.rehearse(assets, pdfs.assets_digest, (pdfs.stylesheet, renderer.stylesheet(project.languages[0])))
    keys = buildcache.Keys(ws, assets_digest=pdfs.assets_digest, engine=pdfs.engine)
    cache = buildcache.read(project.output)
    previous, unusable = read_listing(project)  # what the last run listed, for the switchers and the indexes
    for finding in unusable:
        report.warn(finding.path, finding.line, finding.message)
    # What an edition built this run goes into the manifest with, kept only until its PDFs are done:
    # (slug, lang) → its key, public languages, findings (its PDFs' come after the first ``said``)
    # and files.
    built: dict[tuple[str, str], tuple[str | None, tuple[str, ...], list[Finding], int, list[str]]] = {}

    def finished(edition: tuple[str, str]) -> None:
        if edition in built:
            key, public, recorded, said, files = built.pop(edition)
            cache.built(*edition, key, public, recorded[:said], recorded[said:], files, report)

    queue = PdfQueue(project, pdfs, report, workers, warm, finished=finished)
    # Each release's review page's key (past a few hundred on disk: ``workflow.shelf``).
    reviews: MutableMapping[str, str | None] = Shelf()
    cached_pdfs = 0
    try:
        for rel in ws.releases:
            # Every edition of a release is planned before any is written: a public page's language
            # switcher links only to the editions that are public too, never to a draft.
            edition_keys = {lang: keys.edition(rel, lang) for lang in project.languages}
            hits = {lang: entry for lang in project.languages
                    if (entry := cache.hit(rel.slug, lang, edition_keys[lang])) is not None}
            plans, recorders = {}, {}
            for lang in project.languages:
                if lang in hits:
                    plans[lang] = (None, hits[lang].plan)
                    continue
                recorders[lang] = buildcache.Recording(report)
                try:
                    plans[lang] = plan_for_build(ws, rel, lang, renderer, recorders[lang])
                except Exception as exc:  # one broken edition must not stop the others
                    report.failure(exc, rel.path)
            public = public_languages(ws, rel, plans, previous)
            for lang, planned in plans.items():
                entry = hits.get(lang)
                if entry is not None and entry.public == public:
                    buildcache.replay(report, rel.slug, lang, entry, entry.findings + entry.pdf_findings)
                    cache.keep(rel.slug, lang, entry)
                    cached_pdfs += sum(name.endswith(".pdf") for name in entry.files)
                    _said_done(rel.slug, lang, entry.outcome)
                    continue
                recorder = recorders.setdefault(lang, buildcache.Recording(report))
                try:
                    if entry is not None:  # unchanged, but the release's public languages changed
                        planned = plan_for_build(ws, rel, lang, renderer, recorder)
                    files = build_edition(ws, rel, lang, renderer, pdfs, recorder, planned=planned, public=public)
                except Exception as exc:  # one broken edition must not stop the others
                    report.failure(exc, rel.path)
                    continue
                # What the PDFs say is added to ``recorded`` as they are done; the edition goes into
                # the manifest then (``finished``), and its recorder is let go (``PdfQueue``).
                built[(rel.slug, lang)] = (edition_keys[lang], public, recorder.recorded, len(recorder.recorded), files)
                queue.flush(recorder, (rel.slug, lang))  # its PDFs go to the workers now: no print HTML piles up
            reviews[rel.slug] = keys.review(rel, edition_keys, {lang: report.stages.get((rel.slug, lang))
                                                                for lang in project.languages})
        # What does not wait for the PDFs is done while the workers typeset the last ones: the
        # consistency check (said below, in its place) and the review pages (their editions'
        # stages are known once planned; a PDF that fails changes its outcome, not its stage).
        from workflow import qa  # qa judges with this module's judge(): imported here, not at the top

        inconsistent = list(qa.consistency(ws))
        stale: MutableMapping[str, str | None] = Shelf()  # the review pages to make: slug → key
        for slug, key in reviews.items():
            if not cache.review_hit(slug, key):
                stale[slug] = key
        failed_reviews = None
        try:
            write_reviews(ws, renderer, report, only=stale)
            for slug, key in stale.items():
                cache.review_built(slug, key)
        except Exception as exc:  # said after the indexes', as before
            failed_reviews = exc
    finally:
        queue.finish(write=False)  # the manifest is written below, with the editions' entries
    report.unchanged = pdfs.unchanged + cached_pdfs
    take_down_gone(ws, report)
    for finding in inconsistent:
        report.warn(finding.path, finding.line, f"{finding.check}: {finding.message}")
    try:
        write_indexes(ws, renderer, report, previous, cache=cache, run_key=keys.run)
    except Exception as exc:  # the editions are published; say what could not be listed
        report.failure(exc, project.relative(project.output))
    if failed_reviews is not None:
        report.failure(failed_reviews, project.relative(project.output))
    for slug, key in reviews.items():
        if slug not in stale:
            cache.review_built(slug, key)
    # The manifest again, now with the editions and review pages: written once they are all there.
    save_manifest(project, report, pdfjobs.manifest_pieces(queue.kept, **cache.sections()))
    return report


def approve(project: Project, slug: str, lang: str, by: str, *, now: _dt.datetime | None = None) -> Report:
    """``make approve``: record that ``by`` approved the ``lang`` edition of ``slug`` as it is now.

    The edition must pass the gate, and every image it shows must be publishable.  The bytes of
    its images go to ``content/issued/<slug>/media/<sha256>.<ext>`` (once a digest), its texts to
    ``content/issued/<slug>/<lang>.v<N>.json``, then a line to ``content/approvals.tsv`` (in that
    order: a line always has its texts, and its texts their images).
    """
    from workflow import media, records
    from workflow.editions import current_content, gate_problems, make_edition, ui_tables
    from workflow.render import Renderer
    from workflow.workspace import doubtful, load_workspace, save

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
        rel = ws.releases.get(slug)
        if rel is None:
            known = ", ".join(ws.releases.slugs) or "none"
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
