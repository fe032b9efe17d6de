"""The dashboard: counts an auditor puts on a slide, as bar charts; clicking a bar filters the findings.

Charts (pyqtgraph, horizontal bars, white background): failures by severity, results by status,
failures by practice area, failures by account and by OU (the most failing first), and the pass
rate per framework section (CIS sections, FSBP services, NIST 800-53 families; one framework at a
time, picked by buttons that show the framework's own rate). A pass rate is PASS / (PASS + FAIL),
computed by ``analysis.rules.report.pass_rates_by_section`` (as the exports do): not assessed,
waived and errored results neither pass nor fail, and are written beside the rate. Each bar carries
the :class:`FindingsFilter` it stands for; ``filter_requested`` emits it when clicked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from analysis.rules.base import ERROR, FAIL, NOT_ASSESSED, PASS, PRACTICES, SEVERITIES, Control
from analysis.rules.report import SectionRate, pass_rates_by_framework, pass_rates_by_section
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

    def __init__(
        self,
        *,
        title: str,
        unit: str = "",
        span: float = 1.3,
        label_width: int = 260,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent=parent, background="w")
        self.bars: list[Bar] = []
        self._unit = unit
        self._span = span  # the x axis runs to span × the largest value: room for the texts
        self._label_width = label_width  # at most; a label wider than the axis is not drawn at all
        item = self.getPlotItem()
        self.set_title(title)
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

    def set_title(self, title: str) -> None:
        self.getPlotItem().setTitle(
            f"<span style='color:#212121; font-size:12pt; font-weight:bold'>{title}</span>"
        )

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
        metrics = QFontMetrics(left.font() if hasattr(left, "font") else QFont())
        room = self._label_width - 16
        # A label wider than the axis would not be drawn at all: it is shortened in the middle instead.
        labels = [metrics.elidedText(b.label, Qt.TextElideMode.ElideMiddle, room) for b in self.bars]
        left.setTicks([list(enumerate(labels))])
        left.setWidth(min(self._label_width, max(metrics.horizontalAdvance(t) for t in labels) + 16))
        if self._unit == " %":  # percentages: the axis says 0-100 %, the room beyond is for the texts
            item.getAxis("bottom").setTicks([[(v, f"{v} %") for v in (0, 25, 50, 75, 100)]])
        item.setYRange(-0.6, len(self.bars) - 0.4, padding=0)
        item.setXRange(0, top * self._span, padding=0)

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


FRAMEWORK_NAMES = {"CIS": "CIS v5.0.0", "FSBP": "AWS FSBP", "NIST": "NIST 800-53 r5"}
SECTION_KIND = {"CIS": "section", "FSBP": "service", "NIST": "control family"}
UNDECIDED_COLOR = "#bdbdbd"


def rate_color(rate: float | None) -> str:
    """Green from 90 %, amber from 70 %, red below; grey when nothing passed or failed."""
    if rate is None:
        return UNDECIDED_COLOR
    return "#2e7d32" if rate >= 90 else "#f9a825" if rate >= 70 else "#c62828"


def rate_text(rate: SectionRate) -> str:
    """ "83 % (120/145) · 12 not assessed · 3 waived": the rate, then what it leaves out."""
    decided = rate.passed + rate.failed
    head = f"{rate.rate:.0f} % ({rate.passed:,}/{decided:,})" if rate.rate is not None else "no pass or fail"
    extra = [
        f"{n:,} {what}"
        for n, what in ((rate.not_assessed, "not assessed"), (rate.waived, "waived"), (rate.errors, "errors"))
        if n
    ]
    return " · ".join([head, *extra])


def section_bar(rate: SectionRate) -> Bar:
    label = rate.section if rate.framework == "FSBP" else f"{rate.section} {rate.title}"
    return Bar(
        label=label,
        value=rate.rate or 0.0,
        color=rate_color(rate.rate),
        filter=FindingsFilter(framework=rate.framework, section=(rate.framework, rate.section)),
        text=rate_text(rate),
    )


class SectionRatesPanel(QWidget):
    """Pass rate per section of one framework at a time; the buttons pick it and show its overall rate."""

    bar_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.framework = FRAMEWORKS[0]
        self.sections: dict[str, list[SectionRate]] = {}
        self.overall: dict[str, SectionRate] = {}
        self.buttons: dict[str, QPushButton] = {}
        group = QButtonGroup(self)
        group.setExclusive(True)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for fw in FRAMEWORKS:
            button = QPushButton(FRAMEWORK_NAMES[fw])
            button.setCheckable(True)
            button.clicked.connect(lambda _checked=False, fw=fw: self.show_framework(fw))
            group.addButton(button)
            row.addWidget(button)
            self.buttons[fw] = button
        row.addStretch(1)
        self.chart = BarChart(title="Pass rate per framework section", unit=" %", span=1.9, label_width=420)
        self.chart.bar_clicked.connect(self.bar_clicked)
        self.note = QLabel(
            "Pass rate = passed / (passed + failed). Not assessed, waived and errored results are"
            " written beside it, never counted as passed. Click a bar to see its findings."
        )
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #616161;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.note)
        self.set_rates([], [])

    @property
    def bars(self) -> list[Bar]:
        return self.chart.bars

    def set_rates(self, sections: Sequence[SectionRate], overall: Sequence[SectionRate]) -> None:
        self.sections = {fw: [r for r in sections if r.framework == fw] for fw in FRAMEWORKS}
        self.overall = {r.framework: r for r in overall}
        for fw, button in self.buttons.items():
            whole = self.overall.get(fw)
            rate = f" · {whole.rate:.0f} %" if whole is not None and whole.rate is not None else ""
            button.setText(FRAMEWORK_NAMES[fw] + rate)
            button.setEnabled(bool(self.sections[fw]))
        shown = self.framework if self.sections.get(self.framework) else None
        first = next((fw for fw in FRAMEWORKS if self.sections[fw]), FRAMEWORKS[0])
        self.show_framework(shown or first)

    def show_framework(self, framework: str) -> None:
        self.framework = framework
        self.buttons[framework].setChecked(True)
        rates = self.sections.get(framework, [])
        self.chart.set_title(f"Pass rate per {FRAMEWORK_NAMES[framework]} {SECTION_KIND[framework]}")
        self.chart.setMinimumHeight(90 + 30 * max(len(rates), 3))
        self.chart.set_bars([section_bar(r) for r in rates])


class DashboardView(QWidget):
    """Headline counts, five charts and the pass rates per framework section; ``filter_requested`` on a click."""

    filter_requested = Signal(object)
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status_bar = AssessmentStatusBar()
        self.status_bar.cancel_requested.connect(self.cancel_requested)
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.headline.setTextFormat(Qt.TextFormat.RichText)
        self.signoff_label = QLabel()  # the workpaper's sign-off (set_signoff); hidden when none
        self.signoff_label.setWordWrap(True)
        self.signoff_label.setTextFormat(Qt.TextFormat.PlainText)
        self.signoff_label.setStyleSheet("font-weight: bold; color: #37474f")
        self.signoff_label.hide()
        self.severity_chart = BarChart(title="Failures by severity")
        self.status_chart = BarChart(title="Results by status")
        self.practice_chart = BarChart(title="Failures by practice area")
        self.account_chart = BarChart(title=f"Failures by account (top {TOP})")
        self.ou_chart = BarChart(title=f"Failures by OU (top {TOP})")
        self.sections = SectionRatesPanel()
        self.charts = (
            self.severity_chart,
            self.status_chart,
            self.practice_chart,
            self.account_chart,
            self.ou_chart,
            self.sections.chart,
        )
        # Status, severity and practice; the section rates across the whole width; accounts and OUs.
        grid = QGridLayout()
        places = {  # chart: row, column, columns spanned (of 12)
            self.status_chart: (0, 0, 3),
            self.severity_chart: (0, 3, 4),
            self.practice_chart: (0, 7, 5),
            self.account_chart: (2, 0, 6),
            self.ou_chart: (2, 6, 6),
        }
        for chart, (row, col, span) in places.items():
            chart.setFixedHeight(270 if row == 0 else 350)
            grid.addWidget(chart, row, col, 1, span)
        grid.addWidget(self.sections, 1, 0, 1, 12)
        for col in range(12):
            grid.setColumnStretch(col, 1)
        grid.setRowStretch(1, 1)  # height to spare goes to the section rates
        for chart in self.charts:
            chart.setMinimumWidth(120)  # the grid shares the width; never wider than the window
        for chart in self.charts:
            chart.bar_clicked.connect(lambda index, c=chart: self.filter_requested.emit(c.bars[index].filter))
        page = QWidget()
        page.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(page)
        self.page = page  # everything, also what is scrolled out of sight (for a full screenshot)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status_bar)
        layout.addWidget(self.signoff_label)
        layout.addWidget(self.headline)
        layout.addWidget(scroll, 1)
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
        self.sections.set_rates(
            pass_rates_by_section(rows, controls) if rows else [],
            pass_rates_by_framework(rows, controls) if rows else [],
        )
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
