"""The device-authorization sign-in against the fake IAM Identity Center, with real botocore."""

from __future__ import annotations

import hashlib
import json
import re
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest

from collectors.auth.profiles import ProfileError, list_profiles
from collectors.auth.sso_access import SsoAccess
from collectors.auth.sso_login import DeviceCode, LoginCancelled, LoginError, login
from collectors.auth.token_cache import read_token, registration_cache_key
from collectors.calls import SignInRequired
from collectors.clients import ClientFactory
from tests.fakes.sso_server import FakeSsoService, use_fake_sso

START_URL = "https://example-corp.awsapps.com/start"
CLI_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def write_config(home: Path, *, scopes: bool = True) -> None:
    scope_line = "sso_registration_scopes = sso:account:access\n" if scopes else ""
    (home / ".aws" / "config").write_text(
        "[sso-session corp]\n"
        f"sso_start_url = {START_URL}\n"
        "sso_region = eu-west-1\n"
        f"{scope_line}"
        "\n[profile audit]\n"
        "sso_session = corp\n"
        "sso_account_id = 111111111111\n"
        "sso_role_name = AuditRole\n"
        "region = eu-west-1\n"
        "\n[profile legacy]\n"
        "sso_start_url = https://legacy.awsapps.com/start\n"
        "sso_region = us-east-1\n"
        "sso_account_id = 111111111111\n"
        "sso_role_name = AuditRole\n"
        "\n[profile keys]\n"
        "region = us-east-1\n"
    )
    (home / ".aws" / "credentials").write_text(
        "[keys]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = not-a-real-secret\n"
    )


@pytest.fixture
def fake(aws_env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSsoService]:
    service = FakeSsoService()
    service.add_account("111111111111", name="audit", roles=("AuditRole", "ReadOnly"))
    with service:
        use_fake_sso(monkeypatch, service)
        write_config(aws_env)
        yield service


def cache_file(home: Path, name: str) -> Path:
    return home / ".aws" / "sso" / "cache" / (hashlib.sha1(name.encode()).hexdigest() + ".json")


def approving_sleep(fake: FakeSsoService, sleeps: list[float]):  # type: ignore[no-untyped-def]
    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        fake.approve()

    return sleep


def test_login_pending_then_approved_writes_the_cli_cache(fake: FakeSsoService, aws_env: Path) -> None:
    codes: list[DeviceCode] = []
    sleeps: list[float] = []
    token = login("audit", on_code=codes.append, cancelled=lambda: False, sleep=approving_sleep(fake, sleeps))

    assert len(codes) == 1 and re.fullmatch(r"\d{4}-\d{4}", codes[0].user_code)
    assert codes[0].user_code in codes[0].verification_uri_complete
    assert codes[0].expires_at > datetime.now(UTC)
    assert fake.count("CreateToken") == 2  # one pending answer, then the token
    assert sleeps and sum(sleeps) == pytest.approx(1.0)  # the interval the service asked for

    path = cache_file(aws_env, "corp")  # sha1 of the sso-session name
    assert token.path == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(path.read_text())
    assert set(data) == {
        "startUrl",
        "region",
        "accessToken",
        "expiresAt",
        "clientId",
        "clientSecret",
        "registrationExpiresAt",
        "refreshToken",
    }
    assert data["startUrl"] == START_URL and data["region"] == "eu-west-1"
    assert CLI_TIME.match(data["expiresAt"]) and CLI_TIME.match(data["registrationExpiresAt"])
    assert data["accessToken"] == token.access_token
    assert "access_token" not in repr(token) and token.access_token not in repr(token)

    reg_key = registration_cache_key(
        start_url=START_URL, region="eu-west-1", session_name="corp", scopes=["sso:account:access"]
    )
    registration = json.loads((path.parent / (reg_key + ".json")).read_text())
    assert registration["clientId"] == data["clientId"] and registration["scopes"] == ["sso:account:access"]
    assert not list(path.parent.glob("*.tmp"))


def test_botocore_uses_the_token_we_cached(fake: FakeSsoService) -> None:
    login("audit", on_code=lambda c: None, cancelled=lambda: False, sleep=approving_sleep(fake, []))
    creds = boto3.Session(profile_name="audit").get_credentials()
    assert creds is not None
    frozen = creds.get_frozen_credentials()
    assert frozen.access_key.startswith("ASIA")
    assert fake.count("GetRoleCredentials") == 1
    assert frozen.secret_key in fake.issued_secret_keys


def test_legacy_profile_cache_is_keyed_by_start_url_and_read_by_botocore(
    fake: FakeSsoService, aws_env: Path
) -> None:
    token = login("legacy", on_code=lambda c: None, cancelled=lambda: False, sleep=approving_sleep(fake, []))
    assert token.path == cache_file(aws_env, "https://legacy.awsapps.com/start")
    assert "refreshToken" not in json.loads(token.path.read_text())  # registered without scopes
    frozen = boto3.Session(profile_name="legacy").get_credentials().get_frozen_credentials()
    assert frozen.secret_key in fake.issued_secret_keys


