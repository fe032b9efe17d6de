"""What the trust graph view draws, and when: layouts and overviews built in a worker, cached.

The controller owns the canvas's content: a neighbourhood (a result's path with the nodes
around it, or an expanded account) or the organization overview. Layouts and overviews
are computed by a ``LatestJobRunner`` (a newer request replaces one still running) and
cached for the open graph, per node set or per filter; a cached drawing appears at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from ui.trust_layout import LayoutNode, layout_by_account, layout_overview, neighbourhood, overview_box_titles
from ui.views.trust_graph.canvas import GraphCanvas
from ui.views.trust_graph.filters import NodeFilter
from ui.workers import LatestJobRunner

if TYPE_CHECKING:
    from analysis.trust.graph import TrustGraph
    from analysis.trust.overview import AccountOverview

MAX_NODES = 300  # nodes drawn around a result (an expanded account may add its own members)
EXPANDED_EXTRA = 60  # neighbours drawn around an expanded account besides its own members


class DrawingController(QObject):
    drawn = Signal()
    status = Signal(str)

    def __init__(self, *, canvas: GraphCanvas, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.canvas = canvas
        self.runner = LatestJobRunner(self)
        self.runner.succeeded.connect(lambda _label, result: self._done(result))
        self.tg: TrustGraph | None = None
        self.node_filter = NodeFilter()
        self.overview: AccountOverview | None = None  # drawn last
        self.overview_selected: str | None = None
        self.showing: tuple[Any, ...] = ()  # what is drawn (or asked for), to redraw when the filter changes
        self._cache: dict[Any, Any] = {}

    def set_graph(self, tg: TrustGraph | None) -> None:
        self.runner.wait()
        self.tg = tg
        self._cache.clear()
        self.overview = None
        self.overview_selected = None
        self.showing = ()
        self.node_filter = NodeFilter()
        self.canvas.clear()

    def keep(self, node_id: str) -> bool:
        assert self.tg is not None
        return self.node_filter.accepts(self.tg.node(node_id), self.tg.org.account_ids)

    def set_filter(self, node_filter: NodeFilter) -> None:
        """Draw the same thing again with the new filter."""
        self.node_filter = node_filter
        if self.tg is None or not self.showing:
            return
        kind, *args = self.showing
        if kind == "overview":
            self.show_overview()
        elif kind == "account":
            self.expand_account(args[0])
        else:
            self.show_neighbourhood(args[0], highlight=args[1])

    # -- neighbourhoods ----------------------------------------------------------------------------

    def show_neighbourhood(self, seeds: Sequence[str], *, highlight: Sequence[str] = ()) -> None:
        tg = self.tg
        if tg is None:
            return
        self.showing = ("neighbourhood", tuple(seeds), tuple(highlight))
        nodes = tuple(neighbourhood(tg.graph, seeds, hops=1, limit=MAX_NODES, keep=self.keep))
        self._layout(nodes, tuple(highlight))

    def expand_account(self, account_id: str) -> bool:
        tg = self.tg
        if tg is None:
            return False
        accounts = tg.org.account_ids
        members = sorted(
            n
            for n, d in tg.graph.nodes(data=True)
            if d["node"].account_id == account_id and self.node_filter.accepts(d["node"], accounts)
        )
        if not members:
            self.status.emit(f"Nothing of account {account_id} passes the filter.")
            return False
        self.showing = ("account", account_id)
        limit = max(MAX_NODES, len(members) + EXPANDED_EXTRA)
        self._layout(tuple(neighbourhood(tg.graph, members, hops=1, limit=limit, keep=self.keep)), ())
        return True

    def _layout(self, nodes: tuple[str, ...], highlight: tuple[str, ...]) -> None:
        tg = self.tg
        assert tg is not None
        key = ("layout", frozenset(nodes), highlight)
        if key in self._cache:
            self.runner.cancel()  # an older request must not replace this drawing
            self._draw_neighbourhood(nodes, self._cache[key], highlight)
            return
        layout_nodes = [
            LayoutNode(id=n, kind=node.kind, label=node.label, account_id=node.account_id)
            for n in nodes
            for node in (tg.node(n),)
        ]
        accounts = tg.org.account_ids

        def job(_progress: Any, _cancelled: Any) -> tuple[Any, ...]:
            layout = layout_by_account(layout_nodes, accounts=accounts, first=highlight)
            return ("layout", key, nodes, highlight, layout)

        self.runner.run(f"Laying out {len(nodes)} nodes", job)

    def _draw_neighbourhood(self, nodes: tuple[str, ...], layout: Any, highlight: tuple[str, ...]) -> None:
        assert self.tg is not None
        self.canvas.draw_neighbourhood(self.tg, nodes, layout, highlight)
        capped = " (capped)" if len(nodes) >= MAX_NODES else ""
        self.status.emit(
            f"{len(nodes)} nodes drawn{capped}, {self.node_filter.describe()}. Click a node for its details."
        )
        self.drawn.emit()

    # -- the overview ------------------------------------------------------------------------------

    def show_overview(self, *, selected: str | None = None) -> None:
        """One node per account, built and laid out in a worker, cached per filter."""
        tg = self.tg
        if tg is None:
            return
        if selected is not None:
            self.overview_selected = selected
        self.showing = ("overview",)
        key = ("overview", self.node_filter)
        if key in self._cache:
            self.runner.cancel()
            self._draw_overview(*self._cache[key])
            return
        keep = self.node_filter.accepts
        accounts = tg.org.account_ids

        def job(progress: Any, cancelled: Any) -> tuple[Any, ...] | None:
            from analysis.trust.overview import OverviewCancelled, build_account_overview

            try:
                ov = build_account_overview(
                    tg, keep=lambda n: keep(n, accounts), progress=progress, cancelled=cancelled
                )
            except OverviewCancelled:
                return None
            progress(f"laying out {len(ov.nodes)} accounts and groups")
            return ("overview", key, ov, layout_overview(ov), overview_box_titles(ov))

        self.runner.run("Organization overview", job)

    def _draw_overview(self, ov: AccountOverview, layout: Any, titles: Any) -> None:
        selected = self.overview_selected if self.overview_selected in ov.nodes else None
        self.canvas.draw_overview(ov, layout, titles, selected=selected)
        self.overview = ov
        accounts = sum(1 for n in ov.nodes.values() if n.account_id)
        hidden = self.canvas.hidden_edges
        shown = f" ({hidden} not drawn: click an account for its own)" if hidden else ""
        self.status.emit(
            f"Organization overview: {accounts} accounts, {len(ov.nodes) - accounts} outside group(s), "
            f"{len(ov.edges)} aggregated edges{shown}; {self.node_filter.describe()}. "
            "Click an account for its edges, double-click to expand it."
        )
        self.drawn.emit()

    def _done(self, result: tuple[Any, ...] | None) -> None:
        if result is None or self.tg is None:
            return
        if result[0] == "layout":
            _, key, nodes, highlight, layout = result
            self._cache[key] = layout
            self._draw_neighbourhood(nodes, layout, highlight)
        else:
            _, key, *drawing = result
            self._cache[key] = tuple(drawing)
            self._draw_overview(*drawing)


__all__ = ["MAX_NODES", "DrawingController"]
