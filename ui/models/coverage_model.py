"""What could not be collected, where and why: ``Coverage.gaps()`` as a Qt table, a filter proxy and a summary.

Each row is one ``analysis.model.coverage.Gap`` (an operation asked in one
account and region and not answered, or an account that could not be entered
at all). Sorting uses ``SORT_ROLE``; filtering by state, account and service is
done by ``CoverageFilterProxy`` on ``KEY_ROLE`` values, never on display text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from analysis.model.coverage import DENIED, ERROR, NOT_COLLECTED, REGION_DISABLED, Gap
from ui.models.table_base import ReadOnlyTableModel

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
KEY_ROLE = Qt.ItemDataRole.UserRole + 2  # the raw value a filter compares (state, account id, service)
GAP_ROLE = Qt.ItemDataRole.UserRole + 3

(
    COL_ACCOUNT,
    COL_NAME,
    COL_REGION,
    COL_SERVICE,
    COL_OPERATION,
    COL_STATE,
    COL_ERROR_CODE,
    COL_REASON,
    COL_CALLS,
) = range(9)
HEADERS = ("Account", "Name", "Region", "Service", "Operation", "State", "Error code", "Reason", "Calls")
STATE_LABELS = {
    DENIED: "denied",
    REGION_DISABLED: "region disabled",
    ERROR: "error",
    NOT_COLLECTED: "not collected",
}
STATE_ORDER = {DENIED: 0, ERROR: 1, REGION_DISABLED: 2, NOT_COLLECTED: 3}
STATE_COLORS = {DENIED: "#c62828", ERROR: "#c62828", REGION_DISABLED: "#6d6d6d", NOT_COLLECTED: "#b35900"}
WHOLE_ACCOUNT = "*"  # Gap's region/service/operation for an account that could not be entered
FAILED_STATUSES = ("access_failed", "skipped")

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, kw_only=True)
class CoverageSummary:
    """Accounts fully collected / partly collected / not collected at all."""

    complete: tuple[str, ...]
    partial: tuple[str, ...]
    failed: tuple[str, ...]

    @property
    def text(self) -> str:
        total = len(self.complete) + len(self.partial) + len(self.failed)
        return (
            f"{total} account(s): {len(self.complete)} fully collected, "
            f"{len(self.partial)} partly collected, {len(self.failed)} not collected"
        )


def summarize(gaps: Sequence[Gap], outcomes: Mapping[str, Any]) -> CoverageSummary:
    """Classify every account the manifest or the gaps name.

    Failed: the account could not be entered (access failed, skipped). Partial: some of
    it was collected (gaps, or the run stopped in it). Complete: no gap at all.
    """
    accounts = set(outcomes) | {g.account_id for g in gaps}
    with_gaps = {g.account_id for g in gaps}
    complete, partial, failed = [], [], []
    for account_id in sorted(accounts):
        status = (outcomes.get(account_id) or {}).get("status")
        if status in FAILED_STATUSES:
            failed.append(account_id)
        elif account_id in with_gaps or status in ("partial", "cancelled", "pending"):
            partial.append(account_id)
        else:
            complete.append(account_id)
    return CoverageSummary(complete=tuple(complete), partial=tuple(partial), failed=tuple(failed))


def _where(value: str) -> str:
    return "(whole account)" if value == WHOLE_ACCOUNT else value


class CoverageModel(ReadOnlyTableModel):
    """Read-only table of ``Gap`` rows."""

    headers = HEADERS

    def __init__(self, *, gaps: Sequence[Gap] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._gaps: list[Gap] = list(gaps)

    def set_gaps(self, gaps: Sequence[Gap]) -> None:
        self.beginResetModel()
        self._gaps = list(gaps)
        self.endResetModel()

    def gap(self, row: int) -> Gap | None:
        return self._gaps[row] if 0 <= row < len(self._gaps) else None

    def gaps(self) -> list[Gap]:
        return list(self._gaps)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._gaps)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._gaps)):
            return None
        g = self._gaps[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                g.account_id,
                g.account_name,
                _where(g.region),
                _where(g.service),
                _where(g.operation),
                STATE_LABELS.get(g.state, g.state),
                g.error_code or "",
                g.reason,
                str(g.calls),
            )[column]
        if role == SORT_ROLE:
            return (
                g.account_id,
                g.account_name.casefold(),
                g.region,
                g.service,
                g.operation,
                STATE_ORDER.get(g.state, len(STATE_ORDER)),
                g.error_code or "",
                g.reason.casefold(),
                g.calls,
            )[column]
        if role == KEY_ROLE:
            return (g.account_id, g.account_id, g.region, g.service, g.operation, g.state)[
                min(column, COL_STATE)
            ]
        if role == GAP_ROLE:
            return g
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_REASON:
                return g.reason
            if column == COL_CALLS and g.call_ids:
                return (
                    "call ids: "
                    + ", ".join(str(i) for i in g.call_ids[:20])
                    + (" …" if len(g.call_ids) > 20 else "")
                )
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_CALLS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_STATE:
            color = STATE_COLORS.get(g.state)
            return QBrush(QColor(color)) if color else None
        return None


class CoverageFilterProxy(QSortFilterProxyModel):
    """Sorts by ``SORT_ROLE``; keeps rows matching the chosen state, account and service (None: any)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self._state: str | None = None
        self._account: str | None = None
        self._service: str | None = None

    def set_filters(
        self, *, state: str | None = None, account: str | None = None, service: str | None = None
    ) -> None:
        # Qt 6.9+: begin/endFilterChange replace invalidateRowsFilter.
        self.beginFilterChange()
        self._state, self._account, self._service = state, account, service
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        model = self.sourceModel()
        for column, wanted in (
            (COL_STATE, self._state),
            (COL_ACCOUNT, self._account),
            (COL_SERVICE, self._service),
        ):
            if wanted is not None and model.index(source_row, column, source_parent).data(KEY_ROLE) != wanted:
                return False
        return True
