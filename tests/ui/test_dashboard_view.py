"""The dashboard: its counts, and a click on a bar filters the findings table."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS, Control
from analysis.rules.report import SectionRate, pass_rates_by_section
from tests.ui.test_findings_model import pick, place, result
from ui.models.findings_model import FindingsFilter, build_finding_rows
from ui.views.dashboard_view import UNDECIDED_COLOR, Bar, BarChart, DashboardView, rate_color, section_bar
from ui.views.findings_view import FindingsView


@pytest.fixture
def picked() -> list[Control]:
    return [pick("critical"), pick("high"), pick("low")]


@pytest.fixture
def rows(picked: list[Control]) -> list[Any]:
    crit, high, low = picked
    results = [
        result(crit, FAIL, "111111111111", "eu-west-1", "a"),
        result(crit, FAIL, "111111111111", "eu-west-1", "b"),
        result(high, FAIL, "222222222222", "us-east-1", "c"),
        result(low, PASS, "222222222222", "us-east-1", "d"),
        result(low, NOT_ASSESSED, "222222222222", "us-east-1", "e"),
    ]
    return build_finding_rows(results, [crit, high, low], place=place)


@pytest.fixture
def dashboard(qtbot: Any, rows: list[Any], picked: list[Control]) -> DashboardView:
    view = DashboardView()
    qtbot.addWidget(view)
    view.resize(1400, 900)
    view.show()
    qtbot.waitExposed(view)
    view.set_findings(rows, picked)
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


def test_section_rates_per_framework_ignore_not_assessed(
    dashboard: DashboardView, rows: list[Any], picked: list[Control]
) -> None:
    panel = dashboard.sections
    expected = pass_rates_by_section(rows, picked)
    assert expected and {r.framework for r in expected} <= set(panel.buttons)
    for fw in ("CIS", "FSBP", "NIST"):
        mine = [r for r in expected if r.framework == fw]
        assert panel.buttons[fw].isEnabled() == bool(mine)
        if not mine:
            continue
        panel.buttons[fw].click()
        assert panel.framework == fw and panel.buttons[fw].isChecked()
        assert len(panel.bars) == len(mine)
        for bar, rate in zip(panel.bars, mine, strict=True):
            shown = [r for r in rows if (fw, rate.section) in r.sections]
            p = sum(r.status == PASS for r in shown)
            f = sum(r.status == FAIL for r in shown)
            assert bar.value == pytest.approx(100 * p / (p + f) if p + f else 0.0)
            assert bar.filter == FindingsFilter(framework=fw, section=(fw, rate.section))
            assert bar.text.startswith(
                f"{100 * p / (p + f):.0f} % ({p}/{p + f})" if p + f else "no pass or fail"
            )
            if any(r.status == NOT_ASSESSED for r in shown):
                assert "1 not assessed" in bar.text
        whole = [r for r in rows if fw in r.frameworks]
        p = sum(r.status == PASS for r in whole)
        f = sum(r.status == FAIL for r in whole)
        if p + f:
            assert panel.buttons[fw].text().endswith(f"{100 * p / (p + f):.0f} %")


def test_a_section_with_nothing_decided_is_grey_never_passed() -> None:
    rate = SectionRate(framework="CIS", section="2", title="Storage", not_assessed=4, waived=1)
    bar = section_bar(rate)
    assert bar.value == 0.0 and bar.color == UNDECIDED_COLOR
    assert bar.text == "no pass or fail · 4 not assessed · 1 waived"
    assert bar.label == "2 Storage"
    assert rate_color(95.0) != rate_color(75.0) != rate_color(40.0)


def test_clicking_a_section_bar_filters_the_findings_by_section(
    qtbot: Any, dashboard: DashboardView, rows: list[Any], picked: list[Control]
) -> None:
    findings = FindingsView()
    qtbot.addWidget(findings)
    findings.set_findings(rows, picked, None)
    dashboard.filter_requested.connect(findings.set_filter)
    panel = dashboard.sections
    fw = next(fw for fw in ("CIS", "NIST", "FSBP") if panel.buttons[fw].isEnabled())
    panel.buttons[fw].click()
    chart = panel.chart
    with qtbot.waitSignal(dashboard.filter_requested) as blocker:
        qtbot.mouseClick(chart.viewport(), Qt.MouseButton.LeftButton, pos=chart.bar_center(0).toPoint())
    section = blocker.args[0].section
    assert section == (fw, panel.sections[fw][0].section)
    assert findings.combos["section"].currentData() == section
    shown = {findings.model.row_at(i).resource for i in range(findings.model.rowCount())}
    assert shown == {r.resource for r in rows if section in r.sections}


def test_signoff_line(dashboard: DashboardView) -> None:
    assert dashboard.signoff_label.isHidden()
    dashboard.set_signoff("Signed off by A. Reviewer at 2025-06-01 14:02 UTC")
    assert dashboard.signoff_label.isVisible() and "A. Reviewer" in dashboard.signoff_label.text()
    dashboard.set_signoff("")
    assert dashboard.signoff_label.isHidden()


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
    assert findings.model.rowCount() == 2
    assert {findings.model.row_at(i).resource for i in range(2)} == {"a", "b"}
    account = dashboard.account_chart
    with qtbot.waitSignal(dashboard.filter_requested):
        qtbot.mouseClick(account.viewport(), Qt.MouseButton.LeftButton, pos=account.bar_center(1).toPoint())
    assert {findings.model.row_at(i).resource for i in range(findings.model.rowCount())} == {"c"}


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


def test_a_label_too_long_for_the_axis_is_shortened_not_dropped(qtbot: Any) -> None:
    chart = BarChart(title="t")
    qtbot.addWidget(chart)
    long = "organization-" + "x" * 120 + "-account (123456789012)"
    chart.set_bars(
        [
            Bar(label=long, value=3, color="#000000", filter=FindingsFilter()),
            Bar(label="short", value=1, color="#000000", filter=FindingsFilter()),
        ]
    )
    ticks = [text for _, text in chart.getPlotItem().getAxis("left")._tickLevels[0]]
    assert ticks[1] == "short"
    assert "…" in ticks[0] and ticks[0].startswith("organization-") and ticks[0].endswith("(123456789012)")
    assert chart.bars[0].label == long  # the bar keeps its whole label
