"""Shared fixtures. Every test runs with fake AWS credentials and no real AWS config."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import botocore.credentials
import botocore.tokens
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# moto: skip loading ~1,200 default AMIs into every EC2 backend (seconds per account otherwise).
os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")

from tests.support.moto_server import MotoServer


@pytest.fixture(autouse=True)
def aws_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Fake credentials, empty AWS config files in tmp, no endpoint overrides from the outside."""
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    for var in list(os.environ):
        if var.startswith("AWS_") or var == "MOTO_ACCOUNT_ID":
            monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / ".aws" / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / ".aws" / "credentials"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    # botocore fixes its SSO token cache path at import time, before HOME is set here.
    sso_cache = str(home / ".aws" / "sso" / "cache")
    monkeypatch.setattr(botocore.credentials.SSOProvider, "_SSO_TOKEN_CACHE_DIR", sso_cache)
    monkeypatch.setattr(botocore.tokens.SSOTokenProvider, "_SSO_TOKEN_CACHE_DIR", sso_cache)
    yield home


@pytest.fixture(scope="session")
def moto_server_session() -> Iterator[MotoServer]:
    server = MotoServer()
    yield server
    server.stop()


@pytest.fixture
def moto_server(moto_server_session: MotoServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[MotoServer]:
    """A clean moto server; AWS_ENDPOINT_URL points every client at it."""
    moto_server_session.reset()
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server_session.url)
    yield moto_server_session


@pytest.fixture(scope="session")
def demo_snapshot_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo organization's snapshot, built once per test session (seeded in moto, ~30 s)."""
    from collectors.demo.build import build_demo_snapshot

    return build_demo_snapshot(tmp_path_factory.mktemp("demo-session") / "demo.snapshot")
