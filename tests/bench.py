"""``make bench``: whole runs, timed and measured for memory — figures, never assertions.

A corpus of ``BENCH_N`` releases (default 100) is generated from the samples: each is one of the
two sample releases with some of its paragraphs left out, a date and a numbered title of its
own, and every catalog filled from the samples' real translations (approval off, so every
edition is final, as in an office that has translated everything).  On it, each figure is the
minimum and median of ``BENCH_RUNS`` (default 3) whole runs in their own process, with the peak
memory (maximum resident set) of the process tree:

1. a cold publish, with ``-j 1`` and with every core;
2. a publish with nothing to do;
3. a publish after one French entry changed, beside typesetting that one edition alone;
4. the floor: the same print HTML rendered to PDF by WeasyPrint alone, in one process, with one
   shared font configuration (no sandbox, no Khmer text layer, no catalogs): as WeasyPrint makes
   a PDF by default (untagged), and asked for the PDF we publish (tagged for PDF/UA, with our
   identifier and metadata: the same layout and structure tree, without our Khmer text layer);
5. extracting every template, beside mdpo's ``md2po`` in one call and in one call per release;
6. updating every catalog after an edit of the sources, beside GNU ``msgmerge --previous`` (no
   translation memory: an edited segment gets its old translation as fuzzy, a new one nothing)
   and ``msgmerge --previous --compendium`` (a memory of every catalog of the language, searched
   anew by each of the processes po4a and sphinx-intl start, one per catalog).

7. paired: a cold ``-j 1`` publish and the floor of the PDFs we publish, one straight after the
   other, ``BENCH_RUNS`` times; then a one-entry publish and that edition alone, the same way.
   The speed of a shared machine moves by up to 40 % from one minute to the next (measured: the
   same floor took 37 s and 53 s minutes apart), more than the 15 % a ratio of two minima taken
   minutes apart is meant to show; the ratio of each pair is taken seconds apart, and the
   median of those ratios is printed beside the ratio of minima.

With ``BENCH_BASELINE`` (default: the commit this pipeline's work started from, when the
repository has it; ``none`` to skip) the cold ``-j 1`` publish of that commit's code is measured
on the same corpus, in the same run.

The table goes to the terminal and the figures to ``build/bench.json`` (``output/`` is what gets
published: the bench writes nothing there).
"""

from __future__ import annotations

import compileall
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import polib

from workflow import release as release_io
from workflow.lang import khmer
from workflow.pdf import jobs as pdfjobs
from workflow.po import read_po

ROOT = Path(__file__).resolve().parents[1]
N = int(os.environ.get("BENCH_N", "100"))
RUNS = max(1, int(os.environ.get("BENCH_RUNS", "3")))
#: The commit the pipeline's work (issue 12) started from: measured beside this one.
BASELINE = os.environ.get("BENCH_BASELINE", "64c9f56")
RESULTS = ROOT / "build" / "bench.json"
#: Which parts to run (``BENCH_PARTS=publish,floor`` while working on one of them); all by default.
PARTS = set(os.environ.get("BENCH_PARTS", "publish,floor,paired,baseline,extraction,catalogs").split(","))
CORES = pdfjobs.default_workers()


# --------------------------------------------------------------------- the corpus

@dataclass(frozen=True)
class Sample:
    """One sample release and the real translations of each of its segments."""

    path: Path
    lang: str
    front: str  #: the front matter's lines, without the title, date and issued date
    title: str
    blocks: list[str]
    translations: dict[str, dict[str, str]]  #: lang → msgid → msgstr


def samples() -> list[Sample]:
    found = []
    for path in sorted((ROOT / "content").glob("*.md")):
        rel = release_io.read(path.read_bytes(), path=path.name, slug=path.stem)
        translations = {}
        for po_path in sorted((ROOT / "locale").glob(f"*/LC_MESSAGES/{path.stem}.po")):
            po = read_po(po_path.read_text(encoding="utf-8"), path=str(po_path))
            translations[po_path.parts[-3]] = {e.msgid: e.msgstr for e in po if e.msgstr and not e.obsolete}
        head, body = path.read_text(encoding="utf-8").split("\n---\n", 1)
        front = [line for line in head.splitlines()[1:] if not line.startswith(("title:", "date:", "issued:"))]
        found.append(Sample(path, rel.meta.lang, "\n".join(front), rel.meta.title,
                            [b for b in body.strip().split("\n\n") if b.strip()], translations))
    return found


