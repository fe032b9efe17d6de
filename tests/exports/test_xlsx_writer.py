"""exports.xlsx_writer: every snapshot string stays text after reopening, nothing is cut, rows continue
past the row limit on a second sheet, and the header, filter, widths and colours are there."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest

from exports.errors import ExportCancelled, ExportError
from exports.xlsx_writer import (
    CELL_LIMIT,
    CellTooLongError,
    Column,
    Link,
    SheetSpec,
    XlsxWriter,
    escape_illegal,
    excel_length,
    split_text,
)

SPEC = SheetSpec(
    "Things",
    (
        Column("Name", 20),
        Column("Text", 40, wrap=True),
        Column("Count", 8, kind="int"),
        Column("Status", 12, kind="status"),
        Column("Severity", 12, kind="severity"),
    ),
)
TARGETS = SheetSpec("Targets", (Column("Id", 10), Column("Body", 30)))


def _save(writer: XlsxWriter, tmp_path: Path) -> openpyxl.Workbook:
    path = tmp_path / "out.xlsx"
    writer.save(path)
    return openpyxl.load_workbook(path)  # read mode: what a reader of the file gets


def _rows(ws: openpyxl.worksheet.worksheet.Worksheet) -> list[tuple[object, ...]]:
    return [tuple(c.value for c in row) for row in ws.iter_rows()]


UNTRUSTED = [
    '=HYPERLINK("http://x","y")',
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "#N/A",
    "#DIV/0!",
    "-",
]


@pytest.mark.parametrize("wrap", [False, True])
def test_untrusted_strings_stay_text_after_reopening(tmp_path: Path, wrap: bool) -> None:
    spec = SheetSpec("Untrusted", (Column("Value", 30, wrap=wrap), Column("Plain", 10)))
    w = XlsxWriter()
    w.write(spec, [(s, "ok") for s in UNTRUSTED])
    ws = _save(w, tmp_path)["Untrusted"]
    for i, s in enumerate(UNTRUSTED, start=2):
        cell = ws.cell(row=i, column=1)
        assert cell.value == s.replace("\r", "\n")  # XML reads a CR as a line feed
        assert cell.data_type == "s", s  # never "f" (formula) or "e" (error)
        assert cell.quotePrefix, s  # editing it in Excel keeps it text
    assert ws.cell(row=2, column=2).data_type == "s"
    assert not ws.cell(row=2, column=2).quotePrefix


def test_no_formula_in_the_sheet_xml(tmp_path: Path) -> None:
    import zipfile

    w = XlsxWriter()
    w.write(SheetSpec("Untrusted", (Column("Value", 30),)), [(s,) for s in UNTRUSTED])
    w.save(tmp_path / "f.xlsx")
    with zipfile.ZipFile(tmp_path / "f.xlsx") as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    assert 't="e"' not in xml


def test_header_frozen_filtered_widths_and_values(tmp_path: Path) -> None:
    w = XlsxWriter()
    rows = [("a", "long text", 3, "FAIL", "high"), ("b", None, 0, "PASS", "low"), ("c", "", 7, "WAIVED", "")]
    placement = w.write(SPEC, rows)
    assert placement.rows == 3 and placement.titles == ["Things"]
    ws = _save(w, tmp_path)["Things"]
    got = _rows(ws)
    assert got[0] == SPEC.header
    assert got[1] == ("a", "long text", 3, "FAIL", "high")
    assert got[2] == ("b", None, 0, "PASS", "low")
    assert got[3] == ("c", None, 7, "WAIVED", None)  # empty text is an empty cell
    assert all(ws.cell(row=1, column=i).font.b for i in range(1, 6))
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:E4"
    assert ws.column_dimensions["B"].width == 40
    assert ws.cell(row=2, column=2).alignment.wrap_text
    assert not ws.cell(row=2, column=1).alignment.wrap_text


def test_status_and_severity_columns_coloured_by_rules(tmp_path: Path) -> None:
    w = XlsxWriter()
    w.write(SPEC, [("a", "x", 1, "FAIL 3/12", "critical"), ("b", "y", 2, "NOT ASSESSED", "medium")])
    ws = _save(w, tmp_path)["Things"]
    ranges = {str(cf.sqref): [r.text for r in cf.rules] for cf in ws.conditional_formatting}
    assert set(ranges["D2:D3"]) == {"FAIL", "ERROR", "NOT", "WAIVED", "PASS"}
    assert set(ranges["E2:E3"]) == {"critical", "high", "medium", "low", "informational"}


def test_numbers_dates_and_bools(tmp_path: Path) -> None:
    spec = SheetSpec("Types", (Column("N", 8, kind="int"), Column("F", 8), Column("D", 20, kind="date")))
    w = XlsxWriter()
    aware = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
    w.write(spec, [(5, 1.5, aware), (True, 0.0, date(2024, 1, 2))])
    ws = _save(w, tmp_path)["Types"]
    assert ws.cell(row=2, column=1).value == 5
    assert ws.cell(row=2, column=2).value == 1.5
    assert ws.cell(row=2, column=3).value == datetime(2024, 5, 1, 12, 30)
    assert ws.cell(row=3, column=1).value is True
    assert ws.cell(row=3, column=3).value == datetime(2024, 1, 2)


def test_unknown_value_type_is_a_clear_error() -> None:
    with pytest.raises(ExportError, match="a dict value cannot go in a cell"), XlsxWriter() as w:
        w.write(SheetSpec("Bad", (Column("X", 8),)), [({"a": 1},)])


def test_row_of_the_wrong_width_is_refused() -> None:
    with pytest.raises(ExportError, match="2 values for 5 columns"), XlsxWriter() as w:
        w.write(SPEC, [("a", "b")])


def test_text_over_the_cell_limit_is_refused_never_cut() -> None:
    with pytest.raises(CellTooLongError, match="32,768 characters"), XlsxWriter() as w:
        w.write(SheetSpec("Long", (Column("Body", 30),)), [("x" * (CELL_LIMIT + 1),)])


def test_text_at_the_cell_limit_is_whole(tmp_path: Path) -> None:
    w = XlsxWriter()
    text = "ab" * (CELL_LIMIT // 2) + "c"
    w.write(SheetSpec("Long", (Column("Body", 30),)), [(text,)])
    assert _save(w, tmp_path)["Long"]["A2"].value == text


def test_split_text_gives_the_text_back() -> None:
    s = "".join(chr(0x41 + i % 26) for i in range(100_000))
    parts = split_text(s)
    assert [len(p) for p in parts] == [CELL_LIMIT, CELL_LIMIT, CELL_LIMIT, 100_000 - 3 * CELL_LIMIT]
    assert "".join(parts) == s
    assert split_text("") == [""]
    assert split_text("abcde", limit=2) == ["ab", "cd", "e"]
    with pytest.raises(ValueError):
        split_text("x", limit=1)


def test_split_text_counts_as_excel_does() -> None:
    s = "a" + "\U0001f600" * 20_000  # 40,001 UTF-16 code units in 20,001 characters
    parts = split_text(s)
    assert "".join(parts) == s
    assert [excel_length(p) for p in parts] == [CELL_LIMIT, 40_001 - CELL_LIMIT]
    with pytest.raises(CellTooLongError), XlsxWriter() as w:
        w.write(SheetSpec("Wide", (Column("Body", 30),)), [(s,)])


def test_illegal_characters_are_escaped_visibly_and_the_cell_says_so(tmp_path: Path) -> None:
    w = XlsxWriter()
    placement = w.write(
        SheetSpec("Odd", (Column("Value", 30), Column("Other", 10))),
        [("bell\x07 and \x1b", "fine"), ("ok", "x")],
    )
    assert placement.escaped == 1
    ws = _save(w, tmp_path)["Odd"]
    assert ws["A2"].value == "bell\\x07 and \\x1b"
    assert ws["A2"].comment is not None and "\\xNN" in ws["A2"].comment.text
    assert ws["B2"].value == "fine" and ws["B2"].comment is None
    assert ws["A3"].comment is None
    assert escape_illegal("a\x00b\x0bc\td\ne\rf") == "a\\x00b\\x0bc\td\ne\rf"  # tab, LF and CR are allowed


def test_rows_continue_on_a_second_sheet_past_the_limit(tmp_path: Path) -> None:
    w = XlsxWriter(max_rows=4)  # header + 3 rows per sheet
    w.reserve(SPEC)
    w.reserve(TARGETS)
    placement = w.write(SPEC, [(f"r{i}", None, i, "PASS", "low") for i in range(8)])
    w.write(TARGETS, [("t", "b")])
    assert placement.titles == ["Things", "Things (2)", "Things (3)"]
    assert placement.locate(0) == ("Things", 2)
    assert placement.locate(2) == ("Things", 4)
    assert placement.locate(3) == ("Things (2)", 2)
    assert placement.locate(7) == ("Things (3)", 3)
    with pytest.raises(IndexError):
        placement.locate(8)
    wb = _save(w, tmp_path)
    assert wb.sheetnames == ["Things", "Things (2)", "Things (3)", "Targets"]  # continuations stay beside it
    names = [r[0] for t in placement.titles for r in _rows(wb[t])[1:]]
    assert names == [f"r{i}" for i in range(8)]
    for t in placement.titles:
        assert _rows(wb[t])[0] == SPEC.header
        assert wb[t].freeze_panes == "A2"
    assert wb["Things (3)"].auto_filter.ref == "A1:E3"


def test_links_land_on_the_row_named(tmp_path: Path) -> None:
    w = XlsxWriter()
    w.reserve(SheetSpec("From", (Column("Ref", 10),)))
    target = w.write(TARGETS, [(f"id{i}", f"body {i}") for i in range(5)])
    sheet, row = target.locate(3)
    w.write(SheetSpec("From", (Column("Ref", 10),)), [(Link("=see id3", sheet, row),)])
    wb = _save(w, tmp_path)
    cell = wb["From"]["A2"]
    assert cell.value == "=see id3" and cell.data_type == "s"  # link text is text too
    assert cell.hyperlink.location == "'Targets'!A5"
    assert wb["Targets"]["A5"].value == "id3"


def test_cancel_raises_during_a_sheet() -> None:
    import os

    w = XlsxWriter()
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 1

    with pytest.raises(ExportCancelled):
        w.write(TARGETS, (("x", str(i)) for i in range(10_000)), cancelled=cancelled, every=100)
    assert len(calls) == 2
    temp = w.workbook["Targets"]._writer.out
    assert os.path.exists(temp)
    w.discard()  # the sheet's temporary file goes with it
    assert not os.path.exists(temp)


def test_progress_is_reported() -> None:
    seen = []
    w = XlsxWriter()
    w.write(TARGETS, [("x", "y")] * 5, total=5, progress=lambda d, t, m: seen.append((d, t, m)), every=2)
    w.discard()
    assert seen == [(2, 5, "Targets"), (4, 5, "Targets"), (5, 5, "Targets")]


def test_reserved_sheet_never_written_keeps_its_header(tmp_path: Path) -> None:
    w = XlsxWriter()
    w.reserve(TARGETS)
    assert _rows(_save(w, tmp_path)["Targets"]) == [TARGETS.header]


def test_sheet_titles_and_kinds_are_checked() -> None:
    with pytest.raises(ValueError, match="sheet title"):
        SheetSpec("a/b", (Column("x", 1),))
    with pytest.raises(ValueError, match="sheet title"):
        SheetSpec("x" * 27, (Column("x", 1),))
    with pytest.raises(ValueError, match="kind"):
        Column("x", 1, kind="money")
    with pytest.raises(ValueError, match="already written"), XlsxWriter() as w:
        w.write(TARGETS, [])
        w.write(TARGETS, [])


def test_every_cell_is_top_aligned_through_the_normal_style(tmp_path: Path) -> None:
    """Plain cells inherit the Normal style's alignment: top, like the wrapped ones (LibreOffice and
    Excel print a tall row's cells side by side at the top, not some at the bottom)."""
    import re
    import zipfile

    w = XlsxWriter()
    w.write(SPEC, [("a", "long text " * 20, 3, "FAIL", "high")])
    path = tmp_path / "t.xlsx"
    w.save(path)
    styles = zipfile.ZipFile(path).read("xl/styles.xml").decode()
    style_xfs = re.search(r"<cellStyleXfs[^>]*>(.*?)</cellStyleXfs>", styles, re.S)
    assert style_xfs is not None
    first = re.search(r"<xf\b.*?(?:/>|</xf>)", style_xfs.group(1), re.S)
    assert first is not None and 'vertical="top"' in first.group(0)
