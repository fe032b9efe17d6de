"""A metric filter and an alarm with an SNS action fire on console authentication failures (CIS 4.6)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import LOW, Control, Input, Mappings, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.logging._alarms import FilterSpec, alarm_remediation, evaluate_alarm_control

SPEC = FilterSpec(
    name="console-auth-failures",
    what="failed console sign-ins",
    terms=(
        "$.eventName=ConsoleLogin",
        '$.errorMessage = "Failed authentication"',
    ),
    events=(),
    event_source=None,
    pattern='{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
)

CONTROL = Control(
    id="cloudwatch_alarm_console_auth_failures",
    title="An alarm fires on console authentication failures",
    severity=LOW,
    practice="monitoring",
    service="cloudwatch",
    scope="account",
    rationale=(
        "Repeated failed console sign-ins are the signature of password guessing or credential "
        "stuffing against IAM users. Counting them gives early warning of an attack on the sign-in "
        "page and the source addresses to block, before one of the guesses succeeds."
    ),
    remediation=alarm_remediation(SPEC),
    inputs=(
        Input(service="cloudtrail", operation="DescribeTrails"),
        Input(service="cloudtrail", operation="GetTrailStatus"),
        Input(service="cloudtrail", operation="GetEventSelectors"),
        Input(service="logs", operation="DescribeMetricFilters"),
        Input(service="cloudwatch", operation="DescribeAlarms"),
    ),
    # Same check as Security Hub CSPM CloudWatch.6 (CloudWatch.6: not in the FSBP standard); Prowler
    # cloudwatch_log_metric_filter_authentication_failures. Neither source lists a NIST 800-53 control. See
    # docs/mappings.md.
    mappings=Mappings(cis=("4.6",)),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    return evaluate_alarm_control(ctx, CONTROL, SPEC)
