"""exports.xlsx_rows writes the same XML as openpyxl's own row writer, byte for byte."""

from __future__ import annotations

import copy
from datetime import datetime
from io import BytesIO
from types import SimpleNamespace
from typing import Any

import pytest
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.xml.functions import xmlfile

from exports.xlsx_rows import StyledText, install_row_writer, text_cell_xml

TEXTS = [
    "plain",
    "a & b < c > d",
    "\"quoted\" 'single'",
    " leading space",
    "trailing space ",
    "   ",
    "line\nbreak",
    "tab\tinside",
    "\tleading tab",
    "unicode é ✓ 𝄞",
    '=HYPERLINK("x")',
    "]]> cdata end",
]


def _cells(ws: Any) -> list[Any]:
    """A row with every kind the fast path writes and every kind it hands to openpyxl."""
    wrap = Cell(ws, row=1, column=1)
    wrap.alignment = Alignment(wrap_text=True, vertical="top")
    styled = []
    for text in TEXTS:
        c = Cell(ws, row=1, column=1)
        c._value, c.data_type = text, "s"
        c._style = copy.copy(wrap._style)
        styled.append(c)
    unstyled = Cell(ws, row=1, column=1)
    unstyled._value, unstyled.data_type = "escaped \\x07", "s"
    unstyled.comment = Comment("note", "author")
    link = Cell(ws, row=1, column=1)
    link._value, link.data_type = "call 7", "s"
    link.hyperlink = Hyperlink(ref="A1", location="'Evidence'!A2")
    date = Cell(ws, row=1, column=1)
    date._value, date.data_type = datetime(2026, 1, 2, 3, 4, 5), "d"
    date.number_format = "yyyy-mm-dd hh:mm:ss"
    numbers = [0, 7, -3, 10**17, 123456789012, 0.1, 2.5e-9, True, False, float("nan"), float("inf")]
    return [*TEXTS, None, *numbers, *styled, unstyled, link, date, None]


def _plain(ws: Any, values: list[Any], row_idx: int) -> list[Any]:
    """openpyxl's cells for ``values``, as the writer's old loop made them."""
    out = []
    for col, value in enumerate(values, 1):
        if value is None:
            continue
        if type(value) is Cell:
            value.row, value.column = row_idx, col
            out.append(value)
            continue
        cell = Cell(ws, row=row_idx, column=col)
        cell._value = value
        cell.data_type = "s" if type(value) is str else ("b" if type(value) is bool else "n")
        out.append(cell)
    return out


def _sheet_xml(fast: bool) -> tuple[bytes, int, int]:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("S")
    values = _cells(ws)
    ws.row_dimensions[3].height = 45
    ws._writer = writer = SimpleNamespace(ws=ws)  # what either write_row reads of its sheet writer
    if fast:
        install_row_writer(ws, len(values))
    out = BytesIO()
    with xmlfile(out) as xf, xf.element("sheetData"):
        for row_idx in (2, 3, 1_048_576):
            if fast:
                writer.write_row(xf, values, row_idx)
            else:
                WorksheetWriter.write_row(writer, xf, _plain(ws, values, row_idx), row_idx)
    return out.getvalue(), len(ws._comments), len(ws._hyperlinks)


def test_rows_are_the_bytes_openpyxl_writes() -> None:
    fast, slow = _sheet_xml(fast=True), _sheet_xml(fast=False)
    assert slow[1:] == (3, 3)  # a comment and a hyperlink per row
    assert b'xml:space="preserve"' in slow[0] and b"&amp;" in slow[0] and b' s="' in slow[0]
    assert fast == slow


@pytest.mark.parametrize("text", TEXTS)
def test_text_cell_xml_escapes_and_preserves(text: str) -> None:
    xml = text_cell_xml("B7", "", text)
    assert xml.startswith('<c r="B7" t="inlineStr"><is><t')
    assert ("<" not in text) or "&lt;" in xml
    assert ('xml:space="preserve"' in xml) == (text != text.strip() and bool(text.strip()))


def test_styled_text_is_written_as_a_styled_cell() -> None:
    """A StyledText is the bytes of a Cell of that style, and adds its style to the workbook once."""
    outputs = []
    for fast in (True, False):
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("S")
        probe = Cell(ws, row=1, column=1)
        probe.alignment = Alignment(wrap_text=True, vertical="top")
        styles_before = len(wb._cell_styles)
        ws._writer = writer = SimpleNamespace(ws=ws)
        if fast:
            install_row_writer(ws, len(TEXTS))
        out = BytesIO()
        with xmlfile(out) as xf, xf.element("sheetData"):
            for row_idx in (2, 3):
                if fast:
                    writer.write_row(xf, [StyledText(t, probe._style) for t in TEXTS], row_idx)
                else:
                    cells = []
                    for t in TEXTS:
                        c = Cell(ws, row=1, column=1)
                        c._value, c.data_type, c._style = t, "s", copy.copy(probe._style)
                        cells.append(c)
                    WorksheetWriter.write_row(writer, xf, _plain(ws, cells, row_idx), row_idx)
        assert len(wb._cell_styles) == styles_before + 1
        outputs.append(out.getvalue())
    assert b' s="1"' in outputs[1]
    assert outputs[0] == outputs[1]
