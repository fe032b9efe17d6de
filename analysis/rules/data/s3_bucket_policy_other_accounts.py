"""Bucket policies do not let other accounts change the bucket's protection (S3.6)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, HIGH, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._common import result
from analysis.rules.data._policies import anyone, describe, grants_action, named_accounts
from analysis.rules.data._s3 import LIST_BUCKETS, bucket_input, each_bucket

# The actions Security Hub S3.6 refuses to other accounts (its blacklistedactionpatterns).
SENSITIVE_ACTIONS = (
    "s3:DeleteBucketPolicy",
    "s3:PutBucketAcl",
    "s3:PutBucketPolicy",
    "s3:PutEncryptionConfiguration",
    "s3:PutObjectAcl",
)

CONTROL = Control(
    id="s3_bucket_policy_other_accounts",
    title="S3 bucket policies do not let other accounts change bucket policy, ACLs or encryption",
    severity=HIGH,
    practice="data",
    service="s3",
    scope="resource",
    rationale=(
        "Letting another account (or everyone) delete or replace the bucket policy, change ACLs or "
        "the default encryption hands control of the bucket's protection to someone the owner does "
        "not administer: they can open the bucket to the public or lock the owner out. Like the "
        "Security Hub check, principals are read as written; conditions do not reduce the finding."
    ),
    remediation=Remediation(
        console=(
            "S3 console > the bucket > Permissions > Bucket policy > Edit: remove s3:DeleteBucketPolicy, "
            "s3:PutBucketAcl, s3:PutBucketPolicy, s3:PutEncryptionConfiguration and s3:PutObjectAcl from "
            'statements whose principal is another account or "*".'
        ),
        cli=(
            "aws s3api get-bucket-policy --bucket <bucket> --query Policy --output text > policy.json\n"
            "# remove the actions from the cross-account statements, then\n"
            "aws s3api put-bucket-policy --bucket <bucket> --policy file://policy.json"
        ),
        terraform=(
            'data "aws_iam_policy_document" "data" {\n'
            "  statement {\n"
            '    sid       = "PartnerRead"\n'
            '    actions   = ["s3:GetObject"]  # never s3:PutBucketPolicy / s3:PutBucketAcl for a partner\n'
            '    resources = ["${aws_s3_bucket.data.arn}/*"]\n'
            "    principals {\n"
            '      type        = "AWS"\n'
            "      identifiers = [var.partner_account_id]\n"
            "    }\n"
            "  }\n"
            "}"
        ),
    ),
    inputs=(LIST_BUCKETS, bucket_input("GetBucketPolicy")),
    # Same check as Security Hub CSPM S3.6. NIST from Security Hub's related requirements. See
    # docs/mappings.md.
    mappings=Mappings(fsbp=("S3.6",), nist=("CA-9(1)", "CM-2")),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    for item in each_bucket(ctx, CONTROL, (("policy_state", "GetBucketPolicy"),)):
        if isinstance(item, Result):
            yield item
            continue
        bucket = item
        found: list[str] = []
        for st in bucket.policy.statements if bucket.policy else ():
            if st.effect != "Allow" or not grants_action(st, SENSITIVE_ACTIONS):
                continue
            others = [a for a in named_accounts(st) if a != bucket.account_id]
            everyone = anyone(st, services_count=False)
            if others or everyone:
                who = everyone or f"account(s) {', '.join(others)}"
                found.append(f"bucket policy {describe(st)} grants {who}")
        if found:
            yield result(
                CONTROL,
                bucket,
                FAIL,
                f"Bucket {bucket.name} lets principals outside its account change its policy, ACLs or encryption.",
                resource_id=bucket.name,
                statements=tuple(found),
            )
        else:
            yield result(
                CONTROL,
                bucket,
                PASS,
                f"Bucket {bucket.name} grants no other account the policy, ACL or encryption actions.",
                resource_id=bucket.name,
            )
