"""A metric filter and an alarm with an SNS action fire when the root user is used (CIS 4.3)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import MEDIUM, Control, Input, Mappings, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.logging._alarms import FilterSpec, alarm_remediation, evaluate_alarm_control

SPEC = FilterSpec(
    name="root-usage",
    what="use of the root user",
    terms=("$.userIdentity.type=Root",),
    events=(),
    event_source=None,
    pattern='{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
)

CONTROL = Control(
    id="cloudwatch_alarm_root_usage",
    title="An alarm fires when the root user is used",
    severity=MEDIUM,
    practice="monitoring",
    service="cloudwatch",
    scope="account",
    rationale=(
        "The root user can do anything in the account and is meant to be used almost never, for "
        "the few tasks only it can perform. Any root activity is therefore either a planned, "
        "documented event or an incident; an alarm on it makes sure someone asks which. The "
        "invokedBy and AwsServiceEvent terms keep actions AWS services take on the account's "
        "behalf out."
    ),
    remediation=alarm_remediation(SPEC),
    inputs=(
        Input(service="cloudtrail", operation="DescribeTrails"),
        Input(service="cloudtrail", operation="GetTrailStatus"),
        Input(service="cloudtrail", operation="GetEventSelectors"),
        Input(service="logs", operation="DescribeMetricFilters"),
        Input(service="cloudwatch", operation="DescribeAlarms"),
    ),
    # Same check as Security Hub CSPM CloudWatch.1 (CloudWatch.1: not in the FSBP standard); Prowler
    # cloudwatch_log_metric_filter_root_usage. Neither source lists a NIST 800-53 control. See
    # docs/mappings.md.
    mappings=Mappings(cis=("4.3",)),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    return evaluate_alarm_control(ctx, CONTROL, SPEC)
