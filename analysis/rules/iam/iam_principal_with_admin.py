"""Every principal with administrator permissions, as the policy engine judges them: the list to review."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import MEDIUM, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.iam._common import AUTH_DETAILS, SCPS, gc_paused_results
from analysis.rules.iam._trust import trust_kind_results

CONTROL = Control(
    id="iam_principal_with_admin",
    title="Principals with administrator permissions are few and intended",
    severity=MEDIUM,
    practice="review",
    service="iam",
    scope="resource",
    rationale=(
        "An administrator is any user or role whose effective permissions (identity policies, "
        "boundaries and the SCPs above its account) allow everything, whatever its policies are "
        "called. Each one can undo every other control, so the list should match the administrators "
        "the organization means to have; the white paper asks for regular reviews of exactly this."
    ),
    remediation=Remediation(
        console=(
            "For each principal listed: confirm it is a named administrator role (break-glass, platform, "
            "OrganizationAccountAccessRole); otherwise replace its policies with scoped ones, or add a "
            "permissions boundary. Waive the intended ones in the workpaper with their owner."
        ),
        cli=(
            "aws iam list-attached-role-policies --role-name <role>\n"
            "aws iam simulate-principal-policy --policy-source-arn <arn> --action-names '*' --resource-arns '*'"
        ),
        terraform=(
            'resource "aws_iam_role" "app" {\n'
            '  name                 = "app"\n'
            "  permissions_boundary = aws_iam_policy.workload_boundary.arn\n"
            "  assume_role_policy   = data.aws_iam_policy_document.app_trust.json\n"
            "}"
        ),
    ),
    inputs=(AUTH_DETAILS, SCPS),
    # Neither Prowler nor Security Hub CSPM has a check of this meaning: no framework mapping. See
    # docs/mappings.md.
    mappings=Mappings(),
)


@gc_paused_results
def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from trust_kind_results(
        ctx,
        CONTROL,
        "principal_with_admin",
        pass_message="No user or role of this account has administrator permissions.",
    )
