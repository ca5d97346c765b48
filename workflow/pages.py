"""The pages stage: write each edition's pages as its plan says (the issued versions from their
approved texts, a draft or a pending revision for the reviewers, a withdrawal notice), each HTML
now and each PDF as a job (``workflow.pdf.jobs``) run on every core; then take down what a
withdrawal or a deleted release leaves behind.  A page that fails costs only itself."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from workflow import lifecycle, media, records
from workflow import release as release_io
from workflow.editions import gate_problems, make_edition, plan_edition, print_edition
from workflow.fsutil import MAX_RECORD_BYTES, read_input, sync_folders
from workflow.listing import Listing
from workflow.model import Edition, Release, TypesetError, WorkflowError
from workflow.pdf import jobs as pdfjobs
from workflow.pdf.fonts import font_paths, licence_paths, missing_glyphs
from workflow.pdf.policy import Level
from workflow.project import Project
from workflow.render import EMBLEMS, EditionPage, Renderer, find_emblem, read_template, template_file
from workflow.report import Outcome, Report
from workflow.shelf import Shelf
from workflow.workspace import Workspace, doubtful, remove, save, save_streamed, write_hint

log = logging.getLogger(__name__)


def write_assets(project: Project, renderer: Renderer, report: Report, workers: int = 1,
                 worker: ProcessPoolExecutor | None = None) -> Path:
    """Fonts, the stylesheet and each language's print rules, beside the pages (``workers``: how
    many processes will typeset; ``worker``: the one already started, ``_check_stylesheets``)."""
    assets = project.output / "assets"
    files = {f"fonts/{name}": path.read_bytes() for name, path in (font_paths() | licence_paths()).items()}
    for name in ("edition.css", "review.css", "ornament.svg"):
        files[name] = read_template(name, project.templates)
    try:
        emblem = find_emblem(project.templates)
    except WorkflowError as exc:
        report.failure(exc, "templates")  # the pages go without it (the renderer finds none either)
        emblem = None
    if emblem:
        files[emblem[0]] = emblem[1]
    for name in EMBLEMS:  # an emblem taken away (or replaced by another format) leaves no file behind
        if name not in files and (assets / name).is_file():
            (assets / name).unlink()
    sources = {"edition.css": "edition.css", "review.css": "review.css"}
    for lang in project.languages:
        files[f"{lang}.css"] = renderer.stylesheet(lang).encode("utf-8")
        sources[f"{lang}.css"] = "page.css"
    _check_stylesheets(project, report, [(files[name].decode("utf-8"), template) for name, template in sources.items()],
                       assets, workers, worker)
    for name, data in files.items():
        save(project, report, assets / name, data)
    return assets


def _template_name(project: Project, name: str) -> str:
    """A template as users see it: its path in the project, or the package's own."""
    path = template_file(name, project.templates)
    shown = project.relative(path)
    return shown if not Path(shown).is_absolute() else f"workflow/templates/{name}"


#: What WeasyPrint said of each stylesheet, by the stylesheet's hash: no WeasyPrint when nothing changed.
_CSS_CHECKS = ".stylesheets.json"


def _check_stylesheets(project: Project, report: Report, sheets: list[tuple[str, str]], assets: Path,
                       workers: int, worker: ProcessPoolExecutor | None = None) -> None:
    """Rules WeasyPrint would ignore in each stylesheet (its text, its template), named by template
    file and line, once a run; what it said of a stylesheet is kept by the stylesheet's hash."""
    cache_path = project.output / _CSS_CHECKS
    try:
        cache = json.loads(read_input(cache_path, limit=MAX_RECORD_BYTES).decode("utf-8"))
        cache = cache if isinstance(cache, dict) else {}
    except (OSError, ValueError, RecursionError, WorkflowError):
        cache = {}
    keys = [hashlib.sha256(css.encode("utf-8")).hexdigest() for css, _ in sheets]
    unknown = {key: css for key, (css, _) in zip(keys, sheets)
               if not (isinstance(cache.get(key), list) and all(isinstance(m, list) and len(m) == 2
                                                                for m in cache[key]))}
    if unknown:
        cache.update(_stylesheet_messages(unknown, assets, workers, worker))
        cache = {k: v for k, v in cache.items() if k in keys}  # older stylesheets' entries go
        save(project, report, cache_path, (json.dumps(cache, sort_keys=True, indent=1) + "\n").encode())
    for key, (_, template) in zip(keys, sheets):
        for line, text in cache[key]:
            report.warn(_template_name(project, template), line if isinstance(line, int) else None,
                        f"WeasyPrint will not use this: {text}")