def _number(n: int, lang: str) -> str:
    return khmer.to_khmer_digits(str(n)) if lang == "km" else str(n)


def make_corpus(root: Path, count: int, seed: int = 2024) -> None:
    """``count`` releases, every catalog filled with the samples' real translations."""
    rng = random.Random(seed)
    pool = samples()
    (root / "content").mkdir(parents=True)
    settings = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (root / "pyproject.toml").write_text(re.sub(r"(?m)^approval = true$", "approval = false", settings),
                                         encoding="utf-8")
    shutil.copytree(ROOT / "locale" / "glossary", root / "locale" / "glossary")
    if (ROOT / "content" / "media").is_dir():  # the samples' figures
        shutil.copytree(ROOT / "content" / "media", root / "content" / "media")
    for ui in (ROOT / "locale").glob("*/LC_MESSAGES/ui.po"):
        target = root / ui.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ui, target)
    titles: dict[str, tuple[Sample, int]] = {}
    for n in range(count):
        sample = pool[n % len(pool)]
        # The first block and every heading, list and table stay; other paragraphs may go.
        blocks = [b for i, b in enumerate(sample.blocks)
                  if i == 0 or b.startswith(("#", "-", "|")) or rng.random() > 0.25]
        day = f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}"
        title = f"{sample.title} ({n + 1})"
        titles[title] = (sample, n + 1)
        text = f"---\ntitle: {title}\ndate: {day}\n{sample.front}\n---\n\n" + "\n\n".join(blocks) + "\n"
        (root / "content" / f"{day}-release-{n + 1:04d}.md").write_text(text, encoding="utf-8")
    run_tool(root, "update-po")
    for path in sorted((root / "locale").glob("*/LC_MESSAGES/*.po")):
        if path.stem == "ui":
            continue
        lang = path.parts[-3]
        po = polib.pofile(str(path), wrapwidth=79)
        for entry in po:
            if entry.msgid in titles:
                sample, number = titles[entry.msgid]
                entry.msgstr = f"{sample.translations[lang][sample.title]} ({_number(number, lang)})"
            else:
                sample = next(s for s in pool if entry.msgid in s.translations.get(lang, {}))
                entry.msgstr = sample.translations[lang][entry.msgid]
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
            entry.previous_msgid = None
        po.save(str(path))


def edit_sources(root: Path, rng: random.Random) -> None:
    """An editor's week: a word changed in one paragraph in ten, a paragraph added to one release in five."""
    paths = sorted((root / "content").glob("*.md"))
    borrowed = [b for p in paths[:10] for b in p.read_text(encoding="utf-8").split("\n---\n", 1)[1].split("\n\n")
                if b.strip() and not b.startswith(("#", "-", "|"))]
    for path in paths:
        head, body = path.read_text(encoding="utf-8").split("\n---\n", 1)
        blocks = body.split("\n\n")
        for i, block in enumerate(blocks):
            if block.strip() and not block.startswith(("#", "-", "|")) and rng.random() < 0.1:
                words = block.split(" ")
                words[rng.randrange(len(words))] = "notably"
                blocks[i] = " ".join(words)
        if rng.random() < 0.2:
            blocks.insert(len(blocks) - 1, rng.choice(borrowed).strip())
        path.write_text(head + "\n---\n" + "\n\n".join(blocks), encoding="utf-8")


# ------------------------------------------------------------------ measuring runs

@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float  #: the largest resident set of the process and of each process it waited for
    cpu: float = 0.0  #: user and system time of the process and of each process it waited for


