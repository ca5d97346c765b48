"""Publish official press releases in several languages from one Markdown source.

The pipeline, one stage a module::

    content/<slug>.md --release--> Release --segment--> segments --catalog--> POT/PO
    Release + PO --segment (recombine)--> HTML body --render--> page --typeset--> PDF

``build`` runs the stages for every release and language; ``cli`` is the
command line.  See README.md for the people who use it.
"""

__version__ = "0.1.0"
