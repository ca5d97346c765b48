"""Editions to HTML through Jinja2 templates, and the templates' own strings.

The templates' words (letterhead, labels) are translated through the ``ui``
catalog; the release's words arrive already translated in an ``Edition``.
"""

from __future__ import annotations

import datetime as _dt
import html as htmllib
import io
import os
import re
import traceback
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import jinja2
import nh3
from jinja2.ext import babel_extract
from markupsafe import Markup, escape

from workflow import media
from workflow.lang import khmer_web, locales, typography
from workflow.fsutil import MAX_TEMPLATE_BYTES, read_input
from workflow.model import Edition, WorkflowError

TEMPLATES = ("edition.html", "index.html", "page.css")
#: What a release body may contain once rendered: Markdown's own output, nothing else.
_BODY_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "a", "em", "strong", "code", "pre",
              "blockquote", "table", "thead", "tbody", "tr", "th", "td", "br", "hr", "img", "figure", "figcaption"}
_BODY_ATTRIBUTES = {**{f"h{n}": {"id"} for n in range(1, 7)}, "a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"style"}, "td": {"style"},
                    "code": {"class"}, "ol": {"start"}}
#: A Python format placeholder, which Jinja2's gettext fills: %(name)s, %s, %d.
_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*\d*(?:\.\d+)?[sdifrxXeEgGc]")
#: In a double-quoted CSS string: the quote and the backslash, and every character that could
#: end the string or the rule (CR, LF, FF and the other controls), as hexadecimal escapes.
_CSS_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("<"): "\\3c ", ord(">"): "\\3e "}
_CSS_ESCAPES.update({code: f"\\{code:x} " for code in [*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029]})


def css_string(text: str) -> str:
    """Escape text for a double-quoted CSS string.

    >>> css_string('Page "1"\\r;} body{color:red')
    'Page \\\\"1\\\\"\\\\d ;} body{color:red'
    """
    return str(text).translate(_CSS_ESCAPES)


def safe_body(html: str) -> str:
    """Keep only the tags and attributes Markdown makes; links only to http(s), mailto or relative URLs.

    Raw HTML is already escaped by ``workflow.segment``; this allow-list is the
    second line of defence, and drops ``javascript:``, ``vbscript:`` and
    ``data:`` URLs that a release might carry in ``[text](url)``.
    """
    return nh3.clean(html, tags=_BODY_TAGS, attributes=_BODY_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                     link_rel=None, filter_style_properties={"text-align"}, strip_comments=True)


_HREF = re.compile(r'<a href="([^"]*)"')


def print_links(html: str) -> str:
    """A page for the PDF: a link relative to the page (``annex.pdf``, an earlier version's
    ``<slug>.v1.pdf``) loses its address and keeps its text.  WeasyPrint would resolve it against the folder the PDF is made in, writing
    ``file:///…/output/en/annex.pdf`` into the PDF: the build machine's folders, and a dead link.

    >>> print_links('<a href="annex.pdf">the annex</a> <a href="https://x.org">x</a> <a href="#a">a</a>')
    '<a>the annex</a> <a href="https://x.org">x</a> <a href="#a">a</a>'
    """
    from workflow.segment import is_relative

    return _HREF.sub(lambda m: "<a" if is_relative(htmllib.unescape(m.group(1))) else m.group(0), html)


def template_dirs(override: Path | None = None) -> list[Path]:
    """Where templates are looked up: the project's own folder first, then the package's."""
    package = Path(str(resources.files("workflow") / "templates"))
    return [override, package] if override is not None else [package]


def template_file(name: str, override: Path | None = None) -> Path:
    """The file that provides template ``name``: anything of that name in the project's folder
    (a named pipe or a folder there is refused when read, not passed over in silence)."""
    return next(d / name for d in template_dirs(override) if (d / name).exists())


def read_template(name: str, override: Path | None = None) -> bytes:
    """The bytes of template ``name``.  One of the project's own templates is read only if it is a
    regular file in its templates folder (a link may not lead out of it) below
    :data:`workflow.fsutil.MAX_TEMPLATE_BYTES`; raises :class:`workflow.fsutil.RefusedInput`."""
    path = template_file(name, override)
    own = override is not None and path.parent == override
    return read_input(path, limit=MAX_TEMPLATE_BYTES, root=override if own else None, what="template")


