"""The last stage: what the public indexes list (``output/releases.json``, read back so that an
edition not rebuilt this time stays listed), the indexes themselves, and the review pages."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import functools
import itertools
import json
import logging
import os
from collections.abc import (
    Container,
    Iterable,
    Iterator,
    Mapping,
    MutableMapping,
    Sequence,
)
from dataclasses import dataclass
from pathlib import Path

from workflow import lifecycle, segment
from workflow import release as release_io
from workflow import review as review_io
from workflow.editions import approve_command, make_edition
from workflow.fsutil import (
    MAX_RECORD_BYTES,
    Made,
    json_pieces,
    read_input,
    record_entries,
)
from workflow.lang import locales
from workflow.model import Finding, Release, WorkflowError
from workflow.project import Project
from workflow.render import Renderer
from workflow.report import Report
from workflow.shelf import Ranked, Shelf, Spool
from workflow.workspace import Workspace, doubtful, remove, save, save_streamed

log = logging.getLogger(__name__)


#: What the indexes list, kept so that a release that cannot be read this time stays listed.
INDEX_FILE = "releases.json"


@dataclass(frozen=True)
class ListedVersion:
    """One issued version of an edition: when, by whom, its hash, and its files (none once its
    release is withdrawn: they are taken down)."""

    version: int
    approved: str  #: ISO time of the approval
    approved_by: str
    sha256: str
    html: str | None = None  #: e.g. ``fr/<slug>.v1.html``, relative to ``output/``
    pdf: str | None = None


@dataclass(frozen=True)
class Listed:
    """One release as the indexes list it: the title of each published edition, and its versions."""

    slug: str
    date: _dt.date
    titles: Mapping[str, str]  #: language → title, for each published edition only
    versions: Mapping[str, tuple[ListedVersion, ...]] | None = None  #: language → issued versions
    withdrawn: _dt.date | None = None


@dataclass(frozen=True)
class Listing:
    """``output/releases.json``: what the last run listed, newest first.  It is read back so that
    an edition not rebuilt this time (its catalog cannot be read) stays listed.

    >>> listing = Listing((Listed("a", _dt.date(2024, 2, 7), {"fr": "Titre"}),))
    >>> Listing.from_json(listing.to_json()) == listing, listing.titles("a"), listing.titles("b")
    (True, {'fr': 'Titre'}, {})
    >>> Listing.from_json('{"releases": [{"slug": "a", "titles": "oops"}]}')
    Traceback (most recent call last):
    ...
    ValueError: release 1: 'date' is missing
    """

    releases: Sequence[Listed] = ()  #: a tuple as made; as read back, a ``Spool`` (on disk past a few hundred)

    @functools.cached_property
    def _by_slug(self) -> Mapping[str, Listed]:
        """Each release by its slug (the first, should one be listed twice): a run asks for every
        release several times, and a search through all of them each time grew as N².  A shelf
        (``workflow.shelf``): the last run's listing is some 1 KB a release as objects."""
        found: MutableMapping[str, Listed] = Shelf()
        for item in self.releases:
            if item.slug not in found:
                found[item.slug] = item
        return found

    def get(self, slug: str) -> Listed | None:
        return self._by_slug.get(slug)

    def titles(self, slug: str) -> Mapping[str, str]:
        """The titles of the editions of ``slug`` that were published; none when it was not listed."""
        item = self.get(slug)
        return item.titles if item is not None else {}

    def versions(self, slug: str) -> Mapping[str, tuple[ListedVersion, ...]]:
        item = self.get(slug)
        return (item.versions or {}) if item is not None else {}

    def to_json(self) -> str:
        return "".join(self.json_pieces())

    def json_pieces(self) -> Iterator[str]:
        """The text of :meth:`to_json` piece by piece, each release's made as it is written (at two
        thousand releases the file is a megabyte, and two as a ``str``, most of it Khmer), and on
        a line of its own, so that :meth:`read` takes them a line at a time."""
        yield from json_pieces({"releases": Made(self.releases, _as_json)}, levels=2, inline=True)
        yield "\n"

    @classmethod
    def read(cls, entries: Iterable[tuple[str, str | int | None, str]]) -> Listing:
        """The listing :meth:`json_pieces` wrote, from its entries (``fsutil.record_entries``: read
        a line at a time), its releases into a ``Spool``.  Raises ValueError (or RecursionError) as
        :meth:`from_json` does, and for a listing written otherwise (an older one, indented:
        :meth:`from_json` reads it)."""
        releases: Spool[Listed] = Spool()
        taken = False
        for name, position, value in entries:
            if name != "releases":
                raise ValueError(f"unknown key {name!r}")
            taken = True
            items = json.loads(value) if position is None else [json.loads(value)]
            if not isinstance(items, list):
                raise ValueError("not an object with a list of releases")
            for item in items:
                releases.append(_listed_from(item, len(releases) + 1))
        if not taken:
            raise ValueError("not an object with a list of releases")
        return cls(releases)

    @classmethod
    def from_json(cls, text: str) -> Listing:
        """The listing a JSON text holds.  Raises ValueError (or RecursionError, for brackets nested
        thousands deep) saying what does not fit, for anything this tool did not write."""
        data = json.loads(text)
        if not isinstance(data, dict) or set(data) != {"releases"} or not isinstance(data["releases"], list):
            raise ValueError("not an object with a list of releases")
        return cls(tuple(_listed_from(item, number) for number, item in enumerate(data["releases"], start=1)))


