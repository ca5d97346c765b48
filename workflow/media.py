"""Photos and figures: the images a release shows, checked, published and placed in its pages.

A release shows an image with Markdown's ``![alt text](media/photo.jpg "Caption")``: the file is
``content/media/photo.jpg``.  A paragraph holding nothing but one image becomes a figure
(``<figure><img alt><figcaption>``, made by ``workflow.segment`` in its one traversal): the alt
text and the caption (the image's title; none without one) are segments of the catalogs, so they
are translated like any paragraph.

Every image a release names is checked here before it is published, and each problem is an error
naming the release file and the line of the image, with what to do; the image is then left out of
the editions (the caption stays) and everything else is published:

* only files under ``content/media/``, named by a relative path ``media/…``: no URL with a scheme
  (remote images would be fetched by every reader's browser and refused by the PDF sandbox), no
  absolute path, no ``..``; names of ASCII letters, digits, ``-``, ``_`` and ``.``;
* JPEG, PNG or SVG, the bytes matching the extension (magic bytes, then Pillow reads the header);
* at most :data:`MAX_MEDIA_BYTES` (refused from its size, before it is read, by
  ``fsutil.read_input``, which also refuses pipes, devices and links out of the project), and at
  most :data:`MAX_PIXELS` pixels and :data:`MAX_SIDE` pixels a side, read from the header alone
  (a small file that decompresses to gigabytes is refused without being decoded);
* an SVG is parsed with defusedxml (no DTD, no entity) and must pass a strict allow-list of SVG
  elements and attributes: no script, style sheet, foreign object, embedded image, link, animation
  or event attribute, and every reference (``href``, ``url(…)``) local to the file (``#id``).
  What is published is the checked tree written again, not the bytes as they came.

The images in use are copied, each atomically, to ``output/media/`` (only those referenced; any
other file there is removed), and the pages refer to them as ``../media/…`` (``../../media/…`` from
the review area) with their width and height and a digest of their bytes, so a PDF is typeset
again when its photo changes.  WeasyPrint may read ``output/media/`` beside ``output/assets/``.

An approval covers the bytes of the images an edition shows (``records.Content.media``, their
digests, and a copy in ``content/issued/<slug>/media/<sha256>.<ext>``).  An issued version shows
that copy, published as ``output/media/issued/<sha256>.<ext>`` (:data:`APPROVED`), never today's
file of the same name: replacing ``content/media/photo.jpg`` makes a pending revision (its draft
shows ``output/media/photo.jpg``) and leaves the issued pages and PDFs as they were approved.
"""

from __future__ import annotations

import hashlib
import html
import io
import posixpath
import re
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from html.parser import HTMLParser
from pathlib import Path

from workflow.fsutil import RefusedInput, read_input
from workflow.model import Release

FOLDER = "media"  #: under content/ (the sources) and under output/ (what is published)
APPROVED = "issued"  #: under output/media/: the approved bytes of the issued versions' images, by digest
MAX_MEDIA_BYTES = 20 * 1024 * 1024
#: A 45-megapixel camera's photo is 8,256 × 5,504; a press photo needs far less (3,000 px on its
#: long side is plenty for print).  Beyond these, the file is a mistake or a decompression bomb.
MAX_PIXELS = 50_000_000
MAX_SIDE = 20_000
_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".svg": "SVG"}
#: How each raster format's file begins (the emblem of ``workflow.render`` is checked by it too).
MAGIC = {"JPEG": b"\xff\xd8\xff", "PNG": b"\x89PNG\r\n\x1a\n"}
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*(?:/[A-Za-z0-9_][A-Za-z0-9._-]*)*")
_RESIZE = "resize it (3,000 pixels on its long side is plenty for print), e.g. with Pillow or an image editor"


class MediaError(Exception):
    """Why an image cannot be published, and what to do."""

    def __init__(self, message: str, hint: str):
        super().__init__(f"{message} — {hint}")
        self.message, self.hint = message, hint


