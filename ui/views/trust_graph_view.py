"""The trust graph view: pre-built attack-path queries, the neighbourhood of a result drawn by account, details.

The model is BloodHound's workflow: pick a query, pick a result, see its path highlighted among
the principals around it, click a node for everything known about it. Only the neighbourhood
of the current result or selection is drawn (a few hundred nodes at most); its layout
(``ui.trust_layout``) runs in a worker and is cached per node set for the open graph.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QGraphicsRectItem,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ui.trust_layout import Layout, LayoutNode, layout_by_account, neighbourhood
from ui.workers import FunctionWorker

if TYPE_CHECKING:
    from analysis.trust.graph import TrustGraph

QUERY_ADMIN = "Shortest paths to admin in account…"
QUERY_ENTRY = "External and federated entry points"
QUERY_ESCALATE = "Principals that can escalate"
QUERY_REACH = "What the selected node can reach"
QUERIES = (QUERY_ADMIN, QUERY_ENTRY, QUERY_ESCALATE, QUERY_REACH)
MAX_NODES = 300
PATH_COLOUR = "#d50000"

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


@dataclass(frozen=True, kw_only=True)
class QueryResult:
    """One row of the results list: a path (or a single node) to highlight."""

    text: str
    nodes: tuple[str, ...]


class TrustGraphView(QWidget):
    """Queries on the left, the drawn neighbourhood in the middle, the selected node's details on the right."""

    drawn = Signal()  # a neighbourhood has been drawn (tests and screenshots wait for it)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tg: TrustGraph | None = None
        self.results: list[QueryResult] = []
        self.highlighted: tuple[str, ...] = ()
        self.drawn_nodes: tuple[str, ...] = ()
        self.selected_node: str | None = None
        self._layout_cache: dict[tuple[frozenset[str], tuple[str, ...]], Layout] = {}
        self._layout_worker: FunctionWorker | None = None
        self._wanted: tuple[tuple[str, ...], tuple[str, ...]] | None = None  # (nodes, highlight)
        self._items: list[Any] = []

        self.status_label = QLabel("Open a snapshot, then show this tab to build the trust graph.")
        self.status_label.setWordWrap(True)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Find a principal (name or ARN)")
        self.search_edit.returnPressed.connect(lambda: self.find_principal(self.search_edit.text()))
        self.query_combo = QComboBox()
        self.query_combo.addItems(QUERIES)
        self.account_combo = QComboBox()
        self.run_button = QPushButton("Run query")
        self.run_button.clicked.connect(self._run_clicked)
        self.results_list = QListWidget()
        self.results_list.setWordWrap(True)
        self.results_list.currentRowChanged.connect(self.select_result)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search_edit)
        left_layout.addWidget(QLabel("Query"))
        left_layout.addWidget(self.query_combo)
        left_layout.addWidget(self.account_combo)
        left_layout.addWidget(self.run_button)
        left_layout.addWidget(self.results_list, 1)

        self.plot = pg.PlotWidget(background="w")
        self.plot.setAspectLocked(True)
        self.plot.hideAxis("bottom")
        self.plot.hideAxis("left")
        self.plot.setMenuEnabled(False)
        self.scatter = pg.ScatterPlotItem(pxMode=True, hoverable=True)
        self.scatter.sigClicked.connect(self._scatter_clicked)

        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setPlaceholderText("Click a node for its details.")

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.plot)
        split.addWidget(self.details)
        split.setSizes([330, 800, 380])
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.status_label, 1)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.set_trust_graph(None)

    # -- the graph ---------------------------------------------------------------------------------

    def set_status(self, text: str) -> None:
        self.status_label.setText(text)

    def set_trust_graph(self, tg: TrustGraph | None) -> None:
        self.wait_idle()
        self.tg = tg
        self._layout_cache.clear()
        self.results = []
        self.results_list.clear()
        self.account_combo.clear()
        self.details.clear()
        self.selected_node = None
        self._clear_drawing()
        ready = tg is not None
        for w in (self.run_button, self.search_edit, self.query_combo, self.account_combo):
            w.setEnabled(ready)
        if tg is None:
            return
        inv = tg.inventory
        for account_id in sorted(tg.org.account_ids, key=lambda a: (inv.account_name(a) or "", a)):
            name = inv.account_name(account_id)
            self.account_combo.addItem(f"{name} ({account_id})" if name else account_id, account_id)
        labels = sorted({d["node"].label for _, d in tg.graph.nodes(data=True)} | set(tg.graph.nodes))
        completer = QCompleter(labels, self.search_edit)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.search_edit.setCompleter(completer)
        self.set_status(
            f"Trust graph: {tg.graph.number_of_nodes()} nodes, {tg.graph.number_of_edges()} edges, "
            f"built in {tg.seconds:.1f} s. Run a query, or find a principal."
        )

    # -- queries -----------------------------------------------------------------------------------

    def _run_clicked(self) -> None:
        self.run_query(self.query_combo.currentText(), account_id=self.account_combo.currentData())

    def run_query(self, name: str, *, account_id: str | None = None) -> list[QueryResult]:
        """Fill the results list with the query's paths; selecting one draws and highlights it."""
        from analysis.trust import queries

        tg = self.tg
        if account_id is not None and self.account_combo.findData(account_id) >= 0:
            self.account_combo.setCurrentIndex(self.account_combo.findData(account_id))
        if tg is None:
            return []
        out: list[QueryResult] = []
        if name == QUERY_ADMIN:
            if not account_id:
                self.set_status("Pick an account for the paths-to-admin query.")
                return []
            for reach in queries.who_can_reach_admin(tg, account_id):
                for path in reach.paths:
                    marks = [
                        m
                        for m, on in (("escalation", path.escalation), ("conditional", path.conditional))
                        if on
                    ]
                    suffix = f"  [{', '.join(marks)}]" if marks else ""
                    out.append(QueryResult(text=path.describe(tg) + suffix, nodes=path.nodes))
            out.sort(key=lambda r: ("[escalation" not in r.text, len(r.nodes)))  # escalations first
        elif name == QUERY_ENTRY:
            for _source, reaches in sorted(queries.entry_points(tg).items()):
                for reach in reaches:
                    for path in reach.paths:
                        out.append(QueryResult(text=path.describe(tg), nodes=path.nodes))
        elif name == QUERY_ESCALATE:
            for principal in queries.escalating_principals(tg):
                for target in tg.graph.successors(principal):
                    edges = [
                        e for e in tg.edges_between(principal, target) if e.kind in queries.ESCALATION_KINDS
                    ]
                    if edges:
                        text = (
                            f"{tg.node(principal).label} --[{edges[0].technique}]--> {tg.node(target).label}"
                        )
                        out.append(QueryResult(text=text, nodes=(principal, target)))
        elif name == QUERY_REACH:
            source = self.selected_node
            if source is None:
                self.set_status("Select a node first (click it, or find it), then run this query.")
                return []
            for reach in queries.reachable_from(tg, source):
                for path in reach.paths:
                    out.append(QueryResult(text=path.describe(tg), nodes=path.nodes))
            out.sort(key=lambda r: (not r.nodes[-1].startswith("admin:"), len(r.nodes)))  # admin goals first
        else:
            raise ValueError(f"unknown query {name!r}")
        self.results = out
        self.results_list.blockSignals(True)
        self.results_list.clear()
        for r in out:
            self.results_list.addItem(QListWidgetItem(r.text))
        self.results_list.blockSignals(False)
        self.set_status(f"{name.rstrip('…')}: {len(out)} result(s).")
        if out:
            self.results_list.setCurrentRow(0)
        return out

    def select_result(self, row: int) -> None:
        if 0 <= row < len(self.results):
            nodes = self.results[row].nodes
            self.show_neighbourhood(nodes, highlight=nodes)
            self.show_details(nodes[0])

    def find_principal(self, text: str) -> str | None:
        """Select the first node whose ARN or label matches ``text`` (case-insensitive), and draw it."""
        tg = self.tg
        needle = text.strip().lower()
        if tg is None or not needle:
            return None
        exact = [n for n, d in tg.graph.nodes(data=True) if needle in (n.lower(), d["node"].label.lower())]
        partial = exact or sorted(
            n
            for n, d in tg.graph.nodes(data=True)
            if needle in n.lower() or needle in d["node"].label.lower()
        )
        if not partial:
            self.set_status(f"No principal matches {text.strip()!r}.")
            return None
        node = partial[0]
        self.show_neighbourhood((node,), highlight=(node,))
        self.show_details(node)
        return node

    # -- drawing -----------------------------------------------------------------------------------

    def show_neighbourhood(self, seeds: Sequence[str], *, highlight: Sequence[str] = ()) -> None:
        """Draw the neighbourhood of ``seeds``, with ``highlight`` (a path) in red; layout off the GUI thread."""
        tg = self.tg
        if tg is None:
            return
        nodes = tuple(neighbourhood(tg.graph, seeds, hops=1, limit=MAX_NODES))
        self._wanted = (nodes, tuple(highlight))
        cached = self._layout_cache.get((frozenset(nodes), tuple(highlight)))
        if cached is not None:
            self._draw(nodes, cached, tuple(highlight))
            return
        if self._layout_worker is not None:
            return  # the running layout's result triggers the next one (see _layout_done)
        self._start_layout(nodes, tuple(highlight))

    def _start_layout(self, nodes: tuple[str, ...], highlight: tuple[str, ...]) -> None:
        tg = self.tg
        assert tg is not None
        layout_nodes = [
            LayoutNode(id=n, kind=node.kind, label=node.label, account_id=node.account_id)
            for n in nodes
            for node in (tg.node(n),)
        ]
        accounts = tg.org.account_ids
        worker = FunctionWorker(
            job=lambda _p, _c: layout_by_account(layout_nodes, accounts=accounts, first=highlight),
            parent=self,
        )
        self._layout_worker = worker
        key = (frozenset(nodes), highlight)
        worker.succeeded.connect(lambda layout: self._layout_done(worker, key, layout))
        worker.failed.connect(
            lambda error: self.set_status(f"Layout failed: {type(error).__name__}: {error}")
        )
        worker.finished.connect(lambda: self._layout_finished(worker))
        self.set_status(f"Laying out {len(nodes)} nodes…")
        worker.start()

    def _layout_done(
        self, worker: FunctionWorker, key: tuple[frozenset[str], tuple[str, ...]], layout: Layout
    ) -> None:
        if self.tg is None:
            return
        self._layout_cache[key] = layout

    def _layout_finished(self, worker: FunctionWorker) -> None:
        if self._layout_worker is worker:
            self._layout_worker = None
        worker.deleteLater()
        if self.tg is not None and self._wanted is not None:
            nodes, highlight = self._wanted
            cached = self._layout_cache.get((frozenset(nodes), highlight))
            if cached is not None:
                self._draw(nodes, cached, highlight)
            else:
                self._start_layout(nodes, highlight)

    def wait_idle(self) -> None:
        """Wait for a running layout (closing the snapshot or the window)."""
        if self._layout_worker is not None:
            self._layout_worker.wait()

    def _clear_drawing(self) -> None:
        for item in self._items:
            self.plot.removeItem(item)
        self._items = []
        self.scatter.clear()
        self.drawn_nodes = ()
        self.highlighted = ()

    def _add(self, item: Any) -> None:
        self.plot.addItem(item)
        self._items.append(item)

    def _draw(self, nodes: tuple[str, ...], layout: Layout, highlight: tuple[str, ...]) -> None:
        tg = self.tg
        assert tg is not None
        self._clear_drawing()
        inv = tg.inventory
        for box in layout.boxes.values():
            rect = QGraphicsRectItem(QRectF(box.x, box.y, box.width, box.height))
            rect.setPen(pg.mkPen("#9e9e9e", width=1.5))
            rect.setBrush(QBrush(QColor(245, 245, 245)))
            rect.setZValue(-10)
            self._add(rect)
            name = inv.account_name(box.account_id)
            label = pg.TextItem(
                f"{name} ({box.account_id})" if name else box.account_id, color="#424242", anchor=(0, 1)
            )
            label.setPos(box.x, box.y + box.height)
            self._add(label)
        pos = layout.positions
        on_path = set(pairwise(highlight))
        xs: list[float] = []
        ys: list[float] = []
        for u, v in tg.graph.subgraph(nodes).edges():
            if (u, v) in on_path:
                continue
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
        for n in nodes:
            node = tg.node(n)
            colour = KIND_COLOURS.get(node.kind, "#9e9e9e")
            spots.append(
                {
                    "pos": pos[n],
                    "data": n,
                    "size": 16 if n in marked else 11,
                    "brush": pg.mkBrush(colour),
                    "pen": pg.mkPen(PATH_COLOUR, width=3) if n in marked else pg.mkPen("w", width=1),
                    "symbol": "s" if node.kind in ("account", "admin") else "o",
                }
            )
            text = pg.TextItem(
                node.label, color=PATH_COLOUR if n in marked else "#212121", anchor=(0.5, -0.3)
            )
            text.setPos(*pos[n])
            if n not in marked:
                text.setFont(_small_font())
            self._add(text)
        self.scatter.setData(spots)
        if self.scatter not in self._items:
            self.plot.addItem(self.scatter)
            self._items.append(self.scatter)
        self.plot.autoRange(padding=0.08)
        self.drawn_nodes = nodes
        self.highlighted = highlight
        self.set_status(
            f"{len(nodes)} nodes around the selection"
            + (f" (capped at {MAX_NODES})" if len(nodes) >= MAX_NODES else "")
            + ". Click a node for its details."
        )
        self.drawn.emit()

    def _scatter_clicked(self, _item: Any, points: Any, *_args: Any) -> None:
        if len(points):
            self.show_details(str(points[0].data()))

    # -- details -----------------------------------------------------------------------------------

    def show_details(self, node_id: str) -> str:
        """Everything known about a node: kind, account, admin decision, trust policy, edges with conditions."""
        tg = self.tg
        if tg is None or node_id not in tg.graph:
            return ""
        self.selected_node = node_id
        node = tg.node(node_id)
        inv = tg.inventory
        lines = [node.label, node_id, f"kind: {node.kind.replace('_', ' ')}"]
        if node.account_id:
            name = inv.account_name(node.account_id)
            lines.append(f"account: {name + ' ' if name else ''}{node.account_id}")
        if node.in_organization is not None:
            lines.append("inside the organization" if node.in_organization else "OUTSIDE the organization")
        if node.detail:
            lines.append(node.detail)
        admin = tg.admins.get(node_id)
        if admin is not None:
            lines.append(f"admin: {admin.summary()}")
        elif node.kind in ("user", "role"):
            lines.append("admin: no")
        role = inv.iam.roles.get(node_id)
        if role is not None:
            raw = role.trust_policy.raw if role.trust_policy.raw is not None else role.trust_policy.raw_text
            lines += ["", "Trust policy:", json.dumps(raw, indent=2, default=str)]
        for title, pairs in (
            ("Can become / reach", [(node_id, t) for t in tg.graph.successors(node_id)]),
            ("Reachable from", [(s, node_id) for s in tg.graph.predecessors(node_id)]),
        ):
            lines += ["", f"{title} ({len(pairs)}):"]
            for u, v in sorted(pairs):
                other = v if u == node_id else u
                for e in tg.edges_between(u, v):
                    lines.append(f"• {tg.node(other).label} — {e.technique} ({e.kind})")
                    lines.append(f"    {e.reason}")
                    lines.extend(f"    if {c.text()}" for c in e.conditions)
        text = "\n".join(lines)
        self.details.setPlainText(text)
        return text


def _small_font() -> Any:
    from PySide6.QtGui import QFont

    font = QFont()
    font.setPointSize(7)
    return font


__all__ = [
    "QUERIES",
    "QUERY_ADMIN",
    "QUERY_ENTRY",
    "QUERY_ESCALATE",
    "QUERY_REACH",
    "QueryResult",
    "TrustGraphView",
]
