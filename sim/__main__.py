"""``python -m sim`` is ``vethlab``."""
import sys

from sim.cli import main

sys.exit(main())
