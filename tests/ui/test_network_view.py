"""The network view on the demo organization (pytest-qt, offscreen).

The drawing, the tree, the exposures and the hop list are checked on records built here by hand
from the demo Inventory (so a failure here is the view's, not the engine's): the truly exposed
host's SSH path, a path through an internet-facing load balancer, and the NACL-denied trap as a
blocked path query. ``test_network_view_engine`` runs the same view on the real engine's answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPointF, QSettings, Qt

from analysis.model.inventory import Inventory, build_inventory
from analysis.model.network import Instance, Subnet
from analysis.network.results import (
    ALLOW,
    DENY,
    INBOUND,
    INTERNET,
    INTERNET_GATEWAY,
    LISTENER,
    LOAD_BALANCER,
    NETWORK_ACL,
    NETWORK_INTERFACE,
    RETURN,
    ROUTE_TABLE,
    SECURITY_GROUP,
    TARGET_GROUP,
    Endpoint,
    Exposure,
    ExposureReport,
    Hop,
    NotAssessed,
    PathResult,
    PortRange,
)
from collectors.demo.build import build_demo_snapshot
from snapshot import Snapshot
from ui.main_window import MainWindow
from ui.models.network_models import (
    CRITICAL,
    HIGH,
    KEY_ROLE,
    MEDIUM,
    ExposureTableModel,
    HopTableModel,
    NetworkTreeModel,
    NetworkTreeProxy,
    severity,
)
from ui.views.network import NetworkView
from ui.views.network.hops import PathSides, hop_keys, sides_of_interface
from ui.views.network.layout import layout_vpc
from ui.workers import NetworkBundle, build_network_job

TIMEOUT_MS = 10_000


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_snapshot(tmp_path_factory.mktemp("demo-network-view") / "demo.snapshot")


@pytest.fixture(scope="module")
def inventory(demo_path: Path) -> Inventory:
    with Snapshot.open(demo_path) as snap:
        return build_inventory(snap)


@pytest.fixture(scope="module")
def engine_bundle(demo_path: Path) -> NetworkBundle:
    """The real engine's answers, through the job the window runs (reading the snapshot itself)."""
    said: list[object] = []
    with Snapshot.open(demo_path) as snap:
        bundle = build_network_job(snap)(said.append, lambda: False)
    assert isinstance(bundle, NetworkBundle) and said  # progress was reported
    return bundle


# -- records built by hand from the demo Inventory ---------------------------------------------------


def instance(inv: Inventory, name: str) -> Instance:
    return next(i for i in inv.network.instances.values() if i.name == name)


def subnet_of(inv: Inventory, inst: Instance) -> Subnet:
    found = inv.network.get(inst.subnet_id)
    assert isinstance(found, Subnet)
    return found


def hop(
    inv: Inventory, kind: str, component_id: str, rule: str, *, direction: str = "", verdict: str = ALLOW
) -> Hop:
    arn = inv.network.ids.get(component_id) or (component_id if component_id.startswith("arn:") else None)
    record = inv.get(arn) if arn else None
    return Hop(
        kind=kind,
        component_id=component_id,
        arn=arn,
        account_id=record.account_id if record else None,
        region=record.region if record else None,
        direction=direction,
        verdict=verdict,
        rule=rule,
    )


def igw_of(inv: Inventory, vpc_id: str) -> str:
    return next(g.gateway_id for g in inv.network.gateways.values() if vpc_id in g.vpc_ids)


def entry_hops(inv: Inventory, inst: Instance) -> list[Hop]:
    """internet -> IGW -> the subnet's route table -> its NACL, inbound (all allowed)."""
    subnet = subnet_of(inv, inst)
    return [
        hop(inv, INTERNET, "internet", "from 0.0.0.0/0"),
        hop(inv, INTERNET_GATEWAY, igw_of(inv, subnet.vpc_id), f"attached to {subnet.vpc_id}"),
        hop(inv, ROUTE_TABLE, str(subnet.route_table_id), "route 0.0.0.0/0 -> igw (longest prefix match)"),
    ]


def direct_exposure(inv: Inventory, name: str, port: int, management: tuple[str, ...] = ()) -> Exposure:
    inst = instance(inv, name)
    subnet = subnet_of(inv, inst)
    eni = inst.network_interface_ids[0]
    acl = str(subnet.network_acl_id)
    hops = [
        *entry_hops(inv, inst),
        hop(inv, NETWORK_ACL, acl, "rule 100 allows all from 0.0.0.0/0", direction=INBOUND),
        hop(inv, NETWORK_ACL, acl, "rule 100 allows all to 0.0.0.0/0", direction=RETURN),
        hop(inv, SECURITY_GROUP, inst.security_group_ids[0], f"tcp {port} from 0.0.0.0/0", direction=INBOUND),
        hop(inv, NETWORK_INTERFACE, eni, "the instance's primary interface"),
    ]
    return Exposure(
        network_interface_id=eni,
        network_interface_arn=inv.network.ids[eni],
        instance_id=inst.instance_id,
        account_id=inst.account_id,
        region=inst.region,
        vpc_id=subnet.vpc_id,
        subnet_id=subnet.subnet_id,
        via="direct",
        load_balancer_arn=None,
        entry=str(inst.public_ip),
        source_cidr="0.0.0.0/0",
        ports=PortRange(protocol="tcp", from_port=port, to_port=port),
        listener_ports=None,
        hops=tuple(hops),
        management=management,
    )


