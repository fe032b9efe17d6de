"""``main.py paths SNAPSHOT --to-admin ACCOUNT | --from PRINCIPAL``: attack paths in the trust graph.

``--to-admin``: every principal or entry point that can reach full administrative control of
the account, nearest first, with every shortest path (up to ``--limit`` per source).
``--from``: everything the node can become or control, each with one shortest path. Paths
are printed hop by hop with each edge's kind, technique, conditions and the statements that
made it. Progress goes to stderr. Exit status: 0 (also when nothing is found), 1 cancelled
(Ctrl-C), 2 a user error.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from cli.analysis_common import (
    build_graph,
    dump_json,
    open_inventory,
    path_lines,
    progress_for,
    reach_json,
)
from cli.main import CliError

if TYPE_CHECKING:
    from analysis.trust.graph import TrustGraph
    from cli.progress import StepProgress


def register(sub: Any) -> None:
    p = sub.add_parser(
        "paths",
        help="shortest paths to admin of an account, or what a principal can reach",
        description="Build the trust graph (trust policies, federation, Identity Center, PassRole and "
        "privilege-escalation techniques, SCP-aware) and list attack paths.",
    )
    p.add_argument("snapshot", help="the snapshot file")
    goal = p.add_mutually_exclusive_group(required=True)
    goal.add_argument("--to-admin", metavar="ACCOUNT", help="an account id of the snapshot")
    goal.add_argument(
        "--from",
        dest="source",
        metavar="PRINCIPAL",
        help="a node id: user/role ARN, provider ARN, external:<account>, public:*, ...",
    )
    p.add_argument("--limit", type=int, default=20, help="shortest paths listed per source (20)")
    p.add_argument("--json", action="store_true", help="print the result as JSON (docs/cli.md)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from analysis.trust.graph import org_facts

    if args.limit < 1:
        raise CliError("--limit must be at least 1")
    with progress_for() as progress:
        inventory = open_inventory(args.snapshot, progress)
        if args.to_admin is not None and args.to_admin.strip() not in org_facts(inventory).account_ids:
            # Checked before the graph is built: a typo should not cost minutes.
            raise CliError(f"{args.to_admin.strip()} is not an account of this snapshot")
        tg = build_graph(inventory, progress)
        progress.note("searching paths")
        if args.to_admin is not None:
            return _to_admin(
                tg, args.to_admin.strip(), limit=args.limit, as_json=args.json, progress=progress
            )
        return _from(tg, args.source.strip(), as_json=args.json, progress=progress)


def _to_admin(tg: TrustGraph, account: str, *, limit: int, as_json: bool, progress: StepProgress) -> int:
    from analysis.trust.nodes import admin_node_id
    from analysis.trust.queries import who_can_reach_admin

    reaches = who_can_reach_admin(tg, account, limit=limit)
    # Thousands of sources at 500 accounts: writing them takes a while of its own.
    progress.note(f"writing {len(reaches)} source(s), {sum(len(r.paths) for r in reaches)} path(s)")
    if as_json:
        dump_json(
            {
                "query": "to-admin",
                "account_id": account,
                "goal": admin_node_id(account),
                "sources": [reach_json(tg, r) for r in reaches],
            }
        )
        return 0
    print(f"Who can reach admin of account {account}: {len(reaches)} source(s)")
    for r in reaches:
        n = tg.node(r.node)
        more = " (more shortest paths exist)" if r.truncated else ""
        print(f"\n{n.label} [{r.kind}] {r.node}: {r.distance} hop(s), {len(r.paths)} path(s){more}")
        for i, path in enumerate(r.paths, start=1):
            flags = [
                f for f, on in (("escalation", path.escalation), ("conditional", path.conditional)) if on
            ]
            print(f"  path {i}{' (' + ', '.join(flags) + ')' if flags else ''}:")
            print("\n".join(path_lines(tg, path)))
    return 0


def _from(tg: TrustGraph, source: str, *, as_json: bool, progress: StepProgress) -> int:
    from analysis.trust.queries import reachable_from

    if source not in tg.graph:
        raise CliError(f"{source} is not a node of the trust graph (a user, role, provider or external id)")
    reaches = reachable_from(tg, source)
    progress.note(f"writing {len(reaches)} reachable node(s)")
    node = tg.node(source)
    if as_json:
        dump_json(
            {
                "query": "from",
                "source": {
                    "id": source,
                    "kind": node.kind,
                    "label": node.label,
                    "account_id": node.account_id,
                },
                "reachable": [reach_json(tg, r) for r in reaches],
            }
        )
        return 0
    print(f"What {node.label} [{node.kind}] can reach: {len(reaches)} node(s)")
    for r in reaches:
        n = tg.node(r.node)
        print(f"\n{n.label} [{r.kind}] {r.node}: {r.distance} hop(s)")
        for path in r.paths:
            print("\n".join(path_lines(tg, path)))
    return 0
