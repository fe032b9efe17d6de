"""The EC2/VPC collector against moto (in-process ``mock_aws``), denied and unsupported calls injected at
botocore's transport (tests/support/faults.py: moto never denies), and the demo network collected by
the real runner and normalized.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from analysis.model.coverage import Coverage
from analysis.model.loadbalancers import LoadBalancerInventory, normalize_loadbalancers
from analysis.model.network import NetworkInventory, normalize_network
from analysis.model.source import PageSource
from analysis.model.waf import WafInventory, normalize_waf
from collectors.access import OrganizationsAccess
from collectors.demo.seed import (
    REGION,
    VENDOR_ACCOUNT_ID,
    SeedContext,
    seed_admin_baseline,
    seed_organization_tree,
)
from collectors.demo.seed_network import seed_network
from collectors.ec2 import ALL_TGW_ROUTES, COLLECTORS
from collectors.runner import CollectionRequest, collect
from snapshot import Snapshot, SnapshotWriter
from tests.collectors.test_wafv2 import list_resources_stub
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


# -- the demo network, collected by the real runner -------------------------------------------


# The accounts the network seed uses, and one it leaves alone (collecting all ten takes twice as long).
DEMO_ACCOUNTS = ("network", "web-prod", "shared-services", "payments-prod", "sandbox-alice")


@dataclass(frozen=True, kw_only=True)
class DemoNetwork:
    accounts: dict[str, str]
    seeded: dict[str, Any]
    result: Any
    net: NetworkInventory
    lbs: LoadBalancerInventory
    waf: WafInventory


class _DemoFactory(FaultyFactory):
    """FaultyFactory whose ListResourcesForWebACL requests bypass in-process moto.

    moto lacks that call and, in-process, its own before-send handler raises NotImplementedError
    even when ours already answered; moto's handler ignores URLs it does not know, so the request
    is pointed at one before the stub (``list_resources_stub``) answers it.
    """

    def client(self, session: Any, service: str, region: str) -> Any:
        client = super().client(session, service, region)
        if service == "wafv2":

            def bypass(request: Any, **_: Any) -> None:
                if request.headers.get("X-Amz-Target", b"").endswith(b"ListResourcesForWebACL"):
                    request.url = "https://stubbed.invalid/"

            client.meta.events.register_first("before-send", bypass)
        return client


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoNetwork]:
    """Seed the organization and the network in moto, collect ec2/elbv2/elb/wafv2 with the real runner."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as mp, mock_aws():
        for var in [v for v in os.environ if v.startswith("AWS_")]:
            mp.delenv(var)
        mp.setenv("AWS_ACCESS_KEY_ID", "testing")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        mp.setenv("AWS_DEFAULT_REGION", "us-east-1")
        mp.setenv("AWS_CONFIG_FILE", str(home / "config"))
        mp.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "credentials"))
        session = boto3.Session(region_name=REGION)
        ctx = SeedContext(session=session, org=session.client("organizations", region_name=REGION))
        seed_organization_tree(ctx)
        seed_admin_baseline(ctx)
        seed_network(ctx)
        seeded = ctx.resources["network"]
        acl = seeded["resources"]["web-prod-edge"]
        factory = _DemoFactory(
            rules=[list_resources_stub({acl["id"]: {"APPLICATION_LOAD_BALANCER": acl["associated"]}})]
        )
        path = tmp_path_factory.mktemp("demo") / "network.snapshot"
        writer = SnapshotWriter.create(path, tool_version="test")
        try:
            result = collect(
                request=CollectionRequest(
                    accounts=tuple(ctx.accounts[name] for name in DEMO_ACCOUNTS),
                    regions=("us-east-1", "eu-west-1"),
                    services=("ec2", "elbv2", "elb", "wafv2"),
                ),
                access=OrganizationsAccess(factory=factory, profile=None),
                factory=factory,
                writer=writer,
            )
        finally:
            writer.close()
    with Snapshot.open(path) as snap:
        source = PageSource(snap)
        coverage = Coverage(calls=snap.calls(), manifest=snap.manifest)
        net = normalize_network(source, coverage)
        yield DemoNetwork(
            accounts=dict(ctx.accounts),
            seeded=seeded,
            result=result,
            net=net,
            lbs=normalize_loadbalancers(source, coverage, network=net),
            waf=normalize_waf(source, coverage),
        )


def _rid(demo: DemoNetwork, name: str) -> str:
    return str(demo.seeded["resources"][name]["id"])


def test_demo_collection_is_complete(demo: DemoNetwork) -> None:
    assert demo.result.status == "complete" and demo.result.errors == 0 and demo.result.denied == 0
    assert {o.status for o in demo.result.accounts.values()} == {"collected"}
    active = [demo.accounts[name] for name in DEMO_ACCOUNTS]
    # Default VPCs left in place: one per active account and region.
    defaults = {(v.account_id, v.region) for v in demo.net.vpcs.values() if v.is_default}
    assert defaults == {(a, r) for a in active for r in ("us-east-1", "eu-west-1")}
    custom = {v.name: v.account_id for v in demo.net.vpcs.values() if not v.is_default}
    assert custom == {
        "hub": demo.accounts["network"],
        "web": demo.accounts["web-prod"],
        "tools": demo.accounts["shared-services"],
    }


