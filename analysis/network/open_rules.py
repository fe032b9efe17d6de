"""Security group rules open to the world (rule level), and the interfaces each actually exposes
(path level).

A rule is open to the world when its source is 0.0.0.0/0 or ::/0 (or a prefix list holding one).
It exposes an interface when an exposure of that interface crosses a security group stage whose
groups hold the rule and the rule covers ports of that stage (the listener's ports before a load
balancer, the interface's after): every such rule is credited, not only the first that allowed,
since removing one of two overlapping open rules leaves the interface exposed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from analysis.network.addresses import ALL
from analysis.network.index import NetworkIndex
from analysis.network.results import INBOUND, LOAD_BALANCER, SECURITY_GROUP, Exposure, OpenRule, PortRange
from analysis.network.security_groups import CompiledRule


def open_rules(index: NetworkIndex, exposures: Sequence[Exposure]) -> list[OpenRule]:
    world: dict[str, list[CompiledRule]] = {}
    for group_id, compiled in index.groups.items():
        rules = [r for r in compiled.ingress if r.open_to_world() is not None]
        if rules:
            world[group_id] = rules
    reached = _reached(index, exposures, world)
    out = []
    for group_id in sorted(world):
        group = index.groups[group_id].group
        for rule in world[group_id]:
            out.append(
                OpenRule(
                    security_group_id=group_id,
                    security_group_arn=group.arn,
                    account_id=group.account_id,
                    region=group.region,
                    rule=rule.text,
                    ports=rule.port_range(),
                    source_cidr=rule.open_to_world() or "",
                    attached_to=index.enis_by_group.get(group_id, ()),
                    reachable_on=tuple(sorted(reached.get((group_id, rule.text), ()))),
                    load_balancer_arns=tuple(index.lbs_by_group.get(group_id, ())),
                )
            )
    return out


def _reached(
    index: NetworkIndex, exposures: Sequence[Exposure], world: dict[str, list[CompiledRule]]
) -> dict[tuple[str, str], set[str]]:
    reached: dict[tuple[str, str], set[str]] = defaultdict(set)
    for exposure in exposures:
        eni = index.enis.get(exposure.network_interface_id)
        lb = index.load_balancer(exposure.load_balancer_arn or "")
        lb_at = next((i for i, h in enumerate(exposure.hops) if h.kind == LOAD_BALANCER), None)
        for position, hop in enumerate(exposure.hops):
            if hop.kind != SECURITY_GROUP or hop.direction != INBOUND:
                continue
            before_lb = lb_at is not None and position < lb_at
            if before_lb:
                groups, ports = (lb.security_group_ids if lb else ()), exposure.listener_ports
            else:
                groups, ports = (eni.security_group_ids if eni else ()), exposure.ports
            if ports is None:
                continue
            for group_id in groups:
                for rule in world.get(group_id, ()):
                    if rule.open_to_world() == exposure.source_cidr and _covers(rule, ports):
                        reached[(group_id, rule.text)].add(exposure.network_interface_id)
    return reached


def _covers(rule: CompiledRule, ports: PortRange) -> bool:
    """Whether the rule allows some of ``ports``."""
    if rule.protocol != ALL and ports.protocol != ALL and rule.protocol != ports.protocol:
        return False
    if rule.ports is None or ports.from_port is None or rule.protocol == ALL:
        return True
    hi = ports.to_port if ports.to_port is not None and ports.to_port >= ports.from_port else ports.from_port
    return rule.ports[0] <= hi and ports.from_port <= rule.ports[1]