def lb_exposure(inv: Inventory, lb_name: str, target: str) -> Exposure:
    lb = next(b for b in inv.load_balancers.load_balancers.values() if b.name == lb_name)
    tg = next(t for t in inv.load_balancers.target_groups.values() if lb.arn in t.load_balancer_arns)
    listener = lb.listener_arns[0]
    inst = instance(inv, target)
    subnet = subnet_of(inv, inst)
    eni = inst.network_interface_ids[0]
    hops = [
        hop(inv, INTERNET, "internet", "from 0.0.0.0/0"),
        hop(inv, INTERNET_GATEWAY, igw_of(inv, subnet.vpc_id), "attached"),
        hop(inv, LOAD_BALANCER, lb.arn, "internet-facing"),
        hop(inv, LISTENER, listener, "HTTP 80 forwards to the target group"),
        hop(inv, SECURITY_GROUP, lb.security_group_ids[0], "tcp 80 from 0.0.0.0/0", direction=INBOUND),
        hop(inv, TARGET_GROUP, tg.arn, "target i-... port 8080"),
        hop(
            inv, SECURITY_GROUP, inst.security_group_ids[0], "tcp 8080 from sg (the LB's)", direction=INBOUND
        ),
        hop(inv, NETWORK_INTERFACE, eni, "target interface"),
    ]
    return Exposure(
        network_interface_id=eni,
        network_interface_arn=inv.network.ids[eni],
        instance_id=inst.instance_id,
        account_id=inst.account_id,
        region=inst.region,
        vpc_id=subnet.vpc_id,
        subnet_id=subnet.subnet_id,
        via="load_balancer",
        load_balancer_arn=lb.arn,
        entry=lb.dns_name,
        source_cidr="0.0.0.0/0",
        ports=PortRange(protocol="tcp", from_port=8080, to_port=8080),
        listener_ports=PortRange(protocol="tcp", from_port=80, to_port=80),
        hops=tuple(hops),
    )


def blocked_path(inv: Inventory) -> PathResult:
    """internet -> hub-web-nacl-denied on tcp/22: blocked by its subnet's NACL rule 91."""
    inst = instance(inv, "hub-web-nacl-denied")
    subnet = subnet_of(inv, inst)
    deny = hop(
        inv,
        NETWORK_ACL,
        str(subnet.network_acl_id),
        "rule 91 denies tcp 22 from 0.0.0.0/0",
        direction=INBOUND,
        verdict=DENY,
    )
    return PathResult(
        source=Endpoint(kind="internet", id="internet", label="internet"),
        destination=Endpoint(
            kind="instance",
            id=inst.instance_id,
            label=f"{inst.name} ({inst.instance_id})",
            network_interface_id=inst.network_interface_ids[0],
            address=inst.public_ip,
            account_id=inst.account_id,
            region=inst.region,
            vpc_id=subnet.vpc_id,
        ),
        protocol="tcp",
        port=22,
        reachable=False,
        hops=(*entry_hops(inv, inst), deny),
        blocked_by=deny,
        explanation=f"blocked by {subnet.network_acl_id} rule 91 (deny tcp 22 from 0.0.0.0/0)",
    )


def bundle_of(inv: Inventory, *, not_assessed: tuple[NotAssessed, ...] = ()) -> NetworkBundle:
    exposures = (
        direct_exposure(inv, "hub-web-exposed", 443),
        direct_exposure(inv, "hub-web-exposed", 22, ("SSH",)),
        direct_exposure(inv, "hub-web-exposed", 3389, ("RDP",)),  # not seeded: for sorting by number
        direct_exposure(inv, "hub-web-exposed", 5432, ("PostgreSQL",)),
        lb_exposure(inv, "web-alb-nowaf", "web-app-nowaf"),
    )
    report = ExposureReport(
        exposures=exposures, open_rules=(), not_assessed=not_assessed, interfaces_checked=8, seconds=0.1
    )
    return NetworkBundle(inventory=inv, index=None, report=report, links=())


