"""What the trust graph canvas draws with: colours, fonts, and text that scales with the drawing.

Pixel-sized labels overlap as soon as a drawing holds a few hundred nodes (they keep their
size while the nodes get closer). ``scaled_text`` makes a label whose size is in drawing units,
like a map's: it never overlaps its neighbours, shrinks when zoomed out and becomes readable
when zoomed in. Path labels stay pixel-sized (always readable).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtGui import QColor, QFont, QFontMetricsF, QTransform
from PySide6.QtWidgets import QGraphicsSimpleTextItem

if TYPE_CHECKING:
    from analysis.trust.overview import AccountOverview, OverviewEdge

PATH_COLOUR = "#d50000"
ESCALATION_COLOUR = "#e65100"
OUTSIDE_COLOUR = "#ff8f00"
SELECTED_COLOUR = "#1565c0"
ACCOUNT_COLOUR = "#90a4ae"
KIND_COLOURS = {
    "user": "#1e88e5",
    "role": "#43a047",
    "group": "#8e24aa",
    "account": "#757575",
    "admin": "#b71c1c",
    "external_account": "#ff6f00",
    "external_principal": "#ff8f00",
    "saml_provider": "#00838f",
    "oidc_provider": "#00acc1",
    "federated": "#4dd0e1",
    "service": "#f9a825",
    "public": "#000000",
    "permission_set": "#6d4c41",
    "sso_user": "#3949ab",
    "sso_group": "#5e35b1",
}
LEGEND = (
    "user",
    "role",
    "group",
    "account",
    "admin",
    "external_account",
    "saml_provider",
    "oidc_provider",
    "service",
)
# Overview groups whose edges into the organization are drawn in the outsider colour.
EXPOSED_GROUPS = frozenset({"outside:external", "outside:public", "outside:federated"})
EDGE_DRAW_LIMIT = 1500  # aggregated edges drawn at most: above, the interesting ones and the selection's
EDGE_LABEL_LIMIT = 12  # all aggregated edges labelled when there are at most this many
SELECTED_LABEL_LIMIT = 15  # a selected account's edges labelled, the heaviest first
_BASE_PIXELS = 24  # the font size text is rendered at before scaling


def font(points: int, *, bold: bool = False) -> QFont:
    f = QFont()
    f.setPointSize(points)
    f.setBold(bold)
    return f


def elide(label: str, limit: int) -> str:
    """Long names (``AWSReservedSSO_..._2438fb545ca30e6d``) are cut; the tooltip and the panel have them whole."""
    return label if len(label) <= limit else label[: limit - 1] + "…"


def scaled_text(
    text: str, *, x: float, y: float, height: float, colour: str, bold: bool = False, centre: bool = False
) -> QGraphicsSimpleTextItem:
    """Text whose lines are ``height`` drawing units tall, its top at ``y`` (left edge at ``x``, or centred)."""
    item = QGraphicsSimpleTextItem(text)
    f = QFont()
    f.setPixelSize(_BASE_PIXELS)
    f.setBold(bold)
    item.setFont(f)
    item.setBrush(QColor(colour))
    scale = height / QFontMetricsF(f).height()
    # The plot's y axis points up; Qt's text is drawn with y down: flip it back.
    item.setTransform(QTransform.fromScale(scale, -scale))
    width = item.boundingRect().width() * scale
    item.setPos(x - width / 2 if centre else x, y)
    return item


def chars_for(width: float, height: float) -> int:
    """About how many characters of a ``height``-tall label fit in ``width`` drawing units."""
    return max(4, int(width / (0.62 * height)))


def overview_edges_to_draw(
    overview: AccountOverview, selected: str | None, *, limit: int = EDGE_DRAW_LIMIT
) -> tuple[list[OverviewEdge], list[OverviewEdge]]:
    """(edges drawn, edges labelled). All of them when few; else escalations and edges from
    outsiders (each kind only if it is few enough), and always the selected node's."""
    edges: Sequence[OverviewEdge] = overview.edges
    mine = [e for e in edges if selected in (e.source, e.target)] if selected else []
    if len(edges) <= limit:
        drawn = list(edges)
    else:
        drawn = list(mine)
        for group in ([e for e in edges if e.escalation], [e for e in edges if e.source in EXPOSED_GROUPS]):
            if len(group) <= limit:
                drawn += group
        drawn = list({id(e): e for e in drawn}.values())
    if len(edges) <= EDGE_LABEL_LIMIT:
        labelled = list(edges)
    else:
        labelled = sorted(mine, key=lambda e: (-e.escalation, -e.total))[:SELECTED_LABEL_LIMIT]
    return drawn, labelled
