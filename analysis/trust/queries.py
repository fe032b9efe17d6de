"""Questions auditors ask of the trust graph: who reaches admin, what an outsider reaches, who can read X.

Shortest paths come from one reverse breadth-first search from the goal: every node that
can reach it gets its distance, and the shortest paths are the walks that lower the
distance by one at each step. That is linear in the graph, however many sources there
are, and keeps "who can reach admin in account X" well under a second at 500 accounts.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import FrozenInstanceError, dataclass

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


class Reach:
    """A source and its shortest paths to a goal (or a goal reached from a source).

    Immutable. ``paths`` (the first ``limit`` shortest paths, in adjacency order) and
    ``truncated`` (more shortest paths exist than were listed) are either given, or, for
    the sources of :func:`who_can_reach_admin`, found on first access: listing thousands
    of sources then costs one reverse breadth-first search, and only the sources someone
    looks at pay for their paths. ``first_path`` is ``paths[0]`` without the others.
    """

    __slots__ = ("_first", "_paths", "_search", "_truncated", "distance", "kind", "node")

    node: str
    kind: str
    distance: int
    _paths: tuple[Path, ...] | None
    _truncated: bool | None
    _search: tuple[ShortestPaths, int] | None
    _first: tuple[Path | None] | None  # first_path, once found

    def __init__(
        self,
        *,
        node: str,
        kind: str,
        distance: int,
        paths: tuple[Path, ...] | None = None,
        truncated: bool | None = None,
        search: ShortestPaths | None = None,
        limit: int = 20,
    ) -> None:
        """Either ``paths`` and ``truncated``, or ``search`` (with ``limit``) to find them when asked."""
        if search is None and (paths is None or truncated is None):
            raise TypeError("Reach needs paths and truncated, or a search to find them")
        setattr_ = object.__setattr__
        setattr_(self, "node", node)
        setattr_(self, "kind", kind)
        setattr_(self, "distance", distance)
        setattr_(self, "_paths", paths)
        setattr_(self, "_truncated", truncated)
        setattr_(self, "_search", None if paths is not None else (search, limit))
        setattr_(self, "_first", None)

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def _found(self) -> tuple[tuple[Path, ...], bool]:
        if self._paths is None:
            assert self._search is not None
            search, limit = self._search
            paths, truncated = search.paths(self.node, limit=limit)
            object.__setattr__(self, "_paths", tuple(paths))
            object.__setattr__(self, "_truncated", truncated)
            object.__setattr__(self, "_search", None)
        assert self._paths is not None and self._truncated is not None
        return self._paths, self._truncated

    @property
    def paths(self) -> tuple[Path, ...]:
        return self._found()[0]

    @property
    def truncated(self) -> bool:
        return self._found()[1]

    @property
    def first_path(self) -> Path | None:
        """The first shortest path (``paths[0]``), without looking for the others."""
        if self._paths is not None:
            return self._paths[0] if self._paths else None
        if self._first is None:
            assert self._search is not None
            search, limit = self._search
            object.__setattr__(self, "_first", (search.first_path(self.node) if limit > 0 else None,))
        assert self._first is not None
        return self._first[0]

    def _key(self) -> tuple[str, str, int, tuple[Path, ...], bool]:
        paths, truncated = self._found()
        return (self.node, self.kind, self.distance, paths, truncated)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Reach)
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        paths, truncated = self._found()
        return (
            f"Reach(node={self.node!r}, kind={self.kind!r}, distance={self.distance!r}, "
            f"paths={paths!r}, truncated={truncated!r})"
        )


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


class ShortestPaths:
    """The shortest paths to the goal ``dist`` was computed for (by :func:`distances_to`).

    A shortest path lowers the distance by one at each step. Every node with a distance has
    a next hop (the reverse search reached it from one), so the first path is found without
    backtracking, and the ``limit`` first paths in adjacency order by a depth-first walk
    that stops at the ``limit + 1``-th. One :class:`Step` per graph edge is shared by every
    path through it, and so is the first path's tail from each node.
    """

    def __init__(self, tg: TrustGraph, dist: Mapping[str, int]) -> None:
        self._adj = tg.graph.adj
        self._successors = tg.graph.successors
        self._dist = dist
        self._steps: dict[tuple[str, str], Step] = {}
        self._hops: dict[str, tuple[Step, ...]] = {}
        self._first_tail: dict[str, tuple[Step, ...]] = {}

    def _step(self, source: str, target: str) -> Step:
        key = (source, target)
        step = self._steps.get(key)
        if step is None:
            step = self._steps[key] = Step(
                source=source, target=target, edges=self._adj[source][target]["edges"]
            )
        return step

    def next_hops(self, node: str) -> tuple[Step, ...]:
        """The steps from ``node`` one hop nearer the goal, in adjacency order."""
        hops = self._hops.get(node)
        if hops is None:
            dist = self._dist
            want = dist[node] - 1
            # successors() iterates the adjacency dict itself; the edge data is read for hits only.
            hops = tuple(self._step(node, nxt) for nxt in self._successors(node) if dist.get(nxt) == want)
            self._hops[node] = hops
        return hops

    def _first_hop(self, node: str) -> Step:
        hops = self._hops.get(node)
        if hops is not None:
            return hops[0]
        dist = self._dist
        want = dist[node] - 1
        for nxt in self._successors(node):  # stop at the first: some nodes have thousands
            if dist.get(nxt) == want:
                return self._step(node, nxt)
        raise AssertionError(f"{node} has a distance but no next hop")

    def first_path(self, source: str) -> Path | None:
        """``paths(source)[0][0]``: the first shortest path in adjacency order (None if unreachable)."""
        if source not in self._dist:
            return None
        chain: list[Step] = []
        node = source
        tail: tuple[Step, ...] = ()
        while self._dist[node] > 0:
            known = self._first_tail.get(node)
            if known is not None:
                tail = known
                break
            step = self._first_hop(node)
            chain.append(step)
            node = step.target
        for step in reversed(chain):
            tail = (step, *tail)
            self._first_tail[step.source] = tail
        return Path(steps=tail)

    def paths(self, source: str, *, limit: int = 20) -> tuple[list[Path], bool]:
        """The first ``limit`` shortest paths from ``source``, and whether there are more."""
        out: list[Path] = []
        if source not in self._dist:
            return out, False
        truncated = False
        steps: list[Step] = []
        dist = self._dist

        def walk(node: str) -> None:
            nonlocal truncated
            if len(out) >= limit:
                truncated = True
                return
            if dist[node] == 0:
                out.append(Path(steps=tuple(steps)))
                return
            for step in self.next_hops(node):
                if truncated:
                    return
                steps.append(step)
                walk(step.target)
                steps.pop()

        walk(source)
        return out, truncated


def shortest_paths(
    tg: TrustGraph, source: str, dist: dict[str, int], *, limit: int = 20
) -> tuple[list[Path], bool]:
    """Every shortest path from ``source`` to the goal ``dist`` was computed for (at most ``limit``)."""
    return ShortestPaths(tg, dist).paths(source, limit=limit)


def who_can_reach_admin(
    tg: TrustGraph, account_id: str, *, limit: int = 20, kinds: Iterable[str] = SOURCE_KINDS
) -> list[Reach]:
    """Every principal or entry point that can reach admin of ``account_id``, nearest first.

    Each :class:`Reach` finds its shortest paths (at most ``limit``) when they are first read.
    """
    dist = distances_to(tg, admin_node_id(account_id))
    search = ShortestPaths(tg, dist)
    wanted = frozenset(kinds)
    nodes = tg.graph.nodes
    out: list[Reach] = []
    for node, d in dist.items():
        if d == 0:
            continue
        kind = nodes[node]["node"].kind
        if kind not in wanted:
            continue
        out.append(Reach(node=node, kind=kind, distance=d, search=search, limit=limit))
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