def _stylesheet_messages(sheets: dict[str, str], assets: Path, workers: int,
                         worker: ProcessPoolExecutor | None = None) -> dict[str, list[list]]:
    """What WeasyPrint says of each stylesheet (by its hash): here with one worker, which loads
    WeasyPrint to typeset anyway; otherwise by the PDF worker already started (``worker``, which
    loads WeasyPrint meanwhile), or in a short-lived process, so that this one, which only hands
    PDFs to its workers, never holds WeasyPrint's memory for the rest of the run."""
    if workers <= 1:
        return _said_of_stylesheets(sheets, assets)
    from concurrent.futures.process import BrokenProcessPool
    from multiprocessing import get_context

    if worker is not None:
        try:
            return worker.submit(_said_of_stylesheets, sheets, assets).result()
        except (OSError, RuntimeError, BrokenProcessPool):  # it died, or could take nothing: as without it
            pass
    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"),
                                 initializer=pdfjobs.end_with_parent) as child:
            return child.submit(_said_of_stylesheets, sheets, assets).result()
    except (OSError, BrokenProcessPool):  # no process could be started (or it died): checked here, as with one
        return _said_of_stylesheets(sheets, assets)


def _said_of_stylesheets(sheets: dict[str, str], assets: Path) -> dict[str, list[list]]:
    from workflow.pdf import typeset

    return {key: [[message.line, message.text] for message in typeset.check_stylesheet(css, base_url=assets)]
            for key, css in sheets.items()}


def _epoch(day) -> int:
    return int(_dt.datetime(day.year, day.month, day.day, tzinfo=_dt.timezone.utc).timestamp())


def _glyph_places(ws: Workspace, rel: Release, lang: str, missing: set[str]) -> list[tuple[str, int | None]]:
    """Where the characters no font has come from: the catalog entries (or the release) holding them."""
    project = ws.project
    po = ws.catalogs.get((lang, rel.slug)) if lang != rel.meta.lang else None
    places = [(project.relative(project.catalog_path(lang, rel.slug)), e.linenum)
              for e in (po or []) if e.msgstr and set(e.msgstr) & missing]
    from workflow.project import UI_DOMAIN  # here: the change stays inside this function

    # Then the source: the line of the first such character in the release file; then ui.po.
    at = min((i for i in (rel.text.find(ch) for ch in missing) if i >= 0), default=-1)
    if at >= 0:
        places.append((rel.path, rel.text.count("\n", 0, at) + 1))
    ui = ws.catalogs.get((lang, UI_DOMAIN))
    places += [(project.relative(project.catalog_path(lang, UI_DOMAIN)), e.linenum)
               for e in (ui or []) if e.msgstr and not e.obsolete and set(e.msgstr) & missing]
    return places or [(rel.path, None)]


@dataclass(frozen=True)
class Page:
    """One edition to write: its texts for the screen and for print, where, and how it is marked."""

    rel: Release
    lang: str
    screen: Edition
    printed: Edition
    renderer: Renderer
    draft: bool
    html: Path
    pdf: Path | None  #: None: no PDF (a withdrawal notice)
    place: EditionPage = EditionPage()


def plan_for_build(ws: Workspace, rel: Release, lang: str, renderer: Renderer,
                    report: Report) -> tuple[Edition, lifecycle.Plan] | None:
    """The edition and its plan, or None when it is not to be rebuilt (its catalog cannot be read,
    or its approvals cannot all be read: what is published stays as it is)."""
    if doubtful(ws, rel.slug, lang):
        return None
    if (lang, rel.slug) in ws.broken and rel.meta.withdrawn is None:
        return None  # a withdrawal needs no translation: its notice is made whatever the catalog
    return plan_edition(ws, rel, lang, renderer, report)


def public_languages(ws: Workspace, rel: Release, plans: Mapping[str, tuple[Edition, lifecycle.Plan] | None],
                      previous: Listing) -> tuple[str, ...]:
    """The languages whose edition of ``rel`` is public after this run: planned as public, or not
    rebuilt and still published as the last run listed it."""
    listed = previous.titles(rel.slug)
    public = []
    for lang in ws.project.languages:
        planned = plans.get(lang)
        if planned is not None:
            if planned[1].stage.public:
                public.append(lang)
        elif lang in listed and (ws.project.output / lang / f"{rel.slug}.html").exists():
            public.append(lang)
    return tuple(public)


