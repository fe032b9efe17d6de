"""Puts a path's hops on the drawing of a VPC: which box each hop lights up (pure: no Qt).

A hop names a component (``igw-1``, ``rtb-1``, ``acl-1``, ``sg-1``, ``eni-1``, a load balancer...).
Gateways, interfaces, load balancers and links are drawn once; route tables, network ACLs and
security groups are drawn as a tag in every subnet, interface or load balancer using them, so the
tag lit must be the one the path crosses:

- route tables and NACLs: the subnet the engine names in the hop's ``detail["subnet_id"]``; without
  it, the source's subnet for an outbound check and the destination's otherwise;
- security groups: on a path through a load balancer, the LB's own groups are checked as traffic
  enters the LB (inbound, before the target group) and as it leaves it for the target (outbound);
  the target's groups inbound. Otherwise outbound at the source, inbound at the destination.

A hop whose component is not on this drawing (the far side of a peering) gets None.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analysis.network.results import (
    LISTENER,
    LOAD_BALANCER,
    NETWORK_ACL,
    OUTBOUND,
    ROUTE_TABLE,
    SECURITY_GROUP,
    TARGET_GROUP,
    Hop,
)
from ui.views.network.topology import Topology

if TYPE_CHECKING:
    from analysis.model.inventory import Inventory

_LB_KINDS = (LOAD_BALANCER, LISTENER, TARGET_GROUP)
_TAG_KINDS = (ROUTE_TABLE, NETWORK_ACL, SECURITY_GROUP)


@dataclass(frozen=True, kw_only=True)
class PathSides:
    """The owners (subnet ids, interface ids) at each end of a path."""

    source: tuple[str, ...] = ()
    destination: tuple[str, ...] = ()
    source_is_internet: bool = False


def sides_of_interface(inventory: Inventory, eni_id: str | None, *extra: str) -> tuple[str, ...]:
    """An interface and its subnet (the owners of the tags a path through it lights up)."""
    if not eni_id:
        return tuple(e for e in extra if e)
    net = inventory.network
    eni = net.network_interfaces.get(net.ids.get(eni_id, ""))
    subnet = eni.subnet_id if eni is not None else None
    return tuple(x for x in (eni_id, subnet, *extra) if x)


def _keys(topology: Topology, hop: Hop) -> tuple[str, ...]:
    return topology.keys_of(hop.component_id) or (topology.keys_of(hop.arn) if hop.arn else ())


def hop_keys(topology: Topology, hops: Sequence[Hop], sides: PathSides) -> list[str | None]:
    """The node key each hop lights up on ``topology`` (None: not on this drawing)."""
    lb_key = next((k for h in hops if h.kind in _LB_KINDS for k in _keys(topology, h)[:1]), None)
    lb_hop = next((i for i, h in enumerate(hops) if h.kind in _LB_KINDS), None)
    past_lb = next((i for i, h in enumerate(hops) if h.kind == TARGET_GROUP), len(hops))
    out: list[str | None] = []
    for i, hop in enumerate(hops):
        candidates = _keys(topology, hop)
        key: str | None = candidates[0] if candidates else None
        if hop.kind in _LB_KINDS:
            key = key or lb_key
        elif hop.kind in _TAG_KINDS and len(candidates) > 1:
            owners = {topology.nodes[k].owner: k for k in candidates}
            subnet = hop.detail.get("subnet_id")
            if isinstance(subnet, str) and subnet in owners:
                key = owners[subnet]
            elif hop.kind == SECURITY_GROUP and lb_key in owners and lb_hop is not None:
                if i < past_lb or hop.direction == OUTBOUND:  # the LB's own group, in and out
                    key = owners[lb_key]
                else:
                    key = _side(owners, sides, hop) or key
            else:
                key = _side(owners, sides, hop) or key
        out.append(key)
    return out


def _side(owners: dict[str | None, str], sides: PathSides, hop: Hop) -> str | None:
    at_source = hop.direction == OUTBOUND or (hop.kind == ROUTE_TABLE and not sides.source_is_internet)
    preferred = (*sides.source, *sides.destination) if at_source else (*sides.destination, *sides.source)
    return next((owners[o] for o in preferred if o in owners), None)
