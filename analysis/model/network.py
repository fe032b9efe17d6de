"""VPC objects: VPCs, subnets, route tables, gateways, peering, transit gateways, endpoints, prefix lists,
security groups, NACLs, ENIs, instances, Elastic IPs, flow logs, EBS default encryption.

Pure: reads the ec2 pages of a snapshot and resolves, inside the area, instance -> ENIs -> subnet ->
route table (explicit association or the VPC's main table) -> VPC, subnet -> NACL, ENI -> security
groups and public IPs. Every field a reachability engine needs is kept (rule numbers, protocols,
port ranges, v4/v6 CIDRs, egress flags, rule actions, route targets of every kind, blackhole state,
both sides of a peering); descriptive extras are not.

Resources are keyed by ARN built from their *owner* account (``OwnerId``): a subnet shared
through AWS RAM is listed by every participant account, and is one record citing every call.
Resource ids (vpc-, subnet-, sg-...) are unique across accounts, so ``ids`` maps each id to its ARN.

Longer than the house ~400 lines on purpose: one module per area, and the area is eighteen
record types, each with its reader; splitting it would scatter one API's quirks over files.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from analysis.model.coverage import NOT_COLLECTED, Coverage, CoverageState
from analysis.model.policy_doc import PolicyDocument, parse_policy_document
from analysis.model.records import Record, partition_of
from analysis.model.source import Page, PageSource

SERVICE = "ec2"


@dataclass(frozen=True, kw_only=True)
class SecurityGroupRule:
    """One security group rule: one protocol/port range and one source or destination."""

    group_id: str
    egress: bool
    protocol: str  # "-1" (all), "tcp", "udp", "icmp", "icmpv6" or a protocol number
    from_port: int | None  # None: all ports (protocol -1); for ICMP the type
    to_port: int | None  # for ICMP the code
    cidr_ipv4: str | None = None
    cidr_ipv6: str | None = None
    prefix_list_id: str | None = None
    referenced_group_id: str | None = None
    referenced_group_owner_id: str | None = None
    referenced_vpc_peering_id: str | None = None
    rule_id: str | None = None  # sgr-... (None when read from IpPermissions)
    description: str = ""


@dataclass(frozen=True, kw_only=True)
class NaclEntry:
    rule_number: int
    egress: bool
    protocol: str  # "-1" (all) or a protocol number as a string ("6" tcp, "17" udp, "1" icmp)
    action: str  # allow | deny
    cidr_ipv4: str | None = None
    cidr_ipv6: str | None = None
    from_port: int | None = None  # None: all ports
    to_port: int | None = None
    icmp_type: int | None = None
    icmp_code: int | None = None


@dataclass(frozen=True, kw_only=True)
class Vpc(Record):
    vpc_id: str
    cidr_blocks: tuple[str, ...] = ()
    ipv6_cidr_blocks: tuple[str, ...] = ()
    is_default: bool = False
    state: str = ""
    name: str = ""
    main_route_table_id: str | None = None
    default_network_acl_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class Subnet(Record):
    subnet_id: str
    vpc_id: str
    cidr_block: str | None = None
    ipv6_cidr_blocks: tuple[str, ...] = ()
    availability_zone: str = ""
    map_public_ip_on_launch: bool = False
    name: str = ""
    # Resolved: the explicitly associated route table, else the VPC's main table (VPC User Guide,
    # "Subnet route tables": a subnet without an explicit association uses the main route table).
    route_table_id: str | None = None
    route_table_explicit: bool = False
    # Resolved: every subnet is associated with exactly one NACL, the VPC's default one unless
    # another is associated (VPC User Guide, "Network ACLs").
    network_acl_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class Route:
    # Exactly one destination: an IPv4 CIDR, an IPv6 CIDR or a prefix list id.
    destination_cidr: str | None = None
    destination_ipv6_cidr: str | None = None
    destination_prefix_list_id: str | None = None
    # local | igw | egress_only_igw | vgw | nat | peering | transit_gateway | vpc_endpoint | instance |
    # network_interface | local_gateway | carrier_gateway | core_network | unknown
    target_kind: str = "unknown"
    target_id: str | None = None
    state: str = "active"  # active | blackhole (the target is gone: traffic is dropped)
    origin: str = ""


@dataclass(frozen=True, kw_only=True)
class RouteTable(Record):
    route_table_id: str
    vpc_id: str
    routes: tuple[Route, ...] = ()
    is_main: bool = False
    subnet_ids: tuple[str, ...] = ()  # explicit associations
    gateway_ids: tuple[str, ...] = ()  # edge associations (IGW/VGW ingress routing)
    name: str = ""


@dataclass(frozen=True, kw_only=True)
class Gateway(Record):
    """An internet gateway or an egress-only internet gateway."""

    gateway_id: str
    kind: str  # internet_gateway | egress_only_internet_gateway
    vpc_ids: tuple[str, ...] = ()  # attached (state attached/available)


@dataclass(frozen=True, kw_only=True)
class NatGateway(Record):
    nat_gateway_id: str
    vpc_id: str
    subnet_id: str
    connectivity_type: str = "public"  # public | private
    state: str = ""
    public_ips: tuple[str, ...] = ()
    private_ips: tuple[str, ...] = ()
    network_interface_ids: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class PeeringSide:
    owner_id: str
    vpc_id: str
    region: str
    cidr_blocks: tuple[str, ...] = ()
    ipv6_cidr_blocks: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class VpcPeering(Record):
    """Keyed by an ARN in the requester's account and region; both sides kept."""

    peering_id: str
    status: str  # active | pending-acceptance | rejected | deleted | ...
    requester: PeeringSide
    accepter: PeeringSide

    @property
    def cross_account(self) -> bool:
        return self.requester.owner_id != self.accepter.owner_id


@dataclass(frozen=True, kw_only=True)
class TransitGateway(Record):
    transit_gateway_id: str
    owner_id: str
    state: str = ""
    default_association_route_table_id: str | None = None
    default_propagation_route_table_id: str | None = None
    auto_accept_shared_attachments: bool = False


@dataclass(frozen=True, kw_only=True)
class TransitGatewayAttachment(Record):
    attachment_id: str
    transit_gateway_id: str
    transit_gateway_owner_id: str
    resource_type: str  # vpc | vpn | direct-connect-gateway | peering | connect | ...
    resource_id: str
    resource_owner_id: str
    state: str = ""
    association_route_table_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class TransitGatewayRoute:
    destination_cidr: str | None = None
    prefix_list_id: str | None = None
    type: str = ""  # static | propagated
    state: str = ""  # active | blackhole | ...
    attachment_ids: tuple[str, ...] = ()
    resource_ids: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class TransitGatewayRouteTable(Record):
    route_table_id: str
    transit_gateway_id: str
    is_default_association: bool = False
    is_default_propagation: bool = False
    routes: tuple[TransitGatewayRoute, ...] = ()
    routes_state: CoverageState
    routes_truncated: bool = False  # AdditionalRoutesAvailable: more routes than one search returns
    associated_attachment_ids: tuple[str, ...] = ()
    associations_state: CoverageState
    propagating_attachment_ids: tuple[str, ...] = ()
    propagations_state: CoverageState


