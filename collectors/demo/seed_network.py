"""Demo network: VPCs, gateways, instances, load balancers and WAF across the demo accounts.

Seeded to exhibit what a reachability analysis must get right, not just rule-level checks:

- network account (us-east-1), VPC "hub": public and private subnets, an internet gateway, a NAT
  gateway, route tables; a truly exposed web instance (public IP, SG open on 443 and 22 to the
  internet, NACL allowing); and the traps: an open SG on an instance whose subnet routes 0.0.0.0/0
  to the NAT gateway (not reachable from the internet); a public subnet whose NACL denies the port;
  a subnet whose NACL allows 443 in but denies the ephemeral return ports out; an instance in a
  public subnet without a public IP; a transit gateway with a static and a blackhole route; an S3
  gateway endpoint with a policy; flow logs on this VPC.
- web-prod (us-east-1), VPC "web": app instances in private subnets reachable only through
  internet-facing ALBs, one with a WAF web ACL and one without; a classic ELB; flow logs.
- shared-services: VPC "tools", peered with the network hub (cross-account); one more peering
  request to a VPC outside the organization (the vendor account).
- EBS encryption by default in network and payments-prod (both regions), off elsewhere.
- Default VPCs are left in place everywhere (moto's default VPCs lack the IGW and the 0.0.0.0/0
  route AWS creates: see shared/reference/notes-moto-and-speed.md).

What was created is recorded in ``ctx.resources["network"]`` (structure in :func:`seed_network`).
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from collectors.demo.seed import REGION, VENDOR_ACCOUNT_ID, SeedContext, _note_skip

# moto accepts any well-formed image id when its default AMIs are not loaded (the demo build
# does not load them).
IMAGE_ID = "ami-0a1b2c3d4e5f60718"
ANYWHERE = "0.0.0.0/0"
EBS_ENCRYPTED: tuple[tuple[str, str], ...] = (
    ("network", "us-east-1"),
    ("network", "eu-west-1"),
    ("payments-prod", "us-east-1"),
    ("payments-prod", "eu-west-1"),
)


class _Recorder:
    """What the seed created: logical name -> {"id", "account", "region", ...}."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}

    def add(self, name: str, resource_id: str, account: str, region: str = REGION, **extra: Any) -> str:
        self.items[name] = {"id": resource_id, "account": account, "region": region, **extra}
        return resource_id


def seed_network(ctx: SeedContext) -> None:
    """Create the demo network; record it in ``ctx.resources["network"]``.

    Structure: ``{"resources": {logical name: {"id", "account", "region", ...}},
    "flow_log_vpcs": [logical VPC names], "ebs_encrypted": [[account, region]],
    "exposed": [instance names truly reachable from the internet, with ports],
    "not_exposed": [instance names a rule-level check would wrongly flag]}``.
    """
    rec = _Recorder()
    _hub(ctx, rec)
    _web(ctx, rec)
    _tools_and_peering(ctx, rec)
    _ebs(ctx)
    ctx.resources["network"] = {
        "resources": rec.items,
        "flow_log_vpcs": ["hub", "web"],
        "ebs_encrypted": [list(x) for x in EBS_ENCRYPTED],
        "exposed": {"hub-web-exposed": [22, 443]},
        "not_exposed": [
            "hub-app-behind-nat",
            "hub-web-nacl-denied",
            "hub-web-no-return",
            "hub-web-no-public-ip",
        ],
        "behind_alb": {"web-app-waf": "web-alb-waf", "web-app-nowaf": "web-alb-nowaf"},
    }


# -- helpers ---------------------------------------------------------------------------------


def _tags(name: str) -> list[dict[str, Any]]:
    return [{"Key": "Name", "Value": name}]


def _vpc(ec2: Any, rec: _Recorder, name: str, cidr: str, account: str) -> str:
    vpc = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=[{"ResourceType": "vpc", "Tags": _tags(name)}])
    return rec.add(name, vpc["Vpc"]["VpcId"], account, cidr=cidr)


