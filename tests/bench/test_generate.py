"""The synthetic organization generator writes what the real collectors would record: Organizations,
the per-account identity and regions, and IAM (tests/bench/test_generate_services.py covers the rest)."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import botocore.session
import pytest

from bench.generate import GeneratedOrg, generate_snapshot, main
from collectors import iam, organizations
from collectors.calls import CallExecutor, CallTarget, Counters
from collectors.readonly import ALLOWED_OPERATIONS
from collectors.registry import ALL_COLLECTORS
from collectors.runner import REGIONS_OP, STS_OP
from collectors.spec import Collector, Op
from snapshot import INTACT, Snapshot, SnapshotWriter, verify_snapshot
from snapshot.schema import (
    M_ACCOUNT_OUTCOMES,
    M_IDENTITY,
    M_MANAGEMENT_ACCOUNT_ID,
    M_ORGANIZATION_ID,
    M_SCOPE,
    OUTCOMES,
    SUCCESS_OUTCOMES,
)

ROLES, USERS = (
    120,
    7,
)  # 120 roles + 7 users + 5 groups + policies: GetAccountAuthorizationDetails needs 2 pages


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> GeneratedOrg:
    path = tmp_path_factory.mktemp("gen") / "org5.snapshot"
    return generate_snapshot(
        path, accounts=5, roles_per_account=ROLES, users_per_account=USERS, services=("iam",), seed=7
    )


def _param_names(op: Op) -> set[str]:
    names = set(op.params) | {k for v in op.variants for k in v}
    for source in (op.for_each, op.recurse):
        if source is not None:
            names |= {source.param} if source.param else set(source.fields)
    return names


def test_small_org_opens_intact_and_verifies(small: GeneratedOrg) -> None:
    with Snapshot.open(small.path) as snap:
        assert snap.integrity == INTACT
        assert snap.status == "complete"
        assert snap.manifest[M_ORGANIZATION_ID] == small.organization_id
        assert snap.manifest[M_MANAGEMENT_ACCOUNT_ID] == small.management_account_id
        assert snap.manifest[M_IDENTITY]["Account"] == small.management_account_id
        assert snap.manifest[M_SCOPE]["synthetic"]["seed"] == 7
        outcomes = snap.manifest[M_ACCOUNT_OUTCOMES]
        assert set(outcomes) == set(small.account_ids)
        assert {k for k, v in outcomes.items() if v["status"] in ("collected", "partial")} == set(
            small.collected_account_ids
        )
        assert len(snap.calls()) == small.calls
    report = verify_snapshot(small.path)
    assert report.ok, report.problems


def test_every_call_is_allowed_and_uses_the_collectors_parameter_names(small: GeneratedOrg) -> None:
    expected: dict[tuple[str, str], set[str]] = {}
    for collector in ALL_COLLECTORS:
        for op in collector.ops:
            expected[(op.service or collector.service, op.operation)] = _param_names(op)
    expected[("ec2", "DescribeRegions")] = set(REGIONS_OP.params)
    expected[("sts", "GetCallerIdentity")] = set(STS_OP.params)
    # collectors/access.py records AssumeRole with these parameters (never credentials).
    expected[("sts", "AssumeRole")] = {"RoleArn", "RoleSessionName"}
    with Snapshot.open(small.path) as snap:
        calls = snap.calls()
    seen = Counter((c.service, c.operation) for c in calls)
    for call in calls:
        key = (call.service, call.operation)
        assert key in ALLOWED_OPERATIONS, key
        assert set(call.parameters) == expected[key], (key, call.parameters)
        assert call.region == "global"
        assert call.outcome in OUTCOMES
    # Everything the Organizations and IAM collectors ask is there.
    for collector in (organizations.COLLECTOR, iam.COLLECTOR):
        for op in collector.ops:
            if op.operation in ("GetOpenIDConnectProvider", "ListDelegatedServicesForAccount"):
                continue  # asked only when the list before it has items
            assert seen[(collector.service, op.operation)] >= 1, op.operation


def _replay(executor: CallExecutor, collector: Collector, account_id: str, identity: str) -> None:
    def no_client() -> Any:
        raise AssertionError(
            f"the generator did not write a call that {collector.name} makes in {account_id}"
        )

    target = CallTarget(
        account_id=account_id,
        region="global",
        service=collector.service,
        identity_arn=identity,
        client=no_client,
    )
    results: dict[str, list[Any]] = {}
    for op in collector.ops:
        executor.run_op(target, op, results)


def test_the_real_collectors_replay_every_generated_call(small: GeneratedOrg, tmp_path: Path) -> None:
    """Resume the snapshot with the real CallExecutor: every call it would make must be stored,
    and it must make every stored call (AssumeRole is recorded by access, not by a collector)."""
    copy = tmp_path / "copy.snapshot"
    shutil.copy(small.path, copy)
    writer = SnapshotWriter.resume(copy)
    counters = Counters()
    executor = CallExecutor(writer=writer, counters=counters, cancelled=lambda: False)
    try:
        _replay(executor, organizations.COLLECTOR, small.management_account_id, "x")
        assert small.management_account_id in small.collected_account_ids
        for account in small.collected_account_ids:
            for collector in (
                Collector(name="sts", service="sts", scope="global", ops=(STS_OP,)),
                Collector(name="regions", service="ec2", scope="global", ops=(REGIONS_OP,)),
                iam.COLLECTOR,
            ):
                _replay(executor, collector, account, "x")
    finally:
        writer.close()
    with Snapshot.open(small.path) as snap:
        stored = [c for c in snap.calls() if c.operation != "AssumeRole"]
    assert counters.replayed == counters.calls == len(stored)


def _check_shape(value: Any, shape: Any, where: str) -> None:
    """The page matches botocore's output shape: names, nesting and parsed types."""
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(value, dict), where
        unknown = set(value) - set(shape.members)
        assert not unknown, f"{where}: {unknown} not in {shape.name}"
        for name, item in value.items():
            _check_shape(item, shape.members[name], f"{where}.{name}")
    elif kind == "list":
        assert isinstance(value, list), where
        for i, item in enumerate(value):
            _check_shape(item, shape.member, f"{where}[{i}]")
    elif kind == "map":
        assert isinstance(value, dict), where
    elif kind == "timestamp":
        assert dt.datetime.fromisoformat(value).tzinfo is not None, where
    elif kind == "boolean":
        assert isinstance(value, bool), where
    elif kind in ("integer", "long"):
        assert isinstance(value, int) and not isinstance(value, bool), where
    elif kind == "string" and shape.name == "policyDocumentType":
        # botocore's json_decode_policies hands IAM policy documents over as dicts.
        assert isinstance(value, dict) and "Statement" in value, where
    else:
        assert isinstance(value, str), where


