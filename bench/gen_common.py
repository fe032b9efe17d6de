"""Shared pieces of the synthetic snapshot generator: constants, id helpers, the call recorder."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from botocore.exceptions import ClientError

from snapshot import CallRecord, SnapshotWriter
from snapshot.schema import OUTCOME_OK, OUTCOME_THROTTLED_THEN_OK
from snapshot.writer import StoredCall

DEFAULT_REGIONS = ("us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2")
# The synthetic collection happens at this instant; every date in the content lies before it.
COLLECTED_AT = dt.datetime(2025, 6, 2, 9, 0, 0, tzinfo=dt.UTC)
MEMBER_ROLE = "OrganizationAccountAccessRole"
ROLE_SESSION_NAME = "aws-org-audit-auditor"
AUDITOR_ROLE = "AWSReservedSSO_OrgAuditor_4f1c2b7d9e0a3c5b"
AUDITOR_SESSION = "auditor@example.com"
GLOBAL = "global"

# Page sizes AWS uses when no MaxItems/MaxResults is given: Organizations list calls return
# at most 20 items per page; IAM's default MaxItems is 100
# (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html).
ORG_PAGE = 20
IAM_PAGE = 100


def iso(t: dt.datetime) -> str:
    """A timestamp as botocore parses it and the snapshot stores it."""
    return t.isoformat()


def _ident(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
TOKEN_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    if not items:
        yield items
        return
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _org_pages(key: str, items: Sequence[Any], rng: random.Random) -> list[dict[str, Any]]:
    """Pages of an Organizations list call: ``NextToken`` on all but the last."""
    chunks = list(_chunks(items, ORG_PAGE))
    pages: list[dict[str, Any]] = []
    for i, chunk in enumerate(chunks):
        page: dict[str, Any] = {key: list(chunk)}
        if i < len(chunks) - 1:
            page["NextToken"] = _ident(rng, TOKEN_CHARS, 160)
        pages.append(page)
    return pages


class _Recorder:
    """Writes calls with deterministic timing, as a collection with 8 workers would have."""

    def __init__(self, *, writer: SnapshotWriter, seed: int) -> None:
        self.writer = writer
        self._rng = random.Random(f"timing:{seed}")
        self._clock = COLLECTED_AT
        self.calls = 0
        self.pages = 0

    @property
    def now(self) -> dt.datetime:
        return self._clock

    def record(
        self,
        *,
        account_id: str,
        service: str,
        operation: str,
        identity_arn: str,
        params: Mapping[str, Any] | None = None,
        pages: Sequence[Mapping[str, Any]] = (),
        outcome: str = OUTCOME_OK,
        error_code: str | None = None,
        error_message: str | None = None,
        attempts: int = 1,
    ) -> None:
        duration = len(pages) * self._rng.uniform(40.0, 180.0) + self._rng.uniform(20.0, 90.0)
        if outcome == OUTCOME_THROTTLED_THEN_OK:
            duration += self._rng.uniform(300.0, 2500.0)
        if attempts > 1:
            duration += 2000.0 * (attempts - 1)
        started = self._clock.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        # Eight workers overlap their calls: the wall clock advances by an eighth.
        self._clock += dt.timedelta(milliseconds=duration / 8.0)
        self.writer.record_call(
            CallRecord(
                account_id=account_id,
                region=GLOBAL,
                service=service,
                operation=operation,
                parameters=dict(params or {}),
                identity_arn=identity_arn,
                started_at=started,
                duration_ms=round(duration, 3),
                outcome=outcome,
                error_code=error_code,
                error_message=error_message,
                attempts=attempts,
            ),
            list(pages),
        )
        self.calls += 1
        self.pages += len(pages)

    def maybe_throttled(self, probability: float) -> str:
        return OUTCOME_THROTTLED_THEN_OK if self._rng.random() < probability else OUTCOME_OK

    # -- the writer the real CallExecutor writes through (collectors/calls.py) ---------------

    def completed_call(self, call_key: str) -> StoredCall | None:
        return self.writer.completed_call(call_key)

    def stored_pages(self, call_id: int) -> list[Any]:
        return self.writer.stored_pages(call_id)

    def record_call(self, record: CallRecord, pages: Sequence[Mapping[str, Any]]) -> int:
        """Write the executor's call with this recorder's deterministic clock instead of the wall clock."""
        duration = len(pages) * self._rng.uniform(40.0, 180.0) + self._rng.uniform(20.0, 90.0)
        if record.outcome == OUTCOME_THROTTLED_THEN_OK:
            duration += self._rng.uniform(300.0, 2500.0)
        started = self._clock.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        self._clock += dt.timedelta(milliseconds=duration / 8.0)
        call_id = self.writer.record_call(
            replace(record, started_at=started, duration_ms=round(duration, 3)), pages
        )
        self.calls += 1
        self.pages += len(pages)
        return call_id


B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
HEX = "0123456789abcdef"


def _pdoc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _allow(actions: str | list[str], resources: str | list[str], sid: str | None = None) -> dict[str, Any]:
    stmt: dict[str, Any] = {"Sid": sid} if sid else {}
    stmt.update({"Effect": "Allow", "Action": actions, "Resource": resources})
    return stmt


def _uuid(rng: random.Random) -> str:
    h = _ident(rng, HEX, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{h[16:20]}-{h[20:]}"


# -- a synthetic AWS, answering the real collectors' calls -----------------------------------------


@dataclass(frozen=True)
class ApiError:
    """An error answer: raised to the executor as botocore's ClientError, classified as AWS's would be."""

    code: str
    message: str
    status: int = 400


Answer = list[dict[str, Any]] | ApiError
# (operation, parameters) -> pages or an error, for one service in one account and region.
Responder = Callable[[str, str, Mapping[str, Any]], Answer]


def denied(action: str, identity_arn: str, *, scp: bool = False, code: str = "AccessDenied") -> ApiError:
    why = (
        " with an explicit deny in a service control policy"
        if scp
        else " because no identity-based policy allows the action"
    )
    return ApiError(
        code=code,
        message=f"User: {identity_arn} is not authorized to perform: {action} on resource: *{why}",
        status=403,
    )


def throttled(pages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pages of a call botocore retried after throttling: the executor reads ResponseMetadata.RetryAttempts."""
    if pages:
        pages[0] = {**pages[0], "ResponseMetadata": {"RetryAttempts": 1, "HTTPStatusCode": 200}}
    return pages


