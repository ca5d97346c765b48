"""Hostile content in translations and sources (issue 14): links smuggled without a URL,
invisible and undrawable characters, a poisoned translation memory, paths that leak into PDFs.

The unit cases judge single entries with the one judgement every consumer uses
(``editions.judge``) and hold it against what the page really renders.  The end-to-end cases
build one hostile copy of the project and publish it once, in a child process with a generous
time limit: the run finishes, names the PO file and line of each refused entry, publishes
everything else, and loses no translation; the HTML and PDF (read with pypdf) carry no link,
address or character the sources do not have.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import polib
import pypdf
import pytest

from tests.conftest import copy_project
from workflow import catalog, editions, render, review as review_io, segment
from workflow.checks import characters, markup
from workflow.po import read_po

BELGIUM = "2024-02-07-cambodia-belgium-consultations"
FRANCOPHONIE = "2025-03-20-reunion-preparation-sommet-francophonie"
MEMORY = "2024-06-01-memory-test"
PRIVATE = "2024-05-01-private-use"
MFA = "https://www.mfaic.gov.kh/"
REFS = segment.link_definitions(f"[mfa]: {MFA}\n[evil]: https://evil.example/steal\n")
#: A run that takes longer than this is hung (a publish of these projects takes 15 to 40 s).
BOUND = 600


def _judge(msgid: str, msgstr: str, lang: str = "fr", references=REFS) -> editions.Judged:
    return editions.judge(msgid, msgstr, source_lang="en", lang=lang, glossary=None, references=references)


class _Hrefs(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in ("href", "src") and value]


# ------------------------------------------------------------ links smuggled without a URL

SOURCE_BODY = ("The Ministry met the press.\n\nSee [the Ministry's website][mfa].\n\n"
               f"[mfa]: {MFA}\n[evil]: https://evil.example/steal\n")


@pytest.mark.parametrize("msgstr", [
    "Le Ministère a rencontré la presse. Voir [le site][mfa].",  # full reference
    "Le Ministère a rencontré la presse. Voir [mfa].",  # shortcut reference
    "Le Ministère a rencontré la presse. Voir [mfa][].",  # collapsed reference
    "Le Ministère a rencontré la presse. Voir [le site] [MFA].",  # a space between, another case
    "Le Ministère a rencontré la [presse][evil].",  # a definition no segment uses
])
def test_a_reference_link_the_source_segment_lacks_is_refused_and_the_page_agrees(msgstr):
    msgid = "The Ministry met the press."
    judged = _judge(msgid, msgstr, references=segment.link_definitions(SOURCE_BODY))
    assert judged.text is None, judged
    assert any(p.check == "unsafe" and "links to" in p.message for p in judged.problems)
    # The page, rendered with this translation put back into the source's body, does make a link:
    # the check judged what the page would have shown.
    page = segment.render_body(SOURCE_BODY, lambda m, k: msgstr if m == msgid else None)
    source_page = segment.render_body(SOURCE_BODY)
    assert len(_Hrefs(page).urls) > len(_Hrefs(source_page).urls)


@pytest.mark.parametrize("msgstr", [
    "Voir [le site du Ministère][mfa].",
    "Voir [le site du Ministère][MFA].",
    f"Voir [le site du Ministère]({MFA}).",
])
def test_the_source_segments_own_reference_link_may_be_kept(msgstr):
    msgid = "See [the Ministry's website][mfa]."
    judged = _judge(msgid, msgstr, references=segment.link_definitions(SOURCE_BODY))
    assert judged.text == msgstr and not judged.errors, judged.problems
    page = segment.render_body(SOURCE_BODY, lambda m, k: msgstr if m == msgid else None)
    assert _Hrefs(page).urls == [MFA]


def test_a_reference_link_without_the_definitions_is_text_and_is_not_refused():
    """Where no definition answers (the templates' strings, another release), [mfa] is text."""
    judged = _judge("The Ministry met the press.", "Le Ministère a rencontré la presse [mfa].", references=())
    assert judged.text is not None


@pytest.mark.parametrize("msgstr, address", [
    ("Le Ministère a rencontré la presse : www.evil.example.", "www.evil.example"),
    ("Le Ministère a rencontré la presse (https://evil.example/x?a=1).", "https://evil.example/x?a=1"),
    ("Écrivez à contact@evil.example pour en savoir plus.", "contact@evil.example"),
    ("Le Ministère a rencontré la presse : mailto:contact@evil.example", "mailto:contact@evil.example"),
    ("Le Ministère a rencontré la presse : `www.evil.example`.", "www.evil.example"),  # in a code span
    ("Le Ministère a rencontré la presse : ｗｗｗ．evil．example.", "www.evil.example"),  # fullwidth
    ("ក្រសួងបានជួបអ្នកកាសែត។ មើលwww.evil.example។", "www.evil.example"),  # no space after Khmer
    ("Le Ministère a rencontré la presse : ftp://evil.example/a.", "ftp://evil.example/a"),
    # Bare domains (found by an independent review): with a path, or a common top-level domain.
    ("ក្រសួងបានជួបអ្នកកាសែត។ evil.example/path", "evil.example/path"),
    ("Le Ministère a rencontré la presse : bit.ly/3xYz.", "bit.ly/3xYz"),
    ("Le Ministère a rencontré la presse (evil.com).", "evil.com"),
])
def test_an_address_typed_as_text_the_source_lacks_is_refused(msgstr, address):
    judged = _judge("The Ministry met the press.", msgstr, lang="km" if "ក" in msgstr else "fr")
    assert judged.text is None
    unsafe = [p for p in judged.problems if p.check == "unsafe"]
    # Fullwidth letters are refused first as undrawable; the address is found all the same.
    assert unsafe and ("cannot add a URL" in unsafe[0].message or "no bundled font" in unsafe[0].message)
    assert markup.typed_addresses("The Ministry met the press.", msgstr) == [address]


@pytest.mark.parametrize("msgid, msgstr", [
    (f"See [the website]({MFA}).", "Voir [le site](https://www.mfaic.gov.kh/) : www.mfaic.gov.kh."),
    ("Write to info@mfaic.gov.kh or see www.mfaic.gov.kh.", "Écrivez à info@mfaic.gov.kh ou voyez https://www.mfaic.gov.kh/."),
    ("Write to <info@mfaic.gov.kh>.", "Écrivez à <info@mfaic.gov.kh>."),
    ("The meeting took place on 7 February 2024.", "La réunion a eu lieu le 7 février 2024 (10 h 00)."),
])
def test_the_sources_own_addresses_and_plain_text_pass(msgid, msgstr):
    assert not [p for p in _judge(msgid, msgstr).problems if p.check == "unsafe"]


# ------------------------------------------------------------ invisible and undrawable characters

@pytest.mark.parametrize("char", [
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",  # embeddings and overrides
    "\u2066", "\u2067", "\u2068", "\u2069",  # isolates
    "\u200e", "\u200f", "\u061c",  # marks
    "\ufeff", "\u2061", "\u180e", "\U000e0041",  # other format characters: BOM, invisible operator, tag
    "\u2028", "\u2029",  # line and paragraph separators
    "\x07", "\x1b", "\x85",  # controls
    "\ue000", "\U000f0000",  # private use
    "\ufdd0", "\uffff", "\U0010fffe",  # noncharacters
    "\U0001f600", "\u2603\ufe0f",  # emoji: no bundled font draws them
])
def test_invisible_controls_and_undrawable_characters_are_refused(char):
    for lang, msgstr in (("fr", f"Titre de {char}la réunion"), ("km", f"ចំណងជើង{char}កិច្ចប្រជុំ")):
        judged = _judge("Title of the meeting", msgstr, lang=lang)
        assert judged.text is None, (lang, char)
        assert any(p.check == "unsafe" for p in judged.problems)


@pytest.mark.parametrize("msgstr", [
    "ព្រះរាជាណាចក្រ\u200bកម្ពុជា",  # ZWSP between Khmer words: a warning of the khmer check, not refused
    "Réunion\u00a0: bilan",  # NBSP and U+202F: French typography
    "Réunion\u202f; bilan",
    "hyphen\u00adation",  # soft hyphen
    "ក្រ\u200cសួង",  # ZWNJ, ZWJ: shaping controls that move nothing
    "ក្រ\u200dសួង",
    "mot\u2060joint",  # word joiner
])
def test_characters_a_language_needs_pass(msgstr):
    judged = _judge("Kingdom of Cambodia", msgstr, lang="km" if "ក" in msgstr else "fr")
    assert not [p for p in judged.problems if p.check == "unsafe"], judged.problems


def test_a_bidi_override_in_a_title_is_named_with_its_code_point():
    judged = _judge("Outcomes", "\u202eRésultats")
    assert "U+202E (RIGHT-TO-LEFT OVERRIDE)" in str(judged.problems[0])


def test_the_characters_the_source_holds_are_not_held_against_the_translation():
    assert characters.refused("Press \ue000", "Presse \ue000") is None


# ------------------------------------------------------------ translation memory

def _po(entries: list[polib.POEntry]) -> polib.POFile:
    po = polib.POFile()
    for entry in entries:
        po.append(entry)
    return po


def _template(*msgids: str) -> polib.POFile:
    return _po([polib.POEntry(msgid=m, msgstr="", comment="type: paragraph") for m in msgids])


PLANTED = polib.POEntry(msgid="The Ministry thanks the participants.", msgstr="Le Ministère ne remercie personne.",
                        obsolete=True)
LIVE = polib.POEntry(msgid="The meeting was held in Phnom Penh.", msgstr="La réunion s’est tenue à Phnom Penh.")


@pytest.mark.parametrize("trust_exact", [True, False])
def test_an_obsolete_entry_is_only_ever_a_suggestion(trust_exact):
    memory = catalog.Memory(80, trust_exact=trust_exact)
    memory.add(_po([copy_entry(PLANTED)]), "planted")
    merged = catalog.merge(_template(PLANTED.msgid), None, lang="fr", project_id="x", memory=memory)
    entry = merged.find(PLANTED.msgid)
    assert entry.msgstr == PLANTED.msgstr and "fuzzy" in entry.flags
    assert catalog.memory_origin(entry) == "planted"
    assert entry.previous_msgid is None  # the same text: no #| msgid showing no change
    assert catalog.translations(merged) == {}


def test_a_live_exact_match_is_final_with_its_origin_only_where_reviewers_approve():
    for trust_exact, final in ((True, True), (False, False)):
        memory = catalog.Memory(80, trust_exact=trust_exact)
        memory.add(_po([copy_entry(LIVE)]), "2024-02-07-x")
        merged = catalog.merge(_template(LIVE.msgid), None, lang="fr", project_id="y", memory=memory)
        entry = merged.find(LIVE.msgid)
        assert entry.msgstr == LIVE.msgstr and ("fuzzy" not in entry.flags) is final
        note = (catalog.MEMORY_EXACT_NOTE if final else catalog.MEMORY_NOTE) + "2024-02-07-x"
        assert entry.tcomment == note
        # The exact note survives the next merge (a fuzzy note goes once a translator confirms).
        again = catalog.merge(_template(LIVE.msgid), merged, lang="fr", project_id="y", memory=memory)
        assert again.find(LIVE.msgid).tcomment == note


@pytest.mark.parametrize("trust_exact", [True, False])
def test_a_live_entry_that_is_no_segment_of_its_release_is_only_a_suggestion(trust_exact):
    """Found by an independent review: a live entry planted in one release's catalog, matching no
    segment of that release, was filled in final elsewhere under that release's name."""
    memory = catalog.Memory(80, trust_exact=trust_exact)
    memory.add(_po([copy_entry(LIVE)]), "2024-02-07-x", segments={"Another sentence of that release."})
    match = memory.lookup(LIVE.msgid)
    assert match.exact and not match.trusted
    merged = catalog.merge(_template(LIVE.msgid), None, lang="fr", project_id="y", memory=memory)
    assert "fuzzy" in merged.find(LIVE.msgid).flags and catalog.translations(merged) == {}
    # The same entry, a segment of its release: trusted where reviewers approve.
    memory = catalog.Memory(80, trust_exact=trust_exact)
    memory.add(_po([copy_entry(LIVE)]), "2024-02-07-x", segments={LIVE.msgid})
    assert memory.lookup(LIVE.msgid).trusted is trust_exact


def test_a_live_entry_wins_over_an_obsolete_one_of_the_same_source_in_any_order():
    planted = copy_entry(PLANTED)
    live = polib.POEntry(msgid=PLANTED.msgid, msgstr="Le Ministère remercie les participants.")
    for order in ((planted, live), (live, planted)):
        memory = catalog.Memory(80, trust_exact=True)
        for number, entry in enumerate(order):
            memory.add(_po([copy_entry(entry)]), f"r{number}")
        match = memory.lookup(PLANTED.msgid)
        assert match.translation == live.msgstr and match.trusted


def copy_entry(entry: polib.POEntry) -> polib.POEntry:
    return polib.POEntry(msgid=entry.msgid, msgstr=entry.msgstr, obsolete=entry.obsolete)


# ------------------------------------------------------------ relative links

def test_relative_links_lose_their_address_in_print_only():
    html = ('<a href="annex.pdf">the annex</a> <a href="/x/y.pdf">y</a> <a href="//evil.example/a">z</a> '
            '<a href="../en/slug.v1.pdf">PDF</a> <a href="#annex-1">a</a> <a href="https://x.org/">x</a> '
            '<a href="mailto:a@b.kh">m</a>')
    printed = render.print_links(html)
    assert _Hrefs(printed).urls == ["#annex-1", "https://x.org/", "mailto:a@b.kh"]
    assert "the annex" in printed and "file:" not in printed


# ------------------------------------------------------------ one hostile project, published once

NEW_SEGMENT = "More information is on [the Ministry's website][mfa]; see also [the annex](annex.pdf)."
NEW_FR = "Pour en savoir plus, consultez [le site du Ministère][mfa]\u202f; voir aussi [l’annexe](annex.pdf)."
NEW_KM = "ព័ត៌មានបន្ថែមមាននៅលើ[គេហទំព័ររបស់ក្រសួង][mfa] សូមមើលផងដែរ[ឧបសម្ព័ន្ធ](annex.pdf)។"
BELGIUM_REUSED = ("Both sides have expressed their commitments to further strengthen and expand potential areas "
                  "for future cooperation in trade and investment, inter alia through the establishment of legal "
                  "bases. They also discussed on the possibility of cooperation in the development of human "
                  "capital. They shared views on the importance of continued mutual support in international fora "
                  "and exchanged views on a number of regional and global issues of common concern.")
PLANTED_KM = "ក្រសួងមិនថ្លែងអំណរគុណដល់នរណាម្នាក់ទេ។"


def _workflow(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workflow", "--root", str(root), *args], capture_output=True,
                          text=True, timeout=BOUND, cwd=Path(__file__).resolve().parents[1])


def _catalog(root: Path, lang: str, domain: str) -> Path:
    return root / "locale" / lang / "LC_MESSAGES" / f"{domain}.po"


def _translations(root: Path) -> dict[tuple[str, str, bool], str]:
    found = {}
    for path in sorted((root / "locale").rglob("*.po")):
        for entry in polib.pofile(str(path)):
            found[(path.relative_to(root).as_posix(), entry.msgid, entry.obsolete)] = entry.msgstr
    return found


def _hostile_sources(root: Path) -> None:
    """A reference link, its definition and a relative link in the Belgian release; a release with a
    private-use character; a release made of a live paragraph of another release and of a planted one."""
    source = root / "content" / f"{BELGIUM}.md"
    source.write_text(source.read_text(encoding="utf-8") + f"\n{NEW_SEGMENT}\n\n[mfa]: {MFA}\n", encoding="utf-8")
    (root / "content" / f"{PRIVATE}.md").write_text(
        "---\ntitle: A private-use character\ndate: 2024-05-01\nlang: en\n---\n\n"
        "The text holds a private-use character \ue000 here.\n", encoding="utf-8")
    (root / "content" / f"{MEMORY}.md").write_text(
        f"---\ntitle: Memory\ndate: 2024-06-01\nlang: en\n---\n\n{BELGIUM_REUSED}\n\n{PLANTED.msgid}\n",
        encoding="utf-8")
    planted = _catalog(root, "km", BELGIUM)
    planted.write_text(planted.read_text(encoding="utf-8") + f'\n#~ msgid "{PLANTED.msgid}"\n#~ msgstr "{PLANTED_KM}"\n',
                       encoding="utf-8")


TAMPERED = {  # (lang, domain) → {a piece of the msgid: what to do to its msgstr}
    ("fr", BELGIUM): {
        "Outcomes of the First": lambda s: "\u202e" + s,
        "At the outset": lambda s: s + " Voir [le site][mfa].",
        "In response": lambda s: s + " [mfa]",
        "Both sides have": lambda s: s + " [mfa][]",
        "In conclusion": lambda s: s + " Écrivez à www.evil.example.",
        NEW_SEGMENT: lambda s: NEW_FR,
    },
    ("km", BELGIUM): {NEW_SEGMENT: lambda s: NEW_KM},
    ("km", FRANCOPHONIE): {
        "Le 20 mars 2025": lambda s: s.replace("។", " \U0001f600។", 1),
        "Rappelant que": lambda s: s[:20] + "\ufeff" + s[20:],
        "la coordination": lambda s: s + "\u2028",
    },
    ("km", "ui"): {"Reference": lambda s: s + "\ue000"},
}


def _tamper(root: Path) -> dict[tuple[str, str], list[int]]:
    """Apply TAMPERED; return the line of each tampered msgstr's entry (NEW_SEGMENT's excepted)."""
    lines = {}
    for (lang, domain), changes in TAMPERED.items():
        path = _catalog(root, lang, domain)
        po = polib.pofile(str(path), wrapwidth=79)
        for piece, change in changes.items():
            entry = next(e for e in po if not e.obsolete and e.msgid.startswith(piece) or e.msgid == piece)
            entry.msgstr = change(entry.msgstr)
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        po.save(str(path))
        po = read_po(path.read_text(encoding="utf-8"))  # the lines as the project reads and reports them
        lines[(lang, domain)] = [next(e.linenum for e in po if e.msgid.startswith(p) or e.msgid == p)
                                 for p in changes if p != NEW_SEGMENT]
    return lines


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("hostile"))  # approval off: the checks alone decide
    _hostile_sources(root)
    updated = _workflow(root, "update-po")
    assert "Traceback" not in updated.stderr, updated.stderr
    memory_po = {lang: polib.pofile(str(_catalog(root, lang, MEMORY))) for lang in ("km", "fr")}
    lines = _tamper(root)
    before = _translations(root)
    result = _workflow(root, "publish")
    checked = _workflow(root, "check", "--format", "json")
    return root, result, lines, before, memory_po, json.loads(checked.stdout)


