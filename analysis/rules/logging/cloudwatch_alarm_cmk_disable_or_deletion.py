"""A metric filter and an alarm with an SNS action fire when KMS keys are disabled or scheduled for deletion (CIS 4.7)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import LOW, Control, Input, Mappings, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.logging._alarms import FilterSpec, alarm_remediation, evaluate_alarm_control

SPEC = FilterSpec(
    name="cmk-disable-or-deletion",
    what="disabling or scheduled deletion of KMS keys",
    terms=(),
    events=(
        "DisableKey",
        "ScheduleKeyDeletion",
    ),
    event_source="kms.amazonaws.com",
    pattern="{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }",
)

CONTROL = Control(
    id="cloudwatch_alarm_cmk_disable_or_deletion",
    title="An alarm fires when KMS keys are disabled or scheduled for deletion",
    severity=LOW,
    practice="monitoring",
    service="cloudwatch",
    scope="account",
    rationale=(
        "Data encrypted under a disabled or deleted customer managed key cannot be read: disabling "
        "keys is a quick way to sabotage, or to hold data to ransom. The deletion waiting period "
        "(7 to 30 days) is the window to cancel, and only helps if someone is told; trails that "
        "exclude KMS events from their management events make this alarm blind."
    ),
    remediation=alarm_remediation(SPEC),
    inputs=(
        Input(service="cloudtrail", operation="DescribeTrails"),
        Input(service="cloudtrail", operation="GetTrailStatus"),
        Input(service="cloudtrail", operation="GetEventSelectors"),
        Input(service="logs", operation="DescribeMetricFilters"),
        Input(service="cloudwatch", operation="DescribeAlarms"),
    ),
    # Same check as Security Hub CSPM CloudWatch.7 (CloudWatch.7: not in the FSBP standard); Prowler
    # cloudwatch_log_metric_filter_disable_or_scheduled_deletion_of_kms_cmk. Neither source lists a NIST
    # 800-53 control. See docs/mappings.md.
    mappings=Mappings(cis=("4.7",)),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    return evaluate_alarm_control(ctx, CONTROL, SPEC)
