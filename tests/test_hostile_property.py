"""Property: whatever a translator types, no link, image, address or invisible character the source
lacks reaches the published HTML or PDF, the run finishes, and no translation is lost (issue 14).

Hypothesis writes hostile translations — inline and reference-style links, images, autolinks,
raw HTML, entities, bare URLs and addresses in several disguises, control, format, private-use
and undrawable characters, thousands of ``[`` and texts up to the segment limit — into entries
of the real sample catalogs (a release's, and the templates' ``ui.po``), in a copy of the
project, and publishes it for real in a child process (a hang guard, not a timing).  The pages
are compared with a first publish of the untouched copy: every link, image and typed address
of a page must be one the untouched pages already had.  PDFs are slow: their links (pypdf) and
text (pdftotext) are compared for every fifth example.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import polib
import pypdf
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.conftest import copy_project, pdftotext
from tests.test_hostile_content import BELGIUM, FRANCOPHONIE, MFA, NEW_FR, NEW_KM, NEW_SEGMENT
from workflow.checks import characters, markup

BOUND = 600  #: a publish of the samples takes 5 to 40 s here: longer is a hang
LANGS = ("km", "en", "fr")
TARGETS = (("fr", BELGIUM), ("km", BELGIUM), ("km", FRANCOPHONIE), ("en", FRANCOPHONIE), ("km", "ui"), ("fr", "ui"))


class _Page(HTMLParser):
    """A page's links and images, and its text (what a reader, or a PDF viewer, sees)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.urls: Counter[str] = Counter()
        self.images = 0
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.images += tag == "img"
        self.urls.update(value for name, value in attrs if name in ("href", "src") and value and tag in ("a", "img"))

    def handle_data(self, data):
        self.text.append(data)


def _publish(root: Path) -> subprocess.CompletedProcess:
    (root / "output" / ".last-run.json").unlink(missing_ok=True)
    return subprocess.run([sys.executable, "-m", "workflow", "--root", str(root), "-q", "publish"],
                          capture_output=True, text=True, timeout=BOUND, cwd=Path(__file__).resolve().parents[1])


def _catalog(root: Path, lang: str, domain: str) -> Path:
    return root / "locale" / lang / "LC_MESSAGES" / f"{domain}.po"


def _pages(root: Path) -> dict[Path, _Page]:
    return {path: _Page(path.read_text(encoding="utf-8")) for lang in LANGS
            for path in sorted((root / "output" / lang).glob("*.html"))}


def _addresses(page: _Page) -> Counter[str]:
    text = "".join(page.text)
    return Counter(markup._address_key(m.group(0)) for m in markup._TYPED.finditer(markup._plain(text)))


def _pdf_links(path: Path) -> set[str]:
    found = set()
    for page in pypdf.PdfReader(path).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action.get_object():
                found.add(str(action.get_object()["/URI"]))
    return found


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """The samples with a reference-style link, its definition and a relative link in the Belgian
    release (so that a translation has definitions to smuggle), translated, published once."""
    root = copy_project(tmp_path_factory.mktemp("property"))
    source = root / "content" / f"{BELGIUM}.md"
    source.write_text(source.read_text(encoding="utf-8") + f"\n{NEW_SEGMENT}\n\n[mfa]: {MFA}\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "workflow", "--root", str(root), "-q", "update-po"], check=True,
                   timeout=BOUND, cwd=Path(__file__).resolve().parents[1])
    for lang, text in (("fr", NEW_FR), ("km", NEW_KM)):
        path = _catalog(root, lang, BELGIUM)
        po = polib.pofile(str(path), wrapwidth=79)
        po.find(NEW_SEGMENT).msgstr = text
        po.save(str(path))
    result = _publish(root)
    assert result.returncode == 0, result.stderr
    pages = _pages(root)
    baseline = {  # per page: a link the source has, smuggled into a second paragraph, is one too many
        "urls": {path: page.urls for path, page in pages.items()},
        "images": {path: page.images for path, page in pages.items()},
        "addresses": {path: _addresses(page) for path, page in pages.items()},
        "pdf_links": {pdf: _pdf_links(pdf) for pdf in (root / "output").glob("*/*.pdf")},
    }
    assert baseline["urls"][root / "output" / "fr" / f"{BELGIUM}.html"][MFA] == 1
    assert set().union(*baseline["pdf_links"].values()) == {MFA}
    originals = {target: _catalog(root, *target).read_bytes() for target in TARGETS}
    entries = [(target, entry.msgid) for target in TARGETS
               for entry in polib.pofile(str(_catalog(root, *target))) if entry.msgstr and not entry.obsolete]
    return _Project(root, baseline, originals, entries)


