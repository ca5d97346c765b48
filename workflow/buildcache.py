"""Edition-level incremental builds: an edition whose inputs did not change is neither recombined,
nor judged, nor rendered, nor typeset again; what its last build said is said again.

Each edition gets a content key (``Keys.edition``): a sha256 over everything its pages are made
from — the release file, the edition's catalog (as read and merged this run, and its bytes on
disk), its issued versions and approvals, whether its catalog or approvals are in doubt, and what
every edition of the run shares (``Keys.run``): this package's source and templates, the
project's own templates, the settings, the templates' strings of every language (``ui.po``) and
what the checks made of them, the glossary, the assets (fonts and stylesheets), the typesetting
engine, the versions of the libraries that shape the output, ``SOURCE_DATE_EPOCH`` and whether
HarfBuzz-Subset loads.  Which editions of its release are public (the language switcher) is
compared too, once the release's other editions are planned.  When in doubt an input is in the
key: a key that says too much costs a rebuild, one that says too little publishes a stale edition.

The manifest (``output/.manifest.json``, beside the PDFs' entries, written atomically) keeps for
each edition its key, its stage, title and outcome, the findings its build reported and the hash
of every file it published.  An edition is taken from it only when its key matches and every one
of its files is still there with those bytes; anything else — a missing, damaged or older
manifest, an entry of the wrong shape, a file touched — means the edition is rebuilt, never an
error.  An edition whose build failed (its HTML or PDF not made, an exception) is not kept, so it
is tried again next time.  A review page (``output/review/<slug>.html``) has a key per release: the
keys and stages of all its editions.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sys
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from dataclasses import asdict
from pathlib import Path

from workflow import libraries
from workflow import lifecycle, runstate
from workflow.model import Finding, Release, State
from workflow.report import Outcome, Report
from workflow.shelf import Shelf
from workflow.workspace import Workspace, doubtful

#: Changes whenever what an entry holds, or what goes into a key, changes meaning.
FORMAT = 1
EDITIONS, REVIEWS, INDEXES = "editions", "reviews", "indexes"


class Recording(Report):
    """A report that shares everything with ``parent`` and also keeps, in order, each finding said
    through it — even one the parent had already (it is said once, but belongs to this edition
    too: replayed alone, the edition must say it)."""

    def __init__(self, parent: Report):
        # Every field of the parent, its lists and dicts shared (counters are the parent's alone).
        super().__init__(**{f.name: getattr(parent, f.name) for f in dataclasses.fields(parent) if f.init})
        self.recorded: list[Finding] = []
        self._recorded: set[Finding] = set()  #: ``recorded`` as a set (many findings stay linear)

    def _add(self, finding: Finding) -> None:
        if finding not in self._recorded:
            self._recorded.add(finding)
            self.recorded.append(finding)
        super()._add(finding)


def _sha(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def _tree(folder: Path | None, skip_suffixes: tuple[str, ...] = (".pyc",)) -> list[list[str]]:
    if folder is None:
        return []
    return [[name, runstate._file_digest(path).hex()] for name, path in runstate._files(folder, skip_suffixes)]


def _catalog(po) -> str:
    """A catalog as the editions read it: every entry and what the findings cite (its line)."""
    if po is None:
        return "none"
    entries = [[e.linenum, e.msgctxt, e.msgid, e.msgid_plural, e.msgstr, sorted(e.msgstr_plural.items()),
                sorted(e.flags), e.obsolete, e.comment, e.tcomment, e.occurrences, e.previous_msgid,
                e.previous_msgid_plural, e.previous_msgctxt] for e in po]
    return _sha(sorted(po.metadata.items()), entries)


class Keys:
    """The content keys of one run's editions and review pages."""

    def __init__(self, ws: Workspace, *, assets_digest: str, engine: str):
        from workflow.project import UI_DOMAIN

        project = self.project = ws.project
        self.ws = ws
        versions = libraries.versions(runstate._LIBRARIES)
        self.run = _sha(
            FORMAT, sys.version, _tree(Path(__file__).resolve().parent),
            _tree(Path(project.templates) if project.templates is not None else None),
            runstate._file_digest(project.root / "pyproject.toml").hex(), _tree(project.locale / "glossary"),
            # The images an edition may show (workflow.media): a photo replaced under its name
            # changes the pages and PDFs that show it.
            _tree(project.content / "media"),
            versions, os.environ.get("SOURCE_DATE_EPOCH", ""), runstate._harfbuzz_subset(), assets_digest, engine,
            list(project.languages),
            {lang: [_catalog(ws.catalogs.get((lang, UI_DOMAIN))), (lang, UI_DOMAIN) in ws.broken,
                    ws.ui_errors.get(lang, 0)] for lang in project.languages})

    def edition(self, rel: Release, lang: str) -> str | None:
        """The key of one edition; None when it is not to be taken from the manifest (its catalog
        or approvals cannot be read: the build path says what is kept)."""
        ws, project = self.ws, self.project
        if doubtful(ws, rel.slug, lang) or (lang, rel.slug) in ws.broken:
            return None
        path = project.catalog_path(lang, rel.slug)
        on_disk = runstate._file_digest(path).hex() if path.exists() else "absent"
        issued = [repr(version) for version in ws.issued.get((rel.slug, lang), [])]
        return _sha(self.run, rel.slug, lang, rel.path, rel.text, repr(rel.meta), rel.body, rel.body_line,
                    _catalog(ws.catalogs.get((lang, rel.slug))), on_disk, issued)

    def review(self, rel: Release, editions: Mapping[str, str | None], stages: Mapping[str, object]) -> str | None:
        """The key of a release's review page: its editions' keys and where each stands."""
        if any(editions.get(lang) is None for lang in self.project.languages):
            return None
        return _sha(self.run, rel.slug, [editions[lang] for lang in self.project.languages],
                    [_stage(stages.get(lang)) for lang in self.project.languages])


