"""The PO lexer (GNU po-lex.c) and the error every part of the reader raises.

Part of :mod:`workflow.po`; :mod:`workflow.po.read` turns the tokens
into messages.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Iterable

from workflow.model import WorkflowError

__all__ = ["PoSyntaxError", "Token", "tokenize"]


class PoSyntaxError(WorkflowError):
    """A PO file that GNU gettext would reject, with the line to look at."""

    hint = "fix the line or re-export the file from your translation tool"  #: unless the error has its own

    def __init__(self, path: str, line: int, message: str, hint: str | None = None) -> None:
        super().__init__(path, line, message, type(self).hint if hint is None else hint)


@dataclass
class Token:
    """One lexical token of a PO file."""

    kind: str  # "comment", "keyword", "string", "number", "[" or "]"
    value: str
    line: int
    obsolete: bool  # after "#~" on the same line
    previous: bool  # after "#|" (or "#~|") on the same line


_KEYWORDS = {"domain", "msgctxt", "msgid", "msgid_plural", "msgstr"}
_ESCAPES = {"n": "\n", "t": "\t", "b": "\b", "r": "\r", "f": "\f", "v": "\v",
            "a": "\a", "\\": "\\", '"': '"'}
_BLANKS = " \t\r\f\v"


def _unknown_keyword(word: str) -> str:
    """The message for a word that is no PO keyword: the word itself only when it is a slip of a
    keyword (``msgtsr``), never a word of a file that may not be a catalog at all."""
    if difflib.get_close_matches(word, _KEYWORDS, n=1, cutoff=0.6):
        return f"unknown keyword {word!r}"
    return "unknown keyword (a word that is not msgctxt, msgid, msgid_plural or msgstr; is this a PO file?)"


def tokenize(text: str, path: str, codec: str = "utf-8") -> list[Token]:
    """Split PO text into tokens (GNU po-lex.c: strings never span lines).

    `codec` decodes the bytes written as octal or hex escapes.
    """
    tokens: list[Token] = []
    for number, line in _logical_lines(text):
        _tokenize_line(line, number, path, codec, tokens)
    return tokens


def _logical_lines(text: str) -> Iterable[tuple[int, str]]:
    """Lines with their numbers, a backslash at the end of a line joining it
    to the next one (GNU's lexer does that everywhere, even in comments)."""
    joined: list[str] = []
    start = 1
    for number, line in enumerate(text.split("\n"), 1):
        if not joined:
            start = number
        if line.endswith("\\"):
            joined.append(line[:-1])
            continue
        joined.append(line)
        yield start, "".join(joined)
        joined = []
    if joined:
        yield start, "".join(joined)


def _tokenize_line(line: str, number: int, path: str, codec: str, tokens: list[Token]) -> None:
    obsolete = previous = False
    i = 0
    while i < len(line):
        char = line[i]
        if char in _BLANKS:
            i += 1
        elif line.startswith("#~", i):  # obsolete entry; "#~|": its previous msgid
            obsolete = True
            i += 2
            if line.startswith("|", i):
                previous = True
                i += 1
        elif line.startswith("#|", i):  # previous msgid of a fuzzy entry
            previous = True
            i += 2
        elif char == "#":
            tokens.append(Token("comment", line[i + 1:], number, obsolete, previous))
            return
        elif char == '"':
            value, i = _lex_string(line, i, number, path, codec)
            tokens.append(Token("string", value, number, obsolete, previous))
        elif char.isascii() and (char.isalpha() or char == "_"):
            word = _WORD.match(line, i).group()
            if word not in _KEYWORDS:
                raise PoSyntaxError(path, number, _unknown_keyword(word))
            tokens.append(Token("keyword", word, number, obsolete, previous))
            i += len(word)
        elif char.isascii() and char.isdigit():
            digits = _DIGITS.match(line, i).group()
            tokens.append(Token("number", digits, number, obsolete, previous))
            i += len(digits)
        elif char in "[]":
            tokens.append(Token(char, char, number, obsolete, previous))
            i += 1
        else:
            raise PoSyntaxError(path, number, f"syntax error: unexpected {char!r}")


_PLAIN_RUN = re.compile(r'[^"\\]+')
_BYTE_ESCAPE = re.compile(r"[0-7]{1,3}|x[0-9A-Fa-f]+")
_WORD = re.compile(r"[A-Za-z0-9_$]+")
_DIGITS = re.compile(r"[0-9]+")


def _lex_string(line: str, start: int, number: int, path: str, codec: str) -> tuple[str, int]:
    """Read the C-like string literal at line[start] ('"'); return its value
    and the index after its closing quote."""
    parts: list[str] = []
    raw = bytearray()  # bytes written as octal/hex escapes
    i = start + 1
    while True:
        if i >= len(line):
            raise PoSyntaxError(path, number, "end-of-line within string")
        if line[i] == '"':
            break
        plain = _PLAIN_RUN.match(line, i)
        if plain:
            _flush_bytes(raw, parts, codec, number, path)
            parts.append(plain.group())
            i = plain.end()
            continue
        escape = line[i + 1:i + 2]
        byte = _BYTE_ESCAPE.match(line, i + 1)
        if escape in _ESCAPES:
            _flush_bytes(raw, parts, codec, number, path)
            parts.append(_ESCAPES[escape])
            i += 2
        elif byte:
            digits = byte.group()
            raw.append((int(digits[1:], 16) if digits[0] == "x" else int(digits, 8)) & 0xFF)
            i = byte.end()
        else:
            raise PoSyntaxError(path, number, f"invalid control sequence \\{escape}")
    _flush_bytes(raw, parts, codec, number, path)
    value = "".join(parts)
    if "\0" in value:
        raise PoSyntaxError(path, number, "NUL character in string")
    return value, i + 1


def _flush_bytes(raw: bytearray, parts: list[str], codec: str, number: int, path: str) -> None:
    if raw:
        try:
            parts.append(raw.decode(codec))
        except UnicodeDecodeError:
            raise PoSyntaxError(path, number, f"escaped bytes that are not valid {codec}") from None
        raw.clear()


