"""Read a release: YAML front matter between ``---`` lines, then Markdown."""

from __future__ import annotations

import datetime as _dt
import re

import yaml

from workflow.lang import locales
from workflow.model import KNOWN_KEYS, REQUIRED_KEYS, Meta, Release, WorkflowError

_FENCE = re.compile(r"^---[ \t]*$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class _Loader(yaml.SafeLoader):
    """YAML's safe loader, leaving dates as text so that a bad date gets our own message."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


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


def _date(value, key: str, path: str, line: int | None) -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return _dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise WorkflowError(path, line, f"{key}: {value!r} is not a date", "write it as YYYY-MM-DD, e.g. 2024-02-07")


def _text(value, key: str, path: str, line: int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, (str, int, float)):
        return " ".join(str(value).split())
    raise WorkflowError(path, line, f"{key}: expected text, found {type(value).__name__}",
                        "quote the value or write it on one line")


def parse(text: str, *, path: str, slug: str) -> Release:
    """Parse one release file's text.  Raises WorkflowError naming the line at fault."""
    if not _SLUG.match(slug):
        raise WorkflowError(path, None, f"file name {slug!r} is not a valid slug",
                            "use lowercase letters, digits and hyphens, e.g. 2024-02-07-visit.md")
    front, body, body_line = _split(text, path)
    lines = _key_lines(front)
    try:
        data = yaml.load("\n".join(front), Loader=_Loader) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        tabbed = "\t" in problem or (mark is not None and "\t" in (front[mark.line] if mark.line < len(front) else ""))
        hint = "indent with spaces, not tabs" if tabbed else "check the quoting and the colon after each key"
        raise WorkflowError(path, line, f"the front matter is not valid YAML: {problem}", hint) from exc
    if not isinstance(data, dict):
        raise WorkflowError(path, 2, "the front matter must be 'key: value' lines")
    for key in REQUIRED_KEYS:
        if data.get(key) in (None, ""):
            raise WorkflowError(path, lines.get(key, 1), f"required key {key!r} is missing",
                                f"add '{key}: …' to the front matter (required: {', '.join(REQUIRED_KEYS)})")
    unknown = sorted(set(data) - set(KNOWN_KEYS))
    if unknown:
        raise WorkflowError(path, lines.get(unknown[0]), f"unknown key {unknown[0]!r}",
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
