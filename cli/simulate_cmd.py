"""``main.py simulate SNAPSHOT --principal ARN --action A --resource R``: one policy evaluation, offline.

The same engine the trust graph and the GUI simulator use (analysis.iam.PolicyEngine), on the
snapshot's Inventory. Exit status: 0 allowed; 1 denied (explicit or implicit); 4 allowed only
if conditions hold that the snapshot cannot settle (listed); 2 a user error (bad snapshot,
unknown principal, malformed --context); 130 cancelled (Ctrl-C: not 1, which means "denied").
Progress (opening the snapshot, the Inventory) goes to stderr.
"""

from __future__ import annotations

import argparse
from typing import Any

from cli.analysis_common import (
    decision_json,
    dump_json,
    open_inventory,
    parse_context,
    progress_for,
    resolve_principal,
    statement_line,
)
from cli.main import CliError

EXIT_ALLOW = 0
EXIT_DENY = 1
EXIT_CONDITIONAL = 4
EXIT_CANCELLED = 130  # the shell's status for SIGINT; 1 already means "denied"


def register(sub: Any) -> None:
    p = sub.add_parser(
        "simulate",
        help="evaluate one request against the snapshot's policies",
        description="Decide whether a principal may perform an action on a resource, with SCPs, RCPs, "
        "boundaries, identity and resource policies, and list the statements that decided. "
        "Exit status: 0 allow, 1 deny, 4 conditional (allowed only if the listed conditions hold), "
        "2 user error, 130 cancelled.",
    )
    p.add_argument("snapshot", help="the snapshot file")
    p.add_argument("--principal", required=True, help="user or role ARN (or an assumed-role session ARN)")
    p.add_argument("--action", required=True, help='"service:Action", e.g. s3:GetObject')
    p.add_argument("--resource", default="*", help='the resource ARN, or "*" (the default)')
    p.add_argument(
        "--context",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a known condition key value; repeat the key for several values; KEY= means absent",
    )
    p.add_argument("--json", action="store_true", help="print the decision as JSON (docs/cli.md)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from analysis.iam import CONDITIONAL, PolicyEngine, Request

    action = args.action.strip()
    if not action or (action != "*" and ":" not in action):
        raise CliError(f"--action {args.action!r}: expected service:Action, e.g. s3:GetObject")
    context = parse_context(args.context)
    with progress_for(cancel_status=EXIT_CANCELLED) as progress:
        inventory = open_inventory(args.snapshot, progress)
        principal = resolve_principal(inventory, args.principal)
        engine = PolicyEngine(inventory=inventory)
        request = Request(principal_arn=principal, action=action, resource=args.resource, context=context)
        decision = engine.evaluate(request)
    status = (
        EXIT_ALLOW
        if decision.allowed
        else EXIT_CONDITIONAL
        if decision.decision == CONDITIONAL
        else EXIT_DENY
    )
    if args.json:
        dump_json(
            {
                "request": {
                    "principal": principal,
                    "action": action,
                    "resource": request.resource,
                    "context": {k: list(v) for k, v in context.items()},
                },
                **decision_json(decision),
                "exit_status": status,
            }
        )
        return status
    print(f"{principal} {action} on {request.resource}: {decision.decision.replace('_', ' ').upper()}")
    if decision.decision == CONDITIONAL:
        print("Allowed only if all of these hold (unknown offline):")
        for c in decision.conditions:
            print(f"  - {c.describe()}")
    print("Deciding statements:" if decision.deciding else "Deciding statements: none")
    for ref in decision.deciding:
        print(f"  - {statement_line(ref)}")
    print("Reasons:")
    for reason in decision.reasons:
        print(f"  - {reason}")
    return status
