"""The trust graph view's queries as plain jobs ``job(progress, cancelled)`` (no Qt).

Each returns a :class:`QueryOutcome` (the rows of the results list and one status line), or
None when cancelled; the view runs them in a ``LatestJobRunner`` so the GUI never waits for a
query, and a newer query replaces a running one. At 500 accounts "entry points" alone walks
the graph once per external account, identity provider and ``*``: seconds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analysis.trust.graph import TrustGraph
    from analysis.trust.queries import Path

QUERY_ADMIN = "Shortest paths to admin in account…"
QUERY_ENTRY = "External and federated entry points"
QUERY_ESCALATE = "Principals that can escalate"
QUERY_OUTSIDE = "Roles assumable from outside the organization"
QUERY_REACH = "What the selected node can reach"
QUERY_ADMIN_FROM = "Paths to admin from the selected node"
QUERIES = (QUERY_ADMIN, QUERY_ENTRY, QUERY_ESCALATE, QUERY_OUTSIDE, QUERY_REACH, QUERY_ADMIN_FROM)
# "From outside the organization": AWS accounts and principals outside it, and anyone.
OUTSIDE_KINDS = frozenset({"external_account", "external_principal", "public"})
PATH_LIMIT = 20  # shortest paths listed per source (and between two nodes)

Progress = Callable[[Any], None]
Cancelled = Callable[[], bool]
Job = Callable[[Progress, Cancelled], "QueryOutcome | None"]


class QueryError(ValueError):
    """A query that cannot run as asked (one line for the status bar)."""


@dataclass(frozen=True, kw_only=True)
class QueryResult:
    """One row of the results list: a path (or a single node) to highlight.

    ``subject`` is the node the row is about, the one the account/OU and kind filters look at:
    who reaches admin, who can escalate, what an outsider or the selected node reaches.
    """

    text: str
    nodes: tuple[str, ...]
    subject: str


@dataclass(frozen=True, kw_only=True)
class QueryOutcome:
    title: str
    results: tuple[QueryResult, ...]
    message: str  # for the status line: how many, or why there is nothing
    focus: tuple[str, ...] = ()  # nodes to draw when there is no result (the two ends of a missing path)


def describe_path(tg: TrustGraph, path: Path) -> str:
    marks = [m for m, on in (("escalation", path.escalation), ("conditional", path.conditional)) if on]
    return path.describe(tg) + (f"  [{', '.join(marks)}]" if marks else "")


def _outcome(title: str, results: Iterable[QueryResult], empty: str) -> QueryOutcome:
    rows = tuple(results)
    message = f"{title.rstrip('…')}: {len(rows)} result(s)." if rows else empty
    return QueryOutcome(title=title, results=rows, message=message)


def query_job(tg: TrustGraph, name: str, *, account_id: str | None = None, source: str | None = None) -> Job:
    """The job for one of ``QUERIES``; raises ``QueryError`` at once when its input is missing."""
    if name == QUERY_ADMIN and not account_id:
        raise QueryError("Pick an account for the paths-to-admin query.")
    if name in (QUERY_REACH, QUERY_ADMIN_FROM) and (source is None or source not in tg.graph):
        raise QueryError("Select a node first (click it, or find it), then run this query.")
    if name not in QUERIES:
        raise QueryError(f"unknown query {name!r}")

    def job(progress: Progress, cancelled: Cancelled) -> QueryOutcome | None:
        from analysis.trust import queries

        out: list[QueryResult] = []
        if name == QUERY_ADMIN:
            assert account_id is not None
            label = tg.inventory.account_name(account_id) or account_id
            progress(f"searching every path to admin of {label}")
            for reach in queries.who_can_reach_admin(tg, account_id, limit=PATH_LIMIT):
                if cancelled():
                    return None
                out.extend(
                    QueryResult(text=describe_path(tg, p), nodes=p.nodes, subject=reach.node)
                    for p in reach.paths
                )
            out.sort(key=lambda r: ("[escalation" not in r.text, len(r.nodes)))  # escalations first
            return _outcome(f"Paths to admin of {label}", out, f"Nobody can reach admin of {label}.")
        if name in (QUERY_ENTRY, QUERY_OUTSIDE):
            kinds = OUTSIDE_KINDS if name == QUERY_OUTSIDE else queries.ENTRY_KINDS
            sources = sorted(
                n for n, d in tg.graph.nodes(data=True) if d["node"].kind in kinds and tg.graph.out_degree(n)
            )
            for i, entry in enumerate(sources):
                if cancelled():
                    return None
                progress(f"entry point {i + 1}/{len(sources)}: {tg.node(entry).label}")
                depth = 1 if name == QUERY_OUTSIDE else None
                for reach in queries.reachable_from(tg, entry, max_depth=depth):
                    if name == QUERY_OUTSIDE and reach.kind != "role":
                        continue
                    out.extend(
                        QueryResult(text=describe_path(tg, p), nodes=p.nodes, subject=reach.node)
                        for p in reach.paths
                    )
            if name == QUERY_OUTSIDE:
                return _outcome(name, out, "No role can be assumed from outside the organization.")
            return _outcome(name, out, "No external or federated identity reaches anything.")
        if name == QUERY_ESCALATE:
            progress("finding escalation edges")
            for principal in queries.escalating_principals(tg):
                if cancelled():
                    return None
                for target in tg.graph.successors(principal):
                    edges = [
                        e for e in tg.edges_between(principal, target) if e.kind in queries.ESCALATION_KINDS
                    ]
                    if edges:
                        text = (
                            f"{tg.node(principal).label} --[{edges[0].technique}]--> {tg.node(target).label}"
                        )
                        out.append(QueryResult(text=text, nodes=(principal, target), subject=principal))
            return _outcome(name, out, "No principal can escalate.")
        assert source is not None
        label = tg.node(source).label
        progress(f"walking everything {label} can reach")
        reaches = queries.reachable_from(tg, source)
        if cancelled():
            return None
        if name == QUERY_ADMIN_FROM:
            reaches = [r for r in reaches if r.kind == "admin"]
        for reach in reaches:
            out.extend(
                QueryResult(text=describe_path(tg, p), nodes=p.nodes, subject=reach.node) for p in reach.paths
            )
        out.sort(key=lambda r: (not r.nodes[-1].startswith("admin:"), len(r.nodes)))  # admin goals first
        if name == QUERY_ADMIN_FROM:
            return _outcome(
                f"Paths to admin from {label}", out, f"{label} cannot reach admin of any account."
            )
        return _outcome(f"What {label} can reach", out, f"{label} cannot become or control anything.")

    return job


def path_job(tg: TrustGraph, source: str, target: str, *, limit: int = PATH_LIMIT) -> Job:
    """Every shortest path from ``source`` to ``target`` (at most ``limit``), or a plain "no path"."""
    for n in (source, target):
        if n not in tg.graph:
            raise QueryError(f"{n} is not a node of the trust graph.")
    if source == target:
        raise QueryError("Pick two different nodes.")

    def job(progress: Progress, cancelled: Cancelled) -> QueryOutcome | None:
        from analysis.trust.queries import distances_to, shortest_paths

        a, b = tg.node(source).label, tg.node(target).label
        progress(f"searching paths from {a} to {b}")
        dist = distances_to(tg, target)
        if cancelled():
            return None
        paths, truncated = shortest_paths(tg, source, dist, limit=limit)
        rows = [QueryResult(text=describe_path(tg, p), nodes=p.nodes, subject=source) for p in paths]
        if not rows:
            return QueryOutcome(
                title=f"Paths from {a} to {b}",
                results=(),
                message=f"No path from {a} to {b}.",
                focus=(source, target),
            )
        steps = len(paths[0].steps)
        more = f" (the first {limit}; there are more)" if truncated else ""
        message = f"{len(rows)} shortest path(s) of {steps} step(s) from {a} to {b}{more}."
        return QueryOutcome(title=f"Paths from {a} to {b}", results=tuple(rows), message=message)

    return job


__all__ = [
    "PATH_LIMIT",
    "QUERIES",
    "QUERY_ADMIN",
    "QUERY_ADMIN_FROM",
    "QUERY_ENTRY",
    "QUERY_ESCALATE",
    "QUERY_OUTSIDE",
    "QUERY_REACH",
    "QueryError",
    "QueryOutcome",
    "QueryResult",
    "path_job",
    "query_job",
]
