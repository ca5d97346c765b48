"""A publish with nothing to do does nothing: the last run's inputs and outputs, remembered.

``make publish`` is run again whenever a translator fixes a comma, and most runs change nothing.
After each run, ``output/.last-run.json`` records a digest of everything the run read (every file
under ``content/`` and ``locale/`` as they stand once the run has updated the catalogs, the
settings, the project's own templates, this package's code and templates, the bundled fonts and
the versions of the libraries that shape the output), the size and modification time of every
file it left under ``output/``, and what it reported.  The next run compares: when the inputs are
the same and every output is still as it was left, it says what the last run said, and reads,
writes and typesets nothing more.  Anything else — an input changed, an output touched, added or
removed, a missing or damaged record — means a full run: the record is an optimisation, never
a source of truth.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import stat
import sys
from collections.abc import Container, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from workflow import libraries
from workflow.model import WorkflowError

RECORD = ".last-run.json"
#: Libraries whose version changes what is published.
_LIBRARIES = ("weasyprint", "markdown", "babel", "jinja2", "nh3", "khmercut", "polib", "pyyaml", "regex",
              "fonttools", "pydyf", "rapidfuzz", "fontpkg-noto-serif", "fontpkg-noto-sans-khmer", "pillow",
              "defusedxml")
#: 4: the record an entry a line; 3: the inputs digested in the order walked; 2: the outputs as
#: one digest, the record indented
_FORMAT = 4


@dataclass(frozen=True)
class LastRun:
    """What the last complete run read and left (what it said is read by :func:`said`, only
    when it is said again)."""

    inputs: str  #: ``digest`` of every input (``inputs``)
    outputs: str  #: ``outputs``: a digest of every file under output/, its size and mtime
    pdfs: int  #: PDFs published (all up to date at the end of the run)


def _folders(folder: Path) -> Iterator[tuple[str, list[str]]]:
    """Each folder under ``folder`` (itself first, then by name) and its files' names, sorted."""
    if not folder.is_dir():
        return
    seen = set()
    # The readers follow a linked folder inside the project (a glossary shared by projects): so
    # does the digest, each real folder once (a link to a folder above it would loop).
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in seen:
            dirnames[:] = []
            continue
        seen.add(real)
        dirnames.sort()
        yield dirpath, sorted(filenames)


def _files(folder: Path, skip: tuple[str, ...] = (".pyc", ".mo")) -> Iterator[tuple[str, str]]:
    """Every file under ``folder`` but those whose suffix is in ``skip`` and what is in a
    ``__pycache__``, in ``_folders``' order, one at a time: its name under ``folder`` and its
    path.  Strings, not ``Path``s: pathlib interns every part of every path it parses, and a table
    of interned strings sized for 16,000 file names (4,000 releases) was what walking the inputs
    left in memory, some 2 MB."""
    for dirpath, names in _folders(folder):
        if "__pycache__" in Path(dirpath).parts:
            continue
        for name in names:
            if _suffix(name) in skip or name == "__pycache__":
                continue
            path = os.path.join(dirpath, name)
            yield os.path.relpath(path, folder), path


#: Inputs larger than this are known by their size and time, not read (the readers refuse them).
_HASHED_BYTES = 64 * 1024 * 1024


def _file_digest(path: Path | str) -> bytes:
    """What one input is: the hash of a regular file's bytes; for anything else — a link, a named
    pipe, a device, a file too big to be an input — what it is and its stat, never its content
    (reading a named pipe would block, a device never end)."""
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            target = os.stat(path)  # the run reads through links inside the project: follow their changes
            return f"link:{os.readlink(path)}:{target.st_mode}:{target.st_size}:{target.st_mtime_ns}".encode()
        if not stat.S_ISREG(info.st_mode) or info.st_size > _HASHED_BYTES:
            return f"other:{info.st_mode}:{info.st_size}:{info.st_mtime_ns}".encode()
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except OSError as exc:
        return f"unreadable:{exc.errno}".encode()
    digest = hashlib.sha256()
    try:
        while chunk := os.read(fd, 1 << 20):
            digest.update(chunk)
    finally:
        os.close(fd)
    return digest.digest()


