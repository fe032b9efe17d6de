"""No security group allows RDP (port 3389) from 0.0.0.0/0 or ::/0 (rule level), with the
path-level verdict of the reachability engine in the message."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import HIGH, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.network._common import EXPOSURE_INPUTS
from analysis.rules.network._security_groups import open_rule_results, ports_matcher, probes_of

PORTS = ((3389, "RDP"),)

CONTROL = Control(
    id="ec2_sg_rdp_open_to_internet",
    title="No security group allows RDP (port 3389) from the internet",
    severity=HIGH,
    practice="network",
    service="ec2",
    scope="resource",
    rationale=(
        "Remote Desktop open to the internet is a favourite entry point for ransomware crews: password "
        "spraying and RDP vulnerabilities need nothing more than the port. A rule open to 0.0.0.0/0 or "
        "::/0 is a weakness even where no instance is reachable today, since a public address or a route "
        "change is enough to expose everything using the group."
    ),
    remediation=Remediation(
        console=(
            "VPC console > Security groups > the group > Inbound rules > Edit inbound rules: delete the rule "
            "allowing port 3389 from 0.0.0.0/0 or ::/0, or narrow its source. Use Fleet Manager (Systems "
            "Manager) or a VPN for remote desktop access."
        ),
        cli=(
            "aws ec2 describe-security-group-rules --filters Name=group-id,Values=<sg-id>\n"
            "aws ec2 revoke-security-group-ingress --group-id <sg-id> --security-group-rule-ids <sgr-id>"
        ),
        terraform=(
            'resource "aws_vpc_security_group_ingress_rule" "rdp_vpn" {\n'
            "  security_group_id = aws_security_group.windows.id\n"
            '  cidr_ipv4         = "10.100.0.0/16"  # the VPN range, never 0.0.0.0/0\n'
            '  ip_protocol       = "tcp"\n'
            "  from_port         = 3389\n"
            "  to_port           = 3389\n"
            "}"
        ),
    ),
    inputs=EXPOSURE_INPUTS,  # the groups decide; the others are read for the path-level verdict
    # Same check as Security Hub CSPM EC2.14, EC2.53, EC2.54 (EC2.14, EC2.53, EC2.54: not in the FSBP
    # standard); Prowler ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_3389. Neither source lists
    # a NIST 800-53 control. See docs/mappings.md.
    mappings=Mappings(cis=("5.3", "5.4")),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from open_rule_results(
        ctx,
        CONTROL,
        matches=ports_matcher(PORTS),
        probes=probes_of(PORTS),
        subject="RDP (tcp/3389, udp/3389)",
    )
