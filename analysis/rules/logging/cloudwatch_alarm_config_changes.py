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
    # Same check as Security Hub CSPM CloudWatch.9 (CloudWatch.9: not in the FSBP standard); Prowler
    # cloudwatch_log_metric_filter_and_alarm_for_aws_config_configuration_changes_enabled. Neither source
    # lists a NIST 800-53 control. See docs/mappings.md.
    mappings=Mappings(cis=("4.9",)),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    return evaluate_alarm_control(ctx, CONTROL, SPEC)
