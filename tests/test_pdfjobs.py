"""Incremental and parallel typesetting (workflow.pdf.jobs): each PDF is made again only when what
made it changed, and its bytes do not depend on how many processes made them.

Counts come from the run's own report (``typeset``, ``unchanged``, ``written``), never from
timing.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import polib
import pytest

from tests.conftest import ROOT, use_templates
from workflow import build, fsutil, runstate
from workflow.pdf import jobs as pdfjobs
from workflow import project as project_io

BELGIUM = "2024-02-07-cambodia-belgium-consultations"
LANGS = ("km", "en", "fr")
#: One PDF per sample release and language.
EDITIONS = len(list((ROOT / "content").glob("*.md"))) * len(LANGS)


def publish(root: Path, jobs: int = 1) -> build.Report:
    report = build.publish(project_io.load(root), jobs=jobs)
    assert report.ok, [str(f) for f in report.findings]
    return report


def outputs(root: Path) -> dict[str, bytes]:
    """What is published (the record of the last run, which says when each file was written, aside)."""
    return {p.relative_to(root / "output").as_posix(): p.read_bytes()
            for p in sorted((root / "output").rglob("*")) if p.is_file() and p.name != runstate.RECORD}


def test_a_publish_with_nothing_to_do_typesets_nothing_and_writes_nothing(project_copy):
    first = publish(project_copy)
    assert first.typeset == EDITIONS and first.unchanged == 0
    before = {p: p.stat().st_mtime_ns for p in (project_copy / "output").rglob("*") if p.is_file()}
    again = publish(project_copy)
    assert (again.typeset, again.unchanged, again.written) == (0, EDITIONS, [])
    assert {p: p.stat().st_mtime_ns for p in (project_copy / "output").rglob("*") if p.is_file()} == before


def begin_a_french_paragraph_with_ainsi(root: Path) -> tuple[polib.POFile, polib.POEntry, Path]:
    """One French entry changed, as a translator would: the catalog, the entry and its path."""
    path = root / f"locale/fr/LC_MESSAGES/{BELGIUM}.po"
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.comment == "type: paragraph" and e.msgstr)
    entry.msgstr = "Ainsi, " + entry.msgstr[0].lower() + entry.msgstr[1:]
    po.save(str(path))
    return po, entry, path


def test_one_french_entry_rebuilds_that_edition_and_the_pages_that_show_it(project_copy):
    publish(project_copy)
    begin_a_french_paragraph_with_ainsi(project_copy)
    report = publish(project_copy)
    assert report.typeset == 1 and report.unchanged == EDITIONS - 1
    written = set(report.written)
    assert {f"output/fr/{BELGIUM}.html", f"output/fr/{BELGIUM}.pdf"} <= written
    # Nothing else but what lists or reviews it, and the manifest that records what made the PDF.
    assert written <= {f"output/fr/{BELGIUM}.html", f"output/fr/{BELGIUM}.pdf", f"output/review/{BELGIUM}.html",
                       f"output/{pdfjobs.MANIFEST}", "output/releases.json", "output/index.html",
                       "output/fr/index.html"}, written


def test_a_template_change_rebuilds_every_edition(project_copy):
    from workflow.render import template_file

    publish(project_copy)
    css = template_file("edition.css").read_text(encoding="utf-8")
    use_templates(project_copy, {"edition.css": css.replace("line-height: 1.5;", "line-height: 1.55;", 1)})
    assert publish(project_copy).typeset == EDITIONS


def test_a_damaged_manifest_means_rebuild_never_an_error(project_copy):
    publish(project_copy)
    manifest = project_copy / "output" / pdfjobs.MANIFEST
    before = outputs(project_copy)
    for damaged in ("", "[", '{"pdfs": 3}', '{"pdfs": {"en/x.pdf": {"input": 1}}}', "\x00" * 10):
        manifest.write_text(damaged, encoding="utf-8")
        report = publish(project_copy)
        assert report.typeset == EDITIONS  # rebuilt, and to the same bytes
        assert {k: v for k, v in outputs(project_copy).items() if k != pdfjobs.MANIFEST} == \
            {k: v for k, v in before.items() if k != pdfjobs.MANIFEST}


def test_a_pdf_changed_on_disk_is_made_again(project_copy):
    publish(project_copy)
    pdf = project_copy / "output/en" / f"{BELGIUM}.pdf"
    good = pdf.read_bytes()
    pdf.write_bytes(good[:-10])
    assert publish(project_copy).typeset == 1
    assert pdf.read_bytes() == good


def _more_releases(root: Path, copies: int) -> None:
    """More releases from the samples (new slugs, the same translated texts)."""
    for n in range(copies):
        for source in sorted((root / "content").glob("*.md")):
            slug = f"{source.stem}-{n}"
            shutil.copy(source, root / "content" / f"{slug}.md")
            for lang in LANGS:
                po = root / "locale" / lang / "LC_MESSAGES" / f"{source.stem}.po"
                if po.exists():
                    text = po.read_text(encoding="utf-8").replace(f"Project-Id-Version: {source.stem}",
                                                                   f"Project-Id-Version: {slug}")
                    (po.parent / f"{slug}.po").write_text(text, encoding="utf-8")


def test_the_bytes_do_not_depend_on_the_number_of_workers(tmp_path):
    from tests.conftest import copy_project

    one, two = copy_project(tmp_path / "one"), copy_project(tmp_path / "two")
    for root in (one, two):
        _more_releases(root, 1)  # twice the samples' PDFs: enough for a pool of 2 to start
    assert publish(one, jobs=1).typeset == 2 * EDITIONS
    assert publish(two, jobs=2).typeset == 2 * EDITIONS
    assert outputs(one) == outputs(two)


#: Run in a fresh interpreter: a publish whose PDFs go to a pool of workers, then which modules
#: this process (the parent) holds.  WeasyPrint costs some 32 MB that it would keep all run.
_PARENT = """
import sys
from pathlib import Path
from workflow import build, project
report = build.publish(project.load(Path(sys.argv[1])), jobs=2)
assert report.ok and report.typeset, [str(f) for f in report.findings]
print(report.typeset, any(name == "weasyprint" or name.startswith("weasyprint.") for name in sys.modules))
"""


def test_the_parent_of_the_workers_never_imports_weasyprint(project_copy):
    import subprocess
    import sys

    _more_releases(project_copy, 1)  # enough PDFs for the pool to start
    done = subprocess.run([sys.executable, "-c", _PARENT, str(project_copy)], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(2 * EDITIONS), "False"], done.stdout
    # The workers typeset, the glyph check ran here with fontTools alone, and the stylesheets were
    # checked once (by a short-lived process): a second publish has nothing to do.
    assert publish(project_copy).typeset == 0


#: A publish in a fresh interpreter: how many PDFs it typeset, whether this process (the parent)
#: imported WeasyPrint, and whether it could have started a worker (multiprocessing imported).
_ONE_RUN = """
import sys
from pathlib import Path
from workflow import build, project
report = build.publish(project.load(Path(sys.argv[1])), jobs=int(sys.argv[2]))
assert report.ok, [str(f) for f in report.findings]
print(report.typeset, any(name == "weasyprint" or name.startswith("weasyprint.") for name in sys.modules),
      "multiprocessing" in sys.modules)
