"""Who a bucket's ACL lets read it: the grants of GetBucketAcl, as the S3 User Guide describes them.

- "Access control list (ACL) overview": READ on a bucket lets the grantee list its objects
  (s3:ListBucket, ListBucketVersions, ListBucketMultipartUploads); FULL_CONTROL includes READ.
  Reading an object's data is granted by the object's own ACL, which is not collected. The
  grantee is the AllUsers group (anyone, signed in or not), the AuthenticatedUsers group (any
  AWS account), or an AWS account named by its canonical user id (or, in old ACLs, its email);
  an account's administrator delegates an account grant to its users through IAM policies.
- "Blocking public access to your Amazon S3 storage": IgnorePublicAcls, at the bucket or
  the account level (the most restrictive combination applies), makes S3 ignore ACL grants to
  AllUsers and AuthenticatedUsers on the bucket and its objects.
- "Controlling ownership of objects and disabling ACLs": Object Ownership BucketOwnerEnforced
  disables every ACL of the bucket and its objects.

Canonical user ids are mapped to accounts through the owners of collected buckets (the
Inventory knows each bucket's owner id and account); an id that owns no collected bucket is
reported as an external canonical user.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from analysis.model.coverage import ABSENT, COLLECTED
from analysis.model.s3 import ALL_USERS, AUTHENTICATED_USERS, AclGrant, S3Bucket
from analysis.trust.access_common import (
    BUCKET_ACL,
    KIND_BUCKET_ACL,
    AccessHolder,
    SyntheticStatement,
    derived_engine,
    grant_document,
    not_collected,
    principals_of,
    rename_refs,
    uses_any,
    with_conditions,
)
from analysis.trust.nodes import PUBLIC_ID

if TYPE_CHECKING:
    from analysis.iam import Decision, PendingCondition, PolicyEngine, StatementRef
    from analysis.model.inventory import Inventory
    from analysis.trust.graph import TrustGraph

READ_PERMISSIONS = frozenset({"READ", "FULL_CONTROL"})
# What READ on a bucket allows (S3 User Guide, "Access control list (ACL) overview",
# "Mapping of ACL permissions and access policy permissions").
BUCKET_READ_ACTIONS = ("s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads")
BUCKET_OWNER_ENFORCED = "BucketOwnerEnforced"
# The caller a public ACL grant is evaluated for: the root user of an account outside any
# organization the snapshot holds (not a real account id, so it never matches one).
OUTSIDER = "arn:aws:iam::000000000000:root"

OBJECT_ACLS_NOTE = (
    "object ACLs are not collected: an object's own ACL can let anyone it names read that object "
    "(s3:GetObject), which the bucket ACL's READ does not (it lists the objects)"
)


def canonical_owners(inventory: Inventory) -> dict[str, str]:
    """Canonical user id -> account id, from the owners of the collected buckets' ACLs."""
    out: dict[str, str] = {}
    for bucket in inventory.s3.buckets.values():
        if bucket.acl_owner_id:
            out.setdefault(bucket.acl_owner_id, bucket.account_id)
    return out


