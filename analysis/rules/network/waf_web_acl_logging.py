"""Every WAF web ACL has logging configured (WAF.11)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.model.coverage import ABSENT
from analysis.rules.base import FAIL, LOW, NOT_ASSESSED, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.network._common import WEB_ACL_LOGGING, WEB_ACLS, result
from analysis.rules.network._waf import web_acls

CONTROL = Control(
    id="waf_web_acl_logging",
    title="WAF web ACLs have logging configured",
    severity=LOW,
    practice="monitoring",
    service="wafv2",
    scope="resource",
    rationale=(
        "WAF logs are the request-level record of what the web ACL saw, matched and blocked: the evidence "
        "for tuning rules, for telling an attack from a false positive, and for an investigation after "
        "an incident. Metrics alone say how many requests were blocked, not which or from whom."
    ),
    remediation=Remediation(
        console=(
            "WAF & Shield console > Web ACLs > the web ACL > Logging and metrics > Enable logging: a CloudWatch "
            "Logs group, S3 bucket or Firehose stream whose name starts with aws-waf-logs- > Save."
        ),
        cli=(
            "aws wafv2 put-logging-configuration --logging-configuration "
            "ResourceArn=<web-acl-arn>,LogDestinationConfigs=<arn:aws:logs:...:log-group:aws-waf-logs-edge>"
        ),
        terraform=(
            'resource "aws_wafv2_web_acl_logging_configuration" "edge" {\n'
            "  resource_arn            = aws_wafv2_web_acl.edge.arn\n"
            "  log_destination_configs = [aws_cloudwatch_log_group.waf.arn]  # named aws-waf-logs-...\n"
            "}"
        ),
    ),
    inputs=(WEB_ACLS, WEB_ACL_LOGGING),
    # Same check as Security Hub CSPM WAF.11 (WAF.11: not in the FSBP standard); Prowler
    # wafv2_webacl_logging_enabled. NIST from Security Hub's related requirements. See docs/mappings.md.
    mappings=Mappings(
        nist=(
            "AC-4(26)",
            "AU-10",
            "AU-12",
            "AU-2",
            "AU-3",
            "AU-6(3)",
            "AU-6(4)",
            "CA-7",
            "SC-7(10)",
            "SC-7(9)",
            "SI-7(8)",
        )
    ),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    for item in web_acls(ctx, CONTROL):
        if isinstance(item, Result):
            yield item
            continue
        acl = item
        name = f"web ACL {acl.name} ({acl.scope})"
        state = acl.logging_state
        if acl.logging is not None and state.answered:
            filtered = "; a logging filter drops some requests" if acl.logging.has_filter else ""
            yield result(
                CONTROL, acl, PASS, f"{name} logs to {', '.join(acl.logging.destinations)}{filtered}.",
                resource_id=acl.name, values={"destinations": list(acl.logging.destinations)},
            )  # fmt: skip
        elif state.state == ABSENT or (state.answered and acl.logging is None):
            # GetLoggingConfiguration answered WAFNonexistentItemException: no logging configuration.
            yield result(
                CONTROL, acl, FAIL, f"{name} has no logging configuration: the requests it inspects leave no record.",
                resource_id=acl.name,
            )  # fmt: skip
        else:
            yield result(
                CONTROL, acl, NOT_ASSESSED, f"Not assessed: the logging of {name} was not collected ({state.reason}).",
                resource_id=acl.name,
            )  # fmt: skip
