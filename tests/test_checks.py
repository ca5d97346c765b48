"""What a translation may not do (workflow.checks), judged against what Python-Markdown really links."""

from __future__ import annotations

import html
from html.parser import HTMLParser

import markdown
import polib
import pytest

from workflow import checks, segment
from workflow.checks import khmer as khmer_checks

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


# ---------------------------------------------------------------------- check_entry: each check fires and stays quiet

from pathlib import Path  # noqa: E402

from workflow.checks import Severity, check_entry  # noqa: E402

GLOSSARY = checks.load_glossary(Path(__file__).resolve().parents[1])

#: (check, severity, source language, language, source, translation): a real mistake each.
FIRES = [
    ("numbers", "error", "en", "fr", "Held on 7 February 2024.", "Tenue le 7 février 2025."),
    ("numbers", "error", "en", "km", "Held on 7 February 2024.", "បានប្រព្រឹត្តទៅនៅថ្ងៃទី៧ ខែកុម្ភៈ ឆ្នាំ២០២៥។"),
    ("numbers", "error", "en", "km", "Held on 7 February 2024.", "បានប្រព្រឹត្តទៅនៅថ្ងៃទី៧ ខែមីនា ឆ្នាំ២០២៤។"),
    ("numbers", "error", "en", "fr", "Held on 7 February 2024.", "Tenue le 7 mars 2024."),
    ("numbers", "error", "en", "fr", "A total of 1,000 people.", "Au total, 1 001 personnes."),
    ("numbers", "error", "en", "fr", "The 20th Summit.", "Le XXIᵉ Sommet."),
    ("numbers", "error", "fr", "en", "Le XXᵉ Sommet.", "The 21st Summit."),
    ("numbers", "error", "fr", "km", "À 9 h 30.", "នៅម៉ោង ៩:០០ ព្រឹក។"),
    ("numbers", "error", "en", "km", "The 20th Summit.", "កិច្ចប្រជុំកំពូលលើកទី២១។"),
    ("numbers", "error", "fr", "km", "Le XXᵉ Sommet.", "កិច្ចប្រជុំកំពូលលើកទី២១។"),
    ("markup", "error", "en", "fr", "See **this**.", "Voir ceci."),
    ("markup", "error", "en", "fr", "See this.", "Voir **ceci."),
    ("markup", "error", "en", "km", "See *this*.", "មើល *នេះ។"),
    ("markup", "error", "en", "fr", "Run `make`.", "Lancez make`."),
    ("links", "error", "en", "fr", "See [the site](https://www.mfaic.gov.kh/).", "Voir le [site du ministère]."),
    ("unsafe", "reject", "en", "fr", "See the site.", "Voir [le site](https://evil.example/)."),
    ("raw-html", "error", "en", "fr", "See this.", "Voir <b>ceci</b>."),
    ("glossary", "error", "en", "fr", "By the Secretary of State.", "Par le ministre délégué."),
    ("glossary", "error", "en", "km", "By the Secretary of State.", "ដោយរដ្ឋមន្ត្រី។"),
    ("glossary", "error", "fr", "en", "Par Son Excellence M. PRAK Sokhonn.", "By Mr PRAK Sokhonn."),
    ("glossary", "error", "en", "fr", "The Kingdom of Belgium.", "La Belgique."),
    ("glossary", "error", "en", "fr", "The Ambassador of France.", "La diplomate française."),
    ("untranslated-copy", "error", "en", "fr", "Both sides agreed to meet again.", "Both sides agreed to meet again."),
    ("untranslated-copy", "error", "en", "km", "Both sides agreed to meet again.", "Both sides agreed to meet again."),
    ("untranslated-copy", "error", "en", "km", "On 7 February 2024.", "On 7 February 2024."),
    ("untranslated-copy", "error", "km", "en", "ភាគីទាំងពីរបានឯកភាព។", "ភាគីទាំងពីរបានឯកភាព។"),
    ("punctuation", "error", "en", "km", "They agreed.", "ភាគីទាំងពីរបានឯកភាព"),
    ("punctuation", "error", "en", "km", "They agreed.", "ភាគីទាំងពីរបានឯកភាព."),
    ("punctuation", "error", "en", "km", "They agreed. They left.", "ភាគីទាំងពីរបានឯកភាព. ហើយបានចាកចេញ។"),
    ("punctuation", "error", "en", "fr", "Is it agreed?", "Est-ce convenu."),
    ("punctuation", "error", "fr", "en", "Trois axes :", "Three areas."),
    ("punctuation", "warning", "en", "fr", "They agreed.", "Elles sont  convenues."),
    ("punctuation", "warning", "en", "fr", "Preparations", "Préparatifs.", ),
    ("french-spacing", "warning", "en", "fr", "They agreed; they left.", "Elles sont convenues ; elles sont parties."),
    ("french-spacing", "warning", "en", "fr", "The “Summit”.", "Le « Sommet »."),
    ("khmer", "error", "en", "km", "Commitment.", "ការប្តេជ្ញ្ាចិត្ត។"),
    ("khmer", "error", "en", "km", "Establishment.", "ការបង្កេីត។"),
    ("khmer", "error", "en", "km", "Commitment.", "ការ ាប្តេជ្ញាចិត្ត។"),
    ("khmer", "error", "en", "km", "Commitment.", "ការប្តេជ្ញាចិិត្ត។"),
    ("khmer", "error", "en", "km", "Ministry of Foreign Affairs and International Cooperation",
     "RksYgkarbreTs nig shRbtibtþikarGnþrCati"),
    ("khmer", "warning", "en", "km", "Download", "ទាញ\u200bយក"),
]
FIRES_IDS = [f"{c}-{lang}-{i}" for i, (c, _, _, lang, _, _) in enumerate(FIRES)]


