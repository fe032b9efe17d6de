"""What a control evaluates against: the Inventory, the lazily built analyses, and coverage helpers.

Controls read only this context. The trust graph and the internet exposure report are built on
first use and shared by every control of one assessment (building them is the slow part).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from analysis.rules.base import NOT_ASSESSED, Control, Evidence, Input, Result

if TYPE_CHECKING:
    from analysis.iam import PolicyEngine
    from analysis.model.inventory import Inventory
    from analysis.network.results import ExposureReport
    from analysis.trust.graph import TrustGraph

GLOBAL = "global"
T = TypeVar("T")


class AssessmentContext:
    def __init__(
        self,
        *,
        inventory: Inventory,
        trust_graph: TrustGraph | None = None,
        exposure: ExposureReport | None = None,
        now: Any = None,
    ) -> None:
        from datetime import UTC, datetime

        self.inventory = inventory
        self._trust_graph = trust_graph
        self._exposure = exposure
        # "Now" for age checks is the collection time, not the time of the assessment: the
        # snapshot is the evidence, and re-assessing it later must give the same answer.
        self.now: datetime = now or _collection_time(inventory.manifest) or datetime.now(UTC)
        self._memo: dict[str, Any] = {}

    def memo(self, key: str, build: Callable[[], T]) -> T:
        """``build()`` once for this context: an index every control of one assessment (and the
        report written from it) shares. Keys are namespaced by their owner (``"organizations.regions"``)."""
        if key not in self._memo:
            self._memo[key] = build()
        value: T = self._memo[key]
        return value

    # -- scope -------------------------------------------------------------------------------------

    @cached_property
    def account_ids(self) -> tuple[str, ...]:
        """The accounts this snapshot collected (or tried to): every account a result can be about."""
        outcomes: Mapping[str, Any] = self.inventory.manifest.get("account_outcomes") or {}
        ids = set(outcomes) or set(self.inventory.organization.accounts)
        return tuple(sorted(ids))

    def regions(self, account_id: str) -> tuple[str, ...]:
        """The regions collected in ``account_id`` (disabled opt-in regions are not among them)."""
        outcome = (self.inventory.manifest.get("account_outcomes") or {}).get(account_id) or {}
        regions = outcome.get("regions_collected")
        if regions is None:
            regions = (self.inventory.manifest.get("scope") or {}).get("regions") or []
        return tuple(sorted(regions))

    def account_regions(self) -> Iterator[tuple[str, str]]:
        for account_id in self.account_ids:
            for region in self.regions(account_id):
                yield account_id, region

    def account_name(self, account_id: str) -> str:
        return self.inventory.account_name(account_id)

    @property
    def partition(self) -> str:
        from analysis.model.records import partition_of

        return partition_of(dict(self.inventory.manifest))

    def account_arn(self, account_id: str) -> str:
        """The resource ARN of an account-level result (the Organizations account ARN when known)."""
        account = self.inventory.organization.accounts.get(account_id)
        arn = getattr(account, "arn", "") if account is not None else ""
        return arn or f"arn:{self.partition}:organizations:::account/{account_id}"

    # -- coverage ----------------------------------------------------------------------------------

    def coverage_gap(
        self, account_id: str, region: str, inputs: Iterable[Input]
    ) -> tuple[str, tuple[int, ...]] | None:
        """Why the inputs cannot be judged in ``account_id``/``region`` (and the calls that say so), or None."""
        for inp in inputs:
            where = region if inp.regional else GLOBAL
            state = self.inventory.coverage.state(
                account_id=account_id, region=where, service=inp.service, operation=inp.operation
            )
            if not state.answered:
                return state.reason, state.call_ids
        return None

    def not_assessed(
        self,
        control: Control,
        *,
        account_id: str,
        region: str,
        reason: str,
        call_ids: tuple[int, ...] = (),
        resource_arn: str | None = None,
        resource_id: str | None = None,
    ) -> Result:
        return Result(
            control_id=control.id,
            status=NOT_ASSESSED,
            account_id=account_id,
            region=region,
            resource_arn=resource_arn or self.account_arn(account_id),
            resource_id=resource_id or account_id,
            message=f"Not assessed: {reason}",
            evidence=Evidence(call_ids=call_ids),
        )

    def gaps_or(
        self, control: Control, account_id: str, region: str, inputs: Iterable[Input] | None = None
    ) -> Result | None:
        """A NOT_ASSESSED result when the control's inputs (default: all) were not answered here."""
        gap = self.coverage_gap(account_id, region, control.inputs if inputs is None else inputs)
        if gap is None:
            return None
        reason, call_ids = gap
        return self.not_assessed(
            control, account_id=account_id, region=region, reason=reason, call_ids=call_ids
        )

    # -- analyses, built once ------------------------------------------------------------------------

    @property
    def trust_graph(self) -> TrustGraph:
        if self._trust_graph is None:
            from analysis.trust.graph import build_trust_graph

            self._trust_graph = build_trust_graph(self.inventory)
        return self._trust_graph

    @cached_property
    def engine(self) -> PolicyEngine:
        """One policy engine for every control (its caches warm up per principal)."""
        from analysis.iam import PolicyEngine

        return PolicyEngine(inventory=self.inventory)

    @property
    def exposure(self) -> ExposureReport:
        if self._exposure is None:
            from analysis.network import internet_exposure

            self._exposure = internet_exposure(self.inventory)
        return self._exposure


def _collection_time(manifest: Mapping[str, Any]) -> Any:
    from datetime import datetime

    runs = manifest.get("runs") or []
    last_run = runs[-1] if runs and isinstance(runs[-1], Mapping) else {}
    text = last_run.get("finished_at") or manifest.get("finished_at") or manifest.get("started_at")
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
