"""What the network analysis answers, as plain records: hops, exposures, paths and VPC links.

The contract between the reachability engine (``analysis.network``), the network view, the CLI
(``exposure``, ``path``) and the controls: every answer is explained hop by hop, each hop naming the
component it crossed and the rule (or missing route) that decided it, as AWS's Reachability
Analyzer explains its answers. Records are frozen; ``arn`` fields are Inventory record ARNs, so
evidence (snapshot call ids) can be found for every hop.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# Hop kinds (components traffic crosses).
INTERNET = "internet"
INTERNET_GATEWAY = "internet_gateway"
EGRESS_ONLY_INTERNET_GATEWAY = "egress_only_internet_gateway"
NAT_GATEWAY = "nat_gateway"
ROUTE_TABLE = "route_table"
NETWORK_ACL = "network_acl"
SECURITY_GROUP = "security_group"
NETWORK_INTERFACE = "network_interface"
LOAD_BALANCER = "load_balancer"
LISTENER = "listener"
TARGET_GROUP = "target_group"
VPC_PEERING = "vpc_peering"
TRANSIT_GATEWAY = "transit_gateway"
TRANSIT_GATEWAY_ROUTE_TABLE = "transit_gateway_route_table"
TRANSIT_GATEWAY_ATTACHMENT = "transit_gateway_attachment"
VPC_ENDPOINT = "vpc_endpoint"
ADDRESS = "address"  # a public IP / Elastic IP mapped to a private address (the IGW's 1:1 NAT)

ALLOW = "allow"
DENY = "deny"

# Directions a hop is checked in. NACLs are stateless: the request and the return traffic are
# both checked ("inbound"/"outbound" for the request, "return" for the reply).
INBOUND = "inbound"
OUTBOUND = "outbound"
RETURN = "return"

# Client ports assumed for return traffic when the client is on the internet (the ephemeral range
# AWS's NACL documentation tells to allow for unknown clients: 1024-65535).
EPHEMERAL_PORTS = (1024, 65535)

# Management ports for the "management port exposed" findings: (protocol, port, service).
MANAGEMENT_PORTS: tuple[tuple[str, int, str], ...] = (
    ("tcp", 22, "SSH"),
    ("tcp", 3389, "RDP"),
    ("tcp", 23, "Telnet"),
    ("tcp", 21, "FTP"),
    ("tcp", 5985, "WinRM"),
    ("tcp", 5986, "WinRM over HTTPS"),
    ("tcp", 3306, "MySQL"),
    ("tcp", 5432, "PostgreSQL"),
    ("tcp", 1433, "SQL Server"),
    ("tcp", 1521, "Oracle"),
    ("tcp", 27017, "MongoDB"),
    ("tcp", 6379, "Redis"),
    ("tcp", 9200, "Elasticsearch"),
    ("tcp", 6443, "Kubernetes API"),
    ("tcp", 2379, "etcd"),
    ("tcp", 10250, "kubelet"),
    ("tcp", 5900, "VNC"),
)


@dataclass(frozen=True, kw_only=True)
class PortRange:
    """A protocol and an inclusive port range; for ICMP, from/to are type/code. None: all ports."""

    protocol: str  # "tcp" | "udp" | "icmp" | "icmpv6" | "-1" (all protocols) | an IP protocol number
    from_port: int | None = None
    to_port: int | None = None

    def label(self) -> str:
        if self.protocol == "-1":
            return "all traffic"
        if self.from_port is None or (self.from_port, self.to_port) == (0, 65535):
            return f"{self.protocol}/all"
        if self.protocol in ("icmp", "icmpv6"):  # from/to are the ICMP type and code (-1: any)
            if self.from_port == -1:
                return f"{self.protocol}/all"
            code = "" if self.to_port in (None, -1) else f" code {self.to_port}"
            return f"{self.protocol} type {self.from_port}{code}"
        if self.from_port == self.to_port:
            return f"{self.protocol}/{self.from_port}"
        return f"{self.protocol}/{self.from_port}-{self.to_port}"

    def contains(self, protocol: str, port: int | None) -> bool:
        if self.protocol != "-1" and self.protocol != protocol:
            return False
        if port is None or self.from_port is None:
            return True
        return self.from_port <= port <= (self.to_port if self.to_port is not None else self.from_port)


@dataclass(frozen=True, kw_only=True)
class Hop:
    """One component traffic crosses and the rule that decided it (allow), or that blocks it (deny)."""

    kind: str  # one of the hop kinds above
    component_id: str  # igw-..., rtb-..., acl-..., sg-..., eni-..., a load balancer ARN, "internet"
    arn: str | None  # the Inventory record's ARN (its evidence); None for the internet
    account_id: str | None
    region: str | None
    direction: str  # INBOUND | OUTBOUND | RETURN | "" (not directional: a gateway, a route)
    verdict: str  # ALLOW | DENY
    rule: str  # in words: "route 0.0.0.0/0 -> igw-1 (longest prefix match)", "rule 100 allows tcp 443 from 0.0.0.0/0",
    # "sgr-1: tcp 22 from 0.0.0.0/0", "no rule matched: implicit deny (*)", "no route to 203.0.113.9"
    detail: Mapping[str, object] = field(
        default_factory=dict
    )  # structured rule: rule_number, cidr, ports, target...

    @property
    def allowed(self) -> bool:
        return self.verdict == ALLOW


@dataclass(frozen=True, kw_only=True)
class Exposure:
    """One protocol/port range of one network interface reachable from the internet, and the path."""

    network_interface_id: str
    network_interface_arn: str
    instance_id: str | None
    account_id: str
    region: str
    vpc_id: str
    subnet_id: str
    via: str  # "direct" (public IP / EIP) | "load_balancer"
    load_balancer_arn: str | None  # the internet-facing load balancer the traffic enters by
    entry: str  # the public IP, Elastic IP or load balancer DNS name the internet reaches
    source_cidr: str  # "0.0.0.0/0" | "::/0"
    ports: PortRange  # reachable at the interface (for via load_balancer: the target port)
    listener_ports: PortRange | None  # for via load_balancer: the listener the internet connects to
    hops: tuple[Hop, ...]  # internet -> ... -> the interface, every hop allowed
    management: tuple[str, ...] = ()  # management services in ports: ("SSH", "RDP", ...)


@dataclass(frozen=True, kw_only=True)
class OpenRule:
    """A security group rule open to the world (rule level), and whether any path makes it reachable."""

    security_group_id: str
    security_group_arn: str
    account_id: str
    region: str
    rule: str  # the rule in words
    ports: PortRange
    source_cidr: str
    attached_to: tuple[str, ...]  # network interface ids using the group
    reachable_on: tuple[str, ...]  # the interfaces actually reachable through this rule (path level)
    # Load balancers using the group (their node interfaces are often not collected): a rule on an
    # internet-facing balancer's group makes its targets reachable_on through the balancer.
    load_balancer_arns: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class NotAssessed:
    """A part of the organization the analysis could not answer for, and why (never 'not exposed')."""

    account_id: str
    region: str
    what: str  # e.g. "network ACLs", "route tables"
    reason: str  # the coverage state and its message: "access denied (DescribeNetworkAcls)"


@dataclass(frozen=True, kw_only=True)
class ExposureReport:
    exposures: tuple[Exposure, ...]
    open_rules: tuple[OpenRule, ...]
    not_assessed: tuple[NotAssessed, ...]
    interfaces_checked: int
    seconds: float
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Endpoint:
    """One end of a path query, resolved: the internet, an instance, an interface, an IP or a subnet."""

    kind: str  # "internet" | "instance" | "network_interface" | "ip" | "subnet"
    id: str  # "internet", i-..., eni-..., an address, subnet-...
    label: str
    network_interface_id: str | None = None  # the interface the path starts or ends at (None: internet)
    address: str | None = None  # the address used (private, public or given)
    account_id: str | None = None
    region: str | None = None
    vpc_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class PathResult:
    """The answer to "can SOURCE reach DESTINATION on PROTOCOL/PORT": the path, or what blocks it."""

    source: Endpoint
    destination: Endpoint
    protocol: str
    port: int | None
    reachable: bool
    hops: tuple[Hop, ...]  # when blocked: the hops up to and including the blocking one
    blocked_by: Hop | None
    explanation: str  # one sentence: "reachable via igw-1 ..." / "blocked by acl-1 rule 90 (deny tcp 22 from 0.0.0.0/0)"
    notes: tuple[str, ...] = ()  # unknowns that could change the answer (coverage gaps, truncated TGW routes)


@dataclass(frozen=True, kw_only=True)
class VpcLink:
    """One VPC can send traffic to another over a peering connection or a transit gateway."""

    source_vpc_id: str
    source_account_id: str
    source_region: str
    target_vpc_id: str
    target_account_id: str | None  # None: the peer VPC is outside the collected accounts
    target_region: str
    via: str  # VPC_PEERING | TRANSIT_GATEWAY
    component_id: str  # pcx-... or tgw-...
    routed_cidrs: tuple[str, ...]  # destination CIDRs the source routes over the link
    target_in_organization: bool
    hops: tuple[Hop, ...]  # route table(s) -> peering / TGW attachment -> TGW route table -> attachment
