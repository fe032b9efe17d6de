"""No bucket can be read by the public, through its policy or its ACL (S3.2)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import CRITICAL, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._s3 import ACCOUNT_BPA, LIST_BUCKETS, bucket_input, each_bucket
from analysis.rules.data._s3_public import public_result

# What decides public access; answered or not, each is used as far as it goes (see _s3_public).
BUCKET_CALLS = ("GetBucketPolicy", "GetBucketAcl", "GetPublicAccessBlock", "GetBucketOwnershipControls")

CONTROL = Control(
    id="s3_bucket_public_read",
    title="S3 buckets do not allow public read access",
    severity=CRITICAL,
    practice="data",
    service="s3",
    scope="resource",
    rationale=(
        "A bucket whose policy allows everyone to get or list objects, or whose ACL grants READ to "
        "AllUsers or AuthenticatedUsers (any AWS account), publishes its content to the internet "
        "unless Block Public Access stops it. Public buckets are among the most common causes of "
        "data exposure; the result names the statement or ACL grant and the Block Public Access "
        "settings that were checked."
    ),
    remediation=Remediation(
        console=(
            "S3 console > the bucket > Permissions: remove the policy statements granting Principal "
            '"*" and the ACL grants to Everyone / Authenticated users, then turn on Block public '
            "access (bucket settings). Serve public content through CloudFront with origin access control."
        ),
        cli=(
            "aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration "
            "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true\n"
            "aws s3api put-bucket-acl --bucket <bucket> --acl private"
        ),
        terraform=(
            'resource "aws_s3_bucket_public_access_block" "data" {\n'
            "  bucket                  = aws_s3_bucket.data.id\n"
            "  block_public_acls       = true\n"
            "  ignore_public_acls      = true\n"
            "  block_public_policy     = true\n"
            "  restrict_public_buckets = true\n"
            "}"
        ),
    ),
    inputs=(LIST_BUCKETS, *(bucket_input(op) for op in BUCKET_CALLS), ACCOUNT_BPA),
    # Same check as Security Hub CSPM S3.2; Prowler s3_bucket_public_access. NIST from Security Hub's related
    # requirements. See docs/mappings.md.
    mappings=Mappings(
        fsbp=("S3.2",),
        nist=(
            "AC-21",
            "AC-3",
            "AC-3(7)",
            "AC-4",
            "AC-4(21)",
            "AC-6",
            "SC-7",
            "SC-7(11)",
            "SC-7(16)",
            "SC-7(20)",
            "SC-7(21)",
            "SC-7(3)",
            "SC-7(4)",
            "SC-7(9)",
        ),
    ),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    for item in each_bucket(ctx, CONTROL, ()):
        yield item if isinstance(item, Result) else public_result(ctx, CONTROL, item, write=False)
