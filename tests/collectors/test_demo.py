"""The demo organization: seeded in moto, collected by the real collectors, cached, and ``main.py demo``.

One snapshot is built for the module and checked against what the seed says it
created (the seed is run again in a fresh mock: its ids are deterministic). The
cache and CLI tests build their own where building is what they test.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import os
import shutil
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws

from cli.main import main
from collectors.demo import DEMO_EXTRA_HINT, DemoBuildError
from collectors.demo.build import (
    EMULATOR_GAPS,
    EXPECTED_DENIALS,
    build_demo_snapshot,
    demo_snapshot_path,
    ensure_demo_snapshot,
    isolated_aws_environment,
)
from collectors.demo.seed import (
    MANAGEMENT,
    MANAGEMENT_ACCOUNT_ID,
    VENDOR_ACCOUNT_ID,
    DemoOrganization,
    seed_demo_organization,
)
from snapshot import INTACT, Snapshot


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Snapshot, DemoOrganization]]:
    path = build_demo_snapshot(tmp_path_factory.mktemp("demo") / "demo.snapshot")
    with isolated_aws_environment(), mock_aws():
        expected = seed_demo_organization()
    with Snapshot.open(path) as snap:
        yield snap, expected


def _org_pages(snap: Snapshot, operation: str) -> Iterator[tuple[Any, dict[str, Any]]]:
    return snap.iter_pages(service="organizations", operation=operation)


def _authorization_details(snap: Snapshot, account_id: str) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": []}
    for _, page in snap.iter_pages(
        service="iam", operation="GetAccountAuthorizationDetails", account_id=account_id
    ):
        for key, items in out.items():
            items.extend(page.get(key, []))
    return out


def _active(org: DemoOrganization) -> list[str]:
    return [name for name in org.accounts if name not in org.suspended_accounts]


# -- the organization ------------------------------------------------------------------------


def test_snapshot_is_intact_complete_and_deterministic(demo: tuple[Snapshot, DemoOrganization]) -> None:
    snap, org = demo
    assert snap.integrity == INTACT and snap.status == "complete"
    assert snap.manifest["organization_id"] == org.organization_id
    assert snap.manifest["management_account_id"] == MANAGEMENT_ACCOUNT_ID == org.accounts[MANAGEMENT]
    # Every call was answered, except the emulator's documented gaps and the denials AWS gives a
    # member account too (collectors/demo/build.py lists both; docs/demo.md explains them).
    unexpected = [
        (c.service, c.operation, c.outcome)
        for c in snap.calls()
        if c.outcome not in ("ok", "absent", "not_subscribed")
        and not (c.outcome == "error" and (c.service, c.operation) in EMULATOR_GAPS)
        and not (c.outcome == "access_denied" and (c.service, c.operation) in EXPECTED_DENIALS)
    ]
    assert unexpected == []
    # The seed in a fresh mock gave the same ids as the build: the demo is reproducible.
    listed = {a["Name"]: a["Id"] for _, p in _org_pages(snap, "ListAccounts") for a in p["Accounts"]}
    assert {n: i for n, i in listed.items() if n != "master"} == {
        n: i for n, i in org.accounts.items() if n != MANAGEMENT
    }
    # Only Security Hub features moto lacks were skipped while seeding.
    assert len(org.accounts) >= 8 and org.skipped == tuple(
        s for s in org.skipped if "Security Hub" in s or "securityhub" in s
    )


def test_every_ou_and_account_is_under_its_parent(demo: tuple[Snapshot, DemoOrganization]) -> None:
    snap, org = demo
    ou_parent: dict[str, str] = {}
    ou_name: dict[str, str] = {}
    for call, page in _org_pages(snap, "ListOrganizationalUnitsForParent"):
        for ou in page["OrganizationalUnits"]:
            ou_parent[ou["Id"]], ou_name[ou["Id"]] = call.parameters["ParentId"], ou["Name"]
    assert {ou_name[i]: p for i, p in ou_parent.items()} == {name: org.parent_id(name) for name in org.ous}
    assert {ou_name[i]: i for i in ou_parent} == dict(org.ous)
    assert org.ou_parents["Prod"] == "Workloads" and org.ou_parents["NonProd"] == "Workloads"

    account_parent = {
        a["Id"]: call.parameters["ParentId"]
        for call, page in _org_pages(snap, "ListAccountsForParent")
        for a in page["Accounts"]
    }
    assert account_parent == {org.accounts[name]: org.parent_id(name) for name in org.accounts}
    status = {a["Id"]: a["Status"] for _, p in _org_pages(snap, "ListAccounts") for a in p["Accounts"]}
    assert {i for i, s in status.items() if s != "ACTIVE"} == {
        org.accounts[n] for n in org.suspended_accounts
    }


def test_every_policy_with_its_type_targets_and_content(demo: tuple[Snapshot, DemoOrganization]) -> None:
    snap, org = demo
    listed: dict[str, tuple[str, str]] = {}  # name -> (id, type filter)
    for call, page in _org_pages(snap, "ListPolicies"):
        for policy in page["Policies"]:
            listed[policy["Name"]] = (policy["Id"], call.parameters["Filter"])
    targets: dict[str, set[str]] = {}
    for call, page in _org_pages(snap, "ListTargetsForPolicy"):
        targets.setdefault(call.parameters["PolicyId"], set()).update(t["TargetId"] for t in page["Targets"])
    content = {
        p["Policy"]["PolicySummary"]["Id"]: p["Policy"]["Content"]
        for _, p in _org_pages(snap, "DescribePolicy")
    }
    scps = [n for n, t in org.policy_types.items() if t == "SERVICE_CONTROL_POLICY"]
    assert len(scps) >= 5 and "RESOURCE_CONTROL_POLICY" in org.policy_types.values()
    assert "TAG_POLICY" in org.policy_types.values()
    for name, policy_id in org.policies.items():
        assert listed[name] == (policy_id, org.policy_types[name])
        assert targets[policy_id] == {org.target_id(t) for t in org.policy_targets[name]}, name
        assert policy_id in content
    # SCPs at several levels: Root, an OU, a nested OU.
    attached_to = {t for n in scps for t in org.policy_targets[n]}
    assert {"Root", "Workloads", "Prod", "Sandbox"} <= attached_to
    assert "aws:RequestedRegion" in content[org.policies["RegionRestriction"]]
    assert "organizations:LeaveOrganization" in content[org.policies["DenyLeaveOrganization"]]
    # AWS's FullAWSAccess stays attached at the root next to the guardrails.
    assert org.root_id in targets[listed["FullAWSAccess"][0]]
    assert set(org.enabled_policy_types) >= {
        "SERVICE_CONTROL_POLICY",
        "RESOURCE_CONTROL_POLICY",
        "TAG_POLICY",
    }


def test_delegated_administrator_and_trusted_services(demo: tuple[Snapshot, DemoOrganization]) -> None:
    snap, org = demo
    tooling = org.accounts["security-tooling"]
    admins = {
        a["Id"]
        for _, p in _org_pages(snap, "ListDelegatedAdministrators")
        for a in p["DelegatedAdministrators"]
    }
    assert admins == {tooling}
    services = {
        s["ServicePrincipal"]
        for call, p in _org_pages(snap, "ListDelegatedServicesForAccount")
        if call.parameters["AccountId"] == tooling
        for s in p["DelegatedServices"]
    }
    assert services == set(org.delegated_administrators["security-tooling"]) >= {"guardduty.amazonaws.com"}
    trusted = {
        s["ServicePrincipal"]
        for _, p in _org_pages(snap, "ListAWSServiceAccessForOrganization")
        for s in p["EnabledServicePrincipals"]
    }
    assert trusted == set(org.service_access)


def test_suspended_account_is_listed_but_not_collected(demo: tuple[Snapshot, DemoOrganization]) -> None:
    snap, org = demo
    for name in org.suspended_accounts:
        account_id = org.accounts[name]
        assert snap.calls(account_id=account_id) == []
        assert snap.manifest["account_outcomes"][account_id]["status"] == "skipped"
    for name in _active(org):
        # "partial" only through the emulator's documented gaps (checked call by call above).
        assert snap.manifest["account_outcomes"][org.accounts[name]]["status"] in ("collected", "partial"), (
            name
        )


# -- IAM in the accounts ------------------------------------------------------------------------


def test_seeded_principals_are_in_each_accounts_iam_pages(demo: tuple[Snapshot, DemoOrganization]) -> None:
    snap, org = demo
    for name in _active(org):
        details = _authorization_details(snap, org.accounts[name])
        users = {u["UserName"] for u in details["UserDetailList"]}
        groups = {g["GroupName"] for g in details["GroupDetailList"]}
        roles = {r["RoleName"]: r for r in details["RoleDetailList"]}
        assert users == set(org.users.get(name, ())), name
        assert groups == set(org.groups.get(name, ())), name
        assert set(org.roles.get(name, ())) <= set(roles), name
        if name != MANAGEMENT:
            member = roles["OrganizationAccountAccessRole"]["AttachedManagedPolicies"]
            assert [p["PolicyName"] for p in member] == ["OrgAdministratorAccess"]
    # Seven member accounts have principals of their own; the management account has users in groups.
    assert sum(1 for n in _active(org) if org.roles.get(n)) >= 7
    mgmt = _authorization_details(snap, org.accounts[MANAGEMENT])
    by_user = {u["UserName"]: u for u in mgmt["UserDetailList"]}
    assert by_user["bob.admin"]["GroupList"] == ["Administrators"]
    assert [p["PolicyName"] for p in by_user["legacy-automation"]["AttachedManagedPolicies"]] == [
        "OrgAdministratorAccess"
    ]


def _trust(snap: Snapshot, account_id: str, role: str) -> dict[str, Any]:
    roles = {r["RoleName"]: r for r in _authorization_details(snap, account_id)["RoleDetailList"]}
    doc = roles[role]["AssumeRolePolicyDocument"]
    assert isinstance(doc, dict)
    return dict(doc["Statement"][0])


def test_vendor_cross_account_and_escalation_roles(demo: tuple[Snapshot, DemoOrganization]) -> None:
    snap, org = demo
    prod = org.accounts["payments-prod"]
    with_id = _trust(snap, prod, "VendorMonitoring")
    without_id = _trust(snap, prod, "VendorSupport")
    vendor = f"arn:aws:iam::{VENDOR_ACCOUNT_ID}:root"
    assert with_id["Principal"] == without_id["Principal"] == {"AWS": vendor}
    assert "sts:ExternalId" in with_id["Condition"]["StringEquals"]
    assert "Condition" not in without_id
    tooling_root = f"arn:aws:iam::{org.accounts['security-tooling']}:root"
    for name in _active(org):
        if name != "security-tooling":
            assert _trust(snap, org.accounts[name], "SecurityToolingAdmin")["Principal"] == {
                "AWS": tooling_root
            }
    web = {r["RoleName"]: r for r in _authorization_details(snap, org.accounts["web-prod"])["RoleDetailList"]}
    inline = web["LambdaDeployer"]["RolePolicyList"][0]["PolicyDocument"]["Statement"][0]["Action"]
    assert {"iam:PassRole", "lambda:CreateFunction"} <= set(inline)


def test_github_oidc_provider_and_saml_provider(demo: tuple[Snapshot, DemoOrganization]) -> None:
    snap, org = demo
    shared = org.accounts["shared-services"]
    arns = {
        p["Arn"]
        for _, page in snap.iter_pages(
            service="iam", operation="ListOpenIDConnectProviders", account_id=shared
        )
        for p in page["OpenIDConnectProviderList"]
    }
    assert arns == set(org.oidc_providers["shared-services"])
    urls = [
        page["Url"]
        for _, page in snap.iter_pages(service="iam", operation="GetOpenIDConnectProvider", account_id=shared)
    ]
    assert len(urls) == 1 and "token.actions.githubusercontent.com" in urls[0]
    restricted = _trust(snap, shared, "GitHubActionsDeploy")["Condition"]["StringEquals"]
    unrestricted = _trust(snap, shared, "GitHubActionsBuild")["Condition"]["StringEquals"]
    assert restricted["token.actions.githubusercontent.com:sub"].startswith("repo:example-corp/")
    assert set(unrestricted) == {"token.actions.githubusercontent.com:aud"}
    saml = [
        c.parameters["SAMLProviderArn"]
        for c in snap.calls(service="iam", operation="GetSAMLProvider", account_id=MANAGEMENT_ACCOUNT_ID)
    ]
    assert saml == list(org.saml_providers[MANAGEMENT])
    assert _trust(snap, MANAGEMENT_ACCOUNT_ID, "CorpIdPAdministrators")["Principal"] == {"Federated": saml[0]}


def _credential_report(snap: Snapshot, account_id: str) -> dict[str, dict[str, str]]:
    [(_, page)] = list(snap.iter_pages(service="iam", operation="GetCredentialReport", account_id=account_id))
    return {row["user"]: row for row in csv.DictReader(io.StringIO(page["Content"]))}


def test_mfa_old_keys_and_password_policies(demo: tuple[Snapshot, DemoOrganization]) -> None:
    snap, org = demo
    report = _credential_report(snap, MANAGEMENT_ACCOUNT_ID)
    assert report["alice.admin"]["mfa_active"] == "true" and report["bob.admin"]["mfa_active"] == "false"
    collected = dt.datetime.fromisoformat(snap.manifest["started_at"].replace("Z", "+00:00"))
    rotated = dt.datetime.fromisoformat(report["legacy-automation"]["access_key_1_last_rotated"])
    assert (collected - rotated).days > 365
    assert report["legacy-automation"]["access_key_2_active"] == "true"
    assert "legacy-automation" in org.aged_access_keys[MANAGEMENT]
    new_key = _credential_report(snap, org.accounts["sandbox-alice"])["alice"]["access_key_1_last_rotated"]
    assert (collected - dt.datetime.fromisoformat(new_key)).days < 2
    assigned = {
        d["User"]["UserName"]
        for name in _active(org)
        for _, page in snap.iter_pages(
            service="iam", operation="ListVirtualMFADevices", account_id=org.accounts[name]
        )
        for d in page["VirtualMFADevices"]
        if "User" in d
    }
    assert assigned == {u for users in org.mfa_users.values() for u in users}

    outcomes = {
        c.account_id: (c.outcome, c.id)
        for c in snap.calls(service="iam", operation="GetAccountPasswordPolicy")
    }
    with_policy = {org.accounts[n] for n in org.password_policy_accounts}
    assert {a for a, (o, _) in outcomes.items() if o == "ok"} == with_policy
    assert {a for a, (o, _) in outcomes.items() if o == "absent"} == {
        org.accounts[n] for n in _active(org)
    } - with_policy
    weak = snap.pages(outcomes[org.accounts["payments-dev"]][1])[0]["PasswordPolicy"]
    assert weak["MinimumPasswordLength"] == 8


# -- building, the cache and isolation ---------------------------------------------------------


def test_build_ignores_real_aws_settings_and_the_cache_is_reused(monkeypatch: pytest.MonkeyPatch) -> None:
    # Any of these, if botocore or moto saw them, would make the build fail or change it.
    monkeypatch.setenv("AWS_PROFILE", "someone-elses-real-profile")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALLOOKINGKEY00")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "a-real-session-token")
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "111122223333")
    before = dict(os.environ)
    path = ensure_demo_snapshot()
    assert dict(os.environ) == before
    assert path == demo_snapshot_path()
    assert path.is_relative_to(Path(os.environ["XDG_CACHE_HOME"]))
    with Snapshot.open(path) as snap:
        assert snap.integrity == INTACT
        assert snap.manifest["management_account_id"] == MANAGEMENT_ACCOUNT_ID
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left
    mtime = path.stat().st_mtime_ns
    assert ensure_demo_snapshot() == path
    assert path.stat().st_mtime_ns == mtime
    assert dict(os.environ) == before


def test_a_corrupted_cache_is_rebuilt() -> None:
    path = demo_snapshot_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"SQLite format 3\x00 but then nothing a snapshot would hold")
    assert ensure_demo_snapshot() == path
    with Snapshot.open(path) as snap:
        assert snap.integrity == INTACT and snap.status == "complete"


def test_a_cancelled_build_leaves_no_file(tmp_path: Path) -> None:
    asked = itertools.count()
    target = tmp_path / "out" / "demo.snapshot"
    with pytest.raises(DemoBuildError, match="cancelled"):
        # Cancelled a few calls into the collection, after the seed.
        build_demo_snapshot(target, cancelled=lambda: next(asked) > 5)
    assert list(target.parent.iterdir()) == []


def test_cache_path_follows_xdg_and_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    path = demo_snapshot_path()
    assert path.parent == tmp_path / "xdg" / "aws-org-audit-workbench"
    assert path.name.startswith("demo-") and path.suffix == ".snapshot"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert demo_snapshot_path().parent == Path.home() / ".cache" / "aws-org-audit-workbench"


# -- main.py demo ---------------------------------------------------------------------------------


@pytest.fixture
def cached_demo(demo: tuple[Snapshot, DemoOrganization]) -> Path:
    """The module's demo snapshot placed in the cache, as a previous ``main.py demo`` leaves it."""
    path = demo_snapshot_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(demo[0].path, path)
    return path


