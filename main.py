"""AWS Org Audit Workbench: the GUI by default, subcommands for headless work.

python main.py [SNAPSHOT]        open the GUI (optionally on a snapshot)
python main.py demo              build (once) and open the demo organization
python main.py --help            every subcommand
"""

from __future__ import annotations

import logging
import os
import sys

from cli.main import ANALYSIS_COMMANDS, main


def _exit(status: int, argv: list[str]) -> None:
    """Exit with ``status``. After an analysis command, skip the interpreter's teardown.

    At 500 accounts an analysis leaves gigabytes of small Python objects (the Inventory, the
    trust graph); freeing them one by one at exit took tens of seconds after the answer was
    already written. Those commands write nothing else and hold no file open by then, so once
    the output is flushed the process may end at once. Other commands exit normally.
    """
    if argv and argv[0] in ANALYSIS_COMMANDS:
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    sys.exit(status)


if __name__ == "__main__":
    _exit(main(sys.argv[1:]), sys.argv[1:])
