"""The results a pack is about, as every results sheet (Summary, Findings, Control matrix, Evidence) picks them.

A result is in scope when its control passes the severity and framework filters, its reported
status (``WAIVED`` included) the status filter, and its account the account/OU filter. The Findings
sheet further leaves PASS out when ``include_pass`` is off; the counts do not. Pure, no openpyxl.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from analysis.rules.base import ERROR, FAIL, NOT_ASSESSED, PASS, PRACTICES, SEVERITIES
from analysis.workpaper import WAIVED

if TYPE_CHECKING:
    from analysis.rules.base import Control, Result
    from analysis.workpaper import Judgement
    from exports.options import ExportOptions
    from exports.pack_data import PackData

# Worst first: what a Control matrix cell shows when its results differ, and the Findings order.
STATUS_ORDER: tuple[str, ...] = (FAIL, ERROR, NOT_ASSESSED, WAIVED, PASS)
STATUS_RANK = {s: i for i, s in enumerate(STATUS_ORDER)}
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}
STATUS_WORDS = {FAIL: "FAIL", ERROR: "ERROR", NOT_ASSESSED: "NOT ASSESSED", WAIVED: "WAIVED", PASS: "PASS"}


class Scoped(NamedTuple):
    position: int  # in data.assessment.results (and data.judgements)
    result: Result
    judgement: Judgement
    control: Control | None  # None: a result of a control not in the assessment's list


def scoped_results(data: PackData, options: ExportOptions) -> Iterator[Scoped]:
    """The results in the export's scope, in assessment order."""
    control_ok: dict[str, bool] = {}
    account_ok: dict[str, bool] = {}
    controls = data.controls
    for i, (r, j) in enumerate(zip(data.assessment.results, data.judgements, strict=True)):
        ok = control_ok.get(r.control_id)
        control = controls.get(r.control_id)
        if ok is None:
            ok = control_ok[r.control_id] = options.accepts_control(
                control.severity if control else "", control.mappings if control else None
            )
        if not ok or not options.accepts_status(j.status):
            continue
        if options.filters_accounts:
            a = account_ok.get(r.account_id)
            if a is None:
                a = account_ok[r.account_id] = options.accepts_account(
                    r.account_id, data.places.ou_ids(r.account_id) if r.account_id else ()
                )
            if not a:
                continue
        yield Scoped(i, r, j, control)


def practice_title(control: Control | None) -> str:
    return PRACTICES.get(control.practice, control.practice) if control else ""


def worst(statuses: dict[str, int]) -> str:
    """The worst status present in a {status: count} mapping ("" when empty)."""
    return min((s for s, n in statuses.items() if n), key=lambda s: STATUS_RANK.get(s, 99), default="")


def in_account_scope(data: PackData, options: ExportOptions, account_id: str | None) -> bool:
    """The account/OU filter for a record that is not a result (a trust finding, an exposure)."""
    if not options.filters_accounts:
        return True
    if not account_id:
        return False
    return options.accepts_account(account_id, data.places.ou_ids(account_id))
