"""The collection runner: accounts × regions × collectors, bounded, resumable, cancellable.

``collect`` is a plain function: it takes the request, a way into the accounts,
a snapshot writer, a ``progress`` callback (called from worker threads) and a
``cancelled`` flag. One account's or service's failure never stops the others;
only an expired sign-in stops the run (every later call would fail too), and
the snapshot is left resumable.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from collectors import tool_version
from collectors.access import AccessAttempt, AccountAccess, AccountSession
from collectors.calls import (
    AccountAccessFailed,
    CallExecutor,
    CallTarget,
    CollectionCancelled,
    Counters,
    SignInRequired,
)
from collectors.clients import ClientFactory, home_region, partition_of_arn
from collectors.registry import ORGANIZATION_COLLECTORS, collectors_named
from collectors.spec import GLOBAL_REGION, TARGET_SOURCE, Collector, Op
from snapshot.schema import (
    M_ACCOUNT_OUTCOMES,
    M_IDENTITY,
    M_MANAGEMENT_ACCOUNT_ID,
    M_ORGANIZATION_ID,
    M_SCOPE,
    M_TOOL_VERSION,
    OUTCOME_ACCESS_DENIED,
    OUTCOME_ERROR,
    OUTCOME_OK,
    SUCCESS_OUTCOMES,
)
from snapshot.writer import CallRecord, SnapshotWriter, utc_now_iso

log = logging.getLogger("collectors")

STS_OP = Op(operation="GetCallerIdentity")
REGIONS_OP = Op(operation="DescribeRegions", params={"AllRegions": True})


@dataclass(frozen=True, kw_only=True)
class CollectionRequest:
    """What the auditor asked for; stored in the manifest and reused by --resume."""

    method: str = "organizations"  # or "sso"
    profile: str | None = None
    member_role: str = "OrganizationAccountAccessRole"
    external_id: str | None = None
    sso_role: str | None = None
    accounts: tuple[str, ...] = ()  # empty: every account
    ous: tuple[str, ...] = ()  # accounts under these OUs (at any depth)
    regions: tuple[str, ...] = ()  # empty: every enabled region
    services: tuple[str, ...] = ()  # empty: every collector
    max_workers: int = 8

    def to_manifest(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("accounts", "ous", "regions", "services"):
            data[key] = list(data[key])
        return data

    @classmethod
    def from_manifest(cls, data: dict[str, Any]) -> CollectionRequest:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for key in ("accounts", "ous", "regions", "services"):
            known[key] = tuple(known.get(key) or ())
        return cls(**known)


@dataclass(frozen=True, kw_only=True)
class ProgressEvent:
    """A snapshot of the run's state. ``kind`` says what just happened."""

    kind: str  # "call", "account", "phase", "done"
    message: str
    account_id: str = ""
    region: str = ""
    service: str = ""
    accounts_done: int = 0
    accounts_total: int = 0
    units_done: int = 0
    units_total: int = 0
    calls: int = 0
    replayed: int = 0
    errors: int = 0
    denied: int = 0
    throttled: int = 0
    outcome: str = ""  # "call" events: the call's outcome (ok, access_denied, ...)
    account_name: str = ""  # "account" events
    account_status: str = ""  # "account" events: "opening", then the account's final status


@dataclass
class AccountOutcome:
    account_id: str
    name: str = ""
    status: str = "pending"  # collected | partial | access_failed | skipped | cancelled
    detail: str = ""
    regions_collected: list[str] = field(default_factory=list)
    regions_disabled: list[str] = field(default_factory=list)
    denied_calls: int = 0
    failed_calls: int = 0


@dataclass(frozen=True, kw_only=True)
class CollectionResult:
    status: str  # complete | cancelled | failed
    digest: str | None
    accounts: dict[str, AccountOutcome]
    calls: int
    replayed: int
    errors: int
    denied: int
    throttled: int
    message: str = ""


