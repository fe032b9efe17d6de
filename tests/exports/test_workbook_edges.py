"""exports.workbook at its edges: untrusted snapshot text, forbidden characters, long evidence, the row
limit, the export's filters, cancel and unwritable targets."""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from analysis.rules.base import Result
from analysis.workpaper import Judgement
from exports.errors import ExportCancelled, ExportError
from exports.options import ExportOptions
from exports.pack_data import PackData
from exports.sheets import evidence, findings
from exports.workbook import write_workbook
from exports.xlsx_writer import CELL_LIMIT, XlsxWriter

COL = {c.name: i for i, c in enumerate(findings.SHEET.columns)}
EV = {c.name: i for i, c in enumerate(evidence.SHEET.columns)}
CORE = ("Cover", "Summary", "Findings", "Control matrix", "Evidence")


def _values(ws: Any) -> list[tuple[Any, ...]]:
    return [tuple(c.value for c in row) for row in ws.iter_rows()]


def _with_results(pack: PackData, results: list[Result]) -> PackData:
    assessment = dataclasses.replace(pack.assessment, results=tuple(results))
    return dataclasses.replace(
        pack, assessment=assessment, judgements=[Judgement(status=r.status) for r in results]
    )


UNTRUSTED = ['=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "#N/A", "=1+1"]


def test_untrusted_snapshot_text_stays_text_in_the_pack(demo_pack: PackData, tmp_path: Path) -> None:
    base = next(r for r in demo_pack.assessment.results if r.account_id)
    results = [
        dataclasses.replace(base, message=s, resource_id=s, resource_arn=f"{s}arn", region=s)
        for s in UNTRUSTED
    ]
    data = _with_results(demo_pack, results)
    write_workbook(data, tmp_path / "u.xlsx", options=ExportOptions(sheets=("Findings", "Control matrix")))
    ws = openpyxl.load_workbook(tmp_path / "u.xlsx")["Findings"]
    seen = set()
    for row in ws.iter_rows(min_row=2):
        for name in ("Message", "Resource id", "Region", "Resource ARN"):
            cell = row[COL[name]]
            assert cell.data_type == "s", (name, cell.value)
            if name != "Resource ARN":
                assert cell.quotePrefix, (name, cell.value)
        seen.add(row[COL["Message"]].value)
    assert seen == {s.replace("\r", "\n") for s in UNTRUSTED}  # XML reads a CR back as a line feed


def test_forbidden_characters_are_escaped_and_said(demo_pack: PackData, tmp_path: Path) -> None:
    base = next(r for r in demo_pack.assessment.results if r.account_id)
    data = _with_results(demo_pack, [dataclasses.replace(base, message="tag value bell\x07 and nul\x00")])
    report = write_workbook(data, tmp_path / "c.xlsx", options=ExportOptions(sheets=("Findings",)))
    assert report.escaped == 1
    cell = openpyxl.load_workbook(tmp_path / "c.xlsx")["Findings"].cell(row=2, column=COL["Message"] + 1)
    assert cell.value == "tag value bell\\x07 and nul\\x00"
    assert cell.comment is not None and "\\xNN" in cell.comment.text


def _long_snapshot(path: Path) -> tuple[Path, int, int]:
    from snapshot import CallRecord, SnapshotWriter, utc_now_iso

    def record(op: str) -> CallRecord:
        return CallRecord(
            account_id="111111111111",
            region="us-east-1",
            service="ec2",
            operation=op,
            parameters={"Filters": [{"Name": "x", "Values": ["=1+1"]}]},
            identity_arn="arn:aws:iam::111111111111:role/Audit",
            started_at=utc_now_iso(),
            duration_ms=1.0,
            outcome="ok",
        )

    big = {
        "Items": [{"Id": f"i-{n:06d}", "Description": "é" * 50 + "=cmd|' /C calc'!A0"} for n in range(1500)]
    }
    with SnapshotWriter.create(path, tool_version="test") as w:
        long_id = w.record_call(record("DescribeThings"), [big, {"Items": []}])
        short_id = w.record_call(record("DescribeOther"), [{"Items": ["-1"]}])
        w.finish(status="complete")
    return path, long_id, short_id


def test_long_evidence_is_split_and_complete(demo_pack: PackData, tmp_path: Path) -> None:
    from snapshot import Snapshot

    path, long_id, short_id = _long_snapshot(tmp_path / "long.snapshot")
    data = dataclasses.replace(demo_pack, snapshot_path=path)
    first: dict[int, int] = {}
    with XlsxWriter() as w:
        placed = w.write(evidence.SHEET, evidence.call_rows(data, [long_id, short_id], first))
        w.save(tmp_path / "e.xlsx")
    rows = _values(openpyxl.load_workbook(tmp_path / "e.xlsx")["Evidence"])[1:]
    with Snapshot.open(path) as snap:
        stored = snap.raw_pages(long_id)
    page1 = [r for r in rows if r[EV["Call id"]] == long_id and r[EV["Page"]] == 1]
    text = stored[0][0].decode()
    n = -(-len(text) // CELL_LIMIT)
    assert n >= 3
    assert [r[EV["Part"]] for r in page1] == [f"{k} of {n}" for k in range(1, n + 1)]
    assert "".join(r[EV["JSON as collected"]] for r in page1).encode() == stored[0][0]  # whole, in order
    assert all(r[EV["Page SHA-256"]] == stored[0][1] for r in page1)
    page2 = [r for r in rows if r[EV["Call id"]] == long_id and r[EV["Page"]] == 2]
    assert [r[EV["JSON as collected"]] for r in page2] == [stored[1][0].decode()]
    assert placed.locate(first[long_id]) == ("Evidence", 2)
    assert placed.locate(first[short_id]) == ("Evidence", 2 + n + 1)
    assert rows[n + 1][EV["JSON as collected"]] == '{"Items":["-1"]}'


def test_row_limit_continues_and_links_still_land(demo_pack: PackData, tmp_path: Path) -> None:
    report = write_workbook(demo_pack, tmp_path / "l.xlsx", options=ExportOptions(sheets=CORE), max_rows=301)
    wb = openpyxl.load_workbook(tmp_path / "l.xlsx")
    parts = [t for t in wb.sheetnames if t.startswith("Findings")]
    assert parts[:3] == ["Findings", "Findings (2)", "Findings (3)"]
    assert wb.sheetnames.index("Findings (2)") == wb.sheetnames.index("Findings") + 1
    assert any(t == "Evidence (2)" for t in wb.sheetnames)
    assert (
        sum(wb[t].max_row - 1 for t in parts) == len(demo_pack.assessment.results) == report.rows["Findings"]
    )
    assert all(wb[t].max_row <= 301 for t in wb.sheetnames)
    checked = 0
    for t in parts:
        for row in wb[t].iter_rows(min_row=2):
            link = row[COL["Evidence"]].hyperlink
            if link is None:
                continue
            sheet, ref = link.location.split("!")
            target = wb[sheet.strip("'")].cell(row=int(ref.lstrip("A")), column=EV["Call id"] + 1).value
            assert target == int(str(row[COL["Evidence call ids"]].value).split(",")[0])
            checked += 1
    assert checked > 300


def test_filters(demo_pack: PackData, tmp_path: Path) -> None:
    results, places = demo_pack.assessment.results, demo_pack.places

    def findings_rows(**kw: Any) -> list[tuple[Any, ...]]:
        path = tmp_path / "f.xlsx"
        write_workbook(demo_pack, path, options=ExportOptions(sheets=("Summary", "Findings"), **kw))
        return _values(openpyxl.load_workbook(path)["Findings"])[1:]

    account = next(r.account_id for r in results if r.account_id)
    rows = findings_rows(accounts={account})
    assert {r[COL["Account id"]] for r in rows} == {account}
    assert len(rows) == sum(1 for r in results if r.account_id == account)

    ou = next(ou for r in results if r.account_id for ou in places.ou_ids(r.account_id)[1:])
    rows = findings_rows(ous={ou})
    assert len(rows) == sum(1 for r in results if r.account_id and ou in places.ou_ids(r.account_id)) > 0

    rows = findings_rows(include_pass=False)
    assert "PASS" not in {r[COL["Status"]] for r in rows}
    assert len(rows) == sum(1 for r in results if r.status != "PASS")
    summary = _values(openpyxl.load_workbook(tmp_path / "f.xlsx")["Summary"])
    assert next(r for r in summary if r[0] == "All results")[7] == len(results)  # counts stay whole
    assert any("leaves PASS results out" in str(r[1]) for r in summary)

    rows = findings_rows(severities={"critical", "high"}, statuses={"FAIL"})
    assert {r[COL["Severity"]] for r in rows} <= {"critical", "high"} and {
        r[COL["Status"]] for r in rows
    } == {"FAIL"}
    expected = Counter(
        r.control_id
        for r in results
        if r.status == "FAIL" and demo_pack.controls[r.control_id].severity in ("critical", "high")
    )
    assert Counter(r[COL["Rule id"]] for r in rows) == expected

    rows = findings_rows(frameworks={"fsbp"})
    assert rows and all(r[COL["FSBP"]] for r in rows)


def test_cancel_leaves_no_file_and_the_old_pack_as_it_was(demo_pack: PackData, tmp_path: Path) -> None:
    (out := tmp_path / "out").mkdir()
    target = out / "pack.xlsx"
    target.write_bytes(b"the earlier pack")
    asked = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 3

    with pytest.raises(ExportCancelled):
        write_workbook(demo_pack, target, options=ExportOptions(sheets=CORE), cancelled=cancelled)
    assert target.read_bytes() == b"the earlier pack"
    assert sorted(p.name for p in out.iterdir()) == ["pack.xlsx"]  # no temporary file left


def test_a_failed_save_is_a_clear_error_and_leaves_nothing(
    demo_pack: PackData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import exports.workbook as workbook

    def refuse(src: str, dst: str) -> None:
        raise PermissionError(13, "Permission denied")

    (out := tmp_path / "out").mkdir()
    monkeypatch.setattr(workbook.os, "replace", refuse)
    with pytest.raises(ExportError, match="cannot be written \\(Permission denied\\)"):
        write_workbook(demo_pack, out / "p.xlsx", options=ExportOptions(sheets=("Cover",)))
    assert list(out.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("pack.csv", "name ends in .xlsx"),
        ("missing/pack.xlsx", "does not exist"),
        ("adir.xlsx", "is a folder"),
    ],
)
def test_targets_that_cannot_be_written(demo_pack: PackData, tmp_path: Path, name: str, message: str) -> None:
    (tmp_path / "adir.xlsx").mkdir()
    with pytest.raises(ExportError, match=message):
        write_workbook(demo_pack, tmp_path / name)


def test_the_snapshot_is_never_the_target(demo_pack: PackData, tmp_path: Path) -> None:
    fake = tmp_path / "snap.xlsx"
    fake.write_bytes(b"x")
    with pytest.raises(ExportError, match="that is the snapshot"):
        write_workbook(dataclasses.replace(demo_pack, snapshot_path=fake), fake)
    assert fake.read_bytes() == b"x"


def test_a_sheet_without_a_module_is_refused(
    demo_pack: PackData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import exports.workbook as workbook

    monkeypatch.setattr(workbook, "SHEETS", {k: v for k, v in workbook.SHEETS.items() if k != "Summary"})
    with pytest.raises(ExportError, match="Summary cannot be written"):
        write_workbook(demo_pack, tmp_path / "x.xlsx", options=ExportOptions(sheets=("Cover", "Summary")))
    assert not (tmp_path / "x.xlsx").exists()


def test_waivers_notes_and_sign_off_reach_the_pack(demo_pack: PackData, tmp_path: Path) -> None:
    from datetime import date

    from analysis.rules.report import judge
    from analysis.workpaper import Note, Waiver, Workpaper

    fails = [r for r in demo_pack.assessment.results if r.status == "FAIL" and r.account_id]
    active, lapsed = fails[0], next(r for r in fails if r.control_id != fails[0].control_id)
    wp = Workpaper(
        waivers=(
            Waiver(
                control_id=active.control_id,
                reason="compensating control",
                owner="ciso",
                expires=date(2099, 1, 1),
            ),
            Waiver(
                control_id=lapsed.control_id, reason="old exception", owner="ops", expires=date(2020, 1, 31)
            ),
        ),
        notes=(
            Note(
                control_id=active.control_id,
                resource_arn=active.resource_arn,
                account_id=active.account_id,
                region=active.region,
                text="checked with the client",
                author="auditor",
            ),
        ),
    ).signed_off("Rev Iewer", comment="fieldwork complete", time="2025-03-01T10:00:00Z")
    places, judgements = judge(demo_pack.assessment, demo_pack.inventory, wp)
    data = dataclasses.replace(demo_pack, workpaper=wp, judgements=judgements, places=places)
    write_workbook(data, tmp_path / "w.xlsx", options=ExportOptions(sheets=("Cover", "Findings")))
    wb = openpyxl.load_workbook(tmp_path / "w.xlsx")
    facts = {r[1]: r[2] for r in _values(wb["Cover"])[1:]}
    assert facts["Signed off by"] == "Rev Iewer" and facts["Signed off at (UTC)"] == "2025-03-01T10:00:00Z"
    assert facts["Sign-off comment"] == "fieldwork complete"
    rows = _values(wb["Findings"])[1:]

    def row_of(r: Result) -> tuple[Any, ...]:
        key = (r.control_id, r.account_id, r.region, r.resource_arn)
        return next(
            x
            for x in rows
            if (x[COL["Rule id"]], x[COL["Account id"]], x[COL["Region"]], x[COL["Resource ARN"]]) == key
        )

    waived = row_of(active)
    assert (waived[COL["Status"]], waived[COL["Assessed status"]]) == ("WAIVED", "FAIL")
    assert (waived[COL["Waiver reason"]], waived[COL["Waiver owner"]], waived[COL["Waiver expires"]]) == (
        "compensating control", "ciso", "2099-01-01")  # fmt: skip
    assert waived[COL["Note"]].startswith("checked with the client (auditor")
    expired = row_of(lapsed)
    assert expired[COL["Status"]] == "FAIL" and expired[COL["Assessed status"]] is None
    assert expired[COL["Waiver"]].startswith("waiver expired on 2020-01-31")