def measure(argv: list[str], *, cwd: Path | None = None, env: dict | None = None) -> Run:
    """One whole run of a command: wall time and peak memory of its process tree."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    errors = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    if proc.returncode not in (0,):
        raise RuntimeError(f"{' '.join(map(str, argv))} exited {proc.returncode}:\n{errors[-3000:]}")
    return Run(seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)


def tool_argv(root: Path, command: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "workflow", "--root", str(root), "-q", command, *extra]


def run_tool(root: Path, command: str, *extra: str, pythonpath: Path | None = None) -> Run:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    # Run from the corpus: with -m, Python looks in the current folder first, which in the
    # repository would be this checkout's code whatever PYTHONPATH says.
    return measure(tool_argv(root, command, *extra), cwd=root, env=env)


@dataclass(frozen=True)
class Figure:
    name: str
    runs: tuple[Run, ...]

    @property
    def best(self) -> float:
        return min(r.seconds for r in self.runs)

    @property
    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def peak_mb(self) -> float:
        return max(r.peak_mb for r in self.runs)

    @property
    def cpu(self) -> float:
        """The least CPU time of a run (user and system, its worker processes included): on a shared
        machine, wall times grow with the others' load and this much less."""
        return min(r.cpu for r in self.runs)

    def as_dict(self) -> dict:
        return {"name": self.name, "min_s": round(self.best, 3), "median_s": round(self.median, 3),
                "runs_s": [round(r.seconds, 3) for r in self.runs], "peak_mb": round(self.peak_mb, 1),
                "cpu_s": round(self.cpu, 3)}


def repeat(name: str, prepare: Callable[[], None], run: Callable[[], Run | list[Run]]) -> Figure:
    runs = []
    for _ in range(RUNS):
        prepare()
        result = run()
        if isinstance(result, list):  # several processes in a row: their times add, their peaks don't
            result = Run(sum(r.seconds for r in result), max(r.peak_mb for r in result), sum(r.cpu for r in result))
        runs.append(result)
    figure = Figure(name, tuple(runs))
    print(f"  {name:<58} min {figure.best:8.2f} s   median {figure.median:8.2f} s   peak {figure.peak_mb:6.0f} MB"
          f"   cpu {figure.cpu:7.2f} s", flush=True)
    return figure


# ------------------------------------------------------------------------ the floor

_CAPTURE = """
import sys
from pathlib import Path
from workflow import build, project
from workflow.pdf import jobs as pdfjobs
jobs = []
pdfjobs.Runner.submit = lambda self, job: jobs.append(job)  # plan the PDFs, typeset none of them
build.publish(project.load(Path(sys.argv[1])), jobs=1)
for n, job in enumerate(jobs):
    page = job.path.parent / f".floor-{n:05d}.html"
    page.write_text(job.html, encoding="utf-8")
    sheets = []
    for k, css in enumerate(job.stylesheets):
        sheet = job.assets / f".floor-{n:05d}-{k}.css"
        sheet.write_bytes(css if isinstance(css, bytes) else css.encode("utf-8"))
        sheets.append(str(sheet))
    print("\t".join([str(page), job.identifier.hex(), *sheets]))
"""

#: WeasyPrint alone: each page with its stylesheets, as a page that links them is typeset (every
#: stylesheet parsed for every page), one font configuration for all.  With ``--once`` each
#: distinct stylesheet is parsed once (what our workers do): the floor of the floor.  With
#: ``--same`` WeasyPrint is asked for the PDF we publish (tagged for PDF/UA, our document
#: identifier, the page's metadata): the same layout and structure, without our Khmer text layer.
_FLOOR = """
import sys
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
fonts = FontConfiguration()
once = "--once" in sys.argv
same = "--same" in sys.argv
parsed = {}
def sheet(name):
    if not once:
        return CSS(filename=name, font_config=fonts)
    text = open(name, "rb").read()
    if text not in parsed:
        parsed[text] = CSS(filename=name, font_config=fonts)
    return parsed[text]
for line in open(sys.argv[-1], encoding="utf-8"):
    page, identifier, *sheets = line.rstrip("\\n").split("\\t")
    options = dict(pdf_tags=True, pdf_identifier=bytes.fromhex(identifier), custom_metadata=True) if same else {}
    HTML(filename=page).write_pdf(stylesheets=[sheet(name) for name in sheets], font_config=fonts, **options)
"""