@dataclass(frozen=True, kw_only=True)
class VpcEndpoint(Record):
    endpoint_id: str
    vpc_id: str
    service_name: str
    endpoint_type: str  # Interface | Gateway | GatewayLoadBalancer | ...
    state: str = ""
    # None: the endpoint type has no policy (e.g. GatewayLoadBalancer); a full-access default
    # policy is still a document.
    policy: PolicyDocument | None = None
    route_table_ids: tuple[str, ...] = ()
    subnet_ids: tuple[str, ...] = ()
    security_group_ids: tuple[str, ...] = ()
    network_interface_ids: tuple[str, ...] = ()
    private_dns_enabled: bool = False


@dataclass(frozen=True, kw_only=True)
class PrefixList(Record):
    prefix_list_id: str
    name: str
    owner_id: str  # "AWS" for AWS-managed lists
    address_family: str = ""
    max_entries: int | None = None
    entries: tuple[str, ...] = ()  # CIDRs
    entries_state: CoverageState


@dataclass(frozen=True, kw_only=True)
class SecurityGroup(Record):
    group_id: str
    group_name: str
    vpc_id: str | None
    description: str = ""
    ingress: tuple[SecurityGroupRule, ...] = ()
    egress: tuple[SecurityGroupRule, ...] = ()
    # Where the rules came from: DescribeSecurityGroupRules (with rule ids) or, when that was not
    # answered in this account and region, the IpPermissions of DescribeSecurityGroups.
    rules_source: str = "DescribeSecurityGroupRules"


@dataclass(frozen=True, kw_only=True)
class NetworkAcl(Record):
    network_acl_id: str
    vpc_id: str
    is_default: bool = False
    # As listed, ordered by direction then rule number. The implicit final deny (rule "*",
    # number 32767) applies whether or not the response lists it (moto's custom NACLs do not).
    entries: tuple[NaclEntry, ...] = ()
    subnet_ids: tuple[str, ...] = ()

    def inbound(self) -> tuple[NaclEntry, ...]:
        return tuple(e for e in self.entries if not e.egress)

    def outbound(self) -> tuple[NaclEntry, ...]:
        return tuple(e for e in self.entries if e.egress)


@dataclass(frozen=True, kw_only=True)
class NetworkInterface(Record):
    network_interface_id: str
    vpc_id: str | None
    subnet_id: str | None
    interface_type: str = "interface"
    status: str = ""
    description: str = ""
    private_ips: tuple[str, ...] = ()
    ipv6_addresses: tuple[str, ...] = ()
    public_ips: tuple[str, ...] = ()  # auto-assigned public IPs and Elastic IPs
    elastic_ip_allocation_ids: tuple[str, ...] = ()
    security_group_ids: tuple[str, ...] = ()
    instance_id: str | None = None
    device_index: int | None = None
    requester_managed: bool = False
    source_dest_check: bool = True


@dataclass(frozen=True, kw_only=True)
class Instance(Record):
    instance_id: str
    state: str
    vpc_id: str | None = None
    subnet_id: str | None = None
    private_ip: str | None = None
    public_ip: str | None = None
    network_interface_ids: tuple[str, ...] = ()  # primary (device index 0) first
    # The instance's groups and every group on its ENIs (moto leaves the instance's list empty
    # when groups are given per interface).
    security_group_ids: tuple[str, ...] = ()
    instance_profile_arn: str | None = None
    image_id: str = ""
    metadata_http_tokens: str | None = None  # "required" = IMDSv2 only
    name: str = ""


@dataclass(frozen=True, kw_only=True)
class ElasticIp(Record):
    allocation_id: str | None
    public_ip: str
    domain: str = "vpc"
    network_interface_id: str | None = None
    instance_id: str | None = None
    private_ip: str | None = None


@dataclass(frozen=True, kw_only=True)
class FlowLog(Record):
    flow_log_id: str
    resource_id: str  # a VPC, subnet or ENI id
    traffic_type: str = ""  # ACCEPT | REJECT | ALL
    destination_type: str = ""
    destination: str = ""
    status: str = ""


@dataclass(frozen=True, kw_only=True)
class EbsDefaultEncryption:
    account_id: str
    region: str
    enabled: bool | None  # None: not answered (see ``state``)
    state: CoverageState


T = TypeVar("T", bound=Record)


@dataclass(frozen=True, kw_only=True)
class NetworkInventory:
    vpcs: Mapping[str, Vpc] = field(default_factory=dict)
    subnets: Mapping[str, Subnet] = field(default_factory=dict)
    route_tables: Mapping[str, RouteTable] = field(default_factory=dict)
    gateways: Mapping[str, Gateway] = field(default_factory=dict)
    nat_gateways: Mapping[str, NatGateway] = field(default_factory=dict)
    peerings: Mapping[str, VpcPeering] = field(default_factory=dict)
    transit_gateways: Mapping[str, TransitGateway] = field(default_factory=dict)
    tgw_attachments: Mapping[str, TransitGatewayAttachment] = field(default_factory=dict)
    tgw_route_tables: Mapping[str, TransitGatewayRouteTable] = field(default_factory=dict)
    endpoints: Mapping[str, VpcEndpoint] = field(default_factory=dict)
    prefix_lists: Mapping[str, PrefixList] = field(default_factory=dict)
    security_groups: Mapping[str, SecurityGroup] = field(default_factory=dict)
    network_acls: Mapping[str, NetworkAcl] = field(default_factory=dict)
    network_interfaces: Mapping[str, NetworkInterface] = field(default_factory=dict)
    instances: Mapping[str, Instance] = field(default_factory=dict)
    elastic_ips: Mapping[str, ElasticIp] = field(default_factory=dict)
    flow_logs: Mapping[str, FlowLog] = field(default_factory=dict)
    ebs_encryption: Mapping[tuple[str, str], EbsDefaultEncryption] = field(default_factory=dict)
    ids: Mapping[str, str] = field(default_factory=dict)  # resource id -> ARN
    # Indexes resolved once.
    subnets_by_vpc: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # vpc id -> subnet ids
    enis_by_instance: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    enis_by_private_ip: Mapping[tuple[str, str], str] = field(default_factory=dict)  # (vpc id, ip) -> eni id
    flow_logs_by_resource: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # resource id -> ids

    def get(self, resource_id: str | None) -> Record | None:
        """The record of a resource id (vpc-, subnet-, sg-, eni-, i-, pcx-, tgw-...), or None."""
        if not resource_id:
            return None
        arn = self.ids.get(resource_id)
        if arn is None:
            return None
        for mapping in self._mappings():
            found = mapping.get(arn)
            if found is not None:
                return found
        return None

    def _mappings(self) -> Iterable[Mapping[str, Any]]:
        return (
            self.vpcs,
            self.subnets,
            self.route_tables,
            self.gateways,
            self.nat_gateways,
            self.peerings,
            self.transit_gateways,
            self.tgw_attachments,
            self.tgw_route_tables,
            self.endpoints,
            self.prefix_lists,
            self.security_groups,
            self.network_acls,
            self.network_interfaces,
            self.instances,
            self.elastic_ips,
            self.flow_logs,
        )

    def route_table_of_subnet(self, subnet_id: str) -> RouteTable | None:
        subnet = self.subnets.get(self.ids.get(subnet_id, ""))
        if subnet is None or subnet.route_table_id is None:
            return None
        return self.route_tables.get(self.ids.get(subnet.route_table_id, ""))

    def network_acl_of_subnet(self, subnet_id: str) -> NetworkAcl | None:
        subnet = self.subnets.get(self.ids.get(subnet_id, ""))
        if subnet is None or subnet.network_acl_id is None:
            return None
        return self.network_acls.get(self.ids.get(subnet.network_acl_id, ""))


