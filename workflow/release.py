"""Read a release: YAML front matter between ``---`` lines, then Markdown."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Hashable
from dataclasses import dataclass

import yaml

from workflow.lang import locales
from workflow.model import KNOWN_KEYS, REQUIRED_KEYS, Meta, Release, WorkflowError

_FENCE = re.compile(r"^---[ \t]*$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


#: Names a release's file may not have: the files and folders the tool itself makes beside the
#: editions (``output/<lang>/index.html``, ``output/releases.json``, ``output/review/``,
#: ``output/assets/``, ``locale/<lang>/LC_MESSAGES/ui.po``, ``locale/templates/``,
#: ``locale/glossary/``, ``content/issued/``, ``content/approvals.tsv``) and the language folders.
RESERVED_SLUGS = frozenset({"index", "releases", "review", "assets", "ui", "templates", "glossary", "issued",
                            "approvals"} | set(locales.BABEL_LOCALES))
_VERSIONED = re.compile(r"\.v\d+$")  # an earlier version's file: output/<lang>/<slug>.v<N>.html
#: The longest slug: the tool's files add to it (".v12.html", and ".<random>.tmp" while writing),
#: and a file system allows names of 255 bytes.  Real slugs are 30 to 80 characters.
SLUG_MAX = 150

#: What is never text: control characters but tab, line feed and carriage return (no font draws
#: them, and a NUL cannot be written in a PO file), lone surrogates (no UTF-8 file holds one, a
#: YAML escape can: "\\ud800") and noncharacters.
_NOT_A_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
                              "\u202a-\u202e\u2066-\u2069"  # bidi embeddings, overrides, isolates (issue 14)
                              + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}"
                                        for plane in range(17)) + "]")


def _not_text(char: str) -> str:
    code = ord(char)
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        return f"the bidirectional control U+{code:04X}, which reorders the text after it (in the title: on the " \
               "index pages and in the PDF's Title)"
    what = ("a lone surrogate" if 0xD800 <= code <= 0xDFFF else "the control character" if code < 0xA0
            else "the noncharacter")
    return f"{what} U+{code:04X}, which is not text (no font draws it)"


def _check_characters(text: str, path: str) -> None:
    """Refuse a character that is never text, naming its line."""
    found = _NOT_A_CHARACTER.search(text)
    if found:
        raise WorkflowError(path, text.count("\n", 0, found.start()) + 1, f"the line holds {_not_text(found.group())}",
                            "remove it (in a text editor it may show as ^@, ^[, ^L or a box)")


#: YAML types that are never text: with an explicit tag (``!!int 5``) they are kept as written
#: and refused where text or a date is expected, never converted (``!!int`` of 5,000 digits,
#: ``!!binary`` of anything).
_NOT_TEXT = {"int": "a number", "float": "a number", "bool": "true or false", "binary": "binary data",
             "timestamp": "a time stamp"}


@dataclass(frozen=True)
class _Tagged:
    """A scalar with an explicit YAML tag that is not text, as written."""

    tag: str
    value: str

    def __str__(self) -> str:
        return self.value


class _Loader(yaml.SafeLoader):
    """YAML's safe loader, with every plain scalar read as the text it is (``title: 2024``,
    ``title: yes`` and ``reference: 0123`` stay as written, and a bad date gets our own
    message); only an empty value or ``~``/``null`` is nothing."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag in ("tag:yaml.org,2002:null", "tag:yaml.org,2002:merge")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _tagged(name: str):
    def construct(loader: _Loader, node: yaml.Node) -> _Tagged:
        return _Tagged(name, loader.construct_scalar(node))
    return construct


for _name in _NOT_TEXT:
    _Loader.add_constructor(f"tag:yaml.org,2002:{_name}", _tagged(_name))


def _load(front: list[str]) -> tuple[object, dict[object, list[int]]]:
    """The front matter's value, and the lines of each top-level key (two when it is given twice).

    The front matter starts on line 2 of the file."""
    loader = _Loader("\n".join(front))
    try:
        node = loader.get_single_node()
        lines: dict[object, list[int]] = {}
        if isinstance(node, yaml.MappingNode):
            for key, _value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                    name = loader.construct_object(key)
                    if isinstance(name, Hashable):  # not: the mapping's construction says so, as YAML
                        lines.setdefault(name, []).append(key.start_mark.line + 2)
        return (loader.construct_document(node) if node is not None else None), lines
    finally:
        loader.dispose()


