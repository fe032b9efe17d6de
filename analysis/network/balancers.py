"""Entry through internet-facing load balancers: internet -> the balancer -> its targets.

ELB User Guide: an internet-facing balancer's nodes have public addresses in its subnets (which
need a route to an internet gateway); its security groups ("Security groups for your Application
Load Balancer") must allow the listener port from the clients; a listener forwards (default
action or rules) to target groups, whose registered targets ("Register targets") receive the
traffic on their port: an instance target on its primary interface, an IP target on the
interface holding the address. The target's security groups must allow the target port from the
balancer (its security groups, or the balancer subnets' addresses) and the NACLs of both subnets
must pass it both ways. A network load balancer without security groups does not filter; with
client IP preservation (the default for instance targets) the target sees the client's address,
so its NACL and security groups must allow the client. Classic balancers forward listener ports
to instance ports of their registered instances.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from analysis.model.loadbalancers import LoadBalancer, TargetGroup
from analysis.network.addresses import TCP, UDP, Net
from analysis.network.hops import (
    gateway_hop,
    internet_hop,
    listener_hop,
    load_balancer_hop,
    missing_gateway_hop,
    target_group_hop,
)
from analysis.network.index import NetworkIndex
from analysis.network.legs import Side, arrive, between, eni_side, groups_in, route_back_to_igw
from analysis.network.ports import Segment
from analysis.network.results import (
    ALLOW,
    INBOUND,
    INTERNET_GATEWAY,
    OUTBOUND,
    SECURITY_GROUP,
    Hop,
    NotAssessed,
)
from analysis.network.security_groups import Remote
from analysis.network.trace import Trace

_PROTOCOLS: dict[str, tuple[str, ...]] = {
    "HTTP": (TCP,),
    "HTTPS": (TCP,),
    "TCP": (TCP,),
    "TLS": (TCP,),
    "SSL": (TCP,),
    "UDP": (UDP,),
}
_PROTOCOLS["TCP_UDP"] = (TCP, UDP)


@dataclass(frozen=True, kw_only=True)
class LbEntry:
    """One way in: a listener of an internet-facing balancer forwarding to one target."""

    lb: LoadBalancer
    listener_arn: str | None  # None for a classic balancer
    listener_protocol: str  # HTTP, HTTPS, TCP, TLS, UDP, SSL
    protocol: str  # tcp | udp
    listener_port: int
    target_group: TargetGroup | None  # None for a classic balancer's registered instances
    target_id: str
    target_port: int
    network_interface_id: str


def lb_entries(index: NetworkIndex) -> dict[str, list[LbEntry]]:
    """Every (listener, target) of every internet-facing balancer, by target interface (once)."""
    memo = index.memo.get("lb_entries")
    if isinstance(memo, dict):
        return memo
    out: dict[str, list[LbEntry]] = defaultdict(list)
    lbs = index.load_balancers
    for lb in lbs.load_balancers.values():
        if not lb.internet_facing:
            continue
        if lb.type == "classic":
            for cl in lb.classic_listeners:
                for proto in _PROTOCOLS.get(cl.protocol.upper(), ()):
                    for instance_id in lb.instance_ids:
                        enis = index.network.enis_by_instance.get(instance_id, ())
                        if enis and cl.port is not None and cl.instance_port is not None:
                            out[enis[0]].append(
                                LbEntry(
                                    lb=lb, listener_arn=None, listener_protocol=cl.protocol, protocol=proto,
                                    listener_port=cl.port, target_group=None, target_id=instance_id,
                                    target_port=cl.instance_port, network_interface_id=enis[0],
                                )
                            )  # fmt: skip
            continue
        for listener in lbs.listeners_of(lb.arn):
            if listener.port is None:
                continue
            for tg_arn in listener.target_group_arns():
                tg = lbs.target_groups.get(tg_arn)
                if tg is None:
                    continue
                for target in tg.targets:
                    port = target.port or tg.port
                    if target.network_interface_id is None or port is None:
                        continue
                    for proto in _PROTOCOLS.get(listener.protocol.upper(), ()):
                        out[target.network_interface_id].append(
                            LbEntry(
                                lb=lb, listener_arn=listener.arn, listener_protocol=listener.protocol,
                                protocol=proto, listener_port=listener.port, target_group=tg,
                                target_id=target.id, target_port=port,
                                network_interface_id=target.network_interface_id,
                            )
                        )  # fmt: skip
    result = dict(out)
    index.memo["lb_entries"] = result
    return result


def lb_gaps(index: NetworkIndex) -> list[NotAssessed]:
    """Internet-facing balancers whose listeners or targets were not answered."""
    out = []
    lbs = index.load_balancers
    for lb in lbs.load_balancers.values():
        if not lb.internet_facing:
            continue
        if not lb.listeners_state.answered:
            what = f"listeners of load balancer {lb.name}"
            out.append(
                NotAssessed(
                    account_id=lb.account_id, region=lb.region, what=what, reason=lb.listeners_state.reason
                )
            )
        for tg in lbs.target_groups_of(lb.arn):
            if not tg.targets_state.answered:
                what = f"targets of target group {tg.name} ({lb.name})"
                out.append(
                    NotAssessed(
                        account_id=tg.account_id, region=tg.region, what=what, reason=tg.targets_state.reason
                    )
                )
    return out


def listener_ports(index: NetworkIndex, lb: LoadBalancer) -> list[tuple[str, int, str, str | None]]:
    """(protocol, port, listener protocol, listener ARN) of every listener of a balancer."""
    out: list[tuple[str, int, str, str | None]] = []
    if lb.type == "classic":
        for cl in lb.classic_listeners:
            if cl.port is not None:
                out.extend((p, cl.port, cl.protocol, None) for p in _PROTOCOLS.get(cl.protocol.upper(), ()))
    else:
        for listener in index.load_balancers.listeners_of(lb.arn):
            if listener.port is not None:
                protos = _PROTOCOLS.get(listener.protocol.upper(), ())
                out.extend((p, listener.port, listener.protocol, listener.arn) for p in protos)
    return out


def via_load_balancer(index: NetworkIndex, entry: LbEntry, client: Net) -> Trace:
    """The path internet -> ``entry``'s balancer -> listener -> target interface, on its ports."""
    lb = entry.lb
    front, subnet_id = _front(index, entry, client)
    if not front.ok:
        return front
    front.add(load_balancer_hop(lb))
    front.add(
        listener_hop(
            lb, arn=entry.listener_arn, protocol=entry.listener_protocol, port=entry.listener_port, allowed=True,
            rule=f"listener {entry.listener_protocol}:{entry.listener_port} forwards to "
            + (f"target group {entry.target_group.name}" if entry.target_group else "the registered instances"),
        )
    )  # fmt: skip
    front.add(
        target_group_hop(
            entry.target_group, lb, target=entry.target_id, port=entry.target_port,
            rule=f"target {entry.target_id} on port {entry.target_port}",
        )
    )  # fmt: skip
    back = Trace(entry.protocol, (entry.target_port, entry.target_port))
    back.segments = [Segment(entry.target_port, entry.target_port, front.hops())]
    back.notes = list(front.notes)
    eni = index.enis.get(entry.network_interface_id)
    if eni is None:
        back.note(f"target interface {entry.network_interface_id} is not in the Inventory")
        return back
    target_address = index.address_of(eni, 4)
    if target_address is None:
        back.note(f"target interface {entry.network_interface_id} has no IPv4 address")
        return back
    target = eni_side(index, eni, target_address, back)
    source = _lb_side(index, lb, subnet_id)
    if source is None:
        back.note(f"the subnet {subnet_id} of {lb.name} is not in the Inventory")
        return back
    if (
        lb.type == "network"
        and entry.target_group is not None
        and entry.target_group.target_type == "instance"
    ):
        _preserved_client(index, back, source, target, client)
    else:
        between(index, back, source, target)
    return back


