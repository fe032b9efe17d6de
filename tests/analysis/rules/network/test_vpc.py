"""VPC, network ACL and instance controls on built inventories: PASS, FAIL and NOT_ASSESSED.

What AWS says the expectations follow:
- VPC User Guide, "Default security groups for your VPCs"; FSBP EC2.2 and CIS v5.0.0 5.5: the
  default group has no inbound and no outbound rule.
- VPC User Guide, "Network ACL rules" (rules in number order, protocol numbers 6/17/-1); FSBP
  EC2.21 and CIS v5.0.0 5.2: no ALLOW entry from 0.0.0.0/0 or ::/0 covering 22 or 3389. The
  default network ACL allows all inbound traffic, so it fails.
- EC2 User Guide, "Configure the instance metadata options" (HttpTokens required = IMDSv2 only);
  FSBP EC2.8, CIS v5.0.0 5.7.
- Transit Gateway Guide, "Modify a transit gateway" (AutoAcceptSharedAttachments); FSBP EC2.23.
- VPC User Guide, "Default VPCs"; "VPC Flow Logs" (a flow log on a VPC or subnet covers its
  interfaces; TrafficType ACCEPT, REJECT or ALL); FSBP EC2.6 and CIS v5.0.0 3.7 (rejected traffic).
- EC2 API ModifySubnetAttribute MapPublicIpOnLaunch; FSBP EC2.15.
- VPC Peering Guide, "VPC peering connection lifecycle" (pending-acceptance and active are live).
- VPC User Guide, "Gateway endpoints for Amazon S3" (a gateway endpoint is associated with route
  tables).
"""

from __future__ import annotations

from pathlib import Path

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS
from analysis.rules.network import (
    ec2_default_sg_restricts_all,
    ec2_instance_imdsv2_required,
    ec2_nacl_admin_ports_open,
    ec2_transit_gateway_auto_accept,
    vpc_default_vpc_in_use,
    vpc_default_vpc_present,
    vpc_flow_logs_enabled,
    vpc_peering_outside_organization,
    vpc_s3_endpoint_private_subnets,
    vpc_subnet_auto_public_ip,
)
from tests.analysis.rules.builders import UNREACHABLE
from tests.analysis.rules.network.net_builders import (
    ANY,
    ANY6,
    EU,
    OUTSIDER,
    US,
    A,
    Area,
    B,
    C,
    D,
    nacl_entry,
    one,
    perm,
    run,
)


