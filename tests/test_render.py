"""Templates and their strings (workflow.render): translations are text, never markup or CSS."""

from __future__ import annotations

import tinycss2

from workflow.render import Renderer, css_string


def renderer(tmp_path, template: str, table: dict[str, str]) -> Renderer:
    (tmp_path / "probe.html").write_text(template, encoding="utf-8")
    return Renderer({"fr": table}, ("fr",), tmp_path)


def test_a_translation_is_escaped_once(tmp_path):
    page = renderer(tmp_path, '<p title="{{ _("Press Release") }}">{{ _("Press Release") }}</p>',
                    {"Press Release": 'A & B <script>"x"</script>'})
    html = page._render("fr", "probe.html")
    assert html == ('<p title="A &amp; B &lt;script&gt;&#34;x&#34;&lt;/script&gt;">'
                    'A &amp; B &lt;script&gt;&#34;x&#34;&lt;/script&gt;</p>')


def test_percent_signs_and_placeholders(tmp_path):
    template = '{{ _("Complete") }}|{{ _("%(n)s pages", n=3) }}|{{ _("Missing") }}'
    page = renderer(tmp_path, template, {"Complete": "100 % fait", "%(n)s pages": "%(n)s pages en tout"})
    assert page._render("fr", "probe.html") == "100 % fait|3 pages en tout|Missing"


def test_css_strings_cannot_end_early():
    for text in ['a"b', "a\\b", "a\rb", "a\nb", "a\fb", "a\x00b", "a\u2028b", "a\x85b"]:
        css = f'x {{ content: "{css_string(text)}" }}'
        rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
        assert len(rules) == 1 and rules[0].type == "qualified-rule", (text, rules)
        declarations = [d for d in tinycss2.parse_blocks_contents(rules[0].content) if d.type == "declaration"]
        strings = [token.value for d in declarations for token in d.value if token.type == "string"]
        assert strings == [text.replace("\x00", "\ufffd")], text


def test_edition_strings_keep_the_stylesheets_strings_once_it_is_rendered_once(tmp_path):
    """The stylesheet is rendered once a language; every approval hash still covers its strings."""
    import datetime as dt

    from workflow.model import Edition, Meta, Release, State

    (tmp_path / "edition.html").write_text('<p>{{ _("Press Release") }}</p>', encoding="utf-8")
    (tmp_path / "page.css").write_text('x { content: "{{ _("Page")|css_string }}" }', encoding="utf-8")
    page = Renderer({"fr": {"Press Release": "Communiqué", "Page": "Page n°"}}, ("fr",), tmp_path)
    release = Release("x", "content/x.md", Meta(title="T", date=dt.date(2024, 1, 1), lang="en"), "Text.", 6)
    edition = Edition(release, "fr", "<p>Texte.</p>", {"title": "T"}, State.COMPLETE)
    expected = {"Press Release": "Communiqué", "Page": "Page n°"}
    assert page.stylesheet("fr") == 'x { content: "Page n°" }'
    assert page.edition_strings(edition) == expected
    assert page.edition_strings(edition) == expected
    assert page.stylesheet("fr") == 'x { content: "Page n°" }'
