"""File › Export…: the evidence pack of the open snapshot, with the filters and sheets chosen.

The dialog takes what the window already built (the Inventory and assessment of the assessment
bundle, the trust graph, the exposure report, the workpaper) and runs ``exports.pack_data`` and
``exports.workbook.write_workbook`` in a :class:`ui.workers.FunctionWorker` with a progress bar and
Cancel. The workbook is written to a temporary file beside the target and renamed: a cancel or an
error leaves no file (and an earlier one there as it was). The target is checked before the work
starts (folder missing, not writable, a read-only file, the snapshot itself); a failure while
writing (a full disk) is said in the dialog. Done, a line gives the path and "Open folder".
The pack's data is built once per dialog and reused by a second export with other filters.
"""

from __future__ import annotations

import logging
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from analysis.model.organizations import OrganizationModel
from exports.errors import ExportCancelled, ExportError
from exports.options import ExportOptionsError
from exports.pack_data import PackData
from exports.sheets import SHEETS
from snapshot import Snapshot, SnapshotError
from ui.views.export_job import (
    FORMATS,
    ExportReport,
    check_export_target,
    default_target,
    export_job,
    outcome_html,
)
from ui.views.export_options_page import KEY, ExportOptionsPage
from ui.views.job_row import JobRow
from ui.workers import FunctionWorker

log = logging.getLogger("ui")

INTRO = "Choose where to write the pack and what it holds, then Export."
ERROR_STYLE = "QFrame#message { background: #fdecea; border: 1px solid #d9534f; border-radius: 4px; }"
DONE_STYLE = "QFrame#message { background: #e8f5e9; border: 1px solid #66bb6a; border-radius: 4px; }"


