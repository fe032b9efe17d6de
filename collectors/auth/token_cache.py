"""The SSO token cache shared with the AWS CLI v2 and botocore.

``aws sso login`` writes the access token to ``~/.aws/sso/cache/<key>.json``;
botocore's SSO credential and token providers read it from there. We read and
write the same files, so a sign-in done by the CLI works here and ours works in
the CLI, boto3 and every SDK that follows the shared format.

Key derivation (botocore ``utils.SSOTokenLoader._generate_cache_key``): the
SHA-1 hex digest of the ``sso-session`` *name* for profiles that use an
``sso_session``, of the start URL for legacy profiles. The client registration
that ``aws sso login`` caches beside it is keyed by the SHA-1 of a JSON object
(AWS CLI v2 ``BaseSSOTokenFetcher._registration_cache_key``).

Timestamps are written as the CLI writes them, ``%Y-%m-%dT%H:%M:%SZ`` in UTC
(botocore ``tokens._serialize_utc_timestamp``); older writers used a ``UTC``
suffix, which is read as well.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dateutil.parser

_CLI_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


class TokenCacheError(Exception):
    """A cache file exists but cannot be read or written (one-line message)."""


def sso_cache_dir() -> Path:
    """``~/.aws/sso/cache``, resolved now (botocore resolves it once, at import)."""
    return Path(os.path.expanduser(os.path.join("~", ".aws", "sso", "cache")))


def token_cache_key(*, start_url: str, session_name: str | None) -> str:
    """The file stem botocore looks for: sha1 of the sso-session name, else of the start URL."""
    source = session_name if session_name is not None else start_url
    return hashlib.sha1(source.encode("utf-8")).hexdigest()


def registration_cache_key(
    *, start_url: str, region: str, session_name: str | None, scopes: list[str] | None
) -> str:
    """The file stem the AWS CLI v2 uses for the OIDC client registration of a start URL."""
    args = {
        "tool": "botocore",
        "startUrl": start_url,
        "region": region,
        "scopes": scopes,
        "session_name": session_name,
    }
    return hashlib.sha1(json.dumps(args, sort_keys=True).encode("utf-8")).hexdigest()


def utc_now() -> datetime:
    return datetime.now(UTC)


def parse_time(value: Any) -> datetime:
    """A cache timestamp as an aware UTC datetime; ValueError if it is not one."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and value.strip():
        try:
            parsed = dateutil.parser.parse(value)
        except (ValueError, OverflowError) as exc:
            raise ValueError(f"not a timestamp: {value!r}") from exc
    else:
        raise ValueError(f"not a timestamp: {value!r}")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_time(value: datetime) -> str:
    """UTC, as the AWS CLI writes it in the cache."""
    return value.astimezone(UTC).strftime(_CLI_TIME_FORMAT)


def iso_utc(value: datetime) -> str:
    """ISO-8601 UTC for people and JSON output (seconds, ``Z``)."""
    return format_time(value)


