"""Internet exposure: the path-level control and the rule-level security group controls with the
path-level verdict in their messages, run on built inventories with the real reachability engine.

What AWS says the expectations follow:
- VPC User Guide, "Security group rules": a rule's source 0.0.0.0/0 or ::/0 admits any address;
  protocol -1 is every protocol and port. FSBP EC2.13 (port 22), EC2.14 (port 3389), EC2.18
  (only authorized ports, 80 and 443 by default), EC2.19 (the high-risk port list); CIS v5.0.0 5.3
  and 5.4 (remote administration ports from 0.0.0.0/0 and ::/0, over TCP, UDP or all protocols).
- VPC User Guide, "Enable internet access for a VPC using an internet gateway": an instance is
  reachable from the internet only with a public IP, a route to an internet gateway, and network
  ACLs and security groups that allow the traffic; "Network ACLs" are stateless and evaluated in
  rule order.
- FSBP EC2.9: an instance with a public IPv4 address fails.
"""

from __future__ import annotations

from pathlib import Path

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS
from analysis.rules.network import (
    ec2_instance_public_ip,
    ec2_management_port_internet_reachable,
    ec2_sg_all_traffic_open_to_internet,
    ec2_sg_high_risk_ports_open_to_internet,
    ec2_sg_rdp_open_to_internet,
    ec2_sg_ssh_open_to_internet,
    ec2_sg_unauthorized_ports_open_to_internet,
)
from tests.analysis.rules.builders import UNREACHABLE, by_account
from tests.analysis.rules.network.net_builders import (
    ANY,
    ANY6,
    EU,
    US,
    A,
    Area,
    B,
    C,
    nacl_entry,
    one,
    perm,
    public_web,
    run,
)


def _exposed_and_blocked() -> Area:
    """vpc-web: i-web public and open on 22 (reachable); i-nat in a private subnet with the same group
    (not reachable: no public IP, default route to a NAT gateway); i-acl public but behind a NACL that
    denies 22 first (rule order)."""
    area = Area(A)
    public_web(area)
    area.subnet("subnet-priv", "vpc-web", "10.1.2.0/24")
    area.route_table(
        "rtb-priv", "vpc-web", [{"DestinationCidrBlock": ANY, "NatGatewayId": "nat-1", "State": "active"}],
        subnets=["subnet-priv"],
    )  # fmt: skip
    area.instance("i-nat", "subnet-priv", "10.1.2.10", groups=["sg-web"], name="behind-nat")
    area.subnet("subnet-acl", "vpc-web", "10.1.3.0/24")
    area.route_table(
        "rtb-acl", "vpc-web", [{"DestinationCidrBlock": ANY, "GatewayId": "igw-web", "State": "active"}],
        subnets=["subnet-acl"],
    )  # fmt: skip
    area.nacl(
        "acl-deny-ssh", "vpc-web",
        [nacl_entry(90, "deny", protocol="6", ports=(22, 22)), nacl_entry(100, "allow"), nacl_entry(100, "allow", egress=True)],
        subnets=["subnet-acl"],
    )  # fmt: skip
    area.instance(
        "i-acl", "subnet-acl", "10.1.3.10", groups=["sg-web"], public_ip="203.0.113.30", name="acl-denied"
    )
    area.sg("sg-closed", "vpc-web", [perm("tcp", 22, cidr="10.0.0.0/8")], name="internal-ssh")
    return area


def test_management_port_reachable_at_path_level(tmp_path: Path) -> None:
    results = run(
        tmp_path,
        ec2_management_port_internet_reachable,
        _exposed_and_blocked(),
        Area(B),
        Area(C).calls(deny=["DescribeNetworkAcls"]),
    )
    fail = one(results, "eni-i-web")
    assert fail.status == FAIL and "SSH" in fail.message and "203.0.113.10" in fail.message
    assert any(h.startswith("internet_gateway igw-web") for h in fail.evidence.hops), fail.evidence.hops
    assert any("security_group sg-web" in h and "22" in h for h in fail.evidence.hops)
    assert fail.evidence.call_ids
    # The NAT-only and the NACL-denied interfaces are not reachable: the area itself is not a PASS
    # (it has a FAIL), and nothing else in it fails.
    by = by_account(results)
    assert [r.status for r in by[A] if r.region == US] == [FAIL]
    assert one(results, f"{A}/{EU}").status == NOT_ASSESSED  # never called in eu-west-1
    empty = one(results, f"{B}/{US}")
    assert empty.status == PASS and "None of the 0" in empty.message
    denied = one(results, f"{C}/{US}")
    assert denied.status == NOT_ASSESSED and "network ACLs" in denied.message and "denied" in denied.message
    [unreachable] = by[UNREACHABLE]
    assert unreachable.status == NOT_ASSESSED and "could not be collected" in unreachable.message


