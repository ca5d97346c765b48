"""Shared fixtures: the real corpus, the real judges (GNU gettext, poppler), a project copy."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

#: Not collected, not even for doctests (``--doctest-modules`` imports every module it finds):
#: ``support/no_harfbuzz_subset/sitecustomize.py`` patches cffi when imported, and imported into
#: the test process it hid HarfBuzz-Subset from every publish run in that process afterwards, so
#: the run record of an in-process publish disagreed with a publish in a subprocess. The bench
#: scripts are run by ``make bench``, never collected.
collect_ignore = ["support", "bench.py", "bench_checks.py"]

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
GOLDEN = Path(__file__).resolve().parent / "golden"


def corpus(*parts: str) -> Path:
    """A path in ../shared/corpus, or skip the test with the reason."""
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"the real corpus is not here: {path} (it lives in ../shared/corpus beside the clone)")
    return path


def tool(name: str) -> str:
    """The path of a command-line judge, or skip the test naming the package to install."""
    found = shutil.which(name)
    if found is None:
        package = {"msgfmt": "gettext", "msgcat": "gettext", "msgmerge": "gettext",
                   "pdftotext": "poppler-utils", "pdffonts": "poppler-utils", "pdfinfo": "poppler-utils",
                   "pdfdetach": "poppler-utils", "pdftoppm": "poppler-utils"}.get(name, name)
        pytest.skip(f"{name} is not installed (apt-get install {package}; .ci/run does)")
    return found


def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, errors="replace", **kwargs)


def squash(text: str) -> str:
    """Text without whitespace or zero-width/format (Cf) characters, for comparing what a PDF gives back."""
    return "".join(ch for ch in unicodedata.normalize("NFC", text)
                   if not ch.isspace() and unicodedata.category(ch) != "Cf")


def pdftotext(path: Path) -> str:
    """poppler's text of a whole PDF, in UTF-8."""
    result = run(tool("pdftotext"), "-enc", "UTF-8", str(path), "-")
    assert result.returncode == 0, result.stderr
    return result.stdout


#: A command of the tool in a child process that reports its peak memory: the parent's or its
#: PDF workers', whichever is larger.
_CHILD = """
import resource, sys
from workflow.cli import main
code = main(["--root", sys.argv[1], *sys.argv[2:]])
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"peak-rss-kb {max(own, workers)}", file=sys.stderr)
sys.exit(code)
"""


def run_in_child(root: Path, *args: str, timeout: int, hang: str) -> tuple[int, str, int]:
    """Exit code, stderr and peak resident memory (kB) of a command (``publish`` by default) run
    in a child process; one that does not finish within ``timeout`` seconds fails the test with
    ``hang`` (a regression fails instead of stalling the suite)."""
    try:
        done = subprocess.run([sys.executable, "-c", _CHILD, str(root), *(args or ("publish",))], cwd=ROOT,
                              capture_output=True, text=True, errors="replace", timeout=timeout,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{hang}\n{exc.stderr}")
    peak = [int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("peak-rss-kb ")]
    return done.returncode, done.stderr, peak[-1] if peak else 0


def copy_project(dest: Path, *, approval: bool = False) -> Path:
    """A copy of the project's sources (content, locale, settings) to build in isolation.

    Approval is off unless asked for: most tests change a translation and look at what it
    renders, and with approval on the issued edition (rightly) stays as it was approved.  The
    lifecycle has its own tests (tests/test_lifecycle.py), and ``published`` keeps the settings.
    """
    for name in ("content", "locale"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns(".*"))
    settings = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    if not approval:
        settings, count = re.subn(r"(?m)^approval = true$", "approval = false", settings)
        assert count == 1, "pyproject.toml has no 'approval = true' line"
    (dest / "pyproject.toml").write_text(settings, encoding="utf-8")
    return dest


def use_templates(project: Path, files: dict[str, str]) -> Path:
    """Give a project copy its own templates folder holding ``files`` (name → text) and point
    its settings at it, as an office that overrides the built-in templates does."""
    folder = project / "templates"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    settings = project / "pyproject.toml"
    text, count = re.subn(r'(?m)^pdf_variant = ".*"$', lambda m: m.group(0) + '\ntemplates = "templates"',
                          settings.read_text())
    assert count == 1, "pyproject.toml has no pdf_variant line to put the templates setting after"
    settings.write_text(text)
    return folder


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> Path:
    """The samples published once, in a copy of the project (shared by the end-to-end tests)."""
    from workflow.cli import main

    root = copy_project(tmp_path_factory.mktemp("published"), approval=True)
    assert main(["--root", str(root), "-q", "publish"]) == 0
    return root


@pytest.fixture
def project_copy(tmp_path) -> Path:
    return copy_project(tmp_path)