def _subnet(
    ec2: Any, rec: _Recorder, name: str, vpc: str, cidr: str, account: str, az: str = "us-east-1a"
) -> str:
    subnet = ec2.create_subnet(
        VpcId=vpc,
        CidrBlock=cidr,
        AvailabilityZone=az,
        TagSpecifications=[{"ResourceType": "subnet", "Tags": _tags(name)}],
    )
    return rec.add(name, subnet["Subnet"]["SubnetId"], account, cidr=cidr)


def _route_table(
    ec2: Any, rec: _Recorder, name: str, vpc: str, subnets: list[str], account: str, **default_route: str
) -> str:
    rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    if default_route:
        ec2.create_route(RouteTableId=rt, DestinationCidrBlock=ANYWHERE, **default_route)
    for subnet in subnets:
        ec2.associate_route_table(RouteTableId=rt, SubnetId=subnet)
    return rec.add(name, rt, account, subnets=subnets)


def _sg(ec2: Any, rec: _Recorder, name: str, vpc: str, account: str, ingress: list[dict[str, Any]]) -> str:
    sg = ec2.create_security_group(GroupName=name, Description=f"demo: {name}", VpcId=vpc)["GroupId"]
    if ingress:
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=ingress)
    return rec.add(name, sg, account)


def _tcp(port: int, cidr: str = ANYWHERE, group: str | None = None) -> dict[str, Any]:
    rule: dict[str, Any] = {"IpProtocol": "tcp", "FromPort": port, "ToPort": port}
    if group:
        rule["UserIdGroupPairs"] = [{"GroupId": group}]
    else:
        rule["IpRanges"] = [{"CidrIp": cidr}]
    return rule


def _instance(
    ec2: Any, rec: _Recorder, name: str, subnet: str, sg: str, account: str, *, public_ip: bool
) -> str:
    reservation = ec2.run_instances(
        ImageId=IMAGE_ID,
        InstanceType="t3.micro",
        MinCount=1,
        MaxCount=1,
        NetworkInterfaces=[
            {"DeviceIndex": 0, "SubnetId": subnet, "Groups": [sg], "AssociatePublicIpAddress": public_ip}
        ],
        TagSpecifications=[{"ResourceType": "instance", "Tags": _tags(name)}],
    )
    instance = reservation["Instances"][0]
    eni = instance["NetworkInterfaces"][0]["NetworkInterfaceId"]
    return rec.add(
        name, instance["InstanceId"], account, subnet=subnet, security_group=sg, eni=eni, public_ip=public_ip
    )


def _nacl(
    ec2: Any, rec: _Recorder, name: str, vpc: str, subnet: str, account: str, entries: list[dict[str, Any]]
) -> str:
    acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    for entry in entries:
        ec2.create_network_acl_entry(NetworkAclId=acl, **entry)
    # Move the subnet from its current (default) NACL to this one.
    current = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [subnet]}])
    for found in current["NetworkAcls"]:
        for assoc in found["Associations"]:
            if assoc["SubnetId"] == subnet:
                ec2.replace_network_acl_association(
                    AssociationId=assoc["NetworkAclAssociationId"], NetworkAclId=acl
                )
    return rec.add(name, acl, account, subnet=subnet)


def _entry(number: int, action: str, *, egress: bool, ports: tuple[int, int] | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "RuleNumber": number,
        "Protocol": "6" if ports else "-1",
        "RuleAction": action,
        "Egress": egress,
        "CidrBlock": ANYWHERE,
    }
    if ports:
        entry["PortRange"] = {"From": ports[0], "To": ports[1]}
    return entry


def _flow_log(ctx: SeedContext, account: str, vpc: str, name: str) -> None:
    ec2 = ctx.client(account, "ec2")
    role = f"arn:aws:iam::{ctx.accounts[account]}:role/VpcFlowLogsDelivery"
    try:
        ec2.create_flow_logs(
            ResourceIds=[vpc],
            ResourceType="VPC",
            TrafficType="ALL",
            LogDestinationType="cloud-watch-logs",
            LogGroupName=f"/vpc/flow-logs/{name}",
            DeliverLogsPermissionArn=role,
        )
    except ClientError as exc:
        _note_skip(ctx, f"flow logs on {name}", exc)