@pytest.mark.parametrize("name, severity, source_lang, lang, msgid, msgstr", FIRES, ids=FIRES_IDS)
def test_each_check_fires_on_a_real_mistake(name, severity, source_lang, lang, msgid, msgstr):
    found = check_entry(msgid, msgstr, source_lang=source_lang, lang=lang, glossary=GLOSSARY,
                        kind="heading 2" if msgid == "Preparations" else "paragraph")
    assert (name, Severity(severity)) in {(p.check, p.severity) for p in found}, found
    assert all(p.message and "\n" not in p.message for p in found)


#: Correct translations, some of them awkward for naive checks.
QUIET = [
    ("en", "km", "The First Session took place on 7 February 2024.",
     "សម័យប្រជុំលើកទី១ បានប្រព្រឹត្តទៅនៅថ្ងៃទី៧ ខែកុម្ភៈ ឆ្នាំ២០២៤។"),
    ("en", "km", "Held on 7 February 2024.", "បានប្រព្រឹត្តទៅនៅ ៧ កុម្ភៈ ២០២៤។"),
    ("en", "fr", "Belgium's 6 priorities for 2024.", "Les six priorités de la Belgique pour 2024."),
    ("en", "fr", "A total of 1,000 people at 9:00.", "Au total, 1 000 personnes à 9 h 00."),
    ("en", "fr", "A total of 1,000 people at 9:00.", "Au total, 1\u202f000 personnes à 9 h."),
    ("en", "km", "A total of 1,000 people.", "សរុបចំនួន ១.០០០ នាក់។"),
    ("en", "km", "A total of 1,000.5 tonnes.", "សរុប ១.០០០,៥ តោន។"),
    ("fr", "km", "9 h 00", "ម៉ោង ៩:០០ ព្រឹក"),
    ("fr", "en", "10 h 30", "10:30"),
    ("fr", "en", "le XIXᵉ Sommet, tenu en octobre 2024", "the 19th Summit, held in October 2024"),
    ("en", "fr", "the 20th Summit of la Francophonie", "le XXe Sommet de la Francophonie"),
    ("en", "km", "the 20th Summit of la Francophonie", "កិច្ចប្រជុំកំពូលហ្វ្រង់កូហ្វូនី លើកទី២០"),
    ("fr", "km", "le XXᵉ Sommet de la Francophonie", "កិច្ចប្រជុំកំពូលហ្វ្រង់កូហ្វូនី លើកទី២០"),
    ("en", "km", "the Pentagonal Strategy Phase I", "យុទ្ធសាស្ត្របញ្ចកោណ-ដំណាក់កាលទី១"),
    ("en", "km", "the court of Cambodia", "តុលាការកម្ពុជា"),
    ("en", "fr", "Version 3.0 of %s is out.", "La version 3.0 de %s est sortie."),
    ("en", "fr", "%1 of %2 files", "%1 fichiers sur %2"),
    ("en", "fr", "Phnom Penh", "Phnom Penh"),
    ("en", "km", "CHEM Widhya", "CHEM Widhya"),
    ("en", "km", "OIF", "OIF"),
    ("en", "km", "the ASEAN Summit", "កិច្ចប្រជុំកំពូលអាស៊ាន"),
    ("en", "fr", "2024", "2024"),
    ("en", "en", "Other languages", "Other languages"),
    ("fr", "en", "trois axes :", "three areas:"),
    ("fr", "km", "trois axes :", "ទិសដៅចំនួន៣ ដូចខាងក្រោម៖"),
    ("fr", "km", "la coordination des travaux ;", "ការសម្របសម្រួលការងារ"),
    ("en", "fr", "Draft: this edition is not final", "Projet\u00a0: cette édition n’est pas définitive"),
    ("en", "fr", "Draft: see 10:30 and https://x.org/a?b", "Projet: voir 10:30 et https://x.org/a?b"),
    ("en", "fr", "Why? Here!", "Pourquoi\u202f? Voici\u202f!"),
    ("en", "km", "the ECCC, etc.", "អ.វ.ត.ក ជាដើម"),
    ("en", "km", "Extraordinary Chambers (ECCC).", "អង្គជំនុំជម្រះវិសាមញ្ញក្នុងតុលាការកម្ពុជា (អ.វ.ត.ក)។"),
    ("en", "km", "His Excellency Ambassador François DELHAYE",
     "ឯកឧត្តមឯកអគ្គរដ្ឋទូត ហ្វ្រង់ស្វ័រ ដេឡាយ"),
    ("en", "fr", "the Secretaries of State", "les secrétaires d'Etat"),
    ("en", "fr", "Her Excellency the Ambassador of France", "Son Excellence l’ambassadrice de France"),
    ("en", "fr", "the Deputy Prime Minister and the Prime Minister", "la Vice-Première ministre et la Première ministre"),
    ("fr", "en", "l’ambassadrice de France", "the Ambassador of France"),
    ("fr", "km", "l’ambassadrice de France", "ឯកអគ្គរដ្ឋទូតបារាំង"),
    ("en", "fr", "See **this** and [the site](https://www.mfaic.gov.kh/).",
     "Voir **ceci** et [le site](https://www.mfaic.gov.kh/)."),
    ("en", "km", "ក្រសួង", "ក្រសួង"),
]


