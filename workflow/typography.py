"""Typographic rules applied by the typesetter, so translators need not type them.

French: a narrow no-break space (U+202F) before ; ! ? and inside « »; a
no-break space (U+00A0) before :.  English: typographic quotes and
apostrophes.  The rules touch only the text of HTML, never tags, attributes or
code, and leave URLs, times (10:30) and numbers alone.
"""

from __future__ import annotations

import html as _html
import re
from collections.abc import Callable

NNBSP = "\u202f"
NBSP = "\u00a0"

_SPACES = "[ \u00a0\u202f\u2009]"
_FR_TIGHT = re.compile(rf"(?<=[\w\)\]»’”.…%]){_SPACES}*([;!?]+)(?=[\s\)\]»”’<]|$)")
_FR_COLON = re.compile(rf"(?<=[\w\)\]»’”.…%]){_SPACES}*:(?=\s|$)")
_FR_OPEN = re.compile(rf"«{_SPACES}*")
_FR_CLOSE = re.compile(rf"{_SPACES}*»")
_TAG = re.compile(r"(<[^>]*>)")
_VERBATIM = {"code", "pre", "kbd", "samp", "script", "style"}


def french(text: str) -> str:
    """French spacing in plain text.

    >>> french("Pourquoi ? Voici : « oui » ; non !") == "Pourquoi\\u202f? Voici\\u00a0: «\\u202foui\\u202f»\\u202f; non\\u202f!"
    True
    >>> french("à 10:30, voir https://example.org/?q=1")
    'à 10:30, voir https://example.org/?q=1'
    """
    text = _FR_TIGHT.sub(lambda m: NNBSP + m.group(1), text)
    text = _FR_COLON.sub(NBSP + ":", text)
    text = _FR_OPEN.sub("«" + NNBSP, text)
    return _FR_CLOSE.sub(NNBSP + "»", text)


_EN_DOUBLE = re.compile(r'"([^"<>]*)"')
_EN_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)|(?<=s)'(?=\s)")
_EN_SINGLE = re.compile(r"(?<![\w])'([^'<>]*)'(?![\w])")


def english(text: str) -> str:
    """Typographic quotes and apostrophes.

    >>> english('the countries\\' "strong" hope, it\\'s \\'ours\\'')
    'the countries’ “strong” hope, it’s ‘ours’'
    """
    text = _EN_DOUBLE.sub("\u201c\\1\u201d", text)
    text = _EN_APOSTROPHE.sub("\u2019", text)
    return _EN_SINGLE.sub("\u2018\\1\u2019", text)


RULES: dict[str, Callable[[str], str]] = {"fr": french, "en": english}


def text_rule(lang: str) -> Callable[[str], str]:
    """The typographic rule for a language's plain text (identity if none)."""
    return RULES.get(lang, lambda text: text)


def apply_to_html(html: str, rule: Callable[[str], str]) -> str:
    """Apply ``rule`` to the text between tags, outside code and URL-like link texts."""
    parts = _TAG.split(html)
    verbatim = 0
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            name = re.match(r"</?\s*([A-Za-z0-9]+)", part)
            if name and name.group(1).lower() in _VERBATIM and not part.endswith("/>"):
                verbatim += -1 if part.startswith("</") else 1
            continue
        if part and verbatim <= 0 and not re.fullmatch(r"\s*\w+://\S*\s*", part):
            parts[index] = _html.escape(rule(_html.unescape(part)), quote=False)
    return "".join(parts)
