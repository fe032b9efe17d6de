"""From an end inside a VPC out to an internet address: internet gateway or NAT gateway.

VPC User Guide, "Enable internet access for a VPC using an internet gateway": an instance reaches
the internet through an internet gateway only with a public IPv4 address or Elastic IP (the
gateway translates it), or a global IPv6 address; an egress-only internet gateway lets IPv6
traffic out (and its responses in). "NAT gateways": a public NAT gateway in a public subnet
translates private addresses to its Elastic IP and sends the traffic to the internet gateway of
its subnet's route table; a private NAT gateway does not reach the internet. NACLs of the subnets
crossed are checked both ways, security groups outbound (their responses are allowed back).
"""

from __future__ import annotations

from analysis.network.addresses import Net
from analysis.network.hops import address_hop, gateway_hop, internet_hop, missing_hop, nat_hop
from analysis.network.index import NetworkIndex
from analysis.network.legs import Side, groups_out
from analysis.network.results import INBOUND, OUTBOUND, ROUTE_TABLE
from analysis.network.routes import lookup, route_hop
from analysis.network.security_groups import Remote
from analysis.network.trace import Trace


def to_internet(index: NetworkIndex, trace: Trace, src: Side, dest: Net) -> str | None:
    """Append the hops from ``src`` to the internet address ``dest``; the source address the
    internet sees (public IP, NAT gateway's IP, IPv6 address), or None when blocked."""
    groups_out(index, trace, src, Remote(net=dest))
    table = index.route_table_of(src.subnet_id)
    if table is None:
        trace.add(
            missing_hop(
                ROUTE_TABLE,
                src.subnet_id,
                f"the route table of {src.subnet_id} is not in the Inventory",
                trace,
            )
        )
        return None
    found = lookup(table, dest)
    route = found[0] if found else None
    kind = route.route.target_kind if route else ""
    target = (route.route.target_id or "") if route else ""
    igws = {g.gateway_id: g for g in index.igws_by_vpc.get(src.vpc_id, [])}
    eigws = {g.gateway_id: g for g in index.eigws_by_vpc.get(src.vpc_id, [])}
    if route is None or route.blackhole:
        why = "the traffic is dropped" if route else f"{dest.text} is not reachable from {src.subnet_id}"
        trace.add(route_hop(table, found, dest, allowed=False, why=why, subnet_id=src.subnet_id))
        return None
    if kind == "nat":
        trace.add(route_hop(table, found, dest, allowed=True, subnet_id=src.subnet_id))
        return _through_nat(index, trace, src, dest, target)
    gateway = igws.get(target) if kind == "igw" else eigws.get(target) if kind == "egress_only_igw" else None
    if gateway is None or (kind == "egress_only_igw" and dest.version != 6):
        why = f"traffic to {dest.text} goes to {target or kind}, not to an internet gateway of {src.vpc_id}"
        if kind in ("transit_gateway", "peering"):
            why += " (the internet path beyond it is not followed)"
            trace.note(
                f"the route to {dest.text} leads to {target}: egress through another VPC is not followed"
            )
        trace.add(route_hop(table, found, dest, allowed=False, why=why, subnet_id=src.subnet_id))
        return None
    public: str | None = src.address.text.split("/")[0]
    if dest.version == 4 and kind == "igw":
        public = src.eni.public_ips[0] if src.eni is not None and src.eni.public_ips else None
        if src.eni is not None and public is None:
            trace.add(route_hop(table, found, dest, allowed=True, subnet_id=src.subnet_id))
            rule = (
                f"{src.eni.network_interface_id} has no public IPv4 address or Elastic IP: "
                "the internet gateway does not translate its private address"
            )
            trace.add(address_hop(src.eni, public=None, private=src.address.text, allowed=False, rule=rule))
            return None
    trace.add(route_hop(table, found, dest, allowed=True, subnet_id=src.subnet_id))
    _subnet_out(index, trace, src.subnet_id, src.address, dest)
    if src.eni is not None and dest.version == 4 and public:
        rule = f"private IP {src.address.text} -> public IP {public} (the internet gateway's one-to-one NAT)"
        trace.add(address_hop(src.eni, public=public, private=src.address.text, allowed=True, rule=rule))
    trace.add(gateway_hop(gateway, allowed=True, rule=f"{gateway.gateway_id} is attached to {src.vpc_id}"))
    trace.add(internet_hop(dest.text, rule=f"the destination {dest.text} on the internet"))
    return public if trace.ok else None


