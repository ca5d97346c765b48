"""French spacing and English quotes (workflow/typography.py), on the inputs that break naive rules."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st

from workflow import segment
from workflow.lang.typography import NBSP, NNBSP, apply_to_html, english, french, text_rule

N, S = NBSP, NNBSP  # short names for the expected strings


# ------------------------------------------------------------------------------ French

@pytest.mark.parametrize("text, expected", [
    ("Pourquoi ? Voici : « oui » ; non !", f"Pourquoi{S}? Voici{N}: «{S}oui{S}»{S}; non{S}!"),
    # typed without spaces, or with the wrong ones
    ("Quoi?! Vraiment: oui", f"Quoi{S}?! Vraiment{N}: oui"),
    ("oui;non", "oui;non"),  # a sign glued to the next word may be code or a URL: left alone
    ("«déjà spaced»", f"«{S}déjà spaced{S}»"),
    ("« déjà »", f"«{S}déjà{S}»"),
    (f"«{N}déjà{N}»", f"«{S}déjà{S}»"),
    ("«  deux espaces  »", f"«{S}deux espaces{S}»"),
    # already right: left alone, never doubled
    (f"mot{N}: x", f"mot{N}: x"),
    (f"mot{S}; x{S}! «{S}a{S}»", f"mot{S}; x{S}! «{S}a{S}»"),
    (f"mot{S}: x", f"mot{N}: x"),  # the colon takes a full no-break space
    # times, numbers and URLs are not punctuation
    ("à 10:30 ; puis à 9 h 00", f"à 10:30{S}; puis à 9 h 00"),
    ("le ratio 3:2", "le ratio 3:2"),
    ("voir https://example.org/?q=1&a=b:c ; ok", f"voir https://example.org/?q=1&a=b:c{S}; ok"),
    ("écrire à mailto:a@b.fr ?", f"écrire à mailto:a@b.fr{S}?"),
    ("https://example.org/a;b?c!d", "https://example.org/a;b?c!d"),
    ("Vu sur www.mfaic.gov.kh : oui", f"Vu sur www.mfaic.gov.kh{N}: oui"),
    ("http://a.b:8080/x:y", "http://a.b:8080/x:y"),
    ("a?b", "a?b"),
    # after closing signs, abbreviations, percentages
    ("(voir) : x", f"(voir){N}: x"),
    ("fin.» ; a", f"fin.{S}»{S}; a"),
    ("ex.: x", f"ex.{N}: x"),
    ("12 % ; x", f"12 %{S}; x"),
    ("C’est ça ?", f"C’est ça{S}?"),
    ("Il a dit «oui»!", f"Il a dit «{S}oui{S}»{S}!"),
    ("« “x” »", f"«{S}“x”{S}»"),
    ("Note :", f"Note{N}:"),
    # nothing to attach the sign to
    ("?", "?"),
    (": a", ": a"),
])
def test_french(text, expected):
    assert french(text) == expected


# ----------------------------------------------------------------------------- English

@pytest.mark.parametrize("text, expected", [
    # possessives and contractions
    ("the countries' hope", "the countries’ hope"),
    ("James' book and the boss's car", "James’ book and the boss’s car"),
    ("Belgium's 6 priorities", "Belgium’s 6 priorities"),
    ("it's, don't, O'Neill's", "it’s, don’t, O’Neill’s"),
    ("the two countries' Foreign Ministers", "the two countries’ Foreign Ministers"),
    # elisions open with an apostrophe, not a quote
    ("the '90s", "the ’90s"),
    ("'Tis rock 'n' roll", "’Tis rock ’n’ roll"),
    # quotes, and quotes inside quotes
    ('"strong" hope', "“strong” hope"),
    ("'ours'", "‘ours’"),
    ('he said "she said \'yes\' today"', "he said “she said ‘yes’ today”"),
    ('"He said \'no\'"', "“He said ‘no’”"),
    ("'She said \"yes\"'", "‘She said “yes”’"),
    ("'a', 'b'", "‘a’, ‘b’"),
    ("'hello,' he said", "‘hello,’ he said"),
    ("don't 'quote' it", "don’t ‘quote’ it"),
    ('("quoted")', "(“quoted”)"),
    ('a—"dash"', "a—“dash”"),
    ('the "Summit 2026"', "the “Summit 2026”"),
    # URLs keep their straight quotes
    ("see https://example.org/it's \"here\"", "see https://example.org/it's “here”"),
])
def test_english(text, expected):
    assert english(text) == expected


def test_khmer_has_no_spacing_rule():
    text = "ថ្ងៃទី៧ «ក» : ?"
    assert text_rule("km")(text) == text  # Khmer's only rule keeps names whole (tests/test_nobreak.py)
    assert text_rule("fr")("Oui ; non") == french("Oui ; non") and text_rule("en")("'a'") == english("'a'")


# ------------------------------------------------------------------------------- HTML

@pytest.mark.parametrize("html, rule, expected", [
    # entities: the rule sees the text, the HTML stays HTML
    ("<p>AT&amp;T ; x</p>", french, f"<p>AT&amp;T{S}; x</p>"),
    ("<p>a &amp; b ; c &lt;d&gt;</p>", french, f"<p>a &amp; b{S}; c &lt;d&gt;</p>"),
    ("<p>&laquo;x&raquo;</p>", french, f"<p>«{S}x{S}»</p>"),
    ("<p>he said &quot;x&quot;</p>", english, "<p>he said “x”</p>"),
    # an existing &nbsp; or &#160; is kept as it is, not doubled
    ("<p><strong>gras</strong>&nbsp;: x</p>", french, "<p><strong>gras</strong>&nbsp;: x</p>"),
    ("<p>x&#160;: y</p>", french, "<p>x&#160;: y</p>"),
    # signs next to inline tags
    ("<p><strong>Note</strong> : voir</p>", french, f"<p><strong>Note</strong>{N}: voir</p>"),
    ("<p>Voir <a href=\"x\">ici</a>: x</p>", french, f"<p>Voir <a href=\"x\">ici</a>{N}: x</p>"),
    ("<p>mot<strong> ?</strong></p>", french, f"<p>mot<strong>{S}?</strong></p>"),
    ("<p>«<em>x</em>»</p>", french, f"<p>«{S}<em>x</em>{S}»</p>"),
    ("<p><strong><em>x</em></strong>!</p>", french, f"<p><strong><em>x</em></strong>{S}!</p>"),
    ('<p>"<em>x</em>"</p>', english, "<p>“<em>x</em>”</p>"),
    ("<p>the <strong>countries</strong>' hope</p>", english, "<p>the <strong>countries</strong>’ hope</p>"),
    ("<p>it's <em>\"x\"</em></p>", english, "<p>it’s <em>“x”</em></p>"),
    # code is never touched, but spaced like a word
    ("<p>see <code>a ? b : c</code> ; ok</p>", french, f"<p>see <code>a ? b : c</code>{S}; ok</p>"),
    ("<p><code>\"x\"</code> \"y\"</p>", english, "<p><code>\"x\"</code> “y”</p>"),
    ("<pre><code>a ; b\n'c'</code></pre><p>c ; d</p>", french, f"<pre><code>a ; b\n'c'</code></pre><p>c{S}; d</p>"),
    # a link whose text is a URL, and attributes, are left alone
    ('<p><a href="https://x.org/?a=1">https://x.org/?a=1</a> ; b</p>', french,
     f'<p><a href="https://x.org/?a=1">https://x.org/?a=1</a>{S}; b</p>'),
    ('<p><a href="https://x.org/it\'s?a=1&amp;b=2" title="it\'s">it\'s</a></p>', english,
     '<p><a href="https://x.org/it\'s?a=1&amp;b=2" title="it\'s">it’s</a></p>'),
    # blocks do not see each other's text
    ("<p>a</p>\n<p>; b</p>", french, "<p>a</p>\n<p>; b</p>"),
    ("<li>He said \"yes</li><li>no\" now</li>", english, "<li>He said “yes</li><li>no” now</li>"),
    ("<td>x</td><td>?</td>", french, "<td>x</td><td>?</td>"),
])
def test_apply_to_html(html, rule, expected):
    assert apply_to_html(html, rule) == expected


def test_a_release_body_from_markdown():
    """What the pipeline really gives the rule: Python-Markdown's HTML."""
    body = segment.render_body("**Note** : voir `a ? b` et [le site](https://www.mfaic.gov.kh/?p=1:2) ; "
                               "« *déjà* » !\n\n- point ;\n- dernier point.\n")
    out = apply_to_html(body, french)
    assert out == (f"<p><strong>Note</strong>{N}: voir <code>a ? b</code> et "
                   f'<a href="https://www.mfaic.gov.kh/?p=1:2">le site</a>{S}; «{S}<em>déjà</em>{S}»{S}!</p>\n'
                   f"<ul>\n<li>point{S};</li>\n<li>dernier point.</li>\n</ul>")
    body = segment.render_body("The \"**Pentagonal Strategy**\" and the countries' *'Six Priorities'*.")
    assert apply_to_html(body, english) == ("<p>The “<strong>Pentagonal Strategy</strong>” and the countries’ "
                                            "<em>‘Six Priorities’</em>.</p>")