def test_demo_no_gui_prints_the_path(
    cached_demo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ui.app", None)  # importing the GUI would fail the command
    assert main(["demo", "--no-gui"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == str(cached_demo)


def test_demo_path_only_prints_only_the_path(cached_demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--path-only"]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"{cached_demo}\n" and captured.err == ""


def test_demo_opens_the_gui_on_the_snapshot(cached_demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    fake = types.ModuleType("ui.app")
    fake.run_gui = lambda path: opened.append(path) or 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "ui.app", fake)
    assert main(["demo"]) == 0
    assert opened == [str(cached_demo)]


def test_demo_without_moto_says_how_to_install_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "moto", None)
    assert main(["demo", "--no-gui"]) == 2
    err = capsys.readouterr().err
    assert f"error: {DEMO_EXTRA_HINT}\n" in err and 'pip install -e ".[demo]"' in err
    assert "Traceback" not in err and not demo_snapshot_path().exists()


# -- the Inventory over the whole demo (issue 3) --------------------------------------------------


def test_inventory_equals_what_was_seeded(demo: tuple[Snapshot, DemoOrganization]) -> None:
    from analysis.model.inventory import build_inventory

    snap, org = demo
    steps: list[str] = []
    inv = build_inventory(snap, progress=lambda done, total, message: steps.append(message))
    assert steps[0] == "indexing calls" and steps[-1] == "inventory ready"
    data = org.resources["data"]
    assert {b.name for b in inv.s3.buckets.values()} >= set(data["buckets"])
    # (guardduty-responder is the monitoring area's automated responder)
    assert {f.name for f in inv.lambda_functions.functions.values()} == {
        *data["functions"],
        "guardduty-responder",
    }
    assert {i.identifier for i in inv.rds.instances.values()} == set(data["db_instances"])
    key_ids = {k.key_id for k in inv.kms.keys.values()}
    assert all(facts["key_id"] in key_ids for facts in data["kms_keys"].values())
    # Network: every seeded resource is a record, under its own account and region.
    network = org.resources["network"]["resources"]
    for name, facts in network.items():
        arn = inv.network.ids.get(facts["id"])
        if arn is None:  # not an EC2 object (e.g. a load balancer, recorded by its ARN)
            continue
        record = inv.by_arn[arn]
        assert record.account_id == org.accounts[facts["account"]], name
        assert record.region == facts.get("region", "us-east-1"), name
    seeded_vpcs = [f["id"] for f in network.values() if f["id"].startswith("vpc-")]
    assert seeded_vpcs and all(v in inv.network.ids for v in seeded_vpcs)
    # Monitoring: the trails, under the account that owns them.
    for name, facts in org.resources["monitoring"]["trails"].items():
        trail = inv.by_arn[facts["arn"]]
        assert trail.account_id == org.accounts[facts["account"]] and trail.name == name
    # Identity: the people behind the permission sets.
    ic = org.resources["identity_center"]
    assert {u.user_name for u in inv.identity_center.users.values()} >= set(ic["users"])
    # IAM: every seeded user, in its account; the organization's accounts match the snapshot's.
    for name, users in org.users.items():
        account_id = org.accounts[name]
        have = {u.name for u in inv.iam.users.values() if u.account_id == account_id}
        assert set(users) <= have, name
    assert set(inv.organization.accounts) == set(org.accounts.values())
    # Everything indexed by ARN is reachable, and coverage knows what moto could not answer.
    assert len(inv.by_arn) > 500
    gaps = {(g.service, g.operation) for g in inv.coverage.gaps()}
    assert ("config", "DescribeConformancePacks") in gaps