def _subnet_out(index: NetworkIndex, trace: Trace, subnet_id: str, source: Net, dest: Net) -> None:
    """Leaving a subnet towards ``dest``: its NACL outbound, and inbound for the responses."""
    nacl = index.nacl_of(subnet_id)
    if nacl is None:
        trace.add(
            missing_hop(
                "network_acl", subnet_id, f"the network ACL of {subnet_id} is not in the Inventory", trace
            )
        )
        return
    trace.restrict(
        index.nacl_pieces(nacl, egress=True, remote=dest, protocol=trace.protocol, direction=OUTBOUND, subnet_id=subnet_id)
    )  # fmt: skip
    trace.add(
        index.nacl_return(nacl, egress=False, remote=dest, protocol=trace.protocol, subnet_id=subnet_id)
    )


def _through_nat(index: NetworkIndex, trace: Trace, src: Side, dest: Net, nat_id: str) -> str | None:
    nat = index.nat_gateways.get(nat_id)
    proto = trace.protocol
    if nat is None:
        trace.add(missing_hop("nat_gateway", nat_id, f"{nat_id} is not in the Inventory", trace))
        return None
    nat_subnet = nat.subnet_id
    if nat_subnet != src.subnet_id:
        _subnet_out(index, trace, src.subnet_id, src.address, dest)
        nacl = index.nacl_of(nat_subnet)
        if nacl is not None:
            trace.restrict(
                index.nacl_pieces(nacl, egress=False, remote=src.address, protocol=proto, direction=INBOUND, subnet_id=nat_subnet)
            )  # fmt: skip
            trace.add(
                index.nacl_return(nacl, egress=True, remote=src.address, protocol=proto, subnet_id=nat_subnet)
            )
    if nat.connectivity_type == "private":
        trace.add(
            nat_hop(
                nat, allowed=False, rule=f"{nat_id} is a private NAT gateway: it does not reach the internet"
            )
        )
        return None
    if nat.state not in ("available", "") or not nat.public_ips:
        why = (
            f"{nat_id} is {nat.state or 'not available'}" if nat.public_ips else f"{nat_id} has no public IP"
        )
        trace.add(nat_hop(nat, allowed=False, rule=why))
        return None
    public = nat.public_ips[0]
    trace.add(
        nat_hop(nat, allowed=True, rule=f"{nat_id} translates {src.address.text} to its public IP {public}")
    )
    table = index.route_table_of(nat_subnet)
    if table is None:
        trace.add(
            missing_hop(
                ROUTE_TABLE, nat_subnet, f"the route table of {nat_subnet} is not in the Inventory", trace
            )
        )
        return None
    found = lookup(table, dest)
    igws = {g.gateway_id: g for g in index.igws_by_vpc.get(nat.vpc_id, [])}
    gateway = igws.get(found[0].route.target_id or "") if found and not found[0].blackhole else None
    if gateway is None or found is None or found[0].route.target_kind != "igw":
        why = f"the NAT gateway's subnet does not send {dest.text} to an internet gateway"
        trace.add(route_hop(table, found, dest, allowed=False, why=why, subnet_id=nat_subnet))
        return None
    trace.add(route_hop(table, found, dest, allowed=True, subnet_id=nat_subnet))
    _subnet_out(index, trace, nat_subnet, src.address, dest)
    trace.add(gateway_hop(gateway, allowed=True, rule=f"{gateway.gateway_id} is attached to {nat.vpc_id}"))
    trace.add(internet_hop(dest.text, rule=f"the destination {dest.text} on the internet"))
    return public if trace.ok else None
