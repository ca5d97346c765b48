"""Races with translators, file-system faults, signals and leftovers: each run finishes, exits as
documented, names the files concerned, publishes everything else and loses no translation.

The faults are real: a translator's save lands from inside the write path of a real publish
(``fsutil._before_replace``, the moment between reading a catalog and renaming the merge over it);
a full disk is a small tmpfs, a read-only ``locale/`` a read-only bind mount and ``output/`` on
another file system a tmpfs, each mounted in a user namespace (``unshare -rm``: it works as root
too; the tests are skipped, saying why, where the machine forbids it); a file too large is
``RLIMIT_FSIZE``; a signal is sent by the run to itself at a fixed point.  Every run is a child
process with a generous timeout, so a hang fails the test instead of stopping the suite.
"""

from __future__ import annotations

import json
import os
import resource
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, copy_project
from tests.test_cost_bounds import BELGIUM, FRANCOPHONIE, HANG, published, translations
from workflow.cli import INTERRUPTED
from workflow.fsutil import publishing_lock, remove_stale_temporaries
from workflow.lang import khmer_web
from workflow.po import read_po_bytes

_CHILD = """
import os, signal, sys
from pathlib import Path
from workflow import fsutil
from workflow.cli import main
exec(os.environ.get("FAULT_HOOK", ""))
sys.exit(main(["--root", sys.argv[1], *sys.argv[2:]]))
"""

#: The translator's save, landing right before the run renames its merge over the catalog.
RACE = """
_target, _saved = Path(os.environ["FAULT_TARGET"]), Path(os.environ["FAULT_SAVED"]).read_bytes()
def _hook(path, _done=[]):
    if Path(path) == _target and not _done:
        _done.append(path)
        if os.environ.get("FAULT_BY_RENAME"):  # Poedit, Lokalize: a new file renamed into place
            Path(str(_target) + ".new").write_bytes(_saved)
            os.replace(str(_target) + ".new", _target)
        else:
            _target.write_bytes(_saved)
fsutil._before_replace = _hook
"""

#: The run sends itself a signal as it is about to publish its first PDF.
SIGNAL = """
def _hook(path, _done=[]):
    if str(path).endswith(".pdf") and not _done:
        _done.append(path)
        number = getattr(signal, os.environ["FAULT_SIGNAL"])
        if os.environ.get("FAULT_GROUP"):  # as a terminal's Ctrl-C: every process of the group
            os.killpg(os.getpgid(0), number)
        else:
            os.kill(os.getpid(), number)
fsutil._before_replace = _hook
"""


def child(root: Path, *args: str, hook: str = "", env: dict | None = None, limit_bytes: int | None = None,
          session: bool = False) -> tuple[int, str]:
    """Exit code and stderr of ``python -m workflow`` in a child process (``limit_bytes``: the
    largest file it may write, as ``ulimit -f`` sets it)."""

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG, as a program that handles it sees it
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    environment = {**os.environ, "FAULT_HOOK": hook, **(env or {})}
    try:
        done = subprocess.run([sys.executable, "-c", _CHILD, str(root), *(args or ("publish",))], cwd=ROOT,
                              capture_output=True, text=True, errors="replace", timeout=HANG, env=environment,
                              stdin=subprocess.DEVNULL, preexec_fn=limit if limit_bytes else None,
                              start_new_session=session)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"the run did not finish within {HANG} s\n{exc.stderr}")
    return done.returncode, done.stderr


def leftovers(root: Path) -> list[str]:
    """Temporary files and folders a run left anywhere in the project."""
    found = [p for p in root.rglob("*") if p.name.endswith(".tmp") or p.name.startswith("weasyprint-")]
    scratch = root / ".publish-tmp"
    found += [p for p in scratch.iterdir()] if scratch.is_dir() else []
    return sorted(str(p.relative_to(root)) for p in found)


