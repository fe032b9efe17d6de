"""Fault injection for collection tests: AWS answers we cannot get from moto (denials, throttling).

moto allows every call (it never evaluates IAM), so denials and throttling are injected at
botocore's transport: a ``before-send`` hook returns the HTTP response AWS would send. The rest
of botocore (retries, error parsing) and all of our code run unchanged.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.awsrequest import AWSResponse

from collectors.clients import ClientFactory


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Any:
        yield self._body


def query_error(code: str, message: str, status: int) -> AWSResponse:
    """An error as the query protocol (IAM, STS, EC2-like) sends it."""
    body = (
        f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
        "<RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>"
    ).encode()
    return AWSResponse("https://example.invalid/", status, {"Content-Type": "text/xml"}, _Raw(body))


def json_error(code: str, message: str, status: int) -> AWSResponse:
    """An error as the JSON protocol (Organizations, SSO...) sends it."""
    body = f'{{"__type":"{code}","message":"{message}"}}'.encode()
    return AWSResponse(
        "https://example.invalid/", status, {"Content-Type": "application/x-amz-json-1.1"}, _Raw(body)
    )


Rule = Callable[[str, str, dict[str, Any]], AWSResponse | None]


@dataclass
class FaultyFactory(ClientFactory):
    """A ClientFactory whose clients pass through ``rules`` before sending, and record what is sent."""

    rules: list[Rule] = field(default_factory=list)
    sent: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        ClientFactory.__init__(self, retry_mode="standard", max_attempts=4)
        self._sent_lock = threading.Lock()

    def client(self, session: Any, service: str, region: str) -> Any:
        client = super().client(session, service, region)
        params_box: dict[str, Any] = {}

        def remember(params: dict[str, Any], model: Any, **_: Any) -> None:
            params_box["params"] = params
            params_box["op"] = model.name

        def on_created(request: Any, operation_name: str, **_: Any) -> None:
            with self._sent_lock:
                self.sent.append((service, operation_name))

        def before_send(request: Any, **_: Any) -> AWSResponse | None:
            for rule in self.rules:
                response = rule(service, params_box.get("op", ""), params_box.get("params", {}))
                if response is not None:
                    return response
            return None

        client.meta.events.register("before-parameter-build", remember)
        client.meta.events.register("request-created", on_created)
        client.meta.events.register_first("before-send", before_send)
        return client
