"""The detail pane of one finding: what it means, how to fix it, what it maps to, and the raw evidence.

The evidence records are the snapshot pages of the calls the result cites, shown as stored (the
bytes whose SHA-256 the snapshot keeps), with the call's time, operation and outcome. They are read
from the open snapshot when a call is chosen, never copied into the assessment.
"""

from __future__ import annotations

import contextlib
import html
import json
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from analysis.rules.base import CIS_VERSION, FSBP_VERSION, NIST_VERSION, Control
from analysis.workpaper import Judgement
from snapshot import Snapshot, SnapshotError
from ui.models.findings_model import SEVERITY_COLORS, STATUS_COLORS, STATUS_LABELS, FindingRow, practice_label
from ui.views.workpaper_panel import WorkpaperPanel

MAX_CALLS = 500  # calls listed per finding; the rest are counted
NOTHING = "Select a finding to see its rationale, remediation, mappings and evidence."


def _pre(text: str) -> str:
    return f"<pre style='background:#f5f5f5; padding:6px'>{html.escape(text.strip())}</pre>"


def summary_html(row: FindingRow, control: Control | None) -> str:
    r = row.result
    ev = r.evidence
    parts = [
        f"<p>{html.escape(r.message)}</p>",
        "<table cellspacing='2'>",
        *(
            f"<tr><td><b>{k}</b></td><td>{html.escape(v)}</td></tr>"
            for k, v in (
                ("Account", row.account_text),
                ("OU", row.ou_text or "—"),
                ("Region", r.region),
                ("Resource", r.resource_arn or r.resource_id or "—"),
                ("Service", row.service),
                ("Practice", practice_label(row.practice)),
            )
        ),
        "</table>",
    ]
    if control is not None:
        parts.append(f"<h4>Rationale</h4><p>{html.escape(control.rationale)}</p>")
        m = control.mappings
        parts.append("<h4>Mappings</h4><ul>")
        for name, ids in (
            (f"CIS AWS Foundations Benchmark v{CIS_VERSION}", m.cis),
            (f"AWS Foundational Security Best Practices v{FSBP_VERSION}", m.fsbp),
            (f"NIST {NIST_VERSION}", m.nist),
        ):
            parts.append(f"<li>{html.escape(name)}: {html.escape(', '.join(ids) or 'not mapped')}</li>")
        parts.append("</ul>")
    for title, items in (
        ("Matching statements", ev.statements),
        ("Path", ev.path),
        ("Network hops", ev.hops),
    ):
        if items:
            parts.append(f"<h4>{title}</h4><ol>")
            parts += [f"<li>{html.escape(i)}</li>" for i in items]
            parts.append("</ol>")
    if ev.values:
        parts.append("<h4>Observed values</h4>" + _pre(json.dumps(_plain(ev.values), indent=2, default=str)))
    return "".join(parts)


def remediation_html(control: Control | None) -> str:
    if control is None:
        return "<p>This result's control is not in the catalogue: no remediation is known.</p>"
    rem = control.remediation
    return (
        f"<h4>Console</h4><p>{html.escape(rem.console).replace(chr(10), '<br>')}</p>"
        f"<h4>AWS CLI</h4>{_pre(rem.cli)}"
        f"<h4>Terraform</h4>{_pre(rem.terraform)}"
    )


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value


