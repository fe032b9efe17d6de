"""The main window with pytest-qt (offscreen): opening, dialogs, threads, recent files, drag-and-drop."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, QPoint, QSettings, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox

import ui.workers
from tests.analysis.model.builders import realistic_snapshot
from ui.dialogs.open_errors import OpenErrorDialog, TamperedDialog
from ui.main_window import MAX_RECENT, PAGE_EMPTY, PAGE_VIEWS, MainWindow
from ui.models.ou_tree_model import COL_NAME
from ui.workers import FunctionWorker

TIMEOUT_MS = 5000


@pytest.fixture
def window(qtbot: Any, tmp_path: Path) -> Iterator[MainWindow]:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings=settings)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()
    # No leaked worker: every load finished and its thread ended.
    assert win.worker is None


@pytest.fixture
def snapshot_path(tmp_path: Path) -> Path:
    return realistic_snapshot(tmp_path / "acme.awb")


def open_and_wait(qtbot: Any, window: MainWindow, path: Path) -> Any:
    with qtbot.waitSignal(window.snapshot_loaded, timeout=TIMEOUT_MS) as blocker:
        window.open_path(str(path))
    qtbot.waitUntil(lambda: window.worker is None, timeout=TIMEOUT_MS)
    return blocker.args[0]


def fail_and_wait(qtbot: Any, window: MainWindow, path: Path) -> str:
    with qtbot.waitSignal(window.open_failed, timeout=TIMEOUT_MS) as blocker:
        window.open_path(str(path))
    qtbot.waitUntil(lambda: window.worker is None, timeout=TIMEOUT_MS)
    return str(blocker.args[0])


def tree_names(window: MainWindow, parent: QModelIndex | None = None) -> list[Any]:
    """The visible tree as nested [name, [children...]] lists."""
    proxy = window.ou_view.proxy
    parent = parent or QModelIndex()
    out: list[Any] = []
    for row in range(proxy.rowCount(parent)):
        index = proxy.index(row, COL_NAME, parent)
        children = tree_names(window, index)
        out.append([index.data(), children] if children else index.data())
    return out


def policy_rows(window: MainWindow) -> dict[str, list[tuple[str, str, str, str]]]:
    widget = window.ou_view.policies
    out = {}
    for i in range(widget.topLevelItemCount()):
        group = widget.topLevelItem(i)
        out[group.text(0)] = [
            tuple(group.child(j).text(c) for c in range(4)) for j in range(group.childCount())
        ]
    return out  # type: ignore[return-value]


def test_opening_shows_tree_and_inherited_scps(qtbot: Any, window: MainWindow, snapshot_path: Path) -> None:
    loaded = open_and_wait(qtbot, window, snapshot_path)
    assert loaded.snapshot.integrity == "intact"
    assert window.stack.currentIndex() == PAGE_VIEWS
    # OUs before accounts under each parent, each by case-folded name.
    assert tree_names(window) == [
        [
            "Root",
            [
                ["Security", ["log-archive", "security-tooling"]],
                [
                    "Workloads",
                    [
                        ["development", ["sandbox-dev"]],
                        ["Prod", [["PCI", ["cardholder-data"]], "payments-prod", "web-prod"]],
                    ],
                ],
                "management",
            ],
        ]
    ]
    assert window.ou_view.select_node("777777777777")
    assert window.ou_view.title.text() == "Account cardholder-data  (777777777777)"
    assert window.ou_view.path_label.text().startswith(
        "Path: Root › Workloads › Prod › PCI › cardholder-data"
    )
    rows = policy_rows(window)
    scps = rows["Service control policies (SCP) (10)"]
    assert ("DenyLeaveOrganization", "p-denyleave01", "no", "Root (inherited)") in scps
    assert ("DenyUnapprovedRegions", "p-denyregion1", "no", "Workloads (inherited)") in scps
    assert ("ProdGuardrails", "p-prodguard01", "no", "Prod (inherited)") in scps
    assert ("PCILockdown", "p-pcilock0001", "no", "PCI (inherited)") in scps
    assert ("PCILockdown", "p-pcilock0001", "no", "here") in scps
    assert ("FullAWSAccess", "p-FullAWSAccess", "yes", "Root (inherited)") in scps
    assert rows["Resource control policies (RCP) (1)"] == [
        ("EnforceTLS", "p-rcptls00001", "no", "Root (inherited)")
    ]
    assert rows["Tag policies (1)"] == [("CostCenterTags", "p-tagcost0001", "no", "Workloads (inherited)")]
    assert rows["Backup policies (0)"] == []
    # Selecting a policy shows its JSON.
    group = window.ou_view.policies.topLevelItem(0)
    prod_guard = next(
        group.child(j) for j in range(group.childCount()) if group.child(j).text(0) == "ProdGuardrails"
    )
    window.ou_view.policies.setCurrentItem(prod_guard)
    assert '"iam:CreateAccessKey"' in window.ou_view.content.toPlainText()
    # The manifest view shows the collection and per-account outcomes.
    mv = window.manifest_view
    assert mv.integrity.property("integrity") == "intact"
    assert mv.fields["Organization"].text() == "o-ab12cd34ef"
    assert mv.fields["Regions"].text() == "eu-west-1, us-east-1"
    assert mv.table.rowCount() == 7
    failed = next(r for r in range(7) if mv.table.item(r, 0).text() == "777777777777")
    assert mv.table.item(failed, 2).text() == "access_failed"
    assert "AssumeRole denied" in mv.table.item(failed, 3).text()
    assert window.integrity_label.text() == "Integrity: intact"


def test_search_filters_the_tree(qtbot: Any, window: MainWindow, snapshot_path: Path) -> None:
    open_and_wait(qtbot, window, snapshot_path)
    window.ou_view.search.setText("payments")
    assert tree_names(window) == [["Root", [["Workloads", [["Prod", ["payments-prod"]]]]]]]
    window.ou_view.search.setText("ou-ab12-dev")
    assert tree_names(window) == [["Root", [["Workloads", [["development", ["sandbox-dev"]]]]]]]


def test_loading_runs_off_the_gui_thread(
    qtbot: Any, window: MainWindow, snapshot_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []
    real = ui.workers.build_organization

    def spy(snapshot: Any) -> Any:
        seen.append(threading.get_ident())
        return real(snapshot)

    monkeypatch.setattr(ui.workers, "build_organization", spy)
    open_and_wait(qtbot, window, snapshot_path)
    assert seen and seen[0] != threading.get_ident()


def test_corrupt_file_shows_error_dialog(qtbot: Any, window: MainWindow, snapshot_path: Path) -> None:
    data = snapshot_path.read_bytes()
    corrupt = snapshot_path.with_name("corrupt.awb")
    corrupt.write_bytes(data[:100] + b"\xff" * 4000)  # valid SQLite magic, garbage after it
    message = fail_and_wait(qtbot, window, corrupt)
    assert "damaged" in message
    dialog = window.dialog
    assert isinstance(dialog, OpenErrorDialog) and dialog.isVisible()
    assert dialog.informativeText() == message
    assert "\n" not in message
    dialog.accept()
    assert window.dialog is None
    assert window.stack.currentIndex() == PAGE_EMPTY and window.loaded is None


def test_non_snapshot_file_shows_error_dialog(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello, not a database\n")
    message = fail_and_wait(qtbot, window, text)
    assert "is not a snapshot file (not an SQLite database)" in message
    assert isinstance(window.dialog, OpenErrorDialog)
    window.dialog.accept()
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    message = fail_and_wait(qtbot, window, other)
    assert "not a snapshot (no snapshot tables)" in message
    assert isinstance(window.dialog, OpenErrorDialog)
    window.dialog.accept()


def tamper(path: Path) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE manifest SET value = ? WHERE key = 'organization_id'", ('"o-forged"',))
    conn.close()


def test_tampered_file_opens_read_only_when_asked(
    qtbot: Any, window: MainWindow, snapshot_path: Path
) -> None:
    tamper(snapshot_path)
    window.open_path(str(snapshot_path))
    qtbot.waitUntil(lambda: isinstance(window.dialog, TamperedDialog), timeout=TIMEOUT_MS)
    dialog = window.dialog
    assert isinstance(dialog, TamperedDialog)
    assert dialog.text() == "Open read-only as tampered?"
    assert "modified since it was collected" in dialog.informativeText()
    with qtbot.waitSignal(window.snapshot_loaded, timeout=TIMEOUT_MS) as blocker:
        dialog.button(QMessageBox.StandardButton.Open).click()
    qtbot.waitUntil(lambda: window.worker is None, timeout=TIMEOUT_MS)
    assert blocker.args[0].snapshot.integrity == "tampered"
    assert window.integrity_label.text() == "Integrity: TAMPERED"
    assert "#c62828" in window.integrity_label.styleSheet()
    assert window.manifest_view.integrity.property("integrity") == "tampered"
    assert "TAMPERED" in window.manifest_view.integrity.text()
    assert "#c62828" in window.manifest_view.integrity.styleSheet()
    assert window.tabs.currentWidget() is window.manifest_view
    assert window.windowTitle().endswith("[TAMPERED]")


def test_tampered_file_declined_stays_closed(qtbot: Any, window: MainWindow, snapshot_path: Path) -> None:
    tamper(snapshot_path)
    window.open_path(str(snapshot_path))
    qtbot.waitUntil(lambda: isinstance(window.dialog, TamperedDialog), timeout=TIMEOUT_MS)
    assert window.dialog is not None
    with qtbot.waitSignal(window.open_failed, timeout=TIMEOUT_MS):
        window.dialog.button(QMessageBox.StandardButton.Cancel).click()
    assert window.loaded is None and window.stack.currentIndex() == PAGE_EMPTY


def test_recent_files_kept_most_recent_first_max_ten(
    qtbot: Any, window: MainWindow, snapshot_path: Path
) -> None:
    window.settings.setValue("recent_files", [f"/old/{i}.awb" for i in range(12)])
    assert len(window.recent_files()) == MAX_RECENT
    open_and_wait(qtbot, window, snapshot_path)
    recent = window.recent_files()
    assert recent[0] == str(snapshot_path) and len(recent) == MAX_RECENT
    actions = [a.text() for a in window.recent_menu.actions() if a.text()]
    assert actions[0] == str(snapshot_path) and actions[-1] == "Clear list"
    # Opening from the menu, then a missing file is forgotten.
    window.close_snapshot()
    with qtbot.waitSignal(window.snapshot_loaded, timeout=TIMEOUT_MS):
        window.recent_menu.actions()[0].trigger()
    qtbot.waitUntil(lambda: window.worker is None, timeout=TIMEOUT_MS)
    message = fail_and_wait(qtbot, window, Path("/old/3.awb"))
    assert "no such file" in message
    assert window.dialog is not None
    window.dialog.accept()
    assert "/old/3.awb" not in window.recent_files()


def test_drop_a_file_opens_it(qtbot: Any, window: MainWindow, snapshot_path: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(snapshot_path))])
    event = QDropEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(window.snapshot_loaded, timeout=TIMEOUT_MS):
        window.dropEvent(event)
    qtbot.waitUntil(lambda: window.worker is None, timeout=TIMEOUT_MS)
    assert window.loaded is not None and window.loaded.path == snapshot_path


def test_close_returns_to_the_empty_page(qtbot: Any, window: MainWindow, snapshot_path: Path) -> None:
    open_and_wait(qtbot, window, snapshot_path)
    assert window.close_action.isEnabled()
    window.close_action.trigger()
    assert window.loaded is None and window.stack.currentIndex() == PAGE_EMPTY
    assert window.ou_view.model.rowCount() == 0
    assert not window.close_action.isEnabled()


def test_compare_snapshots_opens_with_the_open_snapshot_as_the_newer(
    qtbot: Any, window: MainWindow, snapshot_path: Path
) -> None:
    open_and_wait(qtbot, window, snapshot_path)
    assert window.compare_action.isEnabled()
    diff = window.open_compare_window()
    qtbot.addWidget(diff)
    assert diff.isVisible() and diff.new_edit.text() == str(snapshot_path)
    diff.close()


def test_export_is_offered_only_with_a_snapshot_open(
    qtbot: Any, window: MainWindow, snapshot_path: Path
) -> None:
    assert not window.export_action.isEnabled() and window.open_export_dialog() is None
    open_and_wait(qtbot, window, snapshot_path)
    assert window.export_action.isEnabled()
    dialog = window.open_export_dialog()
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.isVisible() and str(snapshot_path.parent) in dialog.path_edit.text()
    dialog.close()
    window.close_action.trigger()
    assert not window.export_action.isEnabled()


# -- the worker bridge ------------------------------------------------------------------------


def test_worker_delivers_progress_and_result_on_the_gui_thread(qtbot: Any) -> None:
    gui = threading.get_ident()
    job_threads: list[int] = []
    seen: list[tuple[str, int, Any]] = []

    def job(progress: Any, cancelled: Any) -> int:
        job_threads.append(threading.get_ident())
        progress("half")
        return 42

    worker = FunctionWorker(job=job)
    worker.progress.connect(lambda v: seen.append(("progress", threading.get_ident(), v)))
    worker.succeeded.connect(lambda v: seen.append(("succeeded", threading.get_ident(), v)))
    with qtbot.waitSignal(worker.finished, timeout=TIMEOUT_MS):
        worker.start()
    assert job_threads[0] != gui
    assert seen == [("progress", gui, "half"), ("succeeded", gui, 42)]
    assert not worker.is_running() and worker.wait(0)


def test_worker_delivers_errors_and_sees_cancel(qtbot: Any) -> None:
    started = threading.Event()
    release = threading.Event()

    def job(progress: Any, cancelled: Any) -> None:
        started.set()
        release.wait(5)
        if cancelled():
            raise RuntimeError("stopped on request")

    worker = FunctionWorker(job=job)
    errors: list[BaseException] = []
    worker.failed.connect(errors.append)
    worker.start()
    assert started.wait(5)
    assert worker.is_running()
    worker.cancel()
    release.set()
    qtbot.waitUntil(lambda: not worker.is_running(), timeout=TIMEOUT_MS)
    assert [str(e) for e in errors] == ["stopped on request"]
    with pytest.raises(RuntimeError, match="runs once"):
        worker.start()


def test_partial_organization_says_what_is_missing(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    from tests.analysis.model.builders import fixture_snapshot

    open_and_wait(qtbot, window, fixture_snapshot(tmp_path, "org_partial"))
    view = window.ou_view
    assert not view.banner.isHidden()
    assert "10 gap(s) in what was collected" in view.banner.text()
    assert "… and 6 more" in view.banner.text()
    assert view.banner.toolTip().count("\n") == 9
    assert tree_names(window) == [
        ["Root", ["Apps", "management"]],
        ["Accounts without a known parent", ["app-a", "app-b"]],
    ]
    assert view.select_node("222222222222")
    assert view.path_label.text().startswith("Path: not recorded")
    assert "does not record this account's parent" in view.notes.text()
    # A policy whose DescribePolicy is missing says so instead of showing content.
    assert view.select_node("ou-pt01-apps0001")
    group = view.policies.topLevelItem(0)
    apps_guard = next(
        group.child(j) for j in range(group.childCount()) if group.child(j).text(0) == "AppsGuard"
    )
    view.policies.setCurrentItem(apps_guard)
    assert "content unknown: DescribePolicy not collected" in view.content.toPlainText()
    assert "{" not in view.content.toPlainText()


def test_run_gui_opens_the_path_and_returns_when_closed(qtbot: Any, snapshot_path: Path) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ui.app import run_gui

    seen: list[str] = []

    def close_when_loaded() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if windows and windows[0].loaded is not None:
            seen.append(str(windows[0].loaded.path))
            windows[0].close()
        else:
            QTimer.singleShot(20, close_when_loaded)

    QTimer.singleShot(0, close_when_loaded)
    assert run_gui(str(snapshot_path)) == 0
    assert seen == [str(snapshot_path)]
