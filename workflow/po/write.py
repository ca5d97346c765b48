"""The PO writer: catalogs printed byte for byte as GNU ``msgcat`` prints them.

:func:`dump_po` orders the entries (header first, obsolete ones last),
normalises flags (:mod:`workflow.po.formats`), keeps comment lines as read
while polib's fields still agree with them, and wraps every string like
gettext's wrap(): cut after each "\\n", escape, then break at UAX #14
opportunities (:mod:`workflow.po.linebreak`) so that lines fit 79 columns,
never inside an escape sequence or a format directive.
:func:`write_po_file` writes the encoded result with
:func:`workflow.fsutil.write_atomic`.

Part of :mod:`workflow.po`, which is what the rest of the project imports.
"""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path
from typing import Sequence

import polib

from workflow.fsutil import write_atomic
from workflow.po.formats import Flags, directive_interiors
from workflow.po.linebreak import POSSIBLE, PROHIBITED, UNDEFINED, columns_of, width_breaks
from workflow.po.model import Entry
from workflow.po.read import PAGE_WIDTH, header_charset, header_entry, python_codec

__all__ = ["dump_po", "dump_po_bytes", "write_po_file"]

log = logging.getLogger(__name__)


def dump_po(po: polib.POFile) -> str:
    """Serialise `po` exactly as GNU ``msgcat`` (gettext 0.21, width 79) would.

    The header comes first, then the other entries in order, then the
    obsolete ones (``#~``); obsolete entries without a translation are
    dropped, as GNU does.
    """
    header = header_entry(po)
    writer = _Writer(header_charset(po, header))
    blocks = [writer.entry(header)] if header is not None else []
    blocks += [writer.entry(entry) for entry in po if not entry.obsolete]
    blocks += [writer.entry(entry) for entry in po if entry.obsolete]
    return "\n".join(block for block in blocks if block is not None)


def dump_po_bytes(po: polib.POFile) -> bytes:
    """:func:`dump_po` encoded in the charset the header declares."""
    charset = header_charset(po)
    try:
        return dump_po(po).encode(python_codec(None if charset == "ASCII" else charset))
    except UnicodeEncodeError as exc:
        raise ValueError(f"the catalog declares charset={charset} but holds {exc.object[exc.start]!r}, "
                         "which it cannot encode; declare charset=UTF-8") from None


def write_po_file(path: str | os.PathLike, po: polib.POFile) -> bool:
    """Write `po` to `path` atomically, only if the bytes would change.

    Returns whether the file was written.  The file keeps its permissions
    (a new one gets 0666 less the umask).
    """
    if not write_atomic(Path(path), dump_po_bytes(po)):
        return False
    log.debug("wrote %s", path)
    return True


_CJK_CHARSETS = {"EUC-JP", "GB2312", "GBK", "EUC-TW", "BIG5", "EUC-KR", "CP949", "JOHAB"}


class _Writer:
    """Formats entries for one catalog (GNU write-po.c, message_print)."""

    def __init__(self, charset: str) -> None:
        self.codec = python_codec(None if charset == "ASCII" else charset)
        self.cjk = charset.upper() in _CJK_CHARSETS

    def entry(self, entry: polib.POEntry) -> str | None:
        msgstrs = _msgstrs(entry)
        if entry.obsolete and not msgstrs[0]:
            return None  # GNU drops untranslated obsolete entries
        flags = Flags.parse(", ".join(entry.flags))
        lines = _translator_lines(entry) + _extracted_lines(entry)
        lines += self.reference_lines(entry.occurrences)
        flag_line = flags.render(translated=bool(msgstrs[0]), obsolete=entry.obsolete)
        lines += [flag_line] if flag_line else []
        field = functools.partial(self.field, lines, wrap=flags.wrap is not False,
                                  fmt=flags.wrapping_format())
        previous = "#~| " if entry.obsolete else "#| "
        for name, value in (("msgctxt", entry.previous_msgctxt), ("msgid", entry.previous_msgid),
                            ("msgid_plural", entry.previous_msgid_plural)):
            if value is not None:
                field(previous, name, value)
        prefix = "#~ " if entry.obsolete else ""
        if entry.msgctxt is not None:
            field(prefix, "msgctxt", entry.msgctxt)
        field(prefix, "msgid", entry.msgid)
        if _is_plural(entry):
            field(prefix, "msgid_plural", entry.msgid_plural)
            for index, msgstr in enumerate(msgstrs):
                field(prefix, f"msgstr[{index}]", msgstr)
        else:
            field(prefix, "msgstr", msgstrs[0])
        return "\n".join(lines) + "\n"

    def reference_lines(self, occurrences: Sequence[tuple[str, str | int]]) -> list[str]:
        """"#:" lines: references joined by spaces, wrapped at 79 bytes."""
        refs: list[str] = []
        seen: set[tuple[str, str]] = set()
        for name, line in occurrences:
            line = str(line)
            line = (line.lstrip("0") or "0") if line.isascii() and line.isdigit() else line
            if (name, line) in seen:
                continue  # GNU keeps each file position once
            seen.add((name, line))
            while name.startswith("./"):
                name = name[2:]
            refs.append(f"{name}:{line}" if line else name)
        if not refs:
            return []
        lines, column = ["#:"], 2
        for ref in refs:
            size = len(ref.encode(self.codec, "replace")) + 1
            if column > 2 and column + size > PAGE_WIDTH:
                lines.append("#:")
                column = 2
            lines[-1] += " " + ref
            column += size
        return lines

    def field(self, lines: list[str], prefix: str, name: str, value: str,
              wrap: bool, fmt: str | None) -> None:
        """Append `name "value"` lines, wrapped like GNU's wrap()."""
        protected = directive_interiors(fmt, value, name.startswith("msgstr"))
        lines.extend(_wrap(prefix, name, value, wrap, protected, self.cjk))