class FindingDetailView(QWidget):
    """Header, the workpaper's judgement with its actions, then tabs: summary, remediation, records."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.snapshot: Snapshot | None = None
        self.row: FindingRow | None = None
        self.judge: Callable[[FindingRow], Judgement | None] | None = (
            None  # the workpaper's (controller sets it)
        )
        self.selected_count = 1  # results selected in the table (the workpaper panel's Waive acts on all)
        self.workpaper_panel = WorkpaperPanel()
        self.header = QLabel(NOTHING)
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary = QTextBrowser()
        self.remediation = QTextBrowser()
        self.calls = QTreeWidget()
        self.calls.setHeaderLabels(["Call", "Time (UTC)", "Operation", "Account / region", "Outcome"])
        self.calls.setRootIsDecorated(True)
        self.calls.currentItemChanged.connect(lambda current, _previous: self._show_record(current))
        self.record_header = QLabel()
        self.record_header.setWordWrap(True)
        self.record_header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.indent = QCheckBox("Indent for reading (the SHA-256 is of the stored text shown unindented)")
        self.indent.toggled.connect(lambda _on: self._show_record(self.calls.currentItem()))
        self.record = QPlainTextEdit()
        self.record.setReadOnly(True)
        self.record.setFont(QFont("monospace"))
        records = QWidget()
        rec_layout = QVBoxLayout(records)
        rec_layout.setContentsMargins(0, 0, 0, 0)
        rec_layout.addWidget(self.record_header)
        rec_layout.addWidget(self.indent)
        rec_layout.addWidget(self.record, 1)
        evidence = QSplitter(Qt.Orientation.Vertical)
        evidence.addWidget(self.calls)
        evidence.addWidget(records)
        evidence.setSizes([160, 300])
        self.tabs = QTabWidget()
        self.tabs.addTab(self.summary, "Summary")
        self.tabs.addTab(self.remediation, "Remediation")
        self.tabs.addTab(evidence, "Evidence records")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.workpaper_panel)
        layout.addWidget(self.tabs, 1)
        self.show_finding(None, None)

    def set_snapshot(self, snapshot: Snapshot | None) -> None:
        self.snapshot = snapshot
        self.show_finding(None, None)

    def set_selected_count(self, count: int) -> None:
        self.selected_count = count
        self.show_judgement()

    def show_judgement(self) -> None:
        """Show (again) what the workpaper says about the shown result."""
        row = self.row
        judgement = self.judge(row) if self.judge is not None and row is not None else None
        self.workpaper_panel.show_row(row, judgement, selected=self.selected_count)

    def show_finding(self, row: FindingRow | None, control: Control | None) -> None:
        self.row = row
        self.show_judgement()
        self.calls.clear()
        self.record.clear()
        self.record_header.clear()
        self.tabs.setEnabled(row is not None)
        if row is None:
            self.header.setText(NOTHING)
            self.summary.clear()
            self.remediation.clear()
            return
        self._show_header(row)
        self.summary.setHtml(summary_html(row, control))
        self.remediation.setHtml(remediation_html(control))
        self._list_calls(row)

    def refresh(self, row: FindingRow | None) -> None:
        """Show the same result again after a workpaper edit (its status, waiver, note); evidence kept."""
        if row is None or self.row is None or row.index != self.row.index:
            return
        self.row = row
        self._show_header(row)
        self.show_judgement()

    def _show_header(self, row: FindingRow) -> None:
        status_color = STATUS_COLORS.get(row.status, "#000")
        sev_color = SEVERITY_COLORS.get(row.severity, "#000")
        assessed = ""
        if row.status != row.result.status:
            assessed = f" (assessed {html.escape(STATUS_LABELS.get(row.result.status, row.result.status))})"
        self.header.setText(
            f"<span style='color:{status_color}; font-weight:bold'>"
            f"{html.escape(STATUS_LABELS.get(row.status, row.status))}</span>{assessed}"
            f" · <span style='color:{sev_color}; font-weight:bold'>{html.escape(row.severity.capitalize())}</span>"
            f" · <code>{html.escape(row.control_id)}</code><br><b>{html.escape(row.title)}</b>"
        )

    # -- evidence records ---------------------------------------------------------------------------

    def _list_calls(self, row: FindingRow) -> None:
        ids = row.result.evidence.call_ids
        if not ids:
            self.record_header.setText("This result cites no snapshot call.")
            return
        if self.snapshot is None:
            self.record_header.setText("The snapshot is closed: its records cannot be read.")
            return
        first: QTreeWidgetItem | None = None
        for call_id in ids[:MAX_CALLS]:
            try:
                call = self.snapshot.call(call_id)
            except KeyError:
                item = QTreeWidgetItem([str(call_id), "", "not in the snapshot", "", ""])
                self.calls.addTopLevelItem(item)
                continue
            except SnapshotError as exc:
                self.record_header.setText(f"The snapshot could not be read: {exc}")
                return
            outcome = call.outcome + (f" ({call.error_code})" if call.error_code else "")
            item = QTreeWidgetItem(
                [
                    str(call.id),
                    call.started_at,
                    f"{call.service} {call.operation}",
                    f"{call.account_id} {call.region}",
                    outcome,
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, (call.id, None))
            for page_no in range(call.page_count):
                child = QTreeWidgetItem(["", f"page {page_no + 1} of {call.page_count}", "", "", ""])
                child.setData(0, Qt.ItemDataRole.UserRole, (call.id, page_no))
                item.addChild(child)
            self.calls.addTopLevelItem(item)
            first = first or item
        if len(ids) > MAX_CALLS:
            more = QTreeWidgetItem([f"… {len(ids) - MAX_CALLS} more calls", "", "", "", ""])
            self.calls.addTopLevelItem(more)
        self.calls.expandAll()
        for c in range(self.calls.columnCount()):
            self.calls.resizeColumnToContents(c)
        if first is not None:
            self.calls.setCurrentItem(first.child(0) if first.childCount() else first)

    def _show_record(self, item: QTreeWidgetItem | None) -> None:
        self.record.clear()
        data = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        if not data or self.snapshot is None:
            return
        call_id, page_no = data
        try:
            call = self.snapshot.call(call_id)
            pages = self.snapshot.raw_pages(call_id)
        except (KeyError, SnapshotError) as exc:
            self.record_header.setText(f"Call {call_id} could not be read: {exc}")
            return
        where = f"{call.service} {call.operation} · account {call.account_id} · {call.region}"
        head = (
            f"<b>Call {call.id}</b> · {html.escape(where)} · called {html.escape(call.started_at)}"
            f" by {html.escape(call.identity_arn)} · outcome {html.escape(call.outcome)}"
        )
        if call.error_code or call.error_message:
            head += (
                f"<br>{html.escape(str(call.error_code or ''))}: {html.escape(str(call.error_message or ''))}"
            )
        if call.parameters:
            head += f"<br>parameters {html.escape(json.dumps(call.parameters, sort_keys=True))}"
        if not pages:
            self.record_header.setText(head + "<br>No page was stored for this call (it returned nothing).")
            return
        chosen = range(len(pages)) if page_no is None else [page_no]
        texts = []
        digests = []
        for n in chosen:
            if not 0 <= n < len(pages):
                continue
            body, digest = pages[n]
            digests.append(f"page {n + 1} SHA-256 {digest}")
            text = body.decode("utf-8", errors="replace")
            if self.indent.isChecked():
                with contextlib.suppress(ValueError):
                    text = json.dumps(json.loads(body), indent=2)
            texts.append(text)
        self.record_header.setText(head + "<br>" + "<br>".join(digests))
        self.record.setPlainText("\n\n".join(texts))
