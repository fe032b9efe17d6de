"""File › Collect…: profile, method, scope, permissions, then the collection itself.

The run page executes ``collectors.runner.collect`` in a ``FunctionWorker``. The
runner reports from its worker threads; ``ProgressTally`` folds those events
into per-account-and-region counts on those threads and sends a batch through
the worker's progress signal a few times a second, so the table never makes
the GUI thread keep up with the call rate. Cancel stops after the calls in
flight and leaves the snapshot resumable (the runner finishes it as
"cancelled"); closing the wizard during a run does the same and waits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from collectors import tool_version
from collectors.access import AccountAccess, OrganizationsAccess
from collectors.auth.sso_access import SsoAccess
from collectors.clients import ClientFactory
from collectors.runner import CollectionRequest, CollectionResult, collect
from snapshot import SnapshotWriter
from ui.dialogs.collect_pages import (
    ERROR,
    WARN,
    FactoryMaker,
    JobSlot,
    MethodPage,
    OpenUrl,
    PermissionsPage,
    ProfilePage,
    ScopePage,
    error_text,
)
from ui.models.progress_model import (
    COL_ACCOUNT,
    COL_NAME,
    SORT_ROLE,
    ProgressBatch,
    ProgressModel,
    ProgressTally,
)
from ui.workers import Job

log = logging.getLogger("ui")

PROBLEM_COLUMNS = ("Account", "Name", "Status", "Reason", "Denied calls", "Failed calls")


@dataclass(frozen=True, kw_only=True)
class RunOutcome:
    """What the collection job returns: the runner's result and the file it wrote."""

    result: CollectionResult
    path: Path
    resumed: bool
    removed: bool  # nothing was collected into a new file, so it was deleted


def access_for(request: CollectionRequest, factory: ClientFactory) -> AccountAccess:
    if request.method == "sso":
        if not request.profile:
            raise ValueError("IAM Identity Center collection needs an SSO profile")
        return SsoAccess(factory=factory, profile=request.profile, sso_role=request.sso_role)
    return OrganizationsAccess(
        factory=factory,
        profile=request.profile,
        member_role=request.member_role,
        external_id=request.external_id,
    )


def collection_job(
    *,
    request: CollectionRequest,
    path: Path,
    resume: bool,
    factory_maker: FactoryMaker,
    min_interval_s: float = 0.2,
) -> Job:
    """Collect into ``path`` (new, or resumed); progress values are ``ProgressBatch`` es."""

    def job(progress: Callable[[Any], None], cancelled: Callable[[], bool]) -> RunOutcome:
        tally = ProgressTally(min_interval_s=min_interval_s)
        writer = (
            SnapshotWriter.resume(path)
            if resume
            else SnapshotWriter.create(path, tool_version=tool_version())
        )
        try:
            factory = factory_maker()
            result = collect(
                request=request,
                access=access_for(request, factory),
                factory=factory,
                writer=writer,
                progress=lambda event: tally.feed(event, send=progress),
                cancelled=cancelled,
            )
        finally:
            writer.close()
        removed = False
        if result.calls == 0 and not resume:
            # The profile could not even be used: leave no empty file behind (as the CLI does).
            path.unlink(missing_ok=True)
            removed = True
        return RunOutcome(result=result, path=path, resumed=resume, removed=removed)

    return job


