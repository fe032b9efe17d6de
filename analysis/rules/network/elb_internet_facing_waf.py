"""Internet-facing Application Load Balancers are protected by a WAF web ACL (ELB.16; the network
finding ``load_balancer_without_waf``, which also reports internet-facing classic load balancers:
WAF cannot be associated with them)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.network.findings import LOAD_BALANCER_WITHOUT_WAF
from analysis.rules.base import MEDIUM, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.network._common import (
    CLASSIC,
    ELBV2,
    WEB_ACL_RESOURCES,
    WEB_ACLS,
    area_gaps,
    by_area,
    finding_result,
    findings,
    findings_by_area,
    places,
    result,
)

CONTROL = Control(
    id="elb_internet_facing_waf",
    title="Internet-facing Application Load Balancers are protected by a WAF web ACL",
    severity=MEDIUM,
    practice="network",
    service="elasticloadbalancing",
    scope="resource",
    rationale=(
        "An internet-facing load balancer hands every request from anyone straight to the application. A "
        "web ACL in front filters the common attacks (injection, known bad inputs, bots, floods from one "
        "address) before they reach code, and can be changed in minutes when a new exploit appears. "
        "Classic load balancers cannot carry a web ACL at all, so they are reported as unprotected."
    ),
    remediation=Remediation(
        console=(
            "WAF & Shield console > Web ACLs (the load balancer's region) > the web ACL > Associated AWS "
            "resources > Add AWS resources > the Application Load Balancer. Create a web ACL with the AWS "
            "managed core rule set first if none exists; replace classic load balancers by ALBs."
        ),
        cli="aws wafv2 associate-web-acl --web-acl-arn <web-acl-arn> --resource-arn <alb-arn>",
        terraform=(
            'resource "aws_wafv2_web_acl_association" "alb" {\n'
            "  resource_arn = aws_lb.web.arn\n"
            "  web_acl_arn  = aws_wafv2_web_acl.edge.arn\n"
            "}"
        ),
    ),
    inputs=(ELBV2, CLASSIC, WEB_ACLS, WEB_ACL_RESOURCES),
    # Same check as Security Hub CSPM ELB.16 (ELB.16: not in the FSBP standard); Prowler
    # elbv2_waf_acl_attached. NIST from Security Hub's related requirements. See docs/mappings.md.
    mappings=Mappings(nist=("AC-4(21)",)),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    found = findings(ctx, LOAD_BALANCER_WITHOUT_WAF)
    gaps = area_gaps(found)
    grouped = findings_by_area(found)
    judged = {f.resource for f in found if f.resource}
    waf = ctx.inventory.waf
    lbs = by_area(
        lb
        for lb in ctx.inventory.load_balancers.load_balancers.values()
        if lb.internet_facing and lb.type == "application"
    )
    for account_id, region in places(ctx):
        here = grouped.get((account_id, region), ())
        if (account_id, region) in gaps:
            yield from (finding_result(ctx, CONTROL, f) for f in here if not f.resource)
            continue
        yield from (finding_result(ctx, CONTROL, f) for f in here if f.resource)
        for lb in sorted(lbs.get((account_id, region), ()), key=lambda lb: lb.name):
            acl = waf.web_acl_for(lb.arn)
            if lb.arn in judged or acl is None:
                continue
            yield result(
                CONTROL,
                lb,
                PASS,
                f"Internet-facing Application Load Balancer {lb.name} is protected by web ACL {acl.name}.",
                resource_id=lb.name,
                call_ids=(*lb.call_ids, *acl.associations_state.call_ids),
                values={"web_acl": acl.arn},
            )
