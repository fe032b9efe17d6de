"""The network of one account and region: VPCs and everything in them (balancers and WAF: gen_loadbalancers).

A default VPC in most regions (AWS creates one in every region; many organizations delete
some), one to three workload VPCs in the account's home region (public and private subnets
per AZ, an internet gateway, a NAT gateway, route tables, the default NACL, web/app/db
security groups, instances, gateway and interface endpoints, flow logs), application and
network load balancers with listeners, rules and target groups, now and then a classic load
balancer, and WAF web ACLs on internet-facing balancers. The network account owns a transit
gateway per region that workload VPCs attach to (ids computed from the attaching account,
so both sides agree without building each other). Weaknesses an auditor must find: SSH or
RDP open to the internet, IMDSv1, HTTP listeners that forward instead of redirecting, old
TLS policies, VPCs without flow logs, EBS default encryption off, a peering to a vendor.

Longer than the house ~400 lines on purpose: the area is seventeen EC2 record types built
together (a subnet's route table, NACL, ENIs and instances refer to each other), with one
answer per operation; load balancers and WAF live in bench/gen_loadbalancers.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bench import gen_loadbalancers
from bench.gen_common import COLLECTED_AT, Answer, iso
from bench.gen_iam_policies import VENDOR_ACCOUNTS
from bench.gen_world import AccountContext, Handler, OrgFacts, stable_hex, stable_rng, tags

AZ_SUFFIXES = ("a", "b", "c")
WEB, APP, DB, DEFAULT_SG = "web", "app", "db", "default"
ENDPOINT_POLICY = (
    '{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}'
)


def vpc_id(seed: int, account_id: str, region: str, index: int) -> str:
    return f"vpc-{stable_hex(17, seed, account_id, region, 'vpc', index)}"


def attachment_id(seed: int, account_id: str, region: str) -> str:
    return f"tgw-attach-{stable_hex(17, seed, account_id, region, 'tgw-attach')}"


def workload_cidr(index: int, vpc: int, region: str) -> str:
    base = (index * 3 + vpc) % 120 + (0 if region.startswith("us-") else 128)
    return f"10.{base}.0.0/16"


def attaches_to_transit_gateway(facts: OrgFacts, account_id: str, kind: str, region: str) -> bool:
    """Whether an account's first workload VPC in ``region`` is attached to the network account's TGW."""
    if kind != "workload" or region not in tgw_regions(facts):
        return False
    account = next((a for a in facts.org.accounts if a.id == account_id), None)
    if account is None or facts.home_region(account) != region:
        return False
    return stable_rng("tgw", facts.seed, account_id).random() < 0.6


def tgw_regions(facts: OrgFacts) -> tuple[str, ...]:
    return tuple(r for r in ("us-east-1", "eu-west-1") if r in facts.regions)


@dataclass
class Net:
    """Every page item of one account and region, built once."""

    vpcs: list[dict[str, Any]] = field(default_factory=list)
    subnets: list[dict[str, Any]] = field(default_factory=list)
    route_tables: list[dict[str, Any]] = field(default_factory=list)
    igws: list[dict[str, Any]] = field(default_factory=list)
    nats: list[dict[str, Any]] = field(default_factory=list)
    peerings: list[dict[str, Any]] = field(default_factory=list)
    tgws: list[dict[str, Any]] = field(default_factory=list)
    tgw_attachments: list[dict[str, Any]] = field(default_factory=list)
    tgw_tables: list[dict[str, Any]] = field(default_factory=list)
    tgw_routes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    tgw_links: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # associations = propagations
    endpoints: list[dict[str, Any]] = field(default_factory=list)
    prefix_lists: list[dict[str, Any]] = field(default_factory=list)
    prefix_entries: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    sgs: list[dict[str, Any]] = field(default_factory=list)
    sg_rules: list[dict[str, Any]] = field(default_factory=list)
    nacls: list[dict[str, Any]] = field(default_factory=list)
    enis: list[dict[str, Any]] = field(default_factory=list)
    reservations: list[dict[str, Any]] = field(default_factory=list)
    addresses: list[dict[str, Any]] = field(default_factory=list)
    flow_logs: list[dict[str, Any]] = field(default_factory=list)
    ebs_default: bool = False
    lbs: list[dict[str, Any]] = field(default_factory=list)
    lb_attributes: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    listeners: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    rules: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    target_groups: list[dict[str, Any]] = field(default_factory=list)
    target_health: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    classic: list[dict[str, Any]] = field(default_factory=list)
    acls: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # scope -> ListWebACLs items
    acl_details: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)
    acl_logging: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    acl_resources: dict[str, list[str]] = field(default_factory=dict)


class Builder:
    def __init__(self, ctx: AccountContext, region: str) -> None:
        self.ctx = ctx
        self.region = region
        self.acct = ctx.id
        self.rng = ctx.rng("net", region)
        self.net = Net()
        self.n = 0  # a counter making ids unique within the account and region

    def id(self, prefix: str, n: int = 17) -> str:
        self.n += 1
        return self.ctx.hexid(prefix, self.region, self.n, n=n)

    def arn(self, kind: str, rid: str, owner: str | None = None) -> str:
        return f"arn:aws:ec2:{self.region}:{owner or self.acct}:{kind}/{rid}"

    def ip(self, cidr: str, host: int) -> str:
        a, b, c, _ = cidr.split("/")[0].split(".")
        return f"{a}.{b}.{c}.{host}"

    def public_ip(self) -> str:
        r = self.rng
        return f"{r.choice((3, 18, 34, 35, 44, 52, 54))}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"

    # -- pieces --------------------------------------------------------------------------------

    def vpc(self, vid: str, cidr: str, name: str, default: bool) -> None:
        self.net.vpcs.append(
            {
                "CidrBlock": cidr,
                "DhcpOptionsId": self.id("dopt"),
                "State": "available",
                "VpcId": vid,
                "OwnerId": self.acct,
                "InstanceTenancy": "default",
                "CidrBlockAssociationSet": [
                    {
                        "AssociationId": self.id("vpc-cidr-assoc"),
                        "CidrBlock": cidr,
                        "CidrBlockState": {"State": "associated"},
                    }
                ],
                "IsDefault": default,
                **({} if default else {"Tags": tags(name)}),
            }
        )

    def subnet(self, vid: str, cidr: str, az: str, public: bool, name: str, default: bool) -> str:
        sid = self.id("subnet")
        self.net.subnets.append(
            {
                "AvailabilityZone": f"{self.region}{az}",
                "AvailableIpAddressCount": 4000 if default else 240,
                "CidrBlock": cidr,
                "DefaultForAz": default,
                "MapPublicIpOnLaunch": public,
                "State": "available",
                "SubnetId": sid,
                "VpcId": vid,
                "OwnerId": self.acct,
                "AssignIpv6AddressOnCreation": False,
                "Ipv6CidrBlockAssociationSet": [],
                "SubnetArn": self.arn("subnet", sid),
                **({} if default else {"Tags": tags(name)}),
            }
        )
        return sid

    def route_table(
        self, vid: str, cidr: str, routes: list[dict[str, Any]], subnets: list[str], main: bool, name: str
    ) -> str:
        rid = self.id("rtb")
        assocs = [
            {
                "Main": False,
                "RouteTableAssociationId": self.id("rtbassoc"),
                "RouteTableId": rid,
                "SubnetId": s,
                "AssociationState": {"State": "associated"},
            }
            for s in subnets
        ]
        if main:
            assocs.insert(
                0,
                {
                    "Main": True,
                    "RouteTableAssociationId": self.id("rtbassoc"),
                    "RouteTableId": rid,
                    "AssociationState": {"State": "associated"},
                },
            )
        local = {
            "DestinationCidrBlock": cidr,
            "GatewayId": "local",
            "Origin": "CreateRouteTable",
            "State": "active",
        }
        self.net.route_tables.append(
            {
                "Associations": assocs,
                "PropagatingVgws": [],
                "RouteTableId": rid,
                "Routes": [local, *routes],
                "Tags": tags(name),
                "VpcId": vid,
                "OwnerId": self.acct,
            }
        )
        return rid

    def igw(self, vid: str) -> str:
        gid = self.id("igw")
        self.net.igws.append(
            {
                "Attachments": [{"State": "available", "VpcId": vid}],
                "InternetGatewayId": gid,
                "OwnerId": self.acct,
                "Tags": [],
            }
        )
        return gid

    def nacl(self, vid: str, subnets: list[str]) -> None:
        entries = []
        for egress in (False, True):
            entries.append(
                {
                    "CidrBlock": "0.0.0.0/0",
                    "Egress": egress,
                    "Protocol": "-1",
                    "RuleAction": "allow",
                    "RuleNumber": 100,
                }
            )
            entries.append(
                {
                    "CidrBlock": "0.0.0.0/0",
                    "Egress": egress,
                    "Protocol": "-1",
                    "RuleAction": "deny",
                    "RuleNumber": 32767,
                }
            )
        aid = self.id("acl")
        self.net.nacls.append(
            {
                "Associations": [
                    {"NetworkAclAssociationId": self.id("aclassoc"), "NetworkAclId": aid, "SubnetId": s}
                    for s in subnets
                ],
                "Entries": entries,
                "IsDefault": True,
                "NetworkAclId": aid,
                "Tags": [],
                "VpcId": vid,
                "OwnerId": self.acct,
            }
        )

    def sg(self, vid: str, name: str, ingress: list[dict[str, Any]]) -> str:
        """``ingress``: [{"proto", "from", "to", "cidr"| "group"}]; egress is all traffic."""
        gid = self.id("sg")
        perms, rules = [], []
        for rule in ingress:
            perm: dict[str, Any] = {
                "IpProtocol": rule["proto"],
                "IpRanges": [],
                "Ipv6Ranges": [],
                "PrefixListIds": [],
                "UserIdGroupPairs": [],
            }
            if rule["proto"] != "-1":
                perm["FromPort"], perm["ToPort"] = rule["from"], rule["to"]
            sgr: dict[str, Any] = {
                "SecurityGroupRuleId": self.id("sgr"),
                "GroupId": gid,
                "GroupOwnerId": self.acct,
                "IsEgress": False,
                "IpProtocol": rule["proto"],
                "FromPort": rule.get("from", -1),
                "ToPort": rule.get("to", -1),
                "Tags": [],
            }
            if "cidr" in rule:
                perm["IpRanges"].append({"CidrIp": rule["cidr"]})
                sgr["CidrIpv4"] = rule["cidr"]
            else:
                group = gid if rule["group"] == "self" else rule["group"]
                perm["UserIdGroupPairs"].append({"GroupId": group, "UserId": self.acct})
                sgr["ReferencedGroupInfo"] = {"GroupId": group, "UserId": self.acct}
            sgr["SecurityGroupRuleArn"] = self.arn("security-group-rule", sgr["SecurityGroupRuleId"])
            perms.append(perm)
            rules.append(sgr)
        egress_rule = {
            "SecurityGroupRuleId": self.id("sgr"),
            "GroupId": gid,
            "GroupOwnerId": self.acct,
            "IsEgress": True,
            "IpProtocol": "-1",
            "FromPort": -1,
            "ToPort": -1,
            "CidrIpv4": "0.0.0.0/0",
            "Tags": [],
        }
        egress_rule["SecurityGroupRuleArn"] = self.arn(
            "security-group-rule", egress_rule["SecurityGroupRuleId"]
        )
        rules.append(egress_rule)
        self.net.sgs.append(
            {
                "Description": "default VPC security group" if name == DEFAULT_SG else f"{name} tier",
                "GroupName": name,
                "IpPermissions": perms,
                "OwnerId": self.acct,
                "GroupId": gid,
                "IpPermissionsEgress": [
                    {
                        "IpProtocol": "-1",
                        "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                        "Ipv6Ranges": [],
                        "PrefixListIds": [],
                        "UserIdGroupPairs": [],
                    }
                ],
                "VpcId": vid,
                "SecurityGroupArn": self.arn("security-group", gid),
                "Tags": [],
            }
        )
        self.net.sg_rules.extend(rules)
        return gid

    def eni(
        self,
        vid: str,
        subnet: str,
        cidr: str,
        groups: list[str],
        description: str,
        *,
        instance: str | None = None,
        public_ip: str | None = None,
        allocation: str | None = None,
        requester_managed: bool = False,
        interface_type: str = "interface",
    ) -> tuple[str, str]:
        eid = self.id("eni")
        private = self.ip(cidr, 10 + self.n % 240)
        association = (
            {"PublicIp": public_ip, "IpOwnerId": self.acct if allocation else "amazon"}
            | ({"AllocationId": allocation} if allocation else {})
            if public_ip
            else None
        )
        item: dict[str, Any] = {
            "AvailabilityZone": f"{self.region}a",
            "Description": description,
            "Groups": [{"GroupName": g, "GroupId": g} for g in groups],
            "InterfaceType": interface_type,
            "Ipv6Addresses": [],
            "MacAddress": "02:" + ":".join(self.ctx.random_hex(self.rng, 2) for _ in range(5)),
            "NetworkInterfaceId": eid,
            "OwnerId": self.acct,
            "PrivateIpAddress": private,
            "PrivateIpAddresses": [
                {
                    "Primary": True,
                    "PrivateIpAddress": private,
                    **({"Association": association} if association else {}),
                }
            ],
            "RequesterManaged": requester_managed,
            "SourceDestCheck": interface_type != "nat_gateway",
            "Status": "in-use",
            "SubnetId": subnet,
            "TagSet": [],
            "VpcId": vid,
        }
        if association:
            item["Association"] = association
        if instance:
            item["Attachment"] = {
                "AttachTime": iso(COLLECTED_AT),
                "AttachmentId": self.id("eni-attach"),
                "DeleteOnTermination": True,
                "DeviceIndex": 0,
                "InstanceId": instance,
                "InstanceOwnerId": self.acct,
                "Status": "attached",
            }
        self.net.enis.append(item)
        return eid, private

    # -- whole VPCs ----------------------------------------------------------------------------

    def default_vpc(self) -> None:
        vid = self.id("vpc")
        cidr = "172.31.0.0/16"
        self.vpc(vid, cidr, "", True)
        subnets = [
            self.subnet(vid, f"172.31.{16 * i}.0/20", az, True, "", True) for i, az in enumerate(AZ_SUFFIXES)
        ]
        gw = self.igw(vid)
        self.route_table(
            vid,
            cidr,
            [
                {
                    "DestinationCidrBlock": "0.0.0.0/0",
                    "GatewayId": gw,
                    "Origin": "CreateRoute",
                    "State": "active",
                }
            ],
            [],
            True,
            "",
        )
        self.nacl(vid, subnets)
        self.sg(vid, DEFAULT_SG, [{"proto": "-1", "group": "self"}])

    def workload_vpc(self, index: int, *, lbs: bool, attach: bool) -> None:
        ctx, rng = self.ctx, self.rng
        vid = vpc_id(ctx.seed, self.acct, self.region, index)
        cidr = workload_cidr(ctx.index, index, self.region)
        name = f"{ctx.account.name}-vpc{index}"
        self.vpc(vid, cidr, name, False)
        azs = AZ_SUFFIXES[: rng.choice((2, 3, 3))]
        public = [
            self.subnet(
                vid,
                self.ip(cidr, 0).rsplit(".", 2)[0] + f".{i}.0/24",
                az,
                rng.random() < 0.5,
                f"{name}-public-{az}",
                False,
            )
            for i, az in enumerate(azs)
        ]
        private = [
            self.subnet(
                vid,
                self.ip(cidr, 0).rsplit(".", 2)[0] + f".{10 + i}.0/24",
                az,
                False,
                f"{name}-private-{az}",
                False,
            )
            for i, az in enumerate(azs)
        ]
        public_cidr = self.ip(cidr, 0).rsplit(".", 2)[0] + ".0.0/24"
        private_cidr = self.ip(cidr, 0).rsplit(".", 2)[0] + ".10.0/24"
        gw = self.igw(vid)
        # NAT gateway with its Elastic IP and ENI in the first public subnet.
        nat_id, allocation, nat_ip = self.id("nat"), self.id("eipalloc"), self.public_ip()
        nat_eni, nat_private = self.eni(
            vid,
            public[0],
            public_cidr,
            [],
            f"Interface for NAT Gateway {nat_id}",
            public_ip=nat_ip,
            allocation=allocation,
            requester_managed=True,
            interface_type="nat_gateway",
        )
        self.net.nats.append(
            {
                "CreateTime": iso(COLLECTED_AT),
                "NatGatewayAddresses": [
                    {
                        "AllocationId": allocation,
                        "NetworkInterfaceId": nat_eni,
                        "PrivateIp": nat_private,
                        "PublicIp": nat_ip,
                        "AssociationId": self.id("eipassoc"),
                        "IsPrimary": True,
                        "Status": "succeeded",
                    }
                ],
                "NatGatewayId": nat_id,
                "State": "available",
                "SubnetId": public[0],
                "VpcId": vid,
                "Tags": tags(f"{name}-nat"),
                "ConnectivityType": "public",
            }
        )
        self.net.addresses.append(
            {
                "AllocationId": allocation,
                "AssociationId": self.id("eipassoc"),
                "Domain": "vpc",
                "NetworkInterfaceId": nat_eni,
                "NetworkInterfaceOwnerId": self.acct,
                "PrivateIpAddress": nat_private,
                "PublicIp": nat_ip,
                "PublicIpv4Pool": "amazon",
                "NetworkBorderGroup": self.region,
                "Tags": [],
            }
        )
        any_route = "0.0.0.0/0"
        public_rt = [
            {"DestinationCidrBlock": any_route, "GatewayId": gw, "Origin": "CreateRoute", "State": "active"}
        ]
        private_rt: list[dict[str, Any]] = [
            {
                "DestinationCidrBlock": any_route,
                "NatGatewayId": nat_id,
                "Origin": "CreateRoute",
                "State": "active",
            }
        ]
        if attach:
            tgw = tgw_id(ctx.facts, self.region)
            private_rt.append(
                {
                    "DestinationCidrBlock": "10.0.0.0/8",
                    "TransitGatewayId": tgw,
                    "Origin": "CreateRoute",
                    "State": "active",
                }
            )
        # Security groups: SSH or RDP open to the internet now and then (the classic finding).
        web_rules: list[dict[str, Any]] = [{"proto": "tcp", "from": 443, "to": 443, "cidr": "0.0.0.0/0"}]
        if rng.random() < 0.12:
            web_rules.append({"proto": "tcp", "from": 22, "to": 22, "cidr": "0.0.0.0/0"})
        if rng.random() < 0.04:
            web_rules.append({"proto": "tcp", "from": 3389, "to": 3389, "cidr": "0.0.0.0/0"})
        self.sg(vid, DEFAULT_SG, [{"proto": "-1", "group": "self"}])
        web = self.sg(vid, f"{name}-{WEB}", web_rules)
        app = self.sg(vid, f"{name}-{APP}", [{"proto": "tcp", "from": 8080, "to": 8080, "group": web}])
        self.sg(vid, f"{name}-{DB}", [{"proto": "tcp", "from": 5432, "to": 5432, "group": app}])
        # Gateway endpoint for S3 on the private route table (its route names the prefix list).
        private_rt_id_routes = list(private_rt)
        endpoint_id = None
        if rng.random() < 0.6:
            endpoint_id = self.id("vpce")
            private_rt_id_routes.append(
                {
                    "DestinationPrefixListId": prefix_list_id(self.region, "s3"),
                    "GatewayId": endpoint_id,
                    "Origin": "CreateRoute",
                    "State": "active",
                }
            )
        self.route_table(vid, cidr, [], [], True, f"{name}-main")
        self.route_table(vid, cidr, public_rt, public, False, f"{name}-public")
        private_rt_id = self.route_table(vid, cidr, private_rt_id_routes, private, False, f"{name}-private")
        self.nacl(vid, public + private)
        if endpoint_id:
            self.net.endpoints.append(
                self._endpoint(endpoint_id, vid, "s3", "Gateway", [private_rt_id], [], [])
            )
        if self.ctx.rare(rng, 0.3):
            eid = self.id("vpce")
            enis = [
                self.eni(
                    vid, s, private_cidr, [app], f"VPC Endpoint Interface {eid}", requester_managed=True
                )[0]
                for s in private
            ]
            self.net.endpoints.append(self._endpoint(eid, vid, "ssm", "Interface", [], private, [app], enis))
        # Instances: app servers in private subnets; now and then a bastion with a public IP.
        instances: list[tuple[str, str]] = []
        for i in range(rng.randint(1, 4)):
            instances.append(
                self.instance(vid, private[i % len(private)], private_cidr, app, f"{name}-app-{i}", None)
            )
        if rng.random() < 0.12:
            self.instance(vid, public[0], public_cidr, web, f"{name}-bastion", self.public_ip())
        if rng.random() < (0.85 if ctx.facts.is_prod(ctx.account) else 0.6):
            self.flow_log(vid)
        if lbs:
            gen_loadbalancers.load_balancers(
                self, vid, public, private, public_cidr, private_cidr, web, [i for i, _ in instances]
            )
        if attach:
            self.net.tgw_attachments.append(self._attachment(self.acct, vid, ctx.facts))

    def _endpoint(
        self,
        eid: str,
        vid: str,
        service: str,
        kind: str,
        route_tables: list[str],
        subnets: list[str],
        groups: list[str],
        enis: list[str] | None = None,
    ) -> dict[str, Any]:
        return {
            "VpcEndpointId": eid,
            "VpcEndpointType": kind,
            "VpcId": vid,
            "ServiceName": f"com.amazonaws.{self.region}.{service}",
            "State": "available",
            "PolicyDocument": ENDPOINT_POLICY,
            "RouteTableIds": route_tables,
            "SubnetIds": subnets,
            "Groups": [{"GroupId": g, "GroupName": g} for g in groups],
            "PrivateDnsEnabled": kind == "Interface",
            "RequesterManaged": False,
            "NetworkInterfaceIds": enis or [],
            "CreationTimestamp": iso(COLLECTED_AT),
            "Tags": [],
            "OwnerId": self.acct,
        }

    def instance(
        self, vid: str, subnet: str, cidr: str, group: str, name: str, public_ip: str | None
    ) -> tuple[str, str]:
        rng = self.rng
        iid = self.id("i")
        eni, private = self.eni(vid, subnet, cidr, [group], "", instance=iid, public_ip=public_ip)
        tokens = "optional" if rng.random() < 0.3 else "required"
        item = {
            "AmiLaunchIndex": 0,
            "ImageId": f"ami-{stable_hex(17, self.region, 'al2023')}",
            "InstanceId": iid,
            "InstanceType": rng.choice(("t3.medium", "m6i.large", "c6i.xlarge", "t3.small")),
            "LaunchTime": iso(COLLECTED_AT),
            "Placement": {"AvailabilityZone": f"{self.region}a", "Tenancy": "default"},
            "PrivateDnsName": f"ip-{private.replace('.', '-')}.ec2.internal",
            "PrivateIpAddress": private,
            "State": {"Code": 16, "Name": "running"},
            "SubnetId": subnet,
            "VpcId": vid,
            "Architecture": "x86_64",
            "IamInstanceProfile": {
                "Arn": f"arn:aws:iam::{self.acct}:instance-profile/{name.split('-vpc')[0]}-ec2",
                "Id": f"AIPA{stable_hex(17, iid).upper()}",
            },
            "NetworkInterfaces": [
                {
                    "Attachment": {
                        "AttachmentId": self.id("eni-attach"),
                        "DeviceIndex": 0,
                        "Status": "attached",
                    },
                    "NetworkInterfaceId": eni,
                    "PrivateIpAddress": private,
                    "Groups": [{"GroupName": group, "GroupId": group}],
                    "SubnetId": subnet,
                    "VpcId": vid,
                    "OwnerId": self.acct,
                    "Status": "in-use",
                    "SourceDestCheck": True,
                    "InterfaceType": "interface",
                }
            ],
            "SecurityGroups": [{"GroupName": group, "GroupId": group}],
            "Tags": tags(name),
            "MetadataOptions": {
                "State": "applied",
                "HttpTokens": tokens,
                "HttpPutResponseHopLimit": 2,
                "HttpEndpoint": "enabled",
            },
            "RootDeviceName": "/dev/xvda",
            "RootDeviceType": "ebs",
            "VirtualizationType": "hvm",
        }
        if public_ip:
            item["PublicIpAddress"] = public_ip
        self.net.reservations.append(
            {"Groups": [], "Instances": [item], "OwnerId": self.acct, "ReservationId": self.id("r")}
        )
        return iid, eni

    def flow_log(self, resource: str) -> None:
        self.net.flow_logs.append(
            {
                "CreationTime": iso(COLLECTED_AT),
                "DeliverLogsStatus": "SUCCESS",
                "FlowLogId": self.id("fl"),
                "FlowLogStatus": "ACTIVE",
                "ResourceId": resource,
                "TrafficType": "ALL",
                "LogDestinationType": "s3",
                "LogDestination": f"arn:aws:s3:::{self.ctx.facts.log_bucket()}/vpc-flow-logs/",
                "MaxAggregationInterval": 600,
                "Tags": [],
            }
        )

    def _attachment(self, owner: str, vid: str, facts: OrgFacts) -> dict[str, Any]:
        tgw = tgw_id(facts, self.region)
        return {
            "TransitGatewayAttachmentId": attachment_id(facts.seed, owner, self.region),
            "TransitGatewayId": tgw,
            "TransitGatewayOwnerId": facts.network.id,
            "ResourceOwnerId": owner,
            "ResourceType": "vpc",
            "ResourceId": vid,
            "State": "available",
            "Association": {
                "TransitGatewayRouteTableId": tgw_table_id(facts, self.region),
                "State": "associated",
            },
            "CreationTime": iso(COLLECTED_AT),
            "Tags": [],
        }

    # -- the network account's transit gateway --------------------------------------------------

    def transit_gateway(self, owner_view: bool) -> None:
        facts = self.ctx.facts
        tgw = tgw_id(facts, self.region)
        table = tgw_table_id(facts, self.region)
        self.net.tgws.append(
            {
                "TransitGatewayId": tgw,
                "TransitGatewayArn": f"arn:aws:ec2:{self.region}:{facts.network.id}:transit-gateway/{tgw}",
                "State": "available",
                "OwnerId": facts.network.id,
                "Description": "organization hub",
                "CreationTime": iso(COLLECTED_AT),
                "Options": {
                    "AmazonSideAsn": 64512,
                    "AutoAcceptSharedAttachments": "enable",
                    "DefaultRouteTableAssociation": "enable",
                    "AssociationDefaultRouteTableId": table,
                    "DefaultRouteTablePropagation": "enable",
                    "PropagationDefaultRouteTableId": table,
                    "VpnEcmpSupport": "enable",
                    "DnsSupport": "enable",
                },
                "Tags": tags("org-hub"),
            }
        )
        if not owner_view:
            return
        # Every attachment, the network account's own VPC included, from every account.
        own_vid = vpc_id(facts.seed, self.acct, self.region, 0)
        attachments = [self._attachment(self.acct, own_vid, facts)]
        for account in facts.org.accounts:
            if account.id != self.acct and attaches_to_transit_gateway(
                facts, account.id, account.kind, self.region
            ):
                vid = vpc_id(facts.seed, account.id, self.region, 0)
                att = self._attachment(account.id, vid, facts)
                att["CidrBlock"] = workload_cidr(facts.account_index[account.id], 0, self.region)
                attachments.append(att)
        routes, links = [], []
        for att in attachments:
            cidr = att.pop("CidrBlock", workload_cidr(facts.account_index[self.acct], 0, self.region))
            link = {
                "TransitGatewayAttachmentId": att["TransitGatewayAttachmentId"],
                "ResourceId": att["ResourceId"],
                "ResourceType": "vpc",
            }
            routes.append(
                {
                    "DestinationCidrBlock": cidr,
                    "TransitGatewayAttachments": [link],
                    "Type": "propagated",
                    "State": "active",
                }
            )
            links.append(dict(link))
        # Everything else goes out through the network account's egress VPC.
        routes.append(
            {
                "DestinationCidrBlock": "0.0.0.0/0",
                "TransitGatewayAttachments": [dict(links[0])],
                "Type": "static",
                "State": "active",
            }
        )
        self.net.tgw_attachments = attachments
        self.net.tgw_tables.append(
            {
                "TransitGatewayRouteTableId": table,
                "TransitGatewayId": tgw,
                "State": "available",
                "DefaultAssociationRouteTable": True,
                "DefaultPropagationRouteTable": True,
                "CreationTime": iso(COLLECTED_AT),
                "Tags": [],
            }
        )
        self.net.tgw_routes[table] = routes
        self.net.tgw_links[table] = links

    def prefix_lists(self) -> None:
        for service in ("s3", "dynamodb"):
            pl = prefix_list_id(self.region, service)
            self.net.prefix_lists.append(
                {
                    "PrefixListId": pl,
                    "AddressFamily": "IPv4",
                    "State": "create-complete",
                    "PrefixListArn": f"arn:aws:ec2:{self.region}:aws:prefix-list/{pl}",
                    "PrefixListName": f"com.amazonaws.{self.region}.{service}",
                    "Tags": [],
                    "OwnerId": "AWS",
                }
            )
            r = stable_rng(self.region, service)
            self.net.prefix_entries[pl] = [
                {"Cidr": f"{r.randint(3, 54)}.{r.randint(0, 255)}.{16 * i}.0/20"} for i in range(4)
            ]
        if self.ctx.account.kind == "network" and self.region == self.ctx.home:
            pl = self.id("pl", 17)
            self.net.prefix_lists.append(
                {
                    "PrefixListId": pl,
                    "AddressFamily": "IPv4",
                    "State": "create-complete",
                    "PrefixListArn": self.arn("prefix-list", pl),
                    "PrefixListName": "corporate-offices",
                    "MaxEntries": 10,
                    "Version": 3,
                    "Tags": [],
                    "OwnerId": self.acct,
                }
            )
            self.net.prefix_entries[pl] = [
                {"Cidr": "198.51.100.0/24", "Description": "HQ"},
                {"Cidr": "203.0.113.0/24", "Description": "VPN"},
            ]

    def peering(self) -> None:
        vendor = self.rng.choice(VENDOR_ACCOUNTS)
        own = vpc_id(self.ctx.seed, self.acct, self.region, 0)
        self.net.peerings.append(
            {
                "AccepterVpcInfo": {
                    "CidrBlock": "192.168.0.0/20",
                    "CidrBlockSet": [{"CidrBlock": "192.168.0.0/20"}],
                    "OwnerId": vendor,
                    "VpcId": f"vpc-{stable_hex(17, vendor)}",
                    "Region": self.region,
                },
                "RequesterVpcInfo": {
                    "CidrBlock": workload_cidr(self.ctx.index, 0, self.region),
                    "CidrBlockSet": [{"CidrBlock": workload_cidr(self.ctx.index, 0, self.region)}],
                    "OwnerId": self.acct,
                    "VpcId": own,
                    "Region": self.region,
                },
                "Status": {"Code": "active", "Message": "Active"},
                "Tags": tags("vendor-monitoring"),
                "VpcPeeringConnectionId": self.id("pcx"),
            }
        )


def tgw_id(facts: OrgFacts, region: str) -> str:
    return f"tgw-{stable_hex(17, facts.seed, facts.network.id, region, 'tgw')}"


def tgw_table_id(facts: OrgFacts, region: str) -> str:
    return f"tgw-rtb-{stable_hex(17, facts.seed, facts.network.id, region, 'tgw-rtb')}"


def prefix_list_id(region: str, service: str) -> str:
    return f"pl-{stable_hex(8, region, service)}"


def build_network(ctx: AccountContext, region: str) -> Net:
    b = Builder(ctx, region)
    rng, kind = b.rng, ctx.account.kind
    if rng.random() < (0.5 if kind in ("management", "security-tooling", "log-archive") else 0.75):
        b.default_vpc()
    home = region == ctx.home
    second = ctx.facts.is_prod(ctx.account) and not home and region in ("us-east-1", "eu-west-1")
    count = 0
    if home:
        count = {"workload": rng.randint(1, 3), "sandbox": 1, "network": 1, "shared-services": 1}.get(kind, 0)
    elif second and rng.random() < 0.5:
        count = 1
    attach = attaches_to_transit_gateway(ctx.facts, ctx.id, kind, region)
    for i in range(count):
        b.workload_vpc(i, lbs=home and kind in ("workload", "sandbox"), attach=attach and i == 0)
    if kind == "network" and region in tgw_regions(ctx.facts):
        if not home:
            b.workload_vpc(0, lbs=False, attach=False)
        b.transit_gateway(owner_view=True)
    elif attach:
        b.transit_gateway(owner_view=False)  # the shared gateway, as a RAM participant sees it
    if home and kind == "workload" and ctx.rare(rng, 0.05):
        b.peering()
    b.prefix_lists()
    b.net.ebs_default = rng.random() < (0.8 if ctx.facts.is_prod(ctx.account) else 0.55)
    if home and kind == "management" and "us-east-1" in ctx.facts.regions and region == "us-east-1":
        gen_loadbalancers.web_acl_of(b, "CLOUDFRONT", "org-cdn-protection", [], True)
    elif region == "us-east-1" and kind == "workload" and rng.random() < 0.15:
        gen_loadbalancers.web_acl_of(b, "CLOUDFRONT", f"{ctx.account.name}-cdn", [], rng.random() < 0.5)
    return b.net


# -- answers --------------------------------------------------------------------------------------


def network_of(ctx: AccountContext, region: str) -> Net:
    """The account's network in ``region``, built on first use."""
    result: Net = ctx.cached("network", region, build_network)
    return result


