"""Text extracted from WeasyPrint PDFs must be the exact Khmer source text.

Renders real Khmer press-release sentences (coeng stacks, reordering vowels
ើ ោ ៀ, Khmer digits, U+200B between words, English and French words, bold,
lines broken mid-paragraph, a page break) and compares poppler's ``pdftotext``
output with the source, ignoring only whitespace and zero-width characters.
"""

import html
import io
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

pytest.importorskip('weasyprint')
fontpkg = pytest.importorskip('fontpkg')

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from workflow.pdf import pdftext  # noqa: E402

ZW = '\u200b'  # ZERO WIDTH SPACE, put between Khmer words for line breaking


def khmer(*words):
    return ZW.join(words)


# Each entry: (CSS class or '', text). Texts are plain strings; bold parts
# are marked with ** and turned into <b>.
PARAGRAPHS = [
    ('', khmer('ក្រសួង', 'ការបរទេស', ' និង', 'សហប្រតិបត្តិការ', 'អន្តរជាតិ', ' នៃ',
               'ព្រះរាជាណាចក្រ', 'កម្ពុជា', ' បាន', 'រៀបចំ', 'កិច្ចពិគ្រោះ', 'យោបល់',
               'ទ្វេភាគី', 'លើក', 'ទី', 'មួយ', ' ជាមួយ', 'ព្រះរាជាណាចក្រ', 'បែលហ្ស៊ិក',
               ' នៅ', 'ថ្ងៃ', 'ទី', '៧', ' ខែ', 'កុម្ភៈ', ' ឆ្នាំ', '២០២៤', '។')),
    ('narrow', khmer('ឯកឧត្តម', 'បណ្ឌិត', ' ជែម', ' វិឌ្ឍា', ' រដ្ឋលេខាធិការ', ' បាន',
                     'ថ្លែង', 'អំណរគុណ', 'យ៉ាង', 'ជ្រាលជ្រៅ', 'ចំពោះ', ' Ambassador François '
                     'DELHAYE ', 'សម្រាប់', 'ជំនួយ', 'ដ៏', 'មាន', 'តម្លៃ', ' លើ', 'វិស័យ',
                     'កសិកម្ម', ' សុខាភិបាល', ' អប់រំ', ' និង', 'ការពារ', 'បរិស្ថាន', '។')),
    ('', '**' + khmer('សេចក្តី', 'ប្រកាស', 'ព័ត៌មាន') + '** — Communiqué de presse, '
         '**Press Release** ' + khmer('លេខ', '០៣៥', '/', '២៤')),
    ('narrow', khmer('ភាគី', 'ទាំង', 'ពីរ', ' បាន', 'ពិភាក្សា', 'អំពី', 'កិច្ចប្រជុំ',
                     'កំពូល', ' la Francophonie ', 'ឆ្នាំ', '២០២៦', ' និង', ' Sommet sur '
                     'un monde sans mines ', 'នៅ', 'ខេត្ត', 'សៀមរាប', ' ថ្ងៃ', 'ទី', '២៥',
                     ' ខែ', 'វិច្ឆិកា', '។ ', 'ស្ត្រី', ' និង', 'កុមារ', ' ត្រូវ', 'បាន',
                     'លើក', 'ទឹកចិត្ត', 'ឱ្យ', 'ចូលរួម', '។')),
    ('break', 'ក ក្រ ក ក្ក ក កា ក ក្រុម ' + khmer('គោល', 'នយោបាយ', 'ការបរទេស', 'របស់',
                                             'កម្ពុជា', ' គឺ', 'ឯករាជ្យ', ' អព្យាក្រឹត',
                                             ' និង', 'មិន', 'ចូលបក្ស', 'សម្ព័ន្ធ', '។')
     + ' Phnom Penh, le 14 février 2024 ១២៣៤៥៦៧៨៩០'),
]


def source_text():
    return ''.join(text.replace('**', '') for _, text in PARAGRAPHS)


def document_html():
    font = pathlib.Path(fontpkg.path('Noto Sans Khmer')).as_uri()
    body = []
    for cls, text in PARAGRAPHS:
        parts = html.escape(text).split('**')
        marked = ''.join(
            f'<b>{part}</b>' if i % 2 else part for i, part in enumerate(parts))
        body.append(f'<p class="{cls}">{marked}</p>')
    return f'''<!doctype html><html lang="km"><head><meta charset="utf-8"><style>
@font-face {{ font-family: Khmer; src: url("{font}") }}
@page {{ size: A5; margin: 15mm }}
body {{ font-family: Khmer, "DejaVu Sans", sans-serif; font-size: 12pt;
        line-height: 2 }}
.narrow {{ width: 45mm }}
.break {{ break-before: page }}
</style></head><body>{''.join(body)}</body></html>'''


