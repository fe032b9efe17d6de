"""EventBridge rules route GuardDuty and Security Hub findings to a responder in the security account."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import (
    FAIL,
    MEDIUM,
    NOT_ASSESSED,
    PASS,
    Control,
    Input,
    Mappings,
    Remediation,
    Result,
)
from analysis.rules.context import AssessmentContext
from analysis.rules.detection._common import make, security_account_ids

SOURCES = {"aws.guardduty": "GuardDuty", "aws.securityhub": "Security Hub"}
RESPONDERS = ("lambda", "sns", "sqs", "stepfunctions")

CONTROL = Control(
    id="detection_findings_routed_to_responder",
    title="Security findings are routed to an automated responder",
    severity=MEDIUM,
    practice="response",
    service="events",
    scope="organization",
    rationale=(
        "Findings nobody acts on are not detection. The white paper's automated incident response "
        "routes GuardDuty and Security Hub findings with EventBridge rules in the security account to "
        "a responder (a Lambda function or Step Functions workflow that isolates, or an SNS/SQS "
        "channel that pages the on-call team). A rule that is disabled, or has no such target, "
        "responds to nothing."
    ),
    remediation=Remediation(
        console="In the security (delegated administrator) account, each region: EventBridge > Rules > "
        "Create rule, event pattern source aws.guardduty (and aws.securityhub, detail-type 'Security Hub "
        "Findings - Imported'), target: the responder Lambda function, Step Functions state machine or SNS topic.",
        cli=(
            'aws events put-rule --name guardduty-findings --event-pattern \'{"source":["aws.guardduty"]}\'\n'
            "aws events put-targets --rule guardduty-findings --targets Id=responder,Arn=<lambda-arn>"
        ),
        terraform=(
            'resource "aws_cloudwatch_event_rule" "guardduty" {\n'
            '  name          = "guardduty-findings"\n'
            '  event_pattern = jsonencode({ source = ["aws.guardduty"] })\n'
            "}\n"
            "\n"
            'resource "aws_cloudwatch_event_target" "responder" {\n'
            "  rule = aws_cloudwatch_event_rule.guardduty.name\n"
            "  arn  = aws_lambda_function.responder.arn\n"
            "}"
        ),
    ),
    inputs=(
        Input(service="events", operation="ListRules"),
        Input(service="events", operation="ListTargetsByRule"),
    ),
    # Neither Prowler nor Security Hub CSPM has a check of this meaning: no framework mapping. See
    # docs/mappings.md.
    mappings=Mappings(),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    det = ctx.inventory.detection
    security = security_account_ids(ctx, "guardduty.amazonaws.com", "securityhub.amazonaws.com")
    mgmt = ctx.inventory.organization.management_account_id
    # The security account: the delegated administrator; without one, any account (said in the message).
    where = security or set(ctx.account_ids)
    for source, label in SOURCES.items():
        arn = f"arn:{ctx.partition}:events:::source/{source}"
        rules = [r for r in det.rules_for_source(source) if r.account_id in where]
        routed = [r for r in rules if any(t.kind in RESPONDERS for t in r.targets)]
        if routed:
            r = routed[0]
            targets = [t.arn for t in r.targets if t.kind in RESPONDERS]
            note = (
                ""
                if security
                else " (no delegated administrator: the rule's account is taken as the security account)"
            )
            yield make(
                ctx,
                CONTROL,
                PASS,
                f"{label} findings go to {', '.join(targets)} by rule {r.name} in "
                f"{r.account_id}/{r.region}{note}.",
                account_id="",
                resource_arn=arn,
                resource_id=source,
                call_ids=r.call_ids,
                values={"rules": [x.arn for x in routed]},
            )
            continue
        unknown_targets = [r for r in rules if not r.targets_coverage.answered]
        unanswered = [
            f"{a}/{reg}: {lst.coverage.reason}"
            for (a, reg), lst in det.event_regions.items()
            if a in where and not lst.answered
        ]
        unanswered += _rules_unlisted(ctx, where)
        uncollected = [a for a in sorted(where) if a != mgmt and not ctx.regions(a)] if security else []
        ids = [i for r in rules for i in r.call_ids]
        if unknown_targets or unanswered or uncollected or not any(a in where for a, _ in det.event_regions):
            reasons = [
                f"targets of {r.name}: {r.targets_coverage.reason}" for r in unknown_targets
            ] + unanswered
            reasons += [f"{a}: no region collected" for a in uncollected]
            yield make(
                ctx,
                CONTROL,
                NOT_ASSESSED,
                f"the EventBridge rules for {label} are not fully known ("
                + ("; ".join(reasons) or "ListRules not collected")
                + ")",
                account_id="",
                resource_arn=arn,
                resource_id=source,
                call_ids=ids,
            )
        else:
            accounts = ", ".join(sorted(where)) if security else "any account"
            yield make(
                ctx,
                CONTROL,
                FAIL,
                f"No enabled EventBridge rule in {accounts} sends {label} findings "
                "to a Lambda, Step Functions, SNS or SQS responder.",
                account_id="",
                resource_arn=arn,
                resource_id=source,
                call_ids=ids,
                values={"rules seen": [r.arn for r in rules]},
            )


def _rules_unlisted(ctx: AssessmentContext, where: set[str]) -> list[str]:
    """The event buses (listed) whose rules were not: their rules are unknown, not absent."""
    out = []
    for bus in sorted(ctx.inventory.detection.event_buses.values(), key=lambda b: b.arn):
        if bus.account_id not in where:
            continue
        state = ctx.inventory.coverage.state(
            account_id=bus.account_id,
            region=bus.region,
            service="events",
            operation="ListRules",
            parameters={"EventBusName": bus.name},
        )
        if not state.answered:
            out.append(f"{bus.account_id}/{bus.region} rules of bus {bus.name}: {state.reason}")
    return out
