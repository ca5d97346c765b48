"""Review pages: every segment side by side, and what changed in the source since translation."""

from html.parser import HTMLParser

from workflow.cli import main

BELGIUM = "2024-02-07-cambodia-belgium-consultations"


class Cells(HTMLParser):
    def __init__(self, text):
        super().__init__()
        self.cells, self._cell, self._tag = [], None, None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "td" and "cell" in attrs.get("class", ""):
            self._cell = {"state": attrs["class"].split()[1], "lang": attrs["lang"], "del": [], "ins": [], "text": ""}
            self.cells.append(self._cell)
        self._tag = tag

    def handle_endtag(self, tag):
        self._tag = None

    def handle_data(self, data):
        if self._cell is not None:
            if self._tag in ("del", "ins"):
                self._cell[self._tag].append(data)
            self._cell["text"] += data


def test_review_shows_every_segment_and_the_source_diff(project_copy):
    source = project_copy / "content" / f"{BELGIUM}.md"
    source.write_text(source.read_text(encoding="utf-8").replace(
        "They also discussed on the possibility", "They also discussed the possibility"), encoding="utf-8")
    assert main(["--root", str(project_copy), "-q", "publish"]) == 0
    page = (project_copy / "output/review" / f"{BELGIUM}.html").read_text(encoding="utf-8")
    cells = Cells(page).cells
    assert len(cells) == 8 * 3  # 3 front-matter fields and 5 paragraphs, in km, en and fr
    fuzzy = [c for c in cells if c["state"] == "fuzzy"]
    assert sorted(c["lang"] for c in fuzzy) == ["fr", "km"]
    for cell in fuzzy:
        assert [d.strip() for d in cell["del"]] == ["on"] and cell["ins"] == []  # a word and its space
    assert {c["state"] for c in cells} == {"source", "final", "fuzzy"}
    assert [c["lang"] for c in cells if c["state"] == "source"] == ["en"] * 8


def test_the_review_page_shows_the_editions_own_judgement(monkeypatch):
    """One function decides what a translation may be (workflow.editions.judge): the review page
    asks it, so a cell can never say "final" where the edition publishes the source instead."""
    import polib

    from workflow import checks, editions, review
    from workflow.model import Segment

    po = polib.POFile()
    po.append(polib.POEntry(msgid="Both sides agreed.", msgstr="Les deux parties sont convenues."))
    segment = Segment("Both sides agreed.", "paragraph", "x.md", 1)
    cell = lambda: review._cell("fr", segment, po, "en", None)  # noqa: E731
    assert cell().state == "final"
    for severity, state in ((checks.Severity.REJECT, "rejected"), (checks.Severity.ERROR, "error")):
        problem = checks.Problem("numbers", severity, "judged so by editions.judge")
        text = None if severity is checks.Severity.REJECT else po[0].msgstr
        monkeypatch.setattr(editions, "judge", lambda *a, problem=problem, text=text, **k: editions.Judged(text, (problem,)))
        assert (cell().state, cell().note) == (state, str(problem))