class _Project(tuple):
    def __new__(cls, *values):
        return super().__new__(cls, values)

    def __repr__(self) -> str:  # hypothesis prints the arguments of a failing example: keep it short
        return f"<the hostile property project in {self[0]}>"


# ------------------------------------------------------------ what a hostile translator types

HOSTS = st.sampled_from(["evil.example", "EVIL.example", "ｅｖｉｌ．example", "203.0.113.7", "xn--mfaic-9ta.example",
                         "www.mfaic.gov.kh.evil.example", "mfaic.gov.kh@evil.example"])
SCHEMES = st.sampled_from(["https://", "http://", "HTTPS://", "ftp://", "www.", "//", "javascript:", "data:",
                           "file:///", "mailto:x@", "ｈｔｔｐｓ://"])
URL = st.builds(lambda scheme, host, path: f"{scheme}{host}/{path}", SCHEMES, HOSTS,
                st.text(alphabet="abc/?=&%#.-_~", max_size=12))
WORDS = st.sampled_from(["le site", "ici", "ទីនេះ", "voir", "mfa", "MFA", ""])
#: No surrogate (no UTF-8 file holds one) and no NUL (a PO file cannot: test_hostile_values has it).
CONTROLS = st.characters(categories=["Cc", "Cf", "Co", "Zl", "Zp"], exclude_characters="\n\x00")
#: What makes a link, an image or an address, in every form Markdown or a PDF viewer knows.
LINKISH = st.one_of(
    st.builds("[{}][{}]".format, WORDS, st.sampled_from(["mfa", "MFA", "", " mfa", "evil"])),
    st.sampled_from(["[mfa]", "[mfa][]", "[MFA] []", "[le site] [mfa]", "[le site]\n[mfa]", "![x][mfa]", "![mfa]"]),
    URL,  # bare
    st.builds("[{}]({})".format, WORDS, URL),
    st.builds('[{}]({} "title")'.format, WORDS, URL),
    st.builds("![{}]({})".format, WORDS, URL),
    st.sampled_from(["![](annex.pdf)", "[![x](annex.pdf)](annex.pdf)", "[x](annex.pdf)", f"[x]({MFA})"]),
    st.builds("<{}>".format, URL),
    st.sampled_from(["<x@evil.example>", "<mailto:x@evil.example>", "<https://evil.example\t/x>", "<www.evil.example>",
                     "contact@evil.example", "ｗｗｗ．evil．example", "មើលwww.evil.example"]),
    st.builds('<a href="{}">x</a>'.format, URL),
    st.sampled_from(["&#104;ttps://evil.example", "&#x5B;x&#x5D;(https://evil.example)", "&#91;mfa&#93;",
                     "www&#46;evil&#46;example", "x&#64;evil.example"]),
)
#: Everything else a hostile or careless translator types.
OTHER = st.one_of(
    st.sampled_from(['<img src="https://evil.example/x.png">', "<script>alert(1)</script>", '<iframe src="//evil.example">',
                     "<!-- x -->", "<meta http-equiv=refresh content='0;url=//evil.example'>", "&lt;a&gt;", "&amp;",
                     "&nbsp;"]),
    st.builds(lambda chars: "".join(chars), st.lists(CONTROLS, min_size=1, max_size=3)),
    st.sampled_from(["\U0001f600", "\u2603\ufe0f", "\U0001f1f0\U0001f1ed", "\u200b", "\u200d", "\u00ad"]),
    st.builds(lambda n: "[" * n, st.integers(0, 1500)),  # past MAX_BRACKETS
    st.builds(lambda n: "mot " * n, st.integers(0, 5000)),  # up to MAX_SEGMENT (20,000 characters)
    st.builds(lambda n: "*" * n + "_" * n, st.integers(0, 200)),
)
FRAGMENT = st.one_of(LINKISH, OTHER)
#: At least one link-like fragment, then up to three of anything.
HOSTILE = st.builds(lambda first, rest: " ".join([first, *rest]), LINKISH, st.lists(FRAGMENT, max_size=3))