def _stage(plan: lifecycle.Plan | None) -> list | None:
    return None if plan is None else [plan.stage.value, plan.why, plan.pending]


def _file_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _findings(items: object) -> list[Finding] | None:
    if not isinstance(items, list):
        return None
    found = []
    for item in items:
        if not (isinstance(item, dict) and set(item) == {"path", "line", "message", "severity"}
                and isinstance(item["path"], str) and isinstance(item["message"], str)
                and (item["line"] is None or isinstance(item["line"], int)) and item["severity"] in ("error", "warning")):
            return None
        found.append(Finding(**item))
    return found


@dataclasses.dataclass(frozen=True)
class Entry:
    """What the manifest remembers of one edition's last successful build."""

    key: str
    public: tuple[str, ...]  #: the release's public languages when it was built (its language switcher)
    plan: lifecycle.Plan  #: its stage, reason and pending revision (no texts: they were not read again)
    state: State
    title: str
    outcome: Outcome
    findings: tuple[Finding, ...]  #: what building it said, in order
    pdf_findings: tuple[Finding, ...]  #: what typesetting its PDFs said
    files: dict[str, str]  #: every file it published (relative to output/) → sha256

    def as_json(self) -> dict:
        return {"key": self.key, "public": list(self.public), "stage": self.plan.stage.value, "why": self.plan.why,
                "pending": self.plan.pending, "state": self.state.value, "title": self.title,
                "outcome": {k: v for k, v in asdict(self.outcome).items() if k != "seconds"},
                "findings": [asdict(f) for f in self.findings], "pdf_findings": [asdict(f) for f in self.pdf_findings],
                "files": dict(sorted(self.files.items()))}

    @classmethod
    def from_json(cls, data: object) -> Entry | None:
        """An entry as written, or None for anything of another shape."""
        try:
            if not isinstance(data, dict):
                return None
            findings, pdf_findings = _findings(data["findings"]), _findings(data["pdf_findings"])
            outcome = data["outcome"]
            files = data["files"]
            if (findings is None or pdf_findings is None or not isinstance(outcome, dict) or not isinstance(files, dict)
                    or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items())
                    or not isinstance(data["key"], str) or not isinstance(data["title"], str)
                    or not isinstance(data["why"], str) or not isinstance(data["pending"], bool)
                    or not isinstance(data["public"], list) or not all(isinstance(x, str) for x in data["public"])):
                return None
            fields = {f.name for f in dataclasses.fields(Outcome)} - {"seconds"}
            if set(outcome) != fields or not all(isinstance(outcome[k], bool) for k in ("draft", "html", "pdf")) \
                    or not isinstance(outcome["why"], str) or not isinstance(outcome["stage"], str):
                return None
            plan = lifecycle.Plan(lifecycle.Stage(data["stage"]), None, (), data["pending"], data["why"])
            return cls(data["key"], tuple(data["public"]), plan, State(data["state"]), data["title"],
                       Outcome(**outcome), tuple(findings), tuple(pdf_findings), dict(files))
        except (KeyError, ValueError, TypeError):
            return None