def print_pages(root: Path, folder: Path) -> Path:
    """The print HTML of every PDF a publish would make, with its stylesheets, in a copy of the
    published folder at ``folder`` (the pages' relative links lead where they did; a cold publish
    of ``root`` can empty ``output/`` meanwhile); the list (a page and its stylesheets a line) is
    the file returned."""
    shutil.rmtree(root / "output", ignore_errors=True)
    result = subprocess.run([sys.executable, "-c", _CAPTURE, str(root), str(root / "output")],
                            capture_output=True, text=True, check=True)
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(root / "output", folder)
    published = str(root / "output") + os.sep
    lines = ["\t".join(str(folder / item[len(published):]) if item.startswith(published) else item
                       for item in line.split("\t")) for line in result.stdout.splitlines()]
    listing = folder.parent / f"{folder.name}.txt"
    listing.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return listing


# ------------------------------------------------------------------- the benchmarks

def bench_publish(root: Path) -> dict[str, Figure]:
    figures = {}
    cold = lambda: shutil.rmtree(root / "output", ignore_errors=True)  # noqa: E731
    figures["cold_j1"] = repeat("(1) cold publish, -j 1", cold, lambda: run_tool(root, "publish", "-j", "1"))
    figures["cold_jall"] = repeat(f"(1) cold publish, -j {CORES}", cold,
                                  lambda: run_tool(root, "publish", "-j", str(CORES)))
    figures["noop"] = repeat("(2) publish with nothing to do", lambda: None, lambda: run_tool(root, "publish"))
    figures["one_fr_entry"] = repeat("(3) publish after one French entry changed", _entry_changer(root),
                                     lambda: run_tool(root, "publish"))
    return figures


def _entry_changer(root: Path) -> Callable[[], None]:
    """What changes one French entry, each call: "Ainsi, " put before or taken from the first
    translation ending with a full stop of the first French catalog (its edition is the first
    French page of the floor's list)."""
    po_path = sorted((root / "locale" / "fr" / "LC_MESSAGES").glob("2024-*.po"))[0]

    def change_one_entry() -> None:
        po = polib.pofile(str(po_path), wrapwidth=79)
        entry = next(e for e in po if e.msgstr and e.msgstr.endswith("."))
        had = entry.msgstr.startswith("Ainsi, ")
        entry.msgstr = re.sub(r"^(Ainsi, )?", "" if had else "Ainsi, ", entry.msgstr, count=1)
        po.save(str(po_path))

    return change_one_entry


def floor(*args: str) -> Run:
    """One run of the floor (``_FLOOR``) with ``args``: its flags, then the list of pages."""
    return measure([sys.executable, "-c", _FLOOR, *args])


def one_french_page(listing: Path) -> Path:
    """A list of the first French page of ``listing`` alone (the edition the one-entry change
    rebuilds), written beside it."""
    lines = listing.read_text(encoding="utf-8").splitlines()
    one = listing.parent / "floor-one.txt"
    one.write_text(next(line for line in lines if "/fr/" in line.split("\t")[0]) + "\n", encoding="utf-8")
    return one


def bench_floor(listing: Path) -> dict[str, Figure]:
    lines = listing.read_text(encoding="utf-8").splitlines()
    figures = {"floor": repeat(f"(4) WeasyPrint alone, {len(lines)} PDFs, one font configuration", lambda: None,
                               lambda: floor("--each", str(listing)))}
    figures["floor_once"] = repeat("    the same, each stylesheet parsed once", lambda: None,
                                   lambda: floor("--once", str(listing)))
    figures["floor_same"] = repeat("    the same, the PDFs we publish (tagged, identifier, metadata)", lambda: None,
                                   lambda: floor("--each", "--same", str(listing)))
    one = one_french_page(listing)
    figures["one_edition"] = repeat("    WeasyPrint alone, that one French edition (cold process)", lambda: None,
                                    lambda: floor("--each", str(one)))
    figures["one_edition_same"] = repeat("    the same, the PDF we publish", lambda: None,
                                         lambda: floor("--each", "--same", str(one)))
    return figures


