"""Run the pipeline for every release and language: update catalogs, build editions.

A broken release, catalog or edition is reported with its file and line, and
everything else is still built; outputs are written atomically, so what was
published before stays whole when a step fails.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import fontpkg
import polib

from workflow import catalog, checks, khmer, locales, release as release_io, review as review_io, segment, typography
from workflow.fsutil import publishing_lock, remove_stale_temporaries, write_atomic
from workflow.model import TRANSLATABLE_KEYS, Edition, Finding, Release, Segment, State, WorkflowError
from workflow.pofile import PoSyntaxError, dump_po, read_po, read_po_bytes
from workflow.project import UI_DOMAIN, Project
from workflow.render import Renderer, extract_ui_strings, template_file
from workflow.typeset import Level, TypesetError, check_stylesheet, missing_glyphs, speed_hint, write_pdf

log = logging.getLogger(__name__)

#: Bundled fonts: file name in output/assets/fonts → (fontpkg family, style).
FONTS = {
    "NotoSerif.ttf": ("Noto Serif", "normal"),
    "NotoSerif-Italic.ttf": ("Noto Serif", "italic"),
    "NotoSansKhmer.ttf": ("Noto Sans Khmer", "normal"),
}


@dataclass(frozen=True)
class Outcome:
    """What became of one edition in this run, for the summary table and the indexes."""

    draft: bool  #: not final: built for reviewers, left out of the public indexes
    html: bool  #: the HTML edition is published (written now or unchanged)
    pdf: bool  #: the PDF is published (written now or unchanged)
    why: str = ""  #: for a draft or a failure: the reason, in a few words
    seconds: float = 0.0

    @property
    def state(self) -> str:
        """"final", "draft" or "failed" (the HTML or the PDF could not be made)."""
        return "failed" if not (self.html and self.pdf) else "draft" if self.draft else "final"


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


def save(project: Project, report: Report, path: Path, data: bytes) -> None:
    """Write a file atomically, only if its bytes change, and note it in the report."""
    if write_atomic(path, data, scratch=project.scratch):
        report.written.append(project.relative(path))


# ----------------------------------------------------------------- reading

def load_releases(project: Project, report: Report) -> tuple[list[Release], dict[str, list[Segment]]]:
    """Every release that can be read and segmented, with its segments; the others are reported."""
    releases, segments = [], {}
    for path in project.unread_content():
        report.warn(project.relative(path), None, f"not read: only files ending in '.md' are releases; "
                    f"rename it to {path.stem}.md to publish it, or move it out of content/")
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
        except (WorkflowError, OSError) as exc:
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
            except PoSyntaxError as exc:
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
    return ws


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
    lines = {e.msgid: e.linenum for e in po} if po is not None else {}
    po_path = ws.project.relative(ws.project.catalog_path(lang, rel.slug))

    def translate(msgid: str, kind: str = "") -> str | None:
        text = table.get(msgid)
        if text is not None:
            text = _checked(msgid, text, po_path, lines.get(msgid), report)
        if text is None:
            counts["untranslated"] += 1
        return text

    return translate


def _checked(msgid: str, text: str, po_path: str, line: int | None, report: Report) -> str | None:
    """A translation as it may be published (None: the source stands instead), with findings reported."""
    tags = checks.raw_html(msgid, text)
    if tags:
        report.warn(po_path, line, f"raw HTML {', '.join(tags)} is shown as text, not as markup")
    reason = checks.rejection(msgid, text)
    if reason:
        report.error(po_path, line, f"{reason}; the source text is published instead")
        return None
    return text


def make_edition(ws: Workspace, rel: Release, lang: str, report: Report,
                 text_filter: Callable[[str], str] | None = None) -> Edition:
    """Recombine a release with its ``lang`` catalog (the source edition needs none).

    A passage without a publishable translation stays in the source language and says so
    (``lang``), and gets the source language's typography, not the edition's.
    """
    counts = {"untranslated": 0}
    source = lang == rel.meta.lang
    translate = (lambda msgid, kind="": None) if source else _translator(ws, rel, lang, report, counts)
    keep = text_filter or (lambda text: text)
    rule, source_rule = typography.text_rule(lang), typography.text_rule(rel.meta.lang)
    strings, fallback = {}, set()
    for key in TRANSLATABLE_KEYS:
        value = getattr(rel.meta, key)
        translated = translate(value) if value else None
        if value and translated is None and not source:
            fallback.add(key)
        strings[key] = keep((source_rule if key in fallback else rule)(translated or value)) if value else ""
    body = segment.render_body(rel.body, translate, fallback_lang="" if source else rel.meta.lang, lang=lang,
                               text_filter=text_filter)
    body = typography.apply_to_html(body, rule)
    state = State.SOURCE if source else (State.INCOMPLETE if counts["untranslated"] else State.COMPLETE)
    return Edition(rel, lang, body, strings, state, counts["untranslated"], fallback=frozenset(fallback))


def font_paths() -> dict[str, Path]:
    """The bundled fonts' files, from their PyPI packages."""
    paths = {}
    for name, (family, style) in FONTS.items():
        try:
            paths[name] = fontpkg.path(family, style=style)
        except fontpkg.FontpkgError as exc:
            package = "fontpkg-" + fontpkg.slugify(family)
            raise TypesetError(f"the font {family!r} ({style}) is not installed: {exc}; "
                               f"run '.venv/bin/pip install {package}' or 'make clean-venv publish'") from exc
    return paths


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
    for name, template in sources.items():
        _check_stylesheet(project, report, files[name].decode("utf-8"), template, assets)
    for name, data in files.items():
        save(project, report, assets / name, data)
    return assets


