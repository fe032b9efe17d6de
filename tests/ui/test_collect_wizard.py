"""The collection wizard (pytest-qt, offscreen): profiles, SSO sign-in, portal, scope, a real run.

Runs use the real runner against moto in-process (mock_aws + tests/collectors/orgbuilder);
denials are injected at botocore's transport (tests/support/faults.py) because moto never
evaluates IAM. SSO sign-in and the portal use the fake IAM Identity Center on loopback
(tests/fakes/sso_server.py), with real botocore sso/sso-oidc clients.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws
from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QGuiApplication

from collectors.runner import ProgressEvent
from snapshot import Snapshot
from tests.analysis.model.builders import FakeCall, write_snapshot
from tests.collectors.orgbuilder import MotoOrg, build_org
from tests.fakes.sso_server import FakeSsoService, use_fake_sso
from tests.support.faults import FaultyFactory, query_error
from ui.dialogs.collect_pages import PERMISSIONS_DOC, fill_checkable, permissions_policy
from ui.dialogs.collect_wizard import CollectWizard
from ui.models.progress_model import COL_CALLS, ProgressBatch, ProgressTally

TIMEOUT_MS = 30_000
START_URL = "https://example-corp.awsapps.com/start"
SERVICES = ("organizations", "iam")


def write_config(home: Path) -> None:
    (home / ".aws" / "config").write_text(
        "[sso-session corp]\n"
        f"sso_start_url = {START_URL}\n"
        "sso_region = eu-west-1\n"
        "sso_registration_scopes = sso:account:access\n"
        "\n[profile audit]\n"
        "sso_session = corp\n"
        "sso_account_id = 111111111111\n"
        "sso_role_name = AuditRole\n"
        "region = eu-west-1\n"
        "\n[profile broken]\n"
        "role_arn = arn:aws:iam::111111111111:role/Audit\n"
        "\n[profile keys]\n"
        "region = us-east-1\n"
    )
    (home / ".aws" / "credentials").write_text(
        "[keys]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = not-a-real-secret\n"
    )


def collect_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("collect")]


@pytest.fixture
def make_wizard(qtbot: Any) -> Iterator[Any]:
    """Builds wizards; afterwards no job, collection thread or active timer is left behind."""
    made: list[CollectWizard] = []
    opened: list[QUrl] = []

    def make(factory: FaultyFactory | None = None) -> CollectWizard:
        wizard = CollectWizard(
            factory_maker=(lambda: factory) if factory is not None else FaultyFactory,
            open_url=opened.append,
        )
        wizard.opened_urls = opened  # type: ignore[attr-defined]
        qtbot.addWidget(wizard)
        wizard.show()
        made.append(wizard)
        return wizard

    yield make
    for wizard in made:
        wizard.reject()
        assert not wizard.busy()
        assert not [t for t in wizard.findChildren(QTimer) if t.isActive()]
    assert not collect_threads()


def profile_rows(wizard: CollectWizard) -> dict[str, tuple[str, str, str]]:
    proxy = wizard.profile_page.proxy
    return {
        proxy.index(r, 0).data(): tuple(proxy.index(r, c).data() for c in (1, 3, 4))
        for r in range(proxy.rowCount())
    }


def test_profile_page_lists_profiles_and_gates_on_sign_in(
    make_wizard: Any, aws_env: Path, qtbot: Any
) -> None:
    write_config(aws_env)
    wizard = make_wizard()
    page = wizard.profile_page
    rows = profile_rows(wizard)
    assert rows["audit"] == ("IAM Identity Center", "not signed in", "")
    assert rows["keys"] == ("access keys", "", "")
    assert rows["broken"][0] == "assume role" and "role_arn without source_profile" in rows["broken"][2]
    assert "(environment)" in rows
    page.select("audit")
    assert page.sign_in_button.isEnabled() and not page.isComplete()
    assert "not signed in" in page.status.text()
    page.select("broken")
    assert not page.isComplete() and "cannot be used" in page.status.text()
    page.select("keys")
    assert page.isComplete() and not page.sign_in_button.isEnabled()
    assert page.profile_name() == "keys"
    page.select("audit")
    qtbot.wait(50)
    assert wizard.grab().save("/tmp/awb_wizard_profile.png")


@pytest.fixture
def fake_sso(aws_env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSsoService]:
    service = FakeSsoService(page_size=1)
    service.add_account("111111111111", name="audit", roles=("AuditRole", "ReadOnly"))
    service.add_account("222222222222", name="prod", roles=("AuditRole",))
    with service:
        use_fake_sso(monkeypatch, service)
        write_config(aws_env)
        yield service


def sign_in(wizard: CollectWizard, fake: FakeSsoService, qtbot: Any) -> None:
    page = wizard.profile_page
    page.select("audit")
    page.sign_in_button.click()
    qtbot.waitUntil(lambda: page.device is not None, timeout=TIMEOUT_MS)
    fake.approve(page.device.user_code)
    qtbot.waitUntil(page.isComplete, timeout=TIMEOUT_MS)


def test_sso_sign_in_shows_the_code_opens_the_browser_and_completes(
    make_wizard: Any, fake_sso: FakeSsoService, qtbot: Any
) -> None:
    wizard = make_wizard()
    page = wizard.profile_page
    page.select("audit")
    page.sign_in_button.click()
    qtbot.waitUntil(lambda: page.device is not None, timeout=TIMEOUT_MS)
    code = page.device.user_code
    assert page.code_label.text() == code and page.sign_in_box.isVisible()
    assert page.url_label.text().endswith(f"user_code={code}")
    assert [u.toString() for u in wizard.opened_urls] == [page.url_label.text()]
    assert not page.isComplete()  # waiting for the approval
    qtbot.wait(50)
    assert wizard.grab().save("/tmp/awb_wizard_signin.png")
    fake_sso.approve(code)
    qtbot.waitUntil(page.isComplete, timeout=TIMEOUT_MS)
    assert not page.sign_in_box.isVisible()
    assert profile_rows(wizard)["audit"][1].startswith("signed in until ")
    assert page.profile_name() == "audit"


def test_sso_sign_in_can_be_cancelled(make_wizard: Any, fake_sso: FakeSsoService, qtbot: Any) -> None:
    wizard = make_wizard()
    page = wizard.profile_page
    page.select("audit")
    page.sign_in_button.click()
    qtbot.waitUntil(lambda: page.device is not None, timeout=TIMEOUT_MS)
    page.cancel_sign_in_button.click()
    qtbot.waitUntil(lambda: not page.slot.running(), timeout=TIMEOUT_MS)
    assert page.status.text() == "Sign-in cancelled."
    assert not page.isComplete() and page.sign_in_button.isEnabled()


def test_sso_method_lists_the_portal_and_asks_for_a_role(
    make_wizard: Any, fake_sso: FakeSsoService, qtbot: Any
) -> None:
    wizard = make_wizard()
    sign_in(wizard, fake_sso, qtbot)
    wizard.next()
    method = wizard.method_page
    assert method.sso_radio.isEnabled()
    method.sso_radio.setChecked(True)
    qtbot.waitUntil(lambda: method.portal is not None, timeout=TIMEOUT_MS)
    assert [(a.account_id, a.name, a.roles) for a in method.portal] == [
        ("111111111111", "audit", ("AuditRole", "ReadOnly")),
        ("222222222222", "prod", ("AuditRole",)),
    ]
    # The profile names AuditRole, offered everywhere: the default choice works.
    assert method.role_problem() is None and method.isComplete()
    method.role_combo.setCurrentIndex(method.role_combo.findData("ReadOnly"))
    assert "not offered in 1 account(s) (222222222222)" in method.portal_status.text()
    method.role_combo.setCurrentIndex(method.role_combo.findData("AuditRole"))
    wizard.next()
    scope = wizard.scope_page
    # The scope page offers the portal's accounts, with their names.
    assert scope.accounts_list.count() == 2 and scope.names["222222222222"] == "prod"
    scope.some_accounts.setChecked(True)
    scope.accounts_list.item(0).setCheckState(scope.accounts_list.item(0).checkState().Unchecked)
    request, _path, resume = scope.build()
    assert request.method == "sso" and request.sso_role == "AuditRole" and request.profile == "audit"
    assert request.accounts == ("222222222222",) and not resume


def test_permissions_page_copies_the_documented_policy(make_wizard: Any) -> None:
    wizard = make_wizard()
    page = wizard.permissions_page
    policy = permissions_policy(PERMISSIONS_DOC.read_text())
    assert policy is not None and json.loads(policy)["Statement"][0]["Effect"] == "Allow"
    assert "SecurityAudit" in page.browser.toPlainText()
    page.copy_button.click()
    assert QGuiApplication.clipboard().text() == policy


def choose_scope(wizard: CollectWizard, path: Path, services: tuple[str, ...] = SERVICES) -> None:
    scope = wizard.scope_page
    scope.out_path.setText(str(path))
    scope.some_regions.setChecked(True)
    fill_checkable(scope.regions_list, [("us-east-1", "us-east-1")], checked=True)
    fill_checkable(scope.services_list, [(s, s) for s in services], checked=True)


def test_scope_page_refuses_what_cannot_work(make_wizard: Any, tmp_path: Path) -> None:
    wizard = make_wizard()
    wizard.next()
    wizard.next()
    scope = wizard.scope_page
    existing = write_snapshot(tmp_path / "done.awb", calls=[FakeCall(operation="ListRoots")])
    scope.out_path.setText(str(existing))
    assert not scope.validatePage() and "already exists" in scope.error.text()
    scope.out_path.setText(str(tmp_path / "new.awb"))
    scope.some_accounts.setChecked(True)
    scope.typed_accounts.setText("12345")
    assert not scope.validatePage() and "'12345' is not a 12-digit account id" in scope.error.text()
    scope.typed_accounts.setText("123456789012, 210987654321")
    scope.ous.setText("not-an-ou")
    assert not scope.validatePage() and "not an OU or root id" in scope.error.text()
    scope.ous.clear()
    assert scope.validatePage()
    assert scope.request is not None and scope.request.accounts == ("123456789012", "210987654321")
    assert scope.request.services == () and scope.request.regions == ()  # all, all enabled
    # A finished snapshot cannot be resumed; the message says why.
    scope.resume_radio.setChecked(True)
    scope.resume_path.setText(str(existing))
    assert "is complete: only an interrupted or cancelled collection" in scope.resume_info.text()
    assert not scope.validatePage()


def slow(seconds: float) -> Any:
    def rule(service: str, operation: str, params: dict[str, Any]) -> None:
        time.sleep(seconds)

    return rule


@pytest.fixture
def org() -> Iterator[MotoOrg]:
    with mock_aws():
        yield build_org()


def run_to_the_end(wizard: CollectWizard, qtbot: Any) -> None:
    qtbot.waitUntil(lambda: wizard.run_page.isComplete(), timeout=TIMEOUT_MS)


def test_full_collection_through_the_wizard(
    make_wizard: Any, org: MotoOrg, tmp_path: Path, qtbot: Any
) -> None:
    prod_b = org.accounts["prod-b"]

    def deny_prod_b(service: str, operation: str, params: dict[str, Any]) -> Any:
        if operation == "AssumeRole" and prod_b in str(params.get("RoleArn")):
            return query_error("AccessDenied", "not authorized to perform sts:AssumeRole", 403)
        return None

    factory = FaultyFactory(rules=[deny_prod_b, slow(0.01)])
    wizard = make_wizard(factory)
    assert wizard.profile_page.profile_name() is None  # the environment's credentials
    wizard.next()
    assert wizard.method_page.method() == "organizations"
    wizard.next()
    path = tmp_path / "org.awb"
    choose_scope(wizard, path)
    wizard.next()
    wizard.next()  # the commit page: starts the collection
    run = wizard.run_page
    assert wizard.currentPage() is run and run.running()
    # Mid-run: rows appear per account and region while it is still going.
    qtbot.waitUntil(lambda: run.model.rowCount() >= 3 or not run.running(), timeout=TIMEOUT_MS)
    assert run.running(), "the run should still be going (calls are slowed down)"
    qtbot.wait(50)
    assert wizard.grab().save("/tmp/awb_wizard_running.png")
    run_to_the_end(wizard, qtbot)
    outcome = run.outcome
    assert outcome is not None and outcome.result.status == "complete"
    assert run.batches < outcome.result.calls  # updates are throttled, not one per call
    # Every account has its global row with the final status; prod-b failed with its reason.
    statuses = {a: run.model.status(a) for a in (org.management, *org.accounts.values())}
    assert statuses[prod_b] == "access_failed"
    assert {s for a, s in statuses.items() if a != prod_b} == {"collected"}
    mgmt = run.model.counts(org.management, "global")
    assert mgmt is not None and mgmt.calls > 0 and mgmt.errors == 0
    assert run.model.counts(org.accounts["audit"], "global").calls > 0
    assert run.problems.isVisible() and run.problems.rowCount() == 1
    assert run.problems.item(0, 0).text() == prod_b and run.problems.item(0, 1).text() == "prod-b"
    assert "AccessDenied" in run.problems.item(0, 3).text()
    assert "Collection complete" in run.result_label.text()
    qtbot.wait(50)
    assert wizard.grab().save("/tmp/awb_wizard_done.png")
    # The table accounts for every call the runner made (batches carry cumulative counts).
    model = run.model
    assert sum(int(model.index(r, COL_CALLS).data()) for r in range(model.rowCount())) == outcome.result.calls
    with Snapshot.open(path) as snap:
        assert snap.integrity == "intact" and snap.status == "complete"
        assert snap.manifest["account_outcomes"][prod_b]["status"] == "access_failed"
    with qtbot.waitSignal(wizard.snapshot_ready, timeout=TIMEOUT_MS) as opened:
        run.open_button.click()
    assert opened.args == [str(path)]


def test_cancel_leaves_a_resumable_file_and_resume_completes_it(
    make_wizard: Any, org: MotoOrg, tmp_path: Path, qtbot: Any
) -> None:
    path = tmp_path / "partial.awb"
    factory = FaultyFactory(rules=[slow(0.1)])
    wizard = make_wizard(factory)
    wizard.next()
    wizard.next()
    choose_scope(wizard, path, services=("organizations",))
    wizard.next()
    wizard.next()
    run = wizard.run_page
    qtbot.waitUntil(lambda: run.model.rowCount() >= 2, timeout=TIMEOUT_MS)
    run.cancel_button.click()
    assert "Cancelling" in run.phase.text()
    run_to_the_end(wizard, qtbot)
    first = run.outcome
    assert first is not None and first.result.status == "cancelled"
    assert "resumable" in run.result_label.text()
    with Snapshot.open(path) as snap:
        assert snap.status == "cancelled" and snap.integrity == "intact"
        calls_before = len(snap.calls())

    factory.rules.clear()  # same factory (its loaded service models), no slow-down
    again = make_wizard(factory)
    again.next()
    again.next()
    scope = again.scope_page
    scope.resume_radio.setChecked(True)
    scope.resume_path.setText(str(path))
    assert "Resumes with the recorded scope" in scope.resume_info.text()
    assert "services organizations." in scope.resume_info.text()
    again.next()
    again.next()
    run_to_the_end(again, qtbot)
    second = again.run_page.outcome
    assert second is not None and second.result.status == "complete" and second.resumed
    assert second.result.replayed > 0  # what the first run stored was not asked again
    with Snapshot.open(path) as snap:
        assert snap.status == "complete" and snap.integrity == "intact"
        assert [r["status"] for r in snap.manifest["runs"]] == ["cancelled", "complete"]
        assert len(snap.calls()) > calls_before
        assert set(snap.manifest["account_outcomes"]) == {org.management, *org.accounts.values()}


def test_scope_reads_the_organizations_accounts(make_wizard: Any, org: MotoOrg, qtbot: Any) -> None:
    wizard = make_wizard(FaultyFactory())
    wizard.next()
    wizard.next()
    scope = wizard.scope_page
    assert scope.load_accounts_button.isVisible()
    scope.load_accounts_button.click()
    qtbot.waitUntil(lambda: scope.accounts_list.count() > 0, timeout=TIMEOUT_MS)
    assert scope.names == {
        org.management: "master",
        **{account_id: name for name, account_id in org.accounts.items()},
    }
    assert "4 account(s) from the organization" in scope.accounts_status.text()
    scope.some_accounts.setChecked(True)
    for i in range(scope.accounts_list.count()):
        item = scope.accounts_list.item(i)
        if item.data(Qt.ItemDataRole.UserRole) != org.accounts["audit"]:
            item.setCheckState(Qt.CheckState.Unchecked)
    assert scope.validatePage() and scope.request is not None
    assert scope.request.accounts == (org.accounts["audit"],)


def test_closing_the_wizard_mid_run_cancels_and_waits(
    make_wizard: Any, org: MotoOrg, tmp_path: Path, qtbot: Any
) -> None:
    path = tmp_path / "closed.awb"
    wizard = make_wizard(FaultyFactory(rules=[slow(0.02)]))
    wizard.next()
    wizard.next()
    choose_scope(wizard, path, services=("organizations",))
    wizard.next()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.run_page.model.rowCount() >= 1, timeout=TIMEOUT_MS)
    wizard.reject()
    assert not wizard.busy() and not collect_threads()
    with Snapshot.open(path) as snap:
        assert snap.status == "cancelled"


def test_a_profile_that_cannot_be_used_leaves_no_file(
    make_wizard: Any, tmp_path: Path, qtbot: Any, aws_env: Path
) -> None:
    """No moto here: sts:GetCallerIdentity is refused, so nothing is collected and no file is left."""

    def refuse(service: str, operation: str, params: dict[str, Any]) -> Any:
        return query_error(
            "InvalidClientTokenId", "The security token included in the request is invalid", 403
        )

    wizard = make_wizard(FaultyFactory(rules=[refuse]))
    wizard.next()
    wizard.next()
    path = tmp_path / "none.awb"
    choose_scope(wizard, path)
    wizard.next()
    wizard.next()
    run_to_the_end(wizard, qtbot)
    assert wizard.run_page.outcome is not None and wizard.run_page.outcome.removed
    assert "Nothing was collected" in wizard.run_page.result_label.text()
    assert "security token" in wizard.run_page.result_label.text()
    assert not path.exists() and not wizard.run_page.open_button.isVisible()


# -- the progress tally, without Qt threads ------------------------------------------------------


def event(kind: str, message: str, account: str = "", region: str = "") -> ProgressEvent:
    """An event as the runner emits it (its message and its structured fields agree)."""
    outcome = message.rsplit(" ", 1)[-1] if kind == "call" else ""
    status = ""
    if kind == "account":
        status = "opening" if message.startswith("opening") else message.split(": ", 1)[-1]
    return ProgressEvent(
        kind=kind, message=message, account_id=account, region=region, outcome=outcome, account_status=status
    )


def test_tally_counts_per_account_and_region_and_throttles() -> None:
    now = [0.0]
    sent: list[ProgressBatch] = []
    tally = ProgressTally(min_interval_s=1.0, clock=lambda: now[0])
    tally.feed(event("account", "opening account 111111111111", "111111111111"), send=sent.append)
    assert len(sent) == 1 and sent[0].statuses == {"111111111111": "opening"}
    for outcome in ("ok", "access_denied", "error", "throttled_then_ok", "ok"):
        tally.feed(event("call", f"iam:ListUsers {outcome}", "111111111111", "global"), send=sent.append)
    # Calls while opening (sts, regions) keep "opening"; the first collector run means "collecting".
    tally.feed(event("unit", "ec2 in 111111111111/eu-west-1", "111111111111", "eu-west-1"), send=sent.append)
    tally.feed(event("call", "ec2:DescribeVpcs ok", "111111111111", "eu-west-1"), send=sent.append)
    assert len(sent) == 1  # calls within the interval are folded, not sent
    now[0] = 1.5
    tally.feed(
        event("call", "ec2:DescribeVpcs region_disabled", "111111111111", "eu-west-1"), send=sent.append
    )
    assert len(sent) == 2
    rows = {(r.account_id, r.region): r for r in sent[1].rows}
    g = rows[("111111111111", "global")]
    assert (g.calls, g.denied, g.errors, g.throttled) == (5, 1, 1, 1)
    assert (
        rows[("111111111111", "eu-west-1")].calls,
        rows[("111111111111", "eu-west-1")].region_disabled,
    ) == (
        2,
        1,
    )
    assert sent[1].statuses == {"111111111111": "collecting"}
    # Account events go out at once, with only what changed.
    tally.feed(event("account", "account 111111111111: partial", "111111111111"), send=sent.append)
    assert len(sent) == 3 and sent[2].statuses == {"111111111111": "partial"} and sent[2].rows == ()


def test_profiles_and_progress_models_pass_qtmodeltester(qtmodeltester: Any, aws_env: Path) -> None:
    from collectors.auth.profiles import list_profiles
    from collectors.runner import AccountOutcome, CollectionResult
    from ui.models.profiles_model import ProfilesModel
    from ui.models.progress_model import ProgressModel

    write_config(aws_env)
    qtmodeltester.check(ProfilesModel(profiles=list_profiles()))

    model = ProgressModel()
    qtmodeltester.check(model)  # the tester keeps watching the changes below
    sent: list[ProgressBatch] = []
    tally = ProgressTally(min_interval_s=0.0)
    for account in ("111111111111", "222222222222"):
        tally.feed(event("account", f"opening account {account}", account), send=sent.append)
        for region in ("global", "eu-west-1", "us-east-1"):
            tally.feed(event("call", "ec2:DescribeVpcs ok", account, region), send=sent.append)
    for batch in sent:
        model.apply(batch)
    assert model.rowCount() == 6
    model.apply_result(
        CollectionResult(
            status="complete",
            digest=None,
            accounts={
                "111111111111": AccountOutcome(account_id="111111111111", name="a", status="collected"),
                "333333333333": AccountOutcome(account_id="333333333333", name="c", status="skipped"),
            },
            calls=6,
            replayed=0,
            errors=0,
            denied=0,
            throttled=0,
        )
    )
    assert model.rowCount() == 7 and model.status("333333333333") == "skipped"
    assert model.counts("222222222222", "us-east-1").calls == 1  # type: ignore[union-attr]


def test_tally_passes_account_names_from_events() -> None:
    sent: list[ProgressBatch] = []
    tally = ProgressTally(min_interval_s=1.0, clock=lambda: 0.0)
    opening = ProgressEvent(
        kind="account",
        message="opening account 111111111111",
        account_id="111111111111",
        account_name="payments-prod",
        account_status="opening",
    )
    tally.feed(opening, send=sent.append)
    assert sent[-1].names == {"111111111111": "payments-prod"}
    tally.feed(opening, send=sent.append)
    assert sent[-1].names == {}  # sent once, not on every event


def test_wizard_collects_every_area_of_the_demo_organization(
    make_wizard: Any, tmp_path: Path, qtbot: Any
) -> None:
    """Issue 3's end-to-end check from the GUI: the demo seed (every service area) in moto in-process,
    collected through the wizard with every service, and the Inventory compared with the seed."""
    from analysis.model.inventory import build_inventory
    from collectors.demo.seed import seed_demo_organization
    from collectors.registry import SELECTABLE

    with mock_aws():
        seeded = seed_demo_organization()
        wizard = make_wizard(FaultyFactory())
        wizard.next()
        wizard.next()
        path = tmp_path / "demo.awb"
        choose_scope(wizard, path, services=SELECTABLE)
        wizard.next()
        wizard.next()
        qtbot.waitUntil(lambda: wizard.run_page.isComplete(), timeout=240_000)
    outcome = wizard.run_page.outcome
    assert outcome is not None and outcome.result.status == "complete"
    with Snapshot.open(path) as snap:
        inv = build_inventory(snap)
    data = seeded.resources["data"]
    assert {b.name for b in inv.s3.buckets.values()} >= set(data["buckets"])
    assert {i.identifier for i in inv.rds.instances.values()} == set(data["db_instances"])
    for name, facts in seeded.resources["network"]["resources"].items():
        arn = inv.network.ids.get(facts["id"])
        if arn is not None:
            assert inv.by_arn[arn].account_id == seeded.accounts[facts["account"]], name
    for name, facts in seeded.resources["monitoring"]["trails"].items():
        assert inv.by_arn[facts["arn"]].name == name
    for name, users in seeded.users.items():
        have = {u.name for u in inv.iam.users.values() if u.account_id == seeded.accounts[name]}
        assert set(users) <= have, name
    assert set(inv.organization.accounts) == set(seeded.accounts.values())
