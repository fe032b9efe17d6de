"""The AWS profiles on this machine, read as the AWS CLI v2 reads them.

botocore's own loader parses the files (``Session.full_config``), so
``AWS_CONFIG_FILE``, ``AWS_SHARED_CREDENTIALS_FILE``, ``[profile x]`` versus
``[x]``, ``[sso-session y]`` sections and the merge of the credentials file
behave exactly as in the CLI and boto3. Only the *kind* of each profile and the
non-secret settings are kept: key values never leave botocore's dictionaries.
"""

from __future__ import annotations

import configparser
import os
from dataclasses import dataclass, field
from typing import Any

import botocore.session
from botocore.exceptions import BotoCoreError, ConfigParseError

from collectors.auth.token_cache import TokenCacheError, iso_utc, read_token

KINDS = ("static", "sso", "sso-legacy", "assume-role", "credential-process", "env", "other")
ENV_PROFILE_NAME = "(environment)"


class ProfileError(Exception):
    """The AWS configuration cannot be used as asked (one-line message for the user)."""


@dataclass(frozen=True, kw_only=True)
class ProfileInfo:
    """What an auditor needs to pick a profile; never a secret."""

    name: str
    kind: str  # one of KINDS
    region: str | None = None
    sso_session: str | None = None
    sso_start_url: str | None = None
    sso_region: str | None = None
    sso_account_id: str | None = None
    sso_role_name: str | None = None
    role_arn: str | None = None
    source_profile: str | None = None
    credential_source: str | None = None
    # Profiles from this one to the one whose credentials start the chain (assume-role only).
    role_chain: tuple[str, ...] = field(default_factory=tuple)
    is_default: bool = False
    token_valid: bool | None = None  # SSO kinds only: is the cached access token still valid
    token_expires_at: str | None = None  # ISO-8601 UTC
    problem: str | None = None  # a configuration problem botocore would refuse

    def to_json(self) -> dict[str, Any]:
        """The documented ``profiles --json`` object (docs/sign-in.md)."""
        return {
            "name": self.name,
            "kind": self.kind,
            "is_default": self.is_default,
            "region": self.region,
            "sso_session": self.sso_session,
            "sso_start_url": self.sso_start_url,
            "sso_region": self.sso_region,
            "sso_account_id": self.sso_account_id,
            "sso_role_name": self.sso_role_name,
            "role_arn": self.role_arn,
            "source_profile": self.source_profile,
            "credential_source": self.credential_source,
            "role_chain": list(self.role_chain),
            "token_valid": self.token_valid,
            "token_expires_at": self.token_expires_at,
            "problem": self.problem,
        }


@dataclass(frozen=True, kw_only=True)
class SsoConfig:
    """The IAM Identity Center settings of one profile, resolved through its sso-session."""

    profile: str
    session_name: str | None  # None for a legacy profile (sso_start_url in the profile)
    start_url: str
    region: str
    registration_scopes: list[str] | None = None
    account_id: str | None = None
    role_name: str | None = None


def load_full_config() -> dict[str, Any]:
    """The parsed config + credentials files, as botocore sees them; ProfileError if malformed."""
    session = botocore.session.Session()
    try:
        return dict(session.full_config)
    except ConfigParseError as exc:
        raise ProfileError(_parse_error_message(exc)) from None
    except BotoCoreError as exc:
        raise ProfileError(f"cannot read the AWS configuration: {exc}") from None


def default_profile_name() -> str:
    """The profile the CLI uses without ``--profile``: ``AWS_PROFILE``, else ``default``."""
    return os.environ.get("AWS_PROFILE") or os.environ.get("AWS_DEFAULT_PROFILE") or "default"