# -- building --------------------------------------------------------------------------------


class _Builder:
    def __init__(self, source: PageSource, coverage: Coverage) -> None:
        self.source = source
        self.coverage = coverage
        self.partition = partition_of(source.manifest)
        self.ids: dict[str, str] = {}

    def arn(self, region: str, account: str, kind: str, resource_id: str) -> str:
        return f"arn:{self.partition}:ec2:{region}:{account}:{kind}/{resource_id}"

    def pages(self, operation: str) -> Iterable[Page]:
        return self.source.pages(SERVICE, operation)

    def items(self, operation: str, key: str) -> Iterable[tuple[Page, dict[str, Any]]]:
        for page in self.pages(operation):
            for item in _list(page.body.get(key)):
                if isinstance(item, dict):
                    yield page, item

    def add(self, out: dict[str, T], record: T, resource_id: str) -> None:
        """Insert, or merge the call ids of a resource seen again (another account, page or region)."""
        existing = out.get(record.arn)
        if existing is not None:
            ids = tuple(dict.fromkeys(existing.call_ids + record.call_ids))
            out[record.arn] = replace(existing, call_ids=ids)
        else:
            out[record.arn] = record
        self.ids.setdefault(resource_id, record.arn)

    def param_states(self, operation: str, key: str) -> dict[tuple[str, str, str], CoverageState]:
        """Coverage of a per-resource call, per (account, region, parameter value)."""
        out: dict[tuple[str, str, str], CoverageState] = {}
        for call in self.source.calls(SERVICE, operation):
            value = call.parameters.get(key)
            if isinstance(value, str):
                out[(call.account_id, call.region, value)] = self.coverage.state(
                    account_id=call.account_id,
                    region=call.region,
                    service=SERVICE,
                    operation=operation,
                    parameters=call.parameters,
                )
        return out

    def missing(self, account: str, region: str, operation: str, key: str, value: str) -> CoverageState:
        state = self.coverage.state(
            account_id=account, region=region, service=SERVICE, operation=operation, parameters={key: value}
        )
        return (
            state if state.state == NOT_COLLECTED else CoverageState(state=NOT_COLLECTED, reason=state.reason)
        )


def normalize_network(source: PageSource, coverage: Coverage) -> NetworkInventory:
    """The VPC objects of every collected account and region, with their relationships resolved."""
    b = _Builder(source, coverage)
    vpcs = _vpcs(b)
    route_tables = _route_tables(b)
    acls = _network_acls(b)
    subnets = _subnets(b, vpcs, route_tables, acls)
    enis = _network_interfaces(b)
    instances = _instances(b, enis)
    subnets_by_vpc: dict[str, list[str]] = defaultdict(list)
    for subnet in subnets.values():
        subnets_by_vpc[subnet.vpc_id].append(subnet.subnet_id)
    enis_by_instance: dict[str, list[str]] = defaultdict(list)
    enis_by_ip: dict[tuple[str, str], str] = {}
    for eni in sorted(enis.values(), key=lambda e: (e.device_index is None, e.device_index or 0)):
        if eni.instance_id:
            enis_by_instance[eni.instance_id].append(eni.network_interface_id)
        for ip in eni.private_ips:
            enis_by_ip[(eni.vpc_id or "", ip)] = eni.network_interface_id
    flow_logs = _flow_logs(b)
    by_resource: dict[str, list[str]] = defaultdict(list)
    for log in flow_logs.values():
        by_resource[log.resource_id].append(log.flow_log_id)
    return NetworkInventory(
        vpcs=vpcs,
        subnets=subnets,
        route_tables=route_tables,
        gateways=_gateways(b),
        nat_gateways=_nat_gateways(b),
        peerings=_peerings(b),
        transit_gateways=_transit_gateways(b),
        tgw_attachments=_tgw_attachments(b),
        tgw_route_tables=_tgw_route_tables(b),
        endpoints=_endpoints(b),
        prefix_lists=_prefix_lists(b),
        security_groups=_security_groups(b),
        network_acls=acls,
        network_interfaces=enis,
        instances=instances,
        elastic_ips=_elastic_ips(b),
        flow_logs=flow_logs,
        ebs_encryption=_ebs_encryption(b),
        ids=dict(b.ids),
        subnets_by_vpc={k: tuple(v) for k, v in subnets_by_vpc.items()},
        enis_by_instance={k: tuple(v) for k, v in enis_by_instance.items()},
        enis_by_private_ip=enis_by_ip,
        flow_logs_by_resource={k: tuple(v) for k, v in by_resource.items()},
    )


def _owner(page: Page, item: Mapping[str, Any], key: str = "OwnerId") -> str:
    return _str(item.get(key)) or page.account_id


def _vpcs(b: _Builder) -> dict[str, Vpc]:
    out: dict[str, Vpc] = {}
    for page, item in b.items("DescribeVpcs", "Vpcs"):
        vpc_id = _str(item.get("VpcId"))
        if not vpc_id:
            continue
        v4 = [
            _str(a.get("CidrBlock"))
            for a in _list(item.get("CidrBlockAssociationSet"))
            if isinstance(a, dict)
        ]
        v4 = [c for c in v4 if c] or ([item["CidrBlock"]] if isinstance(item.get("CidrBlock"), str) else [])
        v6 = [
            _str(a.get("Ipv6CidrBlock"))
            for a in _list(item.get("Ipv6CidrBlockAssociationSet"))
            if isinstance(a, dict) and a.get("Ipv6CidrBlock")
        ]
        owner = _owner(page, item)
        b.add(
            out,
            Vpc(
                arn=b.arn(page.region, owner, "vpc", vpc_id),
                account_id=owner,
                region=page.region,
                call_ids=(page.call.id,),
                vpc_id=vpc_id,
                cidr_blocks=tuple(dict.fromkeys(v4)),
                ipv6_cidr_blocks=tuple(v6),
                is_default=item.get("IsDefault") is True,
                state=_str(item.get("State")),
                name=_name(item),
            ),
            vpc_id,
        )
    return out


