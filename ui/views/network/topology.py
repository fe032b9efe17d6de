"""What the network view draws: one VPC as boxes (nodes) and lines (edges), already placed (pure: no Qt).

``ui.views.network.layout`` builds a ``Topology`` from the Inventory; the canvas paints it and
``ui.views.network.hops`` puts a path's hops on its nodes. Route tables, network ACLs and security
groups are drawn as one-line tags inside every box that uses them (a subnet, an interface, a load
balancer): a hop naming one is placed on the tag of the subnet or interface the path goes through.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analysis.model.inventory import Inventory
    from analysis.model.network import Subnet

MARGIN = 24.0
LINE = 17.0  # one text line
PAD = 8.0
ITEM_W = 300.0  # an interface, a load balancer, an endpoint
SUBNET_W = ITEM_W + 2 * PAD
GAP = 18.0
LINK_W = ITEM_W
INTERNET_W = 160.0
MAX_INTERFACES = 30  # drawn per subnet; the others are counted in the subnet's last line

# Node kinds that are not hop kinds.
VPC, SUBNET, MORE = "vpc", "subnet", "more"


@dataclass(frozen=True, kw_only=True)
class Node:
    key: str  # unique in the drawing: a component id, or "<component id>@<owner>" for tags
    kind: str  # a hop kind (analysis.network.results) or VPC / SUBNET / MORE
    component_id: str
    owner: str | None  # tags: the subnet, interface or load balancer they are drawn in
    lines: tuple[str, ...]  # the first line is the title
    x: float = 0.0
    y: float = 0.0
    w: float = ITEM_W
    h: float = 0.0
    style: str = ""  # public | private | exposed | outside | default

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x + self.w / 2, self.y + self.h / 2)


@dataclass(frozen=True, kw_only=True)
class Edge:
    source: str
    target: str
    style: str = ""  # "" (gateway) | link | outside | target (load balancer -> its targets)


@dataclass(frozen=True, kw_only=True)
class Topology:
    vpc_id: str
    account_id: str
    region: str
    title: str
    nodes: dict[str, Node]
    edges: tuple[Edge, ...]
    width: float
    height: float
    aliases: dict[str, str] = field(default_factory=dict)  # instance / IP / EIP / attachment -> key
    tags: dict[str, tuple[str, ...]] = field(default_factory=dict)  # rtb/acl/sg id -> its tag keys
    hidden_interfaces: int = 0

    def keys_of(self, component_id: str) -> tuple[str, ...]:
        """The nodes drawing a component: itself, what it is an alias of, or its tags."""
        if component_id in self.nodes:
            return (component_id,)
        if component_id in self.aliases:
            return (self.aliases[component_id],)
        return self.tags.get(component_id, ())


def box_height(lines: int, tags: int = 0) -> float:
    return 2 * PAD + lines * LINE + tags * (LINE + 2)


def account_label(inventory: Inventory, account_id: str | None) -> str:
    if not account_id:
        return "unknown account"
    name = inventory.account_name(account_id)
    return f"{name} ({account_id})" if name else account_id


def subnet_route_summary(inventory: Inventory, subnet: Subnet) -> tuple[bool, str]:
    """(public, the default route in words). Public: a route sends traffic to an internet gateway
    (VPC User Guide, "Subnet types": a public subnet has a direct route to an internet gateway)."""
    table = inventory.network.route_table_of_subnet(subnet.subnet_id)
    if table is None:
        return False, "no route table known"
    public = any(r.target_kind == "igw" and r.state != "blackhole" for r in table.routes)
    for route in table.routes:
        if route.destination_cidr == "0.0.0.0/0" or route.destination_ipv6_cidr == "::/0":
            dest = route.destination_cidr or route.destination_ipv6_cidr
            target = "blackhole" if route.state == "blackhole" else (route.target_id or route.target_kind)
            return public, f"{dest} → {target}"
    return public, "no default route (local only)"
