"""The project's one PO reader and writer, byte-identical to GNU ``msgcat``.

Translators' tools (Weblate, Poedit, Lokalize, msgmerge...) all re-wrap PO
files their own way.  To keep diffs free of noise, every PO/POT file the
project writes goes through :func:`dump_po`, whose output is exactly what
GNU gettext 0.21 ``msgcat`` (default page width 79) prints for the same
catalog: same entry and comment order, same flag normalisation, same
escapes and -- the hard part -- the same line wrapping, which GNU does with
libunistring's UAX #14 line breaker (ported in :mod:`workflow.po.linebreak`,
tables included).

Reading (:func:`read_po`, :func:`read_po_bytes`) follows GNU's PO grammar
rather than polib's lenient line parser, because polib drops ``#~|`` lines,
strips trailing blanks from comments, loses empty comment lines and
rebuilds the header from a dict.  The result is a :class:`Catalog` of
:class:`Entry` objects, subclasses of ``polib.POFile`` and ``polib.POEntry``,
so the rest of the project works with polib as usual (``entry.fuzzy``,
``po.translated_entries()``); the few details polib cannot represent are
fields of those subclasses, used only while polib's fields still agree
with them.  Malformed files raise :class:`PoSyntaxError` with
the line GNU ``msgfmt`` would blame.

Known, deliberate differences from ``msgcat`` (each covered by a test):

* a catalog that is only a header: msgcat prints nothing at all (it will
  not write an "empty" catalog without --force-po); we print the header so
  that the file can be read back;
* a header entry that is not the first entry is written first;
* a UTF-8 byte order mark is skipped (GNU reports a syntax error);
* ``domain`` directives are rejected;
* a header charset that is not a text encoding in which ASCII stays ASCII (``base64``,
  ``rot13``, ``utf-16``, a name Python does not know) is a :class:`PoSyntaxError` at the
  Content-Type line, and a file saved as UTF-16/32 one at line 1: GNU warns "not a portable
  encoding name" and reads the bytes unconverted, which would make us guess the text.

GNU never breaks a line inside a format directive.  The directive parsers
(in :mod:`workflow.po.formats`) reproduce gettext's for the c, objc,
python, python-brace and php formats (checked against msgcat on thousands
of adversarial strings); for java, csharp, scheme, lisp, sh, qt,
qt-plural, kde, kde-kuit and perl-brace the same check found no
difference without a parser.  For the remaining, rarer languages
(javascript, perl, ruby, lua, awk, tcl, boost, elisp, librep,
object-pascal, smalltalk, gcc-internal, gfc-internal, ycp, java-printf) a
string can come out differently when a line would end exactly inside a
directive such as ``%%`` or ``% d``.

This module is only the public face; the work is split by concern:

* :mod:`workflow.po.lex` -- the lexer (GNU po-lex.c) and :class:`PoSyntaxError`;
* :mod:`workflow.po.model` -- :class:`Catalog` and :class:`Entry`, the polib
  subclasses that keep the header and comment lines as read;
* :mod:`workflow.po.read` -- charset sniffing, GNU's grammar (po-gram.y),
  msgfmt's parse-time checks, the polib objects and the details they
  carry for the writer (the header as read, comment lines as written);
* :mod:`workflow.po.write` -- :func:`dump_po` and friends: entry order,
  comments, flags, escaping and wrapping like gettext's wrap(), and
  :func:`write_po_file` through :func:`workflow.fsutil.write_atomic`;
* :mod:`workflow.po.formats` -- the "#," flags (read and written) and the
  format-directive parsers that keep line breaks out of directives;
* :mod:`workflow.po.linebreak` -- the libunistring 1.0 line-breaking port
  and its Unicode tables.

Imports only go one way: po_write -> po_read -> po_lex, both of them ->
po_formats and po_model, po_write -> po_linebreak; nothing imports this
module back.
Import from here, not from those modules: their names may move.
"""

from __future__ import annotations

from workflow.po.lex import PoSyntaxError
from workflow.po.model import Catalog, Entry
from workflow.po.read import PAGE_WIDTH, read_po, read_po_bytes
from workflow.po.write import dump_po, dump_po_bytes, write_po_file

__all__ = ["Catalog", "Entry", "PoSyntaxError", "read_po", "read_po_bytes", "dump_po", "dump_po_bytes", "write_po_file"]