@pytest.mark.parametrize("source_lang, lang, msgid, msgstr", QUIET)
def test_no_false_alarm_on_correct_translations(source_lang, lang, msgid, msgstr):
    assert check_entry(msgid, msgstr, source_lang=source_lang, lang=lang, glossary=GLOSSARY) == []


def test_an_empty_translation_has_no_problem():
    assert check_entry("Text.", "", source_lang="en", lang="fr") == []


@pytest.mark.parametrize("msgid, msgstr, said", [
    (" Done", "Terminé", "the source starts with a space, the translation does not: match the source"),
    ("Done", " Terminé", "the translation starts with a space, the source does not: match the source"),
    ("Done ", "Terminé", "the source ends with a space, the translation does not: match the source"),
    ("Done", "Terminé ", "the translation ends with a space, the source does not: match the source"),
])
def test_a_stray_or_missing_edge_space_is_said_in_plain_english(msgid, msgstr, said):
    assert [p.message for p in check_entry(msgid, msgstr, source_lang="en", lang="fr")] == [said]


def test_every_check_has_a_one_line_explanation():
    assert set(checks.CHECKS) == {"numbers", "markup", "links", "glossary", "untranslated-copy", "punctuation",
                                  "french-spacing", "khmer", "raw-html", "consistency", "unsafe"}
    assert all(text and "\n" not in text and text.endswith((".", ")")) for text in checks.CHECKS.values())


