"""Filters of the trust graph view: which accounts (picked by OU or one by one) and which node kinds.

``NodeFilter`` is the plain predicate (results list, neighbourhood and overview all use it);
``FilterPanel`` is the widget that edits it: the organization tree with check boxes (checking
an OU checks every account under it) and a checkable list of node kinds.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from analysis.trust.graph import TrustGraph
    from analysis.trust.nodes import Node

ROLE_ACCOUNT = Qt.ItemDataRole.UserRole + 1  # account id on an account item
ROLE_UNIT = Qt.ItemDataRole.UserRole + 2  # root/OU id on an OU item
OUTSIDE_TEXT = "Outside the organization (external, services, providers, *)"

KIND_LABELS = {
    "user": "IAM users",
    "role": "IAM roles",
    "group": "IAM groups",
    "account": "accounts (any principal of)",
    "admin": "admin goals",
    "external_account": "external accounts",
    "external_principal": "external principals",
    "saml_provider": "SAML providers",
    "oidc_provider": "OIDC providers",
    "federated": "web identity providers",
    "service": "AWS services",
    "public": "* (anyone)",
    "permission_set": "Identity Center permission sets",
    "sso_user": "Identity Center users",
    "sso_group": "Identity Center groups",
}


@dataclass(frozen=True, kw_only=True)
class NodeFilter:
    """Which nodes to list and draw. ``None`` means "all" (no filter on that axis)."""

    accounts: frozenset[str] | None = None  # organization accounts kept
    outside: bool = True  # nodes not in an organization account (external, services, ``*``...)
    kinds: frozenset[str] | None = None

    @property
    def active(self) -> bool:
        return self.accounts is not None or not self.outside or self.kinds is not None

    def accepts(self, node: Node, org_accounts: Collection[str]) -> bool:
        if self.kinds is not None and node.kind not in self.kinds:
            return False
        if node.account_id is not None and node.account_id in org_accounts:
            return self.accounts is None or node.account_id in self.accounts
        return self.outside

    def describe(self) -> str:
        parts = []
        if self.accounts is not None:
            parts.append(f"{len(self.accounts)} account(s)")
        if not self.outside:
            parts.append("no outsiders")
        if self.kinds is not None:
            parts.append(f"{len(self.kinds)} kind(s)")
        return "filtered: " + ", ".join(parts) if parts else "no filter"


class FilterPanel(QWidget):
    """The organization tree and the kinds list, both checkable; ``changed`` says the filter moved."""

    changed = Signal(object)  # NodeFilter

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._accounts: list[QTreeWidgetItem] = []
        self._units: dict[str, QTreeWidgetItem] = {}
        self._outside: QTreeWidgetItem | None = None
        self._emit_timer = QTimer(self)
        self._emit_timer.setSingleShot(True)
        self._emit_timer.setInterval(0)  # one signal for the many item changes of one OU click
        self._emit_timer.timeout.connect(lambda: self.changed.emit(self.node_filter()))

        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.itemChanged.connect(lambda *_: self._emit_timer.start())
        self.kinds = QListWidget()
        self.kinds.itemChanged.connect(lambda *_: self._emit_timer.start())
        self.reset_button = QPushButton("Show everything")
        self.reset_button.clicked.connect(self.reset)
        self.summary = QLabel("no filter")
        self.changed.connect(lambda f: self.summary.setText(f.describe()))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Accounts (check an OU for all its accounts)"))
        layout.addWidget(self.tree, 3)
        layout.addWidget(QLabel("Node kinds"))
        layout.addWidget(self.kinds, 2)
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(self.reset_button)
        layout.addLayout(row)

    # -- content -------------------------------------------------------------------------------

    def set_graph(self, tg: TrustGraph | None) -> None:
        self.tree.blockSignals(True)
        self.kinds.blockSignals(True)
        self.tree.clear()
        self.kinds.clear()
        self._accounts = []
        self._units = {}
        self._outside = None
        if tg is not None:
            self._fill_tree(tg)
            present = {d["node"].kind for _, d in tg.graph.nodes(data=True)}
            for kind, label in KIND_LABELS.items():
                if kind in present:
                    item = QListWidgetItem(label)
                    item.setData(Qt.ItemDataRole.UserRole, kind)
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setCheckState(Qt.CheckState.Checked)
                    self.kinds.addItem(item)
        self.tree.blockSignals(False)
        self.kinds.blockSignals(False)
        self.summary.setText("no filter")

    def _fill_tree(self, tg: TrustGraph) -> None:
        inv = tg.inventory
        org = inv.organization
        placed: set[str] = set()

        def account_item(parent: QTreeWidgetItem, account_id: str) -> None:
            name = inv.account_name(account_id)
            item = QTreeWidgetItem(parent, [f"{name} ({account_id})" if name else account_id])
            item.setData(0, ROLE_ACCOUNT, account_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Checked)
            self._accounts.append(item)
            placed.add(account_id)

        def unit_item(parent: QTreeWidgetItem | QTreeWidget, unit_id: str) -> None:
            unit = org.units[unit_id]
            item = QTreeWidgetItem(parent, [f"{unit.name} ({unit.id})"])
            item.setData(0, ROLE_UNIT, unit.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsAutoTristate)
            item.setCheckState(0, Qt.CheckState.Checked)
            self._units[unit.id] = item
            for child in unit.child_ou_ids:
                if child in org.units:
                    unit_item(item, child)
            for account_id in sorted(unit.account_ids, key=lambda a: (inv.account_name(a) or "", a)):
                if account_id in tg.org.account_ids:
                    account_item(item, account_id)

        for root in org.roots:
            unit_item(self.tree, root.id)
        rest = sorted(set(tg.org.account_ids) - placed)
        if rest:
            other = QTreeWidgetItem(self.tree, ["Accounts not placed in an OU"])
            other.setFlags(other.flags() | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsAutoTristate)
            other.setCheckState(0, Qt.CheckState.Checked)
            for account_id in rest:
                account_item(other, account_id)
        self._outside = QTreeWidgetItem(self.tree, [OUTSIDE_TEXT])
        self._outside.setFlags(self._outside.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        self._outside.setCheckState(0, Qt.CheckState.Checked)
        self.tree.expandToDepth(1)

    # -- reading and setting -------------------------------------------------------------------

    def node_filter(self) -> NodeFilter:
        checked = frozenset(
            str(i.data(0, ROLE_ACCOUNT)) for i in self._accounts if i.checkState(0) == Qt.CheckState.Checked
        )
        kinds_all = [self.kinds.item(i) for i in range(self.kinds.count())]
        kinds = frozenset(
            str(i.data(Qt.ItemDataRole.UserRole))
            for i in kinds_all
            if i.checkState() == Qt.CheckState.Checked
        )
        outside = self._outside is None or self._outside.checkState(0) == Qt.CheckState.Checked
        return NodeFilter(
            accounts=None if len(checked) == len(self._accounts) else checked,
            outside=outside,
            kinds=None if len(kinds) == len(kinds_all) else kinds,
        )

    def set_accounts(self, account_ids: Iterable[str] | None, *, outside: bool = True) -> None:
        """Check exactly these accounts (None: all) and say whether outsiders are shown."""
        wanted = None if account_ids is None else set(account_ids)
        for item in self._accounts:
            on = wanted is None or item.data(0, ROLE_ACCOUNT) in wanted
            item.setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        if self._outside is not None:
            self._outside.setCheckState(0, Qt.CheckState.Checked if outside else Qt.CheckState.Unchecked)

    def check_unit(self, unit_id: str, checked: bool = True) -> None:
        """Check (or uncheck) an OU or root: every account under it follows."""
        self._units[unit_id].setCheckState(0, Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def set_kinds(self, kinds: Iterable[str] | None) -> None:
        wanted = None if kinds is None else set(kinds)
        for i in range(self.kinds.count()):
            item = self.kinds.item(i)
            on = wanted is None or item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def reset(self) -> None:
        self.set_accounts(None)
        self.set_kinds(None)


__all__ = ["KIND_LABELS", "FilterPanel", "NodeFilter"]