def build_edition(ws: Workspace, rel: Release, lang: str, renderer: Renderer, pdfs: Typesetting,
                  report: Report, *, planned: tuple[Edition, lifecycle.Plan] | None,
                  public: tuple[str, ...] | None = None) -> list[str]:
    """Every page of one edition, as its stage in the lifecycle says (``workflow.lifecycle``); returns
    the files it publishes (its PDFs once their jobs are done), named under ``output/`` as the
    manifest names them: a run keeps them for every edition until its end, a name is a fifth of a
    ``Path``.

    The HTML and the PDF of each page are published each on its own, so a PDF that cannot be
    made leaves the HTML published (and the previous PDF in place), and the reverse.
    """
    project = ws.project
    started = time.perf_counter()
    media.publish(ws, renderer, report)  # once a run: the images checked, copied to output/media/
    if planned is None:  # not to be rebuilt (``plan_for_build``): what is published stays as it is
        if (lang, rel.slug) in ws.broken and rel.meta.withdrawn is None:
            report.error(project.relative(project.catalog_path(lang, rel.slug)), None,
                         f"the {lang} edition of {rel.slug} was not rebuilt; the last published one is kept")
            report.outcome((rel.slug, lang), Outcome(True, False, False, "its catalog cannot be read"))
        else:  # its approvals cannot all be read: the issued version cannot be told, kept as listed
            report.outcome((rel.slug, lang), Outcome(True, False, False, f"its approvals cannot all be read "
                                                     f"(content/{records.LEDGER}): the published edition is kept"))
        return []
    screen, plan = planned
    problems = gate_problems(screen)
    if problems and plan.stage is not lifecycle.Stage.WITHDRAWN:
        report.warn(project.relative(project.catalog_path(lang, rel.slug)), None,
                    f"{'; '.join(problems)}: the {lang} edition is a draft")
    out = project.output / lang
    pages = []
    shown = EditionPage(languages=public)  # a public page links to the public editions only
    if plan.stage is lifecycle.Stage.WITHDRAWN:
        pages.append(Page(rel, lang, screen, screen, renderer, False, out / f"{rel.slug}.html", None, shown))
        remove(project, report, _withdrawn_files(project, rel.slug, lang))
    elif plan.public is None:
        printed = print_edition(ws, screen, report)
        pages.append(Page(rel, lang, screen, printed, renderer, plan.draft, out / f"{rel.slug}.html",
                          out / f"{rel.slug}.pdf", EditionPage() if plan.draft else shown))
    for number, issued in enumerate(plan.versions):
        latest = number == len(plan.versions) - 1
        pages.append(_issued_page(ws, rel, issued, plan.versions[:number], renderer, report,
                                  suffix="" if latest else f".v{issued.version}", public=public))
    if plan.pending:
        review = project.output / "review" / lang
        printed = print_edition(ws, screen, report)
        pages.append(Page(rel, lang, screen, printed, renderer, True, review / f"{rel.slug}.html",
                          review / f"{rel.slug}.pdf", EditionPage(root="../../")))
    else:  # no revision pending (any more): its draft is not left online beside the issued edition
        remove(project, report, [project.output / "review" / lang / f"{rel.slug}.{ext}" for ext in ("html", "pdf")])
    queued = len(pdfs.jobs)
    results = [_write_page(ws, page, pdfs, report) for page in pages]
    html_ok, pdf_ok = all(r[0] for r in results), all(r[1] for r in results)
    public = pages[len(pages) - 1 - plan.pending] if plan.versions else pages[0]
    why = "; ".join(part for part in (plan.why if plan.stage is not lifecycle.Stage.WITHDRAWN else "",
                                      "" if html_ok else "HTML failed", "" if pdf_ok else "PDF failed") if part)
    outcome = Outcome(not plan.stage.public, html_ok, pdf_ok, why, time.perf_counter() - started,
                      stage=plan.stage.value)
    report.built((rel.slug, lang), outcome, screen.state, public.screen.strings["title"], plan)
    if len(pdfs.jobs) == queued:  # nothing left to typeset: done; otherwise typeset_all says it, PDF included
        _said_done(rel.slug, lang, outcome)
    return [_name(project, page.html) for page in pages] + [_name(project, page.pdf) for page in pages
                                                           if page.pdf is not None]


