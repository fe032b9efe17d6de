"""The "Compare snapshots" window on the demo organization (pytest-qt, offscreen).

The older snapshot is the demo's; the newer one is the demo's calls rewritten with the builders of
the diff tests (``write_snapshot``): one bucket's versioning enabled (a resolved finding), another's
suspended (a new finding), one bucket renamed (removed and added, its findings resolved and new).
A third copy is of another organization (its id replaced everywhere).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from analysis.diff import DiffCancelled, FieldChange
from snapshot import Snapshot
from tests.analysis.model.builders import FakeCall, write_snapshot
from ui.models.diff_rows import (
    ADDED,
    CHANGED,
    NEW,
    REMOVED,
    RESOLVED,
    STATUS_CHANGED,
    UNCHANGED,
    DiffFindingRow,
    ResourceRow,
    flatten_change,
    value_text,
)
from ui.views.diff_view import DiffView, open_diff_window

TIMEOUT_MS = 180_000
SHOTS = Path("/tmp/diff_view_shots")
FIXED = "example-corp-payments-prod-reports-818875619390"  # versioning never enabled -> enabled
BROKEN = "example-corp-cloudtrail-505610406628"  # versioning enabled -> suspended
RENAMED = ("example-corp-payments-dev-exports-242973687231", "example-corp-payments-dev-archive-242973687231")
KEPT_MANIFEST = ("identity", "organization_id", "management_account_id", "scope", "account_outcomes")


def rewrite(
    source: Path, target: Path, change: Callable[[str, str, dict[str, Any], str], str | None]
) -> Path:
    """``source``'s calls written again into ``target``; ``change(service, operation, params, pages_json)``
    returns the pages (JSON text) to write instead, or None to drop the call."""
    calls: list[FakeCall] = []
    with Snapshot.open(source) as snap:
        manifest = {k: snap.manifest[k] for k in KEPT_MANIFEST if k in snap.manifest}
        for row in snap.calls():
            text = change(row.service, row.operation, row.parameters, json.dumps(snap.pages(row.id)))
            if text is None:
                continue
            params = json.loads(change("", "params", {}, json.dumps(row.parameters)) or "{}")
            calls.append(
                FakeCall(
                    operation=row.operation,
                    params=params,
                    pages=json.loads(text),
                    outcome=row.outcome,
                    error_code=row.error_code,
                    error_message=row.error_message,
                    service=row.service,
                    account_id=row.account_id,
                    region=row.region,
                )
            )
        manifest = json.loads(change("", "manifest", {}, json.dumps(manifest)) or "{}")
    return write_snapshot(target, calls=calls, manifest=manifest)


def newer_change(service: str, operation: str, params: dict[str, Any], text: str) -> str | None:
    if operation == "GetBucketVersioning" and params.get("Bucket") == FIXED:
        return json.dumps([{"Status": "Enabled"}])
    if operation == "GetBucketVersioning" and params.get("Bucket") == BROKEN:
        return json.dumps([{"Status": "Suspended"}])
    return text.replace(*RENAMED)


@pytest.fixture(scope="module")
def snapshots(demo_snapshot_path: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("diff-view")
    with Snapshot.open(demo_snapshot_path) as snap:
        org_id = snap.manifest["organization_id"]
    return {
        "older": demo_snapshot_path,
        "newer": rewrite(demo_snapshot_path, d / "newer.snapshot", newer_change),
        "other": rewrite(
            demo_snapshot_path, d / "other.snapshot", lambda s, o, p, t: t.replace(org_id, "o-other0000")
        ),
    }


@pytest.fixture
def view(qtbot: Any) -> Iterator[DiffView]:
    v = DiffView()
    qtbot.addWidget(v)
    v.show()
    yield v
    v.close()
    assert v.worker is None or v.wait()


def run(qtbot: Any, view: DiffView, older: Path | str, newer: Path | str) -> None:
    view.old_edit.setText(str(older))
    view.new_edit.setText(str(newer))
    with qtbot.waitSignals([view.compared], timeout=TIMEOUT_MS):
        view.compare_button.click()


def shown(page: Any, kind: str) -> list[Any]:
    page.select_kind(kind)
    return page.visible_rows()


def shot(widget: QWidget, name: str) -> None:
    QApplication.processEvents()  # the layout follows the last change before the picture
    SHOTS.mkdir(exist_ok=True)
    assert widget.grab().save(str(SHOTS / f"{name}.png"))


def finding(rows: list[DiffFindingRow], control: str, resource: str) -> DiffFindingRow:
    matches = [r for r in rows if r.result.control_id == control and r.resource == resource]
    assert len(matches) == 1, [(r.result.control_id, r.resource) for r in rows]
    return matches[0]


def test_new_resolved_and_changed_findings_and_resources(
    qtbot: Any, view: DiffView, snapshots: dict[str, Path]
) -> None:
    run(qtbot, view, snapshots["older"], snapshots["newer"])
    f = view.findings
    counts = f.counts()
    assert counts[NEW] and counts[RESOLVED] and counts[STATUS_CHANGED] and counts[UNCHANGED] > 100
    assert [f.bar.tabText(i) for i in range(4)] == [
        f"New ({counts[NEW]})", f"Resolved ({counts[RESOLVED]})", f"Status changed ({counts[STATUS_CHANGED]})",
        f"Unchanged ({counts[UNCHANGED]:,})",
    ]  # fmt: skip
    assert view.tabs.tabText(0) == f"Findings ({counts[NEW]} new, {counts[RESOLVED]} resolved)"
    new = shown(f, NEW)
    assert {r.kind for r in new} == {NEW} and len(new) == counts[NEW]
    broken = finding(new, "s3_bucket_versioning", BROKEN)
    assert (
        broken.text("status") == "Pass → Fail"
        and broken.severity
        and broken.text("account").startswith("log-")
    )
    archive = finding(new, "s3_bucket_versioning", RENAMED[1])
    assert archive.text("status") == "no result → Fail"
    f.table.selectRow(0)
    shot(view, "findings_new")
    resolved = shown(f, RESOLVED)
    assert finding(resolved, "s3_bucket_versioning", FIXED).text("status") == "Fail → Pass"
    gone = finding(resolved, "s3_bucket_versioning", RENAMED[0])
    assert gone.text("status") == "Fail → no result" and gone.text("message")  # the older reason
    # the detail under the table: both reasons of a fixed finding; "no result" for a gone one
    f.table.selectRow(resolved.index(finding(resolved, "s3_bucket_versioning", FIXED)))
    assert "<b>Older</b> (Fail)" in f.detail.text() and "<b>Newer</b> (Pass)" in f.detail.text()
    f.table.selectRow(resolved.index(gone))
    assert "<b>Newer</b>: no result" in f.detail.text() and RENAMED[0] in f.detail.text()
    shot(view, "findings_resolved")
    assert ("s3_bucket_versioning", FIXED) in {
        (r.result.control_id, r.resource) for r in shown(f, STATUS_CHANGED)
    }
    assert {r.new_status for r in shown(f, UNCHANGED)} == {"FAIL"}
    # the filter box narrows the kind shown, and says how many of how many
    f.select_kind(RESOLVED)
    f.search.setText(FIXED.upper())
    f.apply()
    assert [r.resource for r in f.visible_rows()] == [FIXED] * len(f.visible_rows()) and f.visible_rows()
    assert f.shown.text() == f"{len(f.visible_rows())} of {counts[RESOLVED]} shown"
    f.search.setText("no-such-thing-anywhere")
    f.apply()
    assert f.proxy.rowCount() == 0

    view.tabs.setCurrentWidget(view.resources)
    res = view.resources
    assert view.tabs.tabText(1) == "Resources (1 added, 1 removed, 2 changed)"
    added: list[ResourceRow] = shown(res, ADDED)
    assert [(r.record_type, r.arn) for r in added] == [("S3Bucket", f"arn:aws:s3:::{RENAMED[1]}")]
    assert [r.arn for r in shown(res, REMOVED)] == [f"arn:aws:s3:::{RENAMED[0]}"]
    res.table.selectRow(0)
    assert res.fields_model.rowCount() > 3 and "not in the newer snapshot" in res.title.text()
    assert res.fields_model.index(0, 2).data() == "(absent)"
    shot(view, "resources_removed")
    changed: list[ResourceRow] = shown(res, CHANGED)
    assert sorted(r.arn.rsplit(":", 1)[-1] for r in changed) == sorted([FIXED, BROKEN])
    row = next(i for i, r in enumerate(changed) if r.arn.endswith(FIXED))
    res.table.selectRow(row)
    model = res.fields_model
    cells = [tuple(model.index(i, c).data() for c in range(3)) for i in range(model.rowCount())]
    assert any("versioning" in field and new == "Enabled" for field, _old, new in cells), cells
    assert "Older:" in res.value.toPlainText() and "Newer:\nEnabled" in res.value.toPlainText()
    assert "1 field(s) changed" in res.title.text() or "field(s) changed" in res.title.text()
    shot(view, "resources_changed")


def test_different_organizations_said_then_compared_anyway(
    qtbot: Any, view: DiffView, snapshots: dict[str, Path]
) -> None:
    view.old_edit.setText(str(snapshots["older"]))
    view.new_edit.setText(str(snapshots["other"]))
    with qtbot.waitSignal(view.stopped, timeout=TIMEOUT_MS):
        view.compare()
    text = view.banner.label.text()
    assert (
        "different organizations" in text and "o-other0000" in text and "o-" in text.split("o-other0000")[0]
    )
    assert view.banner.action.isVisible() and view.banner.action.text() == "Compare anyway"
    assert not view.tabs.isEnabled() and view.comparison is None
    shot(view, "different_organizations")
    with qtbot.waitSignal(view.compared, timeout=TIMEOUT_MS):
        view.banner.action.click()
    assert "different organizations" in view.banner.label.text() and not view.banner.action.isVisible()
    # the same accounts under another organization id: the findings are compared as usual
    assert "(different organizations)" in view.status.text() and view.findings.counts()[UNCHANGED] > 100


def test_bad_files_said_nothing_crashes(
    qtbot: Any, view: DiffView, snapshots: dict[str, Path], tmp_path: Path
) -> None:
    junk = tmp_path / "junk.snapshot"
    junk.write_bytes(b"PK\x03\x04 this is a zip, not a snapshot" * 20)
    view.old_edit.setText(str(junk))
    view.new_edit.setText(str(snapshots["newer"]))
    with qtbot.waitSignal(view.stopped, timeout=TIMEOUT_MS):
        view.compare()
    assert "junk.snapshot is not a snapshot file" in view.banner.label.text()
    assert not view.banner.action.isVisible() and not view.tabs.isEnabled()
    shot(view, "corrupt_file")
    view.old_edit.setText(str(tmp_path / "missing.snapshot"))
    with qtbot.waitSignal(view.stopped, timeout=TIMEOUT_MS):
        view.compare()
    assert "missing.snapshot: no such file" in view.banner.label.text()
    for old, new, said in (
        ("", str(junk), "Choose the older snapshot file."),
        (str(junk), "", "Choose the newer snapshot file."),
        (str(junk), str(junk), "the same file"),
    ):
        view.old_edit.setText(old)
        view.new_edit.setText(new)
        with qtbot.waitSignal(view.stopped, timeout=1000):
            view.compare()
        assert said in view.banner.label.text() and view.worker is None


def test_tampered_snapshot_compared_read_only_when_asked(
    qtbot: Any, view: DiffView, snapshots: dict[str, Path], tmp_path: Path
) -> None:
    changed = tmp_path / "changed.snapshot"
    changed.write_bytes(snapshots["newer"].read_bytes())
    with sqlite3.connect(changed) as conn:
        conn.execute("UPDATE calls SET duration_ms = 1 WHERE id = 1")
    view.old_edit.setText(str(snapshots["older"]))
    view.new_edit.setText(str(changed))
    with qtbot.waitSignal(view.stopped, timeout=TIMEOUT_MS):
        view.compare()
    assert "modified since it was collected" in view.banner.label.text()
    assert view.banner.action.text() == "Compare anyway (read-only)"
    with qtbot.waitSignal(view.compared, timeout=TIMEOUT_MS):
        view.banner.action.click()
    assert "newer snapshot was modified after collection" in view.banner.label.text()
    assert view.comparison is not None and view.comparison.new.tampered


@pytest.fixture
def slow_compare(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The comparison replaced by one that reports, then waits to be cancelled (set: it saw the cancel)."""
    saw_cancel = threading.Event()

    def compare(old: str, new: str, *, progress: Any, cancelled: Any, **_kw: Any) -> Any:
        progress(1, 10, "old inventory: reading")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if cancelled():
                saw_cancel.set()
                raise DiffCancelled()
            time.sleep(0.01)
        raise AssertionError("never cancelled")

    monkeypatch.setattr("ui.views.diff_view.compare_snapshot_files", compare)
    return saw_cancel