def bucket_acl_holders(
    tg: TrustGraph, engine: PolicyEngine, bucket: S3Bucket
) -> tuple[list[AccessHolder], list[str]]:
    """Holders the bucket ACL adds (listing the objects), and notes on what could not be told."""
    notes: list[str] = []
    name = bucket.name
    if bucket.object_ownership == BUCKET_OWNER_ENFORCED:
        notes.append(
            f"{name}: ACLs are disabled (Object Ownership BucketOwnerEnforced): neither the bucket ACL "
            "nor object ACLs grant access; policies alone decide"
        )
        return [], notes
    notes.append(OBJECT_ACLS_NOTE)
    if bucket.acl_state != COLLECTED:
        notes.append(f"{name}: the bucket ACL was not collected ({bucket.acl_state}): its grants are unknown")
        return [], notes
    owners = canonical_owners(tg.inventory)
    ignore_public, public_unknown = _ignore_public_acls(tg.inventory, bucket)
    holders: list[AccessHolder] = []
    account_grants: dict[str, list[tuple[int, AclGrant]]] = {}
    outside: list[tuple[str, str, int, AclGrant, list[tuple[str, str]]]] = []
    for i, grant in enumerate(bucket.acl_grants):
        if grant.permission not in READ_PERMISSIONS:
            continue
        if grant.grantee_uri in (ALL_USERS, AUTHENTICATED_USERS):
            if ignore_public:
                notes.append(
                    f"{name}: the ACL grants {grant.permission} to {grant.group}, ignored: "
                    f"IgnorePublicAcls is on ({ignore_public})"
                )
                continue
            who = (
                "anyone, signed in or not (AllUsers)"
                if grant.grantee_uri == ALL_USERS
                else "any AWS account's principals (AuthenticatedUsers)"
            )
            outside.append((PUBLIC_ID, who, i, grant, public_unknown))
        elif grant.grantee_type == "CanonicalUser" and grant.grantee_id:
            account = owners.get(grant.grantee_id)
            if grant.grantee_id == bucket.acl_owner_id or account == bucket.account_id:
                continue  # the owner's own grant: its principals are decided by their IAM policies
            if account is not None:
                account_grants.setdefault(account, []).append((i, grant))
            else:
                who = (
                    f"canonical user {grant.grantee_id} (it owns no collected bucket: an account outside "
                    "the snapshot, whose administrator can delegate the grant to its principals)"
                )
                outside.append((f"canonical:{grant.grantee_id}", who, i, grant, []))
        elif grant.grantee_email:
            who = f"the AWS account of {grant.grantee_email}"
            outside.append((f"email:{grant.grantee_email}", who, i, grant, []))
        else:
            notes.append(f"{name}: ACL grant {i} ({grant.permission}) names a grantee that is not understood")
    for principal, who, i, grant, unknown in outside:
        found = _outside_holder(tg, engine, bucket, principal, who, i, grant, unknown)
        if isinstance(found, str):
            notes.append(found)
        else:
            holders.append(found)
    for account, grants in sorted(account_grants.items()):
        holders += _account_holders(tg, engine, bucket, account, grants)
    return holders, notes


def _outside_holder(
    tg: TrustGraph,
    engine: PolicyEngine,
    bucket: S3Bucket,
    principal: str,
    who: str,
    index: int,
    grant: AclGrant,
    unknown: list[tuple[str, str]],
) -> AccessHolder | str:
    """A holder outside the snapshot's principals (``public:*``, a canonical user, an email), or a
    note when a Deny refuses the grant.

    The grant is asked of the engine as the statement ``Principal: "*"`` beside the bucket
    policy's Deny statements, for the root user of an account outside the organization: the
    nearest the engine has to such a caller (no SCPs of ours apply to it; the bucket's RCPs do,
    and Deny statements that refuse callers outside the organization match it as they would
    match an anonymous one).
    """
    from analysis.iam import Request

    ref = _acl_ref(bucket, index, grant)
    statement = SyntheticStatement(
        statement={
            "Effect": "Allow",
            "Principal": "*",
            "Action": list(BUCKET_READ_ACTIONS),
            "Resource": bucket.arn,
        },
        ref=ref,
    )
    derived, refs = _engine_with_statements(tg, engine, bucket, [statement])
    d = derived.evaluate(Request(principal_arn=OUTSIDER, action="s3:ListBucket", resource=bucket.arn))
    d = rename_refs(d, refs, policy=bucket.arn)
    # The outsider's own "root user" identity statement is how the engine is asked, not evidence.
    d = replace(d, deciding=tuple(r for r in d.deciding if r.policy != "root user"))
    if not d.possibly_allowed:
        refused = "; ".join(r.describe() for r in d.deciding)
        return f"{bucket.name}: the ACL grants {grant.permission} to {who}, but {d.summary()}: {refused}"
    extra = _missing_evidence(bucket, ref) + [not_collected(what, why, ref) for what, why in unknown]
    d = with_conditions(d, extra, "evidence the snapshot lacks could disable the ACL grant")
    return _holder(
        principal,
        bucket,
        grant,
        replace(d, reasons=(f"the bucket ACL grants {grant.permission} to {who}", *d.reasons)),
        f"bucket ACL grants {grant.permission} to {who}: they can list the objects of {bucket.name}",
    )


