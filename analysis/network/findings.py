"""Network findings for the controls: plain records, each with the evidence it was derived from.

Kinds (``NetworkFinding.kind``):

- ``management_port_reachable``: a management port (SSH, RDP, databases, Kubernetes API...:
  ``MANAGEMENT_PORTS``) of an interface is reachable from the internet at path level (the
  exposure analysis found a path: route, NACLs both ways, security groups, a public address or
  an internet-facing load balancer). The hops are the evidence.
- ``management_port_open_rule``: a security group rule opens a management port to the world,
  but interfaces using the group are not reachable on that port from the internet (rule level
  only: a NAT-only subnet, a NACL, no public address...), or the group is attached to nothing.
  Still a weakness: one route or address change away. ``network_interface_ids`` lists the
  interfaces concerned; those a path does reach are ``management_port_reachable`` findings.
- ``default_vpc_in_use`` / ``default_vpc_present``: a default VPC with network interfaces in
  it, or one that exists unused (CIS AWS Foundations: use purpose-built VPCs).
- ``subnet_auto_public_ip``: ``MapPublicIpOnLaunch`` (FSBP EC2.15): every instance launched there
  gets a public IP unless told otherwise.
- ``vpc_without_flow_logs``: no flow log on the VPC and not on every one of its subnets (FSBP
  EC2.6; ENI-level logs do not count: they miss new interfaces).
- ``load_balancer_without_waf``: an internet-facing Application Load Balancer with no WAF web
  ACL, or an internet-facing classic ELB, which cannot have one (WAF serves ALBs, not classic
  load balancers; FSBP ELB.16). Network and gateway load balancers are out of WAF's reach
  (layer 4) and not reported.
- ``vpc_peering_outside_organization``: a peering connection (active, or requested) with a VPC
  owned by an account outside the organization.

Coverage: where a finding's inputs were not answered (denied, failed, not collected), the
result is a finding with ``status`` ``NOT_ASSESSED`` and a :class:`NotAssessed` saying what and
why; never silence, which would read as a pass. Pure and Qt-free.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from analysis.model.coverage import CoverageState
from analysis.model.inventory import Inventory
from analysis.model.network import Vpc
from analysis.network.results import (
    MANAGEMENT_PORTS,
    Exposure,
    ExposureReport,
    Hop,
    NotAssessed,
    OpenRule,
    PortRange,
)

HIGH, MEDIUM, LOW = "high", "medium", "low"
FAIL, NOT_ASSESSED = "fail", "not_assessed"

MANAGEMENT_PORT_REACHABLE = "management_port_reachable"
MANAGEMENT_PORT_OPEN_RULE = "management_port_open_rule"
DEFAULT_VPC_IN_USE = "default_vpc_in_use"
DEFAULT_VPC_PRESENT = "default_vpc_present"
SUBNET_AUTO_PUBLIC_IP = "subnet_auto_public_ip"
VPC_WITHOUT_FLOW_LOGS = "vpc_without_flow_logs"
LOAD_BALANCER_WITHOUT_WAF = "load_balancer_without_waf"
VPC_PEERING_OUTSIDE_ORGANIZATION = "vpc_peering_outside_organization"
KINDS = (
    MANAGEMENT_PORT_REACHABLE,
    MANAGEMENT_PORT_OPEN_RULE,
    DEFAULT_VPC_IN_USE,
    DEFAULT_VPC_PRESENT,
    SUBNET_AUTO_PUBLIC_IP,
    VPC_WITHOUT_FLOW_LOGS,
    LOAD_BALANCER_WITHOUT_WAF,
    VPC_PEERING_OUTSIDE_ORGANIZATION,
)
# Peering states in which the connection exists or is asked for (not rejected, deleted, failed, expired).
LIVE_PEERING_STATES = frozenset({"active", "pending-acceptance", "provisioning", "initiating-request"})
_FAILED_ACCOUNT = frozenset({"access_failed", "skipped", "cancelled"})


@dataclass(frozen=True, kw_only=True)
class NetworkFinding:
    kind: str
    severity: str
    account_id: str
    region: str
    resource: str  # the Inventory ARN of what the finding is about ("" for a whole account/region)
    resource_id: str  # eni-..., sg-..., vpc-..., subnet-..., pcx-..., the load balancer's name
    title: str
    detail: str
    call_ids: tuple[int, ...] = ()  # the snapshot calls it was derived from
    hops: tuple[Hop, ...] = ()  # path-level findings: internet -> ... -> the interface
    # The interfaces concerned: for an open rule, those it opens that no path from the internet reaches.
    network_interface_ids: tuple[str, ...] = ()
    status: str = FAIL  # FAIL | NOT_ASSESSED
    not_assessed: NotAssessed | None = None  # for NOT_ASSESSED: what could not be judged, and why


def network_findings(inventory: Inventory, report: ExposureReport) -> list[NetworkFinding]:
    """Every finding of the kinds above, in a stable order (kind, account, region, resource)."""
    out = [*_management(inventory, report)]
    areas, failed = _areas(inventory)
    out += _failed_accounts(inventory, failed)
    out += _default_vpcs(inventory, areas)
    out += _auto_public_ip(inventory, areas)
    out += _flow_logs(inventory, areas)
    out += _load_balancers(inventory, areas)
    out += _peerings(inventory, areas)
    order = {k: i for i, k in enumerate(KINDS)}
    return sorted(out, key=lambda f: (order[f.kind], f.account_id, f.region, f.resource_id, f.status))


def management_services(ports: PortRange) -> tuple[str, ...]:
    """The management services (SSH, RDP...) a protocol/port range includes."""
    return tuple(dict.fromkeys(svc for proto, port, svc in MANAGEMENT_PORTS if ports.contains(proto, port)))


# -- management ports (from the exposure report) ------------------------------------------------


def _management(inv: Inventory, report: ExposureReport) -> Iterator[NetworkFinding]:
    for e in report.exposures:
        services = tuple(dict.fromkeys((*e.management, *management_services(e.ports))))
        if not services:
            continue
        where = inv.network.instances.get(inv.network.ids.get(e.instance_id or "", ""))
        host = f"{e.instance_id} ({where.name})" if where is not None and where.name else e.instance_id
        via = f"through load balancer {e.load_balancer_arn}" if e.via == "load_balancer" else "directly"
        yield NetworkFinding(
            kind=MANAGEMENT_PORT_REACHABLE,
            severity=HIGH,
            account_id=e.account_id,
            region=e.region,
            resource=e.network_interface_arn,
            resource_id=e.network_interface_id,
            title=f"{', '.join(services)} reachable from the internet",
            detail=f"{host or e.network_interface_id} ({e.network_interface_id} in {e.vpc_id}/{e.subnet_id}): "
            f"{e.ports.label()} reachable from {e.source_cidr} {via} at {e.entry}",
            call_ids=_hop_calls(inv, e.hops),
            hops=e.hops,
        )
    gaps: dict[tuple[str, str], list[NotAssessed]] = defaultdict(list)
    for gap in report.not_assessed:
        gaps[(gap.account_id, gap.region)].append(gap)
    for (account, region), items in sorted(gaps.items()):
        for gap in dict.fromkeys(items):
            yield _not_assessed(MANAGEMENT_PORT_REACHABLE, account, region, gap.what, gap.reason)
    exposed: dict[str, list[Exposure]] = defaultdict(list)
    for e in report.exposures:
        exposed[e.network_interface_id].append(e)
    for rule in report.open_rules:
        yield from _open_rule(inv, rule, exposed, gaps.get((rule.account_id, rule.region), []))


def _open_rule(
    inv: Inventory, rule: OpenRule, exposed: Mapping[str, list[Exposure]], gaps_here: list[NotAssessed]
) -> Iterator[NetworkFinding]:
    """The rule-level finding of an open rule: its management ports on the interfaces no path reaches.

    An interface reachable on the port is a path-level finding of its own; the rule is reported
    for the interfaces it opens but the internet cannot reach (a NAT-only subnet, a NACL, no
    public address: one change away), or when it is attached to nothing.
    """
    services: list[str] = []
    unreached: list[str] = []
    reached: list[str] = []
    for proto, port, svc in MANAGEMENT_PORTS:
        if not rule.ports.contains(proto, port):
            continue
        hit = [
            eni
            for eni in rule.attached_to
            if any(x.ports.contains(proto, port) for x in exposed.get(eni, ()))
        ]
        missed = [eni for eni in rule.attached_to if eni not in hit]
        if missed or not rule.attached_to:
            services.append(svc)
        unreached += missed
        reached += hit
    if not services:
        return
    unreached, reached = list(dict.fromkeys(unreached)), list(dict.fromkeys(reached))
    ports = "this port" if len(services) == 1 else "these ports"
    if not rule.attached_to and rule.load_balancer_arns:
        why = (
            f"the group is used by {len(rule.load_balancer_arns)} load balancer(s) "
            f"({', '.join(sorted(rule.load_balancer_arns))}) and no network interface; no listener makes "
            f"{ports} reachable (rule level only)"
        )
    elif not rule.attached_to:
        why = "the group is attached to no network interface"
    else:
        why = (
            f"{len(unreached)} of the {len(rule.attached_to)} interface(s) using the group are not reachable on "
            f"{ports} from the internet (rule level only): {', '.join(unreached)}"
        )
        if reached:
            why += f"; reachable on {', '.join(reached)} (path level, reported on the interface)"
    if gaps_here:
        why += "; path level not fully assessed here: " + "; ".join(g.reason for g in gaps_here)
    record = inv.get(rule.security_group_arn)
    yield NetworkFinding(
        kind=MANAGEMENT_PORT_OPEN_RULE,
        severity=MEDIUM if rule.attached_to else LOW,  # a balancer forwards only its listeners' ports
        account_id=rule.account_id,
        region=rule.region,
        resource=rule.security_group_arn,
        resource_id=rule.security_group_id,
        title=f"Security group open to {rule.source_cidr} on {', '.join(dict.fromkeys(services))}",
        detail=f"{rule.security_group_id}: {rule.rule}; {why}",
        call_ids=record.call_ids if record is not None else (),
        network_interface_ids=tuple(unreached),
    )


def _hop_calls(inv: Inventory, hops: Iterable[Hop]) -> tuple[int, ...]:
    ids: list[int] = []
    for hop in hops:
        record = inv.get(hop.arn) if hop.arn else None
        if record is not None:
            ids.extend(record.call_ids)
    return tuple(dict.fromkeys(ids))


# -- coverage helpers -------------------------------------------------------------------------


def _areas(inv: Inventory) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(account, region) pairs collected, and (account, reason) of accounts that could not be entered."""
    areas: list[tuple[str, str]] = []
    failed: list[tuple[str, str]] = []
    for account_id, outcome in sorted((inv.manifest.get("account_outcomes") or {}).items()):
        if not isinstance(outcome, Mapping):
            continue
        if outcome.get("status") in _FAILED_ACCOUNT:
            status = outcome.get("status")
            failed.append(
                (
                    account_id,
                    f"account {account_id} could not be collected ({status}: {outcome.get('detail') or status})",
                )
            )
            continue
        areas += [(account_id, str(r)) for r in outcome.get("regions_collected") or []]
    return areas, failed


