"""The collection runner against a multi-account moto organization (in-process mock_aws).

Denials and throttling are injected at botocore's transport (tests/support/faults.py): moto
allows every call, and the point is how *our* code records what AWS answers.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from collectors.access import OrganizationsAccess
from collectors.readonly import ALLOWED_OPERATIONS, ReadOnlyViolation
from collectors.runner import CollectionRequest, CollectionResult, collect
from snapshot import Snapshot, SnapshotWriter
from tests.collectors.helpers import account_parents, ou_parents, outcomes, pages, policy_targets, principals
from tests.collectors.orgbuilder import MotoOrg, build_org
from tests.support.faults import FaultyFactory, json_error, query_error

REGIONS = ("us-east-1",)
# The runner's behaviour is tested on the foundation collectors; each service area has its own tests.
SERVICES = ("organizations", "iam")


@pytest.fixture
def org() -> Any:
    with mock_aws():
        yield build_org()


def run_collection(
    path: Path,
    factory: FaultyFactory | None = None,
    *,
    request: CollectionRequest | None = None,
    cancelled: Any = None,
    resume: bool = False,
) -> CollectionResult:
    factory = factory or FaultyFactory()
    writer = SnapshotWriter.resume(path) if resume else SnapshotWriter.create(path, tool_version="test")
    try:
        return collect(
            request=request or CollectionRequest(regions=REGIONS, services=SERVICES),
            access=OrganizationsAccess(factory=factory, profile=None),
            factory=factory,
            writer=writer,
            cancelled=cancelled,
        )
    finally:
        writer.close()


def test_collected_snapshot_equals_what_was_created(org: MotoOrg, tmp_path: Path) -> None:
    path = tmp_path / "org.snapshot"
    factory = FaultyFactory()
    result = run_collection(path, factory)
    assert result.status == "complete"
    assert result.errors == 0 and result.denied == 0
    all_accounts = {org.management, *org.accounts.values()}
    assert set(result.accounts) == all_accounts
    assert {o.status for o in result.accounts.values()} == {"collected"}

    with Snapshot.open(path) as snap:
        assert snap.integrity == "intact"
        assert snap.manifest["organization_id"].startswith("o-")
        assert snap.manifest["management_account_id"] == org.management
        assert snap.manifest["identity"]["Account"] == org.management
        # OU tree: every OU under the right parent; every account in its OU.
        assert ou_parents(snap) == {
            org.ous["Security"]: org.root,
            org.ous["Workloads"]: org.root,
            org.ous["Prod"]: org.ous["Workloads"],
        }
        assert account_parents(snap) == org.parents
        listed = {a["Id"] for p in pages(snap, "organizations", "ListAccounts") for a in p["Accounts"]}
        assert listed == all_accounts
        # Policy targets: the SCP we attached, and FullAWSAccess on the root (moto attaches it everywhere).
        targets = policy_targets(snap)
        assert targets[org.scp_id] == {org.ous["Workloads"]}
        contents = [p["Policy"]["Content"] for p in pages(snap, "organizations", "DescribePolicy")]
        assert any("LeaveOrganization" in c for c in contents)
        # IAM principals per account, each recorded under its own account.
        for account_id in all_accounts:
            users, roles = principals(snap, account_id)
            assert org.users[account_id] <= users
            assert users - org.users[account_id] == set()
            assert org.roles.get(account_id, set()) <= roles
        # Access evidence: AssumeRole rows without credentials.
        assume = snap.calls(service="sts", operation="AssumeRole")
        assert {c.account_id for c in assume} == set(org.accounts.values())
        raw = path.read_bytes()
        for c in assume:
            assert c.outcome == "ok"
            assert "OrganizationAccountAccessRole" in c.parameters["RoleArn"]
        assert b"SecretAccessKey" not in raw and b"SessionToken" not in raw
    # Only allowlisted operations were ever sent.
    assert factory.sent and set(factory.sent) <= ALLOWED_OPERATIONS


def test_service_denied_is_recorded_and_the_rest_completes(org: MotoOrg, tmp_path: Path) -> None:
    def deny_iam(service: str, operation: str, params: dict[str, Any]) -> Any:
        if service == "iam":
            return query_error("AccessDenied", f"not authorized to perform iam:{operation}", 403)
        return None

    path = tmp_path / "denied.snapshot"
    result = run_collection(path, FaultyFactory(rules=[deny_iam]))
    assert result.status == "complete"
    assert result.denied > 0
    assert {o.status for o in result.accounts.values()} == {"partial"}
    with Snapshot.open(path) as snap:
        iam = outcomes(snap, service="iam")
        assert iam and set(iam.values()) <= {"access_denied"}
        # Denied is not empty: the denied call is there, with no pages, and nothing was derived from it.
        details = snap.calls(service="iam", operation="GetAccountAuthorizationDetails")
        assert len(details) == 4 and all(c.outcome == "access_denied" and c.page_count == 0 for c in details)
        assert all(c.error_code == "AccessDenied" for c in details)
        assert snap.calls(service="iam", operation="ListAccessKeys") == []
        # Everything else was collected.
        assert all(o == "ok" for o in outcomes(snap, service="organizations").values())
        assert len(snap.calls(service="ec2", operation="DescribeRegions")) == 4


def test_account_access_denied_is_recorded_and_other_accounts_complete(org: MotoOrg, tmp_path: Path) -> None:
    blocked = org.accounts["prod-b"]

    def deny_assume(service: str, operation: str, params: dict[str, Any]) -> Any:
        if operation == "AssumeRole" and blocked in params.get("RoleArn", ""):
            return query_error("AccessDenied", "not authorized to perform sts:AssumeRole", 403)
        return None

    path = tmp_path / "account.snapshot"
    result = run_collection(path, FaultyFactory(rules=[deny_assume]))
    assert result.status == "complete"
    assert result.accounts[blocked].status == "access_failed"
    assert "AccessDenied" in result.accounts[blocked].detail
    others = {k: v.status for k, v in result.accounts.items() if k != blocked}
    assert set(others.values()) == {"collected"}
    with Snapshot.open(path) as snap:
        (attempt,) = snap.calls(service="sts", operation="AssumeRole", account_id=blocked)
        assert attempt.outcome == "access_denied"
        assert snap.calls(service="iam", account_id=blocked) == []
        assert snap.manifest["account_outcomes"][blocked]["status"] == "access_failed"
        users, _ = principals(snap, org.accounts["prod-a"])
        assert users == {"prod-a-dev"}


def test_throttling_is_retried_and_recorded(org: MotoOrg, tmp_path: Path) -> None:
    lock = threading.Lock()
    throttled = {"n": 0}

    def throttle_twice(service: str, operation: str, params: dict[str, Any]) -> Any:
        if operation == "ListAccounts":
            with lock:
                if throttled["n"] < 2:
                    throttled["n"] += 1
                    return json_error("TooManyRequestsException", "Rate exceeded", 400)
        return None

    path = tmp_path / "throttled.snapshot"
    result = run_collection(path, FaultyFactory(rules=[throttle_twice]))
    assert throttled["n"] == 2
    assert result.status == "complete" and result.throttled >= 1
    with Snapshot.open(path) as snap:
        (call,) = snap.calls(service="organizations", operation="ListAccounts")
        assert call.outcome == "throttled_then_ok"
        assert len(pages(snap, "organizations", "ListAccounts")[0]["Accounts"]) == 4


def test_cancelled_collection_resumes_to_the_same_result(org: MotoOrg, tmp_path: Path) -> None:
    full = tmp_path / "full.snapshot"
    full_factory = FaultyFactory()
    run_collection(full, full_factory)

    partial = tmp_path / "partial.snapshot"
    factory = FaultyFactory()
    stop_after = 25
    first = run_collection(partial, factory, cancelled=lambda: len(factory.sent) >= stop_after)
    assert first.status == "cancelled"
    with Snapshot.open(partial) as snap:
        assert snap.integrity == "intact" and snap.status == "cancelled"
        done_first = {c.call_key for c in snap.calls()}
    assert len(done_first) > 0

    resumed_factory = FaultyFactory()
    second = run_collection(partial, resumed_factory, resume=True)
    assert second.status == "complete"
    # Completed calls were replayed from the file, not sent again (GetCallerIdentity of the
    # profile is always re-asked: it proves the credentials work now).
    assert second.replayed >= len(done_first) - 1
    # At most: the identity check and a fresh AssumeRole per member account are sent again.
    redo_allowance = 1 + len(org.accounts)
    assert len(factory.sent) + len(resumed_factory.sent) <= len(full_factory.sent) + redo_allowance
    assert len(resumed_factory.sent) < len(full_factory.sent)

    with Snapshot.open(full) as a, Snapshot.open(partial) as b:
        keys_a = {c.call_key: c.outcome for c in a.calls()}
        keys_b = {c.call_key: c.outcome for c in b.calls()}
        assert keys_a == keys_b
        assert ou_parents(a) == ou_parents(b)
        assert account_parents(a) == account_parents(b)
        assert policy_targets(a) == policy_targets(b)
        for account_id in {org.management, *org.accounts.values()}:
            assert principals(a, account_id) == principals(b, account_id)
        assert [r["status"] for r in b.manifest["runs"]] == ["cancelled", "complete"]


def test_non_allowlisted_operation_is_refused_before_sending(org: MotoOrg) -> None:
    factory = FaultyFactory()
    session = factory.credentials_session(boto3.Session().get_credentials())
    iam = factory.client(session, "iam", "us-east-1")
    with pytest.raises(ReadOnlyViolation):
        iam.create_user(UserName="should-not-exist")
    assert ("iam", "CreateUser") not in factory.sent
    assert "should-not-exist" not in {u["UserName"] for u in boto3.client("iam").list_users()["Users"]}


def test_every_collector_operation_is_a_read() -> None:
    from collectors.readonly import NON_GET_READS, READ_PREFIXES, SIGN_IN_OPERATIONS, collection_operations

    for service, operation in collection_operations():
        assert operation.startswith(READ_PREFIXES) or (service, operation) in NON_GET_READS, operation
    for _, operation in SIGN_IN_OPERATIONS:
        assert (
            not operation.startswith(("Create", "Put", "Delete", "Update", "Attach", "Detach", "Tag"))
            or operation == "CreateToken"
        )


def test_account_and_region_filters(org: MotoOrg, tmp_path: Path) -> None:
    path = tmp_path / "filtered.snapshot"
    request = CollectionRequest(
        ous=(org.ous["Workloads"],), regions=("us-east-1", "ap-east-1"), services=SERVICES
    )
    result = run_collection(path, request=request)
    assert set(result.accounts) == {org.accounts["prod-a"], org.accounts["prod-b"]}
    for outcome in result.accounts.values():
        # ap-east-1 is an opt-in region not enabled in these accounts: recorded as such, not an error.
        assert outcome.regions_disabled == ["ap-east-1"]
        assert outcome.regions_collected == ["us-east-1"]
    with Snapshot.open(path) as snap:
        assert {c.account_id for c in snap.calls(service="iam")} == {
            org.accounts["prod-a"],
            org.accounts["prod-b"],
        }
        assert snap.manifest["scope"]["ous"] == [org.ous["Workloads"]]


def test_unknown_account_in_filter_is_reported(org: MotoOrg, tmp_path: Path) -> None:
    request = CollectionRequest(
        accounts=(org.accounts["audit"], "000000000000"), regions=REGIONS, services=SERVICES
    )
    result = run_collection(tmp_path / "acc.snapshot", request=request)
    assert result.accounts[org.accounts["audit"]].status == "collected"
    assert result.accounts["000000000000"].status == "skipped"
    assert "not found" in result.accounts["000000000000"].detail