def test_default_security_group(tmp_path: Path) -> None:
    area = Area(A)
    area.vpc("vpc-1")
    area.sg(
        "sg-def1",
        "vpc-1",
        [{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-def1"}]}],
        name="default",
    )
    area.vpc("vpc-2", "10.2.0.0/16")
    area.sg("sg-def2", "vpc-2", [], name="default", egress=[])
    area.sg("sg-app", "vpc-2", [perm("tcp", 443)], name="app")  # not a default group: not judged
    area.subnet("subnet-1", "vpc-1", "10.0.1.0/24")
    area.instance("i-1", "subnet-1", "10.0.1.5", groups=["sg-def1"])
    results = run(
        tmp_path, ec2_default_sg_restricts_all, area, Area(B).calls(deny=["DescribeSecurityGroups"])
    )
    fail = one(results, "sg-def1")
    assert fail.status == FAIL and "1 inbound and 1 outbound" in fail.message and "eni-i-1" in fail.message
    assert "group sg-def1" in fail.evidence.statements[0]
    assert one(results, "sg-def2").status == PASS
    assert not [r for r in results if r.resource_id == "sg-app"]
    assert one(results, f"{B}/{US}").status == NOT_ASSESSED
    assert one(results, UNREACHABLE).status == NOT_ASSESSED


def test_nacl_admin_ports(tmp_path: Path) -> None:
    area = Area(A)
    area.vpc("vpc-1")  # its default ACL allows everything: fails
    area.nacl(
        "acl-good", "vpc-1",
        [nacl_entry(100, "allow", protocol="6", ports=(443, 443)), nacl_entry(110, "allow", protocol="6", ports=(1024, 3388)),
         nacl_entry(120, "allow", protocol="6", ports=(3390, 65535))],
    )  # fmt: skip
    area.nacl(
        "acl-ephemeral", "vpc-1",
        [nacl_entry(90, "deny", protocol="6", ports=(3389, 3389)), nacl_entry(110, "allow", protocol="6", ports=(1024, 65535))],
    )  # fmt: skip
    area.nacl("acl-v6", "vpc-1", [nacl_entry(100, "allow", protocol="17", ports=(3000, 4000), cidr=ANY6)])
    area.nacl(
        "acl-narrow",
        "vpc-1",
        [nacl_entry(100, "allow", protocol="6", ports=(22, 22), cidr="198.51.100.0/24")],
    )
    area.nacl(
        "acl-shadowed", "vpc-1",
        [nacl_entry(90, "deny", protocol="6", ports=(22, 22)), nacl_entry(100, "allow", protocol="6", ports=(0, 1000))],
    )  # fmt: skip
    results = run(tmp_path, ec2_nacl_admin_ports_open, area, Area(B).calls(deny=["DescribeNetworkAcls"]))
    default = one(results, "acl-default-vpc-1")
    assert default.status == FAIL and "the default ACL" in default.message and "SSH (22)" in default.message
    assert "RDP (3389)" in default.message
    assert one(results, "acl-good").status == PASS  # the allowed ranges leave out 22 and 3389
    # The usual ephemeral range 1024-65535 includes 3389: an ALLOW from anywhere covering it fails
    # (CIS: "a port range that includes port 22 or 3389"), even behind an earlier DENY, said so.
    ephemeral = one(results, "acl-ephemeral")
    assert (
        ephemeral.status == FAIL
        and "RDP (3389), no effect today: rule 90 denies it first" in ephemeral.message
    )
    v6 = one(results, "acl-v6")  # UDP 3000-4000 from ::/0 includes 3389
    assert v6.status == FAIL and "RDP (3389)" in v6.message and "SSH" not in v6.message
    assert one(results, "acl-narrow").status == PASS
    shadowed = one(results, "acl-shadowed")  # still an ALLOW from anywhere: CIS fails it, the note says why
    assert shadowed.status == FAIL and "no effect today: rule 90 denies it first" in shadowed.message
    assert one(results, f"{B}/{US}").status == NOT_ASSESSED


def test_imdsv2(tmp_path: Path) -> None:
    area = Area(A)
    area.vpc("vpc-1")
    area.subnet("subnet-1", "vpc-1", "10.0.1.0/24")
    area.instance("i-v2", "subnet-1", "10.0.1.5", tokens="required")
    area.instance("i-v1", "subnet-1", "10.0.1.6", tokens="optional", name="legacy")
    area.instance("i-unknown", "subnet-1", "10.0.1.7", tokens=None)
    area.instance("i-gone", "subnet-1", "10.0.1.8", tokens="optional", state="terminated")
    results = run(tmp_path, ec2_instance_imdsv2_required, area, Area(B).calls(deny=["DescribeInstances"]))
    assert one(results, "i-v2").status == PASS
    v1 = one(results, "i-v1")
    assert v1.status == FAIL and "legacy" in v1.message and v1.evidence.values["HttpTokens"] == "optional"
    assert one(results, "i-unknown").status == NOT_ASSESSED
    assert not [r for r in results if r.resource_id == "i-gone"]
    assert one(results, f"{B}/{US}").status == NOT_ASSESSED


def test_transit_gateway_auto_accept(tmp_path: Path) -> None:
    area = Area(A)
    area.transit_gateway("tgw-open", auto_accept=True)
    area.transit_gateway("tgw-closed", auto_accept=False)
    results = run(
        tmp_path, ec2_transit_gateway_auto_accept, area, Area(B).calls(deny=["DescribeTransitGateways"])
    )
    assert one(results, "tgw-open").status == FAIL
    assert one(results, "tgw-closed").status == PASS
    assert one(results, f"{B}/{US}").status == NOT_ASSESSED
    assert one(results, f"{C}/{US}").status == NOT_ASSESSED  # never called


def _default_vpcs() -> list[Area]:
    used, unused, none = Area(A), Area(B), Area(C)
    used.vpc("vpc-def-a", "172.31.0.0/16", default=True)
    used.subnet("subnet-def-a", "vpc-def-a", "172.31.0.0/20", auto_public_ip=True)
    used.instance("i-forgotten", "subnet-def-a", "172.31.0.5")
    unused.vpc("vpc-def-b", "172.31.0.0/16", default=True)
    none.vpc("vpc-main", "10.0.0.0/16")
    return [used, unused, none]


def test_default_vpc_present(tmp_path: Path) -> None:
    results = run(tmp_path, vpc_default_vpc_present, *_default_vpcs(), Area(D).calls(deny=["DescribeVpcs"]))
    assert one(results, "vpc-def-a").status == FAIL
    unused = one(results, "vpc-def-b")
    assert unused.status == FAIL and "no network interface" in unused.message
    assert one(results, f"{C}/{US}").status == PASS
    assert one(results, f"{D}/{US}").status == NOT_ASSESSED
    assert one(results, f"{A}/{EU}").status == NOT_ASSESSED  # never called there
    assert one(results, UNREACHABLE).status == NOT_ASSESSED


def test_default_vpc_in_use(tmp_path: Path) -> None:
    areas = _default_vpcs()
    results = run(
        tmp_path, vpc_default_vpc_in_use, *areas, Area(D).calls(deny=["DescribeVpcs"]),
    )  # fmt: skip
    used = one(results, "vpc-def-a")
    assert used.status == FAIL and "eni-i-forgotten" in used.message
    assert one(results, "vpc-def-b").status == PASS
    assert one(results, f"{C}/{US}").status == PASS
    assert one(results, f"{D}/{US}").status == NOT_ASSESSED
    # Interfaces denied: the default VPC is present, whether it is used is unknown.
    blind = Area(A)
    blind.vpc("vpc-def-x", "172.31.0.0/16", default=True)
    unknown = one(
        run(tmp_path, vpc_default_vpc_in_use, blind.calls(deny=["DescribeNetworkInterfaces"]), name="blind"), "vpc-def-x"
    )  # fmt: skip
    assert unknown.status == NOT_ASSESSED and "denied" in unknown.message


def test_flow_logs(tmp_path: Path) -> None:
    area = Area(A)
    area.vpc("vpc-logged")
    area.flow_log("fl-1", "vpc-logged")
    area.vpc("vpc-accept", "10.1.0.0/16")
    area.flow_log("fl-2", "vpc-accept", traffic="ACCEPT")
    area.vpc("vpc-subnets", "10.2.0.0/16")
    area.subnet("subnet-a", "vpc-subnets", "10.2.1.0/24")
    area.subnet("subnet-b", "vpc-subnets", "10.2.2.0/24")
    area.flow_log("fl-3", "subnet-a", traffic="REJECT")
    area.flow_log("fl-4", "subnet-b")
    area.vpc("vpc-none", "10.3.0.0/16")
    area.vpc("vpc-failed", "10.4.0.0/16")
    area.flow_log("fl-5", "vpc-failed", status="FAILED")
    results = run(tmp_path, vpc_flow_logs_enabled, area, Area(B).calls(deny=["DescribeFlowLogs"]))
    assert one(results, "vpc-logged").status == PASS
    accept = one(results, "vpc-accept")
    assert accept.status == FAIL and "fl-2: ACCEPT" in accept.message
    subnets = one(results, "vpc-subnets")
    assert subnets.status == PASS and "each of its 2 subnet(s)" in subnets.message
    assert one(results, "vpc-none").status == FAIL
    assert one(results, "vpc-failed").status == FAIL
    # Flow logs denied in B: its (no) VPCs cannot be judged; with a VPC there it would be NOT_ASSESSED.
    denied = Area(B)
    denied.vpc("vpc-b")
    result = one(
        run(tmp_path, vpc_flow_logs_enabled, denied.calls(deny=["DescribeFlowLogs"]), name="d"), "vpc-b"
    )
    assert result.status == NOT_ASSESSED and "denied" in result.message


def test_subnet_auto_public_ip(tmp_path: Path) -> None:
    area = Area(A)
    area.vpc("vpc-1")
    area.subnet("subnet-auto", "vpc-1", "10.0.1.0/24", auto_public_ip=True)
    area.subnet("subnet-manual", "vpc-1", "10.0.2.0/24")
    results = run(tmp_path, vpc_subnet_auto_public_ip, area, Area(B).calls(deny=["DescribeSubnets"]))
    assert one(results, "subnet-auto").status == FAIL
    assert one(results, "subnet-manual").status == PASS
    assert one(results, f"{B}/{US}").status == NOT_ASSESSED


def test_peering_outside_organization(tmp_path: Path) -> None:
    area = Area(A)
    area.vpc("vpc-a")
    area.peering("pcx-vendor", (A, "vpc-a"), (OUTSIDER, "vpc-vendor"), status="pending-acceptance")
    area.peering("pcx-inside", (A, "vpc-a"), (B, "vpc-b"))
    area.peering("pcx-rejected", (A, "vpc-a"), (OUTSIDER, "vpc-vendor2"), status="rejected")
    results = run(
        tmp_path, vpc_peering_outside_organization, area, Area(B).calls(deny=["DescribeVpcPeeringConnections"])
    )  # fmt: skip
    vendor = one(results, "pcx-vendor")
    assert vendor.status == FAIL and OUTSIDER in vendor.message
    assert one(results, "pcx-inside").status == PASS
    assert not [r for r in results if r.resource_id == "pcx-rejected"]
    assert one(results, f"{B}/{US}").status == NOT_ASSESSED


def test_s3_endpoint_for_nat_subnets(tmp_path: Path) -> None:
    area = Area(A)
    nat = [{"DestinationCidrBlock": ANY, "NatGatewayId": "nat-1", "State": "active"}]
    area.vpc("vpc-covered")
    area.subnet("subnet-c", "vpc-covered", "10.0.1.0/24")
    area.route_table("rtb-c", "vpc-covered", nat, subnets=["subnet-c"])
    area.endpoint("vpce-s3", "vpc-covered", f"com.amazonaws.{US}.s3", route_tables=["rtb-c"])
    area.vpc("vpc-bare", "10.1.0.0/16")
    area.subnet("subnet-b", "vpc-bare", "10.1.1.0/24")
    area.route_table("rtb-b", "vpc-bare", nat, subnets=["subnet-b"])
    area.endpoint("vpce-ddb", "vpc-bare", f"com.amazonaws.{US}.dynamodb", route_tables=["rtb-b"])
    area.vpc("vpc-isolated", "10.2.0.0/16")  # no NAT route: nothing to judge
    results = run(
        tmp_path, vpc_s3_endpoint_private_subnets, area, Area(B).calls(deny=["DescribeVpcEndpoints"])
    )
    assert one(results, "vpc-covered").status == PASS
    bare = one(results, "vpc-bare")
    assert bare.status == FAIL and "subnet-b" in bare.message
    assert not [r for r in results if r.resource_id == "vpc-isolated"]
    assert one(results, f"{B}/{US}").status == NOT_ASSESSED
