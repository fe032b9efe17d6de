"""No principal that is not an administrator can make itself one (trust graph escalation paths)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import HIGH, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.iam._common import AUTH_DETAILS, SCPS, gc_paused_results
from analysis.rules.iam._trust import trust_kind_results

CONTROL = Control(
    id="iam_escalation_path_to_admin",
    title="No privilege escalation path leads a non-administrator to administrator",
    severity=HIGH,
    practice="identity",
    service="iam",
    scope="resource",
    rationale=(
        "Permissions such as iam:PassRole with lambda:CreateFunction, iam:CreatePolicyVersion, "
        "iam:AttachUserPolicy or iam:UpdateAssumeRolePolicy let a principal obtain more than it was "
        "given: it runs code as a more powerful role, or rewrites its own permissions. Such a "
        "principal is an administrator in waiting, and usually nobody reviewing it as 'the CI "
        "deployer' knows. The path, hop by hop, is the evidence."
    ),
    remediation=Remediation(
        console=(
            "For each hop of the path, remove the permission that makes it (scope iam:PassRole to the roles "
            "the task passes, with iam:PassedToService; drop iam:Create*/Attach*/Put* on policies), or add a "
            "permissions boundary that denies them."
        ),
        cli=(
            "aws iam simulate-principal-policy --policy-source-arn <principal-arn> "
            "--action-names iam:PassRole lambda:CreateFunction --resource-arns <admin-role-arn>\n"
            "aws iam put-role-permissions-boundary --role-name <role> --permissions-boundary <boundary-arn>"
        ),
        terraform=(
            'data "aws_iam_policy_document" "deployer" {\n'
            "  statement {\n"
            '    actions   = ["iam:PassRole"]\n'
            '    resources = [aws_iam_role.app_function.arn]  # not "*"\n'
            "    condition {\n"
            '      test     = "StringEquals"\n'
            '      variable = "iam:PassedToService"\n'
            '      values   = ["lambda.amazonaws.com"]\n'
            "    }\n"
            "  }\n"
            "}"
        ),
    ),
    inputs=(AUTH_DETAILS, SCPS),
    # Same check as Prowler iam_policy_allows_privilege_escalation,
    # iam_inline_policy_allows_privilege_escalation. Neither source lists a NIST 800-53 control. See
    # docs/mappings.md.
    mappings=Mappings(),
)


@gc_paused_results
def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from trust_kind_results(
        ctx,
        CONTROL,
        "escalation_path_to_admin",
        pass_message="No principal of this account has an escalation path to administrator.",
    )