class Cache:
    """The editions' and review pages' entries of the last run, and those of this one."""

    def __init__(self, output: Path, editions: Mapping[str, object], reviews: Mapping[str, object],
                 indexes: Mapping[str, object] | None = None):
        self.output = output
        self.old = editions
        self.old_reviews = reviews
        self.old_indexes = indexes or {}
        #: This run's entries, an edition's each (some 1.7 KB of JSON values): past a few hundred, on
        #: disk until the manifest is written (``workflow.shelf``), so that they do not grow the run.
        self.new: MutableMapping[str, dict] = Shelf()
        self.new_reviews: MutableMapping[str, dict] = Shelf()
        self.new_indexes: dict[str, dict] = {}

    @staticmethod
    def name(slug: str, lang: str) -> str:
        return f"{lang}/{slug}"

    def _intact(self, files: Mapping[str, str]) -> bool:
        return bool(files) and all(_file_hash(self.output / name) == digest for name, digest in files.items())

    def hit(self, slug: str, lang: str, key: str | None) -> Entry | None:
        """The entry of an edition whose inputs are those of ``key`` and whose files are untouched."""
        if key is None:
            return None
        entry = Entry.from_json(self.old.get(self.name(slug, lang)))
        if entry is None or entry.key != key or not self._intact(entry.files):
            return None
        return entry

    def keep(self, slug: str, lang: str, entry: Entry) -> None:
        self.new[self.name(slug, lang)] = entry.as_json()

    def built(self, slug: str, lang: str, key: str | None, public: tuple[str, ...], recorded: Iterable[Finding],
              pdf_recorded: Iterable[Finding], files: Iterable[str], report: Report) -> None:
        """Remember an edition built this run, if it was built whole (HTML and PDFs published);
        ``files``: what it published, named under ``output/``."""
        done = report.done.get((slug, lang))
        if key is None or done is None or done.plan is None or not (done.outcome.html and done.outcome.pdf):
            return
        outcome, plan = done.outcome, done.plan
        hashes = {}
        for name in files:
            digest = _file_hash(self.output / name)
            if digest is None:
                return
            hashes[name] = digest
        entry = Entry(key, public, plan.without_texts(), done.state, done.title,
                      dataclasses.replace(outcome, seconds=0.0), tuple(recorded), tuple(pdf_recorded), hashes)
        self.new[self.name(slug, lang)] = entry.as_json()

    def review_hit(self, slug: str, key: str | None) -> bool:
        old = self.old_reviews.get(slug)
        if key is None or not isinstance(old, dict) or old.get("key") != key or not isinstance(old.get("sha256"), str):
            return False
        return _file_hash(self.output / "review" / f"{slug}.html") == old["sha256"]

    def review_built(self, slug: str, key: str | None) -> None:
        digest = _file_hash(self.output / "review" / f"{slug}.html")
        if key is not None and digest is not None:
            self.new_reviews[slug] = {"key": key, "sha256": digest}

    def index_hit(self, name: str, key: str) -> bool:
        """Whether the index page ``name`` (under output/) was made from what ``key`` says, and is
        still there with those bytes: then it is neither rendered nor written again, and its
        entry is kept as it is (its bytes were just hashed)."""
        old = self.old_indexes.get(name)
        if not isinstance(old, dict) or old.get("key") != key or not isinstance(old.get("sha256"), str):
            return False
        if _file_hash(self.output / name) != old["sha256"]:
            return False
        self.new_indexes[name] = {"key": key, "sha256": old["sha256"]}
        return True

    def index_built(self, name: str, key: str) -> None:
        digest = _file_hash(self.output / name)
        if digest is not None:
            self.new_indexes[name] = {"key": key, "sha256": digest}

    def sections(self) -> dict[str, Mapping[str, object]]:
        """The manifest's sections, each its ``format`` and this run's entries (read one at a time
        as the manifest is written: ``fsutil.json_pieces``)."""
        return {EDITIONS: _Section(self.new), REVIEWS: _Section(self.new_reviews), INDEXES: _Section(self.new_indexes)}


class _Section(Mapping[str, object]):
    """A section of the manifest as written: ``format``, then the entries, without copying them."""

    def __init__(self, entries: Mapping[str, object]):
        self.entries = entries

    def __getitem__(self, key: str) -> object:
        return FORMAT if key == "format" else self.entries[key]

    def __iter__(self) -> Iterator[str]:
        yield "format"
        yield from (key for key in self.entries if key != "format")

    def __len__(self) -> int:
        return 1 + len(self.entries) - ("format" in self.entries)


def read(output: Path) -> Cache:
    """The last run's entries (none when the manifest is missing, damaged or of another format)."""
    from workflow.pdf import jobs as pdfjobs

    editions, reviews, indexes = pdfjobs.read_sections(output, EDITIONS, REVIEWS, INDEXES)
    if editions.get("format") != FORMAT or reviews.get("format") != FORMAT:
        editions, reviews = {}, {}
    if indexes.get("format") != FORMAT:
        indexes = {}
    # The editions' entries (some 1.7 KB of JSON values each) wait on disk past a few hundred, read
    # a line at a time (``pdf.jobs.read_sections``): held as read, the last run's manifest was
    # 18 MB of a warm run at a thousand releases.
    return Cache(output, editions, reviews, indexes)


def replay(report: Report, slug: str, lang: str, entry: Entry, findings: Iterable[Finding]) -> None:
    """What an unchanged edition's build said and left, said and set again, as if it were built."""
    for finding in findings:
        report._add(finding)
    report.built((slug, lang), entry.outcome, entry.state, entry.title, entry.plan)
