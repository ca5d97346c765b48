"""Catalogs over the years: merges that never lose a translation, fuzzy entries, the memory."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.conftest import copy_project, run, tool, use_templates
from workflow import catalog
from workflow.cli import main
from workflow.model import Segment
from workflow.po import dump_po, read_po, write_po_file

BELGIUM = "2024-02-07-cambodia-belgium-consultations"
FRANCOPHONIE = "2025-03-20-reunion-preparation-sommet-francophonie"


def template(texts: list[str]) -> polib.POFile:
    segments = [Segment(text, "paragraph", "content/x.md", n + 1) for n, text in enumerate(texts)]
    return catalog.build_template(segments, project_id="x")


def merge(texts, old=None, memory=None):
    return catalog.merge(template(texts), old, lang="fr", project_id="x", memory=memory)


def by_id(po):
    return {e.msgid: e for e in po}


def test_unchanged_edited_removed_returned():
    po = merge(["Both sides agreed.", "They discussed trade and investment.", "A third point."])
    for entry, text in zip(po, ["Les deux parties sont convenues.", "Ils ont parlé de commerce.", "Un troisième point."]):
        entry.msgstr = text
    po = merge(["Both sides agreed.", "They discussed trade and investment in depth."], po)
    entries = by_id(po)
    assert entries["Both sides agreed."].msgstr == "Les deux parties sont convenues."
    assert "fuzzy" not in entries["Both sides agreed."].flags
    edited = entries["They discussed trade and investment in depth."]
    assert edited.msgstr == "Ils ont parlé de commerce." and "fuzzy" in edited.flags
    assert edited.previous_msgid == "They discussed trade and investment."
    gone = entries["A third point."]
    assert gone.obsolete and gone.msgstr == "Un troisième point."
    po = merge(["Both sides agreed.", "A third point."], po)
    back = by_id(po)["A third point."]
    assert not back.obsolete and back.msgstr == "Un troisième point." and "fuzzy" not in back.flags


def test_merge_leaves_the_old_catalog_as_it_was():
    """The old catalog is what the merge result is compared with before writing: it must not change."""
    po = merge(["Kept.", "Removed."])
    for entry in po:
        entry.msgstr = "Traduit : " + entry.msgid
    before = dump_po(po)
    merged = merge(["Kept."], po)
    assert dump_po(po) == before
    assert not catalog.same_content(po, merged, ignore=())


def test_memory_fills_exact_and_close_matches():
    other = merge(["Both sides agreed that the mechanism is essential to promote cooperation."])
    other[0].msgstr = "Les deux parties sont convenues que le mécanisme est essentiel."
    memory = catalog.Memory(threshold=80)
    memory.add(other, "2024-02-07-other")
    po = merge(["Both sides agreed that the mechanism is essential to promote cooperation.",
                "Both sides agreed that the mechanism is essential to promote the cooperation.",
                "Something else entirely."], memory=memory)
    exact, close, none = list(po)
    assert exact.msgstr == other[0].msgstr and "fuzzy" not in exact.flags
    assert close.msgstr == other[0].msgstr and "fuzzy" in close.flags
    assert close.previous_msgid == other[0].msgid
    assert "memory: 2024-02-07-other" in close.tcomment
    assert none.msgstr == ""


def _memory_catalogs(seed: int, count: int) -> list[tuple[polib.POFile, str, set[str]]]:
    """``count`` catalogs of sentences from a small vocabulary (many ties), some entries obsolete,
    some no segment of their release."""
    import random

    rng = random.Random(seed)
    words = ["the", "ministry", "cooperation", "Cambodia", "ក្រសួង", "ការបរទេស", "é", "held", "in", "Penh", "a"]

    def sentence() -> str:
        return " ".join(rng.choice(words) for _ in range(rng.randint(1, 12)))

    catalogs = []
    for number in range(count):
        po = polib.POFile()
        if number == 1:  # whatever text a catalog can hold: a NUL, a lone surrogate
            po.append(polib.POEntry(msgid="held in\x00 Penh \udcff", msgstr="tenue à\x00 \udcff"))
        for _ in range(rng.randint(1, 15)):
            po.append(polib.POEntry(msgid=sentence(), msgstr=sentence(), obsolete=rng.random() < 0.2))
        catalogs.append((po, f"r{number}", {entry.msgid for entry in po if rng.random() < 0.8}))
    return catalogs


def test_a_memory_on_disk_finds_what_one_in_memory_finds(monkeypatch):
    """Past ``MEMORY_RESIDENT`` entries a memory moves to disk (``shelf.Translations``): the same
    exact matches, the same doubtful ones, and by similarity the same source (the first learnt of
    the most similar), read only among the lengths that can reach the threshold."""
    catalogs = _memory_catalogs(5, 60)

    def learnt(resident: int, threshold: int) -> catalog.Memory:
        monkeypatch.setattr(catalog, "MEMORY_RESIDENT", resident)
        memory = catalog.Memory(threshold)
        for po, origin, segments in catalogs:
            memory.add(po, origin, segments)
        return memory

    import random

    rng = random.Random(6)
    queries = [entry.msgid for po, _origin, _segments in catalogs for entry in po]
    queries += [" ".join(query.split()[:-1]) or "x" for query in queries[:200]]  # a word less
    queries += [query + rng.choice(["", " a", " Penh", "ក"]) for query in queries[:300]]
    for threshold in (80, 60, 100):
        held, spilled = learnt(10**9, threshold), learnt(40, threshold)
        assert held._disk is None and spilled._disk is not None and len(held) == len(spilled) > 40
        found = [held.lookup(query) for query in queries]
        assert [spilled.lookup(query) for query in queries] == found
        assert {match.exact for match in found if match} == {True, threshold == 100}  # both kinds were tried
        assert {match.trusted for match in found if match and match.exact} == {True, False}


def test_a_memory_on_disk_holds_no_more_for_more_entries(monkeypatch):
    """An archive's memory grows with it (some 20 KB a release of distinct text in a language):
    past ``MEMORY_RESIDENT``, the Python objects it keeps do not grow with its entries."""
    import tracemalloc

    monkeypatch.setattr(catalog, "MEMORY_RESIDENT", 8)
    memory = catalog.Memory(80)

    def learn(numbers: range) -> None:
        for number in numbers:
            po = polib.POFile()
            po.append(polib.POEntry(msgid=f"The meeting number {number} was held in Phnom Penh.",
                                    msgstr=f"La réunion numéro {number} s’est tenue à Phnom Penh."))
            memory.add(po, f"r{number}")

    learn(range(1000))
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        learn(range(1000, 3000))
        held = sum(stat.size_diff for stat in tracemalloc.take_snapshot().compare_to(before, "filename")
                   if stat.traceback[0].filename.endswith(("shelf.py", "catalog.py")))
    finally:
        tracemalloc.stop()
    assert len(memory) == 3000 and memory.lookup("The meeting number 1234 was held in Phnom Penh.").exact
    assert memory.lookup("The meeting number 1234 was held in Siem Reap.").source.startswith("The meeting number 12")
    assert held < 8 * 1024, f"{held} bytes more held for 2,000 more entries on disk"


def test_fuzzy_is_never_published():
    po = merge(["One.", "Two."])
    po[0].msgstr, po[1].msgstr = "Un.", "Deux."
    po[1].flags.append("fuzzy")
    assert catalog.translations(po) == {"One.": "Un."}


# ------------------------------------------------------------ the property

SENTENCES = st.text(alphabet=st.sampled_from(list("abcdefgh ") + ["ក", "ា", "។", "é", '"', "\\"]),
                    min_size=1, max_size=40).map(str.strip).filter(bool)
OPERATIONS = st.lists(st.one_of(
    st.tuples(st.just("insert"), st.integers(0, 20), SENTENCES),
    st.tuples(st.just("delete"), st.integers(0, 20)),
    st.tuples(st.just("edit"), st.integers(0, 20), SENTENCES),
    st.tuples(st.just("move"), st.integers(0, 20), st.integers(0, 20)),
    st.tuples(st.just("duplicate"), st.integers(0, 20)),
    st.tuples(st.just("translate"), st.integers(0, 20), SENTENCES),
    st.tuples(st.just("confirm"), st.integers(0, 20)),
), min_size=1, max_size=12)


def apply(texts: list[str], po: polib.POFile, op) -> list[str] | None:
    """Apply one edit to the source (returns the new texts) or one translator action (None)."""
    name, index = op[0], op[1]
    texts = list(texts)
    if name == "insert":
        texts.insert(index % (len(texts) + 1), op[2])
        return texts
    if not texts:
        return None
    i = index % len(texts)
    if name == "delete":
        del texts[i]
    elif name == "edit":
        texts[i] = texts[i] + " " + op[2]
    elif name == "move":
        texts.insert(op[2] % len(texts), texts.pop(i))
    elif name == "duplicate":
        texts.insert(i, texts[i])
    else:
        return None
    return texts


def translator(po: polib.POFile, op, entered: set[str]) -> None:
    active = [e for e in po if not e.obsolete]
    if not active:
        return
    entry = active[op[1] % len(active)]
    if op[0] == "translate" and not entry.msgstr:
        entry.msgstr = "T " + op[2]
        entered.add(entry.msgstr)
    elif op[0] == "confirm" and "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
        entry.previous_msgid = None


def judged_by_gettext(text: str, tmp_path) -> None:
    path = tmp_path / "judged.po"
    path.write_text(text, encoding="utf-8")
    checked = run(tool("msgfmt"), "--check", "-o", "/dev/null", str(path))
    assert checked.returncode == 0, checked.stderr + text
    if any(e.msgid for e in read_po(text)):  # msgcat writes nothing at all for a catalog with only a header
        assert run(tool("msgcat"), str(path)).stdout == text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.lists(SENTENCES, min_size=1, max_size=6, unique=True), operations=OPERATIONS)
def test_no_translation_is_ever_lost(start, operations, tmp_path):
    """Every step goes through the file, as translators and update-po do; every file written is judged."""
    path = tmp_path / "fr.po"
    path.unlink(missing_ok=True)
    written: set[str] = set()

    def through_the_file(po: polib.POFile) -> polib.POFile:
        write_po_file(path, po)
        text = path.read_text(encoding="utf-8")
        written.add(text)
        return read_po(text, path=str(path))

    texts = start
    po = through_the_file(merge(texts))
    entered: set[str] = set()
    for op in operations:
        changed = apply(texts, po, op)
        if changed is None:
            translator(po, op, entered)
        else:
            texts = changed
            po = merge(texts, po)
        po = through_the_file(po)
        kept = {e.msgstr for e in po}
        assert entered <= kept, f"lost: {entered - kept}"
        assert [e.msgid for e in po if not e.obsolete] == list(dict.fromkeys(texts))
    for text in written:
        judged_by_gettext(text, tmp_path)


# -------------------------------------------------- through the real files

def edit_release(root, slug, old, new):
    path = root / "content" / f"{slug}.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_editing_a_sentence_makes_exactly_that_entry_fuzzy(project_copy):
    assert main(["--root", str(project_copy), "-q", "update-po"]) == 0
    old = "They also discussed on the possibility of cooperation in the development of human capital."
    new = "They also discussed the possibility of cooperation in the development of human capital."
    edit_release(project_copy, BELGIUM, old, new)
    assert main(["--root", str(project_copy), "-q", "update-po"]) == 0
    for lang in ("km", "fr"):
        po = polib.pofile(str(project_copy / f"locale/{lang}/LC_MESSAGES/{BELGIUM}.po"))
        fuzzy = [e for e in po if "fuzzy" in e.flags]
        assert len(fuzzy) == 1, lang
        assert old in fuzzy[0].previous_msgid and new in fuzzy[0].msgid and fuzzy[0].msgstr
        assert all(e.msgstr for e in po if not e.obsolete)


@pytest.mark.parametrize("approval", [True, False])
def test_a_paragraph_from_another_release_comes_from_the_memory(tmp_path, approval):
    """An exact match is filled in final with its origin noted where reviewers approve editions
    (the review page shows it); without approval nobody would see it first: it comes in fuzzy."""
    project_copy = copy_project(tmp_path, approval=approval)
    source = project_copy / "content" / f"{BELGIUM}.md"
    reused = ("Both sides have expressed their commitments to further strengthen and expand potential areas "
              "for future cooperation in trade and investment, inter alia through the establishment of legal "
              "bases. They also discussed on the possibility of cooperation in the development of human "
              "capital. They shared views on the importance of continued mutual support in international fora "
              "and exchanged views on a number of regional and global issues of common concern.")
    assert reused in source.read_text(encoding="utf-8")
    new = project_copy / "content" / "2024-06-01-follow-up.md"
    new.write_text(f"---\ntitle: Follow-up\ndate: 2024-06-01\nlang: en\n---\n\n{reused}\n\nA new sentence.\n",
                   encoding="utf-8")
    assert main(["--root", str(project_copy), "-q", "update-po"]) == 0
    for lang in ("km", "fr"):
        earlier = by_id(polib.pofile(str(project_copy / f"locale/{lang}/LC_MESSAGES/{BELGIUM}.po")))
        po = by_id(polib.pofile(str(project_copy / f"locale/{lang}/LC_MESSAGES/2024-06-01-follow-up.po")))
        assert po[reused].msgstr == earlier[reused].msgstr
        assert ("fuzzy" not in po[reused].flags) is approval
        note = (catalog.MEMORY_EXACT_NOTE if approval else catalog.MEMORY_NOTE) + BELGIUM
        assert note in po[reused].tcomment.split("\n") and catalog.memory_origin(po[reused]) == BELGIUM
        assert po["A new sentence."].msgstr == ""


def test_update_po_twice_touches_nothing(project_copy):
    assert main(["--root", str(project_copy), "-q", "update-po"]) == 0
    files = sorted((project_copy / "locale").rglob("*.po*"))
    before = [(p, p.stat().st_mtime_ns, p.read_bytes()) for p in files]
    assert main(["--root", str(project_copy), "-q", "update-po"]) == 0
    assert [(p, p.stat().st_mtime_ns, p.read_bytes()) for p in files] == before


def test_a_removed_paragraph_is_written_obsolete_and_comes_back(project_copy, monkeypatch):
    """On disk, when the creation date does not change (SOURCE_DATE_EPOCH, or two runs in one minute)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1707264000")
    shutil.rmtree(project_copy / "locale" / "templates")  # every catalog now carries the epoch's date
    assert main(["--root", str(project_copy), "-q", "update-po"]) == 0
    source = project_copy / "content" / f"{BELGIUM}.md"
    text = source.read_text(encoding="utf-8")
    # The last paragraph: no other entry's reference moves, so only the obsolete entry changes the file.
    body, paragraph = text.rstrip("\n").rsplit("\n\n", 1)
    source.write_text(body + "\n", encoding="utf-8")
    assert main(["--root", str(project_copy), "-q", "update-po"]) == 0
    for lang in ("fr", "km"):
        po = polib.pofile(str(project_copy / f"locale/{lang}/LC_MESSAGES/{BELGIUM}.po"))
        gone = [e for e in po if e.msgid == paragraph]
        assert len(gone) == 1 and gone[0].obsolete and gone[0].msgstr, lang
    source.write_text(text, encoding="utf-8")
    assert main(["--root", str(project_copy), "-q", "update-po"]) == 0
    for lang in ("fr", "km"):
        po = polib.pofile(str(project_copy / f"locale/{lang}/LC_MESSAGES/{BELGIUM}.po"))
        back = po.find(paragraph)
        assert back is not None and back.msgstr and "fuzzy" not in back.flags, lang
        assert not po.obsolete_entries(), lang


