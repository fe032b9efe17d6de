"""Was it collected, denied, or absent? Answered from the call records alone.

Every record of the Inventory can say where it came from (call ids), and every
question about something that is *not* in the Inventory goes here: if the
calls that would have found it were denied, failed, were never asked (out of
scope, account not reachable) or hit a disabled region, the answer is that, not
"there is none". Controls use this to return NOT_ASSESSED with the reason.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from snapshot.reader import CallRow
from snapshot.schema import (
    OUTCOME_ABSENT,
    OUTCOME_ACCESS_DENIED,
    OUTCOME_ERROR,
    OUTCOME_NOT_SUBSCRIBED,
    OUTCOME_OK,
    OUTCOME_REGION_DISABLED,
    OUTCOME_THROTTLED_THEN_OK,
)

# Coverage states, from best to worst.
COLLECTED = "collected"  # answered: what is in the Inventory is all there is
ABSENT = "absent"  # answered: the thing does not exist (e.g. no password policy)
NOT_SUBSCRIBED = "not_subscribed"  # answered: the service is not enabled there
DENIED = "denied"  # not collected: access denied
REGION_DISABLED = "region_disabled"  # not collected: opt-in region not enabled
ERROR = "error"  # not collected: the call failed
NOT_COLLECTED = "not_collected"  # never asked: out of scope, or the account could not be entered

ANSWERED = frozenset({COLLECTED, ABSENT, NOT_SUBSCRIBED})

_FROM_OUTCOME = {
    OUTCOME_OK: COLLECTED,
    OUTCOME_THROTTLED_THEN_OK: COLLECTED,
    OUTCOME_ABSENT: ABSENT,
    OUTCOME_NOT_SUBSCRIBED: NOT_SUBSCRIBED,
    OUTCOME_ACCESS_DENIED: DENIED,
    OUTCOME_REGION_DISABLED: REGION_DISABLED,
    OUTCOME_ERROR: ERROR,
}
_RANK = {
    COLLECTED: 0,
    ABSENT: 1,
    NOT_SUBSCRIBED: 2,
    REGION_DISABLED: 3,
    DENIED: 4,
    ERROR: 5,
    NOT_COLLECTED: 6,
}


@dataclass(frozen=True, kw_only=True)
class CoverageState:
    state: str
    reason: str
    call_ids: tuple[int, ...] = ()

    @property
    def answered(self) -> bool:
        """True when AWS answered (collected, absent or not subscribed): the data can be judged."""
        return self.state in ANSWERED


@dataclass(frozen=True, kw_only=True)
class Gap:
    """Something that could not be collected: one row of the coverage view."""

    account_id: str
    account_name: str
    region: str
    service: str
    operation: str
    state: str
    error_code: str | None
    reason: str
    calls: int
    call_ids: tuple[int, ...]


class Coverage:
    def __init__(self, *, calls: Iterable[CallRow], manifest: Mapping[str, Any]) -> None:
        self._calls: dict[tuple[str, str, str, str], list[CallRow]] = defaultdict(list)
        for call in calls:
            self._calls[(call.account_id, call.region, call.service, call.operation)].append(call)
        self._outcomes: Mapping[str, Any] = manifest.get("account_outcomes") or {}
        self._scope: Mapping[str, Any] = manifest.get("scope") or {}

    def state(
        self,
        *,
        account_id: str,
        region: str,
        service: str,
        operation: str,
        parameters: Mapping[str, Any] | None = None,
    ) -> CoverageState:
        """The coverage of one operation in one account and region (optionally one parameter set).

        Several calls (pagination by parameter, for-each) combine to the worst state: a
        list is complete only if every call that builds it was answered.
        """
        calls = self._calls.get((account_id, region, service, operation), [])
        if parameters is not None:
            calls = [c for c in calls if c.parameters == dict(parameters)]
        if not calls:
            return CoverageState(
                state=NOT_COLLECTED, reason=self._why_not_asked(account_id, region, service, operation)
            )
        worst = max(calls, key=lambda c: _RANK[_FROM_OUTCOME.get(c.outcome, ERROR)])
        state = _FROM_OUTCOME.get(worst.outcome, ERROR)
        ids = tuple(c.id for c in calls)
        if state in (COLLECTED, ABSENT, NOT_SUBSCRIBED):
            return CoverageState(state=state, reason=_answered_reason(state, worst), call_ids=ids)
        return CoverageState(state=state, reason=_failure_reason(worst), call_ids=ids)

    def _why_not_asked(self, account_id: str, region: str, service: str, operation: str) -> str:
        outcome = self._outcomes.get(account_id)
        if outcome is None:
            return f"account {account_id} was not in the collection's scope"
        status = outcome.get("status")
        if status in ("access_failed", "skipped", "cancelled"):
            detail = outcome.get("detail") or status
            return f"account {account_id} could not be collected ({status}: {detail})"
        if region != "global" and region in (outcome.get("regions_disabled") or []):
            return f"region {region} is not enabled in account {account_id}"
        if region != "global" and region not in (outcome.get("regions_collected") or []):
            return f"region {region} was not collected in account {account_id}"
        services = self._scope.get("services") or []
        if services and service not in services:
            return f"{service} was not in the collection's scope"
        return f"{service}:{operation} was not called in {account_id}/{region}"

    def gaps(self, names: Mapping[str, str] | None = None) -> list[Gap]:
        """Every operation that was asked but not answered, grouped per account, region and operation."""
        names = names or {}
        out: list[Gap] = []
        for (account_id, region, service, operation), calls in sorted(self._calls.items()):
            failed = [c for c in calls if _FROM_OUTCOME.get(c.outcome, ERROR) not in ANSWERED]
            if not failed:
                continue
            worst = max(failed, key=lambda c: _RANK[_FROM_OUTCOME.get(c.outcome, ERROR)])
            out.append(
                Gap(
                    account_id=account_id,
                    account_name=names.get(account_id, ""),
                    region=region,
                    service=service,
                    operation=operation,
                    state=_FROM_OUTCOME.get(worst.outcome, ERROR),
                    error_code=worst.error_code,
                    reason=_failure_reason(worst),
                    calls=len(failed),
                    call_ids=tuple(c.id for c in failed),
                )
            )
        for account_id, outcome in sorted(self._outcomes.items()):
            if outcome.get("status") in ("access_failed", "skipped", "cancelled"):
                out.append(
                    Gap(
                        account_id=account_id,
                        account_name=outcome.get("name") or names.get(account_id, ""),
                        region="*",
                        service="*",
                        operation="*",
                        state=NOT_COLLECTED,
                        error_code=None,
                        reason=f"{outcome.get('status')}: {outcome.get('detail') or ''}".strip(": "),
                        calls=0,
                        call_ids=(),
                    )
                )
        return out


def _answered_reason(state: str, call: CallRow) -> str:
    if state == ABSENT:
        return f"AWS answered that it does not exist ({call.error_code})"
    if state == NOT_SUBSCRIBED:
        return f"the service is not enabled ({call.error_code})"
    return "collected"


def _failure_reason(call: CallRow) -> str:
    what = f"{call.service}:{call.operation} in {call.account_id}/{call.region}"
    if call.outcome == OUTCOME_ACCESS_DENIED:
        return f"{what} was denied ({call.error_code}: {call.error_message or ''})".rstrip(": )") + ")"
    if call.outcome == OUTCOME_REGION_DISABLED:
        return f"{what}: the region is not enabled"
    return f"{what} failed ({call.error_code}: {call.error_message or ''})".rstrip(": )") + ")"
