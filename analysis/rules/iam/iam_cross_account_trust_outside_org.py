"""Roles trusted by accounts or principals outside the organization, each one listed for review."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import MEDIUM, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.iam._common import AUTH_DETAILS, ORG_ACCOUNTS, gc_paused_results
from analysis.rules.iam._trust import trust_kind_results

CONTROL = Control(
    id="iam_cross_account_trust_outside_org",
    title="Roles trusted by principals outside the organization are known and intended",
    severity=MEDIUM,
    practice="review",
    service="iam",
    scope="resource",
    rationale=(
        "Every role that trusts an outside account is a door into the organization whose key is "
        "held by someone else: a vendor, a partner, a former subsidiary. Those doors should be few, "
        "named, scoped to the vendor's need and reviewed; an unknown one is how an abandoned "
        "integration or an attacker keeps access."
    ),
    remediation=Remediation(
        console=(
            "IAM > Roles > (role) > Trust relationships: confirm the outside account is a current, contracted "
            "party; otherwise delete the role or remove the statement. Use IAM Access Analyzer (organization "
            "zone of trust) to keep finding new ones."
        ),
        cli=(
            "aws iam get-role --role-name <role> --query Role.AssumeRolePolicyDocument\n"
            "aws iam delete-role --role-name <role>  # after detaching its policies"
        ),
        terraform=(
            'resource "aws_accessanalyzer_analyzer" "org" {\n'
            '  analyzer_name = "organization"\n'
            '  type          = "ORGANIZATION"\n'
            "}"
        ),
    ),
    inputs=(AUTH_DETAILS, ORG_ACCOUNTS),
    # Neither Prowler nor Security Hub CSPM has a check of this meaning: no framework mapping. See
    # docs/mappings.md.
    mappings=Mappings(),
)


@gc_paused_results
def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from trust_kind_results(
        ctx,
        CONTROL,
        "cross_account_trust_outside_org",
        pass_message="No role trusts an account or principal outside the organization.",
        needs_organization=True,
    )
