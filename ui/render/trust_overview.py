"""The trust graph at the organization's scale as an image: one node per account, in a box per OU,
everything outside the organization in a few groups on a ring, and the edges between them counted
(``analysis.trust.overview``, laid out by ``ui.trust_layout.layout_overview`` as the GUI does).

Under the drawing, the aggregated edges in words ("security-tooling -> master: 4 trust edges"),
escalations and edges from outside the organization first: the picture gives the shape, the list
what a reader checks. With an account or OU filter, only the accounts in scope are drawn (with the
outsiders that reach them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPolygonF

from analysis.trust.overview import AccountOverview, OverviewEdge, build_account_overview
from exports.sheets.results_scope import in_account_scope
from ui.render.drawing import MUTED, TEXT, Page, font, line_height, text_width, wrap
from ui.trust_layout import Layout, layout_overview, overview_box_titles
from ui.views.trust_graph.canvas_items import (
    ACCOUNT_COLOUR,
    ESCALATION_COLOUR,
    EXPOSED_GROUPS,
    OUTSIDE_COLOUR,
    PATH_COLOUR,
    overview_edges_to_draw,
)

if TYPE_CHECKING:
    from analysis.trust.nodes import Node
    from exports.options import ExportOptions
    from exports.pack_data import PackData

WIDTH = 1500
MARGIN = 28
MIN_SCALE, MAX_SCALE = 14.0, 60.0  # pixels per layout unit (accounts are 4 units apart)
EDGES_LISTED = 40
TRUST_COLOUR = "#9e9e9e"


def render_trust_overview(data: PackData, options: ExportOptions) -> tuple[str, bytes, str] | None:
    """(file name, PNG, title), or None when the pack has no trust graph."""
    tg = data.trust_graph
    if tg is None:
        return None
    keep = None
    if options.filters_accounts:

        def keep(node: Node) -> bool:
            account = node.account_id
            return account is None or not tg.org.in_org(account) or in_account_scope(data, options, account)

    overview = build_account_overview(tg, keep=keep)
    if options.filters_accounts:  # outsiders that reach no account in scope are left out
        linked = {e.source for e in overview.edges} | {e.target for e in overview.edges}
        nodes = {k: n for k, n in overview.nodes.items() if n.account_id or k in linked}
        overview = AccountOverview(nodes=nodes, edges=overview.edges, group_of=overview.group_of)
    title = "Trust between accounts (organization overview)"
    return "trust-overview.png", _draw(data, options, overview, title).png(), title


@dataclass(frozen=True)
class _Frame:
    """Where the layout's units land on the page: ``scale`` pixels per unit from ``(x0, y1)``."""

    layout: Layout
    x0: float
    x1: float
    y0: float
    y1: float
    scale: float


def _frame(overview: AccountOverview) -> _Frame:
    layout = layout_overview(overview)
    pos = layout.positions
    xs = [p[0] for p in pos.values()] + [b.x for b in layout.boxes.values()]
    xs += [b.x + b.width for b in layout.boxes.values()]
    ys = [p[1] for p in pos.values()] + [b.y for b in layout.boxes.values()]
    ys += [b.y + b.height for b in layout.boxes.values()]
    pad = 2.2  # room for the labels of the outermost nodes
    x0, x1, y0, y1 = min(xs) - pad, max(xs) + pad, min(ys) - pad, max(ys) + pad
    inner = WIDTH - 2 * MARGIN
    scale = max(MIN_SCALE, min(MAX_SCALE, inner / (x1 - x0)))
    return _Frame(layout, x0, x1, y0, y1, scale)


