"""Where to draw the trust graph: account boxes with their principals inside, outsiders on a ring.

Pure functions, no Qt: the view runs them in a worker and caches the result per node set.
Force layouts do not scale here (networkx spring: ~5 s at 1,000 nodes, ~54 s at 5,000, see
the speed notes), and they scatter an account's principals; auditors read the graph by
account. So the layout is structural and linear: members on a grid inside their account's
box, boxes packed in rows, everything outside the organization on a circle around them.
Only the neighbourhood of the current query is laid out (``neighbourhood``), never the
whole organization.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import networkx as nx

from analysis.trust.overview import AccountOverview

# Drawing order inside a box: the account and admin goal first, then people, then roles.
KIND_ORDER = {
    "account": 0,
    "admin": 1,
    "user": 2,
    "group": 3,
    "role": 4,
    "saml_provider": 5,
    "oidc_provider": 6,
}
SPACING = 1.0  # between rows
X_SPACING = 2.6  # between columns: labels are wider than they are tall
PADDING = 0.8
BOX_GAP = 1.5
OVERVIEW_X_SPACING = 4.0  # accounts: "name" over "id"
OVERVIEW_Y_SPACING = 2.0  # room for three label lines under an account
OVERVIEW_PADDING = 1.3  # a one-account box is as wide as its OU's name
OVERVIEW_BOX_GAP = 1.2
OVERVIEW_ASPECT = 1.5  # the plot is wider than tall
NO_PARENT = "(no parent)"


@dataclass(frozen=True, kw_only=True)
class LayoutNode:
    id: str
    kind: str
    label: str
    account_id: str | None  # inside this account's box when it is one of ``accounts``


@dataclass(frozen=True, kw_only=True)
class Box:
    account_id: str
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, kw_only=True)
class Layout:
    positions: Mapping[str, tuple[float, float]]
    boxes: Mapping[str, Box] = field(default_factory=dict)


def layout_by_account(
    nodes: Sequence[LayoutNode],
    *,
    accounts: Iterable[str],
    first: Sequence[str] = (),
    x_spacing: float = X_SPACING,
    y_spacing: float = SPACING,
    padding: float = PADDING,
    box_gap: float = BOX_GAP,
    aspect: float | None = None,
    box_order: Mapping[str, object] | None = None,
) -> Layout:
    """Positions for ``nodes``: members of an organization account in its box, the rest on an outer ring.

    ``first`` (a highlighted path) is placed first in each box, in path order, so consecutive
    path nodes sit side by side and the drawn path does not run through other nodes.
    ``aspect`` (width / height) packs the boxes into a picture of about that shape;
    ``box_order`` gives each box a sort key (default: the box id).
    """
    org = frozenset(accounts)
    rank = {n: i for i, n in enumerate(first)}
    members: dict[str, list[LayoutNode]] = defaultdict(list)
    outside: list[LayoutNode] = []
    for n in nodes:
        if n.account_id is not None and n.account_id in org:
            members[n.account_id].append(n)
        else:
            outside.append(n)
    positions: dict[str, tuple[float, float]] = {}
    boxes: dict[str, Box] = {}
    sizes: dict[str, tuple[int, int]] = {}
    for account_id, group in members.items():
        cols = max(1, math.ceil(math.sqrt(len(group))))
        rows = math.ceil(len(group) / cols)
        sizes[account_id] = (cols, rows)
    # Pack boxes into rows of roughly equal total width (a square-ish overall picture).
    total_width = sum((c - 1) * x_spacing + 2 * padding + box_gap for c, _ in sizes.values())
    row_limit = max(math.sqrt(total_width * max((r for _, r in sizes.values()), default=1)), 1.0) * 1.5
    if aspect is not None:
        area = sum(
            ((c - 1) * x_spacing + 2 * padding + box_gap) * ((r - 1) * y_spacing + 2 * padding + box_gap)
            for c, r in sizes.values()
        )
        widest = max(((c - 1) * x_spacing + 2 * padding for c, _ in sizes.values()), default=1.0)
        row_limit = max(math.sqrt(area * aspect), widest)
    x = y = 0.0
    row_height = 0.0
    order = box_order or {}
    # Boxes holding the path come first, in path order: the path runs along the first row
    # instead of crossing the boxes between its ends.
    path_rank = {
        b: min((rank[n.id] for n in group if n.id in rank), default=len(rank)) for b, group in members.items()
    }
    for account_id in sorted(members, key=lambda b: (path_rank[b], str(order.get(b, "")), b)):
        cols, rows = sizes[account_id]
        width = (cols - 1) * x_spacing + 2 * padding
        height = (rows - 1) * y_spacing + 2 * padding
        if x > 0 and x + width > row_limit:
            x = 0.0
            y -= row_height + box_gap
            row_height = 0.0
        boxes[account_id] = Box(account_id=account_id, x=x, y=y - height, width=width, height=height)
        ordered = sorted(
            members[account_id],
            key=lambda n: (rank.get(n.id, len(rank)), KIND_ORDER.get(n.kind, 9), n.label, n.id),
        )
        for i, n in enumerate(ordered):
            r, c = divmod(i, cols)
            positions[n.id] = (x + padding + c * x_spacing, y - padding - r * y_spacing)
        x += width + box_gap
        row_height = max(row_height, height)
    if outside:
        if boxes:
            left = min(b.x for b in boxes.values())
            right = max(b.x + b.width for b in boxes.values())
            bottom = min(b.y for b in boxes.values())
            top = max(b.y + b.height for b in boxes.values())
        else:
            left = right = bottom = top = 0.0
        cx, cy = (left + right) / 2, (bottom + top) / 2
        radius = math.hypot(right - left, top - bottom) / 2 + 2.0
        radius = max(radius, len(outside) * x_spacing / (2 * math.pi))
        ordered_out = sorted(outside, key=lambda n: (n.kind, n.label, n.id))
        for i, n in enumerate(ordered_out):
            angle = math.pi / 2 + 2 * math.pi * i / len(ordered_out)
            positions[n.id] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
    return Layout(positions=positions, boxes=boxes)


def layout_overview(overview: AccountOverview) -> Layout:
    """The account overview: accounts in a box per OU (their parent), outside groups on the ring.

    Linear in the number of accounts, like ``layout_by_account`` (the same packing): 500
    accounts lay out in milliseconds. Accounts carry two-line labels, hence wider spacing.
    """
    nodes = [
        LayoutNode(
            id=n.id,
            kind="account" if n.account_id else "outside",
            label=n.label,
            account_id=(n.parent_id or NO_PARENT) if n.account_id else None,
        )
        for n in overview.nodes.values()
    ]
    parents = {n.account_id for n in nodes if n.account_id is not None}
    return layout_by_account(
        nodes,
        accounts=parents,
        x_spacing=OVERVIEW_X_SPACING,
        y_spacing=OVERVIEW_Y_SPACING,
        padding=OVERVIEW_PADDING,
        box_gap=OVERVIEW_BOX_GAP,
        aspect=OVERVIEW_ASPECT,
        box_order={
            (n.parent_id or NO_PARENT): " / ".join(n.ou_path) for n in overview.nodes.values() if n.account_id
        },
    )


def overview_box_titles(overview: AccountOverview) -> dict[str, str]:
    """Box id (an OU or root id) -> the OU's name (its full path is in the account's details)."""
    out: dict[str, str] = {}
    for n in overview.nodes.values():
        if n.account_id:
            key = n.parent_id or NO_PARENT
            out.setdefault(key, n.ou_path[-1] if n.ou_path else "not placed in an OU")
    return out


def neighbourhood(
    graph: nx.DiGraph,
    seeds: Iterable[str],
    *,
    hops: int = 1,
    limit: int = 300,
    keep: Callable[[str], bool] | None = None,
) -> list[str]:
    """The seeds and the nodes within ``hops`` edges of them (either direction), at most ``limit``.

    Seeds always come first and are never dropped (a highlighted path stays whole); the
    neighbours nearest the seeds fill the rest. ``keep`` (a filter) drops neighbours, and
    the walk does not go through them.
    """
    out = list(dict.fromkeys(s for s in seeds if s in graph))
    seen = set(out)
    frontier = list(out)
    for _ in range(hops):
        nxt: list[str] = []
        for n in frontier:
            for m in (*graph.successors(n), *graph.predecessors(n)):
                if m not in seen:
                    if keep is not None and not keep(m):
                        continue
                    if len(out) >= limit:
                        return out
                    seen.add(m)
                    out.append(m)
                    nxt.append(m)
        frontier = nxt
    return out