def _front(index: NetworkIndex, entry: LbEntry, client: Net) -> tuple[Trace, str]:
    """Internet -> one of the balancer's subnets (the first that passes) -> its security groups."""
    lb = entry.lb
    first: tuple[Trace, str] | None = None
    for subnet_id in lb.subnet_ids or ("",):
        trace = Trace(entry.protocol, (entry.listener_port, entry.listener_port))
        trace.add(internet_hop(client.text))
        igws = index.igws_by_vpc.get(lb.vpc_id or "", [])
        if not igws:
            rule = f"no internet gateway is attached to {lb.vpc_id}"
            trace.add(missing_gateway_hop(INTERNET_GATEWAY, lb.vpc_id or "", rule, lb.account_id, lb.region))
            return trace, subnet_id
        trace.add(gateway_hop(igws[0], allowed=True, rule=f"{igws[0].gateway_id} is attached to {lb.vpc_id}"))
        side = Side(
            subnet_id=subnet_id,
            vpc_id=lb.vpc_id or "",
            address=client,
            account_id=lb.account_id,
            region=lb.region,
        )
        route_back_to_igw(index, trace, side, client)
        nacl = index.nacl_of(subnet_id)
        if trace.ok and nacl is not None:
            trace.restrict(
                index.nacl_pieces(nacl, egress=False, remote=client, protocol=entry.protocol, direction=INBOUND, subnet_id=subnet_id)
            )  # fmt: skip
            trace.add(
                index.nacl_return(
                    nacl, egress=True, remote=client, protocol=entry.protocol, subnet_id=subnet_id
                )
            )
        elif trace.ok:
            trace.note(f"the network ACL of {subnet_id} is not in the Inventory")
        _lb_groups(index, trace, lb, client)
        if trace.ok:
            return trace, subnet_id
        first = first or (trace, subnet_id)
    assert first is not None
    return first


