"""The workbook's sheets: one module per sheet, registered here in the workbook's order.

Each module exports ``SHEET`` (an ``exports.xlsx_writer.SheetSpec`` whose title is the key below)
and ``rows(data: PackData, options: ExportOptions) -> Iterator[tuple]``, pure and testable without
openpyxl. ``exports.workbook`` writes the sheets of ``ExportOptions.sheets`` in ``ALL_SHEETS`` order
(exports/options.py); the Control matrix (its account columns), the Findings (links into Evidence)
and the Summary (its chart) get a little more from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType

from exports.sheets import (
    accounts_ous,
    cover,
    coverage,
    escalation,
    evidence,
    exposure,
    findings,
    iam_principals,
    matrix,
    org_policies,
    summary,
    trust,
    waivers,
)

SHEETS: Mapping[str, ModuleType] = {
    "Cover": cover,
    "Summary": summary,
    "Findings": findings,
    "Control matrix": matrix,
    "Accounts and OUs": accounts_ous,
    "Organization policies": org_policies,
    "IAM principals": iam_principals,
    "Trust relationships": trust,
    "Escalation paths": escalation,
    "Internet exposure": exposure,
    "Coverage gaps": coverage,
    "Waivers": waivers,
    "Evidence": evidence,
}
