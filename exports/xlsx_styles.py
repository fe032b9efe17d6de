"""The workbook's look: header fill, link font, severity and status colour rules, row heights, printing.

Colours are conditional formatting rules on a whole column (one rule per value, ``beginsWith`` so
that a Control matrix cell "FAIL 3/12" is coloured as FAIL): a style per cell would cost a cell
object per value at half a million rows. Excel and LibreOffice both apply them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl.formatting.rule import Rule
from openpyxl.styles import Font, PatternFill
from openpyxl.styles.differential import DifferentialStyle

HEADER_FILL = PatternFill(fill_type="solid", start_color="D9E1F2", end_color="D9E1F2")
LINK_FONT = Font(color="0563C1", underline="single")

# value prefix -> (background, font colour, bold)
SEVERITY_COLOURS: Mapping[str, tuple[str, str, bool]] = {
    "critical": ("C00000", "FFFFFF", True),
    "high": ("F8CBAD", "9C0006", True),
    "medium": ("FFE699", "7F6000", False),
    "low": ("DDEBF7", "1F4E78", False),
    "informational": ("EDEDED", "404040", False),
}
STATUS_COLOURS: Mapping[str, tuple[str, str, bool]] = {
    "FAIL": ("FFC7CE", "9C0006", True),
    "ERROR": ("FCE4D6", "833C0B", True),
    "NOT": ("EDEDED", "404040", False),  # NOT_ASSESSED, "NOT ASSESSED"
    "WAIVED": ("E4DFEC", "5B3C88", False),
    "PASS": ("C6EFCE", "006100", False),
}


def conditional_rules(kind: str, first_cell: str) -> list[Rule]:
    """The colour rules of a ``severity`` or ``status`` column whose first data cell is ``first_cell``."""
    colours = SEVERITY_COLOURS if kind == "severity" else STATUS_COLOURS
    rules = []
    for text, (background, colour, bold) in colours.items():
        style = DifferentialStyle(
            fill=PatternFill(
                fill_type="solid", start_color=background, end_color=background, bgColor=background
            ),
            font=Font(color=colour, bold=bold),
        )
        rule = Rule(type="beginsWith", operator="beginsWith", text=text, dxf=style)
        rule.formula = [f'LEFT({first_cell},{len(text)})="{text}"']
        rules.append(rule)
    return rules


LINE_HEIGHT = 15.0  # points per line of the default 11 pt font
MAX_ROW_HEIGHT = 409.0  # Excel's highest row


def chars_per_line(width: float) -> int:
    """About how many characters of text a column of ``width`` (Excel's units) shows on one line."""
    return max(1, int(width * 1.15))


def row_height(values: Sequence[Any], wraps: Sequence[bool], chars: Sequence[int]) -> float | None:
    """The height for a row whose wrapped cells need more than one line (None: one line is enough).

    Excel and LibreOffice do not grow rows to their wrapped text when they open a file, so the
    writer sets the height from the text: each line's length over the column's characters per line.
    """
    lines = 1
    for i, value in enumerate(values):
        if not wraps[i] or value is None:
            continue
        text = value if type(value) is str else getattr(value, "_value", None)
        if type(text) is not str:
            continue
        per = chars[i]
        if len(text) <= per and "\n" not in text:
            continue
        n = sum(len(line) // per + 1 for line in text.split("\n"))
        lines = max(lines, n)
    if lines == 1:
        return None
    return min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT)


def page_setup(ws: Any, spec: Any) -> None:
    """Landscape, the header row on every page, fitted to the page width, a footer naming sheet and page.

    A sheet with ``print_columns`` prints those first columns only (the rest are in the workbook):
    twenty-odd columns fitted to one page width would be too small to read.
    """
    from openpyxl.utils import get_column_letter

    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True
    ws.oddFooter.left.text = "&A"
    ws.oddFooter.right.text = "page &P of &N"
    if spec.print_columns:
        last = get_column_letter(spec.print_columns)
        ws.print_area = f"A1:{last}1048576"
        ws.oddFooter.center.text = f"columns A to {last} printed; every column is in the workbook"
