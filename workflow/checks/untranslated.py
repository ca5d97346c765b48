"""Untranslated copies: the source pasted as its own translation, or text in the wrong script.

Names, acronyms, figures and URLs are the same in every Latin-script language, so a copy is
reported only when it is prose: at least two words that start in lower case ("CHEM Widhya",
"Phnom Penh", "ASEAN", "2024" are not prose; "Ministry of Foreign Affairs and International
Cooperation" is).  A Khmer translation with no Khmer letter but Latin prose, and an English or
French one written mostly in Khmer, are in the wrong script.  ``en/ui.po``, whose source is also
English, is never a copy.
"""

from __future__ import annotations

from collections.abc import Iterator

from workflow.lang import khmer
from workflow.checks.base import Entry, Problem, Severity, check, excerpt
from workflow.checks.text import View

_LANGUAGES = {"km": "Khmer", "en": "English", "fr": "French"}


def is_prose(view: View) -> bool:
    """True if a text has at least two Latin words starting in lower case (not only names and acronyms)."""
    return sum(1 for w in view.words if len(w) >= 2 and w[0].islower()) >= 2


def _sentence_like(view: View) -> bool:
    """Prose, or two words or more ending like a sentence ("On 7 February 2024.")."""
    from workflow.checks.punctuation import final
    return is_prose(view) or (len(view.words) >= 2 and final(view.text) in (".", "?", "!"))


def mostly_khmer(text: str) -> bool:
    khmer_letters = sum(1 for ch in text if khmer.is_khmer(ch) and ch.isalpha())
    latin = sum(1 for ch in text if ch.isalpha() and not khmer.is_khmer(ch))
    return khmer_letters > latin


@check("untranslated-copy")
def untranslated_copy(entry: Entry) -> Iterator[Problem]:
    """A prose translation identical to its source, or in the wrong script (Latin in Khmer), is not translated; names, acronyms and figures may stay."""
    if entry.same_language:
        return
    target = entry.target
    name = _LANGUAGES.get(entry.lang, entry.lang)
    if entry.lang == "km" and not khmer.has_khmer(target.text) and _sentence_like(target):
        from workflow.checks.khmer import looks_legacy
        if not looks_legacy(target.text):
            yield Problem("untranslated-copy", Severity.ERROR, f"the Khmer translation is in Latin script "
                          f"({excerpt(target.text, 0, 0)}): translate it into Khmer")
        return
    if entry.lang != "km" and mostly_khmer(target.text):
        yield Problem("untranslated-copy", Severity.ERROR, f"the {name} translation is in Khmer script "
                      f"({excerpt(target.text, 0, 0)}): translate it into {name}")
        return
    if " ".join(entry.msgid.split()) == " ".join(entry.msgstr.split()) and is_prose(entry.source):
        yield Problem("untranslated-copy", Severity.ERROR, f"the translation is the source text copied "
                      f"({excerpt(target.text, 0, 0)}): translate it into {name}")
