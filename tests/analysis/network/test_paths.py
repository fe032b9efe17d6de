"""Path queries on hand-built topologies: the path, or the first component that blocks it and why.

Semantics from the VPC User Guide ("Configure route tables", "Control traffic to subnets using
network ACLs", "Security group rules", "NAT gateways"), the VPC Peering Guide ("Unsupported VPC
peering configurations") and the Transit Gateway Guide ("How transit gateways work").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.model.inventory import Inventory
from analysis.network import build_network_index, find_path, resolve_endpoint
from analysis.network.results import (
    ADDRESS,
    NAT_GATEWAY,
    NETWORK_ACL,
    NETWORK_INTERFACE,
    RETURN,
    ROUTE_TABLE,
    SECURITY_GROUP,
    TRANSIT_GATEWAY_ROUTE_TABLE,
    VPC_PEERING,
    PathResult,
)
from tests.analysis.network.topology import ANY, Topology, nacl_rule, route, sg_rule


def two_subnets(t: Topology) -> None:
    """vpc-a with an internet gateway; subnet-1 public, subnet-2 private behind nat-a; i-1 and
    i-2 with sg-1 / sg-2."""
    t.vpc("vpc-a", "10.0.0.0/16", igw="igw-a")
    t.route_table("rtb-pub", "vpc-a", [route(ANY, "igw-a")])
    t.subnet("subnet-1", "vpc-a", "10.0.1.0/24", route_table="rtb-pub")
    t.nat("nat-a", "subnet-1")
    t.route_table("rtb-priv", "vpc-a", [route(ANY, "nat-a")])
    t.subnet("subnet-2", "vpc-a", "10.0.2.0/24", route_table="rtb-priv")
    t.sg("sg-1", "vpc-a", [sg_rule("tcp", 22)])
    t.sg("sg-2", "vpc-a", [sg_rule("tcp", 5432, group="sg-1", rule_id="sgr-db")])
    t.eni("eni-1", "subnet-1", "10.0.1.10", groups=["sg-1"], public_ip="203.0.113.1", instance="i-1")
    t.eni("eni-2", "subnet-2", "10.0.2.10", groups=["sg-2"], instance="i-2")


def path(
    inventory: Inventory, src: str, dst: str, port: int | None = None, protocol: str = "tcp"
) -> PathResult:
    return find_path(inventory, source=src, destination=dst, protocol=protocol, port=port)


def test_same_vpc_through_a_group_reference(tmp_path: Path) -> None:
    """ "Security group rules": a rule referencing a group allows traffic from the interfaces that
    carry it; the local route carries traffic inside the VPC."""
    t = Topology()
    two_subnets(t)
    inv = t.inventory(tmp_path)
    ok = path(inv, "i-1", "i-2", 5432)
    assert ok.reachable and ok.blocked_by is None
    assert ok.hops[-2].rule == "sgr-db: tcp 5432 from sg-1" and ok.hops[-1].kind == NETWORK_INTERFACE
    assert any(h.kind == ROUTE_TABLE and "-> local" in h.rule for h in ok.hops)
    blocked = path(inv, "i-2", "i-1", 5432)
    assert not blocked.reachable and blocked.blocked_by is not None
    assert blocked.blocked_by.kind == SECURITY_GROUP and blocked.blocked_by.component_id == "sg-1"


def test_blocked_by_a_numbered_nacl_rule_then_by_the_implicit_deny(tmp_path: Path) -> None:
    """ "Network ACL rules": lowest number first; nothing matched: the "*" rule denies."""
    t = Topology()
    two_subnets(t)
    t.nacl("acl-2", "vpc-a", [
        nacl_rule(50, "deny", egress=False, protocol="6", ports=(5432, 5432), cidr="10.0.1.0/24"),
        nacl_rule(100, "allow", egress=False, protocol="6", ports=(22, 22)),
        nacl_rule(100, "allow", egress=True),
    ])  # fmt: skip
    t.subnet("subnet-2", "vpc-a", "10.0.2.0/24", route_table="rtb-priv", nacl="acl-2")
    inv = t.inventory(tmp_path)
    denied = path(inv, "i-1", "i-2", 5432)
    assert denied.blocked_by is not None and denied.blocked_by.kind == NETWORK_ACL
    assert denied.blocked_by.detail["rule_number"] == 50
    assert "rule 50 denies tcp 5432 from 10.0.1.0/24" in denied.explanation
    t.sg("sg-2", "vpc-a", [sg_rule("tcp", 80, group="sg-1")])
    implicit = path(t.inventory(tmp_path / "b"), "i-1", "i-2", 80)
    assert implicit.blocked_by is not None and implicit.blocked_by.detail["rule_number"] == "*"
    assert "implicit deny" in implicit.blocked_by.rule


def test_same_subnet_traffic_does_not_cross_its_nacl(tmp_path: Path) -> None:
    """ "Network ACLs": they control traffic in and out of a subnet, not inside it."""
    t = Topology()
    two_subnets(t)
    t.nacl("acl-none", "vpc-a", [])
    t.subnet("subnet-3", "vpc-a", "10.0.3.0/24", nacl="acl-none")
    t.sg("sg-3", "vpc-a", [sg_rule("tcp", 22, cidr="10.0.3.0/24")])
    t.eni("eni-3a", "subnet-3", "10.0.3.10", groups=["sg-3"])
    t.eni("eni-3b", "subnet-3", "10.0.3.11", groups=["sg-3"])
    result = path(t.inventory(tmp_path), "eni-3a", "eni-3b", 22)
    assert result.reachable and not any(h.kind == NETWORK_ACL for h in result.hops)


def test_source_egress_rules_apply(tmp_path: Path) -> None:
    """ "Security group rules": outbound rules of the source's group must allow the traffic."""
    t = Topology()
    two_subnets(t)
    t.sg("sg-1", "vpc-a", [sg_rule("tcp", 22)], egress=[sg_rule("tcp", 443, egress=True)])
    result = path(t.inventory(tmp_path), "i-1", "i-2", 5432)
    assert result.blocked_by is not None and result.blocked_by.kind == SECURITY_GROUP
    assert result.blocked_by.direction == "outbound"


