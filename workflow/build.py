"""Run the pipeline for every release and language: update catalogs, build editions.

A broken release, catalog or edition is reported with its file and line, and
everything else is still built; outputs are written atomically, so what was
published before stays whole when a step fails.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import polib

from workflow import catalog, checks, khmer, lifecycle, locales, records, release as release_io, review as review_io
from workflow import pdfjobs, segment, typography
from workflow.fonts import font_paths
from workflow.fsutil import publishing_lock, remove_stale_temporaries, write_atomic
from workflow.model import TRANSLATABLE_KEYS, Edition, Finding, Release, Segment, State, TypesetError, WorkflowError
from workflow.pofile import PoSyntaxError, dump_po, read_po, read_po_bytes
from workflow.project import UI_DOMAIN, Project
from workflow.render import EditionPage, Renderer, extract_ui_strings, template_file

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
    editions: dict[tuple[str, str], State] = field(default_factory=dict)
    titles: dict[tuple[str, str], str] = field(default_factory=dict)  #: (slug, lang) → the edition's title
    outcomes: dict[tuple[str, str], Outcome] = field(default_factory=dict)  #: (slug, lang) → what became of it
    hints: list[str] = field(default_factory=list)  #: said once, at the end
    stages: dict[tuple[str, str], lifecycle.Plan] = field(default_factory=dict)  #: (slug, lang) → its plan
    typeset: int = 0  #: PDFs typeset this run
    unchanged: int = 0  #: PDFs already up to date, not typeset

    def _add(self, finding: Finding) -> None:
        if finding in self.findings:
            return
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
        if isinstance(exc, (WorkflowError, PoSyntaxError)):
            self.error(exc.path, exc.line, f"{exc.message}" + (f" — {exc.hint}" if getattr(exc, "hint", "") else ""))
        else:
            log.debug("internal error", exc_info=exc)
            self.error(path, None, f"{type(exc).__name__}: {exc}")

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)


@dataclass
class Workspace:
    """Everything read from disk for one run."""

    project: Project
    releases: list[Release] = field(default_factory=list)
    segments: dict[str, list[Segment]] = field(default_factory=dict)  #: by release slug
    catalogs: dict[tuple[str, str], polib.POFile] = field(default_factory=dict)  #: (lang, domain)
    broken: set[tuple[str, str]] = field(default_factory=set)  #: catalogs that could not be read
    unreadable: set[str] = field(default_factory=set)  #: slugs of releases that could not be read
    issued: dict[tuple[str, str], list[records.Issued]] = field(default_factory=dict)  #: (slug, lang) → versions
    #: Editions whose approvals cannot all be used ((slug, lang), ``records.EVERY`` for any): not
    #: rebuilt, not taken down, not approved, until the ledger is fixed.
    doubtful: set[tuple[str, str]] = field(default_factory=set)
    glossary: checks.Glossary | None = None  #: the termbase (locale/glossary/<lang>.po)
    ui_errors: dict[str, int] = field(default_factory=dict)  #: check errors in each language's ui.po


def save(project: Project, report: Report, path: Path, data: bytes) -> None:
    """Write a file atomically, only if its bytes change, and note it in the report."""
    if write_atomic(path, data, scratch=project.scratch):
        report.written.append(project.relative(path))


# ----------------------------------------------------------------- reading

def load_releases(project: Project, report: Report) -> tuple[list[Release], dict[str, list[Segment]]]:
    """Every release that can be read and segmented, with its segments; the others are reported."""
    releases, segments = [], {}
    for path in project.unread_content():
        report.warn(project.relative(path), None, project.why_unread(path))
    for path in project.release_paths():
        rel = project.relative(path)
        try:
            release = release_io.read(path.read_bytes(), path=rel, slug=path.stem)
            if release.slug == UI_DOMAIN:
                raise WorkflowError(rel, None, f"the name {UI_DOMAIN!r} is reserved for the templates' catalog",
                                    "rename the file")
            segments[release.slug] = segment.extract(release)
            releases.append(release)
            for target, line in segment.missing_anchors(release, segments[release.slug]):
                report.warn(rel, line, f"the link to #{target} points nowhere: no heading of this release "
                            f"has that anchor (headings' anchors are their text in lowercase, with hyphens)")
        except Exception as exc:  # reading one release, however it fails, must not stop the others
            report.failure(exc, rel)
    return releases, segments


def read_catalog(path: Path, project: Project) -> polib.POFile | None:
    """A PO/POT file, or None when it does not exist.  Raises PoSyntaxError."""
    if not path.exists():
        return None
    return read_po_bytes(path.read_bytes(), path=project.relative(path))


def _belongs_elsewhere(po: polib.POFile, domain: str, ws: Workspace) -> str | None:
    """The release a catalog was made for, when it is not ``domain`` (a file put in the wrong place)."""
    if domain == UI_DOMAIN:
        return None
    named = po.metadata.get("Project-Id-Version", "").strip()
    slugs = {r.slug for r in ws.releases}
    if named != domain and named in slugs | {UI_DOMAIN}:
        return named
    ours = {s.text for s in ws.segments.get(domain, [])}
    theirs = {e.msgid for e in po if e.msgid and not e.obsolete and e.msgstr}
    if theirs and ours and not theirs & ours and named != domain:
        return named or "another document"
    return None


def load_workspace(project: Project, report: Report) -> Workspace:
    releases, segments = load_releases(project, report)
    unreadable = {path.stem for path in project.release_paths()} - {rel.slug for rel in releases}
    ws = Workspace(project, releases, segments, unreadable=unreadable)
    for lang in project.languages:
        for domain in [r.slug for r in ws.releases] + [UI_DOMAIN]:
            path = project.catalog_path(lang, domain)
            try:
                po = read_catalog(path, project)
            except Exception as exc:  # PoSyntaxError, or anything: never rewritten, the rest still built
                report.failure(exc, project.relative(path))
                ws.broken.add((lang, domain))
                continue
            if po is None:
                continue
            other = _belongs_elsewhere(po, domain, ws)
            if other:
                report.error(project.relative(path), 1, f"this catalog was made for {other!r}, not for "
                             f"{domain!r}; put it back in its own file (it is left as it is, and not used)")
                ws.broken.add((lang, domain))
                continue
            ws.catalogs[(lang, domain)] = po
    if project.approval:  # off: the gate alone decides
        ws.issued, ws.doubtful = _read_records(project, report, {r.slug for r in ws.releases} | ws.unreadable)
    try:
        ws.glossary = checks.load_glossary(project.root)
    except WorkflowError as exc:
        report.failure(exc, "locale/glossary")
        ws.glossary = checks.Glossary.from_rows([])
    return ws


def _read_records(project: Project, report: Report, releases: set[str]
                  ) -> tuple[dict[tuple[str, str], list[records.Issued]], set[tuple[str, str]]]:
    """The issued versions of every edition, from the approvals and their texts (all reported),
    and the editions whose approvals cannot all be used."""
    shown = project.relative(records.ledger_path(project.content))
    issued, problems, doubtful = records.read_records(project.content, shown=shown, releases=releases,
                                                      languages=project.languages)
    for finding in problems:
        report._add(finding)
    known = releases | {slug for slug, _lang in issued}
    every = records.EVERY
    # A line that cannot be read names nothing this project has: it may be about any edition.
    doubtful = {(slug, lang) if slug in known and lang in project.languages + (every,) else
                (slug, every) if slug in known else (every, every) for slug, lang in doubtful}
    for (slug, lang), versions in list(issued.items()):
        if lang not in project.languages:
            report.error(shown, versions[-1].approval.line, f"an approval for the {lang} edition of {slug}, "
                         f"but {lang!r} is not one of this project's languages ({', '.join(project.languages)}); "
                         "it is not used — remove the line, or add the language to [tool.workflow] languages")
            del issued[(slug, lang)]
    return issued, doubtful


def _doubtful(ws: Workspace, slug: str, lang: str = records.EVERY) -> bool:
    """Whether the approvals of an edition (any edition of ``slug``, without ``lang``) cannot all be used."""
    every = records.EVERY
    return bool({(slug, lang), (slug, every), (every, every)} & ws.doubtful) or \
        (lang == every and any(s == slug for s, _l in ws.doubtful))


# ----------------------------------------------------------- updating PO

def _write_catalog(path: Path, po: polib.POFile, old: polib.POFile | None, project: Project,
                   report: Report) -> polib.POFile:
    """Write a catalog only when its content changed (another tool's wrapping is left alone).

    Returns the catalog as it now stands on disk, with line numbers for messages.
    """
    if old is not None and catalog.same_content(old, po, ignore=()):
        return old
    text = dump_po(po)
    save(project, report, path, text.encode("utf-8"))
    return read_po(text, path=project.relative(path))


def _memories(ws: Workspace) -> dict[str, catalog.Memory]:
    memories = {}
    for lang in ws.project.languages:
        memory = catalog.Memory(ws.project.fuzzy_threshold)
        for (clang, domain), po in sorted(ws.catalogs.items()):
            if clang == lang and domain != UI_DOMAIN:
                memory.add(po, domain)
        memories[lang] = memory
    return memories


def _update_domain(ws: Workspace, domain: str, template: polib.POFile, old_pot: polib.POFile | None,
                   languages: list[str], memories: dict[str, catalog.Memory], report: Report) -> None:
    project = ws.project
    _write_catalog(project.template_path(domain), template, old_pot, project, report)
    for lang in languages:
        if (lang, domain) in ws.broken:
            continue  # reported when read; never overwrite a translator's file we cannot parse
        old = ws.catalogs.get((lang, domain))
        memory = memories.get(lang) if domain != UI_DOMAIN else None
        merged = catalog.merge(template, old, lang=lang, project_id=domain, memory=memory,
                               threshold=project.fuzzy_threshold)
        ws.catalogs[(lang, domain)] = _write_catalog(project.catalog_path(lang, domain), merged, old,
                                                     project, report)


def ui_template(previous: polib.POFile | None, project: Project) -> polib.POFile:
    """The templates' own strings (letterhead, labels) as a template of their own; a project's own
    templates are referred to by their path in the project, not on this machine."""
    segments = [Segment(msgid, "template string", project.relative(Path(path)) if Path(path).is_absolute() else path,
                        line)
                for path, line, msgid in extract_ui_strings(project.templates)]
    return catalog.build_template(segments, project_id=UI_DOMAIN, previous=previous)


def update_catalogs(ws: Workspace, report: Report) -> None:
    """Rebuild every template from its source and merge it into each language's catalog."""
    project = ws.project
    memories = _memories(ws)
    for rel in ws.releases:
        try:
            previous = read_catalog(project.template_path(rel.slug), project)
        except PoSyntaxError:
            previous = None  # a template is ours to rewrite
        template = catalog.build_template(ws.segments[rel.slug], project_id=rel.slug, previous=previous)
        targets = [lang for lang in project.languages if lang != rel.meta.lang]
        _update_domain(ws, rel.slug, template, previous, targets, memories, report)
    try:
        previous = read_catalog(project.template_path(UI_DOMAIN), project)
    except PoSyntaxError:
        previous = None  # a template is ours to rewrite
    # The templates are written in English; an English catalog too lets the office reword the
    # letterhead without touching a template.
    ui_langs = list(project.languages)
    try:
        template = ui_template(previous, project)
    except WorkflowError as exc:
        report.failure(exc, UI_DOMAIN)
        return
    _update_domain(ws, UI_DOMAIN, template, previous, ui_langs, memories, report)


# ------------------------------------------------------------- editions

def _translator(ws: Workspace, rel: Release, lang: str, report: Report, counts: dict[str, int]):
    """The function that gives each segment's published text in ``lang``."""
    po = ws.catalogs.get((lang, rel.slug))
    table = catalog.translations(po)
    fuzzy = {e.msgid for e in po if e.msgstr and "fuzzy" in e.flags and not e.obsolete} if po is not None else set()
    lines = {e.msgid: e.linenum for e in po} if po is not None else {}
    po_path = ws.project.relative(ws.project.catalog_path(lang, rel.slug))

    def translate(msgid: str, kind: str = "") -> str | None:
        text = table.get(msgid)
        if text is not None:
            judged = judge(msgid, text, source_lang=rel.meta.lang, lang=lang, glossary=ws.glossary, kind=kind)
            _report_problems(report, po_path, lines.get(msgid), judged)
            counts["errors"] += judged.errors if judged.text is not None else 0
            text = judged.text
            counts["rejected"] += text is None
        counts["untranslated"] += text is None
        counts["fuzzy"] += text is None and msgid in fuzzy
        return text

    return translate


def _from_table(table: Mapping[str, str], counts: dict[str, int]):
    """The published text of each segment, from texts already approved."""

    def translate(msgid: str, kind: str = "") -> str | None:
        text = table.get(msgid)
        counts["untranslated"] += text is None
        return text

    return translate


@dataclass(frozen=True)
class Judged:
    """A translation as the checks judge it: the one decision every consumer uses (editions, the
    templates' strings, the review page, ``make check``)."""

    text: str | None  #: what may be published (None: unsafe, the source text stands in)
    problems: tuple[checks.Problem, ...] = ()

    @property
    def errors(self) -> int:
        """Problems that keep an edition from being final (an unsafe one counts too)."""
        return sum(p.severity is not checks.Severity.WARNING for p in self.problems)


def judge(msgid: str, text: str, *, source_lang: str, lang: str, glossary: checks.Glossary | None,
          kind: str = "") -> Judged:
    """What may be published of a translation, and every problem the checks find in it."""
    problems = tuple(checks.check_entry(msgid, text, source_lang=source_lang, lang=lang, glossary=glossary,
                                        kind=kind))
    unsafe = any(p.severity is checks.Severity.REJECT for p in problems)
    return Judged(None if unsafe else text, problems)


def _report_problems(report: Report, po_path: str, line: int | None, judged: Judged) -> None:
    """An unsafe translation fails the run (it must be looked at); a wrong one keeps its edition
    a draft, which is reported but is no failure (``make check`` calls it an error)."""
    for problem in judged.problems:
        if problem.severity is checks.Severity.REJECT:
            report.error(po_path, line, f"{problem.check}: {problem.message}")  # it says the source is published
        elif problem.severity is checks.Severity.ERROR:
            report.warn(po_path, line, f"{problem.check}: {problem.message} (until it is fixed, the edition is a draft)")
        else:
            report.warn(po_path, line, f"{problem.check}: {problem.message}")


def make_edition(ws: Workspace, rel: Release, lang: str, report: Report,
                 text_filter: Callable[[str], str] | None = None, *,
                 table: Mapping[str, str] | None = None) -> Edition:
    """Recombine a release with its ``lang`` catalog (the source edition needs none), or with
    ``table``, the texts of an issued version.

    A passage without a publishable translation stays in the source language and says so
    (``lang``), and gets the source language's typography, not the edition's.
    """
    counts = {"untranslated": 0, "fuzzy": 0, "rejected": 0, "errors": 0}
    source = lang == rel.meta.lang
    if source:
        translate = lambda msgid, kind="": None  # noqa: E731
    else:
        inner = _from_table(table, counts) if table is not None else _translator(ws, rel, lang, report, counts)
        texts: dict[str, str] = {}

        def translate(msgid: str, kind: str = "") -> str | None:
            text = inner(msgid, kind)
            if text is not None:
                texts[msgid] = text
            return text
    keep = text_filter or (lambda text: text)
    rule, source_rule = typography.text_rule(lang), typography.text_rule(rel.meta.lang)
    strings, fallback = {}, set()
    for key in TRANSLATABLE_KEYS:
        value = getattr(rel.meta, key)
        translated = translate(value, f"front matter: {key}") if value else None
        if value and translated is None and not source:
            fallback.add(key)
        strings[key] = keep((source_rule if key in fallback else rule)(translated or value)) if value else ""
    body = segment.render_body(rel.body, translate, fallback_lang="" if source else rel.meta.lang, lang=lang,
                               text_filter=text_filter)
    body = typography.apply_to_html(body, rule)
    errors = counts["errors"] + (ws.ui_errors.get(lang, 0) if table is None else 0)
    incomplete = counts["untranslated"] or errors
    state = State.SOURCE if source and not errors else State.INCOMPLETE if incomplete else State.COMPLETE
    return Edition(rel, lang, body, strings, state, counts["untranslated"], fallback=frozenset(fallback),
                   texts={} if source else dict(sorted(texts.items())), fuzzy=counts["fuzzy"],
                   rejected=counts["rejected"], errors=errors)


def write_assets(project: Project, renderer: Renderer, report: Report) -> Path:
    """Fonts, the stylesheet and each language's print rules, beside the pages."""
    assets = project.output / "assets"
    files = {f"fonts/{name}": path.read_bytes() for name, path in font_paths().items()}
    for name in ("edition.css", "review.css", "ornament.svg"):
        files[name] = template_file(name, project.templates).read_bytes()
    sources = {"edition.css": "edition.css", "review.css": "review.css"}
    for lang in project.languages:
        files[f"{lang}.css"] = renderer.stylesheet(lang).encode("utf-8")
        sources[f"{lang}.css"] = "page.css"
    in_use = {hashlib.sha256(files[name]).hexdigest() for name in sources}
    for name, template in sources.items():
        _check_stylesheet(project, report, files[name].decode("utf-8"), template, assets, in_use)
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


def _check_stylesheet(project: Project, report: Report, css: str, template: str, assets: Path,
                      in_use: set[str]) -> None:
    """Rules WeasyPrint would ignore in a stylesheet, named by template file and line, once a run."""
    cache_path = project.output / _CSS_CHECKS
    try:
        cache = json.loads(cache_path.read_text(encoding="utf-8"))
        cache = cache if isinstance(cache, dict) else {}
    except (OSError, ValueError, RecursionError):
        cache = {}
    key = hashlib.sha256(css.encode("utf-8")).hexdigest()
    said = cache.get(key)
    if not (isinstance(said, list) and all(isinstance(m, list) and len(m) == 2 for m in said)):
        from workflow import typeset

        said = [[message.line, message.text] for message in typeset.check_stylesheet(css, base_url=assets)]
        cache[key] = said
        cache = {k: v for k, v in cache.items() if k in in_use}  # older stylesheets' entries go
        save(project, report, cache_path, (json.dumps(cache, sort_keys=True, indent=1) + "\n").encode())
    for line, text in said:
        report.warn(_template_name(project, template), line if isinstance(line, int) else None,
                    f"WeasyPrint will not use this: {text}")


def _print_filter(lang: str) -> Callable[[str], str] | None:
    """Khmer gets break opportunities at word boundaries for the PDF (browsers find their own)."""
    return khmer.insert_breaks if lang == "km" else None


def _epoch(day) -> int:
    return int(_dt.datetime(day.year, day.month, day.day, tzinfo=_dt.timezone.utc).timestamp())


def gate_problems(edition: Edition) -> list[str]:
    """Why an edition cannot be final (empty: it passes the gate)."""
    if edition.state is not State.INCOMPLETE:
        return []
    missing = edition.untranslated - edition.fuzzy - edition.rejected
    counts = [(missing, "segment(s) not translated"), (edition.fuzzy, "segment(s) fuzzy"),
              (edition.rejected, "segment(s) refused by the checks"), (edition.errors, "check error(s)")]
    return [f"{n} {what}" for n, what in counts if n]


def _glyph_places(ws: Workspace, rel: Release, lang: str, missing: set[str]) -> list[tuple[str, int | None]]:
    """Where the characters no font has come from: the catalog entries (or the release) holding them."""
    project = ws.project
    po = ws.catalogs.get((lang, rel.slug)) if lang != rel.meta.lang else None
    places = [(project.relative(project.catalog_path(lang, rel.slug)), e.linenum)
              for e in (po or []) if e.msgstr and set(e.msgstr) & missing]
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


def approve_command(slug: str, lang: str) -> str:
    return f'make approve RELEASE={slug} LANG={lang} BY="<your name>"'


def plan_edition(ws: Workspace, rel: Release, lang: str, renderer: Renderer,
                 report: Report) -> tuple[Edition, lifecycle.Plan]:
    """The edition as its sources stand now, and where it stands in its lifecycle."""
    screen = make_edition(ws, rel, lang, report)
    content = records.Content(rel.slug, lang, rel.text, screen.texts, renderer.edition_strings(screen))
    plan = lifecycle.plan(approval=ws.project.approval, problems=gate_problems(screen), current_hash=content.hash,
                          issued=ws.issued.get((rel.slug, lang), []), withdrawn=rel.meta.withdrawn is not None,
                          approve_command=approve_command(rel.slug, lang))
    return screen, plan


def _plan_for_build(ws: Workspace, rel: Release, lang: str, renderer: Renderer,
                    report: Report) -> tuple[Edition, lifecycle.Plan] | None:
    """The edition and its plan, or None when it is not to be rebuilt (its catalog cannot be read,
    or its approvals cannot all be read: what is published stays as it is)."""
    if (lang, rel.slug) in ws.broken or _doubtful(ws, rel.slug, lang):
        return None
    return plan_edition(ws, rel, lang, renderer, report)


def _public_languages(ws: Workspace, rel: Release, plans: Mapping[str, tuple[Edition, lifecycle.Plan] | None],
                      previous: Mapping[str, dict]) -> tuple[str, ...]:
    """The languages whose edition of ``rel`` is public after this run: planned as public, or not
    rebuilt and still published as the last run listed it."""
    listed = previous.get(rel.slug, {}).get("titles", {})
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
                  report: Report, *, planned: tuple[Edition, lifecycle.Plan] | None = None,
                  public: tuple[str, ...] | None = None) -> None:
    """Every page of one edition, as its stage in the lifecycle says (``workflow.lifecycle``).

    The HTML and the PDF of each page are published each on its own, so a PDF that cannot be
    made leaves the HTML published (and the previous PDF in place), and the reverse.
    """
    project = ws.project
    started = time.perf_counter()
    if (lang, rel.slug) in ws.broken:
        report.error(project.relative(project.catalog_path(lang, rel.slug)), None,
                     f"the {lang} edition of {rel.slug} was not rebuilt; the last published one is kept")
        report.outcomes[(rel.slug, lang)] = Outcome(True, False, False, "its catalog cannot be read")
        return
    if _doubtful(ws, rel.slug, lang):
        # The issued version cannot be told: what is published stays as it is, listed as it was.
        report.outcomes[(rel.slug, lang)] = Outcome(True, False, False, f"its approvals cannot all be read "
                                                    f"(content/{records.LEDGER}): the published edition is kept")
        return
    screen, plan = planned or plan_edition(ws, rel, lang, renderer, report)
    problems = gate_problems(screen)
    if problems and plan.stage is not lifecycle.Stage.WITHDRAWN:
        report.warn(project.relative(project.catalog_path(lang, rel.slug)), None,
                    f"{'; '.join(problems)}: the {lang} edition is a draft")
    out = project.output / lang
    pages = []
    shown = EditionPage(languages=public)  # a public page links to the public editions only
    if plan.stage is lifecycle.Stage.WITHDRAWN:
        pages.append(Page(rel, lang, screen, screen, renderer, False, out / f"{rel.slug}.html", None, shown))
        _remove(project, report, _withdrawn_files(project, rel.slug, lang))
    elif plan.public is None:
        printed = make_edition(ws, rel, lang, report, _print_filter(lang))
        pages.append(Page(rel, lang, screen, printed, renderer, plan.draft, out / f"{rel.slug}.html",
                          out / f"{rel.slug}.pdf", EditionPage() if plan.draft else shown))
    for number, issued in enumerate(plan.versions):
        latest = number == len(plan.versions) - 1
        pages.append(_issued_page(ws, rel, issued, plan.versions[:number], renderer, report,
                                  suffix="" if latest else f".v{issued.version}", public=public))
    if plan.pending:
        review = project.output / "review" / lang
        printed = make_edition(ws, rel, lang, report, _print_filter(lang))
        pages.append(Page(rel, lang, screen, printed, renderer, True, review / f"{rel.slug}.html",
                          review / f"{rel.slug}.pdf", EditionPage(root="../../")))
    else:  # no revision pending (any more): its draft is not left online beside the issued edition
        _remove(project, report, [project.output / "review" / lang / f"{rel.slug}.{ext}" for ext in ("html", "pdf")])
    queued = len(pdfs.jobs)
    results = [_write_page(ws, page, pdfs, report) for page in pages]
    html_ok, pdf_ok = all(r[0] for r in results), all(r[1] for r in results)
    public = pages[len(pages) - 1 - plan.pending] if plan.versions else pages[0]
    report.editions[(rel.slug, lang)] = screen.state
    report.titles[(rel.slug, lang)] = public.screen.strings["title"]
    report.stages[(rel.slug, lang)] = plan
    why = "; ".join(part for part in (plan.why if plan.stage is not lifecycle.Stage.WITHDRAWN else "",
                                      "" if html_ok else "HTML failed", "" if pdf_ok else "PDF failed") if part)
    outcome = Outcome(not plan.stage.public, html_ok, pdf_ok, why, time.perf_counter() - started,
                      stage=plan.stage.value)
    report.outcomes[(rel.slug, lang)] = outcome
    if len(pdfs.jobs) == queued:  # nothing left to typeset: done; otherwise typeset_all says it, PDF included
        _said_done(rel.slug, lang, outcome)


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
    screen = make_edition(ws, approved, content.lang, report, table=content.translations)
    printed = make_edition(ws, approved, content.lang, report, _print_filter(content.lang), table=content.translations)
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
    manifest: dict[str, dict[str, str]]
    jobs: list[pdfjobs.PdfJob] = field(default_factory=list)
    digests: dict[Path, str] = field(default_factory=dict)  #: job path → its input digest
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
        _check_glyphs(ws, rel, lang, print_html)
    except WorkflowError as exc:
        report.failure(exc, rel.path)
        return html_ok, False
    # A stable identifier and the release's own dates (in the HTML's meta tags) make the PDF
    # reproducible: the same inputs give the same bytes.
    identifier = hashlib.sha256(f"{rel.slug}/{lang}".encode()).hexdigest()[:32].encode()
    job = pdfjobs.PdfJob(page.pdf, print_html, page.pdf.parent, pdfs.assets, project.pdf_variant, identifier,
                         _epoch(rel.meta.closing_date), rel.path, lang, (rel.slug, lang),
                         assets_key=pdfs.assets_digest)
    digest = job.digest(pdfs.assets_digest, pdfs.engine)
    pdfs.digests[job.path] = digest
    if pdfjobs.up_to_date(job, digest, pdfs.manifest, project.output):
        pdfs.unchanged += 1
    else:
        pdfs.jobs.append(job)
    return html_ok, True


