"""Sign in to IAM Identity Center with the OAuth device authorization flow.

The same steps as ``aws sso login`` (AWS CLI v2 ``SSOTokenFetcher``), with real
botocore ``sso-oidc`` calls through the guarded client factory:

1. RegisterClient, cached beside the token and reused while it is valid;
2. StartDeviceAuthorization: a code the user confirms in the browser;
3. CreateToken with the device-code grant, polled at the interval the service
   asks for (``SlowDownException`` adds 5 s, RFC 8628 section 3.5);
4. the token is written to the shared cache, where botocore and the CLI find it.

If the cache already holds a refresh token with a valid registration, one
CreateToken with the refresh-token grant is tried first, silently.

``login`` is a plain function: the caller shows the code (``on_code``) and can
cancel; the GUI and the CLI wrap it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from collectors.auth.profiles import SsoConfig, resolve_sso_config, sso_profile_for
from collectors.auth.token_cache import (
    ClientRegistration,
    TokenCacheError,
    TokenInfo,
    read_registration,
    read_token,
    utc_now,
    write_registration,
    write_token,
)
from collectors.clients import ClientFactory
from collectors.readonly import guard_client

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
REFRESH_GRANT = "refresh_token"
DEFAULT_INTERVAL_S = 5  # RFC 8628 section 3.2
SLOW_DOWN_EXTRA_S = 5  # RFC 8628 section 3.5
CLIENT_NAME_PREFIX = "aws-org-audit-workbench"


class LoginError(Exception):
    """Sign-in failed; the message says why and what to do (one line)."""


class LoginCancelled(LoginError):
    pass


@dataclass(frozen=True, kw_only=True)
class DeviceCode:
    """What the user must confirm in the browser."""

    verification_uri: str
    verification_uri_complete: str
    user_code: str
    expires_at: datetime


def login(
    profile: str,
    *,
    on_code: Callable[[DeviceCode], None],
    cancelled: Callable[[], bool],
    sleep: Callable[[float], None] = time.sleep,
    factory: ClientFactory | None = None,
    now: Callable[[], datetime] = utc_now,
    allow_refresh: bool = True,
) -> TokenInfo:
    """Sign ``profile``'s IAM Identity Center session in and cache the token.

    An ``assume-role`` profile whose chain starts from an SSO profile signs that one in.
    Raises ProfileError (bad profile), LoginCancelled, or LoginError.
    """
    config = resolve_sso_config(sso_profile_for(profile))
    factory = factory or ClientFactory()
    client = unsigned_client(factory, config.profile, "sso-oidc", config.region)
    if allow_refresh:
        refreshed = refresh_token(config, client=client, now=now)
        if refreshed is not None:
            return refreshed
    registration = _registration(config, client, now=now)
    try:
        auth = client.start_device_authorization(
            clientId=registration.client_id,
            clientSecret=registration.client_secret,
            startUrl=config.start_url,
        )
    except ClientError as exc:
        if _code(exc) not in ("InvalidClientException", "UnauthorizedClientException"):
            raise LoginError(_describe_error("could not start the sign-in", exc, config)) from None
        # The cached registration was revoked or is unknown to this region: register again, once.
        registration = _registration(config, client, now=now, force=True)
        try:
            auth = client.start_device_authorization(
                clientId=registration.client_id,
                clientSecret=registration.client_secret,
                startUrl=config.start_url,
            )
        except ClientError as exc2:
            raise LoginError(_describe_error("could not start the sign-in", exc2, config)) from None
    except BotoCoreError as exc:
        raise LoginError(f"could not reach IAM Identity Center in {config.region}: {exc}") from None
    started = now()
    device = DeviceCode(
        verification_uri=str(auth.get("verificationUri", "")),
        verification_uri_complete=str(auth.get("verificationUriComplete") or auth.get("verificationUri", "")),
        user_code=str(auth.get("userCode", "")),
        expires_at=started + timedelta(seconds=int(auth.get("expiresIn") or 600)),
    )
    on_code(device)
    interval = float(auth.get("interval") or DEFAULT_INTERVAL_S)
    while True:
        if cancelled():
            raise LoginCancelled("sign-in cancelled")
        if now() >= device.expires_at:
            raise LoginError(
                f"the sign-in code {device.user_code} expired before it was approved; run login again"
            )
        try:
            response = client.create_token(
                grantType=DEVICE_GRANT,
                clientId=registration.client_id,
                clientSecret=registration.client_secret,
                deviceCode=auth["deviceCode"],
            )
        except ClientError as exc:
            code = _code(exc)
            if code == "AuthorizationPendingException":
                _pause(interval, sleep=sleep, cancelled=cancelled)
                continue
            if code == "SlowDownException":
                interval += SLOW_DOWN_EXTRA_S
                _pause(interval, sleep=sleep, cancelled=cancelled)
                continue
            if code == "ExpiredTokenException":
                raise LoginError(
                    f"the sign-in code {device.user_code} expired before it was approved; run login again"
                ) from None
            if code == "AccessDeniedException":
                raise LoginError(
                    f"the sign-in request {device.user_code} was denied in the browser; "
                    "run login again and choose Allow"
                ) from None
            raise LoginError(_describe_error("sign-in failed", exc, config)) from None
        except BotoCoreError as exc:
            raise LoginError(f"could not reach IAM Identity Center in {config.region}: {exc}") from None
        token = TokenInfo(
            start_url=config.start_url,
            region=config.region,
            session_name=config.session_name,
            expires_at=now() + timedelta(seconds=int(response["expiresIn"])),
            access_token=str(response["accessToken"]),
            refresh_token=response.get("refreshToken") or None,
            client_id=registration.client_id,
            client_secret=registration.client_secret,
            registration_expires_at=registration.expires_at,
        )
        return _save(token)


def refresh_token(
    config: SsoConfig,
    *,
    client: Any = None,
    factory: ClientFactory | None = None,
    now: Callable[[], datetime] = utc_now,
) -> TokenInfo | None:
    """Renew the cached access token with its refresh token; None if that is not possible.

    Any failure (no refresh token, registration expired, refresh refused) returns None:
    the caller then signs in interactively, as botocore's SSOTokenProvider does.
    """
    try:
        cached = read_token(start_url=config.start_url, session_name=config.session_name)
    except TokenCacheError:
        return None
    if cached is None or not cached.can_refresh(now=now()):
        return None
    if client is None:
        factory = factory or ClientFactory()
        client = unsigned_client(factory, config.profile, "sso-oidc", config.region)
    try:
        response = client.create_token(
            grantType=REFRESH_GRANT,
            clientId=cached.client_id,
            clientSecret=cached.client_secret,
            refreshToken=cached.refresh_token,
        )
    except (ClientError, BotoCoreError):
        return None
    token = TokenInfo(
        start_url=config.start_url,
        region=config.region,
        session_name=config.session_name,
        expires_at=now() + timedelta(seconds=int(response["expiresIn"])),
        access_token=str(response["accessToken"]),
        refresh_token=response.get("refreshToken") or cached.refresh_token,
        client_id=cached.client_id,
        client_secret=cached.client_secret,
        registration_expires_at=cached.registration_expires_at,
    )
    try:
        return _save(token)
    except LoginError:
        return None


def _save(token: TokenInfo) -> TokenInfo:
    try:
        path = write_token(token)
    except TokenCacheError as exc:
        raise LoginError(str(exc)) from None
    return TokenInfo(**{**token.__dict__, "path": path})


def _registration(
    config: SsoConfig, client: Any, *, now: Callable[[], datetime], force: bool = False
) -> ClientRegistration:
    if not force:
        cached = read_registration(
            start_url=config.start_url,
            region=config.region,
            session_name=config.session_name,
            scopes=config.registration_scopes,
        )
        if cached is not None and cached.is_valid(now=now()):
            return cached
    kwargs: dict[str, Any] = {
        "clientName": f"{CLIENT_NAME_PREFIX}-{config.session_name or int(now().timestamp())}",
        "clientType": "public",
    }
    if config.registration_scopes:
        kwargs["scopes"] = config.registration_scopes
    try:
        response = client.register_client(**kwargs)
    except ClientError as exc:
        raise LoginError(
            _describe_error("could not register with IAM Identity Center", exc, config)
        ) from None
    except BotoCoreError as exc:
        raise LoginError(f"could not reach IAM Identity Center in {config.region}: {exc}") from None
    registration = ClientRegistration(
        client_id=str(response["clientId"]),
        client_secret=str(response["clientSecret"]),
        expires_at=datetime.fromtimestamp(int(response["clientSecretExpiresAt"]), tz=now().tzinfo),
        scopes=tuple(config.registration_scopes or ()),
    )
    try:
        write_registration(
            registration,
            start_url=config.start_url,
            region=config.region,
            session_name=config.session_name,
            scopes=config.registration_scopes,
        )
    except TokenCacheError as exc:
        raise LoginError(str(exc)) from None
    return registration


def unsigned_client(factory: ClientFactory, profile: str, service: str, region: str) -> Any:
    """A guarded, unsigned ``sso`` or ``sso-oidc`` client in the profile's session.

    The profile's session carries its endpoint, proxy and CA-bundle settings. Its
    credentials must not be resolved: they may be the very SSO sign-in being made, or a
    half-configured SSO profile that botocore refuses (InvalidConfigError). botocore's own
    SSO providers create these clients with ``signature_version=UNSIGNED`` for the same
    reason; the operations are ``smithy.api#noAuth`` in the service models.
    """
    session = factory.profile_session(profile)
    client = session.create_client(
        service, region_name=region, config=factory.config.merge(Config(signature_version=UNSIGNED))
    )
    return guard_client(client, service)


def _pause(seconds: float, *, sleep: Callable[[float], None], cancelled: Callable[[], bool]) -> None:
    """Sleep in short steps so that a cancel is seen within a second."""
    left = seconds
    while left > 0:
        if cancelled():
            return
        step = min(1.0, left)
        sleep(step)
        left -= step


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _describe_error(what: str, exc: ClientError, config: SsoConfig) -> str:
    err = exc.response.get("Error", {})
    message = err.get("Message") or exc.response.get("error_description") or ""
    detail = f"{err.get('Code', 'error')}" + (f": {message}" if message else "")
    return f"{what} at {config.start_url} ({config.region}): {detail}"
