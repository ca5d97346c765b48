"""An approval covers the bytes of the images an edition shows (workflow.records, workflow.media).

A photo replaced under the same name in content/media/ makes a pending revision, and the issued
version keeps showing the bytes that were approved: its HTML points at the approved copy, its PDF
embeds those pixels.  Judged by the files written, pdfimages and Pillow, on images made here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import ROOT, copy_project, run, tool
from workflow import build, project as project_io, records
from workflow.cli import main

SLUG = "2024-12-05-photo-record"
FLAG = "2024-11-09-independence-day-71st-anniversary"
OLDER = {  # the ledger lines of the two older samples, as they were approved before images counted
    ("2024-02-07-cambodia-belgium-consultations", "km"): "1c153d1b3e2e6ac2065d2e90465676311c544de8ed035db1a4dd4620a1b9d973",
    ("2024-02-07-cambodia-belgium-consultations", "en"): "a8c84f3761d498fb0c4ae0abbc6c650c661bf1ebcb395e5005d26cf594c2631c",
    ("2024-02-07-cambodia-belgium-consultations", "fr"): "426318ee4dbcfbe07a239b2bf758547698d6ffaa79bf63a2611210cad1a1709e",
    ("2025-03-20-reunion-preparation-sommet-francophonie", "km"): "219fbffa8124dfe9632b160605821ec61f40f8533250affdc7555b2f662492b4",
    ("2025-03-20-reunion-preparation-sommet-francophonie", "en"): "4ba84f636ed1a78d6a19afd1fc24c17b901fb02e3893812763346cd0d8a72d2c",
    ("2025-03-20-reunion-preparation-sommet-francophonie", "fr"): "6a6fff52990c7d4cc0c8a623cf9abedd3d24c05eac035097e9de77f8e1aeef53",
}
RELEASE = """---
title: A photo for the record
date: 2024-12-05
lang: en
place: Phnom Penh
---

The Ministry publishes a photograph.

![Two coloured bands.](media/record.png "A figure made for this test.")
"""


def png(width: int, height: int, top: tuple[int, int, int], bottom: tuple[int, int, int]) -> bytes:
    image = Image.new("RGB", (width, height), top)
    image.paste(bottom, (0, height // 2, width, height))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


APPROVED = png(120, 60, (3, 46, 161), (224, 0, 37))
REPLACEMENT = png(90, 90, (0, 128, 0), (255, 255, 255))


def pixels(data: bytes) -> tuple[tuple[int, int], bytes]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size, image.convert("RGB").tobytes()


def cli(root: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--root", str(root), *args])
    return code, out.getvalue(), err.getvalue()


def stages(root: Path) -> dict[tuple[str, str], str]:
    """(release, lang) → the edition's stage, as ``status`` says it."""
    code, out, _err = cli(root, "status", "--format", "json")
    assert code in (0, 1), out
    data = json.loads(out)
    found = {}
    for edition in data["editions"]:
        found[(edition["release"], edition["lang"])] = edition["state"]
    return found


def pdf_image(pdf: Path, folder: Path) -> tuple[list[list[str]], bytes]:
    """pdfimages' list of a PDF's images, and the PNG of its first image."""
    listed = run(tool("pdfimages"), "-list", str(pdf))
    assert listed.returncode == 0, listed.stderr
    rows = [line.split() for line in listed.stdout.splitlines()[2:] if line.split()[2:3] == ["image"]]
    folder.mkdir(parents=True, exist_ok=True)
    extracted = run(tool("pdfimages"), "-png", str(pdf), str(folder / "img"))
    assert extracted.returncode == 0, extracted.stderr
    return rows, sorted(folder.glob("img-*.png"))[0].read_bytes()


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    """A release with a PNG figure, approved (en), published; then its PNG replaced under the
    same name and everything published again from nothing (rm -rf output)."""
    root = copy_project(tmp_path_factory.mktemp("media-records"), approval=True)
    (root / "content" / f"{SLUG}.md").write_text(RELEASE, encoding="utf-8")
    (root / "content" / "media" / "record.png").write_bytes(APPROVED)
    assert cli(root, "-q", "update-po")[0] == 0
    report = build.approve(project_io.load(root), SLUG, "en", "Sokha Chan",
                           now=dt.datetime(2024, 12, 5, 9, 0, tzinfo=dt.timezone.utc))
    assert report.ok, report.findings
    assert cli(root, "-q", "publish", "--jobs", "2")[0] == 0
    first = {name: (root / "output" / name).read_bytes() for name in (f"en/{SLUG}.html", f"en/{SLUG}.pdf")}
    first_pdf = pdf_image(root / "output" / "en" / f"{SLUG}.pdf", root / "pdfimages-first")
    (root / "content" / "media" / "record.png").write_bytes(REPLACEMENT)
    code, _out, err = cli(root, "-q", "publish", "--jobs", "2")
    assert code == 0, err
    shutil.rmtree(root / "output")
    code, _out, err = cli(root, "-q", "publish", "--jobs", "2")
    assert code == 0, err
    return root, first, first_pdf


