"""``main.py profiles`` and ``main.py login`` as a user runs them (in-process, fake IAM Identity Center)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cli.main import main
from tests.fakes.sso_server import FakeSsoService, use_fake_sso

CONFIG = """\
[default]
region = eu-west-1

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile audit]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = AuditRole

[profile chained]
role_arn = arn:aws:iam::222222222222:role/Audit
source_profile = audit

[profile keys]
aws_access_key_id = AKIAKEYSEXAMPLE
aws_secret_access_key = keys-secret-value
"""

DOCUMENTED_KEYS = {
    "name",
    "kind",
    "is_default",
    "region",
    "sso_session",
    "sso_start_url",
    "sso_region",
    "sso_account_id",
    "sso_role_name",
    "role_arn",
    "source_profile",
    "credential_source",
    "role_chain",
    "token_valid",
    "token_expires_at",
    "problem",
}


@pytest.fixture
def fake(aws_env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSsoService]:
    (aws_env / ".aws" / "config").write_text(CONFIG)
    service = FakeSsoService(approve_after_polls=1, interval_s=1)
    service.add_account("111111111111", roles=("AuditRole",))
    with service:
        use_fake_sso(monkeypatch, service)
        yield service


def test_profiles_table(fake: FakeSsoService, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profiles"]) == 0
    out = capsys.readouterr().out
    lines = {
        line.split()[0] if not line.startswith("*") else line.split()[1]: line for line in out.splitlines()
    }
    assert "111111111111 / AuditRole" in lines["audit"]
    assert "not signed in: main.py login --profile audit" in lines["audit"]
    assert "arn:aws:iam::222222222222:role/Audit via audit" in lines["chained"]
    assert lines["default"].startswith("* default")
    assert " static " in lines["keys"]
    assert "secret-value" not in out and "AKIA" not in out


def test_profiles_json_is_the_documented_format(
    fake: FakeSsoService, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["profiles", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, list) and all(set(item) == DOCUMENTED_KEYS for item in data)
    by_name = {item["name"]: item for item in data}
    assert by_name["audit"]["kind"] == "sso" and by_name["audit"]["token_valid"] is False
    assert by_name["chained"]["role_chain"] == ["chained", "audit"]
    assert by_name["(environment)"]["kind"] == "env"
    # documented in docs/sign-in.md, key by key
    doc = (Path(__file__).resolve().parents[2] / "docs" / "sign-in.md").read_text()
    assert all(f"`{key}`" in doc for key in DOCUMENTED_KEYS)


def test_login_then_profiles_shows_the_sign_in(
    fake: FakeSsoService, aws_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: opened.append(url) or True)
    assert main(["login", "--profile", "audit"]) == 0
    out = capsys.readouterr().out
    assert len(opened) == 1 and "user_code=" in opened[0]
    assert opened[0] in out and "Signed in: profile audit can be used until" in out
    cache = aws_env / ".aws" / "sso" / "cache" / (hashlib.sha1(b"corp").hexdigest() + ".json")
    expires = json.loads(cache.read_text())["expiresAt"]
    assert expires in out
    assert main(["profiles", "--json"]) == 0
    audit = next(p for p in json.loads(capsys.readouterr().out) if p["name"] == "audit")
    assert audit["token_valid"] is True and audit["token_expires_at"] == expires


def test_login_no_browser(
    fake: FakeSsoService, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("webbrowser.open", lambda *a, **k: pytest.fail("browser opened"))
    monkeypatch.setenv("AWS_PROFILE", "audit")  # the default profile when --profile is not given
    assert main(["login", "--no-browser"]) == 0
    assert "Signed in: profile audit" in capsys.readouterr().out


def test_expired_sign_in_is_shown(
    fake: FakeSsoService, aws_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = aws_env / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True)
    when = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    (cache / (hashlib.sha1(b"corp").hexdigest() + ".json")).write_text(
        json.dumps(
            {
                "startUrl": "https://corp.awsapps.com/start",
                "region": "eu-west-1",
                "accessToken": "x",
                "expiresAt": when,
            }
        )
    )
    assert main(["profiles"]) == 0
    assert f"expired {when}: main.py login --profile audit" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["login", "--profile", "keys", "--no-browser"], "does not use IAM Identity Center"),
        (["login", "--profile", "nobody", "--no-browser"], "'nobody' is not defined"),
    ],
)
def test_login_errors_are_one_line(
    fake: FakeSsoService, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and message in err


def test_login_code_expired_is_one_line(fake: FakeSsoService, capsys: pytest.CaptureFixture[str]) -> None:
    fake.approve_after_polls = None
    fake.device_ttl_s = 0  # the service says the code expired at the first poll
    assert main(["login", "--profile", "audit", "--no-browser"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "expired before it was approved; run login again" in err


def test_malformed_config_is_one_line(aws_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (aws_env / ".aws" / "config").write_text("region = nowhere\n")
    assert main(["profiles"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is malformed: line 1 is outside any [section]" in err


def test_login_of_a_role_profile_signs_in_its_sso_source(
    fake: FakeSsoService, aws_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["login", "--profile", "chained", "--no-browser"]) == 0
    out = capsys.readouterr().out
    assert "Signed in: profile chained (through its source profile audit)" in out
    assert (aws_env / ".aws" / "sso" / "cache" / (hashlib.sha1(b"corp").hexdigest() + ".json")).exists()
