"""``python -m zwgk`` runs the command line."""

import sys

from zwgk.cli import main

sys.exit(main())
