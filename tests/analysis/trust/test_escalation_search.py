"""The escalation search (``analysis.trust.escalation``): who reaches an account's admin only by escalating.

Checked against the definition itself, computed the slow way with networkx on the same graph
(admin nodes reachable on the whole graph and not on the graph without escalation-only hops),
and on named principals: an escalation-only climb is found, a plain climb is not, and neither
is a principal that can escalate but also climbs without escalating.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from analysis.trust.escalation import _reach_bits, escalations
from analysis.trust.findings import escalation_findings, trust_findings
from analysis.trust.graph import TrustGraph, build_trust_graph
from analysis.trust.nodes import ADMIN, ROLE, USER, admin_node_id
from analysis.trust.queries import ESCALATION_KINDS
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

BOB, CAROL, DAVE = user_arn(DEV, "bob"), user_arn(DEV, "carol"), user_arn(DEV, "dave")
DEPLOY = role_arn(PROD, "deploy")


@pytest.fixture(scope="module")
def tg(tmp_path_factory: pytest.TempPathFactory) -> TrustGraph:
    inv = build_org(
        tmp_path_factory.mktemp("esc"),
        Acct(
            id=PROD,
            users=[U(name="alice", attached=[ADMIN_POLICY])],
            roles=[
                R(name="ci", trust=trust({"AWS": DEV}), attached=[ADMIN_POLICY]),
                R(
                    name="deploy",
                    trust=trust({"AWS": PROD}),
                    policies=[allow("iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction")],
                ),
                R(name="fn-admin", trust=trust({"Service": "lambda.amazonaws.com"}), attached=[ADMIN_POLICY]),
            ],
        ),
        Acct(
            id=DEV,
            users=[
                U(name="bob", policies=[allow("sts:AssumeRole")]),  # plain: bob -> ci -> admin
                U(name="carol", policies=[allow("iam:CreateAccessKey")]),  # escalates through bob's keys
                U(name="dave", policies=[allow("sts:AssumeRole", "iam:CreateAccessKey")]),  # both ways
            ],
        ),
    )
    return build_trust_graph(inv)


def _by_definition(tg: TrustGraph) -> dict[str, tuple[str, ...]]:
    """principal -> admin nodes reachable on the whole graph and not without escalation-only hops."""
    g = tg.graph
    plain = nx.DiGraph()
    plain.add_nodes_from(g)
    plain.add_edges_from(
        (u, v) for u, v, edges in g.edges(data="edges") if not all(e.kind in ESCALATION_KINDS for e in edges)
    )
    out = {}
    for n in g:
        if tg.node(n).kind not in (USER, ROLE):
            continue
        admins = {m for m in nx.descendants(g, n) if tg.node(m).kind == ADMIN}
        only = admins - nx.descendants(plain, n)
        if only:
            out[n] = tuple(sorted(only))
    return out


def test_escalations_equal_the_definition(tg: TrustGraph) -> None:
    found = {e.principal: e.admin_nodes for e in escalations(tg)}
    assert found == _by_definition(tg)
    assert CAROL in found and DEPLOY in found
    assert BOB not in found  # assumes ci: no escalation needed
    assert DAVE not in found  # could escalate, but also assumes ci


def test_the_path_shown_is_a_shortest_escalating_path_to_the_named_admin(tg: TrustGraph) -> None:
    carol = next(e for e in escalations(tg) if e.principal == CAROL)
    assert carol.shown == admin_node_id(PROD) and carol.admin_nodes == (admin_node_id(PROD),)
    assert carol.path.nodes == (CAROL, BOB, role_arn(PROD, "ci"), admin_node_id(PROD))
    assert carol.path.escalation and "iam:CreateAccessKey" in carol.path.describe(tg)
    deploy = next(e for e in escalations(tg) if e.principal == DEPLOY)
    # Its own account's admin is the one shown.
    assert deploy.shown == admin_node_id(PROD) and deploy.path.nodes[-1] == admin_node_id(PROD)
    assert deploy.path.steps[0].edges[0].kind == "pass_role"


def test_escalation_findings_name_the_accounts_and_carry_the_path(tg: TrustGraph) -> None:
    by_resource = {f.resource: f for f in escalation_findings(tg)}
    carol = by_resource[CAROL]
    assert carol.kind == "escalation_path_to_admin" and carol.account_id == DEV
    assert carol.title == "Privilege escalation path to admin of 1 account(s)"
    assert carol.detail.startswith(f"escalates to administrator of {PROD}; path shown to admin of {PROD}: ")
    assert carol.path is not None and carol.call_ids
    assert [f.resource for f in trust_findings(tg) if f.kind == "escalation_path_to_admin"] == sorted(
        by_resource
    )


def test_no_escalation_hop_no_finding(tmp_path: Path) -> None:
    inv = build_org(
        tmp_path,
        Acct(id=PROD, roles=[R(name="ci", trust=trust({"AWS": DEV}), attached=[ADMIN_POLICY])]),
        Acct(id=DEV, users=[U(name="bob", policies=[allow("sts:AssumeRole")])]),
    )
    assert list(escalations(build_trust_graph(inv))) == []


def test_reach_bits_over_cycles() -> None:
    """Reachability as bit sets over strongly connected components (a cycle shares its reach)."""
    succ = {
        "a": ["b"],
        "b": ["c"],
        "c": ["a", "x"],  # a -> b -> c -> a: one component reaching x
        "x": [],
        "y": ["y"],  # a self-loop alone
        "d": ["a", "y"],
        "e": [],
    }
    bits = _reach_bits(succ, {"x": 1, "y": 2})
    assert bits == {"a": 1, "b": 1, "c": 1, "x": 1, "y": 2, "d": 3, "e": 0}
