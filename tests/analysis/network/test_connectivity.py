"""VPC-to-VPC connectivity over peering and transit gateways (VPC Peering Guide, "VPC peering
basics" and "Unsupported VPC peering configurations"; Transit Gateway Guide, "How transit gateways
work")."""

from __future__ import annotations

from pathlib import Path

from analysis.network import vpc_connectivity
from analysis.network.results import TRANSIT_GATEWAY, VPC_PEERING
from tests.analysis.network.test_paths import peered, transit
from tests.analysis.network.topology import Topology, route


def test_peering_links_with_routed_cidrs_both_ways(tmp_path: Path) -> None:
    t = Topology()
    peered(t)
    links = {
        (link.source_vpc_id, link.target_vpc_id): link for link in vpc_connectivity(t.inventory(tmp_path))
    }
    a_b = links[("vpc-a", "vpc-b")]
    assert a_b.via == VPC_PEERING and a_b.component_id == "pcx-ab"
    # A routes both B's and C's ranges to pcx-ab: both cross it, only B is at its other end.
    assert a_b.routed_cidrs == ("10.2.0.0/16", "10.3.0.0/16") and a_b.target_in_organization
    assert ("vpc-a", "vpc-c") not in links  # not transitive
    assert links[("vpc-b", "vpc-a")].routed_cidrs == ("10.1.0.0/16",)


def test_peering_outside_the_organization_and_unused_peering(tmp_path: Path) -> None:
    t = Topology()
    peered(t)
    t.peering("pcx-ext", "vpc-a", "vpc-vendor", accepter_owner="999988887777", accepter_cidr="172.31.0.0/16")
    t.add_routes("rtb-main-vpc-a", route("172.31.0.0/16", "pcx-ext"))
    t.peering("pcx-idle", "vpc-b", "vpc-c")
    t.peering("pcx-pending", "vpc-a", "vpc-c", status="pending-acceptance")
    links = vpc_connectivity(t.inventory(tmp_path))
    ext = next(link for link in links if link.component_id == "pcx-ext")
    assert ext.target_account_id is None and not ext.target_in_organization
    assert ext.routed_cidrs == ("172.31.0.0/16",)
    idle = [link for link in links if link.component_id == "pcx-idle"]
    assert len(idle) == 2 and all(link.routed_cidrs == () for link in idle)
    assert not any(link.component_id == "pcx-pending" for link in links)


def test_transit_gateway_links_follow_its_route_table(tmp_path: Path) -> None:
    t = Topology()
    transit(t)
    links = {
        (link.source_vpc_id, link.target_vpc_id): link for link in vpc_connectivity(t.inventory(tmp_path))
    }
    a_b = links[("vpc-a", "vpc-b")]
    assert a_b.via == TRANSIT_GATEWAY and a_b.component_id == "tgw-1" and a_b.routed_cidrs == ("10.2.0.0/16",)
    assert [h.kind for h in a_b.hops] == [
        "route_table", "transit_gateway_attachment", "transit_gateway_route_table", "transit_gateway_attachment",
    ]  # fmt: skip


def test_transit_gateway_blackhole_gives_no_link(tmp_path: Path) -> None:
    t = Topology()
    transit(t, blackhole=True)
    links = {(link.source_vpc_id, link.target_vpc_id) for link in vpc_connectivity(t.inventory(tmp_path))}
    assert ("vpc-a", "vpc-b") not in links and ("vpc-b", "vpc-a") in links