@dataclass(frozen=True)
class Media:
    """One checked image, as it is published."""

    name: str  #: its path under content/media/ and output/media/, e.g. "photo.jpg"
    data: bytes  #: the bytes published (an SVG: the checked tree written again)
    width: int | None
    height: int | None

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def media_name(src: str) -> str:
    """The name under content/media/ of an image's ``src`` as a release writes it, or MediaError.

    >>> media_name("media/photos/visit.jpg")
    'photos/visit.jpg'
    >>> media_name("https://example.org/a.jpg")
    Traceback (most recent call last):
    ...
    workflow.media.MediaError: is a remote image (https:): only files in content/media/ are published — download it into content/media/ (if you may publish it) and write media/<its name>
    """
    src = src.strip()
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", src)
    if scheme or src.startswith("//"):
        kind = f"{scheme.group(1).lower()}:" if scheme else "//"
        raise MediaError(f"is a remote image ({kind}): only files in content/{FOLDER}/ are published",
                         f"download it into content/{FOLDER}/ (if you may publish it) and write {FOLDER}/<its name>")
    if src.startswith(("/", "\\")):
        raise MediaError("is an absolute path: images are named from the release, as media/<name>",
                         f"put the file in content/{FOLDER}/ and write {FOLDER}/<its name>")
    parts = src.replace("\\", "/").split("/")
    if ".." in parts or parts[0] != FOLDER or len(parts) < 2:
        raise MediaError(f"is outside content/{FOLDER}/: only images there are published",
                         f"put the file in content/{FOLDER}/ and write {FOLDER}/<its name>")
    name = "/".join(parts[1:])
    if parts[1] == APPROVED and len(parts) > 2:
        raise MediaError(f"is in {FOLDER}/{APPROVED}/, a folder kept for the approved copies of the issued "
                         "versions' images", f"move the file to another folder of content/{FOLDER}/ and "
                         "correct the reference to it")
    if not _NAME.fullmatch(name):
        raise MediaError("has a name that is not plain: only ASCII letters, digits, '-', '_', '.' and '/' are used",
                         "rename the file (e.g. 2024-02-07-visit.jpg) and the reference to it")
    if posixpath.splitext(name)[1].lower() not in _FORMATS:
        raise MediaError("is not a JPEG, PNG or SVG file (by its extension)",
                         "save it as .jpg (photos), .png or .svg (figures)")
    return name


def check(content: Path, root: Path, name: str) -> Media:
    """Read and check ``content/media/<name>``; the Media to publish, or MediaError."""
    path = content / FOLDER / name
    shown = f"content/{FOLDER}/{name}"
    try:
        data = read_input(path, limit=MAX_MEDIA_BYTES, root=root, shown=shown, what="image")
    except FileNotFoundError:
        raise MediaError(f"is missing: there is no {shown}",
                         "add the file, or correct the name (names are case-sensitive)") from None
    except RefusedInput as exc:
        too_big = "bytes (" in exc.message or "grew while it was read" in exc.message
        raise MediaError(f"({shown}) {exc.message}", _RESIZE if too_big else exc.hint) from None
    return check_data(name, data)


def check_data(name: str, data: bytes) -> Media:
    """The checks of :func:`check` on bytes already read (``name`` gives their kind)."""
    kind = _FORMATS[posixpath.splitext(name)[1].lower()]
    if kind == "SVG":
        data, width, height = sanitise_svg(data)
    else:
        width, height = _raster_size(data, kind)
    return Media(name, data, width, height)


def _raster_size(data: bytes, kind: str) -> tuple[int, int]:
    """The pixel size of a JPEG or PNG, from its header alone (nothing is decoded)."""
    if not data.startswith(MAGIC[kind]):
        found = next((k for k, magic in MAGIC.items() if data.startswith(magic)), None)
        what = f"a {found} file" if found else ("an SVG file" if b"<svg" in data[:4096] else "not an image")
        raise MediaError(f"is {what}, not the {kind} its extension says",
                         f"export it again as {kind}, or give it the extension of what it is")
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[kind]) as image:
                width, height = image.size
                if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
                    raise MediaError(f"is {width:,} × {height:,} pixels (at most {MAX_PIXELS // 1_000_000} "
                                     f"megapixels and {MAX_SIDE:,} pixels a side)", _RESIZE)
                if kind == "PNG":
                    image.verify()  # every chunk's checksum, without decoding the pixels
                elif image.getexif().get(0x0112) in (5, 6, 7, 8):  # a camera held upright: shown turned
                    width, height = height, width
    except MediaError:
        raise
    except Image.DecompressionBombError:
        raise MediaError("claims more pixels than any photo has (a decompression bomb)", _RESIZE) from None
    except Exception as exc:  # Pillow's many ways of saying "not what it claims"
        raise MediaError(f"cannot be read as {kind}: {exc}", f"export it again as {kind}") from None
    if width < 1 or height < 1:
        raise MediaError(f"has no pixels ({width} × {height})", f"export it again as {kind}")
    return width, height


