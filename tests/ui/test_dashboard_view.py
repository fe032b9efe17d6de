"""The dashboard: its counts, and a click on a bar filters the findings table."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS
from tests.ui.test_findings_model import pick, place, result
from ui.models.findings_model import FindingsFilter, build_finding_rows
from ui.views.dashboard_view import DashboardView
from ui.views.findings_view import FindingsView


@pytest.fixture
def rows() -> list[Any]:
    crit, high, low = pick("critical"), pick("high"), pick("low")
    results = [
        result(crit, FAIL, "111111111111", "eu-west-1", "a"),
        result(crit, FAIL, "111111111111", "eu-west-1", "b"),
        result(high, FAIL, "222222222222", "us-east-1", "c"),
        result(low, PASS, "222222222222", "us-east-1", "d"),
        result(low, NOT_ASSESSED, "222222222222", "us-east-1", "e"),
    ]
    return build_finding_rows(results, [crit, high, low], place=place)


@pytest.fixture
def dashboard(qtbot: Any, rows: list[Any]) -> DashboardView:
    view = DashboardView()
    qtbot.addWidget(view)
    view.resize(1400, 900)
    view.show()
    qtbot.waitExposed(view)
    view.set_findings(rows, [])
    return view


def test_counts(dashboard: DashboardView) -> None:
    sev = {b.label: b.value for b in dashboard.severity_chart.bars}
    assert sev["Critical"] == 2 and sev["High"] == 1 and sev["Low"] == 0  # failures only
    status = {b.label: b.value for b in dashboard.status_chart.bars}
    assert status == {"Fail": 3, "Not assessed": 1, "Pass": 1}
    accounts = [(b.label, b.value) for b in dashboard.account_chart.bars]
    assert accounts == [("prod-app (111111111111)", 2), ("sandbox (222222222222)", 1)]
    ous = {b.label: b.value for b in dashboard.ou_chart.bars}
    assert ous == {"Workloads": 2, "Workloads / Prod": 2, "Sandbox": 1}  # the root is not a bar
    assert "5 results" in dashboard.headline.text() and "3 fail" in dashboard.headline.text()


def test_framework_pass_rate_ignores_not_assessed(dashboard: DashboardView, rows: list[Any]) -> None:
    for bar in dashboard.framework_chart.bars:
        mapped = [r for r in rows if bar.label in r.frameworks]
        p = sum(r.status == PASS for r in mapped)
        f = sum(r.status == FAIL for r in mapped)
        assert bar.value == pytest.approx(100 * p / (p + f))


def test_clicking_a_bar_filters_the_findings(qtbot: Any, dashboard: DashboardView, rows: list[Any]) -> None:
    findings = FindingsView()
    qtbot.addWidget(findings)
    findings.set_findings(rows, [], None)
    dashboard.filter_requested.connect(findings.set_filter)
    chart = dashboard.severity_chart
    index = [b.label for b in chart.bars].index("Critical")
    with qtbot.waitSignal(dashboard.filter_requested) as blocker:
        qtbot.mouseClick(chart.viewport(), Qt.MouseButton.LeftButton, pos=chart.bar_center(index).toPoint())
    assert blocker.args[0] == FindingsFilter(statuses=frozenset({FAIL}), severities=frozenset({"critical"}))
    assert findings.proxy.rowCount() == 2
    assert {findings.proxy.row_at(i).resource for i in range(2)} == {"a", "b"}
    account = dashboard.account_chart
    with qtbot.waitSignal(dashboard.filter_requested):
        qtbot.mouseClick(account.viewport(), Qt.MouseButton.LeftButton, pos=account.bar_center(1).toPoint())
    assert {findings.proxy.row_at(i).resource for i in range(findings.proxy.rowCount())} == {"c"}


def test_click_outside_the_bars_does_nothing(qtbot: Any, dashboard: DashboardView) -> None:
    chart = dashboard.status_chart
    heard: list[Any] = []
    dashboard.filter_requested.connect(heard.append)
    qtbot.mouseClick(
        chart.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(3, 3)
    )  # QPoint(0, 0) means the centre to QTest
    assert heard == []


def test_empty(qtbot: Any) -> None:
    view = DashboardView()
    qtbot.addWidget(view)
    assert view.headline.text() == "No assessment yet."
    assert all(chart.bars == [] for chart in view.charts)
