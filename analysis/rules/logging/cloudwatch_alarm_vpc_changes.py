"""A metric filter and an alarm with an SNS action fire on VPC changes (CIS 4.14)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import LOW, Control, Input, Mappings, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.logging._alarms import FilterSpec, alarm_remediation, evaluate_alarm_control

SPEC = FilterSpec(
    name="vpc-changes",
    what="VPC and VPC peering changes",
    terms=(),
    events=(
        "CreateVpc",
        "DeleteVpc",
        "ModifyVpcAttribute",
        "AcceptVpcPeeringConnection",
        "CreateVpcPeeringConnection",
        "DeleteVpcPeeringConnection",
        "RejectVpcPeeringConnection",
    ),
    event_source=None,
    pattern="{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) }",
)

CONTROL = Control(
    id="cloudwatch_alarm_vpc_changes",
    title="An alarm fires on VPC changes",
    severity=LOW,
    practice="monitoring",
    service="cloudwatch",
    scope="account",
    rationale=(
        "New VPCs and peering connections change which networks can reach each other; accepting a "
        "peering request from an unknown account joins its network to yours. An alarm on VPC and "
        "peering changes lets the network team confirm each one. (The benchmark's pattern also "
        "names the ClassicLink calls; EC2-Classic is retired and they are not required here.)"
    ),
    remediation=alarm_remediation(SPEC),
    inputs=(
        Input(service="cloudtrail", operation="DescribeTrails"),
        Input(service="cloudtrail", operation="GetTrailStatus"),
        Input(service="cloudtrail", operation="GetEventSelectors"),
        Input(service="logs", operation="DescribeMetricFilters"),
        Input(service="cloudwatch", operation="DescribeAlarms"),
    ),
    # Same check as Security Hub CSPM CloudWatch.14 (CloudWatch.14: not in the FSBP standard); Prowler
    # cloudwatch_changes_to_vpcs_alarm_configured. NIST from Prowler's NIST 800-53 Rev. 5 file (Security Hub
    # lists none). See docs/mappings.md.
    mappings=Mappings(
        cis=("4.14",),
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
