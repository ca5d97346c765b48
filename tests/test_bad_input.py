"""Bad input: a clear message naming file and line, the rest still published, exit code 1."""

from __future__ import annotations

import shutil

from tests.conftest import corpus
from workflow.cli import main

BELGIUM = "2024-02-07-cambodia-belgium-consultations"
FRANCOPHONIE = "2025-03-20-reunion-preparation-sommet-francophonie"


def test_broken_po_keeps_the_last_edition_and_publishes_the_rest(project_copy, capsys):
    assert main(["--root", str(project_copy), "-q", "publish"]) == 0
    old_pdf = (project_copy / "output/fr" / f"{BELGIUM}.pdf").read_bytes()
    broken = project_copy / "locale/fr/LC_MESSAGES" / f"{BELGIUM}.po"
    shutil.copy(corpus("po4a-markdown/monero-site/Offline_Backup.fr.MALFORMED.po"), broken)
    before = broken.read_bytes()
    (project_copy / "output/km" / f"{BELGIUM}.html").unlink()

    assert main(["--root", str(project_copy), "publish"]) == 1
    err = capsys.readouterr().err
    assert f"locale/fr/LC_MESSAGES/{BELGIUM}.po:44:" in err
    assert broken.read_bytes() == before  # a translator's file we cannot read is never rewritten
    assert (project_copy / "output/fr" / f"{BELGIUM}.pdf").read_bytes() == old_pdf
    assert (project_copy / "output/km" / f"{BELGIUM}.html").is_file()  # the rest is still built
    assert not list((project_copy / "output").rglob("*.tmp"))


def test_broken_front_matter_names_the_line_and_the_rest_is_published(project_copy, capsys):
    bad = project_copy / "content" / "2024-03-01-broken.md"
    bad.write_text("---\ntitle: Broken\ndate: 2024-13-01\nlang: en\n---\n\nText.\n", encoding="utf-8")
    assert main(["--root", str(project_copy), "publish"]) == 1
    err = capsys.readouterr().err
    assert "content/2024-03-01-broken.md:3: error: date: '2024-13-01' is not a date" in err
    for lang in ("km", "en", "fr"):
        assert (project_copy / "output" / lang / f"{FRANCOPHONIE}.pdf").is_file()
        assert not (project_copy / "output" / lang / "2024-03-01-broken.html").exists()


def test_unknown_language_in_settings_is_a_usage_error(project_copy, capsys):
    settings = project_copy / "pyproject.toml"
    settings.write_text(settings.read_text().replace('languages = ["km", "en", "fr"]',
                                                     'languages = ["km", "en", "xx"]'))
    assert main(["--root", str(project_copy), "publish"]) == 2
    assert "unknown language 'xx'" in capsys.readouterr().err
