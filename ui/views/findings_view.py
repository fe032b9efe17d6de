"""The findings tab: every assessment result in one table, filters, and the detail pane of the selected one.

The rows are built in the assessment worker (``ui.workers.build_assessment_job``); this view only
hands them to the model, which filters and sorts itself (``ui.models.findings_model``). Filters are
single choices per field plus a search box (debounced), and ``set_filter`` lets the dashboard narrow
the table when a bar is clicked. Several rows can be selected (``selected_rows``); the detail pane
shows the current one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from analysis.rules.base import PRACTICES, SEVERITIES, Control
from snapshot import Snapshot
from ui.models.findings_model import (
    FRAMEWORKS,
    STATUS_LABELS,
    STATUS_ORDER,
    FindingRow,
    FindingsFilter,
    FindingsModel,
    section_label,
)
from ui.views.findings_detail import FindingDetailView

ANY = "(any)"
NOT_RUN = "Open a snapshot: the assessment runs when this tab is shown."
WIDTHS = {"status": 95, "severity": 85, "control": 250, "title": 320, "account": 210, "ou": 170, "region": 95,
          "service": 90, "resource": 260}  # fmt: skip


class AssessmentStatusBar(QWidget):
    """Progress of the assessment (message, bar, Cancel); hidden when nothing runs."""

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(NOT_RUN)
        self.label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(300)
        self.cancel = QPushButton("Cancel")
        self.cancel.clicked.connect(self.cancel_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel)
        self.set_idle(NOT_RUN)

    def set_progress(self, done: int, total: int, message: str) -> None:
        self.bar.setRange(0, total)  # (0, 0): busy
        self.bar.setValue(done)
        self.bar.show()
        self.cancel.show()
        self.label.setText(f"Assessing: {message}" if total else message)
        self.show()

    def set_idle(self, text: str) -> None:
        self.bar.hide()
        self.cancel.hide()
        self.label.setText(text)
        self.setVisible(bool(text))


class FindingsView(QWidget):
    """Filters, the results table and the detail pane."""

    cancel_requested = Signal()
    rows_selected = Signal(list)  # the selected FindingRows, in the order shown

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controls: dict[str, Control] = {}
        self.model = FindingsModel(parent=self)
        self.status_bar = AssessmentStatusBar()
        self.status_bar.cancel_requested.connect(self.cancel_requested)

        self.combos: dict[str, QComboBox] = {}
        grid = QGridLayout()
        labels = (
            ("statuses", "Status"), ("severities", "Severity"), ("framework", "Framework"),
            ("section", "Section"), ("practice", "Practice"), ("account_id", "Account"), ("ou_id", "OU"),
            ("region", "Region"), ("service", "Service"),
        )  # fmt: skip
        for i, (key, label) in enumerate(labels):
            combo = QComboBox()
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
            combo.currentIndexChanged.connect(self._apply)
            self.combos[key] = combo
            grid.addWidget(QLabel(label + ":"), i // 5, (i % 5) * 2)
            grid.addWidget(combo, i // 5, (i % 5) * 2 + 1)
        for col in range(5):
            grid.setColumnStretch(col * 2 + 1, 1)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search control, title, account, resource, message…")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self, singleShot=True, interval=250)
        self._search_timer.timeout.connect(self._apply)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.clicked.connect(lambda: self.set_filter(FindingsFilter()))
        self.shown_label = QLabel()
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.clear_button)
        search_row.addWidget(self.shown_label)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, key in enumerate(self.model.columns):
            self.table.setColumnWidth(col, WIDTHS.get(key, 120))
        selection = self.table.selectionModel()
        selection.selectionChanged.connect(self._selection_changed)
        selection.currentRowChanged.connect(self._selection_changed)

        self.detail = FindingDetailView()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([900, 600])
        self.splitter = splitter

        layout = QVBoxLayout(self)
        layout.addWidget(self.status_bar)
        layout.addLayout(grid)
        layout.addLayout(search_row)
        layout.addWidget(splitter, 1)
        self._fill_choices()

    # -- data ---------------------------------------------------------------------------------------

    def set_findings(
        self, rows: Sequence[FindingRow], controls: Sequence[Control], snapshot: Snapshot | None
    ) -> None:
        self.controls = {c.id: c for c in controls}
        self.detail.set_snapshot(snapshot)
        self.model.set_rows(rows)
        self._fill_choices()
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # failures first, the most severe first
        self._apply()

    def clear(self) -> None:
        self.set_findings([], [], None)
        self.status_bar.set_idle(NOT_RUN)

    def _fill_choices(self) -> None:
        """The choices present in the rows, read once per control and per account (not per row)."""
        index = self.model.findings_index
        per_control = index.control_rows()
        per_account = index.account_rows()
        statuses = sorted(index.distinct_statuses(), key=lambda s: STATUS_ORDER.get(s, 9))
        severities = {r.severity for r in per_control}
        frameworks = {f for r in per_control for f in r.frameworks}
        sections = sorted(
            {s for r in per_control for s in r.sections},
            key=lambda s: (FRAMEWORKS.index(s[0]) if s[0] in FRAMEWORKS else 9, s[1].zfill(4)),
        )
        ous: dict[str, str] = {}
        for r in per_account:
            names = r.ou_text.split(" / ") if r.ou_text else []
            for depth, ou in enumerate(r.ou_ids):
                ous.setdefault(ou, " / ".join(names[: depth + 1]) or ou)
        choices: dict[str, list[tuple[str, Any]]] = {
            "statuses": [(STATUS_LABELS.get(s, s), frozenset({s})) for s in statuses],
            "severities": [(s.capitalize(), frozenset({s})) for s in SEVERITIES if s in severities],
            "framework": [(f, f) for f in FRAMEWORKS if f in frameworks],
            "section": [(section_label(s), s) for s in sections],
            "practice": [(PRACTICES[p], p) for p in PRACTICES if any(r.practice == p for r in per_control)],
            "account_id": sorted((r.account_text, r.account_id) for r in per_account if r.account_id),
            "ou_id": sorted(((label, ou) for ou, label in ous.items()), key=lambda x: x[0]),
            "region": [(g, g) for g in sorted(index.distinct_regions())],
            "service": [(s, s) for s in sorted({r.service for r in per_control if r.service})],
        }
        for key, combo in self.combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(ANY, None)
            for label, value in choices[key]:
                combo.addItem(label, value)
            combo.setEnabled(bool(choices[key]))
            combo.blockSignals(False)

    # -- filters ------------------------------------------------------------------------------------

    def current_filter(self) -> FindingsFilter:
        values = {key: combo.currentData() for key, combo in self.combos.items()}
        return FindingsFilter(
            statuses=values["statuses"] or frozenset(),
            severities=values["severities"] or frozenset(),
            account_id=values["account_id"],
            ou_id=values["ou_id"],
            region=values["region"],
            service=values["service"],
            framework=values["framework"],
            section=values["section"],
            practice=values["practice"],
            text=self.search.text(),
        )

    def set_filter(self, value: FindingsFilter) -> None:
        """Show what ``value`` selects (the dashboard's bars call this); a value not present selects nothing."""
        wanted: dict[str, Any] = {
            "statuses": value.statuses or None,
            "severities": value.severities or None,
            "account_id": value.account_id,
            "ou_id": value.ou_id,
            "region": value.region,
            "service": value.service,
            "framework": value.framework,
            "section": value.section,
            "practice": value.practice,
        }
        for key, combo in self.combos.items():
            combo.blockSignals(True)
            want = wanted[key]
            index = 0
            if want is not None:
                index = next((i for i in range(combo.count()) if combo.itemData(i) == want), -1)
                if index < 0:  # not among the choices: add it, so the table says "0 shown" honestly
                    combo.addItem(_choice_label(key, want), want)
                    index = combo.count() - 1
            combo.setCurrentIndex(index)
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.setText(value.text)
        self.search.blockSignals(False)
        self._apply()

    def _apply(self) -> None:
        self._search_timer.stop()
        self.model.set_filter(self.current_filter())
        total = self.model.total()
        self.shown_label.setText(f"{self.model.rowCount():,} of {total:,} shown" if total else "")
        current = self.table.currentIndex()
        if current.isValid():  # the selected result is still shown: keep it in sight
            self.table.scrollTo(current)
        self._selection_changed()

    # -- selection ----------------------------------------------------------------------------------

    def select_row(self, row: int) -> None:
        """Select the row shown at ``row`` (alone) and make it current."""
        self.table.selectRow(row)

    def selected(self) -> FindingRow | None:
        """The result the detail pane shows: the current row when selected, else the first selected."""
        selection = self.table.selectionModel()
        current = self.table.currentIndex()
        if current.isValid() and selection.isRowSelected(current.row()):
            return self.model.row_at(current.row())
        rows = selection.selectedRows()
        return self.model.row_at(min(i.row() for i in rows)) if rows else None

    def selected_rows(self) -> list[FindingRow]:
        """Every selected result, in the order shown."""
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [self.model.row_at(r) for r in rows]

    def _selection_changed(self, *_args: Any) -> None:
        row = self.selected()
        if row is not self.detail.row:
            self.detail.show_finding(row, self.controls.get(row.control_id) if row else None)
        self.rows_selected.emit(self.selected_rows())


def _choice_label(key: str, value: Any) -> str:
    if isinstance(value, frozenset):
        return ", ".join(sorted(value))
    if key == "section":
        return section_label(value)
    return str(value)
