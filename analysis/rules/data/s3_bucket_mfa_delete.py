"""Versioned buckets require MFA to delete versions or change versioning (S3.20)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, LOW, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._common import result
from analysis.rules.data._s3 import LIST_BUCKETS, bucket_input, each_bucket

CONTROL = Control(
    id="s3_bucket_mfa_delete",
    title="S3 buckets have MFA delete enabled",
    severity=LOW,
    practice="data",
    service="s3",
    scope="resource",
    rationale=(
        "MFA delete makes permanently deleting an object version, or suspending versioning, require "
        "the bucket owner's MFA code in the request. A stolen access key alone can then no longer "
        "destroy the history that versioning keeps. It can only be enabled by the root user and is "
        "incompatible with lifecycle rules, so it suits a few critical buckets (logs, backups)."
    ),
    remediation=Remediation(
        console="Not available in the console: use the AWS CLI as the root user with its MFA device.",
        cli=(
            "aws s3api put-bucket-versioning --bucket <bucket> "
            "--versioning-configuration Status=Enabled,MFADelete=Enabled "
            '--mfa "arn:aws:iam::<account-id>:mfa/root-account-mfa-device <code>"'
        ),
        terraform=(
            'resource "aws_s3_bucket_versioning" "logs" {\n'
            "  bucket = aws_s3_bucket.logs.id\n"
            '  mfa    = "${var.root_mfa_serial} ${var.root_mfa_code}"  # applied with root credentials\n'
            "  versioning_configuration {\n"
            '    status     = "Enabled"\n'
            '    mfa_delete = "Enabled"\n'
            "  }\n"
            "}"
        ),
    ),
    inputs=(LIST_BUCKETS, bucket_input("GetBucketVersioning")),
    # Same check as Security Hub CSPM S3.20 (S3.20: not in the FSBP standard); Prowler
    # s3_bucket_no_mfa_delete. NIST from Security Hub's related requirements. See docs/mappings.md.
    mappings=Mappings(cis=("2.1.2",), nist=("CA-9(1)", "CM-2", "CM-2(2)", "CM-3", "SC-5(2)")),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    for item in each_bucket(ctx, CONTROL, (("versioning_state", "GetBucketVersioning"),)):
        if isinstance(item, Result):
            yield item
            continue
        bucket = item
        values = {"Status": bucket.versioning, "MFADelete": bucket.mfa_delete}
        if bucket.mfa_delete == "Enabled":
            yield result(
                CONTROL,
                bucket,
                PASS,
                f"Bucket {bucket.name} requires MFA to delete versions.",
                resource_id=bucket.name,
                values=values,
            )
        else:
            yield result(
                CONTROL,
                bucket,
                FAIL,
                f"Bucket {bucket.name} has MFA delete disabled (versioning {bucket.versioning}).",
                resource_id=bucket.name,
                values=values,
            )
