"""HTML to PDF with WeasyPrint: a sandboxed URL fetcher, bundled fonts, and a written policy
for what WeasyPrint says.

WeasyPrint's default fetcher reads any file and any URL; a published PDF must
never carry a server's files.  ``SandboxFetcher`` serves ``data:`` URLs and
files inside the allowed folders only (paths resolved, symlinks followed and
checked) and records every refusal.

What WeasyPrint logs while it typesets (its ``weasyprint`` logger) is sorted by
``classify``, once per distinct message, into three levels:

* ``FAIL`` — the PDF would be wrong, so this edition's PDF is not published
  (the previous one stays): a font that cannot be loaded, or a glyph no
  bundled font has (WeasyPrint would draw empty boxes in their place).
* ``WARN`` — reported, with the file and line where one can be found: an
  in-page link to an anchor that does not exist (the caller maps the anchor
  to the line of the release that links to it), a CSS rule WeasyPrint ignores
  (a project's own template: the stylesheets are checked once per run by
  ``check_stylesheet``, which knows the file), a refused URL, an image that
  cannot be read.  **Every message the policy does not know is a warning**,
  never silence.
* ``HINT`` — about speed, not correctness: "Using fontTools instead of
  HarfBuzz-Subset" (the PDF is right, only slower to make).  The caller says
  it once per run (``speed_hint``), not once per font and PDF.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from workflow import libraries

with warnings.catch_warnings():
    # Said at import time when the library is missing; ``speed_hint`` says it once, in our words.
    # (WeasyPrint 70 says it as a DeprecationWarning; any category is ignored.)
    warnings.filterwarnings("ignore", message="HarfBuzz-Subset will be required")
    weasyprint = libraries.import_weasyprint()
    from weasyprint.text import ffi as _weasyprint_ffi
from weasyprint.urls import URLFetcher, URLFetchingError

from workflow.pdf import pdftext
from workflow.pdf.policy import Level, Message, Typeset, classify  # noqa: F401  (re-exported)
from workflow.model import TypesetError  # noqa: F401  (raised here; defined without WeasyPrint for callers)

log = logging.getLogger(__name__)


class _ArraysByTheirItems:
    """WeasyPrint's ``ffi`` as its PDF font module (``weasyprint.pdf.fonts``) sees it, with one
    change: an array of glyph or table numbers made with its items and its length in the type
    (``new("hb_codepoint_t[123]", items)``) is made as ``hb_codepoint_t[]`` of those items, the
    same array.  cffi parses every C type it has not seen yet with pycparser, with all of
    WeasyPrint's declarations around it (7 ms a type); subsetting each font of each PDF named its
    own length, so every PDF parsed new types: a cold publish of 30 releases parsed 75 of them
    (1 s), and the one PDF of a one-entry publish some five.  Everything else is WeasyPrint's own."""

    def __init__(self, ffi):
        self._ffi = ffi

    def new(self, cdecl, init=None):
        if init is not None and isinstance(cdecl, str) and cdecl.startswith("hb_codepoint_t["):
            length = cdecl[len("hb_codepoint_t["):-1]
            if cdecl.endswith("]") and length.isdigit() and isinstance(init, (list, tuple)) and len(init) == int(length):
                cdecl = "hb_codepoint_t[]"
        return self._ffi.new(cdecl, init)

    def __getattr__(self, name):
        return getattr(self._ffi, name)


def _parse_fewer_types() -> None:
    """Give WeasyPrint's PDF font module ``_ArraysByTheirItems`` (once a process; the arrays, hence
    the PDFs' bytes, are the same)."""
    from weasyprint.pdf import fonts as pdf_fonts

    if not isinstance(pdf_fonts.ffi, _ArraysByTheirItems):
        pdf_fonts.ffi = _ArraysByTheirItems(pdf_fonts.ffi)


_parse_fewer_types()

#: The WeasyPrint release this module (and ``workflow.pdf.pdftext``) was written against.
WEASYPRINT_VERSION = "70.0"


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
            self.refused.append(url)  # reported once, by the caller
            raise URLFetchingError(f"refused by the sandbox: {url}")
        return super().fetch(url, headers)


