"""No security group allows SSH (port 22) from 0.0.0.0/0 or ::/0 (rule level), with the path-level
verdict of the reachability engine in the message."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import HIGH, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.network._common import EXPOSURE_INPUTS
from analysis.rules.network._security_groups import open_rule_results, ports_matcher, probes_of

PORTS = ((22, "SSH"),)

CONTROL = Control(
    id="ec2_sg_ssh_open_to_internet",
    title="No security group allows SSH (port 22) from the internet",
    severity=HIGH,
    practice="network",
    service="ec2",
    scope="resource",
    rationale=(
        "SSH listening to every address on the internet is scanned and brute-forced within minutes of "
        "appearing. Even where no path reaches an instance today (no public address, a NAT-only subnet, "
        "a network ACL), the open rule is one route or address change away from exposing every "
        "interface using the group; administration belongs behind Session Manager, a bastion or a VPN "
        "with a narrow source range."
    ),
    remediation=Remediation(
        console=(
            "VPC console > Security groups > the group > Inbound rules > Edit inbound rules: delete the rule "
            "allowing port 22 from 0.0.0.0/0 or ::/0, or narrow its source to the administrators' range. "
            "Prefer Systems Manager Session Manager, which needs no inbound rule at all."
        ),
        cli=(
            "aws ec2 describe-security-group-rules --filters Name=group-id,Values=<sg-id>\n"
            "aws ec2 revoke-security-group-ingress --group-id <sg-id> --security-group-rule-ids <sgr-id>"
        ),
        terraform=(
            'resource "aws_vpc_security_group_ingress_rule" "ssh_admins" {\n'
            "  security_group_id = aws_security_group.app.id\n"
            '  cidr_ipv4         = "203.0.113.0/24"  # the administrators\' range, never 0.0.0.0/0\n'
            '  ip_protocol       = "tcp"\n'
            "  from_port         = 22\n"
            "  to_port           = 22\n"
            "}"
        ),
    ),
    inputs=EXPOSURE_INPUTS,  # the groups decide; the others are read for the path-level verdict
    # Same check as Security Hub CSPM EC2.13, EC2.53, EC2.54 (EC2.13, EC2.53, EC2.54: not in the FSBP
    # standard); Prowler ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22. NIST from Security
    # Hub's related requirements. See docs/mappings.md.
    mappings=Mappings(
        cis=("5.3", "5.4"),
        nist=("AC-4", "AC-4(21)", "CM-7", "SC-7", "SC-7(11)", "SC-7(16)", "SC-7(21)", "SC-7(4)", "SC-7(5)"),
    ),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from open_rule_results(
        ctx, CONTROL, matches=ports_matcher(PORTS), probes=probes_of(PORTS), subject="SSH (tcp/22, udp/22)"
    )