@pytest.fixture
def view(qtbot: Any, inventory: Inventory) -> Iterator[NetworkView]:
    v = NetworkView()
    qtbot.addWidget(v)
    v.resize(1500, 950)
    v.set_bundle(bundle_of(inventory))
    yield v
    v.wait_idle()


def vpc_id(inv: Inventory, name: str) -> str:
    return next(v.vpc_id for v in inv.network.vpcs.values() if v.name == name)


# -- the tree --------------------------------------------------------------------------------------------


def _children(model: Any, parent: Any) -> list[Any]:
    return [model.index(r, 0, parent) for r in range(model.rowCount(parent))]


def test_tree_lists_accounts_regions_and_vpcs_with_exposure_counts(
    view: NetworkView, inventory: Inventory
) -> None:
    model = view.tree_panel.model
    accounts = {i.data(): i for i in _children(model, model.index(-1, -1))}
    network = next(i for text, i in accounts.items() if text.startswith("network ("))
    regions = {i.data(): i for i in _children(model, network)}
    assert set(regions) >= {"us-east-1", "eu-west-1"}
    vpcs = {i.data(): i for i in _children(model, regions["us-east-1"])}
    hub = next(i for text, i in vpcs.items() if text.startswith("hub · "))
    assert hub.data(KEY_ROLE) == (
        "vpc",
        instance(inventory, "hub-web-exposed").account_id,
        "us-east-1",
        vpc_id(inventory, "hub"),
    )
    assert hub.siblingAtColumn(1).data() == "4"  # four exposures of hub-web-exposed
    assert any("default" in text for text in vpcs)  # default VPCs are listed too
    assert len(inventory.network.vpcs) == sum(
        model.rowCount(r) for a in _children(model, model.index(-1, -1)) for r in _children(model, a)
    )


def test_tree_filter_keeps_the_matching_vpc_and_its_parents(view: NetworkView) -> None:
    view.tree_panel.filter_edit.setText("TOOLS")
    proxy = view.tree_panel.proxy
    accounts = _children(proxy, proxy.index(-1, -1))
    assert [a.data().split(" (")[0] for a in accounts] == ["shared-services"]
    regions = _children(proxy, accounts[0])
    assert [r.data() for r in regions] == ["us-east-1"]
    assert [v.data().split(" · ")[0] for v in _children(proxy, regions[0])] == ["tools"]


def test_selecting_a_vpc_draws_it_and_scopes_the_exposures(
    qtbot: Any, view: NetworkView, inventory: Inventory
) -> None:
    web = vpc_id(inventory, "web")
    with qtbot.waitSignal(view.drawn, timeout=TIMEOUT_MS):
        assert view.select_vpc(web)
    assert view.topology is not None and view.topology.vpc_id == web
    assert view.exposures.proxy.rowCount() == 1  # the load balancer's target
    nodes = view.topology.nodes
    assert sum(1 for n in nodes.values() if n.kind == "load_balancer") == 3
    assert sum(1 for n in nodes.values() if n.kind == "subnet") == 3


# -- the drawing -----------------------------------------------------------------------------------------


def test_layout_places_subnets_in_the_vpc_and_interfaces_in_their_subnet(inventory: Inventory) -> None:
    topo = layout_vpc(inventory, vpc_id(inventory, "hub"), exposures=bundle_of(inventory).report.exposures)
    vpc = topo.nodes[topo.vpc_id]

    def inside(inner: Any, outer: Any) -> bool:
        return (
            outer.x <= inner.x
            and inner.x + inner.w <= outer.x + outer.w
            and outer.y <= inner.y
            and inner.y + inner.h <= outer.y + outer.h
        )

    subnets = [n for n in topo.nodes.values() if n.kind == "subnet"]
    assert len(subnets) == 5 and all(inside(s, vpc) for s in subnets)
    assert [s.style for s in subnets][:4] == ["public"] * 4 and subnets[4].style == "private"  # public first
    for inst in inventory.network.instances.values():
        if inst.vpc_id == topo.vpc_id:
            assert inside(topo.nodes[inst.network_interface_ids[0]], topo.nodes[str(inst.subnet_id)])
    for a in subnets:  # the grid: no two subnets overlap
        for b in subnets:
            if a is not b:
                assert a.x + a.w <= b.x or b.x + b.w <= a.x or a.y + a.h <= b.y or b.y + b.h <= a.y
    exposed = topo.nodes[instance(inventory, "hub-web-exposed").network_interface_ids[0]]
    assert exposed.style == "exposed" and any(line.startswith("exposed: tcp/") for line in exposed.lines)
    nat = next(n for n in topo.nodes.values() if n.kind == "nat_gateway")
    assert nat.y > topo.nodes["internet"].y
    kinds = {n.kind for n in topo.nodes.values()}
    assert {"internet_gateway", "vpc_peering", "transit_gateway", "vpc_endpoint"} <= kinds
    assert layout_vpc(inventory, topo.vpc_id, exposures=bundle_of(inventory).report.exposures) == topo


