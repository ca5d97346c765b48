"""workflow.project: the settings in pyproject.toml and where things live; nothing is built.

Every wrong setting is a WorkflowError naming pyproject.toml, the setting's line and what to
write instead, and the CLI turns it into exit code 2 (a configuration error) before doing anything.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from workflow import project as project_io
from workflow.cli import EXIT_USAGE, main
from workflow.model import WorkflowError

from .conftest import ROOT

HEAD = "[project]\nname = \"press-office\"\n\n[tool.workflow]\n"


def _settings(root: Path, lines: str) -> Path:
    """A project folder whose pyproject.toml has ``lines`` under [tool.workflow] (from line 5)."""
    root.mkdir(exist_ok=True)
    (root / "pyproject.toml").write_text(HEAD + lines, encoding="utf-8")
    return root


def test_the_projects_own_settings_are_read():
    project = project_io.load(ROOT)
    assert project.languages == ("km", "en", "fr")
    assert project.fuzzy_threshold == 80 and project.pdf_variant == "" and project.approval is True
    assert project.templates is None
    assert project.catalog_path("fr", "ui") == ROOT / "locale/fr/LC_MESSAGES/ui.po"
    assert project.template_path("ui") == ROOT / "locale/templates/ui.pot"


def test_without_settings_the_defaults_hold(tmp_path):
    for text in (None, "[project]\nname = \"x\"\n", "[tool.other]\nkey = 1\n"):
        if text is not None:
            (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
        project = project_io.load(tmp_path)
        assert (project.languages, project.fuzzy_threshold, project.pdf_variant, project.templates,
                project.approval) == (("km", "en", "fr"), 80, "", None, True)
        assert project.root == tmp_path.resolve()


def test_every_setting_is_read(tmp_path):
    root = _settings(tmp_path, 'languages = ["fr", "en"]\nfuzzy_threshold = 0\npdf_variant = "pdf/ua-1"\n'
                               'templates = "ours"\napproval = false\n')
    project = project_io.load(root)
    assert project.languages == ("fr", "en")  # in the order written: the first is no default
    assert (project.fuzzy_threshold, project.pdf_variant, project.approval) == (0, "pdf/ua-1", False)
    assert project.templates == root.resolve() / "ours"


@pytest.mark.parametrize("lines, line, says", [
    ('approval = true\nlanguages = "km"\n', 6, "languages = 'km' is not a list of language codes"),
    ("languages = []\n", 5, "languages = [] is not a list of language codes"),
    ('languages = ["km", 3]\n', 5, "is not a list of language codes"),
    ('languages = ["km", "fr", "km"]\n', 5, "is not a list of different languages"),
    ('languages = ["km", "xx"]\n', 5, "unknown language 'xx'"),
    ("fuzzy_threshold = 101\n", 5, "fuzzy_threshold = 101 is not a whole number from 0 to 100"),
    ("fuzzy_threshold = true\n", 5, "fuzzy_threshold = True is not a whole number from 0 to 100"),
    ("fuzzy_threshold = 80.5\n", 5, "is not a whole number from 0 to 100"),
    ('pdf_variant = "pdf/x-4"\n', 5, "pdf_variant 'pdf/x-4' is not supported"),
    ("templates = 3\n", 5, "templates = 3 is not a folder's name"),
    ('\n\napproval = "yes"\n', 7, "approval = 'yes' is not true or false"),
])
def test_a_setting_of_the_wrong_kind_names_its_line_and_what_to_write(tmp_path, lines, line, says):
    root = _settings(tmp_path, lines)
    with pytest.raises(WorkflowError) as caught:
        project_io.load(root)
    error = caught.value
    assert error.path == str(root.resolve() / "pyproject.toml")
    assert error.line == line
    assert says in error.message
    assert error.hint  # what to write instead


def test_a_long_wrong_value_is_shortened_in_the_message(tmp_path):
    root = _settings(tmp_path, f'languages = "{"k" * 500}"\n')
    with pytest.raises(WorkflowError) as caught:
        project_io.load(root)
    assert "…" in caught.value.message and len(caught.value.message) < 120


@pytest.mark.parametrize("text, line, says", [
    ("[tool]\nworkflow = 3\n", 1, "[tool.workflow] must be a table of settings"),
    ("[tool.workflow]\nlanguage = [\"km\"]\n", None, "unknown [tool.workflow] settings: ['language']"),
    ("[tool.workflow\n", None, "not valid TOML"),
])
def test_a_settings_file_that_is_not_settings(tmp_path, text, line, says):
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    with pytest.raises(WorkflowError) as caught:
        project_io.load(tmp_path)
    assert caught.value.line == line and says in caught.value.message


def test_a_settings_file_that_is_not_utf8(tmp_path):
    (tmp_path / "pyproject.toml").write_bytes(b"[tool.workflow]\napproval = true # \xe9t\xe9\n")
    with pytest.raises(WorkflowError, match="not valid UTF-8 — save it as UTF-8"):
        project_io.load(tmp_path)


@pytest.mark.parametrize("command", [["status"], ["check"], ["update-po"], ["publish"],
                                     ["approve", "--release", "x", "--lang", "fr", "--by", "Sokha Chan"]])
def test_the_cli_stops_on_a_wrong_setting_with_exit_2_and_its_line(tmp_path, capsys, command):
    root = _settings(tmp_path, 'languages = ["km", "en"]\nfuzzy_threshold = "high"\n')
    assert main(["--root", str(root), "-q", *command]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert f"{root.resolve() / 'pyproject.toml'}:6: fuzzy_threshold = 'high' is not a whole number from 0 to 100 — " \
           "write e.g. fuzzy_threshold = 80" in err
    assert "Traceback" not in err
    assert not (root / "output").exists() and not (root / "locale").exists()  # nothing was done


def test_a_settings_file_that_is_a_folder_is_refused_with_exit_2(tmp_path, capsys):
    (tmp_path / "pyproject.toml").mkdir()
    assert main(["--root", str(tmp_path), "status"]) == EXIT_USAGE
    assert "pyproject.toml: is a folder, not a settings file; it is not read" in capsys.readouterr().err


def test_paths_are_shown_relative_to_the_project_and_links_by_their_own_name(tmp_path):
    project = project_io.load(_settings(tmp_path, ""))
    assert project.relative(project.catalog_path("fr", "x")) == "locale/fr/LC_MESSAGES/x.po"
    elsewhere = tmp_path.parent / f"{tmp_path.name}-translations"
    elsewhere.mkdir()
    (tmp_path / "locale").symlink_to(elsewhere)
    assert project.relative(tmp_path / "locale" / "km") == "locale/km"  # the link, not where it leads
    assert project.relative(Path("/etc/passwd")) == "/etc/passwd"


def test_files_that_look_like_releases_but_are_not_read_say_why(tmp_path):
    project = project_io.load(_settings(tmp_path, ""))
    project.content.mkdir()
    for name in ("a.md", ".draft.md", "b.markdown", "c.MD", "notes.txt", "photo.jpg", ".md"):
        (project.content / name).write_text("---\n", encoding="utf-8")
    assert [p.name for p in project.release_paths()] == ["a.md"]
    unread = {p.name: project.why_unread(p) for p in project.unread_content()}
    assert sorted(unread) == [".draft.md", "b.markdown", "c.MD", "notes.txt"]
    assert "rename it to draft.md to publish it" in unread[".draft.md"]
    assert "rename it to b.md to publish it" in unread["b.markdown"]
