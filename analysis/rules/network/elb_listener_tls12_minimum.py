"""HTTPS and TLS listeners of Application and Network Load Balancers refuse TLS 1.0 and 1.1: their
security policy is one of AWS's predefined policies with TLS 1.2 (or 1.3) as the lowest version."""

from __future__ import annotations

import re
from collections.abc import Iterator

from analysis.rules.base import FAIL, MEDIUM, NOT_ASSESSED, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.network._common import ELBV2, ELBV2_LISTENERS, result
from analysis.rules.network._load_balancers import balancers, unanswered

ENCRYPTED = frozenset({"HTTPS", "TLS"})
# AWS names its predefined policies by their lowest TLS version (ALB and NLB User Guides, "Security
# policies"): ELBSecurityPolicy-TLS13-1-2-..., -TLS13-1-3-..., -TLS-1-2-..., -FS-1-2-... start at
# TLS 1.2 or 1.3; -2016-08, -2015-05, -TLS-1-0-/-1-1-, -FS-2018-06, -FS-1-1-, -TLS13-1-0-/-1-1-
# accept TLS 1.0 or 1.1. Application Load Balancers accept no custom policy.
MODERN = re.compile(r"^ELBSecurityPolicy-(TLS13|TLS|FS)-1-[23]-")
LEGACY = re.compile(r"^ELBSecurityPolicy-(\d{4}-\d{2}$|(TLS13|TLS|FS)-1-[01]-|FS-\d{4}-\d{2}$)")

CONTROL = Control(
    id="elb_listener_tls12_minimum",
    title="HTTPS and TLS listeners accept TLS 1.2 or later only",
    severity=MEDIUM,
    practice="data",
    service="elasticloadbalancing",
    scope="resource",
    rationale=(
        "TLS 1.0 and 1.1 are deprecated (RFC 8996): their handshakes and cipher suites have known "
        "weaknesses, and offering them lets a downgrade put clients on the weakest protocol both sides "
        "support. The AWS CLI, CloudFormation and CDK still default to ELBSecurityPolicy-2016-08, which "
        "accepts TLS 1.0, so listeners created outside the console usually do."
    ),
    remediation=Remediation(
        console=(
            "EC2 console > Load balancers > the load balancer > Listeners > the HTTPS/TLS listener > Edit > "
            "Security policy: ELBSecurityPolicy-TLS13-1-2-2021-06 (or a newer TLS 1.2+ policy) > Save."
        ),
        cli="aws elbv2 modify-listener --listener-arn <listener-arn> --ssl-policy ELBSecurityPolicy-TLS13-1-2-2021-06",
        terraform=(
            'resource "aws_lb_listener" "https" {\n'
            "  load_balancer_arn = aws_lb.web.arn\n"
            "  port              = 443\n"
            '  protocol          = "HTTPS"\n'
            '  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"\n'
            "  certificate_arn   = aws_acm_certificate.site.arn\n"
            "  # default_action { ... }\n"
            "}"
        ),
    ),
    inputs=(ELBV2, ELBV2_LISTENERS),
    # Same check as Prowler elbv2_insecure_ssl_ciphers, elb_insecure_ssl_ciphers. NIST from Prowler's NIST
    # 800-53 Rev. 5 file (Security Hub lists none). See docs/mappings.md.
    mappings=Mappings(nist=("SC-8(1)", "SC-23(5)")),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    lbs = ctx.inventory.load_balancers
    for item in balancers(ctx, CONTROL, ELBV2, lambda lb: lb.type in ("application", "network")):
        if isinstance(item, Result):
            yield item
            continue
        lb = item
        if not lb.listeners_state.answered:
            yield unanswered(CONTROL, lb, lb.listeners_state, "listeners")
            continue
        secure = [lst for lst in lbs.listeners_of(lb.arn) if lst.protocol.upper() in ENCRYPTED]
        if not secure:
            continue  # no HTTPS/TLS listener: nothing negotiates TLS here (plain HTTP is ELB.1's)
        legacy = [
            f"{lst.protocol}:{lst.port} {lst.ssl_policy}"
            for lst in secure
            if LEGACY.match(lst.ssl_policy or "")
        ]
        unknown = [
            f"{lst.protocol}:{lst.port} {lst.ssl_policy or '(none)'}"
            for lst in secure
            if not MODERN.match(lst.ssl_policy or "") and not LEGACY.match(lst.ssl_policy or "")
        ]
        values = {"policies": {f"{lst.protocol}:{lst.port}": lst.ssl_policy for lst in secure}}
        call_ids = (*lb.call_ids, *(i for lst in secure for i in lst.call_ids))
        if legacy:
            yield result(
                CONTROL, lb, FAIL, f"{lb.name} accepts TLS 1.0/1.1 on {', '.join(legacy)}.",
                resource_id=lb.name, values=values, call_ids=call_ids, statements=legacy,
            )  # fmt: skip
        elif unknown:
            yield result(
                CONTROL, lb, NOT_ASSESSED,
                f"Not assessed: the lowest TLS version of {', '.join(unknown)} on {lb.name} is not known here.",
                resource_id=lb.name, values=values, call_ids=call_ids,
            )  # fmt: skip
        else:
            yield result(
                CONTROL, lb, PASS, f"Every HTTPS/TLS listener of {lb.name} requires TLS 1.2 or later.",
                resource_id=lb.name, values=values, call_ids=call_ids,
            )  # fmt: skip
