"""Customer-managed policies do not allow whole services ("s3:*") (Security Hub IAM.21)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import LOW, Control, Evidence, Mappings, Remediation, Result
from analysis.rules.context import GLOBAL, AssessmentContext
from analysis.rules.iam._common import (
    AUTH_DETAILS,
    boundary_policy_arns,
    customer_policies_by_account,
    describe_statement,
    gc_paused_results,
    result,
    service_wildcards,
)

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


@gc_paused_results
def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    by_account = customer_policies_by_account(ctx)
    boundaries = boundary_policy_arns(ctx)
    for account_id in ctx.account_ids:
        gap = ctx.gaps_or(CONTROL, account_id, GLOBAL)
        if gap is not None:
            yield gap
            continue
        for policy in by_account.get(account_id, ()):
            doc = policy.default_document
            if doc is None or not doc.ok:
                yield ctx.not_assessed(
                    CONTROL,
                    account_id=account_id,
                    region=GLOBAL,
                    reason=f"the default version of {policy.name} is not in the snapshot or does not parse",
                    call_ids=policy.call_ids,
                    resource_arn=policy.arn,
                    resource_id=policy.name,
                )
                continue
            if policy.arn in boundaries:
                # Security Hub evaluates IAM.21 with excludePermissionBoundaryPolicy: True.
                yield result(
                    CONTROL,
                    passed=True,
                    account_id=account_id,
                    resource_arn=policy.arn,
                    resource_id=policy.name,
                    message=f"{policy.name} is used as a permissions boundary (it grants nothing).",
                    evidence=Evidence(call_ids=policy.call_ids),
                )
                continue
            found = service_wildcards(doc)
            where = f"policy {policy.name} version {policy.default_version_id}"
            wildcards = sorted({w for _, hits in found for w in hits})
            yield result(
                CONTROL,
                passed=not found,
                account_id=account_id,
                resource_arn=policy.arn,
                resource_id=policy.name,
                message=f"{policy.name} allows no whole service."
                if not found
                else f"{policy.name} allows whole services: {', '.join(wildcards)}.",
                evidence=Evidence(
                    call_ids=policy.call_ids,
                    statements=tuple(describe_statement(where, st) for st, _ in found),
                    values={"wildcards": wildcards},
                ),
            )
