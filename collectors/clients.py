"""botocore sessions and clients, cheaply and read-only.

A boto3 Session costs ~0.3 s and ~23 MB; a botocore session that shares the
first one's data loader and a client from it cost ~17 ms. Every account gets
its own light session (its own credentials, refreshed by botocore before they
expire); all share one loader. Every client is guarded by the read-only
allowlist.
"""

from __future__ import annotations

import threading
from typing import Any

import botocore.session
from botocore import UNSIGNED
from botocore.config import Config

from collectors import tool_version
from collectors.readonly import guard_client

PARTITION_HOME_REGION = {
    "aws": "us-east-1",
    "aws-us-gov": "us-gov-west-1",
    "aws-cn": "cn-north-1",
    "aws-iso": "us-iso-east-1",
    "aws-iso-b": "us-isob-east-1",
}


def partition_of_arn(arn: str) -> str:
    parts = arn.split(":")
    return parts[1] if len(parts) > 1 and parts[1] else "aws"


def home_region(partition: str) -> str:
    return PARTITION_HOME_REGION.get(partition, "us-east-1")


class ClientFactory:
    """Makes light per-account sessions and guarded clients."""

    def __init__(self, *, retry_mode: str = "standard", max_attempts: int = 10, max_pool: int = 16) -> None:
        if retry_mode not in ("standard", "adaptive", "legacy"):
            raise ValueError(f"retry mode must be standard or adaptive, not {retry_mode!r}")
        self._base = botocore.session.Session()
        self._loader = self._base.get_component("data_loader")
        self._lock = threading.Lock()
        self.config = Config(
            retries={"mode": retry_mode, "max_attempts": max_attempts},
            user_agent_extra=f"aws-org-audit-workbench/{tool_version()}",
            max_pool_connections=max_pool,
            connect_timeout=10,
            read_timeout=60,
        )

    def profile_session(self, profile: str | None) -> botocore.session.Session:
        """A session whose credentials come from a profile, resolved as the AWS CLI does."""
        with self._lock:
            session = botocore.session.Session(profile=profile)
            session.register_component("data_loader", self._loader)
        return session

    def credentials_session(self, credentials: Any) -> botocore.session.Session:
        """A session with the given botocore Credentials (static or refreshable)."""
        with self._lock:
            session = botocore.session.Session()
            session.register_component("data_loader", self._loader)
            # botocore has no public setter for a session's credentials; this is the
            # documented-in-practice way to give a session refreshable credentials.
            session._credentials = credentials
        return session

    def client(
        self, session: botocore.session.Session, service: str, region: str, *, unsigned: bool = False
    ) -> Any:
        """A guarded client. ``unsigned`` for the SSO portal and OIDC calls, which carry a bearer
        token instead of a signature (and must not resolve the profile's own credentials)."""
        config = self.config.merge(Config(signature_version=UNSIGNED)) if unsigned else self.config
        client = session.create_client(service, region_name=region, config=config)
        return guard_client(client, service)