def _route(item: Mapping[str, Any]) -> Route:
    target_kind, target_id = "unknown", None
    gateway = _str(item.get("GatewayId"))
    for key, kind in (
        ("NatGatewayId", "nat"),
        ("VpcPeeringConnectionId", "peering"),
        ("TransitGatewayId", "transit_gateway"),
        ("EgressOnlyInternetGatewayId", "egress_only_igw"),
        ("LocalGatewayId", "local_gateway"),
        ("CarrierGatewayId", "carrier_gateway"),
        ("CoreNetworkArn", "core_network"),
        ("InstanceId", "instance"),
        ("NetworkInterfaceId", "network_interface"),
    ):
        if item.get(key):
            target_kind, target_id = kind, _str(item.get(key))
            break
    else:
        if gateway == "local":
            target_kind, target_id = "local", "local"
        elif gateway.startswith("igw-"):
            target_kind, target_id = "igw", gateway
        elif gateway.startswith("vgw-"):
            target_kind, target_id = "vgw", gateway
        elif gateway.startswith("vpce-"):
            target_kind, target_id = "vpc_endpoint", gateway
        elif gateway:
            target_id = gateway
    return Route(
        destination_cidr=_opt(item.get("DestinationCidrBlock")),
        destination_ipv6_cidr=_opt(item.get("DestinationIpv6CidrBlock")),
        destination_prefix_list_id=_opt(item.get("DestinationPrefixListId")),
        target_kind=target_kind,
        target_id=target_id,
        state=_str(item.get("State")) or "active",
        origin=_str(item.get("Origin")),
    )


def _route_tables(b: _Builder) -> dict[str, RouteTable]:
    out: dict[str, RouteTable] = {}
    for page, item in b.items("DescribeRouteTables", "RouteTables"):
        rt_id = _str(item.get("RouteTableId"))
        if not rt_id:
            continue
        is_main, subnets, gateways = False, [], []
        for assoc in _list(item.get("Associations")):
            if not isinstance(assoc, dict):
                continue
            state = _dict(assoc.get("AssociationState")).get("State", "associated")
            if state not in ("associated", "associating"):
                continue
            if assoc.get("Main") is True:
                is_main = True
            if assoc.get("SubnetId"):
                subnets.append(_str(assoc["SubnetId"]))
            if assoc.get("GatewayId"):
                gateways.append(_str(assoc["GatewayId"]))
        owner = _owner(page, item)
        b.add(
            out,
            RouteTable(
                arn=b.arn(page.region, owner, "route-table", rt_id),
                account_id=owner,
                region=page.region,
                call_ids=(page.call.id,),
                route_table_id=rt_id,
                vpc_id=_str(item.get("VpcId")),
                routes=tuple(_route(r) for r in _list(item.get("Routes")) if isinstance(r, dict)),
                is_main=is_main,
                subnet_ids=tuple(subnets),
                gateway_ids=tuple(gateways),
                name=_name(item),
            ),
            rt_id,
        )
    return out


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return None
    return None


def nacl_entry(item: Mapping[str, Any]) -> NaclEntry:
    ports = _dict(item.get("PortRange"))
    icmp = _dict(item.get("IcmpTypeCode"))
    return NaclEntry(
        rule_number=_int(item.get("RuleNumber")) or 0,
        egress=item.get("Egress") is True,
        protocol=str(item.get("Protocol", "-1")),
        action=_str(item.get("RuleAction")).lower(),
        cidr_ipv4=_opt(item.get("CidrBlock")),
        cidr_ipv6=_opt(item.get("Ipv6CidrBlock")),
        from_port=_int(ports.get("From")),
        to_port=_int(ports.get("To")),
        icmp_type=_int(icmp.get("Type")),
        icmp_code=_int(icmp.get("Code")),
    )


def _network_acls(b: _Builder) -> dict[str, NetworkAcl]:
    out: dict[str, NetworkAcl] = {}
    for page, item in b.items("DescribeNetworkAcls", "NetworkAcls"):
        acl_id = _str(item.get("NetworkAclId"))
        if not acl_id:
            continue
        entries = sorted(
            (nacl_entry(e) for e in _list(item.get("Entries")) if isinstance(e, dict)),
            key=lambda e: (e.egress, e.rule_number),
        )
        subnets = [
            _str(a.get("SubnetId"))
            for a in _list(item.get("Associations"))
            if isinstance(a, dict) and a.get("SubnetId")
        ]
        owner = _owner(page, item)
        b.add(
            out,
            NetworkAcl(
                arn=b.arn(page.region, owner, "network-acl", acl_id),
                account_id=owner,
                region=page.region,
                call_ids=(page.call.id,),
                network_acl_id=acl_id,
                vpc_id=_str(item.get("VpcId")),
                is_default=item.get("IsDefault") is True,
                entries=tuple(entries),
                subnet_ids=tuple(subnets),
            ),
            acl_id,
        )
    return out


def _subnets(
    b: _Builder,
    vpcs: dict[str, Vpc],
    route_tables: Mapping[str, RouteTable],
    acls: Mapping[str, NetworkAcl],
) -> dict[str, Subnet]:
    explicit_rt = {s: rt.route_table_id for rt in route_tables.values() for s in rt.subnet_ids}
    main_rt = {rt.vpc_id: rt.route_table_id for rt in route_tables.values() if rt.is_main}
    acl_of = {s: acl.network_acl_id for acl in acls.values() for s in acl.subnet_ids}
    default_acl = {acl.vpc_id: acl.network_acl_id for acl in acls.values() if acl.is_default}
    for arn, vpc in list(vpcs.items()):
        vpcs[arn] = replace(
            vpc,
            main_route_table_id=main_rt.get(vpc.vpc_id),
            default_network_acl_id=default_acl.get(vpc.vpc_id),
        )
    out: dict[str, Subnet] = {}
    for page, item in b.items("DescribeSubnets", "Subnets"):
        subnet_id, vpc_id = _str(item.get("SubnetId")), _str(item.get("VpcId"))
        if not subnet_id:
            continue
        owner = _owner(page, item)
        explicit = explicit_rt.get(subnet_id)
        v6 = [
            _str(a.get("Ipv6CidrBlock"))
            for a in _list(item.get("Ipv6CidrBlockAssociationSet"))
            if isinstance(a, dict) and a.get("Ipv6CidrBlock")
        ]
        b.add(
            out,
            Subnet(
                arn=_str(item.get("SubnetArn")) or b.arn(page.region, owner, "subnet", subnet_id),
                account_id=owner,
                region=page.region,
                call_ids=(page.call.id,),
                subnet_id=subnet_id,
                vpc_id=vpc_id,
                cidr_block=_opt(item.get("CidrBlock")),
                ipv6_cidr_blocks=tuple(v6),
                availability_zone=_str(item.get("AvailabilityZone")),
                map_public_ip_on_launch=item.get("MapPublicIpOnLaunch") is True,
                name=_name(item),
                route_table_id=explicit or main_rt.get(vpc_id),
                route_table_explicit=explicit is not None,
                network_acl_id=acl_of.get(subnet_id) or default_acl.get(vpc_id),
            ),
            subnet_id,
        )
    return out


