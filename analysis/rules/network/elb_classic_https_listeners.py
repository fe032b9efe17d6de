"""Classic Load Balancer listeners terminate HTTPS or TLS (ELB.3)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, MEDIUM, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.network._common import CLASSIC, result
from analysis.rules.network._load_balancers import balancers, is_classic

ENCRYPTED = frozenset({"HTTPS", "SSL"})

CONTROL = Control(
    id="elb_classic_https_listeners",
    title="Classic Load Balancer listeners use HTTPS or TLS",
    severity=MEDIUM,
    practice="data",
    service="elasticloadbalancing",
    scope="resource",
    rationale=(
        "A Classic Load Balancer listener on HTTP or TCP carries the clients' requests in clear text "
        "between them and AWS. Terminating HTTPS or TLS at the balancer (with a certificate from ACM) "
        "protects sessions, credentials and data in transit."
    ),
    remediation=Remediation(
        console=(
            "EC2 console > Load balancers > the Classic Load Balancer > Listeners > Edit: change the load "
            "balancer protocol to HTTPS (or SSL), choose an ACM certificate and a current security policy > Save."
        ),
        cli=(
            "aws elb create-load-balancer-listeners --load-balancer-name <name> --listeners "
            "Protocol=HTTPS,LoadBalancerPort=443,InstanceProtocol=HTTP,InstancePort=80,SSLCertificateId=<acm-arn>\n"
            "aws elb delete-load-balancer-listeners --load-balancer-name <name> --load-balancer-ports 80"
        ),
        terraform=(
            'resource "aws_elb" "legacy" {\n'
            "  listener {\n"
            '    lb_protocol        = "https"\n'
            "    lb_port            = 443\n"
            '    instance_protocol  = "http"\n'
            "    instance_port      = 80\n"
            "    ssl_certificate_id = aws_acm_certificate.site.arn\n"
            "  }\n"
            "  # ...\n"
            "}"
        ),
    ),
    inputs=(CLASSIC,),
    # Same check as Security Hub CSPM ELB.3; Prowler elb_ssl_listeners. NIST from Security Hub's related
    # requirements. See docs/mappings.md.
    mappings=Mappings(
        fsbp=("ELB.3",),
        nist=(
            "AC-17(2)",
            "AC-4",
            "IA-5(1)",
            "SC-12(3)",
            "SC-13",
            "SC-23",
            "SC-23(3)",
            "SC-7(4)",
            "SC-8",
            "SC-8(1)",
            "SC-8(2)",
            "SI-7(6)",
        ),
    ),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    for item in balancers(ctx, CONTROL, CLASSIC, is_classic):
        if isinstance(item, Result):
            yield item
            continue
        lb = item
        if not lb.classic_listeners:
            continue  # no listener: nothing to judge (as Security Hub reports no finding)
        clear = [
            f"{lst.protocol}:{lst.port}"
            for lst in lb.classic_listeners
            if lst.protocol.upper() not in ENCRYPTED
        ]
        if clear:
            yield result(
                CONTROL, lb, FAIL, f"{lb.name} accepts unencrypted connections on {', '.join(clear)}.",
                resource_id=lb.name, statements=clear,
            )  # fmt: skip
        else:
            yield result(
                CONTROL, lb, PASS, f"Every listener of {lb.name} terminates HTTPS or TLS.", resource_id=lb.name
            )  # fmt: skip