def _state(inv: Inventory, account: str, region: str, operation: str, service: str = "ec2") -> CoverageState:
    return inv.coverage.state(account_id=account, region=region, service=service, operation=operation)


def _not_assessed(
    kind: str,
    account: str,
    region: str,
    what: str,
    reason: str,
    *,
    resource: str = "",
    resource_id: str = "",
    call_ids: tuple[int, ...] = (),
) -> NetworkFinding:
    gap = NotAssessed(account_id=account, region=region, what=what, reason=reason)
    return NetworkFinding(
        kind=kind,
        severity=_SEVERITY[kind],
        account_id=account,
        region=region,
        resource=resource,
        resource_id=resource_id,
        title=f"Not assessed: {what}",
        detail=reason,
        call_ids=call_ids,
        status=NOT_ASSESSED,
        not_assessed=gap,
    )


def _failed_accounts(inv: Inventory, failed: list[tuple[str, str]]) -> Iterator[NetworkFinding]:
    for account, reason in failed:
        for kind in KINDS[2:]:  # management ports: the exposure report says what it could not assess
            yield _not_assessed(kind, account, "*", _WHAT[kind], reason)


def _unanswered(
    inv: Inventory, kind: str, account: str, region: str, operations: Iterable[tuple[str, str]]
) -> NetworkFinding | None:
    """A NOT_ASSESSED finding for the area if any of (service, operation) was not answered there."""
    for service, operation in operations:
        state = _state(inv, account, region, operation, service)
        if not state.answered:
            return _not_assessed(kind, account, region, _WHAT[kind], state.reason, call_ids=state.call_ids)
    return None


