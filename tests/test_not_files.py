"""Files that are not files, and files too big to read: each is refused by name without being read,
the run finishes, everything else is published, and no translation is lost (workflow.fsutil.read_input).

The runs that could hang (a named pipe) or fill the memory (a 2 GB file) run in a child process with
a generous timeout, so that a regression fails the test instead of stopping the suite; its peak
memory is part of the result.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import copy_project, run_in_child, use_templates
from workflow.cli import main
from workflow.fsutil import MAX_CATALOG_BYTES, MAX_RELEASE_BYTES
from workflow.po import read_po_bytes

BELGIUM = "2024-02-07-cambodia-belgium-consultations"
FRANCOPHONIE = "2025-03-20-reunion-preparation-sommet-francophonie"
LANGS = ("km", "en", "fr")
TWO_GB = 2 << 30

def _publish_in_child(root: Path, *args: str) -> tuple[int, str, int]:
    """Exit code, stderr and peak memory (kB) of ``publish`` (or ``args``) run in a child process."""
    return run_in_child(root, *args, timeout=600,
                        hang="the run did not finish: it is blocked on a file that is not a file")


def _translations(root: Path) -> dict[str, dict[tuple[str | None, str], str]]:
    """Every translation of every catalog that is a regular file: (path) → {(msgctxt, msgid): msgstr}."""
    found = {}
    for path in sorted((root / "locale").rglob("*.po")):
        if path.is_file() and not path.is_symlink() and path.stat().st_size < MAX_CATALOG_BYTES:
            po = read_po_bytes(path.read_bytes(), path=str(path))
            found[path.relative_to(root).as_posix()] = {(e.msgctxt, e.msgid): e.msgstr for e in po
                                                         if e.msgstr and not e.obsolete}
    return found


def _published(root: Path, slug: str, langs=LANGS) -> bool:
    return all((root / "output" / lang / f"{slug}.{ext}").is_file() for lang in langs for ext in ("html", "pdf"))


def _public(root: Path) -> list[Path]:
    """The public editions (not the review pages, which show what became of the approvals)."""
    return [p for lang in LANGS for p in (root / "output" / lang).glob("*.*")]


def _release(root: Path, slug: str, text: str = "") -> Path:
    path = root / "content" / f"{slug}.md"
    path.write_text(text or f"---\ntitle: {slug}\ndate: 2024-05-01\nlang: en\n---\n\nText of {slug}.\n",
                    encoding="utf-8")
    return path


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder beside the project, which is not part of it."""
    folder = tmp_path / "outside"
    folder.mkdir()
    return folder


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    return copy_project(root)


def test_a_catalog_that_is_a_named_pipe_is_refused_and_the_publish_finishes(project):
    before = _translations(project)
    fifo = project / "locale/fr/LC_MESSAGES" / f"{BELGIUM}.po"
    fifo.unlink()
    os.mkfifo(fifo)  # no one ever writes to it: reading it would wait forever, holding the lock
    code, err, _ = _publish_in_child(project)
    assert code == 1, err
    assert (f"locale/fr/LC_MESSAGES/{BELGIUM}.po: error: is a named pipe (FIFO), not a catalog; it is not read "
            "— replace it with the catalog itself") in err
    assert "Traceback" not in err
    assert fifo.is_fifo()  # never replaced: it is the translator's to fix
    assert _published(project, FRANCOPHONIE) and _published(project, BELGIUM, ("km", "en"))
    after = _translations(project)
    del before[f"locale/fr/LC_MESSAGES/{BELGIUM}.po"]
    assert after == before
    # update-po and check finish too, and name it.
    code, err, _ = _publish_in_child(project, "update-po")
    assert code == 1 and "is a named pipe (FIFO)" in err
    code, err, _ = _publish_in_child(project, "check")
    assert code == 1 and f"{BELGIUM}.po" in err and "Traceback" not in err


def test_ui_catalog_and_template_named_pipes_do_not_block(project):
    """ui.po, a generated .pot and a glossary file that are named pipes: refused or replaced, never waited for."""
    before = _translations(project)
    ui = project / "locale/km/LC_MESSAGES/ui.po"
    ui.unlink()
    os.mkfifo(ui)
    pot = project / "locale/templates" / f"{FRANCOPHONIE}.pot"
    pot.unlink()
    os.mkfifo(pot)  # a template is the tool's own: it is written again
    glossary = project / "locale/glossary/zz.po"
    os.mkfifo(glossary)
    code, err, _ = _publish_in_child(project)
    assert code == 1, err
    assert "locale/km/LC_MESSAGES/ui.po: error: is a named pipe (FIFO), not a catalog" in err
    assert "locale/glossary/zz.po: error: is a named pipe (FIFO), not a glossary file" in err
    assert "Traceback" not in err
    assert ui.is_fifo() and pot.is_file() and read_po_bytes(pot.read_bytes())
    assert _published(project, FRANCOPHONIE) and _published(project, BELGIUM)
    del before["locale/km/LC_MESSAGES/ui.po"]
    assert _translations(project) == before


