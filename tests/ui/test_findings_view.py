"""The findings tab on the demo organization: filters, selection, the detail pane and its raw records."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from analysis.rules.base import FAIL, NOT_ASSESSED
from snapshot import Snapshot
from ui.models.findings_model import FindingsFilter
from ui.views.findings_view import FindingsView
from ui.workers import AssessmentBundle, build_assessment_job


@pytest.fixture(scope="module")
def demo(demo_snapshot_path: Path) -> Iterator[tuple[Snapshot, AssessmentBundle]]:
    snap = Snapshot.open(demo_snapshot_path)
    bundle = build_assessment_job(snap)(lambda _v: None, lambda: False)
    assert bundle is not None
    yield snap, bundle
    snap.close()


@pytest.fixture
def view(qtbot: Any, demo: tuple[Snapshot, AssessmentBundle]) -> FindingsView:
    snap, bundle = demo
    v = FindingsView()
    qtbot.addWidget(v)
    v.resize(1500, 900)
    v.set_findings(bundle.rows, bundle.assessment.controls, snap)
    return v


def test_every_result_is_a_row_failures_first(view: FindingsView, demo: Any) -> None:
    _, bundle = demo
    assert view.model.rowCount() == len(bundle.assessment.results)
    assert view.model.row_at(0).status == FAIL
    assert view.model.row_at(0).severity == "critical"
    assert f"{len(bundle.rows):,} of {len(bundle.rows):,} shown" == view.shown_label.text()


def test_status_combo_and_search_narrow_the_table(qtbot: Any, view: FindingsView) -> None:
    combo = view.combos["statuses"]
    combo.setCurrentIndex(combo.findText("Not assessed"))
    assert view.model.rowCount() > 0
    assert {view.model.row_at(i).status for i in range(view.model.rowCount())} == {NOT_ASSESSED}
    view.search.setText("no-such-thing-anywhere")
    qtbot.waitUntil(lambda: view.model.rowCount() == 0)
    assert view.shown_label.text().startswith("0 of")
    view.clear_button.click()
    assert view.model.rowCount() == view.model.total() and view.search.text() == ""


def test_set_filter_selects_the_combos(view: FindingsView, demo: Any) -> None:
    _, bundle = demo
    row = next(r for r in bundle.rows if r.status == FAIL and r.ou_ids)
    view.set_filter(FindingsFilter(statuses=frozenset({FAIL}), account_id=row.account_id))
    assert view.combos["account_id"].currentData() == row.account_id
    assert view.combos["statuses"].currentText() == "Fail"
    shown = {view.model.row_at(i).account_id for i in range(view.model.rowCount())}
    assert shown == {row.account_id}
    view.set_filter(FindingsFilter(ou_id=row.ou_ids[-1]))
    assert view.model.rowCount() >= 1
    assert all(row.ou_ids[-1] in view.model.row_at(i).ou_ids for i in range(view.model.rowCount()))


def test_section_combo_lists_the_sections_and_filters(view: FindingsView, demo: Any) -> None:
    _, bundle = demo
    combo = view.combos["section"]
    present = {s for r in bundle.rows for s in r.sections}
    listed = [combo.itemData(i) for i in range(1, combo.count())]
    assert set(listed) == present and len(listed) == len(present)
    assert combo.itemText(listed.index(("CIS", "1")) + 1) == "CIS 1 Identity and Access Management"
    combo.setCurrentIndex(listed.index(("NIST", "AC")) + 1)
    expected = sum(("NIST", "AC") in r.sections for r in bundle.rows)
    assert 0 < view.model.rowCount() == expected < len(bundle.rows)
    view.set_filter(FindingsFilter(section=("CIS", "99")))  # not present: said as 0 shown, not ignored
    assert combo.currentText() == "CIS 99 Section 99" and view.model.rowCount() == 0


def test_several_rows_selected_and_kept_through_a_filter(qtbot: Any, view: FindingsView) -> None:
    from PySide6.QtCore import QItemSelectionModel

    view.set_filter(FindingsFilter(statuses=frozenset({FAIL})))
    heard: list[list[Any]] = []
    view.rows_selected.connect(heard.append)
    view.select_row(2)
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    view.table.selectionModel().select(view.model.index(5, 0), flags)
    picked = view.selected_rows()
    assert [r.index for r in picked] == [view.model.row_at(2).index, view.model.row_at(5).index]
    assert heard[-1] == picked
    assert view.selected() is picked[0]  # the current row: the detail pane shows it
    assert view.detail.row is picked[0]
    # a filter both rows pass keeps them selected; one that drops one keeps the other
    view.set_filter(FindingsFilter(statuses=frozenset({FAIL}), severities=frozenset({picked[0].severity})))
    kept = [r.index for r in view.selected_rows()]
    assert kept == [r.index for r in picked if r.severity == picked[0].severity]
    view.set_filter(FindingsFilter(statuses=frozenset({FAIL}), text=picked[1].result.resource_arn))
    assert picked[1].index in [r.index for r in view.selected_rows()]


def test_detail_pane_shows_rationale_remediation_mappings(view: FindingsView) -> None:
    view.set_filter(FindingsFilter(statuses=frozenset({FAIL})))
    view.select_row(0)
    row = view.selected()
    assert row is not None and row.status == FAIL
    control = view.controls[row.control_id]
    summary = view.detail.summary.toPlainText()
    assert row.result.message in summary
    assert control.rationale[:60] in summary
    for ids in (control.mappings.cis, control.mappings.fsbp, control.mappings.nist):
        for i in ids:
            assert i in summary
    remediation = view.detail.remediation.toPlainText()
    assert control.remediation.cli.strip().splitlines()[0] in remediation
    assert control.remediation.terraform.strip().splitlines()[0] in remediation
    assert row.title in view.detail.header.text()


def test_evidence_records_are_the_stored_pages_with_hash(view: FindingsView, demo: Any) -> None:
    snap, bundle = demo
    row = next(
        r
        for r in bundle.rows
        if r.result.evidence.call_ids and snap.call(r.result.evidence.call_ids[0]).page_count
    )
    view.set_filter(FindingsFilter(text=row.result.resource_arn))
    index = next(i for i in range(view.model.rowCount()) if view.model.row_at(i) is row)
    view.select_row(index)
    call_id = row.result.evidence.call_ids[0]
    call = snap.call(call_id)
    top = view.detail.calls.topLevelItem(0)
    assert top.text(0) == str(call_id) and top.text(1) == call.started_at
    assert top.text(2) == f"{call.service} {call.operation}"
    body, digest = snap.raw_pages(call_id)[0]
    assert view.detail.record.toPlainText() == body.decode()  # exactly as stored
    assert hashlib.sha256(body).hexdigest() == digest
    assert digest in view.detail.record_header.text()
    view.detail.indent.setChecked(True)
    assert view.detail.record.toPlainText() == json.dumps(json.loads(body), indent=2)


def test_a_missing_call_is_said_not_a_crash(view: FindingsView, demo: Any) -> None:
    from dataclasses import replace

    from analysis.rules.base import Evidence

    _, bundle = demo
    row = bundle.rows[0]
    broken = replace(row, result=replace(row.result, evidence=Evidence(call_ids=(10**9,))))
    view.detail.show_finding(broken, None)
    assert view.detail.calls.topLevelItem(0).text(2) == "not in the snapshot"
    assert "not in the catalogue" in view.detail.remediation.toPlainText()


def test_closed_snapshot_is_said(view: FindingsView, demo: Any) -> None:
    _, bundle = demo
    view.detail.set_snapshot(None)
    view.detail.show_finding(bundle.rows[0], None)
    assert "closed" in view.detail.record_header.text()


def test_sorting_by_the_header_keeps_the_filter(view: FindingsView) -> None:
    view.set_filter(FindingsFilter(statuses=frozenset({FAIL})))
    n = view.model.rowCount()
    col = view.model.columns.index("severity")
    view.table.sortByColumn(col, Qt.SortOrder.DescendingOrder)
    assert view.model.rowCount() == n
    assert view.model.row_at(0).severity != "critical"
    assert view.model.row_at(n - 1).severity == "critical"


def test_coverage_lists_what_could_not_be_assessed(qtbot: Any, demo: Any) -> None:
    from ui.views.coverage_view import CoverageView

    _, bundle = demo
    view = CoverageView()
    qtbot.addWidget(view)
    assert "runs when" in view.not_assessed_label.text()
    view.set_not_assessed(bundle.rows)
    expected = [r for r in bundle.rows if r.status == NOT_ASSESSED]
    assert expected, "the demo organization has things that cannot be assessed"
    assert view.not_assessed_model.rowCount() == len(expected)
    reasons = {view.not_assessed_model.index(i, 5).data() for i in range(view.not_assessed_model.rowCount())}
    assert reasons == {r.result.message for r in expected}
    assert f"{len(expected):,} result(s)" in view.not_assessed_label.text()
    view.set_not_assessed(None)
    assert view.not_assessed_model.rowCount() == 0


def test_window_assesses_when_the_findings_tab_is_shown(
    qtbot: Any, tmp_path: Path, demo_snapshot_path: Path
) -> None:
    from PySide6.QtCore import QSettings

    from ui.main_window import MainWindow

    window = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.open_path(str(demo_snapshot_path))
    qtbot.waitUntil(lambda: window.loaded is not None and window.worker is None, timeout=60_000)
    assert window.assessment.worker is None and window.assessment.bundle is None  # lazily
    window.tabs.setCurrentWidget(window.findings_view)
    assert window.assessment.worker is not None
    qtbot.waitUntil(lambda: window.assessment.bundle is not None, timeout=120_000)
    n = len(window.assessment.bundle.rows)
    assert window.findings_view.model.rowCount() == n
    assert window.dashboard_view.status_chart.bars
    assert window.coverage_view.not_assessed_model.rowCount() > 0
    # a click on the dashboard filters the findings and shows them
    window.tabs.setCurrentWidget(window.dashboard_view)
    bar = window.dashboard_view.severity_chart.bars[0]
    window.dashboard_view.filter_requested.emit(bar.filter)
    assert window.tabs.currentWidget() is window.findings_view
    assert window.findings_view.model.rowCount() == bar.value
    window.close_snapshot()
    assert window.assessment.bundle is None and window.findings_view.model.rowCount() == 0


def test_cancel_stops_the_assessment(qtbot: Any, demo_snapshot_path: Path) -> None:
    from ui.views.coverage_view import CoverageView
    from ui.views.dashboard_view import DashboardView
    from ui.views.findings_controller import AssessmentController

    dashboard, findings, coverage = DashboardView(), FindingsView(), CoverageView()
    for w in (dashboard, findings, coverage):
        qtbot.addWidget(w)
    controller = AssessmentController(dashboard=dashboard, findings=findings, coverage=coverage)
    with Snapshot.open(demo_snapshot_path) as snap:
        controller.ensure(snap)
        findings.status_bar.cancel.click()
        qtbot.waitUntil(lambda: controller.worker is None, timeout=60_000)
        assert controller.bundle is None and findings.model.rowCount() == 0
        assert "cancelled" in findings.status_bar.label.text()
        controller.ensure(snap)  # shown again: runs again
        qtbot.waitUntil(lambda: controller.bundle is not None, timeout=120_000)
        assert findings.model.rowCount() == len(controller.bundle.rows)
        controller.clear()