class RunPage(QWizardPage):
    """Live progress per account and region, totals, Cancel, and at the end the accounts with problems."""

    open_requested = Signal(str)

    def __init__(self, *, scope_page: ScopePage, factory_maker: FactoryMaker) -> None:
        super().__init__()
        self.setTitle("5. Collection")
        self.scope_page = scope_page
        self._factory_maker = factory_maker
        self.slot = JobSlot(self)
        self.outcome: RunOutcome | None = None
        self.failure: str | None = None
        self.batches = 0
        self.model = ProgressModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.phase = QLabel()
        self.phase.setWordWrap(True)
        self.bar = QProgressBar()
        self.totals = QLabel()
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_ACCOUNT, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        self.cancel_button = QPushButton("Cancel collection")
        self.cancel_button.clicked.connect(self.cancel)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems = QTableWidget(0, len(PROBLEM_COLUMNS))
        self.problems.setHorizontalHeaderLabels(list(PROBLEM_COLUMNS))
        self.problems.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.problems.verticalHeader().hide()
        self.problems.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.problems.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.problems.setMaximumHeight(160)
        self.problems.hide()
        self.open_button = QPushButton("Open snapshot")
        self.open_button.clicked.connect(self._open)
        self.open_button.hide()

        top = QHBoxLayout()
        top.addWidget(self.bar, 1)
        top.addWidget(self.cancel_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.result_label, 1)
        bottom.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addWidget(self.phase)
        layout.addLayout(top)
        layout.addWidget(self.totals)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.problems)

    def initializePage(self) -> None:
        request, path = self.scope_page.request, self.scope_page.path
        if request is None or path is None or self.slot.running():
            return
        self.outcome, self.failure, self.batches = None, None, 0
        self.model.clear()
        self.model.set_names(self.scope_page.names)
        self.problems.hide()
        self.open_button.hide()
        self.result_label.clear()
        self.result_label.setStyleSheet("")
        self.cancel_button.setEnabled(True)
        self.bar.setRange(0, 0)
        verb = "Resuming" if self.scope_page.resume else "Collecting"
        self.setSubTitle(f"{verb} into {path}")
        self.phase.setText("starting")
        self.slot.start(
            collection_job(
                request=request, path=path, resume=self.scope_page.resume, factory_maker=self._factory_maker
            ),
            progress=self._on_batch,
            succeeded=self._finished,
            failed=self._failed,
            finished=self.completeChanged.emit,
        )
        self.completeChanged.emit()

    def running(self) -> bool:
        return self.slot.running()

    def cancel(self) -> None:
        if self.slot.running():
            self.slot.cancel()
            self.cancel_button.setEnabled(False)
            self.phase.setText("Cancelling after the calls in flight…")

    def _on_batch(self, batch: Any) -> None:
        if not isinstance(batch, ProgressBatch):
            return
        self.batches += 1
        self.model.apply(batch)
        e = batch.event
        if self.cancel_button.isEnabled():
            self.phase.setText(batch.phase or e.message)
        if e.units_total:
            self.bar.setRange(0, e.units_total)
            self.bar.setValue(e.units_done)
        self.totals.setText(
            f"Accounts {e.accounts_done}/{e.accounts_total} · collector runs {e.units_done}/{e.units_total} · "
            f"calls {e.calls}{f' ({e.replayed} already in the file)' if e.replayed else ''} · "
            f"errors {e.errors} · denied {e.denied} · throttled then ok {e.throttled}"
        )

    def _finished(self, outcome: RunOutcome) -> None:
        self.outcome = outcome
        result = outcome.result
        self.model.apply_result(result)
        self.cancel_button.setEnabled(False)
        self.bar.setRange(0, 1)
        self.bar.setValue(1 if result.status == "complete" else 0)
        problems = {k: v for k, v in result.accounts.items() if v.status != "collected"}
        summary = (
            f"{len(result.accounts)} account(s), {result.calls} calls, {result.errors} errors, "
            f"{result.denied} denied, {result.throttled} throttled then ok."
        )
        if outcome.removed:
            text, style = f"Nothing was collected: {result.message}. No file was written.", ERROR
        elif result.status == "complete":
            style = WARN if problems or result.errors or result.denied else ""
            text = f"Collection complete: {outcome.path}. {summary}"
            if problems:
                text += f" {len(problems)} account(s) were not fully collected:"
        else:
            text = (
                f"Collection stopped ({result.message}). {summary} The snapshot {outcome.path} is "
                "resumable: File › Collect… › Resume an interrupted snapshot."
            )
            style = WARN
        self.phase.setText("Finished" if result.status == "complete" else "Stopped")
        self.result_label.setText(text)
        self.result_label.setStyleSheet(style)
        self._show_problems(problems)
        self.open_button.setVisible(not outcome.removed)

    def _show_problems(self, problems: dict[str, Any]) -> None:
        self.problems.setRowCount(0)
        for account_id, o in sorted(problems.items()):
            row = self.problems.rowCount()
            self.problems.insertRow(row)
            cells = (account_id, o.name, o.status, o.detail, str(o.denied_calls), str(o.failed_calls))
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.problems.setItem(row, column, item)
        self.problems.setVisible(bool(problems))

    def _failed(self, error: BaseException) -> None:
        if not isinstance(error, ValueError):
            log.error("collection failed", exc_info=error)
        self.failure = error_text(error)
        self.cancel_button.setEnabled(False)
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        path = self.scope_page.path
        exists = path is not None and path.exists()
        self.phase.setText("Failed")
        self.result_label.setText(
            f"The collection failed: {self.failure}."
            + (f" What was collected is kept in {path} and can be resumed." if exists else "")
        )
        self.result_label.setStyleSheet(ERROR)

    def _open(self) -> None:
        if self.outcome is not None and not self.outcome.removed:
            self.open_requested.emit(str(self.outcome.path))

    def isComplete(self) -> bool:
        return not self.slot.running() and (self.outcome is not None or self.failure is not None)


class CollectWizard(QWizard):
    """The collection wizard. ``snapshot_ready(path)`` asks the main window to open the result."""

    snapshot_ready = Signal(str)

    def __init__(
        self,
        *,
        factory_maker: FactoryMaker | None = None,
        open_url: OpenUrl | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Collect an AWS organization")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        # The run page has its own "Cancel collection"; closing the window also cancels (done()).
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.resize(1100, 760)
        maker: FactoryMaker = factory_maker or (lambda: ClientFactory(max_pool=20))
        opener: OpenUrl = open_url or QDesktopServices.openUrl
        self.profile_page = ProfilePage(factory_maker=maker, open_url=opener)
        self.method_page = MethodPage(profile_page=self.profile_page, factory_maker=maker)
        self.scope_page = ScopePage(
            profile_page=self.profile_page, method_page=self.method_page, factory_maker=maker
        )
        self.permissions_page = PermissionsPage()
        self.run_page = RunPage(scope_page=self.scope_page, factory_maker=maker)
        for page in (
            self.profile_page,
            self.method_page,
            self.scope_page,
            self.permissions_page,
            self.run_page,
        ):
            self.addPage(page)
        self.run_page.open_requested.connect(self._open_snapshot)

    def slots(self) -> list[JobSlot]:
        return [p.slot for p in (self.profile_page, self.method_page, self.scope_page, self.run_page)]

    def busy(self) -> bool:
        return any(slot.running() for slot in self.slots())

    def _open_snapshot(self, path: str) -> None:
        self.snapshot_ready.emit(path)
        self.accept()

    def done(self, result: int) -> None:
        # Closing mid-run cancels it; the runner finishes the file as "cancelled" (resumable).
        # Every job's thread has ended when the dialog has closed.
        for slot in self.slots():
            slot.shutdown()
        super().done(result)
