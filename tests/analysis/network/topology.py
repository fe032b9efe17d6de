"""Small hand-built VPC topologies for the reachability tests.

Builds NetworkInventory / LoadBalancerInventory records directly (the shapes
``analysis.model.network`` and ``analysis.model.loadbalancers`` produce) and wraps them in a real
Inventory whose coverage comes from a real snapshot: the ec2/elb calls of every account and
region used are recorded as answered, or denied where a test says so.

Defaults mirror what AWS creates: a VPC gets a main route table with its local route and a default
NACL allowing everything both ways (VPC User Guide, "Default network ACL"); a subnet uses them
unless given its own; a security group allows all outbound traffic.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from analysis.model.coverage import CoverageState
from analysis.model.inventory import Inventory, build_inventory
from analysis.model.loadbalancers import (
    Action,
    ClassicListener,
    Listener,
    LoadBalancer,
    LoadBalancerInventory,
    Target,
    TargetGroup,
)
from analysis.model.network import (
    Gateway,
    Instance,
    NaclEntry,
    NatGateway,
    NetworkAcl,
    NetworkInterface,
    NetworkInventory,
    PeeringSide,
    PrefixList,
    Route,
    RouteTable,
    SecurityGroup,
    SecurityGroupRule,
    Subnet,
    TransitGateway,
    TransitGatewayAttachment,
    TransitGatewayRoute,
    TransitGatewayRouteTable,
    Vpc,
    VpcPeering,
)
from analysis.network.index import EC2_INPUTS, LB_INPUTS
from snapshot import Snapshot
from tests.analysis.model.builders import MGMT, FakeCall, write_snapshot

ACCOUNT = "111122223333"
REGION = "us-east-1"
ANY = "0.0.0.0/0"
ANSWERED = CoverageState(state="collected", reason="collected")
NOT_COLLECTED = CoverageState(state="not_collected", reason="GetManagedPrefixListEntries was denied")


def route(dest: str, target: str, *, state: str = "active") -> Route:
    """A route to ``target`` (igw-, nat-, pcx-, tgw-, eigw-, vpce-, eni-, or "local")."""
    kinds = {
        "igw-": "igw", "nat-": "nat", "pcx-": "peering", "tgw-": "transit_gateway",
        "eigw-": "egress_only_igw", "vpce-": "vpc_endpoint", "eni-": "network_interface",
    }  # fmt: skip
    kind = "local" if target == "local" else next(k for p, k in kinds.items() if target.startswith(p))
    if dest.startswith("pl-"):
        return Route(destination_prefix_list_id=dest, target_kind=kind, target_id=target, state=state)
    if ":" in dest:
        return Route(destination_ipv6_cidr=dest, target_kind=kind, target_id=target, state=state)
    return Route(destination_cidr=dest, target_kind=kind, target_id=target, state=state)


def nacl_rule(
    number: int, action: str, *, egress: bool, cidr: str = ANY, protocol: str = "-1",
    ports: tuple[int, int] | None = None, icmp_type: int | None = None,
) -> NaclEntry:  # fmt: skip
    """A NACL entry; ``protocol`` is a number as AWS lists it ("6" tcp, "17" udp, "1" icmp, "-1")."""
    v6 = ":" in cidr
    return NaclEntry(
        rule_number=number, egress=egress, protocol=protocol, action=action,
        cidr_ipv4=None if v6 else cidr, cidr_ipv6=cidr if v6 else None,
        from_port=ports[0] if ports else None, to_port=ports[1] if ports else None,
        icmp_type=icmp_type, icmp_code=-1 if icmp_type is not None else None,
    )  # fmt: skip


def allow_all(*, v6: bool = False) -> list[NaclEntry]:
    out = [nacl_rule(100, "allow", egress=False), nacl_rule(100, "allow", egress=True)]
    if v6:
        out += [
            nacl_rule(101, "allow", egress=False, cidr="::/0"),
            nacl_rule(101, "allow", egress=True, cidr="::/0"),
        ]
    return out


def sg_rule(
    protocol: str = "tcp", ports: tuple[int, int] | int | None = None, *, cidr: str | None = ANY,
    group: str | None = None, prefix_list: str | None = None, egress: bool = False, rule_id: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Keyword arguments of a SecurityGroupRule (the group id is filled in by ``Topology.sg``)."""
    if isinstance(ports, int):
        ports = (ports, ports)
    source: dict[str, Any] = {}
    if group:
        source["referenced_group_id"] = group
    elif prefix_list:
        source["prefix_list_id"] = prefix_list
    elif cidr and ":" in cidr:
        source["cidr_ipv6"] = cidr
    elif cidr:
        source["cidr_ipv4"] = cidr
    return {
        "egress": egress,
        "protocol": protocol,
        "from_port": None if protocol == "-1" else (ports[0] if ports else -1),
        "to_port": None if protocol == "-1" else (ports[1] if ports else -1),
        "rule_id": rule_id,
        **source,
    }