_SEVERITY = {
    MANAGEMENT_PORT_REACHABLE: HIGH,
    MANAGEMENT_PORT_OPEN_RULE: MEDIUM,
    DEFAULT_VPC_IN_USE: MEDIUM,
    DEFAULT_VPC_PRESENT: LOW,
    SUBNET_AUTO_PUBLIC_IP: MEDIUM,
    VPC_WITHOUT_FLOW_LOGS: MEDIUM,
    LOAD_BALANCER_WITHOUT_WAF: MEDIUM,
    VPC_PEERING_OUTSIDE_ORGANIZATION: MEDIUM,
}
_WHAT = {
    MANAGEMENT_PORT_REACHABLE: "management ports reachable from the internet",
    MANAGEMENT_PORT_OPEN_RULE: "security group rules open on management ports",
    DEFAULT_VPC_IN_USE: "whether the default VPC is in use",
    DEFAULT_VPC_PRESENT: "default VPCs",
    SUBNET_AUTO_PUBLIC_IP: "subnets that auto-assign public IPs",
    VPC_WITHOUT_FLOW_LOGS: "VPC flow logs",
    LOAD_BALANCER_WITHOUT_WAF: "WAF on internet-facing load balancers",
    VPC_PEERING_OUTSIDE_ORGANIZATION: "VPC peering with accounts outside the organization",
}


