"""The OU tree as a Qt item model: roots → OUs → accounts, with a proxy that sorts and searches.

Sorting uses ``SORT_ROLE`` (names case-folded, counts as numbers), never the
display strings. Accounts whose parent the snapshot does not record sit under
a separate top-level node that says so, rather than being shown under the root.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from analysis.model.organizations import (
    KIND_ACCOUNT,
    KIND_OU,
    KIND_ROOT,
    POLICY_TYPE_LABELS,
    POLICY_TYPES,
    Account,
    OrganizationModel,
    OrgUnit,
)

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
NODE_ID_ROLE = Qt.ItemDataRole.UserRole + 2
KIND_ROLE = Qt.ItemDataRole.UserRole + 3

KIND_UNPLACED = "unplaced"
UNPLACED_ID = "(unplaced)"

COL_NAME, COL_ID, COL_KIND, COL_STATUS, COL_POLICIES = range(5)
HEADERS = ("Name", "Id", "Kind", "Status", "Policies attached")
KIND_LABELS = {KIND_ROOT: "Root", KIND_OU: "OU", KIND_ACCOUNT: "Account", KIND_UNPLACED: "Unknown parent"}
KIND_ORDER = {KIND_ROOT: 0, KIND_OU: 1, KIND_ACCOUNT: 2, KIND_UNPLACED: 3}

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(eq=False)
class _Node:
    node_id: str
    kind: str
    name: str
    status: str
    policy_counts: tuple[tuple[str, int], ...]
    parent: _Node | None
    row: int
    children: list[_Node] = field(default_factory=list)

    @property
    def policies_text(self) -> str:
        return " · ".join(f"{POLICY_TYPE_LABELS.get(t, t)} {n}" for t, n in self.policy_counts)

    @property
    def policy_total(self) -> int:
        return sum(n for _, n in self.policy_counts)


class OuTreeModel(QAbstractItemModel):
    """Read-only tree over an ``OrganizationModel``."""

    def __init__(
        self, *, organization: OrganizationModel | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._roots: list[_Node] = []
        self._all: list[_Node] = []  # keeps every node alive while indexes point at it
        self.organization: OrganizationModel | None = None
        if organization is not None:
            self.set_organization(organization)

    def set_organization(self, organization: OrganizationModel | None) -> None:
        self.beginResetModel()
        self.organization = organization
        self._roots, self._all = [], []
        if organization is not None:
            for root in organization.roots:
                self._roots.append(self._build(organization, root, None, len(self._roots)))
            unplaced = organization.unplaced_accounts
            if unplaced:
                holder = _Node(
                    node_id=UNPLACED_ID,
                    kind=KIND_UNPLACED,
                    name="Accounts without a known parent",
                    status=f"{len(unplaced)} account(s)",
                    policy_counts=(),
                    parent=None,
                    row=len(self._roots),
                )
                self._all.append(holder)
                for acct in unplaced:
                    holder.children.append(self._leaf(organization, acct, holder, len(holder.children)))
                self._roots.append(holder)
        self.endResetModel()

    def _counts(self, organization: OrganizationModel, node_id: str) -> tuple[tuple[str, int], ...]:
        attached = organization.attached_policies(node_id)
        return tuple((t, n) for t in POLICY_TYPES if (n := sum(1 for p in attached if p.type == t)))

    def _build(self, org: OrganizationModel, unit: OrgUnit, parent: _Node | None, row: int) -> _Node:
        node = _Node(
            node_id=unit.id,
            kind=unit.kind,
            name=unit.name or unit.id,
            status="" if unit.children_known else "children partly unknown",
            policy_counts=self._counts(org, unit.id),
            parent=parent,
            row=row,
        )
        self._all.append(node)
        for child_id in unit.child_ou_ids:
            node.children.append(self._build(org, org.units[child_id], node, len(node.children)))
        for account_id in unit.account_ids:
            node.children.append(self._leaf(org, org.accounts[account_id], node, len(node.children)))
        return node

    def _leaf(self, org: OrganizationModel, acct: Account, parent: _Node, row: int) -> _Node:
        node = _Node(
            node_id=acct.id,
            kind=KIND_ACCOUNT,
            name=acct.name or acct.id,
            status=acct.status,
            policy_counts=self._counts(org, acct.id),
            parent=parent,
            row=row,
        )
        self._all.append(node)
        return node

    def _kind_label(self, node: _Node) -> str:
        org = self.organization
        if node.kind == KIND_ACCOUNT and org is not None and node.node_id == org.management_account_id:
            return "Management account"
        return KIND_LABELS[node.kind]

    # -- QAbstractItemModel ----------------------------------------------------------------

    def _node(self, index: AnyIndex) -> _Node | None:
        if not index.isValid():
            return None
        node: _Node = index.internalPointer()
        return node

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column < 0 or column >= len(HEADERS) or row < 0:
            return QModelIndex()
        if parent.isValid() and parent.column() != 0:
            return QModelIndex()
        parent_node = self._node(parent)
        siblings = self._roots if parent_node is None else parent_node.children
        if row >= len(siblings):
            return QModelIndex()
        return self.createIndex(row, column, siblings[row])

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        node = self._node(index)
        if node is None or node.parent is None:
            return QModelIndex()
        return self.createIndex(node.parent.row, 0, node.parent)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        node = self._node(parent)
        return len(self._roots) if node is None else len(node.children)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return len(HEADERS)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(HEADERS)
        ):
            return HEADERS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        node = self._node(index)
        if node is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                node.name,
                "" if node.kind == KIND_UNPLACED else node.node_id,
                self._kind_label(node),
                node.status,
                node.policies_text,
            )[column]
        if role == SORT_ROLE:
            return (
                # Within a parent, OUs come before accounts (as in the AWS console), each by name.
                f"{0 if node.kind in (KIND_ROOT, KIND_OU) else 1}{node.name.casefold()}",
                node.node_id,
                KIND_ORDER[node.kind],
                node.status.casefold(),
                node.policy_total,
            )[column]
        if role == NODE_ID_ROLE:
            return node.node_id
        if role == KIND_ROLE:
            return node.kind
        if role == Qt.ItemDataRole.ToolTipRole:
            if node.kind == KIND_UNPLACED:
                return (
                    "The snapshot does not record where these accounts sit (a listing was denied or failed)"
                )
            return f"{KIND_LABELS[node.kind]} {node.name} ({node.node_id})"
        if (
            role == Qt.ItemDataRole.FontRole
            and column == COL_NAME
            and node.kind in (KIND_ROOT, KIND_UNPLACED)
        ):
            font = QFont()
            font.setBold(True)
            return font
        warn = node.kind == KIND_UNPLACED or (column == COL_STATUS and node.status not in ("", "ACTIVE"))
        if role == Qt.ItemDataRole.ForegroundRole and warn:
            return QBrush(QColor("#b35900"))
        return None

    def index_of(self, node_id: str) -> QModelIndex:
        """The column-0 index of a node, or an invalid index."""
        for node in self._all:
            if node.node_id == node_id:
                return self.createIndex(node.row, 0, node)
        return QModelIndex()


class OuTreeFilterProxy(QSortFilterProxyModel):
    """Sorts by ``SORT_ROLE``; a search keeps rows whose name or id contains the text,
    their ancestors and their descendants."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setRecursiveFilteringEnabled(True)  # ancestors of a match stay visible
        self.setAutoAcceptChildRows(True)  # and so does everything under a matching OU
        self._needle = ""

    def set_search(self, text: str) -> None:
        # Qt 6.9+: begin/endFilterChange replace invalidateRowsFilter.
        self.beginFilterChange()
        self._needle = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if not self._needle:
            return True
        model = self.sourceModel()
        for column in (COL_NAME, COL_ID):
            value = model.data(model.index(source_row, column, source_parent), Qt.ItemDataRole.DisplayRole)
            if value and self._needle in str(value).casefold():
                return True
        return False
