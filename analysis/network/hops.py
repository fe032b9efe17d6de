"""Hops of the components that pass or stop traffic as a whole: gateways, addresses, interfaces,
peering and transit gateway attachments, load balancers. (NACLs, security groups and route
tables build their own hops, with the rule that decided.)"""

from __future__ import annotations

from analysis.model.loadbalancers import LoadBalancer, TargetGroup
from analysis.model.network import (
    Gateway,
    NatGateway,
    NetworkInterface,
    TransitGatewayAttachment,
    VpcPeering,
)
from analysis.network.results import (
    ADDRESS,
    ALLOW,
    DENY,
    INTERNET,
    LISTENER,
    LOAD_BALANCER,
    NAT_GATEWAY,
    NETWORK_INTERFACE,
    TARGET_GROUP,
    TRANSIT_GATEWAY_ATTACHMENT,
    VPC_PEERING,
    Hop,
)
from analysis.network.trace import Trace


def missing_hop(kind: str, component: str, rule: str, trace: Trace) -> Hop:
    trace.note(rule)
    return Hop(
        kind=kind, component_id=component, arn=None, account_id=None, region=None,
        direction="", verdict=DENY, rule=rule,
    )  # fmt: skip


def verdict(allowed: bool) -> str:
    return ALLOW if allowed else DENY


def internet_hop(client: str, *, allowed: bool = True, rule: str = "") -> Hop:
    return Hop(
        kind=INTERNET,
        component_id="internet",
        arn=None,
        account_id=None,
        region=None,
        direction="",
        verdict=verdict(allowed),
        rule=rule or f"a client at {client}",
        detail={"client": client},
    )


def gateway_hop(gw: Gateway, *, allowed: bool, rule: str, direction: str = "") -> Hop:
    return Hop(
        kind=gw.kind,
        component_id=gw.gateway_id,
        arn=gw.arn,
        account_id=gw.account_id,
        region=gw.region,
        direction=direction,
        verdict=verdict(allowed),
        rule=rule,
        detail={"vpc_ids": list(gw.vpc_ids)},
    )


def missing_gateway_hop(kind: str, vpc_id: str, rule: str, account_id: str | None, region: str | None) -> Hop:
    return Hop(
        kind=kind,
        component_id=vpc_id,
        arn=None,
        account_id=account_id,
        region=region,
        direction="",
        verdict=DENY,
        rule=rule,
        detail={"vpc_id": vpc_id},
    )


def address_hop(
    eni: NetworkInterface, *, public: str | None, private: str | None, allowed: bool, rule: str
) -> Hop:
    return Hop(
        kind=ADDRESS,
        component_id=public or eni.network_interface_id,
        arn=eni.arn,
        account_id=eni.account_id,
        region=eni.region,
        direction="",
        verdict=verdict(allowed),
        rule=rule,
        detail={"public_ip": public, "private_ip": private, "network_interface_id": eni.network_interface_id},
    )


def interface_hop(
    eni: NetworkInterface,
    *,
    allowed: bool = True,
    rule: str = "",
    direction: str = "",
    instance_state: str | None = None,
) -> Hop:
    """The interface reached; a stopped instance is said (its configuration is what is judged)."""
    state = f", {instance_state}" if instance_state and instance_state != "running" else ""
    what = (
        f"instance {eni.instance_id}{state}" if eni.instance_id else (eni.description or eni.interface_type)
    )
    return Hop(
        kind=NETWORK_INTERFACE,
        component_id=eni.network_interface_id,
        arn=eni.arn,
        account_id=eni.account_id,
        region=eni.region,
        direction=direction,
        verdict=verdict(allowed),
        rule=rule or f"{eni.network_interface_id} ({what}), {', '.join(eni.private_ips) or 'no private IP'}",
        detail={
            "instance_id": eni.instance_id,
            "subnet_id": eni.subnet_id,
            "private_ips": list(eni.private_ips),
            "public_ips": list(eni.public_ips),
            "interface_type": eni.interface_type,
            "instance_state": instance_state,
        },
    )


