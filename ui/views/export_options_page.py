"""The export dialog's options: accounts and OUs from the organization tree, the result filters, the sheets.

``ExportOptionsPage.options()`` turns the widgets into a validated :class:`exports.options.ExportOptions`
(or raises :class:`ExportOptionsError` with a message the dialog shows). Every account and OU ticked
means no account filter (organization-wide results stay in); an OU ticked whole is passed as the OU
(the accounts beneath it at any depth), a partly ticked one as the accounts and OUs ticked beneath
it. Every severity or status ticked means no filter; frameworks filter only when one is ticked.
``save``/``restore`` keep the choices in QSettings between runs (the account scope per organization).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from analysis.model.organizations import KIND_ACCOUNT, KIND_OU, KIND_ROOT, OrganizationModel
from analysis.rules.base import SEVERITIES
from exports.options import (
    ALL_SHEETS,
    FRAMEWORK_KEYS,
    REPORTED_STATUSES,
    ExportOptions,
    ExportOptionsError,
)
from ui.models.findings_rows import SEVERITY_COLORS, STATUS_COLORS, STATUS_LABELS

KIND_UNPLACED = "unplaced"
NODE_ROLE = Qt.ItemDataRole.UserRole + 1  # (kind, id)
SHEET_ROLE = Qt.ItemDataRole.UserRole + 2
FRAMEWORK_LABELS = {"cis": "CIS AWS Foundations", "fsbp": "AWS FSBP", "nist": "NIST 800-53"}
CHECKED, PARTLY, UNCHECKED = Qt.CheckState.Checked, Qt.CheckState.PartiallyChecked, Qt.CheckState.Unchecked
KEY = "export/"


def settings_list(settings: QSettings, key: str) -> list[str] | None:
    """A list kept in QSettings; None when never saved (a one-item list comes back as a lone string)."""
    value = settings.value(key)
    if value is None:
        return None
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in value]


def settings_bool(settings: QSettings, key: str, default: bool) -> bool:
    value = settings.value(key)
    if value is None:
        return default
    if isinstance(value, str):  # the INI format gives "true" / "false" back
        return value.lower() == "true"
    return bool(value)


def children(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    return [child for i in range(item.childCount()) if (child := item.child(i)) is not None]


class OrgScopeTree(QTreeWidget):
    """Roots, OUs and accounts with check boxes; a parent's box ticks or clears everything beneath it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderLabels(["Name", "Id"])
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.setUniformRowHeights(True)
        self.organization: OrganizationModel | None = None

    def set_organization(self, organization: OrganizationModel | None) -> None:
        self.clear()
        self.organization = organization
        if organization is None:
            return
        seen: set[str] = set()
        for root in organization.roots:
            self.addTopLevelItem(self._unit_item(organization, root.id, seen))
        unplaced = [a for a in organization.accounts.values() if a.parent_id is None and a.id not in seen]
        if unplaced:
            holder = self._item("Accounts without a known parent", "", KIND_UNPLACED)
            for account in unplaced:
                holder.addChild(self._item(account.name or account.id, account.id, KIND_ACCOUNT))
            self.addTopLevelItem(holder)
        self.expandToDepth(1)

    def _item(self, name: str, node_id: str, kind: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem([name, node_id])
        item.setData(0, NODE_ROLE, (kind, node_id))
        flags = item.flags() | Qt.ItemFlag.ItemIsUserCheckable
        if kind != KIND_ACCOUNT:
            flags |= Qt.ItemFlag.ItemIsAutoTristate
        item.setFlags(flags)
        item.setCheckState(0, CHECKED)
        kind_text = {KIND_ROOT: "Root", KIND_OU: "OU", KIND_ACCOUNT: "Account"}.get(kind, "")
        if kind_text:
            item.setToolTip(0, f"{kind_text} {node_id}")
        return item

    def _unit_item(self, org: OrganizationModel, unit_id: str, seen: set[str]) -> QTreeWidgetItem:
        unit = org.units[unit_id]
        seen.add(unit_id)
        item = self._item(unit.name or unit.id, unit.id, unit.kind)
        for child in unit.child_ou_ids:
            if child in org.units and child not in seen:  # a listing that loops is shown once
                item.addChild(self._unit_item(org, child, seen))
        for account_id in unit.account_ids:
            if account_id not in seen:
                seen.add(account_id)
                account = org.accounts.get(account_id)
                name = account.name if account is not None and account.name else account_id
                item.addChild(self._item(name, account_id, KIND_ACCOUNT))
        return item

    def top_items(self) -> list[QTreeWidgetItem]:
        return [item for i in range(self.topLevelItemCount()) if (item := self.topLevelItem(i)) is not None]

    def items(self) -> Iterator[QTreeWidgetItem]:
        stack = list(reversed(self.top_items()))
        while stack:
            item = stack.pop()
            yield item
            stack.extend(reversed(children(item)))

    def set_all(self, on: bool) -> None:
        for item in self.top_items():
            item.setCheckState(0, CHECKED if on else UNCHECKED)

    def selection(self) -> tuple[frozenset[str], frozenset[str]]:
        """(accounts, OUs) ticked; both empty when everything is (no account filter)."""
        tops = self.top_items()
        if all(item.checkState(0) == CHECKED for item in tops):
            return frozenset(), frozenset()
        accounts: set[str] = set()
        ous: set[str] = set()
        stack = list(tops)
        while stack:
            item = stack.pop()
            kind, node_id = item.data(0, NODE_ROLE)
            state = item.checkState(0)
            if state == UNCHECKED:
                continue
            if state == CHECKED and kind in (KIND_ROOT, KIND_OU):
                ous.add(node_id)
            elif state == CHECKED and kind == KIND_ACCOUNT:
                accounts.add(node_id)
            else:  # partly ticked, or the holder of unplaced accounts
                stack.extend(children(item))
        return frozenset(accounts), frozenset(ous)

    def set_selection(self, accounts: Iterable[str], ous: Iterable[str]) -> None:
        """Tick exactly these accounts and OUs (and what is beneath the OUs); nothing given: everything."""
        accounts, ous = set(accounts), set(ous)
        if not accounts and not ous:
            self.set_all(True)
            return
        self.set_all(False)
        for item in self.items():
            kind, node_id = item.data(0, NODE_ROLE)
            if (kind == KIND_ACCOUNT and node_id in accounts) or (
                kind in (KIND_ROOT, KIND_OU) and node_id in ous
            ):
                item.setCheckState(0, CHECKED)

    def filter_text(self, text: str) -> None:
        """Show the nodes whose name or id contains ``text`` (and their ancestors); "" shows all."""
        needle = text.strip().lower()

        def visit(item: QTreeWidgetItem) -> bool:
            below = [visit(child) for child in children(item)]
            hit = not needle or needle in item.text(0).lower() or needle in item.text(1).lower()
            shown = hit or any(below)
            item.setHidden(not shown)
            if needle and any(below):
                item.setExpanded(True)
            return shown

        for item in self.top_items():
            visit(item)


class ExportOptionsPage(QWidget):
    """Accounts and OUs on the left; severities, statuses, frameworks, PASS and the sheets on the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = OrgScopeTree()
        self.find_edit = QLineEdit()
        self.find_edit.setPlaceholderText("Find an account or OU by name or id")
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.textChanged.connect(self.tree.filter_text)
        all_button, none_button = QPushButton("All"), QPushButton("None")
        all_button.clicked.connect(lambda: self.tree.set_all(True))
        none_button.clicked.connect(lambda: self.tree.set_all(False))
        scope_box = QGroupBox("Accounts and OUs")
        scope_layout = QVBoxLayout(scope_box)
        find_row = QHBoxLayout()
        find_row.addWidget(self.find_edit, 1)
        find_row.addWidget(all_button)
        find_row.addWidget(none_button)
        scope_layout.addLayout(find_row)
        scope_layout.addWidget(self.tree, 1)
        hint = QLabel(
            "An OU ticked whole takes every account beneath it. Organization-wide results "
            "are left out unless everything is ticked."
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        scope_layout.addWidget(hint)

        self.severity_boxes = {s: self._box(s.capitalize(), SEVERITY_COLORS.get(s, "")) for s in SEVERITIES}
        self.status_boxes = {
            s: self._box(STATUS_LABELS.get(s, s), STATUS_COLORS.get(s, "")) for s in REPORTED_STATUSES
        }
        self.framework_boxes = {f: self._box(FRAMEWORK_LABELS[f], "", checked=False) for f in FRAMEWORK_KEYS}
        self.include_pass = QCheckBox("Include PASS results in the Findings sheet")
        self.include_pass.setChecked(True)
        self.include_pass.setToolTip("Left out, PASS results are still counted on the Summary.")
        results_box = QGroupBox("Results")
        grid = QGridLayout(results_box)
        rows: tuple[tuple[str, dict[str, QCheckBox]], ...] = (
            ("Severity:", self.severity_boxes),
            ("Status:", self.status_boxes),
            ("Only controls mapped to:", self.framework_boxes),
        )
        for row, (label, boxes) in enumerate(rows):
            grid.addWidget(QLabel(label), row, 0, Qt.AlignmentFlag.AlignTop)
            line = QHBoxLayout()
            for box in boxes.values():
                line.addWidget(box)
            line.addStretch(1)
            grid.addLayout(line, row, 1)
        grid.addWidget(self.include_pass, len(rows), 0, 1, 2)

        self.sheet_list = QListWidget()
        for title in ALL_SHEETS:
            item = QListWidgetItem(title)
            item.setData(SHEET_ROLE, title)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(CHECKED)
            self.sheet_list.addItem(item)
        rows_high = self.sheet_list.sizeHintForRow(0) * self.sheet_list.count()
        self.sheet_list.setFixedHeight(rows_high + 2 * self.sheet_list.frameWidth() + 4)
        sheets_all, sheets_none = QPushButton("All"), QPushButton("None")
        sheets_all.clicked.connect(lambda: self.set_sheets(ALL_SHEETS))
        sheets_none.clicked.connect(lambda: self.set_sheets(()))
        sheets_box = QGroupBox("Sheets")
        sheets_layout = QVBoxLayout(sheets_box)
        sheets_layout.addWidget(self.sheet_list)
        sheet_buttons = QHBoxLayout()
        sheet_buttons.addWidget(sheets_all)
        sheet_buttons.addWidget(sheets_none)
        sheet_buttons.addStretch(1)
        sheets_layout.addLayout(sheet_buttons)

        right = QVBoxLayout()
        right.addWidget(results_box)
        right.addWidget(sheets_box)
        right.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scope_box, 1)
        layout.addLayout(right, 0)

    @staticmethod
    def _box(text: str, color: str, *, checked: bool = True) -> QCheckBox:
        box = QCheckBox(text)
        box.setChecked(checked)
        if color:
            # :enabled only, so that a disabled box (while exporting) greys out like the others.
            box.setStyleSheet(f"QCheckBox {{ font-weight: bold; }} QCheckBox:enabled {{ color: {color}; }}")
        return box

    # -- sheets ---------------------------------------------------------------------------------------

    def sheet_items(self) -> list[QListWidgetItem]:
        return [self.sheet_list.item(i) for i in range(self.sheet_list.count())]

    def set_available_sheets(self, available: Iterable[str]) -> None:
        """Sheets this version cannot write are shown greyed out, unticked, and never chosen."""
        can = set(available)
        for item in self.sheet_items():
            ok = item.data(SHEET_ROLE) in can
            flags = item.flags()
            item.setFlags(flags | Qt.ItemFlag.ItemIsEnabled if ok else flags & ~Qt.ItemFlag.ItemIsEnabled)
            item.setToolTip("" if ok else "This version of the tool cannot write this sheet yet.")
            if not ok:
                item.setCheckState(UNCHECKED)

    @staticmethod
    def _sheet_open(item: QListWidgetItem) -> bool:
        return bool(item.flags() & Qt.ItemFlag.ItemIsEnabled)

    def set_sheets(self, titles: Iterable[str]) -> None:
        chosen = set(titles)
        for item in self.sheet_items():
            item.setCheckState(
                CHECKED if self._sheet_open(item) and item.data(SHEET_ROLE) in chosen else UNCHECKED
            )

    def sheets(self) -> tuple[str, ...]:
        return tuple(i.data(SHEET_ROLE) for i in self.sheet_items() if i.checkState() == CHECKED)

    # -- options --------------------------------------------------------------------------------------

    def set_organization(self, organization: OrganizationModel | None) -> None:
        self.tree.set_organization(organization)

    def options(self) -> ExportOptions:
        """The choices as ExportOptions; ExportOptionsError says what is missing or wrong."""
        accounts, ous = self.tree.selection()
        if self.tree.topLevelItemCount() and not accounts and not ous and not self._everything_ticked():
            raise ExportOptionsError("Tick at least one account or OU.")
        severities = self._ticked(self.severity_boxes, "severity")
        statuses = self._ticked(self.status_boxes, "status")
        frameworks = [k for k, box in self.framework_boxes.items() if box.isChecked()]
        if not self.sheets():
            raise ExportOptionsError("Tick at least one sheet.")
        return ExportOptions(
            accounts=accounts,
            ous=ous,
            severities=frozenset(severities),
            statuses=frozenset(statuses),
            frameworks=frozenset(frameworks),
            sheets=self.sheets(),
            include_pass=self.include_pass.isChecked(),
        )

    def _everything_ticked(self) -> bool:
        return all(item.checkState(0) == CHECKED for item in self.tree.top_items())

    @staticmethod
    def _ticked(boxes: dict[str, QCheckBox], what: str) -> list[str]:
        ticked = [k for k, box in boxes.items() if box.isChecked()]
        if not ticked:
            raise ExportOptionsError(f"Tick at least one {what}.")
        return [] if len(ticked) == len(boxes) else ticked  # all ticked: no filter

    # -- remembered between runs ----------------------------------------------------------------------

    def save(self, settings: QSettings, organization_id: str) -> None:
        def keep(key: str, boxes: dict[str, QCheckBox]) -> None:
            settings.setValue(KEY + key, [k for k, box in boxes.items() if box.isChecked()])

        keep("severities", self.severity_boxes)
        keep("statuses", self.status_boxes)
        keep("frameworks", self.framework_boxes)
        settings.setValue(KEY + "include_pass", self.include_pass.isChecked())
        # What was left out, not what was chosen: a sheet added by a later version starts ticked.
        left_out = [
            i.data(SHEET_ROLE)
            for i in self.sheet_items()
            if self._sheet_open(i) and i.checkState() != CHECKED
        ]
        settings.setValue(KEY + "sheets_left_out", left_out)
        if organization_id:
            accounts, ous = self.tree.selection()
            settings.setValue(f"{KEY}scope/{organization_id}/accounts", sorted(accounts))
            settings.setValue(f"{KEY}scope/{organization_id}/ous", sorted(ous))

    def restore(self, settings: QSettings, organization_id: str) -> None:
        def load(key: str, boxes: dict[str, QCheckBox]) -> None:
            kept = settings_list(settings, KEY + key)
            if kept is not None and (kept or key == "frameworks"):
                for k, box in boxes.items():
                    box.setChecked(k in kept)

        load("severities", self.severity_boxes)
        load("statuses", self.status_boxes)
        load("frameworks", self.framework_boxes)
        self.include_pass.setChecked(settings_bool(settings, KEY + "include_pass", True))
        left_out = settings_list(settings, KEY + "sheets_left_out") or []
        self.set_sheets(t for t in ALL_SHEETS if t not in left_out)
        if organization_id:
            accounts = settings_list(settings, f"{KEY}scope/{organization_id}/accounts") or []
            ous = settings_list(settings, f"{KEY}scope/{organization_id}/ous") or []
            known = {item.data(0, NODE_ROLE)[1] for item in self.tree.items()}
            # Ids no longer in the organization are dropped; nothing left of them: everything.
            self.tree.set_selection([a for a in accounts if a in known], [o for o in ous if o in known])


def node_of(item: QTreeWidgetItem) -> Any:
    """(kind, id) of a tree item (tests and the dialog)."""
    return item.data(0, NODE_ROLE)
