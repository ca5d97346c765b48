"""The PO reader: GNU gettext's PO grammar, producing polib objects.

:func:`read_po` tokenizes (:mod:`workflow.po.lex`), parses the tokens into
messages like GNU po-gram.y, applies msgfmt's parse-time checks (duplicate
entries, msgid/msgstr newlines) and builds a ``polib.POFile``.
:func:`read_po_bytes` first decodes the bytes with the charset the header
declares.

What polib cannot represent exactly (comment lines as written, the header
entry as read) is kept in the fields of polib subclasses
(:class:`workflow.po.model.Catalog` and :class:`~workflow.po.model.Entry`);
:mod:`workflow.po.write` uses them only while polib's fields still agree
(:func:`header_entry` decides it for the header).

Part of :mod:`workflow.po`, which is what the rest of the project imports.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass, field
from typing import Iterable

import polib

from workflow.po.formats import Flags, flag_words
from workflow.po.lex import PoSyntaxError, Token, tokenize
from workflow.po.model import Catalog, CommentLines, Entry, HeaderAsRead

__all__ = ["PAGE_WIDTH", "header_charset", "header_entry", "python_codec", "read_po", "read_po_bytes"]

log = logging.getLogger(__name__)

#: GNU gettext's default page width.
PAGE_WIDTH = 79

_CHARSET_RE = re.compile(rb"charset=([^\s\"\\]+)")

#: Limits far above any real catalog, checked before the costly work: the most entries in a real
#: catalog of ../shared/corpus is 1,435 (a release's, a few dozen); a million entries took 148 s
#: and 3.4 GB to read.  Counted on the text, before it is parsed.
MAX_ENTRIES = 20_000
#: A translation is rendered as Markdown: at most four times its source's length (at least 1,000
#: characters, at most 40,000, twice a source segment's limit), and as many link brackets as a
#: source segment may have (Python-Markdown's link matching is quadratic: workflow.segment).
MAX_TRANSLATION = 40_000
MAX_BRACKETS = 200
#: All the link brackets of a catalog's translations (a release may have 500).
MAX_BRACKETS_CATALOG = 1_000
#: Fewer link brackets in a long translation: an unmatched one is scanned to the end of its text.
MAX_BRACKET_SCAN = 3_000_000
_ENTRY_RE = re.compile(r"^(?:#~[ \t]*)?msgid[ \t\"]", re.MULTILINE)
_BOM = "\ufeff"


def read_po_bytes(data: bytes, *, path: str = "<bytes>") -> Catalog:
    """Parse a PO/POT file given as bytes, decoding it with the charset its
    header declares (UTF-8 when it declares none or the ``CHARSET`` dummy).

    Raises :class:`PoSyntaxError` naming the header's line when that charset is not an encoding
    a PO file can be written in (see :func:`_declared_codec`), and line 1 for a file saved as
    UTF-16 or UTF-32."""
    if not data.strip():
        raise PoSyntaxError(path, 1, "empty file")
    wide = _wide_encoding(data)
    if wide:
        raise PoSyntaxError(path, 1, f"the file is saved as {wide}, which a PO file cannot be",
                            "save it as UTF-8 (and declare charset=UTF-8 in its header)")
    charset, codec = _declared_codec(data, path)
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise PoSyntaxError(path, line, f"bytes that are not valid {charset or 'UTF-8'}") from None
    return read_po(text, path=path)


def read_po(text: str, *, path: str = "<string>") -> Catalog:
    """Parse PO/POT text the way GNU gettext does, into a ``polib.POFile``.

    Raises :class:`PoSyntaxError` for anything GNU ``msgfmt`` rejects at
    parse time, and for msgid/msgstr pairs whose leading or trailing
    newlines disagree (msgfmt's ``'msgid' and 'msgstr' entries do not both
    end with '\\n'``).
    """
    if text.startswith(_BOM):
        log.warning("%s: skipping a byte order mark (GNU gettext rejects it)", path)
        text = text[1:]
    if not text.strip():
        raise PoSyntaxError(path, 1, "empty file")
    _check_entry_count(text, path)
    _charset, codec = _declared_codec(text.encode("utf-8", "replace"), path)
    messages = _Parser(tokenize(text, path, codec), path).messages()
    _check_duplicates(messages, path)
    _check_newlines(messages, path)
    _check_translation_sizes(messages, path)
    return _to_pofile(messages)


def _check_entry_count(text: str, path: str) -> None:
    """Refuse a catalog of more than MAX_ENTRIES entries before it is parsed."""
    count = 0
    for match in _ENTRY_RE.finditer(text):
        count += 1
        if count > MAX_ENTRIES:
            line = text.count("\n", 0, match.start()) + 1
            raise PoSyntaxError(path, line, f"more than {MAX_ENTRIES:,} entries (this is entry {count:,}); "
                                "a real catalog has far fewer", "check that it is the right file; it is not read")


def translation_limit(msgid: str) -> int:
    """The longest translation of ``msgid`` that is read."""
    return min(MAX_TRANSLATION, max(1_000, 4 * len(msgid)))


def _check_translation_sizes(messages: list[_Message], path: str) -> None:
    """Refuse a translation too long or with too many link brackets for its source, before it is
    ever rendered (a 1 MB translation took minutes)."""
    total = 0
    for msg in messages:
        if msg.is_header:
            continue
        for text in msg.msgstr:
            limit = translation_limit(msg.msgid)
            brackets = min(MAX_BRACKETS, MAX_BRACKET_SCAN // max(len(text), 1))
            problem = (f"a translation of {len(text):,} characters, for a source of {len(msg.msgid):,} (at most "
                       f"{limit:,} here)" if len(text) > limit else
                       f"a translation with {text.count('['):,} link brackets [ (at most {brackets:,}" +
                       (f" in {len(text):,} characters)" if brackets < MAX_BRACKETS else ")")
                       if text.count("[") > brackets else None)
            if problem:
                raise PoSyntaxError(path, msg.msgstr_line or msg.msgid_line, problem,
                                    "shorten it to what its source says; the catalog is left as it is, not used")
            total += text.count("[")
            if total > MAX_BRACKETS_CATALOG:
                raise PoSyntaxError(path, msg.msgstr_line or msg.msgid_line, f"the translations have more than "
                                    f"{MAX_BRACKETS_CATALOG:,} link brackets [ in all (this entry goes over)",
                                    "remove the brackets that are not links; the catalog is left as it is")


def _sniff_charset(data: bytes) -> str | None:
    """The charset named in the Content-Type of the first entry (the header)."""
    return _find_charset(data)[0]


def _find_charset(data: bytes) -> tuple[str | None, int]:
    """The charset named in the Content-Type of the first entry (the header), and its offset."""
    first = re.search(rb"(?m)^[ \t]*msgid[ \t]", data)
    if first is None:
        return None, 0
    end = data.find(b"\n\n", first.start())
    match = _CHARSET_RE.search(data, first.start(), end if end >= 0 else len(data))
    if match is None:
        return None, 0
    name = match.group(1).decode("ascii", "replace")
    return (None if name == "CHARSET" else name), match.start()


#: Python codecs that are no charset: Python's own escapes and transformations.
_NOT_CHARSETS = frozenset({"charmap", "idna", "punycode", "raw-unicode-escape", "unicode-escape", "undefined"})
#: What a PO file's syntax is written in: these bytes must mean the same in its charset.
_ASCII_SAMPLE = bytes(range(0x20, 0x7F)) + b"\t\n\r"


def _usable(charset: str) -> tuple[str | None, str]:
    """The Python codec for a PO charset, or None and why it cannot be one.

    A PO file's charset must be a text encoding in which ASCII bytes are ASCII (GNU gettext
    reads the keywords, quotes and escapes byte by byte before converting), as every charset
    GNU calls portable is: UTF-8, ISO-8859-x, KOI8-x, CPnnn, EUC-xx, BIG5, GBK, GB18030,
    SHIFT_JIS… (and their other names, e.g. latin1, utf8)."""
    try:
        info = codecs.lookup(charset)
    except (LookupError, ValueError):  # ValueError: a NUL in the name
        return None, "is not an encoding this tool knows"
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        return None, "is a transformation, not a text encoding"
    try:
        same = _ASCII_SAMPLE.decode(info.name) == _ASCII_SAMPLE.decode("ascii")
    except Exception:  # a codec that cannot even read ASCII
        same = False
    if not same:
        return None, "does not keep ASCII bytes as ASCII, as a PO file must"
    return info.name, ""


def _declared_codec(data: bytes, path: str) -> tuple[str | None, str]:
    """The charset the header declares and the codec that reads it (UTF-8 when none).

    Raises PoSyntaxError naming the header's line when the charset is not one a PO file can be
    written in: an unknown name, a transformation (base64, rot13, hex, zlib), or an encoding
    whose ASCII is not ASCII (UTF-16, UTF-32, UTF-7, EBCDIC).  GNU ``msgfmt`` only warns
    ("not a portable encoding name") and reads the bytes unconverted; we would have to guess
    what the translator's text is, so the catalog is not used and the translator is told."""
    charset, offset = _find_charset(data)
    if charset is None:
        return None, "utf-8"
    codec, why = _usable(charset)
    if codec is None:
        shown = "".join(ch if ch.isprintable() else "?" for ch in charset[:40]) + ("…" if len(charset) > 40 else "")
        raise PoSyntaxError(path, data.count(b"\n", 0, offset) + 1,
                            f"the header declares charset={shown}, which {why}",
                            "declare charset=UTF-8 in the Content-Type line and save the file as UTF-8 "
                            "(or re-export it from your translation tool)")
    return charset, codec


