"""The workpaper in the window: the Workpaper menu, the detail pane's actions, saving and its failures.

Wiring between :class:`~ui.views.workpaper_session.WorkpaperSession` (the file and its edits) and
the views. An edit (waive, note, remove a waiver) saves at once and re-judges the findings rows
(``judge_rows``, one loop, no re-assessment); the table keeps its order, selection and scroll. A
save that fails keeps the edit in memory and says why: a file that is corrupt, or that changed
on disk, is replaced only when the user agrees, after a copy of it is kept; a folder that cannot be
written is retried on request (Workpaper › Save). Dialogs are window-modal (``open()``), kept in
``dialog`` / ``message_box`` while shown.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QAbstractItemView, QDialog, QLabel, QMenu, QMessageBox, QWidget

from analysis.workpaper import WAIVED, Note, Waiver, WorkpaperError
from ui.models.findings_model import STATUS_LABELS, STATUS_ORDER, FindingRow
from ui.views.dashboard_view import DashboardView
from ui.views.findings_controller import AssessmentController
from ui.views.findings_view import FindingsView
from ui.views.workpaper_dialogs import NoteDialog, SignOffDialog
from ui.views.workpaper_session import RowIndex, WorkpaperSession, judge_rows, time_text, utc_today
from ui.views.workpaper_waive import WaiveDialog, waivable
from ui.views.workpaper_waivers import WaiversDialog

Button = QMessageBox.StandardButton


class WorkpaperController(QObject):
    """Owns the session, the Workpaper menu and the status line; opens the dialogs."""

    def __init__(
        self,
        *,
        window: QWidget,
        assessment: AssessmentController,
        findings: FindingsView,
        dashboard: DashboardView,
        settings: QSettings | None = None,
        today: Callable[[], date] = utc_today,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.assessment = assessment
        self.findings = findings
        self.dashboard = dashboard
        self.settings = settings
        self.session = WorkpaperSession(today=today, parent=self)
        self.organization: Any = None
        self.dialog: QDialog | None = None  # the open waive / note / sign-off dialog
        self.message_box: QMessageBox | None = None  # the open question or warning
        self.waivers_dialog: WaiversDialog | None = None
        self.status_label = QLabel()
        self._row_index: tuple[Any, RowIndex] | None = None  # (the bundle it indexes, the index)

        assessment.judge = lambda rows: judge_rows(rows, self.session.workpaper, today=self.session.today())[
            0
        ]
        detail = findings.detail
        detail.judge = self.session.judgement
        detail.workpaper_panel.waive_requested.connect(self.waive_selected)
        detail.workpaper_panel.note_requested.connect(self.edit_note)
        detail.workpaper_panel.remove_waiver_requested.connect(self.remove_shown_waiver)
        findings.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        findings.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_count())
        self.session.changed.connect(self.rejudge)
        self.session.state_changed.connect(self._show_state)
        self.session.save_failed.connect(self._save_failed)

        self.menu = QMenu("&Workpaper", window)
        self.sign_off_action = QAction("&Sign off…", self)
        self.sign_off_action.triggered.connect(self.sign_off)
        self.waivers_action = QAction("&Waivers…", self)
        self.waivers_action.triggered.connect(self.show_waivers)
        self.save_action = QAction("Sa&ve (retry)", self)
        self.save_action.triggered.connect(lambda: self.session.save())
        self.location_action = QAction("Open workpaper file &location", self)
        self.location_action.triggered.connect(self.open_location)
        for action in (self.sign_off_action, self.waivers_action, self.save_action, self.location_action):
            self.menu.addAction(action)
        self._show_state()

    # -- snapshot open / close ----------------------------------------------------------------------

    def open_for(self, snapshot_path: str | Path, organization: Any) -> None:
        """Load the workpaper beside the snapshot; a corrupt one is reported and left untouched."""
        self.organization = organization
        self.session.open_for(snapshot_path, organization_id=getattr(organization, "organization_id", ""))
        if self.session.load_error:
            self._tell(
                "Workpaper unreadable",
                "The workpaper beside this snapshot cannot be read, so its waivers and notes are not applied.",
                f"{self.session.load_error}\n\nThe file is left as it is. Saving an edit will ask before "
                "replacing it, and will keep a copy of it.",
            )

    def close(self) -> None:
        for widget in (self.dialog, self.message_box, self.waivers_dialog):
            if widget is not None:
                widget.close()
        self.dialog = self.message_box = self.waivers_dialog = None
        self.organization = None
        self.session.close()

    def confirm_discard(self) -> bool:
        """Before the workpaper is closed: True to go on (saved, or the user lets the edits go)."""
        if not self.session.dirty:
            return True
        answer = self.unsaved_answer()
        if answer == Button.Save:
            return self.session.save()
        return answer == Button.Discard

    def unsaved_answer(self) -> Button:
        return QMessageBox.warning(
            self.window,
            "Unsaved workpaper",
            f"The last workpaper edit could not be saved:\n{self.session.save_error}\n\n"
            "Try to save it again, discard it, or cancel?",
            Button.Save | Button.Discard | Button.Cancel,
            Button.Save,
        )

    # -- re-judging ---------------------------------------------------------------------------------

    def rejudge(self) -> None:
        if self.assessment.bundle is not None:
            rows, changed = judge_rows(
                self.assessment.rows, self.session.workpaper, today=self.session.today()
            )
            self.assessment.set_judged_rows(rows, changed)
        if self.waivers_dialog is not None and self.waivers_dialog.isVisible():
            self._fill_waivers()

    def row_index(self) -> RowIndex:
        """The assessment's rows by control and resource, built once per assessment.

        Waivers match on control, resource, account and OUs, and count results by their assessed
        status: none of that changes when the rows are re-judged, so the index stays valid.
        """
        bundle = self.assessment.bundle
        if self._row_index is None or self._row_index[0] is not bundle:
            self._row_index = (bundle, RowIndex(self.assessment.rows if bundle is not None else []))
        return self._row_index[1]

    def selected_rows(self) -> list[FindingRow]:
        table = self.findings.table
        shown: Any = table.model()  # the findings model (or its proxy): row_at(view row)
        return [shown.row_at(i) for i in sorted(ix.row() for ix in table.selectionModel().selectedRows())]

    def _selection_count(self) -> None:
        selection = self.findings.table.selectionModel().selection()
        count = sum(selection.at(i).height() for i in range(selection.size()))
        self.findings.detail.set_selected_count(max(count, 1))

    # -- edits --------------------------------------------------------------------------------------

    def signoff_warning(self) -> str:
        wp = self.session.workpaper
        if wp is None or wp.signoff is None:
            return ""
        return (
            f"This workpaper was signed off by {wp.signoff.name} at {time_text(wp.signoff.time)}. "
            "This change comes after it: the sign-off is kept, and shown as predating the change."
        )

    def waive_selected(self) -> None:
        rows = self.selected_rows()
        if self.session.workpaper is None or not rows:
            return
        if len(rows) > 1 and not waivable(rows):
            self._tell("Nothing to waive", "None of the selected results failed or was not assessed.", "")
            return
        dialog = WaiveDialog(
            rows=rows,
            index=self.row_index(),
            organization=self.organization,
            today=self.session.today(),
            signoff_warning=self.signoff_warning(),
            parent=self.window,
        )
        dialog.owner_edit.setText(self._remembered("owner"))
        dialog.accepted.connect(lambda: self._add_waivers(dialog.waivers, dialog.owner_edit.text()))
        self._open(dialog)

    def _add_waivers(self, waivers: Sequence[Waiver], owner: str) -> None:
        self._remember("owner", owner.strip())
        wp = self.session.workpaper
        if wp is None or not waivers:
            return
        for w in waivers:
            wp = wp.with_waiver(w)
        before = sum(1 for r in self.assessment.rows if r.status == WAIVED)
        saved = self.session.edit(wp)
        now = sum(1 for r in self.assessment.rows if r.status == WAIVED)
        self._say(
            f"Waived {now - before:,} result(s) with {len(waivers):,} waiver(s)"
            + (f"; saved to {wp.path}" if saved else "; NOT saved (see the message)")
        )

    def edit_note(self) -> None:
        row = self.findings.selected()
        judgement = self.session.judgement(row) if row is not None else None
        if row is None or judgement is None:
            return
        dialog = NoteDialog(
            row=row,
            text=judgement.note.text if judgement.note else "",
            author=judgement.note.author if judgement.note else self._remembered("author"),
            signoff_warning=self.signoff_warning(),
            parent=self.window,
        )
        dialog.accepted.connect(lambda: self._set_note(row, dialog.text, dialog.author))
        self._open(dialog)

    def _set_note(self, row: FindingRow, text: str, author: str) -> None:
        self._remember("author", author)
        wp, judgement = self.session.workpaper, self.session.judgement(row)
        if wp is None or judgement is None:
            return
        old = judgement.note
        if (old.text if old else "") == text and (not old or old.author == author):
            return  # nothing changed
        r = row.result
        note = Note(
            control_id=row.control_id,
            resource_arn=r.resource_arn,
            account_id=row.account_id,
            region=r.region,
            text=text,
            author=author,
        )
        saved = self.session.edit(wp.with_note(note))
        done = "Note saved" if text else "Note removed"
        self._say(f"{done} ({row.control_id})" + ("" if saved else "; NOT saved (see the message)"))

    def remove_shown_waiver(self) -> None:
        row = self.findings.detail.row
        judgement = self.session.judgement(row) if row is not None else None
        waiver = (judgement.waiver or judgement.expired_waiver) if judgement is not None else None
        wp = self.session.workpaper
        if waiver is not None and wp is not None and waiver in wp.waivers:
            self.remove_waiver(wp.waivers.index(waiver))

    def remove_waiver(self, index: int) -> None:
        """Ask, then remove the workpaper's waiver number ``index``."""
        wp = self.session.workpaper
        if wp is None or not 0 <= index < len(wp.waivers):
            return
        w = wp.waivers[index]
        covered = len(self.row_index().matching(w)) if self.assessment.bundle else 0
        text = (
            f"Remove the waiver of {w.control_id} on {w.resource_pattern} (owner {w.owner})?\n\n"
            f"It matches {covered:,} result(s) of this assessment; they will be reported as assessed."
        )
        if self.signoff_warning():
            text += "\n\n" + self.signoff_warning()

        def answered(button: Button) -> None:
            current = self.session.workpaper
            unchanged = current is not None and index < len(current.waivers) and current.waivers[index] == w
            if button == Button.Yes and unchanged and current is not None:
                saved = self.session.edit(current.without_waiver(index))
                self._say(
                    f"Waiver of {w.control_id} removed" + ("" if saved else "; NOT saved (see the message)")
                )

        self._ask("Remove waiver", text, Button.Yes | Button.Cancel, answered)

    def sign_off(self) -> None:
        wp = self.session.workpaper
        if wp is None:
            return
        rows = self.assessment.rows
        if self.assessment.bundle is not None:
            counts = Counter(r.status for r in rows)
            results = ", ".join(
                f"{counts[s]:,} {STATUS_LABELS.get(s, s).lower()}"
                for s in sorted(counts, key=lambda s: STATUS_ORDER.get(s, 9))
            )
        else:
            results = "the assessment has not run yet"
        summary = (
            f"Sign off the workpaper <code>{html.escape(str(wp.path))}</code>: {len(wp.waivers)} waiver(s), "
            f"{len(wp.notes)} note(s). Results as judged now: {results}. The sign-off records your name "
            "and the time; an edit made after it is shown as coming after it."
        )
        dialog = SignOffDialog(
            summary=summary,
            previous=self.session.signoff_text(),
            name=self._remembered("reviewer"),
            parent=self.window,
        )

        def signed() -> None:
            self._remember("reviewer", dialog.name)
            try:
                self.session.sign_off(dialog.name, comment=dialog.comment)
            except WorkpaperError as exc:
                self._tell("Sign-off not recorded", str(exc), "")

        dialog.accepted.connect(signed)
        self._open(dialog)

    # -- the waivers table, the file's folder --------------------------------------------------------

    def show_waivers(self) -> WaiversDialog:
        if self.waivers_dialog is None:
            self.waivers_dialog = WaiversDialog(self.window)
            self.waivers_dialog.remove_requested.connect(self.remove_waiver)
        self._fill_waivers()
        self.waivers_dialog.show()
        self.waivers_dialog.raise_()
        return self.waivers_dialog

    def _fill_waivers(self) -> None:
        if self.waivers_dialog is not None:
            self.waivers_dialog.set_waivers(
                self.session.workpaper,
                self.row_index() if self.assessment.bundle is not None else None,
                today=self.session.today(),
                names=self.names(),
            )

    def names(self) -> dict[str, str]:
        """Account, OU and root ids -> names, from the open snapshot's organization."""
        org = self.organization
        if org is None:
            return {}
        out = {a.id: a.name for a in org.accounts.values() if a.name}
        out.update({u.id: u.name for u in org.units.values() if u.name})
        return out

    def open_location(self) -> None:
        path = self.session.path
        if path is None:
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent.absolute())))
        if not path.exists():
            self.window.statusBar().showMessage(  # type: ignore[attr-defined]
                f"{path.name} is not written yet: it is created on the first edit.", 8000
            )

    # -- saving ------------------------------------------------------------------------------------

    def _save_failed(self, message: str, can_backup: bool) -> None:
        informative = f"{message}\n\nYour change is kept in memory and shown. " + (
            "Save it, keeping a copy of the file now on disk beside it? Or not now (Workpaper › Save "
            "retries later)."
            if can_backup
            else "Fix the cause, then retry (now, or later with Workpaper › Save)."
        )
        box = self._box(QMessageBox.Icon.Warning, "Workpaper not saved", "The workpaper could not be saved.")
        box.setInformativeText(informative)
        if can_backup:
            keep = box.addButton("Save, keeping a copy", QMessageBox.ButtonRole.AcceptRole)
        else:
            keep = box.addButton("Retry", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Not now", QMessageBox.ButtonRole.RejectRole)

        def answered() -> None:
            if box.clickedButton() is keep:
                self.session.save(backup=can_backup)

        box.finished.connect(lambda _r: answered())
        box.open()

    def _show_state(self) -> None:
        s = self.session
        self.status_label.setText(s.status_text())
        self.status_label.setToolTip(
            "\n".join(x for x in (str(s.path or ""), s.load_error, s.save_error, s.signoff_text()) if x)
        )
        warn = s.dirty or bool(s.load_error) or s.changed_after_signoff()
        self.status_label.setStyleSheet("color: #bf360c; font-weight: bold;" if warn else "")
        self.dashboard.set_signoff(s.signoff_text())
        opened = s.workpaper is not None
        for action in (self.sign_off_action, self.waivers_action, self.location_action):
            action.setEnabled(opened)
        self.save_action.setEnabled(opened and s.dirty)
        self.findings.detail.show_judgement()

    # -- helpers ------------------------------------------------------------------------------------

    def _open(self, dialog: QDialog) -> None:
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = dialog
        dialog.finished.connect(lambda _r: self._dialog_done(dialog))
        dialog.open()

    def _dialog_done(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _box(self, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
        if self.message_box is not None:
            self.message_box.close()
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, self.window)
        box.setTextFormat(Qt.TextFormat.PlainText)  # file names and ARNs are not markup
        self.message_box = box
        box.finished.connect(lambda _r: self._box_done(box))
        return box

    def _box_done(self, box: QMessageBox) -> None:
        if self.message_box is box:
            self.message_box = None
        box.deleteLater()

    def _tell(self, title: str, text: str, informative: str) -> None:
        box = self._box(QMessageBox.Icon.Warning, title, text)
        box.setInformativeText(informative)
        box.addButton(QMessageBox.StandardButton.Ok)
        box.open()

    def _ask(self, title: str, text: str, buttons: Button, answered: Callable[[Button], None]) -> None:
        box = self._box(QMessageBox.Icon.Question, title, text)
        box.setStandardButtons(buttons)
        box.finished.connect(lambda _r: answered(box.standardButton(box.clickedButton())))
        box.open()

    def _say(self, text: str) -> None:
        bar = getattr(self.window, "statusBar", None)
        if bar is not None:
            bar().showMessage(text, 15_000)

    def _remembered(self, key: str) -> str:
        value = self.settings.value(f"workpaper/{key}", "") if self.settings is not None else ""
        return str(value or "")

    def _remember(self, key: str, value: str) -> None:
        if self.settings is not None and value:
            self.settings.setValue(f"workpaper/{key}", value)