# -- network account: the hub VPC --------------------------------------------------------------


def _hub(ctx: SeedContext, rec: _Recorder) -> None:
    acct = "network"
    ec2 = ctx.client(acct, "ec2")
    vpc = _vpc(ec2, rec, "hub", "10.10.0.0/16", acct)
    public = _subnet(ec2, rec, "hub-public-a", vpc, "10.10.0.0/24", acct)
    public_b = _subnet(ec2, rec, "hub-public-b", vpc, "10.10.1.0/24", acct, az="us-east-1b")
    nacl_denied = _subnet(ec2, rec, "hub-public-nacl-deny", vpc, "10.10.2.0/24", acct)
    no_return = _subnet(ec2, rec, "hub-public-no-return", vpc, "10.10.3.0/24", acct)
    private = _subnet(ec2, rec, "hub-private-a", vpc, "10.10.10.0/24", acct)
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    rec.add("hub-igw", igw, acct)
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=public, AllocationId=eip)["NatGateway"]["NatGatewayId"]
    rec.add("hub-nat", nat, acct, subnet=public, allocation=eip)
    _route_table(
        ec2, rec, "hub-public-rt", vpc, [public, public_b, nacl_denied, no_return], acct, GatewayId=igw
    )
    _route_table(ec2, rec, "hub-private-rt", vpc, [private], acct, NatGatewayId=nat)

    open_web = _sg(ec2, rec, "hub-web-open", vpc, acct, [_tcp(443), _tcp(22)])
    _instance(ec2, rec, "hub-web-exposed", public, open_web, acct, public_ip=True)
    _instance(ec2, rec, "hub-app-behind-nat", private, open_web, acct, public_ip=False)
    _instance(ec2, rec, "hub-web-nacl-denied", nacl_denied, open_web, acct, public_ip=True)
    _instance(ec2, rec, "hub-web-no-return", no_return, open_web, acct, public_ip=True)
    _instance(ec2, rec, "hub-web-no-public-ip", public_b, open_web, acct, public_ip=False)
    # NACL rules are evaluated in order, lowest number first (VPC User Guide, "Network ACL rules").
    _nacl(
        ec2,
        rec,
        "hub-nacl-deny-web",
        vpc,
        nacl_denied,
        acct,
        [
            _entry(90, "deny", egress=False, ports=(443, 443)),
            _entry(91, "deny", egress=False, ports=(22, 22)),
            _entry(100, "allow", egress=False),
            _entry(100, "allow", egress=True),
        ],
    )
    # Stateless: the responses leave on ephemeral ports 1024-65535, which this NACL denies.
    _nacl(
        ec2,
        rec,
        "hub-nacl-no-return",
        vpc,
        no_return,
        acct,
        [
            _entry(100, "allow", egress=False, ports=(443, 443)),
            _entry(110, "allow", egress=False, ports=(22, 22)),
            _entry(90, "deny", egress=True, ports=(1024, 65535)),
            _entry(100, "allow", egress=True),
        ],
    )
    endpoint = ec2.create_vpc_endpoint(
        VpcId=vpc,
        ServiceName=f"com.amazonaws.{REGION}.s3",
        VpcEndpointType="Gateway",
        RouteTableIds=[rec.items["hub-private-rt"]["id"]],
        PolicyDocument=(
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",'
            '"Resource":"arn:aws:s3:::example-corp-artifacts/*"}]}'
        ),
    )["VpcEndpoint"]["VpcEndpointId"]
    rec.add("hub-s3-endpoint", endpoint, acct)
    _transit_gateway(ctx, rec, ec2, vpc, private)
    _flow_log(ctx, acct, vpc, "hub")


