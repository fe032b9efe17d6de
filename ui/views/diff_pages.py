"""The two pages of the diff window: findings (new / resolved / status changed / unchanged) and
resources (added / removed / changed, with the fields of the selected one).

Each page is a bar of kinds (with their counts), a search box and one table; the kind and the
search text are one filter of :class:`ui.models.diff_model.DiffFilterProxy`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from PySide6.QtCore import QItemSelection, Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QTabBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.models.diff_model import (
    DiffFilterProxy,
    DiffFindingsModel,
    DiffRowsModel,
    FieldChangesModel,
    ResourcesModel,
)
from ui.models.diff_rows import (
    CHANGED,
    FINDING_KINDS,
    RESOURCE_KINDS,
    DiffFindingRow,
    ResourceRow,
    status_text,
    value_text,
)

FINDING_WIDTHS = (80, 240, 210, 90, 230, 160)
RESOURCE_WIDTHS = (110, 230, 190)


def make_table(model: Any, widths: Sequence[int]) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setDefaultSectionSize(22)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    for col, width in enumerate(widths):
        table.setColumnWidth(col, width)
    return table


class KindTablePage(QWidget):
    """A bar of kinds with counts, a search box and a table of the selected kind's rows."""

    def __init__(
        self, *, model: DiffRowsModel, kinds: Mapping[str, str], widths: Sequence[int], placeholder: str
    ) -> None:
        super().__init__()
        self.kinds = tuple(kinds)
        self.labels = dict(kinds)
        self.model = model
        model.setParent(self)
        self.proxy = DiffFilterProxy(self)
        self.proxy.setSourceModel(model)
        self.bar = QTabBar()
        self.bar.setExpanding(False)
        self.bar.setUsesScrollButtons(False)  # every kind and its count always in sight
        for kind in self.kinds:
            self.bar.addTab(self.labels[kind])
        self.search = QLineEdit()
        self.search.setPlaceholderText(placeholder)
        self.search.setClearButtonEnabled(True)
        self._timer = QTimer(self, singleShot=True, interval=250)
        self._timer.timeout.connect(self.apply)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.shown = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.bar)
        top.addWidget(self.search, 1)
        top.addWidget(self.shown)
        self.table = make_table(self.proxy, widths)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(4, 4, 4, 4)
        self.layout_.addLayout(top)
        self.bar.currentChanged.connect(lambda _i: self.apply())  # once the page is built

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.model.set_rows(rows)
        counts = {k: sum(1 for r in rows if r.kind == k) for k in self.kinds}
        for i, kind in enumerate(self.kinds):
            self.bar.setTabText(i, f"{self.labels[kind]} ({counts[kind]:,})")
        # open on the first kind that has rows (a diff with nothing new opens on what was resolved)
        first = next((i for i, k in enumerate(self.kinds) if counts[k]), 0)
        self.bar.blockSignals(True)
        self.bar.setCurrentIndex(first)
        self.bar.blockSignals(False)
        self.apply()

    def counts(self) -> dict[str, int]:
        return {k: sum(1 for r in self.model.rows() if r.kind == k) for k in self.kinds}

    def select_kind(self, kind: str) -> None:
        self.bar.setCurrentIndex(self.kinds.index(kind))

    def current_kind(self) -> str:
        return self.kinds[self.bar.currentIndex()] if self.bar.currentIndex() >= 0 else ""

    def apply(self) -> None:
        self._timer.stop()
        self.proxy.set_filter(kind=self.current_kind(), text=self.search.text())
        of = self.counts().get(self.current_kind(), 0)
        self.shown.setText(f"{self.proxy.rowCount():,} of {of:,} shown" if self.search.text().strip() else "")

    def visible_rows(self) -> list[Any]:
        return [self.proxy.row_at(i) for i in range(self.proxy.rowCount())]