def test_approving_an_edition_with_an_image_records_its_digest_and_keeps_a_copy(story):
    root, _first, _pdf = story
    digest = hashlib.sha256(APPROVED).hexdigest()
    record = json.loads((root / "content" / "issued" / SLUG / "en.v1.json").read_text(encoding="utf-8"))
    assert record["media"] == {"record.png": digest}
    copy = root / "content" / "issued" / SLUG / "media" / f"{digest}.png"
    assert copy.read_bytes() == APPROVED
    assert [p.name for p in copy.parent.iterdir()] == [copy.name]  # no temporary left beside it
    ledger = (root / "content" / "approvals.tsv").read_text(encoding="utf-8")
    assert f"\t{SLUG}\ten\t1\t{record['sha256']}\tSokha Chan\n" in ledger


def test_replacing_the_image_makes_a_pending_revision(story):
    root, _first, _pdf = story
    assert stages(root)[(SLUG, "en")] == "issued, revision pending"
    review = (root / "output" / "review" / "en" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert 'src="../../media/record.png"' in review
    assert (root / "output" / "media" / "record.png").read_bytes() == REPLACEMENT


def test_the_issued_page_still_shows_the_approved_bytes(story):
    root, first, _pdf = story
    digest = hashlib.sha256(APPROVED).hexdigest()
    html = (root / "output" / "en" / f"{SLUG}.html").read_bytes()
    assert html == first[f"en/{SLUG}.html"]  # rebuilt from its record, byte for byte
    assert f'src="../media/issued/{digest}.png"'.encode() in html
    assert (root / "output" / "media" / "issued" / f"{digest}.png").read_bytes() == APPROVED


def test_the_issued_pdf_still_embeds_the_approved_pixels(story, tmp_path):
    root, first, (first_rows, first_png) = story
    pdf = root / "output" / "en" / f"{SLUG}.pdf"
    assert pdf.read_bytes() == first[f"en/{SLUG}.pdf"]  # typeset again from nothing: the same bytes
    rows, extracted = pdf_image(pdf, tmp_path)
    assert [(int(r[3]), int(r[4])) for r in rows] == [(120, 60)], rows
    assert pixels(extracted) == pixels(APPROVED) == pixels(first_png)
    assert pixels(extracted) != pixels(REPLACEMENT)
    draft_rows, draft_png = pdf_image(root / "output" / "review" / "en" / f"{SLUG}.pdf", tmp_path / "draft")
    assert [(int(r[3]), int(r[4])) for r in draft_rows] == [(90, 90)] and pixels(draft_png) == pixels(REPLACEMENT)


def test_the_older_samples_approvals_still_match(story):
    root, _first, _pdf = story
    ledger = (root / "content" / "approvals.tsv").read_text(encoding="utf-8")
    approvals, problems = records.parse_ledger(ledger, path="content/approvals.tsv")
    assert not problems
    recorded = {(a.slug, a.lang): a.hash for a in approvals if (a.slug, a.lang) in OLDER}
    assert recorded == OLDER
    found = stages(root)
    assert {key: found[key] for key in OLDER} == {key: "issued" for key in OLDER}
    for slug, lang in OLDER:
        record = json.loads((ROOT / "content" / "issued" / slug / f"{lang}.v1.json").read_text(encoding="utf-8"))
        assert "media" not in record


def test_the_sample_figure_is_approved_with_its_bytes():
    svg = (ROOT / "content" / "media" / "cambodia-flag.svg").read_bytes()
    for lang in ("km", "en", "fr"):
        record = json.loads((ROOT / "content" / "issued" / FLAG / f"{lang}.v1.json").read_text(encoding="utf-8"))
        digest = record["media"]["cambodia-flag.svg"]
        copy = (ROOT / "content" / "issued" / FLAG / "media" / f"{digest}.svg").read_bytes()
        assert hashlib.sha256(copy).hexdigest() == digest
        assert b"<svg" in copy and b"<path" in svg  # the checked tree of the sample's file, written again


def test_a_deleted_approved_copy_is_an_error_naming_the_file_and_nothing_issued_changes(story, tmp_path):
    source, _first, _pdf = story
    root = tmp_path / "copy"
    shutil.copytree(source, root, symlinks=True)
    digest = hashlib.sha256(APPROVED).hexdigest()
    before = {name: (root / "output" / name).read_bytes() for name in (f"en/{SLUG}.html", f"en/{SLUG}.pdf")}
    (root / "content" / "issued" / SLUG / "media" / f"{digest}.png").unlink()
    code, _out, err = cli(root, "publish", "--jobs", "2")
    assert code != 0
    said = [line for line in err.splitlines() if f"content/issued/{SLUG}/media/{digest}.png" in line]
    assert said, err
    assert "error" in said[0] and f"{SLUG}/en.v1.json" in said[0] and "git checkout" in said[0], said[0]
    assert before == {name: (root / "output" / name).read_bytes() for name in before}
    # the page kept as published keeps its image too
    assert (root / "output" / "media" / "issued" / f"{digest}.png").read_bytes() == APPROVED
    code, _out, err = cli(root, "approve", "--release", SLUG, "--lang", "en", "--by", "Sokha Chan")
    assert code != 0 and f"content/issued/{SLUG}/media/{digest}.png" in err


def test_an_edition_whose_image_cannot_be_published_cannot_be_approved(tmp_path):
    root = copy_project(tmp_path, approval=True)
    (root / "content" / f"{SLUG}.md").write_text(RELEASE, encoding="utf-8")  # content/media/record.png: none
    report = build.approve(project_io.load(root), SLUG, "en", "Sokha Chan")
    assert not report.ok
    messages = [f"{f.path}:{f.line}: {f.message}" for f in report.findings]
    assert any(m.startswith(f"content/{SLUG}.md:10: ") and "cannot be approved" in m for m in messages), messages
    assert not (root / "content" / "issued" / SLUG).exists()


def test_an_approved_copy_changed_by_hand_is_an_error_naming_it(story, tmp_path):
    source, _first, _pdf = story
    root = tmp_path / "copy"
    shutil.copytree(source, root, symlinks=True)
    digest = hashlib.sha256(APPROVED).hexdigest()
    (root / "content" / "issued" / SLUG / "media" / f"{digest}.png").write_bytes(REPLACEMENT)
    code, _out, err = cli(root, "publish", "--jobs", "2")
    assert code != 0
    assert (f"content/issued/{SLUG}/media/{digest}.png: error: this copy of the image 'record.png' as it was "
            "approved was changed since it was approved") in err, err
    assert (root / "output" / "media" / "issued" / f"{digest}.png").read_bytes() == APPROVED


def test_deleting_the_source_of_an_issued_release_keeps_its_approved_image_published(story, tmp_path):
    source, first, _pdf = story
    root = tmp_path / "copy"
    shutil.copytree(source, root, symlinks=True)
    digest = hashlib.sha256(APPROVED).hexdigest()
    (root / "content" / f"{SLUG}.md").unlink()
    code, _out, err = cli(root, "publish", "--jobs", "2")
    assert code != 0 and f"content/{SLUG}.md: error: this release is gone but its editions were issued" in err, err
    assert (root / "output" / "en" / f"{SLUG}.html").read_bytes() == first[f"en/{SLUG}.html"]
    assert (root / "output" / "media" / "issued" / f"{digest}.png").read_bytes() == APPROVED
