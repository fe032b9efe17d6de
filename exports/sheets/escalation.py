"""The "Escalation paths" sheet: principals that can climb to administrator, hop by hop.

For every trust finding with a path (``escalation_path_to_admin``: a user or role that becomes an
administrator only by using an escalation technique, as the IAM controls found them), a row for
the finding (who, which account, what it reaches) and one row per hop: from, the technique(s),
to, the conditions the hop depends on and the statements that allow it. The other trust findings
(administrators, external and public trust) are results on the Findings sheet.
With an account or OU filter: the findings about principals of accounts in scope.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from analysis.trust.queries import Step
from exports.sheets.inventory_common import Cells, Row, account_label, fit_row, in_scope, lines, or_note
from exports.sheets.trust import NO_GRAPH, conditions_text, node_text
from exports.xlsx_writer import Column, SheetSpec

if TYPE_CHECKING:
    from analysis.trust.findings import TrustFinding
    from analysis.trust.graph import TrustGraph
    from exports.options import ExportOptions
    from exports.pack_data import PackData

SHEET = SheetSpec(
    "Escalation paths",
    (
        # The first seven are what a printed page shows: the path, hop by hop.
        Column("Finding", 8, kind="int"),
        Column("Severity", 9, kind="severity", wrap=True),
        Column("Hop", 5, kind="int"),
        Column("From", 32, wrap=True),
        Column("Technique", 30, wrap=True),
        Column("To", 32, wrap=True),
        Column("Conditions", 40, wrap=True),
        Column("Principal", 44),
        Column("Account", 26),
        Column("Title", 40),
        Column("Statements", 60),
        Column("Detail", 60),
    ),
    print_columns=7,
)
CELLS = Cells(SHEET)
_KEEP = CELLS.index("Finding", "Severity", "Hop", "Principal", "Account", "Title")
(_DETAIL,) = CELLS.index("Detail")


def rows(data: PackData, options: ExportOptions) -> Iterator[Row]:
    empty = (
        "No escalation path to an administrator starts in the accounts in the pack's scope"
        if options.filters_accounts
        else "No escalation path to an administrator was found"
    )
    return or_note(_rows(data, options), CELLS.note("From", empty))


def _rows(data: PackData, options: ExportOptions) -> Iterator[Row]:
    tg = data.trust_graph
    if tg is None:
        yield CELLS.note("From", NO_GRAPH)
        return
    number = 0
    for finding in data.trust_findings:
        if finding.path is None or not finding.path.steps:
            continue
        if not in_scope(data, options, finding.account_id):
            continue
        number += 1
        yield from _finding_rows(data, tg, number, finding)


def _finding_rows(data: PackData, tg: TrustGraph, number: int, finding: TrustFinding) -> Iterator[Row]:
    """The finding's row (the whole path in one line, in Detail), then one row per hop."""
    assert finding.path is not None
    steps = finding.path.steps
    head = {
        "Finding": number,
        "Severity": finding.severity,
        "Principal": node_text(tg, finding.resource),
        "Account": account_label(data, finding.account_id),
        "Title": finding.title,
    }
    summary = CELLS(
        {
            **head,
            "From": node_text(tg, steps[0].source),
            "Technique": f"{len(steps)} hop(s)" + (", conditional" if finding.path.conditional else ""),
            "To": node_text(tg, steps[-1].target),
            "Statements": lines(finding.statements),
            "Detail": finding.detail,
        }
    )
    yield from fit_row(summary, keep=_KEEP, mark=_DETAIL)
    for hop, step in enumerate(steps, start=1):
        yield from fit_row(CELLS({**head, "Hop": hop, **_step_cells(tg, step)}), keep=_KEEP, mark=_DETAIL)


def _step_cells(tg: TrustGraph, step: Step) -> dict[str, str]:
    """From, technique(s), to, conditions, statements and reasons of one hop (every way it can be made)."""
    several = len(step.edges) > 1

    def each(text: str, technique: str) -> str:
        return f"{technique}: {text}" if several and text else text

    conditions = [each(conditions_text(e.conditions), e.technique) for e in step.edges]
    statements = [each(lines(s.describe() for s in e.statements), e.technique) for e in step.edges]
    return {
        "From": node_text(tg, step.source),
        "Technique": lines(dict.fromkeys(e.technique for e in step.edges)),
        "To": node_text(tg, step.target),
        "Conditions": lines(c for c in conditions if c),
        "Statements": lines(s for s in statements if s),
        "Detail": lines(dict.fromkeys(e.reason for e in step.edges)),
    }