@st.composite
def tamperings(draw, entries):
    """One to three entries of the sample catalogs, each with a hostile text around its translation;
    the first is a release's (whose source has link definitions to smuggle), the others any."""
    releases = [e for e in entries if e[0][1] != "ui"]
    first = draw(st.sampled_from(releases))
    chosen = [first] + [e for e in draw(st.lists(st.sampled_from(entries), max_size=2, unique=True)) if e != first]
    how = st.sampled_from(["append", "prepend", "replace", "insert"])
    return [(target, msgid, draw(how), draw(HOSTILE)) for target, msgid in chosen]


def _apply(root: Path, changes) -> dict[tuple[str, str], dict[str, str]]:
    """Write the hostile texts; return what each catalog's translations then are."""
    written: dict[tuple[str, str], dict[str, str]] = {}
    for target in {c[0] for c in changes}:
        path = _catalog(root, *target)
        po = polib.pofile(str(path), wrapwidth=79)
        for _, msgid, how, hostile in (c for c in changes if c[0] == target):
            entry = po.find(msgid)
            old = entry.msgstr
            middle = len(old) // 2
            entry.msgstr = {"append": f"{old} {hostile}", "prepend": f"{hostile} {old}", "replace": hostile,
                            "insert": f"{old[:middle]}{hostile}{old[middle:]}"}[how]
        po.save(str(path))
        written[target] = _texts(path)
    return written


def _texts(path: Path) -> dict[str, str]:
    """A catalog's translations as polib reads them: not through the project's reader, which
    refuses a catalog over its limits (200 brackets in a translation) and leaves it as it is."""
    return {e.msgid: e.msgstr for e in polib.pofile(str(path), wrapwidth=79) if not e.obsolete}


_EXAMPLES = {"count": 0}


@settings(max_examples=20, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_no_hostile_translation_reaches_the_pages(project, data):
    root, baseline, originals, entries = project
    changes = data.draw(tamperings(entries))
    try:
        written = _apply(root, changes)
        result = _publish(root)  # a hang is a TimeoutExpired: the run must finish
        assert result.returncode in (0, 1), result.stderr
        assert "Traceback" not in result.stderr, result.stderr
        pages = _pages(root)
        for path, page in pages.items():
            assert not page.urls - baseline["urls"][path], (path, page.urls - baseline["urls"][path])
            assert page.images <= baseline["images"][path], path
            shown = _addresses(page)
            assert not shown - baseline["addresses"][path], (path, shown - baseline["addresses"][path])
            text = "".join(page.text)
            assert not [ch for ch in set(text) if characters.why_refused(ch)], path
        for slug in (BELGIUM, FRANCOPHONIE):
            for lang in LANGS:
                assert (root / "output" / lang / f"{slug}.html").is_file()
        _EXAMPLES["count"] += 1
        if _EXAMPLES["count"] % 5 == 1:  # PDFs are slow to read: every fifth example
            known = set().union(*(set(a) for a in baseline["addresses"].values()))
            for pdf in sorted((root / "output").glob("*/*.pdf")):
                assert _pdf_links(pdf) <= baseline["pdf_links"][pdf], pdf
                shown = set(markup.addresses(pdftotext(pdf)))
                assert shown <= known, (pdf, shown - known)
        # No translation is lost: every catalog still holds what was written into it.
        for target, texts in written.items():
            assert _texts(_catalog(root, *target)) == texts, target
    finally:
        for target, data_ in originals.items():
            _catalog(root, *target).write_bytes(data_)