def test_catalog_from_another_tool_is_left_alone(project_copy):
    """A translator's tool that wraps differently causes no rewrite while the content is the same."""
    path = project_copy / f"locale/fr/LC_MESSAGES/{BELGIUM}.po"
    unwrapped = run(tool("msgcat"), "--no-wrap", str(path)).stdout
    path.write_text(unwrapped, encoding="utf-8")
    os.utime(path, ns=(1, 1))
    assert main(["--root", str(project_copy), "-q", "update-po"]) == 0
    assert path.read_text(encoding="utf-8") == unwrapped and path.stat().st_mtime_ns == 1


def test_source_date_epoch_sets_the_creation_date(project_copy, monkeypatch):
    shutil.rmtree(project_copy / "locale" / "templates")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1707264000")
    assert main(["--root", str(project_copy), "-q", "update-po"]) == 0
    pot = polib.pofile(str(project_copy / f"locale/templates/{BELGIUM}.pot"))
    assert pot.metadata["POT-Creation-Date"] == "2024-02-07 00:00+0000"


# --------------------------------------------------------- the real corpus

def _corpus_catalogs():
    from tests.conftest import CORPUS
    return sorted(p for p in CORPUS.rglob("*.po*") if "MALFORMED" not in p.name) if CORPUS.exists() else []


