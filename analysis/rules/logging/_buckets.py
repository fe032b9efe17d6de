"""The S3 buckets trails deliver to, and whether one is public, read from the S3 inventory.

The bucket is often in another account (the log archive): its settings are judged only when
that account's S3 was collected; otherwise the result says so.

"Public" follows the S3 User Guide, "Blocking public access to your Amazon S3 storage" > "The
meaning of 'public'": an ACL grant to AllUsers or AuthenticatedUsers, or a bucket policy
statement that allows a wildcard principal without a condition pinning it to fixed values of
the keys S3 accepts (aws:SourceArn, aws:SourceAccount, aws:SourceVpc(e), aws:PrincipalOrgID,
...). S3's own judgement (GetBucketPolicyStatus IsPublic) is used when it was answered.
Block Public Access at the bucket or the account neutralises them: IgnorePublicAcls makes S3
ignore public ACL grants, RestrictPublicBuckets limits a public policy to AWS services and the
owner's own principals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from analysis.model.coverage import ANSWERED, COLLECTED
from analysis.rules.base import Control, Result
from analysis.rules.logging._common import Tri, result, trail_ids

if TYPE_CHECKING:
    from analysis.model.monitoring import Trail
    from analysis.model.policy_doc import Statement
    from analysis.model.s3 import PublicAccessBlock, S3Bucket
    from analysis.rules.context import AssessmentContext

# Condition keys whose fixed values make a wildcard principal non-public (S3 User Guide).
_FIXED_KEYS = frozenset(
    {
        "aws:sourcearn",
        "aws:sourceaccount",
        "aws:sourceowner",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:sourceip",
        "aws:principalorgid",
        "aws:principalaccount",
        "aws:principalarn",
        "aws:userid",
        "s3:dataaccesspointarn",
        "s3:dataaccesspointaccount",
    }
)
_OPEN_NETWORKS = frozenset({"0.0.0.0/0", "::/0"})


@dataclass(frozen=True, kw_only=True)
class TrailBucket:
    """One bucket trails deliver to: the trails, and the bucket record when it was collected."""

    name: str
    arn: str
    trails: tuple[Trail, ...]
    bucket: S3Bucket | None

    @property
    def owner_hint(self) -> str:
        return self.bucket.account_id if self.bucket else self.trails[0].account_id

    @property
    def trail_names(self) -> str:
        return ", ".join(f"{t.name} ({t.account_id})" for t in self.trails)


def trail_buckets(ctx: AssessmentContext) -> Iterator[TrailBucket]:
    """Each distinct bucket any trail delivers to, with the trails that use it."""
    by_name: dict[str, list[Trail]] = defaultdict(list)
    for trail in sorted(ctx.inventory.monitoring.trails.values(), key=lambda t: t.arn):
        if trail.s3_bucket:
            by_name[trail.s3_bucket].append(trail)
    buckets = ctx.inventory.s3.buckets
    for name in sorted(by_name):
        arn = f"arn:{ctx.partition}:s3:::{name}"
        yield TrailBucket(name=name, arn=arn, trails=tuple(by_name[name]), bucket=buckets.get(arn))


def bucket_result(
    ctx: AssessmentContext,
    control: Control,
    tb: TrailBucket,
    status: str,
    message: str,
    *,
    call_ids: Iterable[int] = (),
    values: Mapping[str, object] | None = None,
) -> Result:
    """A result about a trail bucket (its owner and region when collected, else the first trail's)."""
    ids = [i for t in tb.trails for i in trail_ids(ctx, t)]
    return result(
        control,
        status=status,
        account_id=tb.owner_hint,
        region=tb.bucket.region if tb.bucket else tb.trails[0].home_region,
        resource_arn=tb.arn,
        resource_id=tb.name,
        message=message,
        call_ids=(*(tb.bucket.call_ids if tb.bucket else ()), *call_ids, *ids),
        values=values,
    )


def missing_bucket_reason(ctx: AssessmentContext, tb: TrailBucket) -> str:
    owners = sorted({t.account_id for t in tb.trails})
    collected = [a for a in owners if ctx.inventory.s3.account_block(a) is not None]
    where = (
        "its owner account's S3 was not collected" if not collected else "it is not among the listed buckets"
    )
    return (
        f"bucket {tb.name} (used by {tb.trail_names}) is not in the snapshot: {where}; it may belong "
        "to another account (the log archive) whose S3 was not collected"
    )


@dataclass(frozen=True, kw_only=True)
class Exposure:
    public: Tri
    grants: tuple[str, ...] = ()  # what makes it public
    unknowns: tuple[str, ...] = ()
    blocks: tuple[str, ...] = ()  # what Block Public Access settings apply
    values: dict[str, object] = field(default_factory=dict)


def _blocks(ctx: AssessmentContext, bucket: S3Bucket) -> tuple[list[PublicAccessBlock], list[str], list[str]]:
    """The known Block Public Access configurations (bucket, account), their names, the unknown ones."""
    configs: list[PublicAccessBlock] = []
    names: list[str] = []
    unknown: list[str] = []
    if bucket.public_access_block_state == COLLECTED and bucket.public_access_block is not None:
        configs.append(bucket.public_access_block)
        names.append("bucket")
    elif bucket.public_access_block_state not in ANSWERED:
        unknown.append(f"the bucket's Block Public Access ({bucket.public_access_block_state})")
    account = ctx.inventory.s3.account_block(bucket.account_id)
    if account is not None and account.state == COLLECTED and account.configuration is not None:
        configs.append(account.configuration)
        names.append("account")
    elif account is None or account.state not in ANSWERED:
        unknown.append(
            f"account {bucket.account_id}'s Block Public Access ({account.state if account else 'not collected'})"
        )
    return configs, names, unknown


def _statement_public(st: Statement) -> bool:
    if st.effect != "Allow":
        return False
    if st.not_principal is not None:
        return True  # Allow with NotPrincipal: everyone but the named
    principal = st.principal or {}
    wildcard = "*" in principal or "*" in principal.get("AWS", ())
    if not wildcard:
        return False
    for operator, keys in st.condition.items():
        op = operator.lower()
        if op.startswith(("stringnot", "arnnot", "notip")) or op.endswith("ifexists") or op.startswith("for"):
            continue
        for key, values in keys.items():
            k = key.lower()
            if k not in _FIXED_KEYS or not values:
                continue
            if any("*" in v or "?" in v for v in values):
                continue
            if k == "aws:sourceip" and any(v in _OPEN_NETWORKS for v in values):
                continue
            return False  # pinned to fixed values: not public
    return True


def exposure(ctx: AssessmentContext, bucket: S3Bucket) -> Exposure:
    configs, block_names, block_unknown = _blocks(ctx, bucket)
    ignore_acls = any(c.ignore_public_acls for c in configs)
    restrict = any(c.restrict_public_buckets for c in configs)
    blocks = tuple(
        f"{name}: IgnorePublicAcls={c.ignore_public_acls}, RestrictPublicBuckets={c.restrict_public_buckets}"
        for name, c in zip(block_names, configs, strict=True)
    )
    values: dict[str, object] = {"block_public_access": list(blocks)}
    if ignore_acls and restrict:
        return Exposure(public=False, blocks=blocks, values=values)
    grants: list[str] = []
    unknowns: list[str] = []
    # ACL grants (ignored when ACLs are disabled by BucketOwnerEnforced or by IgnorePublicAcls).
    if bucket.object_ownership != "BucketOwnerEnforced" and not ignore_acls:
        if bucket.acl_state == COLLECTED:
            grants.extend(f"ACL grant to {g}" for g in bucket.public_acl_groups)
        elif bucket.acl_state not in ANSWERED:
            unknowns.append(f"the bucket ACL ({bucket.acl_state})")
    if not restrict:
        if bucket.policy_state == COLLECTED and bucket.policy is not None:
            if bucket.policy_status_state == COLLECTED and bucket.policy_is_public is not None:
                if bucket.policy_is_public:
                    grants.append("bucket policy judged public by S3 (GetBucketPolicyStatus)")
            else:
                grants.extend(
                    f"bucket policy statement {st.index}"
                    + (f" ({st.sid})" if st.sid else "")
                    + " allows a wildcard principal"
                    for st in bucket.policy.statements
                    if _statement_public(st)
                )
        elif bucket.policy_state not in ANSWERED:
            unknowns.append(f"the bucket policy ({bucket.policy_state})")
    values["public_grants"] = list(grants)
    if grants and block_unknown:
        # A public grant is real unless a Block Public Access setting we could not read removes it.
        return Exposure(
            public=None, grants=tuple(grants), unknowns=tuple(block_unknown), blocks=blocks, values=values
        )
    if grants:
        return Exposure(public=True, grants=tuple(grants), blocks=blocks, values=values)
    if unknowns:
        return Exposure(public=None, unknowns=tuple(unknowns), blocks=blocks, values=values)
    return Exposure(public=False, blocks=blocks, values=values)