class _Run:
    """State of one collection run (kept off the public function's signature)."""

    def __init__(
        self,
        *,
        request: CollectionRequest,
        access: AccountAccess,
        factory: ClientFactory,
        writer: SnapshotWriter,
        progress: Callable[[ProgressEvent], None],
        cancelled: Callable[[], bool],
    ) -> None:
        self.request = request
        self.access = access
        self.factory = factory
        self.writer = writer
        self.progress = progress
        self.cancelled = cancelled
        self.counters = Counters()
        self.lock = threading.Lock()
        self.outcomes: dict[str, AccountOutcome] = {}
        self.accounts_total = 0
        self.accounts_done = 0
        self.units_total = 0
        self.units_done = 0
        self.executor = CallExecutor(
            writer=writer, counters=self.counters, cancelled=cancelled, on_call=self._on_call
        )
        self.partition = "aws"

    # -- progress ----------------------------------------------------------------

    def emit(
        self,
        kind: str,
        message: str,
        *,
        account_id: str = "",
        region: str = "",
        service: str = "",
        outcome: str = "",
        account_status: str = "",
    ) -> None:
        c = self.counters
        with c.lock:
            counts = dict(
                calls=c.calls, replayed=c.replayed, errors=c.errors, denied=c.denied, throttled=c.throttled
            )
        self.progress(
            ProgressEvent(
                kind=kind,
                message=message,
                account_id=account_id,
                region=region,
                service=service,
                accounts_done=self.accounts_done,
                accounts_total=self.accounts_total,
                units_done=self.units_done,
                units_total=self.units_total,
                outcome=outcome,
                account_name=self.outcomes[account_id].name if account_id in self.outcomes else "",
                account_status=account_status,
                **counts,
            )
        )

    def _on_call(self, target: CallTarget, operation: str, outcome: str) -> None:
        if outcome == OUTCOME_ACCESS_DENIED:
            self._outcome(target.account_id).denied_calls += 1
        elif outcome == OUTCOME_ERROR:
            self._outcome(target.account_id).failed_calls += 1
        self.emit(
            "call",
            f"{target.service}:{operation} {outcome}",
            account_id=target.account_id,
            region=target.region,
            service=target.service,
            outcome=outcome,
        )

    def _outcome(self, account_id: str) -> AccountOutcome:
        with self.lock:
            if account_id not in self.outcomes:
                self.outcomes[account_id] = AccountOutcome(account_id=account_id)
            return self.outcomes[account_id]

    # -- units -------------------------------------------------------------------

    def run_collector(
        self,
        collector: Collector,
        *,
        account_id: str,
        region: str,
        identity_arn: str,
        session_getter: Callable[[], Any],
    ) -> dict[str, list[Any]]:
        client_region = home_region(self.partition) if region == GLOBAL_REGION else region
        client_cache: dict[str, Any] = {}

        def client_for(service: str) -> Any:
            if service not in client_cache:
                client_cache[service] = self.factory.client(session_getter(), service, client_region)
            return client_cache[service]

        target = CallTarget(
            account_id=account_id,
            region=region,
            service=collector.service,
            identity_arn=identity_arn,
            client=lambda: client_for(collector.service),
            clients=client_for,
        )
        results: dict[str, list[Any]] = {TARGET_SOURCE: [{"AccountId": account_id, "Region": region}]}
        for op in collector.ops:
            self.executor.run_op(target, op, results)
        return results

    def record_access(self, account_id: str, attempt: AccessAttempt, identity_arn: str) -> None:
        outcome = (
            OUTCOME_OK
            if attempt.error_code is None
            else (
                OUTCOME_ACCESS_DENIED
                if attempt.error_code in ("AccessDenied", "AccessDeniedException")
                else OUTCOME_ERROR
            )
        )
        record = CallRecord(
            account_id=account_id,
            region=GLOBAL_REGION,
            service=attempt.service,
            operation=attempt.operation,
            parameters=attempt.parameters,
            identity_arn=identity_arn,
            started_at=utc_now_iso(),
            duration_ms=0.0,
            outcome=outcome,
            error_code=attempt.error_code,
            error_message=attempt.error_message,
        )
        self.writer.record_call(record, [attempt.response] if attempt.response else [])