def list_profiles(*, include_env: bool = True) -> list[ProfileInfo]:
    """Every profile in the config and credentials files, sorted by name.

    With ``include_env``, credentials in ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``
    are listed first as a pseudo-profile named ``(environment)``: the AWS CLI and boto3
    use them before any profile when no profile is named on the command line.
    """
    config = load_full_config()
    profiles: dict[str, dict[str, Any]] = config.get("profiles", {})
    sessions: dict[str, dict[str, Any]] = config.get("sso_sessions", {})
    default = default_profile_name()
    out: list[ProfileInfo] = []
    if include_env and os.environ.get("AWS_ACCESS_KEY_ID") and os.environ.get("AWS_SECRET_ACCESS_KEY"):
        out.append(
            ProfileInfo(
                name=ENV_PROFILE_NAME,
                kind="env",
                region=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"),
            )
        )
    for name in sorted(profiles):
        out.append(_describe(name, profiles, sessions, is_default=(name == default)))
    return out


def resolve_sso_config(profile: str) -> SsoConfig:
    """The SSO settings of ``profile``; ProfileError if it does not exist or is not an SSO profile."""
    config = load_full_config()
    profiles: dict[str, dict[str, Any]] = config.get("profiles", {})
    sessions: dict[str, dict[str, Any]] = config.get("sso_sessions", {})
    if profile not in profiles:
        raise ProfileError(f"profile {profile!r} is not defined in the AWS config or credentials file")
    values = profiles[profile]
    session_name = values.get("sso_session")
    if session_name is not None:
        if session_name not in sessions:
            raise ProfileError(
                f"profile {profile!r} names sso_session {session_name!r}, "
                f"but there is no [sso-session {session_name}] section"
            )
        sso = sessions[session_name]
        start_url, region = sso.get("sso_start_url"), sso.get("sso_region")
        scopes_text = sso.get("sso_registration_scopes")
    else:
        start_url, region = values.get("sso_start_url"), values.get("sso_region")
        scopes_text = None  # the CLI registers legacy profiles without scopes
    if not start_url and not region:
        raise ProfileError(
            f"profile {profile!r} does not use IAM Identity Center (no sso_session or sso_start_url)"
        )
    missing = [k for k, v in (("sso_start_url", start_url), ("sso_region", region)) if not v]
    if missing:
        raise ProfileError(f"profile {profile!r} is missing {', '.join(missing)}")
    return SsoConfig(
        profile=profile,
        session_name=session_name,
        start_url=str(start_url),
        region=str(region),
        registration_scopes=_parse_scopes(scopes_text),
        account_id=values.get("sso_account_id"),
        role_name=values.get("sso_role_name"),
    )


def sso_profile_for(profile: str) -> str:
    """The profile whose SSO sign-in ``profile`` needs: itself, or the SSO source of its role chain.

    An ``assume-role`` profile whose ``source_profile`` chain starts from an SSO profile uses
    that profile's token (botocore's AssumeRoleProvider resolves the source's credentials).
    """
    profiles: dict[str, dict[str, Any]] = load_full_config().get("profiles", {})
    if profile not in profiles or _kind(profiles[profile]) != "assume-role":
        return profile
    chain, problem = _role_chain(profile, profiles)
    last = chain[-1]
    if problem is None and last in profiles and _kind(profiles[last]) in ("sso", "sso-legacy"):
        return last
    return profile


def _parse_scopes(text: Any) -> list[str] | None:
    # As the CLI's parse_sso_registration_scopes: comma-separated, stripped, empties dropped;
    # None (not []) when the setting is absent, because None is part of the registration key.
    if text is None:
        return None
    return [s.strip() for s in str(text).split(",") if s.strip()]


def _kind(values: dict[str, Any]) -> str:
    # Same precedence as botocore's credential chain for a named profile:
    # assume-role, web identity, SSO, static keys, credential_process.
    if values.get("role_arn"):
        if values.get("web_identity_token_file"):
            return "other"
        return "assume-role"
    if "sso_session" in values:
        return "sso"
    if "sso_start_url" in values:
        return "sso-legacy"
    if values.get("aws_access_key_id"):
        return "static"
    if values.get("credential_process"):
        return "credential-process"
    return "other"