# --- SVG: a strict allow-list on the parsed tree ---------------------------------------------

_SVG = "http://www.w3.org/2000/svg"
_XLINK = "http://www.w3.org/1999/xlink"
_XML = "http://www.w3.org/XML/1998/namespace"
_ELEMENTS = frozenset({
    "svg", "g", "defs", "symbol", "use", "title", "desc", "path", "rect", "circle", "ellipse", "line",
    "polyline", "polygon", "text", "tspan", "linearGradient", "radialGradient", "stop", "clipPath", "mask",
    "pattern", "marker"})
_ATTRIBUTES = frozenset({
    "id", "class", "version", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "d",
    "points", "width", "height", "viewBox", "preserveAspectRatio", "transform", "fill", "fill-opacity",
    "fill-rule", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit",
    "stroke-dasharray", "stroke-dashoffset", "stroke-opacity", "opacity", "color", "display", "visibility",
    "offset", "stop-color", "stop-opacity", "gradientUnits", "gradientTransform", "spreadMethod",
    "clip-path", "clip-rule", "clipPathUnits", "mask", "maskUnits", "maskContentUnits", "patternUnits",
    "patternContentUnits", "patternTransform", "markerWidth", "markerHeight", "markerUnits", "refX", "refY",
    "orient", "marker-start", "marker-mid", "marker-end", "font-family", "font-size", "font-weight",
    "font-style", "text-anchor", "dominant-baseline", "letter-spacing", "word-spacing", "dx", "dy", "rotate",
    "lang", "style", "href", f"{{{_XLINK}}}href", f"{{{_XML}}}space", f"{{{_XML}}}lang"})
MAX_SVG_DEPTH = 64  #: a figure drawn in Inkscape nests its groups a few levels deep
_URL = re.compile(r"url\(\s*['\"]?([^'\")]*)", re.IGNORECASE)
#: What a style attribute may never hold, whatever the allow-list of properties would say.
_STYLE_REFUSED = re.compile(r"@import|expression\s*\(|javascript:", re.IGNORECASE)


def _local_name(tag: str) -> tuple[str, str]:
    namespace, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    return namespace, local


def sanitise_svg(data: bytes) -> tuple[bytes, int | None, int | None]:
    """An SVG checked against the allow-list, written again from the checked tree, with its size
    (from ``viewBox``, or ``width`` and ``height`` in plain numbers); MediaError otherwise."""
    import xml.etree.ElementTree as etree

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    hint = "remove it (in Inkscape: save as 'Optimized SVG' or 'Plain SVG'), or export the figure as PNG"
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise MediaError(f"is an SVG with a DTD or entities ({type(exc).__name__}): they are refused", hint) from None
    except etree.ParseError as exc:
        raise MediaError(f"is not well-formed SVG/XML ({exc})", "export it again as SVG, or as PNG") from None
    if root.tag != f"{{{_SVG}}}svg":
        raise MediaError("is not an SVG file (its root element is not <svg> in the SVG namespace)",
                         "export it again as SVG, or as PNG")
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        stack.extend((child, depth + 1) for child in reversed(element))
        if depth > MAX_SVG_DEPTH:  # the writer (and WeasyPrint's reader) would recurse that deep
            raise MediaError(f"is an SVG nested more than {MAX_SVG_DEPTH} elements deep", hint)
        namespace, local = _local_name(element.tag) if isinstance(element.tag, str) else ("", "?")
        if namespace != _SVG or local not in _ELEMENTS:
            shown = local if namespace in (_SVG, "") else f"{local} (namespace {namespace})"
            raise MediaError(f"is an SVG with a <{shown}> element, which is not allowed in a published figure",
                             hint)
        for attribute, value in element.attrib.items():
            shown = _local_name(attribute)[1]
            if attribute not in _ATTRIBUTES:
                what = "an event attribute" if shown.lower().startswith("on") else "an attribute that is not allowed"
                raise MediaError(f"is an SVG with {what} ({shown}= on <{local}>)", hint)
            if attribute.endswith("href") and not value.strip().startswith("#"):
                raise MediaError(f"is an SVG with an external reference ({shown}=\"{value[:60]}\" on <{local}>): "
                                 "only references inside the file (#id) are allowed", hint)
            for target in _URL.findall(value):
                if not target.strip().startswith("#"):
                    raise MediaError(f"is an SVG with an external reference (url({target[:60]}) on <{local}>)", hint)
            if "\\" in value or attribute == "style" and _STYLE_REFUSED.search(value):  # no CSS escapes
                raise MediaError(f"is an SVG with a style or an escape that is not allowed ({shown}= on <{local}>)", hint)
    etree.register_namespace("", _SVG)
    etree.register_namespace("xlink", _XLINK)
    clean = etree.tostring(root, encoding="utf-8", xml_declaration=True)
    return clean, *_svg_size(root)