def whole_outputs(root: Path) -> None:
    """Every output is a whole file: a PDF ends with its trailer, a page with its closing tag."""
    for path in (root / "output").rglob("*"):
        if path.suffix == ".pdf":
            data = path.read_bytes()
            assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), path
        elif path.suffix == ".html":
            assert path.read_text(encoding="utf-8").rstrip().endswith("</html>"), path
        elif path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))


def translated(root: Path, lang: str, slug: str) -> dict[str, str]:
    po = read_po_bytes((root / "locale" / lang / "LC_MESSAGES" / f"{slug}.po").read_bytes(), path="x.po")
    return {e.msgid: e.msgstr for e in po if e.msgstr and not e.obsolete}


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "project").resolve()


def _add_paragraph(root: Path, slug: str = BELGIUM, text: str = "A paragraph added by the editor.") -> None:
    """A source change: every catalog of the release has an entry to merge, so each is written."""
    path = root / "content" / f"{slug}.md"
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{text}\n", encoding="utf-8")


def _translators_save(root: Path, lang: str, slug: str, tmp_path: Path) -> tuple[Path, bytes]:
    """The catalog as the translator saves it: one translation changed."""
    catalog = root / "locale" / lang / "LC_MESSAGES" / f"{slug}.po"
    text = catalog.read_text(encoding="utf-8")
    old = next(s for s in translated(root, lang, slug).values() if len(s) > 20 and '"' not in s and "\\" not in s)
    assert text.count(old[:20]) == 1
    saved = text.replace(old[:20], "TRANSLATORS NEW TEXT " + old[:20], 1).encode("utf-8")
    (tmp_path / "saved.po").write_bytes(saved)
    return catalog, saved


# --- races with translators --------------------------------------------------------------------


@pytest.mark.parametrize("by_rename", [False, True], ids=["saved in place", "saved by rename"])
def test_a_translators_save_during_publish_is_never_written_over(project, tmp_path, by_rename):
    _add_paragraph(project)
    catalog, saved = _translators_save(project, "km", BELGIUM, tmp_path)
    before = translations(project)
    code, err = child(project, hook=RACE, env={"FAULT_TARGET": str(catalog), "FAULT_SAVED": str(tmp_path / "saved.po"),
                                                "FAULT_BY_RENAME": "1" if by_rename else ""})
    assert code == 0, err
    shown = f"locale/km/LC_MESSAGES/{BELGIUM}.po"
    assert f"{shown}: warning: changed after this run read it (someone saved it meanwhile); it is left as it is" in err
    assert "run again: the next run reads and merges it" in err
    assert f"{shown} changed while this publish ran" in err
    assert catalog.read_bytes() == saved  # the translator's file, byte for byte
    assert not (project / "output/.last-run.json").exists()  # not recorded as done: the next run is a full one
    assert leftovers(project) == []
    # The other catalogs got the new paragraph and lost nothing.
    after = translations(project)
    for path, entries in before.items():
        if path != shown:
            assert after[path].items() >= entries.items(), path
    fr = read_po_bytes((project / "locale/fr/LC_MESSAGES" / f"{BELGIUM}.po").read_bytes(), path="fr.po")
    assert any(e.msgid == "A paragraph added by the editor." for e in fr)  # merged, to be translated
    # The next run merges the translator's save: their text is kept, the new paragraph is added.
    code, err = child(project)
    assert code == 0, err
    merged = read_po_bytes(catalog.read_bytes(), path="km.po")
    assert any("TRANSLATORS NEW TEXT" in e.msgstr for e in merged)
    assert any(e.msgid == "A paragraph added by the editor." for e in merged)
    assert "TRANSLATORS NEW TEXT" in (project / "output/km" / f"{BELGIUM}.html").read_text(encoding="utf-8")


#: The translator saves a catalog the run has already written, as the run publishes its first PDF.
LATE_SAVE = """
_target, _saved = Path(os.environ["FAULT_TARGET"]), os.environ["FAULT_SAVED"]
def _hook(path, _done=[]):
    if str(path).endswith(".pdf") and not _done:
        _done.append(path)
        entry = b'msgid "A paragraph added by the editor."\\nmsgstr ""'
        assert entry in _target.read_bytes()
        _target.write_bytes(_target.read_bytes().replace(entry, entry[:-1] + _saved.encode() + b'"'))
fsutil._before_replace = _hook
"""


