# HarfBuzz (pip install uharfbuzz fonttools polib) over every Khmer run of the samples and the corpus:
# FONTWORK=<folder> python shaping.py <NotoSansKhmer variable .ttf>  (figures: ../official-typefaces.md)
"""Shaping, coverage and size of the Khmer candidates, with HarfBuzz (uharfbuzz)."""
import glob, io, re, sys, json, os
import polib, uharfbuzz as hb
from fontTools.ttLib import TTFont

MAIN = os.environ.get("PROJECT", ".")
KH = re.compile(r"[\u1780-\u17FF\u19E0-\u19FF\u200B-\u200D\u25CC]+(?:[ \u00a0][\u1780-\u17FF\u19E0-\u19FF\u200B-\u200D]+)*")

def texts(paths):
    out = []
    for p in paths:
        if p.endswith(".po"):
            try:
                po = polib.pofile(p)
            except Exception as e:
                print("skip", p, e, file=sys.stderr); continue
            for e in po:
                for s in [e.msgstr, *e.msgstr_plural.values()]:
                    out += KH.findall(s)
        else:
            out += KH.findall(open(p, encoding="utf-8").read())
    return out

samples = texts(glob.glob(f"{MAIN}/content/*.md") + glob.glob(f"{MAIN}/locale/km/**/*.po", recursive=True)
                + glob.glob(f"{MAIN}/locale/glossary/km.po"))
corpus = texts(glob.glob(f"{MAIN}/../shared/corpus/po/km/*.po"))
print("runs: samples", len(samples), "chars", sum(map(len, samples)), "| corpus", len(corpus), "chars", sum(map(len, corpus)))
used = set("".join(samples + corpus)) - {" ", "\u00a0"}

W = os.environ["FONTWORK"]  # the unpacked tarballs (W/moul/package/...) and the .deb (W/deb/...)
NOTO_KH = sys.argv[1]
cands = {
  "Noto Sans Khmer 400 (fontpkg, variable)": NOTO_KH,
  "@fontsource/moul khmer 400": f"{W}/moul/package/files/moul-khmer-400-normal.woff",
  "@fontsource/battambang khmer 400": f"{W}/battambang/package/files/battambang-khmer-400-normal.woff",
  "@fontsource/battambang khmer 700": f"{W}/battambang/package/files/battambang-khmer-700-normal.woff",
  "@fontsource/siemreap khmer 400": f"{W}/siemreap/package/files/siemreap-khmer-400-normal.woff",
  "khmeros Muol Light": f"{W}/deb/usr/share/fonts/truetype/khmeros/KhmerOSmuollight.ttf",
  "khmeros Siemreap": f"{W}/deb/usr/share/fonts/truetype/khmeros/KhmerOSsiemreap.ttf",
  "khmeros Battambang": f"{W}/deb/usr/share/fonts/truetype/khmeros/KhmerOSbattambang.ttf",
}
res = {}
for name, path in cands.items():
    f = TTFont(path); f.flavor = None
    buf = io.BytesIO(); f.save(buf); data = buf.getvalue()
    cmap = f.getBestCmap()
    face = hb.Face(data); font = hb.Font(face)
    dotted = cmap.get(0x25CC); coeng = cmap.get(0x17D2)
    gid = {n: i for i, n in enumerate(f.getGlyphOrder())}
    dotted_g = gid.get(dotted); coeng_g = gid.get(coeng)
    row = {"bytes": os.path.getsize(path), "ttf_bytes": len(data), "glyphs": len(f.getGlyphOrder()),
           "missing_codepoints": sorted(f"U+{ord(c):04X}" for c in used if ord(c) not in cmap and c not in "\u200b\u200c\u200d")}
    for label, runs in (("samples", samples), ("corpus", corpus)):
        dc = nd = co = clusters = 0
        bad = []
        for t in runs:
            buf = hb.Buffer(); buf.add_str(t); buf.guess_segment_properties()
            hb.shape(font, buf, {})
            cl = {i.cluster for i in buf.glyph_infos}; clusters += len(cl)
            for info in buf.glyph_infos:
                if info.codepoint == 0: nd += 1
                elif dotted_g is not None and info.codepoint == dotted_g and "\u25cc" not in t: dc += 1; bad.append(t)
                elif coeng_g is not None and info.codepoint == coeng_g: co += 1
        row[label] = {"clusters": clusters, "dotted_circles": dc, "notdef": nd, "coeng_left_unformed": co, "examples": bad[:3]}
    res[name] = row
    print(name, json.dumps(row, ensure_ascii=False))
json.dump(res, open(f"{W}/shaping.json", "w"), ensure_ascii=False, indent=1)