def normalize(text):
    """Drop whitespace and zero-width/invisible format characters."""
    return re.sub(r'[\s\u200b\u200c\u200d\u2060\ufeff]', '', text)


def render(tmp_path, fixed):
    from weasyprint import HTML
    path = tmp_path / ('fixed.pdf' if fixed else 'plain.pdf')
    document = HTML(string=document_html())
    if fixed:
        pdftext.write_pdf(document, path)
    else:
        document.write_pdf(path)
    return path


def pdftotext(path, *options):
    if not shutil.which('pdftotext'):
        pytest.skip('pdftotext (poppler-utils) is not installed: '
                    'apt-get install poppler-utils')
    return subprocess.run(['pdftotext', *options, str(path), '-'], check=True,
                          capture_output=True, text=True).stdout


@pytest.fixture(scope='module')
def pdfs(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp('pdftext')
    return {'plain': render(tmp_path, False), 'fixed': render(tmp_path, True)}


def test_source_has_the_hard_cases():
    text = source_text()
    for needle in ('្រ', '្ត', 'ើ', 'ោ', 'ៀ', ZW, '២០២៤', 'François', 'février'):
        assert needle in text


def pages(path):
    info = subprocess.run(['pdfinfo', str(path)], check=True,
                          capture_output=True, text=True).stdout
    return int(re.search(r'^Pages:\s+(\d+)$', info, re.M).group(1))


@pytest.mark.parametrize('options', [(), ('-raw',)], ids=['default', 'raw'])
def test_pdftotext_exact_with_fix(pdfs, options):
    out = pdftotext(pdfs['fixed'], *options)
    assert normalize(out) == normalize(source_text())
    assert ZW not in out  # ZWSP is not drawn, so not extracted


def test_pdftotext_wrong_without_fix(pdfs):
    """Guard: the check above can fail (WeasyPrint's own ToUnicode map)."""
    out = pdftotext(pdfs['plain'])
    assert normalize(out) != normalize(source_text())


def test_page_breaks(pdfs):
    """A paragraph flows over a page end, and break-before starts a page."""
    out = pdftotext(pdfs['fixed'])
    count = pages(pdfs['fixed'])
    assert count >= 2 and out.count('\f') == count
    assert normalize(out.split('\f')[count - 1]).startswith(
        normalize(PARAGRAPHS[-1][1][:12]))


def test_lines_are_broken_and_latin_spaces_survive(pdfs):
    out = pdftotext(pdfs['fixed'])
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) > len(PARAGRAPHS) + 4  # narrow paragraphs wrap
    words = ' '.join(out.split())
    for phrase in ('Ambassador François DELHAYE', 'Communiqué de presse, Press Release',
                   'la Francophonie', 'Sommet sur un monde sans mines',
                   'Phnom Penh, le 14 février 2024', 'ក ក្រ ក ក្ក ក កា ក ក្រុម'):
        assert phrase in words, phrase


def test_latin_only_text_is_unchanged(tmp_path):
    from weasyprint import HTML
    text = ('Communiqué officiel : efficacité, affluence, « fiabilité » — '
            'the office\'s final offer, naïve café, 14 février 2024.')
    document = f'<p style="font-family: DejaVu Sans">{text}</p>'
    HTML(string=document).write_pdf(tmp_path / 'plain.pdf')
    pdftext.write_pdf(HTML(string=document), tmp_path / 'fixed.pdf')
    plain = pdftotext(tmp_path / 'plain.pdf')
    fixed = pdftotext(tmp_path / 'fixed.pdf')
    assert ' '.join(fixed.split()) == text
    assert fixed == plain


def test_bold_is_its_own_font(pdfs):
    if not shutil.which('pdffonts'):
        pytest.skip('pdffonts (poppler-utils) is not installed')
    fonts = subprocess.run(['pdffonts', str(pdfs['fixed'])], check=True,
                           capture_output=True, text=True).stdout
    assert 'Khmer-Bold' in fonts


def test_rendered_document_and_context_manager(tmp_path):
    from weasyprint import HTML
    document = HTML(string=document_html()).render()  # rendered without fix
    with pdftext.patched():
        document.write_pdf(tmp_path / 'document.pdf')
    assert normalize(pdftotext(tmp_path / 'document.pdf')) == normalize(source_text())
    # A document is written once: without HarfBuzz-Subset, WeasyPrint's fontTools path changes
    # the document's variable fonts as it subsets them, so a second write of it fails ('fvar').
    again = HTML(string=document_html()).render()
    assert pdftext.write_pdf(again).startswith(b'%PDF-')  # bytes, no target


