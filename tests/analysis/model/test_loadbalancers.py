"""The load balancer normalizer on small fixtures: LB -> listeners (and rules) -> target groups ->
targets -> ENIs, classic load balancers, and per-resource calls that were denied.

Fixtures: fixtures/network_lb.json, with fixtures/network_vpc.json for the ENIs targets resolve to.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.model.coverage import Coverage
from analysis.model.loadbalancers import LoadBalancerInventory, normalize_loadbalancers
from analysis.model.network import normalize_network
from analysis.model.source import PageSource
from snapshot import Snapshot
from tests.analysis.model.builders import write_snapshot
from tests.analysis.model.test_network import fixture_calls

A = "111111111111"
P = f"arn:aws:elasticloadbalancing:us-east-1:{A}"
ALB, NLB = f"{P}:loadbalancer/app/web/1", f"{P}:loadbalancer/net/int/2"
TG1, TG2, TG3 = f"{P}:targetgroup/app/t1", f"{P}:targetgroup/api/t2", f"{P}:targetgroup/ips/t3"


def build(tmp_path: Path, *, with_network: bool) -> LoadBalancerInventory:
    calls, manifest = fixture_calls("network_lb")
    if with_network:
        calls += fixture_calls("network_vpc")[0]
    path = write_snapshot(tmp_path / "lb.awb", calls=calls, manifest=manifest)
    with Snapshot.open(path) as snap:
        source = PageSource(snap)
        coverage = Coverage(calls=snap.calls(), manifest=snap.manifest)
        network = normalize_network(source, coverage) if with_network else None
        return normalize_loadbalancers(source, coverage, network=network)


@pytest.fixture
def lbs(tmp_path: Path) -> LoadBalancerInventory:
    return build(tmp_path, with_network=True)


def test_load_balancers_across_pages_with_attributes(lbs: LoadBalancerInventory) -> None:
    assert set(lbs.load_balancers) == {ALB, NLB, f"{P}:loadbalancer/legacy"}
    alb = lbs.load_balancers[ALB]
    assert (alb.type, alb.scheme, alb.internet_facing, alb.state) == (
        "application",
        "internet-facing",
        True,
        "active",
    )
    assert alb.subnet_ids == ("subnet-pub", "subnet-pub-b") and alb.security_group_ids == ("sg-alb",)
    assert alb.attributes["routing.http.drop_invalid_header_fields.enabled"] == "false"
    assert alb.attributes_state.state == "collected"
    nlb = lbs.load_balancers[NLB]
    # Denied attributes are not "no access logs": empty, with the state that says why.
    assert nlb.attributes == {} and nlb.attributes_state.state == "denied"
    assert not nlb.internet_facing


def test_listeners_rules_and_the_target_groups_they_reach(lbs: LoadBalancerInventory) -> None:
    https, http = lbs.listeners_of(ALB)
    assert (https.port, https.protocol, https.ssl_policy) == (443, "HTTPS", "ELBSecurityPolicy-2016-08")
    assert https.certificate_arns == (f"arn:aws:acm:us-east-1:{A}:certificate/c1",)
    assert [(r.priority, r.is_default) for r in https.rules] == [("10", False), ("default", True)]
    assert https.rules[0].conditions == (("path-pattern", ("/api/*",)),)
    assert https.target_group_arns() == (TG1, TG2)
    assert https.rules_state.state == "collected"
    assert http.default_actions[0].type == "redirect" and http.default_actions[0].redirect_protocol == "HTTPS"
    assert http.rules == () and http.rules_state.state == "denied"
    assert [tg.arn for tg in lbs.target_groups_of(ALB)] == [TG1, TG2]
    (tcp,) = lbs.listeners_of(NLB)
    assert tcp.port == 5432  # "5432" as a string


def test_targets_resolved_to_network_interfaces(lbs: LoadBalancerInventory) -> None:
    app = lbs.target_groups[TG1]
    assert [(t.id, t.port, t.health, t.network_interface_id) for t in app.targets] == [
        ("i-web", 8080, "healthy", "eni-web"),  # the primary ENI, device index 0
        ("i-gone", 8080, "unused", None),
    ]
    assert app.targets[1].health_reason == "Target.InvalidState"
    ips = lbs.target_groups[TG3]
    assert [(t.id, t.network_interface_id, t.availability_zone) for t in ips.targets] == [
        ("10.0.1.5", "eni-app", "us-east-1a")
    ]
    api = lbs.target_groups[TG2]
    assert api.targets == () and api.targets_state.state == "denied"


def test_targets_unresolved_without_the_network_inventory(tmp_path: Path) -> None:
    lbs = build(tmp_path, with_network=False)
    assert [t.network_interface_id for t in lbs.target_groups[TG1].targets] == [None, None]


def test_classic_load_balancer(lbs: LoadBalancerInventory) -> None:
    legacy = lbs.load_balancers[f"{P}:loadbalancer/legacy"]
    assert (legacy.type, legacy.scheme, legacy.vpc_id) == ("classic", "internet-facing", "vpc-a1")
    (listener,) = legacy.classic_listeners
    assert (listener.protocol, listener.port, listener.instance_protocol, listener.instance_port) == (
        "HTTPS",
        443,
        "HTTP",
        80,
    )
    assert listener.policy_names == ("ELBSecurityPolicy-2016-08",)
    assert legacy.instance_ids == ("i-web", "i-app")
    assert legacy.instance_network_interface_ids == ("eni-web", "eni-app")
    assert legacy.attributes == {"AccessLog.Enabled": "False", "CrossZoneLoadBalancing.Enabled": "True"}
    assert legacy.policies["ELBSecurityPolicy-2016-08"]["Protocol-TLSv1"] == "true"
    assert legacy.policies_state is not None and legacy.policies_state.state == "collected"


def test_per_resource_call_never_asked_is_not_collected(tmp_path: Path) -> None:
    calls, manifest = fixture_calls("network_lb")
    calls = [c for c in calls if c.operation != "DescribeListeners"]
    path = write_snapshot(tmp_path / "partial.awb", calls=calls, manifest=manifest)
    with Snapshot.open(path) as snap:
        lbs = normalize_loadbalancers(PageSource(snap), Coverage(calls=snap.calls(), manifest=snap.manifest))
    alb = lbs.load_balancers[ALB]
    assert alb.listener_arns == () and alb.listeners_state.state == "not_collected"