def speed_hint() -> str | None:
    """What to install to make PDFs faster, when WeasyPrint has to subset fonts with fontTools."""
    if _weasyprint_ffi.harfbuzz_subset is not None:
        return None
    return ("PDFs are made with fontTools because the HarfBuzz-Subset library is not installed: they are "
            "right, only slower to make; 'apt-get install libharfbuzz-subset0' (Debian/Ubuntu, as root) "
            "makes them about 3.5 times faster (measured in notes/harfbuzz-subset.md)")


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: dict[str, None] = {}  #: distinct messages, in the order first logged

    def emit(self, record: logging.LogRecord) -> None:
        self.messages[record.getMessage()] = None


@contextmanager
def _weasyprint_messages() -> Iterator[dict[str, None]]:
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False  # reported once, by the caller
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def check_stylesheet(css: str, *, base_url: Path) -> list[Message]:
    """What WeasyPrint says of one stylesheet on its own (rules it ignores, with their lines), so
    that a project's own template is blamed by name and line, once per run rather than per PDF."""
    with _weasyprint_messages() as messages:
        weasyprint.CSS(string=css, base_url=str(base_url) + "/", url_fetcher=SandboxFetcher(allowed=(base_url,)))
    return [classify(text) for text in messages]


def check_version() -> None:
    if weasyprint.__version__ != WEASYPRINT_VERSION:
        raise TypesetError(f"WeasyPrint {weasyprint.__version__} is installed; this project needs "
                           f"{WEASYPRINT_VERSION}: run 'make clean-venv' then 'make publish'")


#: The earliest time a font's ``head`` table can hold (1904-01-01, the Macintosh epoch: fontTools
#: writes its seconds since then as an unsigned number), in seconds since 1970.
FONT_EPOCH = -2_082_844_800


@contextmanager
def _source_date(epoch: int | None) -> Iterator[None]:
    """Set SOURCE_DATE_EPOCH while typesetting: fontTools stamps subset fonts with it.

    A release dated before 1904 stamps its fonts with 1904-01-01 (a font cannot say earlier); the
    document's own dates, which readers see, come from the page and stay the release's."""
    if epoch is None:
        yield
        return
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(max(epoch, FONT_EPOCH))
    try:
        yield
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


def _fonttools_subsets() -> bool:
    """Whether WeasyPrint subsets fonts with fontTools (the test of ``weasyprint.pdf.fonts.Font.subset``)."""
    from weasyprint.text.ffi import harfbuzz

    return not (_weasyprint_ffi.harfbuzz_subset and harfbuzz.hb_version_atleast(4, 1, 0))


def _plain_bookmarks(document: weasyprint.Document) -> None:
    """Drop the Khmer line-break marks (U+200B) of the print edition from the outline's labels."""
    for page in document.pages:
        page.bookmarks = [(level, label.replace("\u200b", ""), *rest) for level, label, *rest in page.bookmarks]


@dataclass
class _Styles:
    """The stylesheets of a page, parsed, with what their parsing defined (``@counter-style`` and
    ``@color-profile`` rules) and said.  Made with, and only valid with, one font configuration."""

    sheets: list
    counter_style: dict
    color_profiles: dict
    quiet: bool  #: parsing them logged nothing and fetched nothing refused: they can be kept


@dataclass
class _Shared:
    """What the documents typeset with the same assets share in a process: one WeasyPrint font
    configuration (the ``@font-face`` fonts loaded into Fontconfig once, not once a document) and
    the stylesheets parsed with it, by (base folder, the stylesheets' digests).  Parsing
    ``edition.css`` (selectors compiled, declarations validated, fonts added) cost a third of
    WeasyPrint's time a page when each page linked it (notes/pipeline-performance.md)."""

    fonts: object
    styles: dict[tuple[str, ...], _Styles] = field(default_factory=dict)


#: Stylesheet sets kept with one font configuration (a run has one a language).
_STYLES_KEPT = 64


@lru_cache(maxsize=1)
def _shared(key: str) -> _Shared:
    """The font configuration and stylesheets of every document typeset with the same assets (``key``
    is their digest).  A new key (the assets changed) starts anew: the stylesheets go with the
    configuration they were parsed with (``build`` clears this when a run's temporary folder,
    where WeasyPrint copies the fonts, goes)."""
    from weasyprint.text.fonts import FontConfiguration

    return _Shared(FontConfiguration())


