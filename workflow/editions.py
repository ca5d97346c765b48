"""The editions stage: recombine a release with its catalog into an edition, with the one
judgement every consumer uses (``judge``: what may be published of a translation, and the checks'
findings), and decide where the edition stands in its lifecycle (``plan_edition``)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from workflow import catalog, checks, lifecycle, media, records, segment
from workflow.lang import khmer, typography
from workflow.model import TRANSLATABLE_KEYS, Edition, Release, State
from workflow.project import UI_DOMAIN
from workflow.render import Renderer
from workflow.report import Report
from workflow.workspace import Workspace

log = logging.getLogger(__name__)


def _translator(ws: Workspace, rel: Release, lang: str, report: Report, counts: dict[str, int]):
    """The function that gives each segment's published text in ``lang``."""
    po = ws.catalogs.get((lang, rel.slug))
    table = catalog.translations(po)
    fuzzy = {e.msgid for e in po if e.msgstr and "fuzzy" in e.flags and not e.obsolete} if po is not None else set()
    lines = {e.msgid: e.linenum for e in po} if po is not None else {}
    po_path = ws.project.relative(ws.project.catalog_path(lang, rel.slug))
    references = segment.link_definitions(rel.body)

    def translate(msgid: str, kind: str = "") -> str | None:
        text = table.get(msgid)
        if text is not None:
            judged = judge(msgid, text, source_lang=rel.meta.lang, lang=lang, glossary=ws.glossary, kind=kind,
                           references=references)
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


@functools.lru_cache(maxsize=checks.MEMO)
def judge(msgid: str, text: str, *, source_lang: str, lang: str, glossary: checks.Glossary | None,
          kind: str = "", references: segment.References = ()) -> Judged:
    """What may be published of a translation, and every problem the checks find in it.

    ``references``: the link definitions of the release's body (``segment.link_definitions``),
    which the page resolves the translation's ``[text][name]`` against; the checks render it so.

    Remembered, the last ``checks.MEMO`` (the checks are a function of the arguments alone, and a
    ``Judged`` is frozen): a publish asks for an entry's judgement several times in a row (the
    screen and print editions, the edition's counts), then again at the end (the review page, the
    consistency pass), where what is no longer held is judged again.  A glossary is told by its
    identity, which holds because a ``checks.Glossary`` is never changed once made (each run loads
    its own).
    """
    problems = tuple(checks.check_entry(msgid, text, source_lang=source_lang, lang=lang, glossary=glossary,
                                        kind=kind, references=references))
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


def print_filter(lang: str) -> Callable[[str], str] | None:
    """Khmer gets break opportunities at word boundaries for the PDF (the web pages get theirs as
    elements, after rendering: ``workflow.lang.khmer_web``)."""
    return khmer.insert_breaks if lang == "km" else None


def print_edition(ws: Workspace, screen: Edition, report: Report, *,
                  table: Mapping[str, str] | None = None) -> Edition:
    """The print edition of ``screen`` (made by ``make_edition`` with the same ``table``): the
    screen edition itself where print changes no text (every language but Khmer), so that each
    such edition is recombined once a run.  Khmer's print text has break opportunities inside
    its words' text, which inline Markdown must read again: it is recombined a second time (its
    judgements are remembered, so the checks do not run again)."""
    text_filter = print_filter(screen.lang)
    if text_filter is None:
        return screen
    return make_edition(ws, screen.release, screen.lang, report, text_filter, table=table)


def gate_problems(edition: Edition) -> list[str]:
    """Why an edition cannot be final (empty: it passes the gate)."""
    if edition.state is not State.INCOMPLETE:
        return []
    missing = edition.untranslated - edition.fuzzy - edition.rejected
    counts = [(missing, "segment(s) not translated"), (edition.fuzzy, "segment(s) fuzzy"),
              (edition.rejected, "segment(s) refused by the checks"), (edition.errors, "check error(s)")]
    return [f"{n} {what}" for n, what in counts if n]


def approve_command(slug: str, lang: str) -> str:
    return f'make approve RELEASE={slug} LANG={lang} BY="<your name>"'


