"""A metric filter and an alarm with an SNS action fire on CloudTrail configuration changes (CIS 4.5)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import LOW, Control, Input, Mappings, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.logging._alarms import FilterSpec, alarm_remediation, evaluate_alarm_control

SPEC = FilterSpec(
    name="cloudtrail-changes",
    what="CloudTrail configuration changes",
    terms=(),
    events=(
        "CreateTrail",
        "UpdateTrail",
        "DeleteTrail",
        "StartLogging",
        "StopLogging",
    ),
    event_source=None,
    pattern="{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
)

CONTROL = Control(
    id="cloudwatch_alarm_cloudtrail_changes",
    title="An alarm fires on CloudTrail configuration changes",
    severity=LOW,
    practice="monitoring",
    service="cloudwatch",
    scope="account",
    rationale=(
        "Stopping, deleting or redirecting a trail blinds every other control that reads "
        "CloudTrail, which is why it comes early in an intrusion. An alarm on trail changes means "
        "the loss of visibility is itself seen, while the remaining trails still record who did "
        "it."
    ),
    remediation=alarm_remediation(SPEC),
    inputs=(
        Input(service="cloudtrail", operation="DescribeTrails"),
        Input(service="cloudtrail", operation="GetTrailStatus"),
        Input(service="cloudtrail", operation="GetEventSelectors"),
        Input(service="logs", operation="DescribeMetricFilters"),
        Input(service="cloudwatch", operation="DescribeAlarms"),
    ),
    # CloudWatch.5 (Security Hub) lists CIS and PCI requirements, no NIST; CIS v5.0.0 4.5 is a manual check.
    mappings=Mappings(fsbp=("CloudWatch.5",), cis=("4.5",)),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    return evaluate_alarm_control(ctx, CONTROL, SPEC)
