"""Issued editions are records: approval, corrections, withdrawals, and bad approvals.

The samples ship approved (``content/approvals.tsv``, ``content/issued/``).  Each test starts from
a copy of the samples as published once (the ``published`` fixture, output included), so that only
what a step changes is typeset again.  The story of a correction is told once, step by step, by a
module fixture; the tests then look at what each step left behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import polib
import pytest

from tests.conftest import pdftotext, squash
from workflow import build, project as project_io
from workflow.cli import main
from workflow.lang import khmer_web

BELGIUM = "2024-02-07-cambodia-belgium-consultations"
FRANCOPHONIE = "2025-03-20-reunion-preparation-sommet-francophonie"
LANGS = ("km", "en", "fr")
SOURCE = f"content/{BELGIUM}.md"
LEDGER = "content/approvals.tsv"
NINTH = dt.datetime(2024, 2, 9, 9, 30, tzinfo=dt.timezone.utc)


def issued_copy(published: Path, dest: Path) -> Path:
    """The published samples, sources and output, in a folder of the test's own."""
    shutil.copytree(published, dest, ignore=shutil.ignore_patterns(".publish-tmp", ".publish.lock"))
    return dest


def editions(root: Path, slug: str = BELGIUM) -> dict[str, bytes]:
    """The bytes of every public file of a release's editions (current and earlier versions)."""
    found = {}
    for lang in LANGS:
        for path in sorted((root / "output" / lang).glob(f"{slug}*")):
            found[f"{lang}/{path.name}"] = path.read_bytes()
    return found


def everything(root: Path) -> dict[str, bytes]:
    """Every file under output/, but the PDF manifest (a cache)."""
    return {p.relative_to(root / "output").as_posix(): p.read_bytes()
            for p in sorted((root / "output").rglob("*")) if p.is_file() and p.name != ".manifest.json"}


def drafts(root: Path) -> dict[str, bytes]:
    """The pending revisions: output/review/<lang>/."""
    return {name: data for name, data in everything(root).items()
            if name.startswith("review/") and name.count("/") == 2}


def indexes(root: Path) -> str:
    return "\n".join((root / "output" / page).read_text(encoding="utf-8")
                     for page in ("index.html", "km/index.html", "en/index.html", "fr/index.html"))


def run_main(*args: str) -> tuple[int, str, str]:
    """``python -m workflow ARGS``: its exit code, standard output and standard error."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def publish(root: Path) -> tuple[int, str]:
    code, _out, err = run_main("--root", str(root), "publish", "--jobs", "2")
    return code, err


def status(root: Path) -> str:
    return run_main("--root", str(root), "status")[1]


def edit_source_word(root: Path) -> None:
    path = root / SOURCE
    text = path.read_text(encoding="utf-8")
    assert text.count("their commitments") == 1
    path.write_text(text.replace("their commitments", "their commitment"), encoding="utf-8")


def confirm_fuzzy(root: Path, lang: str) -> int:
    """A translator follows the source's change: the fuzzy entries confirmed as they stand."""
    path = root / "locale" / lang / "LC_MESSAGES" / f"{BELGIUM}.po"
    po = polib.pofile(str(path))
    confirmed = 0
    for entry in po:
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            confirmed += 1
    po.save(str(path))
    return confirmed


def approve(root: Path, lang: str, by: str = "Sokha Chan", now: dt.datetime = NINTH) -> build.Report:
    return build.approve(project_io.load(root), BELGIUM, lang, by, now=now)


def row(text: str, slug: str, lang: str) -> str:
    """The rest of the line of a summary or status table for one edition."""
    found = re.search(rf"(?m)^{re.escape(slug)}\s+{lang}\s+(.*)$", text)
    assert found, text
    return " ".join(found.group(1).split())