def test_cancel(
    qtbot: Any, view: DiffView, snapshots: dict[str, Path], slow_compare: threading.Event
) -> None:
    view.old_edit.setText(str(snapshots["older"]))
    view.new_edit.setText(str(snapshots["newer"]))
    view.compare()
    qtbot.waitUntil(lambda: "old inventory" in view.status.text(), timeout=TIMEOUT_MS)
    assert view.cancel_button.isVisible() and not view.compare_button.isEnabled() and view.bar.isVisible()
    shot(view, "running")
    with qtbot.waitSignal(view.stopped, timeout=TIMEOUT_MS):
        view.cancel_button.click()
    assert slow_compare.is_set() and view.status.text() == "Cancelled: nothing was compared."
    assert view.worker is None and view.compare_button.isEnabled() and not view.cancel_button.isVisible()
    assert not view.tabs.isEnabled()


def test_closing_while_running_cancels_and_waits(
    qtbot: Any, snapshots: dict[str, Path], slow_compare: threading.Event
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    window = open_diff_window(parent, str(snapshots["newer"]))
    assert isinstance(window, DiffView) and window.isWindow() and window.isVisible()
    assert window.new_edit.text() == str(snapshots["newer"]) and window.old_edit.text() == ""
    assert window.testAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.old_edit.setText(str(snapshots["older"]))
    window.compare()
    qtbot.waitUntil(lambda: "old inventory" in window.status.text(), timeout=TIMEOUT_MS)
    window.close()
    assert slow_compare.is_set()


def test_models_pass_the_model_tester(
    qtmodeltester: Any, qtbot: Any, view: DiffView, snapshots: dict[str, Path]
) -> None:
    run(qtbot, view, snapshots["older"], snapshots["newer"])
    for page in (view.findings, view.resources):
        qtmodeltester.check(page.model)
        qtmodeltester.check(page.proxy)
    view.resources.select_kind(CHANGED)
    view.resources.table.selectRow(0)
    qtmodeltester.check(view.resources.fields_model)


def test_nested_changes_listed_by_their_leaf_fields() -> None:
    change = FieldChange(
        field="public_access_block",
        old={
            "block_public_acls": True,
            "ignore_public_acls": True,
            "call_ids": (1,),
            "inner": {"a": 1, "b": 2},
        },
        new={
            "block_public_acls": False,
            "ignore_public_acls": True,
            "call_ids": (9,),
            "inner": {"a": 1, "b": 3},
        },
    )
    rows = flatten_change(change)
    assert [(r.field, r.old, r.new) for r in rows] == [
        ("public_access_block.block_public_acls", True, False),
        ("public_access_block.inner.b", 2, 3),
    ]  # call ids differ between collections and are not a change
    assert (
        flatten_change(FieldChange(field="policy", old=None, new={"Version": "2012-10-17"}))[0].field
        == "policy"
    )
    assert value_text(None) == "null" and value_text("Enabled") == "Enabled"
    assert value_text({"b": [1], "a": True}) == '{"a": true, "b": [1]}'
