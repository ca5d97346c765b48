"""The last stage: what the public indexes list (``output/releases.json``, read back so that an
edition not rebuilt this time stays listed), the indexes themselves, and the review pages."""

from __future__ import annotations

import datetime as _dt
import json
import logging
from collections.abc import Mapping
from pathlib import Path

from workflow import lifecycle, segment
from workflow import release as release_io
from workflow import review as review_io
from workflow.editions import approve_command, make_edition
from workflow.fsutil import MAX_RECORD_BYTES, read_input
from workflow.lang import locales
from workflow.model import Release, WorkflowError
from workflow.render import Renderer
from workflow.report import Report
from workflow.workspace import Workspace, doubtful, save

log = logging.getLogger(__name__)


#: What the indexes list, kept so that a release that cannot be read this time stays listed.
INDEX_FILE = "releases.json"


def previous_listing(path: Path) -> dict[str, dict]:
    """What the last run listed, by slug; anything malformed in the file is left out."""
    try:
        data = json.loads(read_input(path, limit=MAX_RECORD_BYTES).decode("utf-8"))
    except (OSError, ValueError, RecursionError, WorkflowError):
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
    previous = previous_listing(project.output / INDEX_FILE)

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
        if doubtful(ws, slug, lang):
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


def write_reviews(ws: Workspace, renderer: Renderer, report: Report, *, only: set[str] | None = None) -> None:
    """``output/review/<slug>.html``: every segment in every language, with its state and source
    diff, where each edition stands, and what changed since its issued version (``only``: of those
    releases, the others' pages being up to date)."""
    for rel in ws.releases:
        if only is not None and rel.slug not in only:
            continue
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
