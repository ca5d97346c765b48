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
