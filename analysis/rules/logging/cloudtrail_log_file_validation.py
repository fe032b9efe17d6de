"""Every trail has log file integrity validation enabled (signed digest files)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, LOW, NOT_ASSESSED, PASS, Control, Input, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.logging._common import all_trails, trail_result

CONTROL = Control(
    id="cloudtrail_log_file_validation",
    title="CloudTrail log file validation is enabled",
    severity=LOW,
    practice="monitoring",
    service="cloudtrail",
    scope="resource",
    rationale=(
        "With validation on, CloudTrail writes an hourly digest file that hashes every log file it "
        "delivered and signs the digest. An investigator can then prove that no log file was changed, "
        "deleted or added after delivery; without it, logs that an intruder could reach are weak "
        "evidence."
    ),
    remediation=Remediation(
        console="CloudTrail > Trails > choose the trail > General details > Edit > Log file validation: Enabled > Save.",
        cli=(
            "aws cloudtrail update-trail --name <trail> --enable-log-file-validation\n"
            "# Later: aws cloudtrail validate-logs --trail-arn <trail-arn> --start-time <time>"
        ),
        terraform=(
            'resource "aws_cloudtrail" "org" {\n'
            '  name                       = "org-trail"\n'
            "  s3_bucket_name             = aws_s3_bucket.log_archive.id\n"
            "  enable_log_file_validation = true\n"
            "}"
        ),
    ),
    inputs=(Input(service="cloudtrail", operation="DescribeTrails"),),
    # Same check as Security Hub CSPM CloudTrail.4; Prowler cloudtrail_log_file_validation_enabled. NIST from
    # Security Hub's related requirements. See docs/mappings.md.
    mappings=Mappings(
        cis=("3.2",), fsbp=("CloudTrail.4",), nist=("AU-9", "SI-4", "SI-7(1)", "SI-7(3)", "SI-7(7)")
    ),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    for trail in all_trails(ctx):
        value = trail.log_file_validation
        if value is None:
            yield trail_result(
                ctx, CONTROL, trail, NOT_ASSESSED, "DescribeTrails did not report LogFileValidationEnabled"
            )
        elif value:
            yield trail_result(
                ctx,
                CONTROL,
                trail,
                PASS,
                "Log file validation is enabled: digest files prove the logs unchanged.",
                values={"LogFileValidationEnabled": True},
            )
        else:
            yield trail_result(
                ctx,
                CONTROL,
                trail,
                FAIL,
                f"Trail {trail.name} has no log file validation: altered or deleted log files cannot be detected.",
                values={"LogFileValidationEnabled": False},
            )