"""


def _one_run(root: Path, jobs: int) -> list[str]:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _ONE_RUN, str(root), str(jobs)], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_one_changed_pdf_goes_to_the_worker_started_ahead_and_a_run_with_nothing_to_do_starts_none(project_copy):
    publish(project_copy)
    po, entry, path = begin_a_french_paragraph_with_ainsi(project_copy)
    # One PDF, fewer than a pool pays for: the worker started as the run began typesets it (the
    # parent has no WeasyPrint to do it with).
    assert _one_run(project_copy, 2) == ["1", "False", "True"]
    assert _one_run(project_copy, 2) == ["0", "False", "False"]  # nothing to do: no worker, nothing to start one
    entry.msgstr = entry.msgstr[len("Ainsi, "):]
    po.save(str(path))
    assert _one_run(project_copy, 1)[:2] == ["1", "True"]  # one job at a time: typeset here


def test_the_glyph_check_refuses_a_character_no_font_has():
    from workflow.pdf.fonts import font_paths, missing_glyphs

    fonts = font_paths().values()
    assert missing_glyphs("ក្រសួង Ministère \u200b\u00a0", fonts) == set()  # Khmer, Latin, invisible marks
    assert missing_glyphs("x \u0b95 \ue000", fonts) == {"\u0b95", "\ue000"}


def test_a_page_given_its_stylesheets_prints_as_one_that_links_them(project_copy, monkeypatch):
    """Print pages name no stylesheet: ``edition.css`` and the language's print rules travel with
    the job, and a process parses each set once for all its pages.  The PDF is byte for byte the
    one WeasyPrint makes of the same page linking them (as every print page did before)."""
    from workflow.pdf import typeset

    jobs: list[pdfjobs.PdfJob] = []
    monkeypatch.setattr(pdfjobs.Runner, "submit", lambda self, job: jobs.append(job))  # planned, not typeset
    build.publish(project_io.load(project_copy), jobs=1)
    assert len(jobs) == EDITIONS
    monkeypatch.undo()
    typeset._shared.cache_clear()
    for job in jobs:
        assert "edition.css" not in job.html and "<style" not in job.html
        sheet, rules = job.stylesheets
        assert sheet == (job.assets / "edition.css").read_bytes() and "@page" in rules
        given = pdfjobs._typeset(job).pdf
        linking = job.html.replace("</head>", '<link rel="stylesheet" href="../assets/edition.css">\n'
                                   f"<style>{rules}</style>\n</head>", 1)
        linked = typeset.write_pdf(linking, base_url=job.folder, allowed=(job.assets, job.assets.parent / "media"),
                                   variant=job.variant, identifier=job.identifier, epoch=job.epoch).pdf
        assert given == linked, job.path
    # One parse of edition.css with each language's rules, however many pages.
    assert len(typeset._shared(jobs[0].assets_key).styles) == len(LANGS)


def _styles_held(assets_key: str) -> int:
    """In a worker: how many stylesheet sets its font configuration for ``assets_key`` holds parsed."""
    from workflow.pdf import typeset

    return len(typeset._shared(assets_key).styles)


def test_the_worker_started_ahead_rehearses_and_its_first_pdf_is_the_same(project_copy, monkeypatch):
    """The worker started ahead typesets a page of no use with the run's stylesheets and fonts
    while the parent plans (``Warm.rehearse``): it then holds them parsed, and the PDF it makes
    next is byte for byte the one a process that rehearsed nothing makes."""
    from workflow.pdf import typeset

    jobs: list[pdfjobs.PdfJob] = []
    monkeypatch.setattr(pdfjobs.Runner, "submit", lambda self, job: jobs.append(job))  # planned, not typeset
    build.publish(project_io.load(project_copy), jobs=1)
    monkeypatch.undo()
    job = next(j for j in jobs if j.lang == "fr")
    typeset._shared.cache_clear()
    alone = pdfjobs._typeset(job).pdf
    results = []
    with pdfjobs.Warm(2) as warm:
        assert warm.pool is not None
        warm.rehearse(job.assets, job.assets_key, job.stylesheets)
        assert warm.pool.submit(_styles_held, job.assets_key).result(timeout=600) == 1
        with pdfjobs.Runner(2, lambda j, result: results.append(result), warm) as runner:
            runner.submit(job)
    assert len(results) == 1 and not isinstance(results[0], Exception), results
    assert results[0].pdf == alone


#: A parent with a PDF worker started, which says the worker's pid and then waits to be killed.
_KILLED_PARENT = """
import os, sys, time
from workflow.pdf import jobs
with jobs.Warm(2) as warm:
    print(warm.pool.submit(os.getpid).result(timeout=600), flush=True)
    time.sleep(3600)