def test_peering_outside_the_organization_is_marked(inventory: Inventory) -> None:
    topo = layout_vpc(inventory, vpc_id(inventory, "tools"))
    peerings = [n for n in topo.nodes.values() if n.kind == "vpc_peering"]
    assert len(peerings) == 2
    outside = [n for n in peerings if n.style == "outside"]
    assert len(outside) == 1 and any("outside the organization" in line for line in outside[0].lines)


def test_unknown_vpc_is_a_key_error(inventory: Inventory) -> None:
    with pytest.raises(KeyError):
        layout_vpc(inventory, "vpc-00000000000000000")


# -- exposures ---------------------------------------------------------------------------------------------


def test_exposures_sorted_by_severity_then_by_port_number(view: NetworkView) -> None:
    proxy = view.exposures.proxy
    col = ExposureTableModel.COL_SEVERITY
    severities = [proxy.index(r, col).data() for r in range(proxy.rowCount())]
    assert severities == [CRITICAL, CRITICAL, HIGH, MEDIUM, MEDIUM]
    assert proxy.index(0, ExposureTableModel.COL_PORTS).data() == "tcp/22 (SSH)"
    view.exposures.table.sortByColumn(ExposureTableModel.COL_PORTS, Qt.SortOrder.AscendingOrder)
    ports = [
        proxy.index(r, ExposureTableModel.COL_PORTS).data().split(" ")[0] for r in range(proxy.rowCount())
    ]
    # By number, not by text (text would put tcp/3389 before tcp/443): the LB row sorts by its target port.
    assert ports == ["tcp/22", "tcp/443", "tcp/3389", "tcp/5432", "tcp/80"]
    via = [proxy.index(r, ExposureTableModel.COL_VIA).data() for r in range(proxy.rowCount())]
    assert via[-1] == "load balancer" and proxy.index(4, ExposureTableModel.COL_ENTRY).data().endswith(
        ".elb.amazonaws.com"
    )


def test_severity_levels() -> None:
    def exposure(*management: str) -> Any:
        return type("E", (), {"management": management})()

    assert severity(exposure("SSH")) == CRITICAL
    assert severity(exposure("Kubernetes API")) == CRITICAL
    assert severity(exposure("MySQL")) == HIGH
    assert severity(exposure()) == MEDIUM


def test_selecting_an_exposure_lights_its_hops_in_order(
    qtbot: Any, view: NetworkView, inventory: Inventory
) -> None:
    with qtbot.waitSignal(view.path_shown, timeout=TIMEOUT_MS) as shown:
        exposure = view.select_exposure(0)
    assert exposure is not None and shown.args == [exposure] and exposure.ports.from_port == 22
    inst = instance(inventory, "hub-web-exposed")
    subnet = subnet_of(inventory, inst)
    eni = inst.network_interface_ids[0]
    assert view.topology is not None and view.topology.vpc_id == subnet.vpc_id
    assert view.canvas.highlighted == (
        "internet",
        igw_of(inventory, subnet.vpc_id),
        f"{subnet.route_table_id}@{subnet.subnet_id}",  # the exposed host's subnet, not another using it
        f"{subnet.network_acl_id}@{subnet.subnet_id}",
        f"{inst.security_group_ids[0]}@{eni}",  # the group on this interface, not on the others
        eni,
    )
    assert view.canvas.blocked_key is None
    assert view.hops.model.rowCount() == len(exposure.hops)
    assert view.hops.model.index(3, HopTableModel.COL_DIRECTION).data() == INBOUND
    assert view.hops.model.index(3, HopTableModel.COL_RULE).data() == "rule 100 allows all from 0.0.0.0/0"
    assert "critical" in view.hops.title.text()
    assert view.exposures.proxy.rowCount() == 5  # selecting did not narrow the list under the cursor


def test_load_balancer_path_lights_the_lb_group_then_the_target_group(
    view: NetworkView, inventory: Inventory
) -> None:
    lb_row = next(
        r
        for r in range(view.exposures.proxy.rowCount())
        if view.exposures.proxy.index(r, ExposureTableModel.COL_VIA).data() == "load balancer"
    )
    exposure = view.select_exposure(lb_row)
    assert exposure is not None and exposure.load_balancer_arn
    lb = inventory.load_balancers.load_balancers[exposure.load_balancer_arn]
    app_sg = instance(inventory, "web-app-nowaf").security_group_ids[0]
    assert view.canvas.highlighted == (
        "internet",
        igw_of(inventory, exposure.vpc_id),
        lb.arn,  # the LB, its listener and target group all light the LB's box
        f"{lb.security_group_ids[0]}@{lb.arn}",
        f"{app_sg}@{exposure.network_interface_id}",
        exposure.network_interface_id,
    )


