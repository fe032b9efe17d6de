"""Security groups allow unrestricted inbound traffic only on the authorized ports (TCP 80 and 443,
Security Hub EC2.18's defaults), with the path-level verdict in the message."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.network.results import OpenRule
from analysis.rules.base import MEDIUM, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.network._common import EXPOSURE_INPUTS
from analysis.rules.network._security_groups import open_rule_results

AUTHORIZED_TCP_PORTS = (80, 443)  # EC2.18's default authorizedTcpPorts

CONTROL = Control(
    id="ec2_sg_unauthorized_ports_open_to_internet",
    title="Security groups allow unrestricted inbound traffic only on authorized ports (TCP 80, 443)",
    severity=MEDIUM,
    practice="network",
    service="ec2",
    scope="resource",
    rationale=(
        "Only a web front end has a reason to accept connections from any address, and then on HTTP and "
        "HTTPS. Every other port open to 0.0.0.0/0 or ::/0 widens the attack surface beyond what the "
        "service needs; the result says whether the engine found the port actually reachable."
    ),
    remediation=Remediation(
        console=(
            "VPC console > Security groups > the group > Inbound rules > Edit inbound rules: restrict the "
            "source of every rule other than TCP 80/443 to known ranges or security groups."
        ),
        cli=(
            "aws ec2 describe-security-group-rules --filters Name=group-id,Values=<sg-id>\n"
            "aws ec2 modify-security-group-rules --group-id <sg-id> --security-group-rules "
            "'SecurityGroupRuleId=<sgr-id>,SecurityGroupRule={IpProtocol=tcp,FromPort=8443,ToPort=8443,"
            "CidrIpv4=10.0.0.0/8}'"
        ),
        terraform=(
            'resource "aws_vpc_security_group_ingress_rule" "admin_console" {\n'
            "  security_group_id = aws_security_group.app.id\n"
            '  cidr_ipv4         = "10.0.0.0/8"  # not 0.0.0.0/0: only 80 and 443 face the internet\n'
            '  ip_protocol       = "tcp"\n'
            "  from_port         = 8443\n"
            "  to_port           = 8443\n"
            "}"
        ),
    ),
    inputs=EXPOSURE_INPUTS,  # the groups decide; the others are read for the path-level verdict
    # Same check as Security Hub CSPM EC2.18. NIST from Security Hub's related requirements. See
    # docs/mappings.md.
    mappings=Mappings(
        fsbp=("EC2.18",),
        nist=("AC-4", "AC-4(21)", "SC-7", "SC-7(11)", "SC-7(16)", "SC-7(21)", "SC-7(4)", "SC-7(5)"),
    ),
)


def unauthorized(rule: OpenRule) -> tuple[str, ...]:
    ports = rule.ports
    if ports.protocol == "-1":
        return ("all traffic",)
    if ports.protocol not in ("tcp", "udp"):
        return ()  # ICMP and other protocols have no ports to authorize
    if ports.protocol == "tcp" and ports.from_port is not None:
        hi = ports.to_port if ports.to_port is not None else ports.from_port
        if ports.from_port == hi and ports.from_port in AUTHORIZED_TCP_PORTS:
            return ()
    return (ports.label(),)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from open_rule_results(
        ctx,
        CONTROL,
        matches=unauthorized,
        probes=None,
        subject="a port other than the authorized ones (tcp/80, tcp/443)",
    )
