"""Customer-managed policies do not allow whole services ("s3:*") (Security Hub IAM.21)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from analysis.rules.base import LOW, Control, Evidence, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.iam._common import AUTH_DETAILS, describe_statement, gc_paused_results, service_wildcards
from analysis.rules.iam._policies import evaluate_customer_policies, policy_result

if TYPE_CHECKING:
    from analysis.model.iam import ManagedPolicy
    from analysis.model.policy_doc import PolicyDocument

CONTROL = Control(
    id="iam_policy_service_wildcard",
    title='Customer-managed policies do not allow every action of a service ("service:*")',
    severity=LOW,
    practice="identity",
    service="iam",
    scope="resource",
    rationale=(
        '"iam:*", "s3:*" or "kms:*" include the actions that change permissions, delete data or '
        "disable keys, along with the read-only ones the task needed. Many escalation paths start "
        "with a service wildcard (iam:* is administrator in all but name). Listing actions, or "
        "prefixes such as ec2:Describe*, keeps the grant to what the job does."
    ),
    remediation=Remediation(
        console=(
            "IAM > Policies > (policy) > Permissions > Edit: replace each service:* with the actions used "
            "(IAM Access Analyzer > Generate policy from CloudTrail activity helps), then Save."
        ),
        cli=(
            "aws accessanalyzer start-policy-generation --policy-generation-details principalArn=<role-arn> ...\n"
            "aws iam create-policy-version --policy-arn <policy-arn> --policy-document file://scoped.json "
            "--set-as-default"
        ),
        terraform=(
            'data "aws_iam_policy_document" "reader" {\n'
            "  statement {\n"
            '    actions   = ["s3:GetObject", "s3:ListBucket"]  # not "s3:*"\n'
            '    resources = [aws_s3_bucket.data.arn, "${aws_s3_bucket.data.arn}/*"]\n'
            "  }\n"
            "}"
        ),
    ),
    inputs=(AUTH_DETAILS,),
    # Same check as Security Hub CSPM IAM.21. NIST from Security Hub's related requirements. See
    # docs/mappings.md.
    mappings=Mappings(
        fsbp=("IAM.21",),
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
    if boundary:
        # Security Hub evaluates IAM.21 with excludePermissionBoundaryPolicy: True.
        return policy_result(
            CONTROL,
            account_id,
            policy,
            passed=True,
            message=f"{policy.name} is used as a permissions boundary (it grants nothing).",
            evidence=Evidence(call_ids=policy.call_ids),
        )
    found = service_wildcards(doc)
    where = f"policy {policy.name} version {policy.default_version_id}"
    wildcards = sorted({w for _, hits in found for w in hits})
    return policy_result(
        CONTROL,
        account_id,
        policy,
        passed=not found,
        message=f"{policy.name} allows no whole service."
        if not found
        else f"{policy.name} allows whole services: {', '.join(wildcards)}.",
        evidence=Evidence(
            call_ids=policy.call_ids,
            statements=tuple(describe_statement(where, st) for st, _ in found),
            values={"wildcards": wildcards},
        ),
    )


@gc_paused_results
def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    return evaluate_customer_policies(ctx, CONTROL, _judge)
