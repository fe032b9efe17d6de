"""What the network controls share: the network findings and exposure indexes built once per
assessment, where results can be about, and result builders.

The reachability engine (``analysis.network``) decides; the controls only turn its answers into
results. ``ctx.exposure`` is the organization's :class:`ExposureReport` (built on first use) and
:func:`findings` memoizes ``network_findings(inventory, report)`` per assessment, grouped by kind.

Candidates to move up into ``analysis/rules/context.py`` (other areas have their own copies):
:func:`memo`, :func:`places`.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

from analysis.model.network import SecurityGroupRule
from analysis.model.records import Record
from analysis.network.findings import NOT_ASSESSED as FINDING_NOT_ASSESSED
from analysis.network.findings import NetworkFinding, network_findings
from analysis.network.results import Exposure, Hop, NotAssessed, OpenRule
from analysis.rules.base import FAIL, NOT_ASSESSED, PASS, Control, Evidence, Input, Result
from analysis.rules.context import GLOBAL, AssessmentContext

T = TypeVar("T")

# The collected operations the network controls read.
VPCS = Input(service="ec2", operation="DescribeVpcs")
SUBNETS = Input(service="ec2", operation="DescribeSubnets")
ROUTE_TABLES = Input(service="ec2", operation="DescribeRouteTables")
NACLS = Input(service="ec2", operation="DescribeNetworkAcls")
SECURITY_GROUPS = Input(service="ec2", operation="DescribeSecurityGroups")
INTERFACES = Input(service="ec2", operation="DescribeNetworkInterfaces")
INSTANCES = Input(service="ec2", operation="DescribeInstances")
INTERNET_GATEWAYS = Input(service="ec2", operation="DescribeInternetGateways")
FLOW_LOGS = Input(service="ec2", operation="DescribeFlowLogs")
PEERINGS = Input(service="ec2", operation="DescribeVpcPeeringConnections")
TRANSIT_GATEWAYS = Input(service="ec2", operation="DescribeTransitGateways")
ENDPOINTS = Input(service="ec2", operation="DescribeVpcEndpoints")
NAT_GATEWAYS = Input(service="ec2", operation="DescribeNatGateways")
ELBV2 = Input(service="elbv2", operation="DescribeLoadBalancers")
ELBV2_ATTRIBUTES = Input(service="elbv2", operation="DescribeLoadBalancerAttributes")
ELBV2_LISTENERS = Input(service="elbv2", operation="DescribeListeners")
ELBV2_RULES = Input(service="elbv2", operation="DescribeRules")
CLASSIC = Input(service="elb", operation="DescribeLoadBalancers")
CLASSIC_ATTRIBUTES = Input(service="elb", operation="DescribeLoadBalancerAttributes")
WEB_ACLS = Input(service="wafv2", operation="ListWebACLs")
WEB_ACL = Input(service="wafv2", operation="GetWebACL")
WEB_ACL_LOGGING = Input(service="wafv2", operation="GetLoggingConfiguration")
WEB_ACL_RESOURCES = Input(service="wafv2", operation="ListResourcesForWebACL")
# What the exposure analysis reads (analysis/network/index.py EC2_INPUTS and LB_INPUTS).
EXPOSURE_INPUTS = (
    SUBNETS,
    ROUTE_TABLES,
    NACLS,
    SECURITY_GROUPS,
    INTERFACES,
    INTERNET_GATEWAYS,
    ELBV2,
    Input(service="elbv2", operation="DescribeTargetGroups"),
    CLASSIC,
)

_MEMO: weakref.WeakKeyDictionary[AssessmentContext, dict[str, Any]] = weakref.WeakKeyDictionary()


def memo(ctx: AssessmentContext, key: str, build: Callable[[], T]) -> T:
    """``build()`` once per assessment context (every network control of one assessment shares it)."""
    slot = _MEMO.setdefault(ctx, {})
    if key not in slot:
        slot[key] = build()
    value: T = slot[key]
    return value


# -- where results can be about -------------------------------------------------------------------


def places(ctx: AssessmentContext) -> Iterator[tuple[str, str]]:
    """Every (account, region) collected; (account, "global") for an account with no region collected
    (unreachable, skipped), so that it still gets a NOT_ASSESSED result instead of disappearing."""
    for account_id in ctx.account_ids:
        regions = ctx.regions(account_id)
        if not regions:
            yield account_id, GLOBAL
        yield from ((account_id, r) for r in regions)


def region_of(region: str) -> str:
    """The findings' "*" (every region of an account that could not be entered) as "global"."""
    return GLOBAL if region in ("*", "") else region


