"""Every trail encrypts its log files with a KMS key (SSE-KMS)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import (
    FAIL,
    MEDIUM,
    NOT_ASSESSED,
    PASS,
    Control,
    Input,
    Mappings,
    Remediation,
    Result,
)
from analysis.rules.context import AssessmentContext
from analysis.rules.logging._common import all_trails, home_listed, shadow_only_reason, trail_result

CONTROL = Control(
    id="cloudtrail_kms_encryption",
    title="CloudTrail log files are encrypted with a KMS key",
    severity=MEDIUM,
    practice="monitoring",
    service="cloudtrail",
    scope="resource",
    rationale=(
        "By default CloudTrail log files get S3-managed encryption, which anyone allowed to read the "
        "bucket can decrypt. With a customer managed KMS key, reading the logs also needs kms:Decrypt "
        "on that key, a second, separately audited permission, and every decryption is itself logged. "
        "API history reveals the organization's structure and weak spots, so it deserves that second "
        "lock."
    ),
    remediation=Remediation(
        console=(
            "Create a symmetric KMS key whose policy lets cloudtrail.amazonaws.com use it for the trail "
            "(kms:GenerateDataKey* with the aws:cloudtrail:arn encryption context) and lets the "
            "investigators decrypt; then CloudTrail > Trails > the trail > General details > Edit > Log "
            "file SSE-KMS encryption: Enabled, choose the key > Save."
        ),
        cli="aws cloudtrail update-trail --name <trail> --kms-key-id <key-arn>",
        terraform=(
            'resource "aws_kms_key" "cloudtrail" {\n'
            '  description         = "CloudTrail log files"\n'
            "  enable_key_rotation = true\n"
            "  policy              = data.aws_iam_policy_document.cloudtrail_key.json\n"
            "}\n"
            "\n"
            'resource "aws_cloudtrail" "org" {\n'
            '  name           = "org-trail"\n'
            "  s3_bucket_name = aws_s3_bucket.log_archive.id\n"
            "  kms_key_id     = aws_kms_key.cloudtrail.arn\n"
            "}"
        ),
    ),
    inputs=(Input(service="cloudtrail", operation="DescribeTrails"),),
    # Same check as Security Hub CSPM CloudTrail.2; Prowler cloudtrail_kms_encryption_enabled. NIST from
    # Security Hub's related requirements. See docs/mappings.md.
    mappings=Mappings(
        cis=("3.5",),
        fsbp=("CloudTrail.2",),
        nist=("AU-9", "CA-9(1)", "CM-3(6)", "SC-13", "SC-28", "SC-28(1)", "SC-7(10)", "SI-7(6)"),
    ),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    # DescribeTrails omits KmsKeyId when the trail has none (CloudTrail API reference, Trail):
    # an answered listing without the key is a trail without SSE-KMS.
    for trail in all_trails(ctx):
        if trail.kms_key_id:
            yield trail_result(
                ctx,
                CONTROL,
                trail,
                PASS,
                f"Log files are encrypted with KMS key {trail.kms_key_id}.",
                values={"KmsKeyId": trail.kms_key_id},
            )
        elif not home_listed(ctx, trail):
            yield trail_result(ctx, CONTROL, trail, NOT_ASSESSED, shadow_only_reason(trail))
        else:
            yield trail_result(
                ctx,
                CONTROL,
                trail,
                FAIL,
                f"Trail {trail.name} has no KMS key: its log files only get S3-managed encryption, readable "
                "by anyone who can read the bucket.",
                values={"KmsKeyId": None},
            )