@dataclass
class Story:
    """What each step of a correction left behind."""

    root: Path
    issued: dict[str, bytes] = field(default_factory=dict)  #: the editions as the samples ship them
    edited: dict[str, bytes] = field(default_factory=dict)  #: after one source word changed
    edited_err: str = ""
    edited_status: str = ""
    edited_indexes: str = ""
    edited_review: str = ""
    edited_drafts: dict[str, bytes] = field(default_factory=dict)  #: output/review/<lang>/, after the edit
    corrected: dict[str, bytes] = field(default_factory=dict)  #: after the revision was approved
    corrected_err: str = ""
    corrected_drafts: dict[str, bytes] = field(default_factory=dict)  #: output/review/<lang>/, once issued
    translator: dict[str, bytes] = field(default_factory=dict)  #: after a translator changed one entry
    translator_err: str = ""
    translator_status: str = ""
    before_rebuild: dict[str, bytes] = field(default_factory=dict)
    rebuilt: dict[str, bytes] = field(default_factory=dict)  #: after rm -rf output && make publish
    rebuilt_code: int = -1


@pytest.fixture(scope="module")
def story(published, tmp_path_factory) -> Story:
    root = issued_copy(published, tmp_path_factory.mktemp("story") / "p")
    told = Story(root, issued=editions(root))

    edit_source_word(root)
    code, told.edited_err = publish(root)
    assert code == 0, told.edited_err
    told.edited, told.edited_status = editions(root), status(root)
    told.edited_indexes = indexes(root)
    told.edited_review = (root / "output/review" / f"{BELGIUM}.html").read_text(encoding="utf-8")
    told.edited_drafts = drafts(root)

    assert confirm_fuzzy(root, "fr") == 1 and confirm_fuzzy(root, "km") == 1
    for lang in LANGS:
        assert approve(root, lang).ok
    code, told.corrected_err = publish(root)
    assert code == 0, told.corrected_err
    told.corrected = editions(root)
    told.corrected_drafts = drafts(root)

    path = root / "locale/fr/LC_MESSAGES" / f"{BELGIUM}.po"
    po = polib.pofile(str(path))
    entry = next(e for e in po if "engagement" in e.msgstr)
    entry.msgstr = entry.msgstr.replace("engagement", "attachement")
    po.save(str(path))
    code, told.translator_err = publish(root)
    assert code == 0, told.translator_err
    told.translator, told.translator_status = editions(root), status(root)

    told.before_rebuild = everything(root)
    shutil.rmtree(root / "output")
    told.rebuilt_code, _ = publish(root)
    told.rebuilt = everything(root)
    return told


# ------------------------------------------------------------- a correction


def test_editing_a_source_word_leaves_every_issued_edition_byte_for_byte(story):
    assert set(story.issued) == {f"{lang}/{BELGIUM}.{ext}" for lang in LANGS for ext in ("html", "pdf")}
    assert story.edited == story.issued


def test_the_revision_is_a_draft_for_reviewers_outside_the_public_indexes(story):
    assert set(story.edited_drafts) == {f"review/{lang}/{BELGIUM}.{ext}" for lang in LANGS for ext in ("html", "pdf")}
    for lang in LANGS:
        page = story.edited_drafts[f"review/{lang}/{BELGIUM}.html"].decode("utf-8")
        assert '<meta name="robots" content="noindex">' in page and 'class="draft-banner"' in page
        assert "their commitment to" in page or lang != "en"
        assert f"review/{lang}/{BELGIUM}" not in story.edited_indexes
    assert f"en/{BELGIUM}.html" in story.edited_indexes  # the issued editions stay listed
    for lang in LANGS:
        assert row(story.edited_err, BELGIUM, lang).startswith("issued, revision pending")


def test_status_says_issued_revision_pending_and_what_is_missing(story):
    assert row(story.edited_status, BELGIUM, "fr") == "issued, revision pending 1 segment(s) fuzzy"
    assert row(story.edited_status, BELGIUM, "km") == "issued, revision pending 1 segment(s) fuzzy"
    assert row(story.edited_status, BELGIUM, "en") == (f"issued, revision pending awaiting approval: make approve "
                                                        f'RELEASE={BELGIUM} LANG=en BY="<your name>"')
    assert row(story.edited_status, FRANCOPHONIE, "fr") == "issued"


def test_the_review_page_shows_state_approver_command_and_the_diff_since_the_issued_text(story):
    page = story.edited_review
    life = re.search(r'<table class="lifecycle">.*?</table>', page, re.S).group(0)
    assert life.count("issued, revision pending") == 3
    assert life.count("version 1: MFAIC Press Office (sample), 2026-12-02") == 3
    assert f"make approve RELEASE={BELGIUM} LANG=en BY=&#34;&lt;your name&gt;&#34;" in life
    assert f'href="en/{BELGIUM}.html"' in life  # the pending revision, from output/review/
    english = [p for p in re.findall(r'<p class="revision">.*?</p>', page, re.S) if "commitment" in p]
    assert any("<del>commitments </del><ins>commitment </ins>" in p for p in english), english


