"""``workflow.pages``: what a run takes down of a release whose source is gone."""

from __future__ import annotations

from workflow.pages import _VERSIONED, _pages_of_gone


def test_the_pages_of_gone_releases_are_named_as_glob_would_list_them(tmp_path):
    folder = tmp_path / "fr"
    folder.mkdir()
    for name in ["b.html", "a.html", "a.pdf", "a.v2.html", "kept.html", "kept.pdf", "index.html", ".hidden.html",
                 "notes.txt", "c.pdf"]:
        (folder / name).write_text("x")
    (folder / "d.html").mkdir()  # a folder with a page's name is listed too, as glob("*.html") lists it
    assert _pages_of_gone(folder, {"kept"}) == [".hidden.html", "a.html", "a.v2.html", "b.html", "d.html",
                                                "a.pdf", "c.pdf"]
    listed = sorted(folder.glob("*.html")) + sorted(folder.glob("*.pdf"))  # what it listed before
    assert _pages_of_gone(folder, {"kept"}) == [p.name for p in listed
                                                if _VERSIONED.sub("", p.stem) not in ("index", "kept")]
    assert _pages_of_gone(folder, {"kept", "a", "b", "c", "d", ".hidden"}) == []
    assert _pages_of_gone(tmp_path / "none", set()) == []
    (tmp_path / "file").write_text("x")
    assert _pages_of_gone(tmp_path / "file", set()) == []