def _gateways(b: _Builder) -> dict[str, Gateway]:
    out: dict[str, Gateway] = {}
    for operation, key, id_key, kind, arn_kind in (
        (
            "DescribeInternetGateways",
            "InternetGateways",
            "InternetGatewayId",
            "internet_gateway",
            "internet-gateway",
        ),
        (
            "DescribeEgressOnlyInternetGateways",
            "EgressOnlyInternetGateways",
            "EgressOnlyInternetGatewayId",
            "egress_only_internet_gateway",
            "egress-only-internet-gateway",
        ),
    ):
        for page, item in b.items(operation, key):
            gw_id = _str(item.get(id_key))
            if not gw_id:
                continue
            vpc_ids = [
                _str(a.get("VpcId"))
                for a in _list(item.get("Attachments"))
                if isinstance(a, dict)
                and a.get("VpcId")
                and a.get("State") in ("available", "attached", None)
            ]
            owner = _owner(page, item)
            b.add(
                out,
                Gateway(
                    arn=b.arn(page.region, owner, arn_kind, gw_id),
                    account_id=owner,
                    region=page.region,
                    call_ids=(page.call.id,),
                    gateway_id=gw_id,
                    kind=kind,
                    vpc_ids=tuple(vpc_ids),
                ),
                gw_id,
            )
    return out


def _nat_gateways(b: _Builder) -> dict[str, NatGateway]:
    out: dict[str, NatGateway] = {}
    for page, item in b.items("DescribeNatGateways", "NatGateways"):
        nat_id = _str(item.get("NatGatewayId"))
        if not nat_id:
            continue
        addresses = [a for a in _list(item.get("NatGatewayAddresses")) if isinstance(a, dict)]
        b.add(
            out,
            NatGateway(
                arn=b.arn(page.region, page.account_id, "natgateway", nat_id),
                account_id=page.account_id,
                region=page.region,
                call_ids=(page.call.id,),
                nat_gateway_id=nat_id,
                vpc_id=_str(item.get("VpcId")),
                subnet_id=_str(item.get("SubnetId")),
                connectivity_type=_str(item.get("ConnectivityType")) or "public",
                state=_str(item.get("State")),
                public_ips=tuple(_str(a["PublicIp"]) for a in addresses if a.get("PublicIp")),
                private_ips=tuple(_str(a["PrivateIp"]) for a in addresses if a.get("PrivateIp")),
                network_interface_ids=tuple(
                    _str(a["NetworkInterfaceId"]) for a in addresses if a.get("NetworkInterfaceId")
                ),
            ),
            nat_id,
        )
    return out


def _side(info: Any, fallback_region: str) -> PeeringSide:
    info = info if isinstance(info, dict) else {}
    v4 = [_str(c.get("CidrBlock")) for c in _list(info.get("CidrBlockSet")) if isinstance(c, dict)]
    v4 = [c for c in v4 if c] or ([info["CidrBlock"]] if isinstance(info.get("CidrBlock"), str) else [])
    v6 = [_str(c.get("Ipv6CidrBlock")) for c in _list(info.get("Ipv6CidrBlockSet")) if isinstance(c, dict)]
    return PeeringSide(
        owner_id=_str(info.get("OwnerId")),
        vpc_id=_str(info.get("VpcId")),
        region=_str(info.get("Region")) or fallback_region,
        cidr_blocks=tuple(dict.fromkeys(v4)),
        ipv6_cidr_blocks=tuple(c for c in v6 if c),
    )


def _peerings(b: _Builder) -> dict[str, VpcPeering]:
    out: dict[str, VpcPeering] = {}
    for page, item in b.items("DescribeVpcPeeringConnections", "VpcPeeringConnections"):
        pcx = _str(item.get("VpcPeeringConnectionId"))
        if not pcx:
            continue
        requester = _side(item.get("RequesterVpcInfo"), page.region)
        accepter = _side(item.get("AccepterVpcInfo"), page.region)
        owner = requester.owner_id or page.account_id
        status = _dict(item.get("Status"))
        b.add(
            out,
            VpcPeering(
                arn=b.arn(requester.region, owner, "vpc-peering-connection", pcx),
                account_id=owner,
                region=requester.region,
                call_ids=(page.call.id,),
                peering_id=pcx,
                status=_str(status.get("Code")),
                requester=requester,
                accepter=accepter,
            ),
            pcx,
        )
    return out


def _transit_gateways(b: _Builder) -> dict[str, TransitGateway]:
    out: dict[str, TransitGateway] = {}
    for page, item in b.items("DescribeTransitGateways", "TransitGateways"):
        tgw_id = _str(item.get("TransitGatewayId"))
        if not tgw_id:
            continue
        owner = _owner(page, item)
        options = _dict(item.get("Options"))
        b.add(
            out,
            TransitGateway(
                arn=_str(item.get("TransitGatewayArn"))
                or b.arn(page.region, owner, "transit-gateway", tgw_id),
                account_id=owner,
                region=page.region,
                call_ids=(page.call.id,),
                transit_gateway_id=tgw_id,
                owner_id=owner,
                state=_str(item.get("State")),
                default_association_route_table_id=_opt(options.get("AssociationDefaultRouteTableId")),
                default_propagation_route_table_id=_opt(options.get("PropagationDefaultRouteTableId")),
                auto_accept_shared_attachments=options.get("AutoAcceptSharedAttachments") == "enable",
            ),
            tgw_id,
        )
    return out


def _tgw_attachments(b: _Builder) -> dict[str, TransitGatewayAttachment]:
    out: dict[str, TransitGatewayAttachment] = {}
    for page, item in b.items("DescribeTransitGatewayAttachments", "TransitGatewayAttachments"):
        att_id = _str(item.get("TransitGatewayAttachmentId"))
        if not att_id:
            continue
        tgw_owner = _str(item.get("TransitGatewayOwnerId")) or page.account_id
        assoc = _dict(item.get("Association"))
        b.add(
            out,
            TransitGatewayAttachment(
                arn=b.arn(page.region, tgw_owner, "transit-gateway-attachment", att_id),
                account_id=tgw_owner,
                region=page.region,
                call_ids=(page.call.id,),
                attachment_id=att_id,
                transit_gateway_id=_str(item.get("TransitGatewayId")),
                transit_gateway_owner_id=tgw_owner,
                resource_type=_str(item.get("ResourceType")),
                resource_id=_str(item.get("ResourceId")),
                resource_owner_id=_str(item.get("ResourceOwnerId")) or page.account_id,
                state=_str(item.get("State")),
                association_route_table_id=_opt(assoc.get("TransitGatewayRouteTableId"))
                if assoc.get("State", "associated") == "associated"
                else None,
            ),
            att_id,
        )
    return out


