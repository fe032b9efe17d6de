"""No security group allows all traffic (every protocol, or every port of TCP or UDP) from
0.0.0.0/0 or ::/0 (rule level), with the path-level verdict in the message."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.network.results import OpenRule
from analysis.rules.base import HIGH, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.network._common import EXPOSURE_INPUTS
from analysis.rules.network._security_groups import open_rule_results

CONTROL = Control(
    id="ec2_sg_all_traffic_open_to_internet",
    title="No security group allows all traffic from the internet",
    severity=HIGH,
    practice="network",
    service="ec2",
    scope="resource",
    rationale=(
        "A rule admitting every protocol (or every TCP or UDP port) from any address turns the security "
        "group into no firewall at all: whatever listens on an interface using it, including services "
        "nobody remembers starting, is offered to the internet as soon as a path exists."
    ),
    remediation=Remediation(
        console=(
            "VPC console > Security groups > the group > Inbound rules > Edit inbound rules: delete the "
            "'All traffic' (or 0-65535) rule from 0.0.0.0/0 or ::/0 and add rules for the ports the "
            "workload actually serves."
        ),
        cli=(
            "aws ec2 describe-security-group-rules --filters Name=group-id,Values=<sg-id>\n"
            "aws ec2 revoke-security-group-ingress --group-id <sg-id> --security-group-rule-ids <sgr-id>"
        ),
        terraform=(
            '# One rule per served port instead of ip_protocol = "-1":\n'
            'resource "aws_vpc_security_group_ingress_rule" "https" {\n'
            "  security_group_id = aws_security_group.web.id\n"
            '  cidr_ipv4         = "0.0.0.0/0"\n'
            '  ip_protocol       = "tcp"\n'
            "  from_port         = 443\n"
            "  to_port           = 443\n"
            "}"
        ),
    ),
    inputs=EXPOSURE_INPUTS,  # the groups decide; the others are read for the path-level verdict
    # Same check as Security Hub CSPM EC2.18; Prowler
    # ec2_securitygroup_allow_ingress_from_internet_to_all_ports. NIST from Security Hub's related
    # requirements. See docs/mappings.md.
    mappings=Mappings(
        cis=("5.3", "5.4"),
        fsbp=("EC2.18",),
        nist=("AC-4", "AC-4(21)", "SC-7", "SC-7(11)", "SC-7(16)", "SC-7(21)", "SC-7(4)", "SC-7(5)"),
    ),
)


def all_traffic(rule: OpenRule) -> tuple[str, ...]:
    ports = rule.ports
    if ports.protocol == "-1":
        return ("all traffic",)
    if ports.protocol in ("tcp", "udp") and (
        ports.from_port is None or (ports.from_port <= 0 and (ports.to_port or 0) >= 65535)
    ):
        return (f"every {ports.protocol.upper()} port",)
    return ()


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from open_rule_results(
        ctx, CONTROL, matches=all_traffic, probes=None, subject="all traffic or every port of a protocol"
    )
