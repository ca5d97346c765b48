"""The first stage: read what the project holds — releases (front matter, Markdown, segments),
catalogs, approvals and their texts, the glossary — into one ``Workspace``.  Whatever cannot be
read is reported with its file and line, and left out; nothing here writes."""

from __future__ import annotations

import errno
import hashlib
import logging
from collections.abc import Callable, Iterable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from workflow import checks, records, segment
from workflow.parsecache import ParseCache, ReleaseParse
from workflow.shelf import CatalogShelf, Releases, SegmentShelf, Shelf
from workflow import release as release_io
from workflow.fsutil import (
    ANY,
    MAX_CATALOG_BYTES,
    MAX_RELEASE_BYTES,
    ChangedMeanwhile,
    RefusedInput,
    content_digest,
    read_input,
    write_atomic,
    write_atomic_streamed,
)
from workflow.model import Segment, WorkflowError
from workflow.po import Catalog, read_po_bytes
from workflow.project import UI_DOMAIN, Project
from workflow.report import Report

log = logging.getLogger(__name__)


@dataclass
class Workspace:
    """Everything read from disk for one run."""

    project: Project
    #: In the order read; beyond a few hundred, kept on disk until asked for (``workflow.shelf``),
    #: as the segments and catalogs are.  A list given is made one.
    releases: Releases = field(default_factory=Releases)
    segments: MutableMapping[str, list[Segment]] = field(default_factory=SegmentShelf)  #: by release slug
    #: (lang, domain) → catalog; beyond a few hundred, kept on disk until asked for (``workflow.shelf``).
    catalogs: MutableMapping[tuple[str, str], Catalog] = field(default_factory=CatalogShelf)
    broken: set[tuple[str, str]] = field(default_factory=set)  #: catalogs that could not be read
    unreadable: set[str] = field(default_factory=set)  #: slugs of releases that could not be read
    issued: dict[tuple[str, str], list[records.Issued]] = field(default_factory=dict)  #: (slug, lang) → versions
    #: Editions whose approvals cannot all be used ((slug, lang), ``records.EVERY`` for any): not
    #: rebuilt, not taken down, not approved, until the ledger is fixed.
    doubtful: set[tuple[str, str]] = field(default_factory=set)
    glossary: checks.Glossary | None = None  #: the termbase (locale/glossary/<lang>.po)
    ui_errors: dict[str, int] = field(default_factory=dict)  #: check errors in each language's ui.po
    #: What each catalog held when it was read (``fsutil.content_digest``; None: there was none):
    #: a catalog is written only over exactly that, never over a translator's save meanwhile.
    #: Keyed by the path as a string: a ``Path`` object takes ten times the room, one a catalog;
    #: past a few hundred on disk (``workflow.shelf``).
    seen: MutableMapping[str, str | None] = field(default_factory=Shelf)
    #: The images the current releases show, checked once a run (``workflow.media.library``).
    images: object = None
    #: The parses of this run's releases and catalogs (``workflow.parsecache``).
    parses: ParseCache = field(default_factory=lambda: ParseCache(None))

    def __post_init__(self) -> None:
        if not isinstance(self.releases, Releases):
            self.releases = Releases(self.releases)


class WriteFailed(WorkflowError):
    """A file that could not be written (a full disk, a read-only folder): the rest goes on."""