def _template_name(project: Project, name: str) -> str:
    """A template as users see it: its path in the project, or the package's own."""
    path = template_file(name, project.templates)
    shown = project.relative(path)
    return shown if not Path(shown).is_absolute() else f"workflow/templates/{name}"


def _check_stylesheet(project: Project, report: Report, css: str, template: str, assets: Path) -> None:
    """Rules WeasyPrint would ignore in a stylesheet, named by template file and line, once a run."""
    for message in check_stylesheet(css, base_url=assets):
        report.warn(_template_name(project, template), message.line,
                    f"WeasyPrint will not use this: {message.text}")


def _print_filter(lang: str) -> Callable[[str], str] | None:
    """Khmer gets break opportunities at word boundaries for the PDF (browsers find their own)."""
    return khmer.insert_breaks if lang == "km" else None


def _epoch(day) -> int:
    return int(_dt.datetime(day.year, day.month, day.day, tzinfo=_dt.timezone.utc).timestamp())


def _draft_reason(edition: Edition) -> str:
    return f"{edition.untranslated} segment(s) not translated" if edition.state is State.INCOMPLETE else ""


def _glyph_places(ws: Workspace, rel: Release, lang: str, missing: set[str]) -> list[tuple[str, int | None]]:
    """Where the characters no font has come from: the catalog entries (or the release) holding them."""
    project = ws.project
    po = ws.catalogs.get((lang, rel.slug)) if lang != rel.meta.lang else None
    places = [(project.relative(project.catalog_path(lang, rel.slug)), e.linenum)
              for e in (po or []) if e.msgstr and set(e.msgstr) & missing]
    return places or [(rel.path, None)]


def build_edition(ws: Workspace, rel: Release, lang: str, renderer: Renderer, assets: Path,
                  report: Report) -> None:
    """One edition's HTML, then its PDF: each is published on its own, so a PDF that cannot be
    made leaves the HTML published (and the previous PDF in place), and the reverse."""
    project = ws.project
    started = time.perf_counter()
    if (lang, rel.slug) in ws.broken:
        report.error(project.relative(project.catalog_path(lang, rel.slug)), None,
                     f"the {lang} edition of {rel.slug} was not rebuilt; the last published one is kept")
        report.outcomes[(rel.slug, lang)] = Outcome(True, False, False, "its catalog cannot be read")
        return
    edition = make_edition(ws, rel, lang, report)
    draft = edition.state is State.INCOMPLETE
    if draft:
        report.warn(project.relative(project.catalog_path(lang, rel.slug)), None,
                    f"{edition.untranslated} segment(s) not translated yet: the {lang} edition is a draft")
    out = project.output / lang
    html_ok = _publish(project, report, out / f"{rel.slug}.html", lambda: renderer.edition(edition, draft=draft).encode(),
                       rel.path, f"the {lang} HTML edition of {rel.slug}")
    pdf_ok = _publish(project, report, out / f"{rel.slug}.pdf",
                      lambda: _pdf(ws, rel, lang, renderer, assets, report, draft=draft),
                      rel.path, f"the {lang} PDF of {rel.slug}")
    report.editions[(rel.slug, lang)] = edition.state
    report.titles[(rel.slug, lang)] = edition.strings["title"]
    why = "; ".join(part for part in (_draft_reason(edition), "" if html_ok else "HTML failed",
                                      "" if pdf_ok else "PDF failed") if part)
    outcome = Outcome(draft, html_ok, pdf_ok, why, time.perf_counter() - started)
    report.outcomes[(rel.slug, lang)] = outcome
    log.debug("%-3s %-50s %-6s %5.2f s", lang, rel.slug, outcome.state, outcome.seconds)


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