def _tgw_routes(
    b: _Builder,
) -> tuple[dict[tuple[str, str, str], list[TransitGatewayRoute]], set[tuple[str, str, str]]]:
    routes: dict[tuple[str, str, str], list[TransitGatewayRoute]] = defaultdict(list)
    truncated: set[tuple[str, str, str]] = set()
    for page in b.pages("SearchTransitGatewayRoutes"):
        table = _str(page.call.parameters.get("TransitGatewayRouteTableId"))
        key = (page.account_id, page.region, table)
        if page.body.get("AdditionalRoutesAvailable") is True:
            truncated.add(key)
        for r in _list(page.body.get("Routes")):
            if not isinstance(r, dict):
                continue
            atts = [a for a in _list(r.get("TransitGatewayAttachments")) if isinstance(a, dict)]
            routes[key].append(
                TransitGatewayRoute(
                    destination_cidr=_opt(r.get("DestinationCidrBlock")),
                    prefix_list_id=_opt(r.get("PrefixListId")),
                    type=_str(r.get("Type")),
                    state=_str(r.get("State")),
                    attachment_ids=tuple(_str(a.get("TransitGatewayAttachmentId")) for a in atts),
                    resource_ids=tuple(_str(a.get("ResourceId")) for a in atts if a.get("ResourceId")),
                )
            )
    return routes, truncated


def _attachment_ids(b: _Builder, operation: str, key: str) -> dict[tuple[str, str, str], list[str]]:
    out: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for page in b.pages(operation):
        table = _str(page.call.parameters.get("TransitGatewayRouteTableId"))
        for item in _list(page.body.get(key)):
            if isinstance(item, dict) and item.get("TransitGatewayAttachmentId"):
                out[(page.account_id, page.region, table)].append(_str(item["TransitGatewayAttachmentId"]))
    return out


def _tgw_route_tables(b: _Builder) -> dict[str, TransitGatewayRouteTable]:
    routes, truncated = _tgw_routes(b)
    assocs = _attachment_ids(b, "GetTransitGatewayRouteTableAssociations", "Associations")
    props = _attachment_ids(
        b, "GetTransitGatewayRouteTablePropagations", "TransitGatewayRouteTablePropagations"
    )
    param = "TransitGatewayRouteTableId"
    states = {
        op: b.param_states(op, param)
        for op in (
            "SearchTransitGatewayRoutes",
            "GetTransitGatewayRouteTableAssociations",
            "GetTransitGatewayRouteTablePropagations",
        )
    }
    out: dict[str, TransitGatewayRouteTable] = {}
    for page, item in b.items("DescribeTransitGatewayRouteTables", "TransitGatewayRouteTables"):
        table = _str(item.get(param))
        if not table:
            continue
        key = (page.account_id, page.region, table)

        def state(op: str, key: tuple[str, str, str] = key) -> CoverageState:
            return states[op].get(key) or b.missing(key[0], key[1], op, param, key[2])

        b.add(
            out,
            TransitGatewayRouteTable(
                arn=b.arn(page.region, page.account_id, "transit-gateway-route-table", table),
                account_id=page.account_id,
                region=page.region,
                call_ids=(page.call.id, *state("SearchTransitGatewayRoutes").call_ids),
                route_table_id=table,
                transit_gateway_id=_str(item.get("TransitGatewayId")),
                is_default_association=item.get("DefaultAssociationRouteTable") is True,
                is_default_propagation=item.get("DefaultPropagationRouteTable") is True,
                routes=tuple(routes.get(key, ())),
                routes_state=state("SearchTransitGatewayRoutes"),
                routes_truncated=key in truncated,
                associated_attachment_ids=tuple(assocs.get(key, ())),
                associations_state=state("GetTransitGatewayRouteTableAssociations"),
                propagating_attachment_ids=tuple(props.get(key, ())),
                propagations_state=state("GetTransitGatewayRouteTablePropagations"),
            ),
            table,
        )
    return out


def _endpoints(b: _Builder) -> dict[str, VpcEndpoint]:
    out: dict[str, VpcEndpoint] = {}
    for page, item in b.items("DescribeVpcEndpoints", "VpcEndpoints"):
        vpce = _str(item.get("VpcEndpointId"))
        if not vpce:
            continue
        owner = _owner(page, item)
        groups = [_str(g.get("GroupId")) for g in _list(item.get("Groups")) if isinstance(g, dict)]
        b.add(
            out,
            VpcEndpoint(
                arn=b.arn(page.region, owner, "vpc-endpoint", vpce),
                account_id=owner,
                region=page.region,
                call_ids=(page.call.id,),
                endpoint_id=vpce,
                vpc_id=_str(item.get("VpcId")),
                service_name=_str(item.get("ServiceName")),
                endpoint_type=_str(item.get("VpcEndpointType")),
                state=_str(item.get("State")),
                policy=_policy(item.get("PolicyDocument")),
                route_table_ids=tuple(_str(x) for x in _list(item.get("RouteTableIds"))),
                subnet_ids=tuple(_str(x) for x in _list(item.get("SubnetIds"))),
                security_group_ids=tuple(g for g in groups if g),
                network_interface_ids=tuple(_str(x) for x in _list(item.get("NetworkInterfaceIds"))),
                private_dns_enabled=item.get("PrivateDnsEnabled") is True,
            ),
            vpce,
        )
    return out


def _prefix_lists(b: _Builder) -> dict[str, PrefixList]:
    param = "PrefixListId"
    entries: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for page in b.pages("GetManagedPrefixListEntries"):
        pl = _str(page.call.parameters.get(param))
        for e in _list(page.body.get("Entries")):
            if isinstance(e, dict) and e.get("Cidr"):
                entries[(page.account_id, page.region, pl)].append(_str(e["Cidr"]))
    states = b.param_states("GetManagedPrefixListEntries", param)
    out: dict[str, PrefixList] = {}
    for page, item in b.items("DescribeManagedPrefixLists", "PrefixLists"):
        pl = _str(item.get(param))
        if not pl:
            continue
        key = (page.account_id, page.region, pl)
        state = states.get(key) or b.missing(
            page.account_id, page.region, "GetManagedPrefixListEntries", param, pl
        )
        owner = _owner(page, item)
        record = PrefixList(
            arn=_str(item.get("PrefixListArn")) or b.arn(page.region, owner, "prefix-list", pl),
            account_id=owner,
            region=page.region,
            call_ids=(page.call.id, *state.call_ids),
            prefix_list_id=pl,
            name=_str(item.get("PrefixListName")),
            owner_id=owner,
            address_family=_str(item.get("AddressFamily")),
            max_entries=_int(item.get("MaxEntries")),
            entries=tuple(dict.fromkeys(entries.get(key, ()))),
            entries_state=state,
        )
        # An AWS-managed list is listed by every account: keep the first answered copy.
        existing = out.get(record.arn)
        if existing is not None and not existing.entries_state.answered and state.answered:
            out.pop(record.arn)
        b.add(out, record, pl)
    return out