def test_approving_the_revision_issues_it_with_a_dated_correction_line_in_each_language(story):
    lines = {"en": "Corrected on 9 February 2024", "fr": "Rectifié le 9 février 2024",
             "km": "បានកែតម្រូវនៅ ថ្ងៃទី៩ ខែកុម្ភៈ ឆ្នាំ២០២៤"}
    for lang, line in lines.items():
        page = khmer_web.unmark(story.corrected[f"{lang}/{BELGIUM}.html"].decode("utf-8"))  # Khmer words' spans out
        assert f'<p class="correction">{line}</p>' in page
        assert "draft-banner" not in page and "noindex" not in page
        pdf = story.root / "output" / lang / f"{BELGIUM}.pdf"  # as that step made it (the later steps keep it)
        assert pdf.read_bytes() == story.corrected[f"{lang}/{BELGIUM}.pdf"]
        assert squash(line) in squash(pdftotext(pdf))
    assert "commitment to further" in story.corrected[f"en/{BELGIUM}.html"].decode("utf-8")
    assert story.corrected_drafts == {}, "the revision is issued: its draft is taken down"
    assert "removed output/review/fr/" in story.corrected_err
    assert "Corrected" not in story.issued[f"en/{BELGIUM}.html"].decode("utf-8")


def test_the_previous_version_stays_at_its_versioned_url_listed_on_the_edition_page(story):
    for lang in LANGS:
        for ext in ("html", "pdf"):
            assert story.corrected[f"{lang}/{BELGIUM}.v1.{ext}"] == story.issued[f"{lang}/{BELGIUM}.{ext}"]
        page = khmer_web.unmark(story.corrected[f"{lang}/{BELGIUM}.html"].decode("utf-8"))
        earlier = re.search(r'<nav class="earlier-versions".*?</nav>', page, re.S).group(0)
        assert f'href="{BELGIUM}.v1.html"' in earlier and f'href="{BELGIUM}.v1.pdf"' in earlier
        assert '<time datetime="2026-12-02">' in earlier
        label, colon = {"en": ("Earlier versions", ":"), "fr": ("Versions antérieures", "\u00a0:"),
                        "km": ("កំណែមុនៗ", "\u17d6")}[lang]  # French spacing; the Khmer sign for a colon
        assert f"<p>{label}{colon}</p>" in earlier and f"</time>{colon} <a" in earlier


def test_releases_json_lists_every_version_with_its_date_and_hash(story):
    data = json.loads(story.before_rebuild["releases.json"])
    belgium = next(item for item in data["releases"] if item["slug"] == BELGIUM)
    ledger = (story.root / LEDGER).read_text(encoding="utf-8")
    for lang in LANGS:
        versions = belgium["versions"][lang]
        assert [v["version"] for v in versions] == [1, 2]
        assert versions[1]["approved"] == "2024-02-09T09:30:00+00:00" and versions[1]["approved_by"] == "Sokha Chan"
        assert versions[0]["html"] == f"{lang}/{BELGIUM}.v1.html" and versions[1]["pdf"] == f"{lang}/{BELGIUM}.pdf"
        for version in versions:
            assert re.fullmatch(r"[0-9a-f]{64}", version["sha256"]) and version["sha256"] in ledger
            assert (story.root / "output" / version["html"]).is_file()


def test_an_approval_is_a_readable_line_and_the_approved_texts_are_kept(story):
    lines = [line.split("\t") for line in (story.root / LEDGER).read_text(encoding="utf-8").splitlines()
             if line.startswith("2024-02-09")]
    assert sorted(fields[2] for fields in lines) == sorted(LANGS)
    for when, slug, lang, version, digest, by in lines:
        assert (when, slug, version, by) == ("2024-02-09T09:30:00Z", BELGIUM, "2", "Sokha Chan")
        texts = json.loads((story.root / "content/issued" / BELGIUM / f"{lang}.v2.json").read_text(encoding="utf-8"))
        assert texts["sha256"] == digest and "their commitment to" in texts["source"]


