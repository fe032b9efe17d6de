"""The dashboard: counts an auditor puts on a slide, as bar charts; clicking a bar filters the findings.

Charts (pyqtgraph, horizontal bars, white background): failures by severity, results by status,
failures by practice area, pass rate per framework (PASS / (PASS + FAIL): a control not assessed
neither passes nor fails), and failures by account and by OU (the most failing first). Each bar
carries the :class:`FindingsFilter` it stands for; ``filter_requested`` emits it when clicked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from analysis.rules.base import ERROR, FAIL, NOT_ASSESSED, PASS, PRACTICES, SEVERITIES, Control
from ui.models.findings_model import (
    FRAMEWORKS,
    SEVERITY_COLORS,
    STATUS_COLORS,
    STATUS_LABELS,
    STATUS_ORDER,
    FindingRow,
    FindingsFilter,
)
from ui.views.findings_view import AssessmentStatusBar

TOP = 12  # accounts and OUs shown (the most failing)
BAR_COLOR = "#455a64"
FAILED = frozenset({FAIL})


@dataclass(frozen=True, kw_only=True)
class Bar:
    label: str
    value: float
    color: str
    filter: FindingsFilter
    text: str = ""  # written at the end of the bar (default: the value)


class BarChart(pg.PlotWidget):
    """Horizontal bars, first on top, labelled on the left; ``bar_clicked(index)`` on a click."""

    bar_clicked = Signal(int)

    def __init__(self, *, title: str, unit: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent=parent, background="w")
        self.bars: list[Bar] = []
        self._unit = unit
        item = self.getPlotItem()
        item.setTitle(f"<span style='color:#212121; font-size:12pt; font-weight:bold'>{title}</span>")
        item.setMenuEnabled(False)
        item.hideButtons()
        item.getViewBox().setMouseEnabled(x=False, y=False)
        item.getViewBox().invertY(True)
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen("#616161"))
            axis.setTextPen(pg.mkPen("#212121"))
            axis.setStyle(hideOverlappingLabels=False)
        item.showGrid(x=True, y=False, alpha=0.2)
        self.scene().sigMouseClicked.connect(self._clicked)
        self.setMinimumHeight(220)

    def set_bars(self, bars: Sequence[Bar]) -> None:
        self.bars = list(bars)
        item = self.getPlotItem()
        item.clear()
        if not self.bars:
            item.getAxis("left").setTicks([[]])
            empty = pg.TextItem("nothing to show", color="#757575", anchor=(0.5, 0.5))
            item.addItem(empty)
            empty.setPos(0.5, 0.5)
            item.setXRange(0, 1)
            item.setYRange(0, 1)
            return
        top = 100.0 if self._unit == " %" else (max(b.value for b in self.bars) or 1.0)
        for i, bar in enumerate(self.bars):
            rect = pg.BarGraphItem(
                x0=[0], y=[i], height=[0.7], width=[bar.value], brush=QColor(bar.color), pen=pg.mkPen(None)
            )
            item.addItem(rect)
            label = pg.TextItem(bar.text or f"{bar.value:,.0f}{self._unit}", color="#212121", anchor=(0, 0.5))
            label.setFont(QFont("sans", 9))
            item.addItem(label)
            label.setPos(bar.value + top * 0.01, i)
        left = item.getAxis("left")
        left.setTicks([[(i, b.label) for i, b in enumerate(self.bars)]])
        metrics = QFontMetrics(left.font() if hasattr(left, "font") else QFont())
        left.setWidth(min(260, max(metrics.horizontalAdvance(b.label) for b in self.bars) + 16))
        item.setYRange(-0.6, len(self.bars) - 0.4, padding=0)
        item.setXRange(0, top * 1.3, padding=0)

    def bar_center(self, index: int) -> QPointF:
        """Where bar ``index`` is drawn, in this widget's coordinates (for tests and tooltips)."""
        vb = self.getPlotItem().getViewBox()
        scene = vb.mapViewToScene(QPointF(max(self.bars[index].value, 0.0) / 2, index))
        return QPointF(self.mapFromScene(scene))

    def _clicked(self, event: object) -> None:
        vb = self.getPlotItem().getViewBox()
        pos = event.scenePos()  # type: ignore[attr-defined]
        if not vb.sceneBoundingRect().contains(pos):
            return
        point = vb.mapSceneToView(pos)
        index = round(point.y())
        if 0 <= index < len(self.bars) and abs(point.y() - index) <= 0.4:
            self.bar_clicked.emit(index)


def _rate(passed: int, failed: int) -> float:
    return 100.0 * passed / (passed + failed) if passed + failed else 0.0


