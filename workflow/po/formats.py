"""What the "#," flags of a PO entry mean, and where format directives are.

:class:`Flags` reads a "#," line the way GNU gettext does (fuzzy, the
format languages, range, wrap) and writes it back in msgcat's canonical
order.  :func:`directive_interiors` finds the format directives of an
entry's format language, inside which GNU never breaks a line.

Part of :mod:`workflow.po`, shared by :mod:`workflow.po.read` and
:mod:`workflow.po.write`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

__all__ = ["FORMATS", "Flags", "directive_interiors", "flag_words"]


# ----------------------------------------------------- "#," flags

#: Format languages in GNU gettext 0.21's order (the order of "#," flags).
FORMATS = ("c objc python python-brace java java-printf csharp javascript scheme "
            "lisp elisp librep ruby sh awk lua object-pascal smalltalk qt qt-plural "
            "kde kde-kuit boost tcl perl perl-brace php gcc-internal gfc-internal "
            "ycp").split()
_FLAG_SEPARATORS = re.compile(r"[\n \t\r\f\v,]+")


@dataclass
class Flags:
    """A "#," line as GNU understands it (po_parse_comment_special)."""

    fuzzy: bool = False
    formats: dict[str, str] = field(default_factory=dict)  # language -> yes/no/possible/impossible
    range: tuple[int, int] | None = None
    wrap: bool | None = None

    @classmethod
    def parse(cls, text: str) -> "Flags":
        flags = cls()
        tokens = [t for t in _FLAG_SEPARATORS.split(text) if t]
        i = 0
        while i < len(tokens):
            token = tokens[i]
            i += 1
            if token == "range:" and i < len(tokens):
                flags.range = _parse_range(tokens[i]) or flags.range
                i += 1
            else:
                flags._add(token)
        return flags

    def _add(self, token: str) -> None:
        if token == "fuzzy":
            self.fuzzy = True
        elif token in ("wrap", "no-wrap"):
            self.wrap = token == "wrap"
        elif token.endswith("-format"):
            name, value = token[:-7], "yes"
            for prefix in ("no-", "possible-", "impossible-"):
                if name.startswith(prefix) and name[len(prefix):] in FORMATS:
                    name, value = name[len(prefix):], prefix[:-1]
                    break
            if name in FORMATS:
                self.formats[name] = value
            # anything else is an unknown flag: GNU drops it silently

    def render(self, translated: bool, obsolete: bool) -> str | None:
        """The canonical "#," line (None when there is nothing to say).

        msgcat 0.21 omits "fuzzy" when there is no translation, and "range"
        on obsolete entries.
        """
        words = ["fuzzy"] if self.fuzzy and translated else []
        for name in FORMATS:
            value = self.formats.get(name)
            if value in ("yes", "possible"):
                words.append(f"{name}-format")
            elif value == "no":
                words.append(f"no-{name}-format")
        if self.range and not obsolete:
            words.append(f"range: {self.range[0]}..{self.range[1]}")
        if self.wrap is False:
            words.append("no-wrap")
        return "#, " + ", ".join(words) if words else None

    def wrapping_format(self) -> str | None:
        """The format language whose directives must not be broken."""
        for name in FORMATS:
            if self.formats.get(name) in ("yes", "possible"):
                return name
        return None


#: GNU reads a range's bounds as C ints, stopping at INT_MAX (read-catalog-abstract.c).
_INT_MAX = 2**31 - 1


def _bound(digits: str) -> int:
    """A run of ASCII digits as GNU reads a range bound (and as much of an argument number as
    matters here): at most INT_MAX, without Python's int() of thousands of digits, which raises."""
    digits = digits.lstrip("0") or "0"
    return _INT_MAX if len(digits) > 10 else min(int(digits), _INT_MAX)


def _parse_range(token: str) -> tuple[int, int] | None:
    match = re.match(r"([0-9]+)\.\.([0-9]+)", token)
    if match and _bound(match.group(1)) <= _bound(match.group(2)):
        return _bound(match.group(1)), _bound(match.group(2))
    return None


def flag_words(text: str) -> list[str]:
    """The words of a "#," line, as polib-style flags ("range: 1..5" kept whole)."""
    words: list[str] = []
    for token in (t for t in _FLAG_SEPARATORS.split(text) if t):
        if words and words[-1] == "range:":
            words[-1] = f"range: {token}"
        else:
            words.append(token)
    return words


# ------------------------------------------------ format directives
#
# GNU never breaks a line inside a format directive of the entry's format
# language (the first one flagged, in FORMATS order).  The parsers below
# find the directives the way gettext's format-*.c parsers do, stopping at
# the first invalid one as they do.

def directive_interiors(fmt: str | None, value: str, is_msgstr: bool) -> set[int]:
    """Indices of the characters inside (not at the start of) directives."""
    parser = _DIRECTIVE_PARSERS.get(fmt or "")
    if parser is None or not value:
        return set()
    return {i for start, end in parser(value, is_msgstr) for i in range(start + 1, end + 1)}


_C_ARGUMENT = re.compile(r"([0-9]+)\$")
_C_PRI_MACRO = re.compile(r"<PRI[diouxX](?:MAX|PTR|(?:LEAST|FAST)?(?:8|16|32|64))>")


class _Invalid(Exception):
    """A format directive that gettext's parser rejects (parsing stops there)."""