def _name(project: Project, path: Path) -> str:
    """A published file's name under ``output/``, as the manifest names it."""
    return path.relative_to(project.output).as_posix()


def _said_done(slug: str, lang: str, outcome: Outcome) -> None:
    """``-v``: one line per edition once it is done (its PDF too), with its state and time."""
    log.debug("%-3s %-50s %-6s %5.2f s", lang, slug, outcome.state, outcome.seconds)


def _issued_page(ws: Workspace, rel: Release, issued: records.Issued, before: tuple[records.Issued, ...],
                 current: Renderer, report: Report, *, suffix: str, public: tuple[str, ...] | None = None) -> Page:
    """An issued version, rebuilt from the texts that were approved (not from today's catalogs)."""
    project, content = ws.project, issued.content
    approved = release_io.parse(content.source, path=rel.path, slug=rel.slug)
    approved = dataclasses.replace(approved, text=content.source)
    renderer = current.with_strings(content.lang, content.ui)
    renderer.media = media.for_issued(current.media, content)  # its approved bytes, not today's files
    screen = make_edition(ws, approved, content.lang, report, table=content.translations)
    printed = print_edition(ws, screen, report, table=content.translations)
    earlier = tuple((v.approval.day, f"{rel.slug}.v{v.version}.html", f"{rel.slug}.v{v.version}.pdf") for v in before)
    place = EditionPage(corrected=issued.approval.day if before else None, earlier=earlier, languages=public)
    out = project.output / content.lang
    return Page(approved, content.lang, screen, printed, renderer, False, out / f"{rel.slug}{suffix}.html",
                out / f"{rel.slug}{suffix}.pdf", place)


@dataclass
class Typesetting:
    """What the PDFs of one run share: the assets, what made them, the manifest, the jobs to run."""

    assets: Path
    assets_digest: str
    engine: str
    #: The last run's PDF entries (``pdfjobs.read_manifest``), past a few hundred on disk (``workflow.shelf``).
    manifest: Mapping[str, dict[str, str]]
    stylesheet: bytes = b""  #: ``assets/edition.css``, as written there: every print page's first stylesheet
    jobs: list[pdfjobs.PdfJob] = field(default_factory=list)
    unchanged: int = 0  #: PDFs found up to date, not typeset


def _write_page(ws: Workspace, page: Page, pdfs: Typesetting, report: Report) -> tuple[bool, bool]:
    """The page's HTML now; its PDF as a job for later (or nothing, when it is up to date)."""
    project, rel, lang = ws.project, page.rel, page.lang
    html_ok = _publish(project, report, page.html,
                       lambda: page.renderer.edition(page.screen, draft=page.draft, page=page.place).encode(),
                       rel.path, f"the {lang} HTML edition of {rel.slug}")
    if page.pdf is None:
        return html_ok, True
    print_place = dataclasses.replace(page.place, for_print=True)
    try:
        print_html = page.renderer.edition(page.printed, draft=page.draft, page=print_place)
        # The print rules in the words of this very edition (whatever ui.po says by the time it is typeset).
        print_css = page.renderer.stylesheet(lang)
        _check_glyphs(ws, rel, lang, print_html + print_css)
    except WorkflowError as exc:
        report.failure(exc, rel.path)
        return html_ok, False
    # A stable identifier and the release's own dates (in the HTML's meta tags) make the PDF
    # reproducible: the same inputs give the same bytes.
    identifier = hashlib.sha256(f"{rel.slug}/{lang}".encode()).hexdigest()[:32].encode()
    job = pdfjobs.PdfJob(page.pdf, print_html, page.pdf.parent, pdfs.assets, project.pdf_variant, identifier,
                         _epoch(rel.meta.closing_date), rel.path, lang, (rel.slug, lang),
                         assets_key=pdfs.assets_digest, stylesheets=(pdfs.stylesheet, print_css))
    digest = job.digest(pdfs.assets_digest, pdfs.engine)
    if pdfjobs.up_to_date(job, digest, pdfs.manifest, project.output):
        pdfs.unchanged += 1
    else:
        pdfs.jobs.append(dataclasses.replace(job, input_digest=digest))
    return html_ok, True


