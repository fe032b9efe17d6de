"""A metric filter and an alarm with an SNS action fire on route table changes (CIS 4.13)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import LOW, Control, Input, Mappings, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.logging._alarms import FilterSpec, alarm_remediation, evaluate_alarm_control

SPEC = FilterSpec(
    name="route-table-changes",
    what="route table changes",
    terms=(),
    events=(
        "CreateRoute",
        "CreateRouteTable",
        "ReplaceRoute",
        "ReplaceRouteTableAssociation",
        "DeleteRouteTable",
        "DeleteRoute",
        "DisassociateRouteTable",
    ),
    event_source=None,
    pattern="{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable)) }",
)

CONTROL = Control(
    id="cloudwatch_alarm_route_table_changes",
    title="An alarm fires on route table changes",
    severity=LOW,
    practice="monitoring",
    service="cloudwatch",
    scope="account",
    rationale=(
        "Routes decide where traffic goes: a default route to an internet gateway makes a private "
        "subnet public, a route to a peering connection opens a path to another network, and a "
        "changed association can send traffic around the firewall. Alerting on route changes keeps "
        "traffic on its expected path."
    ),
    remediation=alarm_remediation(SPEC),
    inputs=(
        Input(service="cloudtrail", operation="DescribeTrails"),
        Input(service="cloudtrail", operation="GetTrailStatus"),
        Input(service="cloudtrail", operation="GetEventSelectors"),
        Input(service="logs", operation="DescribeMetricFilters"),
        Input(service="cloudwatch", operation="DescribeAlarms"),
    ),
    # CloudWatch.13 (Security Hub) lists CIS and PCI requirements, no NIST; CIS v5.0.0 4.13 is a manual check.
    mappings=Mappings(fsbp=("CloudWatch.13",), cis=("4.13",)),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    return evaluate_alarm_control(ctx, CONTROL, SPEC)
