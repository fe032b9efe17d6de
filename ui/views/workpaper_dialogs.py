"""The small workpaper dialogs: a finding's note, and the reviewer's sign-off."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ui.models.findings_model import FindingRow
from ui.views.workpaper_waive import WARNING_STYLE


def _banner(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(WARNING_STYLE)
    return label


class NoteDialog(QDialog):
    """Edits the note of one finding; an empty text removes it."""

    def __init__(
        self,
        *,
        row: FindingRow,
        text: str,
        author: str,
        signoff_warning: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Note")
        self.resize(560, 360)
        layout = QVBoxLayout(self)
        if signoff_warning:
            layout.addWidget(_banner(signoff_warning))
        where = html.escape(row.result.resource_arn or row.resource)
        intro = QLabel(
            f"<b>{html.escape(row.control_id)}</b> on <code>{where}</code> "
            f"({html.escape(row.account_text)}, {html.escape(row.result.region)}). "
            "The note is kept in the workpaper, beside the snapshot. Leave it empty to remove the note."
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(intro)
        self.text_edit = QPlainTextEdit(text)
        layout.addWidget(self.text_edit, 1)
        form = QFormLayout()
        self.author_edit = QLineEdit(author)
        self.author_edit.setPlaceholderText("your name (optional)")
        form.addRow("Author:", self.author_edit)
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @property
    def text(self) -> str:
        return self.text_edit.toPlainText().strip()

    @property
    def author(self) -> str:
        return self.author_edit.text().strip()


class SignOffDialog(QDialog):
    """Asks for the reviewer's name (required) and a comment; says what is being signed off."""

    def __init__(
        self,
        *,
        summary: str,
        previous: str = "",
        name: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sign off the workpaper")
        self.resize(560, 380)
        layout = QVBoxLayout(self)
        if previous:
            layout.addWidget(_banner(f"{previous}. Signing off again replaces that sign-off."))
        intro = QLabel(summary)
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(intro)
        form = QFormLayout()
        self.name_edit = QLineEdit(name)
        self.name_edit.setPlaceholderText("the reviewer's name (required)")
        self.comment_edit = QPlainTextEdit()
        self.comment_edit.setPlaceholderText("optional")
        self.comment_edit.setMaximumHeight(100)
        form.addRow("Reviewer:", self.name_edit)
        form.addRow("Comment:", self.comment_edit)
        layout.addLayout(form)
        self.errors_label = QLabel()
        self.errors_label.setStyleSheet("color: #c62828;")
        layout.addWidget(self.errors_label)
        layout.addStretch(1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Sign off")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @property
    def name(self) -> str:
        return self.name_edit.text().strip()

    @property
    def comment(self) -> str:
        return self.comment_edit.toPlainText().strip()

    def accept(self) -> None:
        if not self.name:
            self.errors_label.setText("The reviewer's name is required.")
            return
        super().accept()
