"""Buckets have server access logging enabled (S3.9)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from analysis.rules.base import FAIL, MEDIUM, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._common import result
from analysis.rules.data._s3 import LIST_BUCKETS, bucket_input, each_bucket

CONTROL = Control(
    id="s3_bucket_access_logging",
    title="S3 buckets have server access logging enabled",
    severity=MEDIUM,
    practice="monitoring",
    service="s3",
    scope="resource",
    rationale=(
        "Server access logs record every request to a bucket, including anonymous ones and those "
        "CloudTrail data events do not capture by default, with requester, operation, key and "
        "result. Without them an investigation cannot tell who read or deleted what. A bucket that "
        "receives other buckets' access logs need not log itself (that would loop); it passes with "
        "that reason."
    ),
    remediation=Remediation(
        console=(
            "S3 console > the bucket > Properties > Server access logging > Edit > Enable, choose a "
            "target bucket in the same region (a dedicated log bucket) and a prefix > Save changes."
        ),
        cli=(
            "aws s3api put-bucket-logging --bucket <bucket> --bucket-logging-status "
            '\'{"LoggingEnabled":{"TargetBucket":"<log-bucket>","TargetPrefix":"<bucket>/"}}\''
        ),
        terraform=(
            'resource "aws_s3_bucket_logging" "data" {\n'
            "  bucket        = aws_s3_bucket.data.id\n"
            "  target_bucket = aws_s3_bucket.access_logs.id\n"
            '  target_prefix = "data/"\n'
            "}"
        ),
    ),
    inputs=(LIST_BUCKETS, bucket_input("GetBucketLogging")),
    # Same check as Security Hub CSPM S3.9; Prowler s3_bucket_server_access_logging_enabled. NIST from
    # Security Hub's related requirements. See docs/mappings.md.
    mappings=Mappings(
        fsbp=("S3.9",),
        nist=(
            "AC-2(4)",
            "AC-4(26)",
            "AC-6(9)",
            "AU-10",
            "AU-12",
            "AU-2",
            "AU-3",
            "AU-6(3)",
            "AU-6(4)",
            "CA-7",
            "SC-7(9)",
            "SI-3(8)",
            "SI-4(20)",
            "SI-7(8)",
        ),
    ),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    sources: dict[str, list[str]] = defaultdict(list)
    for bucket in ctx.inventory.s3.buckets.values():
        if bucket.logging_target_bucket:
            sources[bucket.logging_target_bucket].append(bucket.name)
    for item in each_bucket(ctx, CONTROL, (("logging_state", "GetBucketLogging"),)):
        if isinstance(item, Result):
            yield item
            continue
        bucket = item
        values = {"TargetBucket": bucket.logging_target_bucket, "TargetPrefix": bucket.logging_target_prefix}
        if bucket.logging_target_bucket:
            yield result(
                CONTROL,
                bucket,
                PASS,
                f"Bucket {bucket.name} logs its requests to {bucket.logging_target_bucket}.",
                resource_id=bucket.name,
                values=values,
            )
        elif sources.get(bucket.name):
            logged = sources[bucket.name]
            yield result(
                CONTROL,
                bucket,
                PASS,
                f"Bucket {bucket.name} receives the access logs of {len(logged)} bucket(s) ({', '.join(logged[:3])}); "
                "it does not need access logging of its own.",
                resource_id=bucket.name,
                values={**values, "log_target_of": logged},
            )
        else:
            yield result(
                CONTROL,
                bucket,
                FAIL,
                f"Bucket {bucket.name} has server access logging disabled.",
                resource_id=bucket.name,
                values=values,
            )
