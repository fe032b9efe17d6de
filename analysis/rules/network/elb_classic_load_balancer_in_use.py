"""No Classic Load Balancer is in use: they cannot carry a WAF web ACL, lack modern TLS policies and
desync protections of ALBs and NLBs, and AWS recommends migrating off them."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, LOW, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.network._common import (
    CLASSIC,
    area_calls,
    area_not_assessed,
    area_result,
    by_area,
    places,
    result,
)

CONTROL = Control(
    id="elb_classic_load_balancer_in_use",
    title="No Classic Load Balancer is in use",
    severity=LOW,
    practice="network",
    service="elasticloadbalancing",
    scope="resource",
    rationale=(
        "The Classic Load Balancer is the previous generation: it cannot be protected by AWS WAF, has no "
        "HTTP-to-HTTPS redirect, no listener rules and fewer TLS policy choices than Application and "
        "Network Load Balancers. One still in use is usually a legacy path to an application that the "
        "current front end was meant to replace."
    ),
    remediation=Remediation(
        console=(
            "EC2 console > Load balancers > the Classic Load Balancer > Migration > Launch ALB migration "
            "wizard (or NLB), check the new balancer, move DNS to it, then delete the classic one."
        ),
        cli=(
            "aws elbv2 create-load-balancer --name <name> --type application --subnets <subnet-a> <subnet-b> "
            "--security-groups <sg-id>\n"
            "aws elb delete-load-balancer --load-balancer-name <classic-name>   # once traffic has moved"
        ),
        terraform=(
            "# Replace aws_elb by an Application Load Balancer:\n"
            'resource "aws_lb" "web" {\n'
            '  load_balancer_type = "application"\n'
            "  subnets            = [aws_subnet.public_a.id, aws_subnet.public_b.id]\n"
            "  security_groups    = [aws_security_group.alb.id]\n"
            "}"
        ),
    ),
    inputs=(CLASSIC,),
    # Neither Prowler nor Security Hub CSPM has a check of this meaning: no framework mapping. See
    # docs/mappings.md.
    mappings=Mappings(),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    classic = by_area(
        lb for lb in ctx.inventory.load_balancers.load_balancers.values() if lb.type == "classic"
    )
    for account_id, region in places(ctx):
        missing = area_not_assessed(ctx, CONTROL, account_id, region, CONTROL.inputs)
        if missing is not None:
            yield missing
            continue
        here = sorted(classic.get((account_id, region), ()), key=lambda lb: lb.name)
        for lb in here:
            yield result(
                CONTROL,
                lb,
                FAIL,
                f"Classic Load Balancer {lb.name} ({lb.scheme}) is in use, with "
                f"{len(lb.instance_ids)} registered instance(s).",
                resource_id=lb.name,
                values={"scheme": lb.scheme, "instances": list(lb.instance_ids)},
            )
        if not here:
            yield area_result(
                ctx,
                CONTROL,
                account_id,
                region,
                passed=True,
                message=f"No Classic Load Balancer in {region}.",
                call_ids=area_calls(ctx, account_id, region, CONTROL.inputs),
            )
