"""Argument parsing and dispatch. Each subcommand lives in its own module with
``register(subparsers)`` and ``run(args) -> int``; errors are one line on stderr."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from collectors import tool_version

# Subcommand modules, in the order --help lists them.
COMMAND_MODULES = (
    "cli.profiles_cmd",
    "cli.login_cmd",
    "cli.collect_cmd",
    "cli.verify_cmd",
    "cli.demo_cmd",
    "cli.simulate_cmd",
    "cli.paths_cmd",
    "cli.scpwhatif_cmd",
    "cli.exposure_cmd",
    "cli.path_cmd",
    "cli.assess_cmd",
    "cli.export_cmd",
    "cli.diff_cmd",
)
# Commands that only read a snapshot and print an analysis (main.py skips the interpreter's
# teardown after them: see its ``_exit``).
ANALYSIS_COMMANDS = frozenset(
    {"simulate", "paths", "scp-whatif", "exposure", "path", "assess", "export", "diff"}
)
COMMANDS = (
    "profiles",
    "login",
    "collect",
    "verify",
    "demo",
    "simulate",
    "paths",
    "scp-whatif",
    "exposure",
    "path",
    "assess",
    "export",
    "diff",
    "gui",
)


class CliError(Exception):
    """A failure the user can act on: printed as one line, exit status 2 unless given."""

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="main.py",
        description="AWS Org Audit Workbench: collect an AWS organization's security configuration "
        "read-only into a snapshot, and assess it offline.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {tool_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    gui = sub.add_parser("gui", help="open the workbench window (the default)")
    gui.add_argument("snapshot", nargs="?", help="a snapshot file to open")
    gui.set_defaults(func=_run_gui)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def _run_gui(args: argparse.Namespace) -> int:
    from ui.app import run_gui

    return run_gui(args.snapshot)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # No subcommand: the GUI, optionally on a snapshot path.
    if not argv or (argv[0] not in COMMANDS and not argv[0].startswith("-")):
        argv = ["gui", *argv]
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
