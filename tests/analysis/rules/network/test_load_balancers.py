"""Load balancer and WAF controls on built inventories: PASS, FAIL and NOT_ASSESSED.

What AWS says the expectations follow:
- AWS WAF Developer Guide, "Resources that you can protect with AWS WAF": Application Load
  Balancers, not Classic or Network Load Balancers; FSBP ELB.16.
- ALB User Guide, "Listener rules" / "Redirect actions": an HTTP listener redirecting to HTTPS;
  FSBP ELB.1 fails an HTTP listener that forwards.
- ALB User Guide, "Load balancer attributes": routing.http.drop_invalid_header_fields.enabled,
  deletion_protection.enabled and access_logs.s3.enabled, all false by default; FSBP ELB.4, ELB.6,
  ELB.5. Classic Load Balancer User Guide, "Access logs" (AccessLog.Enabled).
- ALB and NLB User Guides, "Security policies": predefined policies are named by their lowest TLS
  version (ELBSecurityPolicy-TLS13-1-2-2021-06: TLS 1.2 and 1.3; ELBSecurityPolicy-2016-08, the
  default outside the console: TLS 1.0 to 1.2).
- Classic Load Balancer User Guide, "Listeners" (HTTP, HTTPS, TCP, SSL); FSBP ELB.3.
- AWS WAF Developer Guide, "Web ACL rules" (an empty web ACL applies only its default action) and
  "Logging web ACL traffic" (GetLoggingConfiguration answers WAFNonexistentItemException when none);
  FSBP WAF.10, WAF.11.
"""

from __future__ import annotations

from pathlib import Path

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS
from analysis.rules.network import (
    elb_access_logging,
    elb_alb_drop_invalid_headers,
    elb_alb_https_redirect,
    elb_classic_https_listeners,
    elb_classic_load_balancer_in_use,
    elb_deletion_protection,
    elb_internet_facing_waf,
    elb_listener_tls12_minimum,
    waf_web_acl_has_rules,
    waf_web_acl_logging,
)
from tests.analysis.rules.builders import UNREACHABLE
from tests.analysis.rules.network.net_builders import US, A, Area, B, C, one, run

FORWARD = [
    {
        "Type": "forward",
        "TargetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/tg/1",
    }
]
REDIRECT = [
    {"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}
]
COMMON = {
    "Name": "aws-common",
    "Priority": 0,
    "OverrideAction": {"None": {}},
    "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": "AWSManagedRulesCommonRuleSet"}},
}


def _web() -> Area:
    area = Area(A)
    area.vpc("vpc-1")
    return area


def test_internet_facing_albs_and_waf(tmp_path: Path) -> None:
    area = _web()
    protected = area.alb("protected", "vpc-1", ["subnet-a"])
    area.alb("naked", "vpc-1", ["subnet-a"])
    area.alb("internal", "vpc-1", ["subnet-a"], scheme="internal")
    area.alb("nlb", "vpc-1", ["subnet-a"], kind="network")
    area.classic_lb("old", "vpc-1", ["subnet-a"])
    area.web_acl("edge", rules=[COMMON], resources=[protected])
    blind = Area(B)
    blind.vpc("vpc-b")
    blind.alb("unknown", "vpc-b", ["subnet-b"])
    blind.web_acl("other", resources=None)  # its associations were denied
    results = run(
        tmp_path, elb_internet_facing_waf, area, blind, Area(C).calls(deny=["elbv2:DescribeLoadBalancers"])
    )  # fmt: skip
    ok = one(results, "protected")
    assert ok.status == PASS and "edge" in ok.message
    assert one(results, "naked").status == FAIL
    old = one(results, "old")
    assert old.status == FAIL and "classic" in old.message
    assert not [r for r in results if r.resource_id in ("internal", "nlb")]
    unknown = one(results, "unknown")
    assert unknown.status == NOT_ASSESSED and "other" in unknown.message
    assert one(results, f"{C}/{US}").status == NOT_ASSESSED
    assert one(results, UNREACHABLE).status == NOT_ASSESSED