@dataclass(frozen=True)
class Pairs:
    """Runs of ours and of what they are compared with, each pair seconds apart."""

    ours: Figure
    theirs: Figure

    @property
    def ratios(self) -> list[float]:
        """Each pair's ratio (wall time), in the order they ran."""
        return [a.seconds / b.seconds for a, b in zip(self.ours.runs, self.theirs.runs)]

    @property
    def ratio(self) -> float:
        """The median of the pairs' ratios."""
        return round(statistics.median(self.ratios), 3)

    def as_dict(self) -> dict:
        return {"ours": self.ours.as_dict(), "theirs": self.theirs.as_dict(), "median_ratio": self.ratio,
                "ratios": [round(r, 3) for r in self.ratios]}


def paired(name: str, prepare: Callable[[], None], ours: Callable[[], Run], theirs: Callable[[], Run]) -> Pairs:
    a, b = [], []
    for _ in range(RUNS):
        prepare()
        a.append(ours())
        b.append(theirs())
    pairs = Pairs(Figure(name, tuple(a)), Figure(name + " (compared with)", tuple(b)))
    print(f"  {name:<58} ratios {', '.join(f'{r:.2f}' for r in pairs.ratios)}"
          f"   median {pairs.ratio:.2f}", flush=True)
    return pairs


def bench_paired(root: Path, listing: Path) -> dict[str, Pairs]:
    """(7): ours, then what it is compared with, straight after, ``RUNS`` times."""
    one = one_french_page(listing)
    result = {"cold_j1_vs_floor_same": paired(
        "(7) cold publish -j 1, then the floor of the same PDFs", lambda: shutil.rmtree(root / "output", ignore_errors=True),
        lambda: run_tool(root, "publish", "-j", "1"), lambda: floor("--each", "--same", str(listing)))}
    change = _entry_changer(root)
    result["one_fr_entry_vs_one_edition_same"] = paired(
        "    one French entry, then that edition alone", change, lambda: run_tool(root, "publish"),
        lambda: floor("--each", "--same", str(one)))
    return result


def bench_baseline(root: Path, tmp: Path) -> dict[str, Figure]:
    if BASELINE.lower() == "none":
        return {}
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", BASELINE, "workflow"], capture_output=True)
    if archive.returncode != 0:
        print(f"  (no baseline: commit {BASELINE} is not in this repository)")
        return {}
    code = tmp / "baseline"
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        tar.extractall(code, filter="data")
    compileall.compile_dir(code / "workflow", quiet=1)  # compiled, as this commit's own code is (main)
    cold = lambda: shutil.rmtree(root / "output", ignore_errors=True)  # noqa: E731
    return {"baseline_cold_j1": repeat(f"    cold publish -j 1 of commit {BASELINE}", cold,
                                       lambda: run_tool(root, "publish", "-j", "1", pythonpath=code))}


_EXTRACT = """
import sys
from pathlib import Path
from workflow import catalog, release, segment
from workflow.po import dump_po
out = Path(sys.argv[1])
for path in sys.argv[2:]:
    path = Path(path)
    rel = release.read(path.read_bytes(), path=path.name, slug=path.stem)
    pot = catalog.build_template(segment.extract(rel), project_id=rel.slug)
    (out / f"{rel.slug}.pot").write_text(dump_po(pot), encoding="utf-8")
"""