def _parse_styles(stylesheets: tuple[str | bytes, ...], base: Path, fetcher: SandboxFetcher, fonts,
                  logged: dict[str, None]) -> _Styles:
    """Parse ``stylesheets`` (a file's bytes, decoded as WeasyPrint decodes a linked stylesheet,
    or a ``<style>``'s text) as the page's own stylesheets, in their order."""
    from io import BytesIO

    from weasyprint.css.counters import CounterStyle

    before = (len(logged), len(fetcher.refused))
    counter_style, color_profiles = CounterStyle(), {}
    common = dict(base_url=str(base) + "/", url_fetcher=fetcher, font_config=fonts, counter_style=counter_style,
                  color_profiles=color_profiles)
    sheets = [weasyprint.CSS(string=css, **common) if isinstance(css, str) else
              weasyprint.CSS(file_obj=BytesIO(css), **common) for css in stylesheets]
    return _Styles(sheets, counter_style, color_profiles, (len(logged), len(fetcher.refused)) == before)


def _copy(counter_style: dict):
    from weasyprint.css.counters import CounterStyle

    copy = CounterStyle()
    copy.update(counter_style)
    return copy


def _styles(stylesheets: tuple[str | bytes, ...], base: Path, fetcher: SandboxFetcher, fonts,
            shared: _Shared | None, logged: dict[str, None]) -> _Styles:
    """The page's stylesheets, parsed once for every page typeset with the same ``shared`` font
    configuration and the same stylesheets; parsed for this page alone without one, or when their
    parsing said anything (every page then says it, as when each page linked them)."""
    if shared is None:
        return _parse_styles(stylesheets, base, fetcher, fonts, logged)
    key = (str(base), *(hashlib.sha256(css if isinstance(css, bytes) else css.encode("utf-8")).hexdigest()
                        for css in stylesheets))  # base: the URLs in them lead into one project's folder
    styles = shared.styles.get(key)
    if styles is None:
        styles = _parse_styles(stylesheets, base, fetcher, fonts, logged)
        if styles.quiet:
            if len(shared.styles) >= _STYLES_KEPT:
                shared.styles.clear()
            shared.styles[key] = styles
    return styles


#: A page set in every face the edition stylesheet declares: Khmer in the letterhead's Moul and the
#: text's Battambang (regular, bold), Latin in Noto Serif's four styles, a list, a table, the
#: footer's page numbers (``rehearse``).
_REHEARSAL = """<!DOCTYPE html>
<html lang="km"><head><meta charset="utf-8"><title>ការសាកល្បង</title></head>
<body><article><header class="letterhead"><div class="kingdom">
<p class="kingdom-name">ព្រះរាជាណាចក្រកម្ពុជា</p><p class="motto">ជាតិ សាសនា ព្រះមហាក្សត្រ</p>
<div class="ornament" role="presentation"></div></div>
<div class="sender"><p class="ministry">ក្រសួងការបរទេស និងសហប្រតិបត្តិការអន្តរជាតិ</p></div></header>
<p class="doctype">សេចក្តីប្រកាសព័ត៌មាន</p><h1 class="title">កិច្ចប្រជុំ</h1>
<div class="body"><p class="dateline">ភ្នំពេញ ថ្ងៃទី១ ខែមករា ឆ្នាំ២០២៤</p>
<p>ក្រសួង <strong>ការបរទេស</strong> ១២៣</p><h2>សេចក្តីសន្និដ្ឋាន</h2>
<ol><li>ទីមួយ</li></ol><table><tr><th>ក</th><td>ខ</td></tr></table></div>
<div lang="fr"><p class="doctype">Communiqué de presse</p><h1 class="title">Réunion</h1>
<div class="body"><p>Texte, <strong>gras</strong>, <em>italique <strong>et gras</strong></em>.</p>
<h2>Conclusion</h2><blockquote><p>Citation</p></blockquote></div></div>
<p class="closing">Phnom Penh</p><p class="signature">Ministère</p></article></body></html>
"""


