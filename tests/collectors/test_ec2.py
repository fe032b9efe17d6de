"""The EC2/VPC collector against moto (in-process ``mock_aws``), denied and unsupported calls injected at
botocore's transport (tests/support/faults.py: moto never denies), and the demo network collected by
the real runner and normalized.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from analysis.model.coverage import Coverage
from analysis.model.network import NetworkInventory, normalize_network
from analysis.model.source import PageSource
from collectors.ec2 import ALL_TGW_ROUTES, COLLECTORS
from snapshot import Snapshot
from tests.support.collect_one import collect_one
from tests.support.faults import FaultyFactory, query_error

(EC2,) = COLLECTORS


def normalize(snap: Snapshot) -> NetworkInventory:
    return normalize_network(PageSource(snap), Coverage(calls=snap.calls(), manifest=snap.manifest))


@pytest.fixture
def aws() -> Iterator[dict[str, Any]]:
    with mock_aws():
        ec2 = boto3.client("ec2", region_name="us-east-1")
        vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
        public = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.0.0/24")["Subnet"]["SubnetId"]
        private = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
        igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
        rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
        ec2.associate_route_table(RouteTableId=rt, SubnetId=public)
        sg = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(
            GroupId=sg,
            IpPermissions=[
                {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
            ],
        )
        instance = ec2.run_instances(
            ImageId="ami-0a1b2c3d4e5f60718",
            MinCount=1,
            MaxCount=1,
            NetworkInterfaces=[
                {"DeviceIndex": 0, "SubnetId": public, "Groups": [sg], "AssociatePublicIpAddress": True}
            ],
        )["Instances"][0]["InstanceId"]
        tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
        tgw_rt = ec2.create_transit_gateway_route_table(TransitGatewayId=tgw)["TransitGatewayRouteTable"][
            "TransitGatewayRouteTableId"
        ]
        ec2.create_transit_gateway_route(
            DestinationCidrBlock="192.168.0.0/16", TransitGatewayRouteTableId=tgw_rt, Blackhole=True
        )
        ec2.enable_ebs_encryption_by_default()
        yield {
            "vpc": vpc,
            "public": public,
            "private": private,
            "rt": rt,
            "sg": sg,
            "instance": instance,
            "tgw_rt": tgw_rt,
        }


def test_collects_every_vpc_object_and_normalizes(aws: dict[str, Any], tmp_path: Path) -> None:
    factory = FaultyFactory()
    snap = collect_one(EC2, tmp_path / "ec2.snapshot", factory=factory)
    calls = snap.calls()
    assert {c.operation for c in calls} == EC2.operations()
    assert {c.outcome for c in calls} == {"ok"}
    # One route search per transit gateway route table (moto adds the default one), always filtered.
    tables = {
        c.parameters["TransitGatewayRouteTableId"] for c in snap.calls(operation="SearchTransitGatewayRoutes")
    }
    assert aws["tgw_rt"] in tables and len(tables) == 2
    assert all(
        c.parameters["Filters"] == [dict(f) for f in ALL_TGW_ROUTES]
        for c in snap.calls(operation="SearchTransitGatewayRoutes")
    )
    listed = {
        p["PrefixListId"]
        for _, page in snap.iter_pages(service="ec2", operation="DescribeManagedPrefixLists")
        for p in page["PrefixLists"]
    }
    entries = {c.parameters["PrefixListId"] for c in snap.calls(operation="GetManagedPrefixListEntries")}
    assert listed and entries == listed
    # Never user data, never snapshots.
    sent = {op for _, op in factory.sent}
    assert "DescribeInstanceAttribute" not in sent and "DescribeSnapshots" not in sent

    net = normalize(snap)
    instance = net.get(aws["instance"])
    assert instance.public_ip and instance.security_group_ids == (aws["sg"],)
    eni = net.get(instance.network_interface_ids[0])
    assert eni.subnet_id == aws["public"] and eni.public_ips == (instance.public_ip,)
    route_table = net.route_table_of_subnet(aws["public"])
    assert route_table.route_table_id == aws["rt"]
    assert [r.target_kind for r in route_table.routes] == ["local", "igw"]
    # The other subnet falls back to the VPC's main table.
    assert net.route_table_of_subnet(aws["private"]).is_main
    web = net.get(aws["sg"])
    assert [(r.protocol, r.from_port, r.cidr_ipv4) for r in web.ingress] == [("tcp", 443, "0.0.0.0/0")]
    blackhole = [r for t in net.tgw_route_tables.values() for r in t.routes if r.state == "blackhole"]
    assert [r.destination_cidr for r in blackhole] == ["192.168.0.0/16"]
    assert net.ebs_encryption[("123456789012", "us-east-1")].enabled is True


def _deny(*operations: str) -> Any:
    def rule(service: str, operation: str, params: dict[str, Any]) -> Any:
        if service == "ec2" and operation in operations:
            return query_error(
                "UnauthorizedOperation", "You are not authorized to perform this operation.", 403
            )
        return None

    return rule


def test_denied_calls_are_recorded_and_not_collected(aws: dict[str, Any], tmp_path: Path) -> None:
    factory = FaultyFactory(
        rules=[_deny("DescribeInstances", "DescribeSecurityGroupRules", "GetEbsEncryptionByDefault")]
    )
    snap = collect_one(EC2, tmp_path / "denied.snapshot", factory=factory)
    outcomes = {c.operation: (c.outcome, c.error_code) for c in snap.calls()}
    assert outcomes["DescribeInstances"] == ("access_denied", "UnauthorizedOperation")
    assert outcomes["DescribeSecurityGroupRules"][0] == "access_denied"
    assert outcomes["DescribeVpcs"] == ("ok", None)
    net = normalize(snap)
    coverage = Coverage(calls=snap.calls(), manifest=snap.manifest)
    # No instances, and the reason is "denied", not "there are none".
    assert net.instances == {}
    state = coverage.state(
        account_id="123456789012", region="us-east-1", service="ec2", operation="DescribeInstances"
    )
    assert state.state == "denied" and not state.answered
    # Security group rules still known, from DescribeSecurityGroups.
    web = net.get(aws["sg"])
    assert web.rules_source == "DescribeSecurityGroups" and web.ingress[0].from_port == 443
    ebs = net.ebs_encryption[("123456789012", "us-east-1")]
    assert ebs.enabled is None and ebs.state.state == "denied"


def test_unsupported_operation_is_an_error_not_empty(aws: dict[str, Any], tmp_path: Path) -> None:
    """A partition or region without transit gateways answers InvalidAction (stubbed: moto has them)."""

    def unsupported(service: str, operation: str, params: dict[str, Any]) -> Any:
        if operation == "DescribeTransitGateways":
            return query_error(
                "InvalidAction", "The action DescribeTransitGateways is not valid for this web service.", 400
            )
        return None

    snap = collect_one(EC2, tmp_path / "unsupported.snapshot", factory=FaultyFactory(rules=[unsupported]))
    (call,) = snap.calls(operation="DescribeTransitGateways")
    assert (call.outcome, call.error_code) == ("error", "InvalidAction")
    coverage = Coverage(calls=snap.calls(), manifest=snap.manifest)
    assert (
        coverage.state(
            account_id="123456789012", region="us-east-1", service="ec2", operation="DescribeTransitGateways"
        ).state
        == "error"
    )
    assert normalize(snap).transit_gateways == {}
