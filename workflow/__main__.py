"""``python -m workflow``: the command line."""

import logging
import os
import sys

from workflow.cli import main

status = main()
# Everything the command wrote is whole and in its place (written beside it and renamed), its
# temporary folder is gone and its worker processes have ended: what is left is the
# interpreter freeing its objects one by one (0.05 s after a publish with nothing to do, more
# after a large one), which nobody waits for.  Only what is still buffered needs to go out.
logging.shutdown()
for stream in (sys.stdout, sys.stderr):
    try:
        stream.flush()
    except (OSError, ValueError):  # the reader went away (``| head``): cli.main has said nothing more is due
        pass
os._exit(status)
