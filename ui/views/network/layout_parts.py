"""Places the boxes of one VPC's drawing: interfaces, load balancers, endpoints, links, and their tags."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from analysis.model.loadbalancers import LoadBalancer
from analysis.model.network import Instance, NetworkInterface, SecurityGroup, Vpc, VpcEndpoint
from ui.views.network.topology import ITEM_W, LINE, LINK_W, PAD, Edge, Node, account_label, box_height

_LB_TYPES = {"application": "ALB", "network": "NLB", "gateway": "Gateway LB", "classic": "Classic ELB"}

if TYPE_CHECKING:
    from analysis.model.inventory import Inventory
    from analysis.network.results import Exposure, VpcLink


class TopologyBuilder:
    def __init__(self, inventory: Inventory, exposures: Iterable[Exposure]) -> None:
        self.inv = inventory
        self.nodes: dict[str, Node] = {}
        self.edges: list[Edge] = []
        self.aliases: dict[str, str] = {}
        self.tags: dict[str, list[str]] = {}
        self.exposed: dict[str, list[str]] = {}
        for e in exposures:
            label = e.ports.label() + (" via LB" if e.via == "load_balancer" else "")
            ports = self.exposed.setdefault(e.network_interface_id, [])
            if label not in ports:
                ports.append(label)

    def add(self, node: Node) -> Node:
        self.nodes[node.key] = node
        if node.owner is not None:
            self.tags.setdefault(node.component_id, []).append(node.key)
        return node

    def tag(self, kind: str, component_id: str, owner: str, text: str, x: float, y: float, w: float) -> float:
        """A one-line tag naming a rule-bearing component inside its owner's box; the next line's y."""
        self.add(
            Node(
                key=f"{component_id}@{owner}",
                kind=kind,
                component_id=component_id,
                owner=owner,
                lines=(text,),
                x=x,
                y=y,
                w=w,
                h=LINE,
            )
        )
        return y + LINE + 2

    def sg_tags(self, sg_ids: Iterable[str], owner: str, x: float, y: float, w: float) -> float:
        for sg_id in sg_ids:
            sg = self.inv.network.get(sg_id)
            name = sg.group_name if isinstance(sg, SecurityGroup) else ""
            text = f"SG {sg_id}" + (f" ({name})" if name else "")
            y = self.tag("security_group", sg_id, owner, text, x, y, w)
        return y

    # -- interfaces ---------------------------------------------------------------------------------

    def interface_name(self, eni_id: str) -> str:
        """An interface as people name it: its instance's Name tag, else the instance or interface id."""
        net = self.inv.network
        eni = net.network_interfaces.get(net.ids.get(eni_id, ""))
        if eni is None or not eni.instance_id:
            return eni_id
        instance = net.get(eni.instance_id)
        return instance.name if isinstance(instance, Instance) and instance.name else eni.instance_id

    def interface_lines(self, eni: NetworkInterface) -> tuple[str, ...]:
        instance = self.inv.network.get(eni.instance_id)
        name = instance.name if isinstance(instance, Instance) else ""
        eni_id = eni.network_interface_id
        private = ", ".join(eni.private_ips[:2]) or "no private address"
        if eni.instance_id:
            lines = [name or eni.instance_id, *([eni.instance_id] if name else []), f"{eni_id} · {private}"]
        else:
            what = eni.description or eni.interface_type
            lines = [f"{eni_id}" + (f" ({what})" if what else ""), private]
        if eni.public_ips:
            lines.append("public " + ", ".join(eni.public_ips[:3]))
        if eni_id in self.exposed:
            lines.append("exposed: " + ", ".join(self.exposed[eni_id]))
        return tuple(lines)

    def interface_height(self, eni: NetworkInterface) -> float:
        return box_height(len(self.interface_lines(eni)), len(eni.security_group_ids))

    def interface(self, eni: NetworkInterface, x: float, y: float) -> float:
        lines = self.interface_lines(eni)
        h = self.interface_height(eni)
        exposed = eni.network_interface_id in self.exposed
        eni_id = eni.network_interface_id
        self.add(
            Node(
                key=eni_id,
                kind="network_interface",
                component_id=eni_id,
                owner=None,
                lines=lines,
                x=x,
                y=y,
                h=h,
                style="exposed" if exposed else "",
            )
        )
        for alias in (*eni.public_ips, *eni.private_ips, *eni.elastic_ip_allocation_ids, eni.instance_id):
            if alias:
                self.aliases.setdefault(alias, eni_id)
        self.sg_tags(eni.security_group_ids, eni_id, x + PAD, y + PAD + len(lines) * LINE, ITEM_W - 2 * PAD)
        return y + h

    # -- band items ---------------------------------------------------------------------------------

    def load_balancer(self, lb: LoadBalancer, x: float, y: float) -> Node:
        lbs = self.inv.load_balancers
        listeners = [
            f"{lst.protocol} {lst.port}"
            for a in lb.listener_arns
            if (lst := lbs.listeners.get(a)) is not None
        ] + [f"{c.protocol} {c.port}→{c.instance_port}" for c in lb.classic_listeners]
        targets = set(lb.instance_network_interface_ids)
        for tg in lbs.target_groups.values():
            if lb.arn in tg.load_balancer_arns:
                targets.update(t.network_interface_id for t in tg.targets if t.network_interface_id)
                self.aliases.setdefault(tg.arn, lb.arn)
        lines = (
            f"{_LB_TYPES.get(lb.type, lb.type)} {lb.name}",
            lb.scheme + (f" · listens {', '.join(listeners[:3])}" if listeners else " · no listener"),
            "targets: " + (", ".join(self.interface_name(t) for t in sorted(targets)) or "none registered"),
        )
        node = self.add(
            Node(
                key=lb.arn,
                kind="load_balancer",
                component_id=lb.arn,
                owner=None,
                lines=lines,
                x=x,
                y=y,
                h=box_height(len(lines), len(lb.security_group_ids)),
                style="exposed" if lb.scheme == "internet-facing" else "",
            )
        )
        self.sg_tags(lb.security_group_ids, lb.arn, x + PAD, y + PAD + len(lines) * LINE, ITEM_W - 2 * PAD)
        if lb.dns_name:
            self.aliases.setdefault(lb.dns_name, lb.arn)
        for a in lb.listener_arns:
            self.aliases.setdefault(a, lb.arn)
        return node

    def endpoint(self, ep: VpcEndpoint, x: float, y: float) -> Node:
        service = ep.service_name.rsplit(".", 1)[-1]
        lines = (f"{ep.endpoint_type} endpoint: {service}", ep.endpoint_id)
        node = Node(
            key=ep.endpoint_id,
            kind="vpc_endpoint",
            component_id=ep.endpoint_id,
            owner=None,
            lines=lines,
            x=x,
            y=y,
            h=box_height(len(lines)),
        )
        return self.add(node)

    # -- links at the right edge ----------------------------------------------------------------------

    def link_nodes(self, vpc_id: str, links: Sequence[VpcLink]) -> list[Node]:
        """Peering connections and transit gateways of the VPC, as boxes (placed by the caller)."""
        net = self.inv.network
        org_accounts = set(self.inv.organization.accounts)
        routed: dict[str, list[str]] = {}
        for link in links:
            if link.source_vpc_id == vpc_id:
                cidrs = ", ".join(link.routed_cidrs[:3])
                routed.setdefault(link.component_id, []).append(
                    f"routes {cidrs} → {link.target_vpc_id}"
                    if cidrs
                    else f"no route over it to {link.target_vpc_id}"
                )
        out: list[Node] = []
        for pcx in sorted(net.peerings.values(), key=lambda p: p.peering_id):
            if vpc_id not in (pcx.requester.vpc_id, pcx.accepter.vpc_id):
                continue
            other = pcx.accepter if pcx.requester.vpc_id == vpc_id else pcx.requester
            outside = other.owner_id not in org_accounts
            peer = net.get(other.vpc_id)
            peer_name = f" {peer.name}" if isinstance(peer, Vpc) and peer.name else ""
            lines = [
                f"peering {pcx.peering_id} ({pcx.status})",
                f"→ {other.vpc_id}{peer_name} · {other.region}",
                account_label(self.inv, other.owner_id) + (" · outside the organization" if outside else ""),
                *routed.get(pcx.peering_id, ["no route to it from this VPC"] if links else []),
            ]
            out.append(_link(pcx.peering_id, "vpc_peering", lines, "outside" if outside else ""))
        seen: set[str] = set()
        for att in sorted(net.tgw_attachments.values(), key=lambda a: a.attachment_id):
            tgw = att.transit_gateway_id
            if att.resource_type != "vpc" or att.resource_id != vpc_id or tgw in seen:
                continue
            seen.add(tgw)
            self.aliases[att.attachment_id] = tgw
            if att.association_route_table_id:
                self.aliases.setdefault(att.association_route_table_id, tgw)
            lines = [
                f"transit gateway {tgw}",
                f"{att.attachment_id} ({att.state or 'state unknown'})",
                f"owner {account_label(self.inv, att.transit_gateway_owner_id)}",
                *routed.get(tgw, []),
            ]
            out.append(_link(tgw, "transit_gateway", lines, ""))
        return out


def _link(key: str, kind: str, lines: list[str], style: str) -> Node:
    h = box_height(len(lines))
    return Node(
        key=key, kind=kind, component_id=key, owner=None, lines=tuple(lines), w=LINK_W, h=h, style=style
    )