def _pdf(ws: Workspace, rel: Release, lang: str, renderer: Renderer, assets: Path, report: Report, *,
         draft: bool) -> bytes:
    project = ws.project
    print_edition = make_edition(ws, rel, lang, report, _print_filter(lang))
    print_html = renderer.edition(print_edition, draft=draft)
    missing = missing_glyphs(print_html, font_paths().values())
    if missing:
        names = ", ".join(sorted(f"U+{ord(c):04X}" for c in missing))
        places = _glyph_places(ws, rel, lang, missing)
        for path, line in places[1:]:
            report.error(path, line, f"no bundled font has a glyph for {names}; remove or replace the character")
        path, line = places[0]
        raise WorkflowError(path, line, f"no bundled font has a glyph for {names}", "remove or replace the character")
    # A stable identifier and the release's own dates (in the HTML's meta tags) make the PDF
    # reproducible: the same inputs give the same bytes.
    identifier = hashlib.sha256(f"{rel.slug}/{lang}".encode()).hexdigest()[:32].encode()
    result = write_pdf(print_html, base_url=project.output / lang, allowed=(assets,), variant=project.pdf_variant,
                       identifier=identifier, epoch=_epoch(rel.meta.closing_date))
    for url in result.refused:
        report.warn(rel.path, None, f"refused to load {url} in the {lang} PDF: only the project's assets may be used")
    for message in result.messages:
        if message.level is Level.HINT or message.kind in ("anchor", "css"):
            continue  # the speed hint is said once per run; anchors and stylesheets are checked once, with lines
        report.warn(rel.path, None, f"WeasyPrint, in the {lang} PDF: {message.text}")
    return result.pdf


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
        listed.append({"slug": rel.slug, "date": rel.meta.date.isoformat(), "titles": titles})
    for slug in sorted(ws.unreadable & set(previous)):
        # Its editions from the last good run are still published: keep linking to them.
        titles = {lang: title for lang, title in previous[slug]["titles"].items()
                  if lang in project.languages and published(slug, lang)}
        if titles:
            listed.append({"slug": slug, "date": previous[slug]["date"], "titles": titles})
    return sorted(listed, key=lambda item: (item["date"], item["slug"]), reverse=True)


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
                          "editions": renderer.links(item["slug"])})
        root = "../" if lang else ""
        path = project.output / (f"{lang}/index.html" if lang else "index.html")
        save(project, report, path, renderer.index(page_lang, items, root=root).encode("utf-8"))
    data = json.dumps({"releases": listed}, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    save(project, report, project.output / INDEX_FILE, data.encode("utf-8"))


def write_reviews(ws: Workspace, renderer: Renderer, report: Report) -> None:
    """``output/review/<slug>.html``: every segment in every language, with its state and source diff."""
    for rel in ws.releases:
        catalogs = {lang: ws.catalogs.get((lang, rel.slug)) for lang in ws.project.languages if lang != rel.meta.lang}
        page = renderer.review(review_io.review(rel, ws.segments[rel.slug], catalogs, ws.project.languages))
        save(ws.project, report, ws.project.output / "review" / f"{rel.slug}.html", page.encode("utf-8"))


# ---------------------------------------------------------------- commands

def _ui_tables(ws: Workspace, report: Report) -> dict[str, dict[str, str]]:
    """The templates' strings in each language, checked like a release's (the templates escape them)."""
    tables = {}
    for lang in ws.project.languages:
        po = ws.catalogs.get((lang, UI_DOMAIN))
        po_path = ws.project.relative(ws.project.catalog_path(lang, UI_DOMAIN))
        lines = {e.msgid: e.linenum for e in po} if po is not None else {}
        checked = {msgid: _checked(msgid, text, po_path, lines.get(msgid), report)
                   for msgid, text in catalog.translations(po).items()}
        tables[lang] = {msgid: text for msgid, text in checked.items() if text is not None}
    return tables


def update_po(project: Project) -> Report:
    """``make update-po``: templates rebuilt, catalogs merged; nothing written if nothing changed."""
    report = Report()
    with publishing_lock(project.root / ".publish.lock"):
        ws = load_workspace(project, report)
        update_catalogs(ws, report)
    return report


def publish(project: Project) -> Report:
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
        hint = speed_hint()
        if hint and ws.releases:
            report.hint(hint)
        for rel in ws.releases:
            for lang in project.languages:
                try:
                    build_edition(ws, rel, lang, renderer, assets, report)
                except Exception as exc:  # one broken edition must not stop the others
                    report.failure(exc, rel.path)
        for step in (write_indexes, write_reviews):
            try:
                step(ws, renderer, report)
            except Exception as exc:  # the editions are published; say what could not be listed
                report.failure(exc, project.relative(project.output))
    return report
