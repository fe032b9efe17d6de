"""The trust graph view: queries and path finding on the left, the drawing in the middle, the node panel right.

BloodHound's workflow: run a pre-built query (or find the paths between two nodes), pick a
result, see its path highlighted among the principals around it, click a node for everything
known about it and go on from there. The organization overview draws one node per account;
double-click one to expand it into its principals. Queries, overviews and layouts all run in
workers (``LatestJobRunner``: a newer request replaces a running one) and layouts are cached
per node set for the open graph.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.views.trust_graph.canvas import OVERVIEW, GraphCanvas
from ui.views.trust_graph.details import DetailsPanel, describe_group, describe_node
from ui.views.trust_graph.drawing import DrawingController
from ui.views.trust_graph.filters import FilterPanel, NodeFilter
from ui.views.trust_graph.jobs import (
    QUERIES,
    QUERY_ADMIN,
    QUERY_ADMIN_FROM,
    QUERY_REACH,
    QueryError,
    QueryOutcome,
    QueryResult,
    path_job,
    query_job,
)
from ui.views.trust_graph.pathfinder import PathFinderPanel, node_choices
from ui.workers import LatestJobRunner

if TYPE_CHECKING:
    from analysis.trust.graph import TrustGraph


class TrustGraphView(QWidget):
    """Wiring only: the panels, the two runners (queries; layouts and overviews) and the drawing."""

    drawn = Signal()  # something was drawn (tests and screenshots wait for it)
    results_ready = Signal(object)  # QueryOutcome

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tg: TrustGraph | None = None
        self.outcome: QueryOutcome | None = None
        self.results: list[QueryResult] = []  # the rows listed (after the filter)
        self.node_filter = NodeFilter()
        self.selected_node: str | None = None
        self._filterable = True  # path-finding results are not filtered: both ends were asked for
        self._choices: dict[str, str] = {}

        self.status_label = QLabel("Open a snapshot, then show this tab to build the trust graph.")
        self.status_label.setWordWrap(True)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(160)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.queries = LatestJobRunner(self)
        self.indexer = LatestJobRunner(self)
        self.indexer.succeeded.connect(lambda _label, result: self._set_choices(*result))
        self.canvas = GraphCanvas()
        self.drawing = DrawingController(canvas=self.canvas, parent=self)
        # What is drawn is said under the drawing; the status line is for queries.
        self.canvas_info = QLabel()
        self.canvas_info.setWordWrap(True)
        self.drawing.status.connect(self.canvas_info.setText)
        self.drawing.drawn.connect(self.drawn)
        for runner, say in ((self.queries, self.set_status), (self.drawing.runner, self.canvas_info.setText)):
            runner.started.connect(self._update_busy)
            runner.idle.connect(self._update_busy)
            runner.progress.connect(lambda label, value, say=say: say(f"{label}: {value}…"))
            runner.failed.connect(lambda label, e, say=say: say(f"{label} failed: {type(e).__name__}: {e}"))
            runner.cancelled.connect(lambda label, say=say: say(f"{label}: cancelled."))
        self.queries.succeeded.connect(lambda _label, outcome: self._show_outcome(outcome))

        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Find a node (name or ARN)")
        self.search_edit.returnPressed.connect(lambda: self.find_principal(self.search_edit.text()))
        self.query_combo = QComboBox()
        self.query_combo.addItems(QUERIES)
        self.query_combo.currentTextChanged.connect(lambda q: self.account_combo.setEnabled(q == QUERY_ADMIN))
        self.account_combo = QComboBox()
        self.run_button = QPushButton("Run query")
        self.run_button.clicked.connect(
            lambda: self.run_query(
                self.query_combo.currentText(), account_id=self.account_combo.currentData()
            )
        )
        query_tab = QWidget()
        q_layout = QVBoxLayout(query_tab)
        for w in (self.query_combo, self.account_combo, self.run_button):
            q_layout.addWidget(w)
        q_layout.addStretch(1)
        self.path_panel = PathFinderPanel()
        self.path_panel.find_requested.connect(self.find_paths)
        self.path_panel.message.connect(self.set_status)
        self.path_panel.selected_wanted.connect(self._use_selected)
        self.filter_panel = FilterPanel()
        self.filter_panel.changed.connect(self.set_filter)
        self.left_tabs = QTabWidget()
        self.left_tabs.addTab(query_tab, "Queries")
        self.left_tabs.addTab(self.path_panel, "Path")
        self.left_tabs.addTab(self.filter_panel, "Filter")
        self.results_label = QLabel("Results")
        self.results_label.setWordWrap(True)
        self.results_list = QListWidget()
        self.results_list.setWordWrap(True)
        self.results_list.currentRowChanged.connect(self.select_result)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search_edit)
        left_layout.addWidget(self.left_tabs)
        left_layout.addWidget(self.results_label)
        left_layout.addWidget(self.results_list, 1)

        self.canvas.node_clicked.connect(self._node_clicked)
        self.canvas.node_double_clicked.connect(self._node_double_clicked)
        self.overview_button = QPushButton("Organization overview")
        self.overview_button.clicked.connect(self.show_overview)
        middle = QWidget()
        m_layout = QVBoxLayout(middle)
        m_layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(self.overview_button)
        bar.addWidget(self.canvas_info, 1)
        m_layout.addLayout(bar)
        m_layout.addWidget(self.canvas, 1)

        self.details = DetailsPanel()
        self.details.admin_paths_requested.connect(lambda n: self.run_query(QUERY_ADMIN_FROM, source=n))
        self.details.reach_requested.connect(lambda n: self.run_query(QUERY_REACH, source=n))
        self.details.use_as_source.connect(lambda n: self._path_end("from", n))
        self.details.use_as_target.connect(lambda n: self._path_end("to", n))
        self.details.expand_requested.connect(lambda n: self.expand_account(n.split(":", 1)[1]))

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(middle)
        split.addWidget(self.details)
        split.setSizes([340, 800, 400])
        top = QHBoxLayout()
        top.addWidget(self.status_label, 1)
        top.addWidget(self.busy)
        top.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.set_trust_graph(None)

    # -- state -------------------------------------------------------------------------------------

    @property
    def drawn_nodes(self) -> tuple[str, ...]:
        return self.canvas.drawn_nodes

    @property
    def highlighted(self) -> tuple[str, ...]:
        return self.canvas.highlighted

    def set_status(self, text: str) -> None:
        self.status_label.setText(text)

    def _update_busy(self, *_: object) -> None:
        running = self.queries.is_busy() or self.drawing.runner.is_busy()
        self.busy.setVisible(running)
        self.cancel_button.setEnabled(running)

    def cancel(self) -> None:
        """Stop the running query and layout (Cancel); what was listed and drawn before stays."""
        if self.queries.is_busy() and self.outcome is None:
            self.results_label.setText(f"Results: {self.queries.label} cancelled.")
        self.queries.cancel()
        self.drawing.runner.cancel()

    def wait_idle(self) -> None:
        """Wait for running queries and layouts (closing the snapshot or the window)."""
        self.queries.wait()
        self.indexer.wait()
        self.drawing.runner.wait()

    def set_trust_graph(self, tg: TrustGraph | None) -> None:
        self.wait_idle()
        self.tg = tg
        self.outcome = None
        self.results = []
        self.results_list.clear()
        self.account_combo.clear()
        self.details.clear()
        self.selected_node = None
        self.node_filter = NodeFilter()
        self.drawing.set_graph(tg)
        self.filter_panel.set_graph(tg)
        self._choices = {}
        self.path_panel.set_graph(tg, {})
        self.search_edit.setCompleter(None)
        for w in (self.run_button, self.search_edit, self.query_combo, self.left_tabs, self.overview_button):
            w.setEnabled(tg is not None)
        self.account_combo.setEnabled(tg is not None and self.query_combo.currentText() == QUERY_ADMIN)
        self._update_busy()
        if tg is None:
            return
        inv = tg.inventory
        for account_id in sorted(tg.org.account_ids, key=lambda a: (inv.account_name(a) or "", a)):
            name = inv.account_name(account_id)
            self.account_combo.addItem(f"{name} ({account_id})" if name else account_id, account_id)
        # Completion texts take seconds at 100,000 principals: made in a worker, set when ready.
        self.indexer.run("Indexing names", lambda _p, _c: (tg, node_choices(tg)))
        self.set_status(
            f"Trust graph: {tg.graph.number_of_nodes()} nodes, {tg.graph.number_of_edges()} edges, "
            f"built in {tg.seconds:.1f} s. Run a query, find a node, or look at the organization overview."
        )
        self.show_overview()

    def _set_choices(self, tg: TrustGraph, choices: dict[str, str]) -> None:
        if tg is not self.tg:
            return  # built for a graph closed since
        self._choices = choices
        self.path_panel.set_graph(tg, choices, keep_text=True)
        completer = QCompleter(sorted(choices), self.search_edit)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.search_edit.setCompleter(completer)

    def set_filter(self, node_filter: NodeFilter) -> None:
        """Filter the results list and what is drawn (a highlighted path is always drawn whole)."""
        self.node_filter = node_filter
        if self.tg is not None:
            self._fill_results()
            self.drawing.set_filter(node_filter)

    # -- queries and paths -------------------------------------------------------------------------

    def run_query(self, name: str, *, account_id: str | None = None, source: str | None = None) -> None:
        """Run one of ``QUERIES`` in a worker; ``results_ready`` fires with its outcome."""
        if self.tg is None:
            return
        if account_id is not None and self.account_combo.findData(account_id) >= 0:
            self.account_combo.setCurrentIndex(self.account_combo.findData(account_id))
        self.query_combo.setCurrentText(name)
        try:
            job = query_job(self.tg, name, account_id=account_id, source=source or self.selected_node)
        except QueryError as exc:
            self.set_status(str(exc))
            return
        self.start_job(name.rstrip("…"), job, filterable=True)

    def find_paths(self, source: str, target: str) -> None:
        """Every shortest path between two nodes (at most 20), or a plain "no path"."""
        if self.tg is None:
            return
        try:
            job = path_job(self.tg, source, target)
        except QueryError as exc:
            self.set_status(str(exc))
            return
        self.start_job("Path finding", job, filterable=False)

    def start_job(self, label: str, job: Any, *, filterable: bool = True) -> None:
        """Run ``job(progress, cancelled) -> QueryOutcome | None``; it replaces any query still running."""
        self.outcome = None
        self.results = []
        self.results_list.clear()
        self.results_label.setText(f"Results: running {label}…")
        self._filterable = filterable
        self.set_status(f"{label}: running…")
        self.queries.run(label, job)

    def _show_outcome(self, outcome: QueryOutcome | None) -> None:
        if outcome is None or self.tg is None:
            return
        self.outcome = outcome
        self._fill_results()
        if self.results:
            self.results_list.setCurrentRow(0)
        elif outcome.focus:
            self.show_neighbourhood(outcome.focus, highlight=())
        self.set_status(outcome.message)
        self.results_ready.emit(outcome)

    def _fill_results(self) -> None:
        outcome = self.outcome
        if outcome is None:
            return
        rows = list(outcome.results)
        if self._filterable and self.node_filter.active:
            tg = self.tg
            assert tg is not None
            keep = self.node_filter.accepts
            rows = [r for r in rows if keep(tg.node(r.subject), tg.org.account_ids)]
        self.results = rows
        self.results_list.blockSignals(True)
        self.results_list.clear()
        for r in rows:
            item = QListWidgetItem(r.text)
            item.setToolTip(r.text)
            self.results_list.addItem(item)
        self.results_list.blockSignals(False)
        hidden = len(outcome.results) - len(rows)
        self.results_label.setText(
            f"{outcome.title}: {len(rows)} result(s)" + (f", {hidden} hidden by the filter" if hidden else "")
        )

    def select_result(self, row: int) -> None:
        if 0 <= row < len(self.results):
            nodes = self.results[row].nodes
            self.show_neighbourhood(nodes, highlight=nodes)
            self.show_details(nodes[0])

    def find_principal(self, text: str) -> str | None:
        """Select the node a completion names, or the first whose ARN or label contains ``text``; draw it."""
        tg = self.tg
        needle = text.strip().lower()
        if tg is None or not needle:
            return None
        node = self._choices.get(text.strip())
        if node is None:
            found = [
                n for n, d in tg.graph.nodes(data=True) if needle in (n.lower(), d["node"].label.lower())
            ]
            found = found or sorted(
                n
                for n, d in tg.graph.nodes(data=True)
                if needle in n.lower() or needle in d["node"].label.lower()
            )
            if not found:
                self.set_status(f"No node matches {text.strip()!r}.")
                return None
            node = found[0]
        self.show_neighbourhood((node,), highlight=(node,))
        self.show_details(node)
        return node

    def _use_selected(self, end: str) -> None:
        if self.selected_node is None:
            self.set_status("Select a node first (click it, or find it).")
        else:
            self.path_panel.set_end(end, self.selected_node)

    def _path_end(self, end: str, node_id: str) -> None:
        self.path_panel.set_end(end, node_id)
        self.left_tabs.setCurrentWidget(self.path_panel)

    # -- drawing (ui.views.trust_graph.drawing) --------------------------------------------------------

    def show_neighbourhood(self, seeds: Sequence[str], *, highlight: Sequence[str] = ()) -> None:
        """Draw ``seeds`` and the nodes around them that pass the filter; ``highlight`` (a path) in red."""
        self.drawing.show_neighbourhood(seeds, highlight=highlight)

    def expand_account(self, account_id: str) -> None:
        """Draw one account's principals (those the filter keeps) and their neighbours in other accounts."""
        self.drawing.expand_account(account_id)

    def show_overview(self) -> None:
        """The whole organization, one node per account (built and laid out in a worker, cached per filter)."""
        self.drawing.show_overview()

    def _node_clicked(self, node_id: str) -> None:
        if self.canvas.mode == OVERVIEW:
            self.show_group(node_id)
        else:
            self.show_details(node_id)

    def _node_double_clicked(self, node_id: str) -> None:
        if node_id.startswith("account:"):
            self.expand_account(node_id.split(":", 1)[1])
        else:
            self._node_clicked(node_id)

    # -- details -----------------------------------------------------------------------------------

    def show_details(self, node_id: str) -> str:
        """Everything known about a node (``describe_node``) in the panel; returns the text."""
        tg = self.tg
        if tg is None or node_id not in tg.graph:
            return ""
        self.selected_node = node_id
        text = describe_node(tg, node_id)
        self.details.show_text(node_id, text, expandable=tg.node(node_id).kind == "account")
        return text

    def show_group(self, group_id: str) -> str:
        """An overview node (account or outside group): its contents and aggregated edges; redraws the selection."""
        ov = self.drawing.overview
        if self.tg is None or ov is None or group_id not in ov.nodes:
            return ""
        self.selected_node = group_id if group_id in self.tg.graph else None
        text = describe_group(self.tg, ov, group_id)
        self.details.show_text(group_id, text, expandable=group_id.startswith("account:"))
        self.drawing.show_overview(selected=group_id)  # cached: redrawn at once, its edges labelled
        return text


__all__ = ["QUERIES", "TrustGraphView"]