def _check_glyphs(ws: Workspace, rel: Release, lang: str, print_html: str) -> None:
    """A character no bundled font has would print as an empty box: the PDF is not made."""
    from workflow import typeset

    missing = typeset.missing_glyphs(print_html, font_paths().values())
    if missing:
        names = ", ".join(sorted(f"U+{ord(c):04X}" for c in missing))
        places = _glyph_places(ws, rel, lang, missing)
        raise WorkflowError(places[0][0], places[0][1], f"no bundled font has a glyph for {names}",
                            "remove or replace the character")


def typeset_all(project: Project, pdfs: Typesetting, report: Report, workers: int) -> None:
    """Run the PDF jobs (in parallel), write each PDF, and note which editions' PDFs failed."""
    from workflow import typeset

    hint = typeset.speed_hint() if pdfs.jobs else None
    if hint:
        report.hint(hint)
    progress = _progress(len(pdfs.jobs))
    kept = {name: entry for name, entry in pdfs.manifest.items()
            if (project.output / name) in pdfs.digests or (project.output / name).exists()}

    def done(job: pdfjobs.PdfJob, result) -> None:
        progress.update(1)
        name = job.path.relative_to(project.output).as_posix()
        if isinstance(result, Exception):
            kept.pop(name, None)
            what = f"the {job.lang} PDF of {job.key[0]}"
            previous = " (the previous one is kept)" if job.path.exists() else ""
            report.error(job.source, None, f"{what} was not made{previous}: {result}")
            _pdf_failed(report, job.key)
            return
        for url in result.refused:
            report.warn(job.source, None, f"refused to load {url} in the {job.lang} PDF: only the project's assets "
                        "may be used")
        for message in result.messages:
            if message.level is typeset.Level.HINT or _said_with_its_line(report, job, message):
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
        except OSError as exc:
            report.error(job.source, None, f"the {job.lang} PDF of {job.key[0]} could not be written: {exc}")
            _pdf_failed(report, job.key)
            return
        report.typeset += 1
        kept[name] = {"input": pdfs.digests[job.path], "output": hashlib.sha256(result.pdf).hexdigest()}

    left = {job.key: 0 for job in pdfs.jobs}
    for job in pdfs.jobs:
        left[job.key] += 1

    def done_and_said(job: pdfjobs.PdfJob, result) -> None:
        done(job, result)
        outcome = report.outcomes.get(job.key)
        left[job.key] -= 1
        if outcome is not None:  # the edition's time counts its PDFs' typesetting
            outcome = dataclasses.replace(outcome, seconds=outcome.seconds + getattr(result, "seconds", 0.0))
            report.outcomes[job.key] = outcome
            if not left[job.key]:
                _said_done(*job.key, outcome)

    try:
        pdfjobs.run(pdfs.jobs, workers, done_and_said)
    finally:
        progress.close()
        for name in [n for n in kept if (project.output / n) not in pdfs.digests and not (project.output / n).exists()]:
            del kept[name]
        save(project, report, project.output / pdfjobs.MANIFEST, pdfjobs.manifest_text(kept).encode())


