"""The bundled fonts, made once per machine: static instances of the Noto variable fonts from PyPI,
and the official Khmer faces (Moul, Battambang) from the npm registry.

The PyPI packages ship Noto Serif and Noto Sans Khmer as variable fonts (``wght`` and ``wdth``
axes).  WeasyPrint turns a variable font into a static one for every PDF it writes (fontTools'
instancer, after subsetting): measured in issue 12, that was 44% of the time of a cold publish.
It also lays out a variable font with its default instance's advances, so bold text was drawn
with bold outlines on regular widths (set too tight).  A static instance per weight and style,
made here once and kept in a cache shared by every project on the machine, removes both: the
PDFs need no instancing, and bold sets at its own width.

The instances are pure functions of the package's font file (its sha256 names the cached file)
and of the axis values; they keep the variable font's ``head`` dates, so their bytes, and the
PDFs made with them, do not depend on when or where they were made.

PyPI has no package of the Khmer faces Cambodian official documents are set in; npm has them as
Fontsource packages (``@fontsource/moul``, ``@fontsource/battambang``: WOFF files per Unicode
subset).  Each is pinned here by version and by the ``sha512`` integrity of its tarball as the
registry publishes it; the tarball is fetched once with npm's own client (``npm pack``), checked against that digest (a tarball
that does not match is refused), and its Khmer WOFF turned into a TrueType file in the same cache
(fontTools: WeasyPrint embeds TrueType; the WOFF's own tables and dates are kept, so the bytes are
a function of the pin).  A machine that has neither the cached faces nor the network fails with a
message saying so: a fallback to Noto would publish editions in the wrong typeface, and change
the bytes of issued editions that are rebuilt from their approved texts.  Measurements behind the
choice: ``notes/official-typefaces.md``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
from struct import error as struct_error
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import fontpkg

from workflow import libraries
from workflow.model import TypesetError


@dataclass(frozen=True)
class Face:
    """One static face: a family's variable font (``style`` picks the file) at one weight."""

    family: str
    style: str  #: "normal" or "italic"
    weight: int

    @property
    def package(self) -> str:
        return "fontpkg-" + fontpkg.slugify(self.family)


@dataclass(frozen=True)
class NpmPackage:
    """A font package of the npm registry, pinned by version and by its tarball's integrity."""

    name: str  #: "@fontsource/moul"
    version: str
    integrity: str  #: "sha512-<base64>", as in the registry's metadata and npm's lock files


@dataclass(frozen=True)
class PackedFile:
    """One file of a pinned npm package: a WOFF face (made TrueType) or a licence."""

    package: NpmPackage
    member: str  #: its path inside the tarball

    def convert(self, data: bytes) -> bytes:
        if not self.member.endswith(".woff"):
            return data
        from fontTools.ttLib import TTFont

        font = TTFont(io.BytesIO(data), recalcTimestamp=False)
        font.flavor = None  # WOFF → TrueType: the same tables
        out = io.BytesIO()
        font.save(out)
        return out.getvalue()


MOUL = NpmPackage("@fontsource/moul", "5.3.0",
                  "sha512-dgMxtlAn0/xt925nlyoKdQazCFqChitCEpW2SEpk/KvplLjRgrFXWoxRVHIi00xkCiKhmMm8dW/DOlQyNNs3Jg==")
BATTAMBANG = NpmPackage("@fontsource/battambang", "5.3.0",
                        "sha512-K3/dETCboyzb5Q+vt7wQphP1lg7uU28bYhlxP+ncbewDJjBmh3xYGYb+UHhECuKnkuHdZWGyQI8EJS4RZnYreg==")

#: Bundled faces: file name in ``output/assets/fonts`` → the face (``edition.css`` names them).
FACES: dict[str, Face | PackedFile] = {
    "NotoSerif-Regular.ttf": Face("Noto Serif", "normal", 400),
    "NotoSerif-Bold.ttf": Face("Noto Serif", "normal", 700),
    "NotoSerif-Italic.ttf": Face("Noto Serif", "italic", 400),
    "NotoSerif-BoldItalic.ttf": Face("Noto Serif", "italic", 700),
    "NotoSansKhmer-Regular.ttf": Face("Noto Sans Khmer", "normal", 400),
    "NotoSansKhmer-Bold.ttf": Face("Noto Sans Khmer", "normal", 700),
    # The Khmer subsets: Khmer, digits, space and basic punctuation; Latin falls back to Noto Serif.
    "Moul-Regular.ttf": PackedFile(MOUL, "package/files/moul-khmer-400-normal.woff"),
    "Battambang-Regular.ttf": PackedFile(BATTAMBANG, "package/files/battambang-khmer-400-normal.woff"),
    "Battambang-Bold.ttf": PackedFile(BATTAMBANG, "package/files/battambang-khmer-700-normal.woff"),
}

