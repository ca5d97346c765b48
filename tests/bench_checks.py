"""Seeded mistakes: our checks against Translate Toolkit's pofilter, on the Belgium release.

Each mistake is seeded into its own copy of one entry of the French or Khmer catalog (the copy
carries a ``msgctxt`` naming the mistake, so one catalog holds them all and each tool runs once
per language).  A tool *catches* a mistake when it reports, on the seeded entry, a check it
does not report on the clean entry (pofilter flags every Khmer entry with a number, which
must not count as catching a wrong year).  *False alarms* are what each tool reports on the
clean sample catalogs (every language, both releases and ui.po).  Nothing here touches the
project's files: everything is written to a temporary folder.

Run ``python -m tests.bench_checks`` to print both tables.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import polib

from workflow import checks
from workflow import po as pofile

ROOT = Path(__file__).resolve().parents[1]
SLUG = "2024-02-07-cambodia-belgium-consultations"
LINK = "https://www.mfaic.gov.kh/"
#: The Belgium release has no link: the clean baseline gains one sentence with a link, in every
#: language, so that a dropped URL can be seeded.
LINKED = {
    "en": f" Details are on [the ministry's website]({LINK}).",
    "fr": f" Les détails figurent sur le [site du ministère]({LINK}).",
    "km": f" ព័ត៌មានលម្អិតមាននៅលើ[គេហទំព័ររបស់ក្រសួង]({LINK})។",
}
LINKED_ENTRY = "Both sides have expressed"  #: the paragraph (msgid start) that gets the link


@dataclass(frozen=True)
class Seed:
    name: str
    entry: str  #: the start of the msgid of the entry to change
    old: str  #: text of the msgstr to replace ("" with new="*copy*": the msgstr becomes the msgid)
    new: str


SEEDS: dict[str, list[Seed]] = {
    "fr": [
        Seed("wrong year 2024→2025", "The First Session", "7 février 2024", "7 février 2025"),
        Seed("dropped link URL", LINKED_ENTRY, f"[site du ministère]({LINK})", "[site du ministère]"),
        Seed("unbalanced **", "In conclusion", "Son Excellence le Dr", "**Son Excellence le Dr"),
        Seed("missing final full stop", "In response", "premier semestre 2024.", "premier semestre 2024"),
        Seed("doubled space", LINKED_ENTRY, "Les deux parties", "Les deux  parties"),
        Seed("English paragraph copied", "At the outset", "", "*copy*"),
        Seed("glossary term changed", "The First Session", "secrétaire d’État", "ministre délégué"),
        Seed("wrong digit 25→26", "In conclusion", "25 novembre", "26 novembre"),
        Seed("wrong month", "In conclusion", "25 novembre", "25 décembre"),
        Seed("raw HTML", "At the outset", "D’emblée, Son Excellence", "D’emblée, <b>Son Excellence</b>"),
        Seed("wrong ordinal XXᵉ→XXIᵉ", "In conclusion", "XXᵉ Sommet", "XXIᵉ Sommet"),
        Seed("plain space before ;", LINKED_ENTRY, "d’investissement, notamment", "d’investissement ; notamment"),
        Seed("glossary: Kingdom dropped", "Outcomes of the First", "le Royaume de Belgique", "la Belgique"),
    ],
    "km": [
        Seed("wrong year 2024→2025", "The First Session", "ឆ្នាំ២០២៤", "ឆ្នាំ២០២៥"),
        Seed("dropped link URL", LINKED_ENTRY, f"[គេហទំព័ររបស់ក្រសួង]({LINK})", "[គេហទំព័ររបស់ក្រសួង]"),
        Seed("unbalanced **", "In conclusion", "ជាការបញ្ចប់ ឯកឧត្តម", "ជាការបញ្ចប់ **ឯកឧត្តម"),
        Seed("missing final full stop", "In response", "ឆ្នាំ២០២៤។", "ឆ្នាំ២០២៤"),
        Seed("doubled space", LINKED_ENTRY, "ក្នុងការពង្រឹង ", "ក្នុងការពង្រឹង  "),
        Seed("English paragraph copied", "At the outset", "", "*copy*"),
        Seed("glossary term changed", "The First Session", "រដ្ឋលេខាធិការ", "រដ្ឋមន្ត្រី"),
        Seed("wrong digit 25→26", "In conclusion", "ថ្ងៃទី២៥", "ថ្ងៃទី២៦"),
        Seed("wrong month", "In conclusion", "ខែវិច្ឆិកា", "ខែធ្នូ"),
        Seed("raw HTML", "At the outset", "ជាកិច្ចចាប់ផ្តើម ឯកឧត្តម", "ជាកិច្ចចាប់ផ្តើម <b>ឯកឧត្តម</b>"),
        Seed("Latin '.' ends a Khmer sentence", "In response", "ឆ្នាំ២០២៤។", "ឆ្នាំ២០២៤."),
        Seed("bad COENG sequence", "In response", "ការប្តេជ្ញាចិត្ត", "ការប្តេជ្ញ្ាចិត្ត"),
        Seed("split vowel េ+ី for ើ", LINKED_ENTRY, "ការបង្កើត", "ការបង្កេីត"),
        Seed("hand-typed ZWSP", "In response", "ឆ្លើយតបវិញ ", "ឆ្លើយតប\u200bវិញ "),
    ],
}


def source_lang(root: Path, slug: str) -> str:
    if slug == "ui":
        return "en"
    text = (root / "content" / f"{slug}.md").read_text(encoding="utf-8")
    return re.search(r"(?m)^lang:\s*(\w+)", text).group(1)


def clean_catalog(lang: str) -> polib.POFile:
    """The Belgium catalog of ``lang`` with the link sentence added to one paragraph."""
    path = ROOT / "locale" / lang / "LC_MESSAGES" / f"{SLUG}.po"
    po = pofile.read_po_bytes(path.read_bytes(), path=str(path))
    for entry in po:
        if entry.msgid.startswith(LINKED_ENTRY):
            entry.msgid += LINKED["en"]
            entry.msgstr += LINKED[lang]
    return po


def seeded_catalog(lang: str) -> polib.POFile:
    """The clean catalog plus, for each seed, a copy of its entry with the mistake (msgctxt: the seed)."""
    po = clean_catalog(lang)
    by_start = {e.msgid[:40]: e for e in po if e.msgid}
    for seed in SEEDS[lang]:
        entry = next(e for k, e in by_start.items() if k.startswith(seed.entry[:40]) or e.msgid.startswith(seed.entry))
        if seed.new == "*copy*":
            text = entry.msgid
        else:
            assert seed.old in entry.msgstr, f"{lang}: {seed.name}: {seed.old!r} is not in the entry"
            text = entry.msgstr.replace(seed.old, seed.new, 1)
        po.append(polib.POEntry(msgctxt=seed.name, msgid=entry.msgid, msgstr=text, comment=entry.comment,
                                occurrences=entry.occurrences))
    return po


def ours(po: polib.POFile, src: str, lang: str, glossary) -> dict[tuple[str | None, str], set[str]]:
    """(msgctxt, msgid) → names of our checks that report something."""
    return {(e.msgctxt, e.msgid): {p.check for p in problems}
            for e, problems in checks.check_catalog(po, source_lang=src, lang=lang, glossary=glossary)}


def _pofilter_bin() -> str:
    found = Path(sys.executable).with_name("pofilter")
    return str(found) if found.exists() else "pofilter"


def pofilter(po: polib.POFile, lang: str, folder: Path) -> dict[tuple[str | None, str], set[str]]:
    """(msgctxt, msgid) → names of the pofilter checks (default set) that fail."""
    source, out = folder / f"in-{lang}.po", folder / f"out-{lang}.po"
    source.write_text(pofile.dump_po(po), encoding="utf-8")
    result = subprocess.run([_pofilter_bin(), "--nofuzzy", f"--language={lang}", "-i", str(source), "-o", str(out)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"pofilter failed: {result.stderr}")
    found: dict[tuple[str | None, str], set[str]] = {}
    if not out.exists() or not out.read_text(encoding="utf-8").strip():
        return found  # nothing failed
    for entry in polib.pofile(str(out)):
        names = set(re.findall(r"\(pofilter\) ([\w-]+):", entry.tcomment or ""))
        if entry.msgid and names:
            found[(entry.msgctxt, entry.msgid)] = names
    return found


def compare(folder: Path) -> dict:
    """Both tools on the seeded catalogs and on the clean samples: what each caught and each false alarm."""
    glossary = checks.load_glossary(ROOT)
    caught: dict[str, dict[str, tuple[bool, bool]]] = {}
    for lang in SEEDS:
        po = seeded_catalog(lang)
        mine, theirs = ours(po, "en", lang, glossary), pofilter(po, lang, folder)
        caught[lang] = {}
        for seed in SEEDS[lang]:
            msgid = next(e.msgid for e in po if e.msgctxt == seed.name)
            caught[lang][seed.name] = tuple(
                bool(found.get((seed.name, msgid), set()) - found.get((None, msgid), set()))
                for found in (mine, theirs))
    alarms = {}
    for path in sorted(ROOT.glob("locale/*/LC_MESSAGES/*.po")):
        lang, slug = path.parts[-3], path.stem
        po = pofile.read_po_bytes(path.read_bytes(), path=str(path))
        entries = sum(1 for e in po if e.msgid and e.msgstr and not e.obsolete)
        mine = ours(po, source_lang(ROOT, slug), lang, glossary)
        theirs = pofilter(po, lang, folder)
        alarms[f"{lang}/{slug}.po"] = (entries, mine, theirs)
    return {"caught": caught, "alarms": alarms}


def tables(result: dict) -> str:
    lines = ["Seeded mistakes (caught = a check the clean entry does not raise):", "",
             "| lang | mistake | ours | pofilter |", "| --- | --- | --- | --- |"]
    for lang, seeds in result["caught"].items():
        for name, (mine, theirs) in seeds.items():
            lines.append(f"| {lang} | {name} | {'yes' if mine else 'NO'} | {'yes' if theirs else 'no'} |")
        lines.append(f"| {lang} | **total** | {sum(m for m, _ in seeds.values())}/{len(seeds)} "
                     f"| {sum(t for _, t in seeds.values())}/{len(seeds)} |")
    lines += ["", "False alarms on the clean sample catalogs (problems / entries with one):", "",
              "| catalog | entries | ours | pofilter | pofilter's checks |", "| --- | --- | --- | --- | --- |"]
    total = [0, 0, 0, 0, 0]
    for name, (entries, mine, theirs) in result["alarms"].items():
        counts = (sum(map(len, mine.values())), len(mine), sum(map(len, theirs.values())), len(theirs))
        names = sorted({n for found in theirs.values() for n in found})
        lines.append(f"| {name} | {entries} | {counts[0]} / {counts[1]} | {counts[2]} / {counts[3]} | {', '.join(names)} |")
        total = [a + b for a, b in zip(total, (entries, *counts))]
    lines.append(f"| **all** | {total[0]} | {total[1]} / {total[2]} | {total[3]} / {total[4]} | |")
    return "\n".join(lines)


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        print(tables(compare(Path(folder))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
