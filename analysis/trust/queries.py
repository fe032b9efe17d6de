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
    admin_node_id,
)

if TYPE_CHECKING:
    pass

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


def iter_paths(reaches: Iterable[Reach]) -> Iterator[Path]:
    for r in reaches:
        yield from r.paths


# Moved to their own modules; still importable from here (callers may import them from here).
_MOVED = {
    "AccessHolder": "analysis.trust.access",
    "who_can": "analysis.trust.access",
    "who_can_decrypt": "analysis.trust.access",
    "who_can_read_bucket": "analysis.trust.access",
    "WHATIF_CORE_ACTIONS": "analysis.trust.whatif",
    "CutPath": "analysis.trust.whatif",
    "LostPermission": "analysis.trust.whatif",
    "WhatIfResult": "analysis.trust.whatif",
    "accounts_under": "analysis.trust.whatif",
    "scp_what_if": "analysis.trust.whatif",
}


def __getattr__(name: str) -> object:
    module = _MOVED.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
