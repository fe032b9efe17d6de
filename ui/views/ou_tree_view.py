"""The organization: the OU tree on the left, the selected node's policies on the right.

The detail pane shows the node's OU path and every policy that applies to it,
grouped by type, each with the level it is attached at (inherited from above
or attached here); selecting a policy shows its JSON. What the snapshot does
not record is said in an orange note, never left blank.
"""

from __future__ import annotations

import html
import json

from PySide6.QtCore import QItemSelection, QModelIndex, Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QSplitter,
    QTreeView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from analysis.model.organizations import (
    COLLECTED,
    CONTENT_MALFORMED,
    CONTENT_PARSED,
    POLICY_TYPE_LABELS,
    POLICY_TYPES,
    Account,
    OrganizationModel,
    OrgPolicy,
)
from ui.models.ou_tree_model import (
    COL_NAME,
    NODE_ID_ROLE,
    UNPLACED_ID,
    OuTreeFilterProxy,
    OuTreeModel,
)

POLICY_ID_ROLE = Qt.ItemDataRole.UserRole + 10
BANNER_GAPS = 4  # gaps listed in the banner; the tooltip has them all
WARN_STYLE = "color: #8a4b00; background: #fff4e0; padding: 4px; border: 1px solid #f0c080;"
POLICY_TYPE_NAMES = {
    "SERVICE_CONTROL_POLICY": "Service control policies (SCP)",
    "RESOURCE_CONTROL_POLICY": "Resource control policies (RCP)",
    "TAG_POLICY": "Tag policies",
    "BACKUP_POLICY": "Backup policies",
    "AISERVICES_OPT_OUT_POLICY": "AI services opt-out policies",
}