def _wide_encoding(data: bytes) -> str | None:
    """UTF-16 or UTF-32, when the bytes are (by their byte order mark or their NULs)."""
    for bom, name in ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
                      (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16")):
        if data.startswith(bom):
            return name
    head = data[:64]  # ASCII in UTF-16 is every other byte NUL, in UTF-32 three bytes in four
    nuls = head.count(b"\0")
    return "UTF-32" if nuls * 8 >= len(head) * 5 else "UTF-16" if nuls * 4 >= len(head) else None


def python_codec(charset: str | None) -> str:
    """A Python codec for a PO charset name (UTF-8 when unknown, or not a charset)."""
    if charset:
        codec, why = _usable(charset)
        if codec is not None:
            return codec
        log.warning("charset %r %s, reading as UTF-8", charset, why)
    return "utf-8"


# ----------------------------------------------------------- parser

@dataclass
class _Message:
    """One entry as GNU reads it, before it becomes a polib.POEntry."""

    comments: list[Token]
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    prev_msgctxt: str | None = None
    prev_msgid: str | None = None
    prev_msgid_plural: str | None = None
    obsolete: bool = False
    msgid_line: int = 0
    msgstr_line: int = 0

    @property
    def is_header(self) -> bool:
        return self.msgctxt is None and self.msgid == "" and not self.obsolete


class _Parser:
    """GNU po-gram.y over the token list: comments, then one message."""

    def __init__(self, tokens: list[Token], path: str) -> None:
        self.tokens = tokens
        self.path = path
        self.pos = 0

    def messages(self) -> list[_Message]:
        result: list[_Message] = []
        comments: list[Token] = []
        while self.pos < len(self.tokens):
            token = self.tokens[self.pos]
            if token.kind == "comment":
                comments.append(token)
                self.pos += 1
            elif token.kind == "keyword" and token.value == "domain":
                raise self.error(token, "'domain' directives are not supported")
            elif token.kind == "keyword" and token.value in ("msgctxt", "msgid"):
                result.append(self.message(comments))
                comments = []
            else:
                raise self.error(token, f"syntax error: {self.describe(token)} outside an entry")
        return result

    def message(self, comments: list[Token]) -> _Message:
        start = self.pos
        msg = _Message(comments)
        if self.at("msgctxt", previous=True):
            msg.prev_msgctxt = self.strings_after(previous=True)
        if self.at("msgid", previous=True):
            msg.prev_msgid = self.strings_after(previous=True)
            if self.at("msgid_plural", previous=True):
                msg.prev_msgid_plural = self.strings_after(previous=True)
        if self.at("msgctxt"):
            msg.msgctxt = self.strings_after()
        msg.msgid_line = self.expect("msgid").line
        msg.msgid = self.strings()
        if self.at("msgid_plural"):
            msg.msgid_plural = self.strings_after()
            self.plural_forms(msg)
        else:
            msg.msgstr_line = self.expect("msgstr").line
            if self.peek_kind() == "[":
                raise self.error(self.tokens[self.pos], "missing 'msgid_plural' section")
            msg.msgstr = [self.strings()]
        msg.obsolete = self.tokens[start].obsolete
        self.check_obsolete(start)
        return msg

    def plural_forms(self, msg: _Message) -> None:
        while self.at("msgstr"):
            keyword = self.expect("msgstr")
            msg.msgstr_line = msg.msgstr_line or keyword.line
            self.expect_kind("[")
            index = self.expect_kind("number")
            self.expect_kind("]")
            digits = index.value.lstrip("0") or "0"
            if len(digits) > 18 or int(digits) != len(msg.msgstr):  # GNU: atol, clamped
                raise self.error(index, "plural form has wrong index")
            msg.msgstr.append(self.strings())
        if not msg.msgstr:
            raise self.error(self.current_or_last(), "missing 'msgstr[]' section")

    def check_obsolete(self, start: int) -> None:
        first = self.tokens[start].obsolete
        for token in self.tokens[start:self.pos]:
            if token.obsolete != first:
                raise self.error(token, "inconsistent use of #~")

    # helpers ---------------------------------------------------------
    def at(self, keyword: str, previous: bool = False) -> bool:
        if self.pos >= len(self.tokens):
            return False
        token = self.tokens[self.pos]
        return token.kind == "keyword" and token.value == keyword and token.previous == previous

    def peek_kind(self) -> str | None:
        return self.tokens[self.pos].kind if self.pos < len(self.tokens) else None

    def expect(self, keyword: str) -> Token:
        if not self.at(keyword):
            raise self.error(self.current_or_last(),
                             f"syntax error: expected '{keyword}', found {self.describe_current()}")
        self.pos += 1
        return self.tokens[self.pos - 1]

    def expect_kind(self, kind: str) -> Token:
        if self.peek_kind() != kind:
            raise self.error(self.current_or_last(),
                             f"syntax error: expected {kind!r}, found {self.describe_current()}")
        self.pos += 1
        return self.tokens[self.pos - 1]

    def strings_after(self, previous: bool = False) -> str:
        """Skip the keyword at hand and read its strings."""
        self.pos += 1
        return self.strings(previous)

    def strings(self, previous: bool = False) -> str:
        """One or more adjacent string literals, concatenated."""
        parts = []
        while (self.peek_kind() == "string"
               and self.tokens[self.pos].previous == previous):
            parts.append(self.tokens[self.pos].value)
            self.pos += 1
        if not parts:
            raise self.error(self.current_or_last(),
                             f"syntax error: expected a string, found {self.describe_current()}")
        return "".join(parts)

    def current_or_last(self) -> Token:
        return self.tokens[min(self.pos, len(self.tokens) - 1)]

    def describe_current(self) -> str:
        if self.pos >= len(self.tokens):
            return "the end of the file"
        return self.describe(self.tokens[self.pos])

    @staticmethod
    def describe(token: Token) -> str:
        prefix = "#| " if token.previous else ""
        if token.kind == "string":
            return "a string"
        return f"'{prefix}{token.value}'" if token.kind != "comment" else "a comment"

    def error(self, token: Token, message: str) -> PoSyntaxError:
        return PoSyntaxError(self.path, token.line, message)


def _check_duplicates(messages: list[_Message], path: str) -> None:
    """GNU refuses two entries with the same msgctxt and msgid (obsolete or not)."""
    seen: dict[tuple[str | None, str], _Message] = {}
    for msg in messages:
        key = (msg.msgctxt, msg.msgid)
        if key in seen:
            raise PoSyntaxError(path, msg.msgid_line, "duplicate message definition "
                                f"(first defined at line {seen[key].msgid_line})")
        seen[key] = msg


def _check_newlines(messages: list[_Message], path: str) -> None:
    """msgfmt's check that msgid and msgstr agree on leading/trailing '\\n'.

    Like msgfmt, only translated, non-fuzzy, non-obsolete entries are
    checked, and the error points at the msgstr line.
    """
    for msg in messages:
        if msg.obsolete or not msg.msgid or not msg.msgstr[0] or _flags_of(msg).fuzzy:
            continue
        problem = _newline_problem(msg)
        if problem:
            raise PoSyntaxError(path, msg.msgstr_line, problem)


def _newline_problem(msg: _Message) -> str | None:
    plural = msg.msgid_plural is not None
    for where, test in (("begin", lambda s: s[:1] == "\n"), ("end", lambda s: s[-1:] == "\n")):
        expected = test(msg.msgid)
        if plural and test(msg.msgid_plural) != expected:
            return f"'msgid' and 'msgid_plural' entries do not both {where} with '\\n'"
        for index, msgstr in enumerate(msg.msgstr):
            if test(msgstr) != expected:
                name = f"msgstr[{index}]" if plural else "msgstr"
                return f"'msgid' and '{name}' entries do not both {where} with '\\n'"
    return None


# -------------------------------------------------- comments, header

@dataclass
class _Comments:
    """The comment lines of one entry, sorted by kind."""

    translator: list[str] = field(default_factory=list)
    extracted: list[str] = field(default_factory=list)
    references: list[tuple[str, int | None]] = field(default_factory=list)
    flags: str = ""  # the last "#," line wins, as in GNU gettext 0.21


def _sort_comments(tokens: list[Token]) -> _Comments:
    """Dispatch comment lines like GNU's po_callback_comment_dispatcher."""
    result = _Comments()
    for token in tokens:
        text = token.value
        if text.startswith("."):
            result.extracted.append(_strip_one_space(text[1:]))
        elif text.startswith(":"):
            _add_references(result.references, _parse_references(text[1:]))
        elif text.startswith((",", "!")):
            result.flags = text[1:]
        elif (solaris := _parse_solaris_reference(text)) is not None:
            _add_references(result.references, [solaris])
        else:
            result.translator.append(_strip_one_space(text))
    return result


def _strip_one_space(text: str) -> str:
    return text[1:] if text.startswith(" ") else text


def _add_references(known: list[tuple[str, int | None]], new: Iterable[tuple[str, int | None]]) -> None:
    for ref in new:
        if ref not in known:  # GNU keeps each file position once
            known.append(ref)


_REFERENCE_WORD = re.compile(r"[^ \t]+")
_SPACED_LINE = re.compile(r"[ \t]*:[ \t]*([0-9]+)(?=[ \t]|$)")
_LINE_AFTER_COLON = re.compile(r"[ \t]*([0-9]+)(?=[ \t]|$)")


def _line_number(digits: str) -> int | None:
    """A reference's line number as GNU reads it: a size_t, so modulo 2**64, where 2**64 - 1
    means "no line" (computed without Python's int() of thousands of digits, which raises)."""
    number = 0
    for start in range(0, len(digits), 1000):
        chunk = digits[start:start + 1000]
        number = (number * 10 ** len(chunk) + int(chunk)) % 2**64
    return None if number == 2**64 - 1 else number


def _parse_references(text: str) -> list[tuple[str, int | None]]:
    """GNU po_parse_comment_filepos: "file:12", "file :12", "file: 12", "file"."""
    refs: list[tuple[str, int | None]] = []
    pos = 0
    while (word := _REFERENCE_WORD.search(text, pos)) is not None:
        name, pos = word.group(), word.end()
        match = _SPACED_LINE.match(text, pos)
        if match is None and name.endswith(":"):
            match = _LINE_AFTER_COLON.match(text, pos)
            name = name[:-1] if match else name
        if match:
            refs.append((name, _line_number(match.group(1))))
            pos = match.end()
            continue
        joined = re.fullmatch(r"(.+):([0-9]+)", name, re.S)
        refs.append((joined.group(1), _line_number(joined.group(2))) if joined else (name, None))
    return refs


def _parse_solaris_reference(text: str) -> tuple[str, int] | None:
    """Sun-style "# File: name, line: 12" comments are references too."""
    match = re.fullmatch(r" [Ff]ile:[ \t]*(.*?)[ \t]*,[ \t]*line[ \t]*(?:number[ \t]*)?:([0-9]+)[ \t\n]*",
                         text, re.S)
    return (match.group(1), _line_number(match.group(2))) if match else None


def _flags_of(msg: _Message) -> Flags:
    return Flags.parse(_sort_comments(msg.comments).flags)


def _to_pofile(messages: list[_Message]) -> Catalog:
    po = Catalog(wrapwidth=PAGE_WIDTH)
    header = next((msg for msg in messages if msg.is_header), None)
    for msg in messages:
        if msg is not header:
            po.append(_to_entry(msg))
    if header is not None:
        _attach_header(po, _to_entry(header))
    po.encoding = python_codec(header_charset(po))
    return po


def _to_entry(msg: _Message) -> Entry:
    comments = _sort_comments(msg.comments)
    plural = msg.msgid_plural is not None
    return Entry(
        msgid=msg.msgid,
        msgctxt=msg.msgctxt,
        msgid_plural=msg.msgid_plural or "",
        msgstr="" if plural else msg.msgstr[0],
        msgstr_plural=dict(enumerate(msg.msgstr)) if plural else {},
        obsolete=msg.obsolete,
        tcomment="\n".join(comments.translator),
        comment="\n".join(comments.extracted),
        occurrences=[(name, "" if line is None else str(line)) for name, line in comments.references],
        flags=flag_words(comments.flags),
        previous_msgctxt=msg.prev_msgctxt,
        previous_msgid=msg.prev_msgid,
        previous_msgid_plural=msg.prev_msgid_plural,
        linenum=msg.msgid_line,
        as_read=CommentLines(tuple(comments.translator), tuple(comments.extracted)),
    )


def _attach_header(po: Catalog, entry: Entry) -> None:
    """Fill polib's header fields and keep the exact header entry aside."""
    po.header = entry.tcomment
    po.metadata = _parse_metadata(entry.msgstr)
    po.metadata_is_fuzzy = list(entry.flags)
    po.header_as_read = HeaderAsRead(entry, _header_snapshot(po))


def _parse_metadata(msgstr: str) -> dict[str, str]:
    """polib's reading of the header msgstr ("Key: value" lines)."""
    metadata: dict[str, str] = {}
    key = None
    for line in msgstr.splitlines():
        if ":" in line:
            key, value = line.split(":", 1)
            metadata[key] = value.strip()
        elif key is not None:
            metadata[key] += "\n" + line.strip()
    return metadata


def _header_snapshot(po: polib.POFile) -> tuple:
    """polib's header fields, to tell later whether someone changed them."""
    fuzzy = po.metadata_is_fuzzy
    return po.header, list(po.metadata.items()), list(fuzzy) if isinstance(fuzzy, list) else fuzzy


def header_entry(po: polib.POFile) -> polib.POEntry | None:
    """The header as read (if polib's header fields were left alone), else
    one rebuilt from ``po.header``, ``po.metadata`` and ``po.metadata_is_fuzzy``."""
    kept = po.header_as_read if isinstance(po, Catalog) else None
    if kept is not None and kept.fields == _header_snapshot(po):
        return kept.entry
    fuzzy = po.metadata_is_fuzzy
    if not (po.header or po.metadata or fuzzy):
        return None
    flags = list(fuzzy) if isinstance(fuzzy, list) else (["fuzzy"] if fuzzy else [])
    msgstr = "".join(f"{key}: {value}\n" for key, value in po.metadata.items())
    return polib.POEntry(msgid="", msgstr=msgstr, tcomment=po.header or "", flags=flags)


def header_charset(po: polib.POFile, header: polib.POEntry | None = None) -> str:
    """The charset named in the header msgstr ("ASCII" when none, like GNU)."""
    header = header if header is not None else header_entry(po)
    match = re.search(r"charset=([^ \t\n]*)", header.msgstr if header is not None else "")
    if match is None or match.group(1) == "CHARSET":
        return "ASCII"
    return match.group(1)
