"""The termbase: locale/glossary/<lang>.po, read like any catalog, with errors that name the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from workflow import checks
from workflow.checks.khmer import sequence_problems
from workflow.model import WorkflowError

ROOT = Path(__file__).resolve().parents[1]


def test_the_samples_official_terms_are_in_the_glossary():
    glossary = checks.load_glossary(ROOT)
    forms = {term.forms["en"][0]: term.forms for term in glossary.terms}
    assert forms["His Excellency"]["fr"] == ("Son Excellence", "Leurs Excellences")
    assert forms["His Excellency"]["km"] == ("ឯកឧត្តម",)
    assert forms["Secretary of State"]["fr"][0] == "secrétaire d’État"
    assert forms["Secretary of State"]["km"] == ("រដ្ឋលេខាធិការ",)
    assert forms["Deputy Prime Minister"]["km"] == ("ឧបនាយករដ្ឋមន្ត្រី",)
    assert forms["Ministry of Foreign Affairs and International Cooperation"]["km"] == (
        "ក្រសួងការបរទេស និងសហប្រតិបត្តិការអន្តរជាតិ",)
    for name in ("Kingdom of Cambodia", "Cambodia", "Belgium", "ASEAN", "Francophonie"):
        assert forms[name]["fr"] and forms[name]["km"]


def test_the_glossarys_khmer_is_valid_unicode_khmer():
    for term in checks.load_glossary(ROOT).terms:
        for form in term.forms.get("km", ()):
            assert list(sequence_problems(form)) == [], form


def test_no_glossary_is_an_empty_glossary(tmp_path):
    assert len(checks.load_glossary(tmp_path)) == 0


def test_a_broken_glossary_names_its_line(tmp_path):
    folder = tmp_path / "locale" / "glossary"
    folder.mkdir(parents=True)
    (folder / "fr.po").write_text('msgid ""\nmsgstr ""\n"Language: fr\\n"\n\nmsgid "Summit"\nmsgstr "Sommet\n',
                                  encoding="utf-8")
    with pytest.raises(WorkflowError) as raised:
        checks.load_glossary(tmp_path)
    assert raised.value.path == "locale/glossary/fr.po" and raised.value.line == 6


def test_a_glossary_whose_header_says_another_language_is_refused(tmp_path):
    folder = tmp_path / "locale" / "glossary"
    folder.mkdir(parents=True)
    (folder / "fr.po").write_text('msgid ""\nmsgstr ""\n"Language: km\\n"\n', encoding="utf-8")
    with pytest.raises(WorkflowError, match="km"):
        checks.load_glossary(tmp_path)


def test_fuzzy_and_empty_terms_are_not_approved(tmp_path):
    folder = tmp_path / "locale" / "glossary"
    folder.mkdir(parents=True)
    (folder / "fr.po").write_text('msgid ""\nmsgstr ""\n"Language: fr\\n"\n\n#, fuzzy\nmsgid "Summit"\n'
                                  'msgstr "Sommet"\n\nmsgid "Ambassador"\nmsgstr ""\n', encoding="utf-8")
    glossary = checks.load_glossary(tmp_path)
    assert checks.check_entry("The Summit and the Ambassador.", "La réunion et le diplomate.",
                              source_lang="en", lang="fr", glossary=glossary) == []


@pytest.mark.parametrize("source, translation, ok", [
    ("the Secretary of State", "la secrétaire d’État", True),
    ("the Secretaries of State", "les Secrétaires d'Etat", True),
    ("the Ambassador", "l’ambassadeur", True),
    ("the Ambassador", "l’ambassadrice", True),  # a woman: the glossary's msgctxt "woman" rendering
    ("the Ambassador", "la diplomate", False),
    ("the Prime Minister", "la Première ministre", True),
    ("the Deputy Prime Minister", "le vice-premier ministre", True),
    ("Kingdom of Cambodia", "Royaume du Cambodge", True),
    ("Kingdom of Cambodia", "Cambodge", False),
    ("the Extraordinary Chambers in the Courts of Cambodia", "les Chambres extraordinaires au sein des tribunaux "
     "cambodgiens", True),
])
def test_french_matching_forgives_case_accents_elision_plural_and_gender(source, translation, ok):
    found = checks.check_entry(source, translation, source_lang="en", lang="fr",
                               glossary=checks.load_glossary(ROOT))
    assert (not any(p.check == "glossary" for p in found)) is ok, found


@pytest.mark.parametrize("source, translation, ok", [
    ("the Kingdom of Belgium", "ព្រះរាជាណាចក្របែលហ្ស៊ិក", True),
    ("His Excellency the Ambassador", "ឯកឧត្តមឯកអគ្គរដ្ឋទូត", True),
    ("the Ministry of Foreign Affairs and International Cooperation", "ក្រសួងការបរទេសនិងសហប្រតិបត្តិការអន្តរជាតិ", True),
    ("the Ministry of Foreign Affairs and International Cooperation", "ក្រសួង\u200bការបរទេស និង\u200bសហប្រតិបត្តិការ\u200bអន្តរជាតិ", True),
    ("the Kingdom of Belgium", "ព្រះរាជាណាចក្របារាំង", False),
])
def test_khmer_matching_ignores_spaces_and_uses_word_boundaries(source, translation, ok):
    found = checks.check_entry(source, translation, source_lang="en", lang="km",
                               glossary=checks.load_glossary(ROOT))
    assert (not any(p.check == "glossary" for p in found)) is ok, found


def test_a_khmer_source_is_checked_through_its_khmer_terms():
    found = checks.check_entry("ឯកឧត្តម រដ្ឋលេខាធិការ", "Mr Minister", source_lang="km", lang="en",
                               glossary=checks.load_glossary(ROOT))
    assert {p.check for p in found} == {"glossary"} and len(found) == 2
