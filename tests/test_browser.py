"""Headless Chromium judges the web pages: CSP, fonts, Khmer line breaks, links, translators' XSS.

One Chromium (the Debian package ``chromium``) runs for the whole module, driven over the
DevTools protocol on a pipe (``--remote-debugging-pipe``: no port is opened, nothing leaves
the machine).  Pages are opened from disk (``file://``, as reviewers open ``output/index.html``)
and from a ``http.server`` bound to 127.0.0.1 that the tests start and stop.  The browser reports
what it refused (CSP violations, failed loads) as DevTools events, and which font really drew
each element (``CSS.getPlatformFontsForNode``); PDFs printed by Chromium are judged with
poppler (``pdffonts``, ``pdftotext``) and pypdf.  The XSS check also uses Chromium's own
command line (``--dump-dom --virtual-time-budget``).  Each judge is first shown to catch a
planted fault (a blocked font, a running script), so a pass means something.

Measurements and screenshots: ``notes/browser.md``.
"""

from __future__ import annotations

import base64
import fcntl
import functools
import http.server
import itertools
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import polib
import pytest

from tests.conftest import ROOT, run, tool
from tests.test_security import PAYLOADS
from workflow.lang import khmer
from workflow.cli import main

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium; .ci/run does)")

LANGS = ("km", "en", "fr")
SLUGS = sorted(p.stem for p in (ROOT / "content").glob("*.md"))
BELGIUM = "2024-02-07-cambodia-belgium-consultations"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")
OUR_FONTS = {"Noto Serif", "Noto Sans Khmer", "Moul", "Battambang"}
#: The official Khmer faces (workflow/pdf/fonts.py), as Skia names them in a PDF.
KHMER_FACES = {"Moul-Regular", "Battambang-Regular", "Battambang-Bold"}
ZERO_WIDTH = ("\u200b", "&#8203;", "&#x200b;", "&ZeroWidthSpace;")  # <wbr> is an element: tests/test_khmer_web.py
CONTROL = "pwned"
#: Elements the browser's own style sheet sets in ``monospace``: see test_code_is_set_in_the_bundled_fonts.
MONOSPACE = ("code", "pre", "kbd", "samp", "tt")


# ------------------------------------------------------------------ Chromium over a pipe

