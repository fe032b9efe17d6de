"""SSO account access: the portal's accounts and roles, role credentials per account, and a real
collection through SSO into a moto organization (fake IAM Identity Center on loopback)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest
from botocore.credentials import RefreshableCredentials

from collectors.auth.sso_access import SsoAccess, SsoAccessError
from collectors.auth.sso_login import login
from collectors.clients import ClientFactory
from collectors.runner import CollectionRequest, collect
from snapshot.reader import Snapshot
from snapshot.writer import SnapshotWriter
from tests.collectors.orgbuilder import build_org, member_session
from tests.fakes.sso_server import FakeSsoService, use_fake_sso

TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "sso.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)


def write_config(home: Path, *, account: str | None, role: str | None) -> None:
    lines = [
        "[sso-session corp]",
        "sso_start_url = https://corp.awsapps.com/start",
        "sso_region = us-east-1",
        "sso_registration_scopes = sso:account:access",
        "",
        "[profile org-sso]",
        "sso_session = corp",
        "region = us-east-1",
    ]
    if account:
        lines.append(f"sso_account_id = {account}")
    if role:
        lines.append(f"sso_role_name = {role}")
    (home / ".aws" / "config").write_text("\n".join(lines) + "\n")


def sign_in(fake: FakeSsoService) -> None:
    def sleep(seconds: float) -> None:
        fake.approve()

    login("org-sso", on_code=lambda c: None, cancelled=lambda: False, sleep=sleep)


@pytest.fixture
def portal(aws_env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSsoService]:
    """A portal without moto: three accounts, credentials made up by the fake."""
    fake = FakeSsoService(page_size=1)
    fake.add_account("111111111111", name="one", roles=("AuditRole",))
    fake.add_account("222222222222", name="two", roles=("AuditRole", "Admin"))
    fake.add_account("333333333333", name="three", roles=("Admin", "Billing"))
    with fake:
        use_fake_sso(monkeypatch, fake)
        write_config(aws_env, account=None, role=None)
        sign_in(fake)
        yield fake


def test_portal_accounts_are_paginated_with_their_roles(portal: FakeSsoService) -> None:
    accounts = SsoAccess(factory=ClientFactory(), profile="org-sso").portal_accounts()
    assert [(a.account_id, a.name, a.roles) for a in accounts] == [
        ("111111111111", "one", ("AuditRole",)),
        ("222222222222", "two", ("Admin", "AuditRole")),
        ("333333333333", "three", ("Admin", "Billing")),
    ]
    assert portal.count("ListAccounts") == 3  # page size 1: every page was followed
    assert portal.count("ListAccountRoles") == 1 + 2 + 2


def test_role_choice(portal: FakeSsoService, aws_env: Path) -> None:
    factory = ClientFactory()
    # No --sso-role, no sso_role_name: the single role, else an error that lists the roles.
    access = SsoAccess(factory=factory, profile="org-sso")
    ok = access.session_for("111111111111", home_account_id="111111111111")
    assert ok.session is not None and ok.attempt is not None
    assert ok.attempt.parameters == {"accountId": "111111111111", "roleName": "AuditRole"}
    ambiguous = access.session_for("222222222222", home_account_id="111111111111")
    assert ambiguous.session is None and ambiguous.attempt is not None
    assert ambiguous.attempt.error_message is not None
    assert "Admin, AuditRole" in ambiguous.attempt.error_message
    assert "--sso-role" in ambiguous.attempt.error_message
    # --sso-role wins; a role the account does not offer is an error naming what it offers.
    chosen = SsoAccess(factory=factory, profile="org-sso", sso_role="Admin")
    assert chosen.session_for("222222222222", home_account_id="x").attempt.parameters["roleName"] == "Admin"  # type: ignore[union-attr]
    missing = chosen.session_for("111111111111", home_account_id="x")
    assert missing.session is None and "available: AuditRole" in (missing.attempt.error_message or "")  # type: ignore[union-attr]
    # The profile's sso_role_name is used where the account offers it.
    write_config(aws_env, account=None, role="Billing")
    by_profile = SsoAccess(factory=factory, profile="org-sso")
    assert (
        by_profile.session_for("333333333333", home_account_id="x").attempt.parameters["roleName"]
        == "Billing"
    )  # type: ignore[union-attr]
    # An account the portal does not offer.
    absent = by_profile.session_for("999999999999", home_account_id="x")
    assert absent.session is None and absent.attempt.error_code == "AccountNotInPortal"  # type: ignore[union-attr]


def test_credentials_refresh_before_expiry_and_are_never_recorded(portal: FakeSsoService) -> None:
    portal.credentials_ttl_s = 60  # inside botocore's refresh window: every use refreshes
    access = SsoAccess(factory=ClientFactory(), profile="org-sso")
    acct = access.session_for("111111111111", home_account_id="111111111111")
    assert acct.session is not None and acct.attempt is not None
    creds = acct.session.get_credentials()
    assert isinstance(creds, RefreshableCredentials)
    first = creds.get_frozen_credentials()
    second = creds.get_frozen_credentials()
    assert portal.count("GetRoleCredentials") >= 2
    assert first.secret_key != second.secret_key and second.secret_key in portal.issued_secret_keys
    recorded = json.dumps([acct.attempt.parameters, acct.attempt.response])
    assert set(json.loads(recorded)[1]) == {"accountId", "roleName", "expiration"}
    assert not any(secret in recorded for secret in portal.issued_secret_keys)


def test_home_session_is_the_first_portal_account_without_a_profile_role(portal: FakeSsoService) -> None:
    home = SsoAccess(factory=ClientFactory(), profile="org-sso").home_session()
    assert home.get_credentials().get_frozen_credentials().secret_key in portal.issued_secret_keys


def test_not_an_sso_profile_is_a_clear_error(aws_env: Path) -> None:
    (aws_env / ".aws" / "config").write_text("[profile plain]\nregion = us-east-1\n")
    with pytest.raises(SsoAccessError, match="does not use IAM Identity Center"):
        SsoAccess(factory=ClientFactory(), profile="plain").home_session()


@pytest.mark.server
def test_collection_through_sso_lands_in_each_member_account(
    moto_server: object, aws_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    org = build_org()
    for account_id in [org.management, *org.accounts.values()]:
        iam = (
            boto3.client("iam", region_name="us-east-1")
            if account_id == org.management
            else member_session(account_id).client("iam")
        )
        for role in ("AuditRole", "Other"):
            iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST)
    fake = FakeSsoService(moto_url=moto_server.url)  # type: ignore[attr-defined]
    fake.add_account(org.management, name="management", roles=("AuditRole", "Other"))
    for name, account_id in org.accounts.items():
        fake.add_account(account_id, name=name, roles=("AuditRole", "Other"))
    with fake:
        use_fake_sso(monkeypatch, fake)
        write_config(aws_env, account=org.management, role="AuditRole")
        sign_in(fake)
        path = tmp_path / "sso.snapshot"
        result = collect(
            request=CollectionRequest(
                method="sso",
                profile="org-sso",
                sso_role="AuditRole",
                regions=("us-east-1",),
                # The SSO path is what is tested; every service against a moto server takes minutes.
                services=("organizations", "iam"),
            ),
            access=SsoAccess(factory=ClientFactory(), profile="org-sso", sso_role="AuditRole"),
            factory=ClientFactory(),
            writer=SnapshotWriter.create(path, tool_version="test"),
        )
    assert result.status == "complete", result.message
    assert {a for a, o in result.accounts.items() if o.status == "collected"} == {
        org.management,
        *org.accounts.values(),
    }
    with Snapshot.open(path) as snap:
        for name, account_id in org.accounts.items():
            calls = snap.calls(
                service="iam", operation="GetAccountAuthorizationDetails", account_id=account_id
            )
            assert calls and all(c.outcome == "ok" for c in calls)
            users = {
                u["UserName"]
                for c in calls
                for page in snap.pages(c.id)
                for u in page.get("UserDetailList", [])
            }
            assert users == {f"{name}-dev"}  # this account's user, and only it
            identity = snap.calls(service="sts", operation="GetCallerIdentity", account_id=account_id)
            arn = snap.pages(identity[0].id)[0]["Arn"]
            assert arn.startswith(f"arn:aws:sts::{account_id}:assumed-role/AuditRole/")
            access = snap.calls(service="sso", operation="GetRoleCredentials", account_id=account_id)
            assert len(access) == 1 and access[0].outcome == "ok"
            assert access[0].parameters == {"accountId": account_id, "roleName": "AuditRole"}
            assert set(snap.pages(access[0].id)[0]) == {"accountId", "roleName", "expiration"}
    data = path.read_bytes()
    assert fake.issued_secret_keys
    for secret in fake.issued_secret_keys:
        assert secret.encode() not in data
    cache = aws_env / ".aws" / "sso" / "cache" / (hashlib.sha1(b"corp").hexdigest() + ".json")
    assert json.loads(cache.read_text())["accessToken"].encode() not in data


def test_a_token_about_to_expire_is_refreshed_once_for_all_threads(
    portal: FakeSsoService, aws_env: Path
) -> None:
    cache = aws_env / ".aws" / "sso" / "cache" / (hashlib.sha1(b"corp").hexdigest() + ".json")
    data = json.loads(cache.read_text())
    soon = datetime.now(UTC) + timedelta(minutes=5)
    cache.write_text(json.dumps({**data, "expiresAt": soon.strftime("%Y-%m-%dT%H:%M:%SZ")}))
    refreshes_before = portal.count("CreateToken")
    access = SsoAccess(factory=ClientFactory(), profile="org-sso")
    with ThreadPoolExecutor(max_workers=8) as pool:
        tokens = set(pool.map(lambda _: access.access_token(), range(16)))
    assert len(tokens) == 1 and tokens != {data["accessToken"]}
    assert portal.count("CreateToken") == refreshes_before + 1  # the refresh token is single-use
    assert json.loads(cache.read_text())["expiresAt"] > soon.strftime("%Y-%m-%dT%H:%M:%SZ")
