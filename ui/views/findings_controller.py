"""Runs the assessment of the open snapshot in a worker, once, and feeds the dashboard, findings and coverage.

Started lazily (the window calls ``ensure`` when one of those tabs is shown), with progress and
Cancel in the dashboard's and findings' status bars; cancelled, it can be started again by showing
the tab again. ``clear`` stops it and waits (the worker reads the snapshot about to be closed).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from snapshot import Snapshot
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
        self.worker: FunctionWorker | None = None
        self.snapshot: Snapshot | None = None
        dashboard.cancel_requested.connect(self.cancel)
        findings.cancel_requested.connect(self.cancel)
        dashboard.filter_requested.connect(findings.set_filter)

    def ensure(self, snapshot: Snapshot, *, inventory: Any = None, trust_graph: Any = None) -> None:
        """Assess ``snapshot`` unless it is assessed or being assessed."""
        if self.snapshot is snapshot and (self.bundle is not None or self.worker is not None):
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
        self.dashboard.set_findings(result.rows, a.controls)
        self.findings.set_findings(result.rows, a.controls, self.snapshot)
        self.coverage.set_not_assessed(result.rows)
        self._idle(
            f"{len(a.results):,} results of {len(a.controls)} controls, assessed in {a.seconds:.1f} s."
        )
        self.ready.emit(result)

    def _failed(self, worker: FunctionWorker, error: BaseException) -> None:
        if worker is not self.worker:
            return
        log.error("the assessment failed", exc_info=error)
        self._idle(f"The assessment failed: {type(error).__name__}: {error}")

    def _done(self, worker: FunctionWorker) -> None:
        if self.worker is worker:
            self.worker = None
        worker.deleteLater()
