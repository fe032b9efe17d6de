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
    # Same check as Security Hub CSPM CloudWatch.5 (CloudWatch.5: not in the FSBP standard); Prowler
    # cloudwatch_log_metric_filter_and_alarm_for_cloudtrail_configuration_changes_enabled. Neither source
    # lists a NIST 800-53 control. See docs/mappings.md.
    mappings=Mappings(cis=("4.5",)),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    return evaluate_alarm_control(ctx, CONTROL, SPEC)
