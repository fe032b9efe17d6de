"""An IAM Access Analyzer with the organization as zone of trust is active."""

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
from analysis.rules.detection._common import make

CONTROL = Control(
    id="detection_access_analyzer_organization",
    title="IAM Access Analyzer runs with the organization as zone of trust",
    severity=MEDIUM,
    practice="monitoring",
    service="accessanalyzer",
    scope="organization",
    rationale=(
        "An external access analyzer whose zone of trust is the organization reports every resource "
        "(bucket, key, role, queue, secret, snapshot) shared with a principal outside the "
        "organization, in every member account, to the delegated administrator. Per-account analyzers "
        "flag access from sibling accounts as external and are not seen centrally."
    ),
    remediation=Remediation(
        console="From the Access Analyzer delegated administrator, each region: IAM > Access Analyzer > "
        "Analyzer settings > Create analyzer > External access, zone of trust: current organization.",
        cli="aws accessanalyzer create-analyzer --analyzer-name org-external --type ORGANIZATION",
        terraform=(
            'resource "aws_accessanalyzer_analyzer" "org" {\n'
            '  analyzer_name = "org-external"\n'
            '  type          = "ORGANIZATION"\n'
            "}"
        ),
    ),
    inputs=(Input(service="accessanalyzer", operation="ListAnalyzers"),),
    # Same check as Security Hub CSPM IAM.28 (IAM.28: not in the FSBP standard); Prowler
    # accessanalyzer_enabled. Neither source lists a NIST 800-53 control. See docs/mappings.md.
    mappings=Mappings(cis=("1.19",)),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    det = ctx.inventory.detection
    org_analyzers = sorted(
        (a for a in det.analyzers.values() if a.type == "ORGANIZATION"),
        key=lambda a: (a.status != "ACTIVE", a.arn),
    )
    if org_analyzers and org_analyzers[0].status == "ACTIVE":
        a = org_analyzers[0]
        yield make(
            ctx,
            CONTROL,
            PASS,
            f"Organization analyzer {a.name} is active in {a.account_id}/{a.region}.",
            account_id="",
            call_ids=a.call_ids,
            values={"analyzers": [x.arn for x in org_analyzers]},
        )
        return
    # Where an organization analyzer may live: the delegated administrator, else the management account.
    org = ctx.inventory.organization
    homes = sorted(
        a.account_id for a in org.delegated_admins.values() if "access-analyzer.amazonaws.com" in a.services
    )
    homes = homes or [org.management_account_id]
    unanswered = [
        f"{acct}/{region}: {lst.coverage.reason}"
        for (acct, region), lst in det.analyzer_regions.items()
        if acct in homes and not lst.answered
    ]
    uncollected = [h for h in homes if not any(k[0] == h for k in det.analyzer_regions)]
    if org_analyzers:
        a = org_analyzers[0]
        yield make(
            ctx,
            CONTROL,
            FAIL,
            f"Organization analyzer {a.name} is {a.status} ({a.status_reason}).",
            account_id="",
            call_ids=a.call_ids,
        )
    elif unanswered or uncollected:
        reasons = unanswered + [f"{h}: ListAnalyzers not collected" for h in uncollected]
        yield make(
            ctx,
            CONTROL,
            NOT_ASSESSED,
            "analyzers could not be listed where an organization analyzer "
            "would live (" + "; ".join(reasons) + ")",
            account_id="",
        )
    else:
        ids = [
            i
            for (acct, _), lst in det.analyzer_regions.items()
            if acct in homes
            for i in lst.coverage.call_ids
        ]
        yield make(
            ctx,
            CONTROL,
            FAIL,
            "No analyzer with the organization as zone of trust in " + ", ".join(homes) + ".",
            account_id="",
            call_ids=ids,
        )
