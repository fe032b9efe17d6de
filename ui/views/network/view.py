"""The network view: account → region → VPC tree, the VPC drawn, exposures, path queries, hops.

The whole-organization analysis (exposures, VPC links) runs once per snapshot in a worker
(``ui.workers.build_network_job``), independently of the trust graph; path queries run in a
second worker, a newer one replacing a running one. Selecting an exposure or running a path
query draws the VPC the path ends in (or the one where it is blocked) and lights its hops, each
listed with its direction, verdict and the rule that decided it; the blocking hop is red. What
could not be assessed (a denied DescribeNetworkAcls...) is said in plain words, never hidden.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from analysis.network.results import Endpoint, Exposure, Hop, PathResult
from ui.models.network_models import CRITICAL, HIGH, interface_label, severity
from ui.views.network.canvas import TopologyCanvas
from ui.views.network.hops import PathSides, hop_keys, sides_of_interface
from ui.views.network.layout import layout_vpc
from ui.views.network.panels import ExposuresPanel, HopsPanel, VpcTreePanel, gap_text
from ui.views.network.path_form import PathQueryForm
from ui.views.network.topology import Topology
from ui.workers import LatestJobRunner, NetworkBundle, build_network_job

if TYPE_CHECKING:
    from snapshot import Snapshot


def path_job(bundle: NetworkBundle, source: str, destination: str, protocol: str, port: int | None) -> Any:
    """A job asking ``find_path`` (raises ValueError, with a message for the user, on an unknown end)."""

    def job(progress: Any, cancelled: Any) -> PathResult:
        from analysis.network import find_path

        progress(f"{source} → {destination}")
        return find_path(
            bundle.inventory,
            source=source,
            destination=destination,
            protocol=protocol,
            port=port,
            index=bundle.index,
        )

    return job


class NetworkView(QWidget):
    ready = Signal(object)  # the NetworkBundle shown (None: cleared)
    drawn = Signal(str)  # the VPC drawn
    path_shown = Signal(object)  # the Exposure or PathResult whose hops are listed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bundle: NetworkBundle | None = None
        self.snapshot: Snapshot | None = None
        self.topology: Topology | None = None
        self.shown: Exposure | PathResult | None = None

        self.status_label = QLabel("Open a snapshot, then show this tab to analyse its network.")
        self.status_label.setWordWrap(True)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(160)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.analysis_runner = LatestJobRunner(self)
        self.queries = LatestJobRunner(self)
        for runner in (self.analysis_runner, self.queries):
            runner.started.connect(self._update_busy)
            runner.idle.connect(self._update_busy)
            runner.progress.connect(lambda label, value: self.set_status(f"{label}: {value}…"))
            runner.cancelled.connect(lambda label: self.set_status(f"{label}: cancelled."))
        self.analysis_runner.succeeded.connect(lambda _label, bundle: self._analysed(bundle))
        self.analysis_runner.failed.connect(
            lambda _l, e: self.set_status(f"Could not analyse the network: {type(e).__name__}: {e}")
        )
        self.queries.succeeded.connect(lambda _label, result: self.show_path(result))
        self.queries.failed.connect(self._path_failed)

        self.tree_panel = VpcTreePanel()
        self.tree_panel.chosen.connect(self._tree_chosen)
        self.canvas = TopologyCanvas()
        self.canvas.node_activated.connect(self.use_as_destination)
        self.canvas_title = QLabel("No VPC drawn.")
        self.canvas_title.setWordWrap(True)
        self.coverage_label = QLabel()
        self.coverage_label.setWordWrap(True)
        self.coverage_label.setStyleSheet("color: #c62828;")
        self.fit_button = QPushButton("Fit")
        self.fit_button.clicked.connect(lambda: self.canvas.fit(whole=True))
        middle = QWidget()
        ml = QVBoxLayout(middle)
        ml.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(self.canvas_title, 1)
        bar.addWidget(self.fit_button)
        ml.addLayout(bar)
        ml.addWidget(self.coverage_label)
        ml.addWidget(self.canvas, 1)

        self.exposures = ExposuresPanel()
        self.exposures.chosen.connect(self.show_exposure)
        self.path_form = PathQueryForm()
        self.path_form.run_requested.connect(self.run_path)
        self.path_form.message.connect(lambda text: self.path_form.show_result(text, reachable=None))
        self.tabs = QTabWidget()
        self.tabs.addTab(self.exposures, "Exposures")
        self.tabs.addTab(self.path_form, "Path query")
        self.hops = HopsPanel()
        self.hops.selected.connect(self.canvas.focus_hop)

        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(self.tabs)
        bottom.addWidget(self.hops)
        bottom.setSizes([600, 600])
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(middle)
        right.addWidget(bottom)
        right.setSizes([640, 280])
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.tree_panel)
        split.addWidget(right)
        split.setSizes([300, 1200])
        top = QHBoxLayout()
        top.addWidget(self.status_label, 1)
        top.addWidget(self.busy)
        top.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.set_bundle(None)

    # -- state ---------------------------------------------------------------------------------------

    def set_status(self, text: str) -> None:
        self.status_label.setText(text)

    def _update_busy(self, *_: object) -> None:
        running = self.analysis_runner.is_busy() or self.queries.is_busy()
        self.busy.setVisible(running)
        self.cancel_button.setEnabled(running)

    def cancel(self) -> None:
        self.analysis_runner.cancel()
        self.queries.cancel()

    def wait_idle(self) -> None:
        """Wait for the running analysis and query (closing the snapshot or the window)."""
        self.analysis_runner.wait()
        self.queries.wait()

    def analyse(self, snapshot: Snapshot, *, inventory: Any = None) -> None:
        """Analyse ``snapshot``'s network in a worker, once (an Inventory already built is reused)."""
        if snapshot is self.snapshot and (self.bundle is not None or self.analysis_runner.is_busy()):
            return
        self.snapshot = snapshot
        self.set_status("Analysing the network: which interfaces the internet can reach…")
        self.analysis_runner.run("Network analysis", build_network_job(snapshot, inventory=inventory))

    def clear(self) -> None:
        """Forget the snapshot (it is about to be closed): stop its workers first."""
        self.wait_idle()
        self.snapshot = None
        self.set_bundle(None)

    def _analysed(self, bundle: NetworkBundle | None) -> None:
        if bundle is not None and self.snapshot is not None:
            self.set_bundle(bundle)

    def set_bundle(self, bundle: NetworkBundle | None) -> None:
        self.bundle = bundle
        self.shown = None
        self.topology = None
        report = bundle.report if bundle is not None else None
        inventory = bundle.inventory if bundle is not None else None
        self.tree_panel.set_inventory(
            inventory,
            exposures=report.exposures if report is not None else (),
            not_assessed=report.not_assessed if report is not None else (),
        )
        self.exposures.set_report(report, inventory)
        self.hops.set_hops(())
        self.path_form.set_inventory(inventory)
        for w in (self.tree_panel, self.fit_button, self.tabs):
            w.setEnabled(bundle is not None)
        self._update_busy()
        self.canvas.set_topology(None, message="Select a VPC in the tree to draw it.")
        self.canvas_title.setText("No VPC drawn.")
        self.coverage_label.setVisible(False)
        if bundle is None or report is None:
            self.ready.emit(None)
            return
        levels = [severity(e) for e in report.exposures]
        gaps = len(report.not_assessed)
        self.set_status(
            f"Network: {len(bundle.inventory.network.vpcs)} VPCs, {len(report.exposures)} exposure(s) "
            f"({levels.count(CRITICAL)} critical, {levels.count(HIGH)} high)"
            + (f", {gaps} part(s) not assessed" if gaps else "")
            + ". Select an exposure to see its path, or ask a path query."
        )
        first = self._first_vpc(bundle)
        if first is not None:
            self.select_vpc(first, rescope=False)  # the whole organization's exposures stay listed
        self.ready.emit(bundle)

    @staticmethod
    def _first_vpc(bundle: NetworkBundle) -> str | None:
        """The VPC of the most severe exposure; else the first VPC that is not a default one."""
        rank = {CRITICAL: 0, HIGH: 1}
        ordered = sorted(bundle.report.exposures, key=lambda e: rank.get(severity(e), 2))
        if ordered:
            return str(ordered[0].vpc_id)
        named = sorted(v.vpc_id for v in bundle.inventory.network.vpcs.values() if not v.is_default)
        return named[0] if named else None

    # -- the tree and the drawing ------------------------------------------------------------------------

    def _tree_chosen(self, key: tuple[str, str, str | None, str | None], by_user: bool) -> None:
        kind, account, region, vpc = key
        if by_user:
            self.exposures.proxy.set_scope(account, region, vpc)
        if kind == "vpc" and vpc is not None:
            self.show_vpc(vpc)

    def select_vpc(self, vpc_id: str, *, rescope: bool = True) -> bool:
        """Select a VPC in the tree and draw it; ``rescope``: list only its exposures."""
        self.tree_panel.select_vpc(vpc_id, quiet=not rescope)  # draws it, unless it was current already
        return self.show_vpc(vpc_id)

    def show_vpc(self, vpc_id: str) -> bool:
        """Draw one VPC (without a path); False when the Inventory does not hold it."""
        bundle = self.bundle
        if bundle is None:
            return False
        if self.topology is not None and self.topology.vpc_id == vpc_id:
            return True
        try:
            topology = layout_vpc(
                bundle.inventory, vpc_id, links=bundle.links, exposures=bundle.report.exposures
            )
        except KeyError:
            self.canvas.set_topology(None, message=f"{vpc_id} is not in this snapshot.")
            return False
        self.topology = topology
        self.canvas.set_topology(topology)
        hidden = f" · {topology.hidden_interfaces} interfaces not drawn" if topology.hidden_interfaces else ""
        self.canvas_title.setText(f"<b>{topology.title}</b>{hidden} · wheel: zoom · drag: move")
        gaps = [
            gap_text(bundle.inventory, g)
            for g in bundle.report.not_assessed
            if g.account_id == topology.account_id and g.region in (topology.region, "*")
        ]
        self.coverage_label.setText("Not assessed here: " + "; ".join(gaps))
        self.coverage_label.setVisible(bool(gaps))
        self.drawn.emit(vpc_id)
        return True

    def use_as_destination(self, key: str) -> str | None:
        """A double-clicked box becomes the path query's destination: an instance (for its interface or
        a tag inside it), an interface, or a subnet. Returns what was put in the form."""
        if self.topology is None or key not in self.topology.nodes:
            return None
        node = self.topology.nodes[key]
        owner = node.owner or node.key
        target: str | None = None
        if owner.startswith("eni-") and self.bundle is not None:
            net = self.bundle.inventory.network
            eni = net.network_interfaces.get(net.ids.get(owner, ""))
            target = (eni.instance_id if eni is not None else None) or owner
        elif owner.startswith("subnet-"):
            target = owner
        if target is None:
            self.set_status("Double-click an interface or a subnet to ask a path to it.")
            return None
        source = self.path_form.source_edit.text().strip() or "internet"
        self.path_form.set_query(
            source,
            target,
            str(self.path_form.protocol_combo.currentData()),
            int(self.path_form.port_edit.text()) if self.path_form.port_edit.text() else None,
        )
        self.tabs.setCurrentWidget(self.path_form)
        self.set_status(f"Path query: to {target} from {source}; press Run to ask.")
        return target

    # -- exposures and paths -----------------------------------------------------------------------------

    def select_exposure(self, row: int) -> Exposure | None:
        """Select the exposure on ``row`` of the (sorted, scoped) list; it is shown."""
        return self.exposures.select_row(row)

    def show_exposure(self, exposure: Exposure) -> None:
        bundle = self.bundle
        if bundle is None:
            return
        self.select_vpc(exposure.vpc_id, rescope=False)
        sides = PathSides(
            destination=sides_of_interface(bundle.inventory, exposure.network_interface_id),
            source_is_internet=True,
        )
        who = interface_label(bundle.inventory, exposure.network_interface_id, exposure.instance_id)
        via = f"through {exposure.entry}" if exposure.via == "load_balancer" else f"at {exposure.entry}"
        self._show_hops(
            exposure.hops,
            sides,
            f"<b>{severity(exposure)}</b>: the internet ({exposure.source_cidr}) reaches <b>{who}</b> on "
            f"{exposure.ports.label()} {via}; every hop allowed by the rule shown.",
        )
        self.shown = exposure
        self.path_shown.emit(exposure)

    def run_path(self, source: str, destination: str, protocol: str = "tcp", port: int | None = None) -> None:
        """Ask ``find_path`` in a worker; the answer is drawn and listed when it comes."""
        if self.bundle is None:
            return
        self.tabs.setCurrentWidget(self.path_form)
        self.path_form.set_query(source, destination, protocol, port)
        what = f"{protocol}/{port}" if port is not None else ("all traffic" if protocol == "-1" else protocol)
        self.path_form.show_result(
            f"Looking for a path from {source} to {destination} on {what}…", reachable=None
        )
        self.queries.run("Path query", path_job(self.bundle, source, destination, protocol, port))

    def _path_failed(self, _label: str, error: object) -> None:
        text = str(error) if isinstance(error, ValueError) else f"{type(error).__name__}: {error}"
        self.path_form.show_result(text, reachable=None)
        self.set_status(f"Path query: {text}")

    def show_path(self, result: PathResult | None) -> None:
        bundle = self.bundle
        if bundle is None or result is None:
            return
        sides = PathSides(
            source=self._endpoint_sides(result.source),
            destination=self._endpoint_sides(result.destination),
            source_is_internet=result.source.kind == "internet",
        )
        vpc = self._vpc_for(result)
        if vpc is not None:
            self.select_vpc(vpc, rescope=False)
        verdict = "Reachable" if result.reachable else "Not reachable"
        text = f"{verdict}: {result.explanation}" + "".join(f"\n{n}" for n in result.notes)
        self.path_form.show_result(text, reachable=result.reachable)
        port = f"/{result.port}" if result.port is not None else ""
        blocked = f", blocked at hop {len(result.hops)}" if result.blocked_by is not None else ""
        self._show_hops(
            result.hops,
            sides,
            f"<b>{result.source.label} → {result.destination.label}</b>, {result.protocol}{port}: "
            f"<b>{verdict.lower()}</b>{blocked}",
        )
        self.shown = result
        self.set_status(f"Path query: {text.splitlines()[0]}")
        self.path_shown.emit(result)

    def _vpc_for(self, result: PathResult) -> str | None:
        """The VPC to draw: where the path is blocked if that is one of its ends, else where it ends."""
        assert self.bundle is not None
        ends = [v for v in (result.destination.vpc_id, result.source.vpc_id) if v]
        if result.blocked_by is not None:
            for vpc_id in ends:
                try:
                    topology = layout_vpc(self.bundle.inventory, vpc_id)
                except KeyError:
                    continue
                if topology.keys_of(result.blocked_by.component_id):
                    return vpc_id
        return ends[0] if ends else None

    def _endpoint_sides(self, endpoint: Endpoint) -> tuple[str, ...]:
        if self.bundle is None or endpoint.kind == "internet":
            return ()
        if endpoint.kind == "subnet":
            return (endpoint.id,)
        return sides_of_interface(self.bundle.inventory, endpoint.network_interface_id)

    def _show_hops(self, hops: Sequence[Hop], sides: PathSides, title: str) -> None:
        keys = hop_keys(self.topology, hops, sides) if self.topology is not None else [None] * len(hops)
        self.canvas.highlight(keys, hops)
        self.canvas.ensure_highlight_visible()
        self.hops.set_hops(hops, drawn=[k is not None for k in keys], title=title)