def test_a_translator_changing_an_approved_entry_does_not_reissue_it_without_approval(story):
    assert story.translator == story.corrected
    assert "attachement" not in story.translator[f"fr/{BELGIUM}.html"].decode("utf-8")
    assert "attachement" in story.before_rebuild[f"review/fr/{BELGIUM}.html"].decode("utf-8")  # the pending draft
    assert row(story.translator_status, BELGIUM, "fr").startswith("issued, revision pending awaiting approval")
    assert row(story.translator_status, BELGIUM, "en") == "issued"


def test_rm_output_and_publish_reproduces_every_issued_edition_after_the_source_moved_on(story):
    assert story.rebuilt_code == 0
    for name, data in story.before_rebuild.items():
        if name.startswith(("en/", "fr/", "km/")) and name.endswith((".html", ".pdf")):
            assert story.rebuilt.get(name) == data, name
    assert story.rebuilt["releases.json"] == story.before_rebuild["releases.json"]


# ------------------------------------------------------------- approving


def test_the_review_page_offers_the_approve_command_only_to_an_edition_that_passes_the_gate(published, tmp_path):
    root = issued_copy(published, tmp_path / "p")
    path = root / "locale/fr/LC_MESSAGES" / f"{BELGIUM}.po"
    po = polib.pofile(str(path))
    entry = next(e for e in po if "2024" in e.msgstr and e.comment == "type: paragraph")
    entry.msgstr = entry.msgstr.replace("2024", "2025")  # a check error, nothing else
    po.save(str(path))
    code, err = publish(root)
    assert code == 0, err
    assert row(err, BELGIUM, "fr") == "issued, revision pending 1 check error(s)"
    page = (root / "output/review" / f"{BELGIUM}.html").read_text(encoding="utf-8")
    life = re.search(r'<table class="lifecycle">.*?</table>', page, re.S).group(0)
    french = re.search(r"<tr[^>]*><td>French</td>.*?</tr>", life, re.S).group(0)
    assert "issued, revision pending" in french and "1 check error(s)" in french
    assert "make approve" not in french
    assert not approve(root, "fr").ok


def test_an_edition_that_does_not_pass_the_gate_cannot_be_approved(published, tmp_path, capsys):
    root = issued_copy(published, tmp_path / "p")
    edit_source_word(root)
    assert main(["--root", str(root), "update-po"]) == 0
    capsys.readouterr()
    report = approve(root, "fr")
    assert not report.ok
    (finding,) = [f for f in report.findings if f.severity == "error"]
    assert finding.path == f"locale/fr/LC_MESSAGES/{BELGIUM}.po"
    assert "cannot be approved yet: 1 segment(s) fuzzy" in finding.message
    assert "\tfr\t2\t" not in (root / LEDGER).read_text(encoding="utf-8")


def test_approving_an_unchanged_edition_again_records_nothing(published, tmp_path, capsys):
    root = issued_copy(published, tmp_path / "p")
    before = (root / LEDGER).read_bytes()
    assert main(["--root", str(root), "approve", "--release", BELGIUM, "--lang", "en", "--by", "Dara"]) == 0
    assert "already approved as it is: version 1" in capsys.readouterr().err
    assert (root / LEDGER).read_bytes() == before


def test_approvals_for_a_release_or_a_language_that_do_not_exist_are_refused(published, tmp_path, capsys):
    root = issued_copy(published, tmp_path / "p")
    before = (root / LEDGER).read_bytes()
    assert main(["--root", str(root), "approve", "--release", "nothing-here", "--lang", "fr", "--by", "Dara"]) == 1
    assert "content/nothing-here.md: error: there is no release 'nothing-here'" in capsys.readouterr().err
    assert main(["--root", str(root), "approve", "--release", BELGIUM, "--lang", "de", "--by", "Dara"]) == 1
    assert "'de' is not one of this project's languages" in capsys.readouterr().err
    assert (root / LEDGER).read_bytes() == before


# ------------------------------------------------------------- withdrawal and deletion