class OuTreeView(QWidget):
    """Tree, search box and detail pane for one ``OrganizationModel``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.organization: OrganizationModel | None = None
        self.model = OuTreeModel(parent=self)
        self.proxy = OuTreeFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(WARN_STYLE)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.banner.hide()

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by name or id…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search)

        self.tree = QTreeView()
        self.tree.setModel(self.proxy)
        self.tree.setSortingEnabled(True)
        self.tree.sortByColumn(COL_NAME, Qt.SortOrder.AscendingOrder)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        for column in range(1, self.model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.selectionModel().selectionChanged.connect(self._on_selection)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.tree)

        self.title = QLabel("Select a root, OU or account")
        title_font = QFont()
        title_font.setPointSize(title_font.pointSize() + 2)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.path_label = QLabel()
        self.path_label.setWordWrap(True)
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet(WARN_STYLE)
        self.notes.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.notes.hide()

        self.policies = QTreeWidget()
        self.policies.setColumnCount(4)
        self.policies.setHeaderLabels(["Policy", "Id", "AWS managed", "Attached at"])
        self.policies.setAlternatingRowColors(True)
        self.policies.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.policies.header().setStretchLastSection(False)
        for column in (1, 2, 3):
            self.policies.header().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.policies.currentItemChanged.connect(self._on_policy)

        self.content = QPlainTextEdit()
        self.content.setReadOnly(True)
        self.content.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.content.setPlaceholderText("Select a policy to see its content")

        lists = QSplitter(Qt.Orientation.Vertical)
        lists.addWidget(self.policies)
        lists.addWidget(self.content)
        lists.setStretchFactor(0, 3)
        lists.setStretchFactor(1, 2)
        lists.setChildrenCollapsible(False)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.title)
        right_layout.addWidget(self.path_label)
        right_layout.addWidget(self.notes)
        right_layout.addWidget(lists, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 4)
        splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner, 0)
        layout.addWidget(splitter, 1)

    # -- data ---------------------------------------------------------------------------

    def set_organization(self, organization: OrganizationModel | None) -> None:
        self.organization = organization
        self.model.set_organization(organization)
        self.tree.expandAll()
        self._show_banner()
        self.show_node(None)
        if self.proxy.rowCount() > 0:
            self.tree.setCurrentIndex(self.proxy.index(0, 0))

    def _show_banner(self) -> None:
        org = self.organization
        if org is None:
            self.banner.hide()
            return
        lines = []
        if org.collection.state != COLLECTED:
            lines.append(
                f"<b>Organization {org.collection.state.replace('_', ' ')}:</b> {org.collection.reason}"
            )
        if org.gaps:
            shown = BANNER_GAPS
            lines.append(f"<b>{len(org.gaps)} gap(s) in what was collected:</b>")
            lines.extend(f"• {html.escape(g)}" for g in org.gaps[:shown])
            if len(org.gaps) > shown:
                lines.append(f"… and {len(org.gaps) - shown} more (hover for the full list)")
            self.banner.setToolTip("\n".join(org.gaps))
        self.banner.setText("<br>".join(lines))
        self.banner.setVisible(bool(lines))

    def select_node(self, node_id: str) -> bool:
        """Select a node by id (clearing a search that hides it); False if it is not in the tree."""
        source = self.model.index_of(node_id)
        if not source.isValid():
            return False
        index = self.proxy.mapFromSource(source)
        if not index.isValid():
            self.search.clear()
            index = self.proxy.mapFromSource(source)
        self.tree.setCurrentIndex(index)
        self.tree.scrollTo(index)
        return True

    # -- reactions ------------------------------------------------------------------------

    def _on_search(self, text: str) -> None:
        self.proxy.set_search(text)
        if text:
            self.tree.expandAll()

    def _on_selection(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        self.show_node(indexes[0].data(NODE_ID_ROLE) if indexes else None)

    def show_node(self, node_id: str | None) -> None:
        org = self.organization
        self.policies.clear()
        self.content.clear()
        if org is None or node_id is None or node_id == UNPLACED_ID:
            self.title.setText(
                "Select a root, OU or account"
                if node_id != UNPLACED_ID
                else "Accounts without a known parent"
            )
            self.path_label.setText(
                "The snapshot does not record where these accounts sit: their listing was denied, failed or not "
                "collected. Their inherited policies are unknown."
                if node_id == UNPLACED_ID
                else ""
            )
            self.notes.hide()
            return
        node = org.node(node_id)
        kind = {"root": "Root", "ou": "OU", "account": "Account"}[node.kind]
        if isinstance(node, Account) and node.id == org.management_account_id:
            kind = "Management account"
        name = node.name or node.id
        self.title.setText(f"{kind}  ({node.id})" if name == kind else f"{kind} {name}  ({node.id})")
        path = [*(u.name or u.id for u in org.path_to(node_id)), node.name or node.id]
        unplaced = isinstance(node, Account) and node.parent_id is None
        facts = [
            "Path: not recorded (the account's parent is unknown)"
            if unplaced
            else "Path: " + " › ".join(path)
        ]
        if isinstance(node, Account):
            facts.append(
                " · ".join(
                    x
                    for x in (node.email, node.status, node.joined_method.lower(), node.joined_timestamp[:10])
                    if x
                )
            )
        self.path_label.setText("\n".join(facts))
        notes = org.notes_for(node_id)
        self.notes.setText("\n".join(f"• {n}" for n in notes))
        self.notes.setVisible(bool(notes))
        effective = org.effective_policies(node_id)
        for ptype in POLICY_TYPES:
            rows = [x for x in effective if x.policy.type == ptype]
            group = QTreeWidgetItem([f"{POLICY_TYPE_NAMES[ptype]} ({len(rows)})", "", "", ""])
            bold = group.font(0)
            bold.setBold(True)
            group.setFont(0, bold)
            self.policies.addTopLevelItem(group)
            group.setFirstColumnSpanned(True)
            for policy, at in rows:
                where = "here" if at.id == node_id else f"{at.name or at.id} (inherited)"
                item = QTreeWidgetItem(
                    [policy.name or policy.id, policy.id, "yes" if policy.aws_managed else "no", where]
                )
                item.setData(0, POLICY_ID_ROLE, policy.id)
                item.setToolTip(0, policy.description or policy.name)
                group.addChild(item)
            group.setExpanded(bool(rows))
        # Types listed nowhere in the snapshot are not the same as "none attached".
        listed = {p.type for p in org.policies.values()}
        for i in range(self.policies.topLevelItemCount()):
            group = self.policies.topLevelItem(i)
            if group.childCount() == 0 and POLICY_TYPES[i] not in listed:
                group.setToolTip(0, f"No {POLICY_TYPE_LABELS[POLICY_TYPES[i]]} policies in the snapshot")

    def _on_policy(self, current: QTreeWidgetItem | None, previous: QTreeWidgetItem | None) -> None:
        org = self.organization
        policy_id = current.data(0, POLICY_ID_ROLE) if current is not None else None
        if org is None or policy_id is None or policy_id not in org.policies:
            self.content.clear()
            return
        self.content.setPlainText(policy_text(org.policies[policy_id]))

    def current_node_id(self) -> str | None:
        index: QModelIndex = self.tree.currentIndex()
        return index.data(NODE_ID_ROLE) if index.isValid() else None


def policy_text(policy: OrgPolicy) -> str:
    """The policy's content as the auditor should read it; malformed or unknown content says so."""
    header = f"// {policy.name} ({policy.id}), {POLICY_TYPE_LABELS.get(policy.type, policy.type)}"
    if policy.description:
        header += f": {policy.description}"
    if policy.content_state == CONTENT_PARSED:
        return header + "\n" + json.dumps(policy.content, indent=2, sort_keys=False)
    if policy.content_state == CONTENT_MALFORMED:
        return f"{header}\n// {policy.content_note}; the text as stored:\n{policy.content_raw}"
    return f"{header}\n// {policy.content_note}"