class Browser:
    """A headless Chromium and a minimal DevTools-protocol client on its pipe (fds 3 and 4, JSON + NUL)."""

    def __init__(self, profile: Path, log: Path):
        to_chrome, ours_w = os.pipe()
        ours_r, from_chrome = os.pipe()
        # Chromium reads fd 3 and writes fd 4: bash puts the pipe's ends there (no preexec_fn: the
        # test process has threads). Moved above fd 10 first, so that neither can be clobbered.
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (to_chrome, from_chrome)]
        os.close(to_chrome), os.close(from_chrome)
        self.log = log
        self._log = log.open("wb")
        self.proc = subprocess.Popen(
            ["bash", "-c", f'exec "$@" 3<&{high[0]} 4>&{high[1]} {high[0]}<&- {high[1]}>&-', "chromium",
             CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log, pass_fds=high)
        for fd in high:
            os.close(fd)
        self._w, self._r = ours_w, ours_r
        self._last_id = 0
        self._write_lock = threading.Lock()
        self._cond = threading.Condition()
        self._replies: dict[int, dict] = {}
        self.take_down_gone = False
        self.events: list[dict] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.version = self.send("Browser.getVersion")["product"]

    def _write(self, message: dict) -> int:
        with self._write_lock:
            self._last_id += 1
            os.write(self._w, json.dumps({"id": self._last_id, **message}).encode() + b"\0")
            return self._last_id

    def _read(self) -> None:
        buffer = b""
        while chunk := os.read(self._r, 1 << 20):
            *messages, buffer = (buffer + chunk).split(b"\0")
            with self._cond:
                for raw in messages:
                    message = json.loads(raw)
                    if "id" in message:
                        self._replies[message["id"]] = message
                        continue
                    self.events.append(message)
                    if message["method"] == "Page.javascriptDialogOpening":  # never let alert() hang a page
                        self._write({"method": "Page.handleJavaScriptDialog", "params": {"accept": False},
                                     "sessionId": message["sessionId"]})
                self._cond.notify_all()
        with self._cond:
            self.take_down_gone = True
            self._cond.notify_all()

    def _wait(self, ready, timeout: float, what: str):
        with self._cond:
            if not self._cond.wait_for(lambda: ready() or self.take_down_gone, timeout) or not ready():
                tail = self.log.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"Chromium: no {what} ({'it exited' if self.take_down_gone else f'{timeout} s'}); "
                                   f"its stderr ends with:\n{tail}")
            return ready()

    def send(self, method: str, session: str | None = None, timeout: float = 120, **params):
        ident = self._write({"method": method, "params": params, **({"sessionId": session} if session else {})})
        reply = self._wait(lambda: self._replies.get(ident), timeout, f"answer to {method}")
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]

    def wait_event(self, method: str, session: str, since: int, timeout: float = 120) -> dict:
        return self._wait(lambda: next((e for e in self.events[since:]
                                        if e["method"] == method and e.get("sessionId") == session), None),
                          timeout, method)

    def tab(self) -> "Tab":
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network", "DOM", "CSS"):
            self.send(f"{domain}.enable", session)
        return Tab(self, session, target)

    def close(self) -> None:
        """Ask Chromium to quit; kill it (this process, by its id) only if it does not."""
        try:
            self.send("Browser.close", timeout=5)
            self.proc.wait(10)
        except (OSError, RuntimeError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        os.close(self._w)
        self._reader.join(5)
        os.close(self._r)
        self._log.close()


@dataclass
class Load:
    """One page load: what the navigation returned and every event until its fonts were ready."""
    url: str
    error: str
    events: list[dict] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Everything the browser refused, failed to load or complained about."""
        found = [f"navigation: {self.error}"] if self.error else []
        for event in self.events:
            method, params = event["method"], event["params"]
            if method == "Log.entryAdded" and not params["entry"].get("url", "").endswith("/favicon.ico") and (
                    params["entry"]["level"] == "error" or params["entry"]["level"] == "warning"
                    and params["entry"]["source"] in ("security", "network", "javascript")):
                found.append(f"{params['entry']['source']}: {params['entry']['text']}")
            elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "warning", "assert"):
                found.append(f"console.{params['type']}: {params['args']}")
            elif method == "Runtime.exceptionThrown":
                found.append(f"exception: {params['exceptionDetails'].get('text')}")
            elif method == "Network.loadingFailed":
                found.append(f"failed {params.get('type')}: {params.get('blockedReason') or params['errorText']}")
            elif (method == "Network.responseReceived" and params["response"]["status"] >= 400
                  and not params["response"]["url"].endswith("/favicon.ico")):  # the browser's own request
                found.append(f"HTTP {params['response']['status']}: {params['response']['url']}")
            elif method == "Page.javascriptDialogOpening":
                found.append(f"script ran: {params['type']}({params['message']!r})")
        return found


class Tab:
    def __init__(self, browser: Browser, session: str, target: str):
        self.browser, self.session, self.target = browser, session, target

    def send(self, method: str, **params):
        return self.browser.send(method, self.session, **params)

    def open(self, url: str) -> Load:
        since = len(self.browser.events)
        result = self.send("Page.navigate", url=url)
        if not result.get("errorText"):
            self.browser.wait_event("Page.loadEventFired", self.session, since)
            self.js("document.fonts.ready.then(() => document.fonts.size)")
        with self.browser._cond:
            events = [e for e in self.browser.events[since:] if e.get("sessionId") == self.session]
        return Load(url, result.get("errorText", ""), events)

    def js(self, expression: str):
        """Evaluate in the page (DevTools evaluation is not subject to the page's CSP: it only reads)."""
        result = self.send("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def fonts(self, monospace: bool = False) -> dict[tuple[str, bool], int]:
        """{(family, is a web font): glyphs} for the fonts that really drew the body's text nodes.

        ``monospace``: only the text inside the elements the browser sets in monospace (else: the rest).
        """
        used: dict[tuple[str, bool], int] = {}

        def walk(node: dict, inside_body: bool, in_monospace: bool) -> None:
            if node["nodeType"] == 3 and inside_body and in_monospace == monospace and node["nodeValue"].strip():
                for font in self.send("CSS.getPlatformFontsForNode", nodeId=node["nodeId"])["fonts"]:
                    key = (font["familyName"], font["isCustomFont"])
                    used[key] = used.get(key, 0) + font["glyphCount"]
            name = node.get("localName", "")
            for child in node.get("children", ()):
                walk(child, inside_body or name == "body", in_monospace or name in MONOSPACE)

        walk(self.send("DOM.getDocument", depth=-1)["root"], False, False)
        return used

    def pdf(self, path: Path) -> Path:
        data = self.send("Page.printToPDF", preferCSSPageSize=True, printBackground=True)["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def viewport(self, width: int, height: int = 800) -> None:
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                  mobile=False)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """One Chromium for a module's tests (other modules import this fixture and ``tab``)."""
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium; .ci/run does)")
    home = tmp_path_factory.mktemp("chromium")
    (home / "profile").mkdir()
    chrome = Browser(home / "profile", home / "stderr.txt")
    yield chrome
    chrome.close()


@pytest.fixture
def tab(browser):
    page = browser.tab()
    yield page
    browser.send("Target.closeTarget", targetId=page.target)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_request(self, code="-", size="-"):
        self.server.requests.append((unquote(self.path), int(code)))

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def served(published):
    """``output/`` on http://127.0.0.1:<free port>/ (the stdlib's http.server), stopped at the end."""
    handler = functools.partial(_Quiet, directory=str(published / "output"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


def pages(output: Path) -> list[str]:
    return sorted(str(p.relative_to(output)) for p in output.rglob("*.html"))


def url_of(base: str, output: Path, page: str) -> str:
    return (output / page).as_uri() if base == "file" else f"{base}/{page}"


def page_lang(page: str) -> str:
    first = page.split("/")[0]
    return first if first in LANGS else "en"  # output/index.html and the review pages are English


# ------------------------------------------------------------------ the judges catch planted faults

def test_the_judges_see_a_blocked_font_and_a_running_script(tab, published, tmp_path):
    """Calibration: a CSP that blocks the stylesheets or the fonts, and a script without CSP, are all seen."""
    page = (published / "output/en" / f"{BELGIUM}.html").read_text(encoding="utf-8")
    site = tmp_path / "site"
    shutil.copytree(published / "output/assets", site / "assets")
    (site / "en").mkdir()
    (site / "en/blocked.html").write_text(page.replace("font-src 'self'", "font-src 'none'"), encoding="utf-8")
    script = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page).replace(
        "</body>", f"<img src=x onerror=\"document.title='{CONTROL}'\"></body>")
    (site / "en/script.html").write_text(script, encoding="utf-8")

    (site / "en/unstyled.html").write_text(page.replace("style-src 'self'", "style-src 'none'"), encoding="utf-8")
    unstyled = tab.open((site / "en/unstyled.html").as_uri())
    assert "failed Stylesheet: csp" in unstyled.problems()
    assert {e["params"]["header"]["length"] for e in unstyled.events if e["method"] == "CSS.styleSheetAdded"} == {0}

    blocked = tab.open((site / "en/blocked.html").as_uri())
    assert any("Content Security Policy" in p and "font-src 'none'" in p for p in blocked.problems())
    assert any(p.startswith("failed Font: csp") for p in blocked.problems())
    assert not {family for family, custom in tab.fonts() if custom}, "fonts were blocked: only system fonts"
    rows, _names = pdf_fonts(tab.pdf(tmp_path / "blocked.pdf"))
    assert [row for row in rows if " Type 3 " not in row], rows  # the system's fallback, named in pdffonts

    tab.open((site / "en/script.html").as_uri())
    assert tab.js("document.title") == CONTROL
    assert f"<title>{CONTROL}</title>" in dump_dom((site / "en/script.html").as_uri(), tmp_path)
    (site / "en/alert.html").write_text(script.replace("</body>", "<script>alert(1)</script></body>"),
                                        encoding="utf-8")
    assert "script ran: alert('1')" in tab.open((site / "en/alert.html").as_uri()).problems()


# ------------------------------------------------------------------ 1. stylesheet and fonts under the CSP

def pdf_fonts(pdf: Path) -> tuple[list[str], set[str]]:
    """(pdffonts' rows, the font names in the PDF's font descriptors)."""
    from pypdf import PdfReader

    rows = run(tool("pdffonts"), str(pdf)).stdout.splitlines()[2:]
    names = set()
    for page in PdfReader(pdf).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            # A Type 0 (CID) font keeps its descriptor in its descendant font.
            for part in [font] + [d.get_object() for d in font.get("/DescendantFonts", [])]:
                descriptor = part.get("/FontDescriptor")
                if descriptor is not None:
                    names.add(str(descriptor.get_object()["/FontName"]).split("+", 1)[-1])
    return rows, names


@pytest.mark.parametrize("base", ["file", "http"])
def test_pages_render_with_their_stylesheet_and_fonts_under_their_csp(base, tab, published, served, tmp_path):
    output = published / "output"
    root = "file" if base == "file" else f"http://127.0.0.1:{served.server_address[1]}"
    served.requests.clear()
    for page in pages(output):
        load = tab.open(url_of(root, output, page))
        assert load.problems() == [], page
        state = tab.js("""({
            csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content,
            sheets: [...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.href),
            fontFaces: [...document.fonts].map(f => f.family + ' ' + f.status),
            family: getComputedStyle(document.documentElement).fontFamily,
        })""")
        assert "default-src 'none'" in state["csp"] and "font-src 'self'" in state["csp"], page
        # Each <link>ed sheet arrived whole (a blocked one is reported with length 0 and the page's URL).
        added = {e["params"]["header"]["sourceURL"]: e["params"]["header"]["length"]
                 for e in load.events if e["method"] == "CSS.styleSheetAdded"}
        assert any(href.endswith("/assets/edition.css") for href in state["sheets"]), (page, state["sheets"])
        for href in state["sheets"]:
            path = unquote(urlsplit(href).path)
            css = Path(path) if base == "file" else output / path.lstrip("/")
            assert added.get(href) == len(css.read_text(encoding="utf-8")), (page, href, added)
        assert not [f for f in state["fontFaces"] if f.endswith("error")], page
        first = "Battambang" if page_lang(page) == "km" else "Noto Serif"
        assert state["family"].split(",")[0].strip('"') == first, (page, state["family"])  # one word: unquoted
        used = tab.fonts()
        assert {(family, True) for family in OUR_FONTS} >= set(used), (page, used)  # no system fallback
        assert used.get((first, True), 0) > 20, (page, used)
        if base == "file" and page.split("/")[0] in LANGS and page.split("/")[1] != "index.html":
            rows, names = pdf_fonts(tab.pdf(tmp_path / page.replace("/", "-").replace(".html", ".pdf")))
            # Skia embeds the bundled static faces as CID TrueType subsets named after them (a
            # variable font would be Type 3, named only in its descriptor); a fallback (DejaVu…)
            # would show under its own name, here and in the descriptors.
            ours = {f"{family}-{style}" for family in ("NotoSerif", "NotoSansKhmer")
                    for style in ("Regular", "Bold", "Italic", "BoldItalic")} | KHMER_FACES
            assert rows and all(row.split()[0].split("+", 1)[-1] in ours for row in rows), (page, rows)
            assert names and names <= ours, names
            assert any(n.startswith(first.replace(" ", "")) for n in names), (page, names)
    if base == "http":
        fetched = {path for path, status in served.requests if path != "/favicon.ico"}
        odd = [(path, status) for path, status in served.requests if path in fetched and status not in (200, 304)]
        assert fetched and odd == []
        # Noto Sans Khmer is only the fallback: the samples never need it (Battambang and Noto Serif draw them).
        assert {"/assets/fonts/NotoSerif-Regular.ttf", "/assets/fonts/Battambang-Regular.ttf",
                "/assets/fonts/Moul-Regular.ttf"} <= fetched, fetched


def test_code_is_set_in_the_bundled_fonts(tab, published, tmp_path):
    """Markdown `code` (and the review pages' source path) must not fall back to a system font."""
    output = tmp_path / "output"
    shutil.copytree(published / "output", output)
    page = output / "km" / f"{BELGIUM}.html"  # what `code` in a release gives: <code> in the body
    page.write_text(page.read_text(encoding="utf-8").replace("<p>", "<p><code>ECCC ៩:០០</code> ", 1),
                    encoding="utf-8")
    for path in (page, output / "review" / f"{BELGIUM}.html"):
        assert tab.open(path.as_uri()).problems() == []
        used = tab.fonts(monospace=True)
        assert used and set(used) <= {(family, True) for family in OUR_FONTS}, (path, used)


# ------------------------------------------------------------------ 2. Khmer line breaking in the browser

NARROW = """/* test only: a narrow column, to make Chromium wrap long Khmer runs */
@page { size: 70mm 600mm; margin: 5mm; }
@media print { @page { size: 70mm 600mm; margin: 5mm; } }
/* a table's cells one below the other: side by side, two wrapped cells interleave their lines
   in the PDF's text, which would then not read as the page does */
table, thead, tbody, tr, th, td { display: block; }
"""
PAGE_W, MARGIN = 70 / 25.4 * 72, 5 / 25.4 * 72


def is_khmer(ch: str) -> bool:
    return "\u1780" <= ch <= "\u17ff" or "\u19e0" <= ch <= "\u19ff"


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_html_editions_carry_no_zero_width_space(tab, published):
    """No U+200B in any page: Khmer word breaks are elements (<wbr>, spans), never characters."""
    output = published / "output"
    for page in pages(output):
        source = (output / page).read_text(encoding="utf-8")
        assert not [mark for mark in ZERO_WIDTH if mark.lower() in source.lower()], page
    for slug in SLUGS:
        tab.open((output / "km" / f"{slug}.html").as_uri())
        text = tab.js("document.body.textContent")
        assert "\u200b" not in text and sum(map(is_khmer, text)) > 300, slug  # the shortest sample has 391
        # What Ctrl+A, Ctrl+C gives: Chromium's own selection of the article.
        copied = tab.js("(() => { const s = getSelection(); s.selectAllChildren(document.querySelector('article'));"
                        " return s.toString(); })()")
        assert "\u200b" not in copied and squeeze(copied) == squeeze(tab.js(
            "document.querySelector('article').textContent")), slug


@pytest.mark.parametrize("slug", SLUGS)
def test_chromium_wraps_khmer_in_a_narrow_column_and_copies_it_exactly(slug, tab, published, tmp_path):
    """A copy of the km page with one more stylesheet (a 70 mm page: the CSP forbids inline CSS)."""
    site = tmp_path / "site"
    shutil.copytree(published / "output/assets", site / "assets")
    shutil.copytree(published / "output/media", site / "media")  # the figures of the pages
    (site / "km").mkdir()
    (site / "assets/narrow-test.css").write_text(NARROW, encoding="utf-8")
    page = (published / "output/km" / f"{slug}.html").read_text(encoding="utf-8")
    page = page.replace("</head>", '<link rel="stylesheet" href="../assets/narrow-test.css">\n</head>')
    (site / "km/narrow.html").write_text(page, encoding="utf-8")

    load = tab.open((site / "km/narrow.html").as_uri())
    assert load.problems() == []
    # What a reader copies from the page: the article (and the draft banner, printed too).
    source = tab.js("(document.querySelector('.draft-banner')?.textContent || '') + "
                    "document.querySelector('article').innerText")
    pdf = tab.pdf(tmp_path / "narrow.pdf")

    info = run(tool("pdfinfo"), str(pdf)).stdout
    assert abs(float(re.search(r"Page size:\s+([\d.]+) x", info).group(1)) - PAGE_W) < 1, info
    # 1. every word inside the column
    xml = run(tool("pdftotext"), "-bbox-layout", str(pdf), "-").stdout
    tree = ET.fromstring(re.sub(r'\sxmlns="[^"]+"', "", xml, count=1))
    for word in tree.iter("word"):
        x0, x1 = float(word.get("xMin")), float(word.get("xMax"))
        assert MARGIN - 1 <= x0 and x1 <= PAGE_W - MARGIN + 1, (word.text, x0, x1)

    # 2. the text copied out of Chromium's PDF is the page's text (Skia writes /ActualText)
    text = run(tool("pdftotext"), "-raw", str(pdf), "-").stdout  # -raw: a line-end hyphen is kept, not taken for hyphenation
    assert "\u200b" not in text
    lines = [squeeze(line) for line in text.splitlines() if squeeze(line)]
    footers = [line for line in lines if FOOTER.fullmatch(line)]
    assert footers  # Chromium prints km.css's @page footer, in Khmer digits
    lines = [line for line in lines if not FOOTER.fullmatch(line)]
    assert max(map(len, lines)) < 60, "the column is not narrow"  # ~40 characters a line at 60 mm
    flat, space_before = squeeze(source), spaces_before(source)
    assert "".join(lines) == flat, _first_difference("".join(lines), flat)

    # 3. Chromium broke inside Khmer runs (its own ICU dictionary), never inside a cluster...
    position, inside = 0, []
    for line in lines[:-1]:
        position += len(line)
        if not space_before[position] and is_khmer(flat[position - 1]) and is_khmer(flat[position]):
            inside.append(position)
            start = max(0, position - 8)
            window = flat[start:position + 8]
            assert khmer.is_cluster_boundary(window, position - start), window
    # Of the line ends Chromium chose (not those of a block's end or a <br>: a new line in the page's
    # text), at least two in five fall inside Khmer runs (58 of 81 and 34 of 39 on the two long
    # samples, 2 of 5 on the short independence-day one, whose 14 lines are mostly whole short blocks).
    new_line_before = spaces_before(source, "\n")
    wraps = sum(not new_line_before[p] for p in itertools.accumulate(map(len, lines[:-1])))
    assert len(inside) >= max(1, wraps * 2 // 5), \
        f"{len(inside)} of {wraps} line wraps inside Khmer runs: does Chromium break Khmer?"
    # ... and at word boundaries: most of them where the project's segmenter (khmercut) puts one too
    # (86 % on the samples; 32 % with `line-break: anywhere`, i.e. breaking between any clusters).
    words = set(khmer.word_breaks(flat))
    if len(inside) >= 10:
        assert sum(p in words for p in inside) >= 0.6 * len(inside), [
            flat[p - 5:p] + "|" + flat[p:p + 5] for p in inside if p not in words]


FOOTER = re.compile(r"ទំព័រ[០-៩]+នៃ[០-៩]+")


def spaces_before(text: str, spaces: str | None = None) -> list[bool]:
    """For each non-space character of ``text``: was it preceded by white space (by one of
    ``spaces``, when given, e.g. a new line)?"""
    found, pending = [], False
    for ch in text:
        if ch.isspace():
            pending = pending or spaces is None or ch in spaces
        else:
            found.append(pending)
            pending = False
    return found


def _first_difference(a: str, b: str) -> str:
    at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    near = slice(max(0, at - 20), at + 20)
    return f"PDF text and page text differ at {at}: {a[near]!r} vs {b[near]!r}"


def test_khmer_pages_do_not_overflow_a_400px_window(tab, published):
    output = published / "output"
    tab.viewport(400)
    try:
        for slug in SLUGS:
            for lang in LANGS:
                tab.open((output / lang / f"{slug}.html").as_uri())
                widths = tab.js("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
                assert widths[0] <= widths[1], (lang, slug, widths)
    finally:
        tab.send("Emulation.clearDeviceMetricsOverride")


# ------------------------------------------------------------------ 3. language switcher, hreflang, index

LINKS = """({
  lang: document.documentElement.lang,
  links: [...document.querySelectorAll('a[href], link[rel=alternate]')].map(a => ({
    href: a.href, raw: a.getAttribute('href'), tag: a.tagName.toLowerCase(), rel: a.getAttribute('rel'),
    hreflang: a.getAttribute('hreflang'), lang: a.getAttribute('lang'),
    where: a.closest('nav.languages') ? 'switcher' : a.closest('ul.releases') ? 'list'
         : a.tagName === 'LINK' ? 'head' : 'body',
  })),
  current: [...document.querySelectorAll('nav.languages [aria-current=page]')].map(e => e.getAttribute('lang')),
})"""


def test_switcher_hreflang_and_indexes_resolve_in_the_browser(tab, published):
    output = published / "output"
    start = (output / "index.html").as_uri()
    seen: dict[str, dict] = {}
    queue = [start]
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        load = tab.open(url)
        assert load.problems() == [], url
        seen[url] = info = tab.js(LINKS)
        page = str(Path(unquote(urlsplit(url).path)).relative_to(output))
        assert info["lang"] == page_lang(page), (page, info["lang"])
        for link in info["links"]:
            if not link["href"].startswith("file:"):
                continue  # a link in a release's text
            target = Path(unquote(urlsplit(link["href"]).path))
            assert target.is_file() and output in target.parents, (page, link)
            if link["hreflang"]:
                assert target.relative_to(output).parts[0] == link["hreflang"], (page, link)
                assert link["tag"] == "link" or link["lang"] == link["hreflang"], (page, link)
            if target.suffix == ".html":
                queue.append(link["href"].split("#")[0])

    expected = {(output / lang / f"{slug}.html").as_uri() for lang in LANGS for slug in SLUGS}
    indexes = {(output / "index.html").as_uri()} | {(output / lang / "index.html").as_uri() for lang in LANGS}
    assert set(seen) == expected | indexes  # every edition reached from index.html; review pages are not linked
    for url, info in seen.items():
        page = Path(unquote(urlsplit(url).path)).relative_to(output)
        lang = page_lang(str(page))
        head = {l["hreflang"]: l["href"] for l in info["links"] if l["where"] == "head"}
        switcher = {l["hreflang"]: l["href"] for l in info["links"] if l["where"] == "switcher"}
        if page.name == "index.html":
            assert set(head) == set(LANGS) and set(switcher) == set(LANGS), page
            for other in LANGS:
                assert head[other] == switcher[other] == (output / other / "index.html").as_uri()
            listed = {Path(unquote(urlsplit(l["href"]).path)).relative_to(output).as_posix()
                      for l in info["links"] if l["where"] == "list"}
            assert listed == {f"{other}/{slug}.html" for other in LANGS for slug in SLUGS} | {
                f"{lang}/{slug}.pdf" for slug in SLUGS}, page
        else:
            slug = page.stem
            assert info["current"] == [lang], page
            assert set(head) == set(LANGS) and set(switcher) == set(LANGS) - {lang}, page
            for other in LANGS:
                assert head[other] == (output / other / f"{slug}.html").as_uri()
                assert seen[head[other]]["lang"] == other  # the alternate is really in that language
            for other, href in switcher.items():
                assert href == head[other]


# ------------------------------------------------------------------ 4. a translator's XSS does not run

def dump_dom(url: str, tmp_path: Path) -> str:
    """Chromium's own command line: the live DOM after 2 s of virtual time."""
    profile = tempfile.mkdtemp(dir=tmp_path, prefix="profile-")
    result = run(CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=2000", "--dump-dom", url,
                 timeout=120)  # an alert() would block --dump-dom: a timeout is a script that ran
    assert result.returncode == 0 and "</html>" in result.stdout, result.stderr[-2000:]
    return result.stdout


class LiveDom(HTMLParser):
    def __init__(self, text: str):
        super().__init__()
        self.title, self._in_title, self.active = "", False, []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self._in_title = tag == "title"
        if tag in ("script", "iframe", "object", "embed", "base", "form"):
            self.active.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or re.sub(r"[\s\x00-\x1f]", "", value or "").lower().startswith(
                    ("javascript:", "vbscript:", "data:text")):
                self.active.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


XSS = [
    f"<img src=x onerror=\"document.title='{CONTROL}'\">",
    f"[x](javascript:document.title='{CONTROL}')",
    f"<script>document.title='{CONTROL}'</script>",
    f"<svg onload=\"document.title='{CONTROL}'\">",
    f"[x](javascript&#58;document.title='{CONTROL}')",
    f"<a href=\"javascript:document.title='{CONTROL}'\">x</a>",
]


def test_a_translators_script_does_not_run_in_chromium(tab, project_copy, tmp_path):
    """Raw HTML reaches the fr page as text; links are rejected (the source is published) and shown
    on the review page. Neither runs: no title change, no dialog, nothing even blocked by the CSP."""
    path = project_copy / f"locale/fr/LC_MESSAGES/{BELGIUM}.po"
    po = polib.pofile(str(path))
    entries = [e for e in po if e.msgid and not e.obsolete]  # the title first
    is_link = re.compile(r"\]\(|\]\[|^<javascript:").search
    links = [p for p in XSS + PAYLOADS if is_link(p)]
    for n, payload in enumerate(p for p in XSS + PAYLOADS if not is_link(p)):
        entry = entries[n % (len(entries) - 1)]
        entry.msgstr = f"{entry.msgstr or entry.msgid} {payload}"
    entries[-1].msgstr = " ".join([entries[-1].msgstr or entries[-1].msgid, *links])
    for entry in entries:
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
    po.save(str(path))
    main(["--root", str(project_copy), "-q", "publish"])  # exits 1: the links are refused, and said so
    output = project_copy / "output"
    edition = output / "fr" / f"{BELGIUM}.html"
    for page in (edition, output / "fr/index.html", output / "review" / f"{BELGIUM}.html"):
        file_title = LiveDom(page.read_text(encoding="utf-8")).title
        if page == edition:  # the title entry carries a payload: <title> is an injection point too
            assert "onerror=" in file_title, file_title
        load = tab.open(page.as_uri())
        state = tab.js("""({
            title: document.title,
            active: [...document.querySelectorAll('*')].flatMap(e => [
                ...(['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'BASE', 'FORM'].includes(e.tagName) ? [e.tagName] : []),
                ...[...e.attributes].filter(a => a.name.startsWith('on')
                    || /^\\s*(javascript|vbscript|data):/i.test(a.value)).map(a => e.tagName + ' ' + a.name)]),
            svg: document.querySelectorAll('svg:not(.ornament)').length,
            text: document.body.textContent,
        })""")
        assert state["title"] == file_title != CONTROL, page
        assert state["active"] == [] and state["svg"] == 0, (page, state["active"])
        assert load.problems() == [], page  # not even a script blocked by the CSP: none reached the DOM
        dom = LiveDom(dump_dom(page.as_uri(), tmp_path))
        assert dom.title == file_title and dom.active == [], (page, dom.title, dom.active)
        if page == edition:  # the payloads are there, as text
            assert "<script>" in state["text"] and "onerror=" in state["text"] and "<svg onload" in state["text"]
        elif page.parent.name == "review":  # the refused links are shown to the reviewer, as text
            assert "javascript:alert(1)" in state["text"] and "vbscript:" in state["text"]
