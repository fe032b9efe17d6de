"""``main.py diff OLD NEW [--json] [--force]``: what changed between two snapshots of one organization.

Both snapshots are assessed (every control, recomputed); the findings (FAIL results) are new,
resolved or unchanged, keyed by control, account, region and resource; other status changes are
listed apart; the Inventory records (by ARN) are added, removed or changed, with the changed
fields. Snapshots of different organizations are refused unless ``--force``.

Exit status: 0, 1 cancelled (Ctrl-C), 2 a user error (no snapshot, different organizations).
Progress goes to stderr.
"""

from __future__ import annotations

import argparse
from typing import Any

from cli.analysis_common import dump_json, open_inventory, progress_for
from cli.main import CliError

SHOWN = 50  # findings and resources listed per section in the text output (--json has them all)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "diff",
        help="findings new/resolved/unchanged and resources added/removed/changed between two snapshots",
        description="Compare two snapshots of the same organization: findings new, resolved and unchanged "
        "(by control, account, region, resource), other status changes, and resources added, removed and "
        "changed (with the changed fields). Exit status: 0, 1 cancelled, 2 user error.",
    )
    p.add_argument("old", help="the earlier snapshot")
    p.add_argument("new", help="the later snapshot")
    p.add_argument("--json", action="store_true", help="print the result as JSON (docs/cli.md)")
    p.add_argument("--force", action="store_true", help="compare snapshots of different organizations")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from analysis.diff import DifferentOrganizations, check_same_organization, diff_json, diff_snapshots
    from analysis.rules.assessment import assess

    with progress_for() as progress:
        old = open_inventory(args.old, progress)
        new = open_inventory(args.new, progress)
        try:
            check_same_organization(old, new, force=args.force)
        except DifferentOrganizations as exc:
            raise CliError(str(exc)) from exc
        old_results = assess(old, progress=progress.phase("controls (old)")).results
        new_results = assess(new, progress=progress.phase("controls (new)")).results
        progress.note("comparing")
        d = diff_snapshots(old, new, old_results, new_results, force=args.force)
    doc = diff_json(d)
    if args.json:
        dump_json(doc)
        return 0
    s = doc["summary"]
    lines = [
        f"Diff of {args.old} -> {args.new} ({d.new_organization_id or 'organization unknown'})",
        f"Findings: {s['new_findings']} new, {s['resolved_findings']} resolved, {s['unchanged_findings']} unchanged; "
        f"{s['status_changed']} other status change(s)",
        f"Resources: {s['resources_added']} added, {s['resources_removed']} removed, {s['resources_changed']} changed",
    ]
    for title, items in (
        ("New findings", doc["new_findings"]),
        ("Resolved findings", doc["resolved_findings"]),
    ):
        if items:
            lines.append(f"\n{title}:")
            lines += [
                f"  {r['control_id']} {r['account_id']} {r['region']} {r['resource_arn']}"
                for r in items[:SHOWN]
            ]
            if len(items) > SHOWN:
                lines.append(f"  ... and {len(items) - SHOWN} more (--json lists them all)")
    if doc["status_changed"]:
        lines.append("\nOther status changes:")
        lines += [
            f"  {c['key']}: {c['old_status']} -> {c['new_status']}" for c in doc["status_changed"][:SHOWN]
        ]
    for title, arns in (
        ("Resources added", doc["resources_added"]),
        ("Resources removed", doc["resources_removed"]),
    ):
        if arns:
            lines.append(f"\n{title}:")
            lines += [f"  {a}" for a in arns[:SHOWN]]
            if len(arns) > SHOWN:
                lines.append(f"  ... and {len(arns) - SHOWN} more")
    if doc["resources_changed"]:
        lines.append("\nResources changed:")
        for c in doc["resources_changed"][:SHOWN]:
            lines.append(f"  {c['arn']} ({c['kind']}): {', '.join(f['field'] for f in c['changes'])}")
    lines += [f"\nNote: {n}" for n in d.notes]
    print("\n".join(lines))
    return 0
