"""Route tables (VPC and transit gateway): longest prefix match, local routes, blackholes.

VPC User Guide, "Configure route tables": a subnet uses its explicitly associated route table,
else the VPC's main table; "we use the most specific route that matches the traffic" (longest
prefix match); the local route covers the VPC's CIDRs; a route whose target is gone is a
blackhole and drops the traffic; a prefix-list destination stands for its entries (a CIDR route
of the same length is preferred). Transit Gateway Guide, "How transit gateways work": a TGW
attachment is associated with one TGW route table, which routes by longest prefix to
attachments (static routes before propagated ones); blackhole routes drop.

A destination is a Net (one address, or a whole network such as 0.0.0.0/0 for "any internet
address"): a route matches when its destination contains the whole of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from analysis.model.network import (
    PrefixList,
    Route,
    RouteTable,
    TransitGatewayRoute,
    TransitGatewayRouteTable,
)
from analysis.network.addresses import Net, parse_net
from analysis.network.results import ALLOW, DENY, ROUTE_TABLE, TRANSIT_GATEWAY_ROUTE_TABLE, Hop

TARGET_WORDS = {
    "local": "local",
    "igw": "internet gateway",
    "egress_only_igw": "egress-only internet gateway",
    "nat": "NAT gateway",
    "peering": "VPC peering connection",
    "transit_gateway": "transit gateway",
    "vpc_endpoint": "VPC endpoint",
    "network_interface": "network interface",
    "instance": "instance",
    "vgw": "virtual private gateway",
}


@dataclass(frozen=True, slots=True)
class CompiledRoute:
    route: Route
    nets: tuple[Net, ...]
    destination: str  # the CIDR or the prefix list id, as listed
    unknown: str | None  # a prefix list whose entries were not collected

    @property
    def target(self) -> str:
        return self.route.target_id or self.route.target_kind

    @property
    def blackhole(self) -> bool:
        return self.route.state == "blackhole"


@dataclass(frozen=True, slots=True)
class CompiledRouteTable:
    table: RouteTable
    routes: tuple[CompiledRoute, ...]


def compile_route_table(table: RouteTable, prefix_lists: Mapping[str, PrefixList]) -> CompiledRouteTable:
    routes = []
    for r in table.routes:
        dest = r.destination_cidr or r.destination_ipv6_cidr
        if dest:
            net = parse_net(dest)
            routes.append(CompiledRoute(route=r, nets=(net,) if net else (), destination=dest, unknown=None))
        elif r.destination_prefix_list_id:
            nets, unknown = _prefix_list_nets(r.destination_prefix_list_id, prefix_lists)
            routes.append(
                CompiledRoute(route=r, nets=nets, destination=r.destination_prefix_list_id, unknown=unknown)
            )
    return CompiledRouteTable(table=table, routes=tuple(routes))


def _prefix_list_nets(
    pl_id: str, prefix_lists: Mapping[str, PrefixList]
) -> tuple[tuple[Net, ...], str | None]:
    pl = prefix_lists.get(pl_id)
    if pl is None:
        return (), f"prefix list {pl_id} was not collected"
    if not pl.entries_state.answered:
        return (), f"the entries of prefix list {pl_id} were not collected"
    return tuple(n for n in (parse_net(c) for c in pl.entries) if n is not None), None


def lookup(table: CompiledRouteTable, dest: Net) -> tuple[CompiledRoute, Net] | None:
    """The route the table uses for ``dest`` (longest prefix; local, then CIDR before prefix list)."""
    best: tuple[CompiledRoute, Net] | None = None
    best_key = (-1, -1, -1)
    for r in table.routes:
        for net in r.nets:
            if not net.covers(dest):
                continue
            key = (
                net.prefixlen,
                1 if r.route.target_kind == "local" else 0,
                0 if r.route.destination_prefix_list_id else 1,
            )
            if key > best_key:
                best, best_key = (r, net), key
    return best


def route_hop(
    table: CompiledRouteTable,
    found: tuple[CompiledRoute, Net] | None,
    dest: Net,
    *,
    allowed: bool,
    why: str = "",
    direction: str = "",
    subnet_id: str | None = None,
) -> Hop:
    """The route table's hop: the route used for ``dest`` (or its absence), and why it passes or not."""
    t = table.table
    main = bool(subnet_id) and subnet_id not in t.subnet_ids  # "Subnet route tables": the fallback
    if found is None:
        where = f"{subnet_id}'s route table" if subnet_id else "the route table"
        rule = f"no route to {dest.text} in {where}"
        detail: dict[str, object] = {"destination": dest.text, "route": None}
    else:
        route, net = found
        target = route.target
        kind = TARGET_WORDS.get(route.route.target_kind, route.route.target_kind)
        state = " (blackhole: its target is gone)" if route.blackhole else ""
        via = f" {route.destination} = {net.text}" if route.route.destination_prefix_list_id else ""
        rule = f"route {route.destination} -> {target}{state} ({kind}; longest prefix match for {dest.text}{via})"
        detail = {
            "destination": route.destination,
            "target": target,
            "target_kind": route.route.target_kind,
            "state": route.route.state,
            "matched": dest.text,
        }
    if main:
        rule = f"{rule} [the VPC's main table: {subnet_id} has no explicit association]"
    if why:
        rule = f"{rule}: {why}"
    if subnet_id:
        detail["subnet_id"] = subnet_id
        detail["main_table"] = main
    return Hop(
        kind=ROUTE_TABLE,
        component_id=t.route_table_id,
        arn=t.arn,
        account_id=t.account_id,
        region=t.region,
        direction=direction,
        verdict=ALLOW if allowed else DENY,
        rule=rule,
        detail=detail,
    )