def _msgstrs(entry: polib.POEntry) -> list[str]:
    if not _is_plural(entry):
        return [entry.msgstr]
    forms = {int(index): text for index, text in entry.msgstr_plural.items()}
    if not forms:
        return ["", ""]
    return [forms.get(index, "") for index in range(max(forms) + 1)]


def _is_plural(entry: polib.POEntry) -> bool:
    return bool(entry.msgid_plural) or bool(entry.msgstr_plural)


def _source_lines(entry: polib.POEntry, text: str, kind: str) -> list[str]:
    """Comment lines of one kind: as read when still current, else from polib."""
    source = entry.as_read if isinstance(entry, Entry) else None
    kept = getattr(source, kind) if source is not None else None
    if kept is not None and "\n".join(kept) == text:
        return list(kept)
    return text.split("\n") if text else []


def _translator_lines(entry: polib.POEntry) -> list[str]:
    return [f"# {line}" if line else "#" for line in _source_lines(entry, entry.tcomment or "", "translator")]


def _extracted_lines(entry: polib.POEntry) -> list[str]:
    return [f"#. {line}" if line else "#." for line in _source_lines(entry, entry.comment or "", "extracted")]


# ------------------------------------------------------- wrap()

_ESCAPED = {"\a": "a", "\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t", "\v": "v",
            "\\": "\\", '"': '"'}
_NO_WRAP_WIDTH = 1 << 62


def _wrap(prefix: str, name: str, value: str, wrap: bool,
          protected: set[int], cjk: bool) -> list[str]:
    """Lines for `name "value"` exactly as GNU gettext's wrap() prints them.

    The value is cut after each "\\n"; each piece is escaped and broken at
    UAX #14 opportunities so that lines fit 79 columns; a value that needs
    more than one line starts with `name ""`.
    """
    after_break = len(prefix) + 1
    width = (PAGE_WIDTH if wrap else _NO_WRAP_WIDTH) - 1 - after_break
    lines: list[str] = []
    first = True
    start = 0
    while True:
        end = value.find("\n", start) + 1 or len(value)
        text, overrides = _escape(value, start, end, protected)
        while True:
            column = len(prefix) + (len(name) + 1 if first else 0) + 1 - after_break
            if _fits(text, width - column, cjk):
                breaks = [PROHIBITED] * len(text)  # nothing to break: skip UAX #14
            else:
                breaks = width_breaks(text, width, column, overrides, cjk)
            if first and text and (end < len(value) or column > width or POSSIBLE in breaks):
                lines.append(f'{prefix}{name} ""')
                first = False
                continue
            break
        line = f"{prefix}{name} " if first else prefix
        first = False
        lines.extend(_cut(line, text, breaks, prefix))
        start = end
        if start >= len(value):
            return lines


def _fits(text: list[str], room: int, cjk: bool) -> bool:
    """Whether `text` is no wider than `room` columns, in which case the
    line breaker would choose no break (a shortcut for short strings)."""
    joined = "".join(text)
    if joined.isascii() and joined.isprintable():
        return len(joined) <= room
    return sum(map(columns_of(cjk), text)) <= room


def _cut(head: str, text: list[str], breaks: list[int], prefix: str) -> list[str]:
    """Quote `text`, starting a new continuation line at each chosen break."""
    cuts = [i for i, kind in enumerate(breaks) if kind == POSSIBLE]
    if not cuts:
        return [f'{head}"{"".join(text)}"']
    lines = []
    line, start = head, 0
    for cut in cuts:
        lines.append(f'{line}"{"".join(text[start:cut])}"')
        line, start = prefix, cut
    lines.append(f'{line}"{"".join(text[start:])}"')
    return lines


def _escape(value: str, start: int, end: int, protected: set[int]) -> tuple[list[str], list[int]]:
    """The escaped characters of value[start:end], one per output character,
    with the break overrides GNU sets (none inside escapes or directives)."""
    piece = value[start:end]
    if not any(char in piece for char in _ESCAPED) and not any(start <= i < end for i in protected):
        return list(piece), [UNDEFINED] * len(piece)  # nothing to escape or protect: most strings
    text: list[str] = []
    overrides: list[int] = []
    for i in range(start, end):
        char = value[i]
        override = PROHIBITED if i in protected else UNDEFINED
        if char in _ESCAPED:
            text += ["\\", _ESCAPED[char]]
            overrides += [override, PROHIBITED]
        else:
            text.append(char)
            overrides.append(override)
    if end > start and value[end - 1] == "\n":
        overrides[-2] = PROHIBITED  # never break just before the final "\n"
    return text, overrides
