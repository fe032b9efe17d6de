"""The "Waivers" sheet: the workpaper's waivers and notes, and what they do to this assessment.

Sections (the "Section" column): **Waiver**, one row per waiver in the workpaper's order (control
and resource patterns, accounts and OUs, reason, owner, expiry, whether it has expired on the day
the pack was made, when it was recorded), with the number of results it waives in this pack and
the number it matches (FAIL and NOT_ASSESSED results the patterns select, including those an
earlier waiver already waives, and those it would waive were it not expired); **Note**, one row
per note on a finding; **Sign-off**, the reviewer's. Without a workpaper, one row says so.

With an account or OU filter: waivers that name no account or OU, or one in scope; results and
notes of accounts in scope.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from typing import TYPE_CHECKING

from analysis.workpaper import WAIVABLE, Waiver, Workpaper
from exports.sheets.inventory_common import Cells, Row, account_label, fit_row, in_scope, lines
from exports.xlsx_writer import Column, SheetSpec

if TYPE_CHECKING:
    from exports.options import ExportOptions
    from exports.pack_data import PackData

SHEET = SheetSpec(
    "Waivers",
    (
        # The first twelve are what a printed page shows.
        Column("Section", 9, wrap=True),
        Column("#", 4, kind="int"),
        Column("Control", 22, wrap=True),
        Column("Resource", 22, wrap=True),
        Column("Accounts", 18, wrap=True),
        Column("OUs", 16, wrap=True),
        Column("Reason / note", 34, wrap=True),
        Column("Owner / author", 12, wrap=True),
        Column("Expires", 11, wrap=True),
        Column("Expired", 8, wrap=True),
        Column("Results waived", 8, kind="int"),
        Column("Results matched", 8, kind="int"),
        Column("Recorded", 26),
        Column("Region", 12),
    ),
    print_columns=12,
)
CELLS = Cells(SHEET)
WAIVER, NOTE, SIGN_OFF = "Waiver", "Note", "Sign-off"
_KEEP = CELLS.index("Section", "#", "Control", "Resource")
(_REASON,) = CELLS.index("Reason / note")


def rows(data: PackData, options: ExportOptions) -> Iterator[Row]:
    wp = data.workpaper
    if wp is None:
        yield CELLS.note("Reason / note", "No workpaper: no waiver or note applies to this assessment")
        return
    today = _pack_day(data)
    waived, matched = _counts(data, options, wp)
    any_row = False
    for i, waiver in enumerate(wp.waivers):
        if not _waiver_in_scope(data, options, waiver):
            continue
        any_row = True
        row = _waiver_row(data, i + 1, waiver, today, waived[i], matched[i])
        yield from fit_row(row, keep=_KEEP, mark=_REASON)
    if not any_row:
        yield CELLS({"Section": WAIVER, "Reason / note": _no_waivers(wp, options)})
    for number, note in enumerate(wp.notes, start=1):
        if not in_scope(data, options, note.account_id):
            continue
        row = CELLS(
            {
                "Section": NOTE,
                "#": number,
                "Control": note.control_id,
                "Resource": note.resource_arn,
                "Accounts": account_label(data, note.account_id),
                "Reason / note": note.text,
                "Owner / author": note.author,
                "Recorded": note.time,
                "Region": note.region,
            }
        )
        yield from fit_row(row, keep=_KEEP)
    signoff = wp.signoff
    if signoff is not None:
        text = f"signed off by {signoff.name}" + (f": {signoff.comment}" if signoff.comment else "")
        yield CELLS(
            {
                "Section": SIGN_OFF,
                "Reason / note": text,
                "Owner / author": signoff.name,
                "Recorded": signoff.time,
            }
        )
    else:
        yield CELLS({"Section": SIGN_OFF, "Reason / note": "not signed off"})


def _no_waivers(wp: Workpaper, options: ExportOptions) -> str:
    if wp.waivers and options.filters_accounts:
        return "No waiver of the workpaper concerns the accounts in the pack's scope"
    return "The workpaper has no waivers"


def _pack_day(data: PackData) -> date:
    """The day the pack was made (UTC): the day waivers' expiry is judged on."""
    try:
        return datetime.fromisoformat(data.generated_at.replace("Z", "+00:00")).date()
    except ValueError:
        return datetime.now().date()


def _waiver_in_scope(data: PackData, options: ExportOptions, waiver: Waiver) -> bool:
    if not options.filters_accounts or not (waiver.accounts or waiver.ous):
        return True
    if any(in_scope(data, options, a) for a in waiver.accounts):
        return True
    org = data.inventory.organization
    return any(
        in_scope(data, options, a) for a in org.accounts if any(u.id in waiver.ous for u in org.path_to(a))
    )


def _counts(data: PackData, options: ExportOptions, wp: Workpaper) -> tuple[Counter[int], Counter[int]]:
    """Per waiver index: the results in scope it waives, and those its patterns match."""
    first: dict[Waiver, int] = {}
    for i, w in enumerate(wp.waivers):
        first.setdefault(w, i)  # an identical later waiver never applies: the first one does
    waived: Counter[int] = Counter()
    matched: Counter[int] = Counter()
    for result, judgement in zip(data.assessment.results, data.judgements, strict=True):
        if result.status not in WAIVABLE or not in_scope(data, options, result.account_id):
            continue
        if judgement.waiver is not None and judgement.waiver in first:
            waived[first[judgement.waiver]] += 1
        ou_ids = data.places.ou_ids(result.account_id) if result.account_id else ()
        for i, w in enumerate(wp.waivers):
            if w.matches(
                control_id=result.control_id,
                resource_arn=result.resource_arn,
                account_id=result.account_id,
                ou_ids=ou_ids,
            ):
                matched[i] += 1
    return waived, matched


def _waiver_row(data: PackData, number: int, waiver: Waiver, today: date, waived: int, matched: int) -> Row:
    return CELLS(
        {
            "Section": WAIVER,
            "#": number,
            "Control": waiver.control_id,
            "Resource": waiver.resource_pattern,
            "Accounts": lines(account_label(data, a) for a in waiver.accounts) or "any",
            "OUs": lines(_ou_words(data, o) for o in waiver.ous) or "any",
            "Reason / note": waiver.reason,
            "Owner / author": waiver.owner,
            "Expires": waiver.expires.isoformat() if waiver.expires else "no expiry",
            "Expired": "Yes" if waiver.expired(today) else "No",
            "Results waived": waived,
            "Results matched": matched,
            "Recorded": waiver.created,
        }
    )


def _ou_words(data: PackData, ou_id: str) -> str:
    unit = data.inventory.organization.units.get(ou_id)
    if unit is None:
        return f"{ou_id} (not in this organization)"
    return f"{unit.name} ({ou_id})" if unit.name else ou_id
