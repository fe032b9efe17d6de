"""The trust graph view and its layout (pytest-qt, offscreen) on a small hand-built organization.

The graph comes from the real ``build_trust_graph``; the view must list the queries' paths,
draw the neighbourhood of the selected one by account with the path highlighted, show a
node's details, and the window must build the analysis only when the tab is first shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from PySide6.QtCore import QSettings

from analysis.trust.graph import TrustGraph, build_trust_graph
from analysis.trust.nodes import admin_node_id, external_node_id
from tests.analysis.trust.org_builder import (
    ADMIN_POLICY,
    DEV,
    EXTERNAL,
    PROD,
    Acct,
    R,
    U,
    allow,
    build_org,
    role_arn,
    trust,
    user_arn,
)
from ui.main_window import MainWindow
from ui.trust_layout import LayoutNode, layout_by_account, neighbourhood
from ui.views.trust_graph import (
    QUERY_ADMIN,
    QUERY_ENTRY,
    QUERY_ESCALATE,
    QUERY_REACH,
    QueryResult,
    TrustGraphView,
)

ATTACKER = user_arn(PROD, "attacker")
VENDOR = role_arn(PROD, "vendor-admin")
TIMEOUT_MS = 5000


def _accounts() -> tuple[Acct, ...]:
    return (
        Acct(
            id=PROD,
            users=(U(name="attacker", policies=(allow("iam:AttachUserPolicy", resource=ATTACKER),)),),
            roles=(
                R(
                    name="vendor-admin",
                    trust=trust({"AWS": f"arn:aws:iam::{EXTERNAL}:root"}),
                    attached=[ADMIN_POLICY],
                ),
                R(name="from-dev", trust=trust({"AWS": f"arn:aws:iam::{DEV}:root"})),
            ),
        ),
        Acct(id=DEV, users=(U(name="dev", policies=(allow("sts:AssumeRole"),)),)),
    )


@pytest.fixture(scope="module")
def tg(tmp_path_factory: pytest.TempPathFactory) -> TrustGraph:
    return build_trust_graph(build_org(tmp_path_factory.mktemp("tgview"), *_accounts()))


@pytest.fixture
def view(qtbot: Any, tg: TrustGraph) -> Any:
    v = TrustGraphView()
    qtbot.addWidget(v)
    v.resize(1200, 800)
    v.set_trust_graph(tg)
    yield v
    v.wait_idle()


def run(qtbot: Any, view: TrustGraphView, name: str, **kwargs: Any) -> list[QueryResult]:
    """Run a query (in its worker) and wait for its rows."""
    with qtbot.waitSignal(view.results_ready, timeout=TIMEOUT_MS):
        view.run_query(name, **kwargs)
    return view.results


# -- the pure layout ---------------------------------------------------------------------------------


def test_layout_puts_members_in_their_box_and_outsiders_outside() -> None:
    nodes = [LayoutNode(id=f"a{i}", kind="role", label=f"a{i}", account_id="111") for i in range(7)]
    nodes += [LayoutNode(id=f"b{i}", kind="user", label=f"b{i}", account_id="222") for i in range(3)]
    nodes += [LayoutNode(id="ext", kind="external_account", label="ext", account_id="999")]
    nodes += [LayoutNode(id="svc", kind="service", label="svc", account_id=None)]
    layout = layout_by_account(nodes, accounts={"111", "222"})
    assert set(layout.boxes) == {"111", "222"}
    assert len(set(layout.positions.values())) == len(nodes)  # no two nodes on one spot

    def inside(node_id: str, account: str) -> bool:
        x, y = layout.positions[node_id]
        b = layout.boxes[account]
        return b.x <= x <= b.x + b.width and b.y <= y <= b.y + b.height

    assert all(inside(f"a{i}", "111") for i in range(7)) and all(inside(f"b{i}", "222") for i in range(3))
    assert not any(inside(o, acct) for o in ("ext", "svc") for acct in ("111", "222"))
    b1, b2 = layout.boxes["111"], layout.boxes["222"]
    overlap = (
        b1.x < b2.x + b2.width
        and b2.x < b1.x + b1.width
        and b1.y < b2.y + b2.height
        and b2.y < b1.y + b1.height
    )
    assert not overlap
    assert layout_by_account(nodes, accounts={"111", "222"}) == layout  # deterministic


def test_layout_places_the_path_first_and_adjacent() -> None:
    nodes = [LayoutNode(id=f"n{i}", kind="role", label=f"n{i}", account_id="111") for i in range(9)]
    layout = layout_by_account(nodes, accounts={"111"}, first=("n7", "n3"))
    top_row = max(y for _, y in layout.positions.values())
    left = min(x for x, _ in layout.positions.values())
    assert layout.positions["n7"] == (left, top_row)
    assert layout.positions["n3"][1] == top_row and layout.positions["n3"][0] > left


def test_neighbourhood_keeps_seeds_and_respects_the_limit() -> None:
    g = nx.DiGraph()
    g.add_edges_from(("hub", f"leaf{i}") for i in range(50))
    g.add_edge("far", "leaf0")
    got = neighbourhood(g, ["leaf3", "missing", "hub"], hops=1, limit=10)
    assert got[:2] == ["leaf3", "hub"] and len(got) == 10
    assert "far" not in neighbourhood(g, ["hub"], hops=1, limit=100)
    assert "far" in neighbourhood(g, ["hub"], hops=2, limit=100)


# -- the view ---------------------------------------------------------------------------------------


def test_paths_to_admin_query_highlights_the_escalation(
    qtbot: Any, view: TrustGraphView, tg: TrustGraph
) -> None:
    results = run(qtbot, view, QUERY_ADMIN, account_id=PROD)
    escalation = [r for r in results if r.nodes[0] == ATTACKER]
    assert escalation and escalation[0].nodes[-1] == admin_node_id(PROD)
    assert "[escalation" in escalation[0].text and "iam:AttachUserPolicy" in escalation[0].text
    assert view.results_list.count() == len(results)
    row = results.index(escalation[0])
    view.results_list.setCurrentRow(row)
    qtbot.waitUntil(lambda: view.highlighted == escalation[0].nodes, timeout=TIMEOUT_MS)
    assert set(escalation[0].nodes) <= set(view.drawn_nodes)
    assert len(view.drawn_nodes) <= tg.graph.number_of_nodes()
    assert view.selected_node == ATTACKER
    # Drawn again from the cache: no second layout worker.
    view.results_list.setCurrentRow(0 if row else 1)
    qtbot.waitUntil(lambda: view.highlighted != escalation[0].nodes, timeout=TIMEOUT_MS)
    cached = len(view.drawing._cache)
    view.results_list.setCurrentRow(row)
    assert view.highlighted == escalation[0].nodes and not view.drawing.runner.is_busy()
    assert len(view.drawing._cache) == cached


def test_entry_points_and_escalating_principals(qtbot: Any, view: TrustGraphView) -> None:
    entries = run(qtbot, view, QUERY_ENTRY)
    ext = external_node_id(EXTERNAL)
    assert any(r.nodes[0] == ext and VENDOR in r.nodes for r in entries)
    escalating = run(qtbot, view, QUERY_ESCALATE)
    assert any(r.nodes[0] == ATTACKER for r in escalating)
    assert all(len(r.nodes) == 2 for r in escalating)


def test_details_show_admin_trust_policy_and_edges(view: TrustGraphView) -> None:
    text = view.show_details(VENDOR)
    assert "admin: allow" in text
    assert f"arn:aws:iam::{EXTERNAL}:root" in text  # the trust policy JSON
    assert "OUTSIDE" not in text and "inside the organization" in text
    assert "Reachable from" in text and "sts:AssumeRole" in text
    assert view.details.text.toPlainText() == text
    assert "admin: no" in view.show_details(user_arn(DEV, "dev"))


def test_click_on_a_node_shows_its_details(qtbot: Any, view: TrustGraphView) -> None:
    view.find_principal("vendor-admin")
    qtbot.waitUntil(lambda: VENDOR in view.drawn_nodes, timeout=TIMEOUT_MS)
    scatter = view.canvas.scatter
    spot = next(p for p in scatter.points() if p.data() == external_node_id(EXTERNAL))
    scatter.sigClicked.emit(scatter, [spot], None)
    assert view.selected_node == external_node_id(EXTERNAL)
    assert "OUTSIDE the organization" in view.details.text.toPlainText()


def test_search_finds_by_name_and_reports_no_match(qtbot: Any, view: TrustGraphView) -> None:
    assert view.find_principal("ATTACKER") == ATTACKER
    qtbot.waitUntil(lambda: view.highlighted == (ATTACKER,), timeout=TIMEOUT_MS)
    assert view.find_principal("no-such-principal") is None
    assert "No node matches" in view.status_label.text()


def test_cleared_graph_disables_the_queries(view: TrustGraphView) -> None:
    view.set_trust_graph(None)
    view.run_query(QUERY_ADMIN, account_id=PROD)
    assert view.results == [] and not view.queries.is_busy()
    assert not view.run_button.isEnabled() and view.drawn_nodes == ()


# -- the window builds the analysis on first show of the tab ---------------------------------------


def test_window_builds_analysis_when_the_tab_is_shown(qtbot: Any, tmp_path: Path) -> None:
    build_org(tmp_path, *_accounts(), name="win")
    win = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.snapshot_loaded, timeout=TIMEOUT_MS):
        win.open_path(str(tmp_path / "win.awb"))
    assert win.analysis is None and win.analysis_worker is None  # not at open
    win.tabs.setCurrentWidget(win.simulator_view)
    qtbot.waitUntil(lambda: win.analysis is not None, timeout=30_000)
    bundle = win.analysis
    assert win.trust_view.tg is bundle.trust_graph
    assert win.simulator_view.principal_combo.findText(ATTACKER) >= 0
    win.tabs.setCurrentWidget(win.trust_view)
    assert win.analysis is bundle and win.analysis_worker is None  # cached
    assert win.tabs.tabText(win.tabs.indexOf(win.whatif_view)) == "SCP what-if"
    assert win.whatif_view.tg is bundle.trust_graph and win.whatif_view.run_button.isEnabled()
    win.close_snapshot()
    assert win.analysis is None and win.trust_view.tg is None and win.whatif_view.tg is None
    qtbot.waitUntil(lambda: win.worker is None, timeout=TIMEOUT_MS)
    win.close()


def test_what_the_selected_node_can_reach(qtbot: Any, view: TrustGraphView) -> None:
    view.run_query(QUERY_REACH)  # nothing selected yet
    assert view.results == [] and not view.queries.is_busy()
    assert "Select a node first" in view.status_label.text()
    view.show_details(external_node_id(EXTERNAL))
    reached = run(qtbot, view, QUERY_REACH)
    assert reached[0].nodes[-1] == admin_node_id(PROD)  # admin goals listed first
    assert all(r.nodes[0] == external_node_id(EXTERNAL) for r in reached)
    assert any(r.nodes[-1] == VENDOR for r in reached)
