"""Where things live: the project's folders and its ``[tool.workflow]`` settings.

All paths are resolved here, at the edge; the stages take values, not paths.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from workflow import locales
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
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
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
    """Read ``[tool.workflow]`` from ``root/pyproject.toml``, with defaults."""
    root = root.resolve()
    pyproject = root / "pyproject.toml"
    settings = dict(_DEFAULTS)
    if pyproject.exists():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise WorkflowError(str(pyproject), None, f"not valid TOML: {exc}") from exc
        settings.update(data.get("tool", {}).get("workflow", {}))
    unknown = set(settings) - set(_DEFAULTS)
    if unknown:
        raise WorkflowError(str(pyproject), None, f"unknown [tool.workflow] settings: {sorted(unknown)}",
                            f"known settings are {sorted(_DEFAULTS)}")
    if settings["pdf_variant"] not in ("", "pdf/a-3b", "pdf/ua-1"):
        raise WorkflowError(str(pyproject), None, f"pdf_variant {settings['pdf_variant']!r} is not supported",
                            'use "", "pdf/a-3b" or "pdf/ua-1"')
    for lang in settings["languages"]:
        try:
            locales.check(lang)
        except locales.UnknownLanguage as exc:
            raise WorkflowError(str(pyproject), None, str(exc)) from exc
    return Project(root=root, languages=tuple(settings["languages"]),
                   fuzzy_threshold=int(settings["fuzzy_threshold"]),
                   pdf_variant=str(settings["pdf_variant"]),
                   templates=root / settings["templates"] if settings["templates"] else None,
                   approval=_boolean(settings["approval"], pyproject, "approval"))


def _boolean(value, pyproject: Path, key: str) -> bool:
    if not isinstance(value, bool):
        raise WorkflowError(str(pyproject), None, f"{key} = {value!r} is not true or false", f"write {key} = true")
    return value