def _draw(data: PackData, options: ExportOptions, overview: AccountOverview, title: str) -> Page:
    frame = _frame(overview) if overview.nodes else None
    # A large organization does not fit at a readable scale: the page grows instead.
    width = max(WIDTH, round((frame.x1 - frame.x0) * frame.scale) + 2 * MARGIN) if frame else WIDTH
    page = Page(width, margin=MARGIN)
    m = page.margin
    y = page.y
    y += page.text(m, y, title, font(22, bold=True))
    accounts = sum(1 for n in overview.nodes.values() if n.account_id)
    escalating = sum(1 for e in overview.edges if e.escalation)
    inside = sum(1 for n in overview.nodes.values() if n.internal.get("escalation"))
    sub = (
        f"Organization {data.inventory.organization.organization_id or 'unknown'}: {accounts} account(s), "
        f"{len(overview.nodes) - accounts} group(s) outside the organization; {len(overview.edges)} "
        f"aggregated edge(s) between them, {escalating} with privilege escalation; privilege escalation "
        f"inside {inside} account(s)"
    )
    drawn, _ = overview_edges_to_draw(overview, None)
    if len(drawn) < len(overview.edges):
        sub += (
            f". {len(drawn)} of the {len(overview.edges)} aggregated edges are drawn: those with escalation "
            "and those from outside the organization"
        )
    y += page.paragraph(m, y + 4, sub, font(13), page.inner, colour=MUTED) + 4
    if options.filters_accounts:
        y += page.paragraph(
            m, y, "Filter: " + "; ".join(options.describe()), font(12), page.inner, colour=MUTED
        )
    y += 10
    if frame is None:
        y += page.text(m, y, "No account of the organization is in the pack's scope.", font(14))
        return page
    y = _graph(page, overview, frame, drawn, y)
    y = _legend(page, y + 8)
    _edge_list(page, data, overview, y + 14)
    return page


def _graph(
    page: Page, overview: AccountOverview, frame: _Frame, drawn: list[OverviewEdge], top: float
) -> float:
    layout = frame.layout
    pos = layout.positions
    x0, y0, y1, s = frame.x0, frame.y0, frame.y1, frame.scale
    left = page.margin + (page.inner - (frame.x1 - x0) * s) / 2

    def at(x: float, y: float) -> QPointF:  # the layout's y points up
        return QPointF(left + (x - x0) * s, top + (y1 - y) * s)

    titles = overview_box_titles(overview)
    box_font = font(max(8.0, min(13.0, s * 0.26)), bold=True)
    for key, box in layout.boxes.items():
        corner = at(box.x, box.y + box.height)
        r = QRectF(corner.x(), corner.y(), box.width * s, box.height * s)
        page.rect(r, fill="#f5f5f5", border="#bdbdbd", radius=6)
        page.text(
            r.x() + 6, r.y() + 3, titles.get(key, key), box_font, colour="#546e7a", width=r.width() - 10
        )
    many = len(drawn) > 60  # hundreds of edges: thin and see-through, so that the accounts stay visible
    biggest = max((len(n.members) for n in overview.nodes.values()), default=1)
    half = {
        n.id: (0.22 + 0.38 * math.sqrt(len(n.members) / max(biggest, 1))) * s for n in overview.nodes.values()
    }
    for e in drawn:
        if e.source in pos and e.target in pos:
            _edge(page, e, at(*pos[e.source]), at(*pos[e.target]), half[e.source], half[e.target], many)
    label_font = font(max(7.0, min(12.0, s * 0.24)))
    for n in overview.nodes.values():
        if n.id not in pos:
            continue
        c = at(*pos[n.id])
        h = half[n.id]
        escalation = n.internal.get("escalation", 0)
        page.rect(
            QRectF(c.x() - h, c.y() - h, 2 * h, 2 * h),
            fill=ACCOUNT_COLOUR if n.account_id else OUTSIDE_COLOUR,
            border=PATH_COLOUR if escalation else "#ffffff",
            width=2.5 if escalation else 1.0,
            radius=3,
        )
        room = (3.8 if n.account_id else 7.0) * s
        lines = [n.label, n.account_id or f"{len(n.members)} principal(s)"]
        if escalation:
            lines.append(f"{escalation} escalation inside")
        lh = line_height(label_font)
        for i, line in enumerate(lines):
            colour = PATH_COLOUR if i == 2 else TEXT if i == 0 else MUTED
            w = min(text_width(line, label_font) + 2, room)
            page.text(c.x() - w / 2, c.y() + h + 2 + i * lh, line, label_font, colour=colour, width=w)
    return top + (y1 - y0) * s