def test_demo_exposed_instance_and_the_traps(demo: DemoNetwork) -> None:
    net = demo.net
    exposed = net.get(_rid(demo, "hub-web-exposed"))
    assert exposed.public_ip
    assert [(r.destination_cidr, r.target_kind) for r in net.route_table_of_subnet(exposed.subnet_id).routes][
        -1
    ] == (
        "0.0.0.0/0",
        "igw",
    )
    (sg,) = (net.get(g) for g in exposed.security_group_ids)
    assert {(r.from_port, r.cidr_ipv4) for r in sg.ingress} == {(22, "0.0.0.0/0"), (443, "0.0.0.0/0")}
    assert net.network_acl_of_subnet(exposed.subnet_id).is_default
    # Open SG, but the subnet's default route goes to the NAT gateway, and no public IP.
    behind_nat = net.get(_rid(demo, "hub-app-behind-nat"))
    assert behind_nat.public_ip is None
    nat_route = [
        r for r in net.route_table_of_subnet(behind_nat.subnet_id).routes if r.destination_cidr == "0.0.0.0/0"
    ]
    assert [(r.target_kind, r.target_id) for r in nat_route] == [("nat", _rid(demo, "hub-nat"))]
    # Public subnet whose NACL denies the ports before allowing everything.
    denied = net.network_acl_of_subnet(net.get(_rid(demo, "hub-web-nacl-denied")).subnet_id)
    assert denied.network_acl_id == _rid(demo, "hub-nacl-deny-web")
    assert [(e.rule_number, e.action, e.from_port) for e in denied.inbound()][:2] == [
        (90, "deny", 443),
        (91, "deny", 22),
    ]
    # NACL allowing 443 in, denying the ephemeral return ports out.
    no_return = net.network_acl_of_subnet(net.get(_rid(demo, "hub-web-no-return")).subnet_id)
    assert next((e.rule_number, e.action, e.from_port, e.to_port) for e in no_return.outbound()) == (
        90,
        "deny",
        1024,
        65535,
    )
    # Public subnet, no public IP.
    no_ip = net.get(_rid(demo, "hub-web-no-public-ip"))
    assert no_ip.public_ip is None and not net.get(no_ip.network_interface_ids[0]).public_ips
    assert net.route_table_of_subnet(no_ip.subnet_id).route_table_id == _rid(demo, "hub-public-rt")


def test_demo_load_balancers_and_waf(demo: DemoNetwork) -> None:
    for instance_name, lb_name in demo.seeded["behind_alb"].items():
        lb = demo.lbs.load_balancers[_rid(demo, lb_name)]
        assert lb.internet_facing
        (tg,) = demo.lbs.target_groups_of(lb.arn)
        (target,) = tg.targets
        instance = demo.net.get(_rid(demo, instance_name))
        assert target.id == instance.instance_id and instance.public_ip is None
        assert target.network_interface_id == instance.network_interface_ids[0]
    with_waf = _rid(demo, "web-alb-waf")
    acl = demo.waf.web_acl_for(with_waf)
    assert acl is not None and acl.name == "web-prod-edge" and acl.logging_state.state == "absent"
    assert acl.rules[0].managed_rule_group == "AWS/AWSManagedRulesCommonRuleSet"
    assert demo.waf.web_acl_for(_rid(demo, "web-alb-nowaf")) is None
    assert demo.waf.web_acls[acl.arn].associations_state.state == "collected"
    legacy = next(lb for lb in demo.lbs.load_balancers.values() if lb.type == "classic")
    assert legacy.instance_ids == (_rid(demo, "web-app-nowaf"),)


def test_demo_peering_transit_gateway_flow_logs_and_ebs(demo: DemoNetwork) -> None:
    net = demo.net
    peerings = {p.peering_id: p for p in net.peerings.values()}
    inside = peerings[_rid(demo, "tools-hub-peering")]
    assert inside.status == "active" and inside.cross_account
    assert (inside.requester.owner_id, inside.accepter.owner_id) == (
        demo.accounts["shared-services"],
        demo.accounts["network"],
    )
    if "tools-vendor-peering" in demo.seeded["resources"]:
        outside = peerings[_rid(demo, "tools-vendor-peering")]
        assert (
            outside.accepter.owner_id == VENDOR_ACCOUNT_ID
            and outside.accepter.owner_id not in demo.accounts.values()
        )
    table = net.get(_rid(demo, "hub-tgw-rt"))
    assert {r.destination_cidr: r.state for r in table.routes} == demo.seeded["resources"]["hub-tgw-rt"][
        "routes"
    ]
    logged = {net.get(v).name for v in net.flow_logs_by_resource if v.startswith("vpc-")}
    assert logged == set(demo.seeded["flow_log_vpcs"])
    encrypted = {(a, r) for (a, r), e in net.ebs_encryption.items() if e.enabled}
    assert encrypted == {(demo.accounts[name], region) for name, region in demo.seeded["ebs_encrypted"]}
