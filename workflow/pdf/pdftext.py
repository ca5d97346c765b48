"""Exact text extraction from WeasyPrint 70.0 PDFs for Khmer (and other
complex scripts), with /ActualText.

The problem
-----------
WeasyPrint writes one ``ToUnicode`` entry per glyph, the text of the first
cluster the glyph was drawn in (``draw_first_line`` in
``weasyprint/draw/text.py``, Kozea/WeasyPrint#2841).  Khmer is not drawn one
glyph per character: ``ក្រ`` is [coeng-ro form, ក], ``លើ`` is [e-part, ល,
ី-part], marks are zero-width glyphs drawn over their base.  So a later plain
``ក`` is read back as ``ក្រ``, vowels come back in visual order or are lost.
No per-glyph map can be right: one glyph stands for different text in
different clusters.

The fix
-------
As Skia/Chromium do, text whose glyphs do not map one-to-one to characters is
wrapped in marked content that carries the real text::

    /Span <</ActualText <FEFF...UTF-16BE...>>> BDC [<gid><gid>] TJ EMC

Readers that honour ``/ActualText`` (poppler's pdftotext, Acrobat, pdf.js)
use that text instead of the ``ToUnicode`` map.  Spans hold whole Pango
clusters and only begin and end between two "clean" glyphs (glyphs that
advance and are not offset), so that marks stay with their base: poppler
spreads a span's text evenly between the origin of its first glyph and the
advance of its last one, so characters come out in order, with no overlap and
no gap.  A glyph is left outside spans only when it is alone in its cluster
and is the font's own ``cmap`` glyph for that one character; its ``ToUnicode``
entry is then set to that character, which also removes the ``ក -> ក្រ``
contamination for readers that ignore ``/ActualText`` (pypdf, pdfminer.six).
Glyphs not drawn by WeasyPrint (PANGO_GLYPH_EMPTY: U+200B ZERO WIDTH SPACE,
soft hyphens...) have no text in the PDF, with or without the fix.
Right-to-left runs are left as WeasyPrint draws them.

One WeasyPrint function is patched: ``weasyprint.draw.text.draw_first_line``,
and only by wrapping it.  WeasyPrint's code runs unchanged; the wrapper then
reads the Pango glyph clusters of the line that was drawn and splits the
``TJ`` operators just appended to the stream to insert ``BDC``/``EMC``.  If
the glyphs drawn are not the expected ones, the stream is left as WeasyPrint
wrote it and a warning is logged.

Usage::

    from workflow.pdf import pdftext
    pdftext.write_pdf(HTML(string=html), 'out.pdf')   # fixed for this call
    with pdftext.patched():                            # fixed in the block
        HTML(string=html).write_pdf('out.pdf')
    pdftext.install()                                  # fixed until uninstall()

While active the patch is process-wide (for all threads): it only adds
/ActualText, so other renders running at the same time get the fix too.
"""

import contextlib
import functools
import io
import re
import threading
from bisect import bisect_left, bisect_right
from itertools import accumulate
from typing import NamedTuple

__all__ = ['install', 'install_for_process', 'uninstall', 'patched', 'write_pdf', 'SUPPORTED_VERSION']

SUPPORTED_VERSION = '70.0'

_lock = threading.RLock()
_depth = 0          # install() nesting count
_original = None    # WeasyPrint's own draw_first_line while patched
_wrapper = None     # what replaces it
_HEX = re.compile(rb'(<[0-9A-Fa-f]*>)')


def _check_version():
    import weasyprint
    if weasyprint.__version__ != SUPPORTED_VERSION:
        raise RuntimeError(
            f'workflow.pdf.pdftext patches WeasyPrint {SUPPORTED_VERSION} internals '
            f'(weasyprint.draw.text.draw_first_line) but WeasyPrint '
            f'{weasyprint.__version__} is installed: pin weasyprint=='
            f'{SUPPORTED_VERSION} or re-check the patch against the new version')


def install():
    """Patch WeasyPrint so that the PDFs it writes carry /ActualText.

    Safe to call several times: calls are counted, and the patch goes away
    when :func:`uninstall` has been called as many times.
    """
    global _depth, _original, _wrapper
    _check_version()
    from weasyprint.draw import text
    with _lock:
        if _depth == 0:
            if getattr(text.draw_first_line, '_pdftext_original', None):
                raise RuntimeError(
                    'weasyprint.draw.text.draw_first_line is already patched '
                    'by another copy of workflow.pdf.pdftext')
            _original = text.draw_first_line
            _wrapper = text.draw_first_line = _make_wrapper(_original)
        _depth += 1


