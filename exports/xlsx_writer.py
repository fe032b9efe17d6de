"""The one place that writes worksheet cells: openpyxl in write-only mode, every snapshot string made safe.

A sheet is a :class:`SheetSpec` (title and :class:`Column` s) and an iterable of rows (tuples of
``str``, ``int``, ``float``, ``datetime``/``date``, ``None`` or :class:`Link`). :class:`XlsxWriter`
writes each row as it comes (constant memory at half a million rows) with a bold, frozen header,
an autofilter, column widths, wrapped columns and severity/status colours (conditional formatting
on the column, not a style per cell), and continues on ``"<title> (2)"``, ``(3)``... past Excel's
1,048,576 rows.

Untrusted text (everything read from a snapshot) is written as text, never as a formula:

- every string gets the cell type ``s``. openpyxl would store ``=HYPERLINK(...)`` as a live formula
  and ``#N/A`` as an error value;
- a string beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return also gets Excel's
  ``quotePrefix``, so that editing the cell in Excel keeps it text;
- characters XML 1.0 forbids (openpyxl raises ``IllegalCharacterError``) are shown as a visible
  escape (``\\x07``) and the cell carries a comment saying so: the row is written, not lost;
- a string over Excel's 32,767-character cell limit is refused (:class:`CellTooLongError`):
  openpyxl would cut it silently. Sheets split long text with :func:`split_text` over rows.

A carriage return inside text reads back as a line feed: XML normalizes line ends when the file is
parsed (Excel and openpyxl alike); the cell is still text.

Each row is checked and its special values made into styled cells before it reaches openpyxl (a bad
value raises with the sheet's stream intact), then written by this module's own loop, installed on
each write-only sheet in place of openpyxl's ``_values_to_row`` and ``write_row``
(:mod:`exports.xlsx_rows`): a plain string or number is written as XML text, the same bytes
openpyxl's element-per-cell serializer writes, checked once here instead of again in its setter.
"""

from __future__ import annotations

import contextlib
import copy
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from os import PathLike
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from exports.errors import ExportCancelled, ExportError
from exports.text import CELL_LIMIT, escape_illegal, excel_length, split_text
from exports.xlsx_rows import StyledText, install_row_writer
from exports.xlsx_styles import (
    HEADER_FILL,
    LINK_FONT,
    chars_per_line,
    conditional_rules,
    page_setup,
    row_height,
)

__all__ = [
    "CELL_LIMIT",
    "MAX_ROWS",
    "CellTooLongError",
    "Column",
    "Link",
    "Placement",
    "SheetSpec",
    "XlsxWriter",
    "escape_illegal",
    "excel_length",
    "split_text",
]

MAX_ROWS = 1_048_576  # Excel's rows per worksheet, the header included
TITLE_LIMIT = 31  # Excel's characters per sheet title
KINDS = ("text", "int", "date", "severity", "status")
FORMULA_LEADS = frozenset("=+-@\t\r")
DATE_FORMAT = "yyyy-mm-dd hh:mm:ss"
_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_ERROR_CODES = frozenset(ERROR_CODES)
_illegal = ILLEGAL_CHARACTERS_RE.search
ESCAPE_NOTE = (
    "This value held characters a worksheet cannot store; each is shown as \\xNN (its code). "
    "The snapshot holds the original."
)


class CellTooLongError(ExportError):
    """A string longer than Excel's cell limit reached the writer: the sheet must split it."""


@dataclass(frozen=True)
class Column:
    name: str
    width: float
    wrap: bool = False
    kind: str = "text"  # text | int | date | severity | status (severity/status: coloured)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.name!r}: kind {self.kind!r} is not one of {KINDS}")


