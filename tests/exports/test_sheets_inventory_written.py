"""The inventory sheets written to a real .xlsx and read back: headers, row counts, untrusted text as text."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import ModuleType

import openpyxl
import pytest

from exports.options import ALL_SHEETS, ExportOptions
from exports.pack_data import PackData
from exports.sheets import (
    accounts_ous,
    coverage,
    escalation,
    exposure,
    iam_principals,
    org_policies,
    trust,
    waivers,
)
from exports.workbook import write_workbook
from tests.exports.inventory_sheets_support import account_id_named, policy_id_named, with_org

SHEETS: tuple[ModuleType, ...] = (
    accounts_ous,
    org_policies,
    iam_principals,
    trust,
    escalation,
    exposure,
    coverage,
    waivers,
)
HOSTILE = '=HYPERLINK("http://x","y")'


def col(module: ModuleType, name: str) -> int:
    return int(module.SHEET.header.index(name))


TITLES = tuple(m.SHEET.title for m in SHEETS)


def write(data: PackData, path: Path, options: ExportOptions | None = None) -> dict[str, int]:
    """The inventory sheets through write_workbook (the registry), rows written per sheet."""
    report = write_workbook(data, path, options=options or ExportOptions(sheets=TITLES))
    return dict(report.rows)


@pytest.fixture(scope="module")
def hostile_pack(demo_pack: PackData) -> PackData:
    """The demo with snapshot strings an attacker could plant: an account name and a policy description."""
    org = demo_pack.inventory.organization
    web = account_id_named(demo_pack, "web-prod")
    policy = org.policies[policy_id_named(demo_pack, "RegionRestriction")]
    return with_org(
        demo_pack,
        replace(
            org,
            accounts={
                **org.accounts,
                web: replace(org.accounts[web], name=HOSTILE, email="+1 @cmd|' /C calc'!A0"),
            },
            policies={**org.policies, policy.id: replace(policy, description="-2+3\tbell\x07")},
        ),
    )


def test_every_sheet_written_with_its_header_and_rows(demo_pack: PackData, tmp_path: Path) -> None:
    path = tmp_path / "pack.xlsx"
    counts = write(demo_pack, path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == list(TITLES)
    for module in SHEETS:
        ws = wb[module.SHEET.title]
        assert tuple(c.value for c in ws[1]) == module.SHEET.header
        assert ws.max_row == counts[module.SHEET.title] + 1
        assert ws.freeze_panes == "A2"
        expected = sum(1 for _ in module.rows(demo_pack, ExportOptions()))
        assert counts[module.SHEET.title] == expected
    policies = wb["Organization policies"]
    pid, content = col(org_policies, "Policy id"), col(org_policies, "Content (JSON as collected)")
    contents = {row[pid].value: row[content].value for row in policies.iter_rows(min_row=2)}
    for policy in demo_pack.inventory.organization.policies.values():
        assert contents[policy.id] == policy.content_raw  # the JSON exactly as collected


def test_every_sheet_of_the_workbook_in_order(demo_pack: PackData, tmp_path: Path) -> None:
    path = tmp_path / "all.xlsx"
    rows = write(demo_pack, path, ExportOptions())
    wb = openpyxl.load_workbook(path, read_only=True)
    assert wb.sheetnames == list(ALL_SHEETS) == list(rows)
    for module in SHEETS:
        assert rows[module.SHEET.title] == sum(1 for _ in module.rows(demo_pack, ExportOptions())) > 0


def test_filtered_workbook(demo_pack: PackData, tmp_path: Path) -> None:
    web = account_id_named(demo_pack, "web-prod")
    options = ExportOptions(accounts=frozenset({web}), sheets=TITLES)
    rows = write(demo_pack, tmp_path / "web.xlsx", options)
    wb = openpyxl.load_workbook(tmp_path / "web.xlsx", read_only=True)
    principals = wb["IAM principals"]
    account = col(iam_principals, "Account")
    written = list(principals.iter_rows(min_row=2, values_only=True))
    assert {r[account] for r in written} == {web} and rows["IAM principals"] == len(written)


def test_snapshot_strings_stay_text(hostile_pack: PackData, tmp_path: Path) -> None:
    path = tmp_path / "hostile.xlsx"
    write(hostile_pack, path)
    wb = openpyxl.load_workbook(path)
    tree = wb["Accounts and OUs"]
    name, mail = col(accounts_ous, "Name"), col(accounts_ous, "Email")
    cell = next(row[name] for row in tree.iter_rows(min_row=2) if str(row[name].value).strip() == HOSTILE)
    assert cell.data_type == "s"  # leading spaces (the indent) keep it from being a formula at all
    email = next(row[mail] for row in tree.iter_rows(min_row=2) if str(row[mail].value).startswith("+1"))
    assert email.data_type == "s" and email.quotePrefix
    names = [
        c
        for ws in (wb["IAM principals"], wb["Internet exposure"], wb["Coverage gaps"])
        for row in ws.iter_rows(min_row=2)
        for c in row
        if c.value == HOSTILE
    ]
    assert names and all(c.data_type == "s" and c.quotePrefix for c in names)
    policies = wb["Organization policies"]
    d = col(org_policies, "Description")
    description = next(
        row[d] for row in policies.iter_rows(min_row=2) if str(row[d].value).startswith("-2+3")
    )
    assert description.data_type == "s" and description.quotePrefix
    assert description.value == "-2+3\tbell\\x07"  # the forbidden character shown, not lost
    assert description.comment is not None
