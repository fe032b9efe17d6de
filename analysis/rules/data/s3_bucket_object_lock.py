"""Buckets have S3 Object Lock enabled (S3.15)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, LOW, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._common import result
from analysis.rules.data._s3 import LIST_BUCKETS, bucket_input, each_bucket

CONTROL = Control(
    id="s3_bucket_object_lock",
    title="S3 buckets have Object Lock enabled",
    severity=LOW,
    practice="data",
    service="s3",
    scope="resource",
    rationale=(
        "Object Lock stores objects write-once-read-many: in compliance mode not even the root user "
        "can delete or overwrite a locked version before its retention ends. It is the control that "
        "keeps audit logs and backups intact after an account compromise, and what WORM retention "
        "rules ask for. Buckets that hold no records needing retention may be waived."
    ),
    remediation=Remediation(
        console=(
            "S3 console > the bucket > Properties > Object Lock > Edit > Enable, then set a default "
            "retention mode (Compliance for evidence and logs) and period > Save changes."
        ),
        cli=(
            "aws s3api put-object-lock-configuration --bucket <bucket> --object-lock-configuration "
            '\'{"ObjectLockEnabled":"Enabled","Rule":{"DefaultRetention":{"Mode":"COMPLIANCE","Days":365}}}\''
        ),
        terraform=(
            'resource "aws_s3_bucket_object_lock_configuration" "logs" {\n'
            "  bucket = aws_s3_bucket.logs.id\n"
            "  rule {\n"
            "    default_retention {\n"
            '      mode = "COMPLIANCE"\n'
            "      days = 365\n"
            "    }\n"
            "  }\n"
            "}"
        ),
    ),
    inputs=(LIST_BUCKETS, bucket_input("GetObjectLockConfiguration")),
    # Same check as Security Hub CSPM S3.15 (S3.15: not in the FSBP standard); Prowler s3_bucket_object_lock.
    # NIST from Security Hub's related requirements. See docs/mappings.md.
    mappings=Mappings(nist=("CP-6(2)",)),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    for item in each_bucket(ctx, CONTROL, (("object_lock_state", "GetObjectLockConfiguration"),)):
        if isinstance(item, Result):
            yield item
            continue
        bucket = item
        values = {
            "ObjectLockEnabled": bucket.object_lock_enabled,
            "DefaultRetentionMode": bucket.object_lock_mode,
        }
        if bucket.object_lock_enabled:
            mode = (
                f", default retention {bucket.object_lock_mode}"
                if bucket.object_lock_mode
                else ", no default retention"
            )
            yield result(
                CONTROL,
                bucket,
                PASS,
                f"Bucket {bucket.name} has Object Lock enabled{mode}.",
                resource_id=bucket.name,
                values=values,
            )
        else:
            yield result(
                CONTROL,
                bucket,
                FAIL,
                f"Bucket {bucket.name} has no Object Lock: its objects can be deleted or overwritten.",
                resource_id=bucket.name,
                values=values,
            )
