# Run with the project's .venv from the project folder: FONTWORK=<folder> .venv/bin/python notes/official-typefaces/extraction.py
"""Exact PDF text extraction per Khmer run, WeasyPrint 70 + the project's /ActualText patch, per candidate face."""
import glob, html, io, os, re, subprocess, sys, time, json, unicodedata
from pathlib import Path
import polib
from fontTools.ttLib import TTFont
from workflow.pdf import pdftext
from weasyprint import HTML
from workflow.lang.khmer import insert_breaks

MAIN = Path(os.environ.get("PROJECT", ".")); W = Path(os.environ["FONTWORK"])
KH = re.compile(r"[\u1780-\u17FF\u19E0-\u19FF\u200B-\u200D]+(?:[ \u00a0][\u1780-\u17FF\u19E0-\u19FF\u200B-\u200D]+)*")
def texts(paths):
    out = []
    for p in paths:
        if p.endswith(".po"):
            try: po = polib.pofile(p)
            except Exception: continue
            for e in po:
                for s in [e.msgstr, *e.msgstr_plural.values()]: out += KH.findall(s)
        else: out += KH.findall(open(p, encoding="utf-8").read())
    return out
runs = {"samples": texts(glob.glob(f"{MAIN}/content/*.md") + glob.glob(f"{MAIN}/locale/km/**/*.po", recursive=True) + [f"{MAIN}/locale/glossary/km.po"]),
        "corpus": texts(glob.glob(f"{MAIN}/../shared/corpus/po/km/*.po"))}
def ttf(path):
    out = W / "ttf" / (Path(path).stem + ".ttf"); out.parent.mkdir(exist_ok=True)
    if not out.exists():
        f = TTFont(path); f.flavor = None; f.save(out)
    return out
cache = Path.home() / ".cache/mfaic-workflow/fonts"
pick = lambda pat: sorted(cache.glob(pat))[0]
cands = {
  "Noto Sans Khmer (static, PyPI)": pick("NotoSansKhmer-*-400.ttf"),
  "Moul (npm)": pick("Moul-Regular-*.ttf"),
  "Battambang (npm)": pick("Battambang-Regular-*.ttf"),
  "Battambang Bold (npm)": pick("Battambang-Bold-*.ttf"),
  "Siemreap (npm)": ttf(W / "siemreap/package/files/siemreap-khmer-400-normal.woff"),
  "Khmer OS Muol Light (deb)": W / "deb/usr/share/fonts/truetype/khmeros/KhmerOSmuollight.ttf",
  "Khmer OS Siemreap (deb)": W / "deb/usr/share/fonts/truetype/khmeros/KhmerOSsiemreap.ttf",
  "Khmer OS Battambang (deb)": W / "deb/usr/share/fonts/truetype/khmeros/KhmerOSbattambang.ttf",
}
squash = lambda t: "".join(c for c in unicodedata.normalize("NFC", t) if not c.isspace() and unicodedata.category(c) != "Cf")
res = {}
ONLY = sys.argv[1:]
for name, font in cands.items():
    if ONLY and not any(o in name for o in ONLY): continue
    row = {}
    for label, rr in runs.items():
        body = "".join(f"<p>{i}. {html.escape(insert_breaks(t))}</p>" for i, t in enumerate(rr))  # as the print HTML: khmercut breaks
        doc = f"""<html lang="km"><style>@font-face {{ font-family: X; src: url({font.as_uri()}); }}
        @page {{ size: A4; margin: 20mm }} body {{ font-family: X; font-size: 11pt; line-height: 1.75 }}
        p {{ margin: 0 0 4pt }}</style><body>{body}</body></html>"""
        t0 = time.time()
        pdf = pdftext.write_pdf(HTML(string=doc))
        secs = time.time() - t0
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True).stdout.decode()
        parts = re.split(r"(?:^|\s)(\d+)\.\s", out)
        got = {int(parts[i]): squash(parts[i + 1]) for i in range(1, len(parts) - 1, 2)}
        exact = sum(got.get(i) == squash(t) for i, t in enumerate(rr))
        bad = [t for i, t in enumerate(rr) if got.get(i) != squash(t)][:2]
        row[label] = {"runs": len(rr), "exact": exact, "pdf_bytes": len(pdf), "seconds": round(secs, 1), "bad": bad, "bad_idx": [i for i, t in enumerate(rr) if got.get(i) != squash(t)]}
    row["font_bytes"] = font.stat().st_size
    res[name] = row
    print(name, json.dumps(row, ensure_ascii=False), flush=True)
json.dump(res, open(W / "extraction.json", "w"), ensure_ascii=False, indent=1)
