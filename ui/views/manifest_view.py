"""The snapshot's manifest: what was asked for, by whom, when, how it ended, and whether the file is intact.

A tampered file is shown in red at the top, where it cannot be missed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from snapshot.reader import INCOMPLETE, INTACT, TAMPERED
from snapshot.schema import (
    M_ACCOUNT_OUTCOMES,
    M_FINISHED_AT,
    M_IDENTITY,
    M_MANAGEMENT_ACCOUNT_ID,
    M_ORGANIZATION_ID,
    M_RUNS,
    M_SCHEMA_VERSION,
    M_SCOPE,
    M_STARTED_AT,
    M_STATUS,
    M_TOOL_VERSION,
)

OUTCOME_COLUMNS = (
    "Account",
    "Name",
    "Status",
    "Detail",
    "Regions collected",
    "Regions disabled",
    "Denied calls",
    "Failed calls",
)
INTEGRITY_TEXT = {
    INTACT: ("Intact: every record matches the integrity digest", "color: #1b5e20;"),
    INCOMPLETE: (
        "Incomplete: the collection did not finish (no integrity digest yet); resume it to complete",
        "color: #8a4b00; font-weight: bold;",
    ),
    TAMPERED: (
        "TAMPERED: this file changed after collection. Opened read-only; do not rely on it as evidence",
        "color: white; background: #c62828; font-weight: bold; padding: 6px;",
    ),
}
STATUS_COLORS = {
    "access_failed": "#c62828",
    "partial": "#b35900",
    "skipped": "#6d6d6d",
    "cancelled": "#b35900",
}


def _text(value: Any, empty: str = "—") -> str:
    if value is None or value == "" or value == []:
        return empty
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


class _NumberItem(QTableWidgetItem):
    """A table cell that sorts by its number (EditRole holds the int)."""

    def __init__(self, value: int) -> None:
        super().__init__()
        self.setData(Qt.ItemDataRole.EditRole, value)
        self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class ManifestView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.integrity = QLabel()
        self.integrity.setWordWrap(True)
        self.fields: dict[str, QLabel] = {}

        collection = QGroupBox("Collection")
        collection_form = QFormLayout(collection)
        scope = QGroupBox("Scope asked for")
        scope_form = QFormLayout(scope)
        for form, keys in (
            (
                collection_form,
                (
                    "Identity",
                    "Organization",
                    "Management account",
                    "Started",
                    "Finished",
                    "Status",
                    "Tool version",
                    "Schema version",
                ),
            ),
            (scope_form, ("Method", "Profile", "Member role", "Accounts", "OUs", "Regions", "Services")),
        ):
            for key in keys:
                label = QLabel()
                label.setWordWrap(True)
                label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                form.addRow(f"{key}:", label)
                self.fields[key] = label

        self.table = QTableWidget(0, len(OUTCOME_COLUMNS))
        self.table.setHorizontalHeaderLabels(list(OUTCOME_COLUMNS))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column in range(len(OUTCOME_COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

        top = QHBoxLayout()
        top.addWidget(collection, 3)
        top.addWidget(scope, 2)
        outcomes = QGroupBox("Per-account outcomes")
        outcomes_layout = QVBoxLayout(outcomes)
        self.no_outcomes = QLabel(
            "No per-account outcomes recorded (the collection stopped before any account)."
        )
        self.no_outcomes.hide()
        outcomes_layout.addWidget(self.no_outcomes)
        outcomes_layout.addWidget(self.table)

        layout = QVBoxLayout(self)
        layout.addWidget(self.integrity)
        layout.addLayout(top)
        layout.addWidget(outcomes, 1)

    def set_manifest(self, manifest: Mapping[str, Any], *, integrity: str) -> None:
        text, style = INTEGRITY_TEXT.get(integrity, (f"Integrity: {integrity}", ""))
        self.integrity.setText(text)
        self.integrity.setStyleSheet(style)
        self.integrity.setProperty("integrity", integrity)

        identity = manifest.get(M_IDENTITY) or {}
        scope = manifest.get(M_SCOPE) or {}
        runs = manifest.get(M_RUNS) or []
        status = _text(manifest.get(M_STATUS))
        if len(runs) > 1:
            status += f" ({len(runs)} runs, resumed)"
        values = {
            "Identity": _text(
                identity.get("Arn") if isinstance(identity, dict) else identity, "not recorded"
            ),
            "Organization": _text(
                manifest.get(M_ORGANIZATION_ID), "not recorded (not an organization, or denied)"
            ),
            "Management account": _text(manifest.get(M_MANAGEMENT_ACCOUNT_ID), "not recorded"),
            "Started": _text(manifest.get(M_STARTED_AT)),
            "Finished": _text(
                manifest.get(M_FINISHED_AT) or (runs[-1].get("finished_at") if runs else None), "not finished"
            ),
            "Status": status,
            "Tool version": _text(manifest.get(M_TOOL_VERSION)),
            "Schema version": _text(manifest.get(M_SCHEMA_VERSION)),
            "Method": _text(scope.get("method"), "not recorded"),
            "Profile": _text(scope.get("profile"), "default"),
            "Member role": _text(scope.get("member_role")),
            "Accounts": _text(scope.get("accounts"), "all"),
            "OUs": _text(scope.get("ous"), "all"),
            "Regions": _text(scope.get("regions"), "all enabled"),
            "Services": _text(scope.get("services"), "all"),
        }
        for key, value in values.items():
            self.fields[key].setText(value)

        outcomes = manifest.get(M_ACCOUNT_OUTCOMES) or {}
        self.table.setSortingEnabled(False)
        self.table.setRowCount(0)
        for account_id, outcome in sorted(outcomes.items()):
            row = self.table.rowCount()
            self.table.insertRow(row)
            cells: list[QTableWidgetItem] = [
                QTableWidgetItem(account_id),
                QTableWidgetItem(_text(outcome.get("name"), "")),
                QTableWidgetItem(_text(outcome.get("status"))),
                QTableWidgetItem(_text(outcome.get("detail"), "")),
                QTableWidgetItem(_text(outcome.get("regions_collected"), "")),
                QTableWidgetItem(_text(outcome.get("regions_disabled"), "")),
                _NumberItem(int(outcome.get("denied_calls") or 0)),
                _NumberItem(int(outcome.get("failed_calls") or 0)),
            ]
            cells[3].setToolTip(cells[3].text())
            cells[4].setToolTip(cells[4].text())
            color = STATUS_COLORS.get(str(outcome.get("status")))
            if color:
                cells[2].setForeground(QBrush(QColor(color)))
            for column, cell in enumerate(cells):
                self.table.setItem(row, column, cell)
        self.no_outcomes.setVisible(not outcomes)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
