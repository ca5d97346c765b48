"""Issued editions as official records: who approved what, and the texts they approved.

Two kinds of committed, plain-text files, both inside ``content/`` (the releases' folder: an
approval is an editorial decision about a release, and it travels with the release in the
office's repository):

``content/approvals.tsv``
    The ledger, one line per approved version, tab-separated, readable without the tool::

        # approved (UTC)      release   lang  version  sha256        approved by
        2024-02-14T09:00:00Z  2024-…    fr    1        3f2a…(64 hex)  Sokha Chan

    ``make approve`` appends to it; nothing else writes it.

``content/issued/<slug>/<lang>.v<N>.json``
    The texts approved for version N: the release file as it was, each segment's published
    text and the templates' strings, and the sha256 of every image it shows.  From them an
    issued edition is rebuilt byte for byte after its source has moved on (``rm -rf output &&
    make publish``).

``content/issued/<slug>/media/<sha256>.<ext>``
    The bytes of each image an approved version shows, as they were published when it was
    approved (an SVG: its checked tree), named by their digest: written once, shared by the
    languages and versions that show the same bytes.  An issued edition shows these, never
    today's ``content/media/`` file of the same name.

An approval is bound to the exact content approved: ``content_hash`` of the release file, the
text of every segment, the templates' strings and the bytes of every image.  Any later change of
those (a photo replaced under the same name included) needs a new approval; until then the issued
version stays public and the new one is a pending revision.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from workflow.fsutil import MAX_RECORD_BYTES, RefusedInput, read_input
from workflow.model import Finding

LEDGER = "approvals.tsv"
ISSUED = "issued"
_HEADER = ("# Approvals: one line per approved version of an edition, written by 'make approve'.\n"
           "# approved (UTC)\trelease\tlang\tversion\tsha256\tapproved by\n")
_HASH = re.compile(r"^[0-9a-f]{64}$")
_WHEN = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True)
class Content:
    """What a reviewer approves: the inputs of one edition, as they are published."""

    slug: str
    lang: str
    source: str  #: the release file's text (front matter and Markdown)
    translations: Mapping[str, str]  #: msgid → published text, for every segment (empty: the source edition)
    ui: Mapping[str, str]  #: the templates' strings in ``lang``
    #: image name under content/media/ → sha256 of the bytes published, for every image it shows
    media: Mapping[str, str] = field(default_factory=dict)

    @property
    def hash(self) -> str:
        """sha256 of a canonical form of the content.

        >>> Content("a", "fr", "x", {"b": "c"}, {}).hash == Content("a", "fr", "x", {"b": "c"}, {}).hash
        True
        >>> Content("a", "fr", "x", {"b": "c"}, {}).hash == Content("a", "fr", "x", {"b": "C"}, {}).hash
        False

        The images count only when there are some: the hash of content without images is the one
        approvals recorded before images were covered.

        >>> Content("a", "fr", "x", {}, {}).hash == Content("a", "fr", "x", {}, {}, {}).hash
        True
        >>> Content("a", "fr", "x", {}, {}, {"p.jpg": "0" * 64}).hash == Content("a", "fr", "x", {}, {}).hash
        False
        """
        data = {"release": self.slug, "lang": self.lang, "source": self.source,
                "translations": dict(self.translations), "ui": dict(self.ui)}
        if self.media:
            data["media"] = dict(self.media)
        canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Approval:
    """One line of the ledger."""

    at: _dt.datetime
    slug: str
    lang: str
    version: int
    hash: str
    by: str
    line: int = 0  #: its line in the ledger

    @property
    def day(self) -> _dt.date:
        return self.at.date()


@dataclass(frozen=True)
class Issued:
    """A version of an edition that was approved, with the texts to rebuild it."""

    approval: Approval
    content: Content
    #: sha256 → the approved bytes of each image it shows (read from content/issued/<slug>/media/)
    images: Mapping[str, bytes] = field(default_factory=dict)

    @property
    def version(self) -> int:
        return self.approval.version


def parse_ledger(text: str, *, path: str) -> tuple[list[Approval], list[Finding]]:
    """The approvals a ledger holds, and a finding for every line that cannot be read.

    >>> good = "2024-02-14T09:00:00Z\\tx\\tfr\\t1\\t" + "a" * 64 + "\\tSokha Chan\\n"
    >>> approvals, problems = parse_ledger("# comment\\n" + good + "nonsense\\n", path="a.tsv")
    >>> [(a.slug, a.version, a.by, a.line) for a in approvals], [f.line for f in problems]
    ([('x', 1, 'Sokha Chan', 2)], [3])
    """
    approvals, problems = [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        fields = raw.split("\t")
        try:
            at, slug, lang, version, digest, by = fields
            when = _dt.datetime.strptime(at, _WHEN).replace(tzinfo=_dt.timezone.utc)
            if not (_HASH.match(digest) and version.isdigit() and int(version) >= 1 and by.strip()):
                raise ValueError
        except ValueError:
            problems.append(Finding(path, number, "this approval line cannot be read; it is ignored, and what is "
                                    "published of the edition it is about is kept as it is — each line "
                                    "is 6 fields separated by tabs: time (YYYY-MM-DDTHH:MM:SSZ), release, "
                                    "language, version, sha256 (64 hex digits), name; correct it, or restore it "
                                    "from the repository's history ('git diff' shows what changed)", "error"))
            continue
        approvals.append(Approval(when, slug, lang, int(version), digest, by.strip(), number))
    return approvals, problems


def ledger_line(approval: Approval) -> str:
    by = " ".join(approval.by.split())  # no tab or newline can break the line
    return "\t".join([approval.at.strftime(_WHEN), approval.slug, approval.lang, str(approval.version),
                      approval.hash, by]) + "\n"


def ledger_text(existing: str, approval: Approval) -> str:
    """The ledger with one more line (the header first when it is new)."""
    text = existing if existing.strip() else _HEADER
    return text + ("" if text.endswith("\n") else "\n") + ledger_line(approval)


def snapshot_text(issued: Issued) -> str:
    """The texts of an issued version, as committed JSON (sorted keys: quiet diffs)."""
    a, c = issued.approval, issued.content
    data = {"release": c.slug, "lang": c.lang, "version": a.version, "sha256": a.hash,
            "approved_by": a.by, "approved_at": a.at.strftime(_WHEN),
            "source": c.source, "translations": dict(c.translations), "ui": dict(c.ui)}
    if c.media:
        data["media"] = dict(c.media)
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def parse_snapshot(text: str, approval: Approval) -> Content | None:
    """The content a snapshot holds, if it is the one ``approval`` approved (its hash matches)."""
    try:
        data = json.loads(text)
        content = Content(str(data["release"]), str(data["lang"]), str(data["source"]),
                          {str(k): str(v) for k, v in dict(data["translations"]).items()},
                          {str(k): str(v) for k, v in dict(data["ui"]).items()},
                          {str(k): str(v) for k, v in dict(data.get("media") or {}).items()})
        if not all(_HASH.match(v) for v in content.media.values()):
            return None
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
    return content if content.hash == approval.hash else None


# ------------------------------------------------------------------ the files

def ledger_path(content_dir: Path) -> Path:
    return content_dir / LEDGER


def snapshot_path(content_dir: Path, slug: str, lang: str, version: int) -> Path:
    return content_dir / ISSUED / slug / f"{lang}.v{version}.json"


def image_path(content_dir: Path, slug: str, name: str, digest: str) -> Path:
    """Where the approved bytes of image ``name`` (``digest``) of a release are kept."""
    return content_dir / ISSUED / slug / "media" / f"{digest}{PurePosixPath(name).suffix.lower()}"


def read_text(path: Path, content_dir: Path, *, shown: str | None = None, what: str = "file") -> str:
    """A file of the records (the ledger, an approved text), read only if it is a regular file of
    the project below :data:`workflow.fsutil.MAX_RECORD_BYTES`.  Raises ``FileNotFoundError``,
    :class:`workflow.fsutil.RefusedInput` or ``UnicodeDecodeError``."""
    return read_input(path, limit=MAX_RECORD_BYTES, root=Path(content_dir).parent, shown=shown,
                      what=what).decode("utf-8")


#: In a set of editions in doubt: any release, or any language.
EVERY = "*"


def _named(raw: str) -> tuple[str, str]:
    """The release and language a line that cannot be read seems to be about (EVERY: cannot tell).

    >>> _named("2024-02-14T09:00:00Z  my-release  fr  1  abc  Sokha"), _named("nonsense")
    (('my-release', 'fr'), ('*', '*'))
    """
    fields = [f.strip() for f in (raw.split("\t") if raw.count("\t") >= 2 else raw.split())]
    return (fields[1], fields[2]) if len(fields) >= 3 and fields[1] and fields[2] else (EVERY, EVERY)


def read_records(content_dir: Path, *, shown: str, releases: set[str] | None = None,
                 languages: tuple[str, ...] | None = None
                 ) -> tuple[dict[tuple[str, str], list[Issued]], list[Finding], set[tuple[str, str]]]:
    """Every issued version by (slug, lang), oldest first, what is wrong with the records, and the
    editions whose records are in doubt ((slug, lang); EVERY for any release or language).

    ``shown`` is the ledger's path as users see it.  An approval whose texts are missing or do not
    match its hash, or a line that cannot be read, is reported and not used, and the editions it
    may be about are in doubt: what was published of them must be kept as it is, since the version
    before it is not the issued one.  ``releases`` and ``languages``, when given, are the project's:
    an approval for anything else is reported as such, and puts nothing in doubt.
    """
    path = ledger_path(content_dir)
    try:
        text = read_text(path, content_dir, shown=shown, what="approvals ledger")
    except FileNotFoundError:
        if any((content_dir / ISSUED).glob("*/*.json")):
            return {}, [Finding(shown, None, f"the approvals are missing, but {ISSUED}/ holds approved texts; "
                                "nothing is issued or taken down from them this time — restore the file from "
                                "the repository", "error")], {(EVERY, EVERY)}
        return {}, [], set()
    except RefusedInput as exc:
        return {}, [Finding(shown, None, f"{exc.message}; nothing is issued or taken down from the approvals "
                            f"this time — {exc.hint}", "error")], {(EVERY, EVERY)}
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [Finding(shown, None, f"the approvals cannot be read ({exc}); nothing is issued or taken "
                            "down from them this time — restore the file from the repository", "error")], \
            {(EVERY, EVERY)}
    approvals, problems = parse_ledger(text, path=shown)
    lines = text.splitlines()
    doubtful = {_named(lines[f.line - 1]) for f in problems if f.line}
    issued: dict[tuple[str, str], list[Issued]] = {}
    for approval in approvals:
        if languages is not None and approval.lang not in languages:
            problems.append(Finding(shown, approval.line, f"an approval for the {approval.lang!r} edition of "
                                    f"{approval.slug}, but {approval.lang!r} is not one of this project's languages "
                                    f"({', '.join(languages)}); it is not used — correct the language, or remove "
                                    "the line", "error"))
            continue
        known = releases is None or approval.slug in releases or (content_dir / ISSUED / approval.slug).is_dir()
        if not known:
            problems.append(Finding(shown, approval.line, f"an approval for {approval.slug!r}, but there is no such "
                                    f"release (no content/{approval.slug}.md, no {ISSUED}/{approval.slug}/); it is "
                                    "not used — correct the name, or remove the line", "error"))
            continue
        snapshot = snapshot_path(content_dir, approval.slug, approval.lang, approval.version)
        shown_snapshot = f"{Path(shown).parent.as_posix()}/{ISSUED}/{approval.slug}/{snapshot.name}"
        try:
            content = parse_snapshot(read_text(snapshot, content_dir, shown=shown_snapshot, what="approved text"),
                                     approval)
        except RefusedInput as exc:
            problems.append(Finding(exc.path, None, f"{exc.message} — {exc.hint}", "error"))
            content = None
        except (OSError, UnicodeDecodeError):
            content = None
        versions = issued.setdefault((approval.slug, approval.lang), [])
        if content is None or content.slug != approval.slug or content.lang != approval.lang:
            problems.append(Finding(shown, approval.line, f"no approved text matches this approval (version "
                                    f"{approval.version} of {approval.slug} in {approval.lang}: "
                                    f"{ISSUED}/{approval.slug}/{approval.lang}.v{approval.version}.json is missing "
                                    "or was changed since); it is not used, and what is published of that edition "
                                    "is kept as it is — restore that file from the repository, or remove the line "
                                    "and approve again", "error"))
            doubtful.add((approval.slug, approval.lang))
            continue
        images, missing = _read_images(content_dir, content, Path(shown).parent.as_posix())
        if missing:
            copy, name, wrong = missing
            problems.append(Finding(copy, None, f"this copy of the image {name!r} as it was approved {wrong} "
                                    f"(version {approval.version} of {approval.slug} in {approval.lang}, recorded "
                                    f"in {shown_snapshot}, approved on line {approval.line} of {shown}): that "
                                    "version is not used, and what is published of that edition is kept as it is — "
                                    f"restore the file from the repository (git checkout -- {copy}), or remove the "
                                    "approval line and approve again", "error"))
            doubtful.add((approval.slug, approval.lang))
            continue
        if versions and versions[-1].version >= approval.version:
            problems.append(Finding(shown, approval.line, f"version {approval.version} of {approval.slug} in "
                                    f"{approval.lang} comes after version {versions[-1].version}; it is not "
                                    "used, and what is published of that edition is kept as it is — versions only "
                                    "go up: correct the number", "error"))
            doubtful.add((approval.slug, approval.lang))
            continue
        versions.append(Issued(approval, content, images))
    return {key: value for key, value in issued.items() if value}, problems, doubtful


def _read_images(content_dir: Path, content: Content, shown_dir: str
                 ) -> tuple[dict[str, bytes], tuple[str, str, str] | None]:
    """The approved bytes of every image ``content`` shows, by digest; or (the file as users see it,
    the image's name, what is wrong) for the first that is missing, refused or not the bytes approved."""
    from workflow.media import MAX_MEDIA_BYTES

    images: dict[str, bytes] = {}
    for name, digest in sorted(content.media.items()):
        if digest in images:
            continue
        path = image_path(content_dir, content.slug, name, digest)
        shown = f"{shown_dir}/{path.relative_to(content_dir).as_posix()}"
        if path.suffix not in (".jpg", ".jpeg", ".png", ".svg"):
            return {}, (shown, name, "is not a JPEG, PNG or SVG file (by its extension)")
        try:
            data = read_input(path, limit=MAX_MEDIA_BYTES, root=Path(content_dir).parent, shown=shown,
                              what="approved image")
        except FileNotFoundError:
            return {}, (shown, name, "is missing")
        except RefusedInput as exc:
            return {}, (shown, name, exc.message)
        except OSError as exc:
            return {}, (shown, name, f"cannot be read ({exc.strerror or exc})")
        if hashlib.sha256(data).hexdigest() != digest:
            return {}, (shown, name, "was changed since it was approved (its sha256 is not its name)")
        images[digest] = data
    return images, None


def next_version(content_dir: Path, slug: str, lang: str, versions: list[Issued]) -> int:
    """The number of the next approved version: past every version issued and every approved text
    kept, so that approving never writes over the texts of an earlier approval."""
    kept = [int(m.group(1)) for p in (content_dir / ISSUED / slug).glob(f"{lang}.v*.json")
            if (m := re.fullmatch(rf"{re.escape(lang)}\.v(\d+)\.json", p.name))]
    return max([v.version for v in versions] + kept + [0]) + 1