def test_to_unicode_not_contaminated(tmp_path):
    """A plain ក drawn after ក្រ is ក again in ToUnicode (for pypdf & co)."""
    pypdf = pytest.importorskip('pypdf')
    from weasyprint import HTML
    font = pathlib.Path(fontpkg.path('Noto Sans Khmer')).as_uri()
    document = (f'<style>@font-face {{ font-family: K; src: url("{font}") }}</style>'
                '<p style="font-family: K">ក្រ ក</p>')
    words = {}
    for fixed in (False, True):
        path = tmp_path / f'{fixed}.pdf'
        if fixed:
            pdftext.write_pdf(HTML(string=document), path)
        else:
            HTML(string=document).write_pdf(path)
        words[fixed] = pypdf.PdfReader(path).pages[0].extract_text().split()
    assert words[False][-1] == 'ក្រ'  # WeasyPrint's first-cluster mapping
    assert words[True][-1] == 'ក'


def test_pdf_is_valid(pdfs):
    if not shutil.which('pdfinfo'):
        pytest.skip('pdfinfo (poppler-utils) is not installed')
    info = subprocess.run(['pdfinfo', str(pdfs['fixed'])], capture_output=True,
                          text=True)
    assert info.returncode == 0 and not info.stderr, info.stderr
    qpdf = shutil.which('qpdf')
    if qpdf:
        check = subprocess.run([qpdf, '--check', str(pdfs['fixed'])],
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


def test_marked_content_is_balanced(pdfs):
    pypdf = pytest.importorskip('pypdf')
    reader = pypdf.PdfReader(pdfs['fixed'])
    spans = 0
    for page in reader.pages:
        data = page.get_contents().get_data()
        spans += data.count(b'/ActualText')
        assert data.count(b' BDC') == data.count(b'EMC')
    assert spans


def test_patch_is_scoped_and_reentrant():
    from weasyprint.draw import text
    original = text.draw_first_line
    pdftext.install()
    pdftext.install()
    patched = text.draw_first_line
    assert patched is not original
    pdftext.uninstall()
    assert text.draw_first_line is patched
    pdftext.uninstall()
    assert text.draw_first_line is original
    pdftext.uninstall()  # extra call is a no-op
    with pdftext.patched():
        assert text.draw_first_line is not original
    assert text.draw_first_line is original


def test_wrong_version_is_refused(monkeypatch):
    import weasyprint
    monkeypatch.setattr(weasyprint, '__version__', '71.0')
    with pytest.raises(RuntimeError, match='70.0'):
        pdftext.install()


def page_contents(pdf):
    pypdf = pytest.importorskip('pypdf')
    return [page.get_contents().get_data() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def test_lines_drawn_again_are_written_the_same(monkeypatch):
    """A line split once is remembered (the motto, the ministry's name are on every edition):
    drawn again, at another place, it is written exactly as when it is split anew."""
    from weasyprint import HTML
    monkeypatch.setattr(pdftext, '_SPLITS', {})
    fresh = page_contents(pdftext.write_pdf(HTML(string=document_html())))
    remembered = len(pdftext._SPLITS)
    assert remembered  # the Khmer lines
    moved = document_html().replace('margin: 15mm', 'margin: 20mm 15mm 10mm')
    again = page_contents(pdftext.write_pdf(HTML(string=document_html())))
    elsewhere = page_contents(pdftext.write_pdf(HTML(string=moved)))
    assert len(pdftext._SPLITS) == remembered  # all found again
    assert again == fresh
    monkeypatch.setattr(pdftext, '_SPLITS', {})
    assert elsewhere == page_contents(pdftext.write_pdf(HTML(string=moved)))
    assert elsewhere != fresh  # the lines' places are not remembered


def test_lines_remembered_are_bounded(monkeypatch):
    from weasyprint import HTML
    monkeypatch.setattr(pdftext, '_SPLITS', {})
    fresh = page_contents(pdftext.write_pdf(HTML(string=document_html())))
    monkeypatch.setattr(pdftext, '_SPLITS', {})
    monkeypatch.setattr(pdftext, '_SPLITS_SIZE', 3)
    assert page_contents(pdftext.write_pdf(HTML(string=document_html()))) == fresh
    assert len(pdftext._SPLITS) == 3
