"""Security group rules open to the internet (rule level), with the path-level verdict of the
reachability engine in each message.

A rule that admits 0.0.0.0/0 or ::/0 is a weakness whatever else is configured (CIS and Security
Hub judge the rule alone), but the auditor's question is whether anything is actually reachable:
the exposure report (``ctx.exposure``) says which interfaces using the group the internet reaches
through the rule, hop by hop, and which it does not (no public address, a NAT-only subnet, a
network ACL, no route). Both answers go into the result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence

from analysis.model.network import PrefixList, SecurityGroup
from analysis.network.results import Exposure, OpenRule
from analysis.rules.base import FAIL, NOT_ASSESSED, PASS, Control, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.network._common import (
    SECURITY_GROUPS,
    area_not_assessed,
    by_area,
    exposure_gaps,
    exposures_by_interface,
    hop_text,
    memo,
    open_rules_by_group,
    places,
    result,
    shown,
)

Probe = tuple[str, int]  # (protocol, port) a control asks about: ("tcp", 22)
# What a control looks for in an open rule: the labels of what it opens ("SSH (tcp/22)"), or ().
Matcher = Callable[[OpenRule], tuple[str, ...]]


def ports_matcher(ports: Sequence[tuple[int, str]], protocols: Sequence[str] = ("tcp", "udp")) -> Matcher:
    """Labels of the (port, service) pairs a rule opens for any of ``protocols`` (protocol -1 opens all)."""

    def match(rule: OpenRule) -> tuple[str, ...]:
        found = []
        for port, service in ports:
            for proto in protocols:
                if rule.ports.contains(proto, port):
                    found.append(f"{service} ({proto}/{port})")
        return tuple(dict.fromkeys(found))

    return match


def probes_of(
    ports: Sequence[tuple[int, str]], protocols: Sequence[str] = ("tcp", "udp")
) -> tuple[Probe, ...]:
    return tuple((proto, port) for port, _ in ports for proto in protocols)


def open_rule_results(
    ctx: AssessmentContext,
    control: Control,
    *,
    matches: Matcher,
    probes: Sequence[Probe] | None,
    subject: str,
) -> Iterator[Result]:
    """One result per security group: FAIL when a rule open to the internet matches, with the
    path-level verdict; PASS otherwise; NOT_ASSESSED where the groups (or a rule's prefix list
    entries) were not collected. ``probes``: the ports the path-level verdict is about (None: any
    port the rule opens). ``subject``: what the control looks for, in the PASS message ("SSH
    (tcp/22)"); a passing group's other rules open to the internet are named there too, so that a
    PASS for one port never reads as "nothing is open"."""
    groups = by_area(ctx.inventory.network.security_groups.values())
    rules = open_rules_by_group(ctx)
    exposed = exposures_by_interface(ctx)
    gaps = exposure_gaps(ctx)
    for account_id, region in places(ctx):
        missing = area_not_assessed(ctx, control, account_id, region, (SECURITY_GROUPS,))
        if missing is not None:
            yield missing
            continue
        gap_reasons = tuple(g.reason for g in gaps.get((account_id, region), ()))
        for group in sorted(groups.get((account_id, region), ()), key=lambda g: g.group_id):
            hits = [(rule, labels) for rule in rules.get(group.group_id, ()) if (labels := matches(rule))]
            if hits:
                yield _fail(control, group, hits, probes, exposed, gap_reasons)
                continue
            unknown = _unknown_sources(ctx, group)
            if unknown:
                yield result(
                    control,
                    group,
                    NOT_ASSESSED,
                    f"Not assessed: {group.group_id} has rules whose sources are unknown: {'; '.join(unknown)}.",
                    resource_id=group.group_id,
                    statements=unknown,
                )
                continue
            others = [rule.rule for rule in rules.get(group.group_id, ())]
            also = ""
            if others:
                listed = "; ".join(others[:3]) + (f"; and {len(others) - 3} more" if len(others) > 3 else "")
                also = f" Other rules open to the internet, judged by other controls: {listed}."
            yield result(
                control,
                group,
                PASS,
                f"{_name(group)}: no inbound rule opens {subject} to the internet (0.0.0.0/0 or ::/0).{also}",
                resource_id=group.group_id,
                statements=others,
            )


def _fail(
    control: Control,
    group: SecurityGroup,
    hits: list[tuple[OpenRule, tuple[str, ...]]],
    probes: Sequence[Probe] | None,
    exposed: Mapping[str, tuple[Exposure, ...]],
    gap_reasons: tuple[str, ...],
) -> Result:
    parts: list[str] = []
    reached_all: list[str] = []
    hops: list[str] = []
    for rule, labels in hits:
        reached = _reached(rule, probes, exposed)
        reached_all += reached
        parts.append(f"{rule.rule} ({', '.join(labels)}); {_verdict(rule, reached)}")
        if reached and not hops:
            first = next((x for x in exposed.get(reached[0], ()) if x.source_cidr == rule.source_cidr), None)
            hops = [hop_text(h) for h in first.hops] if first is not None else []
    message = f"{_name(group)}: " + " | ".join(parts)
    if gap_reasons:
        message += f" (path level not fully assessed in this region: {'; '.join(dict.fromkeys(gap_reasons))})"
    return result(
        control,
        group,
        FAIL,
        message + ".",
        resource_id=group.group_id,
        statements=[rule.rule for rule, _ in hits],
        hops=hops,
        values={
            "path_level_reachable_interfaces": sorted(set(reached_all)),
            "interfaces_using_group": len(hits[0][0].attached_to),
            "load_balancers_using_group": list(hits[0][0].load_balancer_arns),
        },
    )


def _reached(
    rule: OpenRule, probes: Sequence[Probe] | None, exposed: Mapping[str, tuple[Exposure, ...]]
) -> list[str]:
    """The interfaces the internet reaches through this rule (on the probed ports, if any)."""
    if probes is None:
        return list(rule.reachable_on)
    return [
        eni
        for eni in rule.reachable_on
        if any(
            x.source_cidr == rule.source_cidr and any(x.ports.contains(p, port) for p, port in probes)
            for x in exposed.get(eni, ())
        )
    ]


def _verdict(rule: OpenRule, reached: list[str]) -> str:
    if reached:
        text = f"path level: reachable from the internet on {shown(reached)}"
        others = [eni for eni in rule.attached_to if eni not in reached]
        if others:
            text += f"; not on the other {len(others)} interface(s) using the group (rule level only: {shown(others)})"
        return text
    if rule.attached_to:
        return (
            f"rule level only: none of the {len(rule.attached_to)} interface(s) using the group "
            f"({shown(rule.attached_to)}) is reachable through it from the internet"
        )
    if rule.load_balancer_arns:
        return (
            f"rule level only: the group is used by load balancer(s) {shown(rule.load_balancer_arns)} "
            "and no path from the internet uses this rule"
        )
    return "rule level only: the group is attached to no network interface"


def _name(group: SecurityGroup) -> str:
    return f"{group.group_id} ({group.group_name})" if group.group_name else group.group_id


def _unknown_sources(ctx: AssessmentContext, group: SecurityGroup) -> list[str]:
    """Inbound rules whose source is a prefix list with entries not collected: they might be open."""
    if not any(r.prefix_list_id for r in group.ingress):
        return []
    lists = memo(
        ctx,
        "prefix_lists",
        lambda: {p.prefix_list_id: p for p in ctx.inventory.network.prefix_lists.values()},
    )
    out = []
    for rule in group.ingress:
        if not rule.prefix_list_id:
            continue
        found: PrefixList | None = lists.get(rule.prefix_list_id)
        if found is None:
            out.append(
                f"{rule.rule_id or group.group_id}: prefix list {rule.prefix_list_id} was not collected"
            )
        elif not found.entries_state.answered:
            out.append(
                f"{rule.rule_id or group.group_id}: the entries of prefix list {rule.prefix_list_id} were not "
                f"collected ({found.entries_state.reason})"
            )
    return out