def by_area(records: Iterable[T]) -> dict[tuple[str, str], list[T]]:
    out: dict[tuple[str, str], list[T]] = defaultdict(list)
    for record in records:
        out[(record.account_id, record.region)].append(record)  # type: ignore[attr-defined]
    return out


def area_id(account_id: str, region: str) -> str:
    return account_id if region == GLOBAL else f"{account_id}/{region}"


# -- the engine's answers, built once ---------------------------------------------------------------


def findings(ctx: AssessmentContext, kind: str) -> tuple[NetworkFinding, ...]:
    """The network findings of one kind (``analysis.network.findings``), computed once per assessment."""

    def build() -> dict[str, tuple[NetworkFinding, ...]]:
        grouped: dict[str, list[NetworkFinding]] = defaultdict(list)
        for f in network_findings(ctx.inventory, ctx.exposure):
            grouped[f.kind].append(f)
        return {k: tuple(v) for k, v in grouped.items()}

    return memo(ctx, "findings", build).get(kind, ())


def area_gaps(found: Iterable[NetworkFinding]) -> set[tuple[str, str]]:
    """The (account, region) pairs a kind could not be judged in at all (area-level NOT_ASSESSED)."""
    return {
        (f.account_id, region_of(f.region))
        for f in found
        if f.status == FINDING_NOT_ASSESSED and not f.resource
    }


def exposures_by_interface(ctx: AssessmentContext) -> Mapping[str, tuple[Exposure, ...]]:
    def build() -> dict[str, tuple[Exposure, ...]]:
        out: dict[str, list[Exposure]] = defaultdict(list)
        for e in ctx.exposure.exposures:
            out[e.network_interface_id].append(e)
        return {k: tuple(v) for k, v in out.items()}

    return memo(ctx, "exposures_by_interface", build)


def exposure_gaps(ctx: AssessmentContext) -> Mapping[tuple[str, str], tuple[NotAssessed, ...]]:
    """What the exposure analysis could not assess, per (account, region) ("*" read as "global")."""

    def build() -> dict[tuple[str, str], tuple[NotAssessed, ...]]:
        out: dict[tuple[str, str], list[NotAssessed]] = defaultdict(list)
        for gap in ctx.exposure.not_assessed:
            out[(gap.account_id, region_of(gap.region))].append(gap)
        return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}

    return memo(ctx, "exposure_gaps", build)


def open_rules_by_group(ctx: AssessmentContext) -> Mapping[str, tuple[OpenRule, ...]]:
    """The security group rules open to the world (rule level), by group id."""

    def build() -> dict[str, tuple[OpenRule, ...]]:
        out: dict[str, list[OpenRule]] = defaultdict(list)
        for rule in ctx.exposure.open_rules:
            out[rule.security_group_id].append(rule)
        return {k: tuple(v) for k, v in out.items()}

    return memo(ctx, "open_rules_by_group", build)


def interfaces_by_group(ctx: AssessmentContext) -> Mapping[str, tuple[str, ...]]:
    def build() -> dict[str, tuple[str, ...]]:
        out: dict[str, list[str]] = defaultdict(list)
        for eni in ctx.inventory.network.network_interfaces.values():
            for group_id in eni.security_group_ids:
                out[group_id].append(eni.network_interface_id)
        return {k: tuple(sorted(v)) for k, v in out.items()}

    return memo(ctx, "interfaces_by_group", build)


def hop_text(hop: Hop) -> str:
    """One hop in words: "security_group sg-1 (inbound): sgr-1: tcp 22 from 0.0.0.0/0"."""
    direction = f" ({hop.direction})" if hop.direction else ""
    return f"{hop.kind} {hop.component_id}{direction}: {hop.rule}"


def shown(items: Iterable[str], limit: int = 5) -> str:
    """A list in a message: the first ``limit`` and how many more."""
    values = list(items)
    text = ", ".join(values[:limit])
    return text + (f" and {len(values) - limit} more" if len(values) > limit else "")


# -- results ----------------------------------------------------------------------------------------


def result(
    control: Control,
    record: Record,
    status: str,
    message: str,
    *,
    resource_id: str,
    values: Mapping[str, object] | None = None,
    statements: Iterable[str] = (),
    hops: Iterable[str] = (),
    call_ids: Iterable[int] | None = None,
) -> Result:
    """A result about one Inventory record, citing the calls it was built from."""
    return Result(
        control_id=control.id,
        status=status,
        account_id=record.account_id,
        region=record.region,
        resource_arn=record.arn,
        resource_id=resource_id,
        message=message,
        evidence=Evidence(
            call_ids=tuple(dict.fromkeys(record.call_ids if call_ids is None else call_ids)),
            statements=tuple(statements),
            hops=tuple(hops),
            values=dict(values or {}),
        ),
    )