class Topology:
    """Add VPC objects with ids of your choosing; ``inventory(tmp_path)`` builds the Inventory."""

    def __init__(self) -> None:
        self.vpcs: dict[str, Vpc] = {}
        self.subnets: dict[str, Subnet] = {}
        self.route_tables: dict[str, RouteTable] = {}
        self.gateways: dict[str, Gateway] = {}
        self.nats: dict[str, NatGateway] = {}
        self.peerings: dict[str, VpcPeering] = {}
        self.tgws: dict[str, TransitGateway] = {}
        self.attachments: dict[str, TransitGatewayAttachment] = {}
        self.tgw_tables: dict[str, TransitGatewayRouteTable] = {}
        self.prefix_lists: dict[str, PrefixList] = {}
        self.groups: dict[str, SecurityGroup] = {}
        self.acls: dict[str, NetworkAcl] = {}
        self.enis: dict[str, NetworkInterface] = {}
        self.instances: dict[str, Instance] = {}
        self.lbs: dict[str, LoadBalancer] = {}
        self.listeners: dict[str, Listener] = {}
        self.target_groups: dict[str, TargetGroup] = {}
        self.places: set[tuple[str, str]] = set()
        self.denied: set[tuple[str, str, str, str]] = set()  # (account, region, service, operation)
        self._explicit_rt: dict[str, str] = {}
        self._explicit_acl: dict[str, str] = {}

    @staticmethod
    def _arn(kind: str, rid: str, account: str = ACCOUNT, region: str = REGION) -> str:
        return f"arn:aws:ec2:{region}:{account}:{kind}/{rid}"

    def _base(self, kind: str, rid: str, account: str, region: str) -> dict[str, Any]:
        self.places.add((account, region))
        return {"arn": self._arn(kind, rid, account, region), "account_id": account, "region": region}

    # -- VPC objects --------------------------------------------------------------------------

    def vpc(
        self, vpc_id: str, cidr: str, *, ipv6: str | None = None, igw: str | None = None,
        account: str = ACCOUNT, region: str = REGION,
    ) -> str:  # fmt: skip
        """A VPC with its main route table ``rtb-main-<vpc>`` (local routes) and its default NACL
        ``acl-default-<vpc>`` (allow all); ``igw`` attaches an internet gateway (no route added)."""
        b = self._base("vpc", vpc_id, account, region)
        self.vpcs[vpc_id] = Vpc(
            **b, vpc_id=vpc_id, cidr_blocks=(cidr,), ipv6_cidr_blocks=(ipv6,) if ipv6 else ()
        )
        local = [route(cidr, "local")] + ([route(ipv6, "local")] if ipv6 else [])
        self.route_table(
            f"rtb-main-{vpc_id}", vpc_id, [], main=True, account=account, region=region, local=local
        )
        self.nacl(
            f"acl-default-{vpc_id}",
            vpc_id,
            allow_all(v6=bool(ipv6)),
            default=True,
            account=account,
            region=region,
        )
        if igw:
            self.gateway(igw, vpc_id, account=account, region=region)
        return vpc_id

    def gateway(
        self,
        gw_id: str,
        vpc_id: str,
        *,
        egress_only: bool = False,
        account: str = ACCOUNT,
        region: str = REGION,
    ) -> str:
        kind = "egress_only_internet_gateway" if egress_only else "internet_gateway"
        b = self._base(kind.replace("_", "-"), gw_id, account, region)
        self.gateways[gw_id] = Gateway(**b, gateway_id=gw_id, kind=kind, vpc_ids=(vpc_id,))
        return gw_id

    def subnet(
        self, subnet_id: str, vpc_id: str, cidr: str, *, route_table: str | None = None, nacl: str | None = None,
        ipv6: str | None = None, account: str = ACCOUNT, region: str = REGION,
    ) -> str:  # fmt: skip
        b = self._base("subnet", subnet_id, account, region)
        self.subnets[subnet_id] = Subnet(
            **b, subnet_id=subnet_id, vpc_id=vpc_id, cidr_block=cidr, ipv6_cidr_blocks=(ipv6,) if ipv6 else ()
        )
        if route_table:
            self._explicit_rt[subnet_id] = route_table
        if nacl:
            self._explicit_acl[subnet_id] = nacl
        return subnet_id

    def route_table(
        self, rt_id: str, vpc_id: str, routes: Sequence[Route], *, main: bool = False,
        account: str = ACCOUNT, region: str = REGION, local: Sequence[Route] | None = None,
    ) -> str:  # fmt: skip
        """A route table with the VPC's local route(s) first, then ``routes``."""
        if local is None:
            vpc = self.vpcs[vpc_id]
            local = [route(c, "local") for c in (*vpc.cidr_blocks, *vpc.ipv6_cidr_blocks)]
        b = self._base("route-table", rt_id, account, region)
        self.route_tables[rt_id] = RouteTable(
            **b, route_table_id=rt_id, vpc_id=vpc_id, routes=(*local, *routes), is_main=main
        )
        return rt_id

    def add_routes(self, rt_id: str, *routes: Route) -> None:
        table = self.route_tables[rt_id]
        self.route_tables[rt_id] = dataclasses.replace(table, routes=(*table.routes, *routes))

    def nacl(
        self, acl_id: str, vpc_id: str, entries: Iterable[NaclEntry], *, default: bool = False,
        account: str = ACCOUNT, region: str = REGION,
    ) -> str:  # fmt: skip
        b = self._base("network-acl", acl_id, account, region)
        ordered = tuple(sorted(entries, key=lambda e: (e.egress, e.rule_number)))
        self.acls[acl_id] = NetworkAcl(
            **b, network_acl_id=acl_id, vpc_id=vpc_id, is_default=default, entries=ordered
        )
        return acl_id

    def sg(
        self, sg_id: str, vpc_id: str, ingress: Iterable[dict[str, Any]] = (),
        egress: Iterable[dict[str, Any]] | None = None, *, account: str = ACCOUNT, region: str = REGION,
    ) -> str:  # fmt: skip
        """A group; egress defaults to all traffic to 0.0.0.0/0 (what AWS creates)."""
        b = self._base("security-group", sg_id, account, region)
        out = list(egress) if egress is not None else [sg_rule("-1", egress=True)]
        rules_in = tuple(SecurityGroupRule(group_id=sg_id, **{**r, "egress": False}) for r in ingress)
        rules_out = tuple(SecurityGroupRule(group_id=sg_id, **{**r, "egress": True}) for r in out)
        self.groups[sg_id] = SecurityGroup(
            **b, group_id=sg_id, group_name=sg_id, vpc_id=vpc_id, ingress=rules_in, egress=rules_out
        )
        return sg_id

    def prefix_list(self, pl_id: str, cidrs: Sequence[str], *, collected: bool = True) -> str:
        b = self._base("prefix-list", pl_id, ACCOUNT, REGION)
        self.prefix_lists[pl_id] = PrefixList(
            **b, prefix_list_id=pl_id, name=f"list {pl_id}", owner_id=ACCOUNT,
            entries=tuple(cidrs) if collected else (), entries_state=ANSWERED if collected else NOT_COLLECTED,
        )  # fmt: skip
        return pl_id

    def eni(
        self, eni_id: str, subnet_id: str, private_ip: str, *, groups: Sequence[str] = (),
        public_ip: str | None = None, instance: str | None = None, ipv6: Sequence[str] = (),
        description: str = "", interface_type: str = "interface", status: str = "in-use",
    ) -> str:  # fmt: skip
        """An interface; ``instance`` also creates the instance (this is its primary interface)."""
        subnet = self.subnets[subnet_id]
        b = self._base("network-interface", eni_id, subnet.account_id, subnet.region)
        self.enis[eni_id] = NetworkInterface(
            **b, network_interface_id=eni_id, vpc_id=subnet.vpc_id, subnet_id=subnet_id,
            interface_type=interface_type, status=status, description=description,
            private_ips=(private_ip,), ipv6_addresses=tuple(ipv6), public_ips=(public_ip,) if public_ip else (),
            security_group_ids=tuple(groups), instance_id=instance, device_index=0 if instance else None,
        )  # fmt: skip
        if instance:
            ib = self._base("instance", instance, subnet.account_id, subnet.region)
            self.instances[instance] = Instance(
                **ib, instance_id=instance, state="running", vpc_id=subnet.vpc_id, subnet_id=subnet_id,
                private_ip=private_ip, public_ip=public_ip, network_interface_ids=(eni_id,),
                security_group_ids=tuple(groups), name=instance,
            )  # fmt: skip
        return eni_id

    def nat(
        self, nat_id: str, subnet_id: str, *, public_ip: str = "198.51.100.77", private: bool = False
    ) -> str:
        subnet = self.subnets[subnet_id]
        eni_id = f"eni-{nat_id}"
        self.eni(
            eni_id,
            subnet_id,
            "10.255.255.1",
            public_ip=None if private else public_ip,
            interface_type="nat_gateway",
        )
        b = self._base("natgateway", nat_id, subnet.account_id, subnet.region)
        self.nats[nat_id] = NatGateway(
            **b, nat_gateway_id=nat_id, vpc_id=subnet.vpc_id, subnet_id=subnet_id,
            connectivity_type="private" if private else "public", state="available",
            public_ips=() if private else (public_ip,), private_ips=("10.255.255.1",), network_interface_ids=(eni_id,),
        )  # fmt: skip
        return nat_id

    def peering(self, pcx_id: str, requester: str, accepter: str, *, status: str = "active",
                accepter_owner: str | None = None, accepter_cidr: str | None = None) -> str:  # fmt: skip
        """A peering between two VPCs; an ``accepter`` not built here is another account's VPC."""

        def side(vpc_id: str, owner: str | None, cidr: str | None) -> PeeringSide:
            vpc = self.vpcs.get(vpc_id)
            return PeeringSide(
                owner_id=owner or (vpc.account_id if vpc else ACCOUNT), vpc_id=vpc_id,
                region=vpc.region if vpc else REGION, cidr_blocks=vpc.cidr_blocks if vpc else ((cidr,) if cidr else ()),
            )  # fmt: skip

        req = side(requester, None, None)
        b = self._base("vpc-peering-connection", pcx_id, req.owner_id, req.region)
        self.peerings[pcx_id] = VpcPeering(
            **b,
            peering_id=pcx_id,
            status=status,
            requester=req,
            accepter=side(accepter, accepter_owner, accepter_cidr),
        )
        return pcx_id

    def transit_gateway(self, tgw_id: str) -> str:
        b = self._base("transit-gateway", tgw_id, ACCOUNT, REGION)
        self.tgws[tgw_id] = TransitGateway(
            **b, transit_gateway_id=tgw_id, owner_id=ACCOUNT, state="available"
        )
        return tgw_id

    def tgw_attachment(self, att_id: str, tgw_id: str, vpc_id: str, *, table: str) -> str:
        vpc = self.vpcs[vpc_id]
        b = self._base("transit-gateway-attachment", att_id, ACCOUNT, REGION)
        self.attachments[att_id] = TransitGatewayAttachment(
            **b, attachment_id=att_id, transit_gateway_id=tgw_id, transit_gateway_owner_id=ACCOUNT,
            resource_type="vpc", resource_id=vpc_id, resource_owner_id=vpc.account_id, state="available",
            association_route_table_id=table,
        )  # fmt: skip
        return att_id

    def tgw_table(self, table_id: str, tgw_id: str, routes: Sequence[tuple[str, str | None]]) -> str:
        """Routes as (destination, attachment id); attachment None is a blackhole route."""
        b = self._base("transit-gateway-route-table", table_id, ACCOUNT, REGION)
        self.tgw_tables[table_id] = TransitGatewayRouteTable(
            **b, route_table_id=table_id, transit_gateway_id=tgw_id,
            routes=tuple(
                TransitGatewayRoute(
                    destination_cidr=dest, type="static", state="active" if att else "blackhole",
                    attachment_ids=(att,) if att else (),
                )
                for dest, att in routes
            ),
            routes_state=ANSWERED, associations_state=ANSWERED, propagations_state=ANSWERED,
        )  # fmt: skip
        return table_id

    # -- load balancers -------------------------------------------------------------------------

    def alb(
        self, name: str, vpc_id: str, subnets: Sequence[str], *, groups: Sequence[str] = (), kind: str = "application",
        scheme: str = "internet-facing", ip_address_type: str = "ipv4",
    ) -> str:  # fmt: skip
        short = {"application": "app", "network": "net"}[kind]
        arn = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/{short}/{name}/0123456789abcdef"
        self.places.add((ACCOUNT, REGION))
        self.lbs[arn] = LoadBalancer(
            arn=arn, account_id=ACCOUNT, region=REGION, name=name, type=kind, scheme=scheme, vpc_id=vpc_id,
            subnet_ids=tuple(subnets), security_group_ids=tuple(groups), dns_name=f"{name}.elb.example",
            state="active", ip_address_type=ip_address_type, attributes_state=ANSWERED, listeners_state=ANSWERED,
        )  # fmt: skip
        return arn

    def listener(self, lb_arn: str, port: int, target_group: str | None, *, protocol: str = "HTTP") -> str:
        arn = lb_arn.replace(":loadbalancer/", ":listener/") + f"/{port:016d}"
        actions = (
            (Action(type="forward", target_group_arns=(target_group,)),)
            if target_group
            else (Action(type="redirect", redirect_protocol="HTTPS"),)
        )
        self.listeners[arn] = Listener(
            arn=arn, account_id=ACCOUNT, region=REGION, load_balancer_arn=lb_arn, port=port, protocol=protocol,
            default_actions=actions, rules_state=ANSWERED,
        )  # fmt: skip
        lb = self.lbs[lb_arn]
        self.lbs[lb_arn] = dataclasses.replace(lb, listener_arns=(*lb.listener_arns, arn))
        return arn

    def target_group(
        self, name: str, vpc_id: str, port: int, targets: Sequence[str], *, target_type: str = "instance",
        protocol: str = "HTTP",
    ) -> str:  # fmt: skip
        """Targets: instance ids (or IP addresses for target_type "ip"), resolved to interfaces."""
        arn = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/{name}/fedcba9876543210"
        resolved = []
        for t in targets:
            if target_type == "instance":
                eni = self.instances[t].network_interface_ids[0]
            else:
                eni = next(e.network_interface_id for e in self.enis.values() if t in e.private_ips)
            resolved.append(Target(id=t, port=port, health="healthy", network_interface_id=eni))
        self.target_groups[arn] = TargetGroup(
            arn=arn, account_id=ACCOUNT, region=REGION, name=name, target_type=target_type, protocol=protocol,
            port=port, vpc_id=vpc_id, targets=tuple(resolved), targets_state=ANSWERED,
        )  # fmt: skip
        return arn

    def classic(self, name: str, vpc_id: str, subnets: Sequence[str], groups: Sequence[str],
                listeners: Sequence[tuple[int, int]], instances: Sequence[str]) -> str:  # fmt: skip
        arn = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/{name}"
        self.lbs[arn] = LoadBalancer(
            arn=arn, account_id=ACCOUNT, region=REGION, name=name, type="classic", scheme="internet-facing",
            vpc_id=vpc_id, subnet_ids=tuple(subnets), security_group_ids=tuple(groups), dns_name=f"{name}.elb.example",
            attributes_state=ANSWERED, listeners_state=ANSWERED,
            classic_listeners=tuple(
                ClassicListener(protocol="HTTP", port=lp, instance_protocol="HTTP", instance_port=ip) for lp, ip in listeners
            ),
            instance_ids=tuple(instances),
            instance_network_interface_ids=tuple(self.instances[i].network_interface_ids[0] for i in instances),
        )  # fmt: skip
        return arn

    # -- the Inventory ---------------------------------------------------------------------------

    def deny(
        self, operation: str, *, service: str = "ec2", account: str = ACCOUNT, region: str = REGION
    ) -> None:
        """Record ``operation`` as denied (AccessDenied) in that account and region."""
        self.denied.add((account, region, service, operation))

    def network(self) -> NetworkInventory:
        main = {rt.vpc_id: rid for rid, rt in self.route_tables.items() if rt.is_main}
        default_acl = {a.vpc_id: aid for aid, a in self.acls.items() if a.is_default}
        subnets = {
            sid: dataclasses.replace(
                s,
                route_table_id=self._explicit_rt.get(sid, main.get(s.vpc_id)),
                route_table_explicit=sid in self._explicit_rt,
                network_acl_id=self._explicit_acl.get(sid, default_acl.get(s.vpc_id)),
            )
            for sid, s in self.subnets.items()
        }
        tables = {
            rid: dataclasses.replace(t, subnet_ids=tuple(s for s, r in self._explicit_rt.items() if r == rid))
            for rid, t in self.route_tables.items()
        }
        acls = {
            aid: dataclasses.replace(
                a, subnet_ids=tuple(s for s in subnets if subnets[s].network_acl_id == aid)
            )
            for aid, a in self.acls.items()
        }
        vpcs = {
            v: dataclasses.replace(
                r, main_route_table_id=main.get(v), default_network_acl_id=default_acl.get(v)
            )
            for v, r in self.vpcs.items()
        }
        by_vpc: dict[str, list[str]] = defaultdict(list)
        for s in subnets.values():
            by_vpc[s.vpc_id].append(s.subnet_id)
        groups: list[tuple[dict[str, Any], str]] = [
            (vpcs, "vpc_id"), (subnets, "subnet_id"), (tables, "route_table_id"), (self.gateways, "gateway_id"),
            (self.nats, "nat_gateway_id"), (self.peerings, "peering_id"), (self.tgws, "transit_gateway_id"),
            (self.attachments, "attachment_id"), (self.tgw_tables, "route_table_id"),
            (self.prefix_lists, "prefix_list_id"), (self.groups, "group_id"), (acls, "network_acl_id"),
            (self.enis, "network_interface_id"), (self.instances, "instance_id"),
        ]  # fmt: skip
        ids = {rid: rec.arn for mapping, _ in groups for rid, rec in mapping.items()}

        def by_arn(mapping: dict[str, Any]) -> dict[str, Any]:
            return {rec.arn: rec for rec in mapping.values()}

        return NetworkInventory(
            vpcs=by_arn(vpcs), subnets=by_arn(subnets), route_tables=by_arn(tables), gateways=by_arn(self.gateways),
            nat_gateways=by_arn(self.nats), peerings=by_arn(self.peerings), transit_gateways=by_arn(self.tgws),
            tgw_attachments=by_arn(self.attachments), tgw_route_tables=by_arn(self.tgw_tables),
            prefix_lists=by_arn(self.prefix_lists), security_groups=by_arn(self.groups), network_acls=by_arn(acls),
            network_interfaces=by_arn(self.enis), instances=by_arn(self.instances), ids=ids,
            subnets_by_vpc={k: tuple(v) for k, v in by_vpc.items()},
            enis_by_instance={i: r.network_interface_ids for i, r in self.instances.items()},
            enis_by_private_ip={(e.vpc_id or "", ip): e.network_interface_id for e in self.enis.values() for ip in e.private_ips},
        )  # fmt: skip

    def inventory(self, tmp_path: Path) -> Inventory:
        """A real Inventory (coverage from a real snapshot) holding these records."""
        calls = [
            FakeCall(
                service=service, operation=operation, account_id=account, region=region, pages=[{}],
                outcome="access_denied" if (account, region, service, operation) in self.denied else "ok",
                error_code="AccessDenied" if (account, region, service, operation) in self.denied else None,
            )
            for account, region in sorted(self.places)
            for service, operation in [("ec2", op) for _, op in EC2_INPUTS] + [(s, op) for _, s, op in LB_INPUTS]
        ]  # fmt: skip
        accounts = sorted({a for a, _ in self.places} | {ACCOUNT})
        manifest = {
            "identity": {"Account": MGMT, "Arn": f"arn:aws:sts::{MGMT}:assumed-role/Auditor/test"},
            "account_outcomes": {
                a: {
                    "account_id": a, "name": f"acct-{a[-4:]}", "status": "collected",
                    "regions_collected": sorted({r for acc, r in self.places if acc == a} or {REGION}),
                }
                for a in accounts
            },
        }  # fmt: skip
        path = write_snapshot(tmp_path / "topology.snapshot", calls=calls, manifest=manifest)
        with Snapshot.open(path) as snap:
            base = build_inventory(snap)
        lbs = LoadBalancerInventory(
            load_balancers=dict(self.lbs),
            listeners=dict(self.listeners),
            target_groups=dict(self.target_groups),
        )
        return dataclasses.replace(base, network=self.network(), load_balancers=lbs)
