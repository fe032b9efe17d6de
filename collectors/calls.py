"""One declared operation, executed or replayed, and recorded.

``CallExecutor.run_op`` expands an :class:`Op` into its calls (variants,
for-each, recursion), and for each call either replays the pages a previous
run stored (resume) or calls AWS, paginating, classifying the outcome, and
writing call and pages to the snapshot in one transaction.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import jmespath
from botocore import xform_name
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    NoCredentialsError,
    SSOTokenLoadError,
    TokenRetrievalError,
    UnauthorizedSSOTokenError,
)

from collectors.readonly import ReadOnlyViolation, is_allowed
from collectors.redact import scrub
from collectors.spec import Op
from snapshot.schema import (
    OUTCOME_ABSENT,
    OUTCOME_ACCESS_DENIED,
    OUTCOME_ERROR,
    OUTCOME_NOT_SUBSCRIBED,
    OUTCOME_OK,
    OUTCOME_REGION_DISABLED,
    OUTCOME_THROTTLED_THEN_OK,
    SUCCESS_OUTCOMES,
)
from snapshot.writer import CallRecord, SnapshotWriter, make_call_key, utc_now_iso

log = logging.getLogger("collectors")

DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "AuthorizationError",
        "AuthorizationErrorException",
        "UnauthorizedAccess",
        "UnauthorizedException",
        "Forbidden",
        "ForbiddenException",
        "AccessDeniedForDependencyException",
        "InsufficientPermissionsException",
    }
)
# What an opt-in region that is not enabled answers (STS tokens are not valid there).
REGION_DISABLED_CODES = frozenset(
    {"UnrecognizedClientException", "InvalidClientTokenId", "AuthFailure", "OptInRequired"}
)
NOT_SUBSCRIBED_CODES = frozenset({"SubscriptionRequiredException", "AWSOrganizationsNotInUseException"})
EXPIRED_CODES = frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired"})
THROTTLE_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "SlowDown",
        "RequestThrottled",
        "RequestThrottledException",
    }
)


class CollectionCancelled(Exception):
    pass


class AccountAccessFailed(Exception):
    """The account could not be entered (its role could not be assumed): stops that account's units."""


class SignInRequired(Exception):
    """The credentials (SSO token, session) are no longer valid: the user must sign in again."""


@dataclass
class Counters:
    """Running totals, shared by all workers (guarded by ``lock``)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    calls: int = 0
    replayed: int = 0
    errors: int = 0
    denied: int = 0
    throttled: int = 0
    region_disabled: int = 0

    def add(self, outcome: str, *, replayed: bool) -> None:
        with self.lock:
            self.calls += 1
            if replayed:
                self.replayed += 1
            if outcome == OUTCOME_ERROR:
                self.errors += 1
            elif outcome == OUTCOME_ACCESS_DENIED:
                self.denied += 1
            elif outcome == OUTCOME_THROTTLED_THEN_OK:
                self.throttled += 1
            elif outcome == OUTCOME_REGION_DISABLED:
                self.region_disabled += 1


@dataclass(frozen=True, kw_only=True)
class CallTarget:
    """Where a unit's calls go and under which identity they are recorded."""

    account_id: str
    region: str  # the region column ("global" for global services)
    service: str
    identity_arn: str
    client: Callable[[], Any]  # lazily creates the client (no session needed on a full replay)
    # Lazily creates a client of another service in the same account and region (Op.service).
    clients: Callable[[str], Any] | None = None

    def for_service(self, service: str) -> CallTarget:
        if service == self.service:
            return self
        if self.clients is None:
            raise ValueError(f"no client factory for {service} in {self.account_id}/{self.region}")
        clients = self.clients
        return replace(self, service=service, client=lambda: clients(service))


def classify(op: Op, code: str, status: int | None, region_is_global: bool) -> str:
    if code in op.absent_codes:
        return OUTCOME_ABSENT
    if code in op.not_subscribed_codes or code in NOT_SUBSCRIBED_CODES:
        return OUTCOME_NOT_SUBSCRIBED
    if code in DENIED_CODES:
        return OUTCOME_ACCESS_DENIED
    if code in REGION_DISABLED_CODES and not region_is_global:
        return OUTCOME_REGION_DISABLED
    if status == 403 and code not in EXPIRED_CODES:
        return OUTCOME_ACCESS_DENIED
    return OUTCOME_ERROR


