"""Security groups: stateful, allow-only; CIDR v4/v6, group references, managed prefix lists.

VPC User Guide, "Security group rules": rules only allow; traffic is allowed when any rule of
any group of the interface allows it; groups are stateful, so the response to allowed traffic
is allowed whatever the other direction's rules say. A rule's source is a CIDR, a managed prefix
list (its entries), or a security group: then it "allows traffic from the network interfaces
associated with the referenced security group" (same VPC, or a peered VPC), using their private
addresses only. A protocol "-1" rule is all protocols and ports; ICMP rules name a type (and a
code; -1 is all).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from analysis.model.network import PrefixList, SecurityGroup, SecurityGroupRule
from analysis.network.addresses import (
    ALL,
    Net,
    domain_max,
    has_ports,
    is_icmp,
    normalize_protocol,
    parse_net,
    protocol_family_ok,
)
from analysis.network.ports import Piece, Range, first_match, icmp_range, port_range, range_label
from analysis.network.results import ALLOW, DENY, INBOUND, OUTBOUND, SECURITY_GROUP, Hop, PortRange


@dataclass(frozen=True, slots=True)
class CompiledRule:
    group: SecurityGroup
    rule: SecurityGroupRule
    protocol: str
    ports: Range | None  # None: all ports/types of the protocol
    nets: tuple[Net, ...]  # a CIDR, or a prefix list's entries
    referenced_group_id: str | None
    prefix_list_id: str | None
    unknown: str | None  # why the rule's source cannot be known (prefix list entries not collected)
    source_text: str
    text: str  # "sgr-1: tcp 22 from 0.0.0.0/0"

    def port_range(self) -> PortRange:
        if self.protocol == ALL or self.ports is None:
            return PortRange(protocol=self.protocol)
        if is_icmp(self.protocol):
            code = self.rule.to_port if self.rule.to_port is not None else -1
            return PortRange(protocol=self.protocol, from_port=self.ports[0], to_port=code)
        return PortRange(protocol=self.protocol, from_port=self.ports[0], to_port=self.ports[1])

    def open_to_world(self) -> str | None:
        """ "0.0.0.0/0" or "::/0" when the rule admits any address of a family, else None."""
        for net in self.nets:
            if net.is_any:
                return net.text
        return None


@dataclass(frozen=True, slots=True)
class CompiledGroup:
    group: SecurityGroup
    ingress: tuple[CompiledRule, ...]
    egress: tuple[CompiledRule, ...]


def compile_group(group: SecurityGroup, prefix_lists: Mapping[str, PrefixList]) -> CompiledGroup:
    return CompiledGroup(
        group=group,
        ingress=tuple(_compile_rule(group, r, prefix_lists) for r in group.ingress),
        egress=tuple(_compile_rule(group, r, prefix_lists) for r in group.egress),
    )


def _compile_rule(
    group: SecurityGroup, rule: SecurityGroupRule, prefix_lists: Mapping[str, PrefixList]
) -> CompiledRule:
    protocol = normalize_protocol(rule.protocol)
    ports: Range | None = None
    if has_ports(protocol) and rule.from_port is not None and rule.from_port >= 0:
        ports = port_range(rule.from_port, rule.to_port, 65535)
    elif is_icmp(protocol) and rule.from_port is not None and rule.from_port >= 0:
        ports = icmp_range(rule.from_port)
    nets: tuple[Net, ...] = ()
    unknown = None
    if rule.cidr_ipv4 or rule.cidr_ipv6:
        net = parse_net(rule.cidr_ipv4 or rule.cidr_ipv6)
        nets = (net,) if net else ()
        source = rule.cidr_ipv4 or rule.cidr_ipv6 or ""
    elif rule.prefix_list_id:
        source = rule.prefix_list_id
        pl = prefix_lists.get(rule.prefix_list_id)
        if pl is None:
            unknown = f"prefix list {rule.prefix_list_id} was not collected"
        elif not pl.entries_state.answered:
            unknown = f"the entries of prefix list {rule.prefix_list_id} were not collected ({pl.entries_state.reason})"
        else:
            nets = tuple(n for n in (parse_net(c) for c in pl.entries) if n is not None)
            source = f"{rule.prefix_list_id} ({pl.name})" if pl.name else rule.prefix_list_id
    elif rule.referenced_group_id:
        source = rule.referenced_group_id
    else:
        source = "?"
    word = "to" if rule.egress else "from"
    what = "all traffic" if protocol == ALL else _ports_text(protocol, ports, rule)
    name = rule.rule_id or group.group_id
    return CompiledRule(
        group=group,
        rule=rule,
        protocol=protocol,
        ports=ports,
        nets=nets,
        referenced_group_id=rule.referenced_group_id,
        prefix_list_id=rule.prefix_list_id,
        unknown=unknown,
        source_text=source,
        text=f"{name}: {what} {word} {source}",
    )


def _ports_text(protocol: str, ports: Range | None, rule: SecurityGroupRule) -> str:
    if ports is None:
        return f"{protocol} (all {'types' if is_icmp(protocol) else 'ports'})"
    if is_icmp(protocol):
        code = rule.to_port if rule.to_port is not None and rule.to_port >= 0 else None
        return f"{protocol} type {ports[0]}" + (f" code {code}" if code is not None else "")
    return f"{protocol} {range_label([ports])}"


@dataclass(frozen=True, slots=True)
class Remote:
    """The other end as a security group sees it: its address(es), and the groups it carries when
    references apply (private traffic in the same or a peered VPC)."""

    net: Net
    group_ids: frozenset[str] = frozenset()


def rule_matches(rule: CompiledRule, remote: Remote, protocol: str) -> bool:
    if rule.protocol != ALL and rule.protocol != protocol:
        return False
    if not protocol_family_ok(rule.protocol, remote.net.version):
        return False
    if rule.referenced_group_id is not None:
        return rule.referenced_group_id in remote.group_ids
    return any(n.covers(remote.net) for n in rule.nets)


def sg_partition(
    groups: Sequence[CompiledGroup],
    *,
    egress: bool,
    remote: Remote,
    protocol: str,
    unknown: list[str] | None = None,
) -> list[Piece[Hop]]:
    """For each port of ``protocol``: the first rule of the interface's groups allowing it to (or
    from) ``remote``, or the deny of "no rule allows it". ``unknown`` collects rules that could not
    be judged (prefix list entries not collected)."""
    maximum = domain_max(protocol)
    direction = OUTBOUND if egress else INBOUND
    matching: list[tuple[Range, bool, Hop]] = []
    for compiled in groups:
        for rule in compiled.egress if egress else compiled.ingress:
            if rule.unknown is not None:
                if unknown is not None and rule.protocol in (ALL, protocol):
                    unknown.append(f"{rule.text}: {rule.unknown}")
                continue
            if not rule_matches(rule, remote, protocol):
                continue
            ports = rule.ports if rule.ports is not None and rule.protocol != ALL else (0, maximum)
            matching.append((ports, True, _rule_hop(rule, direction)))
    word = "to" if egress else "from"
    names = ", ".join(g.group.group_id for g in groups) or "none"
    first = groups[0].group if groups else None
    default = Hop(
        kind=SECURITY_GROUP,
        component_id=first.group_id if first else names,
        arn=first.arn if first else None,
        account_id=first.account_id if first else None,
        region=first.region if first else None,
        direction=direction,
        verdict=DENY,
        rule=(
            f"no {'outbound' if egress else 'inbound'} rule of {names} allows {protocol} {word} "
            f"{_remote_text(remote)} (security groups deny what no rule allows)"
            if groups
            else "the interface has no security group"
        ),
        detail={"security_group_ids": [g.group.group_id for g in groups], "egress": egress},
    )
    return first_match(matching, maximum, default)


def _remote_text(remote: Remote) -> str:
    if remote.group_ids:
        return f"{remote.net.text} ({', '.join(sorted(remote.group_ids))})"
    return remote.net.text


def _rule_hop(rule: CompiledRule, direction: str) -> Hop:
    group = rule.group
    return Hop(
        kind=SECURITY_GROUP,
        component_id=group.group_id,
        arn=group.arn,
        account_id=group.account_id,
        region=group.region,
        direction=direction,
        verdict=ALLOW,
        rule=rule.text,
        detail={
            "security_group_id": group.group_id,
            "rule_id": rule.rule.rule_id,
            "protocol": rule.protocol,
            "ports": range_label([rule.ports]) if rule.ports else "all",
            "source": rule.source_text,
            "referenced_group_id": rule.referenced_group_id,
            "description": rule.rule.description,
        },
    )


def groups_of(compiled: Mapping[str, CompiledGroup], group_ids: Collection[str]) -> tuple[CompiledGroup, ...]:
    return tuple(compiled[g] for g in group_ids if g in compiled)