def test_management_port_closed_passes(tmp_path: Path) -> None:
    area = Area(A)
    public_web(area, ssh_open=False)  # only 443 open: HTTPS is not a management port
    results = run(tmp_path, ec2_management_port_internet_reachable, area)
    ok = one(results, f"{A}/{US}")
    assert ok.status == PASS and "None of the 1 network interface(s)" in ok.message


def test_ssh_rule_with_the_path_level_verdict(tmp_path: Path) -> None:
    area = _exposed_and_blocked()
    area.sg("sg-orphan", "vpc-web", [perm("tcp", (0, 1024), cidr=ANY6)], name="unused-wide")
    results = run(tmp_path, ec2_sg_ssh_open_to_internet, area, Area(B).calls(deny=["DescribeSecurityGroups"]))
    web = one(results, "sg-web")
    assert web.status == FAIL
    assert "path level: reachable from the internet on eni-i-web" in web.message
    # The other two interfaces using the group are named as rule level only.
    assert (
        "not on the other 2 interface(s)" in web.message
        and "eni-i-nat" in web.message
        and "eni-i-acl" in web.message
    )
    assert web.evidence.statements and "22" in web.evidence.statements[0]
    assert web.evidence.values["path_level_reachable_interfaces"] == ["eni-i-web"]
    assert web.evidence.hops and web.evidence.call_ids
    orphan = one(results, "sg-orphan")  # ::/0 on 0-1024 includes 22: CIS 5.4
    assert (
        orphan.status == FAIL
        and "::/0" in orphan.message
        and "attached to no network interface" in orphan.message
    )
    assert one(results, "sg-closed").status == PASS  # 22 from 10.0.0.0/8 only
    denied = one(results, f"{B}/{US}")
    assert denied.status == NOT_ASSESSED and "DescribeSecurityGroups" in denied.message
    assert one(results, UNREACHABLE).status == NOT_ASSESSED


def test_rule_level_only_when_no_path_reaches(tmp_path: Path) -> None:
    """The same open group used only by the NAT-only instance: rule level, no path."""
    area = Area(A)
    area.vpc("vpc-p", "10.2.0.0/16", igw="igw-p")
    area.subnet("subnet-p", "vpc-p", "10.2.1.0/24")
    area.sg("sg-open", "vpc-p", [perm("tcp", 3389), perm("-1", cidr=ANY6)])
    area.instance("i-p", "subnet-p", "10.2.1.5", groups=["sg-open"])  # main route table: local only
    rdp = one(run(tmp_path, ec2_sg_rdp_open_to_internet, area), "sg-open")
    assert rdp.status == FAIL and "rule level only: none of the 1 interface(s)" in rdp.message
    assert rdp.evidence.values["path_level_reachable_interfaces"] == []


def test_high_risk_all_traffic_and_authorized_ports(tmp_path: Path) -> None:
    area = Area(A)
    area.vpc("vpc-x", "10.3.0.0/16")
    area.sg("sg-db", "vpc-x", [perm("tcp", 5432)])
    area.sg("sg-all", "vpc-x", [perm("-1")])
    area.sg("sg-udp-all", "vpc-x", [perm("udp", (0, 65535))])
    area.sg("sg-https", "vpc-x", [perm("tcp", 443), perm("tcp", 80), perm("tcp", 443, cidr=ANY6)])
    area.sg("sg-range", "vpc-x", [perm("tcp", (80, 443))])
    area.sg("sg-icmp", "vpc-x", [perm("icmp", (8, -1))])
    high = run(tmp_path, ec2_sg_high_risk_ports_open_to_internet, area, name="high")
    assert one(high, "sg-db").status == FAIL and "PostgreSQL (tcp/5432)" in one(high, "sg-db").message
    assert one(high, "sg-all").status == FAIL
    assert one(high, "sg-https").status == PASS and one(high, "sg-icmp").status == PASS
    every = run(tmp_path, ec2_sg_all_traffic_open_to_internet, area, name="all")
    assert one(every, "sg-all").status == FAIL and "all traffic" in one(every, "sg-all").message
    assert one(every, "sg-udp-all").status == FAIL and "every UDP port" in one(every, "sg-udp-all").message
    assert one(every, "sg-db").status == PASS
    authorized = run(tmp_path, ec2_sg_unauthorized_ports_open_to_internet, area, name="auth")
    assert one(authorized, "sg-https").status == PASS  # 80 and 443 only, IPv4 and IPv6
    assert one(authorized, "sg-range").status == FAIL and "tcp/80-443" in one(authorized, "sg-range").message
    assert one(authorized, "sg-db").status == FAIL
    assert one(authorized, "sg-icmp").status == PASS  # ICMP has no port to authorize


