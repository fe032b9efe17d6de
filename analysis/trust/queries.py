"""Questions auditors ask of the trust graph: who reaches admin, what an outsider reaches, who can read X.

Shortest paths come from one reverse breadth-first search from the goal: every node that
can reach it gets its distance, and the shortest paths are the walks that lower the
distance by one at each step. That is linear in the graph, however many sources there
are, and keeps "who can reach admin in account X" well under a second at 500 accounts.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analysis.trust.edges.base import Edge
from analysis.trust.graph import TrustGraph
from analysis.trust.nodes import (
    ACCOUNT,
    ADMIN,
    EXTERNAL_ACCOUNT,
    EXTERNAL_PRINCIPAL,
    FEDERATED,
    OIDC_PROVIDER,
    PUBLIC,
    ROLE,
    SAML_PROVIDER,
    SSO_GROUP,
    SSO_USER,
    USER,
    account_of_arn,
    admin_node_id,
)

if TYPE_CHECKING:
    from analysis.iam import Decision, PolicyEngine

ENTRY_KINDS = frozenset(
    {EXTERNAL_ACCOUNT, EXTERNAL_PRINCIPAL, PUBLIC, SAML_PROVIDER, OIDC_PROVIDER, FEDERATED}
)
# Kinds that stand for someone who starts a path (not the admin goal or "any principal of" nodes).
SOURCE_KINDS = frozenset({USER, ROLE, SSO_USER, SSO_GROUP, *ENTRY_KINDS})
ESCALATION_KINDS = frozenset({"escalation", "pass_role"})


@dataclass(frozen=True, kw_only=True)
class Step:
    source: str
    target: str
    edges: tuple[Edge, ...]  # every way from source to target

    @property
    def conditional(self) -> bool:
        return all(e.conditional for e in self.edges)

    @property
    def escalation(self) -> bool:
        return any(e.kind in ESCALATION_KINDS for e in self.edges)


@dataclass(frozen=True, kw_only=True)
class Path:
    steps: tuple[Step, ...]

    @property
    def nodes(self) -> tuple[str, ...]:
        if not self.steps:
            return ()
        return (self.steps[0].source, *(s.target for s in self.steps))

    @property
    def conditional(self) -> bool:
        return any(s.conditional for s in self.steps)

    @property
    def escalation(self) -> bool:
        return any(s.escalation for s in self.steps)

    def describe(self, tg: TrustGraph) -> str:
        parts = [tg.node(self.nodes[0]).label] if self.steps else []
        for s in self.steps:
            parts.append(f"--[{s.edges[0].technique}]--> {tg.node(s.target).label}")
        return " ".join(parts)


@dataclass(frozen=True, kw_only=True)
class Reach:
    """A source and its shortest paths to a goal (or a goal reached from a source)."""

    node: str
    kind: str
    distance: int
    paths: tuple[Path, ...]
    truncated: bool  # more shortest paths exist than were listed


def distances_to(tg: TrustGraph, target: str) -> dict[str, int]:
    """Every node that can reach ``target``, with its distance (reverse BFS)."""
    if target not in tg.graph:
        return {}
    dist = {target: 0}
    queue = deque([target])
    pred = tg.graph.pred
    while queue:
        n = queue.popleft()
        d = dist[n] + 1
        for p in pred[n]:
            if p not in dist:
                dist[p] = d
                queue.append(p)
    return dist


def shortest_paths(
    tg: TrustGraph, source: str, dist: dict[str, int], *, limit: int = 20
) -> tuple[list[Path], bool]:
    """Every shortest path from ``source`` to the goal ``dist`` was computed for (at most ``limit``)."""
    out: list[Path] = []
    truncated = False
    adj = tg.graph.adj

    def walk(node: str, steps: list[Step]) -> None:
        nonlocal truncated
        if len(out) >= limit:
            truncated = True
            return
        if dist[node] == 0:
            out.append(Path(steps=tuple(steps)))
            return
        for nxt, data in adj[node].items():
            if dist.get(nxt) == dist[node] - 1:
                walk(nxt, [*steps, Step(source=node, target=nxt, edges=data["edges"])])

    if source in dist:
        walk(source, [])
    return out, truncated


def who_can_reach_admin(
    tg: TrustGraph, account_id: str, *, limit: int = 20, kinds: Iterable[str] = SOURCE_KINDS
) -> list[Reach]:
    """Every principal or entry point that can reach admin of ``account_id``, nearest first, with its shortest paths."""
    dist = distances_to(tg, admin_node_id(account_id))
    wanted = frozenset(kinds)
    out: list[Reach] = []
    for node, d in dist.items():
        if d == 0:
            continue
        kind = tg.node(node).kind
        if kind not in wanted:
            continue
        paths, truncated = shortest_paths(tg, node, dist, limit=limit)
        out.append(Reach(node=node, kind=kind, distance=d, paths=tuple(paths), truncated=truncated))
    out.sort(key=lambda r: (r.distance, r.node))
    return out


def reachable_from(tg: TrustGraph, source: str, *, max_depth: int | None = None) -> list[Reach]:
    """Every node ``source`` can become or control, nearest first, each with one shortest path."""
    if source not in tg.graph:
        raise KeyError(f"{source} is not a node of the trust graph")
    parent: dict[str, str | None] = {source: None}
    depth = {source: 0}
    queue = deque([source])
    adj = tg.graph.adj
    while queue:
        n = queue.popleft()
        if max_depth is not None and depth[n] >= max_depth:
            continue
        for m in adj[n]:
            if m not in parent:
                parent[m] = n
                depth[m] = depth[n] + 1
                queue.append(m)
    out: list[Reach] = []
    for node, d in depth.items():
        if d == 0:
            continue
        steps: list[Step] = []
        cur = node
        while parent[cur] is not None:
            prev = parent[cur]
            assert prev is not None
            steps.append(Step(source=prev, target=cur, edges=tg.edges_between(prev, cur)))
            cur = prev
        out.append(
            Reach(
                node=node,
                kind=tg.node(node).kind,
                distance=d,
                paths=(Path(steps=tuple(reversed(steps))),),
                truncated=False,
            )
        )
    out.sort(key=lambda r: (r.distance, r.node))
    return out


def entry_points(tg: TrustGraph) -> dict[str, list[Reach]]:
    """External accounts and principals, ``*`` and identity providers, with everything each can reach."""
    return {
        n: reachable_from(tg, n)
        for n, data in tg.graph.nodes(data=True)
        if data["node"].kind in ENTRY_KINDS and tg.graph.out_degree(n)
    }


def escalating_principals(tg: TrustGraph) -> list[str]:
    """Principals with at least one privilege-escalation edge."""
    return sorted(
        {
            e.source
            for e in tg.all_edges()
            if e.kind in ESCALATION_KINDS and tg.node(e.source).kind in (USER, ROLE)
        }
    )


def reachable_admin_accounts(tg: TrustGraph, source: str) -> list[str]:
    return [r.node.split(":", 1)[1] for r in reachable_from(tg, source) if r.kind == ADMIN]


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


def iter_paths(reaches: Iterable[Reach]) -> Iterator[Path]:
    for r in reaches:
        yield from r.paths


# -- SCP / RCP what-if ----------------------------------------------------------------------------

# Always checked by the what-if besides the draft's own actions: what paths to admin are made of.
WHATIF_CORE_ACTIONS = (
    "*",
    "sts:AssumeRole",
    "iam:PassRole",
    "iam:AttachRolePolicy",
    "iam:PutRolePolicy",
    "iam:CreatePolicyVersion",
    "iam:CreateAccessKey",
    "iam:UpdateAssumeRolePolicy",
)
MAX_DRAFT_ACTIONS = 300


@dataclass(frozen=True, kw_only=True)
class LostPermission:
    principal: str
    action: str
    before: Decision
    after: Decision


@dataclass(frozen=True, kw_only=True)
class CutPath:
    source: str
    account_id: str  # admin of this account is no longer reachable from source
    path: Path  # the shortest path it had before


@dataclass(frozen=True, kw_only=True)
class WhatIfResult:
    target_id: str
    policy_type: str
    accounts: tuple[str, ...]  # accounts the draft would apply to (never the management account)
    actions_checked: tuple[str, ...]
    lost: tuple[LostPermission, ...]
    admins_lost: tuple[str, ...]
    cut_paths: tuple[CutPath, ...]
    notes: tuple[str, ...] = ()


def accounts_under(tg: TrustGraph, target_id: str) -> tuple[str, ...]:
    """The accounts a policy attached at ``target_id`` (root, OU or account) applies to."""
    org = tg.inventory.organization
    try:
        org.node(target_id)
    except KeyError:
        raise KeyError(f"{target_id} is not a root, OU or account of this organization") from None
    out = []
    for account_id in org.accounts:
        if account_id == org.management_account_id:
            continue  # SCPs and RCPs do not apply to the management account
        if account_id == target_id or any(u.id == target_id for u in org.path_to(account_id)):
            out.append(account_id)
    return tuple(sorted(out))


def _draft_actions(engine: PolicyEngine, document: object) -> tuple[list[str], list[str]]:
    from analysis.model.policy_doc import parse_policy_document

    doc = parse_policy_document(document)
    actions: list[str] = []
    notes: list[str] = []
    for st in doc.statements:
        for pattern in st.action or ():
            expanded = (
                sorted(engine.expand_actions(pattern)) if ("*" in pattern or "?" in pattern) else [pattern]
            )
            if len(expanded) > MAX_DRAFT_ACTIONS:
                notes.append(f"{pattern} expands to {len(expanded)} actions: checked as the pattern itself")
                expanded = [pattern]
            actions.extend(expanded)
        if st.not_action is not None:
            notes.append(f"statement {st.index} uses NotAction: only the core actions are checked for it")
    return list(dict.fromkeys(actions)), notes


def scp_what_if(
    tg: TrustGraph,
    *,
    document: object,
    target_id: str,
    policy_type: str = "SERVICE_CONTROL_POLICY",
    name: str = "draft",
) -> WhatIfResult:
    """Which principals would lose which permissions, and which paths to admin would be cut, if the
    draft were attached at ``target_id``. Same engine, with the draft as an extra org policy.

    Permissions are checked on resource "*" for the draft's actions (wildcards expanded against
    the catalogue) and the actions paths to admin are made of; the paths are recomputed by
    building the graph again with the draft in place.
    """
    from analysis.iam import DraftPolicy, PolicyEngine, Request
    from analysis.trust.graph import build_trust_graph

    accounts = accounts_under(tg, target_id)
    before_engine = PolicyEngine(inventory=tg.inventory)
    after_engine = PolicyEngine(
        inventory=tg.inventory,
        drafts=(
            DraftPolicy(policy_type=policy_type, target_id=target_id, name=name, document_json=document),
        ),
    )
    draft_actions, notes = _draft_actions(before_engine, document)
    actions = tuple(dict.fromkeys((*draft_actions, *WHATIF_CORE_ACTIONS)))
    allowed = ("allow", "conditional")
    lost: list[LostPermission] = []
    in_scope = set(accounts)
    for node, data in tg.graph.nodes(data=True):
        n = data["node"]
        if n.kind not in (USER, ROLE) or n.account_id not in in_scope:
            continue
        for action in actions:
            if action != "*" and not tg.permissions.might_allow(node, action):
                continue
            request = Request(principal_arn=node, action=action, resource="*")
            before = before_engine.evaluate(request)
            if before.decision not in allowed:
                continue
            after = after_engine.evaluate(request)
            if after.decision not in allowed:
                lost.append(LostPermission(principal=node, action=action, before=before, after=after))
    after_tg = build_trust_graph(tg.inventory, engine=after_engine)
    cut: list[CutPath] = []
    for account_id in sorted(tg.org.account_ids):
        before_reach = {r.node: r for r in who_can_reach_admin(tg, account_id, limit=1)}
        if not before_reach:
            continue
        after_nodes = set(distances_to(after_tg, admin_node_id(account_id)))
        for source, reach in sorted(before_reach.items()):
            if source not in after_nodes and reach.paths:
                cut.append(CutPath(source=source, account_id=account_id, path=reach.paths[0]))
    if policy_type == "RESOURCE_CONTROL_POLICY":
        notes.append("an RCP restricts access to resources of the target's accounts: checked on resource *")
    return WhatIfResult(
        target_id=target_id,
        policy_type=policy_type,
        accounts=accounts,
        actions_checked=actions,
        lost=tuple(lost),
        admins_lost=tuple(sorted(set(tg.admins) - set(after_tg.admins))),
        cut_paths=tuple(cut),
        notes=tuple(notes),
    )
