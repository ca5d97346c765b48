"""workflow.build without typesetting: ``edition_states`` (make status) and ``update_po`` on a
copy of the samples, judged by GNU gettext; and which modules a command loads — WeasyPrint and
the PDF modules only in a process that typesets, so that ``status``, ``check``, ``update-po`` and a
publish with nothing to do start quickly.  Start-up is never timed here: what is asserted is
whether a module was imported at all.
"""

from __future__ import annotations

import json
import subprocess
import sys

import polib
import pytest

from workflow import build, project as project_io
from workflow.lifecycle import Stage
from workflow.po import Catalog, read_po

from .conftest import ROOT, copy_project, run, tool

BELGIUM = "2024-02-07-cambodia-belgium-consultations"
FRANCOPHONIE = "2025-03-20-reunion-preparation-sommet-francophonie"
SLUGS = sorted(p.stem for p in (ROOT / "content").glob("*.md"))  # the sample releases, however many
FLAG = "2024-11-09-independence-day-71st-anniversary"  #: the third sample, with a figure
EDITIONS = {(slug, lang) for slug in SLUGS for lang in ("km", "en", "fr")}

#: Modules only a process that typesets needs.
#: fontTools is not among them: the check of undrawable characters reads the fonts' cmaps with it.
TYPESETTING = ("weasyprint", "pydyf", "tinycss2", "workflow.pdf.typeset", "workflow.pdf.pdftext",
               "workflow.pdf.jobs", "workflow.pages", "multiprocessing")

#: Runs ``python -m workflow ARGS`` as the command line does, then writes the names of the modules
#: it loaded to a file (its own output is the command's).
_RUNNER = """
import atexit, json, runpy, sys
report = sys.argv[1]
atexit.register(lambda: open(report, "w").write(json.dumps(sorted(sys.modules))))
sys.argv = ["workflow"] + sys.argv[2:]
runpy.run_module("workflow", run_name="__main__", alter_sys=True)
"""


