"""Safe by construction: no script from a translator, no server file in a PDF, no half-written file."""

from __future__ import annotations

import html
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import polib

from tests.conftest import ROOT, run, tool, use_templates
from workflow import runstate
from workflow.cli import main
from workflow.fsutil import publishing_lock

BELGIUM = "2024-02-07-cambodia-belgium-consultations"

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=x OnError=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "<iframe src=javascript:alert(1)></iframe>",
    "<body onload=alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '"><script>alert(1)</script>',
    "<<script>alert(1);//<</script>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java&#115;cript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](  javascript:alert(1) \"t\")",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    "<javascript:alert(1)>",
    "[a][evil]\n\n[evil]: javascript:alert(1)",
]
_BAD_SCHEMES = ("javascript:", "vbscript:", "data:")


class Active(HTMLParser):
    """Collects everything in a page that could run code."""

    def __init__(self, text: str):
        super().__init__()
        self.problems: list[str] = []
        self.images: list[str | None] = []
        self.csp = ""
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "style", "base", "form"):
            self.problems.append(f"<{tag}>")
        if tag == "svg":  # the pages have none of their own (the ornament is a background image)
            self.problems.append("<svg>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            if name in ("href", "src", "action", "xlink:href", "formaction") and value:
                cleaned = re.sub(r"[\s\x00-\x1f]", "", html.unescape(value)).lower()
                if cleaned.startswith(_BAD_SCHEMES):
                    self.problems.append(f"{tag} {name}={value}")
            if name == "style" and "url(" in (value or ""):
                self.problems.append(f"{tag} style={value}")
        if tag == "meta" and dict(attrs).get("http-equiv") == "Content-Security-Policy":
            self.csp = dict(attrs)["content"]
        if tag == "meta" and (dict(attrs).get("http-equiv") or "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")
        if tag == "img" and dict(attrs).get("class") is None and "release" not in (dict(attrs).get("alt") or ""):
            self.images.append(dict(attrs).get("src"))


def assert_inert(output: Path) -> None:
    pages = list(output.rglob("*.html"))
    assert pages
    for page in pages:
        found = Active(page.read_text(encoding="utf-8"))
        assert found.problems == [], (page, found.problems)
        assert "default-src 'none'" in found.csp and "script-src" not in found.csp, page


def test_payloads_in_translations_are_inert(project_copy, capsys):
    path = project_copy / f"locale/fr/LC_MESSAGES/{BELGIUM}.po"
    po = polib.pofile(str(path))
    entries = [e for e in po if e.msgstr]
    for n, payload in enumerate(PAYLOADS):
        entry = entries[n % len(entries)]
        entry.msgstr = f"{entry.msgstr} {payload}" if n >= len(entries) else payload
    po.save(str(path))
    main(["--root", str(project_copy), "publish"])
    assert_inert(project_copy / "output")
    err = capsys.readouterr().err
    assert re.search(rf"locale/fr/LC_MESSAGES/{BELGIUM}.po:\d+: .*raw HTML .* is shown as text", err)
    assert re.search(rf"locale/fr/LC_MESSAGES/{BELGIUM}.po:\d+: .*links to javascript:alert\(1\)", err)


UI_PAYLOADS = PAYLOADS + [
    'x"><meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<img src="data:image/png;base64,iVBORw0KGgo=">',
]


def test_payloads_in_the_templates_strings_are_inert(project_copy, capsys):
    """ui.po (letterhead, labels) comes from translators too: its words are text, never markup."""
    path = project_copy / "locale/fr/LC_MESSAGES/ui.po"
    po = polib.pofile(str(path))
    entries = [e for e in po if e.msgstr]
    for n, payload in enumerate(UI_PAYLOADS):
        entry = entries[n % len(entries)]
        entry.msgstr = f"{entry.msgstr} {payload}" if n >= len(entries) else payload
    po.find("Press Release").msgstr = "100 % <b>sûr</b> %(name)s %s"  # no link: published, as text
    po.save(str(path))
    main(["--root", str(project_copy), "publish"])
    output = project_copy / "output"
    assert_inert(output)
    # No image but the sources' own (a figure of a sample: media/…, published in output/media/).
    own = {name for source in (project_copy / "content").glob("*.md")
           for name in re.findall(r"\]\((media/[^)\s]+)", source.read_text(encoding="utf-8"))}
    for page in output.rglob("*.html"):
        images = Active(page.read_text(encoding="utf-8")).images
        assert all(src and (page.parent / src).resolve().relative_to(output.resolve()).as_posix() in own
                   for src in images), (page, images)
    french = (output / f"fr/{BELGIUM}.html").read_text(encoding="utf-8")
    assert "100 % &lt;b&gt;sûr&lt;/b&gt; %(name)s %s" in french  # shown as the translator typed it
    assert (output / f"fr/{BELGIUM}.pdf").exists()
    err = capsys.readouterr().err
    assert re.search(r"locale/fr/LC_MESSAGES/ui.po:\d+: .*raw HTML .* is shown as text", err)
    assert re.search(r"locale/fr/LC_MESSAGES/ui.po:\d+: .*links to javascript:alert\(1\)", err)


def test_the_templates_strings_cannot_write_css(project_copy, capsys):
    """The page footer's words go into a CSS string: a CR, a form feed or a quote cannot end it."""
    import tinycss2

    path = project_copy / "locale/fr/LC_MESSAGES/ui.po"
    po = polib.pofile(str(path))
    po.find("Page").msgstr = 'Page";}} body::before{content:"RETIRÉ"} @page{@bottom-center{content:"x'
    po.find("of").msgstr = 'sur"} body{display:none} x{x:"\\'
    po.find("Other languages").msgstr = "Autres\r;} body{display:none}"
    po.save(str(path))
    main(["--root", str(project_copy), "publish"])
    err = capsys.readouterr().err
    assert re.search(r"locale/fr/LC_MESSAGES/ui.po:\d+: error: .*control character U\+000D", err), err
    css = (project_copy / "output/assets/fr.css").read_text(encoding="utf-8")
    rules = [r for r in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)]
    assert [(r.type, getattr(r, "at_keyword", None)) for r in rules] == [("at-rule", "page")], rules
    page = tinycss2.parse_blocks_contents(rules[0].content, skip_comments=True, skip_whitespace=True)
    assert [(r.type, r.at_keyword) for r in page] == [("at-rule", "bottom-center")]
    declarations = tinycss2.parse_blocks_contents(page[0].content, skip_comments=True, skip_whitespace=True)
    assert [d.name for d in declarations if d.type == "declaration"] == ["content"]
    strings = [t.value for d in declarations for t in d.value if t.type == "string"]
    assert strings[0].startswith('Page";}} body::before') and strings[1].startswith(' sur"} body')
    assert (project_copy / f"output/fr/{BELGIUM}.pdf").exists()


