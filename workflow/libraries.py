"""The installed version of a library, read once a process.

Several digests name the libraries' versions: the run record (``runstate``), the parse cache,
the editions' keys (``buildcache``), the fonts' cache names and the engine digest.  Each
``importlib.metadata.version`` call scans the path and parses a METADATA file (1–20 ms); a
publish asked 47 times.  A process runs the code it loaded: a library upgraded while it runs
is seen by the next run, whose digests then differ.
"""

from __future__ import annotations

import functools
from importlib import metadata


@functools.cache
def version(name: str) -> str:
    """``importlib.metadata.version(name)``, once a process (PackageNotFoundError as it raises it,
    and asked again: a library missing is no answer to keep)."""
    return metadata.version(name)


def versions(names: tuple[str, ...]) -> dict[str, str]:
    """Each library's version, "-" for one not installed: what the digests name (the run record,
    the parse cache, the editions' keys)."""
    found = {}
    for name in names:
        try:
            found[name] = version(name)
        except metadata.PackageNotFoundError:
            found[name] = "-"
    return found


def import_weasyprint():
    """``import weasyprint``, without the library search that costs half of its import on Linux.

    WeasyPrint loads each C library (GObject, Pango, HarfBuzz, HarfBuzz-Subset, HarfBuzz-Vector,
    Fontconfig, PangoFT2) by trying several names in turn through cffi, and cffi hands every name
    that is not a file name to ``ctypes.util.find_library``, which on Linux runs ``ldconfig -p``,
    then ``gcc`` and ``ld`` for each name it does not find: 22 searches, about 0.45 s of the 1.0 s
    import, in every process that typesets (measured in notes/pipeline-performance.md).  Each
    library's list also holds its file name (``libpango-1.0.so.0``), which the dynamic loader opens
    directly, searching where it will search anyway when the program runs.  So on Linux the search
    is skipped while WeasyPrint loads; if that fails to load anything WeasyPrint needs (a library
    only ``gcc`` could find), the import is done again as WeasyPrint does it, and its own message
    is said if that fails too.  ``import weasyprint`` anywhere after this is the module loaded here.
    """
    import sys

    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        import weasyprint

        return weasyprint
    import contextlib
    import ctypes.util
    import io

    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # WeasyPrint prints why it failed: said below if it does
            import weasyprint
        return weasyprint
    except OSError:
        for name in [name for name in sys.modules if name == "weasyprint" or name.startswith("weasyprint.")]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = search
    import weasyprint

    return weasyprint
