"""The policy simulator panel (pytest-qt, offscreen) on a small hand-built organization.

Decisions come from the real engine; the view must show them as the engine gave them, with
the deciding statements' JSON found again in the Inventory, and turn bad input into a
one-line message.
"""

from __future__ import annotations

from typing import Any

import pytest

from analysis.iam import PolicyEngine
from analysis.model.inventory import Inventory
from tests.analysis.trust.org_builder import PROD, PROD_OU, Acct, U, allow, build_org, deny, user_arn
from ui.models.trust_models import COL_EFFECT, COL_JSON, COL_KIND, DecidingStatementsModel
from ui.views.simulator_view import ContextError, SimulatorView, parse_context

# An SCP on the Prod OU denying EC2 outside us-east-1: the region is unknown offline.
REGION_SCP = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "OnlyUsEast1",
            "Effect": "Deny",
            "Action": "ec2:*",
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1"]}},
        }
    ],
}
READER = user_arn(PROD, "reader")
BLOCKED = user_arn(PROD, "blocked")
OFFICE = user_arn(PROD, "office")


@pytest.fixture(scope="module")
def inventory(tmp_path_factory: pytest.TempPathFactory) -> Inventory:
    return build_org(
        tmp_path_factory.mktemp("sim"),
        Acct(
            id=PROD,
            users=(
                U(name="reader", policies=(allow("s3:GetObject"),)),
                U(name="blocked", policies=(allow("s3:*"), deny("s3:DeleteBucket"))),
                U(
                    name="office",
                    policies=(
                        allow("ec2:StartInstances", condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
                    ),
                ),
            ),
        ),
        scps=(("p-region", REGION_SCP, (PROD_OU,)),),
    )


@pytest.fixture
def view(qtbot: Any, inventory: Inventory) -> SimulatorView:
    v = SimulatorView()
    qtbot.addWidget(v)
    v.set_engine(PolicyEngine(inventory=inventory), inventory, actions=("s3:GetObject", "s3:PutObject"))
    return v


def _ask(view: SimulatorView, principal: str, action: str, resource: str = "*", context: str = "") -> Any:
    view.principal_combo.setCurrentText(principal)
    view.action_edit.setText(action)
    view.resource_edit.setText(resource)
    view.context_edit.setPlainText(context)
    return view.evaluate()


def test_parse_context_lines() -> None:
    got = parse_context(
        "aws:SourceIp = 10.1.2.3\n\n# note\naws:PrincipalTag/team=a\naws:PrincipalTag/team=b\nsts:ExternalId="
    )
    assert got == {"aws:SourceIp": ("10.1.2.3",), "aws:PrincipalTag/team": ("a", "b"), "sts:ExternalId": ()}
    with pytest.raises(ContextError, match="line 2"):
        parse_context("a=b\njust words")


def test_principals_listed_and_evaluate_disabled_without_engine(qtbot: Any, view: SimulatorView) -> None:
    items = {view.principal_combo.itemText(i) for i in range(view.principal_combo.count())}
    assert {READER, BLOCKED, OFFICE} <= items
    assert view.action_edit.completer() is not None
    # Searchable: typing part of a name finds the principal.
    completer = view.principal_combo.completer()
    completer.setCompletionPrefix("bloc")
    assert completer.currentCompletion() == BLOCKED
    view.set_engine(None, None)
    assert view.principal_combo.count() == 0 and not view.evaluate_button.isEnabled()
    assert view.evaluate() is None


def test_allow_shows_the_deciding_identity_statement_json(view: SimulatorView) -> None:
    decision = _ask(view, READER, "s3:GetObject")
    assert decision.decision == "allow"
    assert view.decision_label.text() == "ALLOWED"
    rows = [
        (view.model.index(r, COL_KIND).data(), view.model.index(r, COL_JSON).data())
        for r in range(view.model.rowCount())
    ]
    identity = [json for kind, json in rows if kind == "identity"]
    assert identity and '"s3:GetObject"' in identity[0]
    assert "Evaluation:" in view.conditions_text.toPlainText()


def test_explicit_deny_lists_the_deny(view: SimulatorView) -> None:
    decision = _ask(view, BLOCKED, "s3:DeleteBucket", "arn:aws:s3:::bucket")
    assert decision.decision == "explicit_deny"
    assert view.decision_label.text() == "EXPLICIT DENY"
    effects = {view.model.index(r, COL_EFFECT).data() for r in range(view.model.rowCount())}
    assert "Deny" in effects
    assert _ask(view, BLOCKED, "s3:PutObject").decision == "allow"


def test_implicit_deny(view: SimulatorView) -> None:
    decision = _ask(view, READER, "s3:PutObject")
    assert decision.decision == "implicit_deny"
    assert view.decision_label.text().startswith("IMPLICIT DENY")


def test_unknown_condition_is_conditional_until_the_context_gives_it(view: SimulatorView) -> None:
    decision = _ask(view, OFFICE, "ec2:StartInstances")
    assert decision.decision == "conditional"
    assert view.decision_label.text().startswith("CONDITIONAL")
    text = view.conditions_text.toPlainText()
    assert "aws:SourceIp" in text and "aws:RequestedRegion" in text
    # Every statement a pending condition belongs to is in the table; the SCP Deny marked as pending.
    shown = {view.model.ref(r) for r in range(view.model.rowCount())}
    assert {c.statement for c in decision.conditions} <= shown
    pending = [r for r in range(view.model.rowCount()) if view.model.is_pending(r)]
    assert [view.model.index(r, COL_EFFECT).data() for r in pending] == ["Deny (if conditions)"]
    assert "aws:RequestedRegion" in view.model.statement_text(pending[0])
    assert "OnlyUsEast1" in view.statement_text.toPlainText()  # the deny is shown first
    known = "aws:SourceIp=10.1.2.3\naws:RequestedRegion=us-east-1"
    assert _ask(view, OFFICE, "ec2:StartInstances", context=known).decision == "allow"
    outside = "aws:SourceIp=10.1.2.3\naws:RequestedRegion=eu-west-1"
    assert _ask(view, OFFICE, "ec2:StartInstances", context=outside).decision == "explicit_deny"
    elsewhere = "aws:SourceIp=192.0.2.1\naws:RequestedRegion=us-east-1"
    assert _ask(view, OFFICE, "ec2:StartInstances", context=elsewhere).decision == "implicit_deny"


def test_bad_input_gives_one_line_message(view: SimulatorView) -> None:
    assert _ask(view, READER, "GetObject") is None
    assert "service:Action" in view.decision_label.text() and view.model.rowCount() == 0
    assert _ask(view, READER, "s3:GetObject", context="no equals sign") is None
    assert "line 1" in view.decision_label.text()
    assert _ask(view, "", "s3:GetObject") is None
    assert view.decision_label.text() == "pick a principal"


def test_selecting_a_row_shows_the_statement(view: SimulatorView) -> None:
    _ask(view, BLOCKED, "s3:DeleteBucket")
    deny_row = next(
        r for r in range(view.model.rowCount()) if view.model.index(r, COL_EFFECT).data() == "Deny"
    )
    view.table.selectRow(deny_row)
    text = view.statement_text.toPlainText()
    assert '"Effect": "Deny"' in text and "s3:DeleteBucket" in text


def test_model_passes_qabstractitemmodeltester(qtmodeltester: Any, view: SimulatorView) -> None:
    _ask(view, BLOCKED, "s3:DeleteBucket")
    qtmodeltester.check(view.model)
    empty = DecidingStatementsModel()
    qtmodeltester.check(empty)
