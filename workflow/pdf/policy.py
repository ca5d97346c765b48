"""What WeasyPrint's messages mean, and what a typeset PDF comes back as, without WeasyPrint.

The policy (``classify``, described in ``workflow.pdf.typeset``) and the result of a job
(``Typeset``) live here so that the parent of the PDF workers can read the results it is sent
(unpickling names this module) and judge their messages without importing WeasyPrint, which
costs it some 32 MB it would keep for the whole run while the workers do the typesetting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class Level(str, Enum):
    """What a WeasyPrint message means for the edition (see the module's policy)."""

    FAIL = "fail"  #: the PDF would be wrong: it is not published
    WARN = "warn"  #: reported, with the file and line where one is known
    HINT = "hint"  #: about speed only: said once per run


@dataclass(frozen=True)
class Message:
    """One distinct message WeasyPrint logged, with its level and what it is about."""

    level: Level
    text: str
    kind: str = "other"  #: "font", "glyph", "anchor", "css", "refused", "speed", "other"
    anchor: str = ""  #: for kind "anchor": the missing anchor's name, without '#'
    line: int | None = None  #: for kind "css": the line in the stylesheet


#: The policy, first match wins: (pattern, level, kind).  Anything else is a warning.
POLICY: tuple[tuple[re.Pattern[str], Level, str], ...] = (
    (re.compile(r"^Font-face .* cannot be loaded"), Level.FAIL, "font"),
    (re.compile(r"^Failed to load font"), Level.FAIL, "font"),
    (re.compile(r"^Unable to instantiate .* variable font"), Level.FAIL, "font"),
    (re.compile(r"^\.notdef glyph rendered"), Level.FAIL, "glyph"),
    (re.compile(r"^Too many glyphs missing"), Level.FAIL, "glyph"),
    (re.compile(r"^Using fontTools instead of HarfBuzz-Subset"), Level.HINT, "speed"),
    (re.compile(r"^No anchor #(?P<anchor>.*) for internal URI reference"), Level.WARN, "anchor"),
    (re.compile(r"^refused to load "), Level.WARN, "refused"),
    (re.compile(r" at (?P<line>\d+):\d+[.,:]"), Level.WARN, "css"),
)


def classify(text: str) -> Message:
    """Sort one WeasyPrint message by the policy.

    >>> classify('Font-face "Moul" cannot be loaded').level
    <Level.FAIL: 'fail'>
    >>> m = classify("No anchor #annex for internal URI reference")
    >>> (m.level.value, m.kind, m.anchor)
    ('warn', 'anchor', 'annex')
    >>> classify("Ignored `print-color-adjust: exact` at 3:5, unknown property.").line
    3
    >>> classify("Something new in WeasyPrint 71").level
    <Level.WARN: 'warn'>
    """
    for pattern, level, kind in POLICY:
        match = pattern.search(text)
        if match:
            groups = match.groupdict()
            line = int(groups["line"]) if groups.get("line") else None
            return Message(level, text, kind, groups.get("anchor") or "", line)
    return Message(Level.WARN, text)


@dataclass(frozen=True)
class Typeset:
    """A PDF and what WeasyPrint said while making it (FAIL never appears: it raises)."""

    pdf: bytes
    messages: tuple[Message, ...]  #: WARN and HINT messages, each once
    refused: tuple[str, ...]  #: URLs the sandbox refused, each once
    seconds: float = 0.0  #: how long typesetting took (``-v`` adds it to the edition's time)
