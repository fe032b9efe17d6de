"""File › Export… on the demo organization (pytest-qt, offscreen): the files written and reopened.

Most dialogs get the Inventory, assessment, trust graph and exposure of one pack built per module (as
the window gives what it has built); one test lets the dialog read everything from the snapshot. The
file chooser and the folder opener are never shown: ``QDesktopServices.openUrl`` is replaced by a
recorder. Screenshots of the dialog (idle, running, done, error) go to /tmp/export_dialog_shots.
"""

from __future__ import annotations

import errno
import os
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtWidgets import QApplication, QTreeWidgetItem, QWidget

from exports.options import ALL_SHEETS, ExportOptions
from exports.pack_data import PackData, build_pack_data
from exports.verify import verify_bundle
from ui.views import export_job
from ui.views.export_dialog import ExportDialog, open_export_dialog
from ui.views.export_job import default_target
from ui.views.export_options_page import CHECKED, PARTLY, UNCHECKED, node_of
from ui.workers import AssessmentBundle

TIMEOUT_MS = 180_000
SHOTS = Path("/tmp/export_dialog_shots")


@pytest.fixture(scope="module")
def pack(demo_snapshot_path: Path) -> PackData:
    return build_pack_data(demo_snapshot_path)


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    d = tmp_path / "out"
    d.mkdir()
    return d


@pytest.fixture
def make_dialog(
    qtbot: Any, demo_snapshot_path: Path, pack: PackData, settings: QSettings
) -> Iterator[Callable[..., ExportDialog]]:
    made: list[ExportDialog] = []

    def make(*, reuse: bool = True, settings_: QSettings | None = None) -> ExportDialog:
        given: dict[str, Any] = (
            {
                "inventory": pack.inventory,
                "assessment": pack.assessment,
                "trust_graph": pack.trust_graph,
                "exposure": pack.exposure,
            }
            if reuse
            else {}
        )
        dialog = ExportDialog(snapshot_path=demo_snapshot_path, settings=settings_ or settings, **given)
        qtbot.addWidget(dialog)
        dialog.show()
        made.append(dialog)
        return dialog

    yield make
    for dialog in made:
        dialog.close()
        assert dialog.worker is None


def shot(widget: QWidget, name: str) -> None:
    QApplication.processEvents()
    SHOTS.mkdir(exist_ok=True)
    assert widget.grab().save(str(SHOTS / f"{name}.png"))


def run(qtbot: Any, dialog: ExportDialog, target: Path) -> None:
    dialog.path_edit.setText(str(target))
    with qtbot.waitSignal(dialog.exported, timeout=TIMEOUT_MS):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=TIMEOUT_MS)


def refuse(qtbot: Any, dialog: ExportDialog, target: Path | str) -> str:
    """Export to ``target`` expecting a refusal or failure; the dialog's message."""
    dialog.path_edit.setText(str(target))
    with qtbot.waitSignal(dialog.stopped, timeout=TIMEOUT_MS):
        dialog.start()
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=TIMEOUT_MS)
    assert dialog.message.isVisible() and not dialog.message.open_folder_button.isVisible()
    return str(dialog.message.label.text())


def tree_item(dialog: ExportDialog, name: str) -> QTreeWidgetItem:
    matches = [i for i in dialog.page.tree.items() if i.text(0) == name]
    assert len(matches) == 1, name
    return matches[0]


def accounts_beneath(pack: PackData, unit_id: str) -> set[str]:
    org = pack.inventory.organization
    unit = org.units[unit_id]
    out = set(unit.account_ids)
    for child in unit.child_ou_ids:
        out |= accounts_beneath(pack, child)
    return out


