"""Puts a path's hops on the drawing of a VPC: which box each hop lights up (pure: no Qt).

A hop names a component (``igw-1``, ``rtb-1``, ``acl-1``, ``sg-1``, ``eni-1``, a load balancer's
ARN...). Gateways, interfaces, load balancers and links are drawn once; route tables, network ACLs
and security groups are drawn as a tag in every subnet, interface or load balancer using them, so
the tag lit is the one on the path's side: a request leaving the source is checked at the source's
subnet (outbound), arriving at the destination's subnet and interface (inbound); the return traffic
of a stateless NACL check is decided at the destination's subnet first (VPC User Guide, "Network
ACLs": responses are subject to the rules for the opposite direction). A hop whose component is in
another VPC (the far side of a peering) is not on this drawing: its key is None.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analysis.network.results import (
    INBOUND,
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


@dataclass(frozen=True, kw_only=True)
class PathSides:
    """The owners (subnet ids, interface ids, a load balancer ARN) at each end of a path."""

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


def hop_keys(topology: Topology, hops: Sequence[Hop], sides: PathSides) -> list[str | None]:
    """The node key each hop lights up on ``topology`` (None: not on this drawing)."""
    out: list[str | None] = []
    last_lb: str | None = None
    lb_group_pending = False  # the first security group after a load balancer is the LB's own
    for hop in hops:
        candidates = topology.keys_of(hop.component_id)
        key: str | None = None
        if hop.kind in _LB_KINDS:
            key = candidates[0] if candidates else last_lb
            if hop.kind == LOAD_BALANCER:
                last_lb, lb_group_pending = key, True
        elif hop.kind in (ROUTE_TABLE, NETWORK_ACL, SECURITY_GROUP) and len(candidates) > 1:
            lb = last_lb if lb_group_pending and hop.kind == SECURITY_GROUP else None
            key = _pick_tag(topology, hop, candidates, sides, after_lb=lb)
        elif candidates:
            key = candidates[0]
        if hop.kind == SECURITY_GROUP and lb_group_pending and key is not None:
            lb_group_pending = False
        out.append(key)
    return out


def _pick_tag(
    topology: Topology, hop: Hop, candidates: Sequence[str], sides: PathSides, *, after_lb: str | None
) -> str:
    owners = {topology.nodes[k].owner: k for k in candidates}
    if after_lb is not None and after_lb in owners:
        return owners[after_lb]  # the load balancer's own group, checked as traffic enters it
    if hop.direction == OUTBOUND or (hop.kind == ROUTE_TABLE and not sides.source_is_internet):
        preferred = (*sides.source, *sides.destination)
    elif hop.direction == INBOUND:
        preferred = (*sides.destination, *sides.source)
    else:  # return traffic, or a route back to the internet
        preferred = (*sides.destination, *sides.source)
    for owner in preferred:
        if owner in owners:
            return owners[owner]
    return candidates[0]
