"""A metric filter and an alarm with an SNS action fire on unauthorized API calls (CIS 4.1)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import LOW, Control, Input, Mappings, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.logging._alarms import FilterSpec, alarm_remediation, evaluate_alarm_control

SPEC = FilterSpec(
    name="unauthorized-api-calls",
    what="unauthorized API calls",
    terms=(
        "$.errorCode=*UnauthorizedOperation",
        "$.errorCode=AccessDenied*",
    ),
    events=(),
    event_source=None,
    pattern='{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }',
)

CONTROL = Control(
    id="cloudwatch_alarm_unauthorized_api_calls",
    title="An alarm fires on unauthorized API calls",
    severity=LOW,
    practice="monitoring",
    service="cloudwatch",
    scope="account",
    rationale=(
        "A burst of AccessDenied and UnauthorizedOperation errors is what stolen credentials look "
        "like while the intruder probes what they can do, and what a broken deployment looks like "
        "too. Counting these errors from CloudTrail and alarming on them turns the probing into a "
        "notification while it is still going on, instead of a line found months later."
    ),
    remediation=alarm_remediation(SPEC),
    inputs=(
        Input(service="cloudtrail", operation="DescribeTrails"),
        Input(service="cloudtrail", operation="GetTrailStatus"),
        Input(service="cloudtrail", operation="GetEventSelectors"),
        Input(service="logs", operation="DescribeMetricFilters"),
        Input(service="cloudwatch", operation="DescribeAlarms"),
    ),
    # Same check as Security Hub CSPM CloudWatch.2 (CloudWatch.2: not in the FSBP standard); Prowler
    # cloudwatch_log_metric_filter_unauthorized_api_calls. Neither source lists a NIST 800-53 control. See
    # docs/mappings.md.
    mappings=Mappings(cis=("4.1",)),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    return evaluate_alarm_control(ctx, CONTROL, SPEC)
