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
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from analysis.model.coverage import Coverage, Gap
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

ANY = "(any)"
EMPTY_TEXT = "Everything in scope was collected: no call was denied, failed or skipped."
NO_SNAPSHOT_TEXT = "Open a snapshot to see what could not be collected."
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

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addLayout(filters)
        layout.addWidget(self.stack, 1)
        self._set_filter_choices([], [], [])

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