def _said_with_its_line(report: Report, job: pdfjobs.PdfJob, message) -> bool:
    """Whether WeasyPrint's message is one already reported where its line is known: a rule of a
    checked stylesheet (``_check_stylesheet``), a link of the release's text to no heading
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
        report.outcomes[key] = dataclasses.replace(outcome, pdf=False, why=why)


def _progress(total: int):
    """A progress bar on a terminal; nothing elsewhere (CI, pipes: -v prints a line per edition)."""
    import sys

    from tqdm import tqdm

    return tqdm(total=total, desc="typesetting", unit="pdf", disable=total == 0 or not sys.stderr.isatty(),
                leave=False, file=sys.stderr)


def _withdrawn_files(project: Project, slug: str, lang: str) -> list[Path]:
    """What a withdrawal takes out of the published folder (the texts stay in content/issued/)."""
    out = project.output / lang
    return ([out / f"{slug}.pdf"] + sorted(out.glob(f"{slug}.v*.html")) + sorted(out.glob(f"{slug}.v*.pdf"))
            + [project.output / "review" / lang / f"{slug}.{suffix}" for suffix in ("html", "pdf")])


def _remove(project: Project, report: Report, paths: list[Path]) -> None:
    for path in paths:
        if path.is_file():
            path.unlink()
            report.written.append(project.relative(path))
            log.info("removed %s", project.relative(path))


def _publish(project: Project, report: Report, path: Path, make: Callable[[], bytes], source: str,
             what: str) -> bool:
    """Make one output and write it; on failure report it, keep what was there, return False."""
    try:
        data = make()
        save(project, report, path, data)
        return True
    except (TypesetError, WorkflowError, OSError) as exc:
        kept = " (the previous one is kept)" if path.exists() else ""
        if isinstance(exc, WorkflowError):  # it names its own file (a template, a catalog): said once
            report.failure(exc, source)
        else:
            report.error(source, None, f"{what} was not made{kept}: {exc}")
        return False


#: What the indexes list, kept so that a release that cannot be read this time stays listed.
INDEX_FILE = "releases.json"


def _previous_listing(path: Path) -> dict[str, dict]:
    """What the last run listed, by slug; anything malformed in the file is left out."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    items = data.get("releases") if isinstance(data, dict) else None
    listed = {}
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        slug, day, titles = item.get("slug"), item.get("date"), item.get("titles")
        if not (isinstance(slug, str) and isinstance(day, str) and isinstance(titles, dict)):
            continue
        try:
            _dt.date.fromisoformat(day)
        except ValueError:
            continue
        titles = {lang: title for lang, title in titles.items() if isinstance(lang, str) and isinstance(title, str)}
        listed[slug] = {"slug": slug, "date": day, "titles": titles}
        versions = item.get("versions")
        if isinstance(versions, dict):
            listed[slug]["versions"] = {lang: kept for lang, kept in versions.items() if isinstance(kept, list)}
    return listed


