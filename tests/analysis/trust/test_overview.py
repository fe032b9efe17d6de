"""The account-level overview of the trust graph: one node per account, outsiders aggregated, edges counted."""

from __future__ import annotations

import pytest

from analysis.trust.graph import TrustGraph, build_trust_graph
from analysis.trust.nodes import USER, account_node_id
from analysis.trust.overview import (
    ACCOUNT_GROUP,
    OUTSIDE_EXTERNAL,
    OUTSIDE_GROUP,
    OUTSIDE_SERVICE,
    OverviewCancelled,
    OverviewEdge,
    build_account_overview,
)
from tests.analysis.model.builders import MGMT
from tests.analysis.trust.org_builder import (
    ADMIN_POLICY,
    DEV,
    EXTERNAL,
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

ATTACKER = user_arn(DEV, "attacker")


@pytest.fixture(scope="module")
def tg(tmp_path_factory: pytest.TempPathFactory) -> TrustGraph:
    inv = build_org(
        tmp_path_factory.mktemp("overview"),
        Acct(
            id=PROD,
            users=[U(name="alice", attached=[ADMIN_POLICY])],
            roles=[
                R(name="deploy", trust=trust({"AWS": f"arn:aws:iam::{DEV}:root"}), attached=[ADMIN_POLICY]),
                R(name="readonly", trust=trust({"AWS": f"arn:aws:iam::{DEV}:root"})),
                R(
                    name="vendor",
                    trust=trust(
                        {"AWS": f"arn:aws:iam::{EXTERNAL}:root"},
                        condition={"StringEquals": {"sts:ExternalId": "x"}},
                    ),
                ),
                R(name="fn", trust=trust({"Service": "lambda.amazonaws.com"})),
            ],
        ),
        Acct(
            id=DEV,
            users=[
                U(name="dev", policies=[allow("sts:AssumeRole")]),
                U(name="attacker", policies=[allow("iam:AttachUserPolicy", resource=ATTACKER)]),
            ],
        ),
    )
    return build_trust_graph(inv)


def test_one_node_per_account_and_outsiders_aggregated(tg: TrustGraph) -> None:
    ov = build_account_overview(tg)
    accounts = {n.account_id for n in ov.nodes.values() if n.group == ACCOUNT_GROUP}
    assert accounts == set(tg.org.account_ids) == {MGMT, PROD, DEV}
    outside = {n.id for n in ov.nodes.values() if n.group == OUTSIDE_GROUP}
    assert outside == {OUTSIDE_EXTERNAL, OUTSIDE_SERVICE}
    # Every trust-graph node is folded into exactly one overview node.
    assert sorted(m for n in ov.nodes.values() for m in n.members) == sorted(tg.graph.nodes)
    prod = ov.nodes[account_node_id(PROD)]
    assert prod.label == "prod" and prod.ou_path == ("Root", "Prod")
    assert prod.kinds["role"] == 4 and prod.kinds["user"] == 1
    assert set(prod.admins) == {user_arn(PROD, "alice"), role_arn(PROD, "deploy")}


def test_edges_between_accounts_are_counted_by_category(tg: TrustGraph) -> None:
    ov = build_account_overview(tg)
    by_pair = {(e.source, e.target): e for e in ov.edges}
    dev_to_prod = by_pair[(account_node_id(DEV), account_node_id(PROD))]
    # Every node pair from DEV into PROD (the account node and dev, to the roles trusting DEV).
    expected = {
        (u, v) for u, v in tg.graph.edges if tg.node(u).account_id == DEV and tg.node(v).account_id == PROD
    }
    assert set(dev_to_prod.pairs) == expected and dev_to_prod.total == len(expected)
    assert dev_to_prod.counts == {"trust": len(expected)}
    assert (user_arn(DEV, "dev"), role_arn(PROD, "deploy")) in expected
    vendor = by_pair[(OUTSIDE_EXTERNAL, account_node_id(PROD))]
    assert vendor.conditional == 1 and "(1 conditional)" in vendor.describe()
    # The escalation stays inside DEV: counted on the account, not as an edge between accounts.
    dev = ov.nodes[account_node_id(DEV)]
    assert dev.internal.get("escalation", 0) >= 1
    assert not any(e.escalation for e in ov.edges)


def test_describe_reads_like_a_sentence() -> None:
    edge = OverviewEdge(
        source="a", target="b", counts={"trust": 12, "escalation": 3}, conditional=0, pairs=()
    )
    assert edge.describe() == "12 trust edges, 3 escalation"
    one = OverviewEdge(source="a", target="b", counts={"escalation": 1}, conditional=1, pairs=())
    assert one.describe() == "1 escalation edge (1 conditional)"


def test_keep_filters_nodes_before_counting(tg: TrustGraph) -> None:
    only_prod_dev = build_account_overview(tg, keep=lambda n: n.account_id in (PROD, DEV))
    assert set(only_prod_dev.nodes) == {account_node_id(PROD), account_node_id(DEV)}
    assert all(e.source != OUTSIDE_EXTERNAL for e in only_prod_dev.edges)
    users_only = build_account_overview(tg, keep=lambda n: n.kind == USER)
    assert all(set(n.kinds) == {USER} for n in users_only.nodes.values())
    assert users_only.edges == ()  # no user-to-user edge crosses accounts here


def test_edges_of_and_cancel(tg: TrustGraph) -> None:
    ov = build_account_overview(tg)
    out, inc = ov.edges_of(account_node_id(PROD))
    assert out == [] or all(e.source == account_node_id(PROD) for e in out)
    assert {e.source for e in inc} >= {account_node_id(DEV), OUTSIDE_EXTERNAL}
    messages: list[str] = []
    with pytest.raises(OverviewCancelled):
        build_account_overview(tg, progress=messages.append, cancelled=lambda: True)
    assert messages and "grouping" in messages[0]
