"""Runs the assessment of the open snapshot in a worker, once, and feeds the dashboard, findings and coverage.

Started lazily (the window calls ``ensure`` when one of those tabs is shown), with progress and
Cancel in the dashboard's and findings' status bars; cancelled, it can be started again by showing
the tab again. ``clear`` stops it and waits (the worker reads the snapshot about to be closed).

The rows are judged by the workpaper (``judge``, set by the workpaper controller) before they are
shown, and shown again by ``set_judged_rows`` after each workpaper edit, without re-assessing.
The coverage view keeps the rows as assessed: a waived NOT_ASSESSED result was still not assessed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, Signal

from snapshot import Snapshot
from ui.models.findings_model import STATUS_LABELS, STATUS_ORDER, FindingRow
from ui.views.coverage_view import CoverageView
from ui.views.dashboard_view import DashboardView
from ui.views.findings_view import FindingsView
from ui.workers import AssessmentBundle, FunctionWorker, build_assessment_job

log = logging.getLogger("ui")


class AssessmentController(QObject):
    ready = Signal(object)  # AssessmentBundle

    def __init__(
        self,
        *,
        dashboard: DashboardView,
        findings: FindingsView,
        coverage: CoverageView,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.dashboard = dashboard
        self.findings = findings
        self.coverage = coverage
        self.bundle: AssessmentBundle | None = None
        self.rows: list[FindingRow] = []  # the bundle's rows as judged by the workpaper, in result order
        self.judge: Callable[[Sequence[FindingRow]], list[FindingRow]] | None = None
        self._dashboard_stale = False  # the rows were re-judged since the dashboard counted them
        self.worker: FunctionWorker | None = None
        self.snapshot: Snapshot | None = None
        dashboard.cancel_requested.connect(self.cancel)
        findings.cancel_requested.connect(self.cancel)
        dashboard.filter_requested.connect(findings.set_filter)

    def ensure(self, snapshot: Snapshot, *, inventory: Any = None, trust_graph: Any = None) -> None:
        """Assess ``snapshot`` unless it is assessed or being assessed."""
        if self.snapshot is snapshot and (self.bundle is not None or self.worker is not None):
            self.refresh_dashboard()
            return
        self.clear()
        self.snapshot = snapshot
        worker = FunctionWorker(
            job=build_assessment_job(snapshot, inventory=inventory, trust_graph=trust_graph), parent=self
        )
        self.worker = worker
        worker.progress.connect(lambda value: self._progress(worker, value))
        worker.succeeded.connect(lambda result: self._ready(worker, result))
        worker.failed.connect(lambda error: self._failed(worker, error))
        worker.finished.connect(lambda: self._done(worker))
        self._progress(worker, (0, 0, "reading the inventory…"))
        worker.start()

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self._idle("Assessment cancelled: show this tab again to run it.")

    def clear(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.worker.wait()
            self.worker = None
        self.bundle = None
        self.rows = []
        self._dashboard_stale = False
        self.snapshot = None
        self.dashboard.set_findings([], [])
        self.findings.clear()
        self.coverage.set_not_assessed(None)
        self.dashboard.status_bar.set_idle("Open a snapshot: the assessment runs when this tab is shown.")

    def _idle(self, text: str) -> None:
        self.dashboard.status_bar.set_idle(text)
        self.findings.status_bar.set_idle(text)
        self.coverage.set_not_assessed_status(text)

    def _progress(self, worker: FunctionWorker, value: Any) -> None:
        if worker is not self.worker or worker.is_cancelled:
            return
        done, total, message = value
        self.dashboard.status_bar.set_progress(done, total, message)
        self.findings.status_bar.set_progress(done, total, message)
        self.coverage.set_not_assessed_status(f"Assessing: {message}")

    def _ready(self, worker: FunctionWorker, result: AssessmentBundle | None) -> None:
        if result is None or worker is not self.worker or worker.is_cancelled:
            return
        self.bundle = result
        a = result.assessment
        self.rows = self.judge(result.rows) if self.judge is not None else list(result.rows)
        self.dashboard.set_findings(self.rows, a.controls)
        self.findings.set_findings(self.rows, a.controls, self.snapshot)
        self.coverage.set_not_assessed(result.rows)
        self._idle(
            f"{len(a.results):,} results of {len(a.controls)} controls, assessed in {a.seconds:.1f} s."
        )
        self.ready.emit(result)

    def set_judged_rows(self, rows: list[FindingRow], changed: Sequence[FindingRow]) -> None:
        """Show re-judged ``rows`` (``changed``: those whose status changed) without re-assessing.

        The table keeps its order, selection and scroll; the dashboard counts are redone and a status
        filter re-applied only when a status changed; the detail pane shows the edit.
        """
        if self.bundle is None:
            return
        self.rows = rows
        findings = self.findings
        was_at = findings.table.currentIndex().row()
        if changed:
            # every row, in the order given to set_rows; the unchanged ones are the same objects
            findings.model.replace_rows(rows)
            self._dashboard_stale = True  # counted again when shown (seconds at 300,000 rows)
            if self.dashboard.isVisible():
                self.refresh_dashboard()
            self._add_status_choices(changed)
            current = findings.current_filter()
            if current.statuses:
                findings.set_filter(current)  # a waived result leaves a "Fail" list: the next one is selected
                shown = findings.table.model().rowCount()
                if not findings.table.selectionModel().hasSelection() and was_at >= 0 and shown:
                    findings.select_row(min(was_at, shown - 1))
        row = findings.selected()
        detail = findings.detail
        if row is not None and (detail.row is None or detail.row.index != row.index):
            detail.show_finding(row, findings.controls.get(row.control_id))
        else:
            detail.refresh(row)

    def refresh_dashboard(self) -> None:
        """Count the judged rows again on the dashboard if an edit changed them since it last counted."""
        if self._dashboard_stale and self.bundle is not None:
            self.dashboard.set_findings(self.rows, self.bundle.assessment.controls)
        self._dashboard_stale = False

    def _add_status_choices(self, changed: Sequence[FindingRow]) -> None:
        """Offer a status that edits brought (Waived, say) in the status filter, in its place."""
        combo = self.findings.combos.get("statuses")
        if combo is None:
            return
        for status in sorted({r.status for r in changed}, key=lambda s: STATUS_ORDER.get(s, 9)):
            value = frozenset({status})
            if any(combo.itemData(i) == value for i in range(combo.count())):
                continue
            at = 1  # after "(any)"
            while at < combo.count():
                data = combo.itemData(at)
                if data and STATUS_ORDER.get(next(iter(data)), 9) > STATUS_ORDER.get(status, 9):
                    break
                at += 1
            combo.blockSignals(True)
            combo.insertItem(at, STATUS_LABELS.get(status, status), value)
            combo.setEnabled(True)
            combo.blockSignals(False)

    def _failed(self, worker: FunctionWorker, error: BaseException) -> None:
        if worker is not self.worker:
            return
        log.error("the assessment failed", exc_info=error)
        self._idle(f"The assessment failed: {type(error).__name__}: {error}")

    def _done(self, worker: FunctionWorker) -> None:
        if self.worker is worker:
            self.worker = None
        worker.deleteLater()