def uninstall():
    """Undo one :func:`install` (no-op when not installed)."""
    global _depth, _original, _wrapper
    from weasyprint.draw import text
    with _lock:
        if _depth == 0:
            return
        _depth -= 1
        if _depth == 0:
            if text.draw_first_line is _wrapper:  # else: patched over by others
                text.draw_first_line = _original
            _original = _wrapper = None


_for_process = False


def install_for_process():
    """Patch WeasyPrint once, for every document this process will write (a typesetting worker):
    the later ``patched()`` blocks then only count, and WeasyPrint's module is not changed again
    per document.  Not undone: the process exists to typeset."""
    global _for_process
    with _lock:
        if not _for_process:
            install()
            _for_process = True


@contextlib.contextmanager
def patched():
    """Context manager: the fix is active inside the ``with`` block."""
    install()
    try:
        yield
    finally:
        uninstall()


def write_pdf(document_or_html, target=None, **kwargs):
    """``document_or_html.write_pdf(target, **kwargs)`` with the fix applied.

    ``document_or_html`` is a ``weasyprint.HTML`` or a rendered
    ``weasyprint.Document`` (text is drawn when the PDF is written, so a
    Document rendered without the fix is fine).  Returns what WeasyPrint's
    ``write_pdf`` returns (the PDF bytes when ``target`` is None).
    """
    with patched():
        return document_or_html.write_pdf(target, **kwargs)


def _make_wrapper(original):
    def draw_first_line(stream, textbox, *args, **kwargs):
        start = len(stream.stream)
        result = original(stream, textbox, *args, **kwargs)
        if len(stream.stream) > start:
            try:
                new = _add_actual_text(stream, textbox, stream.stream[start:])
            except Exception:  # never break rendering for text extraction
                from weasyprint.logger import LOGGER
                LOGGER.warning('pdftext: no /ActualText for %r', textbox.text,
                               exc_info=True)
            else:
                if new is not None:
                    stream.stream[start:] = new
        return result
    draw_first_line.__doc__ = original.__doc__
    draw_first_line._pdftext_original = original
    return draw_first_line


#: Glyph tables by font file and index, with the file's bytes as first seen: read once a
#: process, not once a document.
_CMAPS = {}
#: The font file last seen at each HarfBuzz face's address, with its table.  WeasyPrint makes a
#: font object a document and reads its file again from the face, which the process's font
#: configuration keeps: comparing the bytes with those last seen there costs a tenth of hashing
#: them (as a key of ``_CMAPS``), which is done only when they differ.
_FACES = {}


def _cmap_glyphs(font):
    """{glyph id: the character WeasyPrint's full-font ToUnicode gives it}."""
    table = getattr(font, '_pdftext_cmap', None)
    if table is None:
        from weasyprint.text.ffi import ffi
        content, index = font.file_content, font.index
        address = int(ffi.cast('uintptr_t', font.hb_face))
        seen = _FACES.get(address)
        if seen is not None and seen[1] == index and seen[0] == content:
            table = seen[2]
        else:
            content, table = _CMAPS.get((content, index)) or (content, None)
            if table is None:
                table = _read_cmap(content, index)
                _CMAPS[content, index] = content, table
            _FACES[address] = content, index, table
        font._pdftext_cmap = table
    return table


def _read_cmap(content, index):
    from fontTools.ttLib import TTFont
    table = {}
    try:
        ttfont = TTFont(io.BytesIO(content), fontNumber=index, lazy=True)
        glyph_ids = ttfont.getReverseGlyphMap()
        # Same rule as weasyprint.pdf.fonts.build_fonts_dictionary.
        for letter, key in ttfont.getBestCmap().items():
            table.setdefault(glyph_ids[key], chr(letter))
    except Exception:  # no usable cmap: every cluster gets /ActualText
        pass
    return table


