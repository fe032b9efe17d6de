"""Whether a bucket is open to the public for reading or for writing, by policy or ACL, after
Block Public Access (shared by s3_bucket_public_read and s3_bucket_public_write).

- Policy: an Allow open to everyone (see ``_policies``) that grants one of the read (or write)
  actions; ``RestrictPublicBuckets`` in force limits a public policy to the owner account and AWS
  services, so it no longer exposes the bucket (S3 User Guide, "Block public access settings").
- ACL: a grant to AllUsers or AuthenticatedUsers (any AWS account) of READ/READ_ACP (read) or
  WRITE/WRITE_ACP (write), or FULL_CONTROL; ``IgnorePublicAcls`` in force makes S3 ignore it, and
  a bucket with Object Ownership "bucket owner enforced" has no ACL in effect.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from analysis.model.s3 import S3Bucket
from analysis.rules.base import FAIL, NOT_ASSESSED, PASS
from analysis.rules.context import AssessmentContext
from analysis.rules.data._policies import grants_action, open_statements
from analysis.rules.data._s3 import block_settings

READ_ACTIONS = ("s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:ListBucketVersions")
WRITE_ACTIONS = (
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:PutObjectAcl",
    "s3:PutBucketAcl",
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "s3:DeleteBucket",
)
READ_PERMISSIONS = frozenset({"READ", "READ_ACP", "FULL_CONTROL"})
WRITE_PERMISSIONS = frozenset({"WRITE", "WRITE_ACP", "FULL_CONTROL"})


@dataclass(frozen=True, kw_only=True)
class PublicVerdict:
    status: str
    message: str
    statements: tuple[str, ...] = ()
    values: dict[str, object] = field(default_factory=dict)
    call_ids: tuple[int, ...] = ()


def public_verdict(ctx: AssessmentContext, bucket: S3Bucket, *, write: bool) -> PublicVerdict:
    """The verdict for one bucket whose policy and ACL calls were answered."""
    what = "written to" if write else "read"
    actions = WRITE_ACTIONS if write else READ_ACTIONS
    permissions = WRITE_PERMISSIONS if write else READ_PERMISSIONS
    opened = open_statements(bucket.policy, actions=lambda st: grants_action(st, actions))
    acls_apply = bucket.object_ownership != "BucketOwnerEnforced"
    acl_grants = [
        f"ACL grants {g.permission} to {g.group}"
        for g in bucket.acl_grants
        if acls_apply and g.public and g.permission in permissions
    ]
    s3_says_public = not write and bucket.policy_is_public is True and not opened
    blocks = block_settings(ctx, bucket)
    call_ids = (*bucket.call_ids, *blocks.call_ids)
    values: dict[str, object] = {
        "PolicyStatus.IsPublic": bucket.policy_is_public,
        "ObjectOwnership": bucket.object_ownership,
        "BlockPublicAccess": blocks.values(),
    }
    statements = tuple(o.describe("bucket policy") for o in opened)
    paths: list[tuple[str, str]] = []  # (how it is public, the setting that would block it)
    if opened:
        paths.append((f"its bucket policy ({len(opened)} statement(s))", "RestrictPublicBuckets"))
    if s3_says_public:
        paths.append(("its bucket policy (S3 reports the policy as public)", "RestrictPublicBuckets"))
    if acl_grants:
        paths.append(("its ACL (" + "; ".join(acl_grants) + ")", "IgnorePublicAcls"))
    if not paths:
        return PublicVerdict(
            status=PASS,
            message=f"Bucket {bucket.name}: neither its policy nor its ACL lets the public have it {what}.",
            values=values,
            call_ids=call_ids,
        )
    open_paths: list[str] = []
    unknown_paths: list[str] = []
    blocked_paths: list[str] = []
    for how, setting in paths:
        in_force = blocks.in_force(setting)
        if in_force is True:
            blocked_paths.append(f"{how}, blocked by {setting}")
        elif in_force is None:
            unknown_paths.append(how)
        else:
            open_paths.append(how)
    if open_paths:
        return PublicVerdict(
            status=FAIL,
            message=f"Bucket {bucket.name} can be {what} by anyone through {' and '.join(open_paths)}; "
            "no Block Public Access setting stops it.",
            statements=statements,
            values=values,
            call_ids=call_ids,
        )
    if unknown_paths:
        return PublicVerdict(
            status=NOT_ASSESSED,
            message=f"Not assessed: bucket {bucket.name} is public through {' and '.join(unknown_paths)} "
            f"unless the account-level Block Public Access stops it, which is unknown: {blocks.account_reason}",
            statements=statements,
            values=values,
            call_ids=call_ids,
        )
    return PublicVerdict(
        status=PASS,
        message=f"Bucket {bucket.name} grants public access through {'; '.join(blocked_paths)}: "
        "S3 does not honour it.",
        statements=statements,
        values=values,
        call_ids=call_ids,
    )