#: The names WeasyPrint's ``text/ffi.py`` loads HarfBuzz-Subset by (weasyprint==70.0).  The
#: answer is whether any of them loads, so the file names go first: the dynamic loader opens them
#: at once, where a bare name makes cffi ask ``ldconfig`` in a process of its own (30 ms).
_HARFBUZZ_SUBSET = ("libharfbuzz-subset.so.0", "libharfbuzz-subset.0.dylib", "libharfbuzz-subset-0.dll",
                    "libharfbuzz-subset-0", "harfbuzz-subset", "harfbuzz-subset-0.0")


@functools.cache
def _harfbuzz_subset() -> bool:
    """Whether WeasyPrint will find HarfBuzz-Subset: without it, PDFs are subset by fontTools
    (other bytes) and the report carries a hint to install it, so its arrival or loss is a change.

    Asked once a process (cffi's set-up alone is 70 ms): a run's record says what the run found
    as it began, and a library installed or removed meanwhile is seen by the next run, which
    then differs from the record and does everything again."""
    import cffi

    ffi = cffi.FFI()
    for name in _HARFBUZZ_SUBSET:
        try:
            ffi.dlopen(name)
            return True
        except OSError:
            continue
    return False


def _key(project, path: str) -> str:
    """``project.relative(path)``, without its path arithmetic (a third of ``inputs``' time) for
    what ``_files`` finds under the project's resolved root: the name under it, as it is spelt."""
    root = str(project.root)
    text = str(path)
    if os.sep == "/" and text.startswith(root + "/") and os.path.abspath(text) == text:
        return text[len(root) + 1:]
    return project.relative(Path(path))


def inputs(project, fonts: dict[str, Path]) -> MutableMapping[str, bytes]:
    """Everything a publish of ``project`` reads (see the module's docstring), one entry a file
    (keyed by its path in the project where it is in it) or fact, in the order they are walked:
    a shelf, past a few hundred on disk (``workflow.shelf``), for a run holds two of them at its
    end (some 1 KB a release each, as a dict)."""
    from workflow.shelf import Shelf

    found: MutableMapping[str, bytes] = Shelf()
    found["format"] = f"{_FORMAT}\0{sys.version}".encode()
    package = Path(__file__).resolve().parent
    folders = [project.content, project.locale, package]
    if project.templates is not None:
        folders.append(Path(project.templates))
    for folder in folders:
        for name, path in _files(folder):
            found[_key(project, path) if folder is not package else f"package:{name}"] = _file_digest(path)
    found["pyproject.toml"] = _file_digest(project.root / "pyproject.toml")
    for name, path in sorted(fonts.items()):
        found[f"font:{name}"] = path.name.encode()
    for name, version in libraries.versions(_LIBRARIES).items():
        found[f"library:{name}"] = version.encode()
    found["SOURCE_DATE_EPOCH"] = os.environ.get("SOURCE_DATE_EPOCH", "").encode()
    found["harfbuzz-subset"] = b"%d" % _harfbuzz_subset()
    return found


def _suffix(name: str) -> str:
    """``Path(name).suffix``, without making a ``Path``: from the last dot, unless that dot starts
    or ends the name (``..mo`` is a ``.mo``, where ``os.path.splitext`` sees no extension).

    >>> [_suffix(n) for n in ("a.mo", "..mo", ".mo", "a.", "a.b.pyc")]
    ['.mo', '.mo', '', '', '.pyc']
    """
    at = name.rfind(".")
    return name[at:] if 0 < at < len(name) - 1 else ""


def digest(found: Mapping[str, bytes]) -> str:
    """One digest of ``inputs``, in their order (the same files walked give the same order:
    ``_folders`` sorts), read one at a time."""
    total = hashlib.sha256()
    for key, value in found.items():
        total.update(key.encode() + b"\0" + value + b"\0")
    return total.hexdigest()