# -- Inventory-only findings ----------------------------------------------------------------


def _vpcs_by_area(inv: Inventory) -> dict[tuple[str, str], list[Vpc]]:
    out: dict[tuple[str, str], list[Vpc]] = defaultdict(list)
    for vpc in inv.network.vpcs.values():
        out[(vpc.account_id, vpc.region)].append(vpc)
    return out


def _default_vpcs(inv: Inventory, areas: list[tuple[str, str]]) -> Iterator[NetworkFinding]:
    enis_by_vpc: dict[str, list[str]] = defaultdict(list)
    for eni in inv.network.network_interfaces.values():
        if eni.vpc_id:
            enis_by_vpc[eni.vpc_id].append(eni.network_interface_id)
    vpcs = _vpcs_by_area(inv)
    for account, region in areas:
        gap = _unanswered(inv, DEFAULT_VPC_PRESENT, account, region, [("ec2", "DescribeVpcs")])
        if gap is not None:
            yield gap
            yield _not_assessed(DEFAULT_VPC_IN_USE, account, region, _WHAT[DEFAULT_VPC_IN_USE], gap.detail)
            continue
        enis_state = _state(inv, account, region, "DescribeNetworkInterfaces")
        for vpc in sorted(
            (v for v in vpcs.get((account, region), ()) if v.is_default), key=lambda v: v.vpc_id
        ):
            enis = sorted(enis_by_vpc.get(vpc.vpc_id, ()))
            if enis:
                shown = ", ".join(enis[:5]) + (f" and {len(enis) - 5} more" if len(enis) > 5 else "")
                yield _vpc_finding(
                    DEFAULT_VPC_IN_USE,
                    vpc,
                    "Default VPC in use",
                    f"default VPC {vpc.vpc_id} has {len(enis)} network interface(s): {shown}",
                    enis_state.call_ids,
                )
                continue
            yield _vpc_finding(
                DEFAULT_VPC_PRESENT,
                vpc,
                "Default VPC present",
                f"default VPC {vpc.vpc_id} exists"
                + (" (no network interface in it)" if enis_state.answered else ""),
            )
            if not enis_state.answered:
                yield _not_assessed(
                    DEFAULT_VPC_IN_USE,
                    account,
                    region,
                    _WHAT[DEFAULT_VPC_IN_USE],
                    enis_state.reason,
                    resource=vpc.arn,
                    resource_id=vpc.vpc_id,
                    call_ids=enis_state.call_ids,
                )


def _vpc_finding(kind: str, vpc: Vpc, title: str, detail: str, extra: tuple[int, ...] = ()) -> NetworkFinding:
    return NetworkFinding(
        kind=kind,
        severity=_SEVERITY[kind],
        account_id=vpc.account_id,
        region=vpc.region,
        resource=vpc.arn,
        resource_id=vpc.vpc_id,
        title=title,
        detail=detail,
        call_ids=tuple(dict.fromkeys((*vpc.call_ids, *extra))),
    )