def test_https_redirect(tmp_path: Path) -> None:
    area = _web()
    area.alb(
        "redirects",
        "vpc-1",
        ["s"],
        listeners=[(80, "HTTP", REDIRECT), (443, "HTTPS", FORWARD)],
        rules={80: []},
    )
    area.alb("serves", "vpc-1", ["s"], listeners=[(80, "HTTP", FORWARD)])
    sneaky_rule = {"Priority": "10", "IsDefault": False, "Actions": FORWARD, "Conditions": []}
    area.alb("sneaky", "vpc-1", ["s"], listeners=[(80, "HTTP", REDIRECT)], rules={80: [sneaky_rule]})
    area.alb(
        "rules-denied",
        "vpc-1",
        ["s"],
        listeners=[(80, "HTTP", REDIRECT)],
        rules={80: []},
        deny=["DescribeRules"],
    )
    area.alb("https-only", "vpc-1", ["s"], listeners=[(443, "HTTPS", FORWARD)])
    area.alb("listeners-denied", "vpc-1", ["s"], deny=["DescribeListeners"])
    results = run(tmp_path, elb_alb_https_redirect, area)
    assert one(results, "redirects").status == PASS
    serves = one(results, "serves")
    assert serves.status == FAIL and "HTTP:80 (default action: forward)" in serves.message
    sneaky = one(results, "sneaky")
    assert sneaky.status == FAIL and "rule(s) 10 forward" in sneaky.message
    assert one(results, "rules-denied").status == NOT_ASSESSED
    assert (
        "no HTTP listener" in one(results, "https-only").message and one(results, "https-only").status == PASS
    )
    assert one(results, "listeners-denied").status == NOT_ASSESSED


def test_attributes(tmp_path: Path) -> None:
    area = _web()
    area.alb(
        "hardened", "vpc-1", ["s"],
        attributes={"routing.http.drop_invalid_header_fields.enabled": "true", "deletion_protection.enabled": "true",
                    "access_logs.s3.enabled": "true"},
    )  # fmt: skip
    area.alb("defaults", "vpc-1", ["s"], attributes={"deletion_protection.enabled": "false"})
    area.alb("nlb", "vpc-1", ["s"], kind="network", attributes={"deletion_protection.enabled": "true"})
    area.alb("attrs-denied", "vpc-1", ["s"], deny=["DescribeLoadBalancerAttributes"])
    area.classic_lb("old-logged", "vpc-1", ["s"], access_log=True)
    area.classic_lb("old-silent", "vpc-1", ["s"], access_log=False)
    area.classic_lb("old-denied", "vpc-1", ["s"], access_log=None)
    headers = run(tmp_path, elb_alb_drop_invalid_headers, area, name="headers")
    assert one(headers, "hardened").status == PASS
    defaults = one(headers, "defaults")  # not returned: its documented default, false
    assert defaults.status == FAIL and "default false" in defaults.message
    assert one(headers, "attrs-denied").status == NOT_ASSESSED
    assert not [r for r in headers if r.resource_id in ("nlb", "old-logged")]
    deletion = run(tmp_path, elb_deletion_protection, area, name="deletion")
    assert one(deletion, "hardened").status == PASS and one(deletion, "nlb").status == PASS
    assert one(deletion, "defaults").status == FAIL
    logs = run(
        tmp_path, elb_access_logging, area, Area(B).calls(deny=["elb:DescribeLoadBalancers"]), name="logs"
    )
    assert one(logs, "hardened").status == PASS and one(logs, "defaults").status == FAIL
    assert one(logs, "old-logged").status == PASS and one(logs, "old-silent").status == FAIL
    assert one(logs, "old-denied").status == NOT_ASSESSED
    assert [r.status for r in logs if r.resource_id == f"{B}/{US}"] == [NOT_ASSESSED]  # classic denied
    # One NOT_ASSESSED per place even when both listings are missing (the unreachable account).
    assert [r.status for r in logs if r.account_id == UNREACHABLE] == [NOT_ASSESSED]