def changed_meanwhile(before: Mapping[str, bytes], after: Mapping[str, bytes], written: Container[str]) -> list[str]:
    """Inputs that changed while a run went on, other than the files the run wrote itself (a
    translator's save, an editor's fix): what the run read may not be what is there now.

    >>> changed_meanwhile({"a": b"1", "b": b"1"}, {"a": b"2", "b": b"2", "c": b"1"}, ["a"])
    ['b', 'c']
    """
    changed = [key for key, value in before.items() if after.get(key) != value and key not in written]
    changed += [key for key in after if key not in before and key not in written]
    return sorted(changed)


def outputs(output: Path) -> str:
    """A digest of every file under ``output/`` (the record itself aside): its name, size and
    modification time, read folder by folder as ``_folders`` lists them (the names of one folder at
    a time: a dict of every file held 3 MB at two thousand releases, and the record as much)."""
    digest = hashlib.sha256()
    for dirpath, names in _folders(output):
        folder = os.path.relpath(dirpath, output)
        prefix = "" if folder == "." else folder.replace(os.sep, "/") + "/"
        for name in names:
            if name == RECORD and not prefix:
                continue
            info = os.stat(os.path.join(dirpath, name))
            digest.update(f"{prefix}{name}\0{info.st_size}\0{info.st_mtime_ns}\0".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def read(output: Path) -> LastRun | None:
    """The last run's record, or None (missing, damaged, or of another format): only what tells
    whether this run has anything to do, the rest of each line left undecoded."""
    try:
        found = {name: json.loads(value) for name, key, value in _entries(output)
                 if key is None and name in ("format", "inputs", "outputs", "pdfs")}
        if found.get("format") != _FORMAT:
            return None
        return LastRun(str(found["inputs"]), str(found["outputs"]), int(found["pdfs"]))
    except (OSError, ValueError, RecursionError, KeyError, TypeError, WorkflowError):
        return None


def said(output: Path, last: LastRun) -> Iterator[tuple[str, object]]:
    """What the run ``last`` recorded said, read again a line at a time: ``("findings", fields)``,
    ``("hints", text)`` and ``("outcomes", fields)`` (with its slug and language), in the order
    it said them.  Raises ValueError (or OSError, RecursionError, WorkflowError) when the record is
    no longer that run's or cannot be read: then there is nothing to say again."""
    found = {}
    for name, key, value in _entries(output):
        if key is None:
            found[name] = json.loads(value)
            if name in ("findings", "hints", "outcomes") and found[name] != []:
                raise ValueError(f"{name} not written an item a line")
        elif name in ("findings", "hints", "outcomes") and isinstance(key, int):
            yield name, json.loads(value)
    if LastRun(found.get("inputs"), found.get("outputs"), found.get("pdfs")) != last:
        raise ValueError("the record changed")


def _entries(output: Path) -> Iterator[tuple[str, str | int | None, str]]:
    """The record's entries, read a line at a time (``fsutil.record_entries``)."""
    from workflow.fsutil import record_entries

    return record_entries(output / RECORD)


def unchanged(last: LastRun | None, inputs_sha: str, output: Path) -> bool:
    """Whether a publish now would do exactly what the last one did: nothing more."""
    return last is not None and last.inputs == inputs_sha and outputs(output) == last.outputs


def pieces(inputs_sha: str, output: Path, findings: Sequence, outcomes: Mapping[tuple[str, str], object],
           hints: list[str], pdfs: int) -> Iterator[str]:
    """The record of a run that just ended (``output`` as it left it), piece by piece: each
    edition's outcome is read (``Report.outcomes``: on disk past a few hundred) as it is written."""
    from workflow.fsutil import Made, json_pieces
    from workflow.report import InOrder

    def outcome(key: tuple[str, str]) -> dict:
        return {"slug": key[0], "lang": key[1], **asdict(outcomes[key])}

    # Each finding and each outcome made as it is written: a list of them all, then a sorted list
    # of every edition's key, were what a run of thousands of releases grew by at its very end.
    data = {"format": _FORMAT, "inputs": inputs_sha, "outputs": outputs(output),
            "findings": Made(findings, asdict), "outcomes": Made(InOrder(outcomes), outcome),
            "hints": list(hints), "pdfs": pdfs}
    yield from json_pieces(data, levels=2, inline=True)  # an outcome a line: ``read`` and ``said`` read them so
    yield "\n"