def _pdf_uris(path: Path) -> list[str]:
    uris = []
    for page in pypdf.PdfReader(path).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action.get_object():
                uris.append(str(action.get_object()["/URI"]))
    return uris


def test_the_hostile_run_finishes_names_every_entry_and_publishes_the_rest(hostile):
    root, result, lines, _, _, _ = hostile
    assert result.returncode == 1, result.stderr  # refused translations are errors
    assert "Traceback" not in result.stderr
    for (lang, domain), numbers in lines.items():
        for line in numbers:
            assert re.search(rf"locale/{lang}/LC_MESSAGES/{domain}\.po:{line}: error: unsafe: ", result.stderr), \
                (lang, domain, line, result.stderr)
    for slug in (BELGIUM, FRANCOPHONIE, MEMORY):
        for lang in ("km", "en", "fr"):
            for ext in ("html", "pdf"):
                assert (root / "output" / lang / f"{slug}.{ext}").is_file(), (slug, lang, ext)


def test_make_check_finds_what_publish_refused(hostile):
    _, _, lines, _, _, checked = hostile
    found = {(f["path"], f["line"]) for f in checked["findings"] if f["check"] == "unsafe"}
    for (lang, domain), numbers in lines.items():
        for line in numbers:
            assert (f"locale/{lang}/LC_MESSAGES/{domain}.po", line) in found