def nat_hop(nat: NatGateway, *, allowed: bool, rule: str) -> Hop:
    return Hop(
        kind=NAT_GATEWAY,
        component_id=nat.nat_gateway_id,
        arn=nat.arn,
        account_id=nat.account_id,
        region=nat.region,
        direction="",
        verdict=verdict(allowed),
        rule=rule,
        detail={
            "subnet_id": nat.subnet_id,
            "public_ips": list(nat.public_ips),
            "connectivity_type": nat.connectivity_type,
            "state": nat.state,
        },
    )


def peering_hop(pcx: VpcPeering | None, pcx_id: str, *, allowed: bool, rule: str) -> Hop:
    return Hop(
        kind=VPC_PEERING,
        component_id=pcx_id,
        arn=pcx.arn if pcx else None,
        account_id=pcx.account_id if pcx else None,
        region=pcx.region if pcx else None,
        direction="",
        verdict=verdict(allowed),
        rule=rule,
        detail=(
            {
                "status": pcx.status,
                "requester_vpc_id": pcx.requester.vpc_id,
                "requester_owner_id": pcx.requester.owner_id,
                "accepter_vpc_id": pcx.accepter.vpc_id,
                "accepter_owner_id": pcx.accepter.owner_id,
            }
            if pcx
            else {}
        ),
    )


def attachment_hop(att: TransitGatewayAttachment | None, component: str, *, allowed: bool, rule: str) -> Hop:
    return Hop(
        kind=TRANSIT_GATEWAY_ATTACHMENT,
        component_id=att.attachment_id if att else component,
        arn=att.arn if att else None,
        account_id=att.account_id if att else None,
        region=att.region if att else None,
        direction="",
        verdict=verdict(allowed),
        rule=rule,
        detail=(
            {
                "transit_gateway_id": att.transit_gateway_id,
                "resource_type": att.resource_type,
                "resource_id": att.resource_id,
                "resource_owner_id": att.resource_owner_id,
                "association_route_table_id": att.association_route_table_id,
            }
            if att
            else {}
        ),
    )


def load_balancer_hop(lb: LoadBalancer, *, allowed: bool = True, rule: str = "") -> Hop:
    return Hop(
        kind=LOAD_BALANCER,
        component_id=lb.name,
        arn=lb.arn,
        account_id=lb.account_id,
        region=lb.region,
        direction="",
        verdict=verdict(allowed),
        rule=rule or f"{lb.type} load balancer {lb.name} ({lb.scheme}, {lb.dns_name})",
        detail={"type": lb.type, "scheme": lb.scheme, "dns_name": lb.dns_name, "state": lb.state},
    )


def listener_hop(
    lb: LoadBalancer, *, arn: str | None, protocol: str, port: int | None, allowed: bool, rule: str
) -> Hop:
    return Hop(
        kind=LISTENER,
        component_id=arn or f"{lb.name}:{port}",
        arn=arn or lb.arn,
        account_id=lb.account_id,
        region=lb.region,
        direction="",
        verdict=verdict(allowed),
        rule=rule,
        detail={"protocol": protocol, "port": port, "load_balancer": lb.name},
    )


def target_group_hop(
    tg: TargetGroup | None, lb: LoadBalancer, *, target: str, port: int | None, rule: str
) -> Hop:
    return Hop(
        kind=TARGET_GROUP,
        component_id=tg.name if tg else f"{lb.name} (registered instances)",
        arn=tg.arn if tg else lb.arn,
        account_id=tg.account_id if tg else lb.account_id,
        region=tg.region if tg else lb.region,
        direction="",
        verdict=ALLOW,
        rule=rule,
        detail={"target": target, "port": port, "target_type": tg.target_type if tg else "instance"},
    )
