"""Start the GUI: the QApplication (unless one exists), the main window, the event loop."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from ui.gc_policy import GuiThreadGarbageCollector
from ui.main_window import APP_TITLE, MainWindow

ORGANIZATION = "AwsOrgAuditWorkbench"


def run_gui(path: str | None) -> int:
    """Show the main window (opening ``path`` if given) and run until it closes; returns the exit code."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    # QSettings() with no arguments reads these names (recent files live there).
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APP_TITLE)
    collector = GuiThreadGarbageCollector(parent=app)
    collector.start()  # before any worker thread exists
    window = MainWindow()
    window.show()
    if path:
        window.open_path(path)
    return int(app.exec())
