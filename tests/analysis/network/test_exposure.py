"""Internet exposure on small hand-built topologies, including the traps a rule-level check gets wrong.

Every test names the AWS documentation it follows (VPC User Guide unless said otherwise).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from analysis.model.coverage import CoverageState
from analysis.model.inventory import Inventory
from analysis.network import NetworkAnalysisCancelled, build_network_index, internet_exposure
from analysis.network.results import (
    ADDRESS,
    INTERNET,
    INTERNET_GATEWAY,
    LISTENER,
    LOAD_BALANCER,
    NETWORK_ACL,
    NETWORK_INTERFACE,
    RETURN,
    ROUTE_TABLE,
    SECURITY_GROUP,
    Exposure,
    ExposureReport,
)
from tests.analysis.network.topology import ANY, Topology, nacl_rule, route, sg_rule


def public_vpc(t: Topology) -> None:
    """vpc-a: an internet gateway, subnet-pub routing 0.0.0.0/0 to it, subnet-priv routing it to a
    NAT gateway, sg-open allowing tcp 22 and 443 from anywhere."""
    t.vpc("vpc-a", "10.0.0.0/16", igw="igw-a")
    t.route_table("rtb-pub", "vpc-a", [route(ANY, "igw-a")])
    t.subnet("subnet-pub", "vpc-a", "10.0.0.0/24", route_table="rtb-pub")
    t.nat("nat-a", "subnet-pub")
    t.route_table("rtb-priv", "vpc-a", [route(ANY, "nat-a")])
    t.subnet("subnet-priv", "vpc-a", "10.0.10.0/24", route_table="rtb-priv")
    t.sg(
        "sg-open", "vpc-a", [sg_rule("tcp", 22, rule_id="sgr-ssh"), sg_rule("tcp", 443, rule_id="sgr-https")]
    )


def exposures_of(report: ExposureReport, eni: str) -> list[Exposure]:
    return [e for e in report.exposures if e.network_interface_id == eni]


def run(t: Topology, tmp_path: Path) -> tuple[Inventory, ExposureReport]:
    inventory = t.inventory(tmp_path)
    return inventory, internet_exposure(inventory)


def test_public_instance_with_open_group_is_exposed_hop_by_hop(tmp_path: Path) -> None:
    """ "Enable internet access for a VPC using an internet gateway": public IPv4 address, route to
    the internet gateway; then the NACL ("Control traffic to subnets using network ACLs") and the
    security group ("Security group rules") must allow it."""
    t = Topology()
    public_vpc(t)
    t.eni(
        "eni-web", "subnet-pub", "10.0.0.10", groups=["sg-open"], public_ip="203.0.113.10", instance="i-web"
    )
    _, report = run(t, tmp_path)
    found = {e.ports.label(): e for e in exposures_of(report, "eni-web")}
    assert set(found) == {"tcp/22", "tcp/443"}
    ssh = found["tcp/22"]
    assert ssh.via == "direct" and ssh.entry == "203.0.113.10" and ssh.source_cidr == "0.0.0.0/0"
    assert ssh.instance_id == "i-web" and ssh.management == ("SSH",)
    assert [h.kind for h in ssh.hops] == [
        INTERNET, INTERNET_GATEWAY, ADDRESS, ROUTE_TABLE, NETWORK_ACL, NETWORK_ACL, SECURITY_GROUP, NETWORK_INTERFACE,
    ]  # fmt: skip
    assert all(h.allowed for h in ssh.hops)
    assert "route 0.0.0.0/0 -> igw-a" in ssh.hops[3].rule
    assert ssh.hops[4].rule.startswith("rule 100 allows all traffic from 0.0.0.0/0")
    assert ssh.hops[5].direction == RETURN and ssh.hops[5].detail["client_ports"] == [[1024, 65535]]
    assert ssh.hops[6].rule == "sgr-ssh: tcp 22 from 0.0.0.0/0"
    assert report.interfaces_checked == 2  # the web interface and the NAT gateway's


def test_trap_open_group_behind_a_nat_gateway_is_not_exposed(tmp_path: Path) -> None:
    """ "NAT gateways" give egress only: an instance whose subnet routes 0.0.0.0/0 to a NAT gateway
    answers through it, not through the internet gateway, so even with a public IP and an open
    group it is not reachable from the internet ("Configure route tables": the subnet's table)."""
    t = Topology()
    public_vpc(t)
    t.eni(
        "eni-app", "subnet-priv", "10.0.10.10", groups=["sg-open"], public_ip="203.0.113.20", instance="i-app"
    )
    _, report = run(t, tmp_path)
    assert exposures_of(report, "eni-app") == []
    rules = {r.rule: r for r in report.open_rules}
    assert rules["sgr-ssh: tcp 22 from 0.0.0.0/0"].attached_to == ("eni-app",)
    assert rules["sgr-ssh: tcp 22 from 0.0.0.0/0"].reachable_on == ()


def test_trap_public_subnet_whose_nacl_denies_the_port(tmp_path: Path) -> None:
    """ "Network ACL rules": rules are evaluated lowest number first and the first match decides:
    rule 90 denying tcp 22 wins over rule 100 allowing everything."""
    t = Topology()
    public_vpc(t)
    t.nacl("acl-deny", "vpc-a", [
        nacl_rule(90, "deny", egress=False, protocol="6", ports=(22, 22)),
        nacl_rule(100, "allow", egress=False), nacl_rule(100, "allow", egress=True),
    ])  # fmt: skip
    t.subnet("subnet-deny", "vpc-a", "10.0.2.0/24", route_table="rtb-pub", nacl="acl-deny")
    t.eni("eni-d", "subnet-deny", "10.0.2.10", groups=["sg-open"], public_ip="203.0.113.30", instance="i-d")
    _, report = run(t, tmp_path)
    assert [e.ports.label() for e in exposures_of(report, "eni-d")] == ["tcp/443"]


def test_trap_nacl_that_denies_the_ephemeral_return_ports(tmp_path: Path) -> None:
    """ "Ephemeral ports": NACLs are stateless, the response leaves towards the client's ephemeral
    port (1024-65535 for any client), so a NACL allowing 443 in but denying those ports out makes
    the server unreachable."""
    t = Topology()
    public_vpc(t)
    t.nacl("acl-noret", "vpc-a", [
        nacl_rule(100, "allow", egress=False, protocol="6", ports=(443, 443)),
        nacl_rule(90, "deny", egress=True, protocol="6", ports=(1024, 65535)),
        nacl_rule(100, "allow", egress=True),
    ])  # fmt: skip
    t.subnet("subnet-noret", "vpc-a", "10.0.3.0/24", route_table="rtb-pub", nacl="acl-noret")
    t.eni("eni-n", "subnet-noret", "10.0.3.10", groups=["sg-open"], public_ip="203.0.113.40", instance="i-n")
    _, report = run(t, tmp_path)
    assert exposures_of(report, "eni-n") == []


def test_return_passes_when_any_ephemeral_port_is_allowed_and_lists_them(tmp_path: Path) -> None:
    """ "Ephemeral ports": a client picks its port in the range; when part of it is allowed back,
    some clients connect (the hop lists the client ports that pass)."""
    t = Topology()
    public_vpc(t)
    t.nacl("acl-part", "vpc-a", [
        nacl_rule(100, "allow", egress=False, protocol="6", ports=(443, 443)),
        nacl_rule(110, "allow", egress=True, protocol="6", ports=(32768, 60999)),
    ])  # fmt: skip
    t.subnet("subnet-part", "vpc-a", "10.0.4.0/24", route_table="rtb-pub", nacl="acl-part")
    t.eni("eni-p", "subnet-part", "10.0.4.10", groups=["sg-open"], public_ip="203.0.113.41", instance="i-p")
    _, report = run(t, tmp_path)
    (exposure,) = exposures_of(report, "eni-p")
    ret = next(h for h in exposure.hops if h.kind == NETWORK_ACL and h.direction == RETURN)
    assert ret.detail["client_ports"] == [[32768, 60999]] and ret.detail["rule_number"] == 110


def test_trap_instance_in_public_subnet_without_public_ip(tmp_path: Path) -> None:
    """ "IP addressing": without a public IPv4 address or Elastic IP the internet gateway has nothing
    to translate: not reachable from the internet even in a subnet routed to it."""
    t = Topology()
    public_vpc(t)
    t.eni("eni-np", "subnet-pub", "10.0.0.20", groups=["sg-open"], instance="i-np")
    _, report = run(t, tmp_path)
    assert exposures_of(report, "eni-np") == []


def test_nat_gateway_interface_is_never_exposed(tmp_path: Path) -> None:
    """ "NAT gateways": a public NAT gateway has an Elastic IP but accepts no connection from the
    internet."""
    t = Topology()
    public_vpc(t)
    _, report = run(t, tmp_path)
    assert exposures_of(report, "eni-nat-a") == []


def alb_topology(t: Topology, *, app_rule: dict[str, object] | None = None) -> None:
    """An internet-facing ALB in the public subnets forwarding HTTP:80 to i-app:8080 in a private
    subnet (no internet route); the app's group allows 8080 from the ALB's group."""
    t.vpc("vpc-w", "10.20.0.0/16", igw="igw-w")
    t.route_table("rtb-wpub", "vpc-w", [route(ANY, "igw-w")])
    t.subnet("subnet-wa", "vpc-w", "10.20.0.0/24", route_table="rtb-wpub")
    t.subnet("subnet-wb", "vpc-w", "10.20.1.0/24", route_table="rtb-wpub")
    t.subnet("subnet-wapp", "vpc-w", "10.20.10.0/24")
    t.sg("sg-alb", "vpc-w", [sg_rule("tcp", 80, rule_id="sgr-alb80")])
    t.sg("sg-app", "vpc-w", [app_rule or sg_rule("tcp", 8080, group="sg-alb")])
    t.eni("eni-app", "subnet-wapp", "10.20.10.5", groups=["sg-app"], instance="i-app")
    lb = t.alb("web", "vpc-w", ["subnet-wa", "subnet-wb"], groups=["sg-alb"])
    t.listener(lb, 80, t.target_group("web-tg", "vpc-w", 8080, ["i-app"]))


def test_target_reachable_only_through_an_internet_facing_load_balancer(tmp_path: Path) -> None:
    """ELB "Security groups for your Application Load Balancer" and "Register targets": the
    internet reaches the listener through the ALB's group; the ALB forwards to the target's port,
    allowed by the target's group from the ALB's group. Exposed, via the load balancer."""
    t = Topology()
    alb_topology(t)
    _, report = run(t, tmp_path)
    (exposure,) = exposures_of(report, "eni-app")
    assert exposure.via == "load_balancer" and exposure.entry == "web.elb.example"
    assert exposure.ports.label() == "tcp/8080" and exposure.listener_ports is not None
    assert exposure.listener_ports.label() == "tcp/80"
    kinds = [h.kind for h in exposure.hops]
    assert kinds[:2] == [INTERNET, INTERNET_GATEWAY] and kinds[-1] == NETWORK_INTERFACE
    assert LOAD_BALANCER in kinds and LISTENER in kinds
    assert exposure.hops[-2].rule == "sg-app: tcp 8080 from sg-alb"
    alb_rule = next(r for r in report.open_rules if r.rule == "sgr-alb80: tcp 80 from 0.0.0.0/0")
    assert alb_rule.reachable_on == ("eni-app",) and alb_rule.load_balancer_arns


def test_target_whose_group_does_not_allow_the_balancer_is_not_exposed(tmp_path: Path) -> None:
    """ELB "Target security groups": the target must allow the target port from the balancer."""
    t = Topology()
    alb_topology(t, app_rule=sg_rule("tcp", 8080, cidr="192.168.0.0/16"))
    _, report = run(t, tmp_path)
    assert exposures_of(report, "eni-app") == []


def test_internal_balancer_exposes_nothing(tmp_path: Path) -> None:
    """ELB "Load balancer scheme": an internal balancer has only private addresses."""
    t = Topology()
    alb_topology(t)
    lb = next(iter(t.lbs))
    t.lbs[lb] = t.lbs[lb].__class__(**{**t.lbs[lb].__dict__, "scheme": "internal"})
    _, report = run(t, tmp_path)
    assert exposures_of(report, "eni-app") == []


def test_nlb_without_security_groups_passes_and_preserves_the_client_address(tmp_path: Path) -> None:
    """ELB Network Load Balancers, "Security groups" (an NLB without groups does not filter) and
    "Client IP preservation" (on for instance targets: the target's group must allow the client)."""
    t = Topology()
    alb_topology(t, app_rule=sg_rule("tcp", 8080, cidr=ANY))
    lb = t.alb("nlb", "vpc-w", ["subnet-wa"], kind="network")
    t.listener(lb, 443, t.target_group("nlb-tg", "vpc-w", 8080, ["i-app"], protocol="TCP"), protocol="TCP")
    _, report = run(t, tmp_path)
    via_nlb = [e for e in exposures_of(report, "eni-app") if e.entry == "nlb.elb.example"]
    assert [e.listener_ports.label() for e in via_nlb if e.listener_ports] == ["tcp/443"]
    assert any("has no security group" in h.rule for h in via_nlb[0].hops)


def test_classic_load_balancer_forwards_to_registered_instances(tmp_path: Path) -> None:
    """ELB Classic, "Listeners": the listener's port is forwarded to the instance port."""
    t = Topology()
    alb_topology(t)
    t.classic("legacy", "vpc-w", ["subnet-wa"], ["sg-alb"], [(80, 8080)], ["i-app"])
    _, report = run(t, tmp_path)
    assert {e.entry for e in exposures_of(report, "eni-app")} == {"web.elb.example", "legacy.elb.example"}


def test_balancer_node_interface_is_reachable_on_its_listeners_only(tmp_path: Path) -> None:
    """ELB "Listeners": a node accepts connections on its listener ports; its group opening 22
    does not expose 22."""
    t = Topology()
    alb_topology(t)
    t.sg("sg-alb", "vpc-w", [sg_rule("tcp", 80), sg_rule("tcp", 22)])
    t.eni("eni-node", "subnet-wa", "10.20.0.50", groups=["sg-alb"], public_ip="203.0.113.80",
          description="ELB app/web/0123456789abcdef")  # fmt: skip
    _, report = run(t, tmp_path)
    assert [e.ports.label() for e in exposures_of(report, "eni-node")] == ["tcp/80"]


def test_ipv6_through_an_internet_gateway_but_not_an_egress_only_one(tmp_path: Path) -> None:
    """ "IPv6 addressing" and "Enable outbound IPv6 traffic using an egress-only internet gateway":
    a global IPv6 address routed ::/0 to an internet gateway is reachable; through an egress-only
    internet gateway, connections from the internet are dropped."""
    t = Topology()
    t.vpc("vpc-6", "10.6.0.0/16", ipv6="2600:1f18:1::/56", igw="igw-6")
    t.gateway("eigw-6", "vpc-6", egress_only=True)
    t.route_table("rtb-v6", "vpc-6", [route("::/0", "igw-6")])
    t.route_table("rtb-eo", "vpc-6", [route("::/0", "eigw-6")])
    t.subnet("subnet-v6", "vpc-6", "10.6.0.0/24", ipv6="2600:1f18:1:1::/64", route_table="rtb-v6")
    t.subnet("subnet-eo", "vpc-6", "10.6.1.0/24", ipv6="2600:1f18:1:2::/64", route_table="rtb-eo")
    t.sg("sg-6", "vpc-6", [sg_rule("tcp", 443, cidr="::/0")])
    t.eni("eni-v6", "subnet-v6", "10.6.0.10", groups=["sg-6"], ipv6=["2600:1f18:1:1::10"])
    t.eni("eni-eo", "subnet-eo", "10.6.1.10", groups=["sg-6"], ipv6=["2600:1f18:1:2::10"])
    _, report = run(t, tmp_path)
    (v6,) = exposures_of(report, "eni-v6")
    assert v6.source_cidr == "::/0" and v6.entry == "2600:1f18:1:1::10" and v6.ports.label() == "tcp/443"
    assert exposures_of(report, "eni-eo") == []


def test_port_ranges_are_merged_and_all_traffic_is_one_exposure(tmp_path: Path) -> None:
    """ "Security group rules": a protocol -1 rule allows every protocol and port."""
    t = Topology()
    public_vpc(t)
    t.sg(
        "sg-ranges", "vpc-a", [sg_rule("tcp", (1000, 2000)), sg_rule("tcp", (1500, 3000)), sg_rule("udp", 53)]
    )
    t.sg("sg-all", "vpc-a", [sg_rule("-1")])
    t.eni("eni-r", "subnet-pub", "10.0.0.30", groups=["sg-ranges"], public_ip="203.0.113.50")
    t.eni("eni-all", "subnet-pub", "10.0.0.31", groups=["sg-all"], public_ip="203.0.113.51")
    _, report = run(t, tmp_path)
    assert sorted(e.ports.label() for e in exposures_of(report, "eni-r")) == [
        "tcp/1000-2000", "tcp/2001-3000", "udp/53",
    ]  # fmt: skip
    (everything,) = exposures_of(report, "eni-all")
    assert everything.ports.label() == "all traffic" and "SSH" in everything.management


def test_unanswered_inputs_are_not_assessed_never_not_exposed(tmp_path: Path) -> None:
    """Design rule "Not collected is not empty": without the NACLs of an account and region its
    interfaces are not judged; they are reported as not assessed with the reason."""
    t = Topology()
    public_vpc(t)
    t.eni("eni-web", "subnet-pub", "10.0.0.10", groups=["sg-open"], public_ip="203.0.113.10")
    t.deny("DescribeNetworkAcls")
    _, report = run(t, tmp_path)
    assert report.exposures == () and report.interfaces_checked == 0
    (gap,) = report.not_assessed
    assert gap.what == "network ACLs" and "denied" in gap.reason


def test_unknown_prefix_list_entries_are_noted(tmp_path: Path) -> None:
    """ "Managed prefix lists": a rule naming a list whose entries were not collected cannot be
    judged; it is noted, and not counted as allowing."""
    t = Topology()
    public_vpc(t)
    t.prefix_list("pl-unknown", [], collected=False)
    t.sg("sg-pl", "vpc-a", [sg_rule("tcp", 22, prefix_list="pl-unknown")])
    t.eni("eni-pl", "subnet-pub", "10.0.0.40", groups=["sg-pl"], public_ip="203.0.113.60")
    _, report = run(t, tmp_path)
    assert exposures_of(report, "eni-pl") == []
    assert any("pl-unknown" in n for n in report.notes)


def test_progress_and_cancel(tmp_path: Path) -> None:
    t = Topology()
    public_vpc(t)
    inventory = t.inventory(tmp_path)
    calls: list[tuple[int, int, str]] = []
    internet_exposure(inventory, index=build_network_index(inventory), progress=lambda *a: calls.append(a))
    assert calls[0][0] == 0 and calls[-1][0] == calls[-1][1]
    with pytest.raises(NetworkAnalysisCancelled):
        internet_exposure(inventory, cancelled=lambda: True)


def test_ip_targets_receive_on_the_interface_holding_the_address(tmp_path: Path) -> None:
    """ELB "Register targets": an IP target is the interface holding that address."""
    t = Topology()
    alb_topology(t)
    lb = next(iter(t.lbs))
    t.sg("sg-alb", "vpc-w", [sg_rule("tcp", 80), sg_rule("tcp", 8443)])
    t.listener(lb, 8443, t.target_group("ip-tg", "vpc-w", 8080, ["10.20.10.5"], target_type="ip"))
    _, report = run(t, tmp_path)
    listeners = {e.listener_ports.label() for e in exposures_of(report, "eni-app") if e.listener_ports}
    assert listeners == {"tcp/80", "tcp/8443"}


def test_balancer_listeners_not_answered_are_not_assessed(tmp_path: Path) -> None:
    """ "Not collected is not empty": a balancer whose listeners were not answered is reported."""
    t = Topology()
    alb_topology(t)
    lb = next(iter(t.lbs))
    denied = CoverageState(state="denied", reason="elbv2:DescribeListeners was denied (AccessDenied)")
    t.lbs[lb] = dataclasses.replace(t.lbs[lb], listeners_state=denied, listener_arns=())
    _, report = run(t, tmp_path)
    assert exposures_of(report, "eni-app") == []
    (gap,) = report.not_assessed
    assert gap.what == "listeners of load balancer web" and "denied" in gap.reason


def test_every_open_rule_covering_an_exposure_is_credited(tmp_path: Path) -> None:
    """ "Security group rules": rules add up; with two rules opening 22 to the world, removing one
    leaves the port exposed, so both are path-level open."""
    t = Topology()
    public_vpc(t)
    t.sg("sg-two", "vpc-a", [sg_rule("tcp", 22, rule_id="sgr-a"), sg_rule("tcp", (20, 25), rule_id="sgr-b")])
    t.sg("sg-extra", "vpc-a", [sg_rule("tcp", 22, rule_id="sgr-c"), sg_rule("tcp", 9999, rule_id="sgr-d")])
    t.eni("eni-two", "subnet-pub", "10.0.0.60", groups=["sg-two", "sg-extra"], public_ip="203.0.113.70")
    _, report = run(t, tmp_path)
    reach = {r.rule.split(":")[0]: r.reachable_on for r in report.open_rules}
    assert reach["sgr-a"] == reach["sgr-b"] == reach["sgr-c"] == reach["sgr-d"] == ("eni-two",)
    t.nacl("acl-22", "vpc-a", [
        nacl_rule(100, "allow", egress=False, protocol="6", ports=(22, 22)), nacl_rule(100, "allow", egress=True),
    ])  # fmt: skip
    t.subnet("subnet-22", "vpc-a", "10.0.22.0/24", route_table="rtb-pub", nacl="acl-22")
    t.eni("eni-22", "subnet-22", "10.0.22.10", groups=["sg-extra"], public_ip="203.0.113.71")
    _, report = run(t, tmp_path / "b")
    reach = {r.rule.split(":")[0]: r.reachable_on for r in report.open_rules}
    assert "eni-22" in reach["sgr-c"] and "eni-22" not in reach["sgr-d"]  # 9999: denied by the NACL


def test_interface_in_a_subnet_missing_from_the_inventory_is_not_assessed(tmp_path: Path) -> None:
    """ "Not collected is not empty": a shared subnet whose owner was not collected."""
    t = Topology()
    public_vpc(t)
    t.eni("eni-shared", "subnet-pub", "10.0.0.90", groups=["sg-open"], public_ip="203.0.113.90")
    inventory = t.inventory(tmp_path)
    network = inventory.network
    subnets = {a: s for a, s in network.subnets.items() if s.subnet_id != "subnet-pub"}
    inventory = dataclasses.replace(inventory, network=dataclasses.replace(network, subnets=subnets))
    report = internet_exposure(inventory)
    assert exposures_of(report, "eni-shared") == []
    gaps = {g.what: g.reason for g in report.not_assessed}
    assert gaps["interface eni-shared (subnet-pub)"] == "its subnet subnet-pub is not in the Inventory"


def test_ingress_routing_is_noted(tmp_path: Path) -> None:
    """ "Gateway route tables" (ingress routing) may redirect inbound traffic: noted, not followed."""
    t = Topology()
    public_vpc(t)
    t.eni("eni-web", "subnet-pub", "10.0.0.10", groups=["sg-open"], public_ip="203.0.113.10")
    t.route_table("rtb-edge", "vpc-a", [route("10.0.0.0/24", "eni-web")])
    t.route_tables["rtb-edge"] = dataclasses.replace(t.route_tables["rtb-edge"], gateway_ids=("igw-a",))
    _, report = run(t, tmp_path)
    assert exposures_of(report, "eni-web") and any("rtb-edge" in n for n in report.notes)


def test_dualstack_balancer_takes_ipv6_clients(tmp_path: Path) -> None:
    """ELB "IP address types": a dualstack balancer has IPv6 addresses too; its subnets need an
    IPv6 route to the internet gateway and its group a rule for ::/0."""
    t = Topology()
    t.vpc("vpc-d", "10.30.0.0/16", ipv6="2600:1f18:3::/56", igw="igw-d")
    t.route_table("rtb-d", "vpc-d", [route(ANY, "igw-d"), route("::/0", "igw-d")])
    t.subnet("subnet-d", "vpc-d", "10.30.0.0/24", ipv6="2600:1f18:3:1::/64", route_table="rtb-d")
    t.subnet("subnet-dapp", "vpc-d", "10.30.10.0/24")
    t.sg("sg-dlb", "vpc-d", [sg_rule("tcp", 443, cidr="::/0", rule_id="sgr-v6")])
    t.sg("sg-dapp", "vpc-d", [sg_rule("tcp", 8080, group="sg-dlb")])
    t.eni("eni-dapp", "subnet-dapp", "10.30.10.5", groups=["sg-dapp"], instance="i-dapp")
    lb = t.alb("dual", "vpc-d", ["subnet-d"], groups=["sg-dlb"], ip_address_type="dualstack")
    t.listener(lb, 443, t.target_group("dual-tg", "vpc-d", 8080, ["i-dapp"]), protocol="HTTPS")
    _, report = run(t, tmp_path)
    assert [(e.source_cidr, e.ports.label()) for e in exposures_of(report, "eni-dapp")] == [
        ("::/0", "tcp/8080")
    ]


def test_a_stopped_instance_is_reported_with_its_state(tmp_path: Path) -> None:
    """Its configuration exposes it when started (an Elastic IP stays): reported, the state said."""
    t = Topology()
    public_vpc(t)
    t.eni("eni-s", "subnet-pub", "10.0.0.11", groups=["sg-open"], public_ip="203.0.113.11", instance="i-s")
    t.instances["i-s"] = dataclasses.replace(t.instances["i-s"], state="stopped")
    _, report = run(t, tmp_path)
    last = exposures_of(report, "eni-s")[0].hops[-1]
    assert last.detail["instance_state"] == "stopped" and "i-s, stopped" in last.rule