def _auto_public_ip(inv: Inventory, areas: list[tuple[str, str]]) -> Iterator[NetworkFinding]:
    net = inv.network
    by_area: dict[tuple[str, str], list[str]] = defaultdict(list)
    for arn, subnet in net.subnets.items():
        by_area[(subnet.account_id, subnet.region)].append(arn)
    for account, region in areas:
        gap = _unanswered(inv, SUBNET_AUTO_PUBLIC_IP, account, region, [("ec2", "DescribeSubnets")])
        if gap is not None:
            yield gap
            continue
        for arn in sorted(by_area.get((account, region), ())):
            subnet = net.subnets[arn]
            if not subnet.map_public_ip_on_launch:
                continue
            vpc = net.get(subnet.vpc_id)
            default = (
                " (a default subnet of the default VPC)" if isinstance(vpc, Vpc) and vpc.is_default else ""
            )
            yield NetworkFinding(
                kind=SUBNET_AUTO_PUBLIC_IP,
                severity=MEDIUM,
                account_id=account,
                region=region,
                resource=arn,
                resource_id=subnet.subnet_id,
                title="Subnet assigns public IPs automatically",
                detail=f"{subnet.subnet_id}{f' ({subnet.name})' if subnet.name else ''} in {subnet.vpc_id}"
                f"{default}: MapPublicIpOnLaunch is true, every instance launched there gets a public IP "
                "unless told otherwise",
                call_ids=subnet.call_ids,
            )


def _flow_logs(inv: Inventory, areas: list[tuple[str, str]]) -> Iterator[NetworkFinding]:
    net = inv.network
    vpcs = _vpcs_by_area(inv)
    for account, region in areas:
        gap = _unanswered(inv, VPC_WITHOUT_FLOW_LOGS, account, region, [("ec2", "DescribeVpcs")])
        if gap is not None:
            yield gap
            continue
        logs_state = _state(inv, account, region, "DescribeFlowLogs")
        subnets_state = _state(inv, account, region, "DescribeSubnets")
        for vpc in sorted(vpcs.get((account, region), ()), key=lambda v: v.vpc_id):
            if net.flow_logs_by_resource.get(vpc.vpc_id):
                continue
            subnets = net.subnets_by_vpc.get(vpc.vpc_id, ())
            if subnets and subnets_state.answered and all(net.flow_logs_by_resource.get(s) for s in subnets):
                continue
            missing = [
                s for s, st in ((logs_state, "flow logs"), (subnets_state, "subnets")) if not s.answered
            ]
            if missing:
                yield _not_assessed(
                    VPC_WITHOUT_FLOW_LOGS,
                    account,
                    region,
                    f"flow logs of {vpc.vpc_id}",
                    "; ".join(s.reason for s in missing),
                    resource=vpc.arn,
                    resource_id=vpc.vpc_id,
                    call_ids=tuple(i for s in missing for i in s.call_ids),
                )
                continue
            covered = [s for s in subnets if net.flow_logs_by_resource.get(s)]
            partial = f"; {len(covered)} of its {len(subnets)} subnet(s) have one" if covered else ""
            yield _vpc_finding(
                VPC_WITHOUT_FLOW_LOGS,
                vpc,
                "VPC without flow logs",
                f"{vpc.vpc_id}{f' ({vpc.name})' if vpc.name else ''}{' (default VPC)' if vpc.is_default else ''}: "
                f"no flow log on the VPC{partial}",
                logs_state.call_ids,
            )


def _load_balancers(inv: Inventory, areas: list[tuple[str, str]]) -> Iterator[NetworkFinding]:
    waf = inv.waf
    lbs_by_area: dict[tuple[str, str], list[str]] = defaultdict(list)
    for arn, lb in inv.load_balancers.load_balancers.items():
        lbs_by_area[(lb.account_id, lb.region)].append(arn)
    acls_by_area: dict[tuple[str, str], list[str]] = defaultdict(list)
    for arn, acl in waf.web_acls.items():
        if acl.scope == "REGIONAL":
            acls_by_area[(acl.account_id, acl.region)].append(arn)
    for account, region in areas:
        gap = _unanswered(
            inv,
            LOAD_BALANCER_WITHOUT_WAF,
            account,
            region,
            [("elbv2", "DescribeLoadBalancers"), ("elb", "DescribeLoadBalancers")],
        )
        if gap is not None:
            yield gap
        waf_gap = _waf_gap(inv, account, region, acls_by_area.get((account, region), ()))
        for arn in sorted(lbs_by_area.get((account, region), ())):
            lb = inv.load_balancers.load_balancers[arn]
            if not lb.internet_facing or lb.type not in ("application", "classic"):
                continue
            if lb.type == "classic":
                detail = (
                    f"classic load balancer {lb.name} is internet-facing; classic load balancers cannot be "
                    "associated with a WAF web ACL (WAF protects Application Load Balancers): migrate to an "
                    "ALB with a web ACL, or put CloudFront with a web ACL in front (CloudFront is not collected)"
                )
            elif waf.web_acl_for(arn) is not None:
                continue
            elif waf_gap is not None:
                yield _not_assessed(
                    LOAD_BALANCER_WITHOUT_WAF,
                    account,
                    region,
                    f"WAF web ACL of {lb.name}",
                    waf_gap[0],
                    resource=arn,
                    resource_id=lb.name,
                    call_ids=waf_gap[1],
                )
                continue
            else:
                detail = f"internet-facing Application Load Balancer {lb.name} has no WAF web ACL associated"
            yield NetworkFinding(
                kind=LOAD_BALANCER_WITHOUT_WAF,
                severity=MEDIUM,
                account_id=account,
                region=region,
                resource=arn,
                resource_id=lb.name,
                title="Internet-facing load balancer without WAF",
                detail=detail,
                call_ids=lb.call_ids,
            )