def _lb_groups(index: NetworkIndex, trace: Trace, lb: LoadBalancer, client: Net) -> None:
    if not lb.security_group_ids:
        if lb.type == "network":
            trace.add(
                Hop(
                    kind=SECURITY_GROUP, component_id=lb.name, arn=lb.arn, account_id=lb.account_id,
                    region=lb.region, direction=INBOUND, verdict=ALLOW,
                    rule=f"network load balancer {lb.name} has no security group: it does not filter",
                )
            )  # fmt: skip
        return
    groups, missing = index.groups_of(lb.security_group_ids)
    if missing:
        trace.note(f"security group(s) {', '.join(missing)} of {lb.name} are not in the Inventory")
    side = Side(subnet_id="", vpc_id=lb.vpc_id or "", address=client, groups=groups)
    groups_in(index, trace, side, Remote(net=client))


def _lb_side(index: NetworkIndex, lb: LoadBalancer, subnet_id: str) -> Side | None:
    """The balancer node in ``subnet_id``: its interface when collected, else the subnet's range."""
    for eni_id in index.enis_by_lb.get(lb.arn, ()):
        eni = index.enis[eni_id]
        address = index.address_of(eni, 4)
        if eni.subnet_id == subnet_id and address is not None:
            side = eni_side(index, eni, address)
            groups, _ = index.groups_of(lb.security_group_ids)
            return Side(
                subnet_id=subnet_id, vpc_id=side.vpc_id, address=address, eni=eni,
                groups=groups if lb.security_group_ids else None,
                group_ids=frozenset(lb.security_group_ids), account_id=eni.account_id, region=eni.region,
            )  # fmt: skip
    subnet = index.subnets.get(subnet_id)
    nets = [n for n in index.subnet_nets.get(subnet_id, ()) if n.version == 4]
    if subnet is None or not nets:
        return None
    groups, _ = index.groups_of(lb.security_group_ids)
    return Side(
        subnet_id=subnet_id, vpc_id=subnet.vpc_id, address=nets[0],
        groups=groups if lb.security_group_ids else None, group_ids=frozenset(lb.security_group_ids),
        account_id=lb.account_id, region=lb.region,
    )  # fmt: skip


def _preserved_client(index: NetworkIndex, trace: Trace, source: Side, target: Side, client: Net) -> None:
    """NLB instance targets see the client's address (client IP preservation, on by default):
    the target subnet's NACL and the target's groups must allow the client; the NLB carries the
    responses back."""
    proto = trace.protocol
    trace.note(
        f"{target.eni.network_interface_id if target.eni else target.subnet_id}: client IP preservation assumed (the default for instance targets)"
    )
    src_nacl, dst_nacl = index.nacl_of(source.subnet_id), index.nacl_of(target.subnet_id)
    if source.subnet_id != target.subnet_id and src_nacl is not None and dst_nacl is not None:
        trace.restrict(
            index.nacl_pieces(src_nacl, egress=True, remote=target.address, protocol=proto, direction=OUTBOUND, subnet_id=source.subnet_id)
        )  # fmt: skip
        trace.restrict(
            index.nacl_pieces(dst_nacl, egress=False, remote=client, protocol=proto, direction=INBOUND, subnet_id=target.subnet_id)
        )  # fmt: skip
        trace.add(
            index.nacl_return(
                dst_nacl, egress=True, remote=client, protocol=proto, subnet_id=target.subnet_id
            )
        )
    groups_in(index, trace, target, Remote(net=client, group_ids=source.group_ids))
    if target.eni is not None:
        arrive(index, trace, target.eni)
