"""A fake IAM Identity Center (``sso-oidc`` + ``sso`` portal) on 127.0.0.1 for tests.

moto has no ``sso`` portal service, so this small HTTP server speaks the
rest-json protocols botocore uses for both (paths and shapes from
``botocore/data/sso/2019-06-10`` and ``botocore/data/sso-oidc/2019-06-10``):

- sso-oidc: ``POST /client/register``, ``POST /device_authorization``, ``POST /token``
  (device-code grant: pending until the test approves the device code; refresh grant);
- sso: ``GET /assignment/accounts``, ``GET /assignment/roles``,
  ``GET /federation/credentials`` with the ``x-amz-sso_bearer_token`` header
  (401 UnauthorizedException for an unknown or expired token).

Point botocore at it with ``AWS_ENDPOINT_URL_SSO`` and ``AWS_ENDPOINT_URL_SSO_OIDC``
(``env()``). With ``moto_url``, GetRoleCredentials calls moto's STS AssumeRole for
``arn:aws:iam::<account>:role/<role>``, so the credentials are moto-scoped to that
account and a collection through SSO really lands in each member account.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import botocore.session


@dataclass
class FakeAccount:
    account_id: str
    name: str = ""
    email: str = ""
    roles: tuple[str, ...] = ("AuditRole",)


@dataclass
class _Device:
    device_code: str
    user_code: str
    client_id: str
    expires_at: float
    status: str = "pending"  # pending | approved | denied | expired | used
    polls: int = 0


@dataclass
class _Client:
    client_id: str
    client_secret: str
    scopes: tuple[str, ...]


@dataclass
class FakeSsoService:
    """The fake service; ``start()`` it (or use it as a context manager)."""

    moto_url: str | None = None
    token_ttl_s: int = 8 * 3600
    credentials_ttl_s: int = 3600
    device_ttl_s: int = 600
    interval_s: int = 1
    page_size: int = 2
    approve_after_polls: int | None = None  # approve a device by itself after N pending polls
    accounts: list[FakeAccount] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    issued_secret_keys: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._clients: dict[str, _Client] = {}
        self._devices: dict[str, _Device] = {}
        self._access_tokens: dict[str, float] = {}  # token -> expiry (epoch s)
        self._refresh_tokens: dict[str, str] = {}  # refresh token -> client id
        self._slow_down = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._sts: Any = None

    # -- lifecycle -----------------------------------------------------------------

    def start(self) -> FakeSsoService:
        service = self

        class Handler(_Handler):
            fake = service

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-sso", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeSsoService:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def env(self) -> dict[str, str]:
        """Environment variables that send botocore's sso and sso-oidc clients here."""
        return {"AWS_ENDPOINT_URL_SSO": self.url, "AWS_ENDPOINT_URL_SSO_OIDC": self.url}

    # -- test controls -----------------------------------------------------------------

    def add_account(
        self, account_id: str, *, name: str = "", email: str = "", roles: tuple[str, ...] = ("AuditRole",)
    ) -> None:
        self.accounts.append(FakeAccount(account_id=account_id, name=name, email=email, roles=tuple(roles)))

    def _device(self, user_code: str | None) -> _Device:
        with self._lock:
            devices = [d for d in self._devices.values() if user_code in (None, d.user_code)]
        if not devices:
            raise KeyError(f"no device authorization {user_code or ''}")
        return devices[-1]

    def approve(self, user_code: str | None = None) -> None:
        """Approve the device code (the latest one if no code is given), as the user would."""
        self._device(user_code).status = "approved"

    def deny(self, user_code: str | None = None) -> None:
        self._device(user_code).status = "denied"

    def expire_device(self, user_code: str | None = None) -> None:
        self._device(user_code).status = "expired"

    def slow_down(self, times: int = 1) -> None:
        """Answer the next ``times`` token polls with SlowDownException."""
        self._slow_down += times

    def issue_token(self, *, expires_in: int | None = None) -> str:
        """A valid access token, as if the user had signed in."""
        token = "fake-access-" + secrets.token_hex(16)
        with self._lock:
            self._access_tokens[token] = time.time() + (
                expires_in if expires_in is not None else self.token_ttl_s
            )
        return token

    def expire_tokens(self) -> None:
        """Every access token issued so far is now expired."""
        with self._lock:
            for token in self._access_tokens:
                self._access_tokens[token] = time.time() - 1

    def count(self, operation: str) -> int:
        return sum(1 for c in self.calls if c == operation)

    # -- operations ------------------------------------------------------------------

    def handle(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: dict[str, Any]
    ) -> tuple[int, dict[str, Any], str | None]:
        """(status, json body, error type) for one request."""
        routes = {
            ("POST", "/client/register"): ("RegisterClient", self._register_client),
            ("POST", "/device_authorization"): ("StartDeviceAuthorization", self._start_device_authorization),
            ("POST", "/token"): ("CreateToken", self._create_token),
            ("GET", "/assignment/accounts"): ("ListAccounts", self._list_accounts),
            ("GET", "/assignment/roles"): ("ListAccountRoles", self._list_account_roles),
            ("GET", "/federation/credentials"): ("GetRoleCredentials", self._get_role_credentials),
        }
        route = routes.get((method, path))
        if route is None:
            return 404, {"message": f"no route {method} {path}"}, "ResourceNotFoundException"
        name, fn = route
        self.calls.append(name)
        if name in ("ListAccounts", "ListAccountRoles", "GetRoleCredentials"):
            token = headers.get("x-amz-sso_bearer_token", "")
            with self._lock:
                expiry = self._access_tokens.get(token)
            if expiry is None or expiry <= time.time():
                return 401, {"message": "Session token not found or invalid"}, "UnauthorizedException"
        return fn(query=query, body=body)

    def _register_client(
        self, *, query: dict[str, str], body: dict[str, Any]
    ) -> tuple[int, dict[str, Any], str | None]:
        if not body.get("clientName") or body.get("clientType") != "public":
            return 400, _oidc_error("invalid_client_metadata"), "InvalidClientMetadataException"
        client = _Client(
            client_id="fake-client-" + secrets.token_hex(8),
            client_secret="fake-client-secret-" + secrets.token_hex(16),
            scopes=tuple(body.get("scopes") or ()),
        )
        with self._lock:
            self._clients[client.client_id] = client
        now = int(time.time())
        return (
            200,
            {
                "clientId": client.client_id,
                "clientSecret": client.client_secret,
                "clientIdIssuedAt": now,
                "clientSecretExpiresAt": now + 90 * 86400,
            },
            None,
        )

    def _known_client(self, body: dict[str, Any]) -> _Client | None:
        with self._lock:
            client = self._clients.get(str(body.get("clientId")))
        if client is None or client.client_secret != body.get("clientSecret"):
            return None
        return client

    def _start_device_authorization(
        self, *, query: dict[str, str], body: dict[str, Any]
    ) -> tuple[int, dict[str, Any], str | None]:
        client = self._known_client(body)
        if client is None:
            return 400, _oidc_error("invalid_client"), "InvalidClientException"
        user_code = f"{secrets.randbelow(10**4):04d}-{secrets.randbelow(10**4):04d}"
        device = _Device(
            device_code="fake-device-" + secrets.token_hex(16),
            user_code=user_code,
            client_id=client.client_id,
            expires_at=time.time() + self.device_ttl_s,
        )
        with self._lock:
            self._devices[device.device_code] = device
        verify = f"{self.url}/start/#/device"
        return (
            200,
            {
                "deviceCode": device.device_code,
                "userCode": user_code,
                "verificationUri": verify,
                "verificationUriComplete": f"{verify}?user_code={user_code}",
                "expiresIn": self.device_ttl_s,
                "interval": self.interval_s,
            },
            None,
        )

    def _create_token(
        self, *, query: dict[str, str], body: dict[str, Any]
    ) -> tuple[int, dict[str, Any], str | None]:
        client = self._known_client(body)
        if client is None:
            return 400, _oidc_error("invalid_client"), "InvalidClientException"
        grant = body.get("grantType")
        if grant == "refresh_token":
            with self._lock:
                owner = self._refresh_tokens.pop(str(body.get("refreshToken")), None)
            if owner != client.client_id:
                return 400, _oidc_error("invalid_grant"), "InvalidGrantException"
            return 200, self._token_response(client), None
        if grant != "urn:ietf:params:oauth:grant-type:device_code":
            return 400, _oidc_error("unsupported_grant_type"), "UnsupportedGrantTypeException"
        with self._lock:
            device = self._devices.get(str(body.get("deviceCode")))
        if device is None or device.client_id != client.client_id:
            return 400, _oidc_error("invalid_grant"), "InvalidGrantException"
        if self._slow_down > 0:
            self._slow_down -= 1
            return 400, _oidc_error("slow_down"), "SlowDownException"
        if device.status == "pending" and device.expires_at <= time.time():
            device.status = "expired"
        if device.status == "pending":
            device.polls += 1
            if self.approve_after_polls is not None and device.polls >= self.approve_after_polls:
                device.status = "approved"
            return 400, _oidc_error("authorization_pending"), "AuthorizationPendingException"
        if device.status == "denied":
            return 400, _oidc_error("access_denied"), "AccessDeniedException"
        if device.status in ("expired", "used"):
            return 400, _oidc_error("expired_token"), "ExpiredTokenException"
        device.status = "used"
        return 200, self._token_response(client), None

    def _token_response(self, client: _Client) -> dict[str, Any]:
        out: dict[str, Any] = {
            "accessToken": self.issue_token(),
            "tokenType": "Bearer",
            "expiresIn": self.token_ttl_s,
        }
        # IAM Identity Center issues refresh tokens only to clients registered with scopes.
        if client.scopes:
            refresh = "fake-refresh-" + secrets.token_hex(16)
            with self._lock:
                self._refresh_tokens[refresh] = client.client_id
            out["refreshToken"] = refresh
        return out

    def _page(self, items: list[Any], query: dict[str, str]) -> tuple[list[Any], str | None]:
        start = int(query.get("next_token") or 0)
        size = min(self.page_size, int(query.get("max_result") or self.page_size))
        chunk = items[start : start + size]
        next_token = str(start + size) if start + size < len(items) else None
        return chunk, next_token

    def _list_accounts(
        self, *, query: dict[str, str], body: dict[str, Any]
    ) -> tuple[int, dict[str, Any], str | None]:
        infos = [
            {"accountId": a.account_id, "accountName": a.name, "emailAddress": a.email} for a in self.accounts
        ]
        chunk, next_token = self._page(infos, query)
        out: dict[str, Any] = {"accountList": chunk}
        if next_token:
            out["nextToken"] = next_token
        return 200, out, None

    def _account(self, account_id: str) -> FakeAccount | None:
        return next((a for a in self.accounts if a.account_id == account_id), None)

    def _list_account_roles(
        self, *, query: dict[str, str], body: dict[str, Any]
    ) -> tuple[int, dict[str, Any], str | None]:
        account = self._account(query.get("account_id", ""))
        roles = (
            []
            if account is None
            else [{"roleName": r, "accountId": account.account_id} for r in account.roles]
        )
        chunk, next_token = self._page(roles, query)
        out: dict[str, Any] = {"roleList": chunk}
        if next_token:
            out["nextToken"] = next_token
        return 200, out, None

    def _get_role_credentials(
        self, *, query: dict[str, str], body: dict[str, Any]
    ) -> tuple[int, dict[str, Any], str | None]:
        account = self._account(query.get("account_id", ""))
        role = query.get("role_name", "")
        if account is None or role not in account.roles:
            return 403, {"message": "No access"}, "ForbiddenException"
        if self.moto_url:
            creds = self._moto_credentials(account.account_id, role)
        else:
            creds = {
                "accessKeyId": "ASIA" + secrets.token_hex(8).upper(),
                "secretAccessKey": secrets.token_urlsafe(30),
                "sessionToken": secrets.token_urlsafe(60),
                "expiration": int((time.time() + self.credentials_ttl_s) * 1000),
            }
        self.issued_secret_keys.append(creds["secretAccessKey"])
        return 200, {"roleCredentials": creds}, None

    def _moto_credentials(self, account_id: str, role: str) -> dict[str, Any]:
        # moto scopes assumed-role credentials to the account in the role ARN.
        with self._lock:
            if self._sts is None:
                session = botocore.session.Session()
                self._sts = session.create_client(
                    "sts",
                    region_name="us-east-1",
                    endpoint_url=self.moto_url,
                    aws_access_key_id="testing",
                    aws_secret_access_key="testing",
                )
            sts = self._sts
        response = sts.assume_role(
            RoleArn=f"arn:aws:iam::{account_id}:role/{role}",
            RoleSessionName="fake-sso-user",
            DurationSeconds=self.credentials_ttl_s,
        )
        c = response["Credentials"]
        return {
            "accessKeyId": c["AccessKeyId"],
            "secretAccessKey": c["SecretAccessKey"],
            "sessionToken": c["SessionToken"],
            "expiration": int(c["Expiration"].timestamp() * 1000),
        }