def test_a_save_after_the_run_wrote_the_catalog_is_not_recorded_as_published(project):
    """The run wrote its merge; the translator saves over it before the run ends: the save is
    theirs, and the run must not record itself as done (the next run would do nothing)."""
    _add_paragraph(project)
    catalog = project / "locale/km/LC_MESSAGES" / f"{BELGIUM}.po"
    code, err = child(project, hook=LATE_SAVE, env={"FAULT_TARGET": str(catalog),
                                                     "FAULT_SAVED": "កថាខណ្ឌថ្មី"})
    assert code == 0, err
    assert f"locale/km/LC_MESSAGES/{BELGIUM}.po changed while this publish ran" in err
    assert "កថាខណ្ឌថ្មី" in catalog.read_text(encoding="utf-8")
    assert not (project / "output/.last-run.json").exists()
    code, err = child(project)  # not a replay: the translation is published
    assert code == 0, err
    assert "nothing has changed" not in err
    page = (project / "output/km" / f"{BELGIUM}.html").read_text(encoding="utf-8")
    assert "កថាខណ្ឌថ្មី" in khmer_web.unmark(page)  # the Khmer words' line-break spans out


def test_a_catalog_a_translator_creates_during_update_po_is_kept(project, tmp_path):
    """A new release has no Khmer catalog when the run reads; the translator's arrives meanwhile."""
    slug = "2024-06-10-new"
    (project / "content" / f"{slug}.md").write_text("---\ntitle: New\ndate: 2024-06-10\nlang: en\n---\n\nHello.\n")
    catalog = project / "locale/km/LC_MESSAGES" / f"{slug}.po"
    saved = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
             'msgid "Hello."\nmsgstr "សួស្តី។"\n').encode("utf-8")
    (tmp_path / "saved.po").write_bytes(saved)
    before = translations(project)
    code, err = child(project, "update-po", hook=RACE,
                      env={"FAULT_TARGET": str(catalog), "FAULT_SAVED": str(tmp_path / "saved.po")})
    assert code == 0, err
    assert f"locale/km/LC_MESSAGES/{slug}.po: warning: changed after this run read it" in err
    assert catalog.read_bytes() == saved
    assert (project / "locale/fr/LC_MESSAGES" / f"{slug}.po").is_file()  # the others are written
    after = translations(project)
    assert all(after[path] == entries for path, entries in before.items())


# --- file-system faults -----------------------------------------------------------------------


def test_files_too_large_to_write_are_named_and_everything_else_is_published(project):
    """RLIMIT_FSIZE (EFBIG): the PDFs and review pages cannot be written; the pages can."""
    assert child(project)[0] == 0
    pdfs = {p: p.read_bytes() for p in (project / "output").rglob("*.pdf")}
    km = project / "locale/km/LC_MESSAGES" / f"{BELGIUM}.po"
    old = next(s for s in translated(project, "km", BELGIUM).values() if len(s) > 20 and '"' not in s)
    km.write_text(km.read_text(encoding="utf-8").replace(old[:20], "ថ្មី " + old[:20], 1), encoding="utf-8")
    before = translations(project)
    code, err = child(project, limit_bytes=14_000)
    assert code == 1, err
    assert "Traceback" not in err
    # WeasyPrint's copies of the fonts (in the run's temporary folder) are the first files too large.
    assert (f"content/{BELGIUM}.md: error: the km PDF of {BELGIUM} was not made (the previous one is kept): File "
            "too large — the file is larger than this run may write (ulimit -f)") in err
    assert (f"output/review/{BELGIUM}.html: error: could not be written: File too large — the file is larger than "
            "this run may write (ulimit -f)") in err
    assert "ថ្មី" in (project / "output/km" / f"{BELGIUM}.html").read_text(encoding="utf-8")  # the page is
    assert {p: p.read_bytes() for p in pdfs} == pdfs  # the previous PDFs are kept, whole
    assert translations(project) == before
    assert leftovers(project) == []
    whole_outputs(project)


