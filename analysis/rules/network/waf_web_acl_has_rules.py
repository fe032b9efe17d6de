"""Every WAF web ACL holds at least one rule or rule group (WAF.10)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, MEDIUM, NOT_ASSESSED, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.network._common import WEB_ACL, WEB_ACLS, result, shown
from analysis.rules.network._waf import web_acls

CONTROL = Control(
    id="waf_web_acl_has_rules",
    title="WAF web ACLs contain at least one rule or rule group",
    severity=MEDIUM,
    practice="network",
    service="wafv2",
    scope="resource",
    rationale=(
        "A web ACL without rules only applies its default action: with 'Allow' every request passes "
        "uninspected while the console shows the resource as protected by WAF. That false assurance is "
        "worse than no web ACL, because nobody looks further."
    ),
    remediation=Remediation(
        console=(
            "WAF & Shield console > Web ACLs > the web ACL > Rules > Add rules > Add managed rule groups: at "
            "least the AWS managed core rule set and known bad inputs > Save."
        ),
        cli=(
            "aws wafv2 get-web-acl --name <name> --scope REGIONAL --id <id>   # note the LockToken\n"
            "aws wafv2 update-web-acl --name <name> --scope REGIONAL --id <id> --lock-token <token> "
            "--default-action Allow={} --visibility-config <cfg> --rules file://rules.json"
        ),
        terraform=(
            'resource "aws_wafv2_web_acl" "edge" {\n'
            '  scope = "REGIONAL"\n'
            "  default_action {\n"
            "    allow {}\n"
            "  }\n"
            "  rule {\n"
            '    name     = "aws-common"\n'
            "    priority = 0\n"
            "    override_action {\n"
            "      none {}\n"
            "    }\n"
            "    statement {\n"
            "      managed_rule_group_statement {\n"
            '        vendor_name = "AWS"\n'
            '        name        = "AWSManagedRulesCommonRuleSet"\n'
            "      }\n"
            "    }\n"
            "    visibility_config {\n"
            "      cloudwatch_metrics_enabled = true\n"
            '      metric_name                = "aws-common"\n'
            "      sampled_requests_enabled   = true\n"
            "    }\n"
            "  }\n"
            "  # visibility_config { ... }\n"
            "}"
        ),
    ),
    inputs=(WEB_ACLS, WEB_ACL),
    # Same check as Security Hub CSPM WAF.10; Prowler wafv2_webacl_with_rules. NIST from Security Hub's
    # related requirements. See docs/mappings.md.
    mappings=Mappings(fsbp=("WAF.10",), nist=("CA-9(1)", "CM-2")),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    for item in web_acls(ctx, CONTROL):
        if isinstance(item, Result):
            yield item
            continue
        acl = item
        name = f"web ACL {acl.name} ({acl.scope})"
        if not acl.detail_state.answered:
            yield result(
                CONTROL, acl, NOT_ASSESSED, f"Not assessed: the rules of {name} were not collected ({acl.detail_state.reason}).",
                resource_id=acl.name,
            )  # fmt: skip
        elif acl.rules:
            rules = [r.managed_rule_group or r.name for r in acl.rules]
            yield result(
                CONTROL, acl, PASS, f"{name} has {len(rules)} rule(s): {shown(rules)}.",
                resource_id=acl.name, values={"rules": rules, "default_action": acl.default_action},
            )  # fmt: skip
        else:
            yield result(
                CONTROL, acl, FAIL,
                f"{name} has no rule: every request gets the default action ({acl.default_action or '?'}).",
                resource_id=acl.name, values={"rules": [], "default_action": acl.default_action},
            )  # fmt: skip