def _runs(stream, textbox):
    """The runs of the line just drawn, each read from Pango in one go.

    Returns a list of ``(offset, length, rtl, font, glyph_ids, widths,
    x_offsets, y_offsets, clusters, raw)``: the run's place in the layout's
    UTF-8 text, whether it is right-to-left, its WeasyPrint font, then one
    entry a glyph, then all of these glyph fields as bytes (a key for
    :data:`_SPLITS`).  The ``PangoGlyphInfo`` array and ``log_clusters`` are
    copied as whole buffers: reading them an attribute at a time through cffi
    cost more than WeasyPrint's own drawing of the line.
    """
    from weasyprint.text.ffi import ffi
    layout = _layout()
    first_line, _ = textbox.pango_layout.get_first_line()
    runs, run = [], first_line.runs
    while run != ffi.NULL:
        glyph_item, run = run.data, run.next
        item, glyphs = glyph_item.item, glyph_item.glyphs
        runs.append((item.offset, item.length, item.analysis.level % 2,
                     stream.add_font(item.analysis.font)[0], *_glyph_fields(glyphs, layout)))
    return runs


def _glyph_fields(glyphs, layout):
    """Glyph ids, widths, x and y offsets and clusters of a ``PangoGlyphString``, as lists,
    then the bytes they were read from."""
    from weasyprint.text.ffi import ffi
    count = glyphs.num_glyphs
    if count <= 0:
        return [], [], [], [], [], b''
    info = ffi.buffer(glyphs.glyphs, count * layout.size)
    clusters = ffi.buffer(glyphs.log_clusters, count * 4)
    unsigned, signed = memoryview(info).cast('I'), memoryview(info).cast('i')
    stride = layout.stride
    glyph_ids = unsigned[layout.glyph::stride]
    geometry = [signed[field::stride] for field in (layout.width, layout.x_offset, layout.y_offset)]
    # Not the whole array: the bits of ``attr`` beside Pango's flags are not set.
    raw = b''.join([glyph_ids.tobytes(), *(field.tobytes() for field in geometry), clusters[:]])
    return (glyph_ids.tolist(), *(field.tolist() for field in geometry),
            memoryview(clusters).cast('i').tolist(), raw)


class _Layout(NamedTuple):
    """Where ``_runs`` finds a glyph's fields in Pango's ``PangoGlyphInfo`` array."""
    size: int  # bytes a glyph
    stride: int  # 32-bit words a glyph
    glyph: int  # index of each field's word in a glyph's words
    width: int
    x_offset: int
    y_offset: int
    empty: int  # PANGO_GLYPH_EMPTY
    unknown_flag: int  # PANGO_GLYPH_UNKNOWN_FLAG


@functools.cache
def _layout():
    """``PangoGlyphInfo`` as WeasyPrint declares it to cffi: every field a 32-bit word."""
    from weasyprint.text.ffi import ffi, pango
    size = ffi.sizeof('PangoGlyphInfo')
    geometry = ffi.offsetof('PangoGlyphInfo', 'geometry')
    fields = [ffi.offsetof('PangoGlyphInfo', 'glyph')] + [
        geometry + ffi.offsetof('PangoGlyphGeometry', name)
        for name in ('width', 'x_offset', 'y_offset')]
    if size % 4 or any(field % 4 for field in fields) or ffi.sizeof('gint') != 4:
        raise RuntimeError(f'unexpected PangoGlyphInfo layout: {size} bytes, fields at {fields}')
    return _Layout(size, size // 4, *(field // 4 for field in fields),
                   pango.PANGO_GLYPH_EMPTY, pango.PANGO_GLYPH_UNKNOWN_FLAG)


def _nominal_updates(runs, utf8):
    """The ``ToUnicode`` entries of a line that needs no /ActualText, None if it may need some.

    A line needs none when every run is left-to-right and each of its glyphs
    is drawn (not PANGO_GLYPH_EMPTY nor .notdef), advances without offset,
    and is the font's own glyph for the one character of its own cluster:
    :func:`_line` would then make each glyph a group of its own that is not
    wrapped, and :func:`_add_actual_text` would only set these entries.  That
    is most English and French lines; the check costs a few operations on
    whole lists, where :func:`_line` costs several a glyph.  Returns a list
    of ``(to_unicode, glyph_ids, characters)``.
    """
    updates, empty = [], _layout().empty
    for offset, length, rtl, font, glyph_ids, widths, x_offsets, y_offsets, clusters, _ in runs:
        if not glyph_ids:
            continue
        if (rtl or max(glyph_ids) >= empty or min(widths) <= 0 or any(x_offsets) or
                any(y_offsets)):
            return None
        characters = list(map(_cmap_glyphs(font).get, glyph_ids))
        if None in characters:
            return None
        text = ''.join(characters)  # one character a glyph: cmap values are single characters
        if utf8[offset:offset + length] != text.encode():
            return None
        # Glyph i's cluster must be exactly character i: its UTF-8 offset.
        if len(text) == length:  # ASCII
            if clusters != list(range(length)):
                return None
        elif clusters != list(accumulate(map(len, map(str.encode, characters[:-1])), initial=0)):
            return None
        updates.append((font.to_unicode, glyph_ids, characters))
    return updates


