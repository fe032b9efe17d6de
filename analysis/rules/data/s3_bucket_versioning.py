"""Buckets have versioning enabled (S3.14)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, LOW, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._common import result
from analysis.rules.data._s3 import LIST_BUCKETS, bucket_input, each_bucket

CONTROL = Control(
    id="s3_bucket_versioning",
    title="S3 buckets have versioning enabled",
    severity=LOW,
    practice="data",
    service="s3",
    scope="resource",
    rationale=(
        "Versioning keeps every version of every object, so an overwrite or delete by a mistaken "
        "deployment, a compromised credential or ransomware can be undone. Without it the previous "
        "content is gone the moment it is replaced. A suspended bucket keeps old versions but no "
        "longer protects new writes."
    ),
    remediation=Remediation(
        console="S3 console > the bucket > Properties > Bucket Versioning > Edit > Enable > Save changes.",
        cli="aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration Status=Enabled",
        terraform=(
            'resource "aws_s3_bucket_versioning" "data" {\n'
            "  bucket = aws_s3_bucket.data.id\n"
            "  versioning_configuration {\n"
            '    status = "Enabled"\n'
            "  }\n"
            "}"
        ),
    ),
    inputs=(LIST_BUCKETS, bucket_input("GetBucketVersioning")),
    # Same check as Security Hub CSPM S3.14 (S3.14: not in the FSBP standard); Prowler
    # s3_bucket_object_versioning. NIST from Security Hub's related requirements. See docs/mappings.md.
    mappings=Mappings(
        nist=("AU-9(2)", "CP-10", "CP-6", "CP-6(1)", "CP-6(2)", "CP-9", "SC-5(2)", "SI-12", "SI-13(5)")
    ),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    for item in each_bucket(ctx, CONTROL, (("versioning_state", "GetBucketVersioning"),)):
        if isinstance(item, Result):
            yield item
            continue
        bucket = item
        values = {"Status": bucket.versioning}
        if bucket.versioning == "Enabled":
            yield result(
                CONTROL,
                bucket,
                PASS,
                f"Bucket {bucket.name} has versioning enabled.",
                resource_id=bucket.name,
                values=values,
            )
        else:
            state = "suspended" if bucket.versioning == "Suspended" else "never enabled"
            yield result(
                CONTROL,
                bucket,
                FAIL,
                f"Bucket {bucket.name} has versioning {state}: overwritten or deleted objects cannot be recovered.",
                resource_id=bucket.name,
                values=values,
            )
