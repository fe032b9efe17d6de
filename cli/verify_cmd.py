"""``main.py verify FILE``: check a snapshot's integrity.

Exit status: 0 intact; 1 tampered or incomplete (the problems are listed); 2
the file cannot be read as a snapshot.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from cli.main import CliError
from snapshot import SnapshotError, verify_snapshot


def register(sub: Any) -> None:
    p = sub.add_parser(
        "verify",
        help="check that a snapshot file is intact",
        description="Recompute every page's SHA-256 and the integrity digest over all records.",
    )
    p.add_argument("file", help="the snapshot file")
    p.add_argument("--json", action="store_true", help="print the result as JSON (see docs/cli.md)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        report = verify_snapshot(args.file)
    except SnapshotError as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        json.dump(
            {
                "file": str(report.path),
                "integrity": report.integrity,
                "status": report.status,
                "calls": report.calls,
                "pages": report.pages,
                "problems": report.problems,
            },
            sys.stdout,
            indent=2,
        )
        sys.stdout.write("\n")
    elif report.ok:
        print(
            f"{report.path}: intact ({report.calls} calls, {report.pages} pages; collection {report.status})"
        )
    else:
        label = "TAMPERED" if report.integrity == "tampered" else report.integrity.upper()
        print(
            f"{report.path}: {label} (collection {report.status}, {report.calls} calls, {report.pages} pages)"
        )
        for problem in report.problems:
            print(f"  - {problem}")
        if report.integrity == "incomplete":
            print("  - the collection did not finish: resume it with main.py collect --resume FILE")
    return 0 if report.ok else 1
