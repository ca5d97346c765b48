"""The catalogs stage: rebuild every template from its source and merge it into each language's
catalog (``msgmerge --previous`` with a translation memory), writing a catalog only when its
content changes, so another tool's wrapping is left alone."""

from __future__ import annotations

import logging
from pathlib import Path

import polib

from workflow import catalog
from workflow.model import Segment, WorkflowError
from workflow.parsecache import ParseCache
from workflow.po import Catalog, dump_po, read_po
from workflow.po.read import _declared_codec, _wide_encoding
from workflow.project import UI_DOMAIN, Project
from workflow.render import extract_ui_strings
from workflow.report import Report
from workflow.fsutil import ANY
from workflow.workspace import Workspace, WriteFailed, read_catalog, save

log = logging.getLogger(__name__)


def _write_catalog(path: Path, po: polib.POFile, old: Catalog | None, project: Project,
                   report: Report, expected: object = ANY, parses: ParseCache | None = None) -> Catalog:
    """Write a catalog only when its content changed (another tool's wrapping is left alone),
    and only over what was read (``expected``: a translator's save meanwhile wins).

    Returns the catalog as it now stands on disk, with line numbers for messages (when it cannot
    be written, the merge as it would have been: reported, and this run goes on with it).
    """
    if old is not None and catalog.same_content(old, po, ignore=()):
        return old
    text = dump_po(po)
    data = text.encode("utf-8")
    try:
        written = save(project, report, path, data, expected=expected)
    except WriteFailed as exc:
        report.failure(exc, project.relative(path))
        written = False
    new = read_po(text, path=project.relative(path))
    if written and parses is not None and _reads_as(data, text, project.relative(path)):
        parses.wrote_catalog(data, project.relative(path), new)  # the next run reads these bytes
    return new


def _reads_as(data: bytes, text: str, shown: str) -> bool:
    """Whether reading ``data`` back decodes it to ``text`` (the charset its header declares is
    UTF-8's equal for it): only then is its parse the one the next run would make."""
    if not data.strip() or _wide_encoding(data) or text.startswith("\ufeff"):
        return False
    try:
        _charset, codec = _declared_codec(data, shown)
        return data.decode(codec) == text
    except (WorkflowError, UnicodeDecodeError, LookupError):
        return False


def _memories(ws: Workspace) -> dict[str, catalog.Memory]:
    memories = {}
    for lang in ws.project.languages:
        # An exact match is filled in as final only where a reviewer approves each edition (and sees
        # the match's origin on the review page); otherwise it is a fuzzy suggestion (README, Safety).
        memory = catalog.Memory(ws.project.fuzzy_threshold, trust_exact=ws.project.approval)
        for clang, domain in sorted(ws.catalogs):  # one at a time: most are on disk (``workflow.shelf``)
            if clang == lang and domain != UI_DOMAIN:
                memory.add(ws.catalogs[(clang, domain)], domain, {segment.text for segment in ws.segments.get(domain, ())})
        memories[lang] = memory
    return memories


def _update_domain(ws: Workspace, domain: str, template: polib.POFile, old_pot: polib.POFile | None,
                   languages: list[str], memories: dict[str, catalog.Memory], report: Report) -> None:
    project = ws.project
    _write_catalog(project.template_path(domain), template, old_pot, project, report, parses=ws.parses)
    for lang in languages:
        if (lang, domain) in ws.broken:
            continue  # reported when read; never overwrite a translator's file we cannot parse
        old = ws.catalogs.get((lang, domain))
        memory = memories.get(lang) if domain != UI_DOMAIN else None
        merged = catalog.merge(template, old, lang=lang, project_id=domain, memory=memory,
                               threshold=project.fuzzy_threshold)
        path = project.catalog_path(lang, domain)
        ws.catalogs[(lang, domain)] = _write_catalog(path, merged, old, project, report, ws.seen.get(str(path), ANY),
                                                  parses=ws.parses)


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
            previous = read_catalog(project.template_path(rel.slug), project, parses=ws.parses)
        except WorkflowError:  # a PoSyntaxError, a refused file
            previous = None  # a template is ours to rewrite
        template = catalog.build_template(ws.segments[rel.slug], project_id=rel.slug, previous=previous)
        targets = [lang for lang in project.languages if lang != rel.meta.lang]
        _update_domain(ws, rel.slug, template, previous, targets, memories, report)
    try:
        previous = read_catalog(project.template_path(UI_DOMAIN), project, parses=ws.parses)
    except WorkflowError:  # a PoSyntaxError, a refused file
        previous = None  # a template is ours to rewrite
    # The templates are written in English; an English catalog too lets the office reword the
    # letterhead without touching a template.
    ui_langs = list(project.languages)
    try:
        template = ui_template(previous, project)
    except WorkflowError as exc:
        report.failure(exc, UI_DOMAIN)
    else:
        _update_domain(ws, UI_DOMAIN, template, previous, ui_langs, memories, report)
    ws.parses.save(project)