def test_withdrawing_a_release_replaces_its_pages_with_a_notice_and_takes_its_pdfs_down(published, tmp_path):
    root = issued_copy(published, tmp_path / "p")
    path = root / SOURCE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\ndate: 2024-02-07\n", "\ndate: 2024-02-07\nwithdrawn: 2024-02-10\n"
                                 "withdrawn_reason: Published in error.\n", 1), encoding="utf-8")
    code, err = publish(root)
    assert code == 0, err
    notices = {"en": "This press release was withdrawn on 10 February 2024.",
               "fr": "Ce communiqué de presse a été retiré le 10 février 2024.",
               "km": "សេចក្តីប្រកាសព័ត៌មាននេះត្រូវបានដកចេញនៅ ថ្ងៃទី១០ ខែកុម្ភៈ ឆ្នាំ២០២៤។"}
    for lang, notice in notices.items():
        assert row(err, BELGIUM, lang) == "withdrawn"
        page = khmer_web.unmark((root / "output" / lang / f"{BELGIUM}.html").read_text(encoding="utf-8"))
        assert f'<p class="withdrawn-notice" role="note">{notice}</p>' in page
        assert "Published in error." in page
        assert 'class="body"' not in page
        assert not (root / "output" / lang / f"{BELGIUM}.pdf").exists()
        assert f"removed output/{lang}/{BELGIUM}.pdf" in err
    assert BELGIUM not in indexes(root)
    assert FRANCOPHONIE in indexes(root)
    listed = json.loads((root / "output/releases.json").read_text(encoding="utf-8"))["releases"]
    belgium = next(item for item in listed if item["slug"] == BELGIUM)
    assert belgium["withdrawn"] == "2024-02-10" and belgium["titles"] == {}
    for lang in LANGS:  # the versions stay on record, without links to files taken down
        assert [sorted(v) for v in belgium["versions"][lang]] == [["approved", "approved_by", "sha256", "version"]]
    assert row(status(root), BELGIUM, "fr") == "withdrawn withdrawn"
    assert not approve(root, "fr").ok


def test_a_withdrawal_reaches_an_edition_whose_catalog_cannot_be_read(published, tmp_path):
    """A withdrawal needs no translation: the Khmer notice replaces the Khmer edition even while
    its catalog cannot be read (found by review: that edition stayed public, with its PDF)."""
    root = issued_copy(published, tmp_path / "p")
    catalog_file = root / f"locale/km/LC_MESSAGES/{BELGIUM}.po"
    catalog_file.write_text(catalog_file.read_text(encoding="utf-8").replace("charset=UTF-8", "charset=NOPE-9"),
                            encoding="utf-8")
    path = root / SOURCE
    path.write_text(path.read_text(encoding="utf-8").replace("\ndate: 2024-02-07\n",
                                                             "\ndate: 2024-02-07\nwithdrawn: 2024-02-10\n", 1),
                    encoding="utf-8")
    code, err = publish(root)
    assert code == 1  # the catalog is still reported
    assert row(err, BELGIUM, "km") == "withdrawn"
    page = khmer_web.unmark((root / "output/km" / f"{BELGIUM}.html").read_text(encoding="utf-8"))
    assert "សេចក្តីប្រកាសព័ត៌មាននេះត្រូវបានដកចេញនៅ ថ្ងៃទី១០ ខែកុម្ភៈ ឆ្នាំ២០២៤។" in page
    assert not (root / "output/km" / f"{BELGIUM}.pdf").exists()
    assert BELGIUM not in indexes(root)


def test_deleting_the_source_of_an_issued_release_is_an_error_and_nothing_is_taken_down(published, tmp_path):
    root = issued_copy(published, tmp_path / "p")
    before = editions(root)
    listed = (root / "output/releases.json").read_bytes()
    (root / SOURCE).unlink()
    code, err = publish(root)
    assert code == 1
    assert (f"{SOURCE}: error: this release is gone but its editions were issued, so they stay published as they "
            "are: put the file back (with 'withdrawn: YYYY-MM-DD' in its front matter to take it down); to remove it "
            f"for good, delete content/issued/{BELGIUM}/ and its lines in content/approvals.tsv") in err
    assert editions(root) == before
    for lang in LANGS:
        assert f"{lang}/{BELGIUM}.html" in indexes(root)
    assert (root / "output/releases.json").read_bytes() == listed  # its versions included

    # After a clean output/ the tool cannot tell whether it had been withdrawn: it says that the
    # editions are not published again, rather than that they "stay published".
    shutil.rmtree(root / "output")
    code, err = publish(root)
    assert code == 1 and not (root / "output/en" / f"{BELGIUM}.html").exists()
    assert (f"{SOURCE}: error: this release is gone but its editions were issued, and none is in output/ now: they "
            "are not published again without it: put the file back") in err


