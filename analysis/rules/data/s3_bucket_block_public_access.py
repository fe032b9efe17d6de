"""Every bucket has all four Block Public Access settings in force, at the bucket or account level (S3.8)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, HIGH, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._common import result
from analysis.rules.data._s3 import (
    ACCOUNT_BPA,
    LIST_BUCKETS,
    SETTINGS,
    block_settings,
    bucket_input,
    each_bucket,
)

CONTROL = Control(
    id="s3_bucket_block_public_access",
    title="S3 buckets have Block Public Access in force",
    severity=HIGH,
    practice="data",
    service="s3",
    scope="resource",
    rationale=(
        "Block Public Access at the bucket level keeps one bucket private whatever its policy or ACL "
        "says, and survives a change of the account-level settings. S3 applies the most restrictive "
        "combination of the bucket's and the account's settings, so a bucket is protected when each "
        "setting is on at one of the two levels; the result says which level provides it."
    ),
    remediation=Remediation(
        console=(
            "S3 console > the bucket > Permissions > Block public access (bucket settings) > Edit > "
            "tick 'Block all public access' > Save changes > confirm."
        ),
        cli=(
            "aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration "
            "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true"
        ),
        terraform=(
            'resource "aws_s3_bucket_public_access_block" "data" {\n'
            "  bucket                  = aws_s3_bucket.data.id\n"
            "  block_public_acls       = true\n"
            "  ignore_public_acls      = true\n"
            "  block_public_policy     = true\n"
            "  restrict_public_buckets = true\n"
            "}"
        ),
    ),
    inputs=(LIST_BUCKETS, bucket_input("GetPublicAccessBlock"), ACCOUNT_BPA),
    # Same check as Security Hub CSPM S3.8; Prowler s3_bucket_level_public_access_block. NIST from Security
    # Hub's related requirements. See docs/mappings.md.
    mappings=Mappings(
        cis=("2.1.4",),
        fsbp=("S3.8",),
        nist=(
            "AC-21",
            "AC-3",
            "AC-3(7)",
            "AC-4",
            "AC-4(21)",
            "AC-6",
            "SC-7",
            "SC-7(11)",
            "SC-7(16)",
            "SC-7(20)",
            "SC-7(21)",
            "SC-7(3)",
            "SC-7(4)",
            "SC-7(9)",
        ),
    ),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    for item in each_bucket(ctx, CONTROL, (("public_access_block_state", "GetPublicAccessBlock"),)):
        if isinstance(item, Result):
            yield item
            continue
        bucket = item
        blocks = block_settings(ctx, bucket)
        in_force = {s: blocks.in_force(s) for s in SETTINGS}
        off = [s for s, on in in_force.items() if on is False]
        unknown = [s for s, on in in_force.items() if on is None]
        call_ids = (*bucket.call_ids, *blocks.call_ids)
        if off:
            yield result(
                CONTROL,
                bucket,
                FAIL,
                f"Bucket {bucket.name}: {', '.join(off)} {'is' if len(off) == 1 else 'are'} off at both "
                "the bucket and the account level.",
                resource_id=bucket.name,
                values=blocks.values(),
                call_ids=call_ids,
            )
        elif unknown:
            yield ctx.not_assessed(
                CONTROL,
                account_id=bucket.account_id,
                region=bucket.region,
                reason=f"bucket {bucket.name} has {', '.join(unknown)} off and the account level is "
                f"unknown: {blocks.unknown_reason}",
                call_ids=call_ids,
                resource_arn=bucket.arn,
                resource_id=bucket.name,
            )
        else:
            level = (
                "the bucket"
                if blocks.bucket and all(blocks.bucket.values())
                else "the bucket and account levels combined"
            )
            yield result(
                CONTROL,
                bucket,
                PASS,
                f"Bucket {bucket.name} has all four Block Public Access settings in force ({level}).",
                resource_id=bucket.name,
                values=blocks.values(),
                call_ids=call_ids,
            )
