"""The bundled fonts: static instances of the Noto variable fonts from PyPI, made once per machine.

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
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from importlib import metadata
from struct import error as struct_error
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import fontpkg

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


#: Bundled faces: file name in ``output/assets/fonts`` → the face (``edition.css`` names them).
FACES: dict[str, Face] = {
    "NotoSerif-Regular.ttf": Face("Noto Serif", "normal", 400),
    "NotoSerif-Bold.ttf": Face("Noto Serif", "normal", 700),
    "NotoSerif-Italic.ttf": Face("Noto Serif", "italic", 400),
    "NotoSerif-BoldItalic.ttf": Face("Noto Serif", "italic", 700),
    "NotoSansKhmer-Regular.ttf": Face("Noto Sans Khmer", "normal", 400),
    "NotoSansKhmer-Bold.ttf": Face("Noto Sans Khmer", "normal", 700),
}


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
    data = variable.read_bytes() + f"fonttools={metadata.version('fonttools')}".encode()
    return hashlib.sha256(data).hexdigest()[:20]


def _cached(face: Face, folder: Path) -> Path:
    variable = _variable_font(face)
    path = folder / f"{variable.stem.split('[')[0]}-{_source_digest(variable)}-{face.weight}.ttf"
    if path.is_file() and _loads(path):
        return path  # else: damaged in the cache (by hand, a full disk): made again
    folder.mkdir(parents=True, exist_ok=True)
    # Made beside its place and renamed into it: two runs at once never see half a font.
    fd, scratch = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(instance_bytes(variable.read_bytes(), face.weight))
        os.chmod(scratch, 0o644)  # a cache others on the machine may read
        os.replace(scratch, path)
    finally:
        if os.path.exists(scratch):
            os.unlink(scratch)
    return path


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
        return {name: _cached(face, cache_folder()) for name, face in FACES.items()}
    except OSError as exc:
        problem = exc
    # No cache can be written: a folder of this process's own, so that nobody else's files can
    # stand in for the fonts (a shared /tmp name could be made first by another user).
    try:
        private = Path(tempfile.mkdtemp(prefix="mfaic-workflow-fonts-"))
        return {name: _cached(face, private) for name, face in FACES.items()}
    except OSError as exc:
        raise TypesetError(f"the static fonts could not be written to {cache_folder()} ({problem}) nor to a "
                           f"temporary folder ({exc}); set XDG_CACHE_HOME to a folder you can write") from exc
