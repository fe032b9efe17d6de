"""Customer-managed policies do not allow "*" on "*" (Security Hub IAM.1: the default version, Allow Action * Resource *)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from analysis.rules.base import HIGH, Control, Evidence, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.iam._common import AUTH_DETAILS, admin_statements, describe_statement, gc_paused_results
from analysis.rules.iam._policies import evaluate_customer_policies, policy_result

if TYPE_CHECKING:
    from analysis.model.iam import ManagedPolicy
    from analysis.model.policy_doc import PolicyDocument

CONTROL = Control(
    id="iam_policy_full_admin",
    title='Customer-managed policies do not allow full "*:*" administrative privileges',
    severity=HIGH,
    practice="identity",
    service="iam",
    scope="resource",
    rationale=(
        "A policy that allows every action on every resource makes whoever holds it an "
        "administrator, able to grant itself anything else and to switch off logging. Least "
        "privilege starts by writing policies for the tasks people do; an organization that needs "
        "administrators should grant the AWS-managed AdministratorAccess deliberately, to few "
        "roles, not copy it into custom policies that spread."
    ),
    remediation=Remediation(
        console=(
            "IAM > Policies > (policy) > Entities attached: find who needs what; edit the policy (Permissions > "
            "Edit) to the actions and resources needed, or detach and delete it."
        ),
        cli=(
            "aws iam list-entities-for-policy --policy-arn <policy-arn>\n"
            "aws iam create-policy-version --policy-arn <policy-arn> --policy-document file://scoped.json "
            "--set-as-default"
        ),
        terraform=(
            'data "aws_iam_policy_document" "deploy" {\n'
            "  statement {\n"
            '    actions   = ["lambda:UpdateFunctionCode", "lambda:GetFunction"]\n'
            '    resources = ["arn:aws:lambda:*:111122223333:function:app-*"]\n'
            "  }\n"
            "}"
        ),
    ),
    inputs=(AUTH_DETAILS,),
    # Same check as Security Hub CSPM IAM.1. NIST from Security Hub's related requirements. See
    # docs/mappings.md.
    mappings=Mappings(
        fsbp=("IAM.1",),
        nist=(
            "AC-2",
            "AC-2(1)",
            "AC-3",
            "AC-3(15)",
            "AC-3(7)",
            "AC-5",
            "AC-6",
            "AC-6(10)",
            "AC-6(2)",
            "AC-6(3)",
        ),
    ),
)


def _judge(account_id: str, policy: ManagedPolicy, doc: PolicyDocument, boundary: bool) -> Result:
    attached = policy.attachment_counts.get(account_id, 0)
    values = {"default_version": policy.default_version_id, "attachment_count": attached}
    found = admin_statements(doc)
    if found and boundary:
        # Security Hub evaluates IAM.1 with excludePermissionBoundaryPolicy: a boundary
        # only caps permissions, it grants nothing.
        return policy_result(
            CONTROL,
            account_id,
            policy,
            passed=True,
            message=f"{policy.name} allows *:* but is used as a permissions boundary (grants nothing).",
            evidence=Evidence(call_ids=policy.call_ids, values=values),
        )
    return policy_result(
        CONTROL,
        account_id,
        policy,
        passed=not found,
        message=f"{policy.name} does not allow *:*."
        if not found
        else f'{policy.name} allows every action on every resource ("*:*"); attached {attached} time(s).',
        evidence=Evidence(
            call_ids=policy.call_ids,
            statements=tuple(
                describe_statement(f"policy {policy.name} version {policy.default_version_id}", st)
                for st in found
            ),
            values=values,
        ),
    )


@gc_paused_results
def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    return evaluate_customer_policies(ctx, CONTROL, _judge)
