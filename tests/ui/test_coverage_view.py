"""The coverage view: what could not be collected, where and why (pytest-qt, offscreen).

Snapshots are written with the real SnapshotWriter through tests/analysis/model/builders.py;
only the calls and their outcomes are made up.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from analysis.model.coverage import DENIED, ERROR, NOT_COLLECTED, Coverage
from snapshot import Snapshot
from tests.analysis.model.builders import FakeCall, write_snapshot
from ui.models.coverage_model import (
    COL_ACCOUNT,
    COL_CALLS,
    COL_ERROR_CODE,
    COL_OPERATION,
    COL_REGION,
    COL_SERVICE,
    COL_STATE,
    CoverageFilterProxy,
    CoverageModel,
    summarize,
)
from ui.views.coverage_view import EMPTY_TEXT, CoverageView

MGMT, PROD, DEV, LOCKED = "111111111111", "222222222222", "333333333333", "444444444444"
OUTCOMES = {
    MGMT: {"name": "management", "status": "collected"},
    PROD: {"name": "prod", "status": "partial", "denied_calls": 2},
    DEV: {"name": "dev", "status": "partial", "failed_calls": 1},
    LOCKED: {"name": "locked", "status": "access_failed", "detail": "sts:AssumeRole failed: AccessDenied"},
}
MANIFEST = {
    "account_outcomes": OUTCOMES,
    "scope": {"regions": ["us-east-1", "eu-west-1"], "services": []},
}


def ok(operation: str, account: str, service: str = "iam", region: str = "global") -> FakeCall:
    return FakeCall(operation=operation, service=service, account_id=account, region=region, pages=[{}])


def gap_calls() -> list[FakeCall]:
    return [
        ok("GetAccountAuthorizationDetails", MGMT),
        ok("DescribeInstances", MGMT, "ec2", "us-east-1"),
        # prod: IAM denied (two calls), EC2 fine.
        FakeCall(
            operation="GetAccountAuthorizationDetails",
            service="iam",
            account_id=PROD,
            outcome="access_denied",
            error_code="AccessDenied",
            error_message="not authorized to perform iam:GetAccountAuthorizationDetails",
        ),
        FakeCall(
            operation="GetAccountPasswordPolicy",
            service="iam",
            account_id=PROD,
            outcome="access_denied",
            error_code="AccessDenied",
            error_message="not authorized",
        ),
        ok("DescribeInstances", PROD, "ec2", "us-east-1"),
        # dev: one EC2 call failed in eu-west-1, the other region fine.
        ok("DescribeInstances", DEV, "ec2", "us-east-1"),
        FakeCall(
            operation="DescribeInstances",
            service="ec2",
            account_id=DEV,
            region="eu-west-1",
            outcome="error",
            error_code="InternalError",
            error_message="We encountered an internal error",
        ),
        # A missing password policy is an answer, not a gap.
        FakeCall(
            operation="GetAccountPasswordPolicy",
            service="iam",
            account_id=DEV,
            outcome="absent",
            error_code="NoSuchEntity",
        ),
    ]


@pytest.fixture
def gapped(tmp_path: Path) -> Path:
    return write_snapshot(tmp_path / "gaps.awb", calls=gap_calls(), manifest=MANIFEST)


def rows(view: CoverageView) -> list[tuple[str, ...]]:
    proxy = view.proxy
    return [
        tuple(
            proxy.index(r, c).data()
            for c in (COL_ACCOUNT, COL_REGION, COL_SERVICE, COL_OPERATION, COL_STATE, COL_ERROR_CODE)
        )
        for r in range(proxy.rowCount())
    ]


def test_model_passes_qtmodeltester(qtmodeltester: Any, gapped: Path) -> None:
    with Snapshot.open(gapped) as snap:
        gaps = Coverage(calls=snap.calls(), manifest=snap.manifest).gaps()
    model = CoverageModel(gaps=gaps)
    qtmodeltester.check(model)
    proxy = CoverageFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_filters(state=DENIED)
    qtmodeltester.check(proxy)


def test_view_lists_denied_failed_and_unreachable(qtbot: Any, gapped: Path) -> None:
    view = CoverageView()
    qtbot.addWidget(view)
    view.resize(1300, 420)
    view.show()
    with Snapshot.open(gapped) as snap:
        view.set_snapshot(snap)
    # Sorted by account (the sort role), then in Coverage's order within an account.
    assert rows(view) == [
        (PROD, "global", "iam", "GetAccountAuthorizationDetails", "denied", "AccessDenied"),
        (PROD, "global", "iam", "GetAccountPasswordPolicy", "denied", "AccessDenied"),
        (DEV, "eu-west-1", "ec2", "DescribeInstances", "error", "InternalError"),
        (LOCKED, "(whole account)", "(whole account)", "(whole account)", "not collected", ""),
    ]
    # The reason names the call and AWS's message; the name comes from the manifest.
    denied = next(
        r for r in range(view.proxy.rowCount()) if view.proxy.index(r, COL_STATE).data() == "denied"
    )
    assert view.proxy.index(denied, 1).data() == "prod"
    reason = view.proxy.index(denied, 7).data()
    assert "iam:GetAccount" in reason and "denied" in reason and "AccessDenied" in reason
    locked = next(
        r for r in range(view.proxy.rowCount()) if view.proxy.index(r, COL_ACCOUNT).data() == LOCKED
    )
    assert "AssumeRole failed" in view.proxy.index(locked, 7).data()
    # Summary: management complete; prod and dev partial; locked not collected.
    assert view.summary is not None
    assert view.summary.complete == (MGMT,)
    assert view.summary.partial == (PROD, DEV)
    assert view.summary.failed == (LOCKED,)
    assert view.summary_label.text().startswith(
        "4 account(s): 1 fully collected, 2 partly collected, 1 not collected"
    )
    assert view.stack.currentWidget() is view.table
    qtbot.wait(50)  # let the layout take the new texts before the screenshot
    assert view.grab().save("/tmp/awb_coverage.png")


def test_filters_by_state_account_and_service(qtbot: Any, gapped: Path) -> None:
    view = CoverageView()
    qtbot.addWidget(view)
    with Snapshot.open(gapped) as snap:
        view.set_snapshot(snap)
    view.set_filters(state=DENIED)
    assert {r[4] for r in rows(view)} == {"denied"} and len(rows(view)) == 2
    view.set_filters(account=DEV)
    assert rows(view) == [(DEV, "eu-west-1", "ec2", "DescribeInstances", "error", "InternalError")]
    view.set_filters(service="iam", state=ERROR)
    assert rows(view) == []
    assert view.shown_label.text() == "0 of 4 shown"
    view.set_filters(state=NOT_COLLECTED)
    assert [r[0] for r in rows(view)] == [LOCKED]
    # The combo boxes drive the same filter.
    view.set_filters()
    view.service_filter.setCurrentIndex(view.service_filter.findData("ec2"))
    assert [r[2] for r in rows(view)] == ["ec2"]


def test_sorting_uses_the_sort_role(qtbot: Any, gapped: Path) -> None:
    view = CoverageView()
    qtbot.addWidget(view)
    with Snapshot.open(gapped) as snap:
        view.set_snapshot(snap)
    view.table.sortByColumn(COL_CALLS, Qt.SortOrder.DescendingOrder)
    # Calls sort as numbers: the denied GetAccountAuthorizationDetails (1 call) ... whole account (0) last.
    calls = [int(view.proxy.index(r, COL_CALLS).data()) for r in range(view.proxy.rowCount())]
    assert calls == sorted(calls, reverse=True) and calls[-1] == 0
    view.table.sortByColumn(COL_STATE, Qt.SortOrder.AscendingOrder)
    states = [view.proxy.index(r, COL_STATE).data() for r in range(view.proxy.rowCount())]
    # By severity (denied, error, ... not collected), not alphabetically.
    assert states == ["denied", "denied", "error", "not collected"]


def test_everything_collected_says_so(qtbot: Any, tmp_path: Path) -> None:
    path = write_snapshot(
        tmp_path / "clean.awb",
        calls=[ok("GetAccountAuthorizationDetails", MGMT)],
        manifest={"account_outcomes": {MGMT: {"name": "management", "status": "collected"}}},
    )
    view = CoverageView()
    qtbot.addWidget(view)
    with Snapshot.open(path) as snap:
        view.set_snapshot(snap)
    assert view.stack.currentWidget() is view.empty_label
    assert view.empty_label.text() == EMPTY_TEXT
    assert view.summary_label.text() == "1 account(s): 1 fully collected, 0 partly collected, 0 not collected"
    view.set_snapshot(None)
    assert view.model.rowCount() == 0 and view.summary is None


def test_summary_counts_a_cancelled_account_as_partial() -> None:
    summary = summarize([], {MGMT: {"status": "collected"}, PROD: {"status": "cancelled"}})
    assert summary.complete == (MGMT,) and summary.partial == (PROD,) and summary.failed == ()


def test_main_window_collect_menu_and_coverage_tab(qtbot: Any, tmp_path: Path) -> None:
    """File › Collect… opens the wizard; the snapshot it announces opens, with its gaps in Coverage."""
    from PySide6.QtCore import QSettings

    from tests.analysis.model.builders import realistic_snapshot
    from ui.main_window import MainWindow

    window = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    assert window.collect_action.text() == "&Collect…"
    window.collect_action.trigger()
    wizard = window.collect_wizard
    assert wizard is not None and wizard.isVisible()
    window.collect_action.trigger()
    assert window.collect_wizard is wizard  # one at a time
    path = realistic_snapshot(tmp_path / "acme.awb")
    with qtbot.waitSignal(window.snapshot_loaded, timeout=5000):
        wizard.snapshot_ready.emit(str(path))
    qtbot.waitUntil(lambda: window.worker is None, timeout=5000)
    coverage = window.coverage_view
    assert window.tabs.tabText(window.tabs.indexOf(coverage)) == "Coverage"
    assert coverage.summary is not None and "777777777777" in coverage.summary.failed
    locked = [
        r
        for r in range(coverage.proxy.rowCount())
        if coverage.proxy.index(r, COL_ACCOUNT).data() == "777777777777"
    ]
    assert locked and coverage.proxy.index(locked[0], COL_STATE).data() == "not collected"
    wizard.reject()
    qtbot.waitUntil(lambda: window.collect_wizard is None, timeout=5000)
    window.close_snapshot()
    assert coverage.model.rowCount() == 0 and coverage.summary_label.text().startswith("Open a snapshot")
    window.close()
