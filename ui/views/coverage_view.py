"""Coverage: what could not be collected, where, and why.

Not collected is not empty (DESIGN.md): every denied, failed or never-asked
operation of the open snapshot is listed with its reason, so an auditor knows
which conclusions the snapshot cannot support. The summary line counts the
accounts fully collected, partly collected and not collected at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from analysis.model.coverage import Coverage, Gap
from analysis.rules.base import NOT_ASSESSED
from snapshot import Snapshot
from snapshot.reader import CallRow
from snapshot.schema import M_ACCOUNT_OUTCOMES
from ui.models.coverage_model import (
    COL_ACCOUNT,
    COL_REASON,
    STATE_LABELS,
    STATE_ORDER,
    CoverageFilterProxy,
    CoverageModel,
    CoverageSummary,
    summarize,
)
from ui.models.findings_model import FindingRow, FindingsModel

ANY = "(any)"
EMPTY_TEXT = "Everything in scope was collected: no call was denied, failed or skipped."
NO_SNAPSHOT_TEXT = "Open a snapshot to see what could not be collected."
NOT_ASSESSED_COLUMNS = ("control", "title", "account", "region", "resource", "message")
NOT_ASSESSED_WAITING = (
    "Not assessed: the assessment runs when this tab, the dashboard or the findings are shown."
)
WARN_STYLE = "color: #8a4b00; background: #fff4e0; padding: 4px; border: 1px solid #f0c080;"
OK_STYLE = "color: #1b5e20; padding: 4px;"


def compute_gaps(calls: Iterable[CallRow], manifest: Mapping[str, Any]) -> list[Gap]:
    """The gaps of a snapshot, named from its manifest (pure; safe to run in a worker)."""
    outcomes: Mapping[str, Any] = manifest.get(M_ACCOUNT_OUTCOMES) or {}
    names = {k: str(v.get("name") or "") for k, v in outcomes.items()}
    return Coverage(calls=calls, manifest=manifest).gaps(names)


class CoverageView(QWidget):
    """Summary, filters and the table of gaps for one snapshot."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary: CoverageSummary | None = None
        self.model = CoverageModel(parent=self)
        self.proxy = CoverageFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.summary_label = QLabel(NO_SNAPSHOT_TEXT)
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.state_filter = QComboBox()
        self.account_filter = QComboBox()
        self.service_filter = QComboBox()
        filters = QHBoxLayout()
        for label, combo in (
            ("State:", self.state_filter),
            ("Account:", self.account_filter),
            ("Service:", self.service_filter),
        ):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(self._apply_filters)
            filters.addWidget(QLabel(label))
            filters.addWidget(combo)
        self.shown_label = QLabel()
        filters.addStretch(1)
        filters.addWidget(self.shown_label)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_ACCOUNT, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_REASON, QHeaderView.ResizeMode.Stretch)

        self.empty_label = QLabel(EMPTY_TEXT)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet("color: #1b5e20; font-size: 14pt;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty_label)

        # What the assessment could not decide (NOT_ASSESSED results, with their reasons).
        self.not_assessed_model = FindingsModel(columns=NOT_ASSESSED_COLUMNS, parent=self)
        self.not_assessed_label = QLabel(NOT_ASSESSED_WAITING)
        self.not_assessed_label.setWordWrap(True)
        self.not_assessed_table = QTableView()
        self.not_assessed_table.setModel(self.not_assessed_model)
        self.not_assessed_table.setSortingEnabled(True)
        self.not_assessed_table.setAlternatingRowColors(True)
        self.not_assessed_table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.not_assessed_table.verticalHeader().hide()
        self.not_assessed_table.setWordWrap(False)
        na_header = self.not_assessed_table.horizontalHeader()
        na_header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        na_header.setStretchLastSection(True)
        for col, width in enumerate((230, 260, 200, 90, 220)):
            self.not_assessed_table.setColumnWidth(col, width)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.not_assessed_label)
        lower_layout.addWidget(self.not_assessed_table, 1)
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addLayout(filters)
        upper_layout.addWidget(self.stack, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(upper)
        split.addWidget(lower)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(split, 1)
        self._set_filter_choices([], [], [])

    # -- what the assessment could not decide ----------------------------------------------------------

    def set_not_assessed(self, rows: Sequence[FindingRow] | None) -> None:
        """Show the NOT_ASSESSED results among ``rows`` (None: no assessment yet)."""
        if rows is None:
            self.not_assessed_model.set_rows([])
            self.not_assessed_label.setText(NOT_ASSESSED_WAITING)
            return
        kept = [r for r in rows if r.status == NOT_ASSESSED]
        self.not_assessed_model.set_rows(kept)
        self.not_assessed_table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        controls = len({r.control_id for r in kept})
        accounts = len({r.account_id for r in kept})
        self.not_assessed_label.setText(
            f"<b>Not assessed: {len(kept):,} result(s) of {controls} control(s) in {accounts} account(s)</b>"
            " — the assessment could not decide these, because what they need was not collected,"
            " was denied or the region is disabled (reason per row)."
            if kept
            else "<b>Not assessed: none</b> — every control could decide on what was collected."
        )

    def set_not_assessed_status(self, text: str) -> None:
        if self.not_assessed_model.rowCount() == 0:
            self.not_assessed_label.setText(f"Not assessed: {text}")

    # -- data ---------------------------------------------------------------------------

    def set_snapshot(self, snapshot: Snapshot | None) -> None:
        """Show the gaps of ``snapshot`` (None: nothing open)."""
        if snapshot is None:
            self.set_calls(None, {})
            return
        self.set_calls(snapshot.calls(), snapshot.manifest)

    def set_calls(self, calls: Iterable[CallRow] | None, manifest: Mapping[str, Any]) -> None:
        """Show the gaps of these call records (None: nothing open)."""
        if calls is None:
            self.summary = None
            self.model.set_gaps([])
            self._set_filter_choices([], [], [])
            self.summary_label.setText(NO_SNAPSHOT_TEXT)
            self.summary_label.setStyleSheet("")
            self.stack.setCurrentWidget(self.table)
            self.shown_label.clear()
            return
        self.set_gaps(compute_gaps(calls, manifest), manifest)

    def set_gaps(self, gaps: Sequence[Gap], manifest: Mapping[str, Any]) -> None:
        """Show gaps computed elsewhere (e.g. by the loading worker, off the GUI thread)."""
        outcomes: Mapping[str, Any] = manifest.get(M_ACCOUNT_OUTCOMES) or {}
        self.model.set_gaps(gaps)
        self.summary = summarize(gaps, outcomes)
        self._set_filter_choices(
            sorted({g.state for g in gaps}, key=lambda s: STATE_ORDER.get(s, 99)),
            sorted({(g.account_id, g.account_name) for g in gaps}),
            sorted({g.service for g in gaps}),
        )
        text = self.summary.text
        if gaps:
            text += f"; {len(gaps)} gap(s) in what was collected"
            self.summary_label.setStyleSheet(WARN_STYLE)
        else:
            self.summary_label.setStyleSheet(OK_STYLE)
        self.summary_label.setText(text)
        self.stack.setCurrentWidget(self.table if gaps else self.empty_label)
        self._apply_filters()

    def _set_filter_choices(
        self, states: list[str], accounts: list[tuple[str, str]], services: list[str]
    ) -> None:
        for combo, items in (
            (self.state_filter, [(STATE_LABELS.get(s, s), s) for s in states]),
            (self.account_filter, [(f"{a} {n}".strip(), a) for a, n in accounts]),
            (self.service_filter, [("(whole account)" if s == "*" else s, s) for s in services]),
        ):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(ANY, None)
            for label, value in items:
                combo.addItem(label, value)
            combo.setEnabled(bool(items))
            combo.blockSignals(False)

    def set_filters(
        self, *, state: str | None = None, account: str | None = None, service: str | None = None
    ) -> None:
        """Choose filters programmatically (None: any); unknown values select nothing."""
        for combo, value in (
            (self.state_filter, state),
            (self.account_filter, account),
            (self.service_filter, service),
        ):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(value)) if value is not None else 0)
            combo.blockSignals(False)
        self._apply_filters()

    def _apply_filters(self) -> None:
        self.proxy.set_filters(
            state=self.state_filter.currentData(),
            account=self.account_filter.currentData(),
            service=self.service_filter.currentData(),
        )
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        self.shown_label.setText(f"{shown} of {total} shown" if total else "")
