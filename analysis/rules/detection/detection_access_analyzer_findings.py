"""External access analyzers have no active findings left unreviewed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from analysis.rules.base import (
    FAIL,
    INFORMATIONAL,
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

CONTROL = Control(
    id="detection_access_analyzer_findings",
    title="IAM Access Analyzer has no active external access findings",
    severity=INFORMATIONAL,
    practice="review",
    service="accessanalyzer",
    scope="resource",
    rationale=(
        "An active external access finding is a resource shared outside the zone of trust that nobody "
        "has archived as intended or fixed. The white paper's regular reviews expect findings to be "
        "triaged: each is either removed or archived with an archive rule. Informational, because "
        "some sharing is deliberate; the count and resource types tell where to look."
    ),
    remediation=Remediation(
        console="IAM > Access Analyzer > Findings (Active): for each, fix the resource policy or Archive "
        "it (or create an archive rule for the intended sharing).",
        cli='aws accessanalyzer list-findings --analyzer-arn <arn> --filter \'{"status":{"eq":["ACTIVE"]}}\'\n'
        "aws accessanalyzer update-findings --analyzer-arn <arn> --ids <id> --status ARCHIVED",
        terraform=(
            'resource "aws_accessanalyzer_archive_rule" "trusted_partner" {\n'
            "  analyzer_name = aws_accessanalyzer_analyzer.org.analyzer_name\n"
            '  rule_name     = "trusted-partner"\n'
            "  filter {\n"
            '    criteria = "principal.AWS"\n'
            '    eq       = ["<partner-account-id>"]\n'
            "  }\n"
            "}"
        ),
    ),
    inputs=(Input(service="accessanalyzer", operation="ListFindings"),),
    # Same check as Prowler accessanalyzer_enabled_without_findings. Neither source lists a NIST 800-53
    # control. See docs/mappings.md.
    mappings=Mappings(),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    for a in sorted(ctx.inventory.detection.analyzers.values(), key=lambda a: a.arn):
        if not a.external_access:
            continue
        kw: dict[str, Any] = {
            "account_id": a.account_id,
            "region": a.region,
            "resource_arn": a.arn,
            "resource_id": a.name,
            "call_ids": a.call_ids,
        }
        if a.active_findings is None:
            yield make(
                ctx,
                CONTROL,
                NOT_ASSESSED,
                f"the findings were not collected ({a.findings_coverage.reason})",
                **kw,
            )
        elif a.active_findings:
            kinds = ", ".join(f"{k}: {n}" for k, n in sorted(a.active_finding_resource_types.items()))
            yield make(
                ctx,
                CONTROL,
                FAIL,
                f"Analyzer {a.name} has {a.active_findings} active external access finding(s) ({kinds}).",
                values=dict(a.active_finding_resource_types),
                **kw,
            )
        else:
            yield make(ctx, CONTROL, PASS, f"Analyzer {a.name} has no active finding.", **kw)