def test_classic_load_balancers(tmp_path: Path) -> None:
    area = _web()
    area.classic_lb("tls", "vpc-1", ["s"], listeners=[("HTTPS", 443, 80), ("SSL", 8443, 8443)])
    area.classic_lb("clear", "vpc-1", ["s"], listeners=[("HTTPS", 443, 80), ("TCP", 25, 25)])
    in_use = run(tmp_path, elb_classic_load_balancer_in_use, area, Area(B), Area(C).calls(deny=["elb:DescribeLoadBalancers"]), name="use")  # fmt: skip
    assert one(in_use, "tls").status == FAIL and one(in_use, "clear").status == FAIL
    assert one(in_use, f"{B}/{US}").status == PASS
    assert one(in_use, f"{C}/{US}").status == NOT_ASSESSED
    listeners = run(tmp_path, elb_classic_https_listeners, area, name="listeners")
    assert one(listeners, "tls").status == PASS
    clear = one(listeners, "clear")
    assert clear.status == FAIL and "TCP:25" in clear.message and "HTTPS" not in clear.message


def test_web_acl_rules_and_logging(tmp_path: Path) -> None:
    area = _web()
    area.web_acl("guarded", rules=[COMMON], logging=True)
    area.web_acl("empty", rules=[], logging=False)
    area.web_acl("hidden", detail=False, logging=None)
    rules = run(tmp_path, waf_web_acl_has_rules, area, Area(B).calls(deny=["ListWebACLs"]), name="rules")
    guarded = one(rules, "guarded")
    assert guarded.status == PASS and "AWSManagedRulesCommonRuleSet" in guarded.message
    empty = one(rules, "empty")
    assert empty.status == FAIL and "default action (Allow)" in empty.message
    assert one(rules, "hidden").status == NOT_ASSESSED
    assert one(rules, f"{B}/{US}").status == NOT_ASSESSED
    logging = run(tmp_path, waf_web_acl_logging, area, name="logging")
    assert (
        one(logging, "guarded").status == PASS and "aws-waf-logs-guarded" in one(logging, "guarded").message
    )
    assert one(logging, "empty").status == FAIL  # WAFNonexistentItemException: no logging configuration
    hidden = one(logging, "hidden")
    assert hidden.status == NOT_ASSESSED and "denied" in hidden.message


def test_tls_policies(tmp_path: Path) -> None:
    area = _web()
    https = [(443, "HTTPS", FORWARD)]
    area.alb(
        "modern", "vpc-1", ["s"], listeners=https, ssl_policies={443: "ELBSecurityPolicy-TLS13-1-2-2021-06"}
    )
    area.alb("cli-default", "vpc-1", ["s"], listeners=https, ssl_policies={443: "ELBSecurityPolicy-2016-08"})
    area.alb(
        "nlb-old", "vpc-1", ["s"], kind="network", listeners=[(443, "TLS", FORWARD)],
        ssl_policies={443: "ELBSecurityPolicy-TLS13-1-1-2021-06"},
    )  # fmt: skip
    area.alb("odd", "vpc-1", ["s"], listeners=https, ssl_policies={443: "SomethingNew-2030"})
    area.alb("plain", "vpc-1", ["s"], listeners=[(80, "HTTP", FORWARD)])  # no TLS to judge
    area.alb("hidden", "vpc-1", ["s"], deny=["DescribeListeners"])
    results = run(
        tmp_path, elb_listener_tls12_minimum, area, Area(B).calls(deny=["elbv2:DescribeLoadBalancers"])
    )
    assert one(results, "modern").status == PASS
    old = one(results, "cli-default")
    assert old.status == FAIL and "ELBSecurityPolicy-2016-08" in old.message
    assert one(results, "nlb-old").status == FAIL
    assert one(results, "odd").status == NOT_ASSESSED
    assert not [r for r in results if r.resource_id == "plain"]
    assert one(results, "hidden").status == NOT_ASSESSED
    assert one(results, f"{B}/{US}").status == NOT_ASSESSED
