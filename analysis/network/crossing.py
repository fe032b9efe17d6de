"""Crossing from one VPC end to another: the source's route, then a local route, a peering
connection to the destination's VPC itself (peering is not transitive), or a transit gateway whose
route tables lead to the destination VPC's attachment; and the destination's route back.

VPC User Guide, "Configure route tables" (longest prefix match, local routes); VPC Peering Guide,
"Unsupported VPC peering configurations" (no transitive peering) and "Update your route tables for
a VPC peering connection" (routes on both sides); Transit Gateway Guide, "How transit gateways
work" (the attachment's associated route table, blackhole routes). Security group references work
inside a VPC and across a peering in one region, not through a transit gateway.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from analysis.model.network import TransitGatewayRouteTable
from analysis.network.hops import attachment_hop, missing_hop, peering_hop
from analysis.network.index import NetworkIndex
from analysis.network.results import RETURN, ROUTE_TABLE, Hop
from analysis.network.routes import lookup, route_hop, tgw_lookup, tgw_table_hop
from analysis.network.trace import Trace

if TYPE_CHECKING:
    from analysis.network.legs import Side


@dataclass
class Crossing:
    hops: list[Hop]  # the source's route, then what it crosses; a blocked crossing ends with a deny
    back: list[Hop]  # the return route checks
    references: bool  # security group references apply (same VPC, or peering in one region)

    @property
    def blocked(self) -> bool:
        return any(not h.allowed for h in self.hops)


def route_crossing(index: NetworkIndex, trace: Trace, src: Side, dst: Side) -> Crossing:
    """The source's route to the destination, what it crosses, and the route back."""
    table = index.route_table_of(src.subnet_id)
    if table is None:
        return Crossing(
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

    def blocked(why: str) -> Crossing:
        hop = route_hop(table, found, dst.address, allowed=False, why=why, subnet_id=src.subnet_id)
        return Crossing(hops=[hop], back=[], references=False)

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
        return Crossing(
            hops=[forward], back=[_back_route(index, trace, src, dst, "local", "local")], references=True
        )
    if kind == "peering":
        return _peering(index, trace, src, dst, target, forward)
    if kind == "transit_gateway":
        return _transit(index, trace, src, dst, target, forward)
    return blocked(
        f"traffic to {dst.address.text} leaves {src.vpc_id} through {target or kind}, not towards {dst.vpc_id}"
    )


def _peering(index: NetworkIndex, trace: Trace, src: Side, dst: Side, pcx_id: str, forward: Hop) -> Crossing:
    pcx = index.peerings.get(pcx_id)
    if pcx is None:
        trace.note(f"peering connection {pcx_id} was not collected")
        hop = peering_hop(None, pcx_id, allowed=False, rule=f"{pcx_id} is not in the Inventory")
        return Crossing(hops=[forward, hop], back=[], references=False)
    other = pcx.accepter if pcx.requester.vpc_id == src.vpc_id else pcx.requester
    connects = f"{pcx_id} connects {pcx.requester.vpc_id} and {pcx.accepter.vpc_id}"
    if pcx.status != "active":
        hop = peering_hop(pcx, pcx_id, allowed=False, rule=f"{connects} but is {pcx.status or 'not active'}")
        return Crossing(hops=[forward, hop], back=[], references=False)
    if src.vpc_id not in (pcx.requester.vpc_id, pcx.accepter.vpc_id) or other.vpc_id != dst.vpc_id:
        rule = f"{connects}, not {dst.vpc_id}: peering is not transitive"
        return Crossing(
            hops=[forward, peering_hop(pcx, pcx_id, allowed=False, rule=rule)], back=[], references=False
        )
    hop = peering_hop(pcx, pcx_id, allowed=True, rule=f"{connects} (active)")
    back = _back_route(index, trace, src, dst, "peering", pcx_id)
    same_region = pcx.requester.region == pcx.accepter.region
    return Crossing(hops=[forward, hop], back=[back], references=same_region)


def _transit(index: NetworkIndex, trace: Trace, src: Side, dst: Side, tgw_id: str, forward: Hop) -> Crossing:
    hops = [forward]

    def stop(hop: Hop) -> Crossing:
        return Crossing(hops=[*hops, hop], back=[], references=False)

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
    return Crossing(hops=hops, back=back, references=False)


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
