"""Who reaches some account's administrator *only* by escalating: one search over the whole graph.

"Who can reach admin of X" asked for every account X (a reverse search plus a shortest path per
principal found) grows with accounts x principals: 15 s at 50 accounts, not finished after several
minutes at 500. Here the search starts from the few principals that can reach an escalation-only
hop at all, and reachability of every admin node is computed for every node at once, as bit sets
over the strongly connected components of the part of the graph those principals reach: twice,
with and without the escalation-only hops. A principal escalates to admin of X when X's admin
node is in the first set and not in the second. Linear in that part of the graph (about 5 s at
500 accounts, 2 million edges).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from analysis.trust.nodes import ADMIN, ROLE, USER, account_of_arn, admin_node_id
from analysis.trust.queries import ESCALATION_KINDS, Path, Step

if TYPE_CHECKING:
    from analysis.trust.edges.base import Edge
    from analysis.trust.graph import TrustGraph


@dataclass(frozen=True, kw_only=True)
class Escalation:
    """``principal`` becomes administrator of ``admin_nodes`` (``admin:<account>``) only by escalating."""

    principal: str
    admin_nodes: tuple[str, ...]  # sorted
    shown: str  # the admin node ``path`` leads to: the principal's own account's when it is one
    path: Path  # a shortest path to ``shown``


def escalations(tg: TrustGraph) -> Iterator[Escalation]:
    """Every user or role that reaches some account's administrator only by escalating, sorted by ARN."""
    graph = tg.graph
    # The adjacency dicts themselves (``adjacency()``): two million edges at 500 accounts, where
    # networkx's read-only views cost a Python call per item.
    adj: dict[str, dict[str, dict[str, Any]]] = dict(graph.adjacency())
    # Escalation-only hops: every way from u to v is an escalation (PassRole + compute, policy
    # rewriting...). Where a plain edge also exists, escalating adds nothing. The first edge's
    # kind settles most pairs.
    escalation_only: set[tuple[str, str]] = set()
    for u, successors in adj.items():
        for v, data in successors.items():
            edges: Sequence[Edge] = data["edges"]
            if edges and edges[0].kind in ESCALATION_KINDS and all(e.kind in ESCALATION_KINDS for e in edges):
                escalation_only.add((u, v))
    if not escalation_only:
        return
    candidates = [
        n
        for n in _around(graph.predecessors, {u for u, _ in escalation_only})
        if tg.node(n).kind in (USER, ROLE)
    ]
    region = _around(adj.__getitem__, set(candidates))
    full = {n: [m for m in adj[n] if m in region] for n in region}
    plain = {n: [m for m in succ if (n, m) not in escalation_only] for n, succ in full.items()}
    admins = sorted(n for n in region if tg.node(n).kind == ADMIN)
    own = {n: 1 << i for i, n in enumerate(admins)}
    reach_full = _reach_bits(full, own)
    reach_plain = _reach_bits(plain, own)
    for start in sorted(candidates):
        only = reach_full[start] & ~reach_plain[start]
        if not only:
            continue
        targets = tuple(a for a in admins if only & own[a])
        home = admin_node_id(account_of_arn(start) or "")
        shown = home if home in targets else targets[0]
        yield Escalation(
            principal=start,
            admin_nodes=targets,
            shown=shown,
            path=_shortest_path(tg, full, reach_full, start, shown, own[shown]),
        )


def _around(links: Callable[[str], Iterable[str]], start: set[str]) -> set[str]:
    """``start`` and every node reachable from it along ``links`` (successors or predecessors)."""
    seen = set(start)
    queue = deque(start)
    while queue:
        n = queue.popleft()
        for m in links(n):
            if m not in seen:
                seen.add(m)
                queue.append(m)
    return seen


def _reach_bits(succ: Mapping[str, list[str]], own: Mapping[str, int]) -> dict[str, int]:
    """For every node, the OR of ``own`` bits of the nodes it reaches (itself included).

    Iterative Tarjan: a strongly connected component is completed after every component it
    reaches, so its bits are its members' bits plus those of its already completed successors.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    comp: dict[str, int] = {}
    comp_bits: list[int] = []
    stack: list[str] = []
    on_stack: set[str] = set()
    for root in succ:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(succ[root]))]
        while work:
            n, it = work[-1]
            for m in it:
                if m not in index:
                    index[m] = low[m] = len(index)
                    stack.append(m)
                    on_stack.add(m)
                    work.append((m, iter(succ[m])))
                    break
                if m in on_stack and index[m] < low[n]:
                    low[n] = index[m]
            else:
                work.pop()
                if work and low[n] < low[work[-1][0]]:
                    low[work[-1][0]] = low[n]
                if low[n] == index[n]:
                    cid = len(comp_bits)
                    members = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        comp[w] = cid
                        members.append(w)
                        if w == n:
                            break
                    bits = 0
                    for w in members:
                        bits |= own.get(w, 0)
                        for m in succ[w]:
                            c = comp[m]
                            if c != cid:
                                bits |= comp_bits[c]
                    comp_bits.append(bits)
    return {n: comp_bits[c] for n, c in comp.items()}


def _shortest_path(
    tg: TrustGraph, succ: Mapping[str, list[str]], reach: Mapping[str, int], start: str, target: str, bit: int
) -> Path:
    """A shortest path from ``start`` to ``target``, searching only nodes that can reach it."""
    parent: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue and target not in parent:
        n = queue.popleft()
        for m in succ[n]:
            if m not in parent and reach[m] & bit:
                parent[m] = n
                queue.append(m)
    hops: list[tuple[str, str]] = []
    node = target
    while (prev := parent[node]) is not None:
        hops.append((prev, node))
        node = prev
    return Path(
        steps=tuple(Step(source=u, target=v, edges=tg.edges_between(u, v)) for u, v in reversed(hops))
    )
