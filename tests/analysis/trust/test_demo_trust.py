"""The demo organization's trust graph: cross-account, external-vendor and GitHub OIDC edges, and an
escalation path to admin (docs/demo.md lists what was seeded). Builds the demo snapshot once
for the module (seeded in moto and collected by the real collectors, ~30 s)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from analysis.model.inventory import build_inventory
from analysis.trust.findings import trust_findings
from analysis.trust.graph import TrustGraph, build_trust_graph
from analysis.trust.nodes import EXTERNAL_ACCOUNT, OIDC_PROVIDER, admin_node_id
from analysis.trust.queries import who_can_reach_admin
from collectors.demo.build import build_demo_snapshot
from snapshot import Snapshot


@pytest.fixture(scope="module")
def tg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TrustGraph]:
    path = build_demo_snapshot(tmp_path_factory.mktemp("demo-trust") / "demo.snapshot")
    with Snapshot.open(path) as snap:
        yield build_trust_graph(build_inventory(snap))


def _role(tg: TrustGraph, account_name: str, role_name: str) -> str:
    inv = tg.inventory
    return next(
        arn
        for arn, r in inv.iam.roles.items()
        if r.name == role_name and inv.account_name(r.account_id) == account_name
    )


def test_cross_account_edges_are_intra_organization(tg: TrustGraph) -> None:
    target = _role(tg, "web-prod", "OrganizationAccountAccessRole")
    sources = {e.source: e for e in tg.all_edges() if e.target == target and e.kind == "assume_role"}
    corp = _role(tg, "master", "CorpIdPAdministrators")
    assert corp in sources and sources[corp].intra_org is True


def test_external_vendor_edges_with_and_without_external_id(tg: TrustGraph) -> None:
    monitoring = _role(tg, "payments-prod", "VendorMonitoring")
    support = _role(tg, "payments-prod", "VendorSupport")
    by_target = {e.target: e for e in tg.all_edges() if tg.node(e.source).kind == EXTERNAL_ACCOUNT}
    assert by_target[monitoring].intra_org is False
    assert any(c.key == "sts:ExternalId" for c in by_target[monitoring].conditions)
    assert not by_target[support].conditions
    kinds = {(f.kind, f.resource) for f in trust_findings(tg)}
    assert ("external_trust_without_external_id", support) in kinds
    assert ("external_trust_without_external_id", monitoring) not in kinds


def test_github_oidc_edges_and_the_unrestricted_one(tg: TrustGraph) -> None:
    deploy = _role(tg, "shared-services", "GitHubActionsDeploy")
    build = _role(tg, "shared-services", "GitHubActionsBuild")
    oidc = {e.target: e for e in tg.all_edges() if tg.node(e.source).kind == OIDC_PROVIDER}
    assert any(c.key.endswith(":sub") for c in oidc[deploy].conditions)
    assert not any(c.key.endswith(":sub") for c in oidc[build].conditions)
    kinds = {(f.kind, f.resource) for f in trust_findings(tg)}
    assert ("oidc_trust_without_sub", build) in kinds and ("oidc_trust_without_sub", deploy) not in kinds


def test_an_escalation_path_to_admin(tg: TrustGraph) -> None:
    deployer = _role(tg, "web-prod", "LambdaDeployer")
    account = tg.inventory.iam.roles[deployer].account_id
    reach = {r.node: r for r in who_can_reach_admin(tg, account)}
    path = reach[deployer].paths[0]
    assert path.escalation and path.nodes[-1] == admin_node_id(account)
    assert any(f.kind == "escalation_path_to_admin" and f.resource == deployer for f in trust_findings(tg))