def _account_holders(
    tg: TrustGraph,
    engine: PolicyEngine,
    bucket: S3Bucket,
    account: str,
    grants: list[tuple[int, AclGrant]],
) -> list[AccessHolder]:
    """Principals of a collected account an ACL grant names: those whose own policies (and SCPs)
    allow listing the bucket; the bucket policy's Deny statements and RCPs still apply."""
    from analysis.iam import Request

    synthetic = [
        SyntheticStatement(
            statement={
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:{engine.partition}:iam::{account}:root"},
                "Action": list(BUCKET_READ_ACTIONS),
                "Resource": bucket.arn,
            },
            ref=_acl_ref(bucket, i, grant),
        )
        for i, grant in grants
    ]
    derived, refs = _engine_with_statements(tg, engine, bucket, synthetic)
    extra = _missing_evidence(bucket, synthetic[0].ref)
    grant = grants[0][1]
    out = []
    for principal in principals_of(tg, account, "s3:ListBucket"):
        d = derived.evaluate(Request(principal_arn=principal, action="s3:ListBucket", resource=bucket.arn))
        d = rename_refs(d, refs, policy=bucket.arn)
        if not d.possibly_allowed or not uses_any(d, refs.values()):
            continue
        d = with_conditions(d, extra, "evidence the snapshot lacks could disable the ACL grant")
        out.append(
            _holder(
                principal,
                bucket,
                grant,
                d,
                f"bucket ACL grants {grant.permission} to account {account}, whose IAM policies give it to "
                f"this principal: it can list the objects of {bucket.name}",
            )
        )
    return out


def _engine_with_statements(
    tg: TrustGraph, engine: PolicyEngine, bucket: S3Bucket, synthetic: list[SyntheticStatement]
) -> tuple[PolicyEngine, dict[int, StatementRef]]:
    """An engine whose policy for ``bucket`` is its Deny statements plus ``synthetic``."""
    document = grant_document(bucket.policy, synthetic)
    inventory = tg.inventory
    buckets = dict(inventory.s3.buckets)
    buckets[bucket.arn] = replace(bucket, policy=document, policy_state=COLLECTED)
    derived = derived_engine(engine, replace(inventory, s3=replace(inventory.s3, buckets=buckets)))
    offset = len(bucket.policy.statements) if bucket.policy is not None else 0
    return derived, {offset + n: s.ref for n, s in enumerate(synthetic)}


def _missing_evidence(bucket: S3Bucket, ref: StatementRef) -> list[PendingCondition]:
    """What the snapshot lacks that could take an ACL grant away: the bucket policy's Denies,
    and an Object Ownership that would disable ACLs."""
    out = []
    if bucket.policy_state not in (COLLECTED, ABSENT):
        out.append(
            not_collected(
                f"bucket policy of {bucket.name}", f"{bucket.policy_state}; a Deny in it could refuse", ref
            )
        )
    if bucket.ownership_state not in (COLLECTED, ABSENT):
        out.append(
            not_collected(
                f"Object Ownership of bucket {bucket.name}",
                f"{bucket.ownership_state}; BucketOwnerEnforced would disable the ACL",
                ref,
            )
        )
    return out


def _ignore_public_acls(inventory: Inventory, bucket: S3Bucket) -> tuple[str, list[tuple[str, str]]]:
    """(where IgnorePublicAcls is on, or ""; the levels whose setting the snapshot lacks)."""
    unknown: list[tuple[str, str]] = []
    on: list[str] = []
    pab = bucket.public_access_block
    if bucket.public_access_block_state == COLLECTED and pab is not None:
        if pab.ignore_public_acls:
            on.append("bucket level")
    elif bucket.public_access_block_state != ABSENT:
        unknown.append((f"Block Public Access of bucket {bucket.name}", bucket.public_access_block_state))
    account = inventory.s3.account_block(bucket.account_id)
    if account is None:
        unknown.append((f"account-level Block Public Access of {bucket.account_id}", "not_collected"))
    elif account.state == COLLECTED and account.configuration is not None:
        if account.configuration.ignore_public_acls:
            on.append("account level")
    elif account.state != ABSENT:
        unknown.append((f"account-level Block Public Access of {bucket.account_id}", account.state))
    return " and ".join(on), ([] if on else unknown)


def _acl_ref(bucket: S3Bucket, index: int, grant: AclGrant) -> StatementRef:
    from analysis.iam import StatementRef

    grantee = grant.group or grant.grantee_id or grant.grantee_email or "?"
    return StatementRef(
        kind=KIND_BUCKET_ACL,
        policy=bucket.arn,
        where=f"ACL of bucket {bucket.name}: {grant.permission} to {grantee}",
        index=index,
        sid=None,
        effect="Allow",
    )


def _holder(
    principal: str, bucket: S3Bucket, grant: AclGrant, decision: Decision, reason: str
) -> AccessHolder:
    return AccessHolder(
        principal=principal,
        decision=decision,
        via=None,
        path=None,
        source=BUCKET_ACL,
        reason=reason,
        actions=BUCKET_READ_ACTIONS,
        acl_grant=grant,
        call_ids=bucket.call_ids,
    )
