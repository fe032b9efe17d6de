"""``main.py exposure SNAPSHOT [--json] [--account ID ...] [--management-only]``: internet exposure.

Every network interface of the organization reachable from the internet (0.0.0.0/0, ::/0),
directly (public IP, Elastic IP) or through an internet-facing load balancer, with the ports
and the path hop by hop (internet gateway, route, NACL both ways, security group rule) and the
rule that allowed each hop; the security group rules open to the world, each with its
path-level verdict (reachable through it or not); what could not be assessed, and why. The
same engine as the GUI's network view (analysis.network.internet_exposure), offline.

Exit status: 0 (also when exposures exist: they are the answer, not an error), 1 cancelled
(Ctrl-C), 2 a user error. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from cli.analysis_common import dump_json, open_inventory, progress_for
from cli.main import CliError

if TYPE_CHECKING:
    from analysis.model.inventory import Inventory
    from analysis.network.results import Exposure, ExposureReport, Hop, NotAssessed, OpenRule


def register(sub: Any) -> None:
    p = sub.add_parser(
        "exposure",
        help="what is reachable from the internet, on which ports, and the path",
        description="Find every network interface reachable from the internet (directly or through an "
        "internet-facing load balancer), with the path hop by hop and the rule that allowed each hop; "
        "the security group rules open to the world with their path-level verdict; and what could not "
        "be assessed. Exit status: 0 (also when exposures exist), 1 cancelled, 2 user error.",
    )
    p.add_argument("snapshot", help="the snapshot file")
    p.add_argument(
        "--account",
        action="append",
        default=[],
        metavar="ID",
        help="only this account (repeat for several); the analysis still covers the organization",
    )
    p.add_argument(
        "--management-only",
        action="store_true",
        help="only management ports (SSH, RDP, databases, Kubernetes API...: docs/cli.md)",
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON (docs/cli.md)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from analysis.network import internet_exposure

    with progress_for() as progress:
        inventory = open_inventory(args.snapshot, progress)
        accounts = _accounts(inventory, args.account)
        report = internet_exposure(inventory, progress=progress.phase("exposure"))
        exposures, rules, gaps = select(report, accounts=accounts, management_only=args.management_only)
        progress.note(f"writing {len(exposures)} exposure(s), {len(rules)} open rule(s)")
    if args.json:
        from analysis.network.serialize import exposure_report_json

        out = exposure_report_json(report, exposures=exposures, open_rules=rules, not_assessed=gaps)
        out["filter"] = {
            "accounts": sorted(accounts) if accounts else None,
            "management_only": args.management_only,
        }
        dump_json(out)
        return 0
    print("\n".join(report_lines(inventory, report, exposures, rules, gaps)))
    return 0


def _accounts(inventory: Inventory, wanted: Sequence[str]) -> frozenset[str]:
    known = set(inventory.organization.accounts) | set(inventory.manifest.get("account_outcomes") or {})
    out = set()
    for item in wanted:
        account = item.strip()
        if account not in known:
            raise CliError(f"--account {account}: not an account of this snapshot")
        out.add(account)
    return frozenset(out)


def select(
    report: ExposureReport, *, accounts: frozenset[str] = frozenset(), management_only: bool = False
) -> tuple[list[Exposure], list[OpenRule], list[NotAssessed]]:
    """The exposures, open rules and gaps to show, sorted (account, region, VPC, interface, ports)."""
    from analysis.network.findings import management_services

    exposures = [
        e
        for e in report.exposures
        if (not accounts or e.account_id in accounts)
        and (not management_only or e.management or management_services(e.ports))
    ]
    rules = [
        r
        for r in report.open_rules
        if (not accounts or r.account_id in accounts)
        and (not management_only or management_services(r.ports))
    ]
    gaps = [g for g in report.not_assessed if not accounts or g.account_id in accounts]
    exposures.sort(
        key=lambda e: (
            e.account_id,
            e.region,
            e.vpc_id,
            e.network_interface_id,
            e.ports.protocol,
            e.ports.from_port or 0,
            e.source_cidr,
            e.entry,
        )
    )
    rules.sort(key=lambda r: (r.account_id, r.region, r.security_group_id, r.rule))
    gaps.sort(key=lambda g: (g.account_id, g.region, g.what))
    return exposures, rules, gaps


# -- text ----------------------------------------------------------------------------------------


def hop_lines(hops: Iterable[Hop], indent: str = "    ") -> list[str]:
    """One line per hop: number, component kind and id, direction, verdict and the deciding rule."""
    lines = []
    for i, hop in enumerate(hops, start=1):
        direction = f" ({hop.direction})" if hop.direction else ""
        lines.append(f"{indent}{i}. {hop.kind} {hop.component_id}{direction}: {hop.verdict} - {hop.rule}")
    return lines


def report_lines(
    inventory: Inventory,
    report: ExposureReport,
    exposures: Sequence[Exposure],
    rules: Sequence[OpenRule],
    gaps: Sequence[NotAssessed],
) -> list[str]:
    from analysis.network.findings import management_services

    interfaces = {e.network_interface_id for e in exposures}
    lines = [
        f"Internet exposure: {len(exposures)} exposure(s) on {len(interfaces)} interface(s) in "
        f"{len({e.account_id for e in exposures})} account(s); {report.interfaces_checked} interface(s) "
        f"checked in {report.seconds:.2f} s"
    ]
    management = sorted({m for e in exposures for m in (*e.management, *management_services(e.ports))})
    if management:
        lines.append(f"Management ports reachable from the internet: {', '.join(management)}")
    where = None
    for e in exposures:
        here = (e.account_id, e.region, e.vpc_id)
        if here != where:
            where = here
            name = inventory.account_name(e.account_id)
            lines.append(f"\n{e.account_id}{f' ({name})' if name else ''} {e.region} {e.vpc_id}")
        services = tuple(dict.fromkeys((*e.management, *management_services(e.ports))))
        host = _instance_label(inventory, e.instance_id)
        via = (
            f"through load balancer {e.load_balancer_arn}"
            + (f" (listener {e.listener_ports.label()})" if e.listener_ports else "")
            if e.via == "load_balancer"
            else "direct"
        )
        lines.append(
            f"  {e.network_interface_id}{f' ({host})' if host else ''} in {e.subnet_id}: {e.ports.label()}"
            f"{_bracket(services)} from {e.source_cidr}, {via}, at {e.entry}"
        )
        lines += hop_lines(e.hops)
    if not exposures:
        lines.append(
            "No interface is reachable from the internet" + (" (in what was assessed)" if gaps else "")
        )
    reachable = sum(1 for r in rules if r.reachable_on)
    lines.append(
        f"\nSecurity group rules open to the internet: {len(rules)} ({reachable} reachable at path level)"
    )
    for r in rules:
        services = management_services(r.ports)
        balancers = r.load_balancer_arns
        if r.reachable_on:
            verdict = f"reachable on {', '.join(r.reachable_on)}"
        elif not r.attached_to and not balancers:
            verdict = "attached to nothing"
        else:
            verdict = "not reachable from the internet (rule level only)"
        used = f"attached to {len(r.attached_to)} interface(s)"
        if balancers:
            used += f" and {len(balancers)} load balancer(s)"
        lines.append(
            f"  {r.security_group_id} ({r.account_id} {r.region}): {r.rule}{_bracket(services)}; {used}; {verdict}"
        )
    if gaps:
        lines.append(f"\nNot assessed: {len(gaps)}")
        lines += [f"  {g.account_id} {g.region}: {g.what}: {g.reason}" for g in gaps]
    if report.notes:
        lines.append("\nNotes:")
        lines += [f"  - {n}" for n in report.notes]
    return lines


def _bracket(services: Sequence[str]) -> str:
    return f" [{', '.join(services)}]" if services else ""


def _instance_label(inventory: Inventory, instance_id: str | None) -> str:
    if not instance_id:
        return ""
    arn = inventory.network.ids.get(instance_id, "")
    instance = inventory.network.instances.get(arn)
    return f"{instance_id} {instance.name}" if instance is not None and instance.name else instance_id