def test_hop_keys_put_return_and_outbound_checks_on_the_right_side(inventory: Inventory) -> None:
    """Between two instances of one VPC sharing a NACL: outbound at the source's subnet, inbound at the
    destination's."""
    src, dst = instance(inventory, "hub-web-exposed"), instance(inventory, "hub-app-behind-nat")
    acl = str(subnet_of(inventory, src).network_acl_id)
    assert subnet_of(inventory, dst).network_acl_id == acl  # the default NACL, on both subnets
    topo = layout_vpc(inventory, str(src.vpc_id))
    hops = [
        hop(inventory, ROUTE_TABLE, str(subnet_of(inventory, src).route_table_id), "local"),
        hop(inventory, NETWORK_ACL, acl, "rule 100", direction="outbound"),
        hop(inventory, NETWORK_ACL, acl, "rule 100", direction=INBOUND),
        hop(inventory, SECURITY_GROUP, dst.security_group_ids[0], "tcp 22", direction=INBOUND),
        hop(inventory, NETWORK_INTERFACE, dst.network_interface_ids[0], ""),
        hop(inventory, "vpc_peering", "pcx-not-in-this-drawing", ""),
    ]
    sides = PathSides(
        source=sides_of_interface(inventory, src.network_interface_ids[0]),
        destination=sides_of_interface(inventory, dst.network_interface_ids[0]),
    )
    keys = hop_keys(topo, hops, sides)
    assert keys == [
        f"{subnet_of(inventory, src).route_table_id}@{src.subnet_id}",
        f"{acl}@{src.subnet_id}",
        f"{acl}@{dst.subnet_id}",
        f"{dst.security_group_ids[0]}@{dst.network_interface_ids[0]}",
        dst.network_interface_ids[0],
        None,
    ]


# -- path queries ----------------------------------------------------------------------------------------------


def test_blocked_path_query_shows_the_blocking_hop_in_red(
    qtbot: Any, view: NetworkView, inventory: Inventory, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[Any, ...]] = []

    def fake_path_job(bundle: NetworkBundle, *args: Any) -> Any:
        asked.append(args)
        return lambda progress, cancelled: blocked_path(bundle.inventory)

    monkeypatch.setattr("ui.views.network.view.path_job", fake_path_job)
    target = instance(inventory, "hub-web-nacl-denied")
    view.path_form.set_query("internet", f"{target.instance_id}  hub-web-nacl-denied · network", "tcp", 22)
    with qtbot.waitSignal(view.path_shown, timeout=TIMEOUT_MS):
        view.path_form.run_button.click()
    assert asked == [("internet", target.instance_id, "tcp", 22)]  # the completion's first word only
    subnet = subnet_of(inventory, target)
    blocked = f"{subnet.network_acl_id}@{subnet.subnet_id}"
    assert view.canvas.blocked_key == blocked and view.canvas.highlighted[-1] == blocked
    assert "Not reachable" in view.path_form.result_label.text()
    assert "rule 91" in view.path_form.result_label.text()
    last = view.hops.model.index(view.hops.model.rowCount() - 1, HopTableModel.COL_VERDICT)
    assert last.data() == DENY
    assert last.data(Qt.ItemDataRole.ForegroundRole).color().name() == "#c62828"
    first = view.hops.model.index(0, HopTableModel.COL_VERDICT)
    assert first.data(Qt.ItemDataRole.ForegroundRole) is None


def test_path_form_says_what_is_missing(view: NetworkView) -> None:
    view.path_form.set_query("internet", "   ")
    view.path_form.run_button.click()
    assert "Say where the path starts" in view.path_form.result_label.text()
    assert not view.queries.is_busy()


def test_engine_refusal_is_a_message(qtbot: Any, view: NetworkView, monkeypatch: pytest.MonkeyPatch) -> None:
    def refusing(bundle: NetworkBundle, *args: Any) -> Any:
        def job(progress: Any, cancelled: Any) -> Any:
            raise ValueError("no instance, interface, subnet or address matches 'i-nope'")

        return job

    monkeypatch.setattr("ui.views.network.view.path_job", refusing)
    view.run_path("internet", "i-nope", "tcp", 22)
    qtbot.waitUntil(lambda: "i-nope" in view.path_form.result_label.text() and not view.queries.is_busy())
    assert "no instance, interface" in view.path_form.result_label.text()
    assert "ValueError" not in view.path_form.result_label.text()


# -- coverage ------------------------------------------------------------------------------------------------------


