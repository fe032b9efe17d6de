"""The Summary sheet: the results in the export's scope counted by status, and a chart.

One table, a row per group: every result; by severity; by practice area (the white paper's
practices); by account (the 25 with most failures, then the others together, and the
organization-wide results); by framework section (CIS sections, FSBP services, NIST 800-53
families: ``analysis.rules.report.pass_rates_by_section``). Columns: the count per reported status,
the total, and the pass rate, PASS / (PASS + FAIL): waived, not assessed and errors are counted
apart, not as passes. The counts are whole even when the Findings sheet leaves PASS out; the first
rows say what the counts cover. A stacked bar chart shows the statuses by severity.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from analysis.rules.base import ERROR, FAIL, NOT_ASSESSED, PASS, PRACTICES, SEVERITIES
from analysis.rules.report import pass_rates_by_section
from analysis.workpaper import WAIVED
from exports.sheets.results_scope import Scoped, scoped_results
from exports.xlsx_writer import Column, SheetSpec

if TYPE_CHECKING:
    from openpyxl.chart import BarChart

    from exports.options import ExportOptions
    from exports.pack_data import PackData

COUNTED = (FAIL, ERROR, NOT_ASSESSED, WAIVED, PASS)
SHEET = SheetSpec(
    "Summary",
    (
        Column("Breakdown", 18),
        Column("Group", 46, wrap=True),
        Column("FAIL", 10, kind="int"),
        Column("ERROR", 10, kind="int"),
        Column("NOT ASSESSED", 14, kind="int"),
        Column("WAIVED", 10, kind="int"),
        Column("PASS", 10, kind="int"),
        Column("Total", 10, kind="int"),
        Column("Pass rate %", 12),
    ),
)
TOP_ACCOUNTS = 25
BY_SEVERITY = "Severity"


def rows(data: PackData, options: ExportOptions) -> Iterator[tuple[Any, ...]]:
    items = list(scoped_results(data, options))
    yield from _notes(data, options, len(items))
    total: Counter[str] = Counter(s.judgement.status for s in items)
    yield _row("All results", "every result in the pack's scope", total)
    by_severity: dict[str, Counter[str]] = {s: Counter() for s in SEVERITIES}
    by_practice: dict[str, Counter[str]] = {p: Counter() for p in PRACTICES}
    by_account: dict[str, Counter[str]] = {}
    for s in items:
        status = s.judgement.status
        if s.control is not None:
            by_severity[s.control.severity][status] += 1
            by_practice[s.control.practice][status] += 1
        by_account.setdefault(s.result.account_id, Counter())[status] += 1
    for severity in SEVERITIES:
        yield _row(BY_SEVERITY, severity, by_severity[severity])
    for practice, title in PRACTICES.items():
        yield _row("Practice", title, by_practice[practice])
    yield from _account_rows(data, by_account)
    yield from _section_rows(data, items)


def _notes(data: PackData, options: ExportOptions, in_scope: int) -> Iterator[tuple[Any, ...]]:
    def note(text: str) -> tuple[Any, ...]:
        return ("Note", text, None, None, None, None, None, None, None)

    yield note(
        f"Counts cover the {in_scope:,} result(s) in the pack's scope (of {len(data.assessment.results):,}), "
        "PASS included, by reported status (WAIVED: a workpaper waiver applies)."
    )
    if not options.include_pass:
        yield note("The Findings sheet leaves PASS results out; they are counted here.")
    for line in options.describe():
        if not line.startswith(("none:", "sheets left out:")):  # which sheets: the Cover says
            yield note(f"Filter: {line}")
    yield note("Pass rate % = PASS / (PASS + FAIL); waived, not assessed and errors are not passes.")


def _row(breakdown: str, group: str, counts: Counter[str]) -> tuple[Any, ...]:
    decided = counts[PASS] + counts[FAIL]
    rate = round(100.0 * counts[PASS] / decided, 1) if decided else "n/a"
    return (breakdown, group, *(counts[s] for s in COUNTED), sum(counts.values()), rate)


def _account_rows(data: PackData, by_account: dict[str, Counter[str]]) -> Iterator[tuple[Any, ...]]:
    org_wide = by_account.pop("", None)
    ranked = sorted(by_account, key=lambda a: (-by_account[a][FAIL], -sum(by_account[a].values()), a))
    for account_id in ranked[:TOP_ACCOUNTS]:
        name = data.inventory.account_name(account_id)
        yield _row("Account", f"{name} ({account_id})" if name else account_id, by_account[account_id])
    rest = ranked[TOP_ACCOUNTS:]
    if rest:
        other: Counter[str] = Counter()
        for a in rest:
            other.update(by_account[a])
        yield _row("Account", f"the other {len(rest)} account(s)", other)
    if org_wide:
        yield _row("Account", "organization-wide results (no one account)", org_wide)


def _section_rows(data: PackData, items: Sequence[Scoped]) -> Iterator[tuple[Any, ...]]:
    statuses = [s.judgement.status for s in items]
    for rate in pass_rates_by_section([s.result for s in items], data.assessment.controls, statuses=statuses):
        counts = Counter(
            {
                FAIL: rate.failed,
                ERROR: rate.errors,
                NOT_ASSESSED: rate.not_assessed,
                WAIVED: rate.waived,
                PASS: rate.passed,
            }
        )
        if sum(counts.values()):
            yield _row(f"{rate.framework} section", rate.label, counts)


CHART_COLOURS = {FAIL: "C00000", ERROR: "ED7D31", NOT_ASSESSED: "A5A5A5", WAIVED: "7030A0", PASS: "70AD47"}


def severity_chart(first_severity_row: int, title: str = SHEET.title) -> BarChart:
    """A stacked bar chart of the statuses by severity, over the Severity rows from ``first_severity_row``."""
    from openpyxl.chart import BarChart, Reference, Series

    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "Results by severity and status"
    chart.y_axis.title = "results"
    chart.height, chart.width = 9, 18
    chart.x_axis.scaling.orientation = "maxMin"  # critical at the top, as in the table
    last = first_severity_row + len(SEVERITIES) - 1
    sheet = _SheetRef(title)
    for i, status in enumerate(COUNTED):
        column = 3 + i
        values = Reference(sheet, min_col=column, max_col=column, min_row=first_severity_row, max_row=last)
        series = Series(values, title=SHEET.columns[column - 1].name)
        series.graphicalProperties.solidFill = CHART_COLOURS[status]
        series.graphicalProperties.line.solidFill = CHART_COLOURS[status]
        chart.series.append(series)
    chart.set_categories(Reference(sheet, min_col=2, max_col=2, min_row=first_severity_row, max_row=last))
    return chart


class _SheetRef:
    """What ``openpyxl.chart.Reference`` reads of a worksheet: its title (the sheet is write-only)."""

    def __init__(self, title: str) -> None:
        self.title = title