def _as_json(item: Listed) -> dict:
    """A release as ``releases.json`` holds it."""
    data = {"slug": item.slug, "date": item.date.isoformat(), "titles": dict(item.titles)}
    if item.versions is not None:
        data["versions"] = {lang: [{k: v for k, v in dataclasses.asdict(version).items() if v is not None}
                                   for version in versions]
                            for lang, versions in item.versions.items()}
    if item.withdrawn is not None:
        data["withdrawn"] = item.withdrawn.isoformat()
    return data


_RELEASE_KEYS = {"slug": str, "date": str, "titles": dict}
_OPTIONAL_KEYS = {"versions": dict, "withdrawn": str}
_VERSION_KEYS = {"version": int, "approved": str, "approved_by": str, "sha256": str}
_KINDS = {str: "a text", int: "a whole number", dict: "an object", list: "a list"}


def _fields(data: object, required: dict[str, type], optional: dict[str, type], what: str) -> dict:
    """``data`` checked against the keys it must and may have, with their types."""
    if not isinstance(data, dict):
        raise ValueError(f"{what} is not an object")
    for key in required:
        if key not in data:
            raise ValueError(f"{what}: {key!r} is missing")
    for key, value in data.items():
        kind = required.get(key) or optional.get(key)
        if kind is None:
            raise ValueError(f"{what}: unknown key {key!r}")
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ValueError(f"{what}: {key!r} is not {_KINDS[kind]}")
    return data


def _strings(data: dict, what: str) -> dict[str, str]:
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise ValueError(f"{what}: the titles are not texts by language")
    return dict(data)


def _listed_from(data: object, number: int) -> Listed:
    what = f"release {number}"
    data = _fields(data, _RELEASE_KEYS, _OPTIONAL_KEYS, what)
    versions = None
    if "versions" in data:
        versions = {}
        for lang, listed in data["versions"].items():
            if not isinstance(listed, list):
                raise ValueError(f"{what}: the versions of {lang!r} are not a list")
            versions[lang] = tuple(ListedVersion(**_fields(item, _VERSION_KEYS, {"html": str, "pdf": str},
                                                           f"{what}, a version of {lang!r}"))
                                   for item in listed)
    return Listed(data["slug"], _dt.date.fromisoformat(data["date"]), _strings(data["titles"], what), versions,
                  _dt.date.fromisoformat(data["withdrawn"]) if "withdrawn" in data else None)


def read_listing(project: Project) -> tuple[Listing, list[Finding]]:
    """What the last run listed (``output/releases.json``), read once a run; a file that is not one
    this tool wrote (damaged, foreign, not a file at all) is taken for none, with a warning — never
    an error: this publish writes it again."""
    path = project.output / INDEX_FILE
    shown = project.relative(path)
    try:
        try:
            return Listing.read(record_entries(path)), []
        except (ValueError, RecursionError):
            pass  # not written a release a line (an older listing, or damaged): read whole, below
        return Listing.from_json(read_input(path, limit=MAX_RECORD_BYTES).decode("utf-8")), []
    except FileNotFoundError:
        return Listing(), []  # the first publish
    except WorkflowError as exc:  # a named pipe, a device, a file too big
        problem = exc.message
    except UnicodeDecodeError:
        problem = "is not UTF-8"
    except RecursionError:
        problem = "is not a list of releases (brackets nested too deep)"
    except ValueError as exc:  # JSON's errors, and what does not fit the listing
        problem = f"is not a list of releases ({exc})"
    except OSError as exc:
        problem = f"cannot be read ({exc.strerror or exc})"
    return Listing(), [Finding(shown, None, f"{problem}; it is taken for none: editions that are not rebuilt in "
                               "this run are left out of the indexes until they are (it is written again now)")]