def test_payloads_in_a_release_are_inert(project_copy):
    body = "\n\n".join(PAYLOADS)
    title = "<script>alert(1)</script> title"
    (project_copy / "content/2024-05-05-payloads.md").write_text(
        f"---\ntitle: '{title}'\ndate: 2024-05-05\nlang: en\nplace: <img src=x onerror=alert(1)>\n---\n\n{body}\n",
        encoding="utf-8")
    main(["--root", str(project_copy), "-q", "publish"])
    assert (project_copy / "output/en/2024-05-05-payloads.html").exists()
    assert_inert(project_copy / "output")


# ------------------------------------------------------------- the sandbox

SECRET = Path("/etc/passwd")


def assert_no_secret(pdfs: list[Path]) -> None:
    """No attachment, and the secret file's bytes nowhere, not even in decompressed streams."""
    first_line = SECRET.read_bytes().splitlines()[0]
    for pdf in pdfs:
        listing = run(tool("pdfdetach"), "-list", str(pdf)).stdout
        assert listing.startswith("0 embedded files"), listing
        plain = pdf.with_suffix(".qdf")
        subprocess.run([tool("qpdf"), "--qdf", "--object-streams=disable", str(pdf), str(plain)], check=True)
        assert first_line not in pdf.read_bytes() and first_line not in plain.read_bytes(), pdf


def test_no_server_file_reaches_a_pdf(project_copy, capsys):
    assets = project_copy / "output/assets"
    assets.mkdir(parents=True)
    (assets / "innocent.png").symlink_to(SECRET)
    body = "\n\n".join([
        "An image: ![p](file:///etc/passwd)",
        "Up the tree: ![p](../../../../../../../../etc/passwd)",
        "A symlink in the assets: ![p](../assets/innocent.png)",
        "Remote: ![p](http://127.0.0.1:9/x.png) and ![p](https://example.org/x.png)",
        '<link rel="stylesheet" href="file:///etc/passwd">',
        '<a rel="attachment" href="file:///etc/passwd">attachment</a>',
        "[an attachment link](file:///etc/passwd)",
    ])
    (project_copy / "content/2024-05-06-files.md").write_text(
        f"---\ntitle: Files\ndate: 2024-05-06\nlang: en\n---\n\n{body}\n", encoding="utf-8")
    main(["--root", str(project_copy), "publish"])
    err = capsys.readouterr().err
    for url in ("file:///etc/passwd", "etc/passwd", "assets/innocent.png", "http://127.0.0.1:9/x.png",
                "https://example.org/x.png"):
        # An image of a release is refused before the sandbox, at its line (workflow.media); the
        # sandbox refuses whatever else asks (test_a_template_cannot_reach_a_server_file_either).
        assert re.search(rf"content/2024-05-06-files.md(:\d+)?: .*(refused to load \S*{re.escape(url)}|the image "
                         rf"'\S*{re.escape(url)}' is (a remote image|outside content/media/))", err), url
    pdfs = list((project_copy / "output").rglob("2024-05-06-files.pdf"))
    assert pdfs
    assert_no_secret(pdfs)