def collect(
    *,
    request: CollectionRequest,
    access: AccountAccess,
    factory: ClientFactory,
    writer: SnapshotWriter,
    progress: Callable[[ProgressEvent], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> CollectionResult:
    """Collect into ``writer``; on return the snapshot is finished (complete or cancelled)."""
    run = _Run(
        request=request,
        access=access,
        factory=factory,
        writer=writer,
        progress=progress or (lambda e: None),
        cancelled=cancelled or (lambda: False),
    )
    collectors = collectors_named(list(request.services))
    writer.set_manifest(M_SCOPE, request.to_manifest())
    writer.set_manifest(M_TOOL_VERSION, tool_version())
    status, message = "complete", ""
    try:
        _collect(run, collectors)
    except CollectionCancelled:
        status, message = "cancelled", "cancelled by the user; resume with --resume"
    except SignInRequired as exc:
        status, message = "cancelled", str(exc)
    for outcome in run.outcomes.values():
        if outcome.status == "pending":
            outcome.status = "cancelled" if status != "complete" else "collected"
    writer.set_manifest(M_ACCOUNT_OUTCOMES, {k: asdict(v) for k, v in sorted(run.outcomes.items())})
    digest = writer.finish(status=status)
    run.emit("done", message or "collection complete")
    c = run.counters
    return CollectionResult(
        status=status,
        digest=digest,
        accounts=dict(run.outcomes),
        calls=c.calls,
        replayed=c.replayed,
        errors=c.errors,
        denied=c.denied,
        throttled=c.throttled,
        message=message,
    )


def _collect(run: _Run, collectors: tuple[Collector, ...]) -> None:
    request, access = run.request, run.access
    home = access.home_session()
    run.emit("phase", "identifying the collecting principal")
    identity = _identify(run, home)
    home_account = str(identity["Account"])
    identity_arn = str(identity.get("Arn", ""))
    run.partition = partition_of_arn(identity_arn)
    if hasattr(access, "set_partition"):
        access.set_partition(run.partition)
    run.writer.set_manifest(M_IDENTITY, {k: identity.get(k) for k in ("Account", "Arn", "UserId")})

    # Organization-level collection, from the management account where we can reach it.
    portal = access.portal_accounts()
    org_account, org_session_obj, org_identity = home_account, home, identity_arn
    org_pages: dict[str, list[Any]] = {}
    if any(c in ORGANIZATION_COLLECTORS for c in collectors) or request.method == "organizations":
        run.emit("phase", "reading the organization")
        probe = run.run_collector(
            _DESCRIBE_ORG,
            account_id=home_account,
            region=GLOBAL_REGION,
            identity_arn=identity_arn,
            session_getter=lambda: home,
        )
        org = ((probe.get("DescribeOrganization") or [{}])[0]).get("Organization") or {}
        mgmt = org.get("MasterAccountId")
        if portal is not None and mgmt and mgmt != home_account and any(a.account_id == mgmt for a in portal):
            acct = access.session_for(mgmt, home_account_id=home_account)
            if acct.attempt is not None:
                run.record_access(mgmt, acct.attempt, identity_arn)
            if acct.session is not None:
                org_account, org_session_obj = mgmt, acct.session
                org_identity = f"(sso) {identity_arn}"
        for collector in ORGANIZATION_COLLECTORS:
            if collector in collectors or request.method == "organizations":
                org_pages.update(
                    run.run_collector(
                        collector,
                        account_id=org_account,
                        region=GLOBAL_REGION,
                        identity_arn=org_identity,
                        session_getter=lambda: org_session_obj,
                    )
                )
        if org:
            run.writer.set_manifest(M_ORGANIZATION_ID, org.get("Id"))
            run.writer.set_manifest(M_MANAGEMENT_ACCOUNT_ID, mgmt)

    targets = _target_accounts(run, portal, org_pages, home_account)
    run.accounts_total = len(targets)
    account_collectors = [c for c in collectors if c.scope != "organization"]
    run.emit("phase", f"collecting {len(targets)} account(s)")
    _collect_accounts(run, targets, account_collectors, home_account, identity_arn)


def _identify(run: _Run, home: Any) -> dict[str, Any]:
    """sts:GetCallerIdentity with the profile's credentials, recorded under the account it names.

    Always asked afresh (also on resume): it is what proves the credentials work now.
    """
    region = home.get_config_variable("region") or "us-east-1"
    started, t0 = utc_now_iso(), time.perf_counter()
    try:
        identity = run.factory.client(home, "sts", region).get_caller_identity()
    except ClientError as exc:
        err = exc.response.get("Error", {})
        raise SignInRequired(
            f"the profile's credentials were refused ({err.get('Code')}: {err.get('Message')}); sign in again"
        ) from exc
    except (BotoCoreError, ValueError) as exc:
        raise SignInRequired(f"could not use the profile's credentials: {exc}") from exc
    record = CallRecord(
        account_id=str(identity["Account"]),
        region=GLOBAL_REGION,
        service="sts",
        operation="GetCallerIdentity",
        parameters={},
        identity_arn=str(identity.get("Arn", "")),
        started_at=started,
        duration_ms=(time.perf_counter() - t0) * 1000.0,
        outcome=OUTCOME_OK,
    )
    run.writer.record_call(record, [identity])
    return dict(identity)


_STS = Collector(name="sts", service="sts", scope="global", ops=(STS_OP,))
_DESCRIBE_ORG = Collector(
    name="organizations",
    service="organizations",
    scope="organization",
    ops=(
        Op(
            operation="DescribeOrganization",
            not_subscribed_codes=frozenset({"AWSOrganizationsNotInUseException"}),
        ),
    ),
)
_REGIONS = Collector(name="regions", service="ec2", scope="global", ops=(REGIONS_OP,))


def _target_accounts(
    run: _Run, portal: list[Any] | None, org_pages: dict[str, list[Any]], home_account: str
) -> list[tuple[str, str]]:
    """(account id, name) of every account to collect, after the --accounts/--ous filters."""
    request = run.request
    names: dict[str, str] = {}
    suspended: dict[str, str] = {}
    if portal is not None:
        for acct in portal:
            names[acct.account_id] = acct.name
    else:
        for page in org_pages.get("ListAccounts", []):
            for acct in page.get("Accounts", []):
                if acct.get("Status", "ACTIVE") == "ACTIVE":
                    names[acct["Id"]] = acct.get("Name", "")
                else:
                    suspended[acct["Id"]] = acct.get("Status", "")
                    run._outcome(acct["Id"]).name = acct.get("Name", "")
        if not names and not suspended:
            names[home_account] = ""  # not an organization (or listing denied): the profile's own account
    if request.ous:
        under = _accounts_under(run, set(request.ous))
        names = {k: v for k, v in names.items() if k in under}
    if request.accounts:
        wanted = set(request.accounts)
        missing = wanted - set(names) - set(suspended)
        for account_id in sorted(missing):
            out = run._outcome(account_id)
            out.status, out.detail = "skipped", "not found among the organization's or portal's accounts"
        names = {k: v for k, v in names.items() if k in wanted}
        suspended = {k: v for k, v in suspended.items() if k in wanted}
    for account_id, status in suspended.items():
        out = run._outcome(account_id)
        out.status, out.detail = "skipped", f"account status {status}"
    return sorted(names.items())


def _accounts_under(run: _Run, ous: set[str]) -> set[str]:
    """Accounts whose OU path includes one of ``ous``, from the stored ListAccountsForParent calls."""
    children: dict[str, list[str]] = {}
    accounts: dict[str, list[str]] = {}
    for parent, page in _stored_pages(run.writer, "ListOrganizationalUnitsForParent"):
        children.setdefault(parent, []).extend(ou["Id"] for ou in page.get("OrganizationalUnits", []))
    for parent, page in _stored_pages(run.writer, "ListAccountsForParent"):
        accounts.setdefault(parent, []).extend(a["Id"] for a in page.get("Accounts", []))
    found: set[str] = set()
    stack = list(ous)
    while stack:
        parent = stack.pop()
        found.update(accounts.get(parent, []))
        stack.extend(children.get(parent, []))
    return found


def _stored_pages(writer: SnapshotWriter, operation: str) -> list[tuple[str, Any]]:
    out = []
    for call_id, params in writer.calls_of("organizations", operation):
        for page in writer.stored_pages(call_id):
            out.append((params.get("ParentId", ""), page))
    return out


def _collect_accounts(
    run: _Run,
    targets: list[tuple[str, str]],
    collectors: list[Collector],
    home_account: str,
    home_identity: str,
) -> None:
    request = run.request
    for account_id, name in targets:
        run._outcome(account_id).name = name
    with ThreadPoolExecutor(max_workers=max(1, request.max_workers), thread_name_prefix="collect") as pool:
        pending: dict[Future[Any], tuple[str, str]] = {}
        for account_id, _ in targets:
            fut = pool.submit(_prepare_account, run, account_id, home_account, home_identity)
            pending[fut] = ("prepare", account_id)
        units_left: dict[str, int] = {}
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    kind, account_id = pending.pop(fut)
                    exc = fut.exception()
                    if isinstance(exc, CollectionCancelled | SignInRequired):
                        raise exc
                    if kind == "prepare":
                        if exc is not None:
                            _fail_account(run, account_id, f"{type(exc).__name__}: {exc}")
                            continue
                        prepared = fut.result()
                        if prepared is None:
                            _finish_account(run, account_id)
                            continue
                        units = _units_for(run, account_id, prepared, collectors)
                        units_left[account_id] = len(units)
                        with run.lock:
                            run.units_total += len(units)
                        if not units:
                            _finish_account(run, account_id)
                        for unit in units:
                            pending[pool.submit(_run_unit, run, unit)] = ("unit", account_id)
                    else:
                        with run.lock:
                            run.units_done += 1
                        if exc is not None:
                            log.error("account %s: a collector failed: %s", account_id, exc, exc_info=exc)
                            out = run._outcome(account_id)
                            out.failed_calls += 1
                            out.detail = (out.detail + f"; {type(exc).__name__}: {exc}").lstrip("; ")
                        units_left[account_id] -= 1
                        if units_left[account_id] == 0:
                            _finish_account(run, account_id)
        except (CollectionCancelled, SignInRequired):
            for fut in pending:
                fut.cancel()
            raise


@dataclass(frozen=True, kw_only=True)
class _Prepared:
    session_getter: Callable[[], Any]
    identity_arn: str
    regions: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class _Unit:
    collector: Collector
    account_id: str
    region: str
    prepared: _Prepared


def _prepare_account(run: _Run, account_id: str, home_account: str, home_identity: str) -> _Prepared | None:
    """Get into the account, identify ourselves there, and find its enabled regions."""
    if run.cancelled():
        raise CollectionCancelled()
    out = run._outcome(account_id)
    run.emit("account", f"opening account {account_id}", account_id=account_id, account_status="opening")
    session_box: list[AccountSession] = []
    lock = threading.Lock()

    def session_getter() -> Any:
        # Access is obtained lazily: a resumed run whose calls in this account are all
        # stored never assumes the role again.
        with lock:
            if not session_box:
                acct = run.access.session_for(account_id, home_account_id=home_account)
                if acct.attempt is not None:
                    run.record_access(account_id, acct.attempt, home_identity)
                session_box.append(acct)
            acct = session_box[0]
        if acct.session is None:
            attempt = acct.attempt
            raise AccountAccessFailed(
                f"{attempt.operation if attempt else 'access'} failed: "
                f"{attempt.error_code if attempt else ''} {attempt.error_message if attempt else ''}"
            )
        return acct.session

    try:
        sts = run.run_collector(
            _STS,
            account_id=account_id,
            region=GLOBAL_REGION,
            identity_arn=home_identity,
            session_getter=session_getter,
        )
    except AccountAccessFailed as exc:
        out.status, out.detail = "access_failed", str(exc).strip()
        return None
    identity = (sts.get("GetCallerIdentity") or [{}])[0]
    identity_arn = str(identity.get("Arn") or home_identity)
    if not identity.get("Account"):
        out.status = "access_failed"
        out.detail = "sts:GetCallerIdentity failed in the account"
        return None
    regions = _enabled_regions(run, account_id, identity_arn, session_getter, out)
    return _Prepared(session_getter=session_getter, identity_arn=identity_arn, regions=regions)


def _enabled_regions(
    run: _Run, account_id: str, identity_arn: str, session_getter: Callable[[], Any], out: AccountOutcome
) -> tuple[str, ...]:
    pages = run.run_collector(
        _REGIONS,
        account_id=account_id,
        region=GLOBAL_REGION,
        identity_arn=identity_arn,
        session_getter=session_getter,
    ).get("DescribeRegions", [])
    enabled: list[str] = []
    disabled: list[str] = []
    for page in pages:
        for region in page.get("Regions", []):
            name = region.get("RegionName")
            if region.get("OptInStatus") in ("opt-in-not-required", "opted-in", None):
                enabled.append(name)
            else:
                disabled.append(name)
    requested = list(run.request.regions)
    if not pages:
        # DescribeRegions denied or failed: collect what was asked, and say we could not check.
        out.detail = "enabled regions unknown (ec2:DescribeRegions failed); requested regions attempted"
        return tuple(requested or [home_region(run.partition)])
    if requested:
        out.regions_disabled = sorted(r for r in requested if r not in enabled)
        unknown = [r for r in requested if r not in enabled and r not in disabled]
        if unknown:
            out.detail = f"unknown region(s): {', '.join(unknown)}"
        return tuple(r for r in requested if r in enabled)
    out.regions_disabled = sorted(disabled)
    return tuple(sorted(enabled))


def _units_for(run: _Run, account_id: str, prepared: _Prepared, collectors: list[Collector]) -> list[_Unit]:
    units: list[_Unit] = []
    for collector in collectors:
        if collector.name == "sts":
            continue  # done while preparing the account
        if collector.scope == "global":
            units.append(
                _Unit(collector=collector, account_id=account_id, region=GLOBAL_REGION, prepared=prepared)
            )
        else:
            units.extend(
                _Unit(collector=collector, account_id=account_id, region=r, prepared=prepared)
                for r in prepared.regions
            )
    run._outcome(account_id).regions_collected = list(prepared.regions)
    return units


def _run_unit(run: _Run, unit: _Unit) -> None:
    run.emit(
        "unit",
        f"{unit.collector.name} in {unit.account_id}/{unit.region}",
        account_id=unit.account_id,
        region=unit.region,
        service=unit.collector.service,
    )
    try:
        run.run_collector(
            unit.collector,
            account_id=unit.account_id,
            region=unit.region,
            identity_arn=unit.prepared.identity_arn,
            session_getter=unit.prepared.session_getter,
        )
    except AccountAccessFailed as exc:
        out = run._outcome(unit.account_id)
        out.status, out.detail = "access_failed", str(exc)


def _fail_account(run: _Run, account_id: str, detail: str) -> None:
    out = run._outcome(account_id)
    out.status, out.detail = "access_failed", detail
    _finish_account(run, account_id)


def _finish_account(run: _Run, account_id: str) -> None:
    out = run._outcome(account_id)
    if out.status == "pending":
        out.status = "partial" if (out.denied_calls or out.failed_calls) else "collected"
    with run.lock:
        run.accounts_done += 1
    run.emit(
        "account", f"account {account_id}: {out.status}", account_id=account_id, account_status=out.status
    )


__all__ = ["SUCCESS_OUTCOMES", "CollectionRequest", "CollectionResult", "ProgressEvent", "collect"]
