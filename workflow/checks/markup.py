"""What a translation may not do to the source's markup: links, images, HTML, inline structure.

Two severities meet here.  A translation that would *add* a link, an image, a URL or a control
character the source does not have is unsafe: it is never published, not even in a draft, and
the source text stands in (:func:`rejection`, the rule the build applied before the checks
existed).  A translation that *loses* something — a link's URL, a bold span, a closing ``**`` —
is wrong but harmless: an error that keeps the edition a draft.  Both are judged on what
Python-Markdown really renders (:mod:`workflow.checks.text`), not on a regex of the Markdown,
so a form the patterns miss cannot slip past.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

from workflow.checks import characters as _characters
from workflow.checks import text as _text
from workflow.checks.base import MEMO, Entry, Problem, Severity, check, excerpt

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
                self.urls.add(browser_url(value))


def browser_url(value: str) -> str:
    """A URL as a browser's URL parser reads it: tabs and newlines removed, C0 and spaces trimmed."""
    return _URL_NOISE.sub("", value).strip(_URL_TRIMMED)


@dataclass(frozen=True)
class Rendered:
    urls: frozenset[str]
    images: int


@functools.lru_cache(maxsize=MEMO)
def rendered(text: str, references: tuple = ()) -> Rendered:
    """The links and images ``text`` makes once put in a paragraph the way the pipeline puts a
    translation (the block is parsed from the source, then the text goes through inline Markdown,
    with the release's link definitions, ``references``)."""
    links = _Links()
    links.feed(_text.html(text, references))
    links.close()
    return Rendered(frozenset(links.urls), links.images)


def urls(text: str) -> set[str]:
    """Every URL a Markdown text links to (inline links and images, autolinks, e-mail autolinks as
    ``mailto:`` URLs, reference lines)."""
    found = {m.strip() for pattern in (_INLINE_URL, _AUTOLINK, _REFERENCE) for m in pattern.findall(text)}
    found -= {m.group(0)[1:-1] for m in _AUTOMAIL.finditer(text)}  # <mailto:x@y> is counted once, below
    return found | {"mailto:" + address for address in _AUTOMAIL.findall(text)}


def new_urls(msgid: str, msgstr: str, references: tuple = ()) -> set[str]:
    """URLs the translation has that the source does not: as written in the Markdown, and as
    Python-Markdown really renders them with the release's link definitions (which catches every
    form the patterns miss, ``[text][name]`` and ``[name]`` included)."""
    return (urls(msgstr) | rendered(msgstr, references).urls) - (urls(msgid) | rendered(msgid, references).urls)


def added_images(msgid: str, msgstr: str, references: tuple = ()) -> bool:
    return (len(_IMAGE.findall(msgstr)) > len(_IMAGE.findall(msgid))
            or rendered(msgstr, references).images > rendered(msgid, references).images)


#: An address typed as text, as PDF viewers (pdf.js, Acrobat) and mail programs find one to make it
#: a link: a scheme and ``://``, ``www.``, ``mailto:`` or name@domain.  Read after NFKC (fullwidth
#: ｗｗｗ．is www.) with invisible characters removed; no ``\b``: Khmer letters are word characters,
#: so ``មើលwww.x.org`` has no word boundary before ``www``, yet a viewer finds the address.
_TYPED = re.compile(r"(?<![A-Za-z0-9+.-])(?:[A-Za-z][A-Za-z0-9+.-]{0,20}://|www\.|mailto:)[^\s<>\"“”«»]{1,2000}"
                    r"|[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}"
                    # A bare domain: with a path, port, query or fragment after it (``bit.ly/x``), or
                    # ending in a common top-level domain (``evil.com``): chat and mail programs, and
                    # some viewers, make either a link.
                    r"|(?<![A-Za-z0-9@._%+/-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}"
                    r"(?:[A-Za-z]{2,24}(?=[/?#]|:[0-9])[^\s<>\"“”«»]{0,2000}"
                    r"|(?:com|org|net|gov|edu|int|info|io|ly|kh|fr|be|eu|co|me|app|xyz|site|online|link|gl|to|cc)"
                    r"(?![A-Za-z0-9-]))", re.I)
_SCHEME = re.compile(r"^(?:[a-z][a-z0-9+.-]{0,20}://|mailto:)", re.I)


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKC", "".join(ch for ch in text if unicodedata.category(ch) != "Cf"))


def _trimmed(address: str) -> str:
    """An address without the sentence's punctuation after it ("www.x.org." ends a sentence)."""
    address = address.strip()
    while address and (unicodedata.category(address[-1])[0] in "PZS" and address[-1] not in "/#=&"):
        address = address[:-1]
    return address


def _address_key(address: str) -> str:
    """An address as compared: without its scheme, trailing punctuation and slash, in lowercase
    (``https://www.x.org/`` and ``www.x.org`` are one address; ``www.y.org`` another)."""
    return _SCHEME.sub("", _trimmed(address)).rstrip("/").lower()


def addresses(text: str) -> dict[str, str]:
    """The addresses typed in ``text``: key → as typed.

    >>> addresses("Voir www.mfaic.gov.kh. Écrire à info@mfaic.gov.kh ou https://x.org/a?b=1 ;")
    {'www.mfaic.gov.kh': 'www.mfaic.gov.kh', 'info@mfaic.gov.kh': 'info@mfaic.gov.kh', 'x.org/a?b=1': 'https://x.org/a?b=1'}
    >>> sorted(addresses("Voir evil.example/path, bit.ly/x ou mfaic.gov.kh ; pas 1.5, e.g. ni M. Prak."))
    ['bit.ly/x', 'evil.example/path', 'mfaic.gov.kh']
    """
    return {_address_key(m.group(0)): _trimmed(m.group(0)) for m in _TYPED.finditer(_plain(text))}


