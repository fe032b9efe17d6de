"""Trust edges, their conditions and the organization: small hand-built organizations.

Principal semantics follow the IAM User Guide, "AWS JSON policy elements: Principal"
(an account id or ``:root`` = any principal of that account whose own policies allow it;
``*`` = anyone), and "AWS global condition context keys" (aws:PrincipalOrgID,
aws:PrincipalOrgPaths).
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from analysis.trust.edges import EDGE_CHECKERS, Edge, EdgeCondition
from analysis.trust.edges.assume_role import MAX_EXPANDED_ACCOUNTS
from analysis.trust.graph import TrustGraph, TrustGraphCancelled, build_trust_graph
from analysis.trust.nodes import (
    ACCOUNT,
    EXTERNAL_ACCOUNT,
    OIDC_PROVIDER,
    PUBLIC_ID,
    SAML_PROVIDER,
    account_node_id,
    admin_node_id,
    external_node_id,
    service_node_id,
)
from tests.analysis.model.builders import MGMT
from tests.analysis.trust.org_builder import (
    ADMIN_POLICY,
    DEV,
    DEV_OU,
    EXTERNAL,
    ORG_ID,
    PROD,
    ROOT_ID,
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
SAML = f"arn:aws:iam::{PROD}:saml-provider/Okta"


def _graph(tmp_path: Path, *accounts: Acct, **kw: object) -> TrustGraph:
    return build_trust_graph(build_org(tmp_path, *accounts, **kw))  # type: ignore[arg-type]


def _prod_roles() -> list[R]:
    return [
        R(name="from-dev", trust=trust({"AWS": f"arn:aws:iam::{DEV}:root"}), attached=[ADMIN_POLICY]),
        R(name="from-mgmt", trust=trust({"AWS": MGMT})),
        R(
            name="vendor",
            trust=trust(
                {"AWS": f"arn:aws:iam::{EXTERNAL}:root"},
                condition={"StringEquals": {"sts:ExternalId": "x-42"}},
            ),
        ),
        R(name="vendor-no-id", trust=trust({"AWS": f"arn:aws:iam::{EXTERNAL}:role/scanner"})),
        R(name="org-wide", trust=trust("*", condition={"StringEquals": {"aws:PrincipalOrgID": ORG_ID}})),
        R(
            name="dev-ou-only",
            trust=trust(
                {"AWS": "*"},
                condition={
                    "ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": [f"{ORG_ID}/{ROOT_ID}/{DEV_OU}/*"]}
                },
            ),
        ),
        R(name="public", trust=trust({"AWS": "*"})),
        R(
            name="mfa-only",
            trust=trust({"AWS": DEV}, condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
        ),
        R(
            name="github-deploy",
            trust=trust(
                {"Federated": GITHUB},
                action="sts:AssumeRoleWithWebIdentity",
                condition={"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/app:*"}},
            ),
        ),
        R(name="okta-admin", trust=trust({"Federated": SAML}, action="sts:AssumeRoleWithSAML")),
        R(
            name="cognito",
            trust=trust(
                {"Federated": "cognito-identity.amazonaws.com"}, action="sts:AssumeRoleWithWebIdentity"
            ),
        ),
        R(name="lambda-exec", trust=trust({"Service": "lambda.amazonaws.com"})),
    ]


def _org(tmp_path: Path, **kw: object) -> TrustGraph:
    return _graph(
        tmp_path,
        Acct(id=PROD, roles=_prod_roles()),
        Acct(
            id=DEV,
            users=[
                U(name="dev-assumer", policies=[allow("sts:AssumeRole")]),
                U(name="dev-nothing", policies=[allow("s3:GetObject")]),
            ],
        ),
        Acct(id=MGMT, users=[U(name="ops", policies=[allow("sts:AssumeRole")])]),
        **kw,
    )


def test_account_trust_expands_to_principals_whose_policies_allow_it(tmp_path: Path) -> None:
    tg = _org(tmp_path)
    target = role_arn(PROD, "from-dev")
    assert tg.edges_between(account_node_id(DEV), target)
    assert tg.node(account_node_id(DEV)).kind == ACCOUNT
    edge = tg.edges_between(user_arn(DEV, "dev-assumer"), target)[0]
    assert edge.kind == "assume_role" and edge.intra_org is True
    assert {s.kind for s in edge.statements} >= {"trust", "identity"}
    # No identity permission, no edge: the account node is "any principal whose own policies allow it".
    assert not tg.edges_between(user_arn(DEV, "dev-nothing"), target)
    # The management account is part of the organization.
    assert tg.edges_between(user_arn(MGMT, "ops"), role_arn(PROD, "from-mgmt"))[0].intra_org is True


def test_scp_denying_assume_role_removes_the_principal_edge(tmp_path: Path) -> None:
    tg = _org(tmp_path, scps=[("p-noassume", deny("sts:AssumeRole"), [DEV_OU])])
    assert not tg.edges_between(user_arn(DEV, "dev-assumer"), role_arn(PROD, "from-dev"))
    # SCPs do not apply to the management account.
    assert tg.edges_between(user_arn(MGMT, "ops"), role_arn(PROD, "from-mgmt"))


def test_external_accounts_and_their_conditions(tmp_path: Path) -> None:
    tg = _org(tmp_path)
    ext = external_node_id(EXTERNAL)
    assert tg.node(ext).kind == EXTERNAL_ACCOUNT and tg.node(ext).in_organization is False
    vendor = tg.edges_between(ext, role_arn(PROD, "vendor"))[0]
    assert vendor.intra_org is False
    assert [(c.operator, c.key, c.values) for c in vendor.conditions] == [
        ("StringEquals", "sts:ExternalId", ("x-42",))
    ]
    named = f"arn:aws:iam::{EXTERNAL}:role/scanner"
    assert tg.node(named).in_organization is False
    assert tg.edges_between(named, role_arn(PROD, "vendor-no-id"))[0].conditions == ()
    mfa = tg.edges_between(user_arn(DEV, "dev-assumer"), role_arn(PROD, "mfa-only"))[0]
    assert any(c.key == "aws:MultiFactorAuthPresent" for c in mfa.conditions)


def test_star_with_org_id_is_intra_org_not_public(tmp_path: Path) -> None:
    tg = _org(tmp_path)
    org_wide = role_arn(PROD, "org-wide")
    assert not tg.edges_between(PUBLIC_ID, org_wide)
    assert {account_node_id(a) for a in (MGMT, PROD, DEV)} <= set(tg.graph.predecessors(org_wide))
    assert tg.edges_between(user_arn(DEV, "dev-assumer"), org_wide)
    # PrincipalOrgPaths narrows to the Dev OU's accounts.
    dev_only = set(tg.graph.predecessors(role_arn(PROD, "dev-ou-only")))
    assert account_node_id(DEV) in dev_only and account_node_id(MGMT) not in dev_only
    assert PUBLIC_ID not in dev_only
    # "*" with no condition is public.
    public = tg.edges_between(PUBLIC_ID, role_arn(PROD, "public"))[0]
    assert public.intra_org is False and not public.conditions


def test_federation_and_service_edges(tmp_path: Path) -> None:
    tg = _org(tmp_path)
    gh = tg.edges_between(GITHUB, role_arn(PROD, "github-deploy"))[0]
    assert tg.node(GITHUB).kind == OIDC_PROVIDER and "GitHub Actions" in tg.node(GITHUB).label
    assert gh.kind == "assume_role_web_identity"
    assert gh.conditions[0].key == "token.actions.githubusercontent.com:sub"
    saml = tg.edges_between(SAML, role_arn(PROD, "okta-admin"))[0]
    assert tg.node(SAML).kind == SAML_PROVIDER and saml.technique == "sts:AssumeRoleWithSAML"
    assert tg.edges_between("federated:cognito-identity.amazonaws.com", role_arn(PROD, "cognito"))
    assert tg.edges_between(service_node_id("lambda.amazonaws.com"), role_arn(PROD, "lambda-exec"))


def test_admin_edge_and_admin_controls_its_account(tmp_path: Path) -> None:
    tg = _org(tmp_path)
    from_dev = role_arn(PROD, "from-dev")
    assert from_dev in tg.admins and tg.edges_between(from_dev, admin_node_id(PROD))
    assert tg.edges_between(admin_node_id(PROD), account_node_id(PROD))
    assert user_arn(DEV, "dev-assumer") not in tg.admins


def test_unconditional_deny_in_trust_removes_the_grant_and_conditional_deny_is_kept(tmp_path: Path) -> None:
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": [DEV, EXTERNAL]}, "Action": "sts:AssumeRole"},
            {"Effect": "Deny", "Principal": {"AWS": EXTERNAL}, "Action": "sts:AssumeRole"},
            {
                "Effect": "Deny",
                "Principal": {"AWS": DEV},
                "Action": "sts:*",
                "Condition": {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
            },
        ],
    }
    tg = _graph(tmp_path, Acct(id=PROD, roles=[R(name="mixed", trust=doc)]))
    assert not tg.edges_between(external_node_id(EXTERNAL), role_arn(PROD, "mixed"))
    edge = tg.edges_between(account_node_id(DEV), role_arn(PROD, "mixed"))[0]
    assert [(c.operator, c.key) for c in edge.conditions] == [("unless NotIpAddress", "aws:SourceIp")]


def test_malformed_trust_policy_gives_no_edge_and_no_crash(tmp_path: Path) -> None:
    tg = _graph(tmp_path, Acct(id=PROD, roles=[R(name="broken", trust={"Statement": "nope"})]))  # type: ignore[arg-type]
    assert tg.graph.in_degree(role_arn(PROD, "broken")) == 0


def test_organization_wide_trust_above_the_expansion_limit_gives_account_edges_only(tmp_path: Path) -> None:
    # More accounts than MAX_EXPANDED_ACCOUNTS: one edge per account node, none per principal.
    others = [
        Acct(id=f"4{i:011d}", users=[U(name="u", policies=[allow("sts:AssumeRole")])]) for i in range(28)
    ]
    condition = {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}}
    tg = _graph(
        tmp_path, Acct(id=PROD, roles=[R(name="org-wide", trust=trust("*", condition=condition))]), *others
    )
    target = role_arn(PROD, "org-wide")
    assert len(tg.org.account_ids) > MAX_EXPANDED_ACCOUNTS
    sources = sorted(tg.graph.predecessors(target))
    assert sources == sorted(account_node_id(a) for a in tg.org.account_ids)
    assert not any(tg.edges_between(user_arn(a.id, "u"), target) for a in others)
    assert any(target in note for note in tg.notes)
    role = tg.inventory.iam.roles[target]
    for a in (MGMT, others[0].id):
        (edge,) = tg.edges_between(account_node_id(a), target)
        assert edge == Edge(
            source=account_node_id(a),
            target=target,
            kind="assume_role",
            technique="sts:AssumeRole",
            reason=f"the trust policy of org-wide trusts account {a}",
            conditions=(
                EdgeCondition(
                    operator="StringEquals", key="aws:PrincipalOrgID", values=(ORG_ID,), origin="trust"
                ),
            ),
            statements=edge.statements,
            intra_org=True,
            call_ids=role.call_ids,
        )
        assert [s.kind for s in edge.statements] == ["trust"] and role.call_ids
        assert tg.graph.edges[account_node_id(a), target]["conditional"] is True


def test_build_reports_progress_can_be_cancelled_and_restores_the_collector(tmp_path: Path) -> None:
    inv = build_org(tmp_path, Acct(id=PROD, roles=_prod_roles()))
    seen: list[tuple[int, int, str]] = []
    build_trust_graph(inv, progress=lambda done, total, message: seen.append((done, total, message)))
    total = len(EDGE_CHECKERS) + 2
    assert seen[0] == (0, total, "indexing principals") and seen[-1] == (total, total, "trust graph ready")
    assert [d for d, _, _ in seen] == sorted(d for d, _, _ in seen)
    assert {m for _, _, m in seen} >= {f"edges: {name.replace('_', ' ')}" for name in EDGE_CHECKERS}
    assert gc.isenabled()
    asked: list[int] = []

    def cancelled() -> bool:  # cancelled at the third checker
        asked.append(1)
        return len(asked) > 2

    with pytest.raises(TrustGraphCancelled):
        build_trust_graph(inv, cancelled=cancelled)
    assert len(asked) == 3
    assert gc.isenabled()
    gc.disable()
    try:
        build_trust_graph(inv)
        assert not gc.isenabled()  # the caller's choice is kept
    finally:
        gc.enable()