def test_pages_have_the_shape_botocore_parses(small: GeneratedOrg) -> None:
    session = botocore.session.Session()
    models = {s: session.get_service_model(s) for s in ("organizations", "iam", "ec2", "sts")}
    with Snapshot.open(small.path) as snap:
        for call in snap.calls():
            if call.operation == "AssumeRole":
                continue  # access evidence written by collectors/access.py, not an API page
            shape = models[call.service].operation_model(call.operation).output_shape
            for page in snap.pages(call.id):
                _check_shape(page, shape, f"{call.service}:{call.operation}")


def test_authorization_details_are_paginated_with_the_requested_numbers(small: GeneratedOrg) -> None:
    with Snapshot.open(small.path) as snap:
        gaad = snap.calls(service="iam", operation="GetAccountAuthorizationDetails")
        succeeded = [c for c in gaad if c.outcome in SUCCESS_OUTCOMES]
        assert succeeded
        for call in succeeded:
            pages = snap.pages(call.id)
            assert len(pages) == call.page_count >= 2
            for i, page in enumerate(pages):
                items = sum(
                    len(page[k]) for k in ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")
                )
                assert items <= 100
                last = i == len(pages) - 1
                assert page["IsTruncated"] is (not last)
                assert ("Marker" in page) is (not last)
            roles = [r for p in pages for r in p["RoleDetailList"]]
            users = [u for p in pages for u in p["UserDetailList"]]
            assert len(roles) == ROLES and len(users) == USERS
            assert all(isinstance(r["AssumeRolePolicyDocument"]["Statement"], list) for r in roles)
            # One ListAccessKeys per user, one GetAccessKeyLastUsed per key listed.
            asked = {
                c.parameters["UserName"]
                for c in snap.calls(operation="ListAccessKeys", account_id=call.account_id)
            }
            assert asked == {u["UserName"] for u in users}
            keys = {
                k["AccessKeyId"]
                for c in snap.calls(operation="ListAccessKeys", account_id=call.account_id)
                for p in snap.pages(c.id)
                for k in p["AccessKeyMetadata"]
            }
            used = snap.calls(operation="GetAccessKeyLastUsed", account_id=call.account_id)
            assert {c.parameters["AccessKeyId"] for c in used} == keys
            report = snap.pages(
                snap.calls(operation="GetCredentialReport", account_id=call.account_id)[0].id
            )[0]
            lines = report["Content"].splitlines()
            assert lines[0].startswith("user,arn,user_creation_time,")
            assert len(lines) == 1 + 1 + USERS  # header, root, users


