"""EC2, Elastic Load Balancing and WAFv2 responses for the network control tests, in botocore's shapes.

``Area(account, region)`` collects the resources of one account and region and turns them into the
calls a collection would have recorded (``calls()``): every list operation the network controls and
the exposure analysis read is answered (empty when nothing was added) unless named in ``deny``.
Defaults mirror what AWS creates (VPC User Guide): a VPC gets a main route table with its local
route and a default network ACL allowing all traffic both ways.

The organization is ``tests/analysis/rules/builders.py``'s: 111111111111 is the management account,
222222222222..666666666666 members, 777777777777 could not be collected; regions eu-west-1 and
us-east-1. An account and region without calls was never asked: NOT_ASSESSED ("not called").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from analysis.rules.base import Result
from tests.analysis.model.builders import FakeCall
from tests.analysis.rules.builders import run_control

A, B, C, D = "111111111111", "222222222222", "333333333333", "444444444444"
OUTSIDER = "999988887777"
US, EU = "us-east-1", "eu-west-1"
ANY, ANY6 = "0.0.0.0/0", "::/0"

# Every list call of an area: (service, operation, response key, parameters).
LISTS: tuple[tuple[str, str, str, Mapping[str, Any]], ...] = (
    ("ec2", "DescribeVpcs", "Vpcs", {}),
    ("ec2", "DescribeSubnets", "Subnets", {}),
    ("ec2", "DescribeRouteTables", "RouteTables", {}),
    ("ec2", "DescribeInternetGateways", "InternetGateways", {}),
    ("ec2", "DescribeEgressOnlyInternetGateways", "EgressOnlyInternetGateways", {}),
    ("ec2", "DescribeNatGateways", "NatGateways", {}),
    ("ec2", "DescribeVpcPeeringConnections", "VpcPeeringConnections", {}),
    ("ec2", "DescribeTransitGateways", "TransitGateways", {}),
    ("ec2", "DescribeVpcEndpoints", "VpcEndpoints", {}),
    ("ec2", "DescribeSecurityGroups", "SecurityGroups", {}),
    ("ec2", "DescribeNetworkAcls", "NetworkAcls", {}),
    ("ec2", "DescribeNetworkInterfaces", "NetworkInterfaces", {}),
    ("ec2", "DescribeInstances", "Reservations", {}),
    ("ec2", "DescribeAddresses", "Addresses", {}),
    ("ec2", "DescribeFlowLogs", "FlowLogs", {}),
    ("elbv2", "DescribeLoadBalancers", "LoadBalancers", {}),
    ("elbv2", "DescribeTargetGroups", "TargetGroups", {}),
    ("elb", "DescribeLoadBalancers", "LoadBalancerDescriptions", {}),
    ("wafv2", "ListWebACLs", "WebACLs", {"Scope": "REGIONAL", "Limit": 100}),
)


def call(
    service: str, operation: str, account: str, region: str, page: Mapping[str, Any], **params: Any
) -> FakeCall:
    return FakeCall(
        service=service, operation=operation, account_id=account, region=region, params=params, pages=[page]
    )


def denied(service: str, operation: str, account: str, region: str, **params: Any) -> FakeCall:
    return FakeCall(
        service=service,
        operation=operation,
        account_id=account,
        region=region,
        params=params,
        outcome="access_denied",
        error_code="AccessDenied",
        error_message=f"not authorized to perform {service}:{operation}",
    )


def perm(protocol: str, ports: int | tuple[int, int] | None = None, *, cidr: str = ANY) -> dict[str, Any]:
    """One IpPermissions entry (DescribeSecurityGroups) from ``cidr`` (a ::/0-style CIDR is IPv6)."""
    out: dict[str, Any] = {"IpProtocol": protocol}
    if ports is not None:
        lo, hi = (ports, ports) if isinstance(ports, int) else ports
        out.update(FromPort=lo, ToPort=hi)
    out["Ipv6Ranges" if ":" in cidr else "IpRanges"] = [{"CidrIpv6" if ":" in cidr else "CidrIp": cidr}]
    return out


def nacl_entry(
    number: int, action: str, *, egress: bool = False, protocol: str = "-1", ports: tuple[int, int] | None = None,
    cidr: str = ANY,
) -> dict[str, Any]:  # fmt: skip
    out: dict[str, Any] = {"RuleNumber": number, "Egress": egress, "Protocol": protocol, "RuleAction": action}
    out["Ipv6CidrBlock" if ":" in cidr else "CidrBlock"] = cidr
    if ports is not None:
        out["PortRange"] = {"From": ports[0], "To": ports[1]}
    return out


ALLOW_ALL = [nacl_entry(100, "allow"), nacl_entry(100, "allow", egress=True)]


class Area:
    """The resources of one account and region; ``calls()`` is what a collection would record."""

    def __init__(self, account: str, region: str = US) -> None:
        self.account, self.region = account, region
        self.items: dict[str, list[dict[str, Any]]] = {
            op: [] for _, op, _, _ in LISTS if op != "DescribeLoadBalancers"
        }
        self.elbv2: list[dict[str, Any]] = []
        self.classic: list[dict[str, Any]] = []
        self.web_acls: list[dict[str, Any]] = []
        self.extra: list[FakeCall] = []

    def _arn(self, kind: str, rid: str) -> str:
        return f"arn:aws:ec2:{self.region}:{self.account}:{kind}/{rid}"

    # -- VPC objects ------------------------------------------------------------------------------

    def vpc(
        self,
        vpc_id: str,
        cidr: str = "10.0.0.0/16",
        *,
        default: bool = False,
        name: str = "",
        igw: str | None = None,
    ) -> str:
        """A VPC with its main route table rtb-main-<vpc> (local route) and default ACL acl-default-<vpc>."""
        item: dict[str, Any] = {
            "VpcId": vpc_id,
            "OwnerId": self.account,
            "CidrBlock": cidr,
            "IsDefault": default,
        }
        if name:
            item["Tags"] = [{"Key": "Name", "Value": name}]
        self.items["DescribeVpcs"].append(item)
        self.route_table(f"rtb-main-{vpc_id}", vpc_id, [], main=True)
        self.nacl(f"acl-default-{vpc_id}", vpc_id, ALLOW_ALL, default=True)
        if igw:
            self.items["DescribeInternetGateways"].append(
                {
                    "InternetGatewayId": igw,
                    "OwnerId": self.account,
                    "Attachments": [{"VpcId": vpc_id, "State": "available"}],
                }
            )
        return vpc_id

    def subnet(self, subnet_id: str, vpc_id: str, cidr: str, *, auto_public_ip: bool = False) -> str:
        self.items["DescribeSubnets"].append(
            {"SubnetId": subnet_id, "VpcId": vpc_id, "OwnerId": self.account, "CidrBlock": cidr,
             "MapPublicIpOnLaunch": auto_public_ip, "AvailabilityZone": f"{self.region}a"}
        )  # fmt: skip
        return subnet_id

    def route_table(
        self, rt_id: str, vpc_id: str, routes: Sequence[dict[str, Any]], *, subnets: Sequence[str] = (), main: bool = False
    ) -> str:  # fmt: skip
        """``routes`` as DescribeRouteTables Routes (the VPC's local route is added first)."""
        vpc = next(v for v in self.items["DescribeVpcs"] if v["VpcId"] == vpc_id)
        assoc: list[dict[str, Any]] = [{"Main": True}] if main else []
        assoc += [{"SubnetId": s, "Main": False} for s in subnets]
        self.items["DescribeRouteTables"].append(
            {"RouteTableId": rt_id, "VpcId": vpc_id, "OwnerId": self.account, "Associations": assoc,
             "Routes": [{"DestinationCidrBlock": vpc["CidrBlock"], "GatewayId": "local", "State": "active"}, *routes]}
        )  # fmt: skip
        return rt_id

    def nacl(
        self, acl_id: str, vpc_id: str, entries: Sequence[dict[str, Any]], *, subnets: Sequence[str] = (),
        default: bool = False,
    ) -> str:  # fmt: skip
        self.items["DescribeNetworkAcls"].append(
            {"NetworkAclId": acl_id, "VpcId": vpc_id, "OwnerId": self.account, "IsDefault": default,
             "Entries": list(entries), "Associations": [{"SubnetId": s} for s in subnets]}
        )  # fmt: skip
        return acl_id

    def sg(
        self, group_id: str, vpc_id: str, ingress: Sequence[dict[str, Any]] = (), *, name: str | None = None,
        egress: Sequence[dict[str, Any]] | None = None,
    ) -> str:  # fmt: skip
        """A group; egress defaults to all traffic to 0.0.0.0/0 (what AWS creates)."""
        self.items["DescribeSecurityGroups"].append(
            {"GroupId": group_id, "GroupName": name or group_id, "VpcId": vpc_id, "OwnerId": self.account,
             "IpPermissions": list(ingress),
             "IpPermissionsEgress": list(egress) if egress is not None else [perm("-1")]}
        )  # fmt: skip
        return group_id

    def instance(
        self, instance_id: str, subnet_id: str, private_ip: str, *, groups: Sequence[str] = (),
        public_ip: str | None = None, tokens: str | None = "required", name: str = "", state: str = "running",
    ) -> str:  # fmt: skip
        """An instance with its primary interface eni-<instance> (and the public IP on it)."""
        subnet = next(s for s in self.items["DescribeSubnets"] if s["SubnetId"] == subnet_id)
        eni_id = f"eni-{instance_id}"
        address: dict[str, Any] = {"PrivateIpAddress": private_ip, "Primary": True}
        eni: dict[str, Any] = {
            "NetworkInterfaceId": eni_id, "VpcId": subnet["VpcId"], "SubnetId": subnet_id, "OwnerId": self.account,
            "InterfaceType": "interface", "Status": "in-use", "PrivateIpAddress": private_ip,
            "PrivateIpAddresses": [address], "Groups": [{"GroupId": g} for g in groups],
            "Attachment": {"InstanceId": instance_id, "DeviceIndex": 0},
        }  # fmt: skip
        if public_ip:
            address["Association"] = {"PublicIp": public_ip}
            eni["Association"] = {"PublicIp": public_ip}
        self.items["DescribeNetworkInterfaces"].append(eni)
        item: dict[str, Any] = {
            "InstanceId": instance_id, "State": {"Name": state}, "VpcId": subnet["VpcId"], "SubnetId": subnet_id,
            "PrivateIpAddress": private_ip, "SecurityGroups": [{"GroupId": g} for g in groups],
            "NetworkInterfaces": [{"NetworkInterfaceId": eni_id, "Attachment": {"DeviceIndex": 0}}],
        }  # fmt: skip
        if public_ip:
            item["PublicIpAddress"] = public_ip
        if tokens is not None:
            item["MetadataOptions"] = {"HttpTokens": tokens, "State": "applied"}
        if name:
            item["Tags"] = [{"Key": "Name", "Value": name}]
        self.items["DescribeInstances"].append({"OwnerId": self.account, "Instances": [item]})
        return instance_id

    def flow_log(
        self, log_id: str, resource_id: str, *, traffic: str = "ALL", status: str = "ACTIVE"
    ) -> None:
        self.items["DescribeFlowLogs"].append(
            {"FlowLogId": log_id, "ResourceId": resource_id, "TrafficType": traffic, "FlowLogStatus": status,
             "LogDestinationType": "s3", "LogDestination": "arn:aws:s3:::flow-logs"}
        )  # fmt: skip

    def peering(
        self, pcx_id: str, requester: tuple[str, str], accepter: tuple[str, str], *, status: str = "active"
    ) -> None:
        """``requester``/``accepter``: (owner account, VPC id)."""

        def side(owner_vpc: tuple[str, str]) -> dict[str, Any]:
            return {
                "OwnerId": owner_vpc[0],
                "VpcId": owner_vpc[1],
                "Region": self.region,
                "CidrBlock": "10.9.0.0/16",
            }

        self.items["DescribeVpcPeeringConnections"].append(
            {"VpcPeeringConnectionId": pcx_id, "Status": {"Code": status},
             "RequesterVpcInfo": side(requester), "AccepterVpcInfo": side(accepter)}
        )  # fmt: skip

    def transit_gateway(self, tgw_id: str, *, auto_accept: bool) -> None:
        self.items["DescribeTransitGateways"].append(
            {"TransitGatewayId": tgw_id, "OwnerId": self.account, "State": "available",
             "Options": {"AutoAcceptSharedAttachments": "enable" if auto_accept else "disable"}}
        )  # fmt: skip

    def endpoint(
        self,
        vpce_id: str,
        vpc_id: str,
        service: str,
        *,
        kind: str = "Gateway",
        route_tables: Sequence[str] = (),
    ) -> None:
        self.items["DescribeVpcEndpoints"].append(
            {"VpcEndpointId": vpce_id, "VpcId": vpc_id, "OwnerId": self.account, "ServiceName": service,
             "VpcEndpointType": kind, "State": "available", "RouteTableIds": list(route_tables)}
        )  # fmt: skip

    # -- load balancers and WAF ---------------------------------------------------------------------

    def alb(
        self, name: str, vpc_id: str, subnets: Sequence[str], *, groups: Sequence[str] = (), scheme: str = "internet-facing",
        kind: str = "application", attributes: Mapping[str, str] | None = None,
        listeners: Sequence[tuple[int, str, Sequence[dict[str, Any]]]] = (),
        rules: Mapping[int, Sequence[dict[str, Any]]] | None = None, deny: Sequence[str] = (),
        ssl_policies: Mapping[int, str] | None = None,
    ) -> str:  # fmt: skip
        """An ELBv2 load balancer with its attributes and listeners ((port, protocol, default actions));
        ``rules`` per listener port (DescribeRules Rules); ``ssl_policies`` per listener port;
        ``deny``: per-resource operations denied."""
        short = {"application": "app", "network": "net", "gateway": "gwy"}[kind]
        arn = f"arn:aws:elasticloadbalancing:{self.region}:{self.account}:loadbalancer/{short}/{name}/0123456789abcdef"
        self.elbv2.append(
            {"LoadBalancerArn": arn, "LoadBalancerName": name, "Type": kind, "Scheme": scheme, "VpcId": vpc_id,
             "AvailabilityZones": [{"SubnetId": s} for s in subnets], "SecurityGroups": list(groups),
             "DNSName": f"{name}.elb.example", "State": {"Code": "active"}, "IpAddressType": "ipv4"}
        )  # fmt: skip
        attrs = [{"Key": k, "Value": v} for k, v in (attributes or {}).items()]
        self._per_resource(
            "elbv2", "DescribeLoadBalancerAttributes", {"Attributes": attrs}, deny, LoadBalancerArn=arn
        )
        listener_items = []
        for port, protocol, actions in listeners:
            larn = arn.replace(":loadbalancer/", ":listener/") + f"/{port:016d}"
            listener: dict[str, Any] = {
                "ListenerArn": larn, "LoadBalancerArn": arn, "Port": port, "Protocol": protocol,
                "DefaultActions": list(actions),
            }  # fmt: skip
            if (ssl_policies or {}).get(port):
                listener["SslPolicy"] = (ssl_policies or {})[port]
            listener_items.append(listener)
            if rules is not None and port in rules:
                # Rule ARNs extend their listener's (listener-rule/app/NAME/ID/LISTENER-ID/RULE-ID).
                items = [
                    {**r, "RuleArn": larn.replace(":listener/", ":listener-rule/") + f"/rule{i}"}
                    for i, r in enumerate(rules[port])
                ]
                self._per_resource("elbv2", "DescribeRules", {"Rules": items}, deny, ListenerArn=larn)
        self._per_resource(
            "elbv2", "DescribeListeners", {"Listeners": listener_items}, deny, LoadBalancerArn=arn
        )
        return arn

    def classic_lb(
        self, name: str, vpc_id: str, subnets: Sequence[str], *, groups: Sequence[str] = (),
        listeners: Sequence[tuple[str, int, int]] = (("HTTP", 80, 80),), access_log: bool | None = False,
        scheme: str = "internet-facing",
    ) -> str:  # fmt: skip
        """A Classic Load Balancer; listeners (protocol, port, instance port); access_log None: attributes denied."""
        self.classic.append(
            {"LoadBalancerName": name, "Scheme": scheme, "VPCId": vpc_id, "Subnets": list(subnets),
             "SecurityGroups": list(groups), "DNSName": f"{name}.elb.example", "Instances": [],
             "ListenerDescriptions": [
                 {"Listener": {"Protocol": p, "LoadBalancerPort": port, "InstanceProtocol": "HTTP", "InstancePort": ip}}
                 for p, port, ip in listeners
             ]}
        )  # fmt: skip
        page = {"LoadBalancerAttributes": {"AccessLog": {"Enabled": bool(access_log)}}}
        deny = ("DescribeLoadBalancerAttributes",) if access_log is None else ()
        self._per_resource("elb", "DescribeLoadBalancerAttributes", page, deny, LoadBalancerName=name)
        return f"arn:aws:elasticloadbalancing:{self.region}:{self.account}:loadbalancer/{name}"

    def web_acl(
        self, name: str, *, rules: Sequence[dict[str, Any]] = (), logging: bool | None = True,
        resources: Sequence[str] | None = (), default: str = "Allow", detail: bool = True,
    ) -> str:  # fmt: skip
        """A regional web ACL; logging None: GetLoggingConfiguration denied; resources None: its
        association list denied; detail False: GetWebACL denied."""
        acl_id = f"id-{name}"
        arn = f"arn:aws:wafv2:{self.region}:{self.account}:regional/webacl/{name}/{acl_id}"
        self.web_acls.append({"Name": name, "Id": acl_id, "ARN": arn})
        page = {
            "WebACL": {
                "ARN": arn,
                "Name": name,
                "Id": acl_id,
                "DefaultAction": {default: {}},
                "Rules": list(rules),
            }
        }
        self._per_resource(
            "wafv2",
            "GetWebACL",
            page,
            () if detail else ("GetWebACL",),
            Scope="REGIONAL",
            Name=name,
            Id=acl_id,
        )
        if logging is None:
            self.extra.append(
                denied("wafv2", "GetLoggingConfiguration", self.account, self.region, ResourceArn=arn)
            )
        elif logging:
            cfg = {
                "ResourceArn": arn,
                "LogDestinationConfigs": [
                    f"arn:aws:logs:{self.region}:{self.account}:log-group:aws-waf-logs-{name}"
                ],
            }
            self.extra.append(
                call(
                    "wafv2",
                    "GetLoggingConfiguration",
                    self.account,
                    self.region,
                    {"LoggingConfiguration": cfg},
                    ResourceArn=arn,
                )
            )
        else:
            self.extra.append(
                FakeCall(service="wafv2", operation="GetLoggingConfiguration", account_id=self.account, region=self.region,
                         params={"ResourceArn": arn}, outcome="absent", error_code="WAFNonexistentItemException",
                         error_message="AWS WAF couldn't perform the operation because your resource doesn't exist.")
            )  # fmt: skip
        params = {"WebACLArn": arn, "ResourceType": "APPLICATION_LOAD_BALANCER"}
        if resources is None:
            self.extra.append(denied("wafv2", "ListResourcesForWebACL", self.account, self.region, **params))
        else:
            self.extra.append(
                call(
                    "wafv2",
                    "ListResourcesForWebACL",
                    self.account,
                    self.region,
                    {"ResourceArns": list(resources)},
                    **params,
                )
            )
        return arn

    def _per_resource(
        self, service: str, operation: str, page: Mapping[str, Any], deny: Sequence[str], **params: Any
    ) -> None:
        if operation in deny:
            self.extra.append(denied(service, operation, self.account, self.region, **params))
        else:
            self.extra.append(call(service, operation, self.account, self.region, page, **params))

    # -- the calls --------------------------------------------------------------------------------

    def calls(self, *, deny: Iterable[str] = ()) -> list[FakeCall]:
        """Every list call of the area (``deny``: "Operation" or "service:Operation" recorded as denied)."""
        denies = set(deny)
        out = []
        for service, op, key, params in LISTS:
            if op in denies or f"{service}:{op}" in denies:
                out.append(denied(service, op, self.account, self.region, **params))
                continue
            if (service, op) == ("elbv2", "DescribeLoadBalancers"):
                items: list[dict[str, Any]] = self.elbv2
            elif (service, op) == ("elb", "DescribeLoadBalancers"):
                items = self.classic
            elif op == "ListWebACLs":
                items = self.web_acls
            else:
                items = self.items[op]
            out.append(call(service, op, self.account, self.region, {key: items}, **params))
        return [*out, *self.extra]


def run(
    tmp_path: Path, module: ModuleType, *areas: Area | list[FakeCall], name: str = "rules"
) -> list[Result]:
    """Run one control on the realistic organization plus ``areas`` (Area objects, or the calls of
    ``Area.calls(deny=...)``); ``name``: the snapshot's file name, for several runs in one test."""
    calls: list[FakeCall] = []
    for area in areas:
        calls += area.calls() if isinstance(area, Area) else area
    return run_control(tmp_path, module, calls, name=name)


def one(results: Sequence[Result], resource_id: str) -> Result:
    """The one result about ``resource_id``."""
    found = [r for r in results if r.resource_id == resource_id]
    assert len(found) == 1, f"{resource_id}: {[(r.status, r.message) for r in found]}"
    return found[0]


def public_web(area: Area, *, ssh_open: bool = True) -> None:
    """A public subnet (route 0.0.0.0/0 to an internet gateway, default ACL) with one instance
    holding a public IP, its group open on 443 (and 22 when ``ssh_open``) to the world."""
    area.vpc("vpc-web", "10.1.0.0/16", igw="igw-web", name="web")
    area.subnet("subnet-pub", "vpc-web", "10.1.1.0/24")
    area.route_table(
        "rtb-pub",
        "vpc-web",
        [{"DestinationCidrBlock": ANY, "GatewayId": "igw-web", "State": "active"}],
        subnets=["subnet-pub"],
    )
    ingress = [perm("tcp", 443)] + ([perm("tcp", 22)] if ssh_open else [])
    area.sg("sg-web", "vpc-web", ingress, name="web-open")
    area.instance(
        "i-web", "subnet-pub", "10.1.1.10", groups=["sg-web"], public_ip="203.0.113.10", name="web-1"
    )