def bench_extraction(root: Path, tmp: Path) -> dict[str, Figure]:
    sources = [str(p) for p in sorted((root / "content").glob("*.md"))]
    out = tmp / "extracted"
    fresh = lambda: (shutil.rmtree(out, ignore_errors=True), out.mkdir())  # noqa: E731
    figures = {"extract_ours": repeat(f"(5) extract {len(sources)} templates: ours, one process", fresh,
                                      lambda: measure([sys.executable, "-c", _EXTRACT, str(out), *sources]))}
    md2po = shutil.which("md2po") or str(Path(sys.executable).parent / "md2po")
    if not Path(md2po).exists():
        print("  (md2po is not installed: pip install mdpo, or make bench installs it)")
        return figures
    figures["extract_md2po_one"] = repeat("    md2po, one call for every file", fresh, lambda: measure(
        [md2po, "--quiet", "--save", "--po-filepath", str(out / "all.pot"), str(root / "content" / "*.md")]))
    figures["extract_md2po_each"] = repeat("    md2po, one call per file", fresh, lambda: [
        measure([md2po, "--quiet", "--save", "--po-filepath", str(out / f"{Path(s).stem}.pot"), s]) for s in sources])
    return figures


def bench_catalogs(root: Path, tmp: Path) -> dict[str, Figure]:
    edited = tmp / "edited"
    shutil.copytree(root, edited, ignore=shutil.ignore_patterns("output"))
    edit_sources(edited, random.Random(7))
    run_tool(edited, "update-po")  # templates for msgmerge; catalogs left as they were before the edit below
    shutil.copytree(root / "locale", edited / "locale", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("templates"))
    work = tmp / "merge"

    def fresh() -> None:
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(edited, work)

    def msgmerge(compendium: bool) -> list[Run]:
        runs = []
        for lang_dir in sorted((work / "locale").glob("*/LC_MESSAGES")):
            catalogs = [p for p in sorted(lang_dir.glob("*.po")) if p.stem != "ui"]
            extra = []
            if compendium:
                memory = work / f"compendium-{lang_dir.parent.name}.po"
                runs.append(measure(["msgcat", "--use-first", "-o", str(memory), *map(str, catalogs)]))
                extra = ["--compendium", str(memory)]
            for po in catalogs:
                pot = work / "locale" / "templates" / f"{po.stem}.pot"
                runs.append(measure(["msgmerge", "--quiet", "--previous", *extra, "-o", str(po), str(po), str(pot)]))
        return runs

    count = len(list((root / "locale").glob("*/LC_MESSAGES/2*.po")))
    return {
        "update_ours": repeat(f"(6) update {count} catalogs after an edit: ours (with memory)", fresh,
                              lambda: run_tool(work, "update-po")),
        "update_msgmerge": repeat("    msgmerge --previous (no memory)", fresh, lambda: msgmerge(False)),
        "update_msgmerge_compendium": repeat("    msgmerge --previous --compendium", fresh, lambda: msgmerge(True)),
    }


def ratio(a: Figure | None, b: Figure | None) -> float | None:
    return round(a.best / b.best, 3) if a and b and b.best else None


def cpu_ratio(a: Figure | None, b: Figure | None) -> float | None:
    """Of the least CPU time (user and system, the process and its children) of each: what the
    work costs, whatever runs beside it."""
    return round(a.cpu / b.cpu, 3) if a and b and b.cpu else None


