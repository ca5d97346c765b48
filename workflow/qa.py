"""``make check``: every translated entry of every catalog judged, one report for people and machines.

The judgement is ``workflow.build.judge`` — the very function that decides what an edition
publishes — so the report, the editions, the templates' strings and the review page never
disagree.  Across catalogs, the same source translated two ways in one language is a warning
naming both places (``checks.check_consistency``).

Any PO file can be checked too (``python -m workflow check path/to/file.po``): its language comes
from its ``Language`` header or, failing that, from its name as po4a writes it (``guide.fr.po``) or
its folder (``po/km/x.po``); its source language is English unless told otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import polib

from workflow import build, checks, locales
from workflow.checks.base import excerpt
from workflow.model import WorkflowError
from workflow.pofile import PoSyntaxError, read_po_bytes
from workflow.project import UI_DOMAIN, Project


@dataclass(frozen=True)
class QaFinding:
    """One problem of one entry, with where it is and what it says."""

    release: str  #: the catalog's domain: a release's slug, "ui", or a file's name
    lang: str
    path: str
    line: int | None
    check: str
    severity: str  #: "error" (an unsafe translation is an error too) or "warning"
    message: str
    source: str  #: a short excerpt of the source text
    translation: str  #: a short excerpt of the translation

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


@dataclass(frozen=True)
class _Target:
    domain: str
    lang: str
    source_lang: str
    path: str
    po: polib.POFile


def _entries(target: _Target) -> Iterable[polib.POEntry]:
    """The final translations of a catalog, plural entries included, as ``checks.check_catalog``
    takes them: not obsolete, not fuzzy, some form translated."""
    for entry in target.po:
        if entry.msgid and not entry.obsolete and "fuzzy" not in entry.flags and checks.forms(entry):
            yield entry


def _findings(targets: list[_Target], glossary: checks.Glossary | None) -> list[QaFinding]:
    found = []
    by_lang: dict[str, list[tuple[str, int | None, str, str]]] = {}
    places: dict[tuple[str, int | None], tuple[_Target, polib.POEntry]] = {}
    for target in targets:
        for entry in _entries(target):
            seen: set[checks.Problem] = set()  # two forms of a plural entry may say the same thing
            for source, text in checks.forms(entry):
                judged = build.judge(source, text, source_lang=target.source_lang, lang=target.lang,
                                     glossary=glossary, kind=checks.kind_of(entry))
                for problem in judged.problems:
                    if problem not in seen:
                        seen.add(problem)
                        found.append(_finding(target, entry, problem, source, text))
            if target.domain != UI_DOMAIN and target.source_lang != target.lang:
                by_lang.setdefault(target.lang, []).append(
                    (target.path, entry.linenum, _in_context(entry), _translation(entry)))
                places[(target.path, entry.linenum)] = (target, entry)
    for entries in by_lang.values():
        for place, problems in checks.check_consistency(entries).items():
            target, entry = places[place]
            found.extend(_finding(target, entry, problem) for problem in problems)
    return found


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
                     excerpt(_translation(entry) if translation is None else translation, width=50))


def check_project(project: Project) -> tuple[list[QaFinding], build.Report]:
    """Every catalog of the project: each release's in each of its target languages, and ui.po."""
    report = build.Report()
    ws = build.load_workspace(project, report)
    return _findings(_targets(ws), ws.glossary), report


def _targets(ws: build.Workspace) -> list[_Target]:
    project, targets = ws.project, []
    for (lang, domain), po in sorted(ws.catalogs.items()):
        rel = next((r for r in ws.releases if r.slug == domain), None)
        source_lang = "en" if domain == UI_DOMAIN else rel.meta.lang if rel else ""
        if source_lang:
            targets.append(_Target(domain, lang, source_lang, project.relative(project.catalog_path(lang, domain)), po))
    return targets


def check_files(paths: list[Path], *, source_lang: str = "en", glossary_root: Path | None = None) -> list[QaFinding]:
    """Any PO files: each one's language from its header or its folder.  Raises WorkflowError."""
    targets = []
    for path in paths:
        try:
            po = read_po_bytes(path.read_bytes(), path=str(path))
        except PoSyntaxError as exc:
            raise WorkflowError(exc.path, exc.line, exc.message, "fix the file, then check it again") from exc
        except OSError as exc:
            raise WorkflowError(str(path), None, f"cannot be read: {exc.strerror or exc}") from exc
        lang = _language(po, path)
        targets.append(_Target(path.stem, lang, source_lang, str(path), po))
    glossary = checks.load_glossary(glossary_root) if glossary_root else None
    return _findings(targets, glossary)


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


def consistency(ws: build.Workspace) -> list[QaFinding]:
    """Only the checks across catalogs (``make publish`` judges each entry as it builds)."""
    targets = _targets(ws)
    found = []
    for lang in ws.project.languages:
        entries = [(t.path, e.linenum, _in_context(e), _translation(e)) for t in targets
                   if t.lang == lang and t.domain != UI_DOMAIN for e in _entries(t)]
        places = {(t.path, e.linenum): (t, e) for t in targets for e in _entries(t)}
        for place, problems in checks.check_consistency(entries).items():
            target, entry = places[place]
            found.extend(_finding(target, entry, problem) for problem in problems)
    return found


def as_text(findings: list[QaFinding]) -> str:
    """The report people read: grouped by release and language, then by line."""
    lines = []
    groups: dict[tuple[str, str, str], list[QaFinding]] = {}
    for finding in findings:
        groups.setdefault((finding.release, finding.lang, finding.path), []).append(finding)
    for (release, lang, path), group in sorted(groups.items()):
        lines.append(f"{release} — {lang} ({path})")
        shown, folded = _fold(sorted(group, key=lambda f: (f.line or 0, f.severity != "error", f.check)))
        for f in shown:
            where = f"{f.path}:{f.line}" if f.line else f.path
            lines.append(f"  {where}: {f.severity}: {f.check}: {f.message}")
            lines.append(f"      source: {f.source}")
            lines.append(f"      translation: {f.translation}")
        for check, more in folded.items():
            at = ", ".join(str(f.line) for f in more[:8]) + (", …" if len(more) > 8 else "")
            lines.append(f"  {path}: warning: {check}: {len(more)} more warning(s) like the ones above, at "
                         f"lines {at} (--format json lists them all)")
        lines.append("")
    errors = sum(f.is_error for f in findings)
    lines.append(f"{errors} error(s), {len(findings) - errors} warning(s) in {len(groups)} catalog(s)")
    return "\n".join(lines) + "\n"


#: Warnings of one check shown per catalog; the rest are folded into one line (every error is shown).
SHOWN_WARNINGS = 3


def _fold(findings: list[QaFinding]) -> tuple[list[QaFinding], dict[str, list[QaFinding]]]:
    """A catalog that repeats one warning hundreds of times (a team that types U+200B on purpose)
    shows a few, then one line for the rest: the report stays readable, the errors all stand."""
    shown, folded, seen = [], {}, {}
    for finding in findings:
        if finding.is_error:
            shown.append(finding)
            continue
        seen[finding.check] = seen.get(finding.check, 0) + 1
        if seen[finding.check] <= SHOWN_WARNINGS:
            shown.append(finding)
        else:
            folded.setdefault(finding.check, []).append(finding)
    return shown, folded


def as_json(findings: list[QaFinding]) -> str:
    """The same findings for machines."""
    errors = sum(f.is_error for f in findings)
    data = {"errors": errors, "warnings": len(findings) - errors, "findings": [asdict(f) for f in findings]}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