class _ArgumentStyle:
    """Numbered ("%1$s") and unnumbered ("%s") arguments must not be mixed."""

    def __init__(self) -> None:
        self.styles: set[bool] = set()

    def use(self, numbered: bool) -> None:
        self.styles.add(numbered)
        if len(self.styles) > 1:
            raise _Invalid


def _c_directives(value: str, is_msgstr: bool, objc: bool = False) -> list[tuple[int, int]]:
    """Spans of c-format directives (gettext 0.21 format-c.c), up to the first bad one."""
    spans: list[tuple[int, int]] = []
    style = _ArgumentStyle()
    start = value.find("%")
    try:
        while start >= 0:
            end = _c_directive_end(value, start + 1, is_msgstr, objc, style)
            spans.append((start, end))
            start = value.find("%", end + 1)
    except _Invalid:
        pass
    return spans


def _c_argument(value: str, i: int) -> tuple[int | None, int]:
    """An optional "N$" at value[i]: (N or None, index after it)."""
    match = _C_ARGUMENT.match(value, i)
    if match is None:
        return None, i
    if not match.group(1).strip("0"):
        raise _Invalid
    return _bound(match.group(1)), match.end()


def _c_star(value: str, i: int, style: _ArgumentStyle) -> int:
    """Width or precision after value[i]: "*", "*N$" or digits."""
    if value.startswith("*", i):
        number, i = _c_argument(value, i + 1)
        style.use(number is not None)
        return i
    while i < len(value) and value[i].isdigit():
        i += 1
    return i


def _c_directive_end(value: str, i: int, is_msgstr: bool, objc: bool, style: _ArgumentStyle) -> int:
    """Index of the last character of the directive whose "%" is at i - 1."""
    number, i = _c_argument(value, i)
    flags = " +-#0'I" if is_msgstr else " +-#0'"
    while i < len(value) and value[i] in flags:
        i += 1
    i = _c_star(value, i, style)
    if value.startswith(".", i):
        i = _c_star(value, i + 1, style)
    macro = _C_PRI_MACRO.match(value, i)
    if macro:
        conversion, i = "d", macro.end() - 1
    else:
        while i < len(value) and value[i] in "hlLqjzZt":
            i += 1
        conversion = value[i:i + 1]
        if not conversion or conversion not in "%mcCsSidouxXeEfFgGaApn" + ("@" if objc else ""):
            raise _Invalid
    if conversion not in "%m":
        style.use(number is not None)
    return i


_PYTHON_DIRECTIVE = re.compile(r"%(?P<name>\((?:[^()]|\([^()]*\))*\))?[-+ #0]*(?:\*|[0-9]+)?"
                               r"(?:\.(?:\*|[0-9]+)?)?[hlL]?[%csridouxXeEfgG]")


def _python_directives(value: str, is_msgstr: bool) -> list[tuple[int, int]]:
    """Spans of python-format directives (format-python.c)."""
    spans: list[tuple[int, int]] = []
    named = unnamed = False
    i = value.find("%")
    while i >= 0:
        match = _PYTHON_DIRECTIVE.match(value, i)
        if match is None:
            return spans
        name = match.group("name") or ""
        text = match.group()[1 + len(name):]
        named = named or bool(name)
        unnamed = unnamed or "*" in text or (not name and text[-1] != "%")
        if named and unnamed:
            return spans
        spans.append((i, match.end() - 1))
        i = value.find("%", match.end())
    return spans


_BRACE_NAME = r"(?:[A-Za-z0-9_]|[^\x00-\x7f])+"
_BRACE_SPEC = rf"(?:\{{{_BRACE_NAME}\}}|(?:[^{{]?[<>=^])?[-+ ]?#?0?[0-9]*(?:\.[0-9]*)?[bcdeEfFgGnoxX%]?)"
_BRACE_FIELD = re.compile(rf"\{{{_BRACE_NAME}(?:\.{_BRACE_NAME}|\[{_BRACE_NAME}\])*(?::{_BRACE_SPEC})?\}}")


def _python_brace_directives(value: str, is_msgstr: bool) -> list[tuple[int, int]]:
    """Spans of python-brace-format fields and "{{" / "}}" (format-python-brace.c)."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(value):
        if value.startswith(("{{", "}}"), i):
            spans.append((i, i + 1))
            i += 2
        elif value[i] == "{":
            match = _BRACE_FIELD.match(value, i)
            if match is None:
                return spans
            spans.append((i, match.end() - 1))
            i = match.end()
        else:
            i += 1
    return spans


_PHP_DIRECTIVE = re.compile(r"%(?:%|(?P<number>[0-9]+\$)?(?:[-0 ]|'.)*[0-9]*(?:\.[0-9]+)?l?[bcdeufosxX])", re.S)


def _php_directives(value: str, is_msgstr: bool) -> list[tuple[int, int]]:
    """Spans of php-format directives (format-php.c)."""
    spans: list[tuple[int, int]] = []
    i = value.find("%")
    while i >= 0:
        match = _PHP_DIRECTIVE.match(value, i)
        if match is None or re.match(r"%0+\$", match.group()):
            return spans
        spans.append((i, match.end() - 1))
        i = value.find("%", match.end())
    return spans


_DIRECTIVE_PARSERS = {
    "c": _c_directives,
    "objc": functools.partial(_c_directives, objc=True),
    "python": _python_directives,
    "python-brace": _python_brace_directives,
    "php": _php_directives,
}

