"""Every Security Hub hub has FSBP or CIS AWS Foundations enabled and ready."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

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
from analysis.rules.detection._common import make

WANTED = ("aws-foundational-security-best-practices", "cis-aws-foundations-benchmark")

CONTROL = Control(
    id="detection_securityhub_standards",
    title="Security Hub runs the FSBP or CIS AWS Foundations standard",
    severity=MEDIUM,
    practice="monitoring",
    service="securityhub",
    scope="resource",
    rationale=(
        "Security Hub without a standard only aggregates other services' findings: the posture checks "
        "(public buckets, root MFA, unencrypted volumes...) come from the AWS Foundational Security "
        "Best Practices and CIS AWS Foundations standards. A hub with neither enabled (or stuck in "
        "FAILED/INCOMPLETE) gives the security team no continuous configuration assessment."
    ),
    remediation=Remediation(
        console="Security Hub > Security standards > AWS Foundational Security Best Practices > Enable "
        "(and CIS AWS Foundations Benchmark v5.0.0); or a central configuration policy with both.",
        cli=(
            "aws securityhub batch-enable-standards --standards-subscription-requests "
            "StandardsArn=arn:aws:securityhub:<region>::standards/aws-foundational-security-best-practices/v/1.0.0"
        ),
        terraform=(
            'resource "aws_securityhub_standards_subscription" "fsbp" {\n'
            '  standards_arn = "arn:aws:securityhub:${var.region}::standards/aws-foundational-security-best-practices/v/1.0.0"\n'
            "  depends_on    = [aws_securityhub_account.this]\n"
            "}"
        ),
    ),
    inputs=(Input(service="securityhub", operation="GetEnabledStandards"),),
    # Neither Prowler nor Security Hub CSPM has a check of this meaning: no framework mapping. See
    # docs/mappings.md.
    mappings=Mappings(),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    for hub in sorted(ctx.inventory.detection.security_hubs.values(), key=lambda h: h.arn):
        kw: dict[str, Any] = {
            "account_id": hub.account_id,
            "region": hub.region,
            "resource_arn": hub.arn,
            "resource_id": hub.arn,
        }
        if not hub.standards_coverage.answered:
            yield make(
                ctx,
                CONTROL,
                NOT_ASSESSED,
                f"GetEnabledStandards was not answered ({hub.standards_coverage.reason})",
                call_ids=hub.call_ids,
                **kw,
            )
            continue
        values = {s.standards_arn: s.status for s in hub.standards}
        good = [
            s
            for s in hub.standards
            if any(w in s.standards_arn for w in WANTED) and s.status in ("READY", "PENDING")
        ]
        if good:
            yield make(
                ctx,
                CONTROL,
                PASS,
                "Enabled: " + ", ".join(s.standards_arn.split("standards/")[-1] for s in good) + ".",
                call_ids=hub.call_ids,
                values=values,
                **kw,
            )
        else:
            yield make(
                ctx,
                CONTROL,
                FAIL,
                f"Security Hub in {hub.region} has neither FSBP nor CIS AWS Foundations enabled and ready.",
                call_ids=hub.call_ids,
                values=values,
                **kw,
            )
