"""The snapshot diff as tables: findings (new, resolved, status changed, unchanged), resources (added,
removed, changed) and the fields of one resource (field, older value, newer value).

Rows are built once from an ``analysis.diff.Comparison`` (pure: :func:`build_finding_rows` and
:func:`build_resource_rows` run in the worker). As in the findings table, the models sort themselves
by a sort key (severity and status by gravity, not alphabetically) and :class:`DiffFilterProxy`
computes one boolean per row when its filter (one kind, a search text) changes: an organization
has tens of thousands of unchanged findings.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from analysis.diff import Comparison, FieldChange, record_fields, without_call_ids
from analysis.rules.base import FAIL, Result
from analysis.rules.report import jsonable, result_key
from ui.models.findings_model import (
    SEVERITY_COLORS,
    SEVERITY_ORDER,
    STATUS_COLORS,
    STATUS_LABELS,
    STATUS_ORDER,
)
from ui.models.table_base import AnyIndex, ReadOnlyTableModel

NEW, RESOLVED, STATUS_CHANGED, UNCHANGED = "new", "resolved", "status_changed", "unchanged"
FINDING_KINDS: Mapping[str, str] = {
    NEW: "New",
    RESOLVED: "Resolved",
    STATUS_CHANGED: "Status changed",
    UNCHANGED: "Unchanged",
}
ADDED, REMOVED, CHANGED = "added", "removed", "changed"
RESOURCE_KINDS: Mapping[str, str] = {ADDED: "Added", REMOVED: "Removed", CHANGED: "Changed"}
NO_RESULT = "no result"  # the status shown when a snapshot has no result for the key

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2


def status_text(status: str) -> str:
    return STATUS_LABELS.get(status, status) if status else NO_RESULT


def value_text(value: Any, *, indent: int | None = None) -> str:
    """A field's value as one line (or indented JSON): text as is, ``null`` for None."""
    if isinstance(value, str):
        return value
    return json.dumps(jsonable(value), sort_keys=True, indent=indent, ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class DiffFindingRow:
    """One result of the diff, with what the table shows, sorts and searches, computed once."""

    index: int
    kind: str  # NEW | RESOLVED | STATUS_CHANGED | UNCHANGED
    result: Result  # the newer result; the older one for a resolved finding with no newer result
    # (then ``new_status`` is "" and ``old_message`` is its message)
    severity: str
    title: str
    account_text: str
    resource: str
    old_status: str  # "" when the older snapshot has no result for this key
    new_status: str  # "" when the newer snapshot has none
    old_message: str
    search: str

    def text(self, column: str) -> str:
        r = self.result
        return {
            "severity": self.severity.capitalize(),
            "control": r.control_id,
            "account": self.account_text,
            "region": r.region,
            "resource": self.resource,
            "status": f"{status_text(self.old_status)} → {status_text(self.new_status)}",
            "message": r.message,
        }[column]

    def sort_key(self, column: str) -> Any:
        if column == "severity":
            return SEVERITY_ORDER.get(self.severity, 9)
        if column == "status":
            return (STATUS_ORDER.get(self.old_status, 9), STATUS_ORDER.get(self.new_status, 9))
        return self.text(column).lower()

    def tie(self) -> Any:
        return (SEVERITY_ORDER.get(self.severity, 9), self.result.control_id, self.index)


@dataclass(frozen=True, slots=True)
class FieldRow:
    field: str  # "versioning.status": nested record fields joined by dots
    old: Any
    new: Any
    in_old: bool = True  # False: the record is new (an added resource)
    in_new: bool = True


@dataclass(frozen=True, slots=True)
class ResourceRow:
    index: int
    kind: str  # ADDED | REMOVED | CHANGED
    arn: str
    record_type: str
    account_text: str
    fields: tuple[FieldRow, ...]  # the changed fields; every field of an added or removed record
    search: str

    def text(self, column: str) -> str:
        if column == "type":
            return self.record_type
        if column == "account":
            return self.account_text
        if column == "resource":  # the ARN's resource part ("role/admin", a bucket's name)
            return self.arn.split(":", 5)[-1] if self.arn.startswith("arn:") else self.arn
        if self.kind != CHANGED:
            return ""
        return ", ".join(f.field for f in self.fields)

    def sort_key(self, column: str) -> Any:
        return self.text(column).lower()

    def tie(self) -> Any:
        return (self.arn, self.index)


def build_finding_rows(c: Comparison) -> list[DiffFindingRow]:
    d = c.diff
    names = {**c.old.account_names, **c.new.account_names}
    now = {ch.key: ch.new for ch in d.status_changed}  # a resolved finding's newer result, if any
    rows: list[DiffFindingRow] = []

    def add(kind: str, r: Result, old_status: str, new_status: str, old_message: str = "") -> None:
        control = c.controls.get(r.control_id)
        severity, title = (control.severity, control.title) if control else ("", "")
        name = names.get(r.account_id, "")
        account = (f"{name} ({r.account_id})" if name else r.account_id) if r.account_id else "(organization)"
        resource = r.resource_id or r.resource_arn
        search = f"{r.control_id} {title} {account} {r.region} {r.resource_arn} {r.message} {old_message}"
        rows.append(
            DiffFindingRow(
                index=len(rows),
                kind=kind,
                result=r,
                severity=severity,
                title=title,
                account_text=account,
                resource=resource,
                old_status=old_status,
                new_status=new_status,
                old_message=old_message,
                search=search.lower(),
            )
        )

    for r in d.new_findings:
        add(NEW, r, d.previous_status.get(result_key(r), ""), FAIL)
    for r in d.resolved_findings:
        after = now.get(result_key(r))
        add(RESOLVED, after or r, FAIL, after.status if after else "", r.message)
    for ch in d.status_changed:
        add(STATUS_CHANGED, ch.new, ch.old.status, ch.new.status, ch.old.message)
    for r in d.unchanged_findings:
        add(UNCHANGED, r, FAIL, FAIL)
    return rows


def flatten_change(change: FieldChange) -> list[FieldRow]:
    """A change of a nested record (``versioning``) as the leaf fields that changed (``versioning.status``)."""
    return [FieldRow(field=f, old=a, new=b) for f, a, b in _leaves(change.field, change.old, change.new)]


def _leaves(path: str, old: Any, new: Any) -> Iterable[tuple[str, Any, Any]]:
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in sorted(set(old) | set(new), key=str):
            if key != "call_ids" and without_call_ids(old.get(key)) != without_call_ids(new.get(key)):
                yield from _leaves(f"{path}.{key}", old.get(key), new.get(key))
    else:
        yield path, old, new


def build_resource_rows(c: Comparison) -> list[ResourceRow]:
    names = {**c.old.account_names, **c.new.account_names}
    rows: list[ResourceRow] = []

    def add(kind: str, arn: str, record_type: str, account_id: str, fields: Sequence[FieldRow]) -> None:
        name = names.get(account_id, "")
        account = f"{name} ({account_id})" if name else account_id
        search = f"{arn} {record_type} {account} {' '.join(f.field for f in fields)}".lower()
        rows.append(ResourceRow(index=len(rows), kind=kind, arn=arn, record_type=record_type,
                                account_text=account, fields=tuple(fields), search=search))  # fmt: skip

    for kind, records in ((ADDED, c.added_records), (REMOVED, c.removed_records)):
        for arn, record in records.items():
            values = record_fields(record) if dataclasses.is_dataclass(record) else {}
            fields = [
                FieldRow(
                    field=k,
                    old=v if kind == REMOVED else None,
                    new=v if kind == ADDED else None,
                    in_old=kind == REMOVED,
                    in_new=kind == ADDED,
                )
                for k, v in values.items()
            ]
            add(kind, arn, type(record).__name__, str(getattr(record, "account_id", "")), fields)
    for ch in c.diff.resources_changed:
        add(
            CHANGED,
            ch.arn,
            ch.kind,
            ch.account_id,
            [f for change in ch.changes for f in flatten_change(change)],
        )
    return rows


# -- Qt models ------------------------------------------------------------------------------------------


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