@pytest.mark.parametrize("path", _corpus_catalogs() or [None], ids=lambda p: p.name if p else "no-corpus")
def test_real_catalogs_keep_their_messages(path, tmp_path):
    """Weblate, Transifex, Poedit, KBabel, Launchpad and Lokalize exports: same messages after load and save."""
    from tests.conftest import corpus
    from workflow.po import read_po_bytes

    if path is None:
        corpus("po")
    saved = tmp_path / path.name
    saved.write_text(dump_po(read_po_bytes(path.read_bytes(), path=str(path))), encoding="utf-8")
    ours = run(tool("msgcat"), "--sort-output", str(saved))
    theirs = run(tool("msgcat"), "--sort-output", str(path))
    assert ours.returncode == theirs.returncode == 0
    assert ours.stdout == theirs.stdout


def test_a_projects_own_templates_are_referred_to_by_their_path_in_the_project(project_copy):
    from workflow.render import template_file

    use_templates(project_copy, {"edition.html": template_file("edition.html").read_text()})
    assert main(["--root", str(project_copy), "-q", "update-po"]) == 0
    pot = polib.pofile(str(project_copy / "locale/templates/ui.pot"))
    files = {path for entry in pot for path, _line in entry.occurrences}
    assert "templates/edition.html" in files and "workflow/templates/index.html" in files, files
    assert not any(path.startswith("/") for path in files), files


