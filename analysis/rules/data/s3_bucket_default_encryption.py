"""Buckets have default encryption configured."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, MEDIUM, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._common import result
from analysis.rules.data._s3 import LIST_BUCKETS, bucket_input, each_bucket

CONTROL = Control(
    id="s3_bucket_default_encryption",
    title="S3 buckets have default encryption configured",
    severity=MEDIUM,
    practice="data",
    service="s3",
    scope="resource",
    rationale=(
        "Default encryption makes S3 encrypt every new object at rest even when the uploader asks "
        "for nothing. AWS has applied SSE-S3 to all buckets since January 2023, so a bucket that "
        "answers without any encryption configuration is one S3 reports as unencrypted by default "
        "(an S3-compatible store, or a setting removed): its objects may be stored in clear."
    ),
    remediation=Remediation(
        console=(
            "S3 console > the bucket > Properties > Default encryption > Edit > choose SSE-KMS (or "
            "SSE-S3) and enable the bucket key > Save changes."
        ),
        cli=(
            "aws s3api put-bucket-encryption --bucket <bucket> --server-side-encryption-configuration "
            '\'{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms",'
            '"KMSMasterKeyID":"<key-arn>"},"BucketKeyEnabled":true}]}\''
        ),
        terraform=(
            'resource "aws_s3_bucket_server_side_encryption_configuration" "data" {\n'
            "  bucket = aws_s3_bucket.data.id\n"
            "  rule {\n"
            "    apply_server_side_encryption_by_default {\n"
            '      sse_algorithm     = "aws:kms"\n'
            "      kms_master_key_id = aws_kms_key.data.arn\n"
            "    }\n"
            "    bucket_key_enabled = true\n"
            "  }\n"
            "}"
        ),
    ),
    inputs=(LIST_BUCKETS, bucket_input("GetBucketEncryption")),
    # Same check as Prowler s3_bucket_default_encryption. NIST from Prowler's NIST 800-53 Rev. 5 file
    # (Security Hub lists none). See docs/mappings.md.
    mappings=Mappings(
        nist=(
            "AU-9(3)",
            "CM-6",
            "CM-9",
            "CP-9",
            "CP-9(8)",
            "PM-11",
            "SC-8(3)",
            "SC-8(4)",
            "SC-13",
            "SC-16(1)",
            "SC-28(1)",
            "SI-19(4)",
        )
    ),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    for item in each_bucket(ctx, CONTROL, (("encryption_state", "GetBucketEncryption"),)):
        if isinstance(item, Result):
            yield item
            continue
        bucket = item
        values = {"SSEAlgorithm": bucket.encryption_algorithm, "KMSMasterKeyID": bucket.encryption_kms_key}
        if bucket.encryption_algorithm:
            yield result(
                CONTROL,
                bucket,
                PASS,
                f"Bucket {bucket.name} encrypts new objects by default ({bucket.encryption_algorithm}).",
                resource_id=bucket.name,
                values=values,
            )
        else:
            yield result(
                CONTROL,
                bucket,
                FAIL,
                f"Bucket {bucket.name} has no default encryption configuration.",
                resource_id=bucket.name,
                values=values,
            )