def _listed(ws: Workspace, report: Report) -> list[dict]:
    """Every release the indexes list: slug, ISO date and title of each published edition."""
    project = ws.project
    previous = _previous_listing(project.output / INDEX_FILE)

    def published(slug: str, lang: str) -> bool:
        """A final edition is published; a draft is for reviewers (reached from the review pages)."""
        outcome = report.outcomes.get((slug, lang))
        if outcome is not None and outcome.html:
            return not outcome.draft
        # Not rebuilt this time (its catalog cannot be read, the page could not be written): the
        # edition the last run listed is still the published one.
        return (project.output / lang / f"{slug}.html").exists() and lang in previous.get(slug, {}).get("titles", {})

    listed = []
    for rel in ws.releases:
        before = previous.get(rel.slug, {}).get("titles", {})
        titles = {lang: report.titles.get((rel.slug, lang)) or before.get(lang) or rel.meta.title
                  for lang in project.languages if published(rel.slug, lang)}
        listed.append({"slug": rel.slug, "date": rel.meta.date.isoformat(), "titles": titles,
                       "versions": _versions(ws, rel.slug, previous.get(rel.slug, {}).get("versions", {}),
                                             urls=rel.meta.withdrawn is None)})
        if rel.meta.withdrawn is not None:  # its versions stay on record; their files are no longer online
            listed[-1]["withdrawn"] = rel.meta.withdrawn.isoformat()
    gone = {slug for slug, _lang in ws.issued} - {rel.slug for rel in ws.releases} - ws.unreadable
    for slug in sorted((ws.unreadable | gone) & set(previous)):
        # Its editions from the last good run are still published: keep linking to them.
        titles = {lang: title for lang, title in previous[slug]["titles"].items()
                  if lang in project.languages and published(slug, lang)}
        if titles:
            listed.append({"slug": slug, "date": previous[slug]["date"], "titles": titles})
            if slug in gone:  # its source is gone, its issued versions are still what is published
                listed[-1]["versions"] = _versions(ws, slug, previous[slug].get("versions", {}))
    return sorted(listed, key=lambda item: (item["date"], item["slug"]), reverse=True)