class FindingsDiffPage(KindTablePage):
    """The findings table, and under it the selected finding in full (control, resource, both reasons)."""

    def __init__(self) -> None:
        super().__init__(
            model=DiffFindingsModel(),
            kinds=FINDING_KINDS,
            widths=FINDING_WIDTHS,
            placeholder="Search control, account, region, resource, message…",
        )
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # four lines whatever is selected: the table does not jump as the selection moves
        self.detail.setMinimumHeight(self.detail.fontMetrics().lineSpacing() * 4 + 6)
        self.layout_.addWidget(self.table, 1)
        self.layout_.addWidget(self.detail)
        self.table.selectionModel().selectionChanged.connect(
            lambda _s, _d: self.show_finding(self.selected())
        )
        self.show_finding(None)

    def apply(self) -> None:
        super().apply()
        if not self.table.selectionModel().hasSelection():
            self.show_finding(None)

    def selected(self) -> DiffFindingRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.proxy.row_at(rows[0].row()) if rows else None

    def show_finding(self, row: DiffFindingRow | None) -> None:
        if row is None:
            self.detail.setText("<i>Select a finding to read it in full.</i>")
            return
        r = row.result
        lines = [
            f"<b>{escape(r.control_id)}</b>: {escape(row.title)} ({escape(row.severity or 'severity unknown')})",
            f"{escape(row.account_text)} · {escape(r.region)} · {escape(r.resource_arn or r.resource_id)}",
        ]
        if row.old_message and row.old_message != r.message:
            lines.append(f"<b>Older</b> ({escape(status_text(row.old_status))}): {escape(row.old_message)}")
            lines.append(f"<b>Newer</b> ({escape(status_text(row.new_status))}): {escape(r.message)}")
        elif row.new_status or row.kind != "resolved":
            lines.append(f"<b>{escape(status_text(row.new_status))}</b>: {escape(r.message)}")
        else:
            lines.append(f"<b>Older</b> ({escape(status_text(row.old_status))}): {escape(r.message)}")
            lines.append(
                "<b>Newer</b>: no result (the resource, account or region is not in the newer snapshot)"
            )
        self.detail.setText("<br>".join(lines))


class ResourcesDiffPage(KindTablePage):
    """The resources table, and beside it the fields of the selected resource with their full values."""

    def __init__(self) -> None:
        super().__init__(
            model=ResourcesModel(),
            kinds=RESOURCE_KINDS,
            widths=RESOURCE_WIDTHS,
            placeholder="Search ARN, type, account, field…",
        )
        self.fields_model = FieldChangesModel(self)
        self.title = QLabel("Select a resource to see its fields.")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fields = make_table(self.fields_model, (200, 220))
        self.fields.selectionModel().selectionChanged.connect(self._field_selected)
        self.value = QPlainTextEdit()
        self.value.setReadOnly(True)
        self.value.setFont(QFont("monospace"))
        self.value.setPlaceholderText("Select a field to see its whole older and newer values.")
        detail = QSplitter(Qt.Orientation.Vertical)
        for w in (self.title, self.fields, self.value):
            detail.addWidget(w)
        detail.setStretchFactor(1, 3)
        detail.setStretchFactor(2, 2)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(detail)
        splitter.setSizes([680, 560])
        self.layout_.addWidget(splitter, 1)
        self.table.selectionModel().selectionChanged.connect(self._resource_selected)

    def apply(self) -> None:
        super().apply()
        if not self.table.selectionModel().hasSelection():
            self.show_resource(None)

    def selected(self) -> ResourceRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.proxy.row_at(rows[0].row()) if rows else None

    def show_resource(self, row: ResourceRow | None) -> None:
        self.value.clear()
        self.fields_model.set_fields(row.fields if row else ())
        if row is None:
            self.title.setText("Select a resource to see its fields.")
            return
        what = {
            CHANGED: f"{len(row.fields)} field(s) changed",
            "added": "new in the newer snapshot: its fields",
            "removed": "not in the newer snapshot: its fields as they were",
        }[row.kind]
        self.title.setText(f"<b>{row.record_type}</b> {row.arn}<br>{row.account_text} · {what}")
        if row.fields:
            self.fields.selectRow(0)

    def _resource_selected(self, _s: QItemSelection, _d: QItemSelection) -> None:
        self.show_resource(self.selected())

    def _field_selected(self, _s: QItemSelection, _d: QItemSelection) -> None:
        rows = self.fields.selectionModel().selectedRows()
        if not rows:
            self.value.clear()
            return
        f = self.fields_model.field_at(rows[0].row())
        parts = [f.field]
        if f.in_old:
            parts.append("Older:\n" + value_text(f.old, indent=2))
        if f.in_new:
            parts.append("Newer:\n" + value_text(f.new, indent=2))
        self.value.setPlainText("\n\n".join(parts))
