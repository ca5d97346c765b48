"""Editions to HTML through Jinja2 templates, and the templates' own strings.

The templates' words (letterhead, labels) are translated through the ``ui``
catalog; the release's words arrive already translated in an ``Edition``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources

import jinja2
import nh3
from jinja2.ext import babel_extract
from markupsafe import Markup

from workflow import locales
from workflow.model import Edition

TEMPLATES = ("edition.html", "index.html", "page.css")
#: What a release body may contain once rendered: Markdown's own output, nothing else.
_BODY_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "a", "em", "strong", "code", "pre",
              "blockquote", "table", "thead", "tbody", "tr", "th", "td", "br", "hr", "img"}
_BODY_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"style"}, "td": {"style"},
                    "code": {"class"}, "ol": {"start"}}
_CSS_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\a "})


def css_string(text: str) -> str:
    """Escape text for a double-quoted CSS string."""
    return str(text).translate(_CSS_ESCAPES)


def safe_body(html: str) -> str:
    """Keep only the tags and attributes Markdown makes; links only to http(s), mailto or relative URLs.

    Raw HTML is already escaped by ``workflow.segment``; this allow-list is the
    second line of defence, and drops ``javascript:``, ``vbscript:`` and
    ``data:`` URLs that a release might carry in ``[text](url)``.
    """
    return nh3.clean(html, tags=_BODY_TAGS, attributes=_BODY_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                     link_rel=None, filter_style_properties={"text-align"}, strip_comments=True)


def template_dir() -> str:
    return str(resources.files("workflow") / "templates")


def extract_ui_strings() -> Iterator[tuple[str, int, str]]:
    """(template name, line, msgid) for every ``_()`` call in the templates."""
    folder = resources.files("workflow") / "templates"
    for name in TEMPLATES:
        with (folder / name).open("rb") as handle:
            for line, _func, message, _comments in babel_extract(handle, ["_", "gettext"], [], {}):
                if isinstance(message, str):
                    yield name, line, message


@dataclass(frozen=True)
class LanguageLink:
    lang: str
    name: str
    slug: str = ""


class Renderer:
    """Renders pages in every language, each with its own templates' translations."""

    def __init__(self, ui_translations: Mapping[str, Mapping[str, str]], languages: tuple[str, ...]):
        self._ui = ui_translations
        self.languages = languages
        self._environments: dict[str, jinja2.Environment] = {}

    def gettext(self, lang: str) -> Callable[[str], str]:
        table = self._ui.get(lang, {})
        return lambda message: table.get(message) or message

    def _environment(self, lang: str) -> jinja2.Environment:
        if lang not in self._environments:
            env = jinja2.Environment(
                loader=jinja2.FileSystemLoader(template_dir()),
                autoescape=jinja2.select_autoescape(["html"]),
                undefined=jinja2.StrictUndefined,
                extensions=["jinja2.ext.i18n"],
                keep_trailing_newline=True,
            )
            translate = self.gettext(lang)
            env.install_gettext_callables(translate, lambda s, p, n: translate(s if n == 1 else p), newstyle=True)
            env.filters["css_string"] = css_string
            self._environments[lang] = env
        return self._environments[lang]

    def links(self, slug: str = "") -> list[LanguageLink]:
        return [LanguageLink(lang, locales.language_name(lang), slug) for lang in self.languages]

    def edition(self, edition: Edition, *, draft: bool) -> str:
        """The HTML page of one language edition."""
        meta = edition.release.meta
        lang = edition.lang
        return self._environment(lang).get_template("edition.html").render(
            lang=lang,
            slug=edition.release.slug,
            strings=edition.strings,
            reference=meta.reference,
            body=Markup(safe_body(edition.body_html)),
            date=locales.long_date(meta.date, lang),
            date_iso=meta.date.isoformat(),
            closing=locales.long_date(meta.closing_date, lang),
            closing_iso=meta.closing_date.isoformat(),
            created=meta.date.isoformat(),
            modified=meta.closing_date.isoformat(),
            editions=self.links(edition.release.slug),
            draft=draft,
        )

    def index(self, lang: str, releases: list[dict], *, root: str) -> str:
        """A list of releases with links to every language; ``root`` leads to ``output/``."""
        return self._environment(lang).get_template("index.html").render(
            lang=lang, releases=releases, languages=self.links(), root=root)

    def stylesheet(self, lang: str) -> str:
        """The per-language print rules (the page footer in the language's words and digits)."""
        counter_style = ", khmer" if lang == "km" else ""
        return self._environment(lang).get_template("page.css").render(counter_style=counter_style)