def typed_addresses(msgid: str, msgstr: str, references: tuple = ()) -> list[str]:
    """Addresses (URLs, ``www.``, e-mail) the translation shows as text that the source has nowhere:
    not as text, not as a link.  A PDF viewer makes them links, WeasyPrint or not."""
    source = _text.view(msgid, references)
    target = _text.view(msgstr, references)
    known = set(addresses(msgid)) | set(addresses(source.text))
    known |= {_address_key(u) for u in source.hrefs} | {_address_key(u) for u in urls(msgid)}
    shown = addresses(msgstr) | addresses(target.text)
    return sorted(typed for key, typed in shown.items() if key and key not in known)


def raw_html(msgid: str, msgstr: str) -> list[str]:
    """HTML tags in the translation that are not in the source (they are shown as text)."""
    source = set(m.group(0) for m in _TAG.finditer(msgid))
    return [m.group(0) for m in _TAG.finditer(msgstr) if m.group(0) not in source]


@functools.lru_cache(maxsize=MEMO)
def rejection(msgid: str, msgstr: str, references: tuple = ()) -> str | None:
    """Why a translation must not be published, or None if it may be.

    Remembered (a function of its arguments alone): the checks ask it of each entry, then the
    review page's counts (``workflow.catalog.stats``) ask it again of every translated entry."""
    character = _characters.refused(msgid, msgstr)
    if character:
        return character
    brackets = msgstr.count("[")
    if brackets > max(_text.MAX_BRACKETS, msgid.count("[")):
        return f"the translation holds {brackets:,} '[' (at most {_text.MAX_BRACKETS:,}): " \
               "Markdown cannot render that many in reasonable time"
    added = new_urls(msgid, msgstr, references)
    if added:
        return f"the translation links to {', '.join(sorted(added))}, which the source does not; " \
               "links must be the source's own"
    if added_images(msgid, msgstr, references):
        return "the translation adds an image the source does not have"
    typed = typed_addresses(msgid, msgstr, references)
    if typed:
        return f"the translation types the address {', '.join(typed)}, which the source does not have " \
               "(PDF viewers and mail programs make it a link); a translation cannot add a URL"
    return None


@check("unsafe")
def unsafe(entry: Entry) -> Iterator[Problem]:
    """A translation that adds a link, a URL (typed as text too), an image, or an invisible, control or undrawable character is never published."""
    reason = rejection(entry.msgid, entry.msgstr, entry.references)
    if reason:
        yield Problem("unsafe", Severity.REJECT, f"{reason}; the source text is published instead")


@check("raw-html")
def raw_html_tags(entry: Entry) -> Iterator[Problem]:
    """HTML is shown as text, never as markup: write Markdown (**bold**, *italic*, [text](url))."""
    tags = raw_html(entry.msgid, entry.msgstr)
    if tags:
        shown = ", ".join(dict.fromkeys(tags))
        yield Problem("raw-html", Severity.ERROR,
                      f"raw HTML {shown} is shown as text, not as markup; use Markdown instead (**bold**, *italic*)")


_NAMES = {"strong": "bold (**…**)", "em": "italic (*…*)", "code": "code (`…`)", "br": "hard line break(s)"}
_BR_KIND = "the translation has more or fewer hard line breaks than the source: keep them where the source has them"
#: Markers that should have become markup: a leftover one did not render.
_MARKERS = (("**", "**"), ("__", "__"), ("`", "`"), ("*", "*"))


@check("markup")
def markup(entry: Entry) -> Iterator[Problem]:
    """The translation has the source's inline Markdown: as many bold, italic, code spans (and hard breaks), none left unclosed."""
    src, tgt = entry.source, entry.target
    if not (src.rendered and tgt.rendered):
        return
    for tag, name in _NAMES.items():
        if src.tags[tag] != tgt.tags[tag]:
            # A line broken elsewhere changes the layout, not what the text says.
            severity = Severity.WARNING if tag == "br" else Severity.ERROR
            yield Problem("markup", severity, f"the source has {src.tags[tag]} {name}, the translation "
                          f"{tgt.tags[tag]}: keep the source's markup around the matching words",
                          kind=_BR_KIND if tag == "br" else "")
    yield from _leftover_markers(src.text, tgt.text)


def _leftover_markers(source: str, target: str) -> Iterator[Problem]:
    """A marker shown as text in the translation more often than in the source did not render."""
    for marker, shown in _MARKERS:
        extra = target.count(marker) - source.count(marker)
        if extra > 0:
            at = target.find(marker)
            yield Problem("markup", Severity.ERROR, f"an unbalanced {shown} is shown as text in "
                          f"{excerpt(target, at, at + len(marker))}: close it or remove it")
            return  # one leftover ** is also two leftover *: say it once


_LITERAL_LINK = re.compile(r"\[[^\[\]\n]{1,200}\]")


@check("links")
def links(entry: Entry) -> Iterator[Problem]:
    """Every link of the source is in the translation, with the same URL (a link text in [brackets] alone is no link)."""
    src, tgt = entry.source, entry.target
    if not (src.rendered and tgt.rendered):
        return
    kept = {browser_url(u) for u in tgt.hrefs}
    for url in dict.fromkeys(browser_url(u) for u in src.hrefs):
        if url in kept:
            continue
        literal = _LITERAL_LINK.search(tgt.text)
        shown = f"; {excerpt(literal.group(0))} is shown as text" if literal and literal.group(0) not in src.text else ""
        yield Problem("links", Severity.ERROR, f"the link to {url} is missing{shown}: "
                      f"write [the translated text]({url})")
