"""A metric filter and an alarm with an SNS action fire on AWS Config configuration changes (CIS 4.9)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import LOW, Control, Input, Mappings, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.logging._alarms import FilterSpec, alarm_remediation, evaluate_alarm_control

SPEC = FilterSpec(
    name="config-changes",
    what="AWS Config recorder and delivery channel changes",
    terms=(),
    events=(
        "StopConfigurationRecorder",
        "DeleteDeliveryChannel",
        "PutDeliveryChannel",
        "PutConfigurationRecorder",
    ),
    event_source="config.amazonaws.com",
    pattern="{ ($.eventSource = config.amazonaws.com) && (($.eventName = StopConfigurationRecorder) || ($.eventName = DeleteDeliveryChannel) || ($.eventName = PutDeliveryChannel) || ($.eventName = PutConfigurationRecorder)) }",
)

CONTROL = Control(
    id="cloudwatch_alarm_config_changes",
    title="An alarm fires on AWS Config configuration changes",
    severity=LOW,
    practice="monitoring",
    service="cloudwatch",
    scope="account",
    rationale=(
        "Stopping the recorder or changing what it records or where it delivers removes the "
        "configuration history and the compliance checks built on it, silently. An alarm on these "
        "calls keeps the continuous-monitoring layer from being switched off unnoticed."
    ),
    remediation=alarm_remediation(SPEC),
    inputs=(
        Input(service="cloudtrail", operation="DescribeTrails"),
        Input(service="cloudtrail", operation="GetTrailStatus"),
        Input(service="cloudtrail", operation="GetEventSelectors"),
        Input(service="logs", operation="DescribeMetricFilters"),
        Input(service="cloudwatch", operation="DescribeAlarms"),
    ),
    # CloudWatch.9 (Security Hub) lists CIS and PCI requirements, no NIST; CIS v5.0.0 4.9 is a manual check.
    mappings=Mappings(fsbp=("CloudWatch.9",), cis=("4.9",)),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    return evaluate_alarm_control(ctx, CONTROL, SPEC)
