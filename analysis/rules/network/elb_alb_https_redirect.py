"""Every HTTP listener of an Application Load Balancer redirects to HTTPS (ELB.1): its default
action is a redirect to HTTPS and none of its rules forwards plain HTTP to a target."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.model.loadbalancers import Listener
from analysis.rules.base import FAIL, MEDIUM, NOT_ASSESSED, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.network._common import ELBV2, ELBV2_LISTENERS, ELBV2_RULES, result
from analysis.rules.network._load_balancers import balancers, is_alb, unanswered

CONTROL = Control(
    id="elb_alb_https_redirect",
    title="Application Load Balancers redirect HTTP to HTTPS",
    severity=MEDIUM,
    practice="data",
    service="elasticloadbalancing",
    scope="resource",
    rationale=(
        "A listener that serves plain HTTP sends cookies, tokens and form data readable and modifiable by "
        "anyone on the path. Redirecting every HTTP request to HTTPS keeps browsers and clients that "
        "start with http:// from ever exchanging data unencrypted."
    ),
    remediation=Remediation(
        console=(
            "EC2 console > Load balancers > the ALB > Listeners > HTTP:80 > Edit listener: default action "
            "'Redirect to URL', protocol HTTPS, port 443, status 301 > Save; remove rules that forward HTTP."
        ),
        cli=(
            "aws elbv2 modify-listener --listener-arn <listener-arn> --default-actions "
            "'Type=redirect,RedirectConfig={Protocol=HTTPS,Port=443,StatusCode=HTTP_301}'"
        ),
        terraform=(
            'resource "aws_lb_listener" "http" {\n'
            "  load_balancer_arn = aws_lb.web.arn\n"
            "  port              = 80\n"
            '  protocol          = "HTTP"\n'
            "  default_action {\n"
            '    type = "redirect"\n'
            "    redirect {\n"
            '      protocol    = "HTTPS"\n'
            '      port        = "443"\n'
            '      status_code = "HTTP_301"\n'
            "    }\n"
            "  }\n"
            "}"
        ),
    ),
    inputs=(ELBV2, ELBV2_LISTENERS, ELBV2_RULES),
    # Same check as Security Hub CSPM ELB.1; Prowler elbv2_ssl_listeners. NIST from Security Hub's related
    # requirements. See docs/mappings.md.
    mappings=Mappings(
        fsbp=("ELB.1",),
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
    lbs = ctx.inventory.load_balancers
    for item in balancers(ctx, CONTROL, ELBV2, is_alb):
        if isinstance(item, Result):
            yield item
            continue
        lb = item
        if not lb.listeners_state.answered:
            yield unanswered(CONTROL, lb, lb.listeners_state, "listeners")
            continue
        http = [lst for lst in lbs.listeners_of(lb.arn) if lst.protocol.upper() == "HTTP"]
        serving = [f"{lst.protocol}:{lst.port} {why}" for lst in http if (why := _serves_http(lst))]
        unknown = [lst for lst in http if not _serves_http(lst) and not lst.rules_state.answered]
        call_ids = (*lb.call_ids, *(i for lst in http for i in lst.call_ids))
        if serving:
            yield result(
                CONTROL, lb, FAIL, f"{lb.name} serves plain HTTP: {'; '.join(serving)}.",
                resource_id=lb.name, call_ids=call_ids, statements=serving,
            )  # fmt: skip
        elif unknown:
            yield result(
                CONTROL, lb, NOT_ASSESSED,
                f"Not assessed: the rules of {lb.name}'s HTTP listener(s) were not collected "
                f"({unknown[0].rules_state.reason}).",
                resource_id=lb.name, call_ids=call_ids,
            )  # fmt: skip
        else:
            text = (
                f"all {len(http)} HTTP listener(s) redirect to HTTPS" if http else "it has no HTTP listener"
            )
            yield result(CONTROL, lb, PASS, f"{lb.name}: {text}.", resource_id=lb.name, call_ids=call_ids)


def _serves_http(listener: Listener) -> str:
    """Why the HTTP listener serves plain HTTP ("" when it only redirects to HTTPS)."""
    defaults = listener.default_actions
    if not defaults or any(
        a.type != "redirect" or (a.redirect_protocol or "").upper() != "HTTPS" for a in defaults
    ):
        kinds = ", ".join(a.type for a in defaults) or "none"
        return f"(default action: {kinds})"
    forwarding = [
        r.priority for r in listener.rules if not r.is_default and any(a.type == "forward" for a in r.actions)
    ]
    return f"(rule(s) {', '.join(forwarding)} forward to targets)" if forwarding else ""
