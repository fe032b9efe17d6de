"""exports.workbook on the demo organization: every sheet's header and rows against the assessment,
Findings links landing on their Evidence rows, continuation sheets, and a target that stays clean."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from exports.options import ExportOptions
from exports.pack_data import PackData
from exports.sheets import cover, evidence, findings, matrix, summary
from exports.workbook import WorkbookReport, write_workbook

CORE = ("Cover", "Summary", "Findings", "Control matrix", "Evidence")
COL = {c.name: i for i, c in enumerate(findings.SHEET.columns)}
EV = {c.name: i for i, c in enumerate(evidence.SHEET.columns)}


def _values(ws: openpyxl.worksheet.worksheet.Worksheet) -> list[tuple[Any, ...]]:
    return [tuple(c.value for c in row) for row in ws.iter_rows()]


@pytest.fixture(scope="module")
def core_book(demo_pack: PackData, tmp_path_factory: pytest.TempPathFactory) -> tuple[WorkbookReport, Path]:
    path = tmp_path_factory.mktemp("book") / "demo.xlsx"
    return write_workbook(demo_pack, path, options=ExportOptions(sheets=CORE)), path


@pytest.fixture(scope="module")
def core_wb(core_book: tuple[WorkbookReport, Path]) -> openpyxl.Workbook:
    return openpyxl.load_workbook(core_book[1])


def test_sheets_and_headers(core_book: tuple[WorkbookReport, Path], core_wb: openpyxl.Workbook) -> None:
    report, _ = core_book
    assert core_wb.sheetnames == list(CORE) == list(report.sheets)
    for title, module in (
        ("Cover", cover),
        ("Summary", summary),
        ("Findings", findings),
        ("Evidence", evidence),
    ):
        assert _values(core_wb[title])[0] == module.SHEET.header, title
        assert core_wb[title].freeze_panes == "A2"
    header = _values(core_wb["Control matrix"])[0]
    assert header[: len(matrix.FIXED)] == tuple(c.name for c in matrix.FIXED)
    for title in CORE:
        assert report.rows[title] == core_wb[title].max_row - 1


def test_findings_rows_match_the_assessment(demo_pack: PackData, core_wb: openpyxl.Workbook) -> None:
    rows = _values(core_wb["Findings"])[1:]
    results = demo_pack.assessment.results
    assert len(rows) == len(results)
    assert Counter(r[COL["Status"]] for r in rows) == Counter(j.status for j in demo_pack.judgements)
    keys = Counter((r[COL["Rule id"]], r[COL["Account id"]], r[COL["Resource ARN"]]) for r in rows)
    assert keys == Counter((r.control_id, r.account_id or None, r.resource_arn or None) for r in results)
    ranks = [("FAIL", "ERROR", "NOT_ASSESSED", "WAIVED", "PASS").index(r[COL["Status"]]) for r in rows]
    assert ranks == sorted(ranks)  # failures first
    fails = [r for r in rows if r[COL["Status"]] == "FAIL"]
    order = ("critical", "high", "medium", "low", "informational")
    assert [order.index(r[COL["Severity"]]) for r in fails] == sorted(
        order.index(r[COL["Severity"]]) for r in fails
    )
    one = next(r for r in results if r.status == "FAIL" and r.account_id)
    control = demo_pack.controls[one.control_id]
    row = next(
        r for r in rows if (r[COL["Rule id"]], r[COL["Resource ARN"]], r[COL["Account id"]]) == (
            one.control_id, one.resource_arn, one.account_id)
    )  # fmt: skip
    assert row[COL["Title"]] == control.title
    assert row[COL["Account name"]] == demo_pack.inventory.account_name(one.account_id)
    assert row[COL["CIS"]] == (", ".join(control.mappings.cis) or None)
    assert row[COL["Remediation (Terraform)"]] == control.remediation.terraform
    assert row[COL["OU path"]] == " / ".join(demo_pack.places.place(one.account_id)[1])


def test_every_evidence_link_lands_on_the_first_row_of_its_call(core_wb: openpyxl.Workbook) -> None:
    ws = core_wb["Findings"]
    ev = _values(core_wb["Evidence"])
    linked = 0
    for row in ws.iter_rows(min_row=2):
        cell = row[COL["Evidence"]]
        ids = row[COL["Evidence call ids"]].value
        if not ids:
            assert cell.value is None
            continue
        first = int(str(ids).split(",")[0])
        assert cell.hyperlink is not None, ids
        sheet, ref = cell.hyperlink.location.split("!")
        assert sheet == "'Evidence'"
        target = int(ref.lstrip("A")) - 1  # row number -> index in ev
        assert ev[target][EV["Call id"]] == first
        assert ev[target - 1][EV["Call id"]] != first  # the call's first row
        linked += 1
    assert linked > 100


def test_evidence_rows_are_the_stored_pages(demo_pack: PackData, core_wb: openpyxl.Workbook) -> None:
    from snapshot import Snapshot

    rows = _values(core_wb["Evidence"])[1:]
    cited = {c for r in demo_pack.assessment.results for c in r.evidence.call_ids}
    assert {r[EV["Call id"]] for r in rows} == cited
    with Snapshot.open(demo_pack.snapshot_path) as snap:
        for r in rows[:200]:
            call = snap.call(r[EV["Call id"]])
            assert (r[EV["Account id"]], r[EV["Service"]], r[EV["Operation"]], r[EV["Outcome"]]) == (
                call.account_id, call.service, call.operation, call.outcome)  # fmt: skip
            if r[EV["Page"]] is not None:
                body, digest = snap.raw_pages(call.id)[r[EV["Page"]] - 1]
                assert r[EV["Page SHA-256"]] == digest
                assert r[EV["JSON as collected"]] == body.decode("utf-8")
                assert r[EV["Part"]] == "1 of 1"


def test_summary_counts_and_chart(demo_pack: PackData, core_wb: openpyxl.Workbook) -> None:
    rows = _values(core_wb["Summary"])
    total = next(r for r in rows if r[0] == "All results")
    statuses = Counter(j.status for j in demo_pack.judgements)
    assert total[2:8] == (
        statuses["FAIL"], statuses["ERROR"], statuses["NOT_ASSESSED"], statuses["WAIVED"], statuses["PASS"],
        len(demo_pack.assessment.results))  # fmt: skip
    by_sev = {r[1]: r for r in rows if r[0] == "Severity"}
    fails = Counter(
        demo_pack.controls[r.control_id].severity for r in demo_pack.assessment.results if r.status == "FAIL"
    )
    assert {k: v[2] for k, v in by_sev.items()} == {s: fails[s] for s in by_sev}
    assert any(r[0] == "CIS section" for r in rows) and any(r[0] == "NIST section" for r in rows)
    assert len(core_wb["Summary"]._charts) == 1


def test_matrix_cells(demo_pack: PackData, core_wb: openpyxl.Workbook) -> None:
    rows = _values(core_wb["Control matrix"])
    header = rows[0]
    assert len(rows) - 1 == len({r.control_id for r in demo_pack.assessment.results})
    control_id = next(
        r.control_id for r in demo_pack.assessment.results if r.status == "FAIL" and r.account_id
    )
    account = next(
        r.account_id for r in demo_pack.assessment.results if r.control_id == control_id and r.account_id
    )
    counts = Counter(
        r.status
        for r in demo_pack.assessment.results
        if r.control_id == control_id and r.account_id == account
    )
    column = next(i for i, h in enumerate(header) if str(h).endswith(f"({account})"))
    row = next(r for r in rows if r[0] == control_id)
    worst = next(s for s in ("FAIL", "ERROR", "NOT_ASSESSED", "PASS") if counts[s])
    assert row[column] == f"{worst.replace('_', ' ')} {counts[worst]}/{sum(counts.values())}"


def test_cover_says_what_the_pack_covers(demo_pack: PackData, core_wb: openpyxl.Workbook) -> None:
    facts = {r[1]: r[2] for r in _values(core_wb["Cover"])[1:]}
    assert facts["Organization id"] == demo_pack.inventory.organization.organization_id
    assert facts["SHA-256 of the file"] == demo_pack.snapshot_sha256
    assert str(facts["Integrity"]).startswith("intact")
    assert facts["Sign-off"] == "not signed off"
    assert facts["Collecting identity"] == demo_pack.manifest["identity"]["Arn"]
    collected = next(k for k in facts if str(k).startswith("Accounts collected ("))
    assert "payments-prod" in str(facts[collected])
    assert "legacy-closed" in str(facts["Accounts not collected"])  # the suspended account, and why


def test_the_workbook_gets_the_mode_of_a_new_file_not_the_temporary_0600(
    demo_pack: PackData, tmp_path: Path
) -> None:
    import os
    import stat

    from exports.files import current_umask

    old = os.umask(0o027)
    try:
        assert current_umask() == 0o027
        target = tmp_path / "pack.xlsx"
        write_workbook(demo_pack, target, options=ExportOptions(sheets=("Cover",)))
        assert stat.S_IMODE(target.stat().st_mode) == 0o640
    finally:
        os.umask(old)
