"""The workpaper's part of the finding detail pane: the waiver and note of the shown result, and actions.

Shows what the workpaper says about the result (the waiver that applies with its owner, expiry and
reason; a waiver that expired, in red; the note) and offers "Waive…" (of every selected result when
several are), "Note…" and "Remove waiver". The actions only ask: the workpaper controller does them.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from analysis.workpaper import WAIVABLE, Judgement, Waiver
from ui.models.findings_model import FindingRow
from ui.views.workpaper_session import time_text

NO_WORKPAPER = "No workpaper: open a snapshot to record waivers and notes."


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def scope_text(waiver: Waiver, names: Mapping[str, str] | None = None) -> str:
    """Where a waiver applies, in words: its accounts and OUs (named when ``names`` knows them), or any."""

    def named(ids: Sequence[str]) -> str:
        return ", ".join(f"{names[i]} ({i})" if names and names.get(i) else i for i in ids)

    parts = []
    if waiver.accounts:
        parts.append(("account " if len(waiver.accounts) == 1 else "accounts ") + named(waiver.accounts))
    if waiver.ous:
        parts.append("beneath " + named(waiver.ous))
    return "; ".join(parts) or "any account"


def judgement_html(judgement: Judgement | None) -> str:
    """The waiver, expired waiver and note of one result, as rich text ("" when there is none)."""
    if judgement is None:
        return html.escape(NO_WORKPAPER)
    parts = []
    w = judgement.waiver
    if w is not None:
        parts.append(
            f"<b style='color:#37474f'>{html.escape(_sentence(judgement.waiver_message))}</b>"
            f"<br><small>control <code>{html.escape(w.control_id)}</code> · resource "
            f"<code>{html.escape(w.resource_pattern)}</code> · {html.escape(scope_text(w))}"
            + (f" · recorded {html.escape(time_text(w.created))}" if w.created else "")
            + "</small>"
        )
    elif judgement.expired_waiver is not None:
        parts.append(
            f"<b style='color:#c62828'>{html.escape(_sentence(judgement.waiver_message))}</b>"
            "<br><small>The waiver no longer applies: the result is reported as assessed.</small>"
        )
    n = judgement.note
    if n is not None:
        by = ", ".join(x for x in (n.author, time_text(n.time) if n.time else "") if x)
        parts.append(
            f"<b>Note</b>{' (' + html.escape(by) + ')' if by else ''}: "
            + html.escape(n.text).replace("\n", "<br>")
        )
    return "<br>".join(parts)


class WorkpaperPanel(QFrame):
    """The shown result's waiver and note, with Waive…, Note… and Remove waiver buttons."""

    waive_requested = Signal()
    note_requested = Signal()
    remove_waiver_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("workpaperPanel")
        self.setStyleSheet("#workpaperPanel { background: #eceff1; border-radius: 3px; }")
        self.judgement: Judgement | None = None
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.waive_button = QPushButton("Waive…")
        self.waive_button.clicked.connect(self.waive_requested)
        self.note_button = QPushButton("Note…")
        self.note_button.clicked.connect(self.note_requested)
        self.remove_button = QPushButton("Remove waiver")
        self.remove_button.clicked.connect(self.remove_waiver_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.waive_button)
        buttons.addWidget(self.note_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.label)
        layout.addLayout(buttons)
        self.show_row(None, None)

    def show_row(self, row: FindingRow | None, judgement: Judgement | None, *, selected: int = 1) -> None:
        """Show ``row``'s judgement; ``selected`` is how many results the table has selected."""
        self.judgement = judgement
        self.setVisible(row is not None)
        if row is None:
            return
        text = judgement_html(judgement)
        self.label.setText(text or "No waiver or note recorded for this result.")
        has_workpaper = judgement is not None
        several = selected > 1
        waivable = row.result.status in WAIVABLE and (judgement is None or judgement.waiver is None)
        self.waive_button.setText(f"Waive {selected:,} selected…" if several else "Waive…")
        self.waive_button.setEnabled(has_workpaper and (several or waivable))
        if several:
            tip = "One waiver per distinct control and resource among the selected results."
        elif waivable:
            tip = "Accept this result: it is then reported as waived, with your reason."
        elif judgement is not None and judgement.waiver is not None:
            tip = "This result is already waived."
        else:
            tip = "Only failed and not-assessed results can be waived."
        self.waive_button.setToolTip(tip)
        has_note = judgement is not None and judgement.note is not None
        self.note_button.setText("Edit note…" if has_note else "Note…")
        self.note_button.setEnabled(has_workpaper and not several)
        self.note_button.setToolTip("Select one result to write its note." if several else "")
        waiver = judgement.waiver or judgement.expired_waiver if judgement is not None else None
        self.remove_button.setVisible(waiver is not None)
        self.remove_button.setEnabled(not several)
        expired = judgement is not None and judgement.waiver is None
        self.remove_button.setText("Remove expired waiver" if expired else "Remove waiver")
