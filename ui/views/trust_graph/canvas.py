"""Drawing of the trust graph view (pyqtgraph): a neighbourhood by account, or the account overview.

The canvas only draws what it is given, already laid out (``ui.trust_layout``, in a worker):
the neighbourhood of a result with its path highlighted, or the organization with one node per
account and aggregated edges. Clicks come back as node ids; a double click on an account of
the overview asks the view to expand it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QGraphicsRectItem, QLabel, QVBoxLayout, QWidget

from ui.trust_layout import Box, Layout

if TYPE_CHECKING:
    from analysis.trust.graph import TrustGraph
    from analysis.trust.overview import AccountOverview

PATH_COLOUR = "#d50000"
ESCALATION_COLOUR = "#e65100"
OUTSIDE_COLOUR = "#ff8f00"
SELECTED_COLOUR = "#1565c0"
OVERVIEW_LABEL_LIMIT = 150  # above this many accounts, names show on hover only (they would overlap)
LABEL_CHARS = 26  # a node label longer than this is cut (the tooltip and the panel have it whole)
EDGE_LABEL_LIMIT = 12  # aggregated edges labelled with their counts when at most this many are drawn

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

EMPTY, NEIGHBOURHOOD, OVERVIEW = "empty", "neighbourhood", "overview"
# Overview groups whose edges into the organization are drawn in the outsider colour.
EXPOSED_GROUPS = frozenset({"outside:external", "outside:public", "outside:federated"})


def _font(points: int, *, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSize(points)
    font.setBold(bold)
    return font


def _elide(label: str, limit: int = LABEL_CHARS) -> str:
    """Long names (``AWSReservedSSO_..._2438fb545ca30e6d``) overlap their neighbours: cut, full name on hover."""
    return label if len(label) <= limit else label[: limit - 1] + "…"


class GraphCanvas(QWidget):
    """The plot, and a legend line under it."""

    node_clicked = Signal(str)
    node_double_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mode = EMPTY
        self.drawn_nodes: tuple[str, ...] = ()
        self.highlighted: tuple[str, ...] = ()
        self._items: list[Any] = []
        self.plot = pg.PlotWidget(background="w")
        self.plot.setAspectLocked(True)
        self.plot.hideAxis("bottom")
        self.plot.hideAxis("left")
        self.plot.setMenuEnabled(False)
        self.scatter = pg.ScatterPlotItem(pxMode=True, hoverable=True, tip=self._tip)
        self.scatter.sigClicked.connect(self._clicked)
        self._tips: dict[str, str] = {}
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.legend)
        self._set_legend(NEIGHBOURHOOD)

    def _set_legend(self, mode: str) -> None:
        def dot(colour: str, text: str, symbol: str = "●") -> str:
            return f'<span style="color:{colour}">{symbol}</span>&nbsp;{text}'

        if mode == OVERVIEW:
            parts = [
                dot("#90a4ae", "account (size: principals)", "■"),
                dot(OUTSIDE_COLOUR, "outside the organization", "■"),
                dot("#9e9e9e", "trust edges", "—"),
                dot(OUTSIDE_COLOUR, "from external accounts, IdPs, *", "—"),
                dot(ESCALATION_COLOUR, "with escalation", "—"),
                dot(PATH_COLOUR, "escalation inside the account", "□"),
                "double-click an account to expand it",
            ]
        else:
            parts = [dot(KIND_COLOURS[k], k.replace("_", " ")) for k in LEGEND]
            parts.append(dot(PATH_COLOUR, "highlighted path", "—"))
        self.legend.setText("&nbsp;&nbsp; ".join(parts))

    # -- common ------------------------------------------------------------------------------------

    def clear(self) -> None:
        for item in self._items:
            self.plot.removeItem(item)
        self._items = []
        self.scatter.clear()
        self._tips = {}
        self.drawn_nodes = ()
        self.highlighted = ()
        self.mode = EMPTY

    def _add(self, item: Any) -> None:
        self.plot.addItem(item)
        self._items.append(item)

    def _box(self, box: Box, title: str) -> None:
        rect = QGraphicsRectItem(QRectF(box.x, box.y, box.width, box.height))
        rect.setPen(pg.mkPen("#9e9e9e", width=1.5))
        rect.setBrush(QBrush(QColor(245, 245, 245)))
        rect.setZValue(-10)
        self._add(rect)
        label = pg.TextItem(title, color="#424242", anchor=(0, 1))
        label.setFont(_font(8, bold=True))
        label.setPos(box.x, box.y + box.height)
        self._add(label)

    def _finish(self, spots: list[dict[str, Any]]) -> None:
        self.scatter.setData(spots)
        self.plot.addItem(self.scatter)
        self._items.append(self.scatter)
        self.plot.autoRange(padding=0.1)

    def _tip(self, x: float, y: float, data: Any) -> str:
        return self._tips.get(str(data), str(data))

    def _clicked(self, _item: Any, points: Any, ev: Any = None, *_args: Any) -> None:
        if not len(points):
            return
        node = str(points[0].data())
        if ev is not None and hasattr(ev, "double") and ev.double():
            self.node_double_clicked.emit(node)
        else:
            self.node_clicked.emit(node)

    # -- a neighbourhood -----------------------------------------------------------------------------

    def draw_neighbourhood(
        self, tg: TrustGraph, nodes: Sequence[str], layout: Layout, highlight: Sequence[str]
    ) -> None:
        """Principals in their account boxes, outsiders around, ``highlight`` (a path) in red."""
        self.clear()
        self._set_legend(NEIGHBOURHOOD)
        inv = tg.inventory
        for box in layout.boxes.values():
            name = inv.account_name(box.account_id)
            self._box(box, f"{name} ({box.account_id})" if name else box.account_id)
        pos = layout.positions
        on_path = set(pairwise(highlight))
        xs: list[float] = []
        ys: list[float] = []
        for u, v in tg.graph.subgraph(nodes).edges():
            if (u, v) not in on_path:
                xs += [pos[u][0], pos[v][0]]
                ys += [pos[u][1], pos[v][1]]
        if xs:
            edges = pg.PlotDataItem(xs, ys, connect="pairs", pen=pg.mkPen(160, 160, 160, 140, width=1))
            edges.setZValue(-5)
            self._add(edges)
        if len(highlight) > 1:
            hx = [pos[n][0] for n in highlight if n in pos]
            hy = [pos[n][1] for n in highlight if n in pos]
            path_item = pg.PlotDataItem(hx, hy, pen=pg.mkPen(PATH_COLOUR, width=4))
            path_item.setZValue(-1)
            self._add(path_item)
            for u, v in pairwise(highlight):
                edges_uv = tg.edges_between(u, v)
                if edges_uv and u in pos and v in pos:
                    mid = pg.TextItem(
                        edges_uv[0].technique.replace("+", "+\n"), color=PATH_COLOUR, anchor=(0.5, 1)
                    )
                    mid.setPos((pos[u][0] + pos[v][0]) / 2, (pos[u][1] + pos[v][1]) / 2)
                    self._add(mid)
        marked = set(highlight)
        spots = []
        small = _font(7)
        for n in nodes:
            node = tg.node(n)
            on = n in marked
            spots.append(
                {
                    "pos": pos[n],
                    "data": n,
                    "size": 16 if on else 11,
                    "brush": pg.mkBrush(KIND_COLOURS.get(node.kind, "#9e9e9e")),
                    "pen": pg.mkPen(PATH_COLOUR, width=3) if on else pg.mkPen("w", width=1),
                    "symbol": "s" if node.kind in ("account", "admin") else "o",
                }
            )
            self._tips[n] = f"{node.label}\n{node.kind.replace('_', ' ')}\n{n}"
            text = pg.TextItem(_elide(node.label), color=PATH_COLOUR if on else "#212121", anchor=(0.5, -0.3))
            text.setPos(*pos[n])
            if not on:
                text.setFont(small)
            self._add(text)
        self._finish(spots)
        self.drawn_nodes = tuple(nodes)
        self.highlighted = tuple(highlight)
        self.mode = NEIGHBOURHOOD

    # -- the overview ------------------------------------------------------------------------------

    def draw_overview(
        self,
        overview: AccountOverview,
        layout: Layout,
        box_titles: Mapping[str, str],
        *,
        selected: str | None = None,
    ) -> None:
        """One node per account (size by principals), aggregated edges; ``selected``'s edges labelled."""
        self.clear()
        self._set_legend(OVERVIEW)
        for key, box in layout.boxes.items():
            self._box(box, box_titles.get(key, key))
        pos = layout.positions
        accounts = [n for n in overview.nodes.values() if n.account_id]
        with_labels = len(accounts) <= OVERVIEW_LABEL_LIMIT
        groups: dict[str, tuple[list[float], list[float]]] = {}
        labelled = [e for e in overview.edges if selected in (e.source, e.target)] if selected else []
        if len(overview.edges) <= EDGE_LABEL_LIMIT:
            labelled = list(overview.edges)
        for e in overview.edges:
            if e.source not in pos or e.target not in pos:
                continue
            style = "escalation" if e.escalation else "outside" if e.source in EXPOSED_GROUPS else "trust"
            if selected in (e.source, e.target):
                style += "-selected"
            xs, ys = groups.setdefault(style, ([], []))
            xs += [pos[e.source][0], pos[e.target][0]]
            ys += [pos[e.source][1], pos[e.target][1]]
        pens = {
            "trust": pg.mkPen(150, 150, 150, 110, width=1),
            "outside": pg.mkPen(OUTSIDE_COLOUR, width=1.5),
            "escalation": pg.mkPen(ESCALATION_COLOUR, width=2.5),
        }
        for style, (xs, ys) in groups.items():
            base = style.removesuffix("-selected")
            pen = pg.mkPen(SELECTED_COLOUR, width=3) if style.endswith("-selected") else pens[base]
            item = pg.PlotDataItem(xs, ys, connect="pairs", pen=pen)
            item.setZValue(-4 if style.endswith("-selected") else -5)
            self._add(item)
        for e in labelled:
            if e.source in pos and e.target in pos:
                (x1, y1), (x2, y2) = pos[e.source], pos[e.target]
                # At 40 % of the way from the source: the labels of A->B and B->A do not collide.
                text = pg.TextItem(e.describe(), color="#37474f", anchor=(0.5, 0.5))
                text.setFont(_font(7))
                text.setPos(x1 + 0.4 * (x2 - x1), y1 + 0.4 * (y2 - y1))
                self._add(text)
        spots = []
        biggest = max((len(n.members) for n in overview.nodes.values()), default=1)
        for n in overview.nodes.values():
            if n.id not in pos:
                continue
            escalating = n.internal.get("escalation", 0)
            size = 12 + 18 * math.sqrt(len(n.members) / max(biggest, 1))
            colour = "#90a4ae" if n.account_id else OUTSIDE_COLOUR
            pen = pg.mkPen(PATH_COLOUR, width=3) if escalating else pg.mkPen("w", width=1)
            if n.id == selected:
                pen = pg.mkPen(SELECTED_COLOUR, width=4)
            spots.append(
                {
                    "pos": pos[n.id],
                    "data": n.id,
                    "size": size,
                    "brush": pg.mkBrush(colour),
                    "pen": pen,
                    "symbol": "s",
                }
            )
            counts = ", ".join(f"{c} {k.replace('_', ' ')}" for k, c in n.kinds.items())
            self._tips[n.id] = f"{n.label}\n{n.account_id or ''}\n{counts}".replace("\n\n", "\n")
            if with_labels or not n.account_id or n.id == selected:
                sub = n.account_id or f"{len(n.members)} node(s)"
                extra = f"\n{escalating} escalation inside" if escalating else ""
                text = pg.TextItem(f"{n.label}\n{sub}{extra}", color="#212121", anchor=(0.5, -0.25))
                text.setFont(_font(7, bold=n.id == selected))
                text.setPos(*pos[n.id])
                self._add(text)
        self._finish(spots)
        self.drawn_nodes = tuple(n for n in overview.nodes if n in pos)
        self.mode = OVERVIEW


__all__ = ["EMPTY", "KIND_COLOURS", "NEIGHBOURHOOD", "OVERVIEW", "PATH_COLOUR", "GraphCanvas"]
