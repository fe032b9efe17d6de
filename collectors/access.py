"""How the collector gets into each account.

Two ways, both behind :class:`AccountAccess`:

- ``organizations``: the profile's identity (management account or delegated
  administrator) enumerates the organization and assumes a member role in each
  account (default ``OrganizationAccountAccessRole``, optional external id);
- ``sso``: the signed-in IAM Identity Center user lists the accounts and roles
  it may use and takes role credentials per account (``collectors.auth.sso_access``).
"""

from __future__ import annotations

import getpass
import re
from dataclasses import dataclass, field
from typing import Any, Protocol

import botocore.session
from botocore.credentials import AssumeRoleCredentialFetcher, DeferredRefreshableCredentials
from botocore.exceptions import BotoCoreError, ClientError

from collectors.clients import ClientFactory, home_region, partition_of_arn


@dataclass(frozen=True, kw_only=True)
class AccessAttempt:
    """How access to an account was obtained (or not): recorded as a call in the snapshot."""

    service: str  # e.g. "sts"
    operation: str  # e.g. "AssumeRole"
    parameters: dict[str, Any]
    response: dict[str, Any] | None = None  # what may be stored (never credentials)
    error_code: str | None = None
    error_message: str | None = None


@dataclass(kw_only=True)
class AccountSession:
    account_id: str
    session: botocore.session.Session | None
    attempt: AccessAttempt | None = None  # None: the home session itself, nothing to record


@dataclass(frozen=True, kw_only=True)
class PortalAccount:
    account_id: str
    name: str = ""
    email: str = ""
    roles: tuple[str, ...] = field(default_factory=tuple)


class AccountAccess(Protocol):
    method: str

    def home_session(self) -> botocore.session.Session:
        """The session the collection starts from (the profile's identity)."""
        ...

    def portal_accounts(self) -> list[PortalAccount] | None:
        """Accounts offered by the sign-in portal (SSO), or None to use the organization's list."""
        ...

    def session_for(self, account_id: str, *, home_account_id: str) -> AccountSession:
        """A session in one account; ``session`` is None when access failed (see ``attempt``)."""
        ...


_SESSION_NAME_SAFE = re.compile(r"[^\w+=,.@-]")


def role_session_name() -> str:
    try:
        user = getpass.getuser()
    except Exception:
        user = "auditor"
    return ("aws-org-audit-" + _SESSION_NAME_SAFE.sub("-", user))[:64]


class OrganizationsAccess:
    """Assume a member role in each account from the profile's identity."""

    method = "organizations"

    def __init__(
        self,
        *,
        factory: ClientFactory,
        profile: str | None,
        member_role: str = "OrganizationAccountAccessRole",
        external_id: str | None = None,
        duration_s: int = 3600,
    ) -> None:
        self._factory = factory
        self._profile = profile
        self.member_role = member_role
        self.external_id = external_id
        self._duration_s = duration_s
        self._home: botocore.session.Session | None = None
        self._partition = "aws"

    def home_session(self) -> botocore.session.Session:
        if self._home is None:
            self._home = self._factory.profile_session(self._profile)
        return self._home

    def set_partition(self, partition: str) -> None:
        self._partition = partition

    def portal_accounts(self) -> list[PortalAccount] | None:
        return None

    def role_arn(self, account_id: str) -> str:
        return f"arn:{self._partition}:iam::{account_id}:role/{self.member_role}"

    def session_for(self, account_id: str, *, home_account_id: str) -> AccountSession:
        home = self.home_session()
        if account_id == home_account_id:
            return AccountSession(account_id=account_id, session=home)
        role_arn = self.role_arn(account_id)
        extra: dict[str, Any] = {"RoleSessionName": role_session_name(), "DurationSeconds": self._duration_s}
        if self.external_id:
            extra["ExternalId"] = self.external_id
        params = {
            "RoleArn": role_arn,
            "RoleSessionName": extra["RoleSessionName"],
            "ExternalId": "(provided)" if self.external_id else None,
        }
        params = {k: v for k, v in params.items() if v is not None}
        region = home_region(self._partition)

        def client_creator(service: str, **kwargs: Any) -> Any:
            kwargs.setdefault("region_name", region)
            kwargs.setdefault("config", self._factory.config)
            return self._factory.client(home, service, kwargs.pop("region_name"))

        fetcher = AssumeRoleCredentialFetcher(
            client_creator=client_creator,
            source_credentials=home.get_credentials(),
            role_arn=role_arn,
            extra_args=extra,
        )
        try:
            # Fetch now, so that a denied role is known before any call in the account;
            # botocore refreshes these credentials before they expire during long runs.
            response = fetcher.fetch_credentials()
        except ClientError as exc:
            err = exc.response.get("Error", {})
            return AccountSession(
                account_id=account_id,
                session=None,
                attempt=AccessAttempt(
                    service="sts",
                    operation="AssumeRole",
                    parameters=params,
                    error_code=str(err.get("Code", "ClientError")),
                    error_message=str(err.get("Message", exc)),
                ),
            )
        except BotoCoreError as exc:
            return AccountSession(
                account_id=account_id,
                session=None,
                attempt=AccessAttempt(
                    service="sts",
                    operation="AssumeRole",
                    parameters=params,
                    error_code=type(exc).__name__,
                    error_message=str(exc),
                ),
            )
        credentials = DeferredRefreshableCredentials(
            refresh_using=fetcher.fetch_credentials, method="assume-role"
        )
        session = self._factory.credentials_session(credentials)
        return AccountSession(
            account_id=account_id,
            session=session,
            attempt=AccessAttempt(
                service="sts",
                operation="AssumeRole",
                parameters=params,
                response={
                    "AssumedRoleUser": {"Arn": f"{role_arn} (session {extra['RoleSessionName']})"},
                    "Expiration": str(response.get("expiry_time", "")),
                },
            ),
        )


def partition_from_identity(arn: str) -> str:
    return partition_of_arn(arn)
