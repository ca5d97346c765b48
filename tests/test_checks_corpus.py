"""The checks on real catalogs of other projects (../shared/corpus/po): no crash, a handful of warnings.

Those catalogs are not Markdown and follow their own conventions (printf and Qt placeholders,
``&`` accelerators, ``\\n``, hand-typed no-break spaces and U+200B), and they hold real mistakes.
``make check`` reports the warnings of one check and one kind of problem in a catalog as one
finding with all their lines, so a Khmer team that types U+200B word breaks by hand (apt's does
in 322 entries) reads one warning saying how many entries and where; errors stay one per entry.
"""

from __future__ import annotations

import pytest

from tests.conftest import CORPUS, corpus
from workflow import checks, qa
from workflow.lang import khmer
from workflow import po as pofile

#: Warnings ``make check`` may report on one real catalog, counted after grouping.
HANDFUL = 6

CATALOGS = sorted(str(p.relative_to(CORPUS / "po")) for p in (CORPUS / "po").glob("*/*.po")) or ["fr/none.po"]


def _read(name: str):
    path = corpus("po", name)
    return path, pofile.read_po_bytes(path.read_bytes(), path=str(path))


@pytest.mark.parametrize("name", CATALOGS)
def test_make_check_reports_a_handful_of_warnings_on_a_real_catalog(name):
    path, _ = _read(name)
    checked = qa.check_files([path])
    warnings = [f for f in checked.findings if not f.is_error]
    assert len(warnings) <= HANDFUL, [(f.check, f.count, f.message) for f in warnings]
    for finding in checked.findings:
        assert finding.count == len(finding.lines) >= 1 and finding.line == finding.lines[0]
        assert list(finding.lines) == sorted(set(finding.lines))
        assert not finding.is_error or finding.count == 1  # an error is never folded


@pytest.mark.parametrize("name", [n for n in CATALOGS if n.startswith("km/")])
def test_every_hand_typed_zero_width_space_is_still_listed(name):
    """The U+200B warnings are one finding, and it names every entry that has one."""
    path, po = _read(name)
    typed = {entry.linenum for entry in po
             if entry.msgid and not entry.obsolete and "fuzzy" not in entry.flags
             and any(khmer.ZWSP in text for text in [entry.msgstr, *entry.msgstr_plural.values()])
             and khmer.ZWSP not in entry.msgid + entry.msgid_plural}
    found = [f for f in qa.check_files([path]).findings if f.check == "khmer" and "U+200B" in f.message]
    assert len(found) == (1 if typed else 0)
    assert {line for f in found for line in f.lines} == typed


@pytest.mark.parametrize("name", CATALOGS)
def test_make_check_and_check_catalog_find_the_same_problems_in_a_real_catalog(name):
    """Grouping changes how warnings are told, not what is found: every line and check that
    ``checks.check_catalog`` finds is in ``make check``'s findings, and nothing else."""
    path, po = _read(name)
    lang = name.split("/")[0]
    severity = {checks.Severity.REJECT: "error", checks.Severity.ERROR: "error", checks.Severity.WARNING: "warning"}
    expected = {(entry.linenum, p.check, severity[p.severity])
                for entry, problems in checks.check_catalog(po, source_lang="en", lang=lang) for p in problems}
    found = {(line, f.check, f.severity) for f in qa.check_files([path]).findings for line in f.lines
             if f.check != "consistency"}
    assert found == expected
