"""The findings table: one row per assessment result; filter, sort and search stay instant at 300,000 rows.

The model is its own filter and sort (no ``QSortFilterProxyModel``, which asks Python once per row
on every filter change): it holds every row (:class:`~ui.models.findings_rows.FindingRow`, built in
the assessment worker), a column index of them (:class:`~ui.models.findings_index.FindingsIndex`:
integer codes, cached sort orders) and ``visible``, the positions of the rows shown, in the current
sort order. A filter change or a sort is a few numpy operations producing a new ``visible`` and one
``layoutChanged`` (the selection follows its rows; rows no longer shown drop out of it). Views read
only the rows they paint.

The row records, the filter and the constants live in ``ui.models.findings_rows`` (Qt-free) and are
re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QBrush, QColor

from ui.models.findings_index import FindingsIndex, Ints
from ui.models.findings_rows import (
    COLUMNS,
    FINDINGS_COLUMNS,
    FRAMEWORKS,
    SEVERITY_COLORS,
    SEVERITY_ORDER,
    STATUS_COLORS,
    STATUS_LABELS,
    STATUS_ORDER,
    WAIVED,
    FindingRow,
    FindingsFilter,
    Places,
    Section,
    build_finding_rows,
    practice_label,
    section_label,
)
from ui.models.table_base import AnyIndex, ReadOnlyTableModel

__all__ = [
    "COLUMNS",
    "FINDINGS_COLUMNS",
    "FRAMEWORKS",
    "ROW_ROLE",
    "SEVERITY_COLORS",
    "SEVERITY_ORDER",
    "SORT_ROLE",
    "STATUS_COLORS",
    "STATUS_LABELS",
    "STATUS_ORDER",
    "WAIVED",
    "FindingRow",
    "FindingsFilter",
    "FindingsModel",
    "Places",
    "Section",
    "build_finding_rows",
    "practice_label",
    "section_label",
]

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2  # the FindingRow of the index's row
EVERYTHING = FindingsFilter()


class FindingsModel(ReadOnlyTableModel):
    """The rows ``filter`` accepts, in the current sort order; ``columns`` picks the fields shown (``COLUMNS``).

    ``rowCount`` is the number shown, ``total`` the number held; ``row_at(r)`` is the row shown at
    ``r``; ``rows()`` every row in the order given to ``set_rows`` (the order ``replace_rows`` takes).
    """

    def __init__(self, *, columns: Sequence[str] = FINDINGS_COLUMNS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self.headers = tuple(COLUMNS[c] for c in self.columns)
        self.filter = EVERYTHING
        self.findings_index = FindingsIndex([])
        self._order: Ints = np.arange(0, dtype=np.int64)  # every position, in the sort order
        self._visible: Ints = self._order  # the positions shown, in the sort order
        self._sort: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)

    # -- rows -----------------------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[FindingRow]) -> None:
        """Show ``rows`` (a new assessment): the filter and the sort stay, the selection goes."""
        self.beginResetModel()
        self.findings_index = FindingsIndex(rows)
        self._order = self._sorted_positions()
        self._visible = self._shown(self._order)
        self.endResetModel()

    def replace_rows(self, rows: Iterable[FindingRow]) -> None:
        """Put ``rows`` in place of the held rows with the same ``index`` (re-judged rows, say).

        ``rows`` is every row in the order of ``rows()`` (the fast way) or only some of them. The
        filter, the sort and the selection stay: a changed row moves to where its new values sort,
        and leaves the table (and the selection) if the filter no longer accepts it. Raises
        ``ValueError`` for a row whose ``index`` is not held (use ``set_rows``).
        """
        held = self.findings_index.rows
        given = list(rows)
        if len(given) != len(held) or any(a.index != b.index for a, b in zip(given, held, strict=True)):
            where = {r.index: i for i, r in enumerate(held)}
            merged = list(held)
            for r in given:
                i = where.get(r.index)
                if i is None:
                    raise ValueError(f"no row with index {r.index} is held; set_rows replaces them all")
                merged[i] = r
            given = merged
        if not self.findings_index.replace(given):
            return
        self._relayout(order=self._sorted_positions())

    def rows(self) -> list[FindingRow]:
        """Every row held, in the order given (not the sort order)."""
        return self.findings_index.rows

    def total(self) -> int:
        return len(self.findings_index.rows)

    def row_at(self, row: int) -> FindingRow:
        """The row shown at ``row``."""
        return self.findings_index.rows[self._visible[row]]

    def shown_rows(self) -> list[FindingRow]:
        """The rows shown, in the order shown."""
        rows = self.findings_index.rows
        return [rows[i] for i in self._visible.tolist()]

    def position_of(self, row: FindingRow) -> int:
        """Where ``row`` is shown (-1: not shown, or not held)."""
        position = next((i for i, r in enumerate(self.findings_index.rows) if r is row), -1)
        if position < 0:
            return -1
        hits = np.flatnonzero(self._visible == position)
        return int(hits[0]) if len(hits) else -1

    # -- Qt -------------------------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._visible)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._visible)):
            return None
        row = self.findings_index.rows[self._visible[index.row()]]
        key = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.text(key)
        if role == Qt.ItemDataRole.ToolTipRole:
            if key in ("resource", "message", "title"):
                return row.result.resource_arn if key == "resource" else row.text(key)
            return None
        if role == SORT_ROLE:
            return row.sort_key(key)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "status":
                return QBrush(QColor(STATUS_COLORS.get(row.status, "#000000")))
            if key == "severity":
                return QBrush(QColor(SEVERITY_COLORS.get(row.severity, "#000000")))
        return None

    # -- filter and sort ------------------------------------------------------------------------------

    def set_filter(self, value: FindingsFilter) -> None:
        """Show the rows ``value`` accepts, in the current order (the text is trimmed and lower-cased)."""
        self.filter = replace(value, text=value.text.strip().lower())
        self._relayout(order=self._order)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by the column's ``SORT_ROLE`` key, ties broken by severity, then status, then position."""
        if not (0 <= column < len(self.columns)):
            return
        self._sort = (column, order)
        self._relayout(order=self._sorted_positions())

    def sort_column(self) -> tuple[int, Qt.SortOrder]:
        return self._sort

    def _sorted_positions(self) -> Ints:
        column, order = self._sort
        if column < 0:
            return np.arange(len(self.findings_index), dtype=np.int64)
        descending = order == Qt.SortOrder.DescendingOrder
        return self.findings_index.order(self.columns[column], descending=descending)

    def _shown(self, order: Ints) -> Ints:
        mask = self.findings_index.mask(self.filter) if self.filter != EVERYTHING else None
        return order if mask is None else order[mask[order]]

    def _relayout(self, *, order: Ints) -> None:
        """Show ``order`` filtered; persistent indexes (selection, current) follow their rows."""
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        old = [int(self._visible[i.row()]) if 0 <= i.row() < len(self._visible) else -1 for i in persistent]
        self._order = order
        self._visible = self._shown(order)
        if persistent:
            where = np.full(len(self.findings_index), -1, dtype=np.int64)
            where[self._visible] = np.arange(len(self._visible), dtype=np.int64)
            moved = [
                self.index(int(where[p]), i.column()) if p >= 0 and where[p] >= 0 else QModelIndex()
                for p, i in zip(old, persistent, strict=True)
            ]
            self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()
