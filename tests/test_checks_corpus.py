"""The checks on real catalogs of other projects (../shared/corpus/po): no crash, few findings.

Those catalogs are not Markdown and follow their own conventions (printf and Qt placeholders,
``&`` accelerators, ``\\n``, hand-typed no-break spaces and U+200B), and they hold real mistakes.
The bounds are what was measured when the checks were written; most of the Khmer warnings are
the U+200B word breaks those projects type by hand (this project's typesetter inserts its own).
"""

from __future__ import annotations

import collections

import pytest

from tests.conftest import corpus
from workflow import checks, pofile

#: catalog → (problems at most, of which not hand-typed U+200B at most), measured.
BOUNDS = {
    "fr/debian-apt_fr.po": (60, 60),
    "fr/kde-konsole_fr.po": (25, 25),
    "fr/weblate-website_django_fr.po": (10, 10),
    "km/cambodia-portal_theme_km.po": (70, 70),  # it copies English into 60 Khmer msgstr
    "km/debian-apt_km.po": (345, 20),
    "km/kobotoolbox-kpi_django_km.po": (5, 5),
    "km/remmina-2019-launchpad_km.po": (35, 5),
    "km/weblate-website_django_km.po": (16, 5),
}


def _is_zwsp(problem: checks.Problem) -> bool:
    return problem.check == "khmer" and "U+200B" in problem.message


@pytest.mark.parametrize("name", sorted(BOUNDS))
def test_real_catalogs_are_checked_without_crash_and_with_few_findings(name):
    path = corpus("po", name)
    lang = name.split("/")[0]
    po = pofile.read_po_bytes(path.read_bytes(), path=str(path))
    found = [p for _, problems in checks.check_catalog(po, source_lang="en", lang=lang) for p in problems]
    counts = collections.Counter(p.check for p in found)
    total, without_zwsp = BOUNDS[name]
    assert len(found) <= total, counts
    assert sum(not _is_zwsp(p) for p in found) <= without_zwsp, counts