def _waf_gap(
    inv: Inventory, account: str, region: str, acl_arns: Iterable[str]
) -> tuple[str, tuple[int, ...]] | None:
    """Why "no web ACL is associated" cannot be told in an area (the ACL list or an association list
    was not answered), or None when it can."""
    listing = inv.waf.listings.get((account, region, "REGIONAL"))
    if listing is None:
        state = _state(inv, account, region, "ListWebACLs", "wafv2")
        return state.reason, state.call_ids
    if not listing.state.answered:
        return listing.state.reason, listing.state.call_ids
    if listing.truncated:
        return "ListWebACLs returned more than one page of web ACLs (not followed)", listing.state.call_ids
    for arn in sorted(acl_arns):
        acl = inv.waf.web_acls[arn]
        if not acl.associations_state.answered:
            reason = f"the resources of web ACL {acl.name} are unknown: {acl.associations_state.reason}"
            return reason, acl.associations_state.call_ids
    return None


def _peerings(inv: Inventory, areas: list[tuple[str, str]]) -> Iterator[NetworkFinding]:
    org = inv.organization
    members = set(org.accounts) if org.collection.state == "collected" else None
    routed: dict[str, list[str]] = defaultdict(list)
    for table in inv.network.route_tables.values():
        for route in table.routes:
            if route.target_kind == "peering" and route.target_id:
                dest = (
                    route.destination_cidr or route.destination_ipv6_cidr or route.destination_prefix_list_id
                )
                routed[route.target_id].append(f"{table.route_table_id}: {dest}")
    for account, region in areas:
        gap = _unanswered(
            inv, VPC_PEERING_OUTSIDE_ORGANIZATION, account, region, [("ec2", "DescribeVpcPeeringConnections")]
        )
        if gap is not None:
            yield gap
    # Keyed by the requester's ARN, which may be the outside account's: every peering is read, and
    # reported in the account and region of its side inside the organization.
    for arn in sorted(inv.network.peerings):
        pcx = inv.network.peerings[arn]
        if pcx.status not in LIVE_PEERING_STATES:
            continue
        sides = (pcx.requester, pcx.accepter)
        if members is None:
            if pcx.cross_account:
                yield _not_assessed(
                    VPC_PEERING_OUTSIDE_ORGANIZATION,
                    pcx.account_id,
                    pcx.region,
                    f"the peer account of {pcx.peering_id}",
                    f"the organization's accounts are unknown ({org.collection.reason})",
                    resource=arn,
                    resource_id=pcx.peering_id,
                    call_ids=pcx.call_ids,
                )
            continue
        outside = [s for s in sides if s.owner_id not in members]
        inside = [s for s in sides if s.owner_id in members]
        if not outside or not inside:
            continue  # both sides outside: a peering between two other organizations' VPCs
        routes = routed.get(pcx.peering_id, [])
        route_text = (
            f"; routed by {', '.join(sorted(routes))}"
            if routes
            else "; no collected route table routes to it"
        )
        yield NetworkFinding(
            kind=VPC_PEERING_OUTSIDE_ORGANIZATION,
            severity=MEDIUM if pcx.status == "active" else LOW,
            account_id=inside[0].owner_id,
            region=inside[0].region,
            resource=arn,
            resource_id=pcx.peering_id,
            title="VPC peering with an account outside the organization",
            detail=f"{pcx.peering_id} ({pcx.status}): {pcx.requester.vpc_id} (account {pcx.requester.owner_id}, "
            f"{pcx.requester.region}) to {pcx.accepter.vpc_id} (account {pcx.accepter.owner_id}, "
            f"{pcx.accepter.region}); outside the organization: "
            f"{', '.join(sorted({s.owner_id for s in outside}))}{route_text}",
            call_ids=pcx.call_ids,
        )