def test_longest_prefix_wins_and_blackholes_drop(tmp_path: Path) -> None:
    """ "Route priority": the most specific route matching the destination is used; a route whose
    target is gone is a blackhole and drops the traffic."""
    t = Topology()
    two_subnets(t)
    t.add_routes("rtb-priv", route("8.8.8.0/24", "igw-a", state="blackhole"))
    inv = t.inventory(tmp_path)
    via_nat = path(inv, "i-2", "1.1.1.1", 443)
    assert via_nat.reachable and any(h.kind == NAT_GATEWAY for h in via_nat.hops)
    dropped = path(inv, "i-2", "8.8.8.8", 443)
    assert dropped.blocked_by is not None and dropped.blocked_by.kind == ROUTE_TABLE
    assert "blackhole" in dropped.blocked_by.rule and "8.8.8.0/24" in dropped.blocked_by.rule


def test_prefix_list_route_destination(tmp_path: Path) -> None:
    """ "Route tables for prefix lists": a route to a prefix list covers its entries."""
    t = Topology()
    two_subnets(t)
    t.prefix_list("pl-s3", ["52.216.0.0/15"])
    t.add_routes("rtb-priv", route("pl-s3", "vpce-s3"))
    result = path(t.inventory(tmp_path), "i-2", "52.217.1.1", 443)
    assert not result.reachable and result.blocked_by is not None
    assert "pl-s3" in result.blocked_by.rule and "vpce-s3" in result.blocked_by.rule