def _transit_gateway(ctx: SeedContext, rec: _Recorder, ec2: Any, vpc: str, subnet: str) -> None:
    acct = "network"
    try:
        tgw = ec2.create_transit_gateway(Description="demo hub")["TransitGateway"]["TransitGatewayId"]
        table = ec2.create_transit_gateway_route_table(TransitGatewayId=tgw)["TransitGatewayRouteTable"][
            "TransitGatewayRouteTableId"
        ]
        attachment = ec2.create_transit_gateway_vpc_attachment(
            TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[subnet]
        )["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
        ec2.create_transit_gateway_route(
            DestinationCidrBlock="10.0.0.0/8",
            TransitGatewayRouteTableId=table,
            TransitGatewayAttachmentId=attachment,
        )
        ec2.create_transit_gateway_route(
            DestinationCidrBlock="192.168.0.0/16", TransitGatewayRouteTableId=table, Blackhole=True
        )
    except ClientError as exc:
        _note_skip(ctx, "transit gateway", exc)
        return
    rec.add("hub-tgw", tgw, acct)
    rec.add("hub-tgw-rt", table, acct, routes={"10.0.0.0/8": "active", "192.168.0.0/16": "blackhole"})
    rec.add("hub-tgw-attachment", attachment, acct, vpc=vpc)


# -- web-prod: ALBs with and without WAF, a classic ELB ------------------------------------------


def _web(ctx: SeedContext, rec: _Recorder) -> None:
    acct = "web-prod"
    ec2 = ctx.client(acct, "ec2")
    vpc = _vpc(ec2, rec, "web", "10.20.0.0/16", acct)
    public_a = _subnet(ec2, rec, "web-public-a", vpc, "10.20.0.0/24", acct)
    public_b = _subnet(ec2, rec, "web-public-b", vpc, "10.20.1.0/24", acct, az="us-east-1b")
    private = _subnet(ec2, rec, "web-private-a", vpc, "10.20.10.0/24", acct)
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    rec.add("web-igw", igw, acct)
    _route_table(ec2, rec, "web-public-rt", vpc, [public_a, public_b], acct, GatewayId=igw)
    # The private subnet stays on the main table (local route only): no internet route at all.
    alb_sg = _sg(ec2, rec, "web-alb", vpc, acct, [_tcp(443), _tcp(80)])
    app_sg = _sg(ec2, rec, "web-app", vpc, acct, [_tcp(8080, group=alb_sg)])
    with_waf = _instance(ec2, rec, "web-app-waf", private, app_sg, acct, public_ip=False)
    without_waf = _instance(ec2, rec, "web-app-nowaf", private, app_sg, acct, public_ip=False)
    elbv2 = ctx.client(acct, "elbv2")
    albs = {}
    for name, target in (("web-alb-waf", with_waf), ("web-alb-nowaf", without_waf)):
        lb = elbv2.create_load_balancer(
            Name=name, Subnets=[public_a, public_b], SecurityGroups=[alb_sg], Scheme="internet-facing"
        )["LoadBalancers"][0]["LoadBalancerArn"]
        tg = elbv2.create_target_group(
            Name=f"{name}-tg", Protocol="HTTP", Port=8080, VpcId=vpc, TargetType="instance"
        )["TargetGroups"][0]["TargetGroupArn"]
        elbv2.register_targets(TargetGroupArn=tg, Targets=[{"Id": target, "Port": 8080}])
        listener = elbv2.create_listener(
            LoadBalancerArn=lb,
            Protocol="HTTP",
            Port=80,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
        )["Listeners"][0]["ListenerArn"]
        if name == "web-alb-waf":
            elbv2.modify_load_balancer_attributes(
                LoadBalancerArn=lb,
                Attributes=[{"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"}],
            )
        rec.add(name, lb, acct, target_group=tg, listener=listener, target=target)
        albs[name] = lb
    waf = ctx.client(acct, "wafv2")
    acl = waf.create_web_acl(
        Name="web-prod-edge",
        Scope="REGIONAL",
        DefaultAction={"Allow": {}},
        VisibilityConfig={
            "SampledRequestsEnabled": True,
            "CloudWatchMetricsEnabled": True,
            "MetricName": "edge",
        },
        Rules=[
            {
                "Name": "aws-common",
                "Priority": 0,
                "Statement": {
                    "ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": "AWSManagedRulesCommonRuleSet"}
                },
                "OverrideAction": {"None": {}},
                "VisibilityConfig": {
                    "SampledRequestsEnabled": True,
                    "CloudWatchMetricsEnabled": True,
                    "MetricName": "common",
                },
            }
        ],
    )["Summary"]
    waf.associate_web_acl(WebACLArn=acl["ARN"], ResourceArn=albs["web-alb-waf"])
    rec.add(
        "web-prod-edge", acl["ARN"], acct, scope="REGIONAL", associated=[albs["web-alb-waf"]], logging=False
    )
    classic = ctx.client(acct, "elb")
    classic.create_load_balancer(
        LoadBalancerName="legacy-web",
        Listeners=[
            {"Protocol": "HTTP", "LoadBalancerPort": 80, "InstanceProtocol": "HTTP", "InstancePort": 8080}
        ],
        Subnets=[public_a],
        SecurityGroups=[alb_sg],
        Scheme="internet-facing",
    )
    classic.register_instances_with_load_balancer(
        LoadBalancerName="legacy-web", Instances=[{"InstanceId": without_waf}]
    )
    rec.add("legacy-web", "legacy-web", acct, instances=[without_waf])
    _flow_log(ctx, acct, vpc, "web")