def test_same_seed_same_pages_other_seed_other_pages(small: GeneratedOrg, tmp_path: Path) -> None:
    again = generate_snapshot(
        tmp_path / "again.snapshot",
        accounts=5,
        roles_per_account=ROLES,
        users_per_account=USERS,
        services=("iam",),
        seed=7,
    )
    other = generate_snapshot(
        tmp_path / "other.snapshot",
        accounts=5,
        roles_per_account=ROLES,
        users_per_account=USERS,
        services=("iam",),
        seed=8,
    )

    def digests(path: Path) -> list[tuple[str, str, str]]:
        conn = sqlite3.connect(path)
        try:
            return conn.execute(
                "SELECT c.call_key, c.started_at, p.sha256 FROM calls c JOIN pages p ON p.call_id = c.id"
                " ORDER BY c.id, p.page_no"
            ).fetchall()
        finally:
            conn.close()

    assert digests(again.path) == digests(small.path)
    assert again.organization_id == small.organization_id
    assert digests(other.path) != digests(small.path)
    assert other.organization_id != small.organization_id


def test_large_org_has_the_ou_tree_and_realistic_failures(tmp_path: Path) -> None:
    org = generate_snapshot(
        tmp_path / "org.snapshot", accounts=120, roles_per_account=12, users_per_account=2, services=("iam",)
    )
    with Snapshot.open(org.path) as snap:
        parents = [c.parameters["ParentId"] for c in snap.calls(operation="ListOrganizationalUnitsForParent")]
        # One call per parent, the root and every OU (leaves answer an empty list).
        assert sorted(parents) == sorted([org.root_id, *org.ou_ids])
        assert len(org.ou_ids) == 26  # 6 top OUs, 18 below them, 2 at the third level
        outcomes = Counter(c.outcome for c in snap.calls())
        assert outcomes["throttled_then_ok"] > 0
        statuses = Counter(v["status"] for v in snap.manifest[M_ACCOUNT_OUTCOMES].values())
        assert statuses["collected"] > 50
        assert set(statuses) <= {"collected", "partial", "access_failed", "skipped"}
        denied = snap.calls(operation="AssumeRole")
        assert all(c.outcome in ("ok", "access_denied") for c in denied)
        scp_targets = {
            c.parameters["PolicyId"]: sum(len(p["Targets"]) for p in snap.pages(c.id))
            for c in snap.calls(operation="ListTargetsForPolicy")
        }
        # FullAWSAccess is attached to the root, every OU and every account, over several pages.
        assert scp_targets["p-FullAWSAccess"] == 1 + len(org.ou_ids) + len(org.account_ids)


def test_cli_refuses_an_existing_file_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "exists.snapshot"
    out.write_bytes(b"")
    assert main(["--accounts", "2", "--roles", "3", "--users", "1", "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "already exists" in err and "\n" not in err
    assert main(["--accounts", "0", "--out", str(tmp_path / "new.snapshot"), "--quiet"]) == 2
    assert "at least 1" in capsys.readouterr().err


def test_fake_endpoint_answers_botocore_with_the_generated_content() -> None:
    from bench.fake_endpoint import FakeIamEndpoint

    with FakeIamEndpoint(users=6, roles=110) as endpoint:
        client = botocore.session.Session().create_client(
            "iam",
            region_name="us-east-1",
            endpoint_url=endpoint.url,
            aws_access_key_id="AKIAFAKEFAKEFAKEFAKE",
            aws_secret_access_key="not-a-secret",
        )
        account = endpoint.account
        pages = list(client.get_paginator("get_account_authorization_details").paginate())
        assert len(pages) == len(account.authorization_pages) >= 2
        roles = [r["RoleName"] for p in pages for r in p["RoleDetailList"]]
        assert roles == [r["RoleName"] for r in account.roles]
        assert (
            pages[0]["RoleDetailList"][0]["AssumeRolePolicyDocument"]
            == account.roles[0]["AssumeRolePolicyDocument"]
        )
        user, keys = next((u, k) for u, k in account.access_keys.items() if k)
        listed = client.list_access_keys(UserName=user)["AccessKeyMetadata"]
        assert [k["AccessKeyId"] for k in listed] == [k["AccessKeyId"] for k in keys]
        last = client.get_access_key_last_used(AccessKeyId=keys[0]["AccessKeyId"])
        assert last["UserName"] == user
        with pytest.raises(client.exceptions.NoSuchEntityException):
            client.get_access_key_last_used(AccessKeyId="AKIAUNKNOWNUNKNOWN00")
