"""The Control matrix sheet: each control (a row) against each account (a column), and the organization.

A cell shows the worst reported status of the control's results in that account, with how many of
them have it: "FAIL 3/12" (3 of the 12 results fail), "PASS 12/12", "WAIVED 1/4", "NOT ASSESSED 2/2",
"ERROR 1/1"; empty when the control has no result there (it does not apply, or its results are about
the organization: the "Organization-wide" column). Worst first: FAIL, ERROR, NOT ASSESSED, WAIVED,
PASS. The "All accounts" column is the same over every column. Colours come from the status rules.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from exports.sheets.results_scope import SEVERITY_RANK, STATUS_WORDS, scoped_results, worst
from exports.xlsx_writer import Column, SheetSpec

if TYPE_CHECKING:
    from exports.options import ExportOptions
    from exports.pack_data import PackData

ORG_WIDE = "Organization-wide"
FIXED = (
    Column("Rule id", 30),
    Column("Title", 44, wrap=True),
    Column("Severity", 13, kind="severity"),
    Column("All accounts", 16, kind="status"),
    Column(ORG_WIDE, 16, kind="status"),
)
SHEET = SheetSpec("Control matrix", FIXED)  # the account columns are added per pack: see spec()


class _Layout:
    """The matrix counted once: {control id: {column key: Counter(status)}}, accounts in column order."""

    def __init__(self, data: PackData, options: ExportOptions) -> None:
        self.cells: dict[str, dict[str, Counter[str]]] = {}
        accounts: set[str] = set()
        for s in scoped_results(data, options):
            r = s.result
            per = self.cells.setdefault(r.control_id, {})
            per.setdefault(r.account_id, Counter())[s.judgement.status] += 1
            if r.account_id:
                accounts.add(r.account_id)
        names = {a: data.inventory.account_name(a) for a in accounts}
        self.accounts = sorted(accounts, key=lambda a: (names[a].lower() or "~", a))
        self.names = names


def spec(data: PackData, options: ExportOptions, layout: _Layout | None = None) -> SheetSpec:
    """The sheet with one column per account in scope (name and id), by name."""
    layout = layout or _Layout(data, options)
    columns = FIXED + tuple(
        Column(f"{layout.names[a]} ({a})" if layout.names[a] else a, 16, kind="status")
        for a in layout.accounts
    )
    return SheetSpec(SHEET.title, columns)


def build(data: PackData, options: ExportOptions) -> tuple[SheetSpec, Iterator[tuple[Any, ...]]]:
    """The sheet and its rows, counted once."""
    layout = _Layout(data, options)
    return spec(data, options, layout), _rows(data, layout)


def rows(data: PackData, options: ExportOptions) -> Iterator[tuple[Any, ...]]:
    return _rows(data, _Layout(data, options))


def cell_text(counts: Counter[str]) -> str:
    """``"FAIL 3/12"``: the worst status and how many of the results have it ("" for no results)."""
    total = sum(counts.values())
    if not total:
        return ""
    w = worst(dict(counts))
    return f"{STATUS_WORDS.get(w, w)} {counts[w]}/{total}"


def _rows(data: PackData, layout: _Layout) -> Iterator[tuple[Any, ...]]:
    controls = data.controls
    order = sorted(
        layout.cells,
        key=lambda c: (SEVERITY_RANK.get(controls[c].severity, 99) if c in controls else 99, c),
    )
    for control_id in order:
        per = layout.cells[control_id]
        control = controls.get(control_id)
        total: Counter[str] = Counter()
        for counts in per.values():
            total.update(counts)
        yield (
            control_id,
            control.title if control else control_id,
            control.severity if control else "",
            cell_text(total),
            cell_text(per.get("", Counter())),
            *(cell_text(per.get(a, Counter())) for a in layout.accounts),
        )
