"""Live collection progress per account and region.

The runner calls its ``progress`` callback from its worker threads, once per
API call: thousands of events a minute. ``ProgressTally`` (plain Python, locked)
folds them into per-(account, region) counters on those threads and sends a batch
of what changed at most every ``min_interval_s`` for calls, at once for account,
phase and end events. The job sends it through the ``FunctionWorker`` progress
signal, so ``ProgressModel`` is only ever touched on
the GUI thread and only a few times a second, whatever the call rate.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from collectors.runner import CollectionResult, ProgressEvent
from collectors.spec import GLOBAL_REGION
from snapshot.schema import (
    OUTCOME_ACCESS_DENIED,
    OUTCOME_ERROR,
    OUTCOME_REGION_DISABLED,
    OUTCOME_THROTTLED_THEN_OK,
)
from ui.models.table_base import ReadOnlyTableModel

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ACCOUNT_ROLE = Qt.ItemDataRole.UserRole + 2

COL_ACCOUNT, COL_NAME, COL_STATUS, COL_REGION, COL_CALLS, COL_ERRORS, COL_DENIED, COL_THROTTLED = range(8)
HEADERS = ("Account", "Name", "Status", "Region", "Calls", "Errors", "Denied", "Throttled")
STATUS_COLORS = {
    "access_failed": "#c62828",
    "partial": "#b35900",
    "cancelled": "#b35900",
    "skipped": "#6d6d6d",
    "region disabled": "#6d6d6d",
    "collected": "#1b5e20",
}
OPENING, COLLECTING = "opening", "collecting"

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, kw_only=True)
class RowCounts:
    """Cumulative counts of one account and region (``"global"`` for global services)."""

    account_id: str
    region: str
    calls: int = 0
    errors: int = 0
    denied: int = 0
    throttled: int = 0
    region_disabled: int = 0


@dataclass(frozen=True, kw_only=True)
class ProgressBatch:
    """What changed since the previous batch: rows (cumulative values) and account statuses."""

    rows: tuple[RowCounts, ...]
    statuses: Mapping[str, str]
    event: ProgressEvent  # the latest event: run totals and its message
    phase: str = ""  # the latest phase message ("reading the organization", …)
    names: Mapping[str, str] = field(default_factory=dict)  # account names learned from events


def call_outcome(event: ProgressEvent) -> str:
    """The outcome of a ``call`` event."""
    return event.outcome


def account_status(event: ProgressEvent) -> str | None:
    """The account status an ``account`` event announces ("opening", then the final status)."""
    return event.account_status or None


@dataclass
class ProgressTally:
    """Thread-safe accumulator of runner events; ``feed`` returns True when a batch should go out."""

    min_interval_s: float = 0.1
    clock: Callable[[], float] = time.monotonic
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _rows: dict[tuple[str, str], RowCounts] = field(default_factory=dict, repr=False)
    _statuses: dict[str, str] = field(default_factory=dict, repr=False)
    _dirty_rows: set[tuple[str, str]] = field(default_factory=set, repr=False)
    _dirty_statuses: set[str] = field(default_factory=set, repr=False)
    _names: dict[str, str] = field(default_factory=dict, repr=False)
    _dirty_names: set[str] = field(default_factory=set, repr=False)
    _last_event: ProgressEvent | None = None
    _phase: str = ""
    _last_sent: float = float("-inf")

    def feed(self, event: ProgressEvent, *, send: Callable[[ProgressBatch], None]) -> None:
        """Count ``event``; hand a batch to ``send`` if one is due.

        ``send`` is called under the lock, so batches leave in order even though events
        arrive from several threads (each batch carries cumulative values: an older one
        arriving after a newer one would turn counts back).
        """
        with self._lock:
            self._last_event = event
            if event.kind == "phase":
                self._phase = event.message
            elif event.kind == "call" and event.account_id:
                self._count(event)
                if not self._statuses.get(event.account_id):
                    self._set_status(event.account_id, COLLECTING)
            elif event.kind == "unit" and event.account_id:
                if self._statuses.get(event.account_id) in (None, OPENING):
                    self._set_status(event.account_id, COLLECTING)
            elif event.kind == "account" and event.account_id:
                if event.account_name and self._names.get(event.account_id) != event.account_name:
                    self._names[event.account_id] = event.account_name
                    self._dirty_names.add(event.account_id)
                status = account_status(event)
                if status is not None:
                    self._set_status(event.account_id, status)
                # An account whose access failed makes no call: it still gets its row.
                self._row(event.account_id, GLOBAL_REGION)
            urgent = event.kind in ("account", "phase", "done")
            if urgent or self.clock() - self._last_sent >= self.min_interval_s:
                send(self._take())

    def _row(self, account_id: str, region: str) -> RowCounts:
        key = (account_id, region)
        row = self._rows.get(key)
        if row is None:
            row = self._rows[key] = RowCounts(account_id=account_id, region=region)
            self._dirty_rows.add(key)
        return row

    def _count(self, event: ProgressEvent) -> None:
        region = event.region or GLOBAL_REGION
        row = self._row(event.account_id, region)
        outcome = call_outcome(event)
        changes: dict[str, Any] = {"calls": row.calls + 1}
        if outcome == OUTCOME_ERROR:
            changes["errors"] = row.errors + 1
        elif outcome == OUTCOME_ACCESS_DENIED:
            changes["denied"] = row.denied + 1
        elif outcome == OUTCOME_THROTTLED_THEN_OK:
            changes["throttled"] = row.throttled + 1
        elif outcome == OUTCOME_REGION_DISABLED:
            changes["region_disabled"] = row.region_disabled + 1
        self._rows[(event.account_id, region)] = replace(row, **changes)
        self._dirty_rows.add((event.account_id, region))

    def _set_status(self, account_id: str, status: str) -> None:
        if self._statuses.get(account_id) != status:
            self._statuses[account_id] = status
            self._dirty_statuses.add(account_id)

    def _take(self) -> ProgressBatch:
        assert self._last_event is not None
        batch = ProgressBatch(
            rows=tuple(self._rows[k] for k in sorted(self._dirty_rows)),
            statuses={a: self._statuses[a] for a in sorted(self._dirty_statuses)},
            event=self._last_event,
            phase=self._phase,
            names={a: self._names[a] for a in sorted(self._dirty_names)},
        )
        self._dirty_names.clear()
        self._dirty_rows.clear()
        self._dirty_statuses.clear()
        self._last_sent = self.clock()
        return batch


@dataclass
class _Row:
    account_id: str
    region: str
    counts: RowCounts


class ProgressModel(ReadOnlyTableModel):
    """One row per account and region; updated from ``ProgressBatch`` es on the GUI thread."""

    headers = HEADERS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []
        self._index: dict[tuple[str, str], int] = {}
        self._rows_of: dict[str, list[int]] = {}
        self._statuses: dict[str, str] = {}
        self._names: dict[str, str] = {}

    def clear(self) -> None:
        self.beginResetModel()
        self._rows, self._index, self._rows_of, self._statuses = [], {}, {}, {}
        self.endResetModel()

    def set_names(self, names: Mapping[str, str]) -> None:
        """Account names known before the run (portal or organization listing)."""
        self._names.update({k: v for k, v in names.items() if v})
        self._changed_accounts(set(names), COL_NAME, COL_NAME)

    def apply(self, batch: ProgressBatch) -> None:
        new = [r for r in batch.rows if (r.account_id, r.region) not in self._index]
        if new:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            for counts in new:
                row = len(self._rows)
                self._index[(counts.account_id, counts.region)] = row
                self._rows_of.setdefault(counts.account_id, []).append(row)
                self._rows.append(_Row(account_id=counts.account_id, region=counts.region, counts=counts))
            self.endInsertRows()
        for counts in batch.rows:
            row = self._index[(counts.account_id, counts.region)]
            if row < len(self._rows) - len(new) and self._rows[row].counts != counts:
                self._rows[row].counts = counts
                self.dataChanged.emit(self.index(row, COL_STATUS), self.index(row, COL_THROTTLED))
        self._statuses.update(batch.statuses)
        self._changed_accounts(set(batch.statuses), COL_STATUS, COL_STATUS)
        if batch.names:
            self.set_names(batch.names)

    def apply_result(self, result: CollectionResult) -> None:
        """The run's final per-account statuses and names (authoritative over the live ones)."""
        for account_id, outcome in result.accounts.items():
            self._statuses[account_id] = outcome.status
            if outcome.name:
                self._names[account_id] = outcome.name
            if account_id not in self._rows_of:  # e.g. skipped accounts: never opened
                self.apply(
                    ProgressBatch(
                        rows=(RowCounts(account_id=account_id, region=GLOBAL_REGION),),
                        statuses={},
                        event=ProgressEvent(kind="done", message=""),
                    )
                )
        self._changed_accounts(set(result.accounts), COL_NAME, COL_STATUS)

    def _changed_accounts(self, accounts: set[str], first: int, last: int) -> None:
        for account_id in accounts:
            for row in self._rows_of.get(account_id, []):
                self.dataChanged.emit(self.index(row, first), self.index(row, last))

    def status(self, account_id: str) -> str:
        return self._statuses.get(account_id, "")

    def counts(self, account_id: str, region: str) -> RowCounts | None:
        row = self._index.get((account_id, region))
        return None if row is None else self._rows[row].counts

    # -- QAbstractTableModel -----------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def _row_status(self, row: _Row) -> str:
        status = self._statuses.get(row.account_id, "")
        if row.counts.region_disabled and status not in ("access_failed", "skipped"):
            return "region disabled"
        return status

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        c = row.counts
        column = index.column()
        numbers = (c.calls, c.errors, c.denied, c.throttled)
        if role == Qt.ItemDataRole.DisplayRole:
            if column >= COL_CALLS:
                return str(numbers[column - COL_CALLS])
            return (row.account_id, self._names.get(row.account_id, ""), self._row_status(row), row.region)[
                column
            ]
        if role == SORT_ROLE:
            if column >= COL_CALLS:
                return numbers[column - COL_CALLS]
            # "global" first within an account, then regions by name.
            region_key = f"{0 if row.region == GLOBAL_REGION else 1}{row.region}"
            return (
                f"{row.account_id}{region_key}",
                f"{self._names.get(row.account_id, '').casefold()}{row.account_id}{region_key}",
                f"{self._row_status(row)}{row.account_id}{region_key}",
                f"{region_key}{row.account_id}",
            )[column]
        if role == ACCOUNT_ROLE:
            return row.account_id
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= COL_CALLS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == COL_STATUS:
                color = STATUS_COLORS.get(self._row_status(row))
                return QBrush(QColor(color)) if color else None
            if column in (COL_ERRORS, COL_DENIED) and numbers[column - COL_CALLS]:
                return QBrush(QColor("#c62828"))
        return None
