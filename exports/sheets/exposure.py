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
from exports.sheets.inventory_common import Row, account_name, fit_row, in_scope, lines, note_row, or_note
from exports.xlsx_writer import Column, SheetSpec

if TYPE_CHECKING:
    from exports.options import ExportOptions
    from exports.pack_data import PackData

SHEET = SheetSpec(
    title="Internet exposure",
    columns=(
        Column("Section", 12),
        Column("#", 6, kind="int"),
        Column("Account", 14),
        Column("Account name", 18),
        Column("Region", 12),
        Column("Resource", 34, wrap=True),
        Column("VPC / subnet", 28, wrap=True),
        Column("Via", 14),
        Column("Entry", 30, wrap=True),
        Column("Protocol / ports", 16),
        Column("Listener", 12),
        Column("Management services", 18, wrap=True),
        Column("Severity", 13, kind="severity"),
        Column("Hop", 6, kind="int"),
        Column("Hop kind", 18),
        Column("Component", 28, wrap=True),
        Column("Direction", 10),
        Column("Deciding rule", 60, wrap=True),
        Column("Detail", 50, wrap=True),
    ),
)

EXPOSURE, HOP, OPEN_RULE, NOT_ASSESSED = "Exposure", "Hop", "Open rule", "Not assessed"
_KEEP = (0, 1, 2, 3, 4, 5)
_DETAIL = 18


def rows(data: PackData, options: ExportOptions) -> Iterator[Row]:
    empty = (
        "Nothing reachable from the internet, no open security group rule and nothing left unassessed "
        "in the accounts in the pack's scope"
        if options.filters_accounts
        else "Nothing reachable from the internet, no open security group rule, nothing left unassessed"
    )
    return or_note(_rows(data, options), note_row(empty, len(SHEET.columns), at=5))


def _rows(data: PackData, options: ExportOptions) -> Iterator[Row]:
    report = data.exposure
    if report is None:
        yield note_row(
            "The internet exposure was not analysed for this pack: nothing here is assessed",
            len(SHEET.columns),
            at=5,
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
        yield (
            NOT_ASSESSED,
            number,
            gap.account_id,
            account_name(data, gap.account_id),
            gap.region,
            gap.what,
            *[None] * 12,
            gap.reason,
        )
    for note in report.notes:
        yield note_row(note, len(SHEET.columns), at=_DETAIL)


def _services(e: Exposure) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*e.management, *management_services(e.ports))))


def _resource(data: PackData, e: Exposure) -> str:
    instance = data.inventory.network.get(e.instance_id) if e.instance_id else None
    name = getattr(instance, "name", "")
    host = f"{e.instance_id} ({name})" if e.instance_id and name else (e.instance_id or "")
    return lines(x for x in (host, e.network_interface_id) if x)


def _exposure_rows(data: PackData, number: int, e: Exposure) -> Iterator[Row]:
    services = _services(e)
    resource = _resource(data, e)
    head = (number, e.account_id, account_name(data, e.account_id), e.region, resource)
    yield (
        EXPOSURE,
        *head,
        f"{e.vpc_id}\n{e.subnet_id}",
        "load balancer" if e.via == "load_balancer" else "direct",
        lines(x for x in (e.entry, e.load_balancer_arn) if x),
        e.ports.label(),
        e.listener_ports.label() if e.listener_ports else None,
        ", ".join(services),
        "high" if services else "informational",
        None,
        None,
        None,
        None,
        None,
        f"from {e.source_cidr}; {len(e.hops)} hop(s) below",
    )
    for hop_number, hop in enumerate(e.hops, start=1):
        cells = _hop_cells(hop_number, hop, e)
        yield from fit_row((HOP, *head, *cells), keep=_KEEP, mark=_DETAIL)


def _hop_cells(number: int, hop: Hop, e: Exposure) -> tuple[object, ...]:
    """The hop's cells; its account and region only where they differ from the exposure's (peering, TGW)."""
    elsewhere = (hop.account_id or e.account_id, hop.region or e.region) != (e.account_id, e.region)
    where = lines(x for x in (hop.account_id, hop.region) if x) if elsewhere else ""
    return (
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        number,
        hop.kind.replace("_", " "),
        hop.component_id + (f"\n{where}" if where else ""),
        hop.direction,
        hop.rule,
        "" if hop.allowed else f"verdict: {hop.verdict}",
    )


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
    return (
        OPEN_RULE,
        number,
        rule.account_id,
        account_name(data, rule.account_id),
        rule.region,
        rule.security_group_id,
        None,
        None,
        rule.source_cidr,
        rule.ports.label(),
        None,
        ", ".join(services),
        severity,
        None,
        None,
        None,
        None,
        rule.rule,
        lines(detail),
    )