def _svg_size(root) -> tuple[int | None, int | None]:
    box = (root.get("viewBox") or "").replace(",", " ").split()
    try:
        if len(box) == 4 and float(box[2]) > 0 and float(box[3]) > 0:
            return round(float(box[2])), round(float(box[3]))
        return round(float(root.get("width", ""))), round(float(root.get("height", "")))
    except ValueError:
        return None, None


#: A paragraph that is one image: ``![alt](src "title")`` (or 'title', or <src>), nothing else.
_LONE = re.compile(r"""\s*!\[(?P<alt>(?:[^\]\\]|\\.)*)\]\(\s*<?(?P<src>[^\s<>()]+)>?"""
                   r"""(?:\s+(?P<q>["'])(?P<title>.*?)(?P=q))?\s*\)\s*""", re.S)


def lone_image(raw: str) -> tuple[str, str, str] | None:
    """(alt, src, title) of a paragraph's raw Markdown that is one image and nothing else.

    >>> lone_image('![The flag](media/flag.svg "The national flag.")')
    ('The flag', 'media/flag.svg', 'The national flag.')
    >>> lone_image("See ![x](media/a.png) here") is None
    True
    """
    match = _LONE.fullmatch(raw)
    return (match["alt"], match["src"], match["title"] or "") if match else None


# --- which images a release names, and where --------------------------------------------------

class _Images(HTMLParser):
    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []  #: (src, alt) in document order
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            values = dict(attrs)
            self.found.append((values.get("src") or "", values.get("alt") or ""))


def references(rel: Release) -> list[tuple[str, str, int]]:
    """(src, alt, line) of every image a release shows, in document order."""
    from workflow import segment

    found, cursor = [], 0
    if "![" not in rel.body:  # no image (inline or by reference): no second rendering
        return found
    for src, alt in _Images(segment.render_body(rel.body)).found:
        at = rel.body.find(src, cursor) if src else -1
        at = at if at >= 0 else (rel.body.find(src) if src else -1)
        if at >= 0:
            cursor = at + 1
        line = rel.body_line + rel.body.count("\n", 0, max(at, 0)) if at >= 0 else rel.body_line
        found.append((src, alt, line))
    return found


@dataclass
class Library:
    """The images of one publish: the checked ones by name, and the problems, each once a line."""

    images: dict[str, Media]
    problems: list[tuple[str, int, str]]  #: (release file, line, message with what to do)
    warnings: list[tuple[str, int, str]]


