"""The "Compare snapshots" window: two snapshot files of one organization, what changed between them.

The user picks the older and the newer snapshot (the newer defaults to the open one); the
comparison (``analysis.diff.compare_snapshot_files``: two Inventories, trust graphs and
assessments, then the diff) runs in a :class:`ui.workers.FunctionWorker` with progress and
Cancel, and the rows of both tables are built there too. Snapshots of different organizations, a
tampered snapshot and a file that is not a snapshot are said in a banner above the tabs; the first
two can be compared anyway, as the user chooses.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from analysis.diff import Comparison, DiffCancelled, DifferentOrganizations, compare_snapshot_files
from snapshot import SnapshotError, SnapshotTamperedError
from ui.models.diff_rows import (
    ADDED,
    CHANGED,
    NEW,
    REMOVED,
    RESOLVED,
    DiffFindingRow,
    ResourceRow,
    build_finding_rows,
    build_resource_rows,
)
from ui.views.diff_pages import FindingsDiffPage, ResourcesDiffPage
from ui.views.job_row import JobRow
from ui.workers import FunctionWorker

FILE_FILTER = "Snapshots (*.awb *.snapshot *.sqlite *.db);;All files (*)"
INTRO = "Choose the older and the newer snapshot of one organization, then Compare."
BANNER_STYLE = "QFrame#banner { background: #fff4e5; border: 1px solid #e0a040; border-radius: 4px; }"
ERROR_STYLE = "QFrame#banner { background: #fdecea; border: 1px solid #d9534f; border-radius: 4px; }"


@dataclass(frozen=True, kw_only=True)
class DiffBundle:
    """A comparison and the rows of both tables (built in the worker)."""

    comparison: Comparison
    findings: list[DiffFindingRow]
    resources: list[ResourceRow]


def compare_job(old_path: str, new_path: str, *, force: bool, allow_tampered: bool) -> Any:
    """A ``FunctionWorker`` job: the comparison and its rows; None when cancelled.

    Progress values are ``(done, total, message)``.
    """

    def job(progress: Any, cancelled: Any) -> DiffBundle | None:
        try:
            c = compare_snapshot_files(
                old_path,
                new_path,
                force=force,
                allow_tampered=allow_tampered,
                progress=lambda done, total, message: progress((done, total, message)),
                cancelled=cancelled,
            )
        except DiffCancelled:
            return None
        progress((0, 0, "preparing the tables"))
        return DiffBundle(comparison=c, findings=build_finding_rows(c), resources=build_resource_rows(c))

    return job


class Banner(QFrame):
    """A message above the results, with an optional "compare anyway" action."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("banner")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.action = QPushButton()
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.action, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def say(self, text: str, *, action: str = "", error: bool = False) -> None:
        self.setStyleSheet(ERROR_STYLE if error else BANNER_STYLE)
        self.label.setText(text)
        self.action.setText(action)
        self.action.setVisible(bool(action))
        self.show()


