"""Profiles listed from config files written in the test HOME, as the AWS CLI v2 reads them."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from collectors.auth.profiles import (
    ENV_PROFILE_NAME,
    ProfileError,
    ProfileInfo,
    list_profiles,
    resolve_sso_config,
)

CONFIG = """\
[default]
region = eu-central-1

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access, ,sso:other

[profile sso-new]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = AuditRole
region = eu-west-1

[profile sso-old]
sso_start_url = https://old.awsapps.com/start
sso_region = us-east-1
sso_account_id = 222222222222
sso_role_name = ReadOnly

[profile base]
region = us-east-1

[profile hop1]
role_arn = arn:aws:iam::333333333333:role/Hop1
source_profile = base

[profile hop2]
role_arn = arn:aws:iam::444444444444:role/Hop2
source_profile = hop1

[profile from-sso]
role_arn = arn:aws:iam::555555555555:role/Audit
source_profile = sso-new

[profile instance]
role_arn = arn:aws:iam::666666666666:role/Audit
credential_source = Ec2InstanceMetadata

[profile broken-chain]
role_arn = arn:aws:iam::777777777777:role/Audit
source_profile = missing

[profile loop-a]
role_arn = arn:aws:iam::888888888888:role/A
source_profile = loop-b

[profile loop-b]
role_arn = arn:aws:iam::888888888888:role/B
source_profile = loop-a

[profile proc]
credential_process = /usr/local/bin/get-creds --profile x

[profile webid]
role_arn = arn:aws:iam::999999999999:role/Web
web_identity_token_file = /var/run/token

[profile dangling]
sso_session = nowhere
"""

CREDENTIALS = """\
[base]
aws_access_key_id = AKIABASEEXAMPLE
aws_secret_access_key = base-secret-value-do-not-print

[creds-only]
aws_access_key_id = AKIAONLYEXAMPLE
aws_secret_access_key = only-secret-value-do-not-print
"""


@pytest.fixture
def configured(aws_env: Path) -> Path:
    (aws_env / ".aws" / "config").write_text(CONFIG)
    (aws_env / ".aws" / "credentials").write_text(CREDENTIALS)
    return aws_env


def by_name() -> dict[str, ProfileInfo]:
    return {p.name: p for p in list_profiles()}


def test_every_kind(configured: Path) -> None:
    profiles = by_name()
    kinds = {name: p.kind for name, p in profiles.items()}
    assert kinds == {
        ENV_PROFILE_NAME: "env",
        "default": "other",
        "sso-new": "sso",
        "sso-old": "sso-legacy",
        "base": "static",  # keys from the credentials file, region from the config file
        "creds-only": "static",
        "hop1": "assume-role",
        "hop2": "assume-role",
        "from-sso": "assume-role",
        "instance": "assume-role",
        "broken-chain": "assume-role",
        "loop-a": "assume-role",
        "loop-b": "assume-role",
        "proc": "credential-process",
        "webid": "other",
        "dangling": "sso",
    }
    new, old = profiles["sso-new"], profiles["sso-old"]
    assert (new.sso_session, new.sso_start_url, new.sso_region) == (
        "corp",
        "https://corp.awsapps.com/start",
        "eu-west-1",
    )
    assert (new.sso_account_id, new.sso_role_name, new.region) == ("111111111111", "AuditRole", "eu-west-1")
    assert (old.sso_session, old.sso_start_url, old.sso_account_id) == (
        None,
        "https://old.awsapps.com/start",
        "222222222222",
    )
    assert profiles["base"].region == "us-east-1"
    assert profiles["dangling"].problem and "nowhere" in profiles["dangling"].problem


def test_role_chains(configured: Path) -> None:
    p = by_name()
    assert p["hop2"].role_chain == ("hop2", "hop1", "base") and p["hop2"].problem is None
    assert p["hop2"].role_arn == "arn:aws:iam::444444444444:role/Hop2"
    assert p["hop2"].source_profile == "hop1"
    assert p["from-sso"].role_chain == ("from-sso", "sso-new")
    assert p["instance"].role_chain == ("instance",)
    assert p["instance"].credential_source == "Ec2InstanceMetadata"
    assert "'missing' is not defined" in p["broken-chain"].problem
    assert p["loop-a"].problem == "source_profile loop"
    assert p["loop-a"].role_chain == ("loop-a", "loop-b", "loop-a")


def test_no_secret_value_anywhere(configured: Path) -> None:
    text = json.dumps([p.to_json() for p in list_profiles()]) + repr(list_profiles())
    assert "secret-value" not in text and "AKIA" not in text


def test_default_profile_follows_aws_profile(configured: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert [p.name for p in list_profiles() if p.is_default] == ["default"]
    monkeypatch.setenv("AWS_PROFILE", "hop2")
    assert [p.name for p in list_profiles() if p.is_default] == ["hop2"]


def test_env_credentials_are_listed_only_when_set(configured: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "ap-south-1")
    env = list_profiles()[0]
    assert (env.name, env.kind, env.region) == (ENV_PROFILE_NAME, "env", "ap-south-1")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    assert ENV_PROFILE_NAME not in {p.name for p in list_profiles()}


def test_config_file_location_comes_from_the_environment(
    configured: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "elsewhere.ini"
    other.write_text("[profile only-here]\nregion = sa-east-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(other))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    names = [p.name for p in list_profiles(include_env=False)]
    assert names == ["only-here"]


def test_no_config_files_is_an_empty_list(aws_env: Path) -> None:
    assert list_profiles(include_env=False) == []


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("aws_access_key_id = AKIASECRETLEAK\n[default]\n", "line 1 is outside any [section]"),
        ("[default]\nregion = x\n[default]\nregion = y\n", "section [default] appears twice"),
        ("[default]\nregion\n  = broken\n[x\n", "cannot parse line"),
    ],
)
def test_malformed_file_is_one_clear_line(aws_env: Path, text: str, detail: str) -> None:
    (aws_env / ".aws" / "credentials").write_text(text)
    with pytest.raises(ProfileError) as info:
        list_profiles()
    message = str(info.value)
    assert "\n" not in message and detail in message
    assert str(aws_env / ".aws" / "credentials") in message
    assert "AKIASECRETLEAK" not in message


def test_sso_token_status(configured: Path) -> None:
    cache = configured / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True)
    expires = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
    (cache / (hashlib.sha1(b"corp").hexdigest() + ".json")).write_text(
        json.dumps({"accessToken": "t", "expiresAt": expires.strftime("%Y-%m-%dT%H:%M:%SZ")})
    )
    (cache / (hashlib.sha1(b"https://old.awsapps.com/start").hexdigest() + ".json")).write_text("{not json")
    p = by_name()
    assert p["sso-new"].token_valid is True
    assert p["sso-new"].token_expires_at == expires.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert p["sso-old"].token_valid is False and "not valid JSON" in p["sso-old"].problem
    assert p["base"].token_valid is None


def test_resolve_sso_config(configured: Path) -> None:
    new = resolve_sso_config("sso-new")
    assert (new.session_name, new.start_url, new.region) == (
        "corp",
        "https://corp.awsapps.com/start",
        "eu-west-1",
    )
    assert new.registration_scopes == ["sso:account:access", "sso:other"]
    old = resolve_sso_config("sso-old")
    assert old.session_name is None and old.registration_scopes is None and old.role_name == "ReadOnly"
    with pytest.raises(ProfileError, match="no \\[sso-session nowhere\\] section"):
        resolve_sso_config("dangling")
    with pytest.raises(ProfileError, match="does not use IAM Identity Center"):
        resolve_sso_config("base")
