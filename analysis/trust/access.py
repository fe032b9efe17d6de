"""Who can perform an action on a resource: directly (the engine allows it) or by becoming one who can.

The resource-centred questions of issue 4 ("who can read this bucket", "who can decrypt with this
key"): every principal the policy engine allows, with resource policies, SCPs and RCPs; for a
bucket, also who its ACL lets list it (``access_s3acl``); for a key, also who its grants let
decrypt (``access_kmsgrants``); then one reverse breadth-first search over the trust graph for
everyone who can become one of them.

Resource tags: for an IAM user or role as the resource, its tags (all of them, from
GetAccountAuthorizationDetails) are passed to the engine as ``aws:ResourceTag/...`` and
``iam:ResourceTag/...``. Bucket and key tags are not in the Inventory: conditions on them stay
pending and the result notes say so.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from analysis.trust.access_common import (
    BUCKET_ACL,
    KMS_GRANT,
    POLICY,
    AccessHolder,
    AccessResult,
)
from analysis.trust.graph import TrustGraph
from analysis.trust.nodes import ACCOUNT, ADMIN, ROLE, USER, account_of_arn
from analysis.trust.queries import SOURCE_KINDS, Path, Step

if TYPE_CHECKING:
    from analysis.iam import Decision, PolicyEngine
    from analysis.model.inventory import Inventory

__all__ = [
    "BUCKET_ACL",
    "KMS_GRANT",
    "POLICY",
    "AccessHolder",
    "AccessResult",
    "resource_tag_context",
    "who_can",
    "who_can_decrypt",
    "who_can_read_bucket",
]


def resource_tag_context(inventory: Inventory, resource: str) -> dict[str, tuple[str, ...]]:
    """``aws:ResourceTag/<key>`` (and ``iam:ResourceTag/<key>``) for an IAM user or role the
    Inventory holds, with its whole tag set marked known (a tag it lacks is absent); {} otherwise."""
    record = inventory.iam.users.get(resource) or inventory.iam.roles.get(resource)
    if record is None:
        return {}
    out: dict[str, tuple[str, ...]] = {"aws:resourcetag/*": (), "iam:resourcetag/*": ()}
    for key, value in record.tags.items():
        out[f"aws:resourcetag/{key.lower()}"] = (value,)
        out[f"iam:resourcetag/{key.lower()}"] = (value,)
    return out


def who_can(
    tg: TrustGraph, engine: PolicyEngine, *, action: str, resource: str, resource_account: str | None = None
) -> list[AccessHolder]:
    """Principals the engine allows ``action`` on ``resource`` (with resource policies, SCPs, RCPs), and who can become them.

    Principals of the resource's own account are all evaluated (a resource policy may grant them
    without any identity policy); others only when one of their Allow statements could match.
    """
    return _with_reachers(tg, _policy_holders(tg, engine, action, resource, resource_account))


def who_can_read_bucket(
    tg: TrustGraph, engine: PolicyEngine, bucket_arn: str, *, account_id: str | None = None
) -> AccessResult:
    """Who can read objects of a bucket (s3:GetObject on ``<bucket ARN>/*``), and who its ACL lets
    list them (``source`` ``bucket_acl``, ``actions`` the listing actions), with everyone who can
    become one of them. Bucket ARNs carry no account: pass ``account_id`` (the Inventory's record
    has it; it is taken from there when the bucket is collected)."""
    from analysis.trust.access_s3acl import bucket_acl_holders

    bucket = tg.inventory.s3.buckets.get(bucket_arn)
    account = account_id or (bucket.account_id if bucket is not None else None)
    direct = _policy_holders(tg, engine, "s3:GetObject", f"{bucket_arn}/*", account)
    notes: list[str] = []
    if bucket is None:
        notes.append(
            f"{bucket_arn} is not a bucket of the snapshot: its policy, ACL and settings are unknown"
        )
    else:
        acl, acl_notes = bucket_acl_holders(tg, engine, bucket)
        direct += acl
        notes += acl_notes
    notes += _tag_notes(direct, "bucket")
    return AccessResult(holders=tuple(_with_reachers(tg, direct)), notes=tuple(notes))


def who_can_decrypt(tg: TrustGraph, engine: PolicyEngine, key_arn: str) -> AccessResult:
    """Who can decrypt with a KMS key: kms:Decrypt on the key ARN (the key policy must allow it),
    and the key's grants that include Decrypt (``source`` ``kms_grant``), with everyone who can
    become one of them."""
    from analysis.trust.access_kmsgrants import kms_grant_holders

    direct = _policy_holders(tg, engine, "kms:Decrypt", key_arn, None)
    notes: list[str] = []
    key = tg.inventory.kms.keys.get(key_arn)
    if key is None:
        notes.append(f"{key_arn} is not a key of the snapshot: its policy and grants are unknown")
    else:
        grants, grant_notes = kms_grant_holders(tg, engine, key)
        direct += grants
        notes += grant_notes
    notes += _tag_notes(direct, "key")
    return AccessResult(holders=tuple(_with_reachers(tg, direct)), notes=tuple(notes))


def _policy_holders(
    tg: TrustGraph, engine: PolicyEngine, action: str, resource: str, resource_account: str | None
) -> list[AccessHolder]:
    from analysis.iam import Request

    account = resource_account or account_of_arn(resource)
    context: Mapping[str, tuple[str, ...]] = resource_tag_context(tg.inventory, resource)
    direct: dict[str, Decision] = {}
    for node, data in tg.graph.nodes(data=True):
        n = data["node"]
        if n.kind not in (USER, ROLE):
            continue
        if n.account_id != account and not tg.permissions.might_allow(node, action):
            continue
        d = engine.evaluate(Request(principal_arn=node, action=action, resource=resource, context=context))
        if d.decision in ("allow", "conditional"):
            direct[node] = d
    return [
        AccessHolder(principal=p, decision=d, via=None, path=None, source=POLICY)
        for p, d in sorted(direct.items())
    ]


def _with_reachers(tg: TrustGraph, direct: Sequence[AccessHolder]) -> list[AccessHolder]:
    """The direct holders, then everyone who can become one of them: one reverse BFS over all at once.

    Each is listed once, with a shortest path to the nearest direct holder; ``source`` and
    ``reason`` are that holder's.
    """
    first: dict[str, AccessHolder] = {}
    for h in direct:
        first.setdefault(h.principal, h)
    out = list(direct)
    parent: dict[str, str] = {}
    queue = deque(p for p in first if p in tg.graph)
    seen = set(first)
    pred = tg.graph.pred
    while queue:
        n = queue.popleft()
        for p in pred[n]:
            if p not in seen and tg.node(p).kind not in (ADMIN, ACCOUNT):
                seen.add(p)
                parent[p] = n
                queue.append(p)
    for p in sorted(parent):
        if tg.node(p).kind not in SOURCE_KINDS:
            continue
        steps: list[Step] = []
        cur = p
        while cur not in first:
            nxt = parent[cur]
            steps.append(Step(source=cur, target=nxt, edges=tg.edges_between(cur, nxt)))
            cur = nxt
        holder = first[cur]
        out.append(
            AccessHolder(
                principal=p,
                decision=None,
                via=cur,
                path=Path(steps=tuple(steps)),
                source=holder.source,
                reason=f"can become {cur}"
                + (f", which holds it by: {holder.reason}" if holder.reason else ""),
                actions=holder.actions,
                acl_grant=holder.acl_grant,
                kms_grant=holder.kms_grant,
            )
        )
    return out


def _tag_notes(holders: Sequence[AccessHolder], what: str) -> list[str]:
    """A note when some decision waits on the resource's tags, which the Inventory lacks."""
    keys = sorted(
        {
            c.key
            for h in holders
            if h.decision is not None
            for c in h.decision.conditions
            if c.key.lower().startswith(("aws:resourcetag/", "s3:resourcetag/", "kms:resourcetag/"))
        }
    )
    if not keys:
        return []
    return [
        f"the {what}'s tags are not collected: decisions on {', '.join(keys)} stay conditional "
        "(pass the values as request context to settle them)"
    ]