def test_no_smuggled_link_address_or_character_reaches_the_pages(hostile):
    root = hostile[0]
    for page in (root / "output").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "evil.example" not in "".join(_Hrefs(text).urls), page
        if page.parent.name == "review":  # the reviewers see what was refused, as text, made visible
            assert "\u202e" not in text and "⟨U+202E⟩" in text if BELGIUM in page.name else True
            continue
        assert "evil.example" not in text, page
        for char in "\u202e\U0001f600\ufeff\u2028" + ("" if PRIVATE in page.name else "\ue000"):
            assert char not in text, (page, f"U+{ord(char):04X}")
    fr = (root / "output" / "fr" / f"{BELGIUM}.html").read_text(encoding="utf-8")
    assert fr.count(f'href="{MFA}"') == 1  # the source's own reference link, in its own segment only
    assert "Voir [le site][mfa]." not in fr  # the refused entry gave way to the source text


def test_no_pdf_links_to_a_file_or_to_an_address_the_source_lacks(hostile):
    root = hostile[0]
    for pdf in (root / "output").rglob("*.pdf"):
        for uri in _pdf_uris(pdf):
            assert uri in (MFA,), (pdf, uri)
        title = pypdf.PdfReader(pdf).metadata.title or ""
        assert not set(title) & characters._BIDI, (pdf, title)
    assert _pdf_uris(root / "output" / "en" / f"{BELGIUM}.pdf") == [MFA]
    for lang in ("km", "en", "fr"):
        html = (root / "output" / lang / f"{BELGIUM}.html").read_text(encoding="utf-8")
        assert 'href="annex.pdf"' in html  # the web page keeps the relative link