def _split(text: str, path: str) -> tuple[list[str], list[str], int]:
    """Split a file's lines into front-matter lines, body lines and the body's first line number."""
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]):
        raise WorkflowError(path, 1, "the file does not start with front matter",
                            "put '---', then title:, date: and lang:, then '---' at the top")
    for number, line in enumerate(lines[1:], start=2):
        if _FENCE.match(line):
            return lines[1:number - 1], lines[number:], number + 1
    raise WorkflowError(path, 1, "the front matter is not closed", "add a line '---' after the last key")


def _key_lines(front: list[str]) -> dict[str, int]:
    """Line number of each top-level key (the front matter starts on line 2)."""
    found = {}
    for number, line in enumerate(front, start=2):
        match = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if match:
            found.setdefault(match.group(1), number)
    return found


def _shown(key) -> str:
    return "'~' (an empty key)" if key is None else _short(str(key), 40)


def _date(value, key: str, path: str, line: int | None) -> _dt.date:
    if isinstance(value, _Tagged) and value.tag == "timestamp":
        # "!!timestamp 2024-02-07" or "!!timestamp 2024-02-07 10:00:00": its day
        match = re.match(r"^\s*(\d{4}-\d{2}-\d{2})(?:[Tt ]|\s*$)", value.value)
        value = match.group(1) if match else value.value
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return _dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    if isinstance(value, _Tagged):
        raise WorkflowError(path, line, f"{key}: the tag !!{value.tag} makes {_short(value.value)} "
                            f"{_NOT_TEXT[value.tag]}, not a date", f"remove '!!{value.tag}' and write the date "
                            "as YYYY-MM-DD, e.g. 2024-02-07")
    if not isinstance(value, str):
        raise WorkflowError(path, line, f"{key}: expected a date, found {_kind(value)}",
                            "write it as YYYY-MM-DD, e.g. 2024-02-07")
    raise WorkflowError(path, line, f"{key}: {_short(value)} is not a date", "write it as YYYY-MM-DD, e.g. 2024-02-07")


def _short(text: str, limit: int = 60) -> str:
    """A value as a message quotes it: at most ``limit`` characters of it."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _kind(value) -> str:
    return {list: "a list", dict: "a mapping", set: "a set"}.get(type(value), type(value).__name__)


def _text(value, key: str, path: str, line: int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        value = " ".join(value.split())  # line breaks and other white space ("\\N", "\\f") are spaces
        found = _NOT_A_CHARACTER.search(value)
        if found:  # written as a YAML escape ("\\0", "\\x1b", "\\ud800")
            raise WorkflowError(path, line, f"{key}: the value holds {_not_text(found.group())}",
                                "remove the escape that makes it")
        return value
    if isinstance(value, _Tagged):
        raise WorkflowError(path, line, f"{key}: the tag !!{value.tag} makes {_short(value.value)} "
                            f"{_NOT_TEXT[value.tag]}, not text", f"remove '!!{value.tag}' (quote the value if "
                            "it should stay as written)")
    raise WorkflowError(path, line, f"{key}: expected text, found {_kind(value)}",
                        "quote the value or write it on one line")


def check_slug(slug: str, path: str) -> None:
    """Refuse a file name that is not a slug, or that the tool's own files use."""
    if _VERSIONED.search(slug):
        raise WorkflowError(path, None, f"the file name {slug!r} ends like an earlier version's file "
                            f"({_VERSIONED.search(slug).group(0)[1:]}: output/<lang>/<slug>.vN.html)",
                            f"rename the file, e.g. to {slug.replace('.', '-')}.md")
    if slug.startswith("."):
        raise WorkflowError(path, None, "a file name starting with '.' is hidden, and not read",
                            f"rename the file without the dot, e.g. to {slug.lstrip('.') or 'a-new-name'}.md")
    if slug in RESERVED_SLUGS:
        raise WorkflowError(path, None, f"the name {slug!r} is reserved: the tool's own files use it "
                            f"(reserved: {', '.join(sorted(RESERVED_SLUGS))})",
                            f"rename the file, e.g. to YYYY-MM-DD-{slug}.md")
    if not _SLUG.match(slug):
        raise WorkflowError(path, None, f"file name {slug!r} is not a valid slug",
                            "use lowercase letters, digits and hyphens, e.g. 2024-02-07-visit.md")
    if len(slug) > SLUG_MAX:
        raise WorkflowError(path, None, f"the file name is {len(slug)} characters long, more than the "
                            f"{SLUG_MAX} the tool's own files leave room for (a file system allows 255, and "
                            "the editions' names add to it)", f"rename the file to a shorter name, e.g. "
                            f"{slug[:40].rstrip('-')}.md")


