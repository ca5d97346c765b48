"""``make bench``: speed figures, never timed assertions.

Catalog updates: a 200-release corpus is generated from the samples'
sentences, translated, then edited (a word changed in one paragraph in ten, a
paragraph borrowed from another release).  We time ``update-po`` on it beside
GNU ``msgmerge --previous`` with a compendium of every catalog of the language
doing the same work (one run per catalog, as po4a and sphinx-intl do), and
report the ratio in the terminal and in ``output/bench.json``.
"""

from __future__ import annotations

import json
import logging
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polib

from workflow import build, project as project_io

ROOT = Path(__file__).resolve().parents[1]
RELEASES = 200
LANGS = ("km", "fr")


def sentences() -> list[str]:
    found = []
    for path in sorted((ROOT / "content").glob("*.md")):
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        for line in body.splitlines():
            if line and not line.startswith(("|", "#", "-")):
                found += [s for s in re.split(r"(?<=[.!?;:])\s+", line) if len(s) > 20]
    return found


def make_corpus(root: Path, rng: random.Random) -> list[list[str]]:
    pool = sentences()
    (root / "content").mkdir(parents=True)
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    bodies = []
    for n in range(RELEASES):
        paragraphs = [" ".join(rng.sample(pool, rng.randint(1, 3))) for _ in range(rng.randint(5, 10))]
        bodies.append(paragraphs)
        write_release(root, n, paragraphs)
    return bodies


def write_release(root: Path, n: int, paragraphs: list[str]) -> None:
    text = (f"---\ntitle: Release number {n}\ndate: 2024-01-01\nlang: en\nplace: Phnom Penh\n---\n\n"
            + "\n\n".join(paragraphs) + "\n")
    (root / "content" / f"2024-01-01-release-{n:03d}.md").write_text(text, encoding="utf-8")


def translate_everything(root: Path) -> None:
    for path in (root / "locale").rglob("*.po"):
        po = polib.pofile(str(path))
        for entry in po:
            entry.msgstr = entry.msgstr or f"[{path.parts[-3]}] {entry.msgid}"
        po.save(str(path))


def edit_corpus(root: Path, bodies: list[list[str]], rng: random.Random) -> None:
    for n, paragraphs in enumerate(bodies):
        for i in range(len(paragraphs)):
            if rng.random() < 0.1:
                words = paragraphs[i].split()
                words[rng.randrange(len(words))] = "notably"
                paragraphs[i] = " ".join(words)
        paragraphs.append(rng.choice(bodies[rng.randrange(len(bodies))]))
        write_release(root, n, paragraphs)


def time_ours(root: Path) -> float:
    project = project_io.load(root)
    start = time.perf_counter()
    report = build.update_po(project)
    elapsed = time.perf_counter() - start
    assert report.ok, report.findings
    return elapsed


def time_msgmerge(root: Path) -> float:
    """msgmerge --previous with a compendium per language, on the same catalogs and templates."""
    start = time.perf_counter()
    for lang in LANGS:
        catalogs = sorted((root / "locale" / lang / "LC_MESSAGES").glob("2024-*.po"))
        compendium = root / f"compendium-{lang}.po"
        subprocess.run(["msgcat", "--use-first", "-o", str(compendium), *map(str, catalogs)], check=True)
        for po in catalogs:
            pot = root / "locale" / "templates" / f"{po.stem}.pot"
            subprocess.run(["msgmerge", "--quiet", "--previous", "--compendium", str(compendium),
                            "-o", str(po), str(po), str(pot)], check=True)
    return time.perf_counter() - start


def bench_catalogs() -> dict:
    rng = random.Random(2024)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        bodies = make_corpus(base, rng)
        build.update_po(project_io.load(base))
        translate_everything(base)
        edit_corpus(base, bodies, rng)
        ours_root, theirs_root = Path(tmp) / "ours", Path(tmp) / "theirs"
        shutil.copytree(base, ours_root)
        shutil.copytree(base, theirs_root)
        # templates are rebuilt by update-po; msgmerge needs them ready, so build them for it untimed
        (theirs_root / "locale" / "templates").mkdir(exist_ok=True)
        shutil.copytree(base / "locale", theirs_root / "locale", dirs_exist_ok=True)
        ours = time_ours(ours_root)
        shutil.copytree(ours_root / "locale" / "templates", theirs_root / "locale" / "templates",
                        dirs_exist_ok=True)
        theirs = time_msgmerge(theirs_root)
        entries = sum(len(polib.pofile(str(p))) for p in (ours_root / "locale").rglob("*.po"))
    return {"releases": RELEASES, "catalogs": RELEASES * len(LANGS), "entries": entries,
            "update_po_seconds": round(ours, 3), "msgmerge_seconds": round(theirs, 3),
            "ratio_ours_to_msgmerge": round(ours / theirs, 3)}


def bench_typography() -> dict:
    """French spacing over one long paragraph with many inline tags, at two sizes: the time per
    character should stay flat (the rule sees a whole block at once, and must stay linear)."""
    from workflow.typography import apply_to_html, french

    figures = {}
    for count in (2000, 8000):
        paragraph = "<p>" + " ".join(f"mot{i} <strong>gras</strong> ; « cité » : fin ?" for i in range(count)) + "</p>"
        start = time.perf_counter()
        apply_to_html(paragraph, french)
        figures[f"french_{len(paragraph)}_chars_seconds"] = round(time.perf_counter() - start, 3)
    small, large = figures.values()
    figures["growth_for_4x_text"] = round(large / small, 2) if small else None
    return figures


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    if shutil.which("msgmerge") is None:
        print("bench: msgmerge is not installed (apt-get install gettext)", file=sys.stderr)
        return 2
    results = {"update_po": bench_catalogs()}
    figures = results["update_po"]
    print(f"update-po on {figures['releases']} releases ({figures['catalogs']} catalogs, "
          f"{figures['entries']} entries): {figures['update_po_seconds']:.2f} s; "
          f"msgmerge --previous with a compendium: {figures['msgmerge_seconds']:.2f} s; "
          f"ratio {figures['ratio_ours_to_msgmerge']:.2f} (below 1 is faster than msgmerge)")
    results["typography"] = bench_typography()
    print("French spacing on a long paragraph: " + ", ".join(f"{k} {v}" for k, v in results["typography"].items()))
    out = ROOT / "output" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
