"""Buckets have ACLs disabled (Object Ownership "bucket owner enforced") (S3.12)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, MEDIUM, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._common import result
from analysis.rules.data._s3 import LIST_BUCKETS, bucket_input, each_bucket

NEEDS = (("ownership_state", "GetBucketOwnershipControls"), ("acl_state", "GetBucketAcl"))

CONTROL = Control(
    id="s3_bucket_acls_disabled",
    title="S3 buckets have ACLs disabled (bucket owner enforced)",
    severity=MEDIUM,
    practice="data",
    service="s3",
    scope="resource",
    rationale=(
        "ACLs are a legacy access mechanism outside IAM: grants to other accounts or predefined "
        "groups are easy to miss in a policy review, and with ObjectWriter ownership objects "
        "uploaded by other accounts stay theirs. Setting Object Ownership to 'bucket owner "
        "enforced' disables every bucket and object ACL so that policies alone decide access. A "
        "bucket without an ownership setting behaves as ObjectWriter."
    ),
    remediation=Remediation(
        console=(
            "S3 console > the bucket > Permissions > Object Ownership > Edit > 'ACLs disabled "
            "(recommended)' > Save changes. Move any access the ACL granted into the bucket policy first."
        ),
        cli=(
            "aws s3api put-bucket-ownership-controls --bucket <bucket> "
            "--ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'"
        ),
        terraform=(
            'resource "aws_s3_bucket_ownership_controls" "data" {\n'
            "  bucket = aws_s3_bucket.data.id\n"
            "  rule {\n"
            '    object_ownership = "BucketOwnerEnforced"\n'
            "  }\n"
            "}"
        ),
    ),
    inputs=(LIST_BUCKETS, *(bucket_input(op) for _, op in NEEDS)),
    # Same check as Security Hub CSPM S3.12; Prowler s3_bucket_acl_prohibited. NIST from Security Hub's
    # related requirements. See docs/mappings.md.
    mappings=Mappings(fsbp=("S3.12",), nist=("AC-2(1)", "AC-3", "AC-3(15)", "AC-3(7)", "AC-6")),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    for item in each_bucket(ctx, CONTROL, NEEDS):
        if isinstance(item, Result):
            yield item
            continue
        bucket = item
        ownership = bucket.object_ownership or "ObjectWriter (no ownership controls)"
        others = [
            f"{g.permission} to {g.group or g.grantee_email or g.grantee_id}"
            for g in bucket.acl_grants
            if g.grantee_id != bucket.acl_owner_id
        ]
        values = {"ObjectOwnership": ownership, "grants_to_others": others}
        if bucket.object_ownership == "BucketOwnerEnforced":
            yield result(
                CONTROL,
                bucket,
                PASS,
                f"Bucket {bucket.name} has ACLs disabled (BucketOwnerEnforced).",
                resource_id=bucket.name,
                values=values,
            )
            continue
        extra = f"; its ACL grants {', '.join(others)}" if others else ""
        yield result(
            CONTROL,
            bucket,
            FAIL,
            f"Bucket {bucket.name} still honours ACLs (Object Ownership {ownership}){extra}.",
            resource_id=bucket.name,
            values=values,
        )