def current_content(ws: Workspace, rel: Release, lang: str, edition: Edition, renderer: Renderer) -> records.Content:
    """What approving the edition now would approve: its texts, and the bytes of its images."""
    return records.Content(rel.slug, lang, rel.text, edition.texts, renderer.edition_strings(edition),
                           media.digests(ws, rel))


def plan_edition(ws: Workspace, rel: Release, lang: str, renderer: Renderer,
                 report: Report) -> tuple[Edition, lifecycle.Plan]:
    """The edition as its sources stand now, and where it stands in its lifecycle."""
    screen = make_edition(ws, rel, lang, report)
    content = current_content(ws, rel, lang, screen, renderer)
    plan = lifecycle.plan(approval=ws.project.approval, problems=gate_problems(screen), current_hash=content.hash,
                          issued=ws.issued.get((rel.slug, lang), []), withdrawn=rel.meta.withdrawn is not None,
                          approve_command=approve_command(rel.slug, lang))
    return screen, plan


def ui_tables(ws: Workspace, report: Report) -> dict[str, dict[str, str]]:
    """The templates' strings in each language, checked like a release's (the templates escape
    them); a check error in them keeps every edition of the language a draft.

    What the checks make of a language's strings is kept in the parse cache (``ws.parses``), by
    the catalog as read and the glossary: unchanged, they are not judged again, and what was
    said of them is said again, in the same order."""
    from workflow import buildcache

    tables = {}
    glossary = buildcache._tree(ws.project.locale / "glossary")
    for lang in ws.project.languages:
        po = ws.catalogs.get((lang, UI_DOMAIN))
        key = buildcache._sha(lang, buildcache._catalog(po), glossary).encode()
        table, said, errors = ws.parses.remembered("ui", lang, key, lambda: _ui_table(ws, lang, po), _is_ui_table)
        for severity, line, message in said:
            (report.error if severity == "error" else report.warn)(_ui_path(ws, lang), line, message)
        tables[lang] = table
        if errors is not None:
            ws.ui_errors[lang] = ws.ui_errors.get(lang, 0) + errors
    ws.parses.save(ws.project)  # the last thing a run keeps there
    return tables


#: One language's templates' strings judged: the table, what to say ("error" or "warning", line,
#: message) and the check errors (None: no string was published).
UiTable = tuple[dict[str, str], list[tuple[str, "int | None", str]], "int | None"]


def _ui_path(ws: Workspace, lang: str) -> str:
    return ws.project.relative(ws.project.catalog_path(lang, UI_DOMAIN))


def _ui_table(ws: Workspace, lang: str, po) -> UiTable:
    lines = {e.msgid: e.linenum for e in po} if po is not None else {}
    kinds = {e.msgid: checks.kind_of(e) for e in po} if po is not None else {}
    said = _Said()
    table, errors = {}, None
    for msgid, text in catalog.translations(po).items():
        judged = judge(msgid, text, source_lang="en", lang=lang, glossary=ws.glossary,
                       kind=kinds.get(msgid, "template string"))
        _report_problems(said, "", lines.get(msgid), judged)
        if judged.text is not None:
            table[msgid] = judged.text
            errors = (errors or 0) + judged.errors
    return table, said.said, errors


class _Said:
    """What ``_report_problems`` says, kept in order to be said to the run's report (and logged) once."""

    def __init__(self) -> None:
        self.said: list[tuple[str, int | None, str]] = []

    def error(self, path: str, line: int | None, message: str) -> None:
        self.said.append(("error", line, message))

    def warn(self, path: str, line: int | None, message: str) -> None:
        self.said.append(("warning", line, message))


def _is_ui_table(value: object) -> bool:
    if not (isinstance(value, tuple) and len(value) == 3):
        return False
    table, said, errors = value
    return (isinstance(table, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in table.items())
            and isinstance(said, list) and all(isinstance(s, tuple) and len(s) == 3 and s[0] in ("error", "warning")
                                               and (s[1] is None or isinstance(s[1], int)) and isinstance(s[2], str)
                                               for s in said)
            and (errors is None or isinstance(errors, int)))
