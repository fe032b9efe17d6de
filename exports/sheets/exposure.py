"""The "Internet exposure" sheet: what the internet reaches, how, and what could not be judged.

Three sections, told apart by the "Section" column (filter on it):

- **Exposure**: one row per protocol/port range of a network interface reachable from the
  internet (path level: public address or internet-facing load balancer, routes, NACLs both ways,
  security groups), followed by its **Hop** rows, internet first, each with the component and the
  rule that let the traffic through. Severity: ``high`` when management ports (SSH, RDP,
  databases...: ``analysis.network.results.MANAGEMENT_PORTS``) are reachable, as the network
  controls report them; ``informational`` otherwise (reachable by design or not: the auditor judges).
- **Open rule**: security group rules open to 0.0.0.0/0 or ::/0 (rule level), with the interfaces
  using the group and those a path actually reaches. Management ports: ``medium`` when the group is
  attached to interfaces, ``low`` when it is attached to none (the network controls' severities).
- **Not assessed**: accounts and regions whose network could not be analysed, and why.

With an account or OU filter: the rows of accounts in scope.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from analysis.network.findings import management_services
from analysis.network.results import Exposure, Hop, OpenRule
from exports.sheets.inventory_common import Cells, Row, account_name, fit_row, in_scope, lines, or_note
from exports.xlsx_writer import Column, SheetSpec

if TYPE_CHECKING:
    from exports.options import ExportOptions
    from exports.pack_data import PackData

SHEET = SheetSpec(
    "Internet exposure",
    (
        # The first ten are what a printed page shows: what is reachable, and each hop's deciding rule.
        Column("Section", 10, wrap=True),
        Column("#", 4, kind="int"),
        Column("Account", 13, wrap=True),
        Column("Resource", 26, wrap=True),
        Column("Protocol / ports", 11, wrap=True),
        Column("Severity", 11, kind="severity", wrap=True),
        Column("Hop", 4, kind="int"),
        Column("Hop kind", 14, wrap=True),
        Column("Component", 22, wrap=True),
        Column("Rule / reason", 44, wrap=True),
        Column("Account name", 18),
        Column("Region", 12),
        Column("Via", 13),
        Column("Entry", 30),
        Column("Listener", 10),
        Column("Management services", 18),
        Column("VPC / subnet", 28),
        Column("Direction", 10),
        Column("Detail", 50),
    ),
    print_columns=10,
)
CELLS = Cells(SHEET)
EXPOSURE, HOP, OPEN_RULE, NOT_ASSESSED = "Exposure", "Hop", "Open rule", "Not assessed"
_KEEP = CELLS.index("Section", "#", "Account", "Resource", "Account name", "Region")
(_DETAIL,) = CELLS.index("Detail")


def rows(data: PackData, options: ExportOptions) -> Iterator[Row]:
    empty = (
        "Nothing reachable from the internet, no open security group rule and nothing left unassessed "
        "in the accounts in the pack's scope"
        if options.filters_accounts
        else "Nothing reachable from the internet, no open security group rule, nothing left unassessed"
    )
    return or_note(_rows(data, options), CELLS.note("Rule / reason", empty))


def _rows(data: PackData, options: ExportOptions) -> Iterator[Row]:
    report = data.exposure
    if report is None:
        yield CELLS.note(
            "Rule / reason", "The internet exposure was not analysed for this pack: nothing here is assessed"
        )
        return
    exposures = [e for e in report.exposures if in_scope(data, options, e.account_id)]
    exposures.sort(key=lambda e: (not _services(e), e.account_id, e.region, e.network_interface_id))
    for number, exposure in enumerate(exposures, start=1):
        yield from _exposure_rows(data, number, exposure)
    open_rules = [r for r in report.open_rules if in_scope(data, options, r.account_id)]
    open_rules.sort(
        key=lambda r: (not management_services(r.ports), r.account_id, r.region, r.security_group_id)
    )
    for number, rule in enumerate(open_rules, start=1):
        yield from fit_row(_open_rule_row(data, number, rule), keep=_KEEP, mark=_DETAIL)
    gaps = [g for g in report.not_assessed if in_scope(data, options, g.account_id)]
    for number, gap in enumerate(sorted(set(gaps), key=lambda g: (g.account_id, g.region, g.what)), start=1):
        yield CELLS(
            {
                "Section": NOT_ASSESSED,
                "#": number,
                "Account": gap.account_id,
                "Resource": gap.what,
                "Rule / reason": gap.reason,
                "Account name": account_name(data, gap.account_id),
                "Region": gap.region,
            }
        )
    for note in report.notes:
        yield CELLS.note("Rule / reason", note)


def _services(e: Exposure) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*e.management, *management_services(e.ports))))


def _resource(data: PackData, e: Exposure) -> str:
    instance = data.inventory.network.get(e.instance_id) if e.instance_id else None
    name = getattr(instance, "name", "")
    host = f"{e.instance_id} ({name})" if e.instance_id and name else (e.instance_id or "")
    return lines(x for x in (host, e.network_interface_id) if x)


def _exposure_rows(data: PackData, number: int, e: Exposure) -> Iterator[Row]:
    services = _services(e)
    via = "through load balancer" if e.via == "load_balancer" else "directly"
    listener = f" (listener {e.listener_ports.label()})" if e.listener_ports else ""
    head = {
        "#": number,
        "Account": e.account_id,
        "Resource": _resource(data, e),
        "Account name": account_name(data, e.account_id),
        "Region": e.region,
    }
    yield CELLS(
        {
            **head,
            "Section": EXPOSURE,
            "Protocol / ports": e.ports.label(),
            "Severity": "high" if services else "informational",
            "Rule / reason": f"reachable from {e.source_cidr} {via} at {e.entry}{listener}; "
            f"{len(e.hops)} hops below",
            "Via": "load balancer" if e.via == "load_balancer" else "direct",
            "Entry": lines(x for x in (e.entry, e.load_balancer_arn) if x),
            "Listener": e.listener_ports.label() if e.listener_ports else None,
            "Management services": ", ".join(services),
            "VPC / subnet": f"{e.vpc_id}\n{e.subnet_id}",
        }
    )
    # Hop rows carry the exposure's number and account, not its resource again: "#" ties them.
    short = {k: v for k, v in head.items() if k != "Resource"}
    for hop_number, hop in enumerate(e.hops, start=1):
        row = CELLS({**short, "Section": HOP, **_hop_cells(hop_number, hop, e)})
        yield from fit_row(row, keep=_KEEP, mark=_DETAIL)


def _hop_cells(number: int, hop: Hop, e: Exposure) -> dict[str, object]:
    """The hop's cells; its account and region only where they differ from the exposure's (peering, TGW)."""
    elsewhere = (hop.account_id or e.account_id, hop.region or e.region) != (e.account_id, e.region)
    where = lines(x for x in (hop.account_id, hop.region) if x) if elsewhere else ""
    return {
        "Hop": number,
        "Hop kind": hop.kind.replace("_", " "),
        "Component": hop.component_id + (f"\n{where}" if where else ""),
        "Rule / reason": hop.rule,
        "Direction": hop.direction,
        "Detail": None if hop.allowed else f"verdict: {hop.verdict}",
    }


def _open_rule_row(data: PackData, number: int, rule: OpenRule) -> Row:
    services = management_services(rule.ports)
    if services:
        severity = "medium" if rule.attached_to else "low"
    else:
        severity = "informational"
    detail = [
        "attached to: " + (", ".join(rule.attached_to) or "no network interface"),
        "reachable from the internet on: " + (", ".join(rule.reachable_on) or "none (rule level only)"),
    ]
    if rule.load_balancer_arns:
        detail.append("load balancers using the group: " + ", ".join(rule.load_balancer_arns))
    return CELLS(
        {
            "Section": OPEN_RULE,
            "#": number,
            "Account": rule.account_id,
            "Resource": rule.security_group_id,
            "Protocol / ports": rule.ports.label(),
            "Severity": severity,
            "Rule / reason": rule.rule,
            "Account name": account_name(data, rule.account_id),
            "Region": rule.region,
            "Entry": rule.source_cidr,
            "Management services": ", ".join(services),
            "Detail": lines(detail),
        }
    )
