"""The workpaper in the main window, on a copy of the demo snapshot: waive, note, sign off, save failures."""

from __future__ import annotations

import json
import os
import shutil
import types
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, QSettings, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

import analysis.workpaper
from analysis.rules.base import FAIL, NOT_ASSESSED
from analysis.workpaper import WAIVED, default_path
from ui.main_window import MainWindow
from ui.models.findings_model import FindingRow, FindingsFilter
from ui.views.workpaper_dialogs import NoteDialog, SignOffDialog
from ui.views.workpaper_session import fnmatch_escape
from ui.views.workpaper_waive import WaiveDialog

OPEN_MS = 60_000
ASSESS_MS = 120_000
ADD_ROW = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows


@pytest.fixture
def snap(tmp_path: Path, demo_snapshot_path: Path) -> Path:
    """A copy of the demo snapshot, so that its workpaper is written beside the copy."""
    folder = tmp_path / "audit"
    folder.mkdir()
    path = folder / "demo.snapshot"
    shutil.copy(demo_snapshot_path, path)
    return path


@pytest.fixture
def window(qtbot: Any, tmp_path: Path) -> Iterator[MainWindow]:
    win = MainWindow(settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.resize(1500, 900)
    win.show()
    asked: list[str] = []
    win.workpaper.unsaved_answer = lambda: asked.append("asked") or QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
    yield win
    win.close()


def open_assessed(qtbot: Any, window: MainWindow, path: Path) -> None:
    window.open_path(str(path))
    qtbot.waitUntil(lambda: window.loaded is not None and window.worker is None, timeout=OPEN_MS)
    window.tabs.setCurrentWidget(window.findings_view)
    qtbot.waitUntil(lambda: window.assessment.bundle is not None, timeout=ASSESS_MS)


def select_first(window: MainWindow, status: str = FAIL) -> FindingRow:
    view = window.findings_view
    view.set_filter(FindingsFilter(statuses=frozenset({status})))
    view.select_row(0)
    row = view.selected()
    assert row is not None and row.status == status
    return row


def shown(window: MainWindow, index: int) -> FindingRow:
    """The row of result ``index`` as the findings model holds it now."""
    return next(r for r in window.findings_view.model.rows() if r.index == index)


def waive_shown(window: MainWindow, *, reason: str = "accepted risk", owner: str = "web-team") -> WaiveDialog:
    window.findings_view.detail.workpaper_panel.waive_button.click()
    dialog = window.workpaper.dialog
    assert isinstance(dialog, WaiveDialog)
    dialog.reason_edit.setPlainText(reason)
    dialog.owner_edit.setText(owner)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    return dialog


def on_disk(path: Path) -> dict[str, Any]:
    return json.loads(default_path(path).read_text())


def click(box: QMessageBox | None, text: str) -> None:
    assert box is not None
    button = next(b for b in box.buttons() if b.text() == text)
    button.click()


def test_waive_from_the_detail_pane_saves_and_survives_reopening(
    qtbot: Any, window: MainWindow, snap: Path
) -> None:
    open_assessed(qtbot, window, snap)
    assert "not saved yet" in window.workpaper.status_label.text()
    row = select_first(window)
    panel = window.findings_view.detail.workpaper_panel
    assert panel.waive_button.isEnabled() and not panel.remove_button.isVisible()
    panel.waive_button.click()
    dialog = window.workpaper.dialog
    assert isinstance(dialog, WaiveDialog)
    assert dialog.control_edit.text() == row.control_id
    assert dialog.pattern_edit.text() == fnmatch_escape(row.result.resource_arn)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()  # reason and owner missing
    assert "The reason is required." in dialog.errors_label.text()
    assert "The owner is required." in dialog.errors_label.text()
    assert window.workpaper.dialog is dialog and not default_path(snap).exists()
    dialog.reason_edit.setPlainText("behind CloudFront, reviewed with the web team")
    dialog.owner_edit.setText("web-team@example.com")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    assert shown(window, row.index).status == WAIVED
    saved = on_disk(snap)["waivers"]
    assert [(w["control_id"], w["resource_pattern"], w["accounts"], w["owner"]) for w in saved] == [
        (row.control_id, fnmatch_escape(row.result.resource_arn), [row.account_id], "web-team@example.com")
    ]
    # the waived result left the "Fail" list; the next one is selected, and the status bar says so
    next_row = window.findings_view.selected()
    assert next_row is not None and next_row.index != row.index
    assert "Waived 1 result" in window.statusBar().currentMessage()
    window.tabs.setCurrentWidget(window.dashboard_view)  # counted again when shown
    status_bars = {b.label: b.value for b in window.dashboard_view.status_chart.bars}
    assert status_bars["Waived"] == 1
    assert status_bars["Fail"] == sum(1 for r in window.assessment.bundle.rows if r.status == FAIL) - 1
    assert "1 waived" in window.dashboard_view.headline.text()
    window.tabs.setCurrentWidget(window.findings_view)
    window.findings_view.set_filter(FindingsFilter(statuses=frozenset({WAIVED})))
    assert window.findings_view.table.model().rowCount() == 1
    assert window.findings_view.combos["statuses"].currentText() == "Waived"
    window.findings_view.select_row(0)
    text = panel.label.text()
    assert "behind CloudFront" in text and "Waived by web-team@example.com" in text
    assert panel.remove_button.isVisible() and panel.remove_button.text() == "Remove waiver"
    assert "(assessed Fail)" in window.findings_view.detail.header.text()

    window.close_snapshot()
    open_assessed(qtbot, window, snap)
    again = shown(window, row.index)
    assert again.control_id == row.control_id and again.status == WAIVED
    assert "1 waiver(s)" in window.workpaper.status_label.text()


def test_waiving_in_place_keeps_the_selection(qtbot: Any, window: MainWindow, snap: Path) -> None:
    open_assessed(qtbot, window, snap)
    view = window.findings_view
    view.set_filter(FindingsFilter())
    view.select_row(3)
    row = view.selected()
    assert row is not None and row.status == FAIL
    waive_shown(window)
    after = view.selected()
    assert after is not None and after.index == row.index and after.status == WAIVED
    assert view.detail.row is not None and view.detail.row.index == row.index


def test_several_selected_results_get_one_waiver_each(qtbot: Any, window: MainWindow, snap: Path) -> None:
    open_assessed(qtbot, window, snap)
    view = window.findings_view
    view.set_filter(FindingsFilter(statuses=frozenset({FAIL})))
    view.select_row(0)
    for row in (2, 4):  # ctrl+click
        view.table.selectionModel().select(view.table.model().index(row, 0), ADD_ROW)
    chosen = window.workpaper.selected_rows()
    assert len(chosen) == 3
    panel = view.detail.workpaper_panel
    assert panel.waive_button.text() == "Waive 3 selected…" and not panel.note_button.isEnabled()
    dialog = waive_shown(window, reason="pilot accounts", owner="platform")
    assert "3 results selected" in dialog.intro.text()
    saved = on_disk(snap)["waivers"]
    pairs = {(r.control_id, fnmatch_escape(r.result.resource_arn)) for r in chosen}
    assert {(w["control_id"], w["resource_pattern"]) for w in saved} == pairs
    assert all(shown(window, r.index).status == WAIVED for r in chosen)


def test_remove_waiver_from_the_detail_pane(qtbot: Any, window: MainWindow, snap: Path) -> None:
    open_assessed(qtbot, window, snap)
    row = select_first(window)
    waive_shown(window)
    window.findings_view.set_filter(FindingsFilter(statuses=frozenset({WAIVED})))
    window.findings_view.select_row(0)
    window.findings_view.detail.workpaper_panel.remove_button.click()
    box = window.workpaper.message_box
    assert box is not None and "matches 1 result(s)" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    assert on_disk(snap)["waivers"] == []
    assert shown(window, row.index).status == FAIL


def test_note_saved_shown_and_removed_when_emptied(qtbot: Any, window: MainWindow, snap: Path) -> None:
    open_assessed(qtbot, window, snap)
    row = select_first(window, NOT_ASSESSED)
    panel = window.findings_view.detail.workpaper_panel
    panel.note_button.click()
    dialog = window.workpaper.dialog
    assert isinstance(dialog, NoteDialog)
    dialog.text_edit.setPlainText("Asked the client for read access to GuardDuty; answer due Friday.")
    dialog.author_edit.setText("A. Auditor")
    dialog.accept()
    notes = on_disk(snap)["notes"]
    assert [
        (n["control_id"], n["resource_arn"], n["account_id"], n["region"], n["author"]) for n in notes
    ] == [(row.control_id, row.result.resource_arn, row.account_id, row.result.region, "A. Auditor")]
    assert "answer due Friday" in panel.label.text() and "A. Auditor" in panel.label.text()
    assert panel.note_button.text() == "Edit note…"
    assert shown(window, row.index).status == NOT_ASSESSED  # a note judges nothing
    panel.note_button.click()
    dialog = window.workpaper.dialog
    assert isinstance(dialog, NoteDialog) and "answer due Friday" in dialog.text_edit.toPlainText()
    dialog.text_edit.setPlainText("  ")
    dialog.accept()
    assert on_disk(snap)["notes"] == []
    assert "answer due Friday" not in panel.label.text()


def test_corrupt_workpaper_is_reported_and_never_overwritten_silently(
    qtbot: Any, window: MainWindow, snap: Path
) -> None:
    corrupt = b'{"format": "awb-workpaper", "waivers": [ {"control_id": '
    default_path(snap).write_bytes(corrupt)
    open_assessed(qtbot, window, snap)
    box = window.workpaper.message_box
    assert box is not None and "cannot be read" in box.text() and "not valid JSON" in box.informativeText()
    box.button(QMessageBox.StandardButton.Ok).click()
    assert "unreadable" in window.workpaper.status_label.text()
    assert not any(r.status == WAIVED for r in window.assessment.rows)  # works, without judgements
    row = select_first(window)
    waive_shown(window)  # the save is refused: the file on disk is not a workpaper
    assert default_path(snap).read_bytes() == corrupt
    assert shown(window, row.index).status == WAIVED  # the edit is kept in memory
    assert "unsaved" in window.workpaper.status_label.text()
    click(window.workpaper.message_box, "Not now")
    assert default_path(snap).read_bytes() == corrupt
    window.workpaper.save_action.trigger()  # Workpaper › Save: asks again
    click(window.workpaper.message_box, "Save, keeping a copy")
    assert on_disk(snap)["waivers"][0]["control_id"] == row.control_id
    backups = list(snap.parent.glob("demo.snapshot.workpaper.json.bak-*"))
    assert len(backups) == 1 and backups[0].read_bytes() == corrupt
    assert "1 waiver(s)" in window.workpaper.status_label.text()


def test_changed_on_disk_by_someone_else_asks_before_replacing(
    qtbot: Any, window: MainWindow, snap: Path
) -> None:
    open_assessed(qtbot, window, snap)
    select_first(window)
    waive_shown(window, owner="me")
    theirs = default_path(snap).read_text().replace('"owner": "me"', '"owner": "someone else"')
    default_path(snap).write_text(theirs)
    window.findings_view.detail.workpaper_panel.note_button.click()
    note = window.workpaper.dialog
    assert isinstance(note, NoteDialog)
    note.text_edit.setPlainText("mine")
    note.accept()
    box = window.workpaper.message_box
    assert box is not None and "changed on disk" in box.informativeText()
    assert default_path(snap).read_text() == theirs
    click(box, "Save, keeping a copy")
    assert on_disk(snap)["notes"][0]["text"] == "mine"
    assert [b.read_text() for b in snap.parent.glob("*.bak-*")] == [theirs]


def test_expired_waiver_says_so_and_no_longer_applies(qtbot: Any, window: MainWindow, snap: Path) -> None:
    from snapshot import Snapshot
    from ui.workers import build_assessment_job

    with Snapshot.open(snap) as s:
        bundle = build_assessment_job(s)(lambda _v: None, lambda: False)
    assert bundle is not None
    keys = Counter((r.control_id, r.result.resource_arn) for r in bundle.rows)
    fails = [r for r in bundle.rows if r.status == FAIL and keys[(r.control_id, r.result.resource_arn)] == 1]
    old, current = fails[0], fails[-1]
    waiver = {"reason": "old exception", "owner": "ops", "accounts": [], "ous": []}
    default_path(snap).write_text(
        json.dumps(
            {
                "format": "awb-workpaper",
                "format_version": 1,
                "waivers": [
                    {**waiver, "control_id": old.control_id, "resource_pattern": fnmatch_escape(old.result.resource_arn),
                     "expires": "2020-01-31"},
                    {**waiver, "control_id": current.control_id,
                     "resource_pattern": fnmatch_escape(current.result.resource_arn), "expires": "2999-12-31"},
                ],
            }
        )
    )  # fmt: skip
    open_assessed(qtbot, window, snap)
    assert shown(window, old.index).status == FAIL
    assert shown(window, current.index).status == WAIVED
    view = window.findings_view
    view.set_filter(FindingsFilter(statuses=frozenset({FAIL})))
    table: Any = view.table.model()  # the rows as shown
    view.select_row(next(i for i in range(table.rowCount()) if table.row_at(i).index == old.index))
    panel = view.detail.workpaper_panel
    assert "Waiver expired on 2020-01-31" in panel.label.text()
    assert panel.remove_button.text() == "Remove expired waiver"
    assert panel.waive_button.isEnabled()  # it can be waived again
    dialog = window.workpaper.show_waivers()
    assert dialog.table.rowCount() == 2
    assert [dialog.table.item(i, 5).text() for i in range(2)] == ["expired", "no"]
    assert [dialog.table.item(i, 6).text() for i in range(2)] == ["1", "1"]
    dialog.table.selectRow(0)
    dialog.remove_button.click()
    window.workpaper.message_box.button(QMessageBox.StandardButton.Yes).click()  # type: ignore[union-attr]
    assert [w["expires"] for w in on_disk(snap)["waivers"]] == ["2999-12-31"]
    assert dialog.table.rowCount() == 1


def test_sign_off_is_shown_and_later_edits_are_flagged(
    qtbot: Any, window: MainWindow, snap: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_assessed(qtbot, window, snap)
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    window.workpaper.location_action.trigger()  # not written yet: the folder opens, the status bar says so
    assert [u.toLocalFile() for u in opened] == [str(snap.parent)]
    assert "created on the first edit" in window.statusBar().currentMessage()
    window.workpaper.sign_off_action.trigger()
    dialog = window.workpaper.dialog
    assert isinstance(dialog, SignOffDialog)
    dialog.accept()
    assert "name is required" in dialog.errors_label.text() and window.workpaper.dialog is dialog
    dialog.name_edit.setText("R. Viewer")
    dialog.comment_edit.setPlainText("reviewed with the engagement lead")
    dialog.accept()
    signoff = on_disk(snap)["signoff"]
    assert signoff["name"] == "R. Viewer" and signoff["comment"] == "reviewed with the engagement lead"
    header = window.dashboard_view.signoff_label.text()
    assert header.startswith("Signed off by R. Viewer at ") and "changed after" not in header
    assert not window.dashboard_view.signoff_label.isHidden()
    assert "signed off by R. Viewer" in window.workpaper.status_label.text()

    select_first(window)
    window.findings_view.detail.workpaper_panel.waive_button.click()
    waive = window.workpaper.dialog
    assert isinstance(waive, WaiveDialog)
    assert any("signed off by R. Viewer" in label.text() for label in waive.findChildren(type(waive.intro)))
    waive.reject()
    waive_shown(window)
    assert on_disk(snap)["signoff"]["name"] == "R. Viewer"  # kept, not silently dropped
    assert "changed after this sign-off" in window.dashboard_view.signoff_label.text()
    assert "changed since" in window.workpaper.status_label.text()


def test_save_failure_keeps_the_edit_and_retries(
    qtbot: Any, window: MainWindow, snap: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_assessed(qtbot, window, snap)
    row = select_first(window)
    # A folder that refuses the write. Root ignores a folder's mode, so there the refusal is made
    # at the call that creates the temporary file in it.
    if os.geteuid() == 0:

        def refuse(*_a: Any, **_k: Any) -> Any:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(analysis.workpaper, "tempfile", types.SimpleNamespace(mkstemp=refuse))
    else:
        snap.parent.chmod(0o555)
    try:
        waive_shown(window)
        box = window.workpaper.message_box
        assert box is not None and "Permission denied" in box.informativeText()
        assert "kept in memory" in box.informativeText()
        assert not default_path(snap).exists()
        assert shown(window, row.index).status == WAIVED
        assert window.workpaper.session.dirty and window.workpaper.save_action.isEnabled()
        assert "unsaved" in window.workpaper.status_label.text()
        click(box, "Retry")  # still refused: asked again, nothing lost
        assert window.workpaper.message_box is not None and window.workpaper.session.dirty
        click(window.workpaper.message_box, "Not now")
    finally:
        monkeypatch.undo()
        snap.parent.chmod(0o755)
    window.workpaper.save_action.trigger()
    assert on_disk(snap)["waivers"][0]["control_id"] == row.control_id
    assert not window.workpaper.session.dirty and "unsaved" not in window.workpaper.status_label.text()


def test_closing_with_an_unsaved_edit_asks(
    qtbot: Any, window: MainWindow, snap: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_assessed(qtbot, window, snap)
    select_first(window)

    def disk_full(**_k: Any) -> Any:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(analysis.workpaper, "tempfile", types.SimpleNamespace(mkstemp=disk_full))
    waive_shown(window)
    window.workpaper.message_box.close()  # type: ignore[union-attr]
    answers = [QMessageBox.StandardButton.Cancel]
    window.workpaper.unsaved_answer = lambda: answers.pop(0)  # type: ignore[method-assign]
    window.close_action.trigger()
    assert window.loaded is not None and window.workpaper.session.dirty  # cancelled: still open
    monkeypatch.undo()
    answers.append(QMessageBox.StandardButton.Save)
    window.close_action.trigger()
    assert window.loaded is None and len(on_disk(snap)["waivers"]) == 1
