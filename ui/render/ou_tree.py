"""The OU tree as images: roots, OUs and accounts with the policies attached to each and the failed
results of each account (in the pack's scope), drawn as a tree with connectors.

Pages of ``ROWS_PER_PAGE`` rows (an organization of 500 accounts is several pages, each printable);
the same order as the Accounts and OUs sheet (child OUs by name, then accounts by name; accounts
whose place is unknown after the tree). With an account or OU filter, only the accounts in scope and
the OUs above them are drawn.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QFont

from analysis.model.organizations import KIND_ROOT, OrganizationModel, OrgUnit
from exports.sheets.accounts_ous import shown_nodes
from exports.sheets.results_scope import scoped_results
from exports.xlsx_styles import SEVERITY_COLOURS
from ui.render.drawing import MUTED, TEXT, Chip, Page, font, line_height, text_width, wrap

if TYPE_CHECKING:
    from exports.options import ExportOptions
    from exports.pack_data import PackData

ROWS_PER_PAGE = 60
MAX_PAGES = 40
WIDTH = 1500
ROW = 26
INDENT = 22
TREE_WIDTH = 640
POLICY_X = 700
POLICY_WIDTH = 470
FAILED_X = 1190
SEVERITY_SHORT = (("critical", "C"), ("high", "H"), ("medium", "M"), ("low", "L"), ("informational", "I"))
KIND_FILL = {"root": "#37474f", "ou": "#1565c0", "account": "#90a4ae"}


@dataclass(frozen=True, kw_only=True)
class TreeRow:
    depth: int
    kind: str  # "root" | "ou" | "account"
    name: str
    id: str
    open_levels: tuple[bool, ...]  # per ancestor level: does a line continue below this row
    last: bool  # the last child of its parent
    policies: str
    failed: tuple[tuple[str, int], ...] = ()  # (severity, count), worst first
    waived: int = 0
    note: str = ""  # management account, suspended, place unknown
    above: tuple[str, ...] = ()  # names of the root and OUs above, outermost first


def tree_rows(data: PackData, options: ExportOptions) -> list[TreeRow]:
    org = data.inventory.organization
    shown = shown_nodes(data, options)
    failed: dict[str, Counter[str]] = defaultdict(Counter)
    waived: Counter[str] = Counter()
    for s in scoped_results(data, options):
        if s.judgement.status == "FAIL" and s.control is not None:
            failed[s.result.account_id][s.control.severity] += 1
        elif s.judgement.status == "WAIVED":
            waived[s.result.account_id] += 1
    rows: list[TreeRow] = []

    def children(unit: OrgUnit) -> list[tuple[str, str]]:
        ous = sorted(
            (org.units[c] for c in unit.child_ou_ids if c in org.units and c in shown),
            key=lambda u: (u.name.lower(), u.id),
        )
        accounts = sorted(
            (org.accounts[a] for a in unit.account_ids if a in org.accounts and a in shown),
            key=lambda a: (a.name.lower(), a.id),
        )
        return [("unit", u.id) for u in ous] + [("account", a.id) for a in accounts]

    def walk(
        kind: str, node_id: str, depth: int, open_levels: tuple[bool, ...], last: bool, above: tuple[str, ...]
    ) -> None:
        if kind == "unit":
            unit = org.units[node_id]
            name = unit.name or unit.id
            rows.append(
                TreeRow(
                    depth=depth,
                    kind="root" if unit.kind == KIND_ROOT else "ou",
                    name=name,
                    id=unit.id,
                    open_levels=open_levels,
                    last=last,
                    policies=_policies(org, unit.id),
                    above=above,
                )
            )
            kids = children(unit)
            for i, (k, child) in enumerate(kids):
                levels = (*open_levels, not last) if depth else ()
                walk(k, child, depth + 1, levels, i == len(kids) - 1, (*above, name))
            return
        row = _account_row(data, node_id, depth, open_levels, last, failed, waived)
        rows.append(dataclasses.replace(row, above=above))

    roots = [r for r in org.root_ids if r in shown]
    for i, root_id in enumerate(roots):
        walk("unit", root_id, 0, (), i == len(roots) - 1, ())
    for account in sorted(
        (a for a in org.unplaced_accounts if a.id in shown), key=lambda a: (a.name.lower(), a.id)
    ):
        row = _account_row(data, account.id, 0, (), True, failed, waived)
        rows.append(dataclasses.replace(row, note=_join(row.note, "place in the tree unknown")))
    return rows


def _account_row(
    data: PackData,
    account_id: str,
    depth: int,
    open_levels: tuple[bool, ...],
    last: bool,
    failed: dict[str, Counter[str]],
    waived: Counter[str],
) -> TreeRow:
    org = data.inventory.organization
    account = org.accounts[account_id]
    note = "management account" if account_id == org.management_account_id else ""
    if account.status and account.status != "ACTIVE":
        note = _join(note, account.status.lower())
    counts = failed.get(account_id, Counter())
    return TreeRow(
        depth=depth,
        kind="account",
        name=account.name or account_id,
        id=account_id,
        open_levels=open_levels,
        last=last,
        policies=_policies(org, account_id),
        failed=tuple((sev, counts[sev]) for sev, _ in SEVERITY_SHORT if counts[sev]),
        waived=waived[account_id],
        note=note,
    )


def _policies(org: OrganizationModel, node_id: str) -> str:
    by_type: dict[str, list[str]] = defaultdict(list)
    for p in org.attached_policies(node_id):
        by_type[p.type_label].append(p.name or p.id)
    return "; ".join(f"{t}: {', '.join(names)}" for t, names in by_type.items())


def _join(a: str, b: str) -> str:
    return f"{a}, {b}" if a else b


def render_ou_tree(data: PackData, options: ExportOptions) -> Iterator[tuple[str, bytes, str]]:
    """(file name, PNG, title) per page; a note page when nothing of the organization is in scope."""
    rows = tree_rows(data, options)
    org_id = data.inventory.organization.organization_id or "the organization"
    pages = [rows[i : i + ROWS_PER_PAGE] for i in range(0, len(rows), ROWS_PER_PAGE)] or [[]]
    capped = len(pages) > MAX_PAGES
    pages = pages[:MAX_PAGES]
    for n, page_rows in enumerate(pages, start=1):
        name = "ou-tree.png" if len(pages) == 1 else f"ou-tree-{n:02d}.png"
        title = f"OU tree of {org_id}" + (f" (page {n} of {len(pages)})" if len(pages) > 1 else "")
        more = len(rows) - MAX_PAGES * ROWS_PER_PAGE if capped and n == len(pages) else 0
        yield name, _page(data, options, page_rows, title, more).png(), title


def _page(data: PackData, options: ExportOptions, rows: list[TreeRow], title: str, more: int) -> Page:
    page = Page(WIDTH)
    m = page.margin
    y = page.y
    y += page.text(m, y, title, font(22, bold=True))
    org = data.inventory.organization
    sub = (
        f"management account {org.management_account_id or 'unknown'} · snapshot {data.snapshot_path.name} "
        f"· collected {str(data.manifest.get('finished_at') or data.manifest.get('started_at') or 'unknown')[:10]}"
    )
    y += page.text(m, y + 4, sub, font(13), colour=MUTED) + 4
    if options.filters_accounts:
        y += page.paragraph(
            m, y + 2, "Filter: " + "; ".join(options.describe()), font(12), page.inner, colour=MUTED
        )
    y += 12
    head = font(12, bold=True)
    page.text(m, y, "Root, OU or account", head, colour=MUTED)
    page.text(POLICY_X, y, "Policies attached here", head, colour=MUTED)
    page.text(FAILED_X, y, "Failed results (pack scope)", head, colour=MUTED)
    y += 20
    page.rule(y)
    y += 4
    if not rows:
        page.text(m, y + 6, "No root, OU or account of the organization is in the pack's scope.", font(14))
        y += ROW
    elif rows[0].above:  # a page that starts inside an OU says which
        y += page.text(m, y + 2, "continued, inside " + " / ".join(rows[0].above), font(12), colour=MUTED) + 4
    body, bold, small = font(13), font(13, bold=True), font(11)
    for row in rows:
        y += _row(page, row, y, body, bold, small)
    page.rule(y + 2)
    y += 10
    if more > 0:
        y += page.text(m, y, f"… and {more} more rows: the Accounts and OUs sheet lists every one", font(13))
    legend = font(11)
    lead = "Failed results by severity: "
    page.text(m, y, lead, legend, colour=MUTED)
    x = m + text_width(lead, legend)
    for sev, short in SEVERITY_SHORT:
        bg, fg, b = SEVERITY_COLOURS[sev]
        x += page.chip(x, y, Chip(f"{short} {sev}", "#" + bg, "#" + fg, b), legend) + 6
    page.text(
        x + 10,
        y,
        "W: waived (workpaper).  Policies: SCP, RCP, tag and backup policies attached directly.",
        legend,
        colour=MUTED,
    )
    return page


def _row(page: Page, row: TreeRow, y: float, body: QFont, bold: QFont, small: QFont) -> float:
    """Draws one row; returns its height (policies wrap over up to three lines)."""
    m = page.margin
    mid = y + ROW / 2
    policy_font = font(12)
    policy_lines = wrap(row.policies, policy_font, POLICY_WIDTH, max_lines=3) if row.policies else []
    height = max(float(ROW), len(policy_lines) * line_height(policy_font) + 10)
    # Connectors: a vertical line for every ancestor level that continues, and this row's elbow.
    for level, open_ in enumerate(row.open_levels):
        if open_:
            x = m + 8 + level * INDENT
            page.line(QPointF(x, y), QPointF(x, y + height), colour="#9e9e9e")
    if row.depth:
        x = m + 8 + (row.depth - 1) * INDENT
        page.line(QPointF(x, y), QPointF(x, mid if row.last else y + height), colour="#9e9e9e")
        page.line(QPointF(x, mid), QPointF(x + INDENT - 8, mid), colour="#9e9e9e")
    x = m + row.depth * INDENT
    size = 12 if row.kind != "account" else 10
    page.rect(
        QRectF(x + 8 - size / 2, mid - size / 2, size, size),
        fill=KIND_FILL[row.kind],
        radius=2 if row.kind == "account" else 3,
    )
    tx = x + 20
    name_font = bold if row.kind != "account" else body
    label = row.name
    if row.kind == "root":
        label = f"Root {row.name}" if row.name.lower() != "root" else "Root"
    room = TREE_WIDTH - (tx - m) - 10
    page.text(tx, y + 4, label, name_font, width=room)
    w = min(text_width(label, name_font), room)
    extra = row.id + (f" · {row.note}" if row.note else "")
    page.text(tx + w + 8, y + 6, extra, small, colour=MUTED, width=max(40.0, POLICY_X - (tx + w + 8) - 12))
    page.lines(POLICY_X, y + 5, policy_lines, policy_font, colour=TEXT)
    cx = float(FAILED_X)
    for sev, count in row.failed:
        bg, fg, b = SEVERITY_COLOURS[sev]
        short = dict(SEVERITY_SHORT)[sev]
        cx += page.chip(cx, y + 4, Chip(f"{short} {count}", "#" + bg, "#" + fg, b), small) + 5
    if row.waived:
        cx += page.chip(cx, y + 4, Chip(f"W {row.waived}", "#E4DFEC", "#5B3C88"), small) + 5
    if row.kind == "account" and not row.failed and not row.waived:
        page.text(cx, y + 5, "none", small, colour="#9e9e9e")
    return height