class _Paginator:
    def __init__(self, client: FakeClient, operation: str) -> None:
        self._client = client
        self._operation = operation

    def paginate(self, **params: Any) -> Iterator[dict[str, Any]]:
        yield from self._client.answer(self._operation, params)


class FakeClient:
    """Just enough of a botocore client for collectors/calls.py: pages come from ``respond``.

    ``methods`` maps botocore method names (``describe_vpcs``) to operation names. Every
    operation is served through ``get_paginator`` (one page for non-paginated operations),
    except polled ones, which botocore calls directly.
    """

    def __init__(self, *, service: str, respond: Responder, methods: Mapping[str, str]) -> None:
        self.service = service
        self._respond = respond
        self._methods = methods

    def can_paginate(self, method: str) -> bool:
        return True

    def get_paginator(self, method: str) -> _Paginator:
        return _Paginator(self, self._methods[method])

    def answer(self, operation: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        result = self._respond(self.service, operation, params)
        if isinstance(result, ApiError):
            raise ClientError(
                {
                    "Error": {"Code": result.code, "Message": result.message},
                    "ResponseMetadata": {"HTTPStatusCode": result.status},
                },
                operation,
            )
        return result

    def __getattr__(self, method: str) -> Callable[..., dict[str, Any]]:
        if method.startswith("_") or method not in self._methods:
            raise AttributeError(method)
        operation = self._methods[method]
        return lambda **params: self.answer(operation, params)[0]


class Tally:
    """What the generator wrote, as the Inventory will count it: record ARNs per "area.kind"."""

    def __init__(self) -> None:
        self.arns: dict[str, set[str]] = {}

    def add(self, kind: str, *arns: str) -> None:
        self.arns.setdefault(kind, set()).update(arns)

    def counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in sorted(self.arns.items()) if v}


def page_list(
    key: str, items: Sequence[Any], size: int, token_key: str, rng: random.Random, **extra: Any
) -> list[dict[str, Any]]:
    """Pages of a list call: ``size`` items each, a continuation token on all but the last."""
    chunks = list(_chunks(items, size))
    pages: list[dict[str, Any]] = []
    for i, chunk in enumerate(chunks):
        page: dict[str, Any] = {key: list(chunk), **extra}
        if i < len(chunks) - 1:
            page[token_key] = _ident(rng, TOKEN_CHARS, 64)
        pages.append(page)
    return pages


def hexid(rng: random.Random, prefix: str, n: int = 17) -> str:
    """An EC2-style resource id: ``vpc-0a1b...`` (17 hex digits since 2018)."""
    return f"{prefix}-{_ident(rng, HEX, n)}"
