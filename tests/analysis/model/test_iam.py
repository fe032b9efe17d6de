"""The IAM Inventory from small snapshots: principals, policies, credentials, federation, coverage.

The fixture (fixtures/iam_small.json) has two accounts: the first with two pages of
GetAccountAuthorizationDetails, documents as dicts, JSON strings and URL-encoded strings, a
single-statement policy, a malformed trust policy, a credential report with the root row, and a
few denied per-resource calls; the second with no password policy (NoSuchEntity) and a denied
credential report.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from analysis.model.coverage import Coverage
from analysis.model.iam import (
    SOURCE_GROUP_INLINE,
    SOURCE_GROUP_MANAGED,
    SOURCE_INLINE,
    IamInventory,
    normalize_iam,
)
from analysis.model.source import PageSource
from snapshot import Snapshot
from tests.analysis.model.builders import FakeCall, fixture_snapshot, write_snapshot

A, B = "111111111111", "222222222222"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
ALICE = f"arn:aws:iam::{A}:user/alice"
BOB = f"arn:aws:iam::{A}:user/ops/bob"


def _inventory(path: Path) -> IamInventory:
    snap = Snapshot.open(path)
    source = PageSource(snap)
    return normalize_iam(source, Coverage(calls=snap.calls(), manifest=snap.manifest))


@pytest.fixture
def inv(tmp_path: Path) -> IamInventory:
    return _inventory(fixture_snapshot(tmp_path, "iam_small"))


def test_principals_keyed_by_arn_across_pages(inv: IamInventory) -> None:
    assert set(inv.users) == {ALICE, BOB}
    assert set(inv.groups) == {f"arn:aws:iam::{A}:group/Admins"}
    assert set(inv.roles) == {
        f"arn:aws:iam::{A}:role/web",
        f"arn:aws:iam::{A}:role/broken",
        f"arn:aws:iam::{B}:role/OrganizationAccountAccessRole",
    }
    assert inv.roles_by_account[B] == (f"arn:aws:iam::{B}:role/OrganizationAccountAccessRole",)
    bob = inv.users[BOB]
    assert bob.path == "/ops/" and bob.account_id == A and bob.region == "global" and bob.call_ids


def test_user_groups_and_effective_policies_with_their_origin(inv: IamInventory) -> None:
    alice = inv.users[ALICE]
    group_arn = f"arn:aws:iam::{A}:group/Admins"
    assert alice.group_arns == (group_arn,)
    assert inv.groups[group_arn].member_arns == (ALICE,)
    assert alice.tags == {"team": "platform"}
    effective = inv.policies_for(ALICE)
    sources = [(e.source, e.policy_name, e.via_group_arn) for e in effective]
    assert sources == [
        (SOURCE_INLINE, "s3-read", None),
        (SOURCE_GROUP_INLINE, "deny-leave", group_arn),
        (SOURCE_GROUP_MANAGED, "AdministratorAccess", group_arn),
    ]
    # Single statement object and Action as a string; a group policy given as a JSON string.
    inline = effective[0].document
    assert inline is not None and inline.ok and inline.statements[0].action == ("s3:GetObject",)
    deny = effective[1].document
    assert deny is not None and deny.statements[0].effect == "Deny"
    assert effective[2].document is not None and effective[2].document.statements[0].action == ("*",)


def test_group_not_in_the_snapshot_is_listed_by_name_but_not_resolved(inv: IamInventory) -> None:
    bob = inv.users[BOB]
    assert bob.group_names == ("Ghost",) and bob.group_arns == ()
    assert [e.policy_arn for e in inv.policies_for(BOB)] == [ADMIN]


def test_permissions_boundary_resolves_to_the_default_version(inv: IamInventory) -> None:
    alice = inv.users[ALICE]
    assert alice.permissions_boundary_arn == f"arn:aws:iam::{A}:policy/DevBoundary"
    boundary = inv.boundary_for(ALICE)
    # The default version (v2) was URL-encoded; it allows s3:* and ec2:Describe*, not "*".
    assert boundary is not None and boundary.ok
    assert boundary.statements[0].action == ("s3:*", "ec2:Describe*")
    assert inv.boundary_for(BOB) is None


def test_managed_policies_customer_versions_kept_and_aws_managed_deduplicated(inv: IamInventory) -> None:
    customer = inv.policies[f"arn:aws:iam::{A}:policy/DevBoundary"]
    assert not customer.aws_managed and customer.account_id == A
    assert [(v.version_id, v.is_default) for v in customer.versions] == [("v2", True), ("v1", False)]
    admin = inv.policies[ADMIN]
    assert admin.aws_managed and admin.account_id == "aws"
    assert admin.accounts == (A, B) and admin.attachment_counts == {A: 1, B: 1}
    assert len(admin.call_ids) == 2
    assert sum(1 for arn in inv.policies if arn == ADMIN) == 1


def test_roles_trust_policy_profiles_last_used(inv: IamInventory) -> None:
    web = inv.roles[f"arn:aws:iam::{A}:role/web"]
    assert web.trust_policy.ok
    assert web.trust_policy.statements[0].principal == {"Service": ("ec2.amazonaws.com",)}
    assert web.instance_profile_arns == (f"arn:aws:iam::{A}:instance-profile/web-profile",)
    profile = inv.instance_profiles[f"arn:aws:iam::{A}:instance-profile/web-profile"]
    assert profile.role_arns == (web.arn,)
    assert web.last_used_date == "2026-01-10T12:00:00Z" and web.last_used_region == "eu-west-1"
    # moto-style inline policy without a PolicyName is kept, named by position.
    assert web.inline_policies[0].name == "inline-0"
    assert web.max_session_duration is None  # not in GetAccountAuthorizationDetails: unknown
    broken = inv.roles[f"arn:aws:iam::{A}:role/broken"]
    assert not broken.trust_policy.ok and broken.trust_policy.raw_text == "this is not json"


def test_credential_report_rows_and_root(inv: IamInventory) -> None:
    alice = inv.users[ALICE]
    assert alice.console_password is True and alice.credential_report_state == "collected"
    row = alice.credential_report
    assert row is not None and row.mfa_active is True
    assert row.password_last_used is None and row.raw["password_last_used"] == "no_information"
    assert inv.users[BOB].console_password is False
    root = inv.accounts[A].root_credentials
    assert root is not None and root.is_root and root.password_enabled is None
    assert root.access_key_1_active is True and root.mfa_active is False
    assert inv.accounts[A].root_mfa_enabled is False and inv.accounts[A].root_access_keys_present is True
    # Denied report: nothing invented.
    assert inv.accounts[B].credential_report_state == "denied"
    assert inv.accounts[B].root_credentials is None


def test_password_policy_collected_absent(inv: IamInventory) -> None:
    a = inv.password_policies[A]
    assert a.state == "collected" and a.settings is not None and a.settings["MinimumPasswordLength"] == 8
    b = inv.password_policies[B]
    assert b.state == "absent" and b.settings is None and "NoSuchEntity" in b.reason


def test_mfa_access_keys_and_their_coverage(inv: IamInventory) -> None:
    alice, bob = inv.users[ALICE], inv.users[BOB]
    assert alice.mfa_serials == (f"arn:aws:iam::{A}:mfa/alice",) and alice.mfa_state == "collected"
    assert inv.accounts[A].virtual_mfa_serials == (
        f"arn:aws:iam::{A}:mfa/alice",
        f"arn:aws:iam::{A}:mfa/spare",
    )
    assert alice.access_keys_state == "collected"
    (key,) = alice.access_keys
    assert (key.access_key_id, key.status, key.last_used_service, key.last_used_state) == (
        "AKIAALICE1",
        "Active",
        "s3",
        "collected",
    )
    # Denied is not "no keys".
    assert bob.access_keys == () and bob.access_keys_state == "denied"


def test_federation_providers(inv: IamInventory) -> None:
    okta = inv.saml_providers[f"arn:aws:iam::{A}:saml-provider/Okta"]
    assert okta.name == "Okta" and okta.detail_state == "collected"
    assert okta.metadata_document is not None and "okta" in okta.metadata_document
    gh = inv.oidc_providers[f"arn:aws:iam::{A}:oidc-provider/token.actions.githubusercontent.com"]
    assert gh.detail_state == "denied" and gh.client_ids == () and gh.thumbprints == ()
    assert gh.url == "token.actions.githubusercontent.com"


def test_account_summary_aliases(inv: IamInventory) -> None:
    assert inv.accounts[A].aliases == ("corp-main",) and inv.accounts[A].aliases_state == "collected"
    assert inv.accounts[A].authorization_details_state == "collected"
    assert inv.accounts[A].arn == f"arn:aws:iam::{A}:root"
    assert inv.accounts[B].aliases == ()


def test_denied_authorization_details_leave_principals_not_collected(tmp_path: Path) -> None:
    path = write_snapshot(
        tmp_path / "denied.awb",
        calls=[
            FakeCall(
                service="iam",
                operation="GetAccountAuthorizationDetails",
                outcome="access_denied",
                error_code="AccessDenied",
                error_message="no",
            ),
            FakeCall(service="iam", operation="GetCredentialReport", pages=[{"Content": "garbage"}]),
        ],
    )
    inv = _inventory(path)
    assert inv.users == {} and inv.roles == {}
    summary = inv.accounts["111111111111"]
    assert summary.authorization_details_state == "denied"
    assert summary.credential_report_state == "malformed"
    assert (
        summary.summary_state == "not_collected"
        and inv.password_policies["111111111111"].state == "not_collected"
    )


def test_unknown_principal_raises_key_error(inv: IamInventory) -> None:
    with pytest.raises(KeyError):
        inv.policies_for("arn:aws:iam::111111111111:user/nobody")


def test_large_account_loads_fast(tmp_path: Path) -> None:
    """300 roles, 300 users with keys, and 1,400 AWS-managed policies in each of 3 accounts."""
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    managed = [
        {
            "PolicyName": f"P{i}",
            "Arn": f"arn:aws:iam::aws:policy/P{i}",
            "DefaultVersionId": "v1",
            "PolicyVersionList": [{"Document": doc, "VersionId": "v1", "IsDefaultVersion": True}],
        }
        for i in range(1400)
    ]
    calls: list[FakeCall] = []
    for account in ("100000000001", "100000000002", "100000000003"):
        roles = [
            {
                "RoleName": f"r{i}",
                "Arn": f"arn:aws:iam::{account}:role/r{i}",
                "AssumeRolePolicyDocument": doc,
                "AttachedManagedPolicies": [{"PolicyArn": f"arn:aws:iam::aws:policy/P{i}"}],
            }
            for i in range(300)
        ]
        users = [{"UserName": f"u{i}", "Arn": f"arn:aws:iam::{account}:user/u{i}"} for i in range(300)]
        calls.append(
            FakeCall(
                service="iam",
                operation="GetAccountAuthorizationDetails",
                account_id=account,
                pages=[{"RoleDetailList": roles, "UserDetailList": users, "Policies": managed}],
            )
        )
        calls.extend(
            FakeCall(
                service="iam",
                operation="ListAccessKeys",
                account_id=account,
                params={"UserName": f"u{i}"},
                pages=[{"AccessKeyMetadata": []}],
            )
            for i in range(300)
        )
    path = write_snapshot(tmp_path / "big.awb", calls=calls)
    started = time.perf_counter()
    inv = _inventory(path)
    elapsed = time.perf_counter() - started
    assert len(inv.roles) == 900 and len(inv.users) == 900 and len(inv.policies) == 1400
    assert inv.policies["arn:aws:iam::aws:policy/P7"].accounts == (
        "100000000001",
        "100000000002",
        "100000000003",
    )
    assert all(u.access_keys_state == "collected" for u in inv.users.values())
    assert elapsed < 5.0, elapsed