def test_problems_come_most_severe_first():
    found = check_entry("See this.", "Voir <b>[ceci](https://evil.example/)</b>  .", source_lang="en", lang="fr")
    assert [p.severity for p in found] == sorted((p.severity for p in found),
                                                  key=[Severity.REJECT, Severity.ERROR, Severity.WARNING].index)
    assert found[0].check == "unsafe"


def test_a_long_paragraph_is_checked_quickly():
    import time

    msgid = ("The First Session took place on 7 February 2024 at the Ministry of Foreign Affairs and "
             "International Cooperation, chaired by His Excellency the Secretary of State. ") * 13
    msgstr = ("សម័យប្រជុំលើកទី១ បានប្រព្រឹត្តទៅនៅថ្ងៃទី៧ ខែកុម្ភៈ ឆ្នាំ២០២៤ នៅក្រសួងការបរទេស "
              "និងសហប្រតិបត្តិការអន្តរជាតិ ក្រោមអធិបតីភាព ឯកឧត្តម រដ្ឋលេខាធិការ។ ") * 13
    assert len(msgid) > 2000
    check_entry("x", "y", source_lang="en", lang="km", glossary=GLOSSARY)  # load the segmenter
    # CPU time of this process, not wall time: other processes on a loaded machine do not count.
    # About 0.035 s here on a first call; a slower machine gets ten times that, while a check
    # that is quadratic in the text's length (2,000+ characters) would take seconds.
    start = time.process_time()
    assert check_entry(msgid, msgstr, source_lang="en", lang="km", glossary=GLOSSARY) == []
    assert time.process_time() - start < 0.5


def test_hostile_text_does_not_hang():
    import time

    start = time.process_time()  # this process's CPU time: a loaded machine does not add to it
    found = check_entry("x", "[" * 5000 + "*" * 5000 + "\u17d2" * 3000, source_lang="en", lang="km")
    assert time.process_time() - start < 2
    assert any(p.check == "unsafe" for p in found)


# ---------------------------------------------------------------------- consistency

def test_the_same_source_translated_two_ways_is_a_warning_naming_both_places():
    found = checks.check_consistency([
        ("locale/fr/LC_MESSAGES/a.po", 10, "Secretary of State", "secrétaire d’État"),
        ("locale/fr/LC_MESSAGES/b.po", 20, "Secretary of State", "ministre délégué"),
        ("locale/fr/LC_MESSAGES/b.po", 30, "Phnom Penh", "Phnom Penh"),
        ("locale/fr/LC_MESSAGES/c.po", 5, "Phnom  Penh", "Phnom Penh"),
    ])
    assert set(found) == {("locale/fr/LC_MESSAGES/a.po", 10), ("locale/fr/LC_MESSAGES/b.po", 20)}
    (problem,) = found[("locale/fr/LC_MESSAGES/a.po", 10)]
    assert problem.severity is Severity.WARNING and problem.check == "consistency"
    assert "b.po:20" in problem.message and "ministre délégué" in problem.message
    assert "a.po:10" in found[("locale/fr/LC_MESSAGES/b.po", 20)][0].message


