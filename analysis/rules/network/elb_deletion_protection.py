"""Application, Network and Gateway Load Balancers have deletion protection on (ELB.6)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import LOW, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.network._attributes import attribute_results
from analysis.rules.network._common import ELBV2, ELBV2_ATTRIBUTES

ATTRIBUTE = "deletion_protection.enabled"

CONTROL = Control(
    id="elb_deletion_protection",
    title="Load balancers have deletion protection enabled",
    severity=LOW,
    practice="network",
    service="elasticloadbalancing",
    scope="resource",
    rationale=(
        "Deleting a load balancer takes the service it fronts offline and releases its DNS name; a stray "
        "`terraform destroy`, a cleanup script or an attacker with ELB permissions can do it in one call. "
        "Deletion protection makes removal a deliberate two-step change."
    ),
    remediation=Remediation(
        console="EC2 console > Load balancers > the load balancer > Attributes > Edit > turn on 'Deletion protection' > Save changes.",
        cli=(
            "aws elbv2 modify-load-balancer-attributes --load-balancer-arn <lb-arn> "
            "--attributes Key=deletion_protection.enabled,Value=true"
        ),
        terraform=('resource "aws_lb" "web" {\n  enable_deletion_protection = true\n  # ...\n}'),
    ),
    inputs=(ELBV2, ELBV2_ATTRIBUTES),
    # Same check as Security Hub CSPM ELB.6; Prowler elbv2_deletion_protection. NIST from Security Hub's
    # related requirements. See docs/mappings.md.
    mappings=Mappings(fsbp=("ELB.6",), nist=("CA-9(1)", "CM-2", "CM-2(2)", "CM-3", "SC-5(2)")),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from attribute_results(
        ctx,
        CONTROL,
        listings=((ELBV2, lambda lb: lb.type in ("application", "network", "gateway")),),
        key=lambda lb: ATTRIBUTE,
        on="deletion protection is on",
        off="deletion protection is off: one API call deletes it",
    )
