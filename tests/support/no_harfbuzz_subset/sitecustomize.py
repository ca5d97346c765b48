"""Put this folder on PYTHONPATH to run Python as on a machine without HarfBuzz-Subset.

WeasyPrint loads the library with cffi's ``FFI.dlopen`` by name; here every name of it is
refused as the dynamic loader refuses a library that is not installed, so WeasyPrint takes its
own fallback path (fontTools subsetting), exactly as on a fresh Debian machine with Pango and
without ``libharfbuzz-subset0``.  Nothing else is changed.
"""

import cffi

_dlopen = cffi.FFI.dlopen


def _dlopen_without_subset(self, name, flags=0):
    if name and "harfbuzz-subset" in str(name):
        raise OSError(f"cannot load library '{name}': hidden by tests/support/no_harfbuzz_subset")
    return _dlopen(self, name, flags)


cffi.FFI.dlopen = _dlopen_without_subset
