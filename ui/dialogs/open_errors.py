"""What the user sees when a file cannot be opened, or has been changed since collection.

Both dialogs are window-modal and opened with ``open()`` (not ``exec()``), so
the event loop keeps running and the caller continues from ``finished``.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


class OpenErrorDialog(QMessageBox):
    """A one-line reason the file could not be opened."""

    def __init__(self, *, path: str, message: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("openErrorDialog")
        self.setIcon(QMessageBox.Icon.Critical)
        self.setWindowTitle("Cannot open snapshot")
        self.setText(f"Cannot open {path}")
        self.setInformativeText(message)
        self.setStandardButtons(QMessageBox.StandardButton.Ok)
        self.message = message


class TamperedDialog(QMessageBox):
    """Asks whether to open a changed file read-only, marked as tampered."""

    def __init__(self, *, path: str, message: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tamperedDialog")
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle("Snapshot has been modified")
        self.setText("Open read-only as tampered?")
        self.setInformativeText(
            f"{message}\n\nIts content can no longer be relied on as evidence. "
            "Open it anyway, read-only, clearly marked as tampered?"
        )
        self.setStandardButtons(QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel)
        self.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.path = path
        self.message = message

    def chose_open(self) -> bool:
        return self.clickedButton() is self.button(QMessageBox.StandardButton.Open)