def _namespace_or_skip(tmp_path: Path) -> None:
    if shutil.which("unshare") is None:
        pytest.skip("unshare is not installed (apt-get install util-linux); the full disk, read-only and "
                    "other-file-system cases need it")
    probe = tmp_path / "probe"
    probe.mkdir()
    done = subprocess.run(["unshare", "-rm", "sh", "-c", f"mount -t tmpfs -o size=1m tmpfs {probe}"],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount in a user namespace here (unshare -rm: {done.stderr.strip()}); "
                    "the full disk, read-only and other-file-system cases need it")


def in_namespace(script: str, timeout: int = 3 * HANG) -> subprocess.CompletedProcess:
    """Run a shell ``script`` in a user and mount namespace of its own: its mounts vanish with it."""
    try:
        return subprocess.run(["unshare", "-rm", "sh", "-ec", script], capture_output=True, text=True,
                              errors="replace", timeout=timeout, stdin=subprocess.DEVNULL, cwd=ROOT)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"the runs did not finish within {timeout} s\n{exc.stderr}")


def _publish_cmd(root: Path, log: Path) -> str:
    return (f"set +e; {shlex.quote(sys.executable)} -m workflow --root {shlex.quote(str(root))} publish "
            f"2>{shlex.quote(str(log))}; echo $? >{shlex.quote(str(log))}.code; set -e")


def test_a_full_disk_names_the_files_not_written_and_keeps_the_rest(project, tmp_path):
    _namespace_or_skip(tmp_path)
    assert child(project)[0] == 0
    km = project / "locale/km/LC_MESSAGES" / f"{BELGIUM}.po"
    old = next(s for s in translated(project, "km", BELGIUM).values() if len(s) > 20 and '"' not in s)
    km.write_text(km.read_text(encoding="utf-8").replace(old[:20], "ថ្មី " + old[:20], 1), encoding="utf-8")
    before = translations(project)
    out, log, copy = project / "output", tmp_path / "full.log", tmp_path / "after"
    q = shlex.quote
    result = in_namespace(f"""
        cp -a {q(str(out))} {q(str(tmp_path / 'saved'))}
        mount -t tmpfs -o size=8m tmpfs {q(str(out))}
        cp -a {q(str(tmp_path / 'saved'))}/. {q(str(out))}/
        fallocate -l $(( $(stat -f -c '%a*%S' {q(str(out))}) - 4096 )) {q(str(out))}/.filler || \
          dd if=/dev/zero of={q(str(out))}/.filler bs=4096 2>/dev/null || true
        {_publish_cmd(project, log)}
        rm -f {q(str(out))}/.filler
        cp -a {q(str(out))} {q(str(copy))}
    """)
    assert result.returncode == 0, result.stderr
    err, code = log.read_text(), int((tmp_path / "full.log.code").read_text())
    assert code == 1, err
    assert "Traceback" not in err
    assert f"output/km/{BELGIUM}.html: error: " in err or f"output/km/{BELGIUM}.pdf: error: " in err, err
    assert "No space left on device — the disk is full: free some space and run again" in err
    assert (f"output/km/{BELGIUM}.pdf: error: the km PDF of {BELGIUM} could not be written: No space left on device"
            in err or f"the km PDF of {BELGIUM} was not made (the previous one is kept): No space left" in err), err
    assert translations(project) == before  # locale/ is not on the full disk: nothing lost
    assert not [p for p in copy.rglob("*") if p.name.endswith(".tmp")]
    for path in copy.rglob("*.pdf"):  # what is there is whole: the old file or the new one
        assert path.read_bytes().rstrip().endswith(b"%%EOF"), path