def parse(text: str, *, path: str, slug: str) -> Release:
    """Parse one release file's text.  Raises WorkflowError naming the line at fault."""
    check_slug(slug, path)
    _check_characters(text, path)
    front, body, body_line = _split(text, path)
    lines = _key_lines(front)
    try:
        data, key_lines = _load(front)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        tabbed = "\t" in problem or (mark is not None and "\t" in (front[mark.line] if mark.line < len(front) else ""))
        hint = "indent with spaces, not tabs" if tabbed else "check the quoting and the colon after each key"
        raise WorkflowError(path, line, f"the front matter is not valid YAML: {problem}", hint) from exc
    except RecursionError as exc:
        raise WorkflowError(path, 2, "the front matter is nested too deeply to be read",
                            "write each key as 'key: value' on one line") from exc
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise WorkflowError(path, 2, "the front matter must be 'key: value' lines")
    for key, found in key_lines.items():
        if isinstance(key, str):
            lines.setdefault(key, found[0])
        if len(found) > 1:
            raise WorkflowError(path, found[1], f"the key {_shown(key)} is given twice (lines {found[0]} and "
                                f"{found[1]})", "keep one of them")
    for key in REQUIRED_KEYS:
        if data.get(key) in (None, ""):
            raise WorkflowError(path, lines.get(key, 1), f"required key {key!r} is missing",
                                f"add '{key}: …' to the front matter (required: {', '.join(REQUIRED_KEYS)})")
    unknown = [key for key in data if not (isinstance(key, str) and key in KNOWN_KEYS)]
    if unknown:
        unknown.sort(key=lambda key: (key_lines.get(key, [len(front) + 2])[0], str(key)))
        first = unknown[0]
        named = ", ".join(_shown(key) for key in unknown[:5]) + (f" and {len(unknown) - 5:,} more" if len(unknown) > 5
                                                                  else "")
        raise WorkflowError(path, key_lines.get(first, [None])[0],
                            f"unknown key{'s' if len(unknown) > 1 else ''} {named}",
                            f"known keys are {', '.join(KNOWN_KEYS)}")
    lang = _text(data["lang"], "lang", path, lines.get("lang"))
    try:
        locales.check(lang)
    except locales.UnknownLanguage as exc:
        raise WorkflowError(path, lines.get("lang"), str(exc)) from exc
    dates = ("date", "issued", "withdrawn")
    values = {key: _text(data.get(key), key, path, lines.get(key)) for key in KNOWN_KEYS if key not in dates + ("lang",)}
    meta = Meta(
        lang=lang,
        date=_date(data["date"], "date", path, lines.get("date")),
        issued=_date(data["issued"], "issued", path, lines.get("issued")) if data.get("issued") else None,
        withdrawn=_date(data["withdrawn"], "withdrawn", path, lines.get("withdrawn")) if data.get("withdrawn") else None,
        **values,
    )
    return Release(slug=slug, path=path, meta=meta, body="\n".join(body),
                   body_line=body_line, field_lines=lines, text=text)


def read(data: bytes, *, path: str, slug: str) -> Release:
    """Decode a release file's bytes (UTF-8, BOM allowed) and parse it."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise WorkflowError(path, line, f"invalid UTF-8 at byte {exc.start}",
                            "save the file as UTF-8 in your editor") from exc
    return parse(text.replace("\r\n", "\n"), path=path, slug=slug)
