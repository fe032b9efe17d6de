"""The SCP what-if view (pytest-qt, offscreen) on a small hand-built organization.

Results come from the real ``scp_what_if`` (AWS Organizations User Guide, "SCP evaluation": a
Deny at any level of the account's OU path applies); the view must show the permissions lost
with their decisions before and after, the administrators lost and the paths to admin cut with
their hops, turn bad drafts into one clear message, and stop when cancelled.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from analysis.trust.graph import TrustGraph, build_trust_graph
from analysis.trust.whatif import CutPath, LostPermission
from tests.analysis.trust.org_builder import (
    ADMIN_POLICY,
    DEV,
    DEV_OU,
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
from ui.models.whatif_models import admins_lost_model, cut_paths_model, lost_permissions_model
from ui.views.scp_whatif_draft import DraftError, check_draft
from ui.views.scp_whatif_view import ScpWhatIfView

DEV_USER = user_arn(DEV, "dev")
BOSS = user_arn(PROD, "boss")
FROM_DEV = role_arn(PROD, "from-dev")
TIMEOUT_MS = 30_000


def draft(*actions: str) -> str:
    return json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": list(actions), "Resource": "*"}]}
    )


@pytest.fixture(scope="module")
def tg(tmp_path_factory: pytest.TempPathFactory) -> TrustGraph:
    inv = build_org(
        tmp_path_factory.mktemp("whatif"),
        Acct(
            id=PROD,
            users=(U(name="boss", attached=[ADMIN_POLICY]),),
            roles=(
                R(name="from-dev", trust=trust({"AWS": f"arn:aws:iam::{DEV}:root"}), attached=[ADMIN_POLICY]),
            ),
        ),
        Acct(id=DEV, users=(U(name="dev", policies=(allow("sts:AssumeRole", "s3:GetObject"),)),)),
    )
    return build_trust_graph(inv)


@pytest.fixture
def view(qtbot: Any, tg: TrustGraph) -> Any:
    v = ScpWhatIfView()
    qtbot.addWidget(v)
    v.resize(1300, 800)
    v.set_trust_graph(tg)
    yield v
    v.set_trust_graph(None)


def run(qtbot: Any, view: ScpWhatIfView, text: str, target: str) -> Any:
    view.policy_edit.setPlainText(text)
    assert view.select_target(target)
    with qtbot.waitSignal(view.finished, timeout=TIMEOUT_MS) as blocker:
        assert view.run()
    return blocker.args[0]


# -- the draft ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Paste or load a draft policy"),
        ('{"Version": "2012-10-17", "Statement": [', "Not valid JSON: Expecting value at line 1, column 41."),
        ("[1, 2]", "A policy document is a JSON object"),
        ('{"Statement": "x"}', "Not a valid policy: Statement is neither an object nor a list"),
        ('{"Version": "2012-10-17", "Statement": []}', "The policy has no statements."),
        (
            '{"Statement": [{"Effect": "Maybe", "Action": "*", "Resource": "*"}]}',
            "Statement 0: Effect is 'Maybe', not Allow or Deny",
        ),
        ('{"Statement": [{"Effect": "Deny"}]}', "Statement 0: neither Action nor NotAction"),
    ],
)
def test_check_draft_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(DraftError) as info:
        check_draft(text)
    assert str(info.value).startswith(message)


def test_check_draft_accepts_a_policy() -> None:
    assert check_draft(draft("s3:*"))["Statement"][0]["Effect"] == "Deny"


def test_bad_json_is_a_message_in_the_view_not_a_run(view: ScpWhatIfView) -> None:
    view.policy_edit.setPlainText('{"Version": "2012-10-17", "Statement": [{"Effect": "Deny"')
    assert view.run() is False
    assert view.message.text().startswith("Not valid JSON:") and "line 1" in view.message.text()
    assert "color: #c62828" in view.message.styleSheet()
    assert not view.runner.is_busy() and view.result is None


def test_targets_are_the_organization(view: ScpWhatIfView) -> None:
    targets = [view.target_combo.itemData(i) for i in range(view.target_combo.count())]
    assert targets[0] == ROOT_ID and {PROD_OU, DEV_OU, PROD, DEV} <= set(targets)
    assert not view.select_target("ou-none-00000000")


# -- results -----------------------------------------------------------------------------------------


def test_lost_permissions_and_cut_paths_are_shown(qtbot: Any, view: ScpWhatIfView) -> None:
    result = run(qtbot, view, draft("sts:AssumeRole"), DEV_OU)
    assert result is view.result and result.accounts == (DEV,)
    rows = [view.lost_model.record(i) for i in range(view.lost_model.rowCount())]
    assert [(r.principal, r.action) for r in rows] == [(DEV_USER, "sts:AssumeRole")]
    assert rows[0].before.decision == "allow" and rows[0].after.decision == "explicit_deny"
    assert view.lost_model.data(view.lost_model.index(0, 4)) == "explicit deny"
    cut = [view.cut_model.record(i) for i in range(view.cut_model.rowCount())]
    assert [(c.source, c.account_id) for c in cut] == [(DEV_USER, PROD)]
    assert view.result_tabs.tabText(2) == "Paths to admin cut (1)"
    hops = view.select_cut_path(0)
    assert "Today dev can reach admin of prod; with the draft it cannot." in hops
    assert "1. dev (user) → from-dev (role)" in hops and "sts:AssumeRole" in hops
    details = view.select_lost(0)
    assert "with the draft: explicit deny" in details and "scp" in details
    assert "1 principal(s) would lose 1 permission(s)" in view.summary.text()


def test_administrators_lost(qtbot: Any, view: ScpWhatIfView) -> None:
    result = run(qtbot, view, draft("*"), PROD_OU)
    assert BOSS in result.admins_lost and FROM_DEV in result.admins_lost
    listed = {view.admins_model.record(i) for i in range(view.admins_model.rowCount())}
    assert listed == set(result.admins_lost)
    assert view.result_tabs.tabText(1) == f"Administrators lost ({len(result.admins_lost)})"
    view.filter_edit.setText("boss")
    assert view.admins_proxy.rowCount() == 1


def test_cancel_drops_the_run(qtbot: Any, view: ScpWhatIfView) -> None:
    view.policy_edit.setPlainText(draft("*"))
    view.select_target(ROOT_ID)
    with qtbot.waitSignal(view.finished, timeout=TIMEOUT_MS) as blocker:
        assert view.run()
        assert view.cancel_button.isEnabled()
        view.cancel_button.click()
    assert blocker.args == [None]
    qtbot.waitUntil(lambda: not view.runner.is_busy(), timeout=TIMEOUT_MS)
    assert view.result is None and view.lost_model.rowCount() == 0
    assert view.message.text().startswith("Cancelled")
    assert not view.cancel_button.isEnabled()


def test_load_file(tmp_path: Path, view: ScpWhatIfView) -> None:
    path = tmp_path / "draft.json"
    path.write_text(draft("ec2:*"), encoding="utf-8")
    assert view.load_file(str(path)) and "ec2:*" in view.policy_edit.toPlainText()
    assert not view.load_file(str(tmp_path / "missing.json"))
    assert view.message.text().startswith("Cannot load")


def test_models_pass_the_model_tester(qtmodeltester: Any, tg: TrustGraph) -> None:
    from analysis.trust.whatif import scp_what_if

    result = scp_what_if(tg, document=json.loads(draft("sts:AssumeRole", "*")), target_id=ROOT_ID)
    lost: list[LostPermission] = list(result.lost)
    cut: list[CutPath] = list(result.cut_paths)
    assert lost and cut and result.admins_lost
    for model, records in (
        (lost_permissions_model(tg), lost),
        (admins_lost_model(tg), list(result.admins_lost)),
        (cut_paths_model(tg), cut),
    ):
        model.set_records(records)
        qtmodeltester.check(model)