def write_hint(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
        return "the disk is full: free some space and run again (what was there before is kept)"
    if exc.errno == errno.EFBIG:
        return "the file is larger than this run may write (ulimit -f): raise the limit and run again"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "its folder is read-only for this run: make it writable, or run as a user who may write it"
    return "check the disk and the folder, then run again (what was there before is kept)"


def save(project: Project, report: Report, path: Path, data: bytes, *, expected: object = ANY) -> bool:
    """Write a file atomically, only if its bytes change, and note it in the report; return
    whether it was written.

    With ``expected`` (``Workspace.seen``), a file that changed since it was read is left as it
    is, with a warning: someone saved it meanwhile, and the next run reads it.  A file that cannot
    be written raises :class:`WriteFailed` naming it (the caller reports it and goes on)."""
    try:
        written = write_atomic(path, data, scratch=project.scratch, expected=expected)
    except ChangedMeanwhile as exc:
        report.warn(project.relative(path), None, f"{exc.message} — {exc.hint}")
        return False
    except OSError as exc:
        raise _write_failed(project, path, exc) from None
    if written:
        _noted(project, report, path, lambda: hashlib.sha256(data).digest())
    return written


def save_streamed(project: Project, report: Report, path: Path, pieces: Iterable[str]) -> bool:
    """:func:`save` for a text too large to hold whole: its pieces are encoded and written as
    they come (``fsutil.write_atomic_streamed``: nothing changes when the file holds those bytes)."""
    digest = hashlib.sha256()

    def write(handle: BinaryIO) -> None:
        for piece in pieces:
            data = piece.encode("utf-8")
            digest.update(data)
            handle.write(data)

    try:
        written = write_atomic_streamed(path, write, scratch=project.scratch)
    except OSError as exc:
        raise _write_failed(project, path, exc) from None
    if written:
        _noted(project, report, path, digest.digest)
    return written


def remove(project: Project, report: Report, paths: Iterable[Path]) -> None:
    """Take down the files of ``paths`` that are there (a page of a gone release, an index page no
    longer needed), each noted in the report as written and said."""
    for path in paths:
        if path.is_file():
            path.unlink()
            report.written.append(project.relative(path))
            log.info("removed %s", project.relative(path))


def _write_failed(project: Project, path: Path, exc: OSError) -> WriteFailed:
    return WriteFailed(project.relative(path), None, f"could not be written: {exc.strerror or exc}", write_hint(exc))


def _noted(project: Project, report: Report, path: Path, digest: Callable[[], bytes]) -> None:
    """A file written, in the report with the digest of what was written (``Report.wrote``),
    asked of ``digest`` only for a file the run reads again at its end (not an output: most are)."""
    shown = project.relative(path)  # one string for both
    report.written.append(shown)
    if not path.is_relative_to(project.output):
        report.wrote[shown] = digest()


def _parse_release(data: bytes, rel: str, slug: str) -> ReleaseParse:
    """A release's bytes read, segmented and its links checked: what the cache keeps of it."""
    release = release_io.read(data, path=rel, slug=slug)
    if release.slug == UI_DOMAIN:
        raise WorkflowError(rel, None, f"the name {UI_DOMAIN!r} is reserved for the templates' catalog",
                            "rename the file")
    scanned = segment.scan(release)  # one traversal: the segments, and the links it finds wrong
    warnings = [(line, f"the link to #{target} points nowhere: no heading of this release has that anchor "
                       f"(headings' anchors are their text in lowercase, with hyphens)")
                for target, line in scanned.missing_anchors]
    warnings += [(line, f"the link to {url} is relative: the web page keeps it, the PDF shows its text without a "
                        f"link (a PDF has no address to resolve it from); write the full address (https://…) to "
                        f"have it in the PDF too")
                 for url, line in scanned.relative_links]
    return release, scanned.segments, warnings


def load_releases(project: Project, report: Report, parses: ParseCache | None = None
                  ) -> tuple[Releases, SegmentShelf]:
    """Every release that can be read and segmented, with its segments; the others are reported.
    With ``parses``, a release whose bytes were parsed before is taken from there."""
    parses = parses if parses is not None else ParseCache(None)
    releases, segments = Releases(), SegmentShelf()
    for path in project.unread_content():
        report.warn(project.relative(path), None, project.why_unread(path))
    for path in project.release_paths():
        rel = project.relative(path)
        try:
            data = read_input(path, limit=MAX_RELEASE_BYTES, root=project.root, shown=rel, what="release")
            release, found, warnings = parses.release(data, rel, path.stem,
                                                      lambda: _parse_release(data, rel, path.stem))
            segments[release.slug] = found
            releases.append(release)
            for line, message in warnings:
                report.warn(rel, line, message)
        except RefusedInput as exc:
            if not exc.outside:
                report.failure(exc, rel)
            else:  # not this project's release: skipped, and what was published of it is kept
                report.warn(exc.path, None, f"{exc.message} (skipped) — {exc.hint}")
        except Exception as exc:  # reading one release, however it fails, must not stop the others
            report.failure(exc, rel)
    return releases, segments


def read_catalog(path: Path, project: Project, seen: MutableMapping[str, str | None] | None = None,
                 parses: ParseCache | None = None) -> Catalog | None:
    """A PO/POT file, or None when it does not exist.  Raises PoSyntaxError, or RefusedInput for
    a file that is not one (a named pipe, a device, a link out of the project, a file too big).
    With ``seen``, what it held is noted there (``Workspace.seen``); with ``parses``, bytes parsed
    before are not parsed again."""
    shown = project.relative(path)
    try:
        if not path.exists():
            raise FileNotFoundError(path)
        data = read_input(path, limit=MAX_CATALOG_BYTES, root=project.root, shown=shown, what="catalog")
    except FileNotFoundError:
        data = None
    if seen is not None:
        seen[str(path)] = content_digest(data)
    if data is None:
        return None
    if parses is None:
        return read_po_bytes(data, path=shown)
    return parses.catalog(data, shown, lambda: read_po_bytes(data, path=shown))


def _belongs_elsewhere(po: Catalog, domain: str, ws: Workspace) -> str | None:
    """The release a catalog was made for, when it is not ``domain`` (a file put in the wrong place)."""
    if domain == UI_DOMAIN:
        return None
    named = po.metadata.get("Project-Id-Version", "").strip()
    if named != domain and (named == UI_DOMAIN or ws.releases.known(named)):
        return named
    ours = {s.text for s in ws.segments.get(domain, [])}
    theirs = {e.msgid for e in po if e.msgid and not e.obsolete and e.msgstr}
    if theirs and ours and not theirs & ours and named != domain:
        return named or "another document"
    return None


def load_workspace(project: Project, report: Report) -> Workspace:
    parses = ParseCache(project.root)
    releases, segments = load_releases(project, report, parses)
    unreadable = {path.stem for path in project.release_paths()} - set(releases.slugs)
    ws = Workspace(project, releases, segments, unreadable=unreadable, parses=parses)
    for lang in project.languages:
        for domain in [*ws.releases.slugs, UI_DOMAIN]:
            path = project.catalog_path(lang, domain)
            try:
                po = read_catalog(path, project, ws.seen, parses)
            except Exception as exc:  # PoSyntaxError, a refused file, anything: never rewritten, the rest built
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
        ws.issued, ws.doubtful = _read_records(project, report, set(ws.releases.slugs) | ws.unreadable)
    try:
        ws.glossary = checks.load_glossary(project.root)
    except WorkflowError as exc:
        report.failure(exc, "locale/glossary")
        ws.glossary = checks.Glossary.from_rows([])
    parses.save(project)
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


def doubtful(ws: Workspace, slug: str, lang: str = records.EVERY) -> bool:
    """Whether the approvals of an edition (any edition of ``slug``, without ``lang``) cannot all be used."""
    every = records.EVERY
    return bool({(slug, lang), (slug, every), (every, every)} & ws.doubtful) or \
        (lang == every and any(s == slug for s, _l in ws.doubtful))