class CallExecutor:
    def __init__(
        self,
        *,
        writer: SnapshotWriter,
        counters: Counters,
        cancelled: Callable[[], bool],
        on_call: Callable[[CallTarget, str, str], None] | None = None,
        retry_pause_s: float = 2.0,
    ) -> None:
        self._writer = writer
        self._counters = counters
        self._cancelled = cancelled
        self._on_call = on_call
        self._retry_pause_s = retry_pause_s

    # -- expansion -------------------------------------------------------------

    def run_op(self, target: CallTarget, op: Op, results: dict[str, list[Any]]) -> list[Any]:
        """Run every call of ``op``; returns the successful pages (also stored in ``results``)."""
        pages_out: list[Any] = []
        if op.regions and target.region not in op.regions:
            return pages_out
        if op.service:
            target = target.for_service(op.service)
        queue: list[dict[str, Any]] = list(self._initial_params(op, results))
        seen = {_freeze(p) for p in queue}
        origins = results.setdefault(op.key + ORIGINS_SUFFIX, [])
        while queue:
            params = queue.pop(0)
            pages = self.call(target, op, params)
            pages_out.extend(pages)
            origins.extend((params, page) for page in pages)
            if op.recurse is not None:
                for child in _params_from(op.recurse, op.params, pages):
                    frozen = _freeze(child)
                    if frozen not in seen:
                        seen.add(frozen)
                        queue.append(child)
        results.setdefault(op.key, []).extend(pages_out)
        return pages_out

    def _initial_params(self, op: Op, results: Mapping[str, list[Any]]) -> Iterable[dict[str, Any]]:
        if op.for_each is not None and op.for_each.inherit:
            return _params_inherited(op.for_each, op.params, results)
        if op.for_each is not None:
            pages = [p for src in op.for_each.sources for p in results.get(src, [])]
            return _params_from(op.for_each, op.params, pages)
        if op.variants:
            return [{**op.params, **v} for v in op.variants]
        return [dict(op.params)]

    # -- one call ----------------------------------------------------------------

    def call(self, target: CallTarget, op: Op, params: dict[str, Any]) -> list[Any]:
        key = make_call_key(target.account_id, target.region, target.service, op.operation, params)
        stored = self._writer.completed_call(key)
        if stored is not None:
            self._counters.add(stored.outcome, replayed=True)
            if self._on_call:
                self._on_call(target, op.operation, stored.outcome)
            return self._writer.stored_pages(stored.call_id) if stored.outcome in SUCCESS_OUTCOMES else []
        if self._cancelled():
            raise CollectionCancelled()
        if not is_allowed(target.service, op.operation):
            raise ReadOnlyViolation(
                f"refused {target.service}:{op.operation}: not in the read-only allowlist"
            )

        started_at = utc_now_iso()
        t0 = time.perf_counter()
        pages: list[Any] = []
        attempts = 0
        retried = 0
        code: str | None = None
        message: str | None = None
        outcome = OUTCOME_OK
        retry_rounds = 0
        while True:
            attempts += 1
            pages = []
            try:
                pages, retried_now = self._send(target, op, params)
                retried += retried_now
                outcome = OUTCOME_THROTTLED_THEN_OK if retried else OUTCOME_OK
                code = message = None
            except ClientError as exc:
                err = exc.response.get("Error", {}) or {}
                code = str(err.get("Code") or "ClientError")
                message = str(err.get("Message") or exc)
                status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
                retried += int(exc.response.get("ResponseMetadata", {}).get("RetryAttempts", 0) or 0)
                if code in EXPIRED_CODES:
                    self._record(
                        target, op, params, started_at, t0, OUTCOME_ERROR, code, message, attempts, []
                    )
                    raise SignInRequired(
                        f"the credentials for account {target.account_id} have expired ({code}): sign in again "
                        "and resume the collection with --resume"
                    ) from exc
                if (code in op.retry_codes or code in THROTTLE_CODES) and retry_rounds < 5:
                    retry_rounds += 1
                    time.sleep(self._retry_pause_s * retry_rounds)
                    continue
                outcome = classify(op, code, status, target.region == "global")
            except (
                UnauthorizedSSOTokenError,
                SSOTokenLoadError,
                TokenRetrievalError,
                NoCredentialsError,
            ) as exc:
                self._record(
                    target,
                    op,
                    params,
                    started_at,
                    t0,
                    OUTCOME_ERROR,
                    type(exc).__name__,
                    str(exc),
                    attempts,
                    [],
                )
                raise SignInRequired(
                    f"{exc}: sign in again (main.py login) and resume with --resume"
                ) from exc
            except ReadOnlyViolation:
                raise
            except (CollectionCancelled, SignInRequired, AccountAccessFailed):
                raise
            except BotoCoreError as exc:
                code, message, outcome = type(exc).__name__, str(exc), OUTCOME_ERROR
            except Exception as exc:
                # Anything else (a parser error, an emulator's NotImplementedError) is this call's
                # failure, recorded as such: it never takes the rest of the unit down with it.
                log.exception(
                    "%s %s %s:%s failed unexpectedly",
                    target.account_id,
                    target.region,
                    target.service,
                    op.operation,
                )
                code, message, outcome = type(exc).__name__, str(exc) or type(exc).__name__, OUTCOME_ERROR
            if op.poll is not None and outcome in SUCCESS_OUTCOMES and pages:
                state = jmespath.search(op.poll.path, pages[-1])
                if state not in op.poll.until and attempts < op.poll.max_polls:
                    if self._cancelled():
                        raise CollectionCancelled()
                    # Short first waits (the report is often ready at once), then the op's interval.
                    time.sleep(min(op.poll.interval_s, 0.25 * 2 ** (attempts - 1)))
                    continue
                if state not in op.poll.until:
                    outcome, code, message = OUTCOME_ERROR, "PollTimeout", f"{op.poll.path} stayed {state!r}"
            break
        self._record(target, op, params, started_at, t0, outcome, code, message, attempts, pages)
        if outcome not in SUCCESS_OUTCOMES:
            level = logging.INFO if outcome in (OUTCOME_ABSENT, OUTCOME_NOT_SUBSCRIBED) else logging.WARNING
            log.log(
                level,
                "%s %s %s:%s %s -> %s %s: %s",
                target.account_id,
                target.region,
                target.service,
                op.operation,
                _short(params),
                outcome,
                code,
                message,
            )
            return []
        return pages

    def _send(self, target: CallTarget, op: Op, params: dict[str, Any]) -> tuple[list[Any], int]:
        client = target.client()
        method = xform_name(op.operation)
        retried = 0
        pages: list[Any] = []
        if op.poll is None and client.can_paginate(method):
            for page in client.get_paginator(method).paginate(**params):
                retried += int(page.get("ResponseMetadata", {}).get("RetryAttempts", 0) or 0)
                pages.append(scrub(target.service, op.operation, page))
        else:
            page = getattr(client, method)(**params)
            retried += int(page.get("ResponseMetadata", {}).get("RetryAttempts", 0) or 0)
            pages.append(scrub(target.service, op.operation, page))
        return pages, retried

    def _record(
        self,
        target: CallTarget,
        op: Op,
        params: dict[str, Any],
        started_at: str,
        t0: float,
        outcome: str,
        code: str | None,
        message: str | None,
        attempts: int,
        pages: list[Any],
    ) -> None:
        record = CallRecord(
            account_id=target.account_id,
            region=target.region,
            service=target.service,
            operation=op.operation,
            parameters=params,
            identity_arn=target.identity_arn,
            started_at=started_at,
            duration_ms=(time.perf_counter() - t0) * 1000.0,
            outcome=outcome,
            error_code=code,
            error_message=message,
            attempts=attempts,
        )
        self._writer.record_call(record, pages)
        self._counters.add(outcome, replayed=False)
        if self._on_call:
            self._on_call(target, op.operation, outcome)


