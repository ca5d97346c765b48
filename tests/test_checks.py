"""What a translation may not do (workflow.checks), judged against what Python-Markdown really links."""

from __future__ import annotations

import html
from html.parser import HTMLParser

import markdown
import pytest

from workflow import checks, segment

SOURCE = "Both sides agreed, see [the statement](https://www.mfaic.gov.kh/) or write to <press@mfaic.gov.kh>."

ADDED = [
    "Les deux parties, voir [ici](https://evil.example/).",
    "Voir [ici](<https://evil.example/a b>).",
    "Voir [ici](https://evil.example/ \"titre\").",
    "Voir <https://evil.example/>.",
    "Écrivez à <evil@attacker.example>.",
    "Écrivez à <mailto:evil@attacker.example>.",
    "Voir [ici][x].\n\n[x]: https://evil.example/",
    "Voir ![image](https://evil.example/x.png).",
    "Voir [ici](javascript:alert(1)).",
    "Voir [ici](https://www.mfaic.gov.kh/%2e%2e/evil).",
    # whitespace Python-Markdown's autolinks allow and the URL parser of a browser drops or keeps
    "Voir <https://evil.example/ login>.",
    "Écrivez à <press@attacker\t.org>.",
    "Écrivez à <evil\u00a0@x.org>.",
    "Écrivez à <evil@x\u2003.org>.",
    "Voir <https://evil.example/\tx>.",
]
KEPT = [
    "Les deux parties, voir [la déclaration](https://www.mfaic.gov.kh/) ou écrire à <press@mfaic.gov.kh>.",
    "Les deux parties sont convenues.",
    "Voir [la déclaration](https://www.mfaic.gov.kh/).",
    "Une adresse sans chevrons : press@mfaic.gov.kh.",
]


class _Links(HTMLParser):
    def __init__(self, text: str):
        super().__init__()
        self.urls: set[str] = set()
        self.feed(markdown.markdown(text))

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.urls.add(html.unescape(value))


def rendered_urls(text: str) -> set[str]:
    """The URLs of ``text`` as the pipeline renders a translation (not markdown.markdown(), which
    turns tabs into spaces before the inline patterns run)."""
    return _Links(text).urls


@pytest.mark.parametrize("msgstr", ADDED)
def test_a_link_the_source_does_not_have_is_rejected(msgstr):
    page = segment.render_body("x", lambda msgid, kind="": msgstr) + markdown.markdown(msgstr)
    assert "<a " in page or "<img " in page, "the case must really make a link, in a release or in a translation"
    assert checks.rejection(SOURCE, msgstr) is not None


@pytest.mark.parametrize("msgstr", KEPT)
def test_the_sources_own_links_are_kept(msgstr):
    assert rendered_urls(msgstr) <= rendered_urls(SOURCE)
    assert checks.rejection(SOURCE, msgstr) is None


def test_an_added_image_is_rejected_even_with_the_sources_url():
    source = "See [the statement](https://www.mfaic.gov.kh/x.png)."
    assert checks.rejection(source, "Voir ![la déclaration](https://www.mfaic.gov.kh/x.png).") is not None


def test_raw_html_is_named():
    assert checks.raw_html("Text.", "Texte <b>gras</b>.") == ["<b>", "</b>"]
    assert checks.raw_html("Text <b>x</b>.", "Texte <b>x</b>.") == []
