"""The demo organization's network (collectors/demo/seed_network.py): the truly exposed host is
found on its ports, every trap a rule-level check would flag is not exposed, the app servers are
reachable only through their internet-facing load balancers, and the tools-hub peering is seen.
Builds the demo snapshot once for the module (seeded in moto, collected by the real collectors)
and seeds moto again to learn what was created."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from analysis.model.inventory import Inventory, build_inventory
from analysis.network import build_network_index, find_path, internet_exposure, vpc_connectivity
from analysis.network.index import NetworkIndex
from analysis.network.results import NETWORK_ACL, RETURN, VPC_PEERING, ExposureReport
from collectors.demo.build import build_demo_snapshot, isolated_aws_environment
from collectors.demo.seed import seed_demo_organization
from snapshot import Snapshot


@dataclass
class Demo:
    inventory: Inventory
    index: NetworkIndex
    report: ExposureReport
    seeded: dict[str, Any]  # ctx.resources["network"]

    def instance(self, name: str) -> str:
        return str(self.seeded["resources"][name]["id"])

    def exposed_ports(self, name: str) -> set[tuple[str, str]]:
        instance = self.instance(name)
        return {(e.via, e.ports.label()) for e in self.report.exposures if e.instance_id == instance}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    from moto import mock_aws

    path = build_demo_snapshot(tmp_path_factory.mktemp("demo-network") / "demo.snapshot")
    with isolated_aws_environment(), mock_aws():
        seeded = seed_demo_organization().resources["network"]
    with Snapshot.open(path) as snap:
        inventory = build_inventory(snap)
    index = build_network_index(inventory)
    yield Demo(inventory, index, internet_exposure(inventory, index=index), seeded)


def test_the_exposed_host_is_found_on_its_ports(demo: Demo) -> None:
    for name, ports in demo.seeded["exposed"].items():
        assert demo.exposed_ports(name) == {("direct", f"tcp/{p}") for p in ports}, name
    instance = demo.instance("hub-web-exposed")
    ssh = next(e for e in demo.report.exposures if e.instance_id == instance and e.ports.label() == "tcp/22")
    assert ssh.management == ("SSH",) and all(h.allowed for h in ssh.hops)


def test_every_trap_is_not_exposed(demo: Demo) -> None:
    traps = demo.seeded["not_exposed"]
    assert traps
    for name in traps:
        assert demo.exposed_ports(name) == set(), name
    # ... though each carries the group open to the world (rule level).
    open_group = demo.seeded["resources"]["hub-web-open"]["id"]
    rules = [r for r in demo.report.open_rules if r.security_group_id == open_group]
    assert rules and all(len(r.attached_to) == 5 and len(r.reachable_on) == 1 for r in rules)


def test_app_servers_are_exposed_only_through_their_load_balancers(demo: Demo) -> None:
    arns = {lb.name: lb.arn for lb in demo.inventory.load_balancers.load_balancers.values()}
    for instance_name, lb_name in demo.seeded["behind_alb"].items():
        exposures = [e for e in demo.report.exposures if e.instance_id == demo.instance(instance_name)]
        assert exposures and {e.via for e in exposures} == {"load_balancer"}, instance_name
        assert arns[lb_name] in {e.load_balancer_arn for e in exposures}
        assert {e.ports.label() for e in exposures} == {"tcp/8080"}


def test_path_to_the_no_return_trap_is_blocked_by_the_return_rule(demo: Demo) -> None:
    result = find_path(
        demo.inventory,
        source="internet",
        destination=demo.instance("hub-web-no-return"),
        port=443,
        index=demo.index,
    )
    assert not result.reachable and result.blocked_by is not None
    assert result.blocked_by.kind == NETWORK_ACL and result.blocked_by.direction == RETURN
    assert result.blocked_by.component_id == demo.seeded["resources"]["hub-nacl-no-return"]["id"]


def test_tools_hub_peering_is_a_link(demo: Demo) -> None:
    pcx = demo.seeded["resources"]["tools-hub-peering"]["id"]
    links = [link for link in vpc_connectivity(demo.inventory, index=demo.index) if link.component_id == pcx]
    assert {(link.via, link.target_in_organization) for link in links} == {(VPC_PEERING, True)}
    assert {link.source_vpc_id for link in links} == {
        demo.seeded["resources"]["tools"]["id"],
        demo.seeded["resources"]["hub"]["id"],
    }


def test_nothing_collected_is_reported_not_assessed(demo: Demo) -> None:
    """The demo's suspended account could not be entered: not assessed, with the reason."""
    assert demo.report.interfaces_checked == len(demo.inventory.network.network_interfaces)
    assert all(gap.reason for gap in demo.report.not_assessed)