def test_a_template_cannot_reach_a_server_file_either(project_copy, capsys):
    """Stylesheets, attachments and images in a template go through the same sandbox."""
    from workflow.render import template_file

    assets = project_copy / "output/assets"
    assets.mkdir(parents=True)
    (assets / "innocent.css").symlink_to(SECRET)
    references = "\n".join([
        '<link rel="stylesheet" href="file:///etc/passwd">',
        '<link rel="stylesheet" href="../assets/innocent.css">',
        '<link rel="attachment" href="file:///etc/passwd">',
        '<a rel="attachment" href="file:///etc/passwd">attachment</a>',
        '<a rel="attachment" href="../../../../../../../../etc/passwd">up the tree</a>',
        '<img src="http://127.0.0.1:9/x.png" alt="">',
    ])
    page = template_file("edition.html").read_text()
    use_templates(project_copy, {"edition.html": page.replace("</article>", references + "\n</article>")})
    main(["--root", str(project_copy), "publish"])
    err = capsys.readouterr().err
    for url in ("file:///etc/passwd", "assets/innocent.css", "etc/passwd", "http://127.0.0.1:9/x.png"):
        assert re.search(rf"refused to load \S*{re.escape(url)}", err), url
    pdfs = list((project_copy / "output").rglob("*.pdf"))
    assert len(pdfs) == len(list((ROOT / "content").glob("*.md"))) * 3
    assert_no_secret(pdfs)


# ------------------------------------------------------------ kill -9

def _complete(path: Path, reference: dict[Path, bytes]) -> None:
    if path.suffix == ".html":
        assert path.read_text(encoding="utf-8").rstrip().endswith("</html>"), path
    elif path.suffix == ".pdf":
        assert run(tool("pdfinfo"), str(path)).returncode == 0, path
    elif path.name == runstate.RECORD:  # says when each file was written: whole, not the same
        assert json.loads(path.read_text(encoding="utf-8"))["outputs"], path
    elif path.suffix == ".json":  # the manifest, the listing: whole (the last run's, or a newer run's
        # that ended before the kill landed), every line of it
        from workflow.fsutil import json_lines

        assert isinstance(json.loads(path.read_text(encoding="utf-8")), dict), path
        assert list(json_lines(path.read_bytes().splitlines(keepends=True))), path
    elif path in reference:
        assert path.read_bytes() == reference[path], path


def test_killed_builds_leave_complete_files(project_copy):
    command = [sys.executable, "-m", "workflow", "--root", str(project_copy), "-q", "publish"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    assert subprocess.run(command, env=env).returncode == 0
    reference = {p: p.read_bytes() for p in (project_copy / "output").rglob("*") if p.is_file()}
    rng = random.Random(7)
    for _ in range(5):
        for page in (project_copy / "content").glob("*.md"):  # make every output change
            page.write_text(page.read_text(encoding="utf-8").replace("Phnom Penh", "Phnom  Penh"))
        for po in (project_copy / "output").rglob("*.pdf"):
            po.unlink()
        process = subprocess.Popen(command, env=env)
        time.sleep(rng.uniform(0.3, 3.0))  # where the kill lands does not matter: every moment must be safe
        process.send_signal(signal.SIGKILL)
        process.wait()
        # Whether a run died holding the lock (a run writes its pid there once it has it, and
        # empties the file when it ends) is read, not assumed from the timing: on a loaded machine
        # the kill can land before the lock is taken, and then the pid an *earlier* killed run
        # left is still there, and the rerun rightly recovers that one.
        held = bool((project_copy / ".publish.lock").read_text().strip())
        for path in (project_copy / "output").rglob("*"):
            if path.is_file():
                _complete(path, reference)
        for catalog_file in (project_copy / "locale").rglob("*.po"):
            assert run(tool("msgfmt"), "--check", "-o", "/dev/null", str(catalog_file)).returncode == 0
    rerun = subprocess.run(command[:-2] + ["publish"], env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    if held:  # a run died holding the lock and none took it since: the rerun says it took it over
        assert "recovered the lock" in rerun.stderr and "interrupted run" in rerun.stderr
    else:
        assert "recovered the lock" not in rerun.stderr
    assert not list((project_copy / ".publish-tmp").glob("*"))


def test_two_publishes_at_once_serialize(project_copy):
    """A publish that finds another one running waits for it, whatever the timing: the first
    run is held inside its lock (by this test) until the second has said that it waits."""
    command = [sys.executable, "-m", "workflow", "--root", str(project_copy), "publish"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with publishing_lock(project_copy / ".publish.lock"):  # the first publish, mid-run
        second = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
        first_line = second.stderr.readline()  # blocks until it speaks: it cannot go on without the lock
        assert "another publish is running" in first_line, first_line
        assert second.poll() is None  # still waiting
    rest = second.communicate()[1]
    assert second.returncode == 0, first_line + rest
    assert "recovered the lock" not in rest  # the first run ended cleanly: nothing to recover
    for pdf in (project_copy / "output").rglob("*.pdf"):
        assert run(tool("pdfinfo"), str(pdf)).returncode == 0
