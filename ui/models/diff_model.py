"""The snapshot diff as Qt tables: findings, resources, and the fields of one resource.

The rows come from :mod:`ui.models.diff_rows` (built in the worker). As in the findings table, the
models sort themselves by a sort key (severity and status by gravity, not alphabetically) and
:class:`DiffFilterProxy` computes one boolean per row when its filter (one kind, a search text)
changes: an organization has tens of thousands of unchanged findings.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from ui.models.diff_rows import DiffFindingRow, FieldRow, ResourceRow, value_text
from ui.models.findings_model import SEVERITY_COLORS, STATUS_COLORS
from ui.models.table_base import AnyIndex, ReadOnlyTableModel

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2


class DiffRowsModel(ReadOnlyTableModel):
    """Rows (``DiffFindingRow`` or ``ResourceRow``) in the current sort order; ``columns`` are their keys."""

    columns: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []
        self._sort: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()
        if self._sort[0] >= 0:
            self.sort(*self._sort)

    def rows(self) -> list[Any]:
        return self._rows

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.tooltip(row, column) if role == Qt.ItemDataRole.ToolTipRole else row.text(column)
        if role == SORT_ROLE:
            return row.sort_key(column)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ForegroundRole:
            color = self.color(row, column)
            return QBrush(QColor(color)) if color else None
        return None

    def tooltip(self, row: Any, column: str) -> str | None:
        return row.text(column) or None

    def color(self, row: Any, column: str) -> str | None:
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not (0 <= column < len(self.columns)):
            return
        self._sort = (column, order)
        key = self.columns[column]
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        kept = [(self._rows[i.row()], i.column()) for i in persistent if 0 <= i.row() < len(self._rows)]
        reverse = order == Qt.SortOrder.DescendingOrder
        self._rows.sort(key=lambda r: (r.sort_key(key), r.tie()), reverse=reverse)
        if persistent:
            position = {id(r): n for n, r in enumerate(self._rows)}
            self.changePersistentIndexList(persistent, [self.index(position[id(r)], c) for r, c in kept])
        self.layoutChanged.emit()


class DiffFindingsModel(DiffRowsModel):
    columns = ("severity", "control", "account", "region", "resource", "status", "message")
    headers = ("Severity", "Control", "Account", "Region", "Resource", "Status (older → newer)", "Message")

    def tooltip(self, row: DiffFindingRow, column: str) -> str | None:
        if column == "control":
            return f"{row.result.control_id}: {row.title}" if row.title else row.result.control_id
        if column == "resource":
            return row.result.resource_arn or None
        if column == "message" and row.old_message and row.old_message != row.result.message:
            return f"Older: {row.old_message}\nNewer: {row.result.message}"
        return row.text(column) or None

    def color(self, row: DiffFindingRow, column: str) -> str | None:
        if column == "severity":
            return SEVERITY_COLORS.get(row.severity)
        if column == "status":
            return STATUS_COLORS.get(row.new_status) if row.new_status else "#546e7a"
        return None


class ResourcesModel(DiffRowsModel):
    columns = ("type", "resource", "account", "fields")
    headers = ("Type", "Resource", "Account", "Changed fields")

    def tooltip(self, row: ResourceRow, column: str) -> str | None:
        return row.arn if column == "resource" else row.text(column) or None


class DiffFilterProxy(QSortFilterProxyModel):
    """Rows of one kind whose search text holds ``text``; computed once per change; sorting is the model's."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(False)
        self.kind = ""  # "": every kind
        self.text = ""
        self._accepted: list[bool] | None = None  # by row index (None: all)
        self._stale = True  # recomputed when next asked

    def set_filter(self, *, kind: str, text: str) -> None:
        self.beginFilterChange()
        self.kind, self.text = kind, text.strip().lower()
        self._stale = True
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def setSourceModel(self, model: Any) -> None:
        # Marked stale before the rows change: Qt's own reset handling (connected first) asks
        # filterAcceptsRow about the new rows before any slot connected here would run.
        model.modelAboutToBeReset.connect(self._mark_stale)
        super().setSourceModel(model)

    def _mark_stale(self) -> None:
        self._stale = True

    def _recompute(self) -> None:
        self._stale = False
        model = self.sourceModel()
        if not isinstance(model, DiffRowsModel) or not (self.kind or self.text):
            self._accepted = None
            return
        rows = model.rows()
        accepted = [False] * len(rows)
        for r in rows:
            accepted[r.index] = (not self.kind or r.kind == self.kind) and (
                not self.text or self.text in r.search
            )
        self._accepted = accepted

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if self._stale:
            self._recompute()
        if self._accepted is None:
            return True
        return self._accepted[self.sourceModel().row_at(source_row).index]  # type: ignore[attr-defined]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)

    def row_at(self, proxy_row: int) -> Any:
        source = self.mapToSource(self.index(proxy_row, 0))
        return self.sourceModel().row_at(source.row())  # type: ignore[attr-defined]


class FieldChangesModel(ReadOnlyTableModel):
    """The fields of one resource: field, older value, newer value ("absent" where the record is not)."""

    headers = ("Field", "Older", "Newer")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fields: tuple[FieldRow, ...] = ()

    def set_fields(self, fields: Sequence[FieldRow]) -> None:
        self.beginResetModel()
        self._fields = tuple(fields)
        self.endResetModel()

    def field_at(self, row: int) -> FieldRow:
        return self._fields[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._fields)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._fields)):
            return None
        f = self._fields[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if index.column() == 0:
                return f.field
            present, value = (f.in_old, f.old) if index.column() == 1 else (f.in_new, f.new)
            return value_text(value) if present else "(absent)"
        if role == Qt.ItemDataRole.ForegroundRole and index.column() > 0:
            if not (f.in_old if index.column() == 1 else f.in_new):
                return QBrush(QColor("#9e9e9e"))
            if f.in_old and f.in_new:  # a change: the value before in red, after in green
                return QBrush(QColor("#c62828" if index.column() == 1 else "#2e7d32"))
        return None
