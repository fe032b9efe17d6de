"""NetworkIndex: the Inventory's VPC objects keyed by resource id, rules compiled once, and caches.

Built once per Inventory (``build_network_index``) and shared by every query: each CIDR is parsed
once, each NACL, security group and route table compiled once, interfaces indexed by address, by
group and by load balancer, and the answers of NACLs and security groups cached per (component,
direction, remote, protocol), so a whole-organization exposure run evaluates each subnet's NACL
and each set of groups once, not once per interface.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from analysis.model.inventory import Inventory
from analysis.model.loadbalancers import LoadBalancer
from analysis.model.network import (
    Gateway,
    Instance,
    NatGateway,
    NetworkInterface,
    PrefixList,
    Subnet,
    TransitGateway,
    TransitGatewayAttachment,
    Vpc,
    VpcPeering,
)
from analysis.network.addresses import Net, parse_address, parse_net
from analysis.network.nacl import CompiledNacl, compile_nacl, nacl_partition, return_check
from analysis.network.ports import Piece
from analysis.network.results import Hop, NotAssessed
from analysis.network.routes import (
    CompiledRouteTable,
    CompiledTgwTable,
    compile_route_table,
    compile_tgw_table,
)
from analysis.network.security_groups import CompiledGroup, Remote, compile_group, sg_partition

# The ec2 answers an interface's reachability depends on: without any of them, an account and
# region is reported as not assessed, never as "not exposed".
EC2_INPUTS: tuple[tuple[str, str], ...] = (
    ("subnets", "DescribeSubnets"),
    ("route tables", "DescribeRouteTables"),
    ("network ACLs", "DescribeNetworkAcls"),
    ("security groups", "DescribeSecurityGroups"),
    ("network interfaces", "DescribeNetworkInterfaces"),
    ("internet gateways", "DescribeInternetGateways"),
)
LB_INPUTS: tuple[tuple[str, str, str], ...] = (
    ("load balancers (ELBv2)", "elbv2", "DescribeLoadBalancers"),
    ("target groups (ELBv2)", "elbv2", "DescribeTargetGroups"),
    ("classic load balancers", "elb", "DescribeLoadBalancers"),
)
_FAILED_ACCOUNT = ("access_failed", "skipped", "cancelled")


class NetworkIndex:
    """Everything the queries look up, by resource id; build with :func:`build_network_index`."""

    def __init__(self, *, inventory: Inventory) -> None:
        net = inventory.network
        self.inventory = inventory
        self.network = net
        self.load_balancers = inventory.load_balancers
        self.prefix_lists: dict[str, PrefixList] = {p.prefix_list_id: p for p in net.prefix_lists.values()}
        self.vpcs: dict[str, Vpc] = {v.vpc_id: v for v in net.vpcs.values()}
        self.subnets: dict[str, Subnet] = {s.subnet_id: s for s in net.subnets.values()}
        self.subnet_nets: dict[str, tuple[Net, ...]] = {
            s.subnet_id: tuple(
                n for n in (parse_net(c) for c in (s.cidr_block, *s.ipv6_cidr_blocks)) if n is not None
            )
            for s in self.subnets.values()
        }
        self.route_tables: dict[str, CompiledRouteTable] = {
            t.route_table_id: compile_route_table(t, self.prefix_lists) for t in net.route_tables.values()
        }
        self.nacls: dict[str, CompiledNacl] = {
            a.network_acl_id: compile_nacl(a) for a in net.network_acls.values()
        }
        self.groups: dict[str, CompiledGroup] = {
            g.group_id: compile_group(g, self.prefix_lists) for g in net.security_groups.values()
        }
        self.enis: dict[str, NetworkInterface] = {
            e.network_interface_id: e for e in net.network_interfaces.values()
        }
        self.instances: dict[str, Instance] = {i.instance_id: i for i in net.instances.values()}
        self.nat_gateways: dict[str, NatGateway] = {n.nat_gateway_id: n for n in net.nat_gateways.values()}
        self.nat_enis: dict[str, str] = {
            eni: n.nat_gateway_id for n in self.nat_gateways.values() for eni in n.network_interface_ids
        }
        self.peerings: dict[str, VpcPeering] = {p.peering_id: p for p in net.peerings.values()}
        self.transit_gateways: dict[str, TransitGateway] = {
            t.transit_gateway_id: t for t in net.transit_gateways.values()
        }
        self.tgw_attachments: dict[str, TransitGatewayAttachment] = {
            a.attachment_id: a for a in net.tgw_attachments.values()
        }
        self.tgw_tables: dict[str, CompiledTgwTable] = {
            t.route_table_id: compile_tgw_table(t, self.prefix_lists) for t in net.tgw_route_tables.values()
        }
        self.igws_by_vpc: dict[str, list[Gateway]] = defaultdict(list)
        self.eigws_by_vpc: dict[str, list[Gateway]] = defaultdict(list)
        for gw in net.gateways.values():
            target = self.igws_by_vpc if gw.kind == "internet_gateway" else self.eigws_by_vpc
            for vpc in gw.vpc_ids:
                target[vpc].append(gw)
        # Gateway route tables ("ingress routing": a table associated with an internet gateway).
        self.edge_tables: dict[str, list[str]] = defaultdict(list)
        for table in net.route_tables.values():
            for gw_id in table.gateway_ids:
                self.edge_tables[gw_id].append(table.route_table_id)
        self.attachments_by_vpc: dict[str, list[TransitGatewayAttachment]] = defaultdict(list)
        for att in self.tgw_attachments.values():
            if att.resource_type == "vpc" and att.state in ("available", "modifying", ""):
                self.attachments_by_vpc[att.resource_id].append(att)
        outcomes = inventory.manifest.get("account_outcomes") or {}
        self.collected_accounts: set[str] = {
            a for a, o in outcomes.items() if (o or {}).get("status") not in _FAILED_ACCOUNT
        } | {v.account_id for v in self.vpcs.values()}
        self._index_interfaces()
        self._index_load_balancers()
        self._nacl_cache: dict[tuple[object, ...], list[Piece[Hop]]] = {}
        self._return_cache: dict[tuple[object, ...], Hop] = {}
        self._sg_cache: dict[tuple[object, ...], tuple[list[Piece[Hop]], tuple[str, ...]]] = {}
        self._gaps: dict[tuple[str, str], tuple[NotAssessed, ...]] = {}
        self.memo: dict[str, object] = {}  # results the query modules compute once per index

    def _index_interfaces(self) -> None:
        by_group: dict[str, list[str]] = defaultdict(list)
        self.eni_by_public_ip: dict[str, str] = {}
        self.enis_by_address: dict[str, list[str]] = defaultdict(list)  # private v4 and v6 addresses
        for eni in self.enis.values():
            for g in eni.security_group_ids:
                by_group[g].append(eni.network_interface_id)
            for ip in eni.public_ips:
                self.eni_by_public_ip.setdefault(ip, eni.network_interface_id)
            for ip in (*eni.private_ips, *eni.ipv6_addresses):
                self.enis_by_address[ip].append(eni.network_interface_id)
        for eip in self.network.elastic_ips.values():
            if eip.network_interface_id and eip.network_interface_id in self.enis:
                self.eni_by_public_ip.setdefault(eip.public_ip, eip.network_interface_id)
        self.enis_by_group: dict[str, tuple[str, ...]] = {g: tuple(v) for g, v in by_group.items()}

    def _index_load_balancers(self) -> None:
        """Load balancer nodes' interfaces, by their description: "ELB app/NAME/ID", "ELB net/...",
        or "ELB NAME" for a classic one (how ELB names the interfaces it creates)."""
        by_key = {}
        self.lbs_by_group: dict[str, list[str]] = defaultdict(list)
        for lb in self.load_balancers.load_balancers.values():
            key = lb.name if lb.type == "classic" else lb.arn.split(":loadbalancer/", 1)[-1]
            by_key[f"ELB {key}"] = lb.arn
            for g in lb.security_group_ids:
                self.lbs_by_group[g].append(lb.arn)
        self.lb_by_eni: dict[str, str] = {}
        enis_by_lb: dict[str, list[str]] = defaultdict(list)
        for eni in self.enis.values():
            if eni.description.startswith("ELB "):
                arn = by_key.get(eni.description)
                if arn is not None:
                    self.lb_by_eni[eni.network_interface_id] = arn
                    enis_by_lb[arn].append(eni.network_interface_id)
        self.enis_by_lb: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in enis_by_lb.items()}

    # -- lookups ---------------------------------------------------------------------------------

    def load_balancer(self, arn: str) -> LoadBalancer | None:
        return self.load_balancers.load_balancers.get(arn)

    def route_table_of(self, subnet_id: str | None) -> CompiledRouteTable | None:
        subnet = self.subnets.get(subnet_id or "")
        if subnet is None or subnet.route_table_id is None:
            return None
        return self.route_tables.get(subnet.route_table_id)

    def nacl_of(self, subnet_id: str | None) -> CompiledNacl | None:
        subnet = self.subnets.get(subnet_id or "")
        if subnet is None or subnet.network_acl_id is None:
            return None
        return self.nacls.get(subnet.network_acl_id)

    def groups_of(self, group_ids: Iterable[str]) -> tuple[tuple[CompiledGroup, ...], tuple[str, ...]]:
        """The compiled groups, and the ids of those not in the Inventory."""
        found, missing = [], []
        for g in dict.fromkeys(group_ids):
            compiled = self.groups.get(g)
            if compiled is None:
                missing.append(g)
            else:
                found.append(compiled)
        return tuple(found), tuple(missing)

    def subnet_containing(self, vpc_id: str | None, address: Net) -> Subnet | None:
        for subnet_id in self.network.subnets_by_vpc.get(vpc_id or "", ()):
            if any(n.covers(address) for n in self.subnet_nets.get(subnet_id, ())):
                return self.subnets.get(subnet_id)
        return None

    def vpc_containing(self, address: Net) -> list[Vpc]:
        out = []
        for vpc in self.vpcs.values():
            cidrs = (*vpc.cidr_blocks, *vpc.ipv6_cidr_blocks)
            if any((n := parse_net(c)) is not None and n.covers(address) for c in cidrs):
                out.append(vpc)
        return out

    def address_of(self, eni: NetworkInterface, version: int) -> Net | None:
        """The interface's primary private address of a family, as a host network."""
        pool = eni.private_ips if version == 4 else eni.ipv6_addresses
        for ip in pool:
            net = parse_address(ip)
            if net is not None and net.version == version:
                return net
        return None

    # -- cached evaluations ------------------------------------------------------------------------

    def nacl_pieces(
        self, nacl: CompiledNacl, *, egress: bool, remote: Net, protocol: str, direction: str, subnet_id: str
    ) -> list[Piece[Hop]]:
        key = (nacl.acl.network_acl_id, egress, remote, protocol, direction, subnet_id)
        found = self._nacl_cache.get(key)
        if found is None:
            found = nacl_partition(
                nacl,
                egress=egress,
                remote=remote,
                protocol=protocol,
                direction=direction,
                subnet_id=subnet_id,
            )
            self._nacl_cache[key] = found
        return found

    def nacl_return(
        self, nacl: CompiledNacl, *, egress: bool, remote: Net, protocol: str, subnet_id: str
    ) -> Hop:
        key = (nacl.acl.network_acl_id, egress, remote, protocol, subnet_id)
        found = self._return_cache.get(key)
        if found is None:
            found = return_check(nacl, egress=egress, remote=remote, protocol=protocol, subnet_id=subnet_id)
            self._return_cache[key] = found
        return found

    def sg_pieces(
        self, groups: Sequence[CompiledGroup], *, egress: bool, remote: Remote, protocol: str
    ) -> tuple[list[Piece[Hop]], tuple[str, ...]]:
        """The groups' partition and the rules that could not be judged (cached per group set)."""
        key = (tuple(g.group.group_id for g in groups), egress, remote, protocol)
        found = self._sg_cache.get(key)
        if found is None:
            unknown: list[str] = []
            pieces = sg_partition(groups, egress=egress, remote=remote, protocol=protocol, unknown=unknown)
            found = (pieces, tuple(dict.fromkeys(unknown)))
            self._sg_cache[key] = found
        return found

    # -- coverage ----------------------------------------------------------------------------------

    def account_regions(self) -> list[tuple[str, str]]:
        """Every (account, region) the collection was asked for, and any that holds VPC records."""
        pairs: set[tuple[str, str]] = set()
        outcomes = self.inventory.manifest.get("account_outcomes") or {}
        for account_id, outcome in outcomes.items():
            regions = (outcome or {}).get("regions_collected") or []
            if (outcome or {}).get("status") in _FAILED_ACCOUNT or not regions:
                pairs.add((account_id, "*"))
            pairs.update((account_id, r) for r in regions)
        for record in (*self.network.vpcs.values(), *self.network.network_interfaces.values()):
            pairs.add((record.account_id, record.region))
        return sorted(pairs)

    def gaps(self, account_id: str, region: str) -> tuple[NotAssessed, ...]:
        """The ec2 inputs not answered in an account and region (empty: it can be assessed)."""
        key = (account_id, region)
        found = self._gaps.get(key)
        if found is None:
            found = tuple(self._gaps_of(account_id, region))
            self._gaps[key] = found
        return found

    def _gaps_of(self, account_id: str, region: str) -> Iterable[NotAssessed]:
        coverage = self.inventory.coverage
        if region == "*":
            state = coverage.state(
                account_id=account_id, region="global", service="ec2", operation="DescribeVpcs"
            )
            yield NotAssessed(account_id=account_id, region="*", what="network", reason=state.reason)
            return
        for what, operation in EC2_INPUTS:
            state = coverage.state(account_id=account_id, region=region, service="ec2", operation=operation)
            if not state.answered:
                yield NotAssessed(account_id=account_id, region=region, what=what, reason=state.reason)

    def lb_gaps(self, account_id: str, region: str) -> Iterable[NotAssessed]:
        if region == "*":
            return
        coverage = self.inventory.coverage
        for what, service, operation in LB_INPUTS:
            state = coverage.state(account_id=account_id, region=region, service=service, operation=operation)
            if not state.answered:
                yield NotAssessed(account_id=account_id, region=region, what=what, reason=state.reason)


def build_network_index(inventory: Inventory) -> NetworkIndex:
    """Index and compile the Inventory's VPC objects once, for any number of queries."""
    return NetworkIndex(inventory=inventory)