def test_not_assessed_parts_are_said_plainly(qtbot: Any, inventory: Inventory) -> None:
    hub = inventory.network.get(vpc_id(inventory, "hub"))
    assert hub is not None
    gap = NotAssessed(
        account_id=hub.account_id,
        region="us-east-1",
        what="network ACLs",
        reason="access denied (DescribeNetworkAcls)",
    )
    v = NetworkView()
    qtbot.addWidget(v)
    v.set_bundle(bundle_of(inventory, not_assessed=(gap,)))
    assert (
        "network ACLs in network (" in v.exposures.gaps_label.text()
        and "DescribeNetworkAcls" in v.exposures.gaps_label.text()
    )
    v.select_vpc(hub.vpc_id)  # type: ignore[attr-defined]
    assert v.coverage_label.isVisibleTo(v)
    assert v.coverage_label.text().startswith("Not assessed here: network ACLs")
    region = next(
        r
        for a in _children(v.tree_panel.model, v.tree_panel.model.index(-1, -1))
        for r in _children(v.tree_panel.model, a)
        if r.data(KEY_ROLE) == ("region", hub.account_id, "us-east-1", None)
    )
    assert "not assessed" in region.siblingAtColumn(1).data()
    v.select_vpc(vpc_id(inventory, "web"))  # another account: nothing to say there
    assert not v.coverage_label.isVisibleTo(v)


def test_cleared_view_is_disabled(view: NetworkView) -> None:
    view.set_bundle(None)
    assert view.exposures.model.rowCount() == 0 and view.tree_panel.model.rowCount() == 0
    assert not view.tabs.isEnabled() and view.topology is None


def test_models_pass_the_model_tester(qtmodeltester: Any, inventory: Inventory) -> None:
    bundle = bundle_of(inventory)
    exposures = ExposureTableModel()
    exposures.set_exposures(bundle.report.exposures, inventory=inventory)
    qtmodeltester.check(exposures)
    hops = HopTableModel()
    hops.set_hops(blocked_path(inventory).hops)
    qtmodeltester.check(hops)
    tree = NetworkTreeModel()
    tree.set_inventory(inventory, exposures=bundle.report.exposures)
    qtmodeltester.check(tree)
    proxy = NetworkTreeProxy()
    proxy.setSourceModel(tree)
    proxy.setFilterFixedString("hub")
    qtmodeltester.check(proxy)


# -- the real engine's answers on the demo organization --------------------------------------------------------


@pytest.fixture
def engine_view(qtbot: Any, engine_bundle: NetworkBundle) -> Iterator[NetworkView]:
    v = NetworkView()
    qtbot.addWidget(v)
    v.resize(1500, 950)
    v.set_bundle(engine_bundle)
    yield v
    v.wait_idle()


def _row_of(view: NetworkView, eni: str, port: int, via: str = "direct") -> int:
    proxy = view.exposures.proxy
    for row in range(proxy.rowCount()):
        e = view.exposures.model.exposure(proxy.mapToSource(proxy.index(row, 0)).row())
        if e is not None and (e.network_interface_id, e.ports.from_port, e.via) == (eni, port, via):
            return row
    raise AssertionError(f"no exposure of {eni} on {port} via {via}")


def test_engine_exposures_listed_with_the_truly_exposed_host_first(
    engine_view: NetworkView, inventory: Inventory
) -> None:
    exposed = instance(inventory, "hub-web-exposed")
    first = engine_view.exposures.model.exposure(
        engine_view.exposures.proxy.mapToSource(engine_view.exposures.proxy.index(0, 0)).row()
    )
    assert first is not None and first.instance_id == exposed.instance_id and first.ports.from_port == 22
    assert engine_view.exposures.proxy.index(0, ExposureTableModel.COL_SEVERITY).data() == CRITICAL
    listed = {
        engine_view.exposures.model.exposure(r).instance_id  # type: ignore[union-attr]
        for r in range(engine_view.exposures.model.rowCount())
    }
    for trap in ("hub-app-behind-nat", "hub-web-nacl-denied", "hub-web-no-public-ip"):
        assert instance(inventory, trap).instance_id not in listed
    assert instance(inventory, "web-app-nowaf").instance_id in listed  # only through the load balancers


def test_engine_exposure_hops_land_on_the_right_tags(engine_view: NetworkView, inventory: Inventory) -> None:
    inst = instance(inventory, "hub-web-exposed")
    subnet = subnet_of(inventory, inst)
    eni = inst.network_interface_ids[0]
    exposure = engine_view.select_exposure(_row_of(engine_view, eni, 22))
    assert exposure is not None
    lit = engine_view.canvas.highlighted
    assert engine_view.canvas.hop_keys[0] == "internet" and engine_view.canvas.hop_keys[-1] == eni
    assert None not in engine_view.canvas.hop_keys  # every hop is on the drawing
    assert {
        f"{subnet.route_table_id}@{subnet.subnet_id}",
        f"{subnet.network_acl_id}@{subnet.subnet_id}",
        f"{inst.security_group_ids[0]}@{eni}",
    } <= set(lit)
    assert engine_view.canvas.blocked_key is None
    assert all(
        engine_view.hops.model.index(r, HopTableModel.COL_VERDICT).data() == ALLOW
        for r in range(engine_view.hops.model.rowCount())
    )


