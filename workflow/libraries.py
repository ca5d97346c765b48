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