class _Line(NamedTuple):
    """The drawn glyphs of a line (:func:`_line`), as :func:`_split` needs them."""
    codes: list  # each drawn glyph's id, as written in the TJ string (bytes)
    spans: list  # (first glyph, last glyph, text) of each group to wrap, in order
    entries: list  # (run, glyph id, character) for each nominal glyph, in order


def _line(runs, utf8):
    """Group the drawn glyphs of the line just drawn (its :func:`_runs`).

    A group is made of whole clusters and only ends between two "clean"
    glyphs (that advance and are not offset): marks drawn on a base glyph
    stay with it, and a group starts and ends where the pen really is, so
    that poppler, which spreads /ActualText evenly from the origin of the
    first glyph to the advance of the last one, puts the characters in order,
    with no overlap and no gap.  Groups never cross runs.  A group is wrapped
    in /ActualText, with the text of its clusters, unless it is one glyph
    that is the font's own glyph for the one character of its cluster.
    Groups of right-to-left runs are left as WeasyPrint draws them.

    The font's own glyph for a character (``nominal``) gets that character as
    its ``ToUnicode`` entry, wrapped or not, except in right-to-left runs.

    PANGO_GLYPH_EMPTY glyphs are not drawn, so they are skipped: the text of a
    cluster made only of them (U+200B ZERO WIDTH SPACE, soft hyphen…) is not
    in the PDF, as without the fix.
    """
    layout = _layout()
    empty, unknown_flag = layout.empty, layout.unknown_flag
    codes, spans, entries = [], [], []
    first, texts, wrap, rtl = 0, {}, False, True  # the group being read
    previous_clean = True
    for run, (offset, length, rtl_run, font, glyph_ids, widths, x_offsets, y_offsets, clusters,
              _) in enumerate(runs):
        if not rtl and (wrap or len(codes) - first > 1):  # the group ends with its run
            spans.append((first, len(codes) - 1, ''.join(texts.values())))
        first, texts, wrap, rtl = len(codes), {}, False, rtl_run
        cmap, code_format = _cmap_glyphs(font), '02x' if font.bitmap else '04x'
        code_cache = _CODES[code_format]
        starts = sorted(set(clusters)) + [length]
        ends = dict(zip(starts, starts[1:]))
        for i, start in enumerate(clusters):
            glyph_id = glyph_ids[i]
            if glyph_id == empty:
                continue
            if glyph_id & unknown_flag:  # .notdef, renumbered
                glyph_id = font.missing[glyph_id - unknown_flag]
                character = None
            else:
                character = cmap.get(glyph_id)
            clean = widths[i] > 0 and not x_offsets[i] and not y_offsets[i]
            if codes and clean and previous_clean and start != clusters[i - 1]:
                if not rtl and (wrap or len(codes) - first > 1):
                    spans.append((first, len(codes) - 1, ''.join(texts.values())))
                first, texts, wrap = len(codes), {}, False
            previous_clean = clean
            text = utf8[offset + start:offset + ends[start]].decode()
            code = code_cache.get(glyph_id)
            if code is None:
                code = code_cache[glyph_id] = format(glyph_id, code_format).encode()
            codes.append(code)
            if not rtl:
                texts[start] = text
                if character is None:
                    wrap = True
                else:
                    wrap = wrap or character != text
                    entries.append((run, glyph_id, character))
    if not rtl and (wrap or len(codes) - first > 1):
        spans.append((first, len(codes) - 1, ''.join(texts.values())))
    return _Line(codes, spans, entries)


#: Glyph ids as WeasyPrint writes them in TJ strings, by format (bitmap fonts: 2 digits).
_CODES = {'02x': {}, '04x': {}}


def _actual_text(text):
    return (b'/Span <</ActualText <FEFF' +
            text.encode('utf-16-be').hex().upper().encode() + b'>>> BDC')