def test_make_check_keeps_two_contexts_of_one_source_apart(tmp_path):
    """KDE's "Run" is a button in one place and a menu action (msgctxt) in another: two
    translations are right there, as gettext keys them apart; one source in one context is still
    one source."""
    from workflow import qa

    header = 'msgid ""\nmsgstr ""\n"Language: fr\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    a, b = tmp_path / "a.po", tmp_path / "b.po"
    a.write_text(header + 'msgid "Run"\nmsgstr "Lancer"\n\n'
                 'msgctxt "@action:button"\nmsgid "Run"\nmsgstr "Exécuter"\n\n'
                 'msgctxt "@info"\nmsgid "Open a tab"\nmsgstr "Ouvrir un onglet"\n', encoding="utf-8")
    b.write_text(header + 'msgctxt "@info"\nmsgid "Open a tab"\nmsgstr "Ouvre un onglet"\n', encoding="utf-8")
    found = [f for f in qa.check_files([a, b]).findings if f.check == "consistency"]
    assert sorted(f.translation for f in found) == ["“Ouvre un onglet”", "“Ouvrir un onglet”"]


def test_make_check_judges_plural_entries_as_check_catalog_does(tmp_path):
    """Each form of a plural entry against its source: msgstr[0] against the singular, the others
    against msgid_plural; Khmer's one form says every number, so against msgid_plural."""
    from workflow import qa
    from workflow import po as pofile

    def header(lang: str, plurals: str) -> str:
        return (f'msgid ""\nmsgstr ""\n"Language: {lang}\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
                f'"Plural-Forms: {plurals}\\n"\n\n')

    fr, km = tmp_path / "fr.po", tmp_path / "km.po"
    fr.write_text(header("fr", "nplurals=2; plural=(n > 1);") +
                  'msgid "%d file deleted."\nmsgid_plural "%d files deleted."\n'
                  'msgstr[0] "%d fichier supprimé."\nmsgstr[1] "%d fichiers supprimés"\n', encoding="utf-8")
    km.write_text(header("km", "nplurals=1; plural=0;") +
                  'msgid "One item"\nmsgid_plural "%i items."\nmsgstr[0] "%i ធាតុ"\n\n'
                  'msgid "Total %i item."\nmsgid_plural "Total %i items."\nmsgstr[0] "មាន %i ធាតុុ។"\n', encoding="utf-8")
    for path, lang in ((fr, "fr"), (km, "km")):
        po = pofile.read_po_bytes(path.read_bytes(), path=str(path))
        expected = {(entry.linenum, p.check, p.message)
                    for entry, problems in checks.check_catalog(po, source_lang="en", lang=lang) for p in problems}
        found = qa.check_files([path]).findings
        assert expected and {(f.line, f.check, f.message) for f in found} == expected
    [stop] = [f for f in qa.check_files([fr]).findings if f.check == "punctuation"]
    assert stop.translation == "“%d fichiers supprimés”"  # the plural form, where the stop is missing
    assert {f.check for f in qa.check_files([km]).findings} == {"punctuation", "khmer"}