def collect(releases: Iterable[Release], content: Path, root: Path) -> Library:
    """Check every image the releases name (each file read once)."""
    images: dict[str, Media] = {}
    refused: dict[str, MediaError] = {}
    problems, said = [], []
    for rel in releases:
        for src, alt, line in references(rel):
            try:
                name = media_name(src)
                if name in refused:
                    raise refused[name]
                if name not in images:
                    try:
                        images[name] = check(content, root, name)
                    except MediaError as exc:
                        refused[name] = exc
                        raise
                    except Exception as exc:  # a reader's own failure: this image only, said with its line
                        refused[name] = MediaError(f"could not be checked ({type(exc).__name__}: {exc})",
                                                   "export it again, or report this to the developers")
                        raise refused[name] from None
            except MediaError as exc:
                problems.append((rel.path, line, f"the image {src!r} {exc.message} — {exc.hint}"))
                continue
            if not alt.strip():
                said.append((rel.path, line, f"the image {src!r} has no alt text: readers who cannot see it "
                             "(screen readers, a failed download) get nothing — describe it: ![what it shows](…)"))
    return Library(images, problems, said)


# --- the pages: each <img> of a rendered (and allow-listed) body --------------------------------

_IMG = re.compile(r"<img\b([^>]*)>")
_ATTRIBUTE = re.compile(r'([a-zA-Z][\w:-]*)="([^"]*)"')


def place(body: str, root: str, images: Mapping[str, Media] | None) -> str:
    """An allow-listed body with each image pointed at ``output/media/`` from a page whose way to
    ``output/`` is ``root``, with its size and digest; an image that is not published is left out
    (``images`` None: not checked yet, the page is not published — only its path is set)."""

    def one(match: re.Match) -> str:
        attributes = {key: html.unescape(value) for key, value in _ATTRIBUTE.findall(match.group(1))}
        try:
            name = media_name(attributes.get("src", ""))
        except MediaError:
            return ""
        media = images.get(name) if images is not None else None
        if images is not None and media is None:
            return ""
        attributes["src"] = f"{root}{FOLDER}/{media.name if media is not None else name}"
        attributes.setdefault("alt", "")
        if media is not None:
            if media.width and media.height:
                attributes["width"], attributes["height"] = str(media.width), str(media.height)
            attributes["data-sha256"] = media.sha256  # the page changes with the bytes: so does its PDF's digest
        return "<img " + " ".join(f'{key}="{html.escape(value)}"' for key, value in attributes.items()) + ">"

    return _IMG.sub(one, body)


def _approved_sources(ws, releases: Iterable[Release]) -> list[Release]:
    """The approved texts of the releases' issued versions that differ from their sources now."""
    from workflow import release as release_io

    found: dict[str, Release] = {}
    for rel in releases:
        for (slug, _lang), versions in ws.issued.items():
            for issued in versions if slug == rel.slug else ():
                source = issued.content.source
                if source != rel.text and source not in found and not issued.content.media:
                    try:
                        found[source] = release_io.parse(source, path=rel.path, slug=rel.slug)
                    except Exception:  # noqa: BLE001 — approved once; its own page says what is wrong
                        continue
    return list(found.values())


def library(ws) -> Library:
    """The images the current releases show (not withdrawn ones), checked once a run."""
    if ws.images is None:
        project = ws.project
        ws.images = collect((rel for rel in ws.releases if rel.meta.withdrawn is None), project.content, project.root)
    return ws.images


def digests(ws, rel: Release) -> dict[str, str]:
    """name → sha256 of the published bytes of every image ``rel`` shows now (those that can be
    published: one refused is left out of the editions, and of what is approved)."""
    if "![" not in rel.body or rel.meta.withdrawn is not None:
        return {}
    images = library(ws).images
    found = {}
    for src, _alt, _line in references(rel):
        try:
            name = media_name(src)
        except MediaError:
            continue
        if name in images:
            found[name] = images[name].sha256
    return dict(sorted(found.items()))


def approved_name(name: str, digest: str) -> str:
    """The name under output/media/ of the approved bytes ``digest`` of image ``name``.

    >>> approved_name("photos/Visit.JPG", "ab" * 32) == "issued/" + "ab" * 32 + ".jpg"
    True
    """
    return f"{APPROVED}/{digest}{posixpath.splitext(name)[1].lower()}"


