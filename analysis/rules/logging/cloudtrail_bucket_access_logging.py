"""The S3 buckets trails deliver to have server access logging enabled."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.model.coverage import COLLECTED
from analysis.rules.base import FAIL, LOW, NOT_ASSESSED, PASS, Control, Input, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.logging._buckets import bucket_result, missing_bucket_reason, trail_buckets

CONTROL = Control(
    id="cloudtrail_bucket_access_logging",
    title="The S3 bucket of CloudTrail logs has server access logging",
    severity=LOW,
    practice="monitoring",
    service="s3",
    scope="resource",
    rationale=(
        "CloudTrail does not record reads of its own log files unless data events are on for that "
        "bucket. Server access logs, delivered to a separate bucket, show who read, downloaded or "
        "deleted the audit trail itself: the question an investigation asks when it suspects the "
        "intruder covered their tracks."
    ),
    remediation=Remediation(
        console=(
            "In the bucket's account: S3 > the trail bucket > Properties > Server access logging > Edit > "
            "Enable, choose a separate target bucket (not the trail bucket itself) and a prefix > Save."
        ),
        cli=(
            "aws s3api put-bucket-logging --bucket <trail-bucket> --bucket-logging-status "
            '\'{"LoggingEnabled":{"TargetBucket":"<access-log-bucket>","TargetPrefix":"cloudtrail/"}}\''
        ),
        terraform=(
            'resource "aws_s3_bucket_logging" "log_archive" {\n'
            "  bucket        = aws_s3_bucket.log_archive.id\n"
            "  target_bucket = aws_s3_bucket.access_logs.id\n"
            '  target_prefix = "cloudtrail/"\n'
            "}"
        ),
    ),
    inputs=(
        Input(service="cloudtrail", operation="DescribeTrails"),
        Input(service="s3", operation="GetBucketLogging", regional=False),
    ),
    # Same check as Security Hub CSPM CloudTrail.7 (CloudTrail.7: not in the FSBP standard); Prowler
    # cloudtrail_logs_s3_bucket_access_logging_enabled. Neither source lists a NIST 800-53 control. See
    # docs/mappings.md.
    mappings=Mappings(cis=("3.4",)),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    for tb in trail_buckets(ctx):
        bucket = tb.bucket
        if bucket is None:
            yield bucket_result(
                ctx, CONTROL, tb, NOT_ASSESSED, f"Not assessed: {missing_bucket_reason(ctx, tb)}"
            )
        elif bucket.logging_state != COLLECTED:
            message = (
                f"Not assessed: GetBucketLogging was not answered for {tb.name} ({bucket.logging_state})"
            )
            yield bucket_result(ctx, CONTROL, tb, NOT_ASSESSED, message)
        elif bucket.logging_target_bucket:
            target = bucket.logging_target_bucket
            itself = " (into itself: better a separate bucket)" if target == tb.name else ""
            values = {"TargetBucket": target, "TargetPrefix": bucket.logging_target_prefix}
            message = f"Bucket {tb.name} logs its accesses to {target}{itself}."
            yield bucket_result(ctx, CONTROL, tb, PASS, message, values=values)
        else:
            message = (
                f"Bucket {tb.name}, which holds the logs of {tb.trail_names}, has no server access "
                "logging: reads and deletions of the audit trail leave no record."
            )
            yield bucket_result(ctx, CONTROL, tb, FAIL, message, values={"TargetBucket": None})