def _check_glyphs(ws: Workspace, rel: Release, lang: str, print_html: str) -> None:
    """A character no bundled font has would print as an empty box: the PDF is not made."""
    missing = missing_glyphs(print_html, font_paths().values())
    if missing:
        names = ", ".join(sorted(f"U+{ord(c):04X}" for c in missing))
        places = _glyph_places(ws, rel, lang, missing)
        raise WorkflowError(places[0][0], places[0][1], f"no bundled font has a glyph for {names}",
                            "remove or replace the character")


def typeset_all(project: Project, pdfs: Typesetting, report: Report, workers: int) -> None:
    """Run the PDF jobs (in parallel), write each PDF, and note which editions' PDFs failed."""
    queue = PdfQueue(project, pdfs, report, workers)
    queue.flush()
    queue.finish()


class PdfQueue:
    """The PDF jobs of a run, typeset as each edition is planned (``flush``), in worker processes
    (``workflow.pdf.jobs.Runner``); each PDF written, and its edition's outcome told, when it is
    done.  ``finish`` waits for the last ones and writes the PDFs' manifest (``sections``: what
    else it holds, ``workflow.buildcache``)."""

    def __init__(self, project: Project, pdfs: Typesetting, report: Report, workers: int,
                 warm: pdfjobs.Warm | None = None, *, finished: Callable[[tuple[str, str]], None] | None = None):
        self.project, self.pdfs, self.report, self.workers, self.warm = project, pdfs, report, workers, warm
        #: Told each edition flushed whose PDFs are all done (written, or failed): (slug, lang).
        self.finished = finished
        #: The manifest's PDF entries: the last run's, then this run's as each is made (a few hundred
        #: bytes a PDF), past a few hundred on disk until the manifest is written (``workflow.shelf``).
        self.kept: MutableMapping[str, dict[str, str]] = Shelf(pdfs.manifest)
        self.left: dict[tuple[str, str], int] = {}
        #: Where the findings of each edition's PDFs go, until they are all done (``left``: how many are not).
        self.reports: dict[tuple[str, str], Report] = {}
        self.runner: pdfjobs.Runner | None = None
        self.progress = None

    def flush(self, report: Report | None = None, edition: tuple[str, str] | None = None) -> None:
        """Hand the jobs planned so far to the workers (their findings to ``report``, an edition's:
        ``edition``, which ``finished`` is told of once they are done, or now if there are none)."""
        jobs, self.pdfs.jobs[:] = list(self.pdfs.jobs), []
        if not jobs:
            if edition is not None and self.finished is not None:
                self.finished(edition)
            return
        if self.runner is None:  # WeasyPrint: only in the workers (or here, when they are not worth starting)
            self.progress = _progress(None)
            self.runner = pdfjobs.Runner(self.workers, self._done_and_said, self.warm)
        for job in jobs:
            self.left[job.key] = self.left.get(job.key, 0) + 1
            self.reports[job.key] = report or self.report
        self.progress.more(len(jobs))
        for job in jobs:
            self.runner.submit(job)

    def finish(self, *, write: bool = True) -> None:
        project, kept = self.project, self.kept
        try:
            if self.runner is not None:
                with self.runner:
                    self.runner.close()
                    hint = self.runner.speed_hint()  # said once a run, by whoever typeset
                if hint:
                    self.report.hint(hint)
        finally:
            if self.progress is not None:
                self.progress.close()
            for name in [n for n in kept if not (project.output / n).exists()]:  # this run's are all there
                del kept[name]
            if write:
                save_manifest(project, self.report, pdfjobs.manifest_pieces(kept))

    def _done(self, job: pdfjobs.PdfJob, result) -> None:
        project, kept = self.project, self.kept
        report = self.reports.get(job.key, self.report)
        self.progress.update(1)
        name = _name(project, job.path)
        if isinstance(result, Exception):
            kept.pop(name, None)
            what = f"the {job.lang} PDF of {job.key[0]}"
            previous = " (the previous one is kept)" if job.path.exists() else ""
            if isinstance(result, OSError):  # its temporary files could not be written (a full disk)
                result = f"{result.strerror or result} — {write_hint(result)}"
            report.error(job.source, None, f"{what} was not made{previous}: {result}")
            _pdf_failed(report, job.key)
            return
        for url in result.refused:
            report.warn(job.source, None, f"refused to load {url} in the {job.lang} PDF: only the project's assets "
                        "may be used")
        for message in result.messages:
            if message.level is Level.HINT or _said_with_its_line(report, job, message):
                continue  # the speed hint is said once a run; anchors and stylesheets are checked once, with lines
            if message.kind == "css":  # a style element or attribute of the template: said once a run
                report.warn(_template_name(project, "edition.html"), None,
                            f"WeasyPrint will not use this: {message.text}")
            elif message.kind == "anchor":  # not a link of the release's text: said once a release
                report.warn(job.source, None, f"WeasyPrint, in its PDFs: {message.text}")
            else:
                report.warn(job.source, None, f"WeasyPrint, in the {job.lang} PDF: {message.text}")
        try:
            save(project, report, job.path, result.pdf)
        except (OSError, WorkflowError) as exc:
            said = f"{exc.message} — {exc.hint}" if isinstance(exc, WorkflowError) else f"could not be written: {exc}"
            report.error(project.relative(job.path), None, f"the {job.lang} PDF of {job.key[0]} {said}")
            _pdf_failed(report, job.key)
            return
        self.report.typeset += 1
        kept[name] = {"input": job.input_digest, "output": hashlib.sha256(result.pdf).hexdigest()}

    def _done_and_said(self, job: pdfjobs.PdfJob, result) -> None:
        self._done(job, result)
        report = self.report
        outcome = report.outcomes.get(job.key)
        self.left[job.key] -= 1
        last = not self.left[job.key]
        if last:  # the edition's PDFs are all done: nothing is held for it any more (its report, its count)
            del self.left[job.key]
            self.reports.pop(job.key, None)
        if outcome is not None:  # the edition's time counts its PDFs' typesetting
            outcome = dataclasses.replace(outcome, seconds=outcome.seconds + getattr(result, "seconds", 0.0))
            report.outcome(job.key, outcome)
            if last:
                _said_done(*job.key, outcome)
        if last and self.finished is not None:
            self.finished(job.key)


