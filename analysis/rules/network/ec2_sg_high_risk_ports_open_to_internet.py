"""No security group allows the high-risk ports of Security Hub's EC2.19 from 0.0.0.0/0 or ::/0
(rule level), with the path-level verdict in the message."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import HIGH, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.network._common import EXPOSURE_INPUTS
from analysis.rules.network._security_groups import open_rule_results, ports_matcher, probes_of

# The ports Security Hub's EC2.19 names (control reference, [EC2.19]).
PORTS = (
    (20, "FTP data"),
    (21, "FTP"),
    (22, "SSH"),
    (23, "Telnet"),
    (25, "SMTP"),
    (110, "POP3"),
    (135, "RPC"),
    (143, "IMAP"),
    (445, "CIFS"),
    (1433, "SQL Server"),
    (1434, "SQL Server browser"),
    (3000, "web development frameworks"),
    (3306, "MySQL"),
    (3389, "RDP"),
    (4333, "ahsp"),
    (5000, "Python web frameworks"),
    (5432, "PostgreSQL"),
    (5500, "fcp-addr-srvr1"),
    (5601, "OpenSearch Dashboards"),
    (8080, "proxy"),
    (8088, "legacy HTTP"),
    (8888, "alternative HTTP"),
    (9200, "OpenSearch"),
    (9300, "OpenSearch"),
)

CONTROL = Control(
    id="ec2_sg_high_risk_ports_open_to_internet",
    title="No security group allows high-risk ports (databases, file sharing, remote access) from the internet",
    severity=HIGH,
    practice="network",
    service="ec2",
    scope="resource",
    rationale=(
        "Databases, file shares, mail, search clusters and development servers are not meant to answer "
        "the whole internet; their listeners are the ones automated scanners probe first for weak "
        "credentials and unpatched services. An open rule on these ports is reported with whether the "
        "engine found a path from the internet to the interfaces using the group."
    ),
    remediation=Remediation(
        console=(
            "VPC console > Security groups > the group > Inbound rules > Edit inbound rules: replace the "
            "0.0.0.0/0 or ::/0 source of the rule by the security group of the clients (or a private range), "
            "or delete the rule."
        ),
        cli=(
            "aws ec2 describe-security-group-rules --filters Name=group-id,Values=<sg-id>\n"
            "aws ec2 revoke-security-group-ingress --group-id <sg-id> --security-group-rule-ids <sgr-id>"
        ),
        terraform=(
            "# Clients by security group, not by address:\n"
            'resource "aws_vpc_security_group_ingress_rule" "db_from_app" {\n'
            "  security_group_id            = aws_security_group.db.id\n"
            "  referenced_security_group_id = aws_security_group.app.id\n"
            '  ip_protocol                  = "tcp"\n'
            "  from_port                    = 5432\n"
            "  to_port                      = 5432\n"
            "}"
        ),
    ),
    inputs=EXPOSURE_INPUTS,  # the groups decide; the others are read for the path-level verdict
    # Same check as Security Hub CSPM EC2.19; Prowler
    # ec2_securitygroup_allow_ingress_from_internet_to_high_risk_tcp_ports. NIST from Security Hub's related
    # requirements. See docs/mappings.md.
    mappings=Mappings(
        fsbp=("EC2.19",),
        nist=(
            "AC-4",
            "AC-4(21)",
            "CA-9(1)",
            "CM-2",
            "CM-2(2)",
            "CM-7",
            "SC-7",
            "SC-7(11)",
            "SC-7(16)",
            "SC-7(21)",
            "SC-7(4)",
            "SC-7(5)",
        ),
    ),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from open_rule_results(
        ctx,
        CONTROL,
        matches=ports_matcher(PORTS),
        probes=probes_of(PORTS),
        subject="a high-risk port (" + ", ".join(f"{svc} {port}" for port, svc in PORTS) + ")",
    )