def _edge(page: Page, e: OverviewEdge, a: QPointF, b: QPointF, ha: float, hb: float, many: bool) -> None:
    """A gently curved arrow from the border of ``a``'s square to ``b``'s (A->B and B->A bend apart)."""
    dx, dy = b.x() - a.x(), b.y() - a.y()
    length = math.hypot(dx, dy)
    if length < 1:
        return
    ux, uy = dx / length, dy / length
    start = QPointF(a.x() + ux * ha * 1.1, a.y() + uy * ha * 1.1)
    end = QPointF(b.x() - ux * (hb * 1.1 + 2), b.y() - uy * (hb * 1.1 + 2))
    bend = min(0.12 * length, 40.0)
    control = QPointF((start.x() + end.x()) / 2 - uy * bend, (start.y() + end.y()) / 2 + ux * bend)
    if e.escalation:
        colour, alpha = ESCALATION_COLOUR, 230
    elif e.source in EXPOSED_GROUPS:
        colour, alpha = OUTSIDE_COLOUR, 210
    else:
        colour, alpha = TRUST_COLOUR, 150
    width = 1.0 + min(3.0, math.log2(max(e.total, 1)) * 0.6)
    if many:
        width, alpha = 0.6, min(alpha, 110 if e.escalation else 45)
    qcolour = QColor(colour)
    qcolour.setAlpha(alpha)
    # The arrowhead points along the curve's last tangent (control -> end).
    tx, ty = end.x() - control.x(), end.y() - control.y()
    tl = math.hypot(tx, ty) or 1.0
    tx, ty = tx / tl, ty / tl
    size = 5 + width * 1.5
    head = QPolygonF(
        [
            end,
            QPointF(end.x() - tx * size - ty * size * 0.5, end.y() - ty * size + tx * size * 0.5),
            QPointF(end.x() - tx * size + ty * size * 0.5, end.y() - ty * size - tx * size * 0.5),
        ]
    )

    def op(p: QPainter) -> None:
        path = QPainterPath(start)
        path.quadTo(control, end)
        p.setPen(QPen(qcolour, width))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(path)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(qcolour)
        p.drawPolygon(head)

    page.add(op, max(start.y(), end.y(), control.y()))


def _legend(page: Page, y: float) -> float:
    f = font(12)
    x = float(page.margin)
    items = [
        ("box", ACCOUNT_COLOUR, "account (size: principals)"),
        ("box", OUTSIDE_COLOUR, "outside the organization"),
        ("line", TRUST_COLOUR, "trust (who can assume or act as whom)"),
        ("line", OUTSIDE_COLOUR, "from external accounts, identity providers, anyone"),
        ("line", ESCALATION_COLOUR, "with privilege escalation"),
        ("ring", PATH_COLOUR, "escalation inside the account"),
    ]
    h = line_height(f)
    for kind, colour, text in items:
        mid = y + h / 2
        if kind == "line":
            page.line(QPointF(x, mid), QPointF(x + 22, mid), colour=colour, width=3)
            x += 28
        else:
            page.rect(
                QRectF(x, mid - 6, 12, 12),
                fill=ACCOUNT_COLOUR if kind == "ring" else colour,
                border=colour if kind == "ring" else None,
                width=2.5,
                radius=2,
            )
            x += 18
        page.text(x, y, text, f, colour=MUTED)
        x += text_width(text, f) + 22
    return y + h


def _edge_list(page: Page, data: PackData, overview: AccountOverview, y: float) -> float:
    m = page.margin
    head = font(14, bold=True)
    y += page.text(m, y, "Aggregated edges (node pairs between the two, by kind)", head) + 6
    edges = sorted(
        overview.edges,
        key=lambda e: (-e.escalation, e.source not in EXPOSED_GROUPS, -e.total, e.source, e.target),
    )
    body, small = font(12), font(12, bold=True)
    col = (m, m + 430, m + 860)
    page.text(col[0], y, "From", small, colour=MUTED)
    page.text(col[1], y, "To", small, colour=MUTED)
    page.text(col[2], y, "Edges", small, colour=MUTED)
    y += line_height(small) + 2
    page.rule(y)
    y += 4

    def name(node_id: str) -> str:
        n = overview.nodes[node_id]
        return f"{n.label} ({n.account_id})" if n.account_id else n.label

    for e in edges[:EDGES_LISTED]:
        colour = ESCALATION_COLOUR if e.escalation else TEXT
        page.text(col[0], y, name(e.source), body, colour=colour, width=420)
        page.text(col[1], y, name(e.target), body, colour=colour, width=420)
        lines = wrap(e.describe(), body, page.width - m - col[2])
        y += page.lines(col[2], y, lines, body, colour=colour) + 2
    if len(edges) > EDGES_LISTED:
        more = f"… and {len(edges) - EDGES_LISTED} more: the Trust relationships sheet lists every edge"
        y += page.text(m, y + 4, more, body, colour=MUTED) + 4
    if not edges:
        y += page.text(m, y, "No trust edge between the groups drawn.", body, colour=MUTED)
    return y
