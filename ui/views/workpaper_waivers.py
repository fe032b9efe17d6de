"""Workpaper › Waivers…: every waiver of the workpaper in one table, with what it matches, and Remove."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from analysis.workpaper import WAIVABLE, Workpaper
from ui.views.workpaper_panel import scope_text
from ui.views.workpaper_session import RowIndex, time_text

COLUMNS = (
    "Control",
    "Resource pattern",
    "Scope",
    "Owner",
    "Expires",
    "Expired?",
    "Matches",
    "Reason",
)
MATCHES_COLUMN, EXPIRED_COLUMN = 6, 5
MATCH_TIP = 12  # resources listed in the Matches tooltip


class WaiversDialog(QDialog):
    """Lists the waivers; ``remove_requested(index)`` asks the controller to remove one."""

    remove_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Waivers")
        self.resize(1320, 480)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((200, 250, 180, 160, 85, 70, 65)):
            self.table.setColumnWidth(col, width)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.remove_button = QPushButton("Remove waiver…")
        self.remove_button.setEnabled(False)
        self.remove_button.clicked.connect(self._remove)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.remove_button)
        row.addStretch(1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)

    def set_waivers(
        self,
        workpaper: Workpaper | None,
        index: RowIndex | None,
        *,
        today: date,
        names: Mapping[str, str] | None = None,
    ) -> None:
        """Fill the table; ``index``: the assessment's rows (None: not run yet, no counts).

        ``names``: account, OU and root ids -> names, for the scope column.
        """
        waivers = workpaper.waivers if workpaper is not None else ()
        self.table.setRowCount(len(waivers))
        expired_count = 0
        for i, w in enumerate(waivers):
            expired = w.expired(today)
            expired_count += expired
            if index is not None:
                matched = [r for r in index.matching(w) if r.result.status in WAIVABLE]
                matches = f"{len(matched):,}"
                tip = "\n".join(r.result.resource_arn or r.resource for r in matched[:MATCH_TIP])
                if len(matched) > MATCH_TIP:
                    tip += f"\n… {len(matched) - MATCH_TIP:,} more"
            else:
                matches, tip = "—", "The assessment has not run yet: show the Findings tab."
            cells = (
                w.control_id,
                w.resource_pattern,
                scope_text(w, names),
                w.owner,
                w.expires.isoformat() if w.expires else "never",
                "expired" if expired else "no",
                matches,
                w.reason,
            )
            recorded = f"recorded {time_text(w.created)}" if w.created else "recorded at an unknown time"
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(
                    tip if col == MATCHES_COLUMN else f"{text}\n({recorded})" if col == 0 else text
                )
                item.setData(Qt.ItemDataRole.UserRole, i)
                if expired and col == EXPIRED_COLUMN:
                    item.setForeground(QBrush(QColor("#c62828")))
                if col == MATCHES_COLUMN:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, col, item)
        if workpaper is None:
            self.summary.setText("No snapshot is open.")
        else:
            self.summary.setText(
                f"{len(waivers)} waiver(s) in {workpaper.path}"
                + (f", {expired_count} expired (they no longer apply)" if expired_count else "")
                + ". Matches: the failed or not-assessed results of this assessment each waiver covers."
            )
        self._selection_changed()

    def selected_index(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _selection_changed(self) -> None:
        self.remove_button.setEnabled(self.selected_index() is not None)

    def _remove(self) -> None:
        index = self.selected_index()
        if index is not None:
            self.remove_requested.emit(index)