def _versions(ws: Workspace, slug: str, before: Mapping[str, list] | None = None, *,
              urls: bool = True) -> dict[str, list[dict]]:
    """Every issued version of a release's editions, by language: when, by whom, its hash, its URLs
    (none for a withdrawn release: its files are taken down).  An edition whose approvals cannot
    all be read keeps what the last run listed (``before``)."""
    found = {}
    for lang in ws.project.languages:
        if _doubtful(ws, slug, lang):
            found[lang] = list((before or {}).get(lang, []))
            continue
        versions = ws.issued.get((slug, lang), [])
        found[lang] = [{"version": v.version, "approved": v.approval.at.isoformat(), "approved_by": v.approval.by,
                        "sha256": v.approval.hash,
                        "html": f"{lang}/{slug}{'' if v is versions[-1] else f'.v{v.version}'}.html",
                        "pdf": f"{lang}/{slug}{'' if v is versions[-1] else f'.v{v.version}'}.pdf"}
                       for v in versions]
        if not urls:
            found[lang] = [{k: v for k, v in version.items() if k not in ("html", "pdf")} for version in found[lang]]
    return {lang: versions for lang, versions in found.items() if versions}


def write_indexes(ws: Workspace, renderer: Renderer, report: Report) -> None:
    """``output/index.html``, ``output/<lang>/index.html`` and ``output/releases.json``."""
    project = ws.project
    listed = _listed(ws, report)
    default = "en" if "en" in project.languages else project.languages[0]
    for lang in project.languages + ("",):
        page_lang = lang or default
        items = []
        for item in listed:
            if page_lang not in item["titles"]:
                continue
            day = _dt.date.fromisoformat(item["date"])
            items.append({"slug": item["slug"], "title": item["titles"][page_lang],
                          "date": locales.long_date(day, page_lang), "date_iso": item["date"],
                          "editions": [link for link in renderer.links(item["slug"]) if link.lang in item["titles"]]})
        root = "../" if lang else ""
        path = project.output / (f"{lang}/index.html" if lang else "index.html")
        save(project, report, path, renderer.index(page_lang, items, root=root).encode("utf-8"))
    data = json.dumps({"releases": listed}, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    save(project, report, project.output / INDEX_FILE, data.encode("utf-8"))


def write_reviews(ws: Workspace, renderer: Renderer, report: Report) -> None:
    """``output/review/<slug>.html``: every segment in every language, with its state and source
    diff, where each edition stands, and what changed since its issued version."""
    for rel in ws.releases:
        catalogs = {lang: ws.catalogs.get((lang, rel.slug)) for lang in ws.project.languages if lang != rel.meta.lang}
        result = review_io.review(rel, ws.segments[rel.slug], catalogs, ws.project.languages, ws.glossary)
        for lang in ws.project.languages:
            _review_lifecycle(ws, rel, lang, report, result)
        page = renderer.review(result)
        save(ws.project, report, ws.project.output / "review" / f"{rel.slug}.html", page.encode("utf-8"))


def _review_lifecycle(ws: Workspace, rel: Release, lang: str, report: Report, result: review_io.Review) -> None:
    plan = report.stages.get((rel.slug, lang))
    if plan is None:
        return
    versions = ws.issued.get((rel.slug, lang), [])
    listed = tuple(review_io.Version(v.version, v.approval.by, v.approval.day.isoformat(), v.approval.hash)
                   for v in versions)
    # Only an edition that passes the gate can be approved (a check error alone keeps it out too).
    command = approve_command(rel.slug, lang) if plan.stage in (lifecycle.Stage.READY, lifecycle.Stage.PENDING) \
        and plan.why.startswith("awaiting approval") else ""
    draft = (f"{lang}/{rel.slug}.html" if plan.pending else f"../{lang}/{rel.slug}.html" if plan.draft else "")
    result.lifecycle[lang] = review_io.Lifecycle(lang, plan.stage.value, plan.why, listed, command, draft)
    if plan.pending and versions:
        issued = versions[-1].content
        try:
            before = segment.extract(release_io.parse(issued.source, path=rel.path, slug=rel.slug))
        except WorkflowError:
            return
        published = {} if lang == rel.meta.lang else make_edition(ws, rel, lang, report).texts
        changes = review_io.issued_changes(ws.segments[rel.slug], before, dict(issued.translations), published)
        for msgid, diff in changes.items():
            result.revisions[(lang, msgid)] = diff


# ---------------------------------------------------------------- commands

def _ui_tables(ws: Workspace, report: Report) -> dict[str, dict[str, str]]:
    """The templates' strings in each language, checked like a release's (the templates escape
    them); a check error in them keeps every edition of the language a draft."""
    tables = {}
    for lang in ws.project.languages:
        po = ws.catalogs.get((lang, UI_DOMAIN))
        po_path = ws.project.relative(ws.project.catalog_path(lang, UI_DOMAIN))
        lines = {e.msgid: e.linenum for e in po} if po is not None else {}
        kinds = {e.msgid: checks.kind_of(e) for e in po} if po is not None else {}
        tables[lang] = {}
        for msgid, text in catalog.translations(po).items():
            judged = judge(msgid, text, source_lang="en", lang=lang, glossary=ws.glossary,
                           kind=kinds.get(msgid, "template string"))
            _report_problems(report, po_path, lines.get(msgid), judged)
            if judged.text is not None:
                tables[lang][msgid] = judged.text
                ws.ui_errors[lang] = ws.ui_errors.get(lang, 0) + judged.errors
    return tables


_VERSIONED = re.compile(r"\.v\d+$")


def _gone(ws: Workspace, report: Report) -> None:
    """Releases whose source file is gone: an issued one is an error (nothing issued disappears
    silently); the drafts of one never issued are taken down, and the run says so."""
    project = ws.project
    present = {rel.slug for rel in ws.releases} | ws.unreadable
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
    stale = []
    for folder in [project.output / lang for lang in project.languages] + [project.output / "review"] + \
            [project.output / "review" / lang for lang in project.languages]:
        for path in sorted(folder.glob("*.html")) + sorted(folder.glob("*.pdf")) if folder.is_dir() else []:
            slug = _VERSIONED.sub("", path.stem)
            if slug != "index" and slug not in present and slug not in issued:
                stale.append(path)
    stale = [path for path in stale if not _doubtful(ws, _VERSIONED.sub("", path.stem))]
    for slug in sorted({_VERSIONED.sub("", p.stem) for p in stale}):
        report.warn(f"content/{slug}.md", None, "this release is gone and none of its editions was issued: "
                    "its drafts are taken down")
    _remove(project, report, stale)


def edition_states(project: Project) -> tuple[dict[tuple[str, str], lifecycle.Plan], Workspace, Report]:
    """``make status``: where every edition stands, without building anything."""
    report = Report()
    ws = load_workspace(project, report)
    renderer = Renderer(_ui_tables(ws, report), project.languages, project.templates)
    plans = {}
    for rel in ws.releases:
        for lang in project.languages:
            if (lang, rel.slug) not in ws.broken and not _doubtful(ws, rel.slug, lang):
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
    """``make publish``: update the catalogs, then build every edition and the indexes."""
    report = Report()
    with publishing_lock(project.root / ".publish.lock"):
        remove_stale_temporaries(project.scratch)
        ws = load_workspace(project, report)
        update_catalogs(ws, report)
        renderer = Renderer(_ui_tables(ws, report), project.languages, project.templates)
        try:
            assets = write_assets(project, renderer, report)
        except (TypesetError, WorkflowError) as exc:
            report.failure(exc, project.relative(project.output / "assets"))
            return report  # without fonts and stylesheets no edition can be right; nothing else is touched
        pdfs = Typesetting(assets, pdfjobs.tree_digest(assets), pdfjobs.engine_digest(),
                           pdfjobs.read_manifest(project.output))
        previous = _previous_listing(project.output / INDEX_FILE)
        for rel in ws.releases:
            # Every edition of a release is planned before any is written: a public page's language
            # switcher links only to the editions that are public too, never to a draft.
            plans = {}
            for lang in project.languages:
                try:
                    plans[lang] = _plan_for_build(ws, rel, lang, renderer, report)
                except Exception as exc:  # one broken edition must not stop the others
                    report.failure(exc, rel.path)
            public = _public_languages(ws, rel, plans, previous)
            for lang, planned in plans.items():
                try:
                    build_edition(ws, rel, lang, renderer, pdfs, report, planned=planned, public=public)
                except Exception as exc:  # one broken edition must not stop the others
                    report.failure(exc, rel.path)
        typeset_all(project, pdfs, report, jobs or pdfjobs.default_workers())
        report.unchanged = pdfs.unchanged
        _gone(ws, report)
        from workflow import qa  # qa judges with this module's judge(): imported here, not at the top

        for finding in qa.consistency(ws):
            report.warn(finding.path, finding.line, f"{finding.check}: {finding.message}")
        for step in (write_indexes, write_reviews):
            try:
                step(ws, renderer, report)
            except Exception as exc:  # the editions are published; say what could not be listed
                report.failure(exc, project.relative(project.output))
    return report


def approve(project: Project, slug: str, lang: str, by: str, *, now: _dt.datetime | None = None) -> Report:
    """``make approve``: record that ``by`` approved the ``lang`` edition of ``slug`` as it is now.

    The edition must pass the gate.  Its texts go to ``content/issued/<slug>/<lang>.v<N>.json``,
    then a line to ``content/approvals.tsv`` (in that order: a line always has its texts).
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
        if _doubtful(ws, slug, lang):
            report.error(ledger, None, f"the approvals of the {lang} edition of {slug} cannot all be read (see "
                         "above): fix that line first — approving now could hide an approved version or write "
                         "over its texts")
            return report
        renderer = Renderer(_ui_tables(ws, report), project.languages, project.templates)
        edition = make_edition(ws, rel, lang, report)
        problems = gate_problems(edition)
        if problems:
            where = project.relative(project.catalog_path(lang, slug)) if lang != rel.meta.lang else rel.path
            report.error(where, None, f"the {lang} edition cannot be approved yet: {'; '.join(problems)} "
                         "(see output/review/" + f"{slug}.html)")
            return report
        content = records.Content(slug, lang, rel.text, edition.texts, renderer.edition_strings(edition))
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
        snapshot = records.snapshot_path(project.content, slug, lang, approval.version)
        save(project, report, snapshot, records.snapshot_text(issued).encode("utf-8"))
        path = records.ledger_path(project.content)
        existing = path.read_text(encoding="utf-8") if path.exists() else ""
        save(project, report, path, records.ledger_text(existing, approval).encode("utf-8"))
        log.info("approved version %d of the %s edition of %s (sha256 %s…); 'make publish' issues it",
                 approval.version, lang, slug, content.hash[:12])
    return report
