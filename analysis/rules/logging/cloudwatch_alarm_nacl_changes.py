"""A metric filter and an alarm with an SNS action fire on network ACL changes (CIS 4.11)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import LOW, Control, Input, Mappings, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.logging._alarms import FilterSpec, alarm_remediation, evaluate_alarm_control

SPEC = FilterSpec(
    name="nacl-changes",
    what="network ACL changes",
    terms=(),
    events=(
        "CreateNetworkAcl",
        "CreateNetworkAclEntry",
        "DeleteNetworkAcl",
        "DeleteNetworkAclEntry",
        "ReplaceNetworkAclEntry",
        "ReplaceNetworkAclAssociation",
    ),
    event_source=None,
    pattern="{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }",
)

CONTROL = Control(
    id="cloudwatch_alarm_nacl_changes",
    title="An alarm fires on network ACL changes",
    severity=LOW,
    practice="monitoring",
    service="cloudwatch",
    scope="account",
    rationale=(
        "Network ACLs are the subnet-wide filter behind the security groups; an added allow entry "
        "or a swapped association can open a whole subnet at once. An alarm on NACL changes keeps "
        "that second layer from being loosened quietly."
    ),
    remediation=alarm_remediation(SPEC),
    inputs=(
        Input(service="cloudtrail", operation="DescribeTrails"),
        Input(service="cloudtrail", operation="GetTrailStatus"),
        Input(service="cloudtrail", operation="GetEventSelectors"),
        Input(service="logs", operation="DescribeMetricFilters"),
        Input(service="cloudwatch", operation="DescribeAlarms"),
    ),
    # Same check as Security Hub CSPM CloudWatch.11 (CloudWatch.11: not in the FSBP standard); Prowler
    # cloudwatch_changes_to_network_acls_alarm_configured. NIST from Prowler's NIST 800-53 Rev. 5 file
    # (Security Hub lists none). See docs/mappings.md.
    mappings=Mappings(
        cis=("4.11",),
        nist=(
            "AU-6(1)",
            "AU-6(5)",
            "AU-12(3)",
            "AU-14",
            "CA-2(2)",
            "CA-7",
            "PM-14",
            "PM-31",
            "SC-36(1)",
            "SI-2",
            "SI-4(12)",
            "SI-5(1)",
            "SI-5",
        ),
    ),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    return evaluate_alarm_control(ctx, CONTROL, SPEC)