def findings_rows(path: Path) -> list[dict[str, Any]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = list(wb["Findings"].iter_rows(values_only=True))
    finally:
        wb.close()
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def sheet_titles(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


# -- the options ----------------------------------------------------------------------------------


def test_tree_ticks_become_accounts_and_ous(make_dialog: Callable[..., ExportDialog], pack: PackData) -> None:
    dialog = make_dialog()
    page = dialog.page
    org = pack.inventory.organization
    assert page.options() == ExportOptions()  # everything ticked: no filter at all
    security = tree_item(dialog, "Security")
    security_id = node_of(security)[1]
    page.tree.set_all(False)
    security.setCheckState(0, CHECKED)
    network = tree_item(dialog, "network")
    network.setCheckState(0, CHECKED)
    network_id = node_of(network)[1]
    options = page.options()
    assert options.ous == {security_id} and options.accounts == {network_id}
    infrastructure = network.parent()
    assert infrastructure is not None and infrastructure.checkState(0) == PARTLY
    # An account left out of a ticked OU: the OU is no longer whole, its other accounts are named.
    dropped = security.child(0)
    assert dropped is not None
    dropped.setCheckState(0, UNCHECKED)
    assert security.checkState(0) == PARTLY
    kept = accounts_beneath(pack, security_id) - {node_of(dropped)[1]}
    assert page.options().accounts == kept | {network_id} and page.options().ous == frozenset()
    assert all(a in org.accounts for a in kept)


def test_nothing_ticked_is_refused(
    qtbot: Any, make_dialog: Callable[..., ExportDialog], out_dir: Path
) -> None:
    dialog = make_dialog()
    dialog.page.tree.set_all(False)
    assert "Tick at least one account or OU" in refuse(qtbot, dialog, out_dir / "a.xlsx")
    dialog.page.tree.set_all(True)
    for box in dialog.page.severity_boxes.values():
        box.setChecked(False)
    assert "Tick at least one severity" in refuse(qtbot, dialog, out_dir / "a.xlsx")
    for box in dialog.page.severity_boxes.values():
        box.setChecked(True)
    dialog.page.set_sheets(())
    assert "Tick at least one sheet" in refuse(qtbot, dialog, out_dir / "a.xlsx")
    assert list(out_dir.iterdir()) == []


def test_find_shows_matching_nodes_and_their_ancestors(make_dialog: Callable[..., ExportDialog]) -> None:
    dialog = make_dialog()
    dialog.page.find_edit.setText("LOG-ARCH")
    shown = [i.text(0) for i in dialog.page.tree.items() if not i.isHidden()]
    assert shown == ["Root", "Security", "log-archive"]
    dialog.page.find_edit.clear()
    assert not any(i.isHidden() for i in dialog.page.tree.items())


def test_default_target_beside_the_snapshot(
    make_dialog: Callable[..., ExportDialog], pack: PackData, demo_snapshot_path: Path, tmp_path: Path
) -> None:
    dialog = make_dialog()
    org_id = pack.inventory.organization.organization_id
    expected = demo_snapshot_path.parent / f"{org_id}-evidence-{date.today().isoformat()}.xlsx"
    assert Path(dialog.path_edit.text()) == expected
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("zip"))
    assert Path(dialog.path_edit.text()) == expected.with_suffix(".zip")
    snap = tmp_path / "s.snapshot"
    day = date(2024, 5, 1)
    (tmp_path / "o-1-evidence-2024-05-01.xlsx").touch()
    (tmp_path / "o-1-evidence-2024-05-01-2.xlsx").touch()
    assert default_target(snap, "o-1", "xlsx", day) == tmp_path / "o-1-evidence-2024-05-01-3.xlsx"
    assert default_target(snap, "", "zip", day) == tmp_path / "s-evidence-2024-05-01.zip"


# -- exporting ------------------------------------------------------------------------------------


def test_export_with_filters_writes_the_findings_chosen(
    qtbot: Any, make_dialog: Callable[..., ExportDialog], pack: PackData, out_dir: Path
) -> None:
    dialog = make_dialog()
    page = dialog.page
    shot(dialog, "idle")
    page.tree.set_all(False)
    security = tree_item(dialog, "Security")
    security.setCheckState(0, CHECKED)
    tree_item(dialog, "network").setCheckState(0, CHECKED)
    for severity, box in page.severity_boxes.items():
        box.setChecked(severity in ("critical", "high"))
    page.framework_boxes["cis"].setChecked(True)
    page.include_pass.setChecked(False)
    page.set_sheets(("Cover", "Findings", "Evidence"))
    target = out_dir / "pack.xlsx"
    run(qtbot, dialog, target)
    shot(dialog, "done")

    assert target.is_file() and sorted(p.name for p in out_dir.iterdir()) == ["pack.xlsx"]
    assert sheet_titles(target) == ["Cover", "Findings", "Evidence"]
    chosen = accounts_beneath(pack, node_of(security)[1]) | {node_of(tree_item(dialog, "network"))[1]}
    expected = sorted(
        (r.control_id, r.account_id, r.resource_arn, j.status)
        for r, j in zip(pack.assessment.results, pack.judgements, strict=True)
        if r.account_id in chosen
        and (control := pack.controls.get(r.control_id)) is not None
        and control.severity in ("critical", "high")
        and control.mappings.cis
        and j.status != "PASS"
    )
    rows = findings_rows(target)
    got = sorted((r["Rule id"], r["Account id"], r["Resource ARN"] or "", r["Status"]) for r in rows)
    assert expected and got == expected
    assert {r["Severity"] for r in rows} <= {"critical", "high"} and all(r["CIS"] for r in rows)
    assert f"{len(rows):,} findings rows" in dialog.message.label.text()
    assert dialog.status.text() == "Done." and dialog.message.open_folder_button.isVisible()


def test_open_folder_opens_the_folder_written_to(
    qtbot: Any, make_dialog: Callable[..., ExportDialog], out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[QUrl] = []

    def record(url: QUrl) -> bool:
        opened.append(QUrl(url))
        return True

    monkeypatch.setattr("ui.views.export_dialog.QDesktopServices.openUrl", record)
    dialog = make_dialog()
    dialog.page.set_sheets(("Cover",))
    run(qtbot, dialog, out_dir / "cover-only")  # no suffix: .xlsx added
    assert (out_dir / "cover-only.xlsx").is_file() and dialog.path_edit.text().endswith("cover-only.xlsx")
    qtbot.mouseClick(dialog.message.open_folder_button, Qt.MouseButton.LeftButton)
    assert len(opened) == 1 and opened[0].isLocalFile()
    assert Path(opened[0].toLocalFile()) == out_dir


def test_bundle_written_and_verified(
    qtbot: Any, make_dialog: Callable[..., ExportDialog], pack: PackData, out_dir: Path
) -> None:
    dialog = make_dialog()
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("zip"))
    for status, box in dialog.page.status_boxes.items():
        box.setChecked(status == "FAIL")
    target = out_dir / "bundle.zip"
    run(qtbot, dialog, target)
    shot(dialog, "done-bundle")
    verified = verify_bundle(target)
    assert verified.ok, verified
    failed = sum(1 for j in pack.judgements if j.status == "FAIL")
    with zipfile.ZipFile(target) as zf:
        zf.extract("evidence-pack.xlsx", out_dir / "unzipped")
    rows = findings_rows(out_dir / "unzipped" / "evidence-pack.xlsx")
    assert len(rows) == failed and {r["Status"] for r in rows} == {"FAIL"}
    assert f"{failed:,} result(s)" in dialog.message.label.text()
    assert "SHA-256 of SHA256SUMS" in dialog.message.label.text()


def test_choices_remembered_between_runs(
    qtbot: Any, make_dialog: Callable[..., ExportDialog], out_dir: Path, settings: QSettings
) -> None:
    first = make_dialog()
    first.page.tree.set_all(False)
    tree_item(first, "Workloads").setCheckState(0, CHECKED)
    first.page.severity_boxes["low"].setChecked(False)
    first.page.status_boxes["PASS"].setChecked(False)
    first.page.framework_boxes["nist"].setChecked(True)
    first.page.include_pass.setChecked(False)
    first.page.set_sheets(("Cover", "Summary"))
    run(qtbot, first, out_dir / "one.xlsx")
    chosen = first.page.options()
    first.close()

    second = make_dialog()
    assert second.page.options() == chosen
    assert second.format() == "xlsx"
    assert Path(second.path_edit.text()).name.endswith(".xlsx")  # a new default name, not the last file
    # Another organization's dialog would not reuse the account scope: it is kept per organization id.
    keys = settings.allKeys()
    assert any(k.startswith(f"export/scope/{second.organization_id}/") for k in keys)


def test_second_export_reuses_the_pack_data(
    qtbot: Any, make_dialog: Callable[..., ExportDialog], out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[Path] = []
    real = export_job.build_pack_data

    def counting(path: Path, **kw: Any) -> PackData:
        built.append(path)
        return real(path, **kw)

    monkeypatch.setattr(export_job, "build_pack_data", counting)
    dialog = make_dialog()
    dialog.page.set_sheets(("Cover",))
    run(qtbot, dialog, out_dir / "a.xlsx")
    first = dialog.pack
    run(qtbot, dialog, out_dir / "b.xlsx")
    assert len(built) == 1 and dialog.pack is not None and first is not None
    assert dialog.pack.inventory is first.inventory and (out_dir / "b.xlsx").is_file()


def test_replacing_an_existing_file_asks(
    qtbot: Any, make_dialog: Callable[..., ExportDialog], out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = out_dir / "there.xlsx"
    target.write_bytes(b"earlier")
    dialog = make_dialog()
    dialog.page.set_sheets(("Cover",))
    monkeypatch.setattr(dialog, "confirm_replace", lambda path: False)
    dialog.path_edit.setText(str(target))
    with qtbot.waitSignal(dialog.stopped, timeout=TIMEOUT_MS):
        assert not dialog.start()
    assert target.read_bytes() == b"earlier" and dialog.worker is None
    monkeypatch.setattr(dialog, "confirm_replace", lambda path: True)
    run(qtbot, dialog, target)
    assert sheet_titles(target) == ["Cover"]


# -- cancel and failures ----------------------------------------------------------------------------


@pytest.fixture
def held_at_findings(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """write_workbook held when it reaches the Findings sheet (its temporary file half written) until
    it is cancelled; ``state["partial"]`` lists the folder's files at that moment."""
    state: dict[str, Any] = {"reached": threading.Event(), "partial": []}
    real = export_job.write_workbook

    def held(data: PackData, target: Path, *, progress: Any, cancelled: Any, **kw: Any) -> Any:
        def inner(done: int, total: int, message: str) -> None:
            progress(done, total, message)
            if "Findings" in message and not state["reached"].is_set():
                state["partial"] = sorted(p.name for p in Path(target).parent.iterdir())
                state["reached"].set()
                deadline = time.monotonic() + 60
                while not cancelled() and time.monotonic() < deadline:
                    time.sleep(0.01)

        return real(data, target, progress=inner, cancelled=cancelled, **kw)

    monkeypatch.setattr(export_job, "write_workbook", held)
    return state


def test_cancel_leaves_no_file(
    qtbot: Any, make_dialog: Callable[..., ExportDialog], out_dir: Path, held_at_findings: dict[str, Any]
) -> None:
    dialog = make_dialog()
    dialog.path_edit.setText(str(out_dir / "cancelled.xlsx"))
    assert dialog.start()
    qtbot.waitUntil(held_at_findings["reached"].is_set, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: "Findings" in dialog.status.text(), timeout=TIMEOUT_MS)
    assert (
        dialog.bar.isVisible() and dialog.cancel_button.isVisible() and not dialog.export_button.isEnabled()
    )
    assert not dialog.page.isEnabled() and 0 < dialog.bar.value() < 1000
    shot(dialog, "running")
    assert held_at_findings["partial"] and all(n.endswith(".tmp") for n in held_at_findings["partial"])
    with qtbot.waitSignal(dialog.stopped, timeout=TIMEOUT_MS):
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=TIMEOUT_MS)
    assert dialog.status.text() == "Cancelled: nothing was written."
    assert list(out_dir.iterdir()) == [] and not dialog.message.isVisible()
    assert dialog.export_button.isEnabled() and not dialog.cancel_button.isVisible()


def test_cancel_while_reading_the_snapshot(
    qtbot: Any, make_dialog: Callable[..., ExportDialog], out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing reused: the dialog reads the tree and the pack's data from the file itself."""
    reading = threading.Event()
    real = export_job.build_pack_data

    def slow(path: Path, *, progress: Any, cancelled: Any, **kw: Any) -> PackData:
        def inner(done: int, total: int, message: str) -> None:
            progress(done, total, message)
            reading.set()
            while not cancelled():
                time.sleep(0.01)

        return real(path, progress=inner, cancelled=cancelled, **kw)

    monkeypatch.setattr(export_job, "build_pack_data", slow)
    dialog = make_dialog(reuse=False)
    assert tree_item(dialog, "Security") is not None and dialog.organization_id.startswith("o-")
    dialog.path_edit.setText(str(out_dir / "x.xlsx"))
    assert dialog.start()
    qtbot.waitUntil(reading.is_set, timeout=TIMEOUT_MS)
    with qtbot.waitSignal(dialog.stopped, timeout=TIMEOUT_MS):
        dialog.cancel()
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=TIMEOUT_MS)
    assert dialog.status.text() == "Cancelled: nothing was written." and list(out_dir.iterdir()) == []


def test_closing_while_running_cancels_and_waits(
    qtbot: Any, make_dialog: Callable[..., ExportDialog], out_dir: Path, held_at_findings: dict[str, Any]
) -> None:
    dialog = make_dialog()
    dialog.path_edit.setText(str(out_dir / "closed.xlsx"))
    assert dialog.start()
    qtbot.waitUntil(held_at_findings["reached"].is_set, timeout=TIMEOUT_MS)
    dialog.reject()
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=TIMEOUT_MS)
    assert list(out_dir.iterdir()) == []


def test_unwritable_places_said(
    qtbot: Any, make_dialog: Callable[..., ExportDialog], out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = make_dialog()
    assert "does not exist" in refuse(qtbot, dialog, out_dir / "missing" / "a.xlsx")
    shot(dialog, "error")
    a_file = out_dir / "plain-file"
    a_file.write_text("x")
    assert "does not exist" in refuse(qtbot, dialog, a_file / "a.xlsx")
    (out_dir / "folder.xlsx").mkdir()
    assert "is a folder" in refuse(qtbot, dialog, out_dir / "folder.xlsx")
    assert "ends in .xlsx" in refuse(qtbot, dialog, out_dir / "a.xls")
    locked = out_dir / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    if os.geteuid() == 0:  # root writes anywhere: answer as the file system answers anyone else
        real_access = os.access
        monkeypatch.setattr(
            "exports.workbook.os.access",
            lambda p, mode: False if Path(p) == locked and mode & os.W_OK else real_access(p, mode),
        )
    assert "is not writable" in refuse(qtbot, dialog, locked / "a.xlsx")
    assert dialog.status.text() == "Nothing was written."
    assert sorted(p.name for p in out_dir.iterdir()) == ["folder.xlsx", "locked", "plain-file"]
    assert list(locked.iterdir()) == []


def test_disk_full_said_and_nothing_left(
    qtbot: Any, make_dialog: Callable[..., ExportDialog], out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(self: Any, path: Any) -> None:
        Path(path).write_bytes(b"PK partial")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("exports.xlsx_writer.XlsxWriter.save", full)
    dialog = make_dialog()
    dialog.page.set_sheets(("Cover",))
    text = refuse(qtbot, dialog, out_dir / "full.xlsx")
    assert "Export failed" in text and os.strerror(errno.ENOSPC) in text
    assert list(out_dir.iterdir()) == []


# -- the window's entry point -------------------------------------------------------------------------


def test_open_export_dialog_reuses_the_window_assessment(
    qtbot: Any, demo_snapshot_path: Path, pack: PackData, settings: QSettings
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    bundle = AssessmentBundle(inventory=pack.inventory, assessment=pack.assessment, rows=[])
    dialog = open_export_dialog(
        parent, snapshot_path=demo_snapshot_path, assessment_bundle=bundle, settings=settings
    )
    assert isinstance(dialog, ExportDialog) and dialog.isVisible() and dialog.parent() is parent
    assert dialog.windowModality() == Qt.WindowModality.WindowModal
    assert dialog.testAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    assert dialog._reuse == {"inventory": pack.inventory, "assessment": pack.assessment}
    assert [s for s in ALL_SHEETS if s in dialog.page.sheets()] == list(dialog.page.sheets())
    dialog.close()
