"""``make check``: every translated entry of every catalog judged, one report for people and machines.

The judgement is ``workflow.editions.judge`` — the very function that decides what an edition
publishes — so the report, the editions, the templates' strings and the review page never
disagree.  Across catalogs, the same source translated two ways in one language is a warning
naming both places (``checks.check_consistency``).

Any PO file can be checked too (``python -m workflow check path/to/file.po``): its language comes
from its ``Language`` header or, failing that, from its name as po4a writes it (``guide.fr.po``) or
its folder (``po/km/x.po``); its source language is English unless told otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import polib

from workflow import checks, editions, segment
from workflow.checks.base import excerpt
from workflow.lang import locales
from workflow.fsutil import MAX_CATALOG_BYTES, read_input
from workflow.model import Release, WorkflowError
from workflow.po import PoSyntaxError, read_po_bytes
from workflow.project import UI_DOMAIN, Project
from workflow.report import Report
from workflow.shelf import Shelf
from workflow.workspace import Workspace, load_workspace


@dataclass(frozen=True)
class QaFinding:
    """One problem, with where it is and what it says: of one entry, or, for a warning, of every
    entry of a catalog where one check finds the same kind of problem (``lines``, ``count``).

    A team that types U+200B between Khmer words on purpose (apt's does, in 322 entries) gets one
    warning saying so and where, as Weblate counts a check's failures per component; the report
    stays short enough that its errors are read.  An error is always one entry's.
    """

    release: str  #: the catalog's domain: a release's slug, "ui", or a file's name
    lang: str
    path: str
    line: int | None  #: the entry's line; a group's first line
    check: str
    severity: str  #: "error" (an unsafe translation is an error too) or "warning"
    message: str  #: what is wrong and what to do; a group's says it of them all, without excerpts
    source: str  #: a short excerpt of the source text (a group's first entry)
    translation: str  #: a short excerpt of the translation (a group's first entry)
    lines: tuple[int, ...] = ()  #: every entry's line, in order (one for one entry)
    count: int = 1  #: how many entries

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


@dataclass(frozen=True)
class Checked:
    """What ``make check`` found, and which catalogs it looked at (those with nothing to say too)."""

    findings: list[QaFinding]
    catalogs: list[str]  #: the path of every catalog checked

    @property
    def errors(self) -> int:
        return sum(f.is_error for f in self.findings)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors


@dataclass(frozen=True)
class _Target:
    domain: str
    lang: str
    source_lang: str
    path: str
    po: polib.POFile | None  #: None once let go: a consistency finding needs only where it is
    #: The release's link definitions: its page resolves a translation's [text][name] against them.
    references: tuple = ()


def _entries(target: _Target) -> Iterable[polib.POEntry]:
    """The final translations of a catalog, plural entries included, as ``checks.check_catalog``
    takes them: not obsolete, not fuzzy, some form translated."""
    for entry in target.po or ():
        if entry.msgid and not entry.obsolete and "fuzzy" not in entry.flags and checks.forms(entry):
            yield entry


def _findings(targets: list[_Target], glossary: checks.Glossary | None) -> list[QaFinding]:
    """Every finding of every target, the warnings of one check and one kind in a catalog as one."""
    found: list[tuple[QaFinding, str]] = []  # (a finding, the kind of problem it is)
    by_lang: dict[str, list[tuple[str, int | None, str, str]]] = {}
    places: dict[tuple[str, int | None], tuple[_Target, polib.POEntry]] = {}
    for target in targets:
        for entry in _entries(target):
            seen: set[checks.Problem] = set()  # two forms of a plural entry may say the same thing
            for source, text in checks.forms(entry):
                judged = editions.judge(source, text, source_lang=target.source_lang, lang=target.lang,
                                     glossary=glossary, kind=checks.kind_of(entry),
                                     references=target.references)
                for problem in judged.problems:
                    if problem not in seen:
                        seen.add(problem)
                        found.append((_finding(target, entry, problem, source, text), problem.kind))
            if target.domain != UI_DOMAIN and target.source_lang != target.lang:
                by_lang.setdefault(target.lang, []).append(
                    (target.path, entry.linenum, _in_context(entry), _translation(entry)))
                places[(target.path, entry.linenum)] = (target, entry)
    for entries in by_lang.values():
        for place, problems in checks.check_consistency(entries).items():
            target, entry = places[place]
            found.extend((_finding(target, entry, problem), problem.kind) for problem in problems)
    return _grouped(found)


def _grouped(found: list[tuple[QaFinding, str]]) -> list[QaFinding]:
    """One finding per error; one per catalog, check and kind of warning, in the place of its first.

    A kind found in one entry only keeps that entry's own message (with its excerpt); in several,
    the finding says the kind and lists the entries' lines.  Two problems of one kind in one entry
    (two forms of a plural entry) count as one entry.  A warning without a kind is grouped only
    with the same message: each inconsistent source (``consistency``) is its own decision, which
    of two wordings to keep, and its message names the other place.
    """
    groups: dict[tuple[str, str, str], list[QaFinding]] = {}
    order: list[QaFinding | tuple[str, str, str]] = []
    for finding, kind in found:
        if finding.is_error:
            order.append(finding)
            continue
        key = (finding.path, finding.check, kind or finding.message)
        if key not in groups:
            order.append(key)
        groups.setdefault(key, []).append(finding)
    result = []
    for item in order:
        if isinstance(item, QaFinding):
            result.append(item)
            continue
        members = sorted(groups[item], key=lambda f: f.line or 0)
        lines = tuple(sorted({f.line for f in members if f.line}))
        first = members[0]
        if len(lines) <= 1:
            result.append(first)
        else:
            result.append(replace(first, message=item[2], line=lines[0], lines=lines, count=len(lines)))
    return result


def _in_context(entry: polib.POEntry) -> str:
    """The source as gettext keys it, after its ``msgctxt`` (two contexts may need two translations);
    a plural entry is kept apart from a plain one with the same msgid."""
    key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
    return f"{key}\x00{entry.msgid_plural}" if entry.msgid_plural else key


def _translation(entry: polib.POEntry) -> str:
    """The translation as the consistency check compares it: a plural entry's forms in order."""
    return " | ".join(text for _, text in checks.forms(entry)) if entry.msgid_plural else entry.msgstr


def _finding(target: _Target, entry: polib.POEntry, problem: checks.Problem, source: str | None = None,
             translation: str | None = None) -> QaFinding:
    """``source`` and ``translation``: the form of a plural entry the problem was found in."""
    severity = "warning" if problem.severity is checks.Severity.WARNING else "error"
    message = problem.message + ("; it is not published: the source text stands in"
                                 if problem.severity is checks.Severity.REJECT else "")
    return QaFinding(target.domain, target.lang, target.path, entry.linenum, problem.check, severity, message,
                     excerpt(entry.msgid if source is None else source, width=50),
                     excerpt(_translation(entry) if translation is None else translation, width=50),
                     (entry.linenum,) if entry.linenum else ())


def check_project(project: Project) -> tuple[Checked, Report]:
    """Every catalog of the project: each release's in each of its target languages, and ui.po."""
    report = Report()
    ws = load_workspace(project, report)
    targets = _targets(ws)
    return Checked(_findings(targets, ws.glossary), [t.path for t in targets]), report


def _targets(ws: Workspace) -> list[_Target]:
    project = ws.project
    return [_Target(domain, lang, source_lang, project.relative(project.catalog_path(lang, domain)),
                    ws.catalogs[(lang, domain)], segment.link_definitions(rel.body) if rel else ())
            for lang, domain, source_lang, rel in _checked_catalogs(ws)]


def _checked_catalogs(ws: Workspace, lang: str | None = None) -> Iterator[tuple[str, str, str, Release | None]]:
    """(language, domain, source language, release: None for ``ui.po``) of each catalog checked
    (a release's, and the templates'), in order, of ``lang`` only if given, without reading them
    (most are on disk: ``workflow.shelf``)."""
    # One language's domains sorted at a time, not every catalog's key: past a few hundred the
    # keys are on disk too, and a list of them all was 12,000 keys unpickled at 4,000 releases.
    for clang in [lang] if lang is not None else sorted({clang for clang, _domain in ws.catalogs}):
        for domain in sorted(domain for of, domain in ws.catalogs if of == clang):
            # Each release read when its catalogs' turn comes: held in a dict, every release would
            # be in memory at once (most are on disk: ``workflow.shelf``).
            rel = ws.releases.get(domain)
            source_lang = "en" if domain == UI_DOMAIN else rel.meta.lang if rel else ""
            if source_lang:
                yield clang, domain, source_lang, rel


def check_files(paths: list[Path], *, source_lang: str = "en", glossary_root: Path | None = None) -> Checked:
    """Any PO files: each one's language from its header or its folder.  Raises WorkflowError."""
    targets = []
    for path in paths:
        try:
            po = read_po_bytes(read_input(path, limit=MAX_CATALOG_BYTES, what="catalog"), path=str(path))
        except PoSyntaxError as exc:
            raise WorkflowError(exc.path, exc.line, exc.message, "fix the file, then check it again") from exc
        except OSError as exc:
            raise WorkflowError(str(path), None, f"cannot be read: {exc.strerror or exc}") from exc
        lang = _language(po, path)
        targets.append(_Target(path.stem, lang, source_lang, str(path), po))
    glossary = checks.load_glossary(glossary_root) if glossary_root else None
    return Checked(_findings(targets, glossary), [t.path for t in targets])


def _language(po: polib.POFile, path: Path) -> str:
    """The header's ``Language``, else the language part of a po4a-style name (``guide.fr.po``,
    even ``guide.fr.draft.po``), else the folder (``po/km/x.po``), else the name (``km.po``)."""
    named = path.name.split(".")[1:-1][::-1]
    for candidate in (po.metadata.get("Language", ""), *named, path.parent.name, path.stem):
        code = candidate.strip().replace("-", "_").split("_")[0].lower()
        try:
            return locales.check("km" if code == "kh" else code)
        except locales.UnknownLanguage:
            continue
    raise WorkflowError(str(path), None, "the file does not say which language it is in (no Language header, "
                        "and neither its name, as in guide.fr.po, nor its folder says km, en or fr)",
                        "add a 'Language: km' header, name it <name>.km.po, or put it in a folder named after its language")


#: Distinct sources of a language the consistency check's tally keeps in memory (some 200 bytes
#: each, in a shelf); the others are on disk.  The bench's hundred releases have fewer.
TALLY_RESIDENT = 4096


def consistency(ws: Workspace) -> list[QaFinding]:
    """Only the checks across catalogs (``make publish`` judges each entry as it builds), one
    finding per entry, as ``make publish`` reports them.

    A catalog at a time (most are on disk: ``workflow.shelf``), in two passes, so that nothing is
    kept of each entry: the first tallies each distinct source's translations in a few bytes
    (``checks.ConsistencyTally``); only where a source has two (rare: each is a warning), the
    second reads the language's catalogs again and keeps the entries of those sources alone, what
    the check compares and what a finding quotes."""
    project, found = ws.project, []
    for lang in project.languages:
        # Its record of each distinct source waits on disk past the first few thousand: an
        # archive's sources are distinct, some 9 a release in the bench's corpus made distinct
        # (36,000 a language at 4,000 releases: 3 MB as a dict).
        tally = checks.ConsistencyTally(Shelf(resident=TALLY_RESIDENT))
        for target in _compared(ws, lang):
            for entry in _entries(target):
                tally.add(_in_context(entry), _translation(entry))
        disagreeing = tally.disagreeing()
        del tally  # its record of every source is not needed any more
        if not disagreeing:
            continue
        entries: list[tuple[str, int | None, str, str]] = []
        #: place → (domain, source language, msgid, translation)
        quoted: dict[tuple[str, int | None], tuple[str, str, str, str]] = {}
        for target in _compared(ws, lang):
            for entry in _entries(target):
                in_context = _in_context(entry)
                if checks.source_key(in_context) not in disagreeing:
                    continue
                translation = _translation(entry)
                entries.append((target.path, entry.linenum, in_context, translation))
                quoted[(target.path, entry.linenum)] = (target.domain, target.source_lang, entry.msgid, translation)
        for place, problems in checks.check_consistency(entries).items():
            domain, source_lang, msgid, translation = quoted[place]
            target = _Target(domain, lang, source_lang, place[0], None)
            found.extend(_finding(target, _Quoted(place[1], msgid), problem, None, translation)
                         for problem in problems)
    return found


def _compared(ws: Workspace, lang: str) -> Iterator[_Target]:
    """The catalogs of ``lang`` the consistency check compares (the releases', not ``ui.po``), each
    read when its turn comes, so that one at a time is held."""
    project = ws.project
    for _, domain, source_lang, rel in _checked_catalogs(ws, lang):
        if rel is not None:
            yield _Target(domain, lang, source_lang, project.relative(project.catalog_path(lang, domain)),
                          ws.catalogs[(lang, domain)])


@dataclass(frozen=True)
class _Quoted:
    """What a consistency finding quotes of its entry, kept once its catalog is let go."""

    linenum: int | None
    msgid: str


def as_text(checked: Checked) -> str:
    """The report people read: grouped by release and language, then by line."""
    lines = []
    groups: dict[tuple[str, str, str], list[QaFinding]] = {}
    for finding in checked.findings:
        groups.setdefault((finding.release, finding.lang, finding.path), []).append(finding)
    for (release, lang, path), group in sorted(groups.items()):
        lines.append(f"{release} — {lang} ({path})")
        for f in sorted(group, key=lambda f: (f.line or 0, f.severity != "error", f.check)):
            where = f"{f.path}:{f.line}" if f.line else f.path
            lines.append(f"  {where}: {f.severity}: {f.check}: {f.message}")
            if f.count > 1:
                lines.append(f"      in {f.count} entries, at lines {_lines(f.lines)}; the first:")
            lines.append(f"      source: {f.source}")
            lines.append(f"      translation: {f.translation}")
        lines.append("")
    catalogs = len(checked.catalogs)
    where = f"{len(groups)} of {catalogs} catalog(s) checked" if groups else f"{catalogs} catalog(s) checked"
    lines.append(f"{checked.errors} error(s), {checked.warnings} warning(s) in {where}")
    return "\n".join(lines) + "\n"


#: Lines of a group shown in the text report (--format json lists them all).
SHOWN_LINES = 20


def _lines(numbers: tuple[int, ...]) -> str:
    """A group's lines for people: the first :data:`SHOWN_LINES`, then how many more.

    >>> _lines((3, 7))
    '3, 7'
    >>> _lines(tuple(range(1, 30))).split(", ")[-1]
    '20 and 9 more (--format json lists them all)'
    """
    shown = ", ".join(map(str, numbers[:SHOWN_LINES]))
    more = len(numbers) - SHOWN_LINES
    return shown + (f" and {more} more (--format json lists them all)" if more > 0 else "")


def as_json(checked: Checked) -> str:
    """The same findings for machines; a group's ``lines`` are all there."""
    data = {"catalogs": checked.catalogs, "errors": checked.errors, "warnings": checked.warnings,
            "findings": [asdict(f) for f in checked.findings]}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