def test_a_read_only_locale_does_not_stop_the_source_editions(project, tmp_path):
    _namespace_or_skip(tmp_path)
    _add_paragraph(project)
    _add_paragraph(project, FRANCOPHONIE, "Un paragraphe ajouté.")
    before = translations(project)
    catalogs = {p: p.read_bytes() for p in (project / "locale").rglob("*.po*")}
    locale, log = project / "locale", tmp_path / "ro.log"
    q = shlex.quote
    result = in_namespace(f"""
        mount --bind {q(str(locale))} {q(str(locale))}
        mount -o remount,bind,ro {q(str(locale))}
        if touch {q(str(locale))}/.probe 2>/dev/null; then echo writable; exit 3; fi
        {_publish_cmd(project, log)}
    """)
    if result.returncode == 3:
        pytest.skip("a read-only bind mount is still writable here")
    assert result.returncode == 0, result.stderr
    err, code = log.read_text(), int((tmp_path / "ro.log.code").read_text())
    assert code == 1, err
    assert "Traceback" not in err
    assert (f"locale/km/LC_MESSAGES/{BELGIUM}.po: error: could not be written: Read-only file system — "
            "its folder is read-only for this run") in err
    assert f"locale/templates/{FRANCOPHONIE}.pot: error: could not be written" in err
    assert {p: p.read_bytes() for p in catalogs} == catalogs
    assert translations(project) == before
    assert "A paragraph added by the editor." in (project / "output/en" / f"{BELGIUM}.html").read_text()
    assert "Un paragraphe ajouté." in (project / "output/fr" / f"{FRANCOPHONIE}.html").read_text()
    assert published(project, BELGIUM, ("en",)) and published(project, FRANCOPHONIE, ("fr",))
    assert leftovers(project) == []


def test_output_on_another_file_system_gets_every_file(project, tmp_path):
    """``output/`` a mount of its own, and a link to one: the files are made beside their place
    (a rename across file systems fails with EXDEV), and every one is published."""
    _namespace_or_skip(tmp_path)
    elsewhere, log = tmp_path / "elsewhere", tmp_path / "exdev.log"
    elsewhere.mkdir()
    (project / "output").symlink_to(elsewhere)
    q = shlex.quote
    result = in_namespace(f"""
        mount -t tmpfs -o size=64m tmpfs {q(str(elsewhere))}
        {_publish_cmd(project, log)}
        test -f {q(str(elsewhere))}/km/{BELGIUM}.pdf
        cp -a {q(str(elsewhere))} {q(str(tmp_path / 'copy'))}
    """)
    assert result.returncode == 0, result.stderr + log.read_text()
    err, code = log.read_text(), int((tmp_path / "exdev.log.code").read_text())
    assert code == 0, err
    assert "Invalid cross-device link" not in err
    copy = tmp_path / "copy"
    assert all((copy / lang / f"{slug}.{ext}").is_file() for slug in (BELGIUM, FRANCOPHONIE)
               for lang in ("km", "en", "fr") for ext in ("html", "pdf"))
    assert (copy / ".last-run.json").is_file()
    assert not [p for p in copy.rglob("*") if p.name.endswith(".tmp")]


# --- signals and leftovers --------------------------------------------------------------------


@pytest.mark.parametrize("name, code", [("SIGINT", 130), ("SIGTERM", 143)])
def test_a_signal_during_publish_ends_it_in_one_line_leaving_nothing_behind(project, tmp_path, name, code):
    tmpdir = tmp_path / "machine-tmp"
    tmpdir.mkdir()
    before = translations(project)
    got, err = child(project, "publish", "--jobs", "1", hook=SIGNAL, env={"FAULT_SIGNAL": name, "TMPDIR": str(tmpdir)})
    assert got == code, err
    assert err.strip().splitlines()[-1] == INTERRUPTED == "interrupted; nothing half-written: run again"
    assert "Traceback" not in err and err.count(INTERRUPTED) == 1
    assert list(tmpdir.iterdir()) == []  # no WeasyPrint font folder left in the machine's TMPDIR
    assert leftovers(project) == []
    assert (project / ".publish.lock").read_text() == ""
    assert not (project / "output/.last-run.json").exists()
    whole_outputs(project)
    assert translations(project) == before
    code, err = child(project)  # the next run does it all
    assert code == 0, err
    assert published(project, BELGIUM) and published(project, FRANCOPHONIE)