@dataclass(frozen=True)
class SheetSpec:
    title: str
    columns: tuple[Column, ...]
    print_columns: int = 0  # columns printed (A to this one), fitted to the page width; 0: every column

    def __post_init__(self) -> None:
        # Room for a " (99)" continuation suffix within Excel's 31 characters.
        if not self.title or len(self.title) > TITLE_LIMIT - 5 or _TITLE_FORBIDDEN.search(self.title):
            raise ValueError(f"sheet title {self.title!r}: 1 to 26 characters, none of []:*?/\\")
        if not self.columns:
            raise ValueError(f"sheet {self.title!r} has no columns")
        if not 0 <= self.print_columns <= len(self.columns):
            raise ValueError(f"sheet {self.title!r}: print_columns {self.print_columns} is not a column")

    @property
    def header(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


@dataclass(frozen=True)
class Link:
    """A cell that links to a row of another sheet of the workbook (an internal hyperlink)."""

    text: str
    sheet: str
    row: int

    @property
    def location(self) -> str:
        return f"'{self.sheet}'!A{self.row}"


@dataclass
class Placement:
    """Where a sheet's rows landed: ``locate(i)`` gives the (sheet title, row number) of the i-th row."""

    titles: list[str] = field(default_factory=list)  # the sheet and its continuations, in order
    rows: int = 0  # data rows written
    per_part: int = MAX_ROWS - 1  # data rows per sheet (the header takes row 1)
    escaped: int = 0  # cells whose forbidden characters were escaped

    def locate(self, index: int) -> tuple[str, int]:
        if not 0 <= index < self.rows:
            raise IndexError(f"row {index} was not written (the sheet has {self.rows})")
        part, offset = divmod(index, self.per_part)
        return self.titles[part], offset + 2


Progress = Callable[[int, int, str], None]


class XlsxWriter:
    """A write-only workbook, filled one sheet at a time; ``save`` writes the file."""

    def __init__(self, *, max_rows: int = MAX_ROWS) -> None:
        if max_rows < 2:
            raise ValueError("max_rows must leave room for the header and one row")
        self.max_rows = max_rows
        self.workbook = Workbook(write_only=True)
        # Every cell top-aligned, as the wrapped ones are: set on the "Normal" cell style, which every
        # cell format inherits its alignment from unless it sets its own (ECMA-376, cellXfs/xfId), so
        # plain cells need no style of their own (a styled cell per value would cost the write speed).
        self.workbook._named_styles["Normal"].alignment = Alignment(vertical="top")
        self._reserved: dict[str, Any] = {}  # title -> the empty sheet made in workbook order
        self._placements: dict[str, Placement] = {}
        probe = self.workbook.create_sheet("_styles")
        self._header_style = self._style(probe, font=Font(bold=True), fill=HEADER_FILL, wrap=True)
        self._wrap_style = self._style(probe, wrap=True)
        self._link_style = self._style(probe, font=LINK_FONT)
        self._quote_style = self._style(probe, quote=True)
        self._quote_wrap_style = self._style(probe, wrap=True, quote=True)
        self._date_style = self._style(probe, number_format=DATE_FORMAT)
        self.workbook.remove(probe)

    @staticmethod
    def _style(
        ws: Any,
        *,
        font: Font | None = None,
        fill: PatternFill | None = None,
        wrap: bool = False,
        quote: bool = False,
        number_format: str | None = None,
    ) -> Any:
        cell = Cell(ws, row=1, column=1)
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if wrap:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if quote:
            cell.quotePrefix = True
        if number_format:
            cell.number_format = number_format
        return cell._style

    def __enter__(self) -> XlsxWriter:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        """Leaving on an exception throws the unsaved workbook away (see :meth:`discard`)."""
        if exc_type is not None:
            self.discard()

    def reserve(self, spec: SheetSpec) -> None:
        """Make the sheet now, empty, so that the workbook's sheet order is the order of reservation."""
        if spec.title in self._reserved or spec.title in self._placements:
            raise ValueError(f"sheet {spec.title!r} is already in the workbook")
        self._reserved[spec.title] = self._new_sheet(spec, spec.title, index=None)

    def placement(self, title: str) -> Placement:
        return self._placements[title]

    def write(
        self,
        spec: SheetSpec,
        rows: Iterable[Sequence[Any]],
        *,
        total: int = 0,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
        every: int = 2000,
    ) -> Placement:
        """Write ``rows`` under ``spec``'s header; returns where they landed.

        ``progress(done, total, title)`` every ``every`` rows; ``cancelled()`` is asked as often and
        raises :class:`ExportCancelled` (the caller throws the unsaved workbook away).
        """
        if spec.title in self._placements:
            raise ValueError(f"sheet {spec.title!r} was already written")
        ws = self._reserved.pop(spec.title, None)
        if ws is None:
            ws = self._new_sheet(spec, spec.title, index=None)
        placement = Placement(titles=[spec.title], per_part=self.max_rows - 1)
        self._placements[spec.title] = placement
        width = len(spec.columns)
        in_part = 0
        report = progress or (lambda done, total, message: None)
        is_cancelled = cancelled or (lambda: False)
        for values in rows:
            if len(values) != width:
                raise ExportError(
                    f"sheet {spec.title!r} row {placement.rows + 1}: {len(values)} values for {width} columns"
                )
            if in_part == placement.per_part:
                self._finish(ws, spec, in_part)
                title = f"{spec.title} ({len(placement.titles) + 1})"
                index = self.workbook.worksheets.index(ws) + 1
                ws = self._new_sheet(spec, title, index=index)
                placement.titles.append(title)
                in_part = 0
            row_idx = in_part + 2
            prepared = self._prepare(ws, values, row_idx)
            height = row_height(prepared, ws._awb_wraps, ws._awb_chars)
            if height:
                ws.row_dimensions[row_idx].height = height
                ws.append(prepared)
                del ws.row_dimensions[row_idx]  # written: not kept for half a million rows
            else:
                ws.append(prepared)
            in_part += 1
            placement.rows += 1
            if placement.rows % every == 0:
                if is_cancelled():
                    raise ExportCancelled(f"cancelled while writing {spec.title}")
                report(placement.rows, total, spec.title)
        self._finish(ws, spec, in_part)
        placement.escaped = sum(getattr(w, "_awb_escaped", 0) for w in self._parts(placement))
        report(placement.rows, total or placement.rows, spec.title)
        return placement

    def _parts(self, placement: Placement) -> list[Any]:
        return [self.workbook[t] for t in placement.titles]

    def add_chart(self, title: str, chart: Any, anchor: str) -> None:
        """Put an openpyxl chart on a written sheet (its data referenced by sheet title)."""
        self.workbook[title].add_chart(chart, anchor)

    def save(self, path: str | PathLike[str]) -> None:
        for title, ws in list(self._reserved.items()):  # reserved and never written: header only
            self._reserved.pop(title)
            self._finish(ws, ws._awb_spec, 0)
        self.workbook.save(path)

    # -- sheets --------------------------------------------------------------------------------------

    def _new_sheet(self, spec: SheetSpec, title: str, *, index: int | None) -> Any:
        ws = self.workbook.create_sheet(title, index)
        ws._awb_spec = spec
        ws._awb_escaped = 0
        for i, column in enumerate(spec.columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = column.width
        ws.freeze_panes = "A2"
        page_setup(ws, spec)
        ws._awb_wraps = tuple(c.wrap for c in spec.columns)
        ws._awb_chars = tuple(chars_per_line(c.width) for c in spec.columns)
        ws._values_to_row = _as_prepared  # our rows, see the module docstring
        header = []
        for name in spec.header:
            cell = Cell(ws, row=1, column=1)
            cell._value, cell.data_type = name, "s"
            cell._style = copy.copy(self._header_style)
            header.append(cell)
        height = row_height(spec.header, (True,) * len(spec.columns), ws._awb_chars)
        if height:
            ws.row_dimensions[1].height = height
        ws._get_writer()  # what the first append does (the sheet's top: views, columns), then ours
        install_row_writer(ws, len(spec.columns))
        ws.append(header)
        return ws

    def _finish(self, ws: Any, spec: SheetSpec, rows: int) -> None:
        last_col = get_column_letter(len(spec.columns))
        ws.auto_filter.ref = f"A1:{last_col}{rows + 1}"
        if rows == 0:
            return
        for i, column in enumerate(spec.columns, start=1):
            if column.kind in ("severity", "status"):
                letter = get_column_letter(i)
                cells = f"{letter}2:{letter}{rows + 1}"
                for rule in conditional_rules(column.kind, f"{letter}2"):
                    ws.conditional_formatting.add(cells, rule)

    def _prepare(self, ws: Any, values: Sequence[Any], row_idx: int) -> list[Any]:
        """``values`` checked, with a styled cell in place of each value that needs one.

        Done before the row reaches openpyxl: a bad value raises here, with the sheet's stream intact.
        Plain strings and numbers stay as they are (``_emit`` writes them through one reused cell).
        """
        out = list(values)
        wraps = ws._awb_wraps
        for i, value in enumerate(out):
            if value is None:
                continue
            kind = type(value)
            if kind is str:
                if not value:
                    out[i] = None
                    continue
                if len(value) > CELL_LIMIT // 2 and excel_length(value) > CELL_LIMIT:
                    raise CellTooLongError(
                        f"sheet {ws.title!r} row {row_idx}, column {ws._awb_spec.columns[i].name!r}: "
                        f"{excel_length(value):,} characters, over Excel's {CELL_LIMIT:,}; split it with split_text "
                        "(never cut)"
                    )
                escaped = _illegal(value) is not None
                if escaped:
                    value = escape_illegal(value)
                quoted = value[0] in FORMULA_LEADS or value in _ERROR_CODES
                if wraps[i] and not (quoted or escaped):  # most text of the largest sheets
                    out[i] = StyledText(value, self._wrap_style)
                elif quoted or escaped:
                    cell = Cell(ws, row=row_idx, column=i + 1)
                    cell._value, cell.data_type = value, "s"
                    if quoted:
                        cell._style = copy.copy(self._quote_wrap_style if wraps[i] else self._quote_style)
                    elif wraps[i]:
                        cell._style = copy.copy(self._wrap_style)
                    if escaped:
                        cell.comment = Comment(ESCAPE_NOTE, "AWS Org Audit Workbench")
                        ws._awb_escaped += 1
                    out[i] = cell
            elif kind is int or kind is float or kind is bool or kind is Cell:
                continue
            elif isinstance(value, Link):
                cell = Cell(ws, row=row_idx, column=i + 1)
                cell._value, cell.data_type = escape_illegal(value.text)[:CELL_LIMIT] or value.location, "s"
                cell._style = copy.copy(self._link_style)
                cell.hyperlink = Hyperlink(ref=cell.coordinate, location=value.location)
                out[i] = cell
            elif isinstance(value, (datetime, date)):
                cell = Cell(ws, row=row_idx, column=i + 1)
                if isinstance(value, datetime) and value.tzinfo is not None:
                    value = value.astimezone(UTC).replace(tzinfo=None)
                cell._value, cell.data_type = value, "d"
                cell._style = copy.copy(self._date_style)
                out[i] = cell
            else:
                raise ExportError(
                    f"sheet {ws.title!r} row {row_idx}: a {kind.__name__} value cannot go in a cell "
                    "(give text, a number, a date or a Link)"
                )
        return out

    def discard(self) -> None:
        """Throw the unsaved workbook away: close every sheet's stream and remove its temporary file."""
        for ws in self.workbook.worksheets:
            rows, writer = getattr(ws, "_rows", None), getattr(ws, "_writer", None)
            with contextlib.suppress(Exception):  # a stream an error left half-way
                if rows is not None:
                    rows.close()
            with contextlib.suppress(Exception):
                if writer is not None:
                    writer.close()
            with contextlib.suppress(Exception):
                if writer is not None:
                    writer.cleanup()
        self._reserved.clear()


def _as_prepared(values: Sequence[Any], row_idx: int) -> Sequence[Any]:
    """``_values_to_row`` of our sheets: the row as :meth:`XlsxWriter._prepare` made it."""
    return values