def main() -> int:
    for tool in ("msgmerge", "msgcat"):
        if shutil.which(tool) is None:
            print(f"bench: {tool} is not installed (apt-get install gettext)", file=sys.stderr)
            return 2
    print(f"make bench: {N} releases, {RUNS} runs each (min, median), {CORES} cores; BENCH_N and BENCH_RUNS change it")
    from workflow import runstate

    subset = runstate._harfbuzz_subset()
    # Without HarfBuzz-Subset WeasyPrint subsets fonts with fontTools: every PDF is several times
    # slower, the floor too, and no figure compares with one made with it.
    print(f"  HarfBuzz-Subset: {'loaded' if subset else 'NOT installed: fonts are subset by fontTools (slow)'}")
    # Measured as installed: compiled to bytecode (the Makefile's install does it), not compiled
    # again by every run where PYTHONDONTWRITEBYTECODE is set.
    compileall.compile_dir(ROOT / "workflow", quiet=1)
    with tempfile.TemporaryDirectory(prefix="bench-") as name:
        tmp = Path(name)
        root = tmp / "corpus"
        started = time.perf_counter()
        make_corpus(root, N)
        editions = len(list((root / "content").glob("*.md"))) * 3
        print(f"  corpus: {editions} editions made in {time.perf_counter() - started:.1f} s", flush=True)
        figures: dict[str, Figure] = {}
        if "publish" in PARTS:
            figures |= bench_publish(root)
        pairs: dict[str, Pairs] = {}
        if "floor" in PARTS or "paired" in PARTS:
            listing = print_pages(root, tmp / "floor-pages")
        if "floor" in PARTS:
            figures |= bench_floor(listing)
        if "paired" in PARTS:
            pairs = bench_paired(root, listing)
        if "baseline" in PARTS:
            figures |= bench_baseline(root, tmp)
        if "extraction" in PARTS:
            figures |= bench_extraction(root, tmp)
        if "catalogs" in PARTS:
            figures |= bench_catalogs(root, tmp)
    f = figures.get
    ratios = {
        "cold_j1_over_floor": ratio(f("cold_j1"), f("floor")),
        "cold_j1_over_floor_same_pdfs": ratio(f("cold_j1"), f("floor_same")),
        "cold_j1_cpu_over_floor_same_pdfs_cpu": cpu_ratio(f("cold_j1"), f("floor_same")),
        "cold_j1_over_floor_stylesheets_once": ratio(f("cold_j1"), f("floor_once")),
        "cold_j1_over_baseline": ratio(f("cold_j1"), f("baseline_cold_j1")),
        "parallel_speedup": ratio(f("cold_j1"), f("cold_jall")),
        "one_fr_entry_over_one_edition": ratio(f("one_fr_entry"), f("one_edition")),
        "one_fr_entry_over_one_edition_same_pdf": ratio(f("one_fr_entry"), f("one_edition_same")),
        "cold_j1_over_floor_same_pdfs_paired": pairs["cold_j1_vs_floor_same"].ratio if pairs else None,
        "one_fr_entry_over_one_edition_same_pdf_paired": (pairs["one_fr_entry_vs_one_edition_same"].ratio
                                                          if pairs else None),
        "extract_ours_over_md2po_one_call": ratio(f("extract_ours"), f("extract_md2po_one")),
        "extract_ours_over_md2po_per_file": ratio(f("extract_ours"), f("extract_md2po_each")),
        "update_ours_over_msgmerge": ratio(f("update_ours"), f("update_msgmerge")),
        "update_ours_over_msgmerge_compendium": ratio(f("update_ours"), f("update_msgmerge_compendium")),
    }
    targets = {"cold_j1_over_floor": "≤ 1.15", "cold_j1_over_floor_same_pdfs": "≤ 1.15", "cold_j1_over_baseline": "≤ 0.6",
               "parallel_speedup": "≥ 1.7", "one_fr_entry_over_one_edition": "< 2", "update_ours_over_msgmerge": "≤ 1",
               "cold_j1_over_floor_same_pdfs_paired": "≤ 1.15", "one_fr_entry_over_one_edition_same_pdf_paired": "< 2"}
    print("ratios (of minimum times; paired: the median of the pairs' ratios):")
    for key, value in ratios.items():
        print(f"  {key:<42} {value if value is not None else '—':>8}   {targets.get(key, '')}")
    if f("noop"):
        print(f"  no-op publish of {N} releases: {f('noop').best:.2f} s (target < 1.5 s at 100, < 5 s at 1,000)")
    peak = max([fig.peak_mb for key, fig in figures.items() if not key.startswith("baseline")]
               + [p.ours.peak_mb for p in pairs.values()], default=0)
    print(f"  peak memory of any of our runs: {peak:.0f} MB (target < 200 MB, flat in N)")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"releases": N, "editions": editions, "runs": RUNS, "cores": CORES, "harfbuzz_subset": subset,
                                   "figures": {k: v.as_dict() for k, v in figures.items()},
                                   "pairs": {k: v.as_dict() for k, v in pairs.items()},
                                   "ratios": ratios}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