def test_a_relative_link_in_a_source_is_a_warning_naming_its_line(hostile):
    root, result = hostile[0], hostile[1]
    text = (root / "content" / f"{BELGIUM}.md").read_text(encoding="utf-8")
    line = text.splitlines().index(NEW_SEGMENT) + 1
    assert f"content/{BELGIUM}.md:{line}: warning: the link to annex.pdf is relative" in result.stderr


def test_a_private_use_character_in_a_source_names_the_release_line(hostile):
    root, result = hostile[0], hostile[1]
    assert f"content/{PRIVATE}.md:7: error: no bundled font has a glyph for U+E000" in result.stderr
    assert (root / "output" / "en" / f"{PRIVATE}.html").is_file()


def test_ui_po_refusal_names_its_line_and_keeps_the_english_string(hostile):
    root = hostile[0]
    for slug in (BELGIUM, FRANCOPHONIE):
        km = (root / "output" / "km" / f"{slug}.html").read_text(encoding="utf-8")
        assert "\ue000" not in km
    fr = (root / "output" / "fr" / f"{FRANCOPHONIE}.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex">' not in fr  # other languages' editions stay public


def test_the_memory_fills_nothing_final_without_a_reviewer(hostile):
    memory_po = hostile[4]
    for lang, po in memory_po.items():
        for msgid in (BELGIUM_REUSED, PLANTED.msgid):
            entry = po.find(msgid)
            if lang == "fr" and msgid == PLANTED.msgid:
                assert entry.msgstr == ""  # planted in the Khmer catalog only
                continue
            assert entry.msgstr and "fuzzy" in entry.flags, (lang, msgid)
            assert catalog.memory_origin(entry) == BELGIUM
    review = (hostile[0] / "output" / "review" / f"{MEMORY}.html").read_text(encoding="utf-8")
    assert review.count(f"from the translation memory: {BELGIUM}") == 3
    assert PLANTED_KM not in (hostile[0] / "output" / "km" / f"{MEMORY}.html").read_text(encoding="utf-8")


def test_no_translation_is_lost(hostile):
    root, _, _, before = hostile[:4]
    after = _translations(root)
    lost = {key: text for key, text in before.items() if text and after.get(key) != text}
    assert not lost


def test_with_approval_an_exact_match_is_final_noted_and_shown_to_the_reviewer(tmp_path):
    root = copy_project(tmp_path, approval=True)
    _hostile_sources(root)
    assert _workflow(root, "update-po").returncode == 0
    from workflow.project import load as load_project
    from workflow.report import Report
    from workflow.workspace import load_workspace

    ws = load_workspace(load_project(root), Report())
    km = ws.catalogs[("km", MEMORY)]
    reused, planted = km.find(BELGIUM_REUSED), km.find(PLANTED.msgid)
    assert reused.msgstr and "fuzzy" not in reused.flags and catalog.memory_origin(reused) == BELGIUM
    assert planted.msgstr == PLANTED_KM and "fuzzy" in planted.flags  # obsolete: a suggestion only
    rel = next(r for r in ws.releases if r.slug == MEMORY)
    result = review_io.review(rel, ws.segments[MEMORY], {"km": km, "fr": ws.catalogs[("fr", MEMORY)]},
                              ws.project.languages)
    page = render.Renderer({}, ws.project.languages).review(result)
    assert result.memory_filled == {"km": 2, "fr": 1}
    assert page.count(f"from the translation memory: {BELGIUM}") == 3
    assert "Filled in by the translation memory" in page


@pytest.mark.parametrize("char", ["\u202a", "\u202e", "\u2066", "\u2069"])
def test_a_bidi_control_in_a_source_is_refused_with_its_line(char):
    from workflow import release
    from workflow.model import WorkflowError

    for line, text in ((2, f"---\ntitle: Out{char}comes\ndate: 2024-01-01\nlang: en\n---\n\nBody.\n"),
                       (7, f"---\ntitle: Outcomes\ndate: 2024-01-01\nlang: en\n---\n\nBo{char}dy.\n")):
        with pytest.raises(WorkflowError) as caught:
            release.parse(text, path="content/x.md", slug="x")
        assert caught.value.line == line and f"bidirectional control U+{ord(char):04X}" in str(caught.value)


def test_the_review_pages_counts_refuse_a_smuggled_reference_link_as_the_page_does():
    po = _po([polib.POEntry(msgid="The Ministry met the press.", msgstr="Le Ministère a rencontré la presse [mfa].")])
    assert catalog.stats(po).rejected == 0  # without the release's definitions [mfa] is text
    assert catalog.stats(po, segment.link_definitions(SOURCE_BODY)).rejected == 1