#: The ministry's emblem, when a project's templates folder has one: the names looked for, in order,
#: and each one's format (how its file begins: ``media.MAGIC``).  SVG is refused: it can carry
#: scripts and links to elsewhere.
EMBLEMS = {"emblem.png": "PNG", "emblem.jpg": "JPEG", "emblem.jpeg": "JPEG"}


def find_emblem(override: Path | None) -> tuple[str, bytes] | None:
    """The project's emblem (its name in ``output/assets`` and its bytes), or None when it has none.

    Raises WorkflowError naming the file for one that cannot be used: an SVG, a file that is not
    the image its name says, or one :func:`read_template` refuses (a link out, too big)."""
    if override is None:
        return None
    svg = override / "emblem.svg"
    for name, kind in EMBLEMS.items():
        path = override / name
        if os.path.lexists(path):
            data = read_template(name, override)
            if not data.startswith(media.MAGIC[kind]):
                raise WorkflowError(str(path), None, f"the emblem is not a {name.rsplit('.', 1)[1].upper()} image",
                                    "save it as PNG (emblem.png) or JPEG (emblem.jpg)")
            return name, data
    if os.path.lexists(svg):
        raise WorkflowError(str(svg), None, "an SVG emblem is not used (SVG can carry scripts and links)",
                            "export it as PNG (emblem.png, about 600 px high) or JPEG (emblem.jpg)")
    return None


def letterhead(text: str, kind: str, lang: str) -> Markup:
    """A line of the letterhead (``kind``: "ministry", "department") broken where the ministry's own
    letterhead breaks it in ``lang``: its lines as text, joined by ``<br>``."""
    plain = text.unescape() if isinstance(text, Markup) else str(text)
    return Markup("<br>").join(escape(line) for line in typography.letterhead_lines(plain, lang, kind))


class _Loader(jinja2.BaseLoader):
    """Jinja2's templates, each read with :func:`read_template`."""

    def __init__(self, override: Path | None):
        self.override = override

    def get_source(self, environment, template):
        pieces = jinja2.loaders.split_template_path(template)  # no '..' out of the folders
        name = "/".join(pieces)
        try:
            path = template_file(name, self.override)
        except StopIteration:
            raise jinja2.TemplateNotFound(template) from None
        data = read_template(name, self.override)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise WorkflowError(str(path), data.count(b"\n", 0, exc.start) + 1, "invalid UTF-8",
                                "save the template as UTF-8") from None
        return text, str(path), lambda: True


def _template_error(exc: jinja2.TemplateError, name: str, override: Path | None) -> WorkflowError:
    """A template problem as a WorkflowError naming the template file and line."""
    line = getattr(exc, "lineno", None)
    path = getattr(exc, "filename", None) or str(template_file(name, override))
    if line is None:  # a rendering error: Jinja2 puts the template's line in the traceback
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(name)]
        line = frames[-1].lineno if frames else None
    return WorkflowError(path, line, f"template error: {exc.message or exc}",
                         "fix the template (Jinja2 syntax), or remove it to use the built-in one")


def extract_ui_strings(override: Path | None = None) -> Iterator[tuple[str, int, str]]:
    """(template file, line, msgid) for every ``_()`` call in the templates."""
    for name in TEMPLATES:
        path = template_file(name, override)
        handle = io.BytesIO(read_template(name, override))
        try:
            found = list(babel_extract(handle, ["_", "gettext"], [], {}))
        except jinja2.TemplateSyntaxError as exc:
            exc.filename = str(path)
            raise _template_error(exc, name, override) from exc
        package = path.parent == template_dirs()[0]
        shown = f"workflow/templates/{name}" if package else str(path)
        for line, _func, message, _comments in found:
            if isinstance(message, tuple):  # _("… %(date)s", date=…): the message and its arguments
                message = message[0]
            if isinstance(message, str):
                yield shown, line, message