def test_warnings_of_one_kind_in_a_catalog_are_one_finding_with_every_line(tmp_path):
    """Hand-typed U+200B in five entries: one warning saying so, how many and where (text and
    JSON); a warning found once keeps its own message and excerpt; errors are never grouped."""
    import json

    from workflow import qa

    header = 'msgid ""\nmsgstr ""\n"Language: km\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    entries = [("Download", "ទាញ\u200bយក"), ("Upload", "ផ្ទុក\u200bឡើង"), ("Open", "បើក"),
               ("Delete", "លុុប\u200bចោល"), ("Save", "រក្សា\u200bទុក"), ("Close it", "បិទ  វា"),
               ("Copy", "ចម្លង\u200b"), ("Paste", "បិិទ")]
    path = tmp_path / "km.po"
    path.write_text(header + "".join(f'msgid "{a}"\nmsgstr "{b}"\n\n' for a, b in entries), encoding="utf-8")
    po = polib.pofile(str(path))
    line = {e.msgid: e.linenum for e in po}
    checked = qa.check_files([path])

    [zwsp] = [f for f in checked.findings if "U+200B" in f.message]
    assert zwsp.lines == tuple(line[m] for m in ("Download", "Upload", "Delete", "Save", "Copy"))
    assert (zwsp.count, zwsp.line, zwsp.severity) == (5, line["Download"], "warning")
    assert zwsp.message == khmer_checks.ZWSP_KIND and zwsp.translation == "“ទាញ\u200bយក”"
    [double] = [f for f in checked.findings if f.check == "punctuation"]
    assert (double.count, double.lines) == (1, (line["Close it"],)) and "a doubled space in “បិទ" in double.message
    errors = [f for f in checked.findings if f.is_error]
    assert [(f.line, f.count) for f in errors] == [(line["Delete"], 1), (line["Paste"], 1)]
    assert (checked.errors, checked.warnings) == (2, 2)

    text = qa.as_text(checked)
    lines = ", ".join(str(n) for n in zwsp.lines)
    assert f"{path}:{line['Download']}: warning: khmer: {khmer_checks.ZWSP_KIND}\n      in 5 entries, at lines {lines}" in text
    assert text.endswith("2 error(s), 2 warning(s) in 1 of 1 catalog(s) checked\n")
    data = json.loads(qa.as_json(checked))
    assert [(f["lines"], f["count"]) for f in data["findings"] if "U+200B" in f["message"]] == [(list(zwsp.lines), 5)]
    assert (data["catalogs"], data["errors"], data["warnings"]) == ([str(path)], 2, 2)


def test_the_readme_gives_every_check_its_severity():
    """The README's table of checks: one row per check (and the gate's fuzzy and untranslated),
    whose severity column names every severity the check is seen to give in FIRES."""
    import re

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    rows = {m.group(1): m.group(2) for m in re.finditer(r"(?m)^\| `([\w-]+)` \| ([^|]+) \| [^|]+ \|$", readme)}
    assert set(rows) == set(checks.CHECKS) | {"fuzzy", "untranslated"}
    seen: dict[str, set[str]] = {}
    for name, severity, *_ in FIRES:
        seen.setdefault(name, set()).add(severity)
    for name, severities in seen.items():
        assert all(s in rows[name] for s in severities), (name, rows[name], severities)


# --------------------------------------------------------------------- memos bounded (issue 12)

def test_memos_keyed_by_a_text_hold_at_most_memo_entries():
    """Every memo keyed by a translation's or a source's text holds at most ``checks.MEMO``: what a
    publish remembers does not grow with the number of releases (issue 12, flat memory)."""
    from workflow import editions
    from workflow.checks import glossary, markup, numbers, text

    memos = [editions.judge, markup.rejection, markup.rendered, text.html, text.view, numbers.figures,
             glossary._fold, glossary._compact, glossary._breaks]
    assert {memo.cache_info().maxsize for memo in memos} == {checks.MEMO}
    editions.judge.cache_clear()
    first = [editions.judge(f"The office opens at {n}:00.", f"Le bureau ouvre à {n} h 00.", source_lang="en",
                            lang="fr", glossary=None) for n in range(checks.MEMO + 100)]
    for memo in memos:
        assert memo.cache_info().currsize <= checks.MEMO
    # A judgement no longer held is made again, the same.
    assert editions.judge("The office opens at 0:00.", "Le bureau ouvre à 0 h 00.", source_lang="en", lang="fr",
                          glossary=None) == first[0]
    assert first[7].problems == () and first[7].text == "Le bureau ouvre à 7 h 00."