def test_deleting_a_release_never_issued_takes_its_drafts_down_and_says_so(published, tmp_path):
    root = issued_copy(published, tmp_path / "p")
    shutil.rmtree(root / "content/issued" / BELGIUM)
    ledger = root / LEDGER
    ledger.write_text("".join(line for line in ledger.read_text(encoding="utf-8").splitlines(keepends=True)
                              if BELGIUM not in line), encoding="utf-8")
    (root / SOURCE).unlink()
    code, err = publish(root)
    assert code == 0, err
    assert (f"{SOURCE}: warning: this release is gone and none of its editions was issued: its drafts are "
            "taken down") in err
    assert editions(root) == {}


# ------------------------------------------------------------- approval off


def test_with_approval_off_the_gate_alone_decides(published, tmp_path):
    root = issued_copy(published, tmp_path / "p")
    settings = root / "pyproject.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("approval = true", "approval = false"),
                        encoding="utf-8")
    path = root / "locale/en/LC_MESSAGES" / f"{FRANCOPHONIE}.po"
    po = polib.pofile(str(path))
    entry = next(e for e in po if "presided over" in e.msgstr or "chaired" in e.msgstr)
    entry.msgstr = entry.msgstr.replace("presided over", "led").replace("chaired", "led")
    po.save(str(path))
    code, err = publish(root)
    assert code == 0, err
    for lang in LANGS:
        assert row(err, FRANCOPHONIE, lang) == "final"
    assert " led " in (root / "output/en" / f"{FRANCOPHONIE}.html").read_text(encoding="utf-8")
    # Nothing to approve: the ledger and the approved texts stay as they are.
    records = {p: p.read_bytes() for p in [root / LEDGER, *(root / "content/issued").rglob("*.json")]}
    issued = sorted((root / "content/issued").rglob("*"))
    texts = [p for p in issued if p.suffix == ".json"]
    assert len(texts) == 3 * len(list((root / "content").glob("*.md")))  # 3 approved texts a sample
    code, _out, err = run_main("--root", str(root), "approve", "--release", FRANCOPHONIE, "--lang", "en",
                               "--by", "Dara")
    assert code == 1 and "pyproject.toml: error: approval = false under [tool.workflow]" in err
    assert {p: p.read_bytes() for p in records} == records and sorted((root / "content/issued").rglob("*")) == issued


# ------------------------------------------------------------- bad approvals


def ledger_lines(root: Path) -> list[str]:
    return (root / LEDGER).read_text(encoding="utf-8").splitlines(keepends=True)


def line_of(root: Path, slug: str, lang: str) -> int:
    """The line number of an edition's first approval in the ledger."""
    return next(number for number, line in enumerate(ledger_lines(root), start=1)
                if f"\t{slug}\t{lang}\t" in line)


def public(root: Path) -> dict[str, bytes]:
    """Everything readers see: every edition of every release, the indexes and releases.json."""
    return {name: data for name, data in everything(root).items() if not name.startswith("review/")}


def test_a_ledger_line_edited_into_something_unreadable_changes_nothing_published(published, tmp_path, capsys):
    root = issued_copy(published, tmp_path / "p")
    before = public(root)
    number = line_of(root, BELGIUM, "en")
    lines = ledger_lines(root)
    lines[number - 1] = lines[number - 1].replace("\t", "  ")  # an editor's tabs became spaces
    (root / LEDGER).write_text("".join(lines), encoding="utf-8")
    code, err = publish(root)
    assert code == 1
    assert f"{LEDGER}:{number}: error: this approval line cannot be read; it is ignored, and what is published " \
           "of the edition it is about is kept as it is" in err
    assert "correct it, or restore it from the repository's history ('git diff' shows what changed)" in err
    assert "not rebuilt" not in err and "0 PDF(s) typeset" in err
    assert public(root) == before
    assert "its approvals cannot all be read" in row(err, BELGIUM, "en")
    assert row(err, BELGIUM, "fr") == "issued"
    report = approve(root, "en")
    assert not report.ok and "cannot all be read" in report.findings[-1].message
    assert (root / LEDGER).read_text(encoding="utf-8") == "".join(lines)