def test_egress_needs_a_public_address_or_a_nat_gateway(tmp_path: Path) -> None:
    """ "Enable internet access for a VPC using an internet gateway": without a public IP the
    internet gateway does not translate; "NAT gateways": a private NAT gateway has no internet."""
    t = Topology()
    two_subnets(t)
    t.eni("eni-4", "subnet-1", "10.0.1.20", groups=["sg-1"])
    t.nat("nat-p", "subnet-1", private=True)
    t.route_table("rtb-pnat", "vpc-a", [route(ANY, "nat-p")])
    t.subnet("subnet-5", "vpc-a", "10.0.5.0/24", route_table="rtb-pnat")
    t.eni("eni-5", "subnet-5", "10.0.5.10", groups=["sg-1"])
    inv = t.inventory(tmp_path)
    assert path(inv, "i-1", "internet", 443).reachable
    no_ip = path(inv, "eni-4", "internet", 443)
    assert no_ip.blocked_by is not None and no_ip.blocked_by.kind == ADDRESS
    private_nat = path(inv, "eni-5", "internet", 443)
    assert private_nat.blocked_by is not None and private_nat.blocked_by.kind == NAT_GATEWAY


def test_from_the_internet_the_nat_route_blocks_at_the_route_table(tmp_path: Path) -> None:
    """ "NAT gateways" (egress only) and "Configure route tables": responses follow the subnet's
    default route to the NAT gateway, so the direct path is blocked at that route table."""
    t = Topology()
    two_subnets(t)
    t.eni("eni-2", "subnet-2", "10.0.2.10", groups=["sg-1"], public_ip="203.0.113.2", instance="i-2")
    result = path(t.inventory(tmp_path), "internet", "i-2", 22)
    assert result.blocked_by is not None and result.blocked_by.kind == ROUTE_TABLE
    assert result.blocked_by.direction == RETURN and "nat-a" in result.blocked_by.rule


def test_from_the_internet_to_a_target_through_its_load_balancer(tmp_path: Path) -> None:
    """ELB "Register targets": the direct way is blocked (no public IP), the balancer's is not."""
    t = Topology()
    two_subnets(t)
    t.sg("sg-alb", "vpc-a", [sg_rule("tcp", 443)])
    t.sg("sg-2", "vpc-a", [sg_rule("tcp", 8443, group="sg-alb")])
    t.subnet("subnet-1b", "vpc-a", "10.0.11.0/24", route_table="rtb-pub")
    lb = t.alb("front", "vpc-a", ["subnet-1", "subnet-1b"], groups=["sg-alb"])
    t.listener(lb, 443, t.target_group("tg", "vpc-a", 8443, ["i-2"]), protocol="HTTPS")
    inv = t.inventory(tmp_path)
    for port in (443, 8443):
        result = path(inv, "internet", "i-2", port)
        assert result.reachable and any("reachable through front" in n for n in result.notes)
    assert not path(inv, "internet", "i-2", 22).reachable


def peered(t: Topology) -> None:
    """Three VPCs: A peers with B, B with C; A and C each route the other's CIDR to their
    peering with B (trying to transit through B)."""
    for name, cidr in (("a", "10.1.0.0/16"), ("b", "10.2.0.0/16"), ("c", "10.3.0.0/16")):
        t.vpc(f"vpc-{name}", cidr)
        t.subnet(f"subnet-{name}", f"vpc-{name}", cidr.replace("0.0/16", "1.0/24"))
        t.sg(f"sg-{name}", f"vpc-{name}", [sg_rule("tcp", 22, cidr="10.0.0.0/8")])
        t.eni(f"eni-{name}", f"subnet-{name}", cidr.replace("0.0/16", "1.10"), groups=[f"sg-{name}"])
    t.peering("pcx-ab", "vpc-a", "vpc-b")
    t.peering("pcx-bc", "vpc-b", "vpc-c")
    t.add_routes("rtb-main-vpc-a", route("10.2.0.0/16", "pcx-ab"), route("10.3.0.0/16", "pcx-ab"))
    t.add_routes("rtb-main-vpc-b", route("10.1.0.0/16", "pcx-ab"), route("10.3.0.0/16", "pcx-bc"))
    t.add_routes("rtb-main-vpc-c", route("10.2.0.0/16", "pcx-bc"), route("10.1.0.0/16", "pcx-bc"))


def test_peering_carries_traffic_between_its_two_vpcs(tmp_path: Path) -> None:
    """VPC Peering Guide, "VPC peering basics": routes on both sides to the peering connection."""
    t = Topology()
    peered(t)
    result = path(t.inventory(tmp_path), "eni-a", "eni-b", 22)
    assert result.reachable
    assert any(h.kind == VPC_PEERING and h.component_id == "pcx-ab" for h in result.hops)


