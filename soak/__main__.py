"""`python -m soak`: see `soak.run`."""

import sys

from soak.run import main

sys.exit(main())
