"""``python -m workflow``: the command line."""

import sys

from workflow.cli import main

sys.exit(main())
