"""The Findings sheet: one row per result in the export's scope, failures first by severity.

Each row says what was checked (rule id, title, severity, the CIS / FSBP / NIST ids, practice), what
was found (status as reported, the status as assessed when a waiver changed it, the message), where
(account id and name, OU path, region, resource ARN and id), what the workpaper says (waiver reason,
owner and expiry, "waiver expired on ..." when one lapsed, the note), the evidence (a link to the
first Evidence row of the first call it cites, and every call id), and why it matters and how to fix
it (rationale; remediation for the console, the AWS CLI and Terraform).

Rationale and remediation are the control's own text, repeated on each of its rows so that a
filtered or printed row stands alone (bench/README.md measures what that costs at 100,000 rows).
Pure: rows are tuples; the writer makes every string safe.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from exports.sheets.results_scope import SEVERITY_RANK, STATUS_RANK, Scoped, practice_title, scoped_results
from exports.xlsx_writer import CELL_LIMIT, Column, Link, SheetSpec

if TYPE_CHECKING:
    from exports.options import ExportOptions
    from exports.pack_data import PackData

# call id -> (Evidence sheet title, row) of the call's first Evidence row; None: not on the sheet
EvidenceIndex = Callable[[int], "tuple[str, int] | None"]

SHEET = SheetSpec(
    "Findings",
    (
        # The first seven are what a printed page shows (print_columns): what, how bad, where, why.
        Column("Title", 40, wrap=True),
        Column("Severity", 12, kind="severity"),
        Column("Status", 14, kind="status"),
        Column("Account name", 20),
        Column("Region", 12),
        Column("Resource id", 26, wrap=True),
        Column("Message", 60, wrap=True),
        Column("Rule id", 30),
        Column("Assessed status", 15, kind="status"),
        Column("Account id", 15),
        Column("OU path", 30),
        Column("Resource ARN", 50),
        Column("Evidence", 14),
        Column("Evidence call ids", 20),
        Column("Waiver", 40),
        Column("Waiver reason", 30),
        Column("Waiver owner", 18),
        Column("Waiver expires", 14),
        Column("Note", 30),
        Column("CIS", 12),
        Column("FSBP", 12),
        Column("NIST 800-53", 16),
        Column("Practice", 26),
        Column("Rationale", 50),
        Column("Remediation (console)", 50),
        Column("Remediation (CLI)", 50),
        Column("Remediation (Terraform)", 50),
    ),
    print_columns=7,
)


def finding_items(data: PackData, options: ExportOptions) -> list[Scoped]:
    """The results that get a Findings row, in the sheet's order: by status (FAIL, ERROR, NOT ASSESSED,
    WAIVED, PASS), then severity (critical first), rule, account, region and resource."""
    items = [s for s in scoped_results(data, options) if options.in_findings(s.judgement.status)]
    items.sort(
        key=lambda s: (
            STATUS_RANK.get(s.judgement.status, 99),
            SEVERITY_RANK.get(s.control.severity, 99) if s.control else 99,
            s.result.control_id,
            s.result.account_id,
            s.result.region,
            s.result.resource_arn,
        )
    )
    return items


def rows(
    data: PackData,
    options: ExportOptions,
    *,
    evidence: EvidenceIndex | None = None,
    items: list[Scoped] | None = None,
) -> Iterator[tuple[Any, ...]]:
    """One tuple per finding; ``evidence`` places the link (no link without it); ``items`` as
    :func:`finding_items` gives them (computed when not given)."""
    places = data.places
    per_control: dict[str, tuple[Any, ...]] = {}
    for s in items if items is not None else finding_items(data, options):
        r, j, control = s.result, s.judgement, s.control
        fixed = per_control.get(r.control_id)
        if fixed is None:
            fixed = per_control[r.control_id] = _control_columns(r.control_id, control)
        title, severity, cis, fsbp, nist, practice, rationale, console, cli, terraform = fixed
        name, ou_path, _ = places.place(r.account_id)
        waiver = j.waiver or j.expired_waiver
        call_ids = r.evidence.call_ids
        link: Any = None
        if call_ids:
            where = evidence(call_ids[0]) if evidence is not None else None
            text = f"call {call_ids[0]}" + (f" (+{len(call_ids) - 1})" if len(call_ids) > 1 else "")
            link = Link(text, where[0], where[1]) if where is not None else text
        yield (
            title,
            severity,
            j.status,
            name,
            r.region,
            r.resource_id,
            _cell(r.message),
            r.control_id,
            r.status if r.status != j.status else None,
            r.account_id,
            " / ".join(ou_path),
            r.resource_arn,
            link,
            _cell(", ".join(map(str, call_ids))),
            j.waiver_message or None,
            waiver.reason if waiver else None,
            waiver.owner if waiver else None,
            waiver.expires.isoformat() if waiver and waiver.expires else None,
            _cell(_note(j)),
            cis,
            fsbp,
            nist,
            practice,
            rationale,
            console,
            cli,
            terraform,
        )


def _control_columns(control_id: str, control: Any) -> tuple[Any, ...]:
    if control is None:
        return (control_id, "", "", "", "", "", "", "", "", "")
    m = control.mappings
    return (
        control.title,
        control.severity,
        ", ".join(m.cis),
        ", ".join(m.fsbp),
        ", ".join(m.nist),
        practice_title(control),
        _cell(control.rationale),
        _cell(control.remediation.console),
        _cell(control.remediation.cli),
        _cell(control.remediation.terraform),
    )


def _note(j: Any) -> str:
    n = j.note
    if n is None:
        return ""
    by = f" ({n.author}, {n.time})" if n.author or n.time else ""
    return f"{n.text}{by}"


def _cell(text: str) -> str:
    """Text that fits a cell. A message, note, call list or control text this long is not evidence (the
    Evidence sheet holds the records whole): it is shortened and says so rather than refused."""
    if len(text) <= CELL_LIMIT:
        return text
    keep = CELL_LIMIT - 100
    return text[:keep] + f" ... [{len(text) - keep:,} more characters: see the assessment JSON]"