def _loaded(tmp_path, *args: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    """The result of ``python -m workflow ARGS`` in a process of its own, and the modules it loaded."""
    report = tmp_path / "modules.json"
    result = subprocess.run([sys.executable, "-c", _RUNNER, str(report), *args], cwd=ROOT, capture_output=True,
                            text=True)
    return result, set(json.loads(report.read_text(encoding="utf-8")))


@pytest.mark.parametrize("command", [["status"], ["status", "--format", "json"], ["check"], ["update-po"]])
def test_commands_that_do_not_typeset_never_import_weasyprint(project_copy, tmp_path, command):
    result, modules = _loaded(tmp_path, "--root", str(project_copy), *command)
    assert result.returncode == 0, result.stderr
    assert "workflow.cli" in modules and "workflow.workspace" in modules  # it did run (it read the project)
    assert not modules & set(TYPESETTING), sorted(modules & set(TYPESETTING))


def test_a_publish_with_nothing_to_do_imports_no_typesetting(published, tmp_path):
    result, modules = _loaded(tmp_path, "--root", str(published), "publish")
    assert result.returncode == 0, result.stderr
    assert "nothing has changed since the last publish" in result.stderr
    assert "workflow.build" in modules
    assert not modules & set(TYPESETTING), sorted(modules & set(TYPESETTING))


# ------------------------------------------------------------- edition_states


def test_edition_states_plans_every_edition_from_the_catalogs(project_copy):
    plans, ws, report = build.edition_states(project_io.load(project_copy))
    assert report.ok and not report.written
    assert set(plans) == EDITIONS
    assert all(plan.stage is Stage.FINAL for plan in plans.values())  # approval is off in the copy
    assert all(isinstance(po, Catalog) and isinstance(po, polib.POFile) for po in ws.catalogs.values())
    assert not (project_copy / "output").exists()


def test_edition_states_with_approval_reads_the_issued_versions(tmp_path):
    root = copy_project(tmp_path, approval=True)
    plans, _ws, report = build.edition_states(project_io.load(root))
    assert report.ok
    assert {key: plan.stage for key, plan in plans.items()} == {key: Stage.ISSUED for key in EDITIONS}


def test_edition_states_leaves_out_an_edition_whose_catalog_cannot_be_read(project_copy):
    path = project_copy / f"locale/km/LC_MESSAGES/{FRANCOPHONIE}.po"
    path.write_bytes(path.read_bytes() + b'\nmsgid "dangling"\n')
    plans, ws, report = build.edition_states(project_io.load(project_copy))
    assert set(plans) == EDITIONS - {(FRANCOPHONIE, "km")}
    assert ("km", FRANCOPHONIE) in ws.broken
    [error] = [f for f in report.findings if f.severity == "error"]
    lines = path.read_text(encoding="utf-8").count("\n")
    assert (error.path, error.line) == (f"locale/km/LC_MESSAGES/{FRANCOPHONIE}.po", lines)


# ------------------------------------------------------------- update_po


def _edit_paragraph(root) -> tuple[str, str]:
    """Reword the first paragraph of the Belgian release: its old and new text."""
    source = root / "content" / f"{BELGIUM}.md"
    text = source.read_text(encoding="utf-8")
    old = next(block for block in text.split("\n\n") if block.startswith("The First Session"))
    new = old.replace("took place on 7 February 2024", "was held on 7 February 2024")
    source.write_text(text.replace(old, new), encoding="utf-8")
    return old, new


def test_update_po_marks_an_edited_segment_fuzzy_with_its_previous_source(project_copy):
    before = read_po((project_copy / f"locale/fr/LC_MESSAGES/{BELGIUM}.po").read_text(encoding="utf-8"))
    old, new = _edit_paragraph(project_copy)
    translation = next(e.msgstr for e in before if e.msgid == old)
    report = build.update_po(project_io.load(project_copy))
    assert report.ok, report.findings
    assert sorted(report.written) == sorted([f"locale/templates/{BELGIUM}.pot",
                                             f"locale/fr/LC_MESSAGES/{BELGIUM}.po",
                                             f"locale/km/LC_MESSAGES/{BELGIUM}.po"])
    for lang in ("fr", "km"):
        path = project_copy / f"locale/{lang}/LC_MESSAGES/{BELGIUM}.po"
        po = read_po(path.read_text(encoding="utf-8"))
        entry = next(e for e in po if e.msgid == new)
        assert entry.fuzzy and entry.previous_msgid == old  # msgmerge --previous
        assert not any(e.msgid == old for e in po)
        if lang == "fr":
            assert entry.msgstr == translation
        checked = run(tool("msgfmt"), "--check", "-o", "/dev/null", str(path))
        assert checked.returncode == 0, checked.stderr
        # Written byte for byte as GNU msgcat writes it.
        assert run(tool("msgcat"), str(path)).stdout == path.read_text(encoding="utf-8")
    assert build.update_po(project_io.load(project_copy)).written == []  # nothing left to do


def test_update_po_never_imports_the_pages_stage(project_copy, tmp_path):
    """update-po rewrites catalogs only: checked in a process of its own, after a real edit."""
    _edit_paragraph(project_copy)
    result, modules = _loaded(tmp_path, "--root", str(project_copy), "-q", "update-po")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert "workflow.update" in modules and "workflow.pages" not in modules and "workflow.listing" not in modules
    assert "was held on 7 February 2024" in (project_copy / f"locale/templates/{BELGIUM}.pot").read_text(
        encoding="utf-8")


# ------------------------------------------------------------- one judgement of each entry a run


def test_a_publish_judges_each_entry_once(project_copy, monkeypatch):
    """The screen and print editions, the review pages and the consistency pass all use
    ``editions.judge``: the checks run once for each entry of a run, however many ask (of a run
    that judges fewer than ``checks.MEMO`` texts: the memo holds that many)."""
    from collections import Counter

    from workflow import checks, editions
    from workflow.checks import characters

    checked: Counter = Counter()
    check_entry = checks.check_entry

    def counting(msgid, msgstr, **kwargs):
        checked[(msgid, msgstr, tuple(sorted((k, v) for k, v in kwargs.items() if k != "glossary")))] += 1
        return check_entry(msgid, msgstr, **kwargs)

    monkeypatch.setattr(checks, "check_entry", counting)
    refused: Counter = Counter()  # markup.rejection's work, which the review's counts ask for too
    characters_refused = characters.refused

    def counting_refused(msgid, msgstr):
        refused[(msgid, msgstr)] += 1
        return characters_refused(msgid, msgstr)

    monkeypatch.setattr(characters, "refused", counting_refused)
    editions.judge.cache_clear()  # what earlier tests of this process judged is judged here again
    checks.rejection.cache_clear()
    report = build.publish(project_io.load(project_copy), jobs=1)
    assert report.ok, report.findings
    assert 50 < len(checked) < checks.MEMO and len(refused) > 50
    assert max(checked.values()) == 1, [key[:2] for key, n in checked.items() if n > 1][:3]
    assert max(refused.values()) == 1, [key for key, n in refused.items() if n > 1][:3]


def test_judge_remembers_by_glossary_and_arguments():
    """A judgement is remembered for the same arguments, never given for another glossary."""
    from workflow import checks, editions

    source, text = "The Secretary of State spoke.", "Le ministre a parlé."
    glossary = checks.Glossary.from_rows([{"en": "Secretary of State", "fr": "secrétaire d’État"}])
    first = editions.judge(source, text, source_lang="en", lang="fr", glossary=glossary)
    assert editions.judge(source, text, source_lang="en", lang="fr", glossary=glossary) is first
    assert any(p.check == "glossary" for p in first.problems)
    without = editions.judge(source, text, source_lang="en", lang="fr", glossary=None)
    assert not any(p.check == "glossary" for p in without.problems)
    other = checks.Glossary.from_rows([{"en": "Secretary of State", "fr": "ministre"}])
    assert not any(p.check == "glossary" for p in
                   editions.judge(source, text, source_lang="en", lang="fr", glossary=other).problems)


def test_a_publish_lets_go_of_what_it_holds_for_an_editions_pdfs_once_they_are_done(project_copy, monkeypatch):
    """Each edition's report and count of PDFs are held only until its PDFs are done, not to the
    end of the run (issue 12, flat memory); the manifest still names every file of each edition."""
    from workflow import pages

    held = []
    finish = pages.PdfQueue.finish

    def spying(self, **kwargs):
        held.append((dict(self.reports), dict(self.left), self.report.typeset))
        return finish(self, **kwargs)

    monkeypatch.setattr(pages.PdfQueue, "finish", spying)
    report = build.publish(project_io.load(project_copy), jobs=1)  # one process: every PDF done by finish
    assert report.ok, report.findings
    [(reports, left, typeset)] = held
    assert typeset > 0 and reports == {} and left == {}
    editions = json.loads((project_copy / "output" / ".manifest.json").read_text(encoding="utf-8"))["editions"]
    files = [name for key, entry in editions.items() if key != "format" for name in entry["files"]]
    assert any(name.endswith(".pdf") for name in files) and any(name.endswith(".html") for name in files)
    assert all((project_copy / "output" / name).is_file() for name in files)