def _approved_copies(ws, withdrawn: set[str], report) -> list[Media]:
    """The approved bytes of every image an issued version of the releases shows, checked again
    (they were when approved; a record edited by hand is not trusted more than a source)."""
    # Not those of a withdrawn release (taken down); those of a release whose source is gone, yes:
    # nothing issued is taken down with it (workflow.pages says so).
    found: dict[str, Media] = {}
    for (slug, lang), versions in sorted(ws.issued.items()):
        for issued in versions if slug not in withdrawn else ():
            for name, digest in sorted(issued.content.media.items()):
                published = approved_name(name, digest)
                if published in found or digest not in issued.images:
                    continue
                try:
                    checked = check_data(name, issued.images[digest])
                except MediaError as exc:
                    report.error(f"content/issued/{slug}/{FOLDER}/{digest}{posixpath.splitext(name)[1].lower()}",
                                 None, f"the approved image {name!r} of version {issued.version} of the {lang} "
                                 f"edition {exc.message}: it is left out of that version — {exc.hint}, then "
                                 "approve the edition again")
                    continue
                except Exception as exc:  # noqa: BLE001 — a reader's own failure: this image only
                    report.error(f"content/issued/{slug}/{FOLDER}/{digest}", None, f"the approved image {name!r} "
                                 f"could not be checked ({type(exc).__name__}: {exc}); report this to the developers")
                    continue
                found[published] = Media(published, issued.images[digest], checked.width, checked.height)
    return list(found.values())


def for_issued(images: Mapping[str, Media] | None, content) -> Mapping[str, Media] | None:
    """The images an issued version (``records.Content``) shows, from those published this run:
    its approved copies; a version approved before images were covered (no digests) shows
    today's files, as it did then."""
    if images is None or not content.media:
        return images
    return {name: images[published] for name, digest in content.media.items()
            if (published := approved_name(name, digest)) in images}


def publish(ws, renderer, report) -> None:
    """Check the images of every release, copy those in use to ``output/media/`` (each atomically,
    only when its bytes change), remove the others there, and give the renderer the list, so its
    pages show them.  Once a run: the renderer keeps the list."""
    if getattr(renderer, "media", None) is not None:
        return
    from workflow.workspace import save

    renderer.media = {}  # whatever happens below, once a run: an image not published is left out
    project = ws.project
    # A withdrawal notice shows no image.  The releases are gone through, not held in a list: most
    # may be on disk (``workflow.shelf``).
    withdrawn = {rel.slug for rel in ws.releases if rel.meta.withdrawn is not None}
    checked = library(ws)
    found = Library(dict(checked.images), list(checked.problems), list(checked.warnings))
    for path, line, message in found.problems:
        report.error(path, line, message)
    for path, line, message in found.warnings:
        report.warn(path, line, message)
    # An issued version approved before images were covered (no digests in its record) is rebuilt
    # from its approved source, which may name an image the source no longer does: it still shows it.
    current = (rel for rel in ws.releases if rel.meta.withdrawn is None)
    approved = collect(_approved_sources(ws, current), project.content, project.root)
    for media in _approved_copies(ws, withdrawn, report):  # the issued versions' images, as approved
        found.images[media.name] = media
    for name, image in approved.images.items():
        found.images.setdefault(name, image)
    for path, _line, message in dict.fromkeys(approved.problems):
        if not any(message == said for _p, _l, said in found.problems):
            report.warn(path, None, f"an issued version of this release shows an image that is not published: {message}")
    folder = project.output / FOLDER
    for media in list(found.images.values()):
        try:
            save(project, report, folder / media.name, media.data)
        except OSError as exc:
            del found.images[media.name]
            report.error(project.relative(folder / media.name), None, f"could not be written ({exc}): the image "
                         "is left out of the editions; check the output folder's space and permissions")
    # An edition whose approvals cannot all be read is kept as published, pages and images: its
    # issued version's approved copies cannot be told from the others, so none is removed.
    keep = APPROVED + "/" if ws.doubtful else None
    if folder.is_dir():
        for path in sorted(folder.rglob("*"), reverse=True):
            name = path.relative_to(folder).as_posix()
            if keep and name.startswith(keep):
                continue
            if path.is_file() and name not in found.images and not path.name.startswith("."):
                path.unlink()
                report.written.append(project.relative(path))
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    renderer.media = found.images
