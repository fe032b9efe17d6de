"""Buckets encrypt by default with KMS keys (SSE-KMS or DSSE-KMS) (S3.17)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, LOW, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._common import result
from analysis.rules.data._s3 import LIST_BUCKETS, bucket_input, each_bucket

CONTROL = Control(
    id="s3_bucket_kms_encryption",
    title="S3 buckets encrypt by default with AWS KMS keys",
    severity=LOW,
    practice="data",
    service="s3",
    scope="resource",
    rationale=(
        "With SSE-S3, anyone allowed s3:GetObject reads the data. SSE-KMS adds a second, separately "
        "logged authorization: the reader also needs kms:Decrypt on the key, so a too-broad bucket "
        "policy alone does not expose the data and every decryption appears in CloudTrail. It matters "
        "most for buckets holding sensitive data; an auditor may waive it for public-content buckets."
    ),
    remediation=Remediation(
        console=(
            "S3 console > the bucket > Properties > Default encryption > Edit > 'Server-side encryption "
            "with AWS Key Management Service keys (SSE-KMS)', choose a customer-managed key, enable the "
            "bucket key > Save changes."
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
    # Same check as Security Hub CSPM S3.17 (S3.17: not in the FSBP standard); Prowler
    # s3_bucket_kms_encryption. NIST from Security Hub's related requirements. See docs/mappings.md.
    mappings=Mappings(
        nist=("SC-12(2)", "CM-3(6)", "SC-13", "SC-28", "SC-28(1)", "SC-7(10)", "CA-9(1)", "SI-7(6)", "AU-9")
    ),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    for item in each_bucket(ctx, CONTROL, (("encryption_state", "GetBucketEncryption"),)):
        if isinstance(item, Result):
            yield item
            continue
        bucket = item
        algorithm = bucket.encryption_algorithm
        values = {"SSEAlgorithm": algorithm, "KMSMasterKeyID": bucket.encryption_kms_key}
        if algorithm in ("aws:kms", "aws:kms:dsse"):
            key = (
                f" with {bucket.encryption_kms_key}"
                if bucket.encryption_kms_key
                else " with the AWS-managed key aws/s3"
            )
            yield result(
                CONTROL,
                bucket,
                PASS,
                f"Bucket {bucket.name} encrypts by default with KMS ({algorithm}{key}).",
                resource_id=bucket.name,
                values=values,
            )
        else:
            what = f"uses {algorithm} (S3-managed keys)" if algorithm else "has no default encryption"
            yield result(
                CONTROL,
                bucket,
                FAIL,
                f"Bucket {bucket.name} {what}, not a KMS key.",
                resource_id=bucket.name,
                values=values,
            )
