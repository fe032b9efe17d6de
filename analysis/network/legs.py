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

from analysis.model.network import NetworkInterface
from analysis.network.addresses import Net
from analysis.network.crossing import route_crossing
from analysis.network.hops import (
    address_hop,
    gateway_hop,
    interface_hop,
    internet_hop,
    missing_gateway_hop,
    missing_hop,
    nat_hop,
)
from analysis.network.index import NetworkIndex
from analysis.network.results import (
    INBOUND,
    INTERNET_GATEWAY,
    OUTBOUND,
    RETURN,
    ROUTE_TABLE,
)
from analysis.network.routes import lookup, route_hop
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
        eigws = index.eigws_by_vpc.get(dst.vpc_id, [])
        if eigws and client.version == 6:
            rule = (
                f"only an egress-only internet gateway is attached to {dst.vpc_id}: "
                "it drops connections started from the internet"
            )
            trace.add(gateway_hop(eigws[0], allowed=False, rule=rule))
        else:
            rule = f"no internet gateway is attached to {dst.vpc_id}"
            trace.add(missing_gateway_hop(INTERNET_GATEWAY, dst.vpc_id, rule, dst.account_id, dst.region))
        return
    igw = igws[0]
    trace.add(gateway_hop(igw, allowed=True, rule=f"{igw.gateway_id} is attached to {dst.vpc_id}"))
    for table_id in index.edge_tables.get(igw.gateway_id, ()):
        trace.note(
            f"{igw.gateway_id} has the gateway route table {table_id} (ingress routing): inbound traffic "
            "may be sent to an appliance first; that detour is not followed"
        )
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
        arrive(index, trace, eni)


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


def arrive(index: NetworkIndex, trace: Trace, eni: NetworkInterface) -> None:
    if eni.status == "available" and not eni.instance_id:
        trace.add(
            interface_hop(eni, allowed=False, rule=f"{eni.network_interface_id} is not attached to anything")
        )
        return
    instance = index.instances.get(eni.instance_id or "")
    trace.add(interface_hop(eni, instance_state=instance.state if instance else None))


# -- between two ends inside VPCs -------------------------------------------------------------------


def between(index: NetworkIndex, trace: Trace, src: Side, dst: Side) -> None:
    """From ``src`` to ``dst``, both inside collected VPCs (private addresses)."""
    crossing = route_crossing(index, trace, src, dst)
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
        arrive(index, trace, dst.eni)