def sg_rule(item: Mapping[str, Any]) -> SecurityGroupRule:
    """A rule as DescribeSecurityGroupRules returns it."""
    ref = _dict(item.get("ReferencedGroupInfo"))
    protocol = str(item.get("IpProtocol", "-1"))
    return SecurityGroupRule(
        group_id=_str(item.get("GroupId")),
        egress=item.get("IsEgress") is True,
        protocol=protocol,
        from_port=None if protocol == "-1" else _int(item.get("FromPort")),
        to_port=None if protocol == "-1" else _int(item.get("ToPort")),
        cidr_ipv4=_opt(item.get("CidrIpv4")),
        cidr_ipv6=_opt(item.get("CidrIpv6")),
        prefix_list_id=_opt(item.get("PrefixListId")),
        referenced_group_id=_opt(ref.get("GroupId")),
        referenced_group_owner_id=_opt(ref.get("UserId")),
        referenced_vpc_peering_id=_opt(ref.get("VpcPeeringConnectionId")),
        rule_id=_opt(item.get("SecurityGroupRuleId")),
        description=_str(item.get("Description")),
    )


def rules_from_permissions(group_id: str, permissions: Any, *, egress: bool) -> list[SecurityGroupRule]:
    """Expand DescribeSecurityGroups' IpPermissions (one entry, many sources) into one rule per source."""
    out: list[SecurityGroupRule] = []
    for perm in _list(permissions):
        if not isinstance(perm, dict):
            continue
        protocol = str(perm.get("IpProtocol", "-1"))
        base = SecurityGroupRule(
            group_id=group_id,
            egress=egress,
            protocol=protocol,
            from_port=None if protocol == "-1" else _int(perm.get("FromPort")),
            to_port=None if protocol == "-1" else _int(perm.get("ToPort")),
        )
        for r in _list(perm.get("IpRanges")):
            if isinstance(r, dict) and r.get("CidrIp"):
                out.append(replace(base, cidr_ipv4=_str(r["CidrIp"]), description=_str(r.get("Description"))))
        for r in _list(perm.get("Ipv6Ranges")):
            if isinstance(r, dict) and r.get("CidrIpv6"):
                out.append(
                    replace(base, cidr_ipv6=_str(r["CidrIpv6"]), description=_str(r.get("Description")))
                )
        for r in _list(perm.get("PrefixListIds")):
            if isinstance(r, dict) and r.get("PrefixListId"):
                out.append(
                    replace(
                        base, prefix_list_id=_str(r["PrefixListId"]), description=_str(r.get("Description"))
                    )
                )
        for r in _list(perm.get("UserIdGroupPairs")):
            if isinstance(r, dict) and r.get("GroupId"):
                out.append(
                    replace(
                        base,
                        referenced_group_id=_str(r["GroupId"]),
                        referenced_group_owner_id=_opt(r.get("UserId")),
                        referenced_vpc_peering_id=_opt(r.get("VpcPeeringConnectionId")),
                        description=_str(r.get("Description")),
                    )
                )
    return out


def _security_groups(b: _Builder) -> dict[str, SecurityGroup]:
    # Rules from DescribeSecurityGroupRules where it was answered in that account and region.
    by_group: dict[str, tuple[list[SecurityGroupRule], list[SecurityGroupRule]]] = defaultdict(
        lambda: ([], [])
    )
    answered: set[tuple[str, str]] = set()
    rule_calls: dict[tuple[str, str], list[int]] = defaultdict(list)
    for call in b.source.calls(SERVICE, "DescribeSecurityGroupRules"):
        rule_calls[(call.account_id, call.region)].append(call.id)
    for account, region in rule_calls:
        state = b.coverage.state(
            account_id=account, region=region, service=SERVICE, operation="DescribeSecurityGroupRules"
        )
        if state.answered:
            answered.add((account, region))
    seen_rules: set[tuple[str, str, str]] = set()
    for page, item in b.items("DescribeSecurityGroupRules", "SecurityGroupRules"):
        rule = sg_rule(item)
        key = (page.account_id, page.region, rule.rule_id or repr(rule))
        if key in seen_rules:
            continue
        seen_rules.add(key)
        by_group[rule.group_id][1 if rule.egress else 0].append(rule)
    out: dict[str, SecurityGroup] = {}
    for page, item in b.items("DescribeSecurityGroups", "SecurityGroups"):
        group_id = _str(item.get("GroupId"))
        if not group_id:
            continue
        owner = _owner(page, item)
        from_rules = (page.account_id, page.region) in answered
        if from_rules:
            ingress, egress = by_group.get(group_id, ([], []))
            extra_calls = tuple(rule_calls[(page.account_id, page.region)])
        else:
            ingress = rules_from_permissions(group_id, item.get("IpPermissions"), egress=False)
            egress = rules_from_permissions(group_id, item.get("IpPermissionsEgress"), egress=True)
            extra_calls = ()
        b.add(
            out,
            SecurityGroup(
                arn=b.arn(page.region, owner, "security-group", group_id),
                account_id=owner,
                region=page.region,
                call_ids=(page.call.id, *extra_calls),
                group_id=group_id,
                group_name=_str(item.get("GroupName")),
                vpc_id=_opt(item.get("VpcId")),
                description=_str(item.get("Description")),
                ingress=tuple(ingress),
                egress=tuple(egress),
                rules_source="DescribeSecurityGroupRules" if from_rules else "DescribeSecurityGroups",
            ),
            group_id,
        )
    return out