# results[op.key + ORIGINS_SUFFIX]: (parameters of the call, page) for every page of an op.
ORIGINS_SUFFIX = "#origins"


def _params_inherited(
    source: Any, base: Mapping[str, Any], results: Mapping[str, list[Any]]
) -> list[dict[str, Any]]:
    """For-each over the sources' pages, each call also given ``inherit`` parameters of the page's call."""
    out: list[dict[str, Any]] = []
    seen: set[Any] = set()
    for src in source.sources:
        for origin, page in results.get(src + ORIGINS_SUFFIX, []):
            inherited = {k: origin[k] for k in source.inherit if k in origin}
            for params in _params_from(source, {**base, **inherited}, [page]):
                frozen = _freeze(params)
                if frozen not in seen:
                    seen.add(frozen)
                    out.append(params)
    return out


def _params_from(source: Any, base: Mapping[str, Any], pages: Iterable[Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: set[Any] = set()
    for page in pages:
        found = jmespath.search(source.path, page)
        if found is None:
            continue
        values = found if isinstance(found, list) else [found]
        for value in values:
            if value is None:
                continue
            if source.fields:
                if not isinstance(value, dict):
                    continue
                params = {**base, **{p: value.get(k) for p, k in source.fields.items()}}
            else:
                params = {**base, source.param: value}
            frozen = _freeze(params)
            if frozen not in seen:
                seen.add(frozen)
                out.append(params)
    return out


def _freeze(params: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, repr(v)) for k, v in params.items()))


def _short(params: Mapping[str, Any]) -> str:
    text = ",".join(f"{k}={v}" for k, v in params.items())
    return text if len(text) < 120 else text[:117] + "..."
