"""workflow.libraries: WeasyPrint loaded without ctypes' library search, and the same libraries
found as WeasyPrint finds them itself (each in a fresh process: an import is once a process)."""

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the search is skipped on Linux only")

#: What a process loaded: whether each optional library was found, and how many searches ran.
_REPORT = """
import ctypes.util, json, sys
searched = []
search = ctypes.util.find_library
ctypes.util.find_library = lambda name: searched.append(name) or search(name)
{setup}
from weasyprint.text import ffi
print(json.dumps({{"subset": ffi.harfbuzz_subset is not None, "vector": ffi.harfbuzz_vector is not None,
                  "searched": len(searched), "search_restored": ctypes.util.find_library.__name__ == "<lambda>"}}))
"""


def _run(setup: str) -> tuple[dict, str]:
    done = subprocess.run([sys.executable, "-c", _REPORT.format(setup=setup)], capture_output=True, text=True,
                          check=True)
    *said, last = done.stdout.strip().splitlines()
    return json.loads(last), "\n".join(said)


def test_weasyprint_loads_the_same_libraries_without_searching():
    ours, said = _run("from workflow import libraries; libraries.import_weasyprint()")
    theirs, _ = _run("import weasyprint")
    assert ours["searched"] == 0, "ctypes.util.find_library ran while WeasyPrint loaded"
    assert theirs["searched"] > 0  # what is saved: WeasyPrint alone searches for most names
    assert (ours["subset"], ours["vector"]) == (theirs["subset"], theirs["vector"])
    assert ours["search_restored"], "ctypes.util.find_library was left replaced"
    assert said == ""


def test_a_library_the_loader_cannot_open_by_name_is_searched_for_as_weasyprint_does():
    """When opening by file name loads nothing (a library only the search finds), the import is
    done again with the search, WeasyPrint works, and its failure message of the first try is not
    printed."""
    setup = """
import cffi.api
opened = cffi.api.FFI.dlopen
def dlopen(self, name, flags=0):
    path = ctypes.util.find_library(name)  # the only way this machine finds a library
    if path is None:
        raise OSError(f"cannot load library {name!r}")
    return opened(self, path, flags)
cffi.api.FFI.dlopen = dlopen
from workflow import libraries
weasyprint = libraries.import_weasyprint()
assert weasyprint.HTML(string="<p>x</p>").write_pdf().startswith(b"%PDF")
"""
    ours, said = _run(setup)
    assert ours["searched"] > 0 and ours["search_restored"]
    assert "could not import some external libraries" not in said