#: The licences published beside the faces (SIL Open Font License 1.1).
LICENCES: dict[str, PackedFile] = {
    "Moul-OFL.txt": PackedFile(MOUL, "package/LICENSE"),
    "Battambang-OFL.txt": PackedFile(BATTAMBANG, "package/LICENSE"),
}

#: A font package's tarball is a few hundred KB: anything far larger is not it.
_MAX_TARBALL = 20 * 1024 * 1024


def cache_folder() -> Path:
    """Where instances are kept: ``$XDG_CACHE_HOME`` (or ``~/.cache``)/mfaic-workflow/fonts."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mfaic-workflow" / "fonts"


def _variable_font(face: Face) -> Path:
    try:
        return Path(fontpkg.path(face.family, style=face.style))
    except fontpkg.FontpkgError as exc:
        raise TypesetError(f"the font {face.family!r} ({face.style}) is not installed: {exc}; "
                           f"run '.venv/bin/pip install {face.package}' or 'make clean-venv publish'") from exc


def instance_bytes(variable: bytes, weight: int) -> bytes:
    """The static instance of a variable font at ``weight`` (normal width), with its own dates."""
    from fontTools.ttLib import TTFont
    from fontTools.varLib.instancer import instantiateVariableFont

    font = TTFont(io.BytesIO(variable), recalcTimestamp=False)
    axes = {axis.axisTag: axis for axis in font["fvar"].axes}
    location = {"wght": weight} | ({"wdth": 100} if "wdth" in axes else {})
    static = instantiateVariableFont(font, location, static=True, updateFontNames=True)
    out = io.BytesIO()
    static.save(out)
    return out.getvalue()


@lru_cache(maxsize=None)
def _source_digest(variable: Path) -> str:
    """What names a variable font's instances: its bytes and the instancer's version (another
    fontTools may make other bytes).  Read once a process, whatever the number of its faces."""
    data = variable.read_bytes() + f"fonttools={libraries.version('fonttools')}".encode()
    return hashlib.sha256(data).hexdigest()[:20]


@lru_cache(maxsize=None)
def _tarball(package: NpmPackage) -> bytes:
    """The package's tarball, fetched by npm's own client (its registry, proxy and cache settings
    as this machine has them) and checked against the pinned integrity (once a process)."""
    spec = f"{package.name}@{package.version}"
    npm = shutil.which("npm")
    if npm is None:
        raise TypesetError(
            f"the font package {spec} is not in the font cache ({cache_folder()}), and npm, which fetches it once, "
            "is not installed: install it (on Debian/Ubuntu: apt-get install npm) and run 'make publish' again")
    with tempfile.TemporaryDirectory(prefix="mfaic-fonts-") as scratch:
        try:
            done = subprocess.run([npm, "pack", spec, "--pack-destination", scratch, "--silent"],
                                  cwd=scratch, capture_output=True, text=True, timeout=600, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            done = None
            reason = str(exc)
        else:
            reason = (done.stderr.strip().splitlines() or [f"npm exited with {done.returncode}"])[-1][:300]
        tarballs = sorted(Path(scratch).glob("*.tgz"))
        if done is None or done.returncode != 0 or len(tarballs) != 1:
            raise TypesetError(
                f"the font package {spec} is not in the font cache ({cache_folder()}) and 'npm pack {spec}' "
                f"could not fetch it ({reason}); connect this machine to the npm registry once and run "
                "'make publish' again")
        with tarballs[0].open("rb") as handle:
            data = handle.read(_MAX_TARBALL + 1)
    return checked_tarball(package, data)


def checked_tarball(package: NpmPackage, data: bytes) -> bytes:
    """``data`` if it is the pinned tarball, else an error: the pin, not the registry, decides."""
    algorithm, _, expected = package.integrity.partition("-")
    found = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if len(data) > _MAX_TARBALL or found != expected:
        raise TypesetError(f"the tarball npm fetched for {package.name} {package.version} does not match its pinned "
                           f"{algorithm} ({package.integrity}): refused; check npm's registry setting, or, if the "
                           "pin in workflow/pdf/fonts.py is what changed, its integrity value")
    return data


def _unpacked(packed: PackedFile) -> bytes:
    """One file of the checked tarball (read by name: nothing else of it is extracted)."""
    try:
        with tarfile.open(fileobj=io.BytesIO(_tarball(packed.package)), mode="r:gz") as tar:
            member = tar.getmember(packed.member)
            handle = tar.extractfile(member) if member.isfile() else None
            if handle is None:
                raise KeyError(packed.member)
            return packed.convert(handle.read())
    except (KeyError, tarfile.TarError, OSError, ValueError) as exc:
        raise TypesetError(f"{packed.package.name} {packed.package.version} has no usable {packed.member} "
                           f"({exc}): the pin in workflow/pdf/fonts.py names a file the package lacks") from exc


def _packed_digest(packed: PackedFile) -> str:
    """What names a packed file in the cache: the pin, the file and the converter's version."""
    key = f"{packed.package.integrity}\0{packed.member}\0fonttools={libraries.version('fonttools')}"
    return hashlib.sha256(key.encode()).hexdigest()[:20]


