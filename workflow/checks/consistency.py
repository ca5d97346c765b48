"""Consistency: one source text, one translation, across every catalog of a language.

An official phrase translated two ways in two releases (or twice in the templates' strings)
makes readers wonder whether two things are meant.  The check compares translations without
their spacing and hand-typed word breaks, and names both places; it is a warning, since a
context may call for another wording.  Pass only final translations (not fuzzy ones); a
``msgctxt`` may be given gettext's way, as ``context + "\\x04" + msgid``, to keep contexts apart.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from workflow.checks.base import Problem, Severity, check, excerpt

Place = tuple[str, "int | None"]


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).replace("\u200b", "").split())


def _where(place: Place) -> str:
    path, line = place
    return f"{path}:{line}" if line else path


@check("consistency", per_entry=False)
def check_consistency(entries: Iterable[tuple[str, int | None, str, str]]) -> dict[Place, list[Problem]]:
    """The same source text is translated the same way everywhere in a language (else a warning naming both places)."""
    by_source: dict[str, dict[str, list[Place]]] = {}
    for path, line, msgid, msgstr in entries:
        if msgid and msgstr:
            by_source.setdefault(_norm(msgid), {}).setdefault(_norm(msgstr), []).append((path, line))
    found: dict[Place, list[Problem]] = {}
    for translations in by_source.values():
        if len(translations) < 2:
            continue
        for text, places in translations.items():
            other_text, other_places = next((t, p) for t, p in translations.items() if t != text)
            more = sum(len(p) for t, p in translations.items() if t != text) - 1
            also = f" (and {more} more)" if more > 0 else ""
            message = (f"the same source is translated {excerpt(other_text, width=20)} at "
                       f"{_where(other_places[0])}{also}, here {excerpt(text, width=20)}: use one translation")
            for place in places:
                found.setdefault(place, []).append(Problem("consistency", Severity.WARNING, message))
    return found
