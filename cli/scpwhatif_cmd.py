"""``main.py scp-whatif SNAPSHOT --policy FILE --target OU_OR_ACCOUNT``: test a draft SCP or RCP offline.

The Organizations white paper's practice, "test SCPs before implementing them": the same
policy engine with the draft attached at the target (a root, OU or account id) tells which
principals would lose which of today's permissions, which admins would stop being admin, and
which of today's paths to admin would be cut (the trust graph is built again with the draft).
Progress goes to stderr (two graph builds: minutes at 500 accounts). Exit status: 0 (also when
nothing changes), 1 cancelled (Ctrl-C), 2 a user error (bad snapshot, unknown target, malformed
policy file).
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.analysis_common import (
    build_graph,
    decision_json,
    dump_json,
    open_inventory,
    path_json,
    progress_for,
)
from cli.main import CliError

if TYPE_CHECKING:
    from analysis.trust.graph import TrustGraph
    from analysis.trust.whatif import WhatIfResult

POLICY_TYPES = {"scp": "SERVICE_CONTROL_POLICY", "rcp": "RESOURCE_CONTROL_POLICY"}
# An SCP or RCP document may be at most 5,120 characters (Organizations User Guide, "Quotas
# and service limits"); a much larger file is not a policy someone means to attach.
MAX_POLICY_BYTES = 1_000_000


def register(sub: Any) -> None:
    p = sub.add_parser(
        "scp-whatif",
        help="which permissions and paths to admin a draft SCP/RCP would remove",
        description="Attach a draft SCP or RCP at an OU or account, offline, and compare with today.",
    )
    p.add_argument("snapshot", help="the snapshot file")
    p.add_argument("--policy", required=True, metavar="FILE", help="the draft policy document (JSON)")
    p.add_argument("--target", required=True, metavar="OU_OR_ACCOUNT", help="a root, OU or account id")
    p.add_argument("--type", choices=sorted(POLICY_TYPES), default="scp", help="scp (default) or rcp")
    p.add_argument("--json", action="store_true", help="print the result as JSON (docs/cli.md)")
    p.set_defaults(func=run)


def load_policy(path: str) -> dict[str, Any]:
    """The draft document, checked the way parse_policy_document reads it; problems are one line."""
    from analysis.model.policy_doc import parse_policy_document

    file = Path(path)
    try:
        if file.stat().st_size > MAX_POLICY_BYTES:
            raise CliError(f"{path}: too large for a policy document")
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CliError(f"{path}: no such policy file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"{path}: cannot be read ({exc})") from exc
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from exc
    doc = parse_policy_document(raw)
    if doc.error:
        raise CliError(f"{path}: {doc.error}")
    for st in doc.statements:
        if st.problems:
            raise CliError(f"{path}: statement {st.index}: {'; '.join(st.problems)}")
    if not doc.statements:
        raise CliError(f"{path}: the policy has no statements")
    return dict(raw)


def run(args: argparse.Namespace) -> int:
    from analysis.trust.whatif import scp_what_if

    document = load_policy(args.policy)
    target = args.target.strip()
    policy_type = POLICY_TYPES[args.type]
    with progress_for() as progress:
        inventory = open_inventory(args.snapshot, progress)
        try:
            inventory.organization.node(target)
        except KeyError:
            raise CliError(f"{target} is not a root, OU or account of this organization") from None
        tg = build_graph(inventory, progress)
        try:
            result = scp_what_if(
                tg,
                document=document,
                target_id=target,
                policy_type=policy_type,
                name=Path(args.policy).name,
                progress=progress.phase("what-if"),
            )
        except KeyError as exc:
            raise CliError(str(exc.args[0] if exc.args else exc)) from exc
        progress.note(f"writing {len(result.lost)} lost permission(s), {len(result.cut_paths)} cut path(s)")
    return _print(args, tg, result, target)


def _print(args: argparse.Namespace, tg: TrustGraph, result: WhatIfResult, target: str) -> int:
    by_principal: dict[str, list[Any]] = defaultdict(list)
    for lp in result.lost:
        by_principal[lp.principal].append(lp)
    if args.json:
        dump_json(
            {
                "target_id": result.target_id,
                "policy_type": result.policy_type,
                "accounts": list(result.accounts),
                "actions_checked": list(result.actions_checked),
                "lost": [
                    {
                        "principal": p,
                        "permissions": [
                            {
                                "action": lp.action,
                                "before": decision_json(lp.before),
                                "after": decision_json(lp.after),
                            }
                            for lp in lps
                        ],
                    }
                    for p, lps in sorted(by_principal.items())
                ],
                "admins_lost": list(result.admins_lost),
                "cut_paths": [
                    {"source": c.source, "account_id": c.account_id, "path": path_json(tg, c.path)}
                    for c in result.cut_paths
                ],
                "notes": list(result.notes),
            }
        )
        return 0
    label = "SCP" if args.type == "scp" else "RCP"
    print(
        f"Draft {label} {Path(args.policy).name} at {target}: applies to {len(result.accounts)} account(s), "
        f"{len(result.actions_checked)} action(s) checked"
    )
    print(f"\nPrincipals that would lose permissions: {len(by_principal)}")
    for p, lps in sorted(by_principal.items()):
        print(f"  {p}")
        for lp in lps:
            print(f"    - {lp.action}: {lp.before.decision.replace('_', ' ')} -> {lp.after.summary()}")
    print(f"\nAdmins that would no longer be admin: {len(result.admins_lost)}")
    for a in result.admins_lost:
        print(f"  - {a}")
    print(f"\nPaths to admin that would be cut: {len(result.cut_paths)}")
    for c in result.cut_paths:
        print(f"  - {c.path.describe(tg)} (admin of {c.account_id})")
    for note in result.notes:
        print(f"note: {note}")
    return 0
