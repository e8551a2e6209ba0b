"""``python -m zwgk`` runs the command line."""

import sys

from zwgk.commands.cli import main

sys.exit(main())