class DashboardView(QWidget):
    """Headline counts and six charts of the assessment; ``filter_requested(FindingsFilter)`` on a click."""

    filter_requested = Signal(object)
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status_bar = AssessmentStatusBar()
        self.status_bar.cancel_requested.connect(self.cancel_requested)
        self.signoff_label = QLabel()  # the workpaper's sign-off (set_signoff); hidden when none
        self.signoff_label.setWordWrap(True)
        self.signoff_label.setTextFormat(Qt.TextFormat.PlainText)
        self.signoff_label.setStyleSheet("font-weight: bold; color: #37474f")
        self.signoff_label.hide()
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.headline.setTextFormat(Qt.TextFormat.RichText)
        self.severity_chart = BarChart(title="Failures by severity")
        self.status_chart = BarChart(title="Results by status")
        self.practice_chart = BarChart(title="Failures by practice area")
        self.framework_chart = BarChart(title="Pass rate per framework", unit=" %")
        self.account_chart = BarChart(title=f"Failures by account (top {TOP})")
        self.ou_chart = BarChart(title=f"Failures by OU (top {TOP})")
        self.charts = (
            self.severity_chart,
            self.status_chart,
            self.framework_chart,
            self.practice_chart,
            self.account_chart,
            self.ou_chart,
        )
        grid = QGridLayout()
        for i, chart in enumerate(self.charts):
            grid.addWidget(chart, i // 2, i % 2)
            chart.bar_clicked.connect(lambda index, c=chart: self.filter_requested.emit(c.bars[index].filter))
        layout = QVBoxLayout(self)
        layout.addWidget(self.status_bar)
        layout.addWidget(self.signoff_label)
        layout.addWidget(self.headline)
        layout.addLayout(grid, 1)
        self.set_findings([], [])

    def set_signoff(self, text: str) -> None:
        """The workpaper's sign-off line ("Signed off by X at T"); empty hides it."""
        self.signoff_label.setText(text)
        self.signoff_label.setVisible(bool(text))

    def set_findings(self, rows: Sequence[FindingRow], controls: Sequence[Control]) -> None:
        status = Counter(r.status for r in rows)
        failed = [r for r in rows if r.status == FAIL]
        if rows:
            parts = [
                f"<span style='color:{STATUS_COLORS[s]}; font-weight:bold'>{status[s]:,} {STATUS_LABELS[s].lower()}</span>"
                for s in sorted(status, key=lambda s: STATUS_ORDER.get(s, 9))
            ]
            self.headline.setText(
                f"<span style='font-size:13pt'><b>{len(rows):,} results</b> of {len(controls)} controls: "
                + ", ".join(parts)
                + f" · pass rate {_rate(status[PASS], status[FAIL]):.0f} %"
                " (not assessed counts as neither)</span>"
            )
        else:
            self.headline.setText("No assessment yet.")
        sev = Counter(r.severity for r in failed)
        self.severity_chart.set_bars(
            [
                Bar(
                    label=s.capitalize(),
                    value=sev[s],
                    color=SEVERITY_COLORS[s],
                    filter=FindingsFilter(statuses=FAILED, severities=frozenset({s})),
                )
                for s in SEVERITIES
                if rows
            ]
        )
        self.status_chart.set_bars(
            [
                Bar(
                    label=STATUS_LABELS[s],
                    value=status[s],
                    color=STATUS_COLORS[s],
                    filter=FindingsFilter(statuses=frozenset({s})),
                )
                for s in sorted(status, key=lambda s: STATUS_ORDER.get(s, 9))
                if s in (FAIL, ERROR, NOT_ASSESSED, PASS) or status[s]
            ]
        )
        practice = Counter(r.practice for r in failed)
        self.practice_chart.set_bars(
            [
                Bar(
                    label=PRACTICES[p],
                    value=practice[p],
                    color="#c62828",
                    filter=FindingsFilter(statuses=FAILED, practice=p),
                )
                for p in PRACTICES
                if rows
            ]
        )
        framework_bars = []
        for fw in FRAMEWORKS:
            mapped = [r for r in rows if fw in r.frameworks]
            if not mapped:
                continue
            p = sum(1 for r in mapped if r.status == PASS)
            f = sum(1 for r in mapped if r.status == FAIL)
            framework_bars.append(
                Bar(
                    label=fw,
                    value=_rate(p, f),
                    color="#2e7d32",
                    filter=FindingsFilter(framework=fw),
                    text=f"{_rate(p, f):.0f} % ({p:,}/{p + f:,})",
                )
            )
        self.framework_chart.set_bars(framework_bars)
        accounts = Counter((r.account_text, r.account_id) for r in failed if r.account_id)
        self.account_chart.set_bars(
            [
                Bar(
                    label=text, value=n, color=BAR_COLOR, filter=FindingsFilter(statuses=FAILED, account_id=a)
                )
                for (text, a), n in accounts.most_common(TOP)
            ]
        )
        ous: Counter[tuple[str, str]] = Counter()
        for r in failed:
            names = r.ou_text.split(" / ") if r.ou_text else []
            # Count a failure once under each OU above its account (not the root: that is everything).
            for depth, ou in enumerate(r.ou_ids[1:], start=1):
                ous[(" / ".join(names[1 : depth + 1]) or ou, ou)] += 1
        self.ou_chart.set_bars(
            [
                Bar(label=label, value=n, color=BAR_COLOR, filter=FindingsFilter(statuses=FAILED, ou_id=ou))
                for (label, ou), n in ous.most_common(TOP)
            ]
        )
