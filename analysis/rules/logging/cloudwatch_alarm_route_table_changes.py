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
    # Same check as Security Hub CSPM CloudWatch.13 (CloudWatch.13: not in the FSBP standard); Prowler
    # cloudwatch_changes_to_network_route_tables_alarm_configured. NIST from Prowler's NIST 800-53 Rev. 5 file
    # (Security Hub lists none). See docs/mappings.md.
    mappings=Mappings(
        cis=("4.13",),
        nist=(
            "AU-6(1)",
            "AU-6(5)",
            "AU-12(3)",
            "AU-14",
            "CA-2(2)",
            "CA-7",
            "PM-14",
            "PM-31",
            "SC-36(1)",
            "SI-2",
            "SI-4(12)",
            "SI-5(1)",
            "SI-5",
        ),
    ),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    return evaluate_alarm_control(ctx, CONTROL, SPEC)