def test_peering_is_not_transitive(tmp_path: Path) -> None:
    """VPC Peering Guide, "Unsupported VPC peering configurations": A-B and B-C do not connect A
    and C, whatever A's routes say."""
    t = Topology()
    peered(t)
    result = path(t.inventory(tmp_path), "eni-a", "eni-c", 22)
    assert not result.reachable and result.blocked_by is not None
    assert result.blocked_by.kind == VPC_PEERING and "not transitive" in result.blocked_by.rule


def test_peering_needs_the_route_back(tmp_path: Path) -> None:
    """VPC Peering Guide, "Update your route tables for a VPC peering connection": both VPCs need
    a route to the other's CIDR."""
    t = Topology()
    peered(t)
    t.route_tables["rtb-main-vpc-b"] = t.route_tables["rtb-main-vpc-b"].__class__(
        **{**t.route_tables["rtb-main-vpc-b"].__dict__, "routes": t.route_tables["rtb-main-vpc-b"].routes[:1]}
    )
    result = path(t.inventory(tmp_path), "eni-a", "eni-b", 22)
    assert result.blocked_by is not None and result.blocked_by.kind == ROUTE_TABLE
    assert result.blocked_by.direction == RETURN and result.blocked_by.component_id == "rtb-main-vpc-b"


def transit(t: Topology, *, blackhole: bool = False) -> None:
    for name, cidr in (("a", "10.1.0.0/16"), ("b", "10.2.0.0/16")):
        t.vpc(f"vpc-{name}", cidr)
        t.subnet(f"subnet-{name}", f"vpc-{name}", cidr.replace("0.0/16", "1.0/24"))
        t.sg(f"sg-{name}", f"vpc-{name}", [sg_rule("tcp", 22, cidr="10.0.0.0/8")])
        t.eni(f"eni-{name}", f"subnet-{name}", cidr.replace("0.0/16", "1.10"), groups=[f"sg-{name}"])
        t.add_routes(f"rtb-main-vpc-{name}", route("10.0.0.0/8", "tgw-1"))
    t.transit_gateway("tgw-1")
    t.tgw_attachment("tgw-attach-a", "tgw-1", "vpc-a", table="tgw-rtb-1")
    t.tgw_attachment("tgw-attach-b", "tgw-1", "vpc-b", table="tgw-rtb-1")
    t.tgw_table(
        "tgw-rtb-1", "tgw-1",
        [("10.1.0.0/16", "tgw-attach-a"), ("10.2.0.0/16", None if blackhole else "tgw-attach-b")],
    )  # fmt: skip


def test_transit_gateway_routes_by_its_route_table(tmp_path: Path) -> None:
    """Transit Gateway Guide, "How transit gateways work": the source attachment's associated
    route table decides; the destination VPC must route back to the TGW."""
    t = Topology()
    transit(t)
    result = path(t.inventory(tmp_path), "eni-a", "eni-b", 22)
    assert result.reachable
    assert [h.component_id for h in result.hops if h.kind == TRANSIT_GATEWAY_ROUTE_TABLE] == ["tgw-rtb-1"] * 2


def test_transit_gateway_blackhole_route_drops(tmp_path: Path) -> None:
    """Transit Gateway Guide, "Route tables": a blackhole route drops matching traffic."""
    t = Topology()
    transit(t, blackhole=True)
    result = path(t.inventory(tmp_path), "eni-a", "eni-b", 22)
    assert result.blocked_by is not None and result.blocked_by.kind == TRANSIT_GATEWAY_ROUTE_TABLE
    assert "blackhole" in result.blocked_by.rule


