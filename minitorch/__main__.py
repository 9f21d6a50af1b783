"""`python -m minitorch ...` runs the command line (see minitorch/cli.py)."""

import sys

from minitorch.cli import main

sys.exit(main())
