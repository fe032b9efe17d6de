"""The "Coverage gaps" sheet: what could not be collected or assessed, and why.

Sections (the "Section" column):

- **Account**: accounts whose collection did not happen or failed (access failed, skipped,
  cancelled), from the manifest: nothing of them was judged.
- **Organization**: what the Organizations model lacks (a denied listing, a policy's content or
  targets not collected), in words.
- **Collection**: every API operation asked but not answered (denied, failed, region disabled),
  per account, region and operation, with the number of calls and their ids.
- **Not assessed** / **Error**: control results with status NOT_ASSESSED (inputs not answered)
  or ERROR (the control failed), grouped by control, account, region and reason, with how many
  results and how many of them the workpaper waives.

With an account or OU filter: the rows of accounts in scope (organization-wide rows are left out,
as on the Findings sheet).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from analysis.model.coverage import NOT_COLLECTED
from analysis.rules.base import ERROR, NOT_ASSESSED
from analysis.workpaper import WAIVED
from exports.sheets.inventory_common import Cells, Row, account_name, fit_row, in_scope, or_note
from exports.xlsx_writer import Column, SheetSpec

if TYPE_CHECKING:
    from exports.options import ExportOptions
    from exports.pack_data import PackData

SHEET = SheetSpec(
    "Coverage gaps",
    (
        # The first nine are what a printed page shows: what is missing where, and why.
        Column("Section", 12, wrap=True),
        Column("Account", 13, wrap=True),
        Column("Region", 10, wrap=True),
        Column("Service", 14, wrap=True),
        Column("Operation / control", 30, wrap=True),
        Column("State", 12, wrap=True),
        Column("Reason", 60, wrap=True),
        Column("Count", 7, kind="int"),
        Column("Waived", 7, kind="int"),
        Column("Account name", 20),
        Column("Error code", 22),
        Column("Call ids", 30),
    ),
    print_columns=9,
)
CELLS = Cells(SHEET)
ACCOUNT, ORGANIZATION, COLLECTION = "Account", "Organization", "Collection"
_FAILED_ACCOUNT = frozenset({"access_failed", "skipped", "cancelled"})
_KEEP = CELLS.index("Section", "Account", "Region", "Service", "Operation / control", "State", "Account name")
(_REASON,) = CELLS.index("Reason")


def rows(data: PackData, options: ExportOptions) -> Iterator[Row]:
    empty = (
        "Nothing is missing for the accounts in the pack's scope: every call was answered and every "
        "control assessed"
        if options.filters_accounts
        else "Nothing is missing: every call was answered and every control assessed"
    )
    return or_note(_rows(data, options), CELLS.note("Reason", empty))


def _rows(data: PackData, options: ExportOptions) -> Iterator[Row]:
    yield from _accounts(data, options)
    if not options.filters_accounts:
        for words in data.inventory.organization.gaps:
            yield CELLS(
                {"Section": ORGANIZATION, "Region": "global", "Service": "organizations", "Reason": words}
            )
    names = {a: data.inventory.account_name(a) for a in _accounts_named(data)}
    for gap in data.inventory.coverage.gaps(names):
        if gap.operation == "*" or not in_scope(data, options, gap.account_id):
            continue  # the whole-account rows come from the manifest above
        row = CELLS(
            {
                "Section": COLLECTION,
                "Account": gap.account_id,
                "Region": gap.region,
                "Service": gap.service,
                "Operation / control": gap.operation,
                "State": gap.state.replace("_", " "),
                "Reason": gap.reason,
                "Count": gap.calls,
                "Account name": gap.account_name,
                "Error code": gap.error_code,
                "Call ids": ", ".join(map(str, gap.call_ids)),
            }
        )
        yield from fit_row(row, keep=_KEEP, mark=_REASON)
    yield from _results(data, options)


def _accounts_named(data: PackData) -> set[str]:
    outcomes: Mapping[str, Any] = data.manifest.get("account_outcomes") or {}
    return set(outcomes) | set(data.inventory.organization.accounts)


def _accounts(data: PackData, options: ExportOptions) -> Iterator[Row]:
    outcomes: Mapping[str, Any] = data.manifest.get("account_outcomes") or {}
    for account_id in sorted(outcomes):
        outcome = outcomes[account_id] or {}
        status = str(outcome.get("status") or "")
        if status not in _FAILED_ACCOUNT or not in_scope(data, options, account_id):
            continue
        detail = str(outcome.get("detail") or "")
        words = status.replace("_", " ")
        yield CELLS(
            {
                "Section": ACCOUNT,
                "Account": account_id,
                "Region": "*",
                "Service": "*",
                "State": words,
                "Reason": f"{words}: {detail}" if detail else words,
                "Account name": str(outcome.get("name") or "") or account_name(data, account_id),
            }
        )
    # Accounts of the organization the collection never entered (not in its scope).
    for account_id in sorted(data.inventory.organization.accounts):
        if account_id in outcomes or not outcomes or not in_scope(data, options, account_id):
            continue
        yield CELLS(
            {
                "Section": ACCOUNT,
                "Account": account_id,
                "Region": "*",
                "Service": "*",
                "State": NOT_COLLECTED.replace("_", " "),
                "Reason": "not in the collection's scope: nothing of this account was collected",
                "Account name": account_name(data, account_id),
            }
        )


def _results(data: PackData, options: ExportOptions) -> Iterator[Row]:
    counts: Counter[tuple[str, str, str, str, str]] = Counter()
    waived: Counter[tuple[str, str, str, str, str]] = Counter()
    services = {c.id: c.service for c in data.assessment.controls}
    for result, judgement in zip(data.assessment.results, data.judgements, strict=True):
        if result.status not in (NOT_ASSESSED, ERROR):
            continue
        if not in_scope(data, options, result.account_id):
            continue
        key = (result.status, result.control_id, result.account_id, result.region, result.message)
        counts[key] += 1
        if judgement.status == WAIVED:
            waived[key] += 1
    order = {NOT_ASSESSED: 0, ERROR: 1}
    for key in sorted(counts, key=lambda k: (order[k[0]], k[1], k[2], k[3], k[4])):
        status, control_id, account_id, region, message = key
        row = CELLS(
            {
                "Section": "Not assessed" if status == NOT_ASSESSED else "Error",
                "Account": account_id or None,
                "Region": region,
                "Service": services.get(control_id, ""),
                "Operation / control": control_id,
                "State": "NOT ASSESSED" if status == NOT_ASSESSED else status,
                "Reason": message,
                "Count": counts[key],
                "Waived": waived[key],
                "Account name": account_name(data, account_id),
            }
        )
        yield from fit_row(row, keep=_KEEP, mark=_REASON)
