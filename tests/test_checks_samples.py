"""The sample catalogs are correct Khmer, French and English: the checks must say nothing about them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workflow import checks
from workflow import po as pofile

ROOT = Path(__file__).resolve().parents[1]
CATALOGS = sorted(ROOT.glob("locale/*/LC_MESSAGES/*.po"))


def source_lang(slug: str) -> str:
    """A release's source language from its front matter; the templates' strings are English."""
    if slug == "ui":
        return "en"
    return re.search(r"(?m)^lang:\s*(\w+)", (ROOT / "content" / f"{slug}.md").read_text(encoding="utf-8")).group(1)


def read(path: Path):
    return pofile.read_po_bytes(path.read_bytes(), path=str(path.relative_to(ROOT)))


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: f"{p.parts[-3]}/{p.name}")
def test_the_samples_have_no_problem(path):
    glossary = checks.load_glossary(ROOT)
    found = checks.check_catalog(read(path), source_lang=source_lang(path.stem), lang=path.parts[-3],
                                 glossary=glossary)
    assert [(e.linenum, str(p)) for e, problems in found for p in problems] == []


def test_the_samples_are_checked_at_all():
    """Guard against a vacuous pass: every sample catalog has translations, and the glossary terms."""
    assert len(CATALOGS) == 9  # 3 ui.po, 2 per sample release (6 catalogs for 3 releases)
    assert all(any(e.msgstr for e in read(path)) for path in CATALOGS)
    assert len(checks.load_glossary(ROOT)) >= 30


@pytest.mark.parametrize("lang", ["km", "fr", "en"])
def test_the_samples_are_consistent(lang):
    entries = [(str(path), e.linenum, e.msgid, e.msgstr) for path in CATALOGS if path.parts[-3] == lang
               for e in read(path) if e.msgid and e.msgstr and "fuzzy" not in e.flags]
    assert checks.check_consistency(entries) == {}
