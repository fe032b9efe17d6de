"""``main.py demo``: a demo organization collected from moto, opened in the workbench.

The first run seeds a fixed organization into moto in-process and runs the real
collection against it (about ten seconds); later runs reuse the cached snapshot.
Progress goes to stderr, the snapshot path to stdout.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from cli.main import CliError
from cli.progress import TerminalProgress
from collectors.demo import DemoBuildError, DemoUnavailable
from collectors.demo.build import demo_snapshot_path, ensure_demo_snapshot


def register(sub: Any) -> None:
    p = sub.add_parser(
        "demo",
        help="open a demo organization (seeded in moto, collected by the real collectors)",
        description="Build (once) a snapshot of a demo AWS organization: moto is seeded in-process with "
        "OUs, accounts, SCPs, RCPs and IAM principals with known weaknesses, then collected read-only "
        "by the real collectors. No AWS credentials or network are used. The snapshot is cached.",
    )
    p.add_argument("--rebuild", action="store_true", help="build the demo snapshot again, even if cached")
    p.add_argument(
        "--path-only", action="store_true", help="only print the snapshot path (no progress, no GUI)"
    )
    p.add_argument("--no-gui", action="store_true", help="build or reuse the snapshot and print its path")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    progress = None if args.path_only else TerminalProgress(stream=sys.stderr)
    if progress is not None:
        print(f"demo snapshot: {demo_snapshot_path()}", file=sys.stderr)
    try:
        path = ensure_demo_snapshot(rebuild=args.rebuild, progress=progress)
    except DemoUnavailable as exc:  # moto missing; a cached demo snapshot would not need it
        raise CliError(str(exc)) from exc
    except DemoBuildError as exc:
        raise CliError(str(exc), status=1) from exc
    except OSError as exc:
        raise CliError(f"cannot use the demo cache folder {demo_snapshot_path().parent}: {exc}") from exc
    finally:
        if progress is not None:
            progress.close()
    print(path)
    sys.stdout.flush()
    if args.path_only or args.no_gui:
        return 0
    try:
        from ui.app import run_gui
    except ImportError as exc:
        raise CliError(
            f"the workbench window cannot start ({exc}); the snapshot is at {path}", status=1
        ) from exc
    return int(run_gui(str(path)))