# -- transit gateway route tables ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CompiledTgwRoute:
    route: TransitGatewayRoute
    nets: tuple[Net, ...]
    destination: str


@dataclass(frozen=True, slots=True)
class CompiledTgwTable:
    table: TransitGatewayRouteTable
    routes: tuple[CompiledTgwRoute, ...]


def compile_tgw_table(
    table: TransitGatewayRouteTable, prefix_lists: Mapping[str, PrefixList]
) -> CompiledTgwTable:
    routes = []
    for r in table.routes:
        if r.destination_cidr:
            net = parse_net(r.destination_cidr)
            routes.append(
                CompiledTgwRoute(route=r, nets=(net,) if net else (), destination=r.destination_cidr)
            )
        elif r.prefix_list_id:
            nets, _ = _prefix_list_nets(r.prefix_list_id, prefix_lists)
            routes.append(CompiledTgwRoute(route=r, nets=nets, destination=r.prefix_list_id))
    return CompiledTgwTable(table=table, routes=tuple(routes))


def tgw_lookup(table: CompiledTgwTable, dest: Net) -> tuple[CompiledTgwRoute, Net] | None:
    best: tuple[CompiledTgwRoute, Net] | None = None
    best_key = (-1, -1)
    for r in table.routes:
        if r.route.state not in ("active", "blackhole", ""):
            continue
        for net in r.nets:
            if net.covers(dest):
                key = (net.prefixlen, 1 if r.route.type == "static" else 0)
                if key > best_key:
                    best, best_key = (r, net), key
    return best


def tgw_table_hop(
    table: CompiledTgwTable,
    found: tuple[CompiledTgwRoute, Net] | None,
    dest: Net,
    *,
    allowed: bool,
    why: str = "",
) -> Hop:
    t = table.table
    if found is None:
        rule = f"no route to {dest.text} in transit gateway route table {t.route_table_id}"
        detail: dict[str, object] = {"destination": dest.text, "route": None}
    else:
        route, _ = found
        targets = ", ".join(route.route.attachment_ids) or "no attachment"
        black = " (blackhole)" if route.route.state == "blackhole" else ""
        rule = (
            f"{route.route.type or 'static'} route {route.destination} -> {targets}{black} "
            f"(longest prefix match for {dest.text})"
        )
        detail = {
            "destination": route.destination,
            "type": route.route.type,
            "state": route.route.state,
            "attachments": list(route.route.attachment_ids),
        }
    if why:
        rule = f"{rule}: {why}"
    if t.routes_truncated:
        detail["truncated"] = True
    return Hop(
        kind=TRANSIT_GATEWAY_ROUTE_TABLE,
        component_id=t.route_table_id,
        arn=t.arn,
        account_id=t.account_id,
        region=t.region,
        direction="",
        verdict=ALLOW if allowed else DENY,
        rule=rule,
        detail=detail,
    )
