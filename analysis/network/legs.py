"""The legs a path is made of: from the internet to an interface, and between two ends in VPCs.

Each leg appends its hops to a :class:`Trace` in path order and stops at the first component
that leaves nothing reachable. The semantics (VPC User Guide pages cited in the tests):

- internet -> interface: the internet reaches an interface only at a public IPv4 address or
  Elastic IP (the internet gateway's one-to-one NAT to the private address) or a global IPv6
  address, through an internet gateway attached to the VPC; the subnet's route table must send
  the responses to the client back to that internet gateway (a subnet whose default route is a
  NAT gateway is not reachable from the internet, whatever its security groups say); then the
  subnet's NACL inbound, its NACL outbound for the return traffic, and the interface's security
  groups;
- between two ends inside VPCs: the source's security groups outbound, its route table (local
  route, a peering connection to the destination's VPC itself - peering is not transitive - or a
  transit gateway whose route tables lead to the destination VPC's attachment), the NACLs of both
  subnets both ways (only when the subnets differ), the route back, and the destination's groups.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from analysis.model.network import NetworkInterface, TransitGatewayRouteTable
from analysis.network.addresses import Net
from analysis.network.hops import (
    address_hop,
    attachment_hop,
    gateway_hop,
    interface_hop,
    internet_hop,
    missing_gateway_hop,
    nat_hop,
    peering_hop,
)
from analysis.network.index import NetworkIndex
from analysis.network.results import (
    DENY,
    INBOUND,
    INTERNET_GATEWAY,
    OUTBOUND,
    RETURN,
    ROUTE_TABLE,
    Hop,
)
from analysis.network.routes import lookup, route_hop, tgw_lookup, tgw_table_hop
from analysis.network.security_groups import CompiledGroup, Remote
from analysis.network.trace import Trace


@dataclass(frozen=True, kw_only=True)
class Side:
    """One end of a leg inside a VPC: an interface, or any host of a subnet (groups not evaluated)."""

    subnet_id: str
    vpc_id: str
    address: Net  # the interface's address, or the subnet's CIDR
    eni: NetworkInterface | None = None
    groups: tuple[CompiledGroup, ...] | None = None  # None: no security group to evaluate
    group_ids: frozenset[str] = frozenset()
    account_id: str | None = None
    region: str | None = None


def eni_side(index: NetworkIndex, eni: NetworkInterface, address: Net, trace: Trace | None = None) -> Side:
    groups, missing = index.groups_of(eni.security_group_ids)
    if missing and trace is not None:
        trace.note(
            f"security group(s) {', '.join(missing)} of {eni.network_interface_id} are not in the Inventory"
        )
    return Side(
        subnet_id=eni.subnet_id or "",
        vpc_id=eni.vpc_id or "",
        address=address,
        eni=eni,
        groups=groups,
        group_ids=frozenset(eni.security_group_ids),
        account_id=eni.account_id,
        region=eni.region,
    )


def missing_hop(kind: str, component: str, rule: str, trace: Trace) -> Hop:
    trace.note(rule)
    return Hop(
        kind=kind, component_id=component, arn=None, account_id=None, region=None,
        direction="", verdict=DENY, rule=rule,
    )  # fmt: skip


# -- internet -> an end in a VPC --------------------------------------------------------------------


def internet_to(
    index: NetworkIndex,
    trace: Trace,
    dst: Side,
    client: Net,
    public_ip: str | None,
    *,
    before_arrival: Callable[[Trace], None] | None = None,
) -> None:
    """From an internet client to ``dst`` at ``public_ip`` (IPv4) or its IPv6 address;
    ``before_arrival`` adds a last check (a balancer node's listeners)."""
    trace.add(internet_hop(client.text))
    eni = dst.eni
    if eni is not None and dst.address.version == 4 and public_ip is None:
        trace.add(
            address_hop(
                eni, public=None, private=dst.address.text, allowed=False,
                rule=f"{eni.network_interface_id} has no public IPv4 address or Elastic IP: "
                "the internet cannot address it",
            )
        )  # fmt: skip
        return
    igws = index.igws_by_vpc.get(dst.vpc_id, [])
    if not igws:
        trace.add(
            missing_gateway_hop(
                INTERNET_GATEWAY, dst.vpc_id, f"no internet gateway is attached to {dst.vpc_id}",
                dst.account_id, dst.region,
            )
        )  # fmt: skip
        return
    igw = igws[0]
    trace.add(gateway_hop(igw, allowed=True, rule=f"{igw.gateway_id} is attached to {dst.vpc_id}"))
    if eni is not None:
        if dst.address.version == 4:
            rule = f"public IP {public_ip} -> private IP {dst.address.text} (the internet gateway's one-to-one NAT)"
        else:
            rule = f"IPv6 address {dst.address.text} (globally routable, no translation)"
        trace.add(address_hop(eni, public=public_ip, private=dst.address.text, allowed=True, rule=rule))
        nat_id = index.nat_enis.get(eni.network_interface_id)
        if nat_id is not None or eni.interface_type == "nat_gateway":
            nat = index.nat_gateways.get(nat_id or "")
            rule = "a NAT gateway accepts no connection from the internet (it gives egress only)"
            if nat is not None:
                trace.add(nat_hop(nat, allowed=False, rule=rule))
            else:
                trace.add(interface_hop(eni, allowed=False, rule=rule))
            return
    else:
        trace.note(f"any host of {dst.subnet_id} with a public address (no interface given)")
    route_back_to_igw(index, trace, dst, client)
    nacl = index.nacl_of(dst.subnet_id)
    if nacl is None:
        trace.add(
            missing_hop(
                "network_acl",
                dst.subnet_id,
                f"the network ACL of {dst.subnet_id} is not in the Inventory",
                trace,
            )
        )
        return
    trace.restrict(
        index.nacl_pieces(
            nacl,
            egress=False,
            remote=client,
            protocol=trace.protocol,
            direction=INBOUND,
            subnet_id=dst.subnet_id,
        )
    )
    trace.add(
        index.nacl_return(nacl, egress=True, remote=client, protocol=trace.protocol, subnet_id=dst.subnet_id)
    )
    groups_in(index, trace, dst, Remote(net=client))
    if eni is not None:
        if before_arrival is not None:
            before_arrival(trace)
        arrive(trace, eni)


def route_back_to_igw(index: NetworkIndex, trace: Trace, dst: Side, client: Net) -> None:
    table = index.route_table_of(dst.subnet_id)
    if table is None:
        trace.add(
            missing_hop(
                ROUTE_TABLE,
                dst.subnet_id,
                f"the route table of {dst.subnet_id} is not in the Inventory",
                trace,
            )
        )
        return
    found = lookup(table, client)
    igw_ids = {g.gateway_id for g in index.igws_by_vpc.get(dst.vpc_id, [])}
    ok, why = False, ""
    if found is None:
        why = "the responses have no route back to the client"
    else:
        route = found[0]
        kind = route.route.target_kind
        if route.blackhole:
            why = "the responses are dropped"
        elif kind == "igw" and route.route.target_id in igw_ids:
            ok, why = True, "responses return through the internet gateway"
        elif kind == "egress_only_igw":
            why = "an egress-only internet gateway drops connections started from the internet"
        elif kind == "nat":
            why = "responses leave through the NAT gateway, not the internet gateway: not reachable from the internet"
        else:
            why = "responses do not return through the internet gateway"
    trace.add(route_hop(table, found, client, allowed=ok, why=why, direction=RETURN, subnet_id=dst.subnet_id))


def groups_in(index: NetworkIndex, trace: Trace, dst: Side, remote: Remote) -> None:
    if dst.groups is None:
        return
    pieces, unknown = index.sg_pieces(dst.groups, egress=False, remote=remote, protocol=trace.protocol)
    for text in unknown:
        trace.note(f"not judged: {text}")
    trace.restrict(pieces)


def groups_out(index: NetworkIndex, trace: Trace, src: Side, remote: Remote) -> None:
    if src.groups is None:
        return
    pieces, unknown = index.sg_pieces(src.groups, egress=True, remote=remote, protocol=trace.protocol)
    for text in unknown:
        trace.note(f"not judged: {text}")
    trace.restrict(pieces)


def arrive(trace: Trace, eni: NetworkInterface) -> None:
    if eni.status == "available" and not eni.instance_id:
        trace.add(
            interface_hop(eni, allowed=False, rule=f"{eni.network_interface_id} is not attached to anything")
        )
    else:
        trace.add(interface_hop(eni))


# -- between two ends inside VPCs -------------------------------------------------------------------


@dataclass
class _Crossing:
    hops: list[Hop]  # the source's route, then what it crosses; a blocked crossing ends with a deny
    back: list[Hop]  # the return route checks
    references: bool  # security group references apply (same VPC, or peering in one region)

    @property
    def blocked(self) -> bool:
        return any(not h.allowed for h in self.hops)


def between(index: NetworkIndex, trace: Trace, src: Side, dst: Side) -> None:
    """From ``src`` to ``dst``, both inside collected VPCs (private addresses)."""
    crossing = _crossing(index, trace, src, dst)
    refs = crossing.references
    groups_out(index, trace, src, Remote(net=dst.address, group_ids=dst.group_ids if refs else frozenset()))
    trace.add(crossing.hops[0])
    if crossing.blocked and len(crossing.hops) == 1:
        return
    same_subnet = src.subnet_id == dst.subnet_id
    src_nacl, dst_nacl = index.nacl_of(src.subnet_id), index.nacl_of(dst.subnet_id)
    proto = trace.protocol
    if not same_subnet:
        if src_nacl is None:
            trace.add(
                missing_hop(
                    "network_acl",
                    src.subnet_id,
                    f"the network ACL of {src.subnet_id} is not in the Inventory",
                    trace,
                )
            )
        else:
            trace.restrict(
                index.nacl_pieces(src_nacl, egress=True, remote=dst.address, protocol=proto, direction=OUTBOUND, subnet_id=src.subnet_id)
            )  # fmt: skip
    for hop in crossing.hops[1:]:
        trace.add(hop)
    if not same_subnet:
        if dst_nacl is None:
            trace.add(
                missing_hop(
                    "network_acl",
                    dst.subnet_id,
                    f"the network ACL of {dst.subnet_id} is not in the Inventory",
                    trace,
                )
            )
        else:
            trace.restrict(
                index.nacl_pieces(dst_nacl, egress=False, remote=src.address, protocol=proto, direction=INBOUND, subnet_id=dst.subnet_id)
            )  # fmt: skip
            trace.add(
                index.nacl_return(
                    dst_nacl, egress=True, remote=src.address, protocol=proto, subnet_id=dst.subnet_id
                )
            )
    for hop in crossing.back:
        trace.add(hop)
    if not same_subnet and src_nacl is not None:
        trace.add(
            index.nacl_return(
                src_nacl, egress=False, remote=dst.address, protocol=proto, subnet_id=src.subnet_id
            )
        )
    groups_in(index, trace, dst, Remote(net=src.address, group_ids=src.group_ids if refs else frozenset()))
    if dst.eni is not None:
        arrive(trace, dst.eni)


def _crossing(index: NetworkIndex, trace: Trace, src: Side, dst: Side) -> _Crossing:
    """The source's route to the destination, what it crosses, and the route back."""
    table = index.route_table_of(src.subnet_id)
    if table is None:
        return _Crossing(
            hops=[
                missing_hop(
                    ROUTE_TABLE,
                    src.subnet_id,
                    f"the route table of {src.subnet_id} is not in the Inventory",
                    trace,
                )
            ],
            back=[],
            references=False,
        )
    found = lookup(table, dst.address)

    def blocked(why: str) -> _Crossing:
        hop = route_hop(table, found, dst.address, allowed=False, why=why, subnet_id=src.subnet_id)
        return _Crossing(hops=[hop], back=[], references=False)

    if found is None:
        return blocked(f"{dst.address.text} is not reachable from {src.subnet_id}")
    route = found[0]
    if route.blackhole:
        return blocked("the traffic is dropped")
    kind, target = route.route.target_kind, route.route.target_id or ""
    forward = route_hop(table, found, dst.address, allowed=True, subnet_id=src.subnet_id)
    if kind == "local":
        if dst.vpc_id != src.vpc_id:
            return blocked(f"the address is inside {src.vpc_id}'s own range, not {dst.vpc_id}")
        return _Crossing(
            hops=[forward], back=[_back_route(index, trace, src, dst, "local", "local")], references=True
        )
    if kind == "peering":
        return _peering(index, trace, src, dst, target, forward)
    if kind == "transit_gateway":
        return _transit(index, trace, src, dst, target, forward)
    return blocked(
        f"traffic to {dst.address.text} leaves {src.vpc_id} through {target or kind}, not towards {dst.vpc_id}"
    )


def _peering(index: NetworkIndex, trace: Trace, src: Side, dst: Side, pcx_id: str, forward: Hop) -> _Crossing:
    pcx = index.peerings.get(pcx_id)
    if pcx is None:
        trace.note(f"peering connection {pcx_id} was not collected")
        hop = peering_hop(None, pcx_id, allowed=False, rule=f"{pcx_id} is not in the Inventory")
        return _Crossing(hops=[forward, hop], back=[], references=False)
    other = pcx.accepter if pcx.requester.vpc_id == src.vpc_id else pcx.requester
    connects = f"{pcx_id} connects {pcx.requester.vpc_id} and {pcx.accepter.vpc_id}"
    if pcx.status != "active":
        hop = peering_hop(pcx, pcx_id, allowed=False, rule=f"{connects} but is {pcx.status or 'not active'}")
        return _Crossing(hops=[forward, hop], back=[], references=False)
    if src.vpc_id not in (pcx.requester.vpc_id, pcx.accepter.vpc_id) or other.vpc_id != dst.vpc_id:
        rule = f"{connects}, not {dst.vpc_id}: peering is not transitive"
        return _Crossing(
            hops=[forward, peering_hop(pcx, pcx_id, allowed=False, rule=rule)], back=[], references=False
        )
    hop = peering_hop(pcx, pcx_id, allowed=True, rule=f"{connects} (active)")
    back = _back_route(index, trace, src, dst, "peering", pcx_id)
    same_region = pcx.requester.region == pcx.accepter.region
    return _Crossing(hops=[forward, hop], back=[back], references=same_region)


def _transit(index: NetworkIndex, trace: Trace, src: Side, dst: Side, tgw_id: str, forward: Hop) -> _Crossing:
    hops = [forward]

    def stop(hop: Hop) -> _Crossing:
        return _Crossing(hops=[*hops, hop], back=[], references=False)

    src_att = next(
        (a for a in index.attachments_by_vpc.get(src.vpc_id, []) if a.transit_gateway_id == tgw_id), None
    )
    if src_att is None:
        return stop(
            attachment_hop(
                None,
                tgw_id,
                allowed=False,
                rule=f"{src.vpc_id} has no attachment on {tgw_id} in the Inventory",
            )
        )
    hops.append(
        attachment_hop(
            src_att, tgw_id, allowed=True, rule=f"{src_att.attachment_id} attaches {src.vpc_id} to {tgw_id}"
        )
    )
    table = index.tgw_tables.get(src_att.association_route_table_id or "")
    if table is None:
        return stop(
            attachment_hop(
                src_att,
                tgw_id,
                allowed=False,
                rule=f"{src_att.attachment_id} is associated with no collected TGW route table",
            )
        )
    _tgw_notes(trace, table.table)
    found = tgw_lookup(table, dst.address)
    if found is None or found[0].route.state == "blackhole":
        why = (
            "blackhole route: the transit gateway drops the traffic"
            if found
            else "the transit gateway drops it"
        )
        return stop(tgw_table_hop(table, found, dst.address, allowed=False, why=why))
    dst_att = None
    for att_id in found[0].route.attachment_ids:
        att = index.tgw_attachments.get(att_id)
        if att is not None and att.resource_type == "vpc" and att.resource_id == dst.vpc_id:
            dst_att = att
    if dst_att is None:
        return stop(
            tgw_table_hop(
                table, found, dst.address, allowed=False, why=f"it does not lead to {dst.vpc_id}'s attachment"
            )
        )
    hops.append(tgw_table_hop(table, found, dst.address, allowed=True))
    hops.append(
        attachment_hop(
            dst_att, tgw_id, allowed=True, rule=f"{dst_att.attachment_id} attaches {dst.vpc_id} to {tgw_id}"
        )
    )
    back = [_back_route(index, trace, src, dst, "transit_gateway", tgw_id)]
    back_table = index.tgw_tables.get(dst_att.association_route_table_id or "")
    if back_table is None:
        rule = f"{dst_att.attachment_id} is associated with no collected TGW route table"
        back.append(attachment_hop(dst_att, tgw_id, allowed=False, rule=rule))
    else:
        _tgw_notes(trace, back_table.table)
        back_found = tgw_lookup(back_table, src.address)
        ok = (
            back_found is not None
            and back_found[0].route.state != "blackhole"
            and src_att.attachment_id in back_found[0].route.attachment_ids
        )
        why = "" if ok else f"the responses do not reach {src_att.attachment_id}"
        back.append(tgw_table_hop(back_table, back_found, src.address, allowed=ok, why=why))
    return _Crossing(hops=hops, back=back, references=False)


def _tgw_notes(trace: Trace, table: TransitGatewayRouteTable) -> None:
    if not table.routes_state.answered:
        trace.note(f"the routes of {table.route_table_id} were not collected ({table.routes_state.reason})")
    if table.routes_truncated:
        trace.note(f"{table.route_table_id} has more routes than one search returns: some may be missing")


def _back_route(index: NetworkIndex, trace: Trace, src: Side, dst: Side, kind: str, target: str) -> Hop:
    """The destination subnet's route back to the source must use the same way (a denied hop blocks
    at its place in the path, after the NACLs)."""
    table = index.route_table_of(dst.subnet_id)
    if table is None:
        return missing_hop(
            ROUTE_TABLE, dst.subnet_id, f"the route table of {dst.subnet_id} is not in the Inventory", trace
        )
    found = lookup(table, src.address)
    ok = (
        found is not None
        and not found[0].blackhole
        and found[0].route.target_kind == kind
        and (kind == "local" or found[0].route.target_id == target)
    )
    why = "" if ok else f"the responses to {src.address.text} do not return through {target}"
    return route_hop(
        table, found, src.address, allowed=ok, why=why, direction=RETURN, subnet_id=dst.subnet_id
    )
