"""The ELBv2 and classic ELB collectors against moto (in-process ``mock_aws``); denials injected at
botocore's transport (tests/support/faults.py): moto never denies.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from analysis.model.coverage import Coverage
from analysis.model.loadbalancers import LoadBalancerInventory, normalize_loadbalancers
from analysis.model.network import normalize_network
from analysis.model.source import PageSource
from collectors.ec2 import COLLECTORS as EC2_COLLECTORS
from collectors.elb import COLLECTORS
from snapshot import CallRecord, Snapshot, SnapshotWriter
from tests.support.collect_one import collect_one
from tests.support.faults import FaultyFactory, query_error

ELBV2, CLASSIC = COLLECTORS


@pytest.fixture
def aws() -> Iterator[dict[str, Any]]:
    with mock_aws():
        ec2 = boto3.client("ec2", region_name="us-east-1")
        vpc = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
        a = ec2.create_subnet(VpcId=vpc, CidrBlock="10.2.0.0/24", AvailabilityZone="us-east-1a")["Subnet"][
            "SubnetId"
        ]
        b = ec2.create_subnet(VpcId=vpc, CidrBlock="10.2.1.0/24", AvailabilityZone="us-east-1b")["Subnet"][
            "SubnetId"
        ]
        sg = ec2.create_security_group(GroupName="alb", Description="alb", VpcId=vpc)["GroupId"]
        instance = ec2.run_instances(ImageId="ami-0a1b2c3d4e5f60718", MinCount=1, MaxCount=1, SubnetId=a)[
            "Instances"
        ][0]["InstanceId"]
        elbv2 = boto3.client("elbv2", region_name="us-east-1")
        lb = elbv2.create_load_balancer(
            Name="web", Subnets=[a, b], SecurityGroups=[sg], Scheme="internet-facing"
        )["LoadBalancers"][0]["LoadBalancerArn"]
        tg = elbv2.create_target_group(
            Name="app", Protocol="HTTP", Port=8080, VpcId=vpc, TargetType="instance"
        )["TargetGroups"][0]["TargetGroupArn"]
        api = elbv2.create_target_group(Name="api", Protocol="HTTP", Port=8081, VpcId=vpc)["TargetGroups"][0][
            "TargetGroupArn"
        ]
        elbv2.register_targets(TargetGroupArn=tg, Targets=[{"Id": instance, "Port": 8080}])
        listener = elbv2.create_listener(
            LoadBalancerArn=lb,
            Protocol="HTTP",
            Port=80,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
        )["Listeners"][0]["ListenerArn"]
        elbv2.create_rule(
            ListenerArn=listener,
            Priority=10,
            Conditions=[{"Field": "path-pattern", "Values": ["/api/*"]}],
            Actions=[{"Type": "forward", "TargetGroupArn": api}],
        )
        classic = boto3.client("elb", region_name="us-east-1")
        classic.create_load_balancer(
            LoadBalancerName="legacy",
            Listeners=[
                {"Protocol": "HTTP", "LoadBalancerPort": 80, "InstanceProtocol": "HTTP", "InstancePort": 8080}
            ],
            Subnets=[a],
            Scheme="internet-facing",
        )
        classic.register_instances_with_load_balancer(
            LoadBalancerName="legacy", Instances=[{"InstanceId": instance}]
        )
        yield {"lb": lb, "tg": tg, "api": api, "listener": listener, "instance": instance, "vpc": vpc}


def collect_all(path: Path, factory: FaultyFactory) -> Snapshot:
    """ELBv2, classic ELB and EC2 into one snapshot (targets resolve to ENIs through EC2)."""
    parts = []
    for collector in (*COLLECTORS, *EC2_COLLECTORS):
        parts.append(collect_one(collector, path.with_suffix(f".{collector.name}"), factory=factory))
    writer = SnapshotWriter.create(path, tool_version="test")
    for part in parts:
        for call in part.calls():
            writer.record_call(
                CallRecord(
                    account_id=call.account_id,
                    region=call.region,
                    service=call.service,
                    operation=call.operation,
                    parameters=call.parameters,
                    identity_arn=call.identity_arn,
                    started_at=call.started_at,
                    duration_ms=call.duration_ms,
                    outcome=call.outcome,
                    error_code=call.error_code,
                    error_message=call.error_message,
                ),
                part.pages(call.id),
            )
        part.close()
    writer.finish(status="complete")
    writer.close()
    return Snapshot.open(path)


def normalize(snap: Snapshot) -> LoadBalancerInventory:
    source = PageSource(snap)
    coverage = Coverage(calls=snap.calls(), manifest=snap.manifest)
    return normalize_loadbalancers(source, coverage, network=normalize_network(source, coverage))


def test_collects_load_balancers_to_their_targets(aws: dict[str, Any], tmp_path: Path) -> None:
    snap = collect_all(tmp_path / "lb.snapshot", FaultyFactory())
    assert {c.outcome for c in snap.calls() if c.service in ("elbv2", "elb")} == {"ok"}
    per_lb = {c.operation: c.parameters for c in snap.calls(operation="DescribeListeners")}
    assert per_lb == {"DescribeListeners": {"LoadBalancerArn": aws["lb"]}}
    assert {c.parameters["ListenerArn"] for c in snap.calls(operation="DescribeRules")} == {aws["listener"]}
    assert {c.parameters["TargetGroupArn"] for c in snap.calls(operation="DescribeTargetHealth")} == {
        aws["tg"],
        aws["api"],
    }
    assert [c.parameters for c in snap.calls(operation="DescribeLoadBalancerPolicies")] == [
        {"LoadBalancerName": "legacy"}
    ]

    lbs = normalize(snap)
    alb = lbs.load_balancers[aws["lb"]]
    assert alb.internet_facing and alb.type == "application" and alb.attributes_state.state == "collected"
    assert alb.attributes["deletion_protection.enabled"] == "false"
    (listener,) = lbs.listeners_of(aws["lb"])
    assert listener.target_group_arns() == (aws["tg"], aws["api"])
    app = lbs.target_groups[aws["tg"]]
    (target,) = app.targets
    assert target.id == aws["instance"] and target.network_interface_id is not None
    legacy = next(lb for lb in lbs.load_balancers.values() if lb.type == "classic")
    assert legacy.instance_ids == (aws["instance"],)
    assert legacy.instance_network_interface_ids == (target.network_interface_id,)
    assert legacy.classic_listeners[0].instance_port == 8080


def test_denied_target_health_is_recorded_and_not_an_empty_group(aws: dict[str, Any], tmp_path: Path) -> None:
    def deny(service: str, operation: str, params: dict[str, Any]) -> Any:
        if service == "elbv2" and operation == "DescribeTargetHealth":
            return query_error("AccessDenied", "User is not authorized to perform: DescribeTargetHealth", 403)
        if service == "elb" and operation == "DescribeLoadBalancers":
            return query_error(
                "AccessDenied", "User is not authorized to perform: DescribeLoadBalancers", 403
            )
        return None

    factory = FaultyFactory(rules=[deny])
    snap = collect_one(ELBV2, tmp_path / "v2.snapshot", factory=factory)
    assert {c.outcome for c in snap.calls(operation="DescribeTargetHealth")} == {"access_denied"}
    lbs = normalize(snap)
    app = lbs.target_groups[aws["tg"]]
    assert app.targets == () and app.targets_state.state == "denied"
    classic = collect_one(CLASSIC, tmp_path / "classic.snapshot", factory=factory)
    (call,) = classic.calls()
    assert (call.operation, call.outcome) == ("DescribeLoadBalancers", "access_denied")
    coverage = Coverage(calls=classic.calls(), manifest=classic.manifest)
    assert (
        coverage.state(
            account_id="123456789012", region="us-east-1", service="elb", operation="DescribeLoadBalancers"
        ).state
        == "denied"
    )