@dataclass(frozen=True, kw_only=True)
class TokenInfo:
    """One cached SSO access token. Secret fields never appear in ``repr``."""

    start_url: str
    region: str
    expires_at: datetime
    session_name: str | None = None
    access_token: str = field(default="", repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    registration_expires_at: datetime | None = None
    path: Path | None = None

    def is_valid(self, *, now: datetime | None = None, margin_s: float = 0.0) -> bool:
        """True while the access token has more than ``margin_s`` seconds left."""
        current = now or utc_now()
        return bool(self.access_token) and (self.expires_at - current).total_seconds() > margin_s

    def can_refresh(self, *, now: datetime | None = None) -> bool:
        """True if a refresh token and a registration that has not expired are cached."""
        current = now or utc_now()
        return bool(
            self.refresh_token
            and self.client_id
            and self.client_secret
            and self.registration_expires_at is not None
            and self.registration_expires_at > current
        )

    @property
    def expires_at_iso(self) -> str:
        return iso_utc(self.expires_at)

    def to_cache(self) -> dict[str, Any]:
        """The JSON object the AWS CLI writes (field names and order as in botocore)."""
        data: dict[str, Any] = {
            "startUrl": self.start_url,
            "region": self.region,
            "accessToken": self.access_token,
            "expiresAt": format_time(self.expires_at),
        }
        if self.client_id and self.client_secret:
            data["clientId"] = self.client_id
            data["clientSecret"] = self.client_secret
        if self.registration_expires_at is not None:
            data["registrationExpiresAt"] = format_time(self.registration_expires_at)
        if self.refresh_token:
            data["refreshToken"] = self.refresh_token
        return data


@dataclass(frozen=True, kw_only=True)
class ClientRegistration:
    """The OIDC client registration the CLI caches (clientId, clientSecret, expiresAt[, scopes])."""

    client_id: str
    client_secret: str = field(repr=False)
    expires_at: datetime
    scopes: tuple[str, ...] = ()

    def is_valid(self, *, now: datetime | None = None, margin_s: float = 15 * 60) -> bool:
        # The CLI re-registers 15 minutes before a registration expires
        # (BaseSSOTokenFetcher._DEFAULT_EXPIRY_WINDOW).
        current = now or utc_now()
        return (self.expires_at - current).total_seconds() > margin_s

    def to_cache(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "clientId": self.client_id,
            "clientSecret": self.client_secret,
            "expiresAt": format_time(self.expires_at),
        }
        if self.scopes:
            data["scopes"] = list(self.scopes)
        return data


def token_path(*, start_url: str, session_name: str | None, cache_dir: Path | None = None) -> Path:
    directory = cache_dir or sso_cache_dir()
    return directory / (token_cache_key(start_url=start_url, session_name=session_name) + ".json")


def read_token(
    *, start_url: str, session_name: str | None, cache_dir: Path | None = None
) -> TokenInfo | None:
    """The cached token for a start URL / sso-session, or None if there is none.

    Raises TokenCacheError if the file exists but is not a token the CLI would accept
    (botocore requires ``accessToken`` and ``expiresAt``).
    """
    path = token_path(start_url=start_url, session_name=session_name, cache_dir=cache_dir)
    data = _read_json(path)
    if data is None:
        return None
    if not isinstance(data, dict) or "accessToken" not in data or "expiresAt" not in data:
        raise TokenCacheError(f"the SSO token cache file {path} is not a token (no accessToken/expiresAt)")
    try:
        expires_at = parse_time(data["expiresAt"])
        reg_expires = parse_time(data["registrationExpiresAt"]) if data.get("registrationExpiresAt") else None
    except ValueError as exc:
        raise TokenCacheError(f"the SSO token cache file {path} has a bad timestamp: {exc}") from exc
    return TokenInfo(
        start_url=str(data.get("startUrl") or start_url),
        region=str(data.get("region") or ""),
        expires_at=expires_at,
        session_name=session_name,
        access_token=str(data["accessToken"]),
        refresh_token=data.get("refreshToken") or None,
        client_id=data.get("clientId") or None,
        client_secret=data.get("clientSecret") or None,
        registration_expires_at=reg_expires,
        path=path,
    )


def write_token(token: TokenInfo, *, cache_dir: Path | None = None) -> Path:
    """Write the token where botocore and the CLI look for it; atomic, mode 0600."""
    path = token_path(start_url=token.start_url, session_name=token.session_name, cache_dir=cache_dir)
    _write_json_atomic(path, token.to_cache())
    return path


def read_registration(
    *,
    start_url: str,
    region: str,
    session_name: str | None,
    scopes: list[str] | None,
    cache_dir: Path | None = None,
) -> ClientRegistration | None:
    """The cached client registration, or None if missing or unreadable (it is then re-made)."""
    key = registration_cache_key(start_url=start_url, region=region, session_name=session_name, scopes=scopes)
    try:
        data = _read_json((cache_dir or sso_cache_dir()) / (key + ".json"))
    except TokenCacheError:
        return None
    if not isinstance(data, dict):
        return None
    try:
        return ClientRegistration(
            client_id=str(data["clientId"]),
            client_secret=str(data["clientSecret"]),
            expires_at=parse_time(data["expiresAt"]),
            scopes=tuple(data.get("scopes") or ()),
        )
    except (KeyError, ValueError):
        return None


def write_registration(
    registration: ClientRegistration,
    *,
    start_url: str,
    region: str,
    session_name: str | None,
    scopes: list[str] | None,
    cache_dir: Path | None = None,
) -> Path:
    key = registration_cache_key(start_url=start_url, region=region, session_name=session_name, scopes=scopes)
    path = (cache_dir or sso_cache_dir()) / (key + ".json")
    _write_json_atomic(path, registration.to_cache())
    return path


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise TokenCacheError(f"cannot read the SSO token cache file {path}: {exc.strerror}") from exc
    try:
        return json.loads(text)
    except ValueError as exc:
        raise TokenCacheError(f"the SSO token cache file {path} is not valid JSON") from exc


def _write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    """temp file in the same directory, fsync, rename: readers never see half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".awb-", suffix=".tmp")
    except OSError as exc:
        raise TokenCacheError(f"cannot write the SSO token cache in {path.parent}: {exc.strerror}") from exc
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise TokenCacheError(f"cannot write the SSO token cache file {path}: {exc.strerror}") from exc
