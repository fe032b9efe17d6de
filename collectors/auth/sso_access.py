"""Account access through IAM Identity Center (method ``sso``).

The signed-in user's portal lists the accounts and roles it may use
(``sso:ListAccounts``, ``sso:ListAccountRoles``); for each account the collector
takes role credentials with ``sso:GetRoleCredentials``, refreshed by botocore
before they expire. The access token comes from the shared SSO cache that
``main.py login`` and ``aws sso login`` write.

What is recorded per account is the account, the role and the expiry: never the
credentials (the AccessAttempt response holds only those three fields).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import botocore.session
from botocore.credentials import RefreshableCredentials
from botocore.exceptions import BotoCoreError, ClientError

from collectors.access import AccessAttempt, AccountSession, PortalAccount
from collectors.auth.profiles import ProfileError, SsoConfig, resolve_sso_config
from collectors.auth.sso_login import refresh_token, unsigned_client
from collectors.auth.token_cache import TokenCacheError, read_token
from collectors.calls import SignInRequired
from collectors.clients import ClientFactory

# Refresh the cached token silently when less than this is left (botocore uses 15 minutes).
_TOKEN_REFRESH_WINDOW_S = 15 * 60


class SsoAccessError(SignInRequired):
    """SSO access cannot be set up as asked (one-line message: which profile, role or account).

    A SignInRequired: the runner then stops cleanly with this message and leaves the snapshot
    resumable, which is what the user needs (fix the profile or --sso-role, then --resume).
    """


class SsoAccess:
    """Role credentials per account from the IAM Identity Center portal."""

    method = "sso"

    def __init__(self, *, factory: ClientFactory, profile: str, sso_role: str | None = None) -> None:
        self._factory = factory
        self._profile = profile
        self.sso_role = sso_role
        self._lock = threading.Lock()
        # Account sessions are opened from several worker threads: one token refresh at a time
        # (a refresh token is single-use), one portal listing.
        self._token_lock = threading.Lock()
        self._portal_lock = threading.Lock()
        self._config: SsoConfig | None = None
        self._portal: list[PortalAccount] | None = None
        self._home: botocore.session.Session | None = None
        self._client: Any = None

    # -- the access token ------------------------------------------------------------

    @property
    def config(self) -> SsoConfig:
        if self._config is None:
            try:
                self._config = resolve_sso_config(self._profile)
            except ProfileError as exc:
                raise SsoAccessError(str(exc)) from None
        return self._config

    def _sign_in_again(self, why: str) -> SignInRequired:
        return SignInRequired(f"{why}: sign in again: python main.py login --profile {self._profile}")

    def access_token(self) -> str:
        """The cached access token, refreshed silently if possible; SignInRequired otherwise."""
        with self._token_lock:
            return self._access_token()

    def _access_token(self) -> str:
        config = self.config
        try:
            token = read_token(start_url=config.start_url, session_name=config.session_name)
        except TokenCacheError as exc:
            raise self._sign_in_again(str(exc)) from None
        if token is not None and token.is_valid(margin_s=_TOKEN_REFRESH_WINDOW_S):
            return token.access_token
        if token is not None:
            refreshed = refresh_token(config, factory=self._factory)
            if refreshed is not None:
                return refreshed.access_token
            if token.is_valid(margin_s=60):
                return token.access_token
            raise self._sign_in_again(
                f"the SSO sign-in for profile {self._profile} expired at {token.expires_at_iso}"
            )
        raise self._sign_in_again(f"profile {self._profile} is not signed in to {config.start_url}")

    def _sso_client(self) -> Any:
        with self._lock:
            if self._client is None:
                self._client = unsigned_client(self._factory, self._profile, "sso", self.config.region)
            return self._client

    # -- AccountAccess -----------------------------------------------------------------

    def home_session(self) -> botocore.session.Session:
        """The profile's own SSO role if it names one, else the first portal account's session."""
        if self._home is not None:
            return self._home
        config = self.config
        self.access_token()  # fail early and clearly if the sign-in has expired
        if config.account_id and config.role_name:
            self._home = self._factory.profile_session(self._profile)
            return self._home
        accounts = self.portal_accounts()
        if not accounts:
            raise SsoAccessError(f"the IAM Identity Center portal offers profile {self._profile} no accounts")
        first = accounts[0]
        acct = self.session_for(first.account_id, home_account_id=first.account_id)
        if acct.session is None:
            attempt = acct.attempt
            detail = attempt.error_message if attempt else "no session"
            raise SsoAccessError(f"cannot start in account {first.account_id}: {detail}")
        self._home = acct.session
        return self._home

    def portal_accounts(self) -> list[PortalAccount]:
        """Every account the signed-in user may use, with its roles (cached for the run)."""
        with self._portal_lock:
            if self._portal is None:
                self._portal = self._list_portal()
            return self._portal

    def _list_portal(self) -> list[PortalAccount]:
        token = self.access_token()
        client = self._sso_client()
        accounts: list[PortalAccount] = []
        try:
            for page in client.get_paginator("list_accounts").paginate(accessToken=token):
                for info in page.get("accountList", []):
                    account_id = str(info["accountId"])
                    roles: list[str] = []
                    for role_page in client.get_paginator("list_account_roles").paginate(
                        accessToken=token, accountId=account_id
                    ):
                        roles.extend(str(r["roleName"]) for r in role_page.get("roleList", []))
                    accounts.append(
                        PortalAccount(
                            account_id=account_id,
                            name=str(info.get("accountName", "")),
                            email=str(info.get("emailAddress", "")),
                            roles=tuple(sorted(set(roles))),
                        )
                    )
        except ClientError as exc:
            if _code(exc) == "UnauthorizedException":
                raise self._sign_in_again("the IAM Identity Center portal refused the SSO token") from None
            raise SsoAccessError(
                f"cannot list the portal's accounts: {_code(exc)}: {_message(exc)}"
            ) from None
        except BotoCoreError as exc:
            raise SsoAccessError(f"cannot reach the IAM Identity Center portal: {exc}") from None
        accounts.sort(key=lambda a: a.account_id)
        return accounts

    def choose_role(self, account: PortalAccount) -> str:
        """The role to use in ``account``; SsoAccessError (listing the roles) if it is ambiguous."""
        roles = account.roles
        if self.sso_role:
            if self.sso_role in roles:
                return self.sso_role
            raise SsoAccessError(
                f"role {self.sso_role} is not available in account {account.account_id} "
                f"(available: {', '.join(roles) or 'none'})"
            )
        profile_role = self.config.role_name
        if profile_role and profile_role in roles:
            return profile_role
        if len(roles) == 1:
            return roles[0]
        if not roles:
            raise SsoAccessError(f"the portal offers no role in account {account.account_id}")
        raise SsoAccessError(
            f"account {account.account_id} offers several roles ({', '.join(roles)}): choose one with --sso-role"
        )

    def session_for(self, account_id: str, *, home_account_id: str) -> AccountSession:
        """Role credentials in ``account_id`` (also the home account: the chosen role is used everywhere)."""
        portal = {a.account_id: a for a in self.portal_accounts()}
        account = portal.get(account_id)
        if account is None:
            return _failed(
                account_id,
                None,
                "AccountNotInPortal",
                f"account {account_id} is not offered to this user by the IAM Identity Center portal",
            )
        try:
            role = self.choose_role(account)
        except SsoAccessError as exc:
            return _failed(account_id, None, "RoleNotChosen", str(exc))

        def fetch() -> dict[str, str]:
            token = self.access_token()
            try:
                response = self._sso_client().get_role_credentials(
                    accessToken=token, accountId=account_id, roleName=role
                )
            except ClientError as exc:
                if _code(exc) == "UnauthorizedException":
                    raise self._sign_in_again(
                        "the IAM Identity Center portal refused the SSO token"
                    ) from None
                raise
            creds = response["roleCredentials"]
            expiry = datetime.fromtimestamp(int(creds["expiration"]) / 1000.0, tz=UTC)
            return {
                "access_key": creds["accessKeyId"],
                "secret_key": creds["secretAccessKey"],
                "token": creds["sessionToken"],
                "expiry_time": expiry.isoformat(),
            }

        try:
            metadata = fetch()
        except ClientError as exc:
            return _failed(account_id, role, _code(exc), _message(exc))
        except BotoCoreError as exc:
            return _failed(account_id, role, type(exc).__name__, str(exc))
        credentials = RefreshableCredentials.create_from_metadata(
            metadata=metadata, refresh_using=fetch, method="sso"
        )
        return AccountSession(
            account_id=account_id,
            session=self._factory.credentials_session(credentials),
            attempt=AccessAttempt(
                service="sso",
                operation="GetRoleCredentials",
                parameters={"accountId": account_id, "roleName": role},
                response={"accountId": account_id, "roleName": role, "expiration": metadata["expiry_time"]},
            ),
        )


def _failed(account_id: str, role: str | None, code: str, message: str) -> AccountSession:
    params: dict[str, Any] = {"accountId": account_id}
    if role is not None:
        params["roleName"] = role
    return AccountSession(
        account_id=account_id,
        session=None,
        attempt=AccessAttempt(
            service="sso",
            operation="GetRoleCredentials",
            parameters=params,
            error_code=code,
            error_message=message,
        ),
    )


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", "ClientError"))


def _message(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Message") or exc)
