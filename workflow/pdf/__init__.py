"""HTML to PDF: WeasyPrint behind a sandbox and a written policy (``typeset``), the bundled fonts
(``fonts``), exact Khmer text in PDFs (``pdftext``), and PDFs as jobs on every core (``jobs``).

Nothing here is imported by a command that typesets nothing: WeasyPrint is loaded only by
``typeset`` and ``pdftext``, which the jobs import in the processes that make PDFs.
"""
