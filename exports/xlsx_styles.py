"""The workbook's colours: header fill, link font, and the severity and status colour rules.

Colours are conditional formatting rules on a whole column (one rule per value, ``beginsWith`` so
that a Control matrix cell "FAIL 3/12" is coloured as FAIL): a style per cell would cost a cell
object per value at half a million rows. Excel and LibreOffice both apply them.
"""

from __future__ import annotations

from collections.abc import Mapping

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
