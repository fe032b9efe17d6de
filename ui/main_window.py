"""The main window: menus, drag-and-drop, loading off the GUI thread, and the views. Wiring only."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from snapshot import SnapshotError, SnapshotTamperedError
from snapshot.reader import TAMPERED
from ui.dialogs.collect_wizard import CollectWizard
from ui.dialogs.open_errors import OpenErrorDialog, TamperedDialog
from ui.views.coverage_view import CoverageView
from ui.views.dashboard_view import DashboardView
from ui.views.findings_controller import AssessmentController
from ui.views.findings_view import FindingsView
from ui.views.manifest_view import ManifestView
from ui.views.network import NetworkView
from ui.views.ou_tree_view import OuTreeView
from ui.views.scp_whatif_view import ScpWhatIfView
from ui.views.simulator_view import SimulatorView
from ui.views.trust_graph import TrustGraphView
from ui.views.workpaper_controller import WorkpaperController
from ui.workers import AnalysisBundle, FunctionWorker, LoadedSnapshot, build_analysis_job, load_snapshot_job

log = logging.getLogger("ui")

APP_TITLE = "AWS Org Audit Workbench"
RECENT_KEY = "recent_files"
MAX_RECENT = 10
FILE_FILTER = "Snapshots (*.awb *.snapshot *.sqlite *.db);;All files (*)"
PAGE_EMPTY, PAGE_LOADING, PAGE_VIEWS = range(3)


class MainWindow(QMainWindow):
    """Opens one snapshot at a time and shows its manifest and organization."""

    snapshot_loaded = Signal(object)  # LoadedSnapshot
    open_failed = Signal(str)  # the one-line message shown to the user

    def __init__(self, *, settings: QSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings if settings is not None else QSettings()
        self.loaded: LoadedSnapshot | None = None
        self.worker: FunctionWorker | None = None
        self.dialog: OpenErrorDialog | TamperedDialog | None = None
        self.collect_wizard: CollectWizard | None = None
        self.setWindowTitle(APP_TITLE)
        self.setAcceptDrops(True)
        self.resize(1400, 900)

        self.ou_view = OuTreeView()
        self.manifest_view = ManifestView()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.ou_view, "Organization")
        self.tabs.addTab(self.manifest_view, "Manifest")
        self.coverage_view = CoverageView()
        self.tabs.addTab(self.coverage_view, "Coverage")
        self.dashboard_view = DashboardView()
        self.findings_view = FindingsView()
        self.tabs.insertTab(0, self.findings_view, "Findings")
        self.tabs.insertTab(0, self.dashboard_view, "Dashboard")
        self.tabs.setCurrentIndex(self.tabs.indexOf(self.ou_view))
        # The assessment runs on first show of the dashboard, findings or coverage tab.
        self.assessment = AssessmentController(
            dashboard=self.dashboard_view,
            findings=self.findings_view,
            coverage=self.coverage_view,
            parent=self,
        )
        self.dashboard_view.filter_requested.connect(
            lambda _f: self.tabs.setCurrentWidget(self.findings_view)
        )
        # The workpaper beside the snapshot: waivers, notes, sign-off (Workpaper menu, detail pane).
        self.workpaper = WorkpaperController(
            window=self,
            assessment=self.assessment,
            findings=self.findings_view,
            dashboard=self.dashboard_view,
            settings=self.settings,
        )
        # Built on first show of either tab (not at open: opening stays fast), cached per snapshot.
        self.analysis: AnalysisBundle | None = None
        self.analysis_worker: FunctionWorker | None = None
        self.trust_view = TrustGraphView()
        self.tabs.addTab(self.trust_view, "Trust graph")
        self.simulator_view = SimulatorView()
        self.tabs.addTab(self.simulator_view, "Simulator")
        self.whatif_view = ScpWhatIfView()
        self.tabs.addTab(self.whatif_view, "SCP what-if")
        self.network_view = NetworkView()  # its analysis runs in its own worker, on first show
        self.tabs.addTab(self.network_view, "Network")
        self.tabs.currentChanged.connect(self._tab_changed)

        self.empty_label = QLabel(
            "Open a snapshot with File › Open…, or drop a snapshot file onto this window."
        )
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.progress_label = QLabel()
        self.progress_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 0)  # busy indicator: opening has no known length
        self.progress_bar.setMaximumWidth(420)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_loading)
        loading = QWidget()
        loading_layout = QVBoxLayout(loading)
        loading_layout.addStretch(1)
        loading_layout.addWidget(self.progress_label)
        loading_layout.addWidget(self.progress_bar, 0, Qt.AlignmentFlag.AlignHCenter)
        loading_layout.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignHCenter)
        loading_layout.addStretch(1)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty_label)
        self.stack.addWidget(loading)
        self.stack.addWidget(self.tabs)
        self.setCentralWidget(self.stack)

        self.integrity_label = QLabel()
        self.statusBar().addPermanentWidget(self.workpaper.status_label)
        self.statusBar().addPermanentWidget(self.integrity_label)
        self._build_menus()
        self._refresh_recent_menu()

    # -- menus ------------------------------------------------------------------------

    def _build_menus(self) -> None:
        menu = self.menuBar().addMenu("&File")
        self.open_action = QAction("&Open…", self, shortcut=QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self.choose_file)
        self.recent_menu = menu.addMenu("Open &Recent")
        self.collect_action = QAction("&Collect…", self)
        self.collect_action.triggered.connect(self.open_collect_wizard)
        self.compare_action = QAction("Co&mpare Snapshots…", self)
        self.compare_action.triggered.connect(self.open_compare_window)
        self.export_action = QAction("&Export Evidence…", self)
        self.export_action.triggered.connect(self.open_export_dialog)
        self.close_action = QAction("&Close", self, shortcut=QKeySequence.StandardKey.Close)
        self.close_action.triggered.connect(self._close_requested)
        self.quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        menu.insertAction(self.recent_menu.menuAction(), self.open_action)
        menu.addSeparator()
        menu.addAction(self.collect_action)
        menu.addAction(self.compare_action)
        menu.addAction(self.export_action)
        menu.addSeparator()
        menu.addAction(self.close_action)
        menu.addSeparator()
        menu.addAction(self.quit_action)
        self.close_action.setEnabled(False)
        self.export_action.setEnabled(False)
        self.menuBar().addMenu(self.workpaper.menu)

    def open_compare_window(self) -> QWidget:
        """The snapshot diff (new, resolved, changed findings and resources), the open snapshot as the newer."""
        from ui.views.diff_view import open_diff_window

        newer = str(self.loaded.snapshot.path) if self.loaded is not None else None
        return open_diff_window(self, newer)

    def open_export_dialog(self) -> QWidget | None:
        """The Excel evidence pack / bundle, reusing what the window already built for this snapshot."""
        from ui.views.export_dialog import open_export_dialog

        if self.loaded is None:
            return None
        network = self.network_view.bundle
        return open_export_dialog(
            self,
            snapshot_path=self.loaded.path,
            assessment_bundle=self.assessment.bundle,
            workpaper=self.workpaper.session.workpaper,
            organization=self.loaded.organization,
            trust_graph=self.analysis.trust_graph if self.analysis is not None else None,
            exposure=network.report if network is not None else None,
            settings=self.settings,
        )

    def recent_files(self) -> list[str]:
        value = self.settings.value(RECENT_KEY, [])
        if isinstance(value, str):  # QSettings returns a lone string for a one-item list
            value = [value]
        return [str(v) for v in (value or [])][:MAX_RECENT]

    def _set_recent(self, paths: list[str]) -> None:
        self.settings.setValue(RECENT_KEY, paths[:MAX_RECENT])
        self.settings.sync()
        self._refresh_recent_menu()

    def _remember(self, path: str) -> None:
        self._set_recent([path, *(p for p in self.recent_files() if p != path)])

    def _forget(self, path: str) -> None:
        self._set_recent([p for p in self.recent_files() if p != path])

    def _refresh_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.recent_files()
        for path in recent:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda checked=False, p=path: self.open_path(p))
        if recent:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear list").triggered.connect(lambda: self._set_recent([]))
        self.recent_menu.setEnabled(bool(recent))

    def choose_file(self) -> None:
        start = str(Path(self.recent_files()[0]).parent) if self.recent_files() else ""
        path, _ = QFileDialog.getOpenFileName(self, "Open snapshot", start, FILE_FILTER)
        if path:
            self.open_path(path)

    # -- collection wizard (File › Collect…) ----------------------------------------------

    def open_collect_wizard(self) -> CollectWizard:
        """Show the wizard (one at a time); the snapshot it produces opens when asked."""
        if self.collect_wizard is None:
            wizard = CollectWizard(parent=self)
            wizard.snapshot_ready.connect(self.open_path)
            wizard.finished.connect(lambda _result: self._collect_wizard_closed(wizard))
            self.collect_wizard = wizard
        self.collect_wizard.show()
        self.collect_wizard.raise_()
        return self.collect_wizard

    def _collect_wizard_closed(self, wizard: CollectWizard) -> None:
        if self.collect_wizard is wizard:
            self.collect_wizard = None
        wizard.deleteLater()

    # -- drag and drop ------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = [u for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            event.acceptProposedAction()
            self.open_path(urls[0].toLocalFile())

    # -- loading ------------------------------------------------------------------------

    def open_path(self, path: str, *, allow_tampered: bool = False) -> None:
        """Open ``path`` in a worker thread; the views change when it has loaded."""
        if not self.workpaper.confirm_discard():
            return
        if self.worker is not None:
            self.worker.cancel()
        worker = FunctionWorker(job=load_snapshot_job(path, allow_tampered=allow_tampered), parent=self)
        self.worker = worker
        worker.progress.connect(lambda message: self.progress_label.setText(f"{path}\n{message}"))
        worker.succeeded.connect(lambda result: self._loaded(worker, path, result))
        worker.failed.connect(lambda error: self._load_failed(worker, path, error))
        worker.finished.connect(lambda: self._worker_done(worker))
        self.progress_label.setText(f"{path}\nopening")
        self.stack.setCurrentIndex(PAGE_LOADING)
        worker.start()

    def cancel_loading(self) -> None:
        if self.worker is not None:
            self.worker.cancel()

    def _worker_done(self, worker: FunctionWorker) -> None:
        if self.worker is worker:
            self.worker = None
            if self.stack.currentIndex() == PAGE_LOADING:
                self.stack.setCurrentIndex(PAGE_VIEWS if self.loaded else PAGE_EMPTY)
        worker.deleteLater()

    def _loaded(self, worker: FunctionWorker, path: str, result: LoadedSnapshot | None) -> None:
        if result is None:
            return  # cancelled before it finished
        if self.worker is not worker or worker.is_cancelled:
            result.snapshot.close()
            return
        self.close_snapshot()
        self.loaded = result
        snap = result.snapshot
        self.manifest_view.set_manifest(snap.manifest, integrity=snap.integrity)
        self.coverage_view.set_gaps(result.gaps, snap.manifest)
        self.ou_view.set_organization(result.organization)
        self.workpaper.open_for(snap.path, result.organization)
        tampered = snap.integrity == TAMPERED
        self.integrity_label.setText(f"Integrity: {snap.integrity.upper() if tampered else snap.integrity}")
        self.integrity_label.setStyleSheet(
            "color: white; background: #c62828; font-weight: bold;" if tampered else ""
        )
        self.setWindowTitle(f"{Path(path).name} — {APP_TITLE}" + (" [TAMPERED]" if tampered else ""))
        self.statusBar().showMessage(str(snap.path))
        self.close_action.setEnabled(True)
        self.export_action.setEnabled(True)
        self.stack.setCurrentIndex(PAGE_VIEWS)
        if tampered:
            self.tabs.setCurrentWidget(self.manifest_view)
        self._remember(path)
        self._tab_changed(self.tabs.currentIndex())
        self.snapshot_loaded.emit(result)

    def _load_failed(self, worker: FunctionWorker, path: str, error: BaseException) -> None:
        if self.worker is not worker:
            return
        if isinstance(error, SnapshotTamperedError):
            dialog: OpenErrorDialog | TamperedDialog = TamperedDialog(
                path=path, message=str(error), parent=self
            )
            dialog.finished.connect(lambda _result: self._tampered_answer(dialog))
        else:
            if isinstance(error, SnapshotError):
                message = str(error)
            else:
                log.error("opening %s failed", path, exc_info=error)
                message = f"unexpected error: {type(error).__name__}: {error}"
            self._forget(path)
            dialog = OpenErrorDialog(path=path, message=message, parent=self)
            self.open_failed.emit(message)
        self.dialog = dialog
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
        dialog.open()

    def _tampered_answer(self, dialog: TamperedDialog) -> None:
        dialog.deleteLater()
        if dialog.chose_open():
            self.open_path(dialog.path, allow_tampered=True)
        else:
            self.open_failed.emit(dialog.message)

    # -- analysis (inventory, policy engine, trust graph) ---------------------------------------

    def _tab_changed(self, _index: int) -> None:
        assessed_tabs = (self.dashboard_view, self.findings_view, self.coverage_view)
        if self.tabs.currentWidget() in assessed_tabs and self.loaded is not None:
            self.assessment.ensure(
                self.loaded.snapshot,
                inventory=self.analysis.inventory if self.analysis is not None else None,
                trust_graph=self.analysis.trust_graph if self.analysis is not None else None,
            )
        if self.tabs.currentWidget() in (self.trust_view, self.simulator_view, self.whatif_view):
            self.ensure_analysis()
        if self.tabs.currentWidget() is self.network_view and self.loaded is not None:
            inventory = self.analysis.inventory if self.analysis is not None else None
            self.network_view.analyse(self.loaded.snapshot, inventory=inventory)

    def ensure_analysis(self) -> None:
        """Build the analysis of the open snapshot in a worker, once; progress shows in the analysis tabs."""
        if self.loaded is None or self.analysis is not None or self.analysis_worker is not None:
            return
        worker = FunctionWorker(job=build_analysis_job(self.loaded.snapshot), parent=self)
        self.analysis_worker = worker
        worker.progress.connect(lambda message: self._analysis_status(f"Building: {message}…"))
        worker.succeeded.connect(lambda result: self._analysis_ready(worker, result))
        worker.failed.connect(lambda error: self._analysis_failed(worker, error))
        worker.finished.connect(lambda: self._analysis_done(worker))
        self._analysis_status("Building the inventory, policy engine and trust graph…")
        worker.start()

    def _analysis_status(self, text: str) -> None:
        self.trust_view.set_status(text)
        self.simulator_view.set_status(text)
        self.whatif_view.set_status(text)

    def _analysis_ready(self, worker: FunctionWorker, result: AnalysisBundle | None) -> None:
        if result is None or self.analysis_worker is not worker or worker.is_cancelled:
            return
        self.analysis = result
        self.trust_view.set_trust_graph(result.trust_graph)
        self.whatif_view.set_trust_graph(result.trust_graph)
        self.simulator_view.set_engine(result.engine, result.inventory, actions=result.actions)

    def _analysis_failed(self, worker: FunctionWorker, error: BaseException) -> None:
        if self.analysis_worker is not worker:
            return
        log.error("building the analysis failed", exc_info=error)
        self._analysis_status(f"Could not build the analysis: {type(error).__name__}: {error}")

    def _analysis_done(self, worker: FunctionWorker) -> None:
        if self.analysis_worker is worker:
            self.analysis_worker = None
        worker.deleteLater()

    def _stop_analysis(self) -> None:
        if self.analysis_worker is not None:
            self.analysis_worker.cancel()
            self.analysis_worker.wait()  # it reads the snapshot about to be closed
            self.analysis_worker = None
        self.analysis = None
        self.trust_view.set_trust_graph(None)
        self.whatif_view.set_trust_graph(None)
        self.simulator_view.set_engine(None, None)

    def _close_requested(self) -> None:
        if self.workpaper.confirm_discard():
            self.close_snapshot()

    def close_snapshot(self) -> None:
        self._stop_analysis()
        self.assessment.clear()  # waits for its worker: it reads the snapshot about to be closed
        self.workpaper.close()
        self.network_view.clear()  # waits for its worker: it reads the snapshot about to be closed
        if self.loaded is not None:
            self.loaded.snapshot.close()
            self.loaded = None
        self.ou_view.set_organization(None)
        self.coverage_view.set_snapshot(None)
        self.integrity_label.clear()
        self.integrity_label.setStyleSheet("")
        self.setWindowTitle(APP_TITLE)
        self.statusBar().clearMessage()
        self.close_action.setEnabled(False)
        self.export_action.setEnabled(False)
        if self.stack.currentIndex() == PAGE_VIEWS:
            self.stack.setCurrentIndex(PAGE_EMPTY)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.workpaper.confirm_discard():
            event.ignore()
            return
        if self.collect_wizard is not None:
            self.collect_wizard.reject()  # cancels a running collection and waits for it
        if self.worker is not None:
            self.worker.cancel()
            self.worker.wait()
        self.close_snapshot()
        super().closeEvent(event)
