"""``main.py path SNAPSHOT --from X --to Y [--protocol tcp] [--port 22] [--json]``: one reachability query.

Can X reach Y on this protocol and port? X and Y: ``internet``, an instance id (i-...), a network
interface id (eni-...), a subnet id (subnet-...) or an IP address (a private address in a
collected VPC, a public or Elastic IP of an interface, or any other address: that host on the
internet). The answer is the path hop by hop with the rule that allowed each hop, or the hops
up to the first component that blocks it and the rule (or missing route) that does, as AWS's
Reachability Analyzer explains a blocked path. Offline, from the snapshot.

Exit status: 0 reachable, 1 not reachable, 2 a user error (bad file, an endpoint the snapshot
does not hold, a bad port), 130 cancelled (Ctrl-C; 1 already means "not reachable").
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from cli.analysis_common import dump_json, open_inventory, progress_for
from cli.exposure_cmd import hop_lines
from cli.main import CliError

if TYPE_CHECKING:
    from analysis.network.results import Endpoint, PathResult

EXIT_REACHABLE = 0
EXIT_NOT_REACHABLE = 1
EXIT_CANCELLED = 130  # the shell's status for SIGINT; 1 already means "not reachable"

# --protocol values: what security groups and NACLs name ("-1" is every protocol).
PROTOCOLS = {"tcp": "tcp", "udp": "udp", "icmp": "icmp", "icmpv6": "icmpv6", "all": "-1", "-1": "-1"}
PORTED = frozenset({"tcp", "udp"})


def register(sub: Any) -> None:
    p = sub.add_parser(
        "path",
        help="can X reach Y on a protocol and port: the path, or what blocks it",
        description="Trace traffic from --from to --to through route tables, network ACLs (both ways), "
        "security groups, gateways, peering and transit gateways, and print the path hop by hop, or the "
        "component and rule that block it. Endpoints: internet, i-..., eni-..., subnet-..., or an IP "
        "address. Exit status: 0 reachable, 1 not reachable, 2 user error, 130 cancelled.",
    )
    p.add_argument("snapshot", help="the snapshot file")
    p.add_argument(
        "--from",
        dest="source",
        required=True,
        metavar="X",
        help="internet, i-..., eni-..., subnet-... or an IP",
    )
    p.add_argument("--to", dest="destination", required=True, metavar="Y", help="the same kinds as --from")
    p.add_argument(
        "--protocol",
        default="tcp",
        type=str.lower,
        help="tcp (the default), udp, icmp, icmpv6, or all",
    )
    p.add_argument("--port", type=int, help="destination port (required for tcp and udp); for ICMP, the type")
    p.add_argument("--json", action="store_true", help="print the result as JSON (docs/cli.md)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from analysis.network import build_network_index, find_path, resolve_endpoint

    protocol = PROTOCOLS.get(args.protocol.strip())
    if protocol is None:
        raise CliError(f"--protocol {args.protocol}: expected one of tcp, udp, icmp, icmpv6, all")
    port = args.port
    if protocol in PORTED and port is None:
        raise CliError(f"--port is required for {protocol}")
    if port is not None and not 0 <= port <= 65535:
        raise CliError(f"--port {port}: expected 0-65535")
    if protocol == "-1" and port is not None:
        raise CliError("--port cannot be given with --protocol all (every port of every protocol)")
    source, destination = args.source.strip(), args.destination.strip()
    with progress_for(cancel_status=EXIT_CANCELLED) as progress:
        inventory = open_inventory(args.snapshot, progress)
        progress.note("indexing the network")
        index = build_network_index(inventory)
        for option, text in (("--from", source), ("--to", destination)):
            try:
                resolve_endpoint(index, text)
            except ValueError as exc:
                raise CliError(f"{option} {text}: {exc}") from exc
        progress.note("tracing the path")
        try:
            result = find_path(
                inventory, source=source, destination=destination, protocol=protocol, port=port, index=index
            )
        except ValueError as exc:  # e.g. an ICMP type out of range: the engine says what is wrong
            raise CliError(str(exc)) from exc
    status = EXIT_REACHABLE if result.reachable else EXIT_NOT_REACHABLE
    if args.json:
        from analysis.network.serialize import path_result_json

        dump_json({**path_result_json(result), "exit_status": status})
        return status
    print("\n".join(path_lines(result)))
    return status


def path_lines(result: PathResult) -> list[str]:
    traffic = result.protocol if result.protocol != "-1" else "all traffic"
    if result.port is not None:
        traffic += f"/{result.port}"
    verdict = "REACHABLE" if result.reachable else "NOT REACHABLE"
    lines = [
        f"{result.source.label} -> {result.destination.label} {traffic}: {verdict}",
        f"  from: {_endpoint_text(result.source)}",
        f"  to:   {_endpoint_text(result.destination)}",
    ]
    if result.blocked_by is not None:
        b = result.blocked_by
        direction = f" ({b.direction})" if b.direction else ""
        lines.append(f"  blocked by {b.kind} {b.component_id}{direction}: {b.rule}")
    lines.append("Path:" if result.reachable else "Hops up to the block:")
    lines += hop_lines(result.hops, indent="  ")
    lines.append(result.explanation)
    if result.notes:
        lines.append("Notes (could change the answer):")
        lines += [f"  - {n}" for n in result.notes]
    return lines


def _endpoint_text(e: Endpoint) -> str:
    if e.kind == "internet":
        return e.label
    parts = [f"{e.kind} {e.id}"]
    if e.network_interface_id and e.network_interface_id != e.id:
        parts.append(e.network_interface_id)
    if e.address and e.address != e.id:
        parts.append(e.address)
    where = " ".join(x for x in (e.account_id, e.region, e.vpc_id) if x)
    return " ".join(parts) + (f" (account {where})" if where else "")
