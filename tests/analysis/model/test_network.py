"""The network normalizer on a small fixture: relationships, every route target kind, NACL and SG rule
fields, shared subnets seen from two accounts, partial (denied) and malformed responses.

Fixture: fixtures/network_vpc.json (account 111111111111 owns the hub VPC and shares subnet-pub
with 222222222222; 333333333333 is the far side of a peering).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.model.coverage import Coverage
from analysis.model.network import NetworkInventory, normalize_network
from analysis.model.source import PageSource
from snapshot import Snapshot
from tests.analysis.model.builders import FIXTURES, FakeCall, write_snapshot

A, B, C = "111111111111", "222222222222", "333333333333"


def fixture_calls(name: str) -> tuple[list[FakeCall], dict]:
    data = json.loads((FIXTURES / f"{name}.json").read_text())
    calls = [
        FakeCall(
            operation=c["operation"],
            service=c["service"],
            account_id=c["account_id"],
            region=c["region"],
            params=c.get("params", {}),
            pages=c.get("pages", []),
            outcome=c.get("outcome", "ok"),
            error_code=c.get("error_code"),
            error_message=c.get("error_message"),
        )
        for c in data["calls"]
    ]
    return calls, data["manifest"]


def inventory(tmp_path: Path, calls: list[FakeCall], manifest: dict) -> NetworkInventory:
    path = write_snapshot(tmp_path / "net.awb", calls=calls, manifest=manifest)
    with Snapshot.open(path) as snap:
        return normalize_network(PageSource(snap), Coverage(calls=snap.calls(), manifest=snap.manifest))


@pytest.fixture
def net(tmp_path: Path) -> NetworkInventory:
    calls, manifest = fixture_calls("network_vpc")
    return inventory(tmp_path, calls, manifest)


def arn(kind: str, rid: str, account: str = A, region: str = "us-east-1") -> str:
    return f"arn:aws:ec2:{region}:{account}:{kind}/{rid}"


def test_vpcs_and_subnets_are_keyed_by_owner_arn_and_merged_across_accounts(net: NetworkInventory) -> None:
    assert sorted(net.vpcs) == [arn("vpc", "vpc-a1"), arn("vpc", "vpc-a2")]
    hub = net.vpcs[arn("vpc", "vpc-a1")]
    assert hub.cidr_blocks == ("10.0.0.0/16", "100.64.0.0/20")
    assert hub.ipv6_cidr_blocks == ("2600:1f18::/56",)
    assert (hub.name, hub.is_default, hub.main_route_table_id, hub.default_network_acl_id) == (
        "hub",
        False,
        "rtb-main",
        "acl-default",
    )
    assert net.vpcs[arn("vpc", "vpc-a2")].cidr_blocks == ("172.31.0.0/16",)
    # subnet-pub is listed by the owner and by the participant account: one record, both calls.
    shared = net.subnets[arn("subnet", "subnet-pub")]
    assert shared.account_id == A and len(shared.call_ids) == 2
    assert len(net.vpcs[arn("vpc", "vpc-a1")].call_ids) == 2
    # Second page read; entries without an id or not objects skipped.
    assert sorted(s.subnet_id for s in net.subnets.values()) == ["subnet-def", "subnet-priv", "subnet-pub"]
    assert net.subnets_by_vpc["vpc-a1"] == ("subnet-pub", "subnet-priv")


def test_subnet_route_table_explicit_or_main_and_nacl_explicit_or_default(net: NetworkInventory) -> None:
    pub, priv, default = (net.subnets[arn("subnet", s)] for s in ("subnet-pub", "subnet-priv", "subnet-def"))
    assert (pub.route_table_id, pub.route_table_explicit, pub.network_acl_id) == ("rtb-pub", True, "acl-pub")
    # The disassociated association does not count: the private subnet falls back to the main table.
    assert (priv.route_table_id, priv.route_table_explicit, priv.network_acl_id) == (
        "rtb-main",
        False,
        "acl-default",
    )
    # Not associated with any listed NACL: the VPC's default NACL applies.
    assert (default.route_table_id, default.network_acl_id) == ("rtb-def", "acl-def2")
    assert default.map_public_ip_on_launch is False  # "yes" is not a boolean
    assert net.route_table_of_subnet("subnet-priv").route_table_id == "rtb-main"
    assert net.network_acl_of_subnet("subnet-pub").network_acl_id == "acl-pub"
    assert net.route_table_of_subnet("subnet-unknown") is None


def test_route_targets_of_every_kind(net: NetworkInventory) -> None:
    rt = net.route_tables[arn("route-table", "rtb-pub")]
    got = [
        (
            r.destination_cidr or r.destination_ipv6_cidr or r.destination_prefix_list_id,
            r.target_kind,
            r.target_id,
            r.state,
        )
        for r in rt.routes
    ]
    assert got == [
        ("10.0.0.0/16", "local", "local", "active"),
        ("0.0.0.0/0", "igw", "igw-1", "active"),
        ("::/0", "egress_only_igw", "eigw-1", "active"),
        ("pl-s3", "vpc_endpoint", "vpce-1", "active"),
        ("10.50.0.0/16", "peering", "pcx-1", "blackhole"),
        ("10.60.0.0/16", "transit_gateway", "tgw-1", "active"),
        ("10.70.0.0/16", "instance", "i-web", "active"),
        ("10.80.0.0/16", "vgw", "vgw-1", "active"),
    ]
    assert rt.gateway_ids == ("igw-1",) and rt.subnet_ids == ("subnet-pub",)
    assert net.route_tables[arn("route-table", "rtb-main")].is_main
    assert net.route_tables[arn("route-table", "rtb-def")].routes == ()  # "Routes": "garbage"


def test_gateways_nat_and_peering(net: NetworkInventory) -> None:
    assert net.gateways[arn("internet-gateway", "igw-1")].vpc_ids == ("vpc-a1",)
    assert net.gateways[arn("internet-gateway", "igw-detached")].vpc_ids == ()
    assert net.gateways[arn("egress-only-internet-gateway", "eigw-1")].kind == "egress_only_internet_gateway"
    nat = net.nat_gateways[arn("natgateway", "nat-1")]
    assert (nat.subnet_id, nat.public_ips, nat.network_interface_ids) == (
        "subnet-pub",
        ("3.3.3.4",),
        ("eni-nat",),
    )
    # Seen from both sides (two accounts, two regions): one record in the requester's account and region.
    (pcx,) = net.peerings.values()
    assert pcx.arn == arn("vpc-peering-connection", "pcx-1")
    assert len(pcx.call_ids) == 2
    assert pcx.status == "active" and pcx.cross_account
    assert (pcx.requester.vpc_id, pcx.requester.cidr_blocks) == ("vpc-a1", ("10.0.0.0/16",))
    assert (pcx.accepter.owner_id, pcx.accepter.vpc_id, pcx.accepter.region, pcx.accepter.cidr_blocks) == (
        C,
        "vpc-c1",
        "eu-west-1",
        ("10.50.0.0/16",),
    )


def test_transit_gateway_routes_with_their_coverage(net: NetworkInventory) -> None:
    tgw = net.transit_gateways[arn("transit-gateway", "tgw-1")]
    assert tgw.auto_accept_shared_attachments and tgw.default_association_route_table_id == "tgw-rtb-1"
    att = net.tgw_attachments[arn("transit-gateway-attachment", "tgw-attach-1")]
    assert (att.resource_owner_id, att.resource_id, att.association_route_table_id) == (
        B,
        "vpc-b1",
        "tgw-rtb-1",
    )
    one = net.tgw_route_tables[arn("transit-gateway-route-table", "tgw-rtb-1")]
    assert [(r.destination_cidr, r.type, r.state, r.attachment_ids) for r in one.routes] == [
        ("10.20.0.0/16", "propagated", "active", ("tgw-attach-1",)),
        ("192.168.0.0/16", "static", "blackhole", ()),
    ]
    assert one.routes_state.state == "collected" and one.routes_truncated
    assert one.associated_attachment_ids == ("tgw-attach-1",) and one.propagating_attachment_ids == (
        "tgw-attach-1",
    )
    two = net.tgw_route_tables[arn("transit-gateway-route-table", "tgw-rtb-2")]
    # Denied is not "no routes"; never asked is said so.
    assert two.routes == () and two.routes_state.state == "denied"
    assert two.associations_state.state == "not_collected"


def test_endpoints_with_policies_in_every_shape(net: NetworkInventory) -> None:
    s3 = net.endpoints[arn("vpc-endpoint", "vpce-1")]
    assert s3.policy is not None and s3.policy.ok
    assert s3.policy.statements[0].action == ("s3:GetObject",)  # URL-encoded, single statement, Action string
    assert s3.route_table_ids == ("rtb-pub",)
    sts = net.endpoints[arn("vpc-endpoint", "vpce-2")]
    assert sts.policy is not None and not sts.policy.ok  # malformed JSON kept with its error
    assert (sts.security_group_ids, sts.network_interface_ids, sts.private_dns_enabled) == (
        ("sg-alb",),
        ("eni-vpce",),
        True,
    )
    assert net.endpoints[arn("vpc-endpoint", "vpce-3")].policy is None


def test_prefix_lists_entries_or_why_not(net: NetworkInventory) -> None:
    corp = net.prefix_lists[arn("prefix-list", "pl-corp")]
    assert corp.entries == ("198.51.100.0/24", "203.0.113.0/24") and corp.entries_state.state == "collected"
    s3 = net.prefix_lists["arn:aws:ec2:us-east-1:aws:prefix-list/pl-s3"]
    assert s3.owner_id == "AWS" and s3.entries == () and s3.entries_state.state == "denied"


def test_security_group_rules_with_ids_references_and_prefix_lists(net: NetworkInventory) -> None:
    web = net.security_groups[arn("security-group", "sg-web")]
    assert web.rules_source == "DescribeSecurityGroupRules"
    got = {
        (
            r.rule_id,
            r.protocol,
            r.from_port,
            r.to_port,
            r.cidr_ipv4,
            r.cidr_ipv6,
            r.prefix_list_id,
            r.referenced_group_id,
        )
        for r in web.ingress
    }
    assert got == {
        ("sgr-1", "tcp", 443, 443, "0.0.0.0/0", None, None, None),
        ("sgr-2", "tcp", 443, 443, None, "::/0", None, None),
        ("sgr-3", "tcp", 22, 22, None, None, "pl-corp", None),
        ("sgr-4", "tcp", 8080, 8080, None, None, None, "sg-alb"),
    }
    (egress,) = web.egress
    assert (egress.protocol, egress.from_port, egress.to_port, egress.egress) == ("-1", None, None, True)


def test_security_group_rules_fall_back_to_ip_permissions_when_rules_call_denied(
    net: NetworkInventory,
) -> None:
    sg = net.security_groups[arn("security-group", "sg-b1", account=B)]
    assert sg.rules_source == "DescribeSecurityGroups"
    sources = sorted(
        (r.cidr_ipv4 or r.cidr_ipv6 or r.prefix_list_id or r.referenced_group_id or "") for r in sg.ingress
    )
    assert sources == ["0.0.0.0/0", "10.0.0.0/8", "::/0", "pl-corp", "sg-web"]
    ref = next(r for r in sg.ingress if r.referenced_group_id)
    assert (ref.referenced_group_owner_id, ref.referenced_vpc_peering_id) == (A, "pcx-1")
    assert all(r.rule_id is None and r.from_port == 22 for r in sg.ingress)
    assert [(r.protocol, r.cidr_ipv4) for r in sg.egress] == [("-1", "0.0.0.0/0")]


def test_nacl_entries_in_order_with_both_directions(net: NetworkInventory) -> None:
    acl = net.network_acls[arn("network-acl", "acl-pub")]
    assert [(e.rule_number, e.action, e.protocol, e.from_port, e.to_port) for e in acl.inbound()] == [
        (90, "deny", "6", 22, 22),
        (95, "allow", "58", None, None),
        (100, "allow", "-1", None, None),
    ]
    icmp = acl.inbound()[1]
    assert (icmp.cidr_ipv6, icmp.icmp_type, icmp.icmp_code) == ("::/0", -1, -1)
    assert [(e.rule_number, e.from_port, e.to_port) for e in acl.outbound()] == [(100, 1024, 65535)]
    assert acl.subnet_ids == ("subnet-pub",)


def test_instances_enis_public_ips_and_security_groups(net: NetworkInventory) -> None:
    web = net.instances[arn("instance", "i-web")]
    # Primary interface first, whatever the listing order; groups from the instance and every ENI.
    assert web.network_interface_ids == ("eni-web", "eni-web2")
    assert set(web.security_group_ids) == {"sg-web", "sg-alb"}
    assert (web.public_ip, web.metadata_http_tokens, web.name) == ("3.3.3.3", "optional", "web")
    assert web.instance_profile_arn == f"arn:aws:iam::{A}:instance-profile/web"
    eni = net.network_interfaces[arn("network-interface", "eni-web")]
    assert eni.private_ips == ("10.0.0.10", "10.0.0.12")
    assert (eni.public_ips, eni.elastic_ip_allocation_ids, eni.device_index) == (
        ("3.3.3.3",),
        ("eipalloc-1",),
        0,
    )
    assert net.network_interfaces[arn("network-interface", "eni-web2")].source_dest_check is False
    assert net.network_interfaces[arn("network-interface", "eni-app")].device_index == 0  # "0" as a string
    odd = net.network_interfaces[arn("network-interface", "eni-odd")]
    assert (odd.vpc_id, odd.subnet_id, odd.private_ips) == (None, None, ())
    assert net.enis_by_instance["i-web"] == ("eni-web", "eni-web2")
    assert net.enis_by_private_ip[("vpc-a1", "10.0.1.5")] == "eni-app"
    assert net.instances[arn("instance", "i-app")].state == "stopped"
    assert len(net.instances) == 2  # the instance without an id is skipped
    # Walk instance -> ENI -> subnet -> route table -> VPC.
    subnet = net.get(net.get(web.network_interface_ids[0]).subnet_id)
    assert net.route_table_of_subnet(subnet.subnet_id).route_table_id == "rtb-pub"
    assert net.get(subnet.vpc_id).vpc_id == "vpc-a1"


def test_elastic_ips_flow_logs_and_ebs_default_encryption(net: NetworkInventory) -> None:
    eip = net.elastic_ips[arn("elastic-ip", "eipalloc-1")]
    assert (eip.public_ip, eip.network_interface_id, eip.instance_id) == ("3.3.3.3", "eni-web", "i-web")
    assert net.elastic_ips[arn("elastic-ip", "eipalloc-free")].network_interface_id is None
    assert net.flow_logs_by_resource == {"vpc-a1": ("fl-1",)}
    on = net.ebs_encryption[(A, "us-east-1")]
    assert (on.enabled, on.state.state) == (True, "collected")
    denied = net.ebs_encryption[(A, "eu-west-1")]
    # Denied is never reported as "off" (or "on"): unknown, with the reason.
    assert denied.enabled is None and denied.state.state == "denied"
    assert "denied" in denied.state.reason


def test_denied_instance_listing_leaves_no_records_and_says_so(tmp_path: Path, net: NetworkInventory) -> None:
    assert not [i for i in net.instances.values() if i.account_id == B]
    calls, manifest = fixture_calls("network_vpc")
    path = write_snapshot(tmp_path / "b.awb", calls=calls, manifest=manifest)
    with Snapshot.open(path) as snap:
        coverage = Coverage(calls=snap.calls(), manifest=snap.manifest)
    assert (
        coverage.state(account_id=B, region="us-east-1", service="ec2", operation="DescribeInstances").state
        == "denied"
    )


def test_partition_from_the_collecting_identity(tmp_path: Path) -> None:
    calls, manifest = fixture_calls("network_vpc")
    manifest["identity"] = {"Arn": f"arn:aws-us-gov:sts::{A}:assumed-role/Auditor/jane"}
    net = inventory(tmp_path, calls, manifest)
    assert "arn:aws-us-gov:ec2:us-east-1:111111111111:vpc/vpc-a1" in net.vpcs


def test_empty_snapshot_gives_an_empty_inventory(tmp_path: Path) -> None:
    net = inventory(tmp_path, [], {})
    assert not net.vpcs and not net.instances and net.get("vpc-a1") is None
