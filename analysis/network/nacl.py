"""Network ACLs: rules in number order, first match wins, the implicit final deny; stateless.

VPC User Guide, "Control traffic to subnets using network ACLs": a NACL is evaluated at the
subnet boundary, inbound and outbound separately, "starting with the lowest numbered rule"; the
first rule that matches decides, and the "*" rule denies what no rule matched. NACLs are
stateless, so the return traffic is checked too: from a server it leaves towards the client's
ephemeral port ("Ephemeral ports": 1024-65535 covers every client), and for an internet client
the return passes when ANY port of that range is allowed (some client will use it).

Traffic between two addresses of the same subnet does not cross the subnet boundary and is not
evaluated by its NACL.
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.model.network import NaclEntry, NetworkAcl
from analysis.network.addresses import (
    ALL,
    ICMP,
    ICMPV6,
    Net,
    domain_max,
    has_ports,
    is_icmp,
    normalize_protocol,
    parse_net,
)
from analysis.network.ports import Piece, Range, first_match, icmp_range, port_range, range_label
from analysis.network.results import ALLOW, DENY, EPHEMERAL_PORTS, NETWORK_ACL, RETURN, Hop

IMPLICIT_DENY_NUMBER = 32767


@dataclass(frozen=True, slots=True)
class CompiledEntry:
    number: int
    allow: bool
    egress: bool
    net: Net | None
    protocol: str
    ports: Range | None  # TCP/UDP ports or ICMP types; None: every port of the protocol
    text: str  # "tcp 443" / "all traffic" / "icmp type 8"
    entry: NaclEntry


@dataclass(frozen=True, slots=True)
class CompiledNacl:
    acl: NetworkAcl
    inbound: tuple[CompiledEntry, ...]
    outbound: tuple[CompiledEntry, ...]


def compile_nacl(acl: NetworkAcl) -> CompiledNacl:
    entries = [
        _compile_entry(e)
        for e in acl.entries
        # The "*" rule is implicit; a listed one (32767) is the same deny.
        if e.rule_number < IMPLICIT_DENY_NUMBER
    ]
    entries.sort(key=lambda e: e.number)
    return CompiledNacl(
        acl=acl,
        inbound=tuple(e for e in entries if not e.egress),
        outbound=tuple(e for e in entries if e.egress),
    )


def _compile_entry(entry: NaclEntry) -> CompiledEntry:
    protocol = normalize_protocol(entry.protocol)
    ports: Range | None = None
    if has_ports(protocol) and entry.from_port is not None:
        ports = port_range(entry.from_port, entry.to_port, 65535)
    elif is_icmp(protocol) and entry.icmp_type is not None and entry.icmp_type >= 0:
        ports = icmp_range(entry.icmp_type)
    return CompiledEntry(
        number=entry.rule_number,
        allow=entry.action == "allow",
        egress=entry.egress,
        net=parse_net(entry.cidr_ipv4 or entry.cidr_ipv6),
        protocol=protocol,
        ports=ports,
        text=_traffic_text(protocol, ports),
        entry=entry,
    )


def _traffic_text(protocol: str, ports: Range | None) -> str:
    if protocol == ALL:
        return "all traffic"
    if ports is None:
        return f"{protocol} (all {'types' if is_icmp(protocol) else 'ports'})"
    if is_icmp(protocol):
        return f"{protocol} type {range_label([ports])}"
    return f"{protocol} {range_label([ports])}"


def nacl_partition(
    nacl: CompiledNacl,
    *,
    egress: bool,
    remote: Net,
    protocol: str,
    direction: str,
    subnet_id: str,
) -> list[Piece[Hop]]:
    """What the NACL decides for each port of ``protocol`` towards (egress) or from ``remote``."""
    maximum = domain_max(protocol)
    entries = nacl.outbound if egress else nacl.inbound
    word = "to" if egress else "from"
    matching: list[tuple[Range, bool, Hop]] = []
    for e in entries:
        if e.net is None or not e.net.covers(remote):
            continue
        # Asking for all traffic: a deny of any part of it denies "all traffic"; an allow of a part
        # does not allow all of it (the next rules still decide).
        partial_deny = protocol == ALL and not e.allow
        if e.protocol != ALL and e.protocol != protocol and not partial_deny:
            continue
        ports = (
            e.ports if e.ports is not None and (has_ports(protocol) or is_icmp(protocol)) else (0, maximum)
        )
        verb = "allows" if e.allow else "denies"
        matching.append(
            (
                ports,
                e.allow,
                _hop(
                    nacl,
                    direction=direction,
                    allow=e.allow,
                    rule=f"rule {e.number} {verb} {e.text} {word} {e.net.text}",
                    detail={
                        "rule_number": e.number,
                        "action": "allow" if e.allow else "deny",
                        "protocol": e.protocol,
                        "ports": range_label([e.ports]) if e.ports else "all",
                        "cidr": e.net.text,
                        "egress": egress,
                        "subnet_id": subnet_id,
                    },
                ),
            )
        )
    default = _hop(
        nacl,
        direction=direction,
        allow=False,
        rule=f"no rule matched {protocol} {word} {remote.text}: implicit deny (*)",
        detail={"rule_number": "*", "action": "deny", "egress": egress, "subnet_id": subnet_id},
    )
    return first_match(matching, maximum, default)


def return_check(nacl: CompiledNacl, *, egress: bool, remote: Net, protocol: str, subnet_id: str) -> Hop:
    """The return traffic of a connection: towards the client's ephemeral ports (TCP/UDP), an echo
    reply (ICMP), or the same protocol. Allowed when any client port of EPHEMERAL_PORTS passes;
    the hop's detail lists the client port ranges that do."""
    if has_ports(protocol):
        wanted: Range = EPHEMERAL_PORTS
    elif protocol == ICMP:
        wanted = (0, 0)  # echo reply
    elif protocol == ICMPV6:
        wanted = (129, 129)  # echo reply
    else:
        wanted = (0, 0)
    pieces = nacl_partition(
        nacl, egress=egress, remote=remote, protocol=protocol, direction=RETURN, subnet_id=subnet_id
    )
    inside = [
        Piece(max(p.lo, wanted[0]), min(p.hi, wanted[1]), p.allowed, p.payload)
        for p in pieces
        if p.hi >= wanted[0] and p.lo <= wanted[1]
    ]
    allowed = [p for p in inside if p.allowed]
    what = "ports" if has_ports(protocol) else "types"
    if allowed:
        first = allowed[0].payload
        ranges = [(p.lo, p.hi) for p in allowed]
        return Hop(
            kind=NETWORK_ACL,
            component_id=first.component_id,
            arn=first.arn,
            account_id=first.account_id,
            region=first.region,
            direction=RETURN,
            verdict=ALLOW,
            rule=f"{first.rule} (return traffic to client {what} {range_label(ranges)})",
            detail={**first.detail, "client_ports": [list(r) for r in ranges]},
        )
    denied = inside[0].payload if inside else pieces[0].payload
    return Hop(
        kind=NETWORK_ACL,
        component_id=denied.component_id,
        arn=denied.arn,
        account_id=denied.account_id,
        region=denied.region,
        direction=RETURN,
        verdict=DENY,
        rule=f"{denied.rule} (return traffic to client {what} {range_label([wanted])} is denied)",
        detail={**denied.detail, "client_ports": []},
    )


def _hop(nacl: CompiledNacl, *, direction: str, allow: bool, rule: str, detail: dict[str, object]) -> Hop:
    acl = nacl.acl
    return Hop(
        kind=NETWORK_ACL,
        component_id=acl.network_acl_id,
        arn=acl.arn,
        account_id=acl.account_id,
        region=acl.region,
        direction=direction,
        verdict=ALLOW if allow else DENY,
        rule=rule,
        detail=detail,
    )