def _cached(face: Face | PackedFile, folder: Path, name: str = "") -> Path:
    if isinstance(face, PackedFile):
        stem, suffix = os.path.splitext(name)
        path = folder / f"{stem}-{_packed_digest(face)}{suffix}"
        if path.is_file() and (suffix != ".ttf" or _loads(path)):
            return path
        return _write(path, lambda: _unpacked(face))
    variable = _variable_font(face)
    path = folder / f"{variable.stem.split('[')[0]}-{_source_digest(variable)}-{face.weight}.ttf"
    if path.is_file() and _loads(path):
        return path  # else: damaged in the cache (by hand, a full disk): made again
    return _write(path, lambda: instance_bytes(variable.read_bytes(), face.weight))


def _write(path: Path, make) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = make()  # before any file is made: a failed download leaves nothing behind
    # Made beside its place and renamed into it: two runs at once never see half a font.
    fd, scratch = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(scratch, 0o644)  # a cache others on the machine may read
        os.replace(scratch, path)
    finally:
        if os.path.exists(scratch):
            os.unlink(scratch)
    return path



@lru_cache(maxsize=16)
def coverage(font: Path) -> frozenset[int]:
    """The code points a font file draws (its cmap), read once a process: the checks of
    undrawable characters and the glyph check before typesetting ask the same question.

    Kept in the font cache as ranges (``_coverage_file``): fontTools decodes a cmap in Python,
    0.085 s a run for the bundled faces, on the way of every publish that plans an edition.  A
    kept file that is damaged, or was made from a font of another size, is made again."""
    kept = _coverage_file(font)
    size = font.stat().st_size
    if kept is not None:
        try:
            return _read_ranges(kept.read_bytes(), size)
        except (OSError, ValueError):
            pass
    from fontTools.ttLib import TTFont

    with TTFont(font, lazy=True) as ttf:
        points = frozenset(ttf.getBestCmap())
    if kept is not None:
        try:
            _write(kept, lambda: _ranges_bytes(points, size))
        except OSError:  # a cache that cannot be written: read from the font again next run
            pass
    return points


_CMAP_MAGIC = b"mfaic-workflow cmap 1"


def _coverage_file(font: Path) -> Path | None:
    """Where a face's code points are kept: beside it when it is one of the cache's own faces (its
    name says which bytes it holds), else (a package's variable font) under its bytes' digest."""
    folder = cache_folder()
    if font.parent == folder:
        return font.with_suffix(".cmap")
    try:
        return folder / f"{font.stem.split('[')[0]}-{_source_digest(font)}.cmap"
    except OSError:
        return None