def _listed(ws: Workspace, report: Report, previous: Listing) -> tuple[Spool[Listed], Ranked]:
    """Every release the indexes list (slug, date and title of each published edition), in a spool
    (some 1 KB a release as objects: on disk past a few hundred), and their places newest first,
    each with the languages it is listed in (``shelf.Ranked``: on disk past a few hundred too)."""
    project = ws.project

    def published(slug: str, lang: str) -> bool:
        """A final edition is published; a draft is for reviewers (reached from the review pages)."""
        outcome = report.outcomes.get((slug, lang))
        if outcome is not None and outcome.html:
            return not outcome.draft
        # Not rebuilt this time (its catalog cannot be read, the page could not be written): the
        # edition the last run listed is still the published one.
        return (project.output / lang / f"{slug}.html").exists() and lang in previous.titles(slug)

    listed: Spool[Listed] = Spool()
    # Newest first; should a slug be listed twice, in the order found.
    order = Ranked()

    def add(item: Listed) -> None:
        order.add(item.date.toordinal(), item.slug, len(listed), item.titles)
        listed.append(item)

    for rel in ws.releases:
        before = previous.titles(rel.slug)
        titles = {lang: report.titles.get((rel.slug, lang)) or before.get(lang) or rel.meta.title
                  for lang in project.languages if published(rel.slug, lang)}
        # A withdrawn release's versions stay on record; their files are no longer online.
        add(Listed(rel.slug, rel.meta.date, titles,
                   _versions(ws, rel.slug, previous.versions(rel.slug), urls=rel.meta.withdrawn is None),
                   rel.meta.withdrawn))
    gone = {slug for slug, _lang in ws.issued} - set(ws.releases.slugs) - ws.unreadable
    for slug in sorted(ws.unreadable | gone):
        # Its editions from the last good run are still published: keep linking to them.
        item = previous.get(slug)
        if item is None:
            continue
        titles = {lang: title for lang, title in item.titles.items()
                  if lang in project.languages and published(slug, lang)}
        if titles:
            # When its source is gone, its issued versions are still what is published.
            add(Listed(slug, item.date, titles, _versions(ws, slug, item.versions or {}) if slug in gone else None))
    return listed, order


def _versions(ws: Workspace, slug: str, before: Mapping[str, tuple[ListedVersion, ...]], *,
              urls: bool = True) -> dict[str, tuple[ListedVersion, ...]]:
    """Every issued version of a release's editions, by language: when, by whom, its hash, its URLs
    (none for a withdrawn release: its files are taken down).  An edition whose approvals cannot
    all be read keeps what the last run listed (``before``)."""
    found = {}
    for lang in ws.project.languages:
        if doubtful(ws, slug, lang):
            found[lang] = tuple(before.get(lang, ()))
            continue
        versions = ws.issued.get((slug, lang), [])
        found[lang] = tuple(ListedVersion(v.version, v.approval.at.isoformat(), v.approval.by, v.approval.hash,
                                          *(_files(lang, slug, v.version, v is versions[-1]) if urls else ()))
                            for v in versions)
    return {lang: versions for lang, versions in found.items() if versions}


def _files(lang: str, slug: str, version: int, latest: bool) -> tuple[str, str]:
    """The HTML and PDF of an issued version: the latest under the edition's own name."""
    name = f"{lang}/{slug}{'' if latest else f'.v{version}'}"
    return f"{name}.html", f"{name}.pdf"


#: Releases on an index page, newest first; older ones are on ``<lang>/page/<n>.html``.  A page
#: of every release grew with the archive: at two thousand, a megabyte of HTML for a reader to
#: load, and some 10 MB of the run's memory to make (see notes/pipeline-performance.md).
PER_PAGE = 50
#: The folder of a language's index pages after the first: a slug never names a folder, so no
#: release's page can be one of them.
PAGES_FOLDER = "page"


def page_name(lang: str, number: int) -> str:
    """The index page ``number`` (from 1) of a language, named under ``output/``."""
    return f"{lang}/index.html" if number == 1 else f"{lang}/{PAGES_FOLDER}/{number}.html"