def test_engine_load_balancer_exposure_lights_the_lb_and_its_group(
    engine_view: NetworkView, inventory: Inventory
) -> None:
    target = instance(inventory, "web-app-waf")
    eni = target.network_interface_ids[0]
    exposure = engine_view.select_exposure(_row_of(engine_view, eni, 8080, "load_balancer"))
    assert exposure is not None and exposure.load_balancer_arn is not None
    lb = inventory.load_balancers.load_balancers[exposure.load_balancer_arn]
    lit = engine_view.canvas.highlighted
    assert lb.arn in lit and f"{lb.security_group_ids[0]}@{lb.arn}" in lit
    assert f"{target.security_group_ids[0]}@{eni}" in lit and engine_view.canvas.hop_keys[-1] == eni
    lb_subnet_tags = [k for k in lit if k.startswith("rtb-") and k.split("@")[1] in lb.subnet_ids]
    assert lb_subnet_tags  # the LB's own subnet's route table, as the engine names it


@pytest.mark.parametrize(
    ("name", "blocked_by"),
    [("hub-web-nacl-denied", "network_acl"), ("hub-web-no-public-ip", "network_interface")],
)
def test_engine_blocked_path_query(
    qtbot: Any, engine_view: NetworkView, inventory: Inventory, name: str, blocked_by: str
) -> None:
    target = instance(inventory, name)
    engine_view.path_form.set_query("internet", f"{target.instance_id}  {name}", "tcp", 22)
    with qtbot.waitSignal(engine_view.path_shown, timeout=TIMEOUT_MS) as shown:
        engine_view.path_form.run_button.click()
    result = shown.args[0]
    assert isinstance(result, PathResult) and not result.reachable
    subnet = subnet_of(inventory, target)
    expected = {
        "network_acl": f"{subnet.network_acl_id}@{subnet.subnet_id}",
        "network_interface": target.network_interface_ids[0],
    }[blocked_by]
    assert engine_view.canvas.blocked_key == expected
    assert engine_view.path_form.result_label.text().startswith("Not reachable")
    model = engine_view.hops.model
    last = model.index(model.rowCount() - 1, HopTableModel.COL_VERDICT)
    assert last.data() == DENY and last.data(Qt.ItemDataRole.ForegroundRole).color().name() == "#c62828"


def test_engine_reachable_path_between_two_instances(
    qtbot: Any, engine_view: NetworkView, inventory: Inventory
) -> None:
    src, dst = instance(inventory, "hub-web-exposed"), instance(inventory, "hub-app-behind-nat")
    with qtbot.waitSignal(engine_view.path_shown, timeout=TIMEOUT_MS):
        engine_view.run_path(src.instance_id, dst.instance_id, "tcp", 22)
    assert engine_view.path_form.result_label.text().startswith("Reachable")
    lit = engine_view.canvas.highlighted
    dst_acl = f"{subnet_of(inventory, dst).network_acl_id}@{dst.subnet_id}"
    src_acl = f"{subnet_of(inventory, src).network_acl_id}@{src.subnet_id}"
    assert (
        src_acl in lit and dst_acl in lit and engine_view.canvas.hop_keys[-1] == dst.network_interface_ids[0]
    )
    assert engine_view.canvas.blocked_key is None


def test_engine_unknown_end_is_said(qtbot: Any, engine_view: NetworkView) -> None:
    engine_view.run_path("internet", "i-0000000000000dead", "tcp", 22)
    qtbot.waitUntil(lambda: not engine_view.queries.is_busy(), timeout=TIMEOUT_MS)
    text = engine_view.path_form.result_label.text()
    assert "i-0000000000000dead" in text and not text.startswith(("Reachable", "Not reachable"))


def test_window_analyses_the_network_on_first_show_of_the_tab(
    qtbot: Any, tmp_path: Path, demo_path: Path, inventory: Inventory
) -> None:
    win = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.snapshot_loaded, timeout=TIMEOUT_MS):
        win.open_path(str(demo_path))
    assert win.network_view.bundle is None and not win.network_view.analysis_runner.is_busy()  # not at open
    assert win.tabs.tabText(win.tabs.indexOf(win.network_view)) == "Network"
    with qtbot.waitSignal(win.network_view.ready, timeout=60_000):
        win.tabs.setCurrentWidget(win.network_view)
    assert win.analysis is None  # the trust graph was not built for it
    bundle = win.network_view.bundle
    assert bundle is not None and bundle.report.exposures
    assert win.network_view.topology is not None  # the most severe exposure's VPC is drawn
    win.tabs.setCurrentWidget(win.ou_view)
    win.tabs.setCurrentWidget(win.network_view)
    assert win.network_view.bundle is bundle and not win.network_view.analysis_runner.is_busy()  # cached
    win.close_snapshot()
    assert win.network_view.bundle is None and win.network_view.snapshot is None
    win.close()


