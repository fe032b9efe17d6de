"""The drawing of one VPC, laid out as boxes on a grid (pure: no Qt; the canvas only paints it).

Auditors read a VPC the way the console and architecture diagrams show it: the internet and the
gateways on top, the VPC box, its subnets as boxes in a grid (public ones first, nearest the
internet gateway), the interfaces inside their subnet, load balancers and endpoints in a band under
the VPC's title, and the links to other VPCs (peering, transit gateway) at the right edge. No force
layout: the same VPC is always drawn the same way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from analysis.model.loadbalancers import LoadBalancer
from analysis.model.network import NatGateway, NetworkInterface, Subnet, Vpc, VpcEndpoint
from ui.views.network.layout_parts import TopologyBuilder
from ui.views.network.topology import (
    GAP,
    INTERNET_W,
    ITEM_W,
    LINE,
    MARGIN,
    MAX_INTERFACES,
    MORE,
    PAD,
    SUBNET,
    SUBNET_W,
    VPC,
    Edge,
    Node,
    Topology,
    account_label,
    box_height,
    subnet_route_summary,
)

if TYPE_CHECKING:
    from analysis.model.inventory import Inventory
    from analysis.network.results import Exposure, VpcLink


def _columns(subnets: int) -> int:
    if subnets <= 3:
        return max(1, subnets)
    return min(4, math.ceil(math.sqrt(subnets)))


def layout_vpc(
    inventory: Inventory,
    vpc_id: str,
    *,
    links: Sequence[VpcLink] = (),
    exposures: Sequence[Exposure] = (),
) -> Topology:
    """Lay out ``vpc_id``; raises KeyError when the Inventory has no such VPC."""
    net, lbs = inventory.network, inventory.load_balancers
    vpc = net.get(vpc_id)
    if not isinstance(vpc, Vpc):
        raise KeyError(vpc_id)
    b = TopologyBuilder(inventory, (e for e in exposures if e.vpc_id == vpc_id))

    subnets = [s for s in (net.get(i) for i in net.subnets_by_vpc.get(vpc_id, ())) if isinstance(s, Subnet)]
    summary = {s.subnet_id: subnet_route_summary(inventory, s) for s in subnets}
    subnets.sort(key=lambda s: (not summary[s.subnet_id][0], s.name or "~", s.subnet_id))
    nats = sorted(
        (n for n in net.nat_gateways.values() if n.vpc_id == vpc_id), key=lambda n: n.nat_gateway_id
    )
    nat_enis = {eni for n in nats for eni in n.network_interface_ids}
    enis: dict[str, list[NetworkInterface]] = {}
    for eni in net.network_interfaces.values():
        if eni.vpc_id == vpc_id and eni.subnet_id and eni.network_interface_id not in nat_enis:
            enis.setdefault(eni.subnet_id, []).append(eni)
    for listed in enis.values():
        listed.sort(
            key=lambda e: (
                e.network_interface_id not in b.exposed,
                e.instance_id is None,
                e.network_interface_id,
            )
        )
    band: list[LoadBalancer | VpcEndpoint] = [
        *sorted((lb for lb in lbs.load_balancers.values() if lb.vpc_id == vpc_id), key=lambda lb: lb.name),
        *sorted((e for e in net.endpoints.values() if e.vpc_id == vpc_id), key=lambda e: e.endpoint_id),
    ]
    gateways = sorted(
        (g for g in net.gateways.values() if vpc_id in g.vpc_ids), key=lambda g: (g.kind, g.gateway_id)
    )

    columns = _columns(len(subnets))
    inner_w = max(columns * SUBNET_W + (columns - 1) * GAP, 2 * ITEM_W + GAP)
    vpc_x = MARGIN
    left = vpc_x + PAD
    per_row = max(1, int((inner_w + GAP) // (ITEM_W + GAP)))

    # Above the VPC: its gateways, then its links to other VPCs (peering, transit gateways), in rows
    # as wide as the VPC, each joined to the VPC's top edge; the internet above the gateways.
    top: list[Node] = []
    for gw in gateways:
        label = "Internet gateway" if gw.kind == "internet_gateway" else "Egress-only internet gateway"
        lines = (label, gw.gateway_id)
        top.append(
            Node(
                key=gw.gateway_id,
                kind=gw.kind,
                component_id=gw.gateway_id,
                owner=None,
                lines=lines,
                h=box_height(2),
            )
        )
    top.extend(b.link_nodes(vpc_id, links))
    y = MARGIN + box_height(1) + 1.5 * GAP
    row_h = 0.0
    for i, node in enumerate(top):
        col = i % per_row
        if col == 0 and i:
            y += row_h + GAP
            row_h = 0.0
        b.add(replace(node, x=left + col * (ITEM_W + GAP), y=y))
        row_h = max(row_h, node.h)
        link = node.kind in ("vpc_peering", "transit_gateway")
        b.edges.append(
            Edge(source=node.key, target=vpc_id, style=("outside" if node.style else "link") if link else "")
        )
        if node.kind == "internet_gateway" or node.kind == "egress_only_internet_gateway":
            b.edges.append(Edge(source="internet", target=node.key))
    vpc_y = y + row_h + 1.5 * GAP if top else MARGIN + box_height(1) + 1.5 * GAP
    first_gw = next((b.nodes[g.gateway_id] for g in gateways), None)
    internet_x = first_gw.centre[0] - INTERNET_W / 2 if first_gw else left
    b.add(
        Node(
            key="internet",
            kind="internet",
            component_id="internet",
            owner=None,
            lines=("Internet",),
            x=internet_x,
            y=MARGIN,
            w=INTERNET_W,
            h=box_height(1),
        )
    )

    # The band of load balancers and endpoints under the VPC title.
    y = vpc_y + box_height(2)
    row_h = 0.0
    for i, item in enumerate(band):
        col = i % per_row
        if col == 0 and i:
            y += row_h + GAP
            row_h = 0.0
        x = left + col * (ITEM_W + GAP)
        node = b.load_balancer(item, x, y) if isinstance(item, LoadBalancer) else b.endpoint(item, x, y)
        row_h = max(row_h, node.h)
    if band:
        y += row_h + GAP

    # The subnet grid: each row as tall as its tallest subnet.
    def drawn(subnet: Subnet) -> list[NetworkInterface]:
        return enis.get(subnet.subnet_id, [])[:MAX_INTERFACES]

    def subnet_height(subnet: Subnet) -> float:
        h = box_height(4, 2) + PAD
        h += sum(b.interface_height(eni) + PAD for eni in drawn(subnet))
        h += sum(box_height(2) + PAD for n in nats if n.subnet_id == subnet.subnet_id)
        return h + (LINE if len(enis.get(subnet.subnet_id, [])) > MAX_INTERFACES else 0.0)

    rows = [subnets[i : i + columns] for i in range(0, len(subnets), columns)]
    hidden = 0
    for row in rows:
        row_h = max(subnet_height(s) for s in row)
        for col, subnet in enumerate(row):
            hidden += _draw_subnet(
                b,
                subnet,
                summary[subnet.subnet_id],
                nats,
                drawn(subnet),
                len(enis.get(subnet.subnet_id, [])),
                left + col * (SUBNET_W + GAP),
                y,
                row_h,
            )
        y += row_h + GAP
    vpc_h = y - vpc_y + (LINE if not subnets else 0.0) - GAP + PAD
    vpc_w = inner_w + 2 * PAD

    flow = "flow logs on" if net.flow_logs_by_resource.get(vpc_id) else "no flow logs on the VPC"
    title = f"VPC {vpc.name + ' · ' if vpc.name else ''}{vpc_id}" + (
        " (default VPC)" if vpc.is_default else ""
    )
    where = (
        f"{', '.join(vpc.cidr_blocks)} · {account_label(inventory, vpc.account_id)} · {vpc.region} · {flow}"
    )
    b.add(
        Node(
            key=vpc_id,
            kind=VPC,
            component_id=vpc_id,
            owner=None,
            lines=(title, where),
            x=vpc_x,
            y=vpc_y,
            w=vpc_w,
            h=vpc_h,
            style="default" if vpc.is_default else "",
        )
    )
    return Topology(
        vpc_id=vpc_id,
        account_id=vpc.account_id,
        region=vpc.region,
        title=title,
        nodes=b.nodes,
        edges=tuple(b.edges),
        width=vpc_x + vpc_w + MARGIN,
        height=vpc_y + vpc_h + MARGIN,
        aliases=b.aliases,
        tags={k: tuple(v) for k, v in b.tags.items()},
        hidden_interfaces=hidden,
    )


def _draw_subnet(
    b: TopologyBuilder,
    subnet: Subnet,
    summary: tuple[bool, str],
    nats: Sequence[NatGateway],
    drawn: Sequence[NetworkInterface],
    total: int,
    x: float,
    y: float,
    h: float,
) -> int:
    """Draw one subnet box with its tags, NAT gateways and interfaces; returns how many were left out."""
    public, default_route = summary
    sid = subnet.subnet_id
    lines = (
        f"{'public' if public else 'private'} subnet {subnet.name or sid}",
        f"{sid} · {subnet.cidr_block or 'no IPv4'}",
        subnet.availability_zone + (" · auto-assigns public IPs" if subnet.map_public_ip_on_launch else ""),
        default_route,
    )
    b.add(
        Node(
            key=sid,
            kind=SUBNET,
            component_id=sid,
            owner=None,
            lines=lines,
            x=x,
            y=y,
            w=SUBNET_W,
            h=h,
            style="public" if public else "private",
        )
    )
    ty = y + PAD + len(lines) * LINE
    if subnet.route_table_id:
        ty = b.tag(
            "route_table",
            subnet.route_table_id,
            sid,
            f"route table {subnet.route_table_id}",
            x + PAD,
            ty,
            ITEM_W,
        )
    if subnet.network_acl_id:
        ty = b.tag(
            "network_acl",
            subnet.network_acl_id,
            sid,
            f"network ACL {subnet.network_acl_id}",
            x + PAD,
            ty,
            ITEM_W,
        )
    iy = ty + PAD
    for nat in nats:
        if nat.subnet_id != sid:
            continue
        nat_id = nat.nat_gateway_id
        lines_n = (f"NAT gateway {nat_id}", ", ".join(nat.public_ips) or f"{nat.connectivity_type} NAT")
        b.add(
            Node(
                key=nat_id,
                kind="nat_gateway",
                component_id=nat_id,
                owner=None,
                lines=lines_n,
                x=x + PAD,
                y=iy,
                h=box_height(2),
            )
        )
        iy += box_height(2) + PAD
    for eni in drawn:
        iy = b.interface(eni, x + PAD, iy) + PAD
    more = total - len(drawn)
    if more > 0:
        b.add(
            Node(
                key=f"more@{sid}",
                kind=MORE,
                component_id=sid,
                owner=None,
                lines=(f"+ {more} more interfaces not drawn",),
                x=x + PAD,
                y=iy,
                h=LINE,
            )
        )
    return max(0, more)
