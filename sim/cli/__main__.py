"""``python -m sim.cli``: the ``ketensim`` command."""

import sys

from sim.cli import main

sys.exit(main())
