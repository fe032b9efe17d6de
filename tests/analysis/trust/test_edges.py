"""The edge record and how the build context stores edges on the networkx graph.

Two ways between the same nodes share one graph edge (``edges`` in the order they were
found; ``conditional`` only when every way is); the bulk builder for organization-wide
trusts makes edges indistinguishable from ordinary ones.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError, fields
from typing import Any

import networkx as nx
import pytest

from analysis.iam import StatementRef
from analysis.trust.edges.base import BuildContext, Edge, EdgeCondition, edges_to

REF = StatementRef(
    kind="trust", policy="arn:aws:iam::1:role/r", where="trust policy", index=0, sid=None, effect="Allow"
)
MFA = EdgeCondition(operator="Bool", key="aws:MultiFactorAuthPresent", values=("true",), origin="trust")


def _context(graph: nx.DiGraph) -> BuildContext:
    # Only the graph is used by add(); the other parts are not needed here.
    ctx: Any = BuildContext.__new__(BuildContext)
    ctx.graph = graph
    return ctx


def test_edges_to_equals_edges_built_the_ordinary_way() -> None:
    sources = [("account:111111111111", "trusts 111111111111", True), ("external:9", "trusts 9", False)]
    bulk = list(
        edges_to(
            "arn:aws:iam::1:role/r",
            sources,
            kind="assume_role",
            technique="sts:AssumeRole",
            conditions=(MFA,),
            statements=(REF,),
            call_ids=(7,),
        )
    )
    ordinary = [
        Edge(
            source=s,
            target="arn:aws:iam::1:role/r",
            kind="assume_role",
            technique="sts:AssumeRole",
            reason=r,
            conditions=(MFA,),
            statements=(REF,),
            intra_org=i,
            call_ids=(7,),
        )
        for s, r, i in sources
    ]
    assert bulk == ordinary
    assert [hash(e) for e in bulk] == [hash(e) for e in ordinary]
    assert [repr(e) for e in bulk] == [repr(e) for e in ordinary]
    for e in bulk:
        assert all(hasattr(e, f.name) for f in fields(Edge))
        with pytest.raises(FrozenInstanceError):
            e.reason = "changed"  # type: ignore[misc]


def _edge(source: str, target: str, technique: str, *conditions: EdgeCondition) -> Edge:
    return Edge(
        source=source,
        target=target,
        kind="assume_role",
        technique=technique,
        reason="",
        conditions=conditions,
    )


@pytest.mark.parametrize("nodes_first", [True, False])
def test_add_keeps_every_way_once_in_order(nodes_first: bool) -> None:
    graph = nx.DiGraph()
    if nodes_first:
        graph.add_nodes_from(["a", "b", "c"])
    ctx = _context(graph)
    conditional = _edge("a", "b", "t1", MFA)
    plain = _edge("a", "b", "t2")
    ctx.add(conditional)
    assert graph.edges["a", "b"] == {"edges": (conditional,), "conditional": True}
    ctx.add(plain)
    ctx.add(_edge("a", "b", "t1", MFA))  # the same way again: not repeated
    assert graph.edges["a", "b"] == {"edges": (conditional, plain), "conditional": False}
    ctx.add(_edge("a", "c", "t3"))
    ctx.add(_edge("c", "a", "t4", MFA))
    assert list(graph.successors("a")) == ["b", "c"]
    assert list(graph.predecessors("a")) == ["c"]
    assert graph.edges["c", "a"]["conditional"] is True
    assert graph.number_of_edges() == 3 and sorted(graph.nodes) == ["a", "b", "c"]
