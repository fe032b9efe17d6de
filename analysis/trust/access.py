"""Who can perform an action on a resource: directly (the engine allows it) or by becoming one who can.

The resource-centred questions of issue 4 ("who can read this bucket", "who can decrypt with this
key"): every principal the policy engine allows, with resource policies, SCPs and RCPs, then one
reverse breadth-first search over the trust graph for everyone who can become one of them.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analysis.trust.graph import TrustGraph
from analysis.trust.nodes import ACCOUNT, ADMIN, ROLE, USER, account_of_arn
from analysis.trust.queries import SOURCE_KINDS, Path, Step

if TYPE_CHECKING:
    from analysis.iam import Decision, PolicyEngine


@dataclass(frozen=True, kw_only=True)
class AccessHolder:
    """A principal allowed an action on a resource, directly or by becoming one who is."""

    principal: str
    decision: Decision | None  # the direct decision; None for those who get there through others
    via: str | None  # the directly-allowed principal reached (None when direct)
    path: Path | None


def who_can(
    tg: TrustGraph, engine: PolicyEngine, *, action: str, resource: str, resource_account: str | None = None
) -> list[AccessHolder]:
    """Principals the engine allows ``action`` on ``resource`` (with resource policies, SCPs, RCPs), and who can become them.

    Principals of the resource's own account are all evaluated (a resource policy may grant them
    without any identity policy); others only when one of their Allow statements could match.
    """
    from analysis.iam import Request

    account = resource_account or account_of_arn(resource)
    direct: dict[str, Decision] = {}
    for node, data in tg.graph.nodes(data=True):
        n = data["node"]
        if n.kind not in (USER, ROLE):
            continue
        if n.account_id != account and not tg.permissions.might_allow(node, action):
            continue
        d = engine.evaluate(Request(principal_arn=node, action=action, resource=resource))
        if d.decision in ("allow", "conditional"):
            direct[node] = d
    out = [AccessHolder(principal=p, decision=d, via=None, path=None) for p, d in sorted(direct.items())]
    # Who can become a direct holder: one reverse BFS over all of them at once.
    parent: dict[str, str] = {}
    queue = deque(direct)
    seen = set(direct)
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
        while cur not in direct:
            nxt = parent[cur]
            steps.append(Step(source=cur, target=nxt, edges=tg.edges_between(cur, nxt)))
            cur = nxt
        out.append(AccessHolder(principal=p, decision=None, via=cur, path=Path(steps=tuple(steps))))
    return out


def who_can_read_bucket(
    tg: TrustGraph, engine: PolicyEngine, bucket_arn: str, *, account_id: str | None = None
) -> list[AccessHolder]:
    """Who can read objects of a bucket (s3:GetObject on ``<bucket ARN>/*``). Bucket ARNs carry no
    account: pass ``account_id`` (the Inventory's record has it)."""
    return who_can(tg, engine, action="s3:GetObject", resource=f"{bucket_arn}/*", resource_account=account_id)


def who_can_decrypt(tg: TrustGraph, engine: PolicyEngine, key_arn: str) -> list[AccessHolder]:
    """Who can decrypt with a KMS key (kms:Decrypt on the key ARN; the key policy must allow it)."""
    return who_can(tg, engine, action="kms:Decrypt", resource=key_arn)
