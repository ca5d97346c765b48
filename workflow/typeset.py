"""HTML to PDF with WeasyPrint: a sandboxed URL fetcher, bundled fonts, strict warnings.

WeasyPrint's default fetcher reads any file and any URL; a published PDF must
never carry a server's files.  ``SandboxFetcher`` serves ``data:`` URLs and
files inside the allowed folders only (paths resolved, symlinks followed and
checked) and records every refusal.  A WeasyPrint warning that a font could not
be loaded fails the build, since WeasyPrint would otherwise draw empty boxes.
"""

from __future__ import annotations

import logging
import os
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from fontTools.ttLib import TTFont
from weasyprint.urls import URLFetcher, URLFetchingError

from workflow import pdftext

log = logging.getLogger(__name__)

#: The WeasyPrint release this module (and ``workflow.pdftext``) was written against.
WEASYPRINT_VERSION = "70.0"
#: Characters that need no glyph.
_INVISIBLE = {"Cc", "Cf", "Zs", "Zl", "Zp"}


class TypesetError(Exception):
    """The PDF could not be made, or would be wrong (missing font or glyph)."""


@dataclass
class SandboxFetcher(URLFetcher):
    """A URL fetcher that reads only ``data:`` URLs and files under ``allowed`` folders."""

    allowed: tuple[Path, ...] = ()
    refused: list[str] = field(default_factory=list)

    def __post_init__(self):
        super().__init__(allowed_protocols={"file", "data"})
        self.allowed = tuple(Path(p).resolve() for p in self.allowed)

    def permits(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme == "data":
            return True
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return False
        path = Path(unquote(parts.path)).resolve()  # follows symlinks
        return path.is_file() and any(path.is_relative_to(root) for root in self.allowed)

    def fetch(self, url, headers=None):
        if not self.permits(url):
            self.refused.append(url)
            log.warning("refused to load %s: only the project's assets and data: URLs may be used", url)
            raise URLFetchingError(f"refused by the sandbox: {url}")
        return super().fetch(url, headers)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _weasyprint_warnings() -> Iterator[list[str]]:
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False  # reported once, by the caller
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


@lru_cache(maxsize=16)
def _coverage(font: Path) -> frozenset[int]:
    with TTFont(font, lazy=True) as ttf:
        return frozenset(ttf.getBestCmap())


def missing_glyphs(text: str, fonts: Iterable[Path]) -> set[str]:
    """Characters of ``text`` that no font in ``fonts`` can draw."""
    covered = frozenset().union(*(_coverage(Path(f)) for f in fonts))
    return {ch for ch in set(text) if ord(ch) not in covered and unicodedata.category(ch) not in _INVISIBLE}


def check_version() -> None:
    if weasyprint.__version__ != WEASYPRINT_VERSION:
        raise TypesetError(f"WeasyPrint {weasyprint.__version__} is installed; this project needs "
                           f"{WEASYPRINT_VERSION}: run 'make clean-venv' then 'make publish'")


@contextmanager
def _source_date(epoch: int | None) -> Iterator[None]:
    """Set SOURCE_DATE_EPOCH while typesetting: fontTools stamps subset fonts with it."""
    if epoch is None:
        yield
        return
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


def _plain_bookmarks(document: weasyprint.Document) -> None:
    """Drop the Khmer line-break marks (U+200B) of the print edition from the outline's labels."""
    for page in document.pages:
        page.bookmarks = [(level, label.replace("\u200b", ""), *rest) for level, label, *rest in page.bookmarks]


def write_pdf(html: str, *, base_url: Path, allowed: tuple[Path, ...], variant: str = "",
              identifier: bytes | None = None, epoch: int | None = None) -> tuple[bytes, list[str]]:
    """Typeset ``html`` to PDF bytes; return them with the list of refused URLs.

    With ``identifier`` and ``epoch`` (the time stamped into embedded fonts) set,
    the same HTML always gives the same bytes.  Raises TypesetError on any
    WeasyPrint warning but a refused URL (a font that could not be loaded, a
    rule that was ignored): the PDF would not be what was designed.
    """
    check_version()
    fetcher = SandboxFetcher(allowed=allowed)
    with _weasyprint_warnings() as warnings, _source_date(epoch):
        options = dict(pdf_variant=variant or None, pdf_identifier=identifier,
                       pdf_tags=variant.startswith("pdf/ua"), custom_metadata=True)
        document = weasyprint.HTML(string=html, base_url=str(base_url) + "/",
                                   url_fetcher=fetcher).render(**options)
        _plain_bookmarks(document)
        # pdftext marks Khmer glyph runs with /ActualText so that their text extracts exactly.
        pdf = pdftext.write_pdf(document, **options)
    # A refused URL is reported by the caller; any other warning (a font that could not be
    # loaded, a stylesheet rule WeasyPrint ignored) means the PDF is not what was designed.
    problems = [m for m in warnings if not any(url in m for url in fetcher.refused)]
    if problems:
        raise TypesetError("WeasyPrint: " + "; ".join(problems))
    return pdf, list(fetcher.refused)