def area_result(
    ctx: AssessmentContext,
    control: Control,
    account_id: str,
    region: str,
    *,
    passed: bool,
    message: str,
    call_ids: Iterable[int] = (),
    values: Mapping[str, object] | None = None,
) -> Result:
    """A result about a whole account and region ("nothing of the kind here")."""
    return Result(
        control_id=control.id,
        status=PASS if passed else FAIL,
        account_id=account_id,
        region=region,
        resource_arn=ctx.account_arn(account_id),
        resource_id=area_id(account_id, region),
        message=message,
        evidence=Evidence(call_ids=tuple(dict.fromkeys(call_ids)), values=dict(values or {})),
    )


def area_not_assessed(
    ctx: AssessmentContext, control: Control, account_id: str, region: str, inputs: Iterable[Input]
) -> Result | None:
    """NOT_ASSESSED for an account and region where an input was not answered, else None."""
    gap = ctx.coverage_gap(account_id, region, inputs)
    if gap is None:
        return None
    reason, call_ids = gap
    return ctx.not_assessed(
        control,
        account_id=account_id,
        region=region,
        reason=reason,
        call_ids=call_ids,
        resource_id=area_id(account_id, region),
    )


def area_calls(
    ctx: AssessmentContext, account_id: str, region: str, inputs: Iterable[Input]
) -> tuple[int, ...]:
    """The call ids of the (answered) inputs in an account and region: the evidence of "none here"."""
    ids: list[int] = []
    for inp in inputs:
        state = ctx.inventory.coverage.state(
            account_id=account_id,
            region=region if inp.regional else GLOBAL,
            service=inp.service,
            operation=inp.operation,
        )
        ids.extend(state.call_ids)
    return tuple(dict.fromkeys(ids))


def finding_result(
    ctx: AssessmentContext, control: Control, finding: NetworkFinding, message: str = ""
) -> Result:
    """A FAIL (or NOT_ASSESSED) result from a network finding, with its evidence."""
    region = region_of(finding.region)
    if finding.status == FINDING_NOT_ASSESSED:
        what = finding.not_assessed.what if finding.not_assessed is not None else finding.title
        return Result(
            control_id=control.id,
            status=NOT_ASSESSED,
            account_id=finding.account_id,
            region=region,
            resource_arn=finding.resource or ctx.account_arn(finding.account_id),
            resource_id=finding.resource_id or area_id(finding.account_id, region),
            message=f"Not assessed: {what}: {finding.detail}",
            evidence=Evidence(call_ids=finding.call_ids),
        )
    return Result(
        control_id=control.id,
        status=FAIL,
        account_id=finding.account_id,
        region=region,
        resource_arn=finding.resource or ctx.account_arn(finding.account_id),
        resource_id=finding.resource_id or area_id(finding.account_id, region),
        message=message or f"{finding.title}: {finding.detail}.",
        evidence=Evidence(
            call_ids=finding.call_ids,
            hops=tuple(hop_text(h) for h in finding.hops),
            values={"network_interface_ids": list(finding.network_interface_ids)}
            if finding.network_interface_ids
            else {},
        ),
    )


def sg_rule_text(rule: SecurityGroupRule) -> str:
    """A security group rule in words: "sgr-1: tcp 22 from 0.0.0.0/0"."""
    if rule.protocol == "-1":
        what = "all traffic"
    elif rule.from_port is None or rule.from_port < 0:
        what = f"{rule.protocol} (all)"
    elif rule.to_port is None or rule.to_port == rule.from_port:
        what = f"{rule.protocol} {rule.from_port}"
    else:
        what = f"{rule.protocol} {rule.from_port}-{rule.to_port}"
    peer = (
        rule.cidr_ipv4
        or rule.cidr_ipv6
        or rule.prefix_list_id
        or (f"group {rule.referenced_group_id}" if rule.referenced_group_id else "?")
    )
    word = "to" if rule.egress else "from"
    return f"{rule.rule_id or rule.group_id}: {what} {word} {peer}"


def findings_by_area(found: Iterable[NetworkFinding]) -> dict[tuple[str, str], list[NetworkFinding]]:
    """Findings per (account, region) ("*" read as "global"), in their order."""
    out: dict[tuple[str, str], list[NetworkFinding]] = defaultdict(list)
    for f in found:
        out[(f.account_id, region_of(f.region))].append(f)
    return out
