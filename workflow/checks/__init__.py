"""Checks of a translation against its source: what may be published, and what is wrong.

Translations come from outside the office, so every translated entry is judged before it is
published, each check a small function of (source, translation, languages) in a module of its
family — :mod:`~workflow.checks.markup` (unsafe additions, markup, links, raw HTML, typed
addresses; the characters refused are in :mod:`~workflow.checks.characters`),
:mod:`~workflow.checks.numbers`, :mod:`~workflow.checks.glossary`,
:mod:`~workflow.checks.punctuation` (and French spacing), :mod:`~workflow.checks.untranslated`,
:mod:`~workflow.checks.khmer` and :mod:`~workflow.checks.consistency` (across entries).

Severities (:class:`Severity`): ``REJECT`` is unsafe — never published, not even in a draft, the
source text stands in; ``ERROR`` is wrong — the edition can only be a draft; ``WARNING`` is worth a
look and blocks nothing.  :data:`CHECKS` maps each check's name to its one-line explanation.

    >>> [str(p) for p in check_entry("Held on 7 February 2024.", "Tenue le 7 février 2025.",
    ...                              source_lang="en", lang="fr")]
    ["error: numbers: the source's 2024 is not in the translation; the translation's 2025 is not in the source: write the source's figures and dates"]
"""

from __future__ import annotations

import polib

# Imported in the order check_entry runs the checks (each module registers its own).
from workflow.checks import markup as _markup
from workflow.checks import numbers as _numbers  # noqa: F401
from workflow.checks import glossary as _glossary
from workflow.checks import untranslated as _untranslated  # noqa: F401
from workflow.checks import punctuation as _punctuation  # noqa: F401
from workflow.checks import khmer as _khmer  # noqa: F401
from workflow.checks import consistency as _consistency
from workflow.checks.base import CHECKS, MEMO, Entry, Problem, Severity, run_all
from workflow.checks.glossary import Glossary, load_glossary
from workflow.checks.markup import Rendered, added_images, new_urls, raw_html, rejection, rendered, urls

check_consistency = _consistency.check_consistency
ConsistencyTally = _consistency.Tally
source_key = _consistency.source_key

__all__ = ["CHECKS", "MEMO", "ConsistencyTally", "Glossary", "Problem", "Rendered", "Severity", "added_images",
           "check_consistency", "check_catalog", "check_entry", "forms", "kind_of", "load_glossary", "new_urls",
           "raw_html", "rejection", "rendered", "source_key", "urls"]

del _glossary, _markup


def check_entry(msgid: str, msgstr: str, *, source_lang: str, lang: str, glossary: Glossary | None = None,
                kind: str = "", references: tuple = ()) -> list[Problem]:
    """Every problem of one translation, most severe first; an empty translation has none.

    ``kind`` is the segment's kind as the catalog's ``#. type:`` comment says it ("paragraph",
    "heading 2", "front matter: title", "template string"...); ``references`` the link definitions
    of the release's body (``segment.link_definitions``), which the page resolves a translation's
    reference-style links against.
    """
    if not msgstr:
        return []
    entry = Entry(msgid, msgstr, source_lang, lang, glossary, kind, references)
    order = {Severity.REJECT: 0, Severity.ERROR: 1, Severity.WARNING: 2}
    return sorted(run_all(entry), key=lambda p: order[p.severity])


def kind_of(entry: polib.POEntry) -> str:
    """The segment kind a catalog entry's ``#. type:`` comment gives ("" if none)."""
    for line in (entry.comment or "").splitlines():
        if line.startswith("type: "):
            return line[len("type: "):].strip()
    return ""


def forms(entry: polib.POEntry) -> list[tuple[str, str]]:
    """(source, translation) for each translated form of a catalog entry.

    A plain entry is its msgid and msgstr.  In a plural entry, ``msgstr[0]`` is checked against the
    singular msgid and the other forms against ``msgid_plural``; a language with one form only
    (Khmer: ``nplurals=1``) says every number, 1 included, with ``msgstr[0]``, which is checked
    against ``msgid_plural`` (the source's general form, "%d files" rather than "One file").

    >>> e = polib.POEntry(msgid="One file", msgid_plural="%d files", msgstr_plural={0: "Un fichier", 1: "%d fichiers"})
    >>> forms(e)
    [('One file', 'Un fichier'), ('%d files', '%d fichiers')]
    >>> forms(polib.POEntry(msgid="One file", msgid_plural="%d files", msgstr_plural={0: "ឯកសារ %d"}))
    [('%d files', 'ឯកសារ %d')]
    """
    if not entry.msgid_plural:
        return [(entry.msgid, entry.msgstr)] if entry.msgstr else []
    translated = sorted((int(n), text) for n, text in entry.msgstr_plural.items())
    single = len(translated) == 1
    return [(entry.msgid if n == 0 and not single else entry.msgid_plural, text) for n, text in translated if text]


def check_catalog(po: polib.POFile, *, source_lang: str, lang: str,
                  glossary: Glossary | None = None) -> list[tuple[polib.POEntry, list[Problem]]]:
    """(entry, problems) for every final translation of a catalog that has a problem.

    Obsolete, fuzzy and untranslated entries are left out (the gate counts them itself); the
    forms of a plural entry are each checked against the singular or plural source (:func:`forms`).
    """
    found = []
    for entry in po:
        if entry.obsolete or not entry.msgid or "fuzzy" in entry.flags:
            continue
        problems = [p for msgid, text in forms(entry)
                    for p in check_entry(msgid, text, source_lang=source_lang, lang=lang, glossary=glossary,
                                         kind=kind_of(entry))]
        if problems:
            found.append((entry, list(dict.fromkeys(problems))))
    return found