# -- shared-services: peering inside and outside the organization --------------------------------


def _tools_and_peering(ctx: SeedContext, rec: _Recorder) -> None:
    acct = "shared-services"
    ec2 = ctx.client(acct, "ec2")
    tools = _vpc(ec2, rec, "tools", "10.40.0.0/16", acct)
    _subnet(ec2, rec, "tools-private-a", tools, "10.40.0.0/24", acct)
    hub = rec.items["hub"]["id"]
    pcx = ec2.create_vpc_peering_connection(
        VpcId=tools, PeerVpcId=hub, PeerOwnerId=ctx.accounts["network"], PeerRegion=REGION
    )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    try:
        ctx.client("network", "ec2").accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
        status = "active"
    except ClientError as exc:
        _note_skip(ctx, "accepting the tools-hub peering in the network account", exc)
        status = "pending-acceptance"
    rec.add("tools-hub-peering", pcx, acct, requester=tools, accepter=hub, status=status)
    # A peering request to a vendor VPC outside the organization. moto keeps each account's VPCs
    # apart, so the vendor's VPC is created with the vendor account's (assumed-role) credentials.
    try:
        sts = ctx.session.client("sts", region_name=REGION)
        creds = sts.assume_role(
            RoleArn=f"arn:aws:iam::{VENDOR_ACCOUNT_ID}:role/VendorPeering", RoleSessionName="demo-seed"
        )["Credentials"]
        vendor = ctx.session.client(
            "ec2",
            region_name=REGION,
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        )
        vendor_vpc = vendor.create_vpc(CidrBlock="172.31.128.0/20")["Vpc"]["VpcId"]
        ext = ec2.create_vpc_peering_connection(
            VpcId=tools, PeerVpcId=vendor_vpc, PeerOwnerId=VENDOR_ACCOUNT_ID, PeerRegion=REGION
        )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    except ClientError as exc:
        _note_skip(ctx, "peering with the vendor account", exc)
        return
    rec.add(
        "tools-vendor-peering",
        ext,
        acct,
        requester=tools,
        accepter=vendor_vpc,
        accepter_owner=VENDOR_ACCOUNT_ID,
    )


def _ebs(ctx: SeedContext) -> None:
    for account, region in EBS_ENCRYPTED:
        ctx.client(account, "ec2", region).enable_ebs_encryption_by_default()
