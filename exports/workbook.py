"""Write the Excel evidence pack: the sheets chosen, in order, to a temporary file beside the target, then
renamed onto it. A cancel or an error removes the temporary file: never a half-written .xlsx at the
target, and an earlier pack there stays as it was.

The sheets are made in the workbook's order but filled in another: Evidence first, so that each
Findings row can link to the first Evidence row of the call it cites. Plain function with a
progress callback and a cancel flag (``ExportCancelled``); Qt-free.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

from exports.errors import ExportCancelled, ExportError
from exports.files import check_output_target, give_default_mode
from exports.options import ExportOptions
from exports.pack_data import PackData
from exports.sheets import SHEETS, evidence, findings, matrix, summary
from exports.xlsx_writer import MAX_ROWS, SheetSpec, XlsxWriter

__all__ = ["ExportCancelled", "ExportError", "WorkbookReport", "write_workbook"]

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True, kw_only=True)
class WorkbookReport:
    path: Path
    sheets: tuple[str, ...]  # every worksheet written, continuations ("Findings (2)") included, in order
    rows: Mapping[str, int] = field(default_factory=dict)  # data rows per sheet chosen (continuations summed)
    escaped: int = 0  # cells whose forbidden characters were shown as \xNN
    seconds: float = 0.0


def check_target(path: str | PathLike[str], data: PackData | None = None) -> Path:
    """The target, or an ExportError saying why it cannot be written there."""
    return check_output_target(
        path,
        suffix=".xlsx",
        what="an Excel workbook",
        snapshot_path=data.snapshot_path if data is not None else None,
    )


def write_workbook(
    data: PackData,
    path: str | PathLike[str],
    *,
    options: ExportOptions | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    max_rows: int = MAX_ROWS,
) -> WorkbookReport:
    """Write the pack to ``path`` (.xlsx); ``max_rows`` is Excel's row limit (tests use a small one)."""
    started = time.perf_counter()
    options = options or ExportOptions()
    target = check_target(path, data)
    missing = [t for t in options.sheets if t not in SHEETS]
    if missing:
        raise ExportError(f"sheet(s) {', '.join(missing)} cannot be written by this version of the tool")
    report = progress or (lambda done, total, message: None)
    is_cancelled = cancelled or (lambda: False)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise ExportError(f"{target}: cannot be written ({exc.strerror or exc})") from exc
    tmp = Path(tmp_name)
    writer = XlsxWriter(max_rows=max_rows)
    try:
        rows_written = _fill(writer, data, options, report, is_cancelled)
        if is_cancelled():
            raise ExportCancelled("cancelled before saving the workbook")
        report(len(options.sheets), len(options.sheets) + 1, "saving the workbook")
        writer.save(tmp)
        give_default_mode(tmp)  # mkstemp made it 0600: the pack is meant to be handed over
        os.replace(tmp, target)
    except OSError as exc:
        writer.discard()
        tmp.unlink(missing_ok=True)
        raise ExportError(f"{target}: cannot be written ({exc.strerror or exc})") from exc
    except BaseException:
        writer.discard()
        tmp.unlink(missing_ok=True)
        raise
    titles = tuple(ws.title for ws in writer.workbook.worksheets)
    escaped = sum(writer.placement(t).escaped for t in rows_written)
    report(len(options.sheets) + 1, len(options.sheets) + 1, f"written to {target}")
    return WorkbookReport(
        path=target,
        sheets=titles,
        rows=rows_written,
        escaped=escaped,
        seconds=time.perf_counter() - started,
    )


def _fill(
    writer: XlsxWriter,
    data: PackData,
    options: ExportOptions,
    report: Progress,
    is_cancelled: Callable[[], bool],
) -> dict[str, int]:
    chosen = options.sheets
    items = findings.finding_items(data, options) if {"Findings", "Evidence"} & set(chosen) else []
    specs: dict[str, SheetSpec] = {}
    sources: dict[str, Any] = {}
    for title in chosen:
        if title == "Control matrix":
            specs[title], sources[title] = matrix.build(data, options)
        else:
            spec = SHEETS[title].SHEET
            if spec.title != title:
                raise ExportError(f"the module of sheet {title!r} declares the sheet {spec.title!r}")
            specs[title] = spec
        writer.reserve(specs[title])  # the workbook's order, whatever order they are filled in

    first_rows: dict[int, int] = {}
    if "Evidence" in chosen:
        calls = evidence.cited_calls(data, options, items)
        sources["Evidence"] = evidence.call_rows(data, calls, first_rows)
    order = (["Evidence"] if "Evidence" in chosen else []) + [t for t in chosen if t != "Evidence"]
    severity_row: list[int] = []
    rows_written: dict[str, int] = {}
    for i, title in enumerate(order):
        report(i, len(chosen) + 1, f"writing {title}")
        if is_cancelled():
            raise ExportCancelled(f"cancelled before writing {title}")
        source = sources.get(title)
        if title == "Findings":
            placed = writer.placement("Evidence") if "Evidence" in rows_written else None

            def where(call_id: int, placed: Any = placed) -> tuple[str, int] | None:
                index = first_rows.get(call_id)
                return placed.locate(index) if placed is not None and index is not None else None

            source = findings.rows(data, options, evidence=where, items=items)
        elif title == "Summary":
            source = _watch_severity_rows(summary.rows(data, options), severity_row)
        elif source is None:
            source = SHEETS[title].rows(data, options)
        placement = writer.write(
            specs[title],
            source,
            total=len(items) if title == "Findings" else 0,
            progress=_rows_progress(report, i, len(chosen) + 1),
            cancelled=is_cancelled,
        )
        rows_written[title] = placement.rows
        if title == "Summary" and severity_row:
            sheet, row = placement.locate(severity_row[0])
            writer.add_chart(sheet, summary.severity_chart(row, sheet), "K2")
    return {t: rows_written[t] for t in chosen}


def _rows_progress(report: Progress, step: int, steps: int) -> Progress:
    def inner(done: int, total: int, sheet: str) -> None:
        report(step, steps, f"writing {sheet}: {done:,} rows")

    return inner


def _watch_severity_rows(rows: Iterator[tuple[Any, ...]], first: list[int]) -> Iterator[tuple[Any, ...]]:
    """``rows`` passed on; ``first`` gets the index of the first Severity row (the chart's data)."""
    for i, row in enumerate(rows):
        if not first and row[0] == summary.BY_SEVERITY:
            first.append(i)
        yield row
