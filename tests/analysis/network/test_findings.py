"""analysis.network.findings on hand-built snapshots (real SnapshotWriter, real build_inventory)
and hand-built exposure reports (the records of analysis/network/results.py).

What AWS says the findings follow:
- default VPCs: VPC User Guide, "Default VPCs" (one per region, default subnets assign public IPs);
- MapPublicIpOnLaunch: EC2 API reference, ModifySubnetAttribute; AWS FSBP control EC2.15;
- flow logs on a VPC or a subnet cover its interfaces: VPC User Guide, "Logging IP traffic using
  VPC Flow Logs" (a VPC or subnet flow log monitors every network interface in it); FSBP EC2.6;
- WAF can be associated with Application Load Balancers, not classic or network load balancers:
  AWS WAF Developer Guide, "Resources you can protect"; FSBP ELB.16;
- peering across accounts: VPC Peering Guide, "VPC peering connection lifecycle" (states).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

from analysis.model.inventory import Inventory, build_inventory
from analysis.network.findings import (
    DEFAULT_VPC_IN_USE,
    DEFAULT_VPC_PRESENT,
    FAIL,
    HIGH,
    LOAD_BALANCER_WITHOUT_WAF,
    LOW,
    MANAGEMENT_PORT_OPEN_RULE,
    MANAGEMENT_PORT_REACHABLE,
    MEDIUM,
    NOT_ASSESSED,
    SUBNET_AUTO_PUBLIC_IP,
    VPC_PEERING_OUTSIDE_ORGANIZATION,
    VPC_WITHOUT_FLOW_LOGS,
    NetworkFinding,
    management_services,
    network_findings,
)
from analysis.network.results import (
    ALLOW,
    INTERNET,
    NETWORK_INTERFACE,
    Exposure,
    ExposureReport,
    Hop,
    NotAssessed,
    OpenRule,
    PortRange,
)
from snapshot import Snapshot
from tests.analysis.model.builders import MGMT, FakeCall, org_calls, write_snapshot

A, B = MGMT, "222222222222"  # both in the organization
VENDOR = "999988887777"  # outside it
R1, R2 = "us-east-1", "eu-west-1"
EMPTY_REPORT = ExposureReport(exposures=(), open_rules=(), not_assessed=(), interfaces_checked=0, seconds=0.0)


def ec2(op: str, account: str, region: str, key: str, items: list[dict[str, Any]], **kw: Any) -> FakeCall:
    return FakeCall(
        operation=op, service="ec2", account_id=account, region=region, pages=[{key: items}], **kw
    )


def denied(service: str, op: str, account: str, region: str, **kw: Any) -> FakeCall:
    return FakeCall(
        operation=op,
        service=service,
        account_id=account,
        region=region,
        outcome="access_denied",
        error_code="AccessDenied",
        error_message="not authorized",
        **kw,
    )


def vpc(vid: str, account: str, *, default: bool = False, name: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"VpcId": vid, "OwnerId": account, "CidrBlock": "10.0.0.0/16", "IsDefault": default}
    if name:
        out["Tags"] = [{"Key": "Name", "Value": name}]
    return out


def subnet(sid: str, vid: str, account: str, *, public: bool = False) -> dict[str, Any]:
    return {
        "SubnetId": sid,
        "VpcId": vid,
        "OwnerId": account,
        "CidrBlock": "10.0.1.0/24",
        "MapPublicIpOnLaunch": public,
    }


def eni(eid: str, vid: str, sid: str, account: str) -> dict[str, Any]:
    return {"NetworkInterfaceId": eid, "VpcId": vid, "SubnetId": sid, "OwnerId": account, "Status": "in-use"}


def flow_log(fid: str, resource: str) -> dict[str, Any]:
    return {"FlowLogId": fid, "ResourceId": resource, "TrafficType": "ALL", "FlowLogStatus": "ACTIVE"}


def peering(pid: str, status: str, requester: tuple[str, str], accepter: tuple[str, str]) -> dict[str, Any]:
    def side(owner_vpc: tuple[str, str]) -> dict[str, Any]:
        return {"OwnerId": owner_vpc[0], "VpcId": owner_vpc[1], "Region": R1, "CidrBlock": "10.9.0.0/16"}

    return {
        "VpcPeeringConnectionId": pid,
        "Status": {"Code": status},
        "RequesterVpcInfo": side(requester),
        "AccepterVpcInfo": side(accepter),
    }


def area(
    account: str,
    region: str,
    *,
    vpcs: Iterable[dict[str, Any]] = (),
    subnets: Iterable[dict[str, Any]] = (),
    enis: Iterable[dict[str, Any]] = (),
    flow_logs: Iterable[dict[str, Any]] = (),
    peerings: Iterable[dict[str, Any]] = (),
    route_tables: Iterable[dict[str, Any]] = (),
    deny: Iterable[str] = (),
) -> list[FakeCall]:
    """The EC2 calls of one account and region; operations in ``deny`` recorded as AccessDenied."""
    ops: Mapping[str, tuple[str, Iterable[dict[str, Any]]]] = {
        "DescribeVpcs": ("Vpcs", vpcs),
        "DescribeSubnets": ("Subnets", subnets),
        "DescribeNetworkInterfaces": ("NetworkInterfaces", enis),
        "DescribeFlowLogs": ("FlowLogs", flow_logs),
        "DescribeVpcPeeringConnections": ("VpcPeeringConnections", peerings),
        "DescribeRouteTables": ("RouteTables", route_tables),
    }
    calls = [
        denied("ec2", op, account, region) if op in deny else ec2(op, account, region, key, list(items))
        for op, (key, items) in ops.items()
    ]
    calls += [
        FakeCall(
            operation="DescribeLoadBalancers",
            service=svc,
            account_id=account,
            region=region,
            pages=[{key: []}],
        )
        for svc, key in (("elbv2", "LoadBalancers"), ("elb", "LoadBalancerDescriptions"))
        if svc not in deny
    ]
    calls += [
        FakeCall(
            operation="ListWebACLs",
            service="wafv2",
            account_id=account,
            region=region,
            params={"Scope": "REGIONAL", "Limit": 100},
            pages=[{"WebACLs": []}],
        )
    ]
    return calls


def manifest(failed: Iterable[str] = ()) -> dict[str, Any]:
    outcomes = {
        a: {
            "account_id": a,
            "name": a,
            "status": "collected",
            "regions_collected": [R1, R2],
            "regions_disabled": [],
        }
        for a in (A, B)
    }
    for a in failed:
        outcomes[a] = {
            "account_id": a,
            "name": a,
            "status": "access_failed",
            "detail": "sts:AssumeRole denied (AccessDenied)",
            "regions_collected": [],
            "regions_disabled": [],
        }
    return {
        "identity": {"Account": A, "Arn": f"arn:aws:sts::{A}:assumed-role/Auditor/t"},
        "organization_id": "o-test",
        "management_account_id": A,
        "scope": {"regions": [R1, R2], "services": []},
        "account_outcomes": outcomes,
    }


def org(*accounts: str) -> list[FakeCall]:
    return org_calls(
        org_id="o-test",
        root_id="r-test",
        root_accounts=tuple((a, f"acct-{a[:3]}") for a in accounts),
        ous=(),
        policies=(),
    )


def build(
    tmp_path: Path,
    calls: Iterable[FakeCall],
    *,
    failed: Iterable[str] = (),
    members: tuple[str, ...] = (A, B),
) -> Inventory:
    path = write_snapshot(tmp_path / "net.awb", calls=[*org(*members), *calls], manifest=manifest(failed))
    with Snapshot.open(path) as snap:
        return build_inventory(snap)


def empty_areas(*skip: tuple[str, str]) -> list[FakeCall]:
    return [c for a in (A, B) for r in (R1, R2) if (a, r) not in skip for c in area(a, r)]


def of(findings: list[NetworkFinding], kind: str, status: str = FAIL) -> list[NetworkFinding]:
    return [f for f in findings if f.kind == kind and f.status == status]


# -- default VPCs, auto-assigned public IPs, flow logs ------------------------------------------


def test_default_vpc_in_use_present_and_unknown_use(tmp_path: Path) -> None:
    calls = [
        *area(A, R1, vpcs=[vpc("vpc-d1", A, default=True)], enis=[eni("eni-1", "vpc-d1", "subnet-d1", A)]),
        *area(A, R2, vpcs=[vpc("vpc-d2", A, default=True)]),
        *area(B, R1, vpcs=[vpc("vpc-d3", B, default=True)], deny=["DescribeNetworkInterfaces"]),
        *area(B, R2, vpcs=[vpc("vpc-w", B)], deny=[]),
    ]
    found = network_findings(build(tmp_path, calls), EMPTY_REPORT)
    in_use = of(found, DEFAULT_VPC_IN_USE)
    assert [(f.resource_id, f.severity) for f in in_use] == [("vpc-d1", MEDIUM)]
    assert "eni-1" in in_use[0].detail and in_use[0].call_ids
    assert [f.resource_id for f in of(found, DEFAULT_VPC_PRESENT)] == ["vpc-d2", "vpc-d3"]
    # Present is known; whether it is used is not (DescribeNetworkInterfaces denied): not a pass.
    unknown = of(found, DEFAULT_VPC_IN_USE, NOT_ASSESSED)
    assert [(f.account_id, f.region, f.resource_id) for f in unknown] == [(B, R1, "vpc-d3")]
    assert unknown[0].not_assessed is not None and "denied" in unknown[0].not_assessed.reason
    assert all(f.resource_id != "vpc-w" for f in found if f.kind in (DEFAULT_VPC_IN_USE, DEFAULT_VPC_PRESENT))


def test_vpcs_not_listed_are_not_assessed_not_absent(tmp_path: Path) -> None:
    calls = [*empty_areas((A, R1)), *area(A, R1, deny=["DescribeVpcs", "DescribeSubnets"])]
    found = network_findings(build(tmp_path, calls), EMPTY_REPORT)
    for kind in (DEFAULT_VPC_PRESENT, DEFAULT_VPC_IN_USE, VPC_WITHOUT_FLOW_LOGS, SUBNET_AUTO_PUBLIC_IP):
        gaps = of(found, kind, NOT_ASSESSED)
        assert [(f.account_id, f.region) for f in gaps] == [(A, R1)], kind
        assert gaps[0].resource == "" and "was denied" in gaps[0].detail
    assert not [f for f in found if f.status == FAIL]


def test_subnets_that_auto_assign_public_ips(tmp_path: Path) -> None:
    calls = [
        *empty_areas((A, R1)),
        *area(
            A,
            R1,
            vpcs=[vpc("vpc-d", A, default=True), vpc("vpc-w", A)],
            subnets=[
                subnet("subnet-d", "vpc-d", A, public=True),
                subnet("subnet-pub", "vpc-w", A, public=True),
                subnet("subnet-priv", "vpc-w", A),
            ],
        ),
    ]
    found = of(network_findings(build(tmp_path, calls), EMPTY_REPORT), SUBNET_AUTO_PUBLIC_IP)
    assert [f.resource_id for f in found] == ["subnet-d", "subnet-pub"]
    assert "default subnet" in found[0].detail and "default" not in found[1].detail
    assert found[1].resource == f"arn:aws:ec2:{R1}:{A}:subnet/subnet-pub"


def test_flow_logs_on_the_vpc_or_on_every_subnet(tmp_path: Path) -> None:
    calls = [
        *empty_areas((A, R1), (B, R1)),
        *area(
            A,
            R1,
            vpcs=[
                vpc("vpc-logged", A),
                vpc("vpc-subnets", A),
                vpc("vpc-partial", A, name="half"),
                vpc("vpc-eni", A),
            ],
            subnets=[
                subnet("subnet-1", "vpc-subnets", A),
                subnet("subnet-2", "vpc-subnets", A),
                subnet("subnet-3", "vpc-partial", A),
                subnet("subnet-4", "vpc-partial", A),
                subnet("subnet-5", "vpc-eni", A),
            ],
            flow_logs=[
                flow_log("fl-1", "vpc-logged"),
                flow_log("fl-2", "subnet-1"),
                flow_log("fl-3", "subnet-2"),
                flow_log("fl-4", "subnet-3"),
                flow_log("fl-5", "eni-x"),  # interface-level logs do not cover the VPC
            ],
        ),
        *area(B, R1, vpcs=[vpc("vpc-b", B)], deny=["DescribeFlowLogs"]),
    ]
    found = network_findings(build(tmp_path, calls), EMPTY_REPORT)
    missing = of(found, VPC_WITHOUT_FLOW_LOGS)
    assert [f.resource_id for f in missing] == ["vpc-eni", "vpc-partial"]
    assert "1 of its 2 subnet(s)" in missing[1].detail and "(half)" in missing[1].detail
    gaps = of(found, VPC_WITHOUT_FLOW_LOGS, NOT_ASSESSED)
    assert [(f.account_id, f.resource_id) for f in gaps] == [(B, "vpc-b")]
    assert "DescribeFlowLogs" in gaps[0].detail


def test_accounts_that_could_not_be_entered_are_not_assessed(tmp_path: Path) -> None:
    found = network_findings(build(tmp_path, empty_areas(), failed=["333333333333"]), EMPTY_REPORT)
    gaps = [f for f in found if f.status == NOT_ASSESSED]
    assert {f.kind for f in gaps} == {
        DEFAULT_VPC_IN_USE,
        DEFAULT_VPC_PRESENT,
        SUBNET_AUTO_PUBLIC_IP,
        VPC_WITHOUT_FLOW_LOGS,
        LOAD_BALANCER_WITHOUT_WAF,
        VPC_PEERING_OUTSIDE_ORGANIZATION,
    }
    assert {(f.account_id, f.region) for f in gaps} == {("333333333333", "*")}
    assert all("AssumeRole denied" in f.detail for f in gaps)


# -- load balancers and WAF ------------------------------------------------------------------


def lb_calls(
    *, associations: str = "ok", listed: list[str] | None = None, truncated: bool = False
) -> list[FakeCall]:
    """web-prod (B, us-east-1): two internet-facing ALBs (one behind a web ACL), an internal ALB, an
    internet-facing NLB and a classic ELB."""

    def alb(name: str, kind: str = "application", scheme: str = "internet-facing") -> dict[str, Any]:
        arn = f"arn:aws:elasticloadbalancing:{R1}:{B}:loadbalancer/{kind[:3]}/{name}/1"
        return {"LoadBalancerArn": arn, "LoadBalancerName": name, "Type": kind, "Scheme": scheme}

    lbs = [alb("protected"), alb("bare"), alb("inside", scheme="internal"), alb("tcp", kind="network")]
    acl_arn = f"arn:aws:wafv2:{R1}:{B}:regional/webacl/edge/1"
    calls = [c for c in area(B, R1) if c.operation not in ("DescribeLoadBalancers", "ListWebACLs")]
    calls += [
        FakeCall(
            operation="DescribeLoadBalancers",
            service="elbv2",
            account_id=B,
            region=R1,
            pages=[{"LoadBalancers": lbs}],
        ),
        FakeCall(
            operation="DescribeLoadBalancers",
            service="elb",
            account_id=B,
            region=R1,
            pages=[
                {"LoadBalancerDescriptions": [{"LoadBalancerName": "legacy", "Scheme": "internet-facing"}]}
            ],
        ),
        FakeCall(
            operation="ListWebACLs",
            service="wafv2",
            account_id=B,
            region=R1,
            params={"Scope": "REGIONAL", "Limit": 100},
            pages=[
                {
                    "WebACLs": [{"ARN": acl_arn, "Name": "edge", "Id": "1"}],
                    **({"NextMarker": "m"} if truncated else {}),
                }
            ],
        ),
    ]
    params = {"WebACLArn": acl_arn, "ResourceType": "APPLICATION_LOAD_BALANCER"}
    if associations == "ok":
        resources = listed if listed is not None else [lbs[0]["LoadBalancerArn"]]
        calls.append(
            FakeCall(
                operation="ListResourcesForWebACL",
                service="wafv2",
                account_id=B,
                region=R1,
                params=params,
                pages=[{"ResourceArns": resources}],
            )
        )
    elif associations == "denied":
        calls.append(denied("wafv2", "ListResourcesForWebACL", B, R1, params=params))
    return [*empty_areas((B, R1)), *calls]


def test_internet_facing_albs_without_waf_and_classic_elbs(tmp_path: Path) -> None:
    found = of(network_findings(build(tmp_path, lb_calls()), EMPTY_REPORT), LOAD_BALANCER_WITHOUT_WAF)
    assert [f.resource_id for f in found] == ["bare", "legacy"]
    assert "cannot be associated with a WAF web ACL" in found[1].detail
    assert found[1].resource == f"arn:aws:elasticloadbalancing:{R1}:{B}:loadbalancer/legacy"
    assert all(f.severity == MEDIUM and f.call_ids for f in found)


@pytest.mark.parametrize(
    ("kwargs", "why", "unknown"),
    [
        ({"associations": "denied"}, "was denied", ["bare", "protected"]),
        ({"associations": "missing"}, "not called", ["bare", "protected"]),
        # More ACLs than listed: the one found still protects its ALB; the others are unknown.
        ({"truncated": True}, "more than one page", ["bare"]),
    ],
)
def test_unknown_web_acl_associations_make_albs_not_assessed(
    tmp_path: Path, kwargs: dict[str, Any], why: str, unknown: list[str]
) -> None:
    found = network_findings(build(tmp_path, lb_calls(**kwargs)), EMPTY_REPORT)
    # The classic ELB is a finding whatever WAF says; each ALB without a known ACL is not assessed.
    assert [f.resource_id for f in of(found, LOAD_BALANCER_WITHOUT_WAF)] == ["legacy"]
    gaps = of(found, LOAD_BALANCER_WITHOUT_WAF, NOT_ASSESSED)
    assert [f.resource_id for f in gaps] == unknown
    assert all(why in f.detail for f in gaps), [f.detail for f in gaps]


def test_load_balancer_listing_denied_is_not_assessed(tmp_path: Path) -> None:
    calls = [
        *empty_areas((A, R2)),
        *area(A, R2, deny=["elbv2"]),
        denied("elbv2", "DescribeLoadBalancers", A, R2),
    ]
    gaps = of(network_findings(build(tmp_path, calls), EMPTY_REPORT), LOAD_BALANCER_WITHOUT_WAF, NOT_ASSESSED)
    assert [(f.account_id, f.region, f.resource) for f in gaps] == [(A, R2, "")]


# -- peering ---------------------------------------------------------------------------------------


def test_peering_with_accounts_outside_the_organization(tmp_path: Path) -> None:
    peerings = [
        peering("pcx-inside", "active", (A, "vpc-a"), (B, "vpc-b")),
        peering("pcx-vendor", "active", (A, "vpc-a"), (VENDOR, "vpc-v")),
        peering("pcx-asked", "pending-acceptance", (A, "vpc-a"), (VENDOR, "vpc-v2")),
        peering("pcx-gone", "deleted", (A, "vpc-a"), (VENDOR, "vpc-v3")),
    ]
    # Requested by the vendor: keyed in the vendor's account, reported in ours.
    incoming = peering("pcx-incoming", "active", (VENDOR, "vpc-v4"), (B, "vpc-b"))
    routes = [
        {
            "RouteTableId": "rtb-a",
            "VpcId": "vpc-a",
            "OwnerId": A,
            "Routes": [
                {
                    "DestinationCidrBlock": "172.16.0.0/16",
                    "VpcPeeringConnectionId": "pcx-vendor",
                    "State": "active",
                }
            ],
        }
    ]
    calls = [
        *empty_areas((A, R1), (B, R1)),
        *area(A, R1, vpcs=[vpc("vpc-a", A)], peerings=peerings, route_tables=routes),
        *area(B, R1, vpcs=[vpc("vpc-b", B)], peerings=[peerings[0], incoming]),
    ]
    found = of(network_findings(build(tmp_path, calls), EMPTY_REPORT), VPC_PEERING_OUTSIDE_ORGANIZATION)
    by_id = {f.resource_id: f for f in found}
    assert sorted(by_id) == ["pcx-asked", "pcx-incoming", "pcx-vendor"]
    assert (by_id["pcx-vendor"].severity, by_id["pcx-asked"].severity) == (MEDIUM, LOW)
    assert "rtb-a: 172.16.0.0/16" in by_id["pcx-vendor"].detail and VENDOR in by_id["pcx-vendor"].detail
    assert "no collected route table" in by_id["pcx-asked"].detail
    assert (by_id["pcx-incoming"].account_id, by_id["pcx-incoming"].region) == (B, R1)


def test_peering_when_the_organization_is_unknown(tmp_path: Path) -> None:
    calls = [
        *empty_areas((A, R1)),
        *area(A, R1, peerings=[peering("pcx-x", "active", (A, "vpc-a"), (VENDOR, "vpc-v"))]),
    ]
    # No Organizations calls at all: who is a member cannot be told.
    path = write_snapshot(tmp_path / "noorg.awb", calls=calls, manifest=manifest())
    with Snapshot.open(path) as snap:
        inv = build_inventory(snap)
    found = network_findings(inv, EMPTY_REPORT)
    assert not of(found, VPC_PEERING_OUTSIDE_ORGANIZATION)
    gaps = of(found, VPC_PEERING_OUTSIDE_ORGANIZATION, NOT_ASSESSED)
    assert [f.resource_id for f in gaps] == ["pcx-x"] and "organization's accounts are unknown" in gaps[
        0
    ].detail


# -- management ports (from the exposure report) -------------------------------------------------


def exposure(eni_id: str, port: int, *, management: tuple[str, ...] = ()) -> Exposure:
    hops = (
        Hop(
            kind=INTERNET,
            component_id="internet",
            arn=None,
            account_id=None,
            region=None,
            direction="",
            verdict=ALLOW,
            rule="from 0.0.0.0/0",
        ),
        Hop(
            kind=NETWORK_INTERFACE,
            component_id=eni_id,
            arn=f"arn:aws:ec2:{R1}:{A}:network-interface/{eni_id}",
            account_id=A,
            region=R1,
            direction="inbound",
            verdict=ALLOW,
            rule="the destination",
        ),
    )
    return Exposure(
        network_interface_id=eni_id,
        network_interface_arn=f"arn:aws:ec2:{R1}:{A}:network-interface/{eni_id}",
        instance_id=None,
        account_id=A,
        region=R1,
        vpc_id="vpc-a",
        subnet_id="subnet-a",
        via="direct",
        load_balancer_arn=None,
        entry="203.0.113.7",
        source_cidr="0.0.0.0/0",
        ports=PortRange(protocol="tcp", from_port=port, to_port=port),
        listener_ports=None,
        hops=hops,
        management=management,
    )


def open_rule(
    sg: str,
    ports: PortRange,
    attached: tuple[str, ...],
    reachable: tuple[str, ...] = (),
    balancers: tuple[str, ...] = (),
) -> OpenRule:
    return OpenRule(
        security_group_id=sg,
        security_group_arn=f"arn:aws:ec2:{R1}:{A}:security-group/{sg}",
        account_id=A,
        region=R1,
        rule=f"{ports.label()} from 0.0.0.0/0",
        ports=ports,
        source_cidr="0.0.0.0/0",
        attached_to=attached,
        reachable_on=reachable,
        load_balancer_arns=balancers,
    )


def test_management_ports_path_level_versus_rule_level(tmp_path: Path) -> None:
    tcp = lambda a, b: PortRange(protocol="tcp", from_port=a, to_port=b)  # noqa: E731
    report = ExposureReport(
        exposures=(
            exposure("eni-ssh", 22, management=("SSH",)),
            # The engine left ``management`` empty: the port still says RDP.
            exposure("eni-rdp", 3389),
            exposure("eni-web", 443),
        ),
        open_rules=(
            open_rule("sg-ssh", tcp(22, 22), ("eni-ssh", "eni-nat")),  # reachable on eni-ssh only
            open_rule(
                "sg-bastion", tcp(22, 22), ("eni-ssh",)
            ),  # reachable wherever attached: path level only
            open_rule("sg-db", tcp(3306, 3306), ("eni-db",)),  # attached, but no path
            open_rule("sg-all", PortRange(protocol="-1"), ("eni-web",), ("eni-web",)),  # only 443 reachable
            open_rule("sg-unused", tcp(3389, 3389), ()),
            open_rule("sg-alb", tcp(22, 22), (), balancers=("arn:aws:elasticloadbalancing:lb/app/web/1",)),
        ),
        not_assessed=(
            NotAssessed(account_id=B, region=R1, what="network ACLs", reason="DescribeNetworkAcls denied"),
        ),
        interfaces_checked=5,
        seconds=0.1,
    )
    found = network_findings(build(tmp_path, empty_areas()), report)
    reachable = of(found, MANAGEMENT_PORT_REACHABLE)
    assert [(f.resource_id, f.title, f.severity) for f in reachable] == [
        ("eni-rdp", "RDP reachable from the internet", HIGH),
        ("eni-ssh", "SSH reachable from the internet", HIGH),
    ]
    assert [h.component_id for h in reachable[1].hops] == ["internet", "eni-ssh"]
    rules = {f.resource_id: f for f in of(found, MANAGEMENT_PORT_OPEN_RULE)}
    assert sorted(rules) == ["sg-alb", "sg-all", "sg-db", "sg-ssh", "sg-unused"]
    # sg-ssh: reachable on eni-ssh (path level, its own finding), open but unreached on eni-nat.
    assert rules["sg-ssh"].network_interface_ids == ("eni-nat",)
    assert "reachable on eni-ssh (path level" in rules["sg-ssh"].detail
    assert rules["sg-db"].network_interface_ids == ("eni-db",) and rules["sg-all"].network_interface_ids == (
        "eni-web",
    )
    assert rules["sg-alb"].severity == LOW and "used by 1 load balancer(s)" in rules["sg-alb"].detail
    assert rules["sg-db"].severity == MEDIUM and "rule level only" in rules["sg-db"].detail
    assert (
        rules["sg-unused"].severity == LOW and "attached to no network interface" in rules["sg-unused"].detail
    )
    assert "SSH" in rules["sg-all"].title and "RDP" in rules["sg-all"].title
    gaps = of(found, MANAGEMENT_PORT_REACHABLE, NOT_ASSESSED)
    assert [(f.account_id, f.not_assessed.what if f.not_assessed else "") for f in gaps] == [
        (B, "network ACLs")
    ]


def test_open_rule_in_a_partly_assessed_area_says_so(tmp_path: Path) -> None:
    report = ExposureReport(
        exposures=(),
        open_rules=(open_rule("sg-ssh", PortRange(protocol="tcp", from_port=22, to_port=22), ("eni-1",)),),
        not_assessed=(
            NotAssessed(account_id=A, region=R1, what="route tables", reason="DescribeRouteTables denied"),
        ),
        interfaces_checked=1,
        seconds=0.0,
    )
    found = of(network_findings(build(tmp_path, empty_areas()), report), MANAGEMENT_PORT_OPEN_RULE)
    assert (
        len(found) == 1
        and "path level not fully assessed here: DescribeRouteTables denied" in found[0].detail
    )


def test_management_services_of_a_port_range() -> None:
    assert management_services(PortRange(protocol="tcp", from_port=20, to_port=23)) == (
        "SSH",
        "Telnet",
        "FTP",
    )
    assert management_services(PortRange(protocol="udp", from_port=22, to_port=22)) == ()
    assert "Kubernetes API" in management_services(PortRange(protocol="-1"))


# -- the demo organization (collectors/demo/seed_network.py), with the real engine -----------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Inventory, list[NetworkFinding]]:
    from analysis.network import internet_exposure
    from collectors.demo.build import build_demo_snapshot

    path = build_demo_snapshot(tmp_path_factory.mktemp("demo-network-findings") / "demo.snapshot")
    with Snapshot.open(path) as snap:
        inv = build_inventory(snap)
    return inv, network_findings(inv, internet_exposure(inv))


def test_demo_management_ports_path_level_and_rule_level(
    demo: tuple[Inventory, list[NetworkFinding]],
) -> None:
    inv, found = demo
    net = inv.network
    enis = {i.name: i.network_interface_ids[0] for i in net.instances.values() if i.name}
    reachable = of(found, MANAGEMENT_PORT_REACHABLE)
    assert [(f.resource_id, f.title) for f in reachable] == [
        (enis["hub-web-exposed"], "SSH reachable from the internet")
    ]
    assert reachable[0].hops[0].kind == INTERNET and reachable[0].call_ids
    # The same open SSH rule is on the traps: rule level only there.
    (rule,) = [f for f in of(found, MANAGEMENT_PORT_OPEN_RULE) if "SSH" in f.title]
    traps = ("hub-app-behind-nat", "hub-web-nacl-denied", "hub-web-no-return", "hub-web-no-public-ip")
    assert sorted(rule.network_interface_ids) == sorted(enis[t] for t in traps)


def test_demo_inventory_findings(demo: tuple[Inventory, list[NetworkFinding]]) -> None:
    inv, found = demo
    names = {v.vpc_id: v.name for v in inv.network.vpcs.values()}
    no_logs = {names[f.resource_id] or "default" for f in of(found, VPC_WITHOUT_FLOW_LOGS)}
    assert "tools" in no_logs and not {"hub", "web"} & no_logs
    # The classic ELB cannot have WAF; moto does not answer ListResourcesForWebACL, so whether the
    # ALBs have a web ACL is not known: not assessed, not a pass.
    assert [f.resource_id for f in of(found, LOAD_BALANCER_WITHOUT_WAF)] == ["legacy-web"]
    assert sorted(
        f.resource_id for f in of(found, LOAD_BALANCER_WITHOUT_WAF, NOT_ASSESSED) if f.resource
    ) == [
        "web-alb-nowaf",
        "web-alb-waf",
    ]
    (vendor,) = of(found, VPC_PEERING_OUTSIDE_ORGANIZATION)
    assert "999988887777" in vendor.detail and vendor.severity == LOW  # still pending acceptance
    assert of(found, DEFAULT_VPC_PRESENT) and of(found, SUBNET_AUTO_PUBLIC_IP)
