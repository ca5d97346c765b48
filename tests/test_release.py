"""Reading a release: front matter, defaults and errors that name the line."""

import datetime as dt

import pytest

from workflow import release
from workflow.model import WorkflowError

GOOD = """---
title: A visit
date: 2024-02-07
lang: en
place: Phnom Penh
---

Body text.
"""


def test_reads_front_matter_and_body():
    rel = release.parse(GOOD, path="content/x.md", slug="x")
    assert rel.meta.title == "A visit"
    assert rel.meta.date == dt.date(2024, 2, 7)
    assert rel.meta.closing_date == dt.date(2024, 2, 7)  # issued defaults to the date
    assert rel.meta.department == ""
    assert rel.body.strip() == "Body text."
    assert rel.body_line == 7
    assert rel.field_lines["place"] == 5


@pytest.mark.parametrize("text, line, words", [
    (GOOD.replace("title: A visit\n", ""), 1, "'title' is missing"),
    (GOOD.replace("lang: en", "lang: de"), 4, "unknown language 'de'"),
    (GOOD.replace("date: 2024-02-07", "date: 7 February"), 3, "is not a date"),
    (GOOD.replace("date: 2024-02-07", "date: 2024-02-30"), 3, "is not a date"),
    (GOOD.replace("place: Phnom Penh", "place: [unclosed"), 5, "not valid YAML"),
    (GOOD.replace("place: Phnom Penh", "colour: blue"), 5, "unknown key 'colour'"),
    ("No front matter at all.\n", 1, "does not start with front matter"),
    ("---\ntitle: x\n", 1, "not closed"),
])
def test_errors_name_the_file_and_line(text, line, words):
    with pytest.raises(WorkflowError) as caught:
        release.parse(text, path="content/x.md", slug="x")
    assert caught.value.path == "content/x.md"
    assert caught.value.line == line
    assert words in str(caught.value)
    assert str(caught.value).startswith(f"content/x.md:{line}: ")


def test_invalid_utf8_names_the_line():
    data = GOOD.encode() + b"caf\xe9\n"
    with pytest.raises(WorkflowError, match=r"content/x.md:9: invalid UTF-8"):
        release.read(data, path="content/x.md", slug="x")


def test_bad_slug_is_refused():
    with pytest.raises(WorkflowError, match="not a valid slug"):
        release.parse(GOOD, path="content/My File.md", slug="My File")



def test_a_release_and_its_segments_keep_no_dict_through_the_parse_cache(tmp_path):
    """A run holds every release and segment read (issue 12, flat memory): they have slots, and
    what the parse cache gives back is equal to what was parsed, with slots still."""
    from types import SimpleNamespace

    from workflow import segment
    from workflow.parsecache import ParseCache

    rel = release.parse(GOOD, path="content/x.md", slug="x")
    found = segment.extract(rel)
    first = ParseCache(tmp_path)
    assert first.release(GOOD.encode(), "content/x.md", "x", lambda: (rel, found, [])) == (rel, found, [])
    first.save(SimpleNamespace(scratch=tmp_path, relative=str))
    back, back_found, _ = ParseCache(tmp_path).release(GOOD.encode(), "content/x.md", "x", lambda: None)
    assert back is not rel and (back, back_found) == (rel, found) and back.text == GOOD
    for value in (rel, rel.meta, *found, back, back.meta, *back_found):
        assert not hasattr(value, "__dict__")
