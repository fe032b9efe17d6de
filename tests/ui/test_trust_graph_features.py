"""The trust graph view's auditor workflow (pytest-qt, offscreen) on a small hand-built organization.

Queries in a worker (a newer one replaces a running one, Cancel stops it), account/OU and
kind filters, shortest paths between two nodes, the organization overview (one node per
account, double-click expands) and the node panel's actions. The graph comes from the real
``build_trust_graph``.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from analysis.trust.graph import TrustGraph, build_trust_graph
from analysis.trust.nodes import account_node_id, admin_node_id, external_node_id
from tests.analysis.model.builders import MGMT
from tests.analysis.trust.org_builder import (
    ADMIN_POLICY,
    DEV,
    EXTERNAL,
    PROD,
    PROD_OU,
    ROOT_ID,
    Acct,
    R,
    U,
    allow,
    build_org,
    role_arn,
    trust,
    user_arn,
)
from ui.views.trust_graph import (
    QUERY_ADMIN,
    QUERY_ESCALATE,
    QUERY_OUTSIDE,
    QueryOutcome,
    QueryResult,
    TrustGraphView,
)
from ui.views.trust_graph.canvas import NEIGHBOURHOOD, OVERVIEW
from ui.views.trust_graph.jobs import path_job

DEV_USER = user_arn(DEV, "dev")
LONELY = user_arn(DEV, "lonely")
ATTACKER = user_arn(DEV, "attacker")
TIMEOUT_MS = 10_000


@pytest.fixture(scope="module")
def tg(tmp_path_factory: pytest.TempPathFactory) -> TrustGraph:
    from_dev = trust({"AWS": f"arn:aws:iam::{DEV}:root"})
    inv = build_org(
        tmp_path_factory.mktemp("tgfeatures"),
        Acct(
            id=PROD,
            roles=(
                R(
                    name="vendor-admin",
                    trust=trust({"AWS": f"arn:aws:iam::{EXTERNAL}:root"}),
                    attached=[ADMIN_POLICY],
                ),
                R(name="from-dev", trust=from_dev, attached=[ADMIN_POLICY]),
                R(name="ops", trust=from_dev, attached=[ADMIN_POLICY]),
            ),
        ),
        Acct(
            id=DEV,
            users=(
                U(name="dev", policies=(allow("sts:AssumeRole"),)),
                U(name="attacker", policies=(allow("iam:AttachUserPolicy", resource=ATTACKER),)),
                U(name="lonely"),
            ),
            roles=(R(name="ops", trust=trust({"Service": "lambda.amazonaws.com"})),),
        ),
    )
    return build_trust_graph(inv)


@pytest.fixture
def view(qtbot: Any, tg: TrustGraph) -> Any:
    v = TrustGraphView()
    qtbot.addWidget(v)
    v.resize(1200, 800)
    v.set_trust_graph(tg)
    yield v
    v.wait_idle()


def run(qtbot: Any, view: TrustGraphView, name: str, **kwargs: Any) -> list[QueryResult]:
    with qtbot.waitSignal(view.results_ready, timeout=TIMEOUT_MS):
        view.run_query(name, **kwargs)
    return view.results


def slow_job(started: threading.Event, stopped: threading.Event) -> Any:
    """A query that runs until it is cancelled (then returns a row that must never be shown)."""

    def job(progress: Any, cancelled: Any) -> QueryOutcome:
        progress("waiting")
        started.set()
        while not cancelled():
            stopped.wait(0.01)
        stopped.set()
        stale = QueryResult(text="stale", nodes=(DEV_USER,), subject=DEV_USER)
        return QueryOutcome(title="slow", results=(stale,), message="stale")

    return job


# -- queries in a worker ------------------------------------------------------------------------------


def test_query_runs_in_a_worker_with_a_busy_status(qtbot: Any, view: TrustGraphView) -> None:
    view.run_query(QUERY_ESCALATE)
    assert view.queries.is_busy() and view.results == []  # not answered on the GUI thread
    assert not view.busy.isHidden() and view.cancel_button.isEnabled()
    assert "running" in view.status_label.text()
    qtbot.waitUntil(lambda: not view.queries.is_busy(), timeout=TIMEOUT_MS)
    assert [r.subject for r in view.results] == [ATTACKER]
    # The result's drawing is laid out in its own worker; then nothing runs any more.
    qtbot.waitUntil(lambda: not view.drawing.runner.is_busy(), timeout=TIMEOUT_MS)
    assert view.busy.isHidden() and not view.cancel_button.isEnabled()


def test_a_newer_query_supersedes_the_running_one(qtbot: Any, view: TrustGraphView) -> None:
    started, stopped = threading.Event(), threading.Event()
    cancelled: list[str] = []
    view.queries.cancelled.connect(cancelled.append)
    outcomes: list[QueryOutcome] = []
    view.results_ready.connect(outcomes.append)
    view.start_job("Slow query", slow_job(started, stopped))
    assert started.wait(5)
    with qtbot.waitSignal(view.results_ready, timeout=TIMEOUT_MS):
        view.run_query(QUERY_ESCALATE)
    assert stopped.is_set() and cancelled == ["Slow query"]
    assert [o.title for o in outcomes] == [QUERY_ESCALATE]  # the slow one's rows never shown
    assert all(r.text != "stale" for r in view.results) and view.results


def test_cancel_stops_the_running_query(qtbot: Any, view: TrustGraphView) -> None:
    started, stopped = threading.Event(), threading.Event()
    view.start_job("Slow query", slow_job(started, stopped))
    assert started.wait(5)
    view.cancel_button.click()
    qtbot.waitUntil(lambda: not view.queries.is_busy(), timeout=TIMEOUT_MS)
    assert stopped.is_set() and view.outcome is None and view.results == []
    assert "cancelled" in view.status_label.text()


# -- filters ---------------------------------------------------------------------------------------------


def test_filters_narrow_the_results_and_the_drawing(qtbot: Any, view: TrustGraphView, tg: TrustGraph) -> None:
    everything = list(run(qtbot, view, QUERY_ADMIN, account_id=PROD))
    accounts = {tg.node(r.subject).account_id for r in everything}
    assert {DEV, PROD, EXTERNAL} <= accounts
    with qtbot.waitSignal(view.filter_panel.changed, timeout=TIMEOUT_MS):
        view.filter_panel.set_accounts({DEV}, outside=False)
    assert view.results and len(view.results) < len(everything)
    assert all(tg.node(r.subject).account_id == DEV for r in view.results)
    assert "hidden by the filter" in view.results_label.text()
    view.results_list.setCurrentRow(0)
    path = view.results[0].nodes
    qtbot.waitUntil(
        lambda: not view.drawing.runner.is_busy() and view.highlighted == path, timeout=TIMEOUT_MS
    )
    # Drawn: the whole path, and otherwise only DEV's nodes.
    assert all(n in path or tg.node(n).account_id == DEV for n in view.drawn_nodes)
    with qtbot.waitSignal(view.filter_panel.changed, timeout=TIMEOUT_MS):
        view.filter_panel.set_kinds({"user"})
    assert view.results and all(tg.node(r.subject).kind == "user" for r in view.results)
    with qtbot.waitSignal(view.filter_panel.changed, timeout=TIMEOUT_MS):
        view.filter_panel.reset()
    assert view.results == everything


def test_checking_an_ou_selects_its_accounts(qtbot: Any, view: TrustGraphView) -> None:
    panel = view.filter_panel
    panel.set_accounts(set(), outside=False)
    assert panel.node_filter().accounts == frozenset()
    panel.check_unit(PROD_OU)
    assert panel.node_filter().accounts == {PROD} and not panel.node_filter().outside
    panel.check_unit(ROOT_ID)
    assert panel.node_filter().accounts is None  # every account: no account filter


# -- path finding ----------------------------------------------------------------------------------------


def test_path_finding_lists_every_shortest_path(qtbot: Any, view: TrustGraphView) -> None:
    view.path_panel.set_end("from", DEV_USER)
    view.path_panel.set_end("to", admin_node_id(PROD))
    with qtbot.waitSignal(view.results_ready, timeout=TIMEOUT_MS):
        view.path_panel.find_button.click()
    paths = {r.nodes for r in view.results}
    assert paths == {
        (DEV_USER, role_arn(PROD, "from-dev"), admin_node_id(PROD)),
        (DEV_USER, role_arn(PROD, "ops"), admin_node_id(PROD)),
    }
    assert "2 shortest path(s) of 2 step(s)" in view.status_label.text()
    qtbot.waitUntil(lambda: view.highlighted == view.results[0].nodes, timeout=TIMEOUT_MS)


def test_no_path_is_said_plainly_and_both_ends_drawn(qtbot: Any, view: TrustGraphView) -> None:
    view.path_panel.set_end("from", LONELY)
    view.path_panel.set_end("to", admin_node_id(PROD))
    with qtbot.waitSignal(view.results_ready, timeout=TIMEOUT_MS):
        view.path_panel.find()
    assert view.results == [] and view.status_label.text() == "No path from lonely to admin of prod."
    qtbot.waitUntil(lambda: {LONELY, admin_node_id(PROD)} <= set(view.drawn_nodes), timeout=TIMEOUT_MS)
    assert view.highlighted == ()


def test_path_ends_by_name_and_clear_errors(qtbot: Any, view: TrustGraphView) -> None:
    panel = view.path_panel
    # Completion texts are made in a worker: "label — kind in account", unique per node.
    qtbot.waitUntil(lambda: view.search_edit.completer() is not None, timeout=TIMEOUT_MS)
    texts = view.search_edit.completer().model().stringList()
    assert "lonely — user in dev" in texts and len(texts) == view.tg.graph.number_of_nodes()
    assert panel.resolve("lonely — user in dev") == (LONELY, "")
    assert panel.resolve("ops — role in prod") == (role_arn(PROD, "ops"), "")
    assert panel.resolve("lonely") == (LONELY, "")
    assert panel.resolve(external_node_id(EXTERNAL)) == (external_node_id(EXTERNAL), "")
    node, why = panel.resolve("ops")  # a role of that name in both accounts
    assert node is None and "2 nodes are called 'ops'" in why
    panel.from_edit.setText("nobody")
    panel.to_edit.setText("lonely")
    panel.find()
    assert view.status_label.text() == "From: No node matches 'nobody'." and not view.queries.is_busy()


def test_path_limit_says_there_are_more(tg: TrustGraph) -> None:
    outcome = path_job(tg, DEV_USER, admin_node_id(PROD), limit=1)(lambda _: None, lambda: False)
    assert outcome is not None and len(outcome.results) == 1
    assert "there are more" in outcome.message


# -- the organization overview ---------------------------------------------------------------------------


def test_overview_draws_one_node_per_account(qtbot: Any, view: TrustGraphView, tg: TrustGraph) -> None:
    qtbot.waitUntil(lambda: view.canvas.mode == OVERVIEW, timeout=TIMEOUT_MS)
    drawn = set(view.drawn_nodes)
    accounts = {n for n in drawn if n.startswith("account:")}
    assert (
        accounts
        == {account_node_id(a) for a in tg.org.account_ids}
        == {account_node_id(a) for a in (MGMT, PROD, DEV)}
    )
    assert drawn - accounts == {"outside:external", "outside:service"}
    assert len(view.canvas.scatter.points()) == len(drawn)


def test_double_click_expands_an_account(qtbot: Any, view: TrustGraphView, tg: TrustGraph) -> None:
    qtbot.waitUntil(lambda: view.canvas.mode == OVERVIEW, timeout=TIMEOUT_MS)

    class DoubleClick:
        def double(self) -> bool:
            return True

    scatter = view.canvas.scatter
    spot = next(p for p in scatter.points() if p.data() == account_node_id(PROD))
    with qtbot.waitSignal(view.drawn, timeout=TIMEOUT_MS):
        scatter.sigClicked.emit(scatter, [spot], DoubleClick())
    assert view.canvas.mode == NEIGHBOURHOOD
    members = {n for n, d in tg.graph.nodes(data=True) if d["node"].account_id == PROD}
    assert members <= set(view.drawn_nodes)
    with qtbot.waitSignal(view.drawn, timeout=TIMEOUT_MS):
        view.overview_button.click()  # back, from the cache
    assert view.canvas.mode == OVERVIEW


def test_clicking_an_overview_account_lists_its_aggregated_edges(qtbot: Any, view: TrustGraphView) -> None:
    qtbot.waitUntil(lambda: view.canvas.mode == OVERVIEW, timeout=TIMEOUT_MS)
    text = view.show_group(account_node_id(PROD))
    assert "OU path: Root / Prod" in text
    assert "Edges in, from (2):" in text and "dev: 4 trust edges" in text
    assert view.details.expand_button.isEnabled()
    with qtbot.waitSignal(view.drawn, timeout=TIMEOUT_MS):
        view.details.expand_button.click()
    assert role_arn(PROD, "ops") in view.drawn_nodes


def test_overview_follows_the_account_filter(qtbot: Any, view: TrustGraphView) -> None:
    qtbot.waitUntil(lambda: view.canvas.mode == OVERVIEW, timeout=TIMEOUT_MS)
    with qtbot.waitSignal(view.drawn, timeout=TIMEOUT_MS):
        view.filter_panel.set_accounts({PROD, DEV}, outside=False)
    assert set(view.drawn_nodes) == {account_node_id(PROD), account_node_id(DEV)}


# -- the node panel ------------------------------------------------------------------------------------


def test_node_panel_paths_to_admin_and_reach(qtbot: Any, view: TrustGraphView) -> None:
    text = view.show_details(DEV_USER)
    assert "OU path: Root / Dev" in text and "Identity policies (1):" in text and "admin: no" in text
    with qtbot.waitSignal(view.results_ready, timeout=TIMEOUT_MS):
        view.details.admin_button.click()
    assert view.results and all(
        r.nodes[0] == DEV_USER and r.nodes[-1] == admin_node_id(PROD) for r in view.results
    )
    qtbot.waitUntil(lambda: view.highlighted == view.results[0].nodes, timeout=TIMEOUT_MS)
    view.show_details(DEV_USER)
    with qtbot.waitSignal(view.results_ready, timeout=TIMEOUT_MS):
        view.details.reach_button.click()
    reached = {r.nodes[-1] for r in view.results}
    assert {role_arn(PROD, "from-dev"), role_arn(PROD, "ops"), admin_node_id(PROD)} <= reached
    view.details.to_button.click()
    assert view.left_tabs.currentWidget() is view.path_panel
    assert view.path_panel.resolve(view.path_panel.to_edit.text()) == (DEV_USER, "")


def test_roles_assumable_from_outside(qtbot: Any, view: TrustGraphView) -> None:
    results = run(qtbot, view, QUERY_OUTSIDE)
    assert [(r.nodes[0], r.subject) for r in results] == [
        (external_node_id(EXTERNAL), role_arn(PROD, "vendor-admin"))
    ]
