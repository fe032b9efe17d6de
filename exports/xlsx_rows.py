"""A worksheet's rows written as XML text: the bytes openpyxl writes, without an element tree per cell.

openpyxl (without lxml) writes each cell of a write-only sheet by building an ElementTree element
(``c``, then ``is`` and ``t`` for a string) and serializing it through et_xmlfile's namespace-aware
serializer: at a few million cells (the Trust relationships sheet of 500 accounts alone has about
25 million) that is most of the export's time. :func:`install_row_writer` replaces the sheet writer's
``write_row`` with one that writes the common cells (text, numbers, booleans, styled text) as the
same text directly, and hands every other cell (dates, hyperlinks, anything unusual) to openpyxl's
own ``write_cell``. The output is the same XML, byte for byte (tests/exports/test_xlsx_rows.py
compares the two for a table of values).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from math import isfinite
from typing import Any
from xml.etree.ElementTree import _escape_cdata  # type: ignore[attr-defined]

from openpyxl.cell._writer import write_cell
from openpyxl.cell.cell import Cell
from openpyxl.comments.comment_sheet import CommentRecord
from openpyxl.utils import get_column_letter

__all__ = ["StyledText", "install_row_writer", "text_cell_xml"]


class StyledText:
    """Text in a cell of a shared style (a wrapped column): written without a ``Cell`` per value.

    ``style`` is one of the writer's style arrays, kept for the workbook's life; its index in the
    workbook's cell styles is looked up once per sheet, when its first cell is written (the moment
    openpyxl would add it: the styles part comes out the same).
    """

    __slots__ = ("_value", "style")

    def __init__(self, value: str, style: Any) -> None:
        self._value = value  # the name openpyxl's Cell uses: xlsx_styles.row_height reads it
        self.style = style


def text_cell_xml(coordinate: str, style: str, text: str) -> str:
    """``<c>`` of an inline string, as openpyxl's ``etree_write_cell`` serializes it.

    ``style`` is ``' s="N"'`` or ``""``. Text with leading or trailing whitespace (and something
    else) gets ``xml:space="preserve"`` (openpyxl.xml.functions.whitespace).
    """
    stripped = text.strip()
    space = ' xml:space="preserve"' if stripped and text != stripped else ""
    return f'<c r="{coordinate}"{style} t="inlineStr"><is><t{space}>{_escape_cdata(text)}</t></is></c>'


def install_row_writer(ws: Any, columns: int) -> None:
    """Put the fast ``write_row`` on ``ws``'s stream writer (made by its first ``append``).

    The rows given are those ``_values_to_row`` returns: a sequence of values and ``Cell`` s.
    """
    writer = ws._writer
    letters = [get_column_letter(i) for i in range(1, columns + 1)]
    dims = ws.row_dimensions
    comments = ws._comments
    cell_styles = ws.parent._cell_styles
    style_attrs: dict[int, str] = {}  # id of a StyledText's style array -> ' s="N"'

    def write_row(xf: Any, row: Sequence[Any], row_idx: int) -> None:
        attrs = {"r": f"{row_idx}"}
        attrs.update(dims.get(row_idx, {}))
        r = attrs["r"]
        with xf.element("row", attrs):
            out: Callable[[str], Any] = xf._file
            for col_idx, value in enumerate(row, 1):
                if value is None:
                    continue
                kind = type(value)
                if kind is str:
                    out(text_cell_xml(letters[col_idx - 1] + r, "", value))
                elif kind is int or kind is bool or (kind is float and isfinite(value)):
                    t = "b" if kind is bool else "n"
                    out(f'<c r="{letters[col_idx - 1]}{r}" t="{t}"><v>{value:.16g}</v></c>')
                elif kind is StyledText:
                    style = style_attrs.get(id(value.style))
                    if style is None:
                        style = style_attrs[id(value.style)] = f' s="{cell_styles.add(value.style)}"'
                    out(text_cell_xml(letters[col_idx - 1] + r, style, value._value))
                elif kind is Cell:
                    value.row, value.column = row_idx, col_idx
                    if value._comment is not None:
                        comments.append(CommentRecord.from_cell(value))
                    text = value._value
                    if value.data_type == "s" and type(text) is str and text and value.hyperlink is None:
                        style = f' s="{value.style_id}"' if value.has_style else ""
                        out(text_cell_xml(letters[col_idx - 1] + r, style, text))
                    elif text is not None or value.has_style or value._comment:
                        write_cell(xf, ws, value, value.has_style)
                else:  # a float that is not finite: as openpyxl's own loop writes it
                    cell = Cell(ws, row=row_idx, column=col_idx)
                    cell._value, cell.data_type = value, "n"
                    write_cell(xf, ws, cell, False)

    writer.write_row = write_row
