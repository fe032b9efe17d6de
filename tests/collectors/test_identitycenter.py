"""The identitycenter collector against moto, and the demo's Identity Center collected and normalized.

moto 5.2 gaps, stubbed at botocore's transport (tests/support/faults.py rules):
- ``GetPermissionsBoundaryForPermissionSet`` is not implemented (moto raises NotImplementedError
  in-process, even when a transport hook has answered): the ``moto_boundary`` fixture gives moto's
  SSOAdminResponse that action, answering ResourceNotFoundException, AWS's answer for a permission
  set without a boundary.
- ``ListAccountsForProvisionedPermissionSet`` returns only the caller's account (moto ignores
  the target of provisioning): answered with the accounts the set was assigned to, as AWS does.
- moto creates an Identity Center instance in every account and region; AWS has one per
  organization. The tests look at the management account's instance in us-east-1.
The tests marked ``needs_nested`` need the From.inherit / Op.service extension of collectors/spec.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from moto import mock_aws
from moto.ssoadmin.exceptions import ResourceNotFoundException
from moto.ssoadmin.responses import SSOAdminResponse

from analysis.model.coverage import Coverage
from analysis.model.iam import normalize_iam
from analysis.model.identitycenter import IdentityCenterInventory, normalize_identitycenter
from analysis.model.source import PageSource
from collectors.access import OrganizationsAccess
from collectors.demo.seed import SeedContext, seed_admin_baseline, seed_organization_tree
from collectors.demo.seed_identity_center import seed_identity_center
from collectors.identitycenter import COLLECTORS, NESTED_PARAMETERS
from collectors.runner import CollectionRequest, collect
from snapshot import Snapshot, SnapshotWriter
from tests.support.collect_one import collect_one
from tests.support.faults import FaultyFactory, json_error

needs_nested = pytest.mark.skipif(
    not NESTED_PARAMETERS,
    reason="needs From.inherit and Op.service in collectors/spec.py (the proposed extension)",
)
COLLECTOR = COLLECTORS[0]


@pytest.fixture(autouse=True)
def moto_boundary(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_boundary(self: Any) -> str:
        raise ResourceNotFoundException("no permissions boundary is attached to the permission set")

    monkeypatch.setattr(
        SSOAdminResponse, "get_permissions_boundary_for_permission_set", no_boundary, raising=False
    )


class _Body:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Any:
        yield self._body


def json_ok(body: dict[str, Any]) -> AWSResponse:
    return AWSResponse(
        "https://example.invalid/",
        200,
        {"Content-Type": "application/x-amz-json-1.1"},
        _Body(json.dumps(body).encode()),
    )


def _inventory(snap: Snapshot, *, with_iam: bool = False) -> IdentityCenterInventory:
    source = PageSource(snap)
    coverage = Coverage(calls=snap.calls(), manifest=snap.manifest)
    iam = normalize_iam(source, coverage) if with_iam else None
    return normalize_identitycenter(source, coverage, iam=iam)


def test_instances_and_permission_sets_are_collected(tmp_path: Path) -> None:
    with mock_aws():
        sso = boto3.client("sso-admin", region_name="us-east-1")
        instance = sso.list_instances()["Instances"][0]["InstanceArn"]
        arns = {
            sso.create_permission_set(Name=f"Set{i}", InstanceArn=instance)["PermissionSet"][
                "PermissionSetArn"
            ]
            for i in range(3)
        }
        factory = FaultyFactory(rules=[_moto_gaps({})])
        snap = collect_one(COLLECTOR, tmp_path / "ic.awb", region="us-east-1", factory=factory)
    calls = snap.calls(service="sso-admin", operation="ListPermissionSets")
    assert [c.parameters for c in calls] == [{"InstanceArn": instance}]
    assert all(c.region == "us-east-1" and c.outcome in ("ok", "absent") for c in snap.calls())
    inv = _inventory(snap)
    assert set(inv.instances) == {instance}
    assert set(inv.instances[instance].permission_set_arns) == arns


def test_denied_list_instances_is_recorded_and_nothing_is_derived(tmp_path: Path) -> None:
    def deny(service: str, operation: str, params: dict[str, Any]) -> Any:
        if operation == "ListInstances":
            return json_error("AccessDeniedException", "not authorized to perform sso:ListInstances", 400)
        return None

    with mock_aws():
        snap = collect_one(COLLECTOR, tmp_path / "ic.awb", factory=FaultyFactory(rules=[deny]))
    (call,) = snap.calls()
    assert (call.operation, call.outcome, call.page_count) == ("ListInstances", "access_denied", 0)
    coverage = Coverage(calls=snap.calls(), manifest=snap.manifest)
    state = coverage.state(
        account_id="123456789012", region="us-east-1", service="sso-admin", operation="ListInstances"
    )
    assert state.state == "denied" and not state.answered
    assert _inventory(snap).instances == {}


def _moto_gaps(assigned: dict[str, list[str]]) -> Any:
    def rule(service: str, operation: str, params: dict[str, Any]) -> Any:
        if operation == "ListAccountsForProvisionedPermissionSet":
            return json_ok({"AccountIds": assigned.get(params["PermissionSetArn"], [])})
        return None

    return rule


@needs_nested
def test_demo_identity_center_collected_equals_what_was_seeded(tmp_path: Path) -> None:
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        ctx = SeedContext(session=session, org=session.client("organizations", region_name="us-east-1"))
        seed_organization_tree(ctx)
        seed_admin_baseline(ctx)
        seed_identity_center(ctx)
        seeded = ctx.resources["identity_center"]
        assigned: dict[str, list[str]] = {}
        for account, set_name, _, _ in seeded["assignments"]:
            accounts = assigned.setdefault(seeded["permission_sets"][set_name], [])
            if ctx.accounts[account] not in accounts:
                accounts.append(ctx.accounts[account])
        targets = sorted({ctx.accounts[a] for a, *_ in seeded["assignments"]})
        factory = FaultyFactory(rules=[_moto_gaps(assigned)])
        path = tmp_path / "demo.awb"
        writer = SnapshotWriter.create(path, tool_version="test")
        result = collect(
            request=CollectionRequest(
                regions=("us-east-1",),
                services=("iam", "identitycenter"),
                accounts=tuple(targets),
            ),
            access=OrganizationsAccess(factory=factory, profile=None),
            factory=factory,
            writer=writer,
        )
        writer.close()
    assert result.status == "complete" and result.errors == 0 and result.denied == 0
    snap = Snapshot.open(path)
    inv = _inventory(snap, with_iam=True)
    instance = inv.instances[seeded["instance_arn"]]
    assert instance.account_id == ctx.accounts["management"] and instance.region == "us-east-1"
    names = {inv.permission_sets[a].name: inv.permission_sets[a] for a in instance.permission_set_arns}
    assert set(names) == {"AdministratorAccess", "SecurityAudit"}
    assert names["AdministratorAccess"].session_seconds == 12 * 3600
    assert (
        names["SecurityAudit"].inline_policy is not None
        and names["SecurityAudit"].inline_state == "collected"
    )
    assert names["AdministratorAccess"].boundary_state == "absent"
    # Assignments: exactly the seeded ones, with principals named from the identity store.
    got = {
        (a.account_id, inv.permission_sets[a.permission_set_arn].name, a.principal_type, a.principal_name)
        for a in inv.assignments
    }
    assert got == {(ctx.accounts[a], s, t, p) for a, s, t, p in seeded["assignments"]}
    admins = inv.groups[f"arn:aws:identitystore:::group/{seeded['groups']['platform-admins']['id']}"]
    assert len(admins.member_user_ids) == 2
    # Roles traced back to people: payments-prod admin role -> the two platform admins and the contractor.
    role_arn = seeded["roles"]["payments-prod"]["AdministratorAccess"]
    people = {u.user_name for u in inv.people_for_role(role_arn)}
    assert people == {
        "maria.platform@example-corp.example",
        "tom.platform@example-corp.example",
        "dev.contractor@contractor.example",
    }
    assert set(inv.role_index) == {arn for per in seeded["roles"].values() for arn in per.values()}
    # identitystore calls are recorded under their own service, in the instance's account and region.
    store_calls = snap.calls(
        service="identitystore", operation="ListUsers", account_id=ctx.accounts["management"]
    )
    assert [(c.region, c.parameters) for c in store_calls] == [
        ("us-east-1", {"IdentityStoreId": seeded["identity_store_id"]})
    ]


@needs_nested
def test_denied_identity_store_leaves_people_not_collected(tmp_path: Path) -> None:
    def deny(service: str, operation: str, params: dict[str, Any]) -> Any:
        if service == "identitystore":
            return json_error(
                "AccessDeniedException", f"not authorized to perform identitystore:{operation}", 400
            )
        if operation == "GetPermissionsBoundaryForPermissionSet":
            return json_error("ResourceNotFoundException", "no permissions boundary", 400)
        return None

    with mock_aws():
        sso = boto3.client("sso-admin", region_name="us-east-1")
        instance = sso.list_instances()["Instances"][0]
        sso.create_permission_set(Name="Admin", InstanceArn=instance["InstanceArn"])
        snap = collect_one(COLLECTOR, tmp_path / "ic.awb", factory=FaultyFactory(rules=[deny]))
    (users_call,) = snap.calls(service="identitystore", operation="ListUsers")
    assert users_call.outcome == "access_denied" and users_call.parameters == {
        "IdentityStoreId": instance["IdentityStoreId"]
    }
    inv = _inventory(snap)
    found = inv.instances[instance["InstanceArn"]]
    assert found.users_state == "denied" and found.groups_state == "denied" and inv.users == {}
    (ps,) = inv.permission_sets.values()
    assert ps.name == "Admin" and ps.boundary_state == "absent" and ps.describe_state == "collected"