def test_an_approvals_file_that_cannot_be_read_at_all_changes_nothing_published(published, tmp_path):
    root = issued_copy(published, tmp_path / "p")
    before = public(root)
    with (root / LEDGER).open("ab") as ledger:
        ledger.write(b"\xff\xfe garbage\n")
    code, err = publish(root)
    assert code == 1
    assert f"{LEDGER}: error: the approvals cannot be read" in err
    assert public(root) == before
    (root / LEDGER).unlink()
    code, err = publish(root)
    assert code == 1
    assert f"{LEDGER}: error: the approvals are missing, but issued/ holds approved texts" in err
    assert public(root) == before


def test_an_approval_whose_hash_matches_nothing_changes_nothing_published(published, tmp_path):
    root = issued_copy(published, tmp_path / "p")
    before = public(root)
    texts = root / "content/issued" / BELGIUM / "fr.v1.json"
    kept = texts.read_bytes()
    number = line_of(root, BELGIUM, "fr")
    lines = ledger_lines(root)
    fields = lines[number - 1].split("\t")
    fields[4] = ("0" if fields[4][0] != "0" else "1") + fields[4][1:]
    lines[number - 1] = "\t".join(fields)
    (root / LEDGER).write_text("".join(lines), encoding="utf-8")
    code, err = publish(root)
    assert code == 1
    assert (f"{LEDGER}:{number}: error: no approved text matches this approval (version 1 of {BELGIUM} in fr: "
            f"issued/{BELGIUM}/fr.v1.json is missing or was changed since); it is not used, and what is published "
            "of that edition is kept as it is — restore that file from the repository, or remove the line and "
            "approve again") in err
    assert public(root) == before
    assert not approve(root, "fr").ok
    assert texts.read_bytes() == kept


def test_approvals_of_releases_or_languages_that_do_not_exist_are_named_with_their_line(published, tmp_path):
    root = issued_copy(published, tmp_path / "p")
    before = public(root)
    digest = "a" * 64
    with (root / LEDGER).open("a", encoding="utf-8") as ledger:
        ledger.write(f"2024-02-09T09:30:00Z\t2024-02-08-no-such-release\tfr\t1\t{digest}\tDara\n"
                     f"2024-02-09T09:30:00Z\t{BELGIUM}\tde\t1\t{digest}\tDara\n")
    count = len(ledger_lines(root))
    code, err = publish(root)
    assert code == 1
    assert (f"{LEDGER}:{count - 1}: error: an approval for '2024-02-08-no-such-release', but there is no such "
            "release (no content/2024-02-08-no-such-release.md, no issued/2024-02-08-no-such-release/); it is not "
            "used — correct the name, or remove the line") in err
    assert (f"{LEDGER}:{count}: error: an approval for the 'de' edition of {BELGIUM}, but 'de' is not one of this "
            "project's languages (km, en, fr); it is not used — correct the language, or remove the line") in err
    assert public(root) == before
    for lang in LANGS:
        assert row(err, BELGIUM, lang) == "issued"


def test_approving_never_writes_over_the_texts_of_an_earlier_approval(published, tmp_path):
    root = issued_copy(published, tmp_path / "p")
    texts = root / "content/issued" / BELGIUM / "fr.v1.json"
    kept = texts.read_bytes()
    number = line_of(root, BELGIUM, "fr")
    lines = ledger_lines(root)
    del lines[number - 1]  # "remove the line and approve again"
    (root / LEDGER).write_text("".join(lines), encoding="utf-8")
    path = root / "locale/fr/LC_MESSAGES" / f"{BELGIUM}.po"
    po = polib.pofile(str(path))
    entry = next(e for e in po if "engagement" in e.msgstr)
    entry.msgstr = entry.msgstr.replace("engagement", "attachement")
    po.save(str(path))
    assert approve(root, "fr").ok
    assert texts.read_bytes() == kept
    assert ledger_lines(root)[-1].split("\t")[2:4] == ["fr", "2"]
    assert "attachement" in (root / "content/issued" / BELGIUM / "fr.v2.json").read_text(encoding="utf-8")
