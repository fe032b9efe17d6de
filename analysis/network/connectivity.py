"""Which VPCs (and accounts) can send traffic to which, over peering connections and transit gateways.

VPC Peering Guide: a peering connection links exactly two VPCs, and traffic crosses it only where
a route table of a VPC sends a destination to it; "Unsupported VPC peering configurations":
peering is not transitive (VPC A peered with B and B with C does not connect A and C). Transit
Gateway Guide, "How transit gateways work": a VPC's traffic to the TGW is routed by the route
table its attachment is associated with, to the attachment a route names (blackhole routes drop).

One VpcLink per (source VPC, target VPC, component): the destinations the source's route tables
send over it (a route's destination, or for a transit gateway each TGW route towards the target
that the source sends to the TGW). An active peering that no route table uses is listed with no
routed CIDR: connected, but nothing crosses it.
"""

from __future__ import annotations

from collections import defaultdict

from analysis.model.inventory import Inventory
from analysis.model.network import TransitGatewayAttachment, Vpc, VpcPeering
from analysis.network.hops import attachment_hop, peering_hop
from analysis.network.index import NetworkIndex, build_network_index
from analysis.network.results import TRANSIT_GATEWAY, VPC_PEERING, Hop, VpcLink
from analysis.network.routes import CompiledRouteTable, lookup, route_hop, tgw_table_hop


def vpc_connectivity(inventory: Inventory, *, index: NetworkIndex | None = None) -> tuple[VpcLink, ...]:
    """Every link from a collected VPC to another VPC over peering or a transit gateway."""
    index = index or build_network_index(inventory)
    org_accounts = set(inventory.organization.accounts) | set(
        (inventory.manifest.get("account_outcomes") or {}).keys()
    )
    tables_by_vpc: dict[str, list[CompiledRouteTable]] = defaultdict(list)
    for table in index.route_tables.values():
        tables_by_vpc[table.table.vpc_id].append(table)
    links: list[VpcLink] = []
    for pcx in sorted(index.peerings.values(), key=lambda p: p.peering_id):
        if pcx.status != "active":
            continue
        for side, other in ((pcx.requester, pcx.accepter), (pcx.accepter, pcx.requester)):
            vpc = index.vpcs.get(side.vpc_id)
            if vpc is None:
                continue  # the other account's VPC: not collected, its routes unknown
            links.append(_peering_link(index, vpc, pcx, other.vpc_id, other.owner_id, other.region,
                                       tables_by_vpc.get(vpc.vpc_id, []), org_accounts))  # fmt: skip
    for vpc_id in sorted(index.attachments_by_vpc):
        vpc = index.vpcs.get(vpc_id)
        if vpc is None:
            continue
        for att in index.attachments_by_vpc[vpc_id]:
            links.extend(_tgw_links(index, vpc, att, tables_by_vpc.get(vpc_id, []), org_accounts))
    return tuple(links)


def _peering_link(
    index: NetworkIndex,
    vpc: Vpc,
    pcx: VpcPeering,
    target_vpc: str,
    target_owner: str,
    target_region: str,
    tables: list[CompiledRouteTable],
    org_accounts: set[str],
) -> VpcLink:
    routed: list[str] = []
    hops: list[Hop] = []
    for table in sorted(tables, key=lambda t: t.table.route_table_id):
        for route in table.routes:
            if (
                route.route.target_kind == "peering"
                and route.route.target_id == pcx.peering_id
                and not route.blackhole
            ):
                routed.append(route.destination)
                if not any(h.component_id == table.table.route_table_id for h in hops):
                    net = route.nets[0] if route.nets else None
                    if net is not None:
                        hops.append(route_hop(table, (route, net), net, allowed=True))
    connects = f"{pcx.peering_id} connects {pcx.requester.vpc_id} and {pcx.accepter.vpc_id}"
    if not routed:
        connects += f"; no route table of {vpc.vpc_id} sends traffic to it"
    hops.append(peering_hop(pcx, pcx.peering_id, allowed=bool(routed), rule=connects))
    return VpcLink(
        source_vpc_id=vpc.vpc_id,
        source_account_id=vpc.account_id,
        source_region=vpc.region,
        target_vpc_id=target_vpc,
        target_account_id=target_owner if target_owner in index.collected_accounts else None,
        target_region=target_region,
        via=VPC_PEERING,
        component_id=pcx.peering_id,
        routed_cidrs=tuple(dict.fromkeys(routed)),
        target_in_organization=target_owner in org_accounts,
        hops=tuple(hops),
    )


def _tgw_links(
    index: NetworkIndex,
    vpc: Vpc,
    att: TransitGatewayAttachment,
    tables: list[CompiledRouteTable],
    org_accounts: set[str],
) -> list[VpcLink]:
    """The TGW route table associated with the VPC's attachment, each route to another VPC's
    attachment that the VPC's route tables send to the TGW (longest prefix match)."""
    table = index.tgw_tables.get(att.association_route_table_id or "")
    if table is None:
        return []
    tgw = att.transit_gateway_id
    by_target: dict[tuple[str, str], tuple[list[str], list[Hop]]] = {}
    for route in table.routes:
        if route.route.state == "blackhole":
            continue
        for target_id in route.route.attachment_ids:
            target = index.tgw_attachments.get(target_id)
            if target is None or target.attachment_id == att.attachment_id or target.resource_type != "vpc":
                continue
            for net in route.nets:
                sent = [
                    (t, found)
                    for t in sorted(tables, key=lambda t: t.table.route_table_id)
                    if (found := lookup(t, net)) is not None
                    and found[0].route.target_kind == "transit_gateway"
                    and found[0].route.target_id == tgw
                    and not found[0].blackhole
                ]
                if not sent:
                    continue
                cidrs, hops = by_target.setdefault((target.resource_id, target.attachment_id), ([], []))
                cidrs.append(net.text)
                if not hops:
                    rt, found = sent[0]
                    hops.extend(
                        [
                            route_hop(rt, found, net, allowed=True),
                            attachment_hop(att, tgw, allowed=True, rule=f"{att.attachment_id} attaches {vpc.vpc_id} to {tgw}"),
                            tgw_table_hop(table, (route, net), net, allowed=True),
                            attachment_hop(target, tgw, allowed=True,
                                           rule=f"{target.attachment_id} attaches {target.resource_id} to {tgw}"),
                        ]
                    )  # fmt: skip
    out = []
    for (target_vpc, target_att), (cidrs, hops) in sorted(by_target.items()):
        target = index.tgw_attachments[target_att]
        owner = target.resource_owner_id
        target_record = index.vpcs.get(target_vpc)
        out.append(
            VpcLink(
                source_vpc_id=vpc.vpc_id,
                source_account_id=vpc.account_id,
                source_region=vpc.region,
                target_vpc_id=target_vpc,
                target_account_id=owner if owner in index.collected_accounts else None,
                target_region=target_record.region if target_record else target.region,
                via=TRANSIT_GATEWAY,
                component_id=tgw,
                routed_cidrs=tuple(dict.fromkeys(cidrs)),
                target_in_organization=owner in org_accounts,
                hops=tuple(hops),
            )
        )
    return out
