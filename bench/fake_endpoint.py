"""A tiny, fast IAM endpoint on 127.0.0.1 with canned answers, for throughput measurements.

Why: moto spends most of a call in its own Python (request routing, backend,
templating), so it hides the collector's overhead instead of measuring it. This
endpoint answers a few read operations of IAM's query protocol from responses
rendered once at start-up from one synthetic account (``bench.generate``'s
``build_account_iam``), so a call costs the server little more than HTTP parsing.

Operations: ListAccessKeys (by UserName), GetAccessKeyLastUsed (by AccessKeyId),
GetAccountAuthorizationDetails (paginated by Marker, 100 items a page),
GetAccountSummary, ListAccountAliases, ListVirtualMFADevices,
GetAccountPasswordPolicy. Anything else answers ``InvalidAction``.

Run it in its own process (``python -m bench.fake_endpoint``; it prints its URL)
so its work does not share the client's GIL; tests may use
:class:`FakeIamEndpoint` in-process.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import socket
import sys
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote
from xml.sax.saxutils import escape

import botocore.session

from bench.generate import AccountIam, build_account_iam

IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/"
ACCOUNT_ID = "111122223333"


def shape_xml(value: Any, shape: Any) -> str:
    """``value`` (as botocore parses it) serialized as the query protocol's XML for ``shape``.

    IAM policy documents (shape ``policyDocumentType``) go back on the wire URL-encoded,
    which botocore's ``json_decode_policies`` handler undoes.
    """
    kind = shape.type_name
    if kind == "structure":
        parts = []
        for name, member in shape.members.items():
            if name in value and value[name] is not None:
                tag = member.serialization.get("name", name)
                parts.append(f"<{tag}>{shape_xml(value[name], member)}</{tag}>")
        return "".join(parts)
    if kind == "list":
        tag = shape.member.serialization.get("name", "member")
        return "".join(f"<{tag}>{shape_xml(item, shape.member)}</{tag}>" for item in value)
    if kind == "map":
        return "".join(
            f"<entry><key>{escape(str(k))}</key><value>{shape_xml(v, shape.value)}</value></entry>"
            for k, v in value.items()
        )
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "blob":
        raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        return base64.b64encode(raw).decode("ascii")
    if kind == "string" and shape.name == "policyDocumentType" and not isinstance(value, str):
        return escape(quote(json.dumps(value), safe=""))
    return escape(str(value))


def _render(model: Any, operation: str, result: Mapping[str, Any], request_id: str) -> bytes:
    op = model.operation_model(operation)
    body = shape_xml(result, op.output_shape) if op.output_shape is not None else ""
    return (
        f'<{operation}Response xmlns="{IAM_NS}"><{operation}Result>{body}</{operation}Result>'
        f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{operation}Response>"
    ).encode()


def _error(code: str, message: str, request_id: str) -> bytes:
    return (
        f'<ErrorResponse xmlns="{IAM_NS}"><Error><Type>Sender</Type><Code>{code}</Code>'
        f"<Message>{escape(message)}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
    ).encode()


def bench_account(*, users: int, roles: int, seed: int) -> AccountIam:
    """The one synthetic account the endpoint answers for (deterministic: clients can rebuild it)."""
    return build_account_iam(
        account_id=ACCOUNT_ID,
        account_name="bench-prod-001",
        kind="workload",
        management_account_id="999988887777",
        security_account_id="444455556666",
        shared_services_account_id="777766665555",
        organization_id="o-benchbench1",
        roles=roles,
        users=users,
        seed=seed,
    )


class CannedIam:
    """Every answer, rendered once: (action, key) -> (HTTP status, body)."""

    def __init__(self, account: AccountIam) -> None:
        self.account = account
        model = botocore.session.Session().get_service_model("iam")
        rid = "5f0c8e2a-bench-0000-0000-canned000000"
        self._answers: dict[tuple[str, str], tuple[int, bytes]] = {}
        for user, keys in account.access_keys.items():
            page = {"AccessKeyMetadata": keys, "IsTruncated": False}
            self._answers[("ListAccessKeys", user)] = (200, _render(model, "ListAccessKeys", page, rid))
            for key in keys:
                last = {"UserName": user, "AccessKeyLastUsed": account.key_last_used[key["AccessKeyId"]]}
                self._answers[("GetAccessKeyLastUsed", key["AccessKeyId"])] = (
                    200,
                    _render(model, "GetAccessKeyLastUsed", last, rid),
                )
        marker = ""
        for page in account.authorization_pages:
            self._answers[("GetAccountAuthorizationDetails", marker)] = (
                200,
                _render(model, "GetAccountAuthorizationDetails", page, rid),
            )
            marker = str(page.get("Marker", ""))
        self._answers[("GetAccountSummary", "")] = (
            200,
            _render(model, "GetAccountSummary", {"SummaryMap": account.summary}, rid),
        )
        self._answers[("ListAccountAliases", "")] = (
            200,
            _render(
                model, "ListAccountAliases", {"AccountAliases": account.aliases, "IsTruncated": False}, rid
            ),
        )
        self._answers[("ListVirtualMFADevices", "")] = (
            200,
            _render(
                model,
                "ListVirtualMFADevices",
                {"VirtualMFADevices": account.mfa_devices, "IsTruncated": False},
                rid,
            ),
        )
        if account.password_policy is None:
            self._answers[("GetAccountPasswordPolicy", "")] = (
                404,
                _error(
                    "NoSuchEntity", f"The Password Policy with domain name {ACCOUNT_ID} cannot be found.", rid
                ),
            )
        else:
            self._answers[("GetAccountPasswordPolicy", "")] = (
                200,
                _render(model, "GetAccountPasswordPolicy", {"PasswordPolicy": account.password_policy}, rid),
            )
        self.request_id = rid

    def answer(self, form: Mapping[str, list[str]]) -> tuple[int, bytes]:
        action = (form.get("Action") or [""])[0]
        key = ""
        if action == "ListAccessKeys":
            key = (form.get("UserName") or [""])[0]
        elif action == "GetAccessKeyLastUsed":
            key = (form.get("AccessKeyId") or [""])[0]
        elif action == "GetAccountAuthorizationDetails":
            key = (form.get("Marker") or [""])[0]
        found = self._answers.get((action, key))
        if found is not None:
            return found
        if any(a == action for a, _ in self._answers):
            return 404, _error("NoSuchEntity", f"{action}: nothing canned for {key!r}", self.request_id)
        return 400, _error("InvalidAction", f"Could not find operation {action}", self.request_id)


def _handler(canned: CannedIam) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # Keep-alive, as AWS endpoints do: botocore's connection pool reuses connections.
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode("utf-8"))
            status, body = canned.answer(form)
            # Status line, headers and body in one write: separate small writes meet the
            # client's delayed ACK (Nagle) and cost ~40 ms a call on loopback.
            head = (
                f"HTTP/1.1 {status} {'OK' if status == 200 else 'Error'}\r\n"
                f"Content-Type: text/xml\r\nContent-Length: {len(body)}\r\n"
                f"x-amzn-RequestId: {canned.request_id}\r\n\r\n"
            ).encode("ascii")
            self.wfile.write(head + body)

        def setup(self) -> None:
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format: str, *args: Any) -> None:
            return  # silent: a log line per request would cost more than the answer

    return Handler


class FakeIamEndpoint:
    """The endpoint on 127.0.0.1, served from a background thread (``with`` starts and stops it)."""

    def __init__(self, *, users: int = 50, roles: int = 200, seed: int = 0, port: int = 0) -> None:
        self.account = bench_account(users=users, roles=roles, seed=seed)
        self.canned = CannedIam(self.account)

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 128

        self._server = Server(("127.0.0.1", port), _handler(self.canned))
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}"

    def start(self) -> FakeIamEndpoint:
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-iam", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def __enter__(self) -> FakeIamEndpoint:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.fake_endpoint", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--port", type=int, default=0, help="0: any free port (printed)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--roles", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        endpoint = FakeIamEndpoint(users=args.users, roles=args.roles, seed=args.seed, port=args.port)
    except OSError as exc:
        print(f"error: cannot listen on 127.0.0.1:{args.port}: {exc}", file=sys.stderr)
        return 2
    print(endpoint.url, flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        endpoint.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