def save_manifest(project: Project, report: Report, pieces: Iterable[str]) -> None:
    """Write ``output/.manifest.json`` from its text's pieces (``pdfjobs.manifest_pieces``), as
    they are made; one that cannot be written is an error, not a traceback (without it the next
    run typesets every PDF again)."""
    sync_folders()  # what the manifest describes is on disk before the manifest is
    try:
        save_streamed(project, report, project.output / pdfjobs.MANIFEST, pieces)
    except WorkflowError as exc:
        report.failure(exc, project.relative(project.output / pdfjobs.MANIFEST))


def _said_with_its_line(report: Report, job: pdfjobs.PdfJob, message) -> bool:
    """Whether WeasyPrint's message is one already reported where its line is known: a rule of a
    checked stylesheet (``_check_stylesheets``), a link of the release's text to no heading
    (``load_releases``).  Anything else it says is reported, never dropped."""
    if message.kind == "css":
        return any(f.message == f"WeasyPrint will not use this: {message.text}" for f in report.findings)
    if message.kind == "anchor":
        return any(f.path == job.source and f.message.startswith("the link to #")
                   and unquote(f.message[len("the link to #"):].partition(" points nowhere")[0]) == message.anchor
                   for f in report.findings)
    return False


def _pdf_failed(report: Report, key: tuple[str, str]) -> None:
    outcome = report.outcomes.get(key)
    if outcome is not None and outcome.pdf:
        why = "; ".join(filter(None, [outcome.why, "PDF failed"]))
        report.outcome(key, dataclasses.replace(outcome, pdf=False, why=why))


class _PlainProgress:
    """Progress as plain lines, for logs (CI, a pipe): one every 50 PDFs (how many there will be is
    known only once every edition is planned: they are typeset as they are planned)."""

    EVERY = 50

    def __init__(self):
        self.total = self.done = 0

    def more(self, count: int) -> None:
        self.total += count

    def update(self, count: int) -> None:
        self.done += count
        if self.done % self.EVERY == 0:
            log.info("typesetting: %d PDF(s) done, %d planned so far", self.done, self.total)

    def close(self) -> None:
        pass


class _Bar:
    """tqdm's bar, whose total grows as editions are planned."""

    def __init__(self, bar):
        self.bar = bar

    def more(self, count: int) -> None:
        self.bar.total = (self.bar.total or 0) + count
        self.bar.refresh()

    def update(self, count: int) -> None:
        self.bar.update(count)

    def close(self) -> None:
        self.bar.close()