@pytest.mark.parametrize("target", ["/dev/zero", "/etc/passwd"])
def test_a_release_linked_out_of_the_project_is_skipped_unread(project, target):
    before = _translations(project)
    link = project / "content" / "2024-05-01-linked.md"
    link.symlink_to(target)
    code, err, peak = _publish_in_child(project)
    assert code == 0, err  # skipped with a warning: the release is not this project's
    assert (f"content/2024-05-01-linked.md: warning: is a link to {target}, outside the project; it is not read "
            "(skipped) — put the release itself in the project instead of a link to it") in err
    assert "root:" not in err and "MemoryError" not in err and "Traceback" not in err
    assert not list((project / "output").rglob("2024-05-01-linked*"))
    assert not (project / "locale/templates/2024-05-01-linked.pot").exists()
    assert _published(project, FRANCOPHONIE) and _published(project, BELGIUM)
    assert _translations(project) == before
    assert peak < 1_000_000  # kB: nothing of /dev/zero was read


def test_a_content_entry_linked_to_a_folder_outside_is_not_published(project, outside):
    (outside / "2024-05-02-elsewhere.md").mkdir()
    (outside / "secret.md").write_text("---\ntitle: Secret\ndate: 2024-05-02\nlang: en\n---\n\nSecret text.\n")
    (project / "content" / "2024-05-02-elsewhere.md").symlink_to(outside / "2024-05-02-elsewhere.md")
    (project / "content" / "2024-05-03-secret.md").symlink_to(outside / "secret.md")
    inside = project / "content" / "2024-05-04-inside.md"
    inside.symlink_to(_release(project, "2024-05-04-original").name)  # a link within the project is read
    assert main(["--root", str(project), "publish"]) == 0
    for slug in ("2024-05-02-elsewhere", "2024-05-03-secret"):
        assert not list((project / "output").rglob(f"{slug}*"))
    assert "Secret text" not in "".join(p.read_text(errors="replace") for p in (project / "output").rglob("*.html"))
    assert _published(project, "2024-05-04-inside") and _published(project, BELGIUM)


def test_a_folder_or_a_loop_named_like_a_release_is_an_error_naming_it(project, capsys):
    (project / "content" / "2024-05-05-folder.md").mkdir()
    (project / "content" / "2024-05-06-loop.md").symlink_to("2024-05-06-loop.md")
    assert main(["--root", str(project), "publish"]) == 1
    err = capsys.readouterr().err
    assert ("content/2024-05-05-folder.md: error: is a folder, not a release; it is not read "
            "— replace it with the release itself") in err
    assert "content/2024-05-06-loop.md: error: is a link that leads back to itself" in err
    assert "Traceback" not in err
    assert _published(project, BELGIUM) and _published(project, FRANCOPHONIE)


def test_a_catalog_linked_to_a_system_file_is_refused_and_never_echoed(project, capsys):
    before = _translations(project)
    catalog = project / "locale/km/LC_MESSAGES" / f"{BELGIUM}.po"
    catalog.unlink()
    catalog.symlink_to("/etc/passwd")
    assert main(["--root", str(project), "publish"]) == 1
    err = capsys.readouterr().err
    assert f"locale/km/LC_MESSAGES/{BELGIUM}.po: error: is a link to /etc/passwd, outside the project" in err
    assert "root:" not in err and "x:0:0" not in err  # not a word of the file
    assert catalog.is_symlink() and os.readlink(catalog) == "/etc/passwd"  # not written through, not replaced
    assert _published(project, FRANCOPHONIE) and _published(project, BELGIUM, ("en", "fr"))
    del before[f"locale/km/LC_MESSAGES/{BELGIUM}.po"]
    assert _translations(project) == before


def test_a_project_template_that_is_not_a_file_is_refused(project, capsys):
    folder = use_templates(project, {})
    (folder / "edition.html").symlink_to("/etc/passwd")
    os.mkfifo(folder / "edition.css")
    assert main(["--root", str(project), "publish"]) == 1
    err = capsys.readouterr().err
    assert f"{folder / 'edition.html'}: error: is a link to /etc/passwd, outside the project" in err
    assert "root:" not in err and "Traceback" not in err


def test_approvals_that_are_not_files_are_refused_and_nothing_is_taken_down(tmp_path, outside):
    root = tmp_path / "approved"
    root.mkdir()
    copy_project(root, approval=True)
    assert main(["--root", str(root), "-q", "publish"]) == 0
    editions = {p: p.read_bytes() for p in _public(root)}
    ledger = root / "content/approvals.tsv"
    kept = ledger.read_bytes()
    ledger.unlink()
    os.mkfifo(ledger)
    code, err, _ = _publish_in_child(root)
    assert code == 1, err
    assert ("content/approvals.tsv: error: is a named pipe (FIFO), not an approvals ledger; it is not read; "
            "nothing is issued or taken down from the approvals this time") in err
    assert {p: p.read_bytes() for p in _public(root)} == editions
    # The approved texts' folder linked out of the project: each text is refused by name.
    ledger.unlink()
    ledger.write_bytes(kept)
    issued = root / "content/issued"
    issued.rename(outside / "issued")
    issued.symlink_to(outside / "issued")
    code, err, _ = _publish_in_child(root)
    assert code == 1, err
    assert "content/issued/" in err and "outside the project; it is not read" in err and "Traceback" not in err
    assert {p: p.read_bytes() for p in _public(root)} == editions


