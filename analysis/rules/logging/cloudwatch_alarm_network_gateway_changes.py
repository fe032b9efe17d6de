"""A metric filter and an alarm with an SNS action fire on network gateway changes (CIS 4.12)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import LOW, Control, Input, Mappings, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.logging._alarms import FilterSpec, alarm_remediation, evaluate_alarm_control

SPEC = FilterSpec(
    name="network-gateway-changes",
    what="internet and customer gateway changes",
    terms=(),
    events=(
        "CreateCustomerGateway",
        "DeleteCustomerGateway",
        "AttachInternetGateway",
        "CreateInternetGateway",
        "DeleteInternetGateway",
        "DetachInternetGateway",
    ),
    event_source=None,
    pattern="{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }",
)

CONTROL = Control(
    id="cloudwatch_alarm_network_gateway_changes",
    title="An alarm fires on network gateway changes",
    severity=LOW,
    practice="monitoring",
    service="cloudwatch",
    scope="account",
    rationale=(
        "Gateways are the doors of a VPC: attaching an internet gateway to a private VPC, or "
        "adding a customer gateway for a VPN, creates a new way in or out that bypasses the "
        "inspected path. An alarm on gateway changes means no new door opens unnoticed."
    ),
    remediation=alarm_remediation(SPEC),
    inputs=(
        Input(service="cloudtrail", operation="DescribeTrails"),
        Input(service="cloudtrail", operation="GetTrailStatus"),
        Input(service="cloudtrail", operation="GetEventSelectors"),
        Input(service="logs", operation="DescribeMetricFilters"),
        Input(service="cloudwatch", operation="DescribeAlarms"),
    ),
    # Same check as Security Hub CSPM CloudWatch.12 (CloudWatch.12: not in the FSBP standard); Prowler
    # cloudwatch_changes_to_network_gateways_alarm_configured. NIST from Prowler's NIST 800-53 Rev. 5 file
    # (Security Hub lists none). See docs/mappings.md.
    mappings=Mappings(
        cis=("4.12",),
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