class MessageFrame(QFrame):
    """The outcome under the options: an error, or the path written with "Open folder"."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("message")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.open_folder_button = QPushButton("Open folder")
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.open_folder_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def say(self, html: str, *, error: bool, open_folder: bool = False) -> None:
        self.setStyleSheet(ERROR_STYLE if error else DONE_STYLE)
        self.label.setText(html)
        self.open_folder_button.setVisible(open_folder)
        self.show()


class ExportDialog(QDialog):
    """Output, format, filters and sheets; Export runs in a worker with progress and Cancel."""

    exported = Signal(object)  # exports WorkbookReport or BundleReport
    stopped = Signal()  # an export ended without a file (cancelled, refused or failed)

    def __init__(
        self,
        *,
        snapshot_path: str | Path,
        organization: OrganizationModel | None = None,
        inventory: Any = None,
        assessment: Any = None,
        trust_graph: Any = None,
        exposure: Any = None,
        workpaper: Any = None,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export evidence pack")
        self.resize(1080, 700)
        self.snapshot_path = Path(snapshot_path)
        self.settings = settings if settings is not None else QSettings()
        self.pack: PackData | None = None
        self.report: ExportReport | None = None
        self.written: Path | None = None
        self._reuse = {
            "inventory": inventory,
            "assessment": assessment,
            "trust_graph": trust_graph,
            "exposure": exposure,
            "workpaper": workpaper,
        }
        self._reuse = {k: v for k, v in self._reuse.items() if v is not None}
        if organization is None and inventory is not None:
            organization = inventory.organization
        self.organization_problem = ""
        if organization is None:
            organization = self._read_organization()
        self.organization_id = organization.organization_id if organization is not None else ""

        self.path_edit = QLineEdit()
        self.browse_button = QPushButton("Browse…")
        self.browse_button.clicked.connect(self.browse)
        self.format_combo = QComboBox()
        for key, fmt in FORMATS.items():
            self.format_combo.addItem(fmt.label, key)
        self.format_combo.currentIndexChanged.connect(self._format_changed)
        top = QGridLayout()
        top.addWidget(QLabel("Save to:"), 0, 0)
        top.addWidget(self.path_edit, 0, 1)
        top.addWidget(self.browse_button, 0, 2)
        top.addWidget(QLabel("Format:"), 1, 0)
        top.addWidget(self.format_combo, 1, 1, Qt.AlignmentFlag.AlignLeft)
        top.setColumnStretch(1, 1)

        self.page = ExportOptionsPage()
        self.page.set_organization(organization)
        self.page.set_available_sheets(SHEETS)
        self.page.restore(self.settings, self.organization_id)
        saved_format = self.settings.value(KEY + "format")
        index = self.format_combo.findData(saved_format) if saved_format else -1
        if index >= 0:
            self.format_combo.setCurrentIndex(index)
        self.path_edit.setText(str(default_target(self.snapshot_path, self.organization_id, self.format())))

        self.job_row = JobRow(intro=INTRO, verb="Exporting", bar_width=300)
        self.job_row.running_changed.connect(self._set_running)
        self.status, self.bar, self.cancel_button = (
            self.job_row.status,
            self.job_row.bar,
            self.job_row.cancel_button,
        )
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.message = MessageFrame()
        self.message.open_folder_button.clicked.connect(self.open_folder)

        self.export_button = QPushButton("Export")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start)
        self.close_button = QPushButton("Close")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.page, 1)
        layout.addWidget(self.job_row)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self._set_running(False)
        if self.organization_problem:
            self.message.say(escape(self.organization_problem), error=True)

    def _read_organization(self) -> OrganizationModel | None:
        """The organization tree when the window gave none (read from the snapshot, quickly)."""
        from analysis.model.organizations import build_organization

        try:
            with Snapshot.open(self.snapshot_path, allow_tampered=True) as snap:
                return build_organization(snap)
        except (SnapshotError, OSError) as exc:
            self.organization_problem = f"The snapshot's organization cannot be read: {exc}"
            return None

    # -- output ---------------------------------------------------------------------------------------

    def format(self) -> str:
        return str(self.format_combo.currentData())

    def _format_changed(self) -> None:
        text = self.path_edit.text().strip()
        suffix = FORMATS[self.format()].suffix
        if text and Path(text).suffix.lower() in {f.suffix for f in FORMATS.values()}:
            self.path_edit.setText(str(Path(text).with_suffix(suffix)))

    def browse(self) -> None:
        suffix, file_filter = FORMATS[self.format()].suffix, FORMATS[self.format()].file_filter
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the evidence pack", self.path_edit.text(), file_filter
        )
        if path:
            self.path_edit.setText(path if Path(path).suffix else path + suffix)

    def target(self) -> Path:
        """The path typed, with the format's suffix added when it has none (ExportError when empty)."""
        text = self.path_edit.text().strip()
        if not text:
            raise ExportError("Give the file to write.")
        path = Path(text).expanduser()
        if not path.suffix:
            path = path.with_suffix(FORMATS[self.format()].suffix)
        return path

    def confirm_replace(self, path: Path) -> bool:
        answer = QMessageBox.question(
            self,
            "Replace the file?",
            f"{path} exists. Replace it with the new pack?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    # -- running --------------------------------------------------------------------------------------

    def start(self) -> bool:
        """Check the target and options, then export in a worker; False (and a message) when refused."""
        if self.worker is not None:
            return False
        self.message.hide()
        try:
            options = self.page.options()
            target = check_export_target(self.target(), self.format(), self.snapshot_path)
        except (ExportError, ExportOptionsError) as exc:
            self._refused(str(exc))
            return False
        if target.exists() and not self.confirm_replace(target):
            self.status.setText("Not exported: the file there is kept.")
            self.stopped.emit()
            return False
        self.path_edit.setText(str(target))
        self.page.save(self.settings, self.organization_id)
        self.settings.setValue(KEY + "format", self.format())
        self.settings.sync()
        self.written = None
        job = export_job(
            snapshot_path=self.snapshot_path,
            target=target,
            fmt=self.format(),
            options=options,
            pack=self.pack,
            reuse=self._reuse,
        )
        self.bar.setValue(0)
        self.job_row.start(
            job,
            succeeded=lambda result: self._succeeded(target, result),
            failed=lambda error: self._failed(target, error),
            status="Exporting: preparing…" if self.pack is not None else "Exporting: reading the snapshot…",
        )
        return True

    @property
    def worker(self) -> FunctionWorker | None:
        return self.job_row.worker

    def cancel(self) -> None:
        self.job_row.cancel()

    def is_running(self) -> bool:
        return self.job_row.is_running()

    def wait(self, msecs: int = 30_000) -> bool:
        return self.job_row.wait(msecs)

    def _refused(self, text: str) -> None:
        self.message.say(f"<b>Cannot export:</b> {escape(text)}", error=True)
        self.status.setText("Nothing was written.")
        self.stopped.emit()

    def _succeeded(self, target: Path, result: object) -> None:
        assert isinstance(result, tuple)
        pack, report = result
        assert isinstance(pack, PackData)
        self.pack, self.report, self.written = pack, report, target
        self.message.say(outcome_html(report), error=False, open_folder=True)
        self.status.setText("Done.")
        self.exported.emit(report)

    def _failed(self, target: Path, error: object) -> None:
        if isinstance(error, ExportCancelled):
            self.status.setText(
                "Cancelled: nothing was written."
                + (f" The earlier {target.name} is as it was." if target.exists() else "")
            )
        elif isinstance(error, ExportError):
            self.message.say(f"<b>Export failed:</b> {escape(str(error))}", error=True)
            self.status.setText("Nothing was written.")
        else:  # a defect: said, logged, never a crash
            log.error("exporting %s failed", target, exc_info=error)  # type: ignore[arg-type]
            self.message.say(
                f"<b>Export failed:</b> {type(error).__name__}: {escape(str(error))}", error=True
            )
            self.status.setText("Nothing was written.")
        self.stopped.emit()

    def _set_running(self, running: bool) -> None:
        self.export_button.setEnabled(not running)
        for widget in (self.page, self.path_edit, self.browse_button, self.format_combo):
            widget.setEnabled(not running)

    def open_folder(self) -> bool:
        """Show the folder of the file written in the desktop's file manager."""
        if self.written is None:
            return False
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.written.parent)))

    # -- closing --------------------------------------------------------------------------------------

    def reject(self) -> None:
        """Close (Esc, Close, the window's X): a running export is cancelled and waited for first."""
        self.job_row.stop()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.job_row.stop()
        super().closeEvent(event)


def open_export_dialog(
    parent: QWidget | None,
    *,
    snapshot_path: str | Path,
    assessment_bundle: Any = None,
    workpaper: Any = None,
    organization: OrganizationModel | None = None,
    trust_graph: Any = None,
    exposure: Any = None,
    settings: QSettings | None = None,
) -> ExportDialog:
    """Show the export dialog, window-modal over ``parent``, and return it (deleted when closed).

    ``assessment_bundle`` (ui.workers.AssessmentBundle) gives the Inventory and the assessment the
    window already has; the trust graph (the analysis bundle's) and the exposure report (the
    network view's) are reused too when given. Without them the export builds them from the file.
    """
    dialog = ExportDialog(
        snapshot_path=snapshot_path,
        organization=organization,
        inventory=getattr(assessment_bundle, "inventory", None),
        assessment=getattr(assessment_bundle, "assessment", None),
        trust_graph=trust_graph,
        exposure=exposure,
        workpaper=workpaper,
        settings=settings,
        parent=parent,
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
