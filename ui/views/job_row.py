"""A status line, a progress bar and Cancel, running one job at a time in a :class:`FunctionWorker`.

What the diff view and the export dialog share: the worker's wiring (progress said as
"<verb>: <message>", the worker dropped once it has finished), Cancel, and waiting for a
running job when the window closes. The owner reacts to ``running_changed`` to enable or
disable its own controls; the bar and the Cancel button show only while a job runs.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from ui.workers import FunctionWorker, Job


class JobRow(QWidget):
    running_changed = Signal(bool)

    def __init__(self, *, intro: str, verb: str, bar_width: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._verb = verb
        self.worker: FunctionWorker | None = None
        self.status = QLabel(intro)
        self.status.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(bar_width)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status, 1)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self._show_running(False)

    def start(
        self,
        job: Job,
        *,
        succeeded: Callable[[object], None],
        failed: Callable[[object], None],
        status: str,
    ) -> None:
        """Run ``job``; ``succeeded(result)`` or ``failed(error)`` is called on the GUI thread."""
        worker = FunctionWorker(job=job, parent=self)
        worker.progress.connect(self._progress)
        worker.succeeded.connect(succeeded)
        worker.failed.connect(failed)
        worker.finished.connect(self._finished)
        self.worker = worker
        self._show_running(True)
        self.status.setText(status)
        worker.start()

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText("Cancelling…")

    def is_running(self) -> bool:
        return self.worker is not None

    def wait(self, msecs: int = 30_000) -> bool:
        return self.worker is None or self.worker.wait(msecs)

    def stop(self) -> None:
        """Cancel a running job and wait for its thread to end (the window is closing)."""
        if self.worker is not None:
            self.worker.cancel()
            self.worker.wait()

    def _progress(self, value: object) -> None:
        done, total, message = value if isinstance(value, tuple) else (0, 0, str(value))
        self.bar.setRange(0, total)  # (0, 0): busy
        self.bar.setValue(done)
        self.status.setText(f"{self._verb}: {message}")

    def _finished(self) -> None:
        if self.worker is not None:
            self.worker.deleteLater()
        self.worker = None
        self._show_running(False)

    def _show_running(self, running: bool) -> None:
        self.bar.setVisible(running)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        self.running_changed.emit(running)
