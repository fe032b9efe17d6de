"""Paints a VPC's ``Topology`` (QGraphicsScene) and lights a path on it, hop by hop.

Boxes are drawn as laid out (``ui.views.network.layout``); text is elided to its box, and the
full text is the box's tooltip. A path is drawn as numbered badges on the boxes it crosses,
joined in order: allowed hops in blue, the blocking hop in red with its box filled. The view
zooms with the mouse wheel and fits the drawing when one is set (never below ``MIN_SCALE``, where
labels stop being readable: the drawing then scrolls).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QWidget,
)

from analysis.network.results import RETURN, Hop
from ui.views.network.topology import LINE, MORE, PAD, SUBNET, VPC, Node, Topology

ALLOW_COLOUR = "#1565c0"
DENY_COLOUR = "#d50000"
MIN_SCALE = 0.85  # below, 9 pt labels get hard to read: the drawing scrolls instead
MAX_SCALE = 3.0
_FILL = {
    VPC: "#f5f9ff",
    SUBNET + ":public": "#e8f5e9",
    SUBNET + ":private": "#eceff1",
    "internet": "#fff8e1",
    "internet_gateway": "#fff3e0",
    "egress_only_internet_gateway": "#fff3e0",
    "nat_gateway": "#ede7f6",
    "load_balancer": "#e1f5fe",
    "vpc_endpoint": "#f3e5f5",
    "vpc_peering": "#e0f2f1",
    "transit_gateway": "#e0f2f1",
    "network_interface": "#ffffff",
    "route_table": "#fafafa",
    "network_acl": "#fafafa",
    "security_group": "#fafafa",
}
_BORDER = {VPC: "#1e3a5f", SUBNET + ":public": "#2e7d32", SUBNET + ":private": "#546e7a"}
_TAGS = ("route_table", "network_acl", "security_group")


def _font(*, bold: bool = False, size: float = 9.0) -> QFont:
    font = QFont()
    font.setPointSizeF(size)
    font.setBold(bold)
    return font


class TopologyCanvas(QGraphicsView):
    """The drawing of one VPC; ``highlight`` lights a path's hops on it; ``node_activated(key)`` on a
    double click on a box."""

    node_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setBackgroundBrush(QBrush(QColor("white")))
        self.topology: Topology | None = None
        self.highlighted: tuple[str, ...] = ()  # node keys lit, each once, in the order first lit
        self.hop_keys: tuple[str | None, ...] = ()  # per hop: the key it lit (None: not on the drawing)
        self.blocked_key: str | None = None
        self._boxes: dict[str, QGraphicsRectItem] = {}
        self._overlay: list[QGraphicsItem] = []
        self._badges: dict[int, tuple[Node, QPointF]] = {}  # hop index -> its node and badge centre
        self._focus: QGraphicsEllipseItem | None = None
        self._body = _font()
        self._title = _font(bold=True)
        self._small = _font(size=8.5)

    # -- drawing ---------------------------------------------------------------------------------------

    def set_topology(self, topology: Topology | None, *, message: str = "") -> None:
        scene = self.scene()
        scene.clear()
        self._boxes = {}
        self._overlay = []
        self._badges = {}
        self._focus = None
        self.highlighted = ()
        self.hop_keys = ()
        self.blocked_key = None
        self.topology = topology
        if topology is None:
            text = scene.addSimpleText(message or "Select a VPC to draw it.", _font(size=11.0))
            text.setBrush(QBrush(QColor("#555555")))
            scene.setSceneRect(QRectF(-20, -20, 600, 200))
            self.resetTransform()
            return
        for edge in topology.edges:
            a, b = topology.nodes.get(edge.source), topology.nodes.get(edge.target)
            if a is not None and b is not None:
                self._edge(a, b, edge.style)
        order = sorted(
            topology.nodes.values(), key=lambda n: (n.kind != VPC, n.kind != SUBNET, n.owner is not None)
        )
        for node in order:
            self._node(node)
        scene.setSceneRect(QRectF(0, 0, topology.width, topology.height))
        self.fit()

    def fit(self, *, whole: bool = False) -> None:
        """Fit the drawing in the view, at most 1:1. Not below ``MIN_SCALE`` (it then scrolls from its
        top-left corner) unless ``whole``: the Fit button shows all of it, however small."""
        rect = self.scene().sceneRect()
        self.resetTransform()
        if rect.width() <= 0 or self.viewport().width() <= 0:
            return
        scale = min(self.viewport().width() / rect.width(), self.viewport().height() / rect.height(), 1.0)
        if not whole:
            scale = max(MIN_SCALE, scale)
        self.scale(scale, scale)
        self.centerOn(
            rect.left() + self.viewport().width() / (2 * scale),
            rect.top() + self.viewport().height() / (2 * scale),
        )

    def _edge(self, a: Node, b: Node, style: str) -> None:
        """A gateway or a link above the VPC down to its top edge; the internet down to a gateway."""
        pen = QPen(QColor({"outside": "#ef6c00", "link": "#00897b"}.get(style, "#78909c")), 1.6)
        if style == "outside":
            pen.setStyle(Qt.PenStyle.DashLine)
        x = a.centre[0]
        path = QPainterPath(QPointF(x, a.y + a.h))
        path.lineTo(QPointF(x if b.kind == VPC else b.centre[0], b.y))
        item = QGraphicsPathItem(path)
        item.setPen(pen)
        item.setZValue(-1)
        self.scene().addItem(item)

    def _node(self, node: Node) -> None:
        style_key = f"{node.kind}:{node.style}" if node.kind == SUBNET else node.kind
        rect = QGraphicsRectItem(QRectF(node.x, node.y, node.w, node.h))
        fill = _FILL.get(style_key, "#ffffff")
        border = _BORDER.get(style_key, "#90a4ae")
        if node.style == "exposed":
            border = "#e65100"
        if node.style == "outside":
            fill, border = "#fff3e0", "#ef6c00"
        rect.setBrush(QBrush(QColor(fill)))
        pen = QPen(QColor(border), 2.0 if node.kind in (VPC, SUBNET) or node.style == "exposed" else 1.2)
        if node.kind == MORE:
            pen = QPen(Qt.PenStyle.NoPen)
        if node.style == "default" and node.kind == VPC:
            pen.setStyle(Qt.PenStyle.DashLine)
        rect.setPen(pen)
        rect.setToolTip("\n".join(node.lines))
        rect.setZValue({VPC: 0, SUBNET: 1}.get(node.kind, 4 if node.owner else 2))
        self.scene().addItem(rect)
        self._boxes[node.key] = rect
        tag = node.kind in _TAGS
        x = node.x + (4 if tag else PAD)
        y = node.y + (1 if tag else PAD - 2)
        for i, line in enumerate(node.lines):
            font = self._small if tag else (self._title if i == 0 else self._body)
            text = QGraphicsSimpleTextItem(self._elide(line, font, node.w - (8 if tag else 2 * PAD)), rect)
            text.setFont(font)
            if node.style == "exposed" and line.startswith("exposed:"):
                text.setBrush(QBrush(QColor("#bf360c")))
            elif node.kind == MORE:
                text.setBrush(QBrush(QColor("#616161")))
            text.setPos(x, y + i * LINE)

    @staticmethod
    def _elide(text: str, font: QFont, width: float) -> str:
        return QFontMetricsF(font).elidedText(text, Qt.TextElideMode.ElideRight, width)

    # -- the path --------------------------------------------------------------------------------------

    def highlight(self, keys: Sequence[str | None], hops: Sequence[Hop]) -> None:
        """Light the hops whose key is on the drawing; the blocking hop (a deny) in red.

        The line joins the hops traffic goes through; checks of the return traffic (stateless NACLs,
        the route back) get a hollow badge off the line: they are checked for the reply.
        """
        self.clear_highlight()
        if self.topology is None:
            return
        points: list[tuple[QPointF, bool]] = []
        seen: dict[str, int] = {}
        lit: list[str] = []
        for number, (key, hop) in enumerate(zip(keys, hops, strict=True), start=1):
            node = self.topology.nodes.get(key) if key else None
            if node is None:
                continue
            allowed = hop.allowed
            repeat = seen.get(node.key, 0)
            seen[node.key] = repeat + 1
            # On the box's right end (text starts on the left), one badge further left per repeat.
            y = node.y + (node.h / 2 if node.owner else LINE / 2 + PAD)
            centre = QPointF(node.x + node.w - 12 - 20 * repeat, y)
            self._badges[number - 1] = (node, centre)
            reply = hop.direction == RETURN
            if not reply or not allowed:
                points.append((centre, allowed))
            self._badge(centre, number, allowed, hollow=reply)
            box = self._boxes.get(node.key)
            if box is not None:
                self._light(box, allowed)
            if node.key not in lit:
                lit.append(node.key)
            if not allowed:
                self.blocked_key = node.key
        for (a, _), (b, ok) in pairwise(points):
            # Bowed, not straight: a straight line between two tags of one row would run along the
            # row and strike through the tags between them, as if they were lit too.
            dx, dy = b.x() - a.x(), b.y() - a.y()
            length = max(1.0, (dx * dx + dy * dy) ** 0.5)
            bow = min(40.0, 0.2 * length)
            control = QPointF(
                (a.x() + b.x()) / 2 - dy / length * bow, (a.y() + b.y()) / 2 + dx / length * bow
            )
            path = QPainterPath(a)
            path.quadTo(control, b)
            line = QGraphicsPathItem(path)
            colour = QColor(ALLOW_COLOUR if ok else DENY_COLOUR)
            colour.setAlpha(150)
            pen = QPen(colour, 3.0)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            line.setPen(pen)
            line.setZValue(8)
            self.scene().addItem(line)
            self._overlay.append(line)
        self.highlighted = tuple(lit)
        self.hop_keys = tuple(keys)

    def _badge(self, centre: QPointF, number: int, allowed: bool, *, hollow: bool = False) -> None:
        colour = QColor(ALLOW_COLOUR if allowed else DENY_COLOUR)
        badge = QGraphicsEllipseItem(QRectF(centre.x() - 9, centre.y() - 9, 18, 18))
        badge.setBrush(QBrush(QColor("white") if hollow else colour))
        badge.setPen(QPen(colour if hollow else QColor("white"), 1.8 if hollow else 1.5))
        badge.setZValue(10)
        label = QGraphicsSimpleTextItem(str(number), badge)
        label.setFont(_font(bold=True, size=7.0 if number >= 10 else 7.5))
        label.setBrush(QBrush(colour if hollow else QColor("white")))
        br = label.boundingRect()
        label.setPos(centre.x() - br.width() / 2, centre.y() - br.height() / 2)
        self.scene().addItem(badge)
        self._overlay.append(badge)

    def focus_hop(self, index: int) -> bool:
        """Ring hop ``index``'s badge and scroll to it; False when that hop is not on the drawing."""
        if self._focus is not None:
            self.scene().removeItem(self._focus)
            self._overlay.remove(self._focus)
            self._focus = None
        found = self._badges.get(index)
        if found is None:
            return False
        node, centre = found
        ring = QGraphicsEllipseItem(QRectF(centre.x() - 14, centre.y() - 14, 28, 28))
        ring.setPen(QPen(QColor("#ff6f00"), 3.0))
        ring.setZValue(11)
        self.scene().addItem(ring)
        self._overlay.append(ring)
        self._focus = ring
        self.ensureVisible(QRectF(node.x, node.y, node.w, node.h), 40, 40)
        return True

    def _light(self, box: QGraphicsRectItem, allowed: bool) -> None:
        outline = QGraphicsRectItem(box.rect().adjusted(-2, -2, 2, 2))
        outline.setPen(QPen(QColor(ALLOW_COLOUR if allowed else DENY_COLOUR), 3.0))
        if not allowed:
            fill = QColor(DENY_COLOUR)
            fill.setAlpha(40)
            outline.setBrush(QBrush(fill))
        outline.setZValue(box.zValue() + 0.5)
        self.scene().addItem(outline)
        self._overlay.append(outline)

    def clear_highlight(self) -> None:
        for item in self._overlay:
            self.scene().removeItem(item)
        self._overlay = []
        self._badges = {}
        self._focus = None
        self.highlighted = ()
        self.hop_keys = ()
        self.blocked_key = None

    def ensure_highlight_visible(self) -> None:
        """Show the whole lit path when it fits the view; else scroll to its end (the interface)."""
        if not self.highlighted or self.topology is None:
            return
        nodes = [self.topology.nodes[k] for k in self.highlighted]
        left, top = min(n.x for n in nodes), min(n.y for n in nodes)
        right, bottom = max(n.x + n.w for n in nodes), max(n.y + n.h for n in nodes)
        scale = self.transform().m11()
        width, height = (right - left) * scale, (bottom - top) * scale
        if width <= self.viewport().width() and height <= self.viewport().height():
            self.centerOn((left + right) / 2, (top + bottom) / 2)
            return
        last = self.topology.nodes[self.highlighted[-1]]
        self.ensureVisible(QRectF(last.x, last.y, last.w, last.h), 30, 30)

    def key_at(self, point: QPointF) -> str | None:
        """The key of the innermost box drawn at a scene point (a tag before its interface or subnet)."""
        boxes = {id(item): key for key, item in self._boxes.items()}
        for item in self.scene().items(point):
            while item is not None and id(item) not in boxes:
                item = item.parentItem()
            if item is not None:
                return boxes[id(item)]
        return None

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        key = self.key_at(self.mapToScene(event.position().toPoint()))
        if key is not None:
            self.node_activated.emit(key)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    # -- zoom --------------------------------------------------------------------------------------------

    def wheelEvent(self, event: QWheelEvent) -> None:
        factor = 1.15 if event.angleDelta().y() > 0 else 1 / 1.15
        current = self.transform().m11()
        if 0.2 <= current * factor <= MAX_SCALE:
            self.scale(factor, factor)
