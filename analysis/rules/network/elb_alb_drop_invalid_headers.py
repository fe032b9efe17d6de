"""Application Load Balancers drop invalid HTTP header fields (ELB.4)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import MEDIUM, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.network._attributes import attribute_results
from analysis.rules.network._common import ELBV2, ELBV2_ATTRIBUTES
from analysis.rules.network._load_balancers import is_alb

ATTRIBUTE = "routing.http.drop_invalid_header_fields.enabled"

CONTROL = Control(
    id="elb_alb_drop_invalid_headers",
    title="Application Load Balancers drop invalid HTTP headers",
    severity=MEDIUM,
    practice="network",
    service="elasticloadbalancing",
    scope="resource",
    rationale=(
        "Header names that break the HTTP grammar are how request smuggling and desynchronisation attacks "
        "make the load balancer and the backend disagree about where one request ends. Dropping them at "
        "the load balancer (off by default) removes that ambiguity before the request reaches the "
        "application."
    ),
    remediation=Remediation(
        console="EC2 console > Load balancers > the ALB > Attributes > Edit > Packet handling: turn on 'Drop invalid header fields' > Save changes.",
        cli=(
            "aws elbv2 modify-load-balancer-attributes --load-balancer-arn <alb-arn> "
            "--attributes Key=routing.http.drop_invalid_header_fields.enabled,Value=true"
        ),
        terraform=(
            'resource "aws_lb" "web" {\n'
            '  load_balancer_type         = "application"\n'
            "  drop_invalid_header_fields = true\n"
            "  # ...\n"
            "}"
        ),
    ),
    inputs=(ELBV2, ELBV2_ATTRIBUTES),
    # Same check as Security Hub CSPM ELB.4; Prowler elbv2_alb_drop_invalid_header_fields_enabled. NIST from
    # Security Hub's related requirements. See docs/mappings.md.
    mappings=Mappings(fsbp=("ELB.4",), nist=("SC-7(4)", "SC-8(2)")),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from attribute_results(
        ctx,
        CONTROL,
        listings=((ELBV2, is_alb),),
        key=lambda lb: ATTRIBUTE,
        on="invalid header fields are dropped",
        off="invalid header fields are passed to the targets",
    )