def rehearse(*, stylesheets: tuple[str | bytes, ...], styles_base: Path, allowed: tuple[Path, ...],
             assets_key: str) -> None:
    """Typeset a small page with the documents' stylesheets and fonts, and throw it away.

    What it leaves behind is the point: the font configuration of ``assets_key`` with its
    ``@font-face`` fonts loaded, the stylesheets parsed, Pango's and HarfBuzz's caches filled and
    WeasyPrint's own first-use work done.  A worker that rehearses while its parent is still
    planning typesets its first real document as fast as any later one (measured: a first French
    edition 0.36 s cold, 0.14 s after a page like this one): a publish that typesets one edition
    then waits for that edition alone.  Nothing of the page reaches any output; a document's bytes
    do not depend on what was typeset before it in the same process (``-j 1`` and ``-j 2`` give the
    same bytes).  Whatever goes wrong here is left for the real documents to say."""
    write_pdf(_REHEARSAL, base_url=styles_base, allowed=allowed, assets_key=assets_key, stylesheets=stylesheets,
              styles_base=styles_base)


def write_pdf(html: str, *, base_url: Path, allowed: tuple[Path, ...], variant: str = "",
              identifier: bytes | None = None, epoch: int | None = None, assets_key: str = "",
              stylesheets: tuple[str | bytes, ...] = (), styles_base: Path | None = None,
              tags: bool = True) -> Typeset:
    """Typeset ``html`` to PDF bytes, with WeasyPrint's messages sorted by the policy.

    ``stylesheets`` (bytes: a stylesheet file's; text: a ``<style>``'s) are the page's own, in
    order, with URLs relative to ``styles_base`` (default: ``base_url``); given here rather than
    linked from the page, they are parsed once a process for every page that shares them.  They
    are WeasyPrint's "user" stylesheets: above its defaults and below any ``<style>`` or link the
    page has itself, which is how a page that linked them alone was styled.

    With ``identifier`` and ``epoch`` (the time stamped into embedded fonts) set,
    the same HTML always gives the same bytes.  Documents given the same ``assets_key`` (a digest
    of the assets folder) share one font configuration.  Raises TypesetError, naming each
    FAIL message once, when the PDF would not be what was designed.

    Every PDF is tagged (``tags``; off only to measure what tagging costs): the PDF/UA-1
    structure of the page (H1…, P, L/LI, Table, Figure with its alt text, the document's
    /Lang), whatever the ``variant``; ``"pdf/ua-1"`` adds the PDF/UA identification,
    ``"pdf/a-3b"`` is archival and tagged.
    """
    check_version()
    started = time.perf_counter()
    fetcher = SandboxFetcher(allowed=allowed)
    # Only fontTools reads SOURCE_DATE_EPOCH (when HarfBuzz-Subset is missing): with HarfBuzz-Subset
    # the environment is left alone, and no process-wide state changes per document.
    with _weasyprint_messages() as logged, _source_date(epoch if _fonttools_subsets() else None):
        options = dict(pdf_variant=variant or None, pdf_identifier=identifier,
                       pdf_tags=tags or variant.startswith("pdf/ua"), custom_metadata=True)
        from weasyprint.text.fonts import FontConfiguration

        shared = _shared(assets_key) if assets_key else None
        fonts = shared.fonts if shared else FontConfiguration()
        styles = _styles(stylesheets, styles_base or base_url, fetcher, fonts, shared, logged)
        document = weasyprint.HTML(string=html, base_url=str(base_url) + "/", url_fetcher=fetcher).render(
            stylesheets=styles.sheets, font_config=fonts, counter_style=_copy(styles.counter_style),
            color_profiles=dict(styles.color_profiles), **options)  # copies: a page's own rules stay its own
        _plain_bookmarks(document)
        # pdftext marks Khmer glyph runs with /ActualText so that their text extracts exactly.
        pdf = pdftext.write_pdf(document, **options)
    refused = tuple(dict.fromkeys(fetcher.refused))
    # A refused URL is said by the fetcher's record (once, with the URL); WeasyPrint's own
    # "failed to load" message for it would say it again.
    messages = [classify(text) for text in logged if not any(url in text for url in refused)]
    failures = [m.text for m in messages if m.level is Level.FAIL]
    if failures:
        unread = f" (could not read: {', '.join(refused)})" if refused else ""
        raise TypesetError("WeasyPrint: " + "; ".join(failures) + unread)
    return Typeset(pdf, tuple(messages), refused, time.perf_counter() - started)
