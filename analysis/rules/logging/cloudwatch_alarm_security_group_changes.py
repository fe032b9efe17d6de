"""A metric filter and an alarm with an SNS action fire on security group changes (CIS 4.10)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import LOW, Control, Input, Mappings, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.logging._alarms import FilterSpec, alarm_remediation, evaluate_alarm_control

SPEC = FilterSpec(
    name="security-group-changes",
    what="security group changes",
    terms=(),
    events=(
        "AuthorizeSecurityGroupIngress",
        "AuthorizeSecurityGroupEgress",
        "RevokeSecurityGroupIngress",
        "RevokeSecurityGroupEgress",
        "CreateSecurityGroup",
        "DeleteSecurityGroup",
        "ModifySecurityGroupRules",
    ),
    event_source=None,
    pattern="{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) || ($.eventName = ModifySecurityGroupRules) }",
)

CONTROL = Control(
    id="cloudwatch_alarm_security_group_changes",
    title="An alarm fires on security group changes",
    severity=LOW,
    practice="monitoring",
    service="cloudwatch",
    scope="account",
    rationale=(
        "A single ingress rule opening SSH or a database port to 0.0.0.0/0 exposes an instance to "
        "the whole internet. Alerting on security group changes, including "
        "ModifySecurityGroupRules which edits rules in place (CIS v5 added it), lets the network "
        "owners review each opening as it happens."
    ),
    remediation=alarm_remediation(SPEC),
    inputs=(
        Input(service="cloudtrail", operation="DescribeTrails"),
        Input(service="cloudtrail", operation="GetTrailStatus"),
        Input(service="cloudtrail", operation="GetEventSelectors"),
        Input(service="logs", operation="DescribeMetricFilters"),
        Input(service="cloudwatch", operation="DescribeAlarms"),
    ),
    # Same check as Security Hub CSPM CloudWatch.10 (CloudWatch.10: not in the FSBP standard); Prowler
    # cloudwatch_log_metric_filter_security_group_changes. Neither source lists a NIST 800-53 control. See
    # docs/mappings.md.
    mappings=Mappings(cis=("4.10",)),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    return evaluate_alarm_control(ctx, CONTROL, SPEC)
