"""Queries over the trust graph, the SCP what-if and the findings, on one small organization.

What-if follows the Organizations white paper practice "test SCPs before implementing
them": the same engine with the draft attached (AWS Organizations User Guide, "SCP
evaluation": a Deny at any level of the path applies).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.iam import PolicyEngine
from analysis.trust.access import who_can
from analysis.trust.findings import trust_findings
from analysis.trust.graph import TrustGraph, build_trust_graph
from analysis.trust.nodes import admin_node_id, external_node_id
from analysis.trust.queries import (
    entry_points,
    escalating_principals,
    reachable_from,
    who_can_reach_admin,
)
from analysis.trust.whatif import accounts_under, scp_what_if
from tests.analysis.model.builders import MGMT
from tests.analysis.trust.org_builder import (
    ADMIN_POLICY,
    DEV,
    DEV_OU,
    EXTERNAL,
    PROD,
    PROD_OU,
    Acct,
    R,
    U,
    allow,
    build_org,
    deny,
    role_arn,
    trust,
    user_arn,
)

GITHUB = f"arn:aws:iam::{PROD}:oidc-provider/token.actions.githubusercontent.com"
CAROL, BOB, ALICE = user_arn(DEV, "carol"), user_arn(DEV, "bob"), user_arn(PROD, "alice")
CI = role_arn(PROD, "ci")


@pytest.fixture(scope="module")
def tg(tmp_path_factory: pytest.TempPathFactory) -> TrustGraph:
    inv = build_org(
        tmp_path_factory.mktemp("q"),
        Acct(
            id=PROD,
            users=[U(name="alice", attached=[ADMIN_POLICY])],
            roles=[
                R(
                    name="ci",
                    trust=trust({"AWS": DEV}),
                    attached=[ADMIN_POLICY],
                    last_used="2024-01-01T00:00:00Z",
                ),
                R(name="vendor", trust=trust({"AWS": EXTERNAL}), policies=[allow("sts:AssumeRole")]),
                R(
                    name="reader",
                    trust=trust({"AWS": PROD}),
                    policies=[allow("s3:GetObject", resource="arn:aws:s3:::data/*")],
                ),
                R(
                    name="gh",
                    trust=trust({"Federated": GITHUB}, action="sts:AssumeRoleWithWebIdentity"),
                    policies=[allow("iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction")],
                ),
                R(name="fn-admin", trust=trust({"Service": "lambda.amazonaws.com"}), attached=[ADMIN_POLICY]),
                R(name="public", trust=trust("*")),
            ],
        ),
        Acct(
            id=DEV,
            users=[
                U(name="bob", policies=[allow("sts:AssumeRole")]),
                U(name="carol", policies=[allow("iam:CreateAccessKey")]),
            ],
        ),
    )
    return build_trust_graph(inv)


def test_who_can_reach_admin_with_every_shortest_path(tg: TrustGraph) -> None:
    reach = {r.node: r for r in who_can_reach_admin(tg, PROD)}
    assert reach[ALICE].distance == 1 and reach[CI].distance == 1
    assert reach[BOB].distance == 2 and reach[BOB].paths[0].nodes == (BOB, CI, admin_node_id(PROD))
    carol = reach[CAROL]
    assert carol.distance == 3 and carol.paths[0].escalation
    assert "iam:CreateAccessKey" in carol.paths[0].describe(tg)
    # GitHub Actions -> gh role -> PassRole to Lambda -> fn-admin -> admin.
    assert reach[GITHUB].distance == 3
    assert [s.edges[0].kind for s in reach[GITHUB].paths[0].steps] == [
        "assume_role_web_identity",
        "pass_role",
        "admin",
    ]
    # Nothing reaches admin of DEV.
    assert who_can_reach_admin(tg, DEV) == []


def test_every_shortest_path_is_listed(tmp_path: Path) -> None:
    inv = build_org(
        tmp_path,
        Acct(
            id=PROD, roles=[R(name=n, trust=trust({"AWS": DEV}), attached=[ADMIN_POLICY]) for n in ("a", "b")]
        ),
        Acct(id=DEV, users=[U(name="bob", policies=[allow("sts:AssumeRole")])]),
    )
    g = build_trust_graph(inv)
    bob = next(r for r in who_can_reach_admin(g, PROD) if r.node == BOB)
    assert {p.nodes[1] for p in bob.paths} == {role_arn(PROD, "a"), role_arn(PROD, "b")}
    assert not bob.truncated


def test_external_and_federated_reach(tg: TrustGraph) -> None:
    ext = {r.node for r in reachable_from(tg, external_node_id(EXTERNAL))}
    assert role_arn(PROD, "vendor") in ext and admin_node_id(PROD) not in ext
    entries = entry_points(tg)
    assert admin_node_id(PROD) in {r.node for r in entries[GITHUB]}
    assert "public:*" in entries
    assert escalating_principals(tg) == sorted([CAROL, role_arn(PROD, "gh")])
    with pytest.raises(KeyError):
        reachable_from(tg, "nope")


def test_who_can_read_a_bucket_directly_and_through_others(tg: TrustGraph) -> None:
    engine = PolicyEngine(inventory=tg.inventory)
    holders = {
        h.principal: h
        for h in who_can(
            tg, engine, action="s3:GetObject", resource="arn:aws:s3:::data/x", resource_account=PROD
        )
    }
    reader = role_arn(PROD, "reader")
    assert holders[reader].decision is not None and holders[reader].via is None
    assert holders[ALICE].decision is not None  # admin
    # bob reaches ci (admin), carol reaches bob.
    assert holders[BOB].via == CI and holders[CAROL].path is not None
    assert holders[CAROL].path.nodes[0] == CAROL


def test_scp_what_if_lists_lost_permissions_and_cut_paths(tg: TrustGraph) -> None:
    assert accounts_under(tg, PROD_OU) == (PROD,)
    assert set(accounts_under(tg, "r-ab12")) == {PROD, DEV}  # never the management account
    result = scp_what_if(tg, document=deny("sts:AssumeRole"), target_id=DEV_OU)
    assert result.accounts == (DEV,)
    assert any(lp.principal == BOB and lp.action == "sts:AssumeRole" for lp in result.lost)
    lost = next(lp for lp in result.lost if lp.principal == BOB)
    assert lost.before.decision == "allow" and lost.after.decision == "explicit_deny"
    cut = {(c.source, c.account_id) for c in result.cut_paths}
    assert (BOB, PROD) in cut and (CAROL, PROD) in cut
    assert (ALICE, PROD) not in cut
    with pytest.raises(KeyError):
        scp_what_if(tg, document=deny("s3:*"), target_id="ou-nope")


def test_scp_what_if_on_prod_removes_admins(tg: TrustGraph) -> None:
    result = scp_what_if(tg, document=deny("*"), target_id=PROD)
    assert ALICE in result.admins_lost and CI in result.admins_lost
    assert any(lp.action == "*" and lp.principal == ALICE for lp in result.lost)


def test_findings(tg: TrustGraph) -> None:
    found = trust_findings(tg)
    kinds = {(f.kind, f.resource) for f in found}
    assert ("external_trust_without_external_id", role_arn(PROD, "vendor")) in kinds
    assert ("cross_account_trust_outside_org", role_arn(PROD, "vendor")) in kinds
    assert ("cross_account_trust_outside_org", CI) not in kinds  # DEV is in the organization
    assert ("public_trust", role_arn(PROD, "public")) in kinds
    assert ("oidc_trust_without_sub", role_arn(PROD, "gh")) in kinds
    assert ("principal_with_admin", ALICE) in kinds
    assert ("escalation_path_to_admin", CAROL) in kinds
    assert ("escalation_path_to_admin", BOB) not in kinds  # plain assume, no escalation technique
    assert ("unused_role", CI) in kinds
    esc = next(f for f in found if f.kind == "escalation_path_to_admin" and f.resource == CAROL)
    assert esc.path is not None and esc.call_ids
    vendor = next(f for f in found if f.kind == "external_trust_without_external_id")
    assert vendor.statements and vendor.call_ids


def test_query_fast_on_a_few_hundred_accounts_shape(tg: TrustGraph) -> None:
    assert tg.evaluations > 0 and tg.seconds < 10
    assert MGMT in tg.org.account_ids