class DiffView(QWidget):
    """Pick two snapshots, compare them in a worker, show findings and resources that changed."""

    compared = Signal()  # a comparison is shown
    stopped = Signal()  # a comparison ended without result (cancelled or refused)

    def __init__(self, parent: QWidget | None = None, *, newer_path: str | None = None) -> None:
        super().__init__(parent)
        if parent is not None:
            self.setWindowFlag(Qt.WindowType.Window)
        self.setWindowTitle("Compare snapshots")
        self.resize(1280, 760)
        self.comparison: Comparison | None = None
        self._anyway: dict[str, bool] = {}  # what "Compare anyway" adds to the next run
        self._flags = {"force": False, "allow_tampered": False}

        self.old_edit, self.new_edit = QLineEdit(), QLineEdit()
        self.old_edit.setPlaceholderText("the earlier snapshot file")
        self.new_edit.setPlaceholderText("the later snapshot file")
        if newer_path:
            self.new_edit.setText(newer_path)
        grid = QGridLayout()
        self.browse_buttons: list[QPushButton] = []
        for row, (label, edit) in enumerate(
            (("Older snapshot:", self.old_edit), ("Newer snapshot:", self.new_edit))
        ):
            browse = QPushButton("Browse…")
            browse.clicked.connect(lambda _c=False, e=edit: self._browse(e))
            self.browse_buttons.append(browse)
            grid.addWidget(QLabel(label), row, 0)
            grid.addWidget(edit, row, 1)
            grid.addWidget(browse, row, 2)
        self.swap_button = QPushButton("Swap")
        self.swap_button.clicked.connect(self.swap)
        self.compare_button = QPushButton("Compare")
        self.compare_button.setDefault(True)
        self.compare_button.clicked.connect(lambda: self.compare())
        grid.addWidget(self.swap_button, 0, 3)
        grid.addWidget(self.compare_button, 1, 3)
        grid.setColumnStretch(1, 1)

        self.job_row = JobRow(intro=INTRO, verb="Comparing", bar_width=320)
        self.job_row.running_changed.connect(self._set_running)
        self.status, self.bar, self.cancel_button = (
            self.job_row.status,
            self.job_row.bar,
            self.job_row.cancel_button,
        )
        self.banner = Banner()
        self.banner.action.clicked.connect(self._compare_anyway)

        self.findings = FindingsDiffPage()
        self.resources = ResourcesDiffPage()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.findings, "Findings")
        self.tabs.addTab(self.resources, "Resources")
        self.tabs.setEnabled(False)

        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.job_row)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        self._set_running(False)

    # -- running --------------------------------------------------------------------------------------

    def compare(self, *, force: bool = False, allow_tampered: bool = False) -> None:
        """Start the comparison of the two chosen files (a running one is not interrupted)."""
        if self.worker is not None:
            return
        old, new = self.old_edit.text().strip(), self.new_edit.text().strip()
        self.banner.hide()
        problem = (
            "Choose the older snapshot file."
            if not old
            else "Choose the newer snapshot file."
            if not new
            else "The older and the newer snapshot are the same file: choose two snapshots."
            if Path(old).resolve() == Path(new).resolve()
            else ""
        )
        if problem:
            self.banner.say(problem, error=True)
            self.stopped.emit()
            return
        self._flags = {"force": force, "allow_tampered": allow_tampered}
        self.comparison = None
        self._show(None)
        self.job_row.start(
            compare_job(old, new, force=force, allow_tampered=allow_tampered),
            succeeded=self._succeeded,
            failed=self._failed,
            status="Opening both snapshots…",
        )

    @property
    def worker(self) -> FunctionWorker | None:
        return self.job_row.worker

    def cancel(self) -> None:
        self.job_row.cancel()

    def is_running(self) -> bool:
        return self.job_row.is_running()

    def wait(self, msecs: int = 30_000) -> bool:
        return self.job_row.wait(msecs)

    def _succeeded(self, bundle: object) -> None:
        if bundle is None:
            self.status.setText("Cancelled: nothing was compared.")
            self.stopped.emit()
            return
        assert isinstance(bundle, DiffBundle)
        self.comparison = bundle.comparison
        self._show(bundle)
        self.compared.emit()

    def _failed(self, error: object) -> None:
        self._anyway = {}
        if isinstance(error, DifferentOrganizations):
            a, b = escape(error.old_organization_id), escape(error.new_organization_id)
            if a and b:
                text = (
                    f"<b>These snapshots are of different organizations</b>: the older is of <b>{a}</b>, "
                    f"the newer of <b>{b}</b>. A diff is meant for two collections of one organization; "
                    "compared anyway, resources are matched by ARN and findings by control, account, "
                    "region and resource, whatever organization they belong to."
                )
            else:
                which = "older" if not a else "newer"
                text = (
                    f"<b>The organization of the {which} snapshot is not recorded</b> (older: {a or 'unknown'}, "
                    f"newer: {b or 'unknown'}), so they cannot be known to be of one organization."
                )
            self._anyway = {"force": True}
            self.banner.say(text, action="Compare anyway")
        elif isinstance(error, SnapshotTamperedError):
            self._anyway = {"allow_tampered": True}
            self.banner.say(
                f"<b>A snapshot has been modified since it was collected.</b> {escape(str(error))}",
                action="Compare anyway (read-only)",
                error=True,
            )
        elif isinstance(error, SnapshotError):
            self.banner.say(f"<b>Cannot compare:</b> {escape(str(error))}", error=True)
        elif isinstance(error, OSError):
            self.banner.say(f"<b>Cannot read the file:</b> {escape(str(error))}", error=True)
        else:  # a defect in the comparison: said, never a crash
            self.banner.say(
                f"<b>The comparison failed:</b> {type(error).__name__}: {escape(str(error))}", error=True
            )
        self.status.setText("Nothing was compared.")
        self.stopped.emit()

    def _compare_anyway(self) -> None:
        flags = {**self._flags, **self._anyway}
        self.compare(force=flags["force"], allow_tampered=flags["allow_tampered"])

    def _set_running(self, running: bool) -> None:
        self.compare_button.setEnabled(not running)
        self.swap_button.setEnabled(not running)
        for button in self.browse_buttons:
            button.setEnabled(not running)
        self.old_edit.setReadOnly(running)
        self.new_edit.setReadOnly(running)

    # -- showing --------------------------------------------------------------------------------------

    def _show(self, bundle: DiffBundle | None) -> None:
        self.findings.set_rows(bundle.findings if bundle else [])
        self.resources.set_rows(bundle.resources if bundle else [])
        self.tabs.setEnabled(bundle is not None)
        if bundle is None:
            self.tabs.setTabText(0, "Findings")
            self.tabs.setTabText(1, "Resources")
            return
        c = bundle.comparison
        f, r = self.findings.counts(), self.resources.counts()
        self.tabs.setTabText(0, f"Findings ({f[NEW]:,} new, {f[RESOLVED]:,} resolved)")
        self.tabs.setTabText(
            1, f"Resources ({r[ADDED]:,} added, {r[REMOVED]:,} removed, {r[CHANGED]:,} changed)"
        )
        org = c.new.organization_id or "organization not recorded"
        if c.old.organization_id != c.new.organization_id:
            org = f"{c.old.organization_id or '?'} → {c.new.organization_id or '?'} (different organizations)"
        self.status.setText(
            f"{org}: older collected {_when(c.old.collected_at)}, newer collected {_when(c.new.collected_at)}."
        )
        notes = list(c.diff.notes) + [
            f"The {which} snapshot was modified after collection; it was compared read-only as you asked."
            for which, side in (("older", c.old), ("newer", c.new))
            if side.tampered
        ]
        if notes:
            self.banner.say("<br>".join(escape(n).replace(" (compared anyway: --force)", "") for n in notes))

    # -- files ----------------------------------------------------------------------------------------

    def swap(self) -> None:
        old, new = self.old_edit.text(), self.new_edit.text()
        self.old_edit.setText(new)
        self.new_edit.setText(old)

    def _browse(self, edit: QLineEdit) -> None:
        other = self.new_edit if edit is self.old_edit else self.old_edit
        start = edit.text() or (str(Path(other.text()).parent) if other.text() else "")
        title = "Older snapshot" if edit is self.old_edit else "Newer snapshot"
        path, _ = QFileDialog.getOpenFileName(self, title, start, FILE_FILTER)
        if path:
            edit.setText(path)

    def closeEvent(self, event: QCloseEvent) -> None:
        """A running comparison is cancelled and its thread waited for: no thread outlives the window."""
        self.job_row.stop()
        super().closeEvent(event)


def _when(text: str) -> str:
    return text.replace("T", " ")[:19] + " UTC" if text else "at an unknown time"


def open_diff_window(parent: QWidget | None, newer_path: str | None) -> QWidget:
    """Show a "Compare snapshots" window (the newer snapshot preset to ``newer_path``) and return it."""
    view = DiffView(parent, newer_path=newer_path)
    view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    view.show()
    return view