def _network_interfaces(b: _Builder) -> dict[str, NetworkInterface]:
    out: dict[str, NetworkInterface] = {}
    for page, item in b.items("DescribeNetworkInterfaces", "NetworkInterfaces"):
        eni = _str(item.get("NetworkInterfaceId"))
        if not eni:
            continue
        owner = _owner(page, item)
        private, public, allocations = [], [], []
        for addr in _list(item.get("PrivateIpAddresses")):
            if not isinstance(addr, dict):
                continue
            if addr.get("PrivateIpAddress"):
                private.append(_str(addr["PrivateIpAddress"]))
            assoc = _dict(addr.get("Association"))
            if assoc.get("PublicIp"):
                public.append(_str(assoc["PublicIp"]))
            if assoc.get("AllocationId"):
                allocations.append(_str(assoc["AllocationId"]))
        if not private and item.get("PrivateIpAddress"):
            private.append(_str(item["PrivateIpAddress"]))
        assoc = _dict(item.get("Association"))
        if assoc.get("PublicIp"):
            public.append(_str(assoc["PublicIp"]))
        if assoc.get("AllocationId"):
            allocations.append(_str(assoc["AllocationId"]))
        attachment = _dict(item.get("Attachment"))
        b.add(
            out,
            NetworkInterface(
                arn=b.arn(page.region, owner, "network-interface", eni),
                account_id=owner,
                region=page.region,
                call_ids=(page.call.id,),
                network_interface_id=eni,
                vpc_id=_opt(item.get("VpcId")),
                subnet_id=_opt(item.get("SubnetId")),
                interface_type=_str(item.get("InterfaceType")) or "interface",
                status=_str(item.get("Status")),
                description=_str(item.get("Description")),
                private_ips=tuple(dict.fromkeys(private)),
                ipv6_addresses=tuple(
                    _str(a.get("Ipv6Address"))
                    for a in _list(item.get("Ipv6Addresses"))
                    if isinstance(a, dict)
                ),
                public_ips=tuple(dict.fromkeys(public)),
                elastic_ip_allocation_ids=tuple(dict.fromkeys(allocations)),
                security_group_ids=tuple(
                    _str(g.get("GroupId")) for g in _list(item.get("Groups")) if isinstance(g, dict)
                ),
                instance_id=_opt(attachment.get("InstanceId")),
                device_index=_int(attachment.get("DeviceIndex")),
                requester_managed=item.get("RequesterManaged") is True,
                source_dest_check=item.get("SourceDestCheck") is not False,
            ),
            eni,
        )
    return out


def _instances(b: _Builder, enis: Mapping[str, NetworkInterface]) -> dict[str, Instance]:
    out: dict[str, Instance] = {}
    for page in b.pages("DescribeInstances"):
        for reservation in _list(page.body.get("Reservations")):
            if not isinstance(reservation, dict):
                continue
            owner = _str(reservation.get("OwnerId")) or page.account_id
            for item in _list(reservation.get("Instances")):
                if not isinstance(item, dict) or not item.get("InstanceId"):
                    continue
                instance_id = _str(item["InstanceId"])
                interfaces = sorted(
                    (i for i in _list(item.get("NetworkInterfaces")) if isinstance(i, dict)),
                    key=lambda i: _int(_dict(i.get("Attachment")).get("DeviceIndex")) or 0,
                )
                eni_ids = [
                    _str(i.get("NetworkInterfaceId")) for i in interfaces if i.get("NetworkInterfaceId")
                ]
                groups = [
                    _str(g.get("GroupId")) for g in _list(item.get("SecurityGroups")) if isinstance(g, dict)
                ]
                for i in interfaces:
                    groups.extend(
                        _str(g.get("GroupId")) for g in _list(i.get("Groups")) if isinstance(g, dict)
                    )
                for eni_id in eni_ids:
                    eni = enis.get(b.arn(page.region, owner, "network-interface", eni_id))
                    if eni is not None:
                        groups.extend(eni.security_group_ids)
                state = _dict(item.get("State"))
                profile = _dict(item.get("IamInstanceProfile"))
                metadata = _dict(item.get("MetadataOptions"))
                b.add(
                    out,
                    Instance(
                        arn=b.arn(page.region, owner, "instance", instance_id),
                        account_id=owner,
                        region=page.region,
                        call_ids=(page.call.id,),
                        instance_id=instance_id,
                        state=_str(state.get("Name")),
                        vpc_id=_opt(item.get("VpcId")),
                        subnet_id=_opt(item.get("SubnetId")),
                        private_ip=_opt(item.get("PrivateIpAddress")),
                        public_ip=_opt(item.get("PublicIpAddress")),
                        network_interface_ids=tuple(eni_ids),
                        security_group_ids=tuple(dict.fromkeys(g for g in groups if g)),
                        instance_profile_arn=_opt(profile.get("Arn")),
                        image_id=_str(item.get("ImageId")),
                        metadata_http_tokens=_opt(metadata.get("HttpTokens")),
                        name=_name(item),
                    ),
                    instance_id,
                )
    return out


def _elastic_ips(b: _Builder) -> dict[str, ElasticIp]:
    out: dict[str, ElasticIp] = {}
    for page, item in b.items("DescribeAddresses", "Addresses"):
        public_ip = _str(item.get("PublicIp"))
        allocation = _opt(item.get("AllocationId"))
        if not public_ip:
            continue
        resource = allocation or public_ip
        b.add(
            out,
            ElasticIp(
                arn=b.arn(page.region, page.account_id, "elastic-ip", resource),
                account_id=page.account_id,
                region=page.region,
                call_ids=(page.call.id,),
                allocation_id=allocation,
                public_ip=public_ip,
                domain=_str(item.get("Domain")) or "vpc",
                network_interface_id=_opt(item.get("NetworkInterfaceId")),
                instance_id=_opt(item.get("InstanceId")),
                private_ip=_opt(item.get("PrivateIpAddress")),
            ),
            resource,
        )
    return out


def _flow_logs(b: _Builder) -> dict[str, FlowLog]:
    out: dict[str, FlowLog] = {}
    for page, item in b.items("DescribeFlowLogs", "FlowLogs"):
        log_id = _str(item.get("FlowLogId"))
        if not log_id:
            continue
        b.add(
            out,
            FlowLog(
                arn=b.arn(page.region, page.account_id, "vpc-flow-log", log_id),
                account_id=page.account_id,
                region=page.region,
                call_ids=(page.call.id,),
                flow_log_id=log_id,
                resource_id=_str(item.get("ResourceId")),
                traffic_type=_str(item.get("TrafficType")),
                destination_type=_str(item.get("LogDestinationType")),
                destination=_str(item.get("LogDestination")) or _str(item.get("LogGroupName")),
                status=_str(item.get("FlowLogStatus")),
            ),
            log_id,
        )
    return out


def _ebs_encryption(b: _Builder) -> dict[tuple[str, str], EbsDefaultEncryption]:
    out: dict[tuple[str, str], EbsDefaultEncryption] = {}
    for call in b.source.calls(SERVICE, "GetEbsEncryptionByDefault"):
        key = (call.account_id, call.region)
        if key in out:
            continue
        state = b.coverage.state(
            account_id=call.account_id,
            region=call.region,
            service=SERVICE,
            operation="GetEbsEncryptionByDefault",
        )
        page = b.source.first_page(
            SERVICE, "GetEbsEncryptionByDefault", account_id=call.account_id, region=call.region
        )
        value = page.body.get("EbsEncryptionByDefault") if page is not None else None
        out[key] = EbsDefaultEncryption(
            account_id=call.account_id,
            region=call.region,
            enabled=value if isinstance(value, bool) else None,
            state=state,
        )
    return out


# -- small readers: responses may lack keys or hold odd types; never raise -------------------


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _opt(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _name(item: Mapping[str, Any]) -> str:
    for tag in _list(item.get("Tags")):
        if isinstance(tag, dict) and tag.get("Key") == "Name":
            return _str(tag.get("Value"))
    return ""


def _policy(value: Any) -> PolicyDocument | None:
    return None if value in (None, "") else parse_policy_document(value)