def test_long_bodies_are_set_whole():
    """A long block with many inline tags is set everywhere (its speed is measured by make bench)."""
    paragraph = "<p>" + " ".join(f"mot{i} <strong>gras</strong> ; « cité » : fin ?" for i in range(2000)) + "</p>"
    out = apply_to_html(paragraph, french)
    assert out.count(f"{S};") == 2000 and out.count(f"{N}:") == 2000 and out.count(f"{S}?") == 2000


# --------------------------------------------------------------------------- properties

FRENCH_TEXT = st.text(alphabet="ab1 :;!?«».'\"()\u00a0\u202f/", max_size=40)
ENGLISH_TEXT = st.text(alphabet="ab1s '\"().,—", max_size=40)


def letters(text: str) -> list[str]:
    return [ch for ch in text if ch.isalnum()]


@settings(max_examples=400, deadline=None)
@given(FRENCH_TEXT)
def test_french_is_idempotent_and_keeps_the_words(text):
    once = french(text)
    assert french(once) == once
    assert letters(once) == letters(text)
    assert re.sub(f"[ {N}{S}]", "", once) == re.sub(f"[ {N}{S}]", "", text)  # only spaces change


@settings(max_examples=400, deadline=None)
@given(ENGLISH_TEXT)
def test_english_is_idempotent_and_only_curls(text):
    once = english(text)
    assert english(once) == once
    assert len(once) == len(text) and letters(once) == letters(text)
    assert "'" not in once and '"' not in once


INLINE = st.sampled_from(["<strong>", "</strong>", "<em>", "</em>", '<a href="https://x.org/?a=1:2">', "</a>"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(FRENCH_TEXT.map(lambda t: t.replace("<", "").replace(">", "")), INLINE), max_size=8))
def test_html_keeps_its_tags_and_gets_the_rule_of_its_text(pieces):
    import html as html_module

    source = "<p>" + "".join(p if p.startswith("<") else html_module.escape(p, quote=False) for p in pieces) + "</p>"
    out = apply_to_html(source, french)
    tags = re.compile(r"<[^>]*>")
    assert tags.findall(out) == tags.findall(source)
    assert html_module.unescape(tags.sub("", out)) == french(html_module.unescape(tags.sub("", source)))


def test_the_anchor_pattern_finds_exactly_the_anchor_characters():
    """``_changes`` finds its anchors with a regular expression; it must agree with ``_is_anchor``
    (letters, digits, the opaque marks) on every code point."""
    import sys

    from workflow.lang.typography import _ANCHOR, _is_anchor

    for code in (c for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000):
        ch = chr(code)
        assert (_ANCHOR.fullmatch(ch) is not None) == _is_anchor(ch), hex(code)