def test_picking_a_hop_rings_it_on_the_drawing_and_says_its_rule(
    qtbot: Any, engine_view: NetworkView, inventory: Inventory
) -> None:
    target = instance(inventory, "hub-web-nacl-denied")
    with qtbot.waitSignal(engine_view.path_shown, timeout=TIMEOUT_MS):
        engine_view.run_path("internet", target.instance_id, "tcp", 22)
    panel = engine_view.hops
    last = panel.model.rowCount() - 1
    assert panel.rule_label.text().startswith(f"Hop {last + 1}, network ACL")  # the blocking hop, said first
    assert "rule 91 denies tcp 22" in panel.rule_label.text()
    with qtbot.waitSignal(panel.selected, timeout=TIMEOUT_MS) as picked:
        panel.table.selectRow(1)
    assert picked.args == [1]
    assert panel.rule_label.text().startswith("Hop 2, internet gateway")
    assert engine_view.canvas.focus_hop(1) and not engine_view.canvas.focus_hop(99)


def test_double_click_on_an_interface_makes_it_the_destination(
    qtbot: Any, engine_view: NetworkView, inventory: Inventory
) -> None:
    engine_view.show()
    target = instance(inventory, "hub-web-nacl-denied")
    assert engine_view.select_vpc(str(target.vpc_id))
    topo = engine_view.topology
    assert topo is not None
    eni = topo.nodes[target.network_interface_ids[0]]
    sg_tag = topo.nodes[f"{target.security_group_ids[0]}@{eni.key}"]
    assert (
        engine_view.canvas.key_at(QPointF(sg_tag.x + 5, sg_tag.y + 5)) == sg_tag.key
    )  # the tag, not its box
    engine_view.canvas.centerOn(eni.x + 10, eni.y + 10)
    point = engine_view.canvas.mapFromScene(QPointF(eni.x + 10, eni.y + 10))
    with qtbot.waitSignal(engine_view.canvas.node_activated, timeout=TIMEOUT_MS) as activated:
        qtbot.mouseDClick(engine_view.canvas.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert activated.args == [eni.key]
    assert engine_view.path_form.destination_edit.text() == target.instance_id
    assert engine_view.path_form.source_edit.text() == "internet"
    assert engine_view.tabs.currentWidget() is engine_view.path_form
    assert engine_view.use_as_destination(str(target.subnet_id)) == target.subnet_id  # a subnet box
    assert engine_view.path_form.destination_edit.text() == target.subnet_id
    gw = next(k for k, n in topo.nodes.items() if n.kind == "internet_gateway")
    assert engine_view.use_as_destination(gw) is None  # not an end a path query takes


def test_exposure_of_the_current_tree_vpc_is_drawn_after_another_vpc_was(
    engine_view: NetworkView, inventory: Inventory
) -> None:
    exposed = instance(inventory, "hub-web-exposed")
    assert (
        engine_view.topology is not None and engine_view.topology.vpc_id == exposed.vpc_id
    )  # current in the tree
    engine_view.show_vpc(vpc_id(inventory, "tools"))  # drawn without the tree (as a path query does)
    exposure = engine_view.select_exposure(_row_of(engine_view, exposed.network_interface_ids[0], 22))
    assert exposure is not None and engine_view.topology.vpc_id == exposed.vpc_id
    assert None not in engine_view.canvas.hop_keys


def test_an_account_not_collected_is_not_assessed_in_all_regions(engine_view: NetworkView) -> None:
    """The demo's suspended account was skipped: the engine says so ("*"), the view says "all regions"."""
    report = engine_view.bundle.report  # type: ignore[union-attr]
    whole = [g for g in report.not_assessed if g.region == "*"]
    assert whole
    assert "all regions" in engine_view.exposures.gaps_label.text()
    model = engine_view.tree_panel.model
    account = next(
        a for a in _children(model, model.index(-1, -1)) if a.data(KEY_ROLE)[1] == whole[0].account_id
    )
    assert account.siblingAtColumn(1).data() == "not assessed"
    regions = _children(model, account)
    assert [r.data() for r in regions] == ["all regions"] and regions[0].siblingAtColumn(
        1
    ).data() == "not assessed"