def _progress(total: int | None = None):
    """A progress bar on a terminal (tqdm); elsewhere (CI, a pipe), a plain line every 50 PDFs."""
    import sys

    from tqdm import tqdm

    if sys.stderr.isatty():
        progress = _Bar(tqdm(total=0, desc="typesetting", unit="pdf", leave=False, file=sys.stderr))
    else:
        progress = _PlainProgress()
    if total:
        progress.more(total)
    return progress


def _withdrawn_files(project: Project, slug: str, lang: str) -> list[Path]:
    """What a withdrawal takes out of the published folder (the texts stay in content/issued/)."""
    out = project.output / lang
    return ([out / f"{slug}.pdf"] + sorted(out.glob(f"{slug}.v*.html")) + sorted(out.glob(f"{slug}.v*.pdf"))
            + [project.output / "review" / lang / f"{slug}.{suffix}" for suffix in ("html", "pdf")])


def _publish(project: Project, report: Report, path: Path, make: Callable[[], bytes], source: str,
             what: str) -> bool:
    """Make one output and write it; on failure report it, keep what was there, return False."""
    try:
        data = make()
        save(project, report, path, data)
        return True
    except (TypesetError, WorkflowError, OSError) as exc:
        kept = " (the previous one is kept)" if path.exists() else ""
        if isinstance(exc, WorkflowError) and not isinstance(exc, TypesetError):  # names its own file: said once
            report.failure(exc, source)
        else:
            report.error(source, None, f"{what} was not made{kept}: {exc}")
        return False


_VERSIONED = re.compile(r"\.v\d+$")


def _pages_of_gone(folder: Path, kept: set[str]) -> list[str]:
    """The names of the pages and PDFs in ``folder`` (its ``*.html``, then its ``*.pdf``, each in
    order) of no release in ``kept``.  Names only, read as the folder lists them: a ``Path`` for
    every file published (six a release) took some 4 MB a folder at two thousand releases."""
    found: dict[str, list[str]] = {".html": [], ".pdf": []}
    try:
        entries = os.scandir(folder)
    except OSError:  # none, not a folder, not readable: nothing listed there, as glob lists nothing
        return []
    with entries:
        for entry in entries:
            stem, ext = os.path.splitext(entry.name)
            if ext in found:  # as Path.glob("*.html") lists them: hidden names too
                slug = _VERSIONED.sub("", stem)
                if slug != "index" and slug not in kept:
                    found[ext].append(entry.name)
    return sorted(found[".html"]) + sorted(found[".pdf"])


def take_down_gone(ws: Workspace, report: Report) -> None:
    """Releases whose source file is gone: an issued one is an error (nothing issued disappears
    silently); the drafts of one never issued are taken down, and the run says so."""
    project = ws.project
    present = set(ws.releases.slugs) | ws.unreadable
    issued = {slug for slug, _lang in ws.issued} - present
    for slug in sorted(issued):
        online = [lang for lang in project.languages if (project.output / lang / f"{slug}.html").exists()]
        # Without its source the tool cannot tell whether it was withdrawn: what is online stays as
        # it is, and nothing is published again from the approved texts (after a clean output/).
        said = ("so they stay published as they are" if online else
                "and none is in output/ now: they are not published again without it")
        report.error(f"content/{slug}.md", None, f"this release is gone but its editions were issued, {said}: "
                     "put the file back (with 'withdrawn: YYYY-MM-DD' in its front matter to take it down); "
                     f"to remove it for good, delete content/{records.ISSUED}/{slug}/ and its lines "
                     f"in content/{records.LEDGER}, then publish again")
    stale, kept = [], present | issued
    for folder in [project.output / lang for lang in project.languages] + [project.output / "review"] + \
            [project.output / "review" / lang for lang in project.languages]:
        stale += [folder / name for name in _pages_of_gone(folder, kept)]
    stale = [path for path in stale if not doubtful(ws, _VERSIONED.sub("", path.stem))]
    for slug in sorted({_VERSIONED.sub("", p.stem) for p in stale}):
        report.warn(f"content/{slug}.md", None, "this release is gone and none of its editions was issued: "
                    "its drafts are taken down")
    remove(project, report, stale)
