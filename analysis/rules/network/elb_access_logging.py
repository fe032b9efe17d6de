"""Application and Classic Load Balancers write access logs (ELB.5)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.model.loadbalancers import LoadBalancer
from analysis.rules.base import MEDIUM, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.network._attributes import attribute_results
from analysis.rules.network._common import CLASSIC, CLASSIC_ATTRIBUTES, ELBV2, ELBV2_ATTRIBUTES
from analysis.rules.network._load_balancers import is_alb, is_classic

CONTROL = Control(
    id="elb_access_logging",
    title="Application and Classic Load Balancers write access logs",
    severity=MEDIUM,
    practice="monitoring",
    service="elasticloadbalancing",
    scope="resource",
    rationale=(
        "Access logs are the record of every request the internet sent to the application: client "
        "address, path, status, timing, TLS details. Without them an investigation of a web attack or a "
        "data leak through an API has nothing to start from, and CloudTrail does not record requests."
    ),
    remediation=Remediation(
        console=(
            "EC2 console > Load balancers > the load balancer > Attributes > Edit > Monitoring: turn on "
            "'Access logs' and choose an S3 bucket (in the log archive account) > Save changes."
        ),
        cli=(
            "aws elbv2 modify-load-balancer-attributes --load-balancer-arn <alb-arn> --attributes "
            "Key=access_logs.s3.enabled,Value=true Key=access_logs.s3.bucket,Value=<bucket>\n"
            "aws elb modify-load-balancer-attributes --load-balancer-name <name> --load-balancer-attributes "
            "'AccessLog={Enabled=true,S3BucketName=<bucket>,EmitInterval=5}'"
        ),
        terraform=(
            'resource "aws_lb" "web" {\n'
            "  access_logs {\n"
            "    bucket  = aws_s3_bucket.lb_logs.id\n"
            "    enabled = true\n"
            "  }\n"
            "  # ...\n"
            "}"
        ),
    ),
    inputs=(ELBV2, ELBV2_ATTRIBUTES, CLASSIC, CLASSIC_ATTRIBUTES),
    # Same check as Security Hub CSPM ELB.5; Prowler elb_logging_enabled, elbv2_logging_enabled. NIST from
    # Security Hub's related requirements. See docs/mappings.md.
    mappings=Mappings(
        fsbp=("ELB.5",),
        nist=(
            "AC-4(26)",
            "AU-10",
            "AU-12",
            "AU-2",
            "AU-3",
            "AU-6(3)",
            "AU-6(4)",
            "CA-7",
            "SC-7(9)",
            "SI-7(8)",
        ),
    ),
)


def _key(lb: LoadBalancer) -> str:
    # Classic attributes are flattened as "<group>.<key>" by analysis/model/loadbalancers.py.
    return "AccessLog.Enabled" if lb.type == "classic" else "access_logs.s3.enabled"


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from attribute_results(
        ctx,
        CONTROL,
        listings=((ELBV2, is_alb), (CLASSIC, is_classic)),
        key=_key,
        on="access logs are written",
        off="no access log: requests from the internet leave no record",
    )