# ---------------------------------------------------------------------- statistics

def _catalog(*entries: polib.POEntry) -> polib.POFile:
    po = polib.POFile()
    for entry in entries:
        po.append(entry)
    return po


def test_a_refused_translation_is_not_done():
    po = _catalog(polib.POEntry(msgid="See the statement.", msgstr="Voir [ici](https://evil.example/)."),
                  polib.POEntry(msgid="Both sides agreed.", msgstr="Les deux parties sont convenues."))
    stats = catalog.stats(po)
    assert (stats.translated, stats.untranslated, stats.rejected) == (1, 1, 1)
    assert stats.words_left == 3


def test_khmer_source_words_are_counted_by_the_segmenter():
    po = _catalog(polib.POEntry(msgid="ក្រសួងការបរទេស និងសហប្រតិបត្តិការអន្តរជាតិ", msgstr=""))
    assert catalog.stats(po).words_left == len("ក្រសួង ការបរទេស និង សហប្រតិបត្តិការ អន្តរជាតិ".split())


def test_status_counts_the_samples_khmer_words_like_the_segmenter():
    path = Path(__file__).resolve().parents[1] / "locale/km/LC_MESSAGES/2024-02-07-cambodia-belgium-consultations.po"
    po = polib.pofile(str(path))
    words = sum(catalog.count_words(e.msgstr) for e in po if e.msgstr)
    spaces = sum(len(e.msgstr.split()) for e in po if e.msgstr)
    assert words > 4 * spaces  # 511 words where spaces find 107


def test_a_text_twice_on_one_line_has_one_reference_and_the_template_stays_put(monkeypatch):
    """An aria-label and a heading with the same words on one template line: msgcat writes the
    reference once, so the template built again must equal the one read back (no new date)."""
    from workflow.model import Segment
    from workflow.po import dump_po, read_po

    segments = [Segment("Earlier versions", "template string", "workflow/templates/edition.html", 55)] * 2
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    pot = catalog.build_template(segments, project_id="ui")
    assert pot[0].occurrences == [("workflow/templates/edition.html", "55")]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")  # a later run: the date stays if nothing changed
    again = catalog.build_template(segments, project_id="ui", previous=read_po(dump_po(pot), path="ui.pot"))
    assert again.metadata["POT-Creation-Date"] == pot.metadata["POT-Creation-Date"]
