"""Checks of a translation against its source, each a small function.

Translations come from outside the office.  A translation that would add a
link, an image or markup the source does not have is not published: the
source text stands in its place and the finding names the PO file and line.
"""

from __future__ import annotations

import re

_INLINE_URL = re.compile(r"\]\(\s*<?((?:[^()\s<>]|\([^()\s]*\))*)")  # one level of (…) inside
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.\-]*:[^>\s]*)>")
#: Python-Markdown's e-mail autolink, <name@example.org> (its AUTOMAIL_RE): it becomes a mailto: link.
_AUTOMAIL = re.compile(r"<(?:mailto:)?([^<>!\s]+@[^@<>\s]+)>", re.I)
_REFERENCE = re.compile(r"^\s*\[[^\]]+\]:\s*(\S+)", re.M)
_IMAGE = re.compile(r"!\[")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?>")


def urls(text: str) -> set[str]:
    """Every URL a Markdown text links to (inline links and images, autolinks, e-mail autolinks as
    ``mailto:`` URLs, reference lines)."""
    found = {m.strip() for pattern in (_INLINE_URL, _AUTOLINK, _REFERENCE) for m in pattern.findall(text)}
    found -= {m.group(0)[1:-1] for m in _AUTOMAIL.finditer(text)}  # <mailto:x@y> is counted once, below
    return found | {"mailto:" + address for address in _AUTOMAIL.findall(text)}


def new_urls(msgid: str, msgstr: str) -> set[str]:
    """URLs the translation has that the source does not."""
    return urls(msgstr) - urls(msgid)


def added_images(msgid: str, msgstr: str) -> bool:
    return len(_IMAGE.findall(msgstr)) > len(_IMAGE.findall(msgid))


def raw_html(msgid: str, msgstr: str) -> list[str]:
    """HTML tags in the translation that are not in the source (they are shown as text)."""
    source = set(m.group(0) for m in _TAG.finditer(msgid))
    return [m.group(0) for m in _TAG.finditer(msgstr) if m.group(0) not in source]


def rejection(msgid: str, msgstr: str) -> str | None:
    """Why a translation must not be published, or None if it may be."""
    added = new_urls(msgid, msgstr)
    if added:
        return f"the translation links to {', '.join(sorted(added))}, which the source does not; " \
               "links must be the source's own"
    if added_images(msgid, msgstr):
        return "the translation adds an image the source does not have"
    return None