def _ec2_arn(region: str, owner: str, kind: str, rid: str) -> str:
    return f"arn:aws:ec2:{region}:{owner}:{kind}/{rid}"


def _listing(attr: str, key: str, tally: str | None, arn_kind: str = "", id_key: str = "") -> Handler:
    def handler(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
        items = getattr(network_of(ctx, region), attr)
        if tally:
            ctx.tally.add(
                tally,
                *(_ec2_arn(region, str(i.get("OwnerId") or ctx.id), arn_kind, i[id_key]) for i in items),
            )
        return [{key: items}]

    return handler


def _subnets(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    items = network_of(ctx, region).subnets
    ctx.tally.add("network.subnets", *(s["SubnetArn"] for s in items))
    return [{"Subnets": items}]


def _reservations(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    items = network_of(ctx, region).reservations
    ctx.tally.add(
        "network.instances",
        *(_ec2_arn(region, r["OwnerId"], "instance", i["InstanceId"]) for r in items for i in r["Instances"]),
    )
    return [{"Reservations": items}]


def _nats(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    items = network_of(ctx, region).nats
    ctx.tally.add(
        "network.nat_gateways", *(_ec2_arn(region, ctx.id, "natgateway", n["NatGatewayId"]) for n in items)
    )
    return [{"NatGateways": items}]


def _peerings(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    items = network_of(ctx, region).peerings
    ctx.tally.add(
        "network.peerings",
        *(
            _ec2_arn(
                p["RequesterVpcInfo"]["Region"],
                p["RequesterVpcInfo"]["OwnerId"],
                "vpc-peering-connection",
                p["VpcPeeringConnectionId"],
            )
            for p in items
        ),
    )
    return [{"VpcPeeringConnections": items}]


def _tgws(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    items = network_of(ctx, region).tgws
    ctx.tally.add("network.transit_gateways", *(t["TransitGatewayArn"] for t in items))
    return [{"TransitGateways": items}]


def _tgw_attachments(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    items = network_of(ctx, region).tgw_attachments
    ctx.tally.add(
        "network.tgw_attachments",
        *(
            _ec2_arn(
                region,
                a["TransitGatewayOwnerId"],
                "transit-gateway-attachment",
                a["TransitGatewayAttachmentId"],
            )
            for a in items
        ),
    )
    return [{"TransitGatewayAttachments": items}]


def _tgw_tables(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    items = network_of(ctx, region).tgw_tables
    ctx.tally.add(
        "network.tgw_route_tables",
        *(
            _ec2_arn(region, ctx.id, "transit-gateway-route-table", t["TransitGatewayRouteTableId"])
            for t in items
        ),
    )
    return [{"TransitGatewayRouteTables": items}]


def _tgw_routes(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    routes = network_of(ctx, region).tgw_routes.get(str(params["TransitGatewayRouteTableId"]), [])
    return [{"Routes": routes, "AdditionalRoutesAvailable": False}]


def _tgw_links(key: str, state: str) -> Handler:
    def handler(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
        links = network_of(ctx, region).tgw_links.get(str(params["TransitGatewayRouteTableId"]), [])
        return [{key: [{**link, "State": state} for link in links]}]

    return handler


def _prefix_lists(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    items = network_of(ctx, region).prefix_lists
    ctx.tally.add("network.prefix_lists", *(p["PrefixListArn"] for p in items))
    return [{"PrefixLists": items}]


def _prefix_entries(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    return [{"Entries": network_of(ctx, region).prefix_entries.get(str(params["PrefixListId"]), [])}]


def _sg_rules(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    # About one account in fifty still runs an older read-only policy without this action:
    # the Inventory falls back to DescribeSecurityGroups' IpPermissions.
    if 0.04 <= ctx.fate < 0.06:
        return ctx.deny("ec2:DescribeSecurityGroupRules", code="UnauthorizedOperation")
    return [{"SecurityGroupRules": network_of(ctx, region).sg_rules}]


def _addresses(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    items = network_of(ctx, region).addresses
    ctx.tally.add(
        "network.elastic_ips", *(_ec2_arn(region, ctx.id, "elastic-ip", a["AllocationId"]) for a in items)
    )
    return [{"Addresses": items}]


def _flow_logs(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    items = network_of(ctx, region).flow_logs
    ctx.tally.add(
        "network.flow_logs", *(_ec2_arn(region, ctx.id, "vpc-flow-log", f["FlowLogId"]) for f in items)
    )
    return [{"FlowLogs": items}]


def _ebs(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    return [{"EbsEncryptionByDefault": network_of(ctx, region).ebs_default, "SseType": "sse-ebs"}]


def _empty(key: str) -> Handler:
    return lambda ctx, region, params: [{key: []}]


HANDLERS: dict[tuple[str, str], Handler] = {
    ("ec2", "DescribeVpcs"): _listing("vpcs", "Vpcs", "network.vpcs", "vpc", "VpcId"),
    ("ec2", "DescribeSubnets"): _subnets,
    ("ec2", "DescribeRouteTables"): _listing(
        "route_tables", "RouteTables", "network.route_tables", "route-table", "RouteTableId"
    ),
    ("ec2", "DescribeInternetGateways"): _listing(
        "igws", "InternetGateways", "network.gateways", "internet-gateway", "InternetGatewayId"
    ),
    ("ec2", "DescribeEgressOnlyInternetGateways"): _empty("EgressOnlyInternetGateways"),
    ("ec2", "DescribeNatGateways"): _nats,
    ("ec2", "DescribeVpcPeeringConnections"): _peerings,
    ("ec2", "DescribeTransitGateways"): _tgws,
    ("ec2", "DescribeTransitGatewayAttachments"): _tgw_attachments,
    ("ec2", "DescribeTransitGatewayRouteTables"): _tgw_tables,
    ("ec2", "SearchTransitGatewayRoutes"): _tgw_routes,
    ("ec2", "GetTransitGatewayRouteTableAssociations"): _tgw_links("Associations", "associated"),
    ("ec2", "GetTransitGatewayRouteTablePropagations"): _tgw_links(
        "TransitGatewayRouteTablePropagations", "enabled"
    ),
    ("ec2", "DescribeVpcEndpoints"): _listing(
        "endpoints", "VpcEndpoints", "network.endpoints", "vpc-endpoint", "VpcEndpointId"
    ),
    ("ec2", "DescribeManagedPrefixLists"): _prefix_lists,
    ("ec2", "GetManagedPrefixListEntries"): _prefix_entries,
    ("ec2", "DescribeSecurityGroups"): _listing(
        "sgs", "SecurityGroups", "network.security_groups", "security-group", "GroupId"
    ),
    ("ec2", "DescribeSecurityGroupRules"): _sg_rules,
    ("ec2", "DescribeNetworkAcls"): _listing(
        "nacls", "NetworkAcls", "network.network_acls", "network-acl", "NetworkAclId"
    ),
    ("ec2", "DescribeNetworkInterfaces"): _listing(
        "enis", "NetworkInterfaces", "network.network_interfaces", "network-interface", "NetworkInterfaceId"
    ),
    ("ec2", "DescribeInstances"): _reservations,
    ("ec2", "DescribeAddresses"): _addresses,
    ("ec2", "DescribeFlowLogs"): _flow_logs,
    ("ec2", "GetEbsEncryptionByDefault"): _ebs,
}