def _oidc_error(error: str) -> dict[str, Any]:
    return {"error": error, "error_description": error.replace("_", " ")}


class _Handler(BaseHTTPRequestHandler):
    fake: FakeSsoService

    def _serve(self, method: str) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = {}
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            status, payload, error = self.fake.handle(method, parts.path, query, headers, body)
        except Exception as exc:  # a bug in the fake: show it to the client, not just the log
            status, payload, error = 500, {"message": f"fake sso error: {exc!r}"}, "InternalServerException"
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", secrets.token_hex(8))
        if error:
            self.send_header("x-amzn-ErrorType", error)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def log_message(self, format: str, *args: Any) -> None:
        return


def use_fake_sso(monkeypatch: Any, fake: FakeSsoService) -> None:
    """Send botocore's sso/sso-oidc clients to ``fake`` and its SSO token cache to the test HOME.

    botocore computes ``~/.aws/sso/cache`` once, when it is imported (class attributes of
    ``SSOProvider`` and ``SSOTokenProvider``), before the test's HOME is set: without this,
    botocore would read, and on refresh write, the real user's cache.
    """
    import os

    import botocore.credentials
    import botocore.tokens

    for name, value in fake.env().items():
        monkeypatch.setenv(name, value)
    cache_dir = os.path.expanduser(os.path.join("~", ".aws", "sso", "cache"))
    monkeypatch.setattr(botocore.credentials.SSOProvider, "_SSO_TOKEN_CACHE_DIR", cache_dir)
    monkeypatch.setattr(botocore.tokens.SSOTokenProvider, "_SSO_TOKEN_CACHE_DIR", cache_dir)