def write_indexes(ws: Workspace, renderer: Renderer, report: Report, previous: Listing, *,
                  cache=None, run_key: str = "") -> None:
    """``output/index.html``, ``output/<lang>/index.html`` (and ``<lang>/page/<n>.html``, each
    ``PER_PAGE`` releases older) and ``output/releases.json``; ``previous`` is what the last run
    listed (:func:`read_listing`).  ``output/index.html`` is the first page of the default
    language (English when there is one), leading to its older pages.

    With ``cache`` (``buildcache.Cache``) and ``run_key`` (``buildcache.Keys.run``: the code, the
    templates, the templates' strings, the assets…), an index page whose key — that and what
    the page lists — is the one it was made from, and whose bytes are still those, is not
    rendered again."""
    from workflow import buildcache

    project = ws.project
    listed, order = _listed(ws, report, previous)
    default = "en" if "en" in project.languages else project.languages[0]
    for lang in project.languages + ("",):
        page_lang = lang or default
        shown = order.of(page_lang)
        count = max(1, -(-len(shown) // PER_PAGE))
        places = iter(shown)  # read in order as the pages are made, fifty at a time
        for number in range(1, (count if lang else 1) + 1):
            name = page_name(lang, number) if lang else "index.html"
            root = "../" * name.count("/")
            items = [{"slug": item.slug, "title": item.titles[page_lang],
                      "date": locales.long_date(item.date, page_lang), "date_iso": item.date.isoformat(),
                      "editions": [link for link in renderer.links(item.slug) if link.lang in item.titles]}
                     for item in (listed[at] for at in itertools.islice(places, PER_PAGE))]
            pages = [{"number": locales.localize_digits(str(other), page_lang), "current": other == number,
                      "href": root + page_name(page_lang, other)} for other in range(1, count + 1)] if count > 1 else []
            key = buildcache._sha(run_key, page_lang, root, items, pages) if cache is not None else ""
            if cache is not None and cache.index_hit(name, key):
                continue
            page = renderer.index(page_lang, items, root=root, pages=pages)
            save(project, report, project.output / name, page.encode("utf-8"))
            if cache is not None:
                cache.index_built(name, key)
        if lang:  # the pages of releases no longer so many
            remove(project, report, _pages_beyond(project.output / lang / PAGES_FOLDER, count))
    save_streamed(project, report, project.output / INDEX_FILE,
                  Listing(Made(order.of(), listed.__getitem__)).json_pieces())


def _pages_beyond(folder: Path, count: int) -> list[Path]:
    """The index pages in ``folder`` numbered past ``count``."""
    try:
        names = os.listdir(folder)
    except OSError:  # none yet, or not a folder: nothing to take down
        return []
    return sorted(folder / name for name in names
                  if name.endswith(".html") and name[:-5].isdigit() and int(name[:-5]) > count)


def write_reviews(ws: Workspace, renderer: Renderer, report: Report, *, only: Container[str] | None = None) -> None:
    """``output/review/<slug>.html``: every segment in every language, with its state and source
    diff, where each edition stands, and what changed since its issued version (``only``: of those
    releases, the others' pages being up to date)."""
    for rel in ws.releases:
        if only is not None and rel.slug not in only:
            continue
        catalogs = {lang: ws.catalogs.get((lang, rel.slug)) for lang in ws.project.languages if lang != rel.meta.lang}
        result = review_io.review(rel, ws.segments[rel.slug], catalogs, ws.project.languages, ws.glossary)
        for lang in ws.project.languages:
            _review_lifecycle(ws, rel, lang, report, result)
        page = renderer.review(result)
        save(ws.project, report, ws.project.output / "review" / f"{rel.slug}.html", page.encode("utf-8"))


def _review_lifecycle(ws: Workspace, rel: Release, lang: str, report: Report, result: review_io.Review) -> None:
    plan = report.stages.get((rel.slug, lang))
    if plan is None:
        return
    versions = ws.issued.get((rel.slug, lang), [])
    listed = tuple(review_io.Version(v.version, v.approval.by, v.approval.day.isoformat(), v.approval.hash)
                   for v in versions)
    # Only an edition that passes the gate can be approved (a check error alone keeps it out too).
    command = approve_command(rel.slug, lang) if plan.stage in (lifecycle.Stage.READY, lifecycle.Stage.PENDING) \
        and plan.why.startswith("awaiting approval") else ""
    draft = (f"{lang}/{rel.slug}.html" if plan.pending else f"../{lang}/{rel.slug}.html" if plan.draft else "")
    result.lifecycle[lang] = review_io.Lifecycle(lang, plan.stage.value, plan.why, listed, command, draft)
    if plan.pending and versions:
        issued = versions[-1].content
        try:
            before = segment.extract(release_io.parse(issued.source, path=rel.path, slug=rel.slug))
        except WorkflowError:
            return
        published = {} if lang == rel.meta.lang else make_edition(ws, rel, lang, report).texts
        changes = review_io.issued_changes(ws.segments[rel.slug], before, dict(issued.translations), published)
        for msgid, diff in changes.items():
            result.revisions[(lang, msgid)] = diff
