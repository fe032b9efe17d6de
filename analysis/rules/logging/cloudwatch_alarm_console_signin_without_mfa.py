"""A metric filter and an alarm with an SNS action fire on console sign-in without MFA (CIS 4.2)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import LOW, Control, Input, Mappings, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.logging._alarms import FilterSpec, alarm_remediation, evaluate_alarm_control

SPEC = FilterSpec(
    name="console-signin-without-mfa",
    what="console sign-ins without MFA",
    terms=(
        "$.eventName=ConsoleLogin",
        "$.additionalEventData.MFAUsed!=Yes",
    ),
    events=(),
    event_source=None,
    pattern='{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
)

CONTROL = Control(
    id="cloudwatch_alarm_console_signin_without_mfa",
    title="An alarm fires on console sign-in without MFA",
    severity=LOW,
    practice="monitoring",
    service="cloudwatch",
    scope="account",
    rationale=(
        "Every console sign-in by an IAM user without a second factor is a sign-in a stolen "
        "password alone could have made. Alerting on them shows which users still sign in that way "
        "(to be fixed) and flags the one that should not have happened; the IAMUser and Success "
        "terms keep federated (SSO) sign-ins and failures out of the count."
    ),
    remediation=alarm_remediation(SPEC),
    inputs=(
        Input(service="cloudtrail", operation="DescribeTrails"),
        Input(service="cloudtrail", operation="GetTrailStatus"),
        Input(service="cloudtrail", operation="GetEventSelectors"),
        Input(service="logs", operation="DescribeMetricFilters"),
        Input(service="cloudwatch", operation="DescribeAlarms"),
    ),
    # Same check as Security Hub CSPM CloudWatch.3 (CloudWatch.3: not in the FSBP standard); Prowler
    # cloudwatch_log_metric_filter_sign_in_without_mfa. Neither source lists a NIST 800-53 control. See
    # docs/mappings.md.
    mappings=Mappings(cis=("4.2",)),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    return evaluate_alarm_control(ctx, CONTROL, SPEC)
