"""Every catalog in the repository passes GNU msgfmt --check."""

import pytest

from tests.conftest import ROOT, run, tool

CATALOGS = sorted((ROOT / "locale").rglob("*.po")) + sorted((ROOT / "locale").rglob("*.pot"))


def test_there_are_catalogs():
    assert len(CATALOGS) >= 9


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_msgfmt_check(path):
    result = run(tool("msgfmt"), "--check", "-o", "/dev/null", str(path))
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("path", [p for p in CATALOGS if p.suffix == ".po"], ids=lambda p: str(p.relative_to(ROOT)))
def test_sample_catalogs_are_complete_and_canonical(path):
    result = run(tool("msgfmt"), "--check", "--statistics", "-o", "/dev/null", str(path))
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr
    assert run(tool("msgcat"), str(path)).stdout == path.read_text(encoding="utf-8")