def test_registration_is_reused_and_refresh_is_silent(fake: FakeSsoService) -> None:
    first = login("audit", on_code=lambda c: None, cancelled=lambda: False, sleep=approving_sleep(fake, []))
    shown: list[DeviceCode] = []
    again = login("audit", on_code=shown.append, cancelled=lambda: False, sleep=approving_sleep(fake, []))
    assert shown == []  # refreshed with the refresh token: no browser needed
    assert again.access_token != first.access_token
    assert fake.count("StartDeviceAuthorization") == 1
    third = login(
        "audit",
        on_code=shown.append,
        cancelled=lambda: False,
        sleep=approving_sleep(fake, []),
        allow_refresh=False,
    )
    assert len(shown) == 1 and third.client_id == first.client_id
    assert fake.count("RegisterClient") == 1  # the cached registration was reused


def test_slow_down_adds_five_seconds(fake: FakeSsoService) -> None:
    fake.slow_down(1)
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if sum(sleeps) >= 6:
            fake.approve()

    login("audit", on_code=lambda c: None, cancelled=lambda: False, sleep=sleep)
    assert sum(sleeps) == pytest.approx(6.0)  # interval 1 + 5 after SlowDownException
    assert max(sleeps) <= 1.0  # slept in short steps, so a cancel is seen quickly


@pytest.mark.parametrize(
    ("action", "message"),
    [("deny", "was denied in the browser"), ("expire_device", "expired before it was approved")],
)
def test_denied_or_expired_code_is_a_clear_error(fake: FakeSsoService, action: str, message: str) -> None:
    def sleep(seconds: float) -> None:
        getattr(fake, action)()

    with pytest.raises(LoginError, match=message) as info:
        login("audit", on_code=lambda c: None, cancelled=lambda: False, sleep=sleep)
    assert "\n" not in str(info.value)


def test_cancel_stops_polling(fake: FakeSsoService, aws_env: Path) -> None:
    polls: list[float] = []
    with pytest.raises(LoginCancelled):
        login("audit", on_code=lambda c: None, cancelled=lambda: len(polls) >= 2, sleep=polls.append)
    assert len(polls) == 2
    assert not cache_file(aws_env, "corp").exists()


def test_not_an_sso_profile(fake: FakeSsoService) -> None:
    with pytest.raises(ProfileError, match="does not use IAM Identity Center"):
        login("keys", on_code=lambda c: None, cancelled=lambda: False)
    with pytest.raises(ProfileError, match="not defined"):
        login("nope", on_code=lambda c: None, cancelled=lambda: False)


def _cli_cache(home: Path, *, expires: datetime, suffix: str = "Z") -> str:
    """A token file exactly as `aws sso login` (AWS CLI v2) writes it."""
    token = "aws-cli-written-token"
    data = {
        "startUrl": START_URL,
        "region": "eu-west-1",
        "accessToken": token,
        "expiresAt": expires.strftime("%Y-%m-%dT%H:%M:%S") + suffix,
        "clientId": "cli-client",
        "clientSecret": "cli-client-secret",
        "registrationExpiresAt": (expires + timedelta(days=80)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "refreshToken": "cli-refresh",
    }
    path = cache_file(home, "corp")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    return token


@pytest.mark.parametrize("suffix", ["Z", "UTC", "+00:00"])
def test_a_cache_written_by_the_aws_cli_is_read(fake: FakeSsoService, aws_env: Path, suffix: str) -> None:
    expires = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=4)
    token = _cli_cache(aws_env, expires=expires, suffix=suffix)
    info = read_token(start_url=START_URL, session_name="corp")
    assert info is not None and info.access_token == token and info.expires_at == expires
    assert info.is_valid() and info.can_refresh()
    audit = next(p for p in list_profiles() if p.name == "audit")
    assert audit.token_valid is True
    assert audit.token_expires_at == expires.strftime("%Y-%m-%dT%H:%M:%SZ")
    # ...and used to call the portal: the fake knows the token only if we register it.
    fake._access_tokens[token] = (datetime.now(UTC) + timedelta(hours=4)).timestamp()
    access = SsoAccess(factory=ClientFactory(), profile="audit")
    assert [a.account_id for a in access.portal_accounts()] == ["111111111111"]


def test_expired_token_says_sign_in_again(fake: FakeSsoService, aws_env: Path) -> None:
    _cli_cache(aws_env, expires=datetime.now(UTC) - timedelta(minutes=5))
    audit = next(p for p in list_profiles() if p.name == "audit")
    assert audit.token_valid is False
    access = SsoAccess(factory=ClientFactory(), profile="audit")
    # The cached refresh token is unknown to the service: the silent refresh fails.
    with pytest.raises(SignInRequired, match=r"sign in again: python main.py login --profile audit"):
        access.portal_accounts()
    assert fake.count("CreateToken") == 1  # the refresh was tried first


def test_missing_token_says_sign_in(fake: FakeSsoService) -> None:
    audit = next(p for p in list_profiles() if p.name == "audit")
    assert audit.token_valid is False and audit.token_expires_at is None
    with pytest.raises(SignInRequired, match="not signed in"):
        SsoAccess(factory=ClientFactory(), profile="audit").home_session()


def test_token_refused_by_the_portal_says_sign_in_again(fake: FakeSsoService) -> None:
    login("audit", on_code=lambda c: None, cancelled=lambda: False, sleep=approving_sleep(fake, []))
    fake.expire_tokens()  # revoked on the server side, still valid in the cache
    with pytest.raises(SignInRequired, match="refused the SSO token"):
        SsoAccess(factory=ClientFactory(), profile="audit").portal_accounts()
