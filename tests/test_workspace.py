"""``workflow.workspace``'s writers: a text too large to hold whole is written piece by piece, with
what ``save`` gives (atomic, only when its bytes change, noted in the report)."""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.conftest import copy_project
from workflow import project as project_io
from workflow.pdf import jobs as pdfjobs
from workflow.report import Report
from workflow.workspace import WriteFailed, save, save_streamed


def test_a_streamed_text_is_written_once_and_noted_as_save_notes_it(tmp_path):
    project = project_io.load(copy_project(tmp_path / "project"))
    entries = {f"{i:04d}/km.pdf": {"input": "a" * 64, "output": "ម" * 8} for i in range(50)}
    sections = {"editions": {"format": 1, "x": {"title": "Communiqué de presse — ក្រសួង"}}}
    pieces = list(pdfjobs.manifest_pieces(entries, **sections))
    assert len(pieces) > 50  # written as it is made, not as one text
    text = "".join(pieces)
    assert json.loads(text) == {"pdfs": entries, **sections}
    # An entry a line (``pdf.jobs.read_sections`` reads them so, a line at a time).
    assert sum(line.startswith('  "') for line in text.splitlines()) == len(entries) + 2
    # A file the run reads (under locale/: a save landing after it is not the run's own) is noted
    # with the digest of what was written; one under output/ only by its name.
    path = project.locale / "streamed.json"
    report = Report()
    assert save_streamed(project, report, path, iter(pieces))
    assert path.read_text(encoding="utf-8") == text
    assert report.written == ["locale/streamed.json"]
    assert report.wrote["locale/streamed.json"] == hashlib.sha256(text.encode("utf-8")).digest()
    again = Report()  # the same bytes: nothing written, nothing noted, as save does
    assert not save_streamed(project, again, path, iter(pieces)) and not again.written
    assert not save(project, again, path, text.encode("utf-8")) and not again.written
    assert save_streamed(project, again, project.output / pdfjobs.MANIFEST, iter(pieces))
    assert again.written == [f"output/{pdfjobs.MANIFEST}"] and again.wrote == {}
    pdfs, editions = pdfjobs.read_sections(project.output, "pdfs", "editions")
    assert dict(pdfs) == entries and dict(editions) == sections["editions"]


def test_a_streamed_text_that_cannot_be_written_names_its_file(tmp_path):
    project = project_io.load(copy_project(tmp_path / "project"))
    blocker = project.output / "not-a-folder"
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("a file where a folder is needed")
    with pytest.raises(WriteFailed) as caught:
        save_streamed(project, Report(), blocker / "x.json", iter(["{}", "\n"]))
    assert caught.value.path == "output/not-a-folder/x.json" and caught.value.hint
