"""AWS Org Audit Workbench: the GUI by default, subcommands for headless work.

python main.py [SNAPSHOT]        open the GUI (optionally on a snapshot)
python main.py demo              build (once) and open the demo organization
python main.py --help            every subcommand
"""

from __future__ import annotations

import sys

from cli.main import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