def _describe(
    name: str,
    profiles: dict[str, dict[str, Any]],
    sessions: dict[str, dict[str, Any]],
    *,
    is_default: bool,
) -> ProfileInfo:
    values = profiles[name]
    kind = _kind(values)
    info: dict[str, Any] = {
        "name": name,
        "kind": kind,
        "region": values.get("region"),
        "is_default": is_default,
        "sso_account_id": values.get("sso_account_id"),
        "sso_role_name": values.get("sso_role_name"),
        "role_arn": values.get("role_arn"),
        "source_profile": values.get("source_profile"),
        "credential_source": values.get("credential_source"),
    }
    if kind in ("sso", "sso-legacy"):
        info.update(_sso_status(name, values, sessions))
    elif kind == "assume-role":
        chain, problem = _role_chain(name, profiles)
        info["role_chain"] = chain
        info["problem"] = problem
    return ProfileInfo(**info)


def _sso_status(name: str, values: dict[str, Any], sessions: dict[str, dict[str, Any]]) -> dict[str, Any]:
    session_name = values.get("sso_session")
    out: dict[str, Any] = {"sso_session": session_name}
    if session_name is not None:
        sso = sessions.get(session_name)
        if sso is None:
            out["problem"] = f"sso_session {session_name!r} has no [sso-session {session_name}] section"
            return out
        start_url, region = sso.get("sso_start_url"), sso.get("sso_region")
    else:
        start_url, region = values.get("sso_start_url"), values.get("sso_region")
    out["sso_start_url"], out["sso_region"] = start_url, region
    if not start_url or not region:
        out["problem"] = "sso_start_url and sso_region are both required"
        return out
    try:
        token = read_token(start_url=str(start_url), session_name=session_name)
    except TokenCacheError as exc:
        out["token_valid"] = False
        out["problem"] = str(exc)
        return out
    if token is None:
        out["token_valid"] = False
    else:
        out["token_valid"] = token.is_valid()
        out["token_expires_at"] = iso_utc(token.expires_at)
    return out


def _role_chain(name: str, profiles: dict[str, dict[str, Any]]) -> tuple[tuple[str, ...], str | None]:
    """Follow source_profile as botocore's AssumeRoleProvider does; report loops and gaps."""
    chain = [name]
    current = name
    while True:
        values = profiles[current]
        if values.get("credential_source"):
            if values.get("source_profile"):
                return tuple(chain), f"profile {current!r} sets both source_profile and credential_source"
            return tuple(chain), None
        source = values.get("source_profile")
        if not source:
            if current == name:
                return tuple(chain), "role_arn without source_profile or credential_source"
            return tuple(chain), None
        if source not in profiles:
            return tuple(chain), f"source_profile {source!r} is not defined"
        source_values = profiles[source]
        # A profile may name itself as source when it also holds static keys (botocore allows it).
        if source == current and source_values.get("aws_access_key_id"):
            return tuple(chain), None
        if source in chain:
            return tuple([*chain, source]), "source_profile loop"
        chain.append(source)
        if not source_values.get("role_arn"):
            return tuple(chain), None
        current = source


def _parse_error_message(exc: ConfigParseError) -> str:
    """Which file and line is wrong, without quoting the line (it may hold a secret key)."""
    path = exc.kwargs.get("path", "the AWS config file")
    error = exc.kwargs.get("error")
    detail = "it is not a valid INI file"
    if isinstance(error, configparser.MissingSectionHeaderError):
        detail = f"line {error.lineno} is outside any [section]"
    elif isinstance(error, configparser.DuplicateSectionError):
        detail = f"section [{error.section}] appears twice" + (
            f" (line {error.lineno})" if error.lineno else ""
        )
    elif isinstance(error, configparser.DuplicateOptionError):
        detail = f"{error.option!r} appears twice in [{error.section}]" + (
            f" (line {error.lineno})" if error.lineno else ""
        )
    elif isinstance(error, configparser.ParsingError):
        lines = ", ".join(str(lineno) for lineno, _ in error.errors[:5])
        detail = f"cannot parse line(s) {lines}"
    elif isinstance(error, UnicodeDecodeError):
        detail = "it is not UTF-8 text"
    elif isinstance(error, ValueError):
        detail = "an indented sub-setting is not 'name = value'"
    return f"the AWS configuration file {path} is malformed: {detail}"
