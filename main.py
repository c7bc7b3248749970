"""Start Incident Desk: ``python main.py`` opens the window; ``--help`` lists the commands."""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
