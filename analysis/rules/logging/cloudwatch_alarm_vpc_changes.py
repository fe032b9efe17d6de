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
    # CloudWatch.14 (Security Hub) lists CIS and PCI requirements, no NIST; CIS v5.0.0 4.14 is a manual check.
    mappings=Mappings(fsbp=("CloudWatch.14",), cis=("4.14",)),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    return evaluate_alarm_control(ctx, CONTROL, SPEC)
