"""``main.py verify FILE``: check a snapshot's integrity, or an evidence bundle's.

A snapshot: exit status 0 intact; 1 tampered or incomplete (the problems are listed); 2 the file
cannot be read as a snapshot.

An evidence bundle (a zip, ``main.py export --bundle``): every entry is checked against SHA256SUMS
and the manifest without unzipping anything. Exit status 0 intact; 1 changed (the files missing,
added or changed are named); 2 the file is not a zip, not a bundle, or refused (entry names that
would land outside the folder it is unzipped into). ``--json`` documents: docs/cli.md.
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
        help="check that a snapshot file or an evidence bundle is intact",
        description="Snapshot: recompute every page's SHA-256 and the integrity digest over all records. "
        "Evidence bundle (.zip): recompute every file's SHA-256 and compare with SHA256SUMS and the "
        "manifest. Exit status: 0 intact, 1 tampered/changed, 2 unreadable.",
    )
    p.add_argument("file", help="the snapshot file, or the evidence bundle (.zip)")
    p.add_argument("--json", action="store_true", help="print the result as JSON (see docs/cli.md)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from exports.verify import is_bundle_file

    if is_bundle_file(args.file):
        return run_bundle(args)
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


def run_bundle(args: argparse.Namespace) -> int:
    from exports.verify import BundleUnreadable, verify_bundle

    try:
        report = verify_bundle(args.file)
    except BundleUnreadable as exc:
        raise CliError(str(exc)) from exc
    m = report.manifest
    snapshot = m.get("snapshot") if isinstance(m.get("snapshot"), dict) else {}
    if args.json:
        doc = {
            "file": str(report.path),
            "kind": "bundle",
            "status": report.status,
            "entries": report.entries,
            "checked": report.checked,
            "missing": list(report.missing),
            "extra": list(report.extra),
            "changed": list(report.changed),
            "problems": list(report.problems),
            "sums_sha256": report.sums_sha256,
            "manifest": {
                "tool_version": m.get("tool_version"),
                "generated_at": m.get("generated_at"),
                "snapshot": {k: snapshot.get(k) for k in ("file", "sha256", "integrity")},
            },
        }
        json.dump(doc, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0 if report.ok else 1
    made = f"made {m.get('generated_at')} by version {m.get('tool_version')}" if m else "no readable manifest"
    source = f" from snapshot {snapshot.get('file')} ({snapshot.get('integrity')})" if snapshot else ""
    if report.ok:
        print(f"{report.path}: intact ({report.checked} files checked; {made}{source})")
    else:
        print(f"{report.path}: CHANGED ({report.checked} files checked; {made}{source})")
        for problem in report.problems:
            print(f"  - {problem}")
    if report.sums_sha256:
        print(f"  SHA-256 of SHA256SUMS: {report.sums_sha256} (compare with the one you were given)")
    return 0 if report.ok else 1
