"""Whether a bucket is open to the public for reading or for writing, by policy or ACL, after
Block Public Access (shared by s3_bucket_public_read and s3_bucket_public_write).

- Policy: an Allow open to everyone (see ``_policies``) that grants one of the read (or write)
  actions; ``RestrictPublicBuckets`` in force limits a public policy to the owner account and AWS
  services, so it no longer exposes the bucket (S3 User Guide, "Block public access settings").
- ACL: a grant to AllUsers or AuthenticatedUsers (any AWS account) of READ/READ_ACP (read) or
  WRITE/WRITE_ACP (write), or FULL_CONTROL; ``IgnorePublicAcls`` in force makes S3 ignore it, and
  a bucket with Object Ownership "bucket owner enforced" has no ACL in effect.

What is known decides when it can: a public path that nothing blocks is a FAIL even if another
input was denied; NOT_ASSESSED only when an unanswered input could change the answer.
"""

from __future__ import annotations

from analysis.model.coverage import ANSWERED
from analysis.model.s3 import S3Bucket
from analysis.rules.base import FAIL, NOT_ASSESSED, PASS, Control, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._common import field_gap, result
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


def _gap_reason(
    ctx: AssessmentContext, control: Control, bucket: S3Bucket, state: str, operation: str
) -> tuple[str, tuple[int, ...]]:
    gap = field_gap(
        ctx,
        control,
        bucket,
        resource_id=bucket.name,
        state=state,
        service="s3",
        operation=operation,
        param="Bucket",
        value=bucket.name,
        call_region="global",
    )
    assert gap is not None
    return gap.message.removeprefix("Not assessed: "), gap.evidence.call_ids


def public_result(ctx: AssessmentContext, control: Control, bucket: S3Bucket, *, write: bool) -> Result:
    what = "written to" if write else "read"
    actions = WRITE_ACTIONS if write else READ_ACTIONS
    permissions = WRITE_PERMISSIONS if write else READ_PERMISSIONS
    unknown: list[str] = []  # inputs not answered, as reasons
    call_ids: list[int] = list(bucket.call_ids)

    # (how it is public, the Block Public Access setting that would stop it)
    paths: list[tuple[str, str]] = []
    statements: tuple[str, ...] = ()
    if bucket.policy_state in ANSWERED:
        opened = open_statements(bucket.policy, actions=lambda st: grants_action(st, actions))
        statements = tuple(o.describe("bucket policy") for o in opened)
        if opened:
            paths.append((f"its bucket policy ({len(opened)} statement(s))", "RestrictPublicBuckets"))
        elif not write and bucket.policy_is_public is True:
            paths.append(("its bucket policy (S3 reports the policy as public)", "RestrictPublicBuckets"))
    else:
        reason, ids = _gap_reason(ctx, control, bucket, bucket.policy_state, "GetBucketPolicy")
        unknown.append(reason)
        call_ids.extend(ids)
    if bucket.acl_state in ANSWERED:
        acls_apply = bucket.object_ownership != "BucketOwnerEnforced"
        grants = [
            f"ACL grants {g.permission} to {g.group}"
            for g in bucket.acl_grants
            if acls_apply and g.public and g.permission in permissions
        ]
        if grants:
            paths.append(("its ACL (" + "; ".join(grants) + ")", "IgnorePublicAcls"))
    else:
        reason, ids = _gap_reason(ctx, control, bucket, bucket.acl_state, "GetBucketAcl")
        unknown.append(reason)
        call_ids.extend(ids)

    blocks = block_settings(ctx, bucket)
    call_ids.extend(blocks.call_ids)
    values: dict[str, object] = {
        "PolicyStatus.IsPublic": bucket.policy_is_public,
        "ObjectOwnership": bucket.object_ownership,
        "BlockPublicAccess": blocks.values(),
    }
    open_paths: list[str] = []
    unsure_paths: list[str] = []
    blocked_paths: list[str] = []
    for how, setting in paths:
        in_force = blocks.in_force(setting)
        if in_force is True:
            blocked_paths.append(f"{how}, blocked by {setting}")
        elif in_force is None:
            unsure_paths.append(how)
        else:
            open_paths.append(how)

    def out(status: str, message: str) -> Result:
        return result(
            control,
            bucket,
            status,
            message,
            resource_id=bucket.name,
            statements=statements,
            values=values,
            call_ids=tuple(dict.fromkeys(call_ids)),
        )

    if open_paths:
        return out(
            FAIL,
            f"Bucket {bucket.name} can be {what} by anyone through {' and '.join(open_paths)}; "
            "no Block Public Access setting stops it.",
        )
    if unsure_paths:
        return out(
            NOT_ASSESSED,
            f"Not assessed: bucket {bucket.name} is public through {' and '.join(unsure_paths)} unless "
            f"Block Public Access stops it, which is unknown: {blocks.unknown_reason}",
        )
    if unknown:
        # Whatever the unanswered input holds, S3 ignores it when both settings are in force.
        if blocks.in_force("RestrictPublicBuckets") is True and blocks.in_force("IgnorePublicAcls") is True:
            return out(PASS, f"Bucket {bucket.name}: Block Public Access ignores public policies and ACLs.")
        return out(NOT_ASSESSED, f"Not assessed: {'; '.join(unknown)}")
    if blocked_paths:
        return out(
            PASS,
            f"Bucket {bucket.name} grants public access through {'; '.join(blocked_paths)}: S3 does not honour it.",
        )
    return out(PASS, f"Bucket {bucket.name}: neither its policy nor its ACL lets the public have it {what}.")
