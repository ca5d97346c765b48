"""Where things live: the project's folders and its ``[tool.workflow]`` settings.

All paths are resolved here, at the edge; the stages take values, not paths.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from workflow.lang import locales
from workflow.fsutil import MAX_TEMPLATE_BYTES, read_input
from workflow.model import WorkflowError

#: Name of the catalog holding the templates' own strings (letterhead, labels).
UI_DOMAIN = "ui"

#: Suffixes of files an editor may have meant as a release.
_RELEASE_LIKE = {".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".txt", ".text"}

_DEFAULTS = {
    "languages": ["km", "en", "fr"],
    "fuzzy_threshold": 80,
    "pdf_variant": "",
    "templates": "",
    "approval": True,
}


@dataclass(frozen=True)
class Project:
    """The folders of one project and its settings."""

    root: Path
    languages: tuple[str, ...]
    fuzzy_threshold: int = 80  #: 0–100 similarity for fuzzy matches and the translation memory
    pdf_variant: str = ""  #: "", "pdf/a-3b" or "pdf/ua-1"
    templates: Path | None = None  #: a folder of templates that replace the package's own, by name
    approval: bool = True  #: an edition is issued only once a reviewer approved it (else: the gate alone)

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def locale(self) -> Path:
        return self.root / "locale"

    @property
    def output(self) -> Path:
        return self.root / "output"

    @property
    def scratch(self) -> Path:
        """Where files are written before being renamed into place (outside output/)."""
        return self.root / ".publish-tmp"

    def template_path(self, domain: str) -> Path:
        return self.locale / "templates" / f"{domain}.pot"

    def catalog_path(self, lang: str, domain: str) -> Path:
        return self.locale / lang / "LC_MESSAGES" / f"{domain}.po"

    def relative(self, path: Path) -> str:
        """A path as users see it in messages and PO references."""
        try:  # as it is named in the project: a link is named, not what it leads to
            return Path(os.path.abspath(path)).relative_to(self.root).as_posix()
        except ValueError:
            pass
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except (ValueError, RuntimeError, OSError):  # RuntimeError: a loop of links (Python 3.11)
            return str(path)

    def release_paths(self) -> list[Path]:
        return sorted(p for p in self.content.glob("*.md") if not p.name.startswith("."))

    def unread_content(self) -> list[Path]:
        """Files in ``content/`` that look like releases but are not read (``.markdown``, ``.MD``,
        ``.txt``…, and hidden ones, ``.draft.md``): only ``*.md`` files are releases, and a name
        starting with '.' is hidden.  :meth:`why_unread` says why, for each."""
        return sorted(p for p in self.content.glob("*") if p.is_file() and (
            p.name.startswith(".") and p.suffix == ".md" and p.name != ".md"
            or not p.name.startswith(".") and p.suffix != ".md" and p.suffix.lower() in _RELEASE_LIKE))

    def why_unread(self, path: Path) -> str:
        """Why a file of :meth:`unread_content` is not read, and what to do."""
        if path.name.startswith("."):
            return (f"not read: a name starting with '.' is hidden; rename it to {path.name.lstrip('.')} "
                    "to publish it")
        return (f"not read: only files ending in '.md' are releases; rename it to {path.stem}.md to publish "
                "it, or move it out of content/")


def load(root: Path) -> Project:
    """Read ``[tool.workflow]`` from ``root/pyproject.toml``, with defaults.

    Raises WorkflowError naming the setting's line for a value of the wrong kind."""
    root = root.resolve()
    pyproject = root / "pyproject.toml"
    settings = dict(_DEFAULTS)
    text = ""
    if pyproject.exists():
        try:
            text = read_input(pyproject, limit=MAX_TEMPLATE_BYTES, root=root, what="settings file").decode("utf-8")
            data = tomllib.loads(text)
        except UnicodeDecodeError as exc:
            raise WorkflowError(str(pyproject), None, "not valid UTF-8", "save it as UTF-8") from exc
        except tomllib.TOMLDecodeError as exc:
            raise WorkflowError(str(pyproject), None, f"not valid TOML: {exc}") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise WorkflowError(str(pyproject), None, f"cannot be read: {exc}") from exc
        tool = data.get("tool", {})
        workflow = tool.get("workflow", {}) if isinstance(tool, dict) else None
        if not isinstance(workflow, dict):
            raise WorkflowError(str(pyproject), _line(text, "tool") or _line(text, "workflow"),
                                "[tool.workflow] must be a table of settings", "write the settings under a "
                                "'[tool.workflow]' line, one 'name = value' a line")
        settings.update(workflow)
    unknown = set(settings) - set(_DEFAULTS)
    if unknown:
        raise WorkflowError(str(pyproject), None, f"unknown [tool.workflow] settings: {sorted(unknown)}",
                            f"known settings are {sorted(_DEFAULTS)}")

    def wrong(key: str, what: str, hint: str) -> WorkflowError:
        shown = repr(settings[key])
        shown = shown if len(shown) <= 60 else shown[:60] + "…"
        return WorkflowError(str(pyproject), _line(text, key), f"{key} = {shown} is not {what}", hint)

    if settings["pdf_variant"] not in ("", "pdf/a-3b", "pdf/ua-1"):
        raise WorkflowError(str(pyproject), _line(text, "pdf_variant"),
                            f"pdf_variant {settings['pdf_variant']!r} is not supported", 'use "", "pdf/a-3b" or "pdf/ua-1"')
    languages = settings["languages"]
    if not (isinstance(languages, list) and languages and all(isinstance(lang, str) for lang in languages)):
        raise wrong("languages", "a list of language codes", 'write e.g. languages = ["km", "en", "fr"]')
    if len(set(languages)) != len(languages):
        raise wrong("languages", "a list of different languages", "name each language once")
    for lang in languages:
        try:
            locales.check(lang)
        except locales.UnknownLanguage as exc:
            message, _, hint = str(exc).partition("; ")  # "unknown language 'xx'", "use one of …"
            raise WorkflowError(str(pyproject), _line(text, "languages"), message, hint) from exc
    threshold = settings["fuzzy_threshold"]
    if isinstance(threshold, bool) or not isinstance(threshold, int) or not 0 <= threshold <= 100:
        raise wrong("fuzzy_threshold", "a whole number from 0 to 100", "write e.g. fuzzy_threshold = 80")
    if not isinstance(settings["templates"], str):
        raise wrong("templates", "a folder's name", 'write e.g. templates = "templates", or leave it out')
    return Project(root=root, languages=tuple(languages), fuzzy_threshold=threshold,
                   pdf_variant=settings["pdf_variant"],
                   templates=root / settings["templates"] if settings["templates"] else None,
                   approval=_boolean(settings["approval"], pyproject, "approval", text))


def _line(text: str, key: str) -> int | None:
    """The line of the first ``key = …`` (or ``[key…``) in a TOML file, for messages."""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith(key) and stripped[len(key):].lstrip().startswith(("=", ".", "]")) or \
                stripped.startswith(f"[{key}"):
            return number
    return None


def _boolean(value, pyproject: Path, key: str, text: str = "") -> bool:
    if not isinstance(value, bool):
        raise WorkflowError(str(pyproject), _line(text, key), f"{key} = {value!r} is not true or false",
                            f"write {key} = true")
    return value