def test_a_2_gb_release_is_refused_unread_and_the_rest_is_published(project):
    before = _translations(project)
    huge = _release(project, "2024-05-06-huge")
    with open(huge, "r+b") as handle:
        handle.truncate(TWO_GB)  # sparse: no disk used, but 2 GB to anyone who reads it
    code, err, peak = _publish_in_child(project)
    assert code == 1, err
    assert (f"content/2024-05-06-huge.md: error: is 2,147,483,648 bytes, more than the {MAX_RELEASE_BYTES:,} "
            "bytes (64 KB) a release may have; it is not read") in err
    assert peak < 1_000_000, f"{peak} kB"  # far below the 2 GB it would have taken to read it
    assert _published(project, BELGIUM) and _published(project, FRANCOPHONIE)
    assert _translations(project) == before


def test_a_release_just_over_the_limit_is_refused_and_one_at_the_limit_is_read(project, capsys):
    header = "---\ntitle: Long\ndate: 2024-05-07\nlang: en\n---\n\n"
    paragraph = ("A sentence of a long release. " * 300).strip() + "\n\n"
    body = paragraph * ((MAX_RELEASE_BYTES - len(header)) // len(paragraph))
    text = header + body + "x" * (MAX_RELEASE_BYTES - len(header) - len(body) - 1) + "\n"
    assert len(text.encode()) == MAX_RELEASE_BYTES
    _release(project, "2024-05-07-at-limit", text)
    _release(project, "2024-05-08-over-limit", text + "y")
    assert main(["--root", str(project), "-q", "update-po"]) == 1
    err = capsys.readouterr().err
    assert f"content/2024-05-08-over-limit.md: error: is {MAX_RELEASE_BYTES + 1:,} bytes" in err
    assert "2024-05-07-at-limit" not in err
    assert (project / "locale/templates/2024-05-07-at-limit.pot").is_file()


def test_a_2_gb_catalog_is_refused_unread_and_kept(project):
    before = _translations(project)
    catalog = project / "locale/km/LC_MESSAGES" / f"{FRANCOPHONIE}.po"
    with open(catalog, "r+b") as handle:
        handle.truncate(TWO_GB)
    code, err, peak = _publish_in_child(project)
    assert code == 1, err
    assert (f"locale/km/LC_MESSAGES/{FRANCOPHONIE}.po: error: is 2,147,483,648 bytes, more than the "
            f"{MAX_CATALOG_BYTES:,} bytes (1 MB) a catalog may have; it is not read") in err
    assert peak < 1_000_000, f"{peak} kB"
    assert catalog.stat().st_size == TWO_GB  # left as it is: the translator's to fix
    assert _published(project, BELGIUM) and _published(project, FRANCOPHONIE, ("en", "fr"))
    del before[f"locale/km/LC_MESSAGES/{FRANCOPHONIE}.po"]
    assert _translations(project) == before


def test_what_output_keeps_between_runs_is_never_waited_for(project):
    """The list of releases, the stylesheet checks and the PDF manifest are read back by the next run:
    a named pipe or a link to a device in their place is taken for nothing known, and replaced."""
    assert main(["--root", str(project), "-q", "publish"]) == 0
    output = project / "output"
    for name in ("releases.json", ".stylesheets.json", ".manifest.json"):
        (output / name).unlink()
    os.mkfifo(output / "releases.json")
    os.mkfifo(output / ".stylesheets.json")
    (output / ".manifest.json").symlink_to("/dev/zero")
    code, err, peak = _publish_in_child(project)
    assert code == 0, err
    assert peak < 1_000_000
    assert all((output / name).is_file() and not (output / name).is_symlink()
               for name in ("releases.json", ".stylesheets.json", ".manifest.json"))
    assert _published(project, BELGIUM) and _published(project, FRANCOPHONIE)


def test_check_refuses_a_named_file_that_is_not_a_file(project, outside):
    fifo = outside / "fr.po"
    os.mkfifo(fifo)
    code, err, _ = _publish_in_child(project, "check", str(fifo))
    assert code == 1
    assert f"{fifo}: is a named pipe (FIFO), not a catalog; it is not read" in err
    huge = outside / "km.po"
    with open(huge, "wb") as handle:
        handle.truncate(TWO_GB)
    code, err, peak = _publish_in_child(project, "check", str(huge))
    assert code == 1 and "is 2,147,483,648 bytes, more than" in err and peak < 1_000_000