def test_prefix_list_with_unknown_entries_is_not_assessed(tmp_path: Path) -> None:
    area = Area(A)
    area.vpc("vpc-x", "10.3.0.0/16")
    area.sg(
        "sg-pl",
        "vpc-x",
        [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "PrefixListIds": [{"PrefixListId": "pl-123"}]}],
    )
    result = one(run(tmp_path, ec2_sg_ssh_open_to_internet, area), "sg-pl")
    assert result.status == NOT_ASSESSED and "prefix list pl-123 was not collected" in result.message


def test_instance_public_ip_with_path_verdict(tmp_path: Path) -> None:
    area = _exposed_and_blocked()
    results = run(tmp_path, ec2_instance_public_ip, area, Area(B).calls(deny=["DescribeInstances"]))
    web = one(results, "i-web")
    assert (
        web.status == FAIL
        and "203.0.113.10" in web.message
        and "tcp/22" in web.message
        and "tcp/443" in web.message
    )
    acl = one(results, "i-acl")  # public, but the NACL stops 22; 443 still reachable
    assert acl.status == FAIL and "tcp/443" in acl.message and "tcp/22 " not in acl.message
    assert one(results, "i-nat").status == PASS
    assert one(results, f"{B}/{US}").status == NOT_ASSESSED


def test_instance_public_ip_not_reachable_says_so(tmp_path: Path) -> None:
    area = Area(A)
    area.vpc("vpc-q", "10.4.0.0/16")  # no internet gateway at all
    area.subnet("subnet-q", "vpc-q", "10.4.1.0/24")
    area.sg("sg-q", "vpc-q", [perm("tcp", 22)])
    area.instance("i-q", "subnet-q", "10.4.1.5", groups=["sg-q"], public_ip="203.0.113.99")
    result = one(run(tmp_path, ec2_instance_public_ip, area), "i-q")
    assert result.status == FAIL and "no port of it is reachable" in result.message


def test_rdp_passes_for_groups_that_do_not_open_3389_to_the_internet(tmp_path: Path) -> None:
    area = Area(A)
    area.vpc("vpc-r", "10.5.0.0/16")
    area.sg("sg-rdp-internal", "vpc-r", [perm("tcp", 3389, cidr="10.0.0.0/8")], name="rdp-from-vpn")
    area.sg("sg-web-only", "vpc-r", [perm("tcp", 443), perm("tcp", 80, cidr=ANY6)], name="web")
    area.sg("sg-rdp-udp", "vpc-r", [perm("udp", 3389)], name="rdp-udp")  # CIS 5.3: any protocol on 3389
    results = run(tmp_path, ec2_sg_rdp_open_to_internet, area)
    internal = one(results, "sg-rdp-internal")
    assert internal.status == PASS
    assert internal.message == (
        "sg-rdp-internal (rdp-from-vpn): no inbound rule opens RDP (tcp/3389, udp/3389) to the internet (0.0.0.0/0 or ::/0)."
    )
    web = one(results, "sg-web-only")  # open to the world, but not on 3389: a PASS that says so
    assert web.status == PASS
    assert "no inbound rule opens RDP" in web.message
    assert "Other rules open to the internet, judged by other controls:" in web.message
    assert "tcp 443 from 0.0.0.0/0" in web.message and "tcp 80 from ::/0" in web.message
    assert len(web.evidence.statements) == 2
    udp = one(results, "sg-rdp-udp")
    assert udp.status == FAIL and "udp/3389" in udp.message
