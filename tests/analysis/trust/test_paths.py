"""Shortest paths to admin: listed lazily, the same as an exhaustive search, truncated honestly.

``who_can_reach_admin`` gives every source with its distance at once and finds a source's
paths when they are first read; these tests hold the lazy answers to networkx's own
``all_shortest_paths`` on an organization with several equally short ways to admin.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from pathlib import Path as FsPath

import networkx as nx
import pytest

from analysis.trust.graph import TrustGraph, build_trust_graph
from analysis.trust.nodes import admin_node_id
from analysis.trust.queries import Reach, ShortestPaths, distances_to, shortest_paths, who_can_reach_admin
from tests.analysis.trust.org_builder import (
    ADMIN_POLICY,
    DEV,
    PROD,
    Acct,
    R,
    U,
    allow,
    build_org,
    role_arn,
    trust,
    user_arn,
)

BOB, DAVE = user_arn(DEV, "bob"), user_arn(DEV, "dave")


@pytest.fixture(scope="module")
def tg(tmp_path_factory: pytest.TempPathFactory) -> TrustGraph:
    # bob and dave (DEV) may assume any role; three PROD admin roles trust DEV, and a
    # "hop" role trusted by DEV can assume one of them: three shortest paths of two steps.
    inv = build_org(
        tmp_path_factory.mktemp("paths"),
        Acct(
            id=PROD,
            roles=[
                *(R(name=n, trust=trust({"AWS": DEV}), attached=[ADMIN_POLICY]) for n in ("a", "b", "c")),
                R(name="hop", trust=trust({"AWS": DEV}), policies=[allow("sts:AssumeRole")]),
                R(name="deep", trust=trust({"AWS": role_arn(PROD, "hop")}), attached=[ADMIN_POLICY]),
            ],
        ),
        Acct(
            id=DEV,
            users=[
                U(name="bob", policies=[allow("sts:AssumeRole")]),
                U(name="dave", policies=[allow("sts:AssumeRole")]),
            ],
        ),
    )
    return build_trust_graph(inv)


def _exhaustive(tg: TrustGraph, source: str, goal: str) -> set[tuple[str, ...]]:
    return {tuple(p) for p in nx.all_shortest_paths(tg.graph, source, goal)}


def test_paths_are_every_shortest_path_and_truncated_only_when_more_exist(tg: TrustGraph) -> None:
    goal = admin_node_id(PROD)
    for limit in (1, 2, 3, 20):
        reaches = who_can_reach_admin(tg, PROD, limit=limit)
        assert reaches, limit
        for r in reaches:
            every = _exhaustive(tg, r.node, goal)
            assert r.distance == len(next(iter(every))) - 1
            assert len(r.paths) == min(limit, len(every))
            assert {p.nodes for p in r.paths} <= every
            assert len({p.nodes for p in r.paths}) == len(r.paths)
            assert r.truncated == (len(every) > limit)
            assert all(len(p.steps) == r.distance and p.nodes[-1] == goal for p in r.paths)
    bob = next(r for r in who_can_reach_admin(tg, PROD) if r.node == BOB)
    assert len(bob.paths) == 3 and not bob.truncated  # via a, b and c; "deep" is one hop further


def test_first_path_is_the_first_listed_path(tg: TrustGraph) -> None:
    for limit in (1, 20):
        for r in who_can_reach_admin(tg, PROD, limit=limit):
            first = r.first_path  # before the paths are read
            assert first is not None and first == r.paths[0]
    assert all(r.first_path is None and r.paths == () for r in who_can_reach_admin(tg, PROD, limit=0))


def test_paths_follow_the_graph_order_and_share_steps(tg: TrustGraph) -> None:
    dist = distances_to(tg, admin_node_id(PROD))
    search = ShortestPaths(tg, dist)
    bob_paths, _ = search.paths(BOB, limit=20)
    # Adjacency order: bob's edges were added role by role, in the Inventory's order.
    assert [p.nodes[1] for p in bob_paths] == [
        n for n in tg.graph.successors(BOB) if n in {role_arn(PROD, x) for x in "abc"}
    ]
    dave_paths, _ = search.paths(DAVE, limit=20)
    # The last hop (role a -> admin) is one Step object, whoever starts the path.
    assert bob_paths[0].steps[-1] is dave_paths[0].steps[-1]
    # The function form gives the same answer as the shared search.
    assert shortest_paths(tg, BOB, dist, limit=20) == (bob_paths, False)
    assert search.paths("not-a-node", limit=5) == ([], False) and search.first_path("not-a-node") is None


def test_reach_is_immutable_and_compares_by_value(tg: TrustGraph) -> None:
    lazy = next(r for r in who_can_reach_admin(tg, PROD) if r.node == BOB)
    with pytest.raises(FrozenInstanceError):
        lazy.distance = 9  # type: ignore[misc]
    eager = Reach(node=BOB, kind="user", distance=lazy.distance, paths=lazy.paths, truncated=False)
    assert eager == lazy and hash(eager) == hash(lazy) and repr(eager) == repr(lazy)
    assert eager != Reach(node=BOB, kind="user", distance=lazy.distance, paths=lazy.paths[:1], truncated=True)
    with pytest.raises(TypeError):
        Reach(node=BOB, kind="user", distance=1)


def test_no_source_without_a_path(tmp_path: FsPath) -> None:
    inv = build_org(
        tmp_path, Acct(id=PROD, roles=[R(name="lonely", trust=trust({"AWS": DEV}))]), Acct(id=DEV)
    )
    assert who_can_reach_admin(build_trust_graph(inv), PROD) == []