"""


def _ended(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] == "Z"  # ended, not yet reaped
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc to follow the worker")
def test_a_worker_ends_when_its_parent_is_killed():
    """A publish killed outright (SIGKILL, the kernel's out-of-memory killer) never ends its
    workers; each used to wait for a job for ever, holding WeasyPrint's memory."""
    import signal
    import subprocess
    import sys
    import time

    parent = subprocess.Popen([sys.executable, "-c", _KILLED_PARENT], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        worker = int(parent.stdout.readline())
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        parent.stdout.close()
    deadline = time.monotonic() + 300  # it ends at once; the bound only keeps a broken build from hanging here
    while not _ended(worker) and time.monotonic() < deadline:
        time.sleep(0.2)
    ended = _ended(worker)
    if not ended:
        os.kill(worker, signal.SIGKILL)
    assert ended, "the worker outlived its killed parent"


def test_a_manifest_larger_than_a_record_may_be_is_still_read(tmp_path, monkeypatch):
    """Some 3 KB a release: past some 3,400 releases the manifest was larger than the 10 MB a record
    may be, was taken for none, and every publish rebuilt everything.  Read a line at a time, it
    is bounded by its lines (``MAX_RECORD_BYTES`` each), not by that.  Here that bound is made
    small, and the manifest larger than it."""
    monkeypatch.setattr(pdfjobs, "MAX_RECORD_BYTES", 4096)  # a file read whole
    monkeypatch.setattr(fsutil, "MAX_RECORD_BYTES", 4096)  # a line of one read a line at a time
    entries = {f"km/{n:04d}.pdf": {"input": "a" * 64, "output": "b" * 64} for n in range(300)}
    text = "".join(pdfjobs.manifest_pieces(entries, editions={"format": 1}))
    assert len(text.encode("utf-8")) > 10 * 4096
    (tmp_path / pdfjobs.MANIFEST).write_text(text, encoding="utf-8")
    assert dict(pdfjobs.read_manifest(tmp_path)) == entries
    long = text.replace('"input": "' + "a" * 64, '"input": "' + "a" * 5000, 1)
    (tmp_path / pdfjobs.MANIFEST).write_text(long, encoding="utf-8")  # a line longer than an entry may be: none
    assert dict(pdfjobs.read_manifest(tmp_path)) == {}


def test_the_manifest_is_read_an_entry_a_line_and_an_older_or_damaged_one_is_read_whole_or_not_at_all(tmp_path):
    """``read_sections`` reads what ``manifest_pieces`` writes a line at a time; a manifest written
    otherwise (the indented JSON of earlier versions) is read whole; anything else, a manifest cut
    short included, is none — a rebuild, never an error."""
    from workflow.fsutil import indented_json

    entries = {f"km/{n:04d}.pdf": {"input": "a" * 64, "output": "b" * 64} for n in range(300)}
    sections = {"editions": {"format": 1, "km/x": {"title": "សេចក្តីប្រកាសព័ត៌មាន", "files": {}}}, "reviews": {}}
    manifest = tmp_path / pdfjobs.MANIFEST
    text = "".join(pdfjobs.manifest_pieces(entries, **sections))
    for written in (text, indented_json({"pdfs": entries, **sections}, levels=2) + "\n",
                    text.replace("{\n", '{\n  "another tool": 1,\n', 1)):  # JSON still, of another shape
        manifest.write_text(written, encoding="utf-8")
        pdfs, editions, reviews = pdfjobs.read_sections(tmp_path, "pdfs", "editions", "reviews")
        assert (dict(pdfs), dict(editions), dict(reviews)) == (entries, sections["editions"], {})
        assert dict(pdfjobs.read_manifest(tmp_path)) == entries
    for damaged in (text[:len(text) // 2], text.replace('"input"', '"input":', 1), "[]", "", "\x00" * 9):
        manifest.write_text(damaged, encoding="utf-8")
        assert all(dict(section) == {} for section in pdfjobs.read_sections(tmp_path, "pdfs", "editions"))
