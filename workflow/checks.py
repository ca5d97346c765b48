"""Checks of a translation against its source, each a small function.

Translations come from outside the office.  A translation that would add a
link, an image or markup the source does not have is not published: the
source text stands in its place and the finding names the PO file and line.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from workflow import segment

_INLINE_URL = re.compile(r"\]\(\s*<?((?:[^()\s<>]|\([^()\s]*\))*)")  # one level of (…) inside
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.\-]*:[^>\s]*)>")
#: Python-Markdown's e-mail autolink, <name@example.org> (its AUTOMAIL_RE): it becomes a mailto: link.
_AUTOMAIL = re.compile(r"<(?:mailto:)?([^<>!\s]+@[^@<>\s]+)>", re.I)
_REFERENCE = re.compile(r"^\s*\[[^\]]+\]:\s*(\S+)", re.M)
_IMAGE = re.compile(r"!\[")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?>")


#: What a browser's URL parser drops anywhere in a URL, and trims at its ends.
_URL_NOISE = re.compile(r"[\t\n\r]")
_URL_TRIMMED = "".join(map(chr, range(0x21)))


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: set[str] = set()
        self.images = 0

    def handle_starttag(self, tag, attrs):
        self.images += tag == "img"
        for name, value in attrs:
            if name in ("href", "src") and value:
                # As a browser's URL parser reads it: tabs and newlines removed, C0 and spaces trimmed.
                self.urls.add(_URL_NOISE.sub("", value).strip(_URL_TRIMMED))


@dataclass(frozen=True)
class Rendered:
    urls: frozenset[str]
    images: int


@functools.lru_cache(maxsize=4096)
def rendered(text: str) -> Rendered:
    """The links and images ``text`` makes once put in a paragraph the way the pipeline puts a
    translation (the block is parsed from the source, then the text goes through inline Markdown)."""
    links = _Links()
    links.feed(segment.render_body("x", lambda msgid, kind="": text))
    links.close()
    return Rendered(frozenset(links.urls), links.images)


def urls(text: str) -> set[str]:
    """Every URL a Markdown text links to (inline links and images, autolinks, e-mail autolinks as
    ``mailto:`` URLs, reference lines)."""
    found = {m.strip() for pattern in (_INLINE_URL, _AUTOLINK, _REFERENCE) for m in pattern.findall(text)}
    found -= {m.group(0)[1:-1] for m in _AUTOMAIL.finditer(text)}  # <mailto:x@y> is counted once, below
    return found | {"mailto:" + address for address in _AUTOMAIL.findall(text)}


def new_urls(msgid: str, msgstr: str) -> set[str]:
    """URLs the translation has that the source does not: as written in the Markdown, and as
    Python-Markdown really renders them (which catches every form the patterns miss)."""
    return (urls(msgstr) | rendered(msgstr).urls) - (urls(msgid) | rendered(msgid).urls)


def added_images(msgid: str, msgstr: str) -> bool:
    return (len(_IMAGE.findall(msgstr)) > len(_IMAGE.findall(msgid))
            or rendered(msgstr).images > rendered(msgid).images)


def raw_html(msgid: str, msgstr: str) -> list[str]:
    """HTML tags in the translation that are not in the source (they are shown as text)."""
    source = set(m.group(0) for m in _TAG.finditer(msgid))
    return [m.group(0) for m in _TAG.finditer(msgstr) if m.group(0) not in source]


#: Control characters no font draws (tab and line feed are white space).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def rejection(msgid: str, msgstr: str) -> str | None:
    """Why a translation must not be published, or None if it may be."""
    control = _CONTROL.search(msgstr)
    if control and not _CONTROL.search(msgid):
        return f"the translation holds the control character U+{ord(control.group()):04X}, which no font " \
               "can draw; remove it (in a text editor it may show as ^M, ^L or a box)"
    added = new_urls(msgid, msgstr)
    if added:
        return f"the translation links to {', '.join(sorted(added))}, which the source does not; " \
               "links must be the source's own"
    if added_images(msgid, msgstr):
        return "the translation adds an image the source does not have"
    return None
