"""The S3 buckets trails deliver to are not publicly accessible."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import (
    CRITICAL,
    FAIL,
    NOT_ASSESSED,
    PASS,
    Control,
    Input,
    Mappings,
    Remediation,
    Result,
)
from analysis.rules.context import AssessmentContext
from analysis.rules.logging._buckets import bucket_result, exposure, missing_bucket_reason, trail_buckets

CONTROL = Control(
    id="cloudtrail_bucket_not_public",
    title="The S3 bucket of CloudTrail logs is not publicly accessible",
    severity=CRITICAL,
    practice="monitoring",
    service="s3",
    scope="resource",
    rationale=(
        "The trail bucket holds the API history of every account it serves: who administers what, "
        "which roles exist, which calls fail. Public read access hands an attacker a map of the "
        "organization; public write or delete access lets them plant or destroy evidence. The "
        "bucket should admit CloudTrail's service principal and the investigators, and Block Public "
        "Access should make any slip harmless."
    ),
    remediation=Remediation(
        console=(
            "In the account that owns the bucket: S3 > the bucket > Permissions > Block public access > "
            'Edit > tick all four settings > Save; remove statements with Principal "*" (unless pinned '
            "to aws:SourceArn/aws:SourceAccount of the trail) and ACL grants to AllUsers or "
            "AuthenticatedUsers; set Object Ownership to 'Bucket owner enforced'."
        ),
        cli=(
            "aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration "
            "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true\n"
            "aws s3api put-bucket-ownership-controls --bucket <bucket> "
            "--ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'"
        ),
        terraform=(
            'resource "aws_s3_bucket_public_access_block" "log_archive" {\n'
            "  bucket                  = aws_s3_bucket.log_archive.id\n"
            "  block_public_acls       = true\n"
            "  ignore_public_acls      = true\n"
            "  block_public_policy     = true\n"
            "  restrict_public_buckets = true\n"
            "}"
        ),
    ),
    inputs=(
        Input(service="cloudtrail", operation="DescribeTrails"),
        Input(service="s3", operation="GetBucketPolicy", regional=False),
        Input(service="s3", operation="GetBucketAcl", regional=False),
        Input(service="s3", operation="GetPublicAccessBlock", regional=False),
        Input(service="s3control", operation="GetPublicAccessBlock", regional=False),
    ),
    # Same check as Security Hub CSPM CloudTrail.6 (CloudTrail.6: not in the FSBP standard); Prowler
    # cloudtrail_logs_s3_bucket_is_not_publicly_accessible. Neither source lists a NIST 800-53 control. See
    # docs/mappings.md.
    mappings=Mappings(),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    for tb in trail_buckets(ctx):
        bucket = tb.bucket
        if bucket is None:
            yield bucket_result(
                ctx, CONTROL, tb, NOT_ASSESSED, f"Not assessed: {missing_bucket_reason(ctx, tb)}"
            )
            continue
        exp = exposure(ctx, bucket)
        values = {**exp.values, "trails": [t.arn for t in tb.trails]}
        if exp.public is None:
            found = f" (public grants found: {'; '.join(exp.grants)})" if exp.grants else ""
            message = "Not assessed: could not read " + "; ".join(exp.unknowns) + found
            yield bucket_result(ctx, CONTROL, tb, NOT_ASSESSED, message, values=values)
        elif exp.public:
            message = (
                f"Bucket {tb.name}, which holds the logs of {tb.trail_names}, is public: "
                + "; ".join(exp.grants)
                + "."
            )
            yield bucket_result(ctx, CONTROL, tb, FAIL, message, values=values)
        else:
            how = " (Block Public Access: " + "; ".join(exp.blocks) + ")" if exp.blocks else ""
            yield bucket_result(
                ctx, CONTROL, tb, PASS, f"Bucket {tb.name} grants no public access{how}.", values=values
            )