@dataclass(frozen=True)
class EditionPage:
    """Where an edition's page stands: beside the public editions or in the review area, for the
    screen or for print, a corrected version listing the ones it replaced."""

    root: str = "../"  #: the way from the page's folder to output/
    for_print: bool = False  #: the print rules inline, in the words of this very edition
    corrected: _dt.date | None = None  #: the day a correction replaced the previous version
    earlier: tuple[tuple[_dt.date, str, str], ...] = ()  #: (issued on, HTML, PDF) of the versions it replaced
    #: The languages the switcher links to (a public page: the public editions); None: every one.
    languages: tuple[str, ...] | None = None


@dataclass(frozen=True)
class LanguageLink:
    lang: str
    name: str
    slug: str = ""


class Renderer:
    """Renders pages in every language, each with its own templates' translations."""

    def __init__(self, ui_translations: Mapping[str, Mapping[str, str]], languages: tuple[str, ...],
                 override: Path | None = None):
        self._ui = ui_translations
        self._recording: set[str] | None = None
        self.languages = languages
        self.override = override
        self._environments: dict[str, jinja2.Environment] = {}
        self._emblem: str | None | bool = False  #: not looked for yet
        #: Each language's stylesheet and the strings it shows: the same for every page of a run.
        self._stylesheets: dict[str, tuple[str, frozenset[str]]] = {}
        #: The images published this run (``workflow.media.publish``); None: not checked yet.
        self.media = None

    def emblem(self) -> str | None:
        """The emblem's name in ``output/assets``, or None (none, or unusable: ``write_assets`` says why)."""
        if self._emblem is False:
            try:
                found = find_emblem(self.override)
            except WorkflowError:
                found = None
            self._emblem = found[0] if found else None
        return self._emblem

    def gettext(self, lang: str) -> Callable[[str], str]:
        table = self._ui.get(lang, {})

        def translate(message: str) -> str:
            if self._recording is not None:
                self._recording.add(message)
            return table.get(message) or message

        return translate

    def with_strings(self, lang: str, strings: Mapping[str, str]) -> "Renderer":
        """A renderer that shows ``strings`` (an issued edition's approved words) in ``lang``,
        and today's translations for any string the templates have gained since."""
        tables = {**self._ui, lang: {**self._ui.get(lang, {}), **strings}}
        renderer = Renderer(tables, self.languages, self.override)
        renderer.media = self.media
        return renderer

    def edition_strings(self, edition: Edition) -> dict[str, str]:
        """The templates' strings an edition's page shows, translated: part of what a reviewer
        approves (the draft banner and the correction lines are the tool's, not the edition's)."""
        self._recording = set()
        try:
            self.edition(edition, draft=False)
            self.stylesheet(edition.lang)
            used = self._recording
        finally:
            self._recording = None
        translate = self.gettext(edition.lang)
        return {msgid: translate(msgid) for msgid in sorted(used)}

    def _environment(self, lang: str) -> jinja2.Environment:
        if lang not in self._environments:
            env = jinja2.Environment(
                loader=_Loader(self.override),
                autoescape=jinja2.select_autoescape(["html"]),
                undefined=jinja2.StrictUndefined,
                extensions=["jinja2.ext.i18n"],
                keep_trailing_newline=True,
            )
            translate = self.gettext(lang)

            # A translation is text, never markup: Jinja2 marks what gettext returns as safe
            # in an autoescaped template, so it is escaped here first (the CSS template is
            # not autoescaped, and escapes its strings with css_string).  Jinja2 then formats
            # it with ``%``: in a message without placeholders a % is a percent sign.
            rule = typography.text_rule(lang)

            @jinja2.pass_eval_context
            def gettext(eval_ctx, message):
                text = translate(message)
                if eval_ctx.autoescape:  # in a page: the same typography as the releases' own words
                    text = rule(text)  # (page.css's footer words stay as typed: a CSS string)
                if not _PLACEHOLDER.search(message):
                    text = text.replace("%", "%%")
                return escape(text) if eval_ctx.autoescape else text

            @jinja2.pass_eval_context
            def ngettext(eval_ctx, singular, plural, n):
                return gettext(eval_ctx, singular if n == 1 else plural)

            env.install_gettext_callables(gettext, ngettext, newstyle=True)
            env.filters["css_string"] = css_string
            env.filters["letterhead"] = lambda text, kind, in_lang=lang: letterhead(text, kind, in_lang)
            self._environments[lang] = env
        return self._environments[lang]

    def _render(self, page_lang: str, name: str, **context) -> str:
        try:
            return self._environment(page_lang).get_template(name).render(**context)
        except jinja2.TemplateError as exc:
            raise _template_error(exc, name, self.override) from exc

    def links(self, slug: str = "") -> list[LanguageLink]:
        return [LanguageLink(lang, locales.language_name(lang), slug) for lang in self.languages]

    def edition(self, edition: Edition, *, draft: bool, page: EditionPage | None = None) -> str:
        """The HTML page of one language edition (``page``: where it stands in its lifecycle)."""
        meta = edition.release.meta
        lang = edition.lang
        page = page or EditionPage()
        html = self._render(
            lang, "edition.html",
            root=page.root,
            emblem=self.emblem(),
            for_print=page.for_print,
            # A project's own edition.html of before for_print inlined the print rules through this:
            page_css=Markup(self.stylesheet(lang).replace("</", "<\\/")) if page.for_print else None,
            correction=locales.long_date(page.corrected, lang) if page.corrected else "",
            earlier=[{"date": locales.long_date(day, lang), "date_iso": day.isoformat(), "html": html, "pdf": pdf}
                     for day, html, pdf in page.earlier],
            withdrawn=locales.long_date(meta.withdrawn, lang) if meta.withdrawn else "",
            lang=lang,
            slug=edition.release.slug,
            strings=edition.strings,
            reference=meta.reference,
            body=Markup(media.place(typography.nowrap_khmer_names(safe_body(edition.body_html)), page.root,
                                    self.media)),
            date=locales.long_date(meta.date, lang),
            date_iso=meta.date.isoformat(),
            closing=locales.long_date(meta.closing_date, lang),  # kept for a project's own templates
            closing_line=locales.place_and_date(meta.closing_date, lang, place=bool(edition.strings.get("place"))),
            closing_iso=meta.closing_date.isoformat(),
            created=meta.date.isoformat(),
            modified=meta.closing_date.isoformat(),
            editions=[link for link in self.links(edition.release.slug)
                      if page.languages is None or link.lang in page.languages or link.lang == lang],
            draft=draft,
            fallback=edition.fallback,
            source_lang=meta.lang,
        )
        if page.for_print:
            # The PDF has no address: a relative link (the body's, an earlier version's) loses its href.
            return print_links(html)
        # On screen, Khmer breaks between khmercut's words only (the print text has its U+200B).
        return html if self._recording is not None else khmer_web.mark_page(html)

    def index(self, lang: str, releases: list[dict], *, root: str, pages: list[dict] | None = None) -> str:
        """A list of releases with links to every language; ``root`` leads to ``output/``;
        ``pages``: every index page of the language (its number, link, and whether it is this one)."""
        return khmer_web.mark_page(self._render(lang, "index.html", lang=lang, releases=releases,
                                                languages=self.links(), root=root, pages=pages or []))

    def review(self, review) -> str:
        """The side-by-side review page of one release (in English: it is the office's own tool)."""
        names = {lang: locales.language_name(lang, "en") for lang in self.languages}
        return khmer_web.mark_page(self._render("en", "review.html", review=review, names=names))

    def stylesheet(self, lang: str) -> str:
        """The per-language print rules (the page footer in the language's words and digits).

        Rendered once a language (every print page and every approval hash asks for it), with
        the strings it shows, which :meth:`edition_strings` records each time."""
        if lang not in self._stylesheets:
            outer, self._recording = self._recording, set()
            try:
                counter_style = ", khmer" if lang == "km" else ""
                css = self._render(lang, "page.css", counter_style=counter_style)
                self._stylesheets[lang] = (css, frozenset(self._recording))
            finally:
                self._recording = outer
        css, used = self._stylesheets[lang]
        if self._recording is not None:
            self._recording.update(used)
        return css