def test_icmp_types_and_udp(tmp_path: Path) -> None:
    """ "Security group rules": an ICMP rule names a type (and code); UDP is its own protocol."""
    t = Topology()
    two_subnets(t)
    t.sg("sg-2", "vpc-a", [sg_rule("icmp", 8, cidr="10.0.0.0/16"), sg_rule("udp", 53, cidr="10.0.0.0/16")])
    inv = t.inventory(tmp_path)
    assert path(inv, "i-1", "i-2", 8, protocol="icmp").reachable
    assert not path(inv, "i-1", "i-2", 13, protocol="icmp").reachable
    assert path(inv, "i-1", "i-2", 53, protocol="udp").reachable
    assert not path(inv, "i-1", "i-2", 53, protocol="tcp").reachable


def test_resolve_endpoints_and_their_errors(tmp_path: Path) -> None:
    t = Topology()
    two_subnets(t)
    inv = t.inventory(tmp_path)
    index = build_network_index(inv)
    assert resolve_endpoint(index, "internet").kind == "internet"
    assert resolve_endpoint(index, "i-1").network_interface_id == "eni-1"
    assert resolve_endpoint(index, "203.0.113.1").network_interface_id == "eni-1"
    assert resolve_endpoint(index, "10.0.2.10").network_interface_id == "eni-2"
    assert resolve_endpoint(index, "10.0.2.99").vpc_id == "vpc-a"
    assert resolve_endpoint(index, "subnet-2").address == "10.0.2.0/24"
    outside = resolve_endpoint(index, "198.51.100.9")
    assert outside.vpc_id is None and outside.network_interface_id is None
    for bad, message in (
        ("i-404", "not in the snapshot"),
        ("nonsense", "not an endpoint"),
        ("", "no endpoint"),
    ):
        with pytest.raises(ValueError, match=message):
            resolve_endpoint(index, bad)
    with pytest.raises(ValueError, match="both endpoints are on the internet"):
        path(inv, "internet", "198.51.100.9", 22)
    with pytest.raises(ValueError, match="protocol"):
        path(inv, "i-1", "i-2", 22, protocol="gre")
    with pytest.raises(ValueError, match="out of range"):
        path(inv, "i-1", "i-2", 70000)


def test_any_port_lists_the_reachable_ranges(tmp_path: Path) -> None:
    t = Topology()
    two_subnets(t)
    result = path(t.inventory(tmp_path), "internet", "i-1")
    assert result.reachable and "ports 22" in result.explanation


def test_group_reference_across_a_peering_in_one_region(tmp_path: Path) -> None:
    """ "Security group rules" / VPC Peering Guide, "Reference peer security groups": a rule may
    reference a group of the peered VPC (same region)."""
    t = Topology()
    peered(t)
    t.sg("sg-b", "vpc-b", [sg_rule("tcp", 5432, group="sg-a")])
    inv = t.inventory(tmp_path)
    assert path(inv, "eni-a", "eni-b", 5432).reachable
    denied = path(inv, "eni-c", "eni-b", 5432)
    assert denied.blocked_by is not None and denied.blocked_by.kind == SECURITY_GROUP


def test_prefix_list_in_a_group_rule_stands_for_its_entries(tmp_path: Path) -> None:
    """ "Managed prefix lists": a rule referencing a list matches its entries' addresses."""
    t = Topology()
    two_subnets(t)
    t.prefix_list("pl-office", ["198.51.100.0/24"])
    t.sg("sg-1", "vpc-a", [sg_rule("tcp", 22, prefix_list="pl-office")])
    inv = t.inventory(tmp_path)
    allowed = path(inv, "198.51.100.7", "i-1", 22)
    assert allowed.reachable and "pl-office" in allowed.hops[-2].rule
    assert not path(inv, "192.0.2.7", "i-1", 22).reachable
    assert not path(inv, "internet", "i-1", 22).reachable  # not open to any address


def test_subnet_endpoint_and_the_main_route_table(tmp_path: Path) -> None:
    """ "Subnet route tables": a subnet without an explicit association uses the main table."""
    t = Topology()
    peered(t)
    result = path(t.inventory(tmp_path), "subnet-a", "eni-b", 22)
    assert result.reachable and "security groups are not evaluated" in " ".join(result.notes)
    table_hop = next(h for h in result.hops if h.kind == ROUTE_TABLE)
    assert table_hop.component_id == "rtb-main-vpc-a" and "the VPC's main table" in table_hop.rule