def _ranges_bytes(points: frozenset[int], size: int) -> bytes:
    """``points`` as hexadecimal ranges, after a line naming the font's size and the ranges' digest."""
    ranges, start, last = [], None, None
    for point in sorted(points):
        if start is not None and point == last + 1:
            last = point
            continue
        if start is not None:
            ranges.append(f"{start:x}-{last:x}")
        start = last = point
    if start is not None:
        ranges.append(f"{start:x}-{last:x}")
    body = ",".join(ranges).encode("ascii")
    return b"%s %d %s\n%s" % (_CMAP_MAGIC, size, hashlib.sha256(body).hexdigest().encode(), body)


def _read_ranges(data: bytes, size: int) -> frozenset[int]:
    """The code points ``_ranges_bytes`` wrote for a font of ``size`` bytes; ValueError otherwise."""
    head, _, body = data.partition(b"\n")
    if head.rsplit(b" ", 2) != [_CMAP_MAGIC, str(size).encode(), hashlib.sha256(body).hexdigest().encode()]:
        raise ValueError("not the code points of this font")
    points: set[int] = set()
    for item in body.decode("ascii").split(",") if body else ():
        start, _, end = item.partition("-")
        points.update(range(int(start, 16), int(end, 16) + 1))
    return frozenset(points)


#: Categories never drawn, whose absence from a font is no missing glyph (spaces, controls).
NOT_DRAWN = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})


def not_drawn(text: Iterable[str], covered: frozenset[int]) -> list[str]:
    """The characters of ``text`` (in order, once each) that no font of ``covered``'s draws,
    spaces and controls aside: the one rule of the translations' check
    (``checks.characters.undrawable``) and of the print pages' (``missing_glyphs``)."""
    return list(dict.fromkeys(ch for ch in text if ord(ch) not in covered
                              and unicodedata.category(ch) not in NOT_DRAWN))


@lru_cache(maxsize=4)
def _covered(fonts: tuple[Path, ...]) -> frozenset[int]:
    """The code points any of ``fonts`` draws: one union a run, not one a print page."""
    return frozenset().union(*(coverage(f) for f in fonts))


def missing_glyphs(text: str, fonts: Iterable[Path]) -> set[str]:
    """Characters of ``text`` that no font in ``fonts`` can draw (here, with fontTools alone: the
    parent of the PDF workers checks every print page without importing WeasyPrint)."""
    return set(not_drawn(set(text), _covered(tuple(Path(f) for f in fonts))))


def _loads(path: Path) -> bool:
    """Whether a cached face is a whole font: its table directory reads, and every table it names
    lies inside the file (cheap: no table is parsed)."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        size = path.stat().st_size
        with TTFont(path, lazy=True) as font:
            tables = font.reader.tables
            return {"glyf", "cmap", "maxp"} <= set(tables) and all(
                entry.offset + entry.length <= size for entry in tables.values())
    except (TTLibError, OSError, ValueError, KeyError, AssertionError, EOFError, struct_error):
        return False


@lru_cache(maxsize=1)
def font_paths() -> dict[str, Path]:
    """Every bundled face's file (made on first use, then taken from the cache).

    Raises TypesetError when a font package is missing or no cache folder can be written.
    """
    try:
        return {name: _cached(face, cache_folder(), name) for name, face in FACES.items()}
    except OSError as exc:
        problem = exc
    # No cache can be written: a folder of this process's own, so that nobody else's files can
    # stand in for the fonts (a shared /tmp name could be made first by another user).
    try:
        private = Path(tempfile.mkdtemp(prefix="mfaic-workflow-fonts-"))
        return {name: _cached(face, private, name) for name, face in FACES.items()}
    except OSError as exc:
        raise TypesetError(f"the static fonts could not be written to {cache_folder()} ({problem}) nor to a "
                           f"temporary folder ({exc}); set XDG_CACHE_HOME to a folder you can write") from exc


def licence_paths() -> dict[str, Path]:
    """The licences of the npm faces (file name in ``output/assets/fonts`` → its file in the cache)."""
    font_paths()  # the same folder, or the same clear error
    folder = next(iter(font_paths().values())).parent
    return {name: _cached(packed, folder, name) for name, packed in LICENCES.items()}


def main() -> int:
    """``python -m workflow.pdf.fonts``: make every bundled face now (the Makefile runs it once)."""
    try:
        paths = font_paths()
        licence_paths()
    except TypesetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"fonts: {len(paths)} faces in {next(iter(paths.values())).parent}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