def _add_actual_text(stream, textbox, items):
    """Return ``items`` with BDC/EMC around groups, None to keep them as is.

    Raise ValueError if ``items`` do not draw the expected glyphs.
    """
    runs, utf8 = _runs(stream, textbox), textbox.pango_layout.text.encode()
    updates = _nominal_updates(runs, utf8)
    if updates is not None:  # nothing to wrap: only the ToUnicode entries, as below
        for to_unicode, glyph_ids, characters in updates:
            to_unicode.update(zip(glyph_ids, characters))
        return None
    key = _split_key(runs, utf8, items)
    template, entries = _SPLITS.get(key) or (None, None)
    if entries is None:
        line = _line(runs, utf8)
        template, entries = _split(items, line) if line.spans else None, line.entries
        if key is not None:
            with _lock:  # documents may be written by several threads
                if len(_SPLITS) >= _SPLITS_SIZE:
                    del _SPLITS[next(iter(_SPLITS))]  # the oldest
                _SPLITS[key] = template, entries

    # The font's own glyph for a character maps to that character, whatever
    # cluster WeasyPrint first saw it in (this fixes "ក" read as "ក្រ", also
    # for readers that ignore /ActualText); other glyphs keep their entry.
    for run, glyph_id, character in entries:
        runs[run][3].to_unicode[glyph_id] = character
    if template is None:
        return None
    return [items[part] if isinstance(part, int) else part for part in template]


#: Lines that needed /ActualText, by everything :func:`_line` and :func:`_split` read: their
#: split ``items`` (a template: an item kept as it is, such as the text matrix that places the
#: line, is its index) and their ToUnicode entries.  A line drawn again (the motto, the
#: ministry's name, a signature) then costs a look-up.  The oldest go first.
_SPLITS = {}
_SPLITS_SIZE = 512


def _split_key(runs, utf8, items):
    """What the split of a line depends on, None if not only on the line (a .notdef glyph is
    renumbered by its document's font)."""
    unknown_flag = _layout().unknown_flag
    key = [utf8]
    for offset, length, rtl, font, glyph_ids, _, _, _, _, raw in runs:
        if glyph_ids and max(glyph_ids) >= unknown_flag:
            return None
        key.append((offset, length, rtl, id(_cmap_glyphs(font)), font.bitmap, raw))
    key.extend(item if _is_tj(item) else None for item in items)
    return tuple(key)


def _is_tj(item):
    return isinstance(item, bytes) and item.startswith(b'[') and item.endswith(b'] TJ')


def _split(items, line):
    """``items`` with their ``TJ`` operators split at the bounds of ``line.spans``, and the
    spans' ``BDC``/``EMC`` between them; an item kept as it is is given by its index.

    Raise ValueError if ``items`` do not draw the line's glyphs.
    """
    codes, count = line.codes, len(line.codes)
    offsets = list(accumulate(map(len, codes), initial=0))
    expected = b''.join(codes)
    # The marks between glyphs, in order: a span's EMC after its last glyph
    # (key 2 * (last + 1)) comes before the next span's BDC before its first
    # glyph (key 2 * first + 1).
    keys, marks = [], []
    for first, last, text in line.spans:
        keys += (2 * first + 1, 2 * last + 2)
        marks += (_actual_text(text), b'EMC')
    out, chunk, index = [], [], 0

    def flush():
        if any(chunk):
            out.append(b'[' + b''.join(chunk) + b'] TJ')
        chunk.clear()

    for position, item in enumerate(items):
        if not _is_tj(item):
            flush()
            out.append(position)
            continue
        for token in _HEX.split(item[1:-4]):
            if not (len(token) > 2 and token[0] == 0x3C):  # not <hex>
                chunk.append(token)  # numbers, empty strings: keep as they are
                continue
            width = len(codes[index]) if index < count else 1
            end = index + (len(token) - 2) // width
            if end > count or token[1:-1] != expected[offsets[index]:offsets[end]]:
                raise ValueError(f'unexpected glyphs {token!r} at {index}')
            # Marks drawn inside this token: a BDC before one of its glyphs,
            # an EMC after one.
            low = bisect_left(keys, 2 * index + 1)
            high = bisect_right(keys, 2 * end, low)
            if low == high:
                chunk.append(token)
                index = end
                continue
            for key, mark in zip(keys[low:high], marks[low:high]):
                cut = key // 2
                if cut > index:
                    chunk.append(b'<' + expected[offsets[index]:offsets[cut]] + b'>')
                    index = cut
                flush()
                out.append(mark)
            if end > index:
                chunk.append(b'<' + expected[offsets[index]:offsets[end]] + b'>')
            index = end
    flush()
    if index != count:
        raise ValueError(f'{index} glyphs drawn, {count} in the Pango line')
    return out
