"""Bucket policies grant no account outside the organization."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, MEDIUM, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._common import organization_accounts, result
from analysis.rules.data._policies import describe, outside_grants
from analysis.rules.data._s3 import LIST_BUCKETS, bucket_input, each_bucket

CONTROL = Control(
    id="s3_bucket_access_outside_org",
    title="S3 bucket policies grant no account outside the organization",
    severity=MEDIUM,
    practice="data",
    service="s3",
    scope="resource",
    rationale=(
        "A bucket policy naming an account that is not part of the organization shares data across "
        "the organization's boundary, where none of its SCPs, guardrails or monitoring apply. Such "
        "sharing (a vendor, a partner, a former subsidiary) must be known and approved; the result "
        "names the accounts so the auditor can confirm or waive each one."
    ),
    remediation=Remediation(
        console=(
            "S3 console > the bucket > Permissions > Bucket policy > Edit: remove the external account "
            "principals, or narrow the statements with aws:PrincipalOrgID."
        ),
        cli=(
            "aws s3api get-bucket-policy --bucket <bucket> --query Policy --output text > policy.json\n"
            "aws s3api put-bucket-policy --bucket <bucket> --policy file://policy.json  # after editing"
        ),
        terraform=(
            'data "aws_iam_policy_document" "data" {\n'
            "  statement {\n"
            '    actions   = ["s3:GetObject"]\n'
            '    resources = ["${aws_s3_bucket.data.arn}/*"]\n'
            "    principals {\n"
            '      type        = "AWS"\n'
            '      identifiers = ["*"]\n'
            "    }\n"
            "    condition {\n"
            '      test     = "StringEquals"\n'
            '      variable = "aws:PrincipalOrgID"\n'
            "      values   = [var.organization_id]\n"
            "    }\n"
            "  }\n"
            "}"
        ),
    ),
    inputs=(LIST_BUCKETS, bucket_input("GetBucketPolicy")),
    # Neither Prowler nor Security Hub CSPM has a check of this meaning: no framework mapping. See
    # docs/mappings.md.
    mappings=Mappings(),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    members, unknown = organization_accounts(ctx)
    org_id = ctx.inventory.organization.organization_id
    for item in each_bucket(ctx, CONTROL, (("policy_state", "GetBucketPolicy"),)):
        if isinstance(item, Result):
            yield item
            continue
        bucket = item
        if members is None:
            yield ctx.not_assessed(
                CONTROL,
                account_id=bucket.account_id,
                region=bucket.region,
                reason=unknown,
                call_ids=bucket.call_ids,
                resource_arn=bucket.arn,
                resource_id=bucket.name,
            )
            continue
        grants = outside_grants(
            bucket.policy, owner=bucket.account_id, organization=members, organization_id=org_id
        )
        if not grants:
            yield result(
                CONTROL,
                bucket,
                PASS,
                f"Bucket {bucket.name} grants no account outside the organization.",
                resource_id=bucket.name,
            )
            continue
        outsiders = sorted({a for _, accounts in grants for a in accounts})
        yield result(
            CONTROL,
            bucket,
            FAIL,
            f"Bucket {bucket.name} grants access to {', '.join(outsiders)}, outside the organization.",
            resource_id=bucket.name,
            statements=tuple(f"bucket policy {describe(st)} names {', '.join(a)}" for st, a in grants),
            values={"outside_accounts": outsiders},
        )
