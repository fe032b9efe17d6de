"""Drawing of the trust graph view (pyqtgraph): a neighbourhood by account, or the account overview.

The canvas only draws what it is given, already laid out (``ui.trust_layout``, in a worker):
the neighbourhood of a result with its path highlighted, or the organization with one node per
account and aggregated edges. Clicks come back as node ids; a double click on an account of
the overview asks the view to expand it. Labels are sized in drawing units (``scaled_text``):
a crowded drawing is read by zooming in (mouse wheel), as on a map.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QGraphicsRectItem, QLabel, QVBoxLayout, QWidget

from ui.trust_layout import PADDING, X_SPACING, Box, Layout
from ui.views.trust_graph.canvas_items import (
    ACCOUNT_COLOUR,
    ESCALATION_COLOUR,
    EXPOSED_GROUPS,
    KIND_COLOURS,
    LEGEND,
    OUTSIDE_COLOUR,
    PATH_COLOUR,
    SELECTED_COLOUR,
    chars_for,
    elide,
    font,
    overview_edges_to_draw,
    scaled_text,
)

if TYPE_CHECKING:
    from analysis.trust.graph import TrustGraph
    from analysis.trust.overview import AccountOverview

EMPTY, NEIGHBOURHOOD, OVERVIEW = "empty", "neighbourhood", "overview"
LABEL_HEIGHT = 0.24  # a principal's name, in drawing units (columns are 2.6 apart)
TITLE_HEIGHT = 0.36  # a box's title
ACCOUNT_LABEL_HEIGHT = 0.36  # an account's lines in the overview (columns are 4.0 apart)
LABEL_PIXELS = 13  # on screen at most, when a drawing first appears
TITLE_PIXELS = 15


class GraphCanvas(QWidget):
    """The plot, and a legend line under it."""

    node_clicked = Signal(str)
    node_double_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mode = EMPTY
        self.drawn_nodes: tuple[str, ...] = ()
        self.highlighted: tuple[str, ...] = ()
        self.hidden_edges = 0  # aggregated edges of the overview not drawn (too many)
        self._items: list[Any] = []
        self._tips: dict[str, str] = {}
        self._labels: list[tuple[Any, ...]] = []  # placed by _finish
        self.plot = pg.PlotWidget(background="w")
        self.plot.setAspectLocked(True)
        self.plot.hideAxis("bottom")
        self.plot.hideAxis("left")
        self.plot.setMenuEnabled(False)
        # Principals are sized in pixels; accounts of the overview in drawing units (they never overlap).
        self._pixel_scatter = pg.ScatterPlotItem(pxMode=True, hoverable=True, tip=self._tip)
        self._unit_scatter = pg.ScatterPlotItem(pxMode=False, hoverable=True, tip=self._tip)
        for scatter in (self._pixel_scatter, self._unit_scatter):
            scatter.sigClicked.connect(self._clicked)
        self.scatter = self._pixel_scatter
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
                dot(ACCOUNT_COLOUR, "account (size: principals)", "■"),
                dot(OUTSIDE_COLOUR, "outside the organization", "■"),
                dot("#9e9e9e", "trust edges", "—"),
                dot(OUTSIDE_COLOUR, "from external accounts, IdPs, *", "—"),
                dot(ESCALATION_COLOUR, "with escalation", "—"),
                dot(PATH_COLOUR, "escalation inside the account", "□"),
                "wheel: zoom · double-click an account to expand it",
            ]
        else:
            parts = [dot(KIND_COLOURS[k], k.replace("_", " ")) for k in LEGEND]
            parts += [dot(PATH_COLOUR, "highlighted path", "—"), "wheel: zoom"]
        self.legend.setText("&nbsp;&nbsp; ".join(parts))

    # -- common ------------------------------------------------------------------------------------

    def clear(self) -> None:
        for item in self._items:
            self.plot.removeItem(item)
        self._items = []
        for scatter in (self._pixel_scatter, self._unit_scatter):
            scatter.clear()
        self._tips = {}
        self._labels = []
        self.drawn_nodes = ()
        self.highlighted = ()
        self.hidden_edges = 0
        self.mode = EMPTY

    def _add(self, item: Any) -> None:
        self.plot.addItem(item)
        self._items.append(item)

    def _box(self, box: Box, title: str, short: str = "") -> None:
        """A box and its title (``short`` when the title does not fit, e.g. the name without the id)."""
        rect = QGraphicsRectItem(QRectF(box.x, box.y, box.width, box.height))
        rect.setPen(pg.mkPen("#9e9e9e", width=1.5))
        rect.setBrush(QBrush(QColor(245, 245, 245)))
        rect.setZValue(-10)
        self._add(rect)
        top = box.y + box.height
        room = chars_for(box.width + 1.0, TITLE_HEIGHT)
        self._label(
            elide(short if short and len(title) > room else title, room),
            x=box.x,
            top=lambda h: top + h * 1.2,
            height=TITLE_HEIGHT,
            pixels=TITLE_PIXELS,
            colour="#424242",
            bold=True,
        )

    def _label(
        self,
        text: str,
        *,
        x: float,
        top: Callable[[float], float],
        height: float,
        pixels: float,
        colour: str,
        bold: bool = False,
        centre: bool = False,
    ) -> None:
        """A label placed once the drawing's scale is known (``_finish``): ``height`` drawing units
        tall at most, and no taller than ``pixels`` on screen at first (a small drawing's labels
        would be huge); ``top(h)`` says where its top goes for a height ``h``."""
        self._labels.append((text, x, top, height, pixels, colour, bold, centre))

    def _finish(self, scatter: Any, spots: list[dict[str, Any]]) -> None:
        self.scatter = scatter
        scatter.setData(spots)
        self._add(scatter)
        self.plot.autoRange(padding=0.06)
        units_per_pixel = self.plot.getViewBox().viewPixelSize()[1]
        for text, x, top, height, pixels, colour, bold, centre in self._labels:
            h = min(height, pixels * units_per_pixel) if units_per_pixel > 0 else height
            self._add(scaled_text(text, x=x, y=top(h), height=h, colour=colour, bold=bold, centre=centre))
        self._labels = []

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
            self._box(box, f"{name} ({box.account_id})" if name else box.account_id, short=name)
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
            path_item = pg.PlotDataItem(
                [pos[n][0] for n in highlight if n in pos],
                [pos[n][1] for n in highlight if n in pos],
                pen=pg.mkPen(PATH_COLOUR, width=4),
            )
            path_item.setZValue(-1)
            self._add(path_item)
            for u, v in pairwise(highlight):
                edges_uv = tg.edges_between(u, v)
                if edges_uv and u in pos and v in pos:
                    technique = edges_uv[0].technique.replace("+", "+\n")
                    mid = pg.TextItem(technique, color=PATH_COLOUR, anchor=(0.5, 1))
                    mid.setPos((pos[u][0] + pos[v][0]) / 2, (pos[u][1] + pos[v][1]) / 2)
                    self._add(mid)
        marked = set(highlight)
        spots = []
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
            x, y = pos[n]
            if on:  # path nodes: pixel-sized, always readable
                text = pg.TextItem(elide(node.label, 30), color=PATH_COLOUR, anchor=(0.5, -0.3))
                text.setPos(x, y)
                self._add(text)
            else:
                # Every other column has its label above the node: a label may span two columns.
                box = layout.boxes.get(node.account_id or "")
                column = round((x - box.x - PADDING) / X_SPACING) if box is not None else 0
                above = column % 2 == 1
                self._label(
                    elide(node.label, chars_for(2 * X_SPACING - 0.4, LABEL_HEIGHT)),
                    x=x,
                    top=lambda h, y=y, above=above: y + 0.18 + h if above else y - 0.18,
                    height=LABEL_HEIGHT,
                    pixels=LABEL_PIXELS,
                    colour="#212121",
                    centre=True,
                )
        self._finish(self._pixel_scatter, spots)
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
        drawn, labelled = overview_edges_to_draw(overview, selected)
        self.hidden_edges = len(overview.edges) - len(drawn)
        groups: dict[str, tuple[list[float], list[float]]] = {}
        for e in drawn:
            if e.source not in pos or e.target not in pos:
                continue
            style = "escalation" if e.escalation else "outside" if e.source in EXPOSED_GROUPS else "trust"
            if selected in (e.source, e.target):
                style = "selected"
            xs, ys = groups.setdefault(style, ([], []))
            xs += [pos[e.source][0], pos[e.target][0]]
            ys += [pos[e.source][1], pos[e.target][1]]
        colours = {
            "trust": "#969696",
            "outside": OUTSIDE_COLOUR,
            "escalation": ESCALATION_COLOUR,
            "selected": SELECTED_COLOUR,
        }
        for style, (xs, ys) in groups.items():
            # A few edges stand out; hundreds of them (a big organization) are thin and see-through.
            many = len(xs) // 2 > 50
            colour = QColor(colours[style])
            colour.setAlpha(70 if many or style == "trust" else 255)
            width = 1.0 if many or style == "trust" else 2.5
            item = pg.PlotDataItem(xs, ys, connect="pairs", pen=pg.mkPen(colour, width=width))
            item.setZValue(-4 if style == "selected" else -5)
            self._add(item)
        for e in labelled:
            if e.source in pos and e.target in pos:
                (x1, y1), (x2, y2) = pos[e.source], pos[e.target]
                if selected == e.target:  # the selection's labels spread out towards the other ends
                    (x1, y1), (x2, y2) = (x2, y2), (x1, y1)
                    where = 0.65
                else:  # 40 % of the way from the source: the labels of A->B and B->A do not collide
                    where = 0.65 if selected == e.source else 0.4
                text = pg.TextItem(e.describe(), color="#37474f", anchor=(0.5, 0.5))
                text.setFont(font(7))
                text.setPos(x1 + where * (x2 - x1), y1 + where * (y2 - y1))
                self._add(text)
        spots = []
        biggest = max((len(n.members) for n in overview.nodes.values()), default=1)
        for n in overview.nodes.values():
            if n.id not in pos:
                continue
            escalating = n.internal.get("escalation", 0)
            size = 0.45 + 0.75 * math.sqrt(len(n.members) / max(biggest, 1))
            pen = pg.mkPen(PATH_COLOUR, width=2) if escalating else pg.mkPen("w", width=1)
            if n.id == selected:
                pen = pg.mkPen(SELECTED_COLOUR, width=4)
            colour = ACCOUNT_COLOUR if n.account_id else OUTSIDE_COLOUR
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
            self._tips[n.id] = "\n".join(x for x in (n.label, n.account_id, counts) if x)
            room = 3.8 if n.account_id else 8.0  # outside groups sit alone on the ring
            lines = [
                elide(n.label, chars_for(room, ACCOUNT_LABEL_HEIGHT)),
                n.account_id or f"{len(n.members)} node(s)",
            ]
            if escalating:
                lines.append(f"{escalating} escalation inside")
            x, y = pos[n.id]
            colour = SELECTED_COLOUR if n.id == selected else "#212121"
            self._label(
                "\n".join(lines),
                x=x,
                top=lambda h, y=y - size / 2 - 0.1: y,
                height=ACCOUNT_LABEL_HEIGHT,
                pixels=LABEL_PIXELS,
                colour=colour,
                bold=n.id == selected,
                centre=True,
            )
        self._finish(self._unit_scatter, spots)
        self.drawn_nodes = tuple(n for n in overview.nodes if n in pos)
        self.mode = OVERVIEW


__all__ = ["EMPTY", "NEIGHBOURHOOD", "OVERVIEW", "GraphCanvas"]