@pytest.mark.parametrize("name, code, group", [("SIGTERM", 143, False), ("SIGINT", 130, True)],
                         ids=["SIGTERM to the run", "Ctrl-C to the run and its workers"])
def test_a_signal_with_worker_processes_leaves_no_font_folders(project, tmp_path, name, code, group):
    for n in range(2):  # 12 PDFs: two workers start
        (project / "content" / f"2024-06-2{n}-extra.md").write_text(
            f"---\ntitle: Extra {n}\ndate: 2024-06-2{n}\nlang: en\n---\n\nText {n}.\n", encoding="utf-8")
    tmpdir = tmp_path / "machine-tmp"
    tmpdir.mkdir()
    got, err = child(project, "publish", "--jobs", "2", hook=SIGNAL, session=group,
                     env={"FAULT_SIGNAL": name, "FAULT_GROUP": "1" if group else "", "TMPDIR": str(tmpdir)})
    assert got == code, err
    assert err.strip().splitlines()[-1] == INTERRUPTED and "Traceback" not in err
    assert list(tmpdir.iterdir()) == []
    assert leftovers(project) == []
    whole_outputs(project)


def test_what_a_killed_run_left_is_removed_by_the_next(project):
    scratch = project / ".publish-tmp"
    (scratch / "tmp-99999" / "weasyprint-abc").mkdir(parents=True)
    (scratch / "tmp-99999" / "weasyprint-abc" / "0123").write_bytes(b"font")
    (scratch / ".x.pdf.abc.tmp").write_bytes(b"half")
    (project / ".publish.lock").write_text("99999")
    code, err = child(project)
    assert code == 0, err
    assert "recovered the lock" in err and "pid 99999" in err
    assert leftovers(project) == []


def test_a_committed_link_as_scratch_folder_or_lock_is_replaced_never_followed(project, tmp_path):
    precious = tmp_path / "precious"
    (precious / "deep").mkdir(parents=True)
    kept = {precious / ".notes.md.tmp": b"a user's file", precious / "deep" / ".x.tmp": b"another",
            precious / "lockfile": b"do not empty me"}
    for path, data in kept.items():
        path.write_bytes(data)
    (project / ".publish-tmp").symlink_to(precious)
    (project / ".publish.lock").symlink_to(precious / "lockfile")
    code, err = child(project)
    assert code == 0, err
    assert ".publish-tmp is a link; it is replaced by a folder" in err
    assert ".publish.lock is not a file (a link?); it is replaced by the lock file" in err
    assert {p: p.read_bytes() for p in kept} == kept
    assert (project / ".publish-tmp").is_dir() and not (project / ".publish-tmp").is_symlink()
    assert (project / ".publish.lock").is_file() and not (project / ".publish.lock").is_symlink()
    assert published(project, BELGIUM) and published(project, FRANCOPHONIE)


def test_links_inside_the_scratch_folder_are_removed_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / ".keep.tmp").write_bytes(b"keep")
    scratch = tmp_path / ".publish-tmp"
    (scratch / "sub").mkdir(parents=True)
    (scratch / "sub" / ".a.tmp").write_bytes(b"ours")
    (scratch / "link").symlink_to(outside)
    (scratch / "file-link.tmp").symlink_to(outside / ".keep.tmp")
    assert remove_stale_temporaries(scratch) == 3
    assert (outside / ".keep.tmp").read_bytes() == b"keep"
    assert list(scratch.iterdir()) == []


def test_the_lock_is_never_taken_through_a_link(tmp_path):
    target = tmp_path / "target"
    target.write_text("someone's file")
    lock = tmp_path / ".publish.lock"
    lock.symlink_to(target)
    with publishing_lock(lock):
        assert lock.read_text() == str(os.getpid()) and not lock.is_symlink()
    assert target.read_text() == "someone's file"