def test_all_traffic_passes_only_where_every_protocol_and_port_does(tmp_path: Path) -> None:
    """ "Security group rules" and "Network ACL rules": protocol -1 is all traffic; a deny of any
    part of it (here tcp 22) before the allow-all rule means not all traffic passes."""
    t = Topology()
    two_subnets(t)
    t.sg("sg-2", "vpc-a", [sg_rule("-1", cidr="10.0.0.0/16")])
    inv = t.inventory(tmp_path)
    assert path(inv, "i-1", "i-2", protocol="-1").reachable
    assert not path(inv, "i-2", "i-1", protocol="all").reachable  # sg-1 allows tcp 22 only
    t.nacl("acl-2", "vpc-a", [
        nacl_rule(90, "deny", egress=False, protocol="6", ports=(22, 22)),
        nacl_rule(100, "allow", egress=False), nacl_rule(100, "allow", egress=True),
    ])  # fmt: skip
    t.subnet("subnet-2", "vpc-a", "10.0.2.0/24", route_table="rtb-priv", nacl="acl-2")
    blocked = path(t.inventory(tmp_path / "b"), "i-1", "i-2", protocol="-1")
    assert blocked.blocked_by is not None and blocked.blocked_by.detail["rule_number"] == 90
    with pytest.raises(ValueError, match="no port"):
        path(inv, "i-1", "i-2", 22, protocol="-1")


def test_a_private_address_is_not_reachable_from_the_internet(tmp_path: Path) -> None:
    """ "IP addressing for your VPCs": private (RFC 1918) addresses are not routable on the internet."""
    t = Topology()
    two_subnets(t)
    result = path(t.inventory(tmp_path), "internet", "10.0.1.99", 22)
    assert result.blocked_by is not None and result.blocked_by.kind == ADDRESS
    assert "private address" in result.blocked_by.rule


def test_to_a_public_address_of_the_organization_through_nat_and_back_in(tmp_path: Path) -> None:
    """ "NAT gateways": the private instance leaves with the NAT gateway's address; the target sees
    that address as an internet client (group references do not apply to public addresses)."""
    t = Topology()
    two_subnets(t)
    t.sg("sg-1", "vpc-a", [sg_rule("tcp", 22, cidr="198.51.100.77/32", rule_id="sgr-from-nat")])
    inv = t.inventory(tmp_path)
    result = path(inv, "i-2", "203.0.113.1", 22)
    assert result.reachable and result.hops[-2].rule == "sgr-from-nat: tcp 22 from 198.51.100.77/32"
    kinds = [h.kind for h in result.hops]
    assert kinds.index(NAT_GATEWAY) < kinds.index(ADDRESS)


def test_ipv6_egress_through_an_egress_only_internet_gateway(tmp_path: Path) -> None:
    """ "Enable outbound IPv6 traffic using an egress-only internet gateway"."""
    t = Topology()
    t.vpc("vpc-6", "10.6.0.0/16", ipv6="2600:1f18:1::/56")
    t.gateway("eigw-6", "vpc-6", egress_only=True)
    t.route_table("rtb-eo", "vpc-6", [route("::/0", "eigw-6")])
    t.subnet("subnet-eo", "vpc-6", "10.6.1.0/24", ipv6="2600:1f18:1:2::/64", route_table="rtb-eo")
    t.sg("sg-6", "vpc-6", [], egress=[sg_rule("-1", cidr="::/0", egress=True)])
    t.eni("eni-eo", "subnet-eo", "10.6.1.10", groups=["sg-6"], ipv6=["2600:1f18:1:2::10"])
    inv = t.inventory(tmp_path)
    out = path(inv, "eni-eo", "2001:db8::1", 443)
    assert out.reachable and any(h.kind == "egress_only_internet_gateway" for h in out.hops)
    back = path(inv, "2001:db8::1", "eni-eo", 443)
    assert not back.reachable and back.blocked_by is not None
    assert back.blocked_by.component_id == "eigw-6" and "drops connections" in back.blocked_by.rule
