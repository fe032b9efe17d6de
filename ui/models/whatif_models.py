"""Table models for the SCP what-if view: permissions lost, administrators lost, paths to admin cut.

Each row keeps its record (``LostPermission``, an admin ARN, ``CutPath``); columns are
(header, text) pairs over a plain row. Sorting goes through ``SORT_ROLE`` (numbers sort as
numbers), so a ``QSortFilterProxyModel`` with that sort role sorts them right.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from ui.models.table_base import ReadOnlyTableModel

if TYPE_CHECKING:
    from analysis.trust.graph import TrustGraph
    from analysis.trust.whatif import CutPath, LostPermission

AnyIndex = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
T = TypeVar("T")


@dataclass(frozen=True)
class Column(Generic[T]):
    header: str
    text: Callable[[T], str]
    sort: Callable[[T], Any] | None = None  # default: the text


class RecordTableModel(ReadOnlyTableModel, Generic[T]):
    """Rows of one record type; ``record(row)`` gives the record back for the details pane."""

    def __init__(self, columns: Sequence[Column[T]], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self.headers = tuple(c.header for c in columns)
        self._rows: list[T] = []

    def set_records(self, records: Sequence[T]) -> None:
        self.beginResetModel()
        self._rows = list(records)
        self.endResetModel()

    def record(self, row: int) -> T:
        return self._rows[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        column = self.columns[index.column()]
        record = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return column.text(record)
        if role == SORT_ROLE:
            return column.sort(record) if column.sort is not None else column.text(record)
        return None


def _label(tg: TrustGraph, node_id: str) -> str:
    return tg.node(node_id).label if node_id in tg.graph else node_id


def _account(tg: TrustGraph, node_id: str) -> str:
    account_id = tg.node(node_id).account_id if node_id in tg.graph else None
    if not account_id:
        return ""
    name = tg.inventory.account_name(account_id)
    return f"{name} ({account_id})" if name else account_id


def lost_permissions_model(tg: TrustGraph, parent: Any = None) -> RecordTableModel[LostPermission]:
    return RecordTableModel(
        [
            Column("Principal", lambda r: _label(tg, r.principal)),
            Column("Account", lambda r: _account(tg, r.principal)),
            Column("Action", lambda r: r.action),
            Column("Today", lambda r: r.before.summary()),
            Column("With the draft", lambda r: r.after.summary()),
            Column("ARN", lambda r: r.principal),
        ],
        parent,
    )


def admins_lost_model(tg: TrustGraph, parent: Any = None) -> RecordTableModel[str]:
    return RecordTableModel(
        [
            Column("Principal", lambda arn: _label(tg, arn)),
            Column("Account", lambda arn: _account(tg, arn)),
            Column("ARN", lambda arn: arn),
        ],
        parent,
    )


def cut_paths_model(tg: TrustGraph, parent: Any = None) -> RecordTableModel[CutPath]:
    def admin_of(c: CutPath) -> str:
        name = tg.inventory.account_name(c.account_id)
        return f"{name} ({c.account_id})" if name else c.account_id

    return RecordTableModel(
        [
            Column("From", lambda c: _label(tg, c.source)),
            Column(
                "Kind", lambda c: tg.node(c.source).kind.replace("_", " ") if c.source in tg.graph else ""
            ),
            Column("Admin of", admin_of),
            Column("Steps", lambda c: str(len(c.path.steps)), sort=lambda c: len(c.path.steps)),
            Column("Path today", lambda c: c.path.describe(tg)),
        ],
        parent,
    )


__all__ = [
    "SORT_ROLE",
    "Column",
    "RecordTableModel",
    "admins_lost_model",
    "cut_paths_model",
    "lost_permissions_model",
]
