"""The Identity Center Inventory from small snapshots: permission sets, assignments, people, roles.

The calls are the ones the identitycenter collector records (sso-admin and identitystore in the
instance's account and region), written with the real SnapshotWriter.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from analysis.model.coverage import Coverage
from analysis.model.iam import normalize_iam
from analysis.model.identitycenter import IdentityCenterInventory, normalize_identitycenter
from analysis.model.source import PageSource
from snapshot import Snapshot
from tests.analysis.model.builders import FakeCall, write_snapshot

MGMT, PROD = "111111111111", "555555555555"
REGION = "eu-west-1"
INSTANCE = "arn:aws:sso:::instance/ssoins-abcdef0123456789"
STORE = "d-1234567890"
ADMIN_SET = "arn:aws:sso:::permissionSet/ssoins-abcdef0123456789/ps-admin0000000001"
AUDIT_SET = "arn:aws:sso:::permissionSet/ssoins-abcdef0123456789/ps-audit0000000001"
GROUP_ADMINS, GROUP_AUDIT = "g-admins", "g-auditors"
ALICE, BOB, CAROL = "u-alice", "u-bob", "u-carol"


def _sso(operation: str, params: dict[str, Any], pages: list[dict[str, Any]], **kw: Any) -> FakeCall:
    return FakeCall(
        service=kw.pop("service", "sso-admin"),
        operation=operation,
        params=params,
        pages=pages,
        account_id=MGMT,
        region=REGION,
        **kw,
    )


def _denied(operation: str, params: dict[str, Any], service: str = "sso-admin") -> FakeCall:
    return _sso(
        operation,
        params,
        [],
        service=service,
        outcome="access_denied",
        error_code="AccessDeniedException",
        error_message="not authorized",
    )


def _calls(*, deny_memberships: bool = False) -> list[FakeCall]:
    inst = {"InstanceArn": INSTANCE}
    admin = {**inst, "PermissionSetArn": ADMIN_SET}
    audit = {**inst, "PermissionSetArn": AUDIT_SET}
    store = {"IdentityStoreId": STORE}
    inline = json.dumps({"Statement": {"Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"}})
    calls = [
        _sso(
            "ListInstances",
            {},
            [
                {
                    "Instances": [
                        {
                            "InstanceArn": INSTANCE,
                            "IdentityStoreId": STORE,
                            "OwnerAccountId": MGMT,
                            "Status": "ACTIVE",
                            "CreatedDate": "2024-01-01T00:00:00Z",
                        }
                    ]
                }
            ],
        ),
        _sso("ListPermissionSets", inst, [{"PermissionSets": [ADMIN_SET]}, {"PermissionSets": [AUDIT_SET]}]),
        _sso(
            "DescribePermissionSet",
            admin,
            [
                {
                    "PermissionSet": {
                        "Name": "AdministratorAccess",
                        "PermissionSetArn": ADMIN_SET,
                        "SessionDuration": "PT12H",
                    }
                }
            ],
        ),
        _sso(
            "DescribePermissionSet",
            audit,
            [
                {
                    "PermissionSet": {
                        "Name": "SecurityAudit",
                        "PermissionSetArn": AUDIT_SET,
                        "SessionDuration": "PT1H30M",
                    }
                }
            ],
        ),
        _sso(
            "ListManagedPoliciesInPermissionSet",
            admin,
            [
                {
                    "AttachedManagedPolicies": [
                        {"Name": "AdministratorAccess", "Arn": "arn:aws:iam::aws:policy/AdministratorAccess"}
                    ]
                }
            ],
        ),
        _sso("ListManagedPoliciesInPermissionSet", audit, [{"AttachedManagedPolicies": []}]),
        _sso("GetInlinePolicyForPermissionSet", admin, [{"InlinePolicy": ""}]),
        _sso("GetInlinePolicyForPermissionSet", audit, [{"InlinePolicy": inline}]),
        _sso(
            "ListCustomerManagedPolicyReferencesInPermissionSet",
            admin,
            [{"CustomerManagedPolicyReferences": [{"Name": "BreakGlass", "Path": "/ops/"}]}],
        ),
        _denied("ListCustomerManagedPolicyReferencesInPermissionSet", audit),
        _sso(
            "GetPermissionsBoundaryForPermissionSet",
            admin,
            [],
            outcome="absent",
            error_code="ResourceNotFoundException",
            error_message="no boundary",
        ),
        _sso(
            "GetPermissionsBoundaryForPermissionSet",
            audit,
            [{"PermissionsBoundary": {"CustomerManagedPolicyReference": {"Name": "AuditCeiling"}}}],
        ),
        _sso("ListAccountsForProvisionedPermissionSet", admin, [{"AccountIds": [MGMT, PROD]}]),
        _sso("ListAccountsForProvisionedPermissionSet", audit, [{"AccountIds": [PROD]}]),
        _sso(
            "ListAccountAssignments",
            {**admin, "AccountId": MGMT},
            [
                {
                    "AccountAssignments": [
                        {
                            "AccountId": MGMT,
                            "PermissionSetArn": ADMIN_SET,
                            "PrincipalType": "USER",
                            "PrincipalId": BOB,
                        }
                    ]
                }
            ],
        ),
        _sso(
            "ListAccountAssignments",
            {**admin, "AccountId": PROD},
            [
                {
                    "AccountAssignments": [
                        {
                            "AccountId": PROD,
                            "PermissionSetArn": ADMIN_SET,
                            "PrincipalType": "GROUP",
                            "PrincipalId": GROUP_ADMINS,
                        },
                        {
                            "AccountId": PROD,
                            "PermissionSetArn": ADMIN_SET,
                            "PrincipalType": "USER",
                            "PrincipalId": "u-gone",
                        },
                    ]
                }
            ],
        ),
        _sso(
            "ListAccountAssignments",
            {**audit, "AccountId": PROD},
            [
                {
                    "AccountAssignments": [
                        {
                            "AccountId": PROD,
                            "PermissionSetArn": AUDIT_SET,
                            "PrincipalType": "GROUP",
                            "PrincipalId": GROUP_AUDIT,
                        }
                    ]
                }
            ],
        ),
        _sso(
            "ListUsers",
            store,
            [
                {
                    "Users": [
                        {
                            "UserId": ALICE,
                            "UserName": "alice@example.com",
                            "DisplayName": "Alice",
                            "Emails": [{"Value": "alice@example.com"}],
                        },
                        {"UserId": BOB, "UserName": "bob@example.com"},
                    ]
                },
                {"Users": [{"UserId": CAROL, "UserName": "carol@example.com"}]},
            ],
            service="identitystore",
        ),
        _sso(
            "ListGroups",
            store,
            [
                {
                    "Groups": [
                        {"GroupId": GROUP_ADMINS, "DisplayName": "platform-admins"},
                        {"GroupId": GROUP_AUDIT, "DisplayName": "auditors"},
                    ]
                }
            ],
            service="identitystore",
        ),
        _sso(
            "ListGroupMemberships",
            {**store, "GroupId": GROUP_ADMINS},
            [{"GroupMemberships": [{"GroupId": GROUP_ADMINS, "MemberId": {"UserId": ALICE}}]}],
            service="identitystore",
        ),
    ]
    audit_members = {**store, "GroupId": GROUP_AUDIT}
    if deny_memberships:
        calls.append(_denied("ListGroupMemberships", audit_members, service="identitystore"))
    else:
        calls.append(
            _sso(
                "ListGroupMemberships",
                audit_members,
                [{"GroupMemberships": [{"GroupId": GROUP_AUDIT, "MemberId": {"UserId": CAROL}}]}],
                service="identitystore",
            )
        )
    # The roles the permission sets provisioned in the prod account, as IAM lists them.
    trust = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": "arn:aws:iam::555555555555:saml-provider/AWSSSO_x_DO_NOT_DELETE"},
                "Action": "sts:AssumeRoleWithSAML",
            }
        ]
    }
    roles = [
        {
            "RoleName": name,
            "Path": "/aws-reserved/sso.amazonaws.com/eu-west-1/",
            "Arn": f"arn:aws:iam::{PROD}:role/aws-reserved/sso.amazonaws.com/eu-west-1/{name}",
            "AssumeRolePolicyDocument": trust,
        }
        for name in (
            "AWSReservedSSO_AdministratorAccess_0123456789abcdef",
            "AWSReservedSSO_SecurityAudit_fedcba9876543210",
        )
    ]
    roles.append(
        {
            "RoleName": "AWSReservedSSO_AdministratorAccess_fake",
            "Path": "/",
            "Arn": f"arn:aws:iam::{PROD}:role/AWSReservedSSO_AdministratorAccess_fake",
        }
    )
    calls.append(
        FakeCall(
            service="iam",
            operation="GetAccountAuthorizationDetails",
            account_id=PROD,
            pages=[{"RoleDetailList": roles}],
        )
    )
    return calls


def _inventory(path: Path, with_iam: bool = True) -> IdentityCenterInventory:
    snap = Snapshot.open(path)
    source = PageSource(snap)
    coverage = Coverage(calls=snap.calls(), manifest=snap.manifest)
    iam = normalize_iam(source, coverage) if with_iam else None
    return normalize_identitycenter(source, coverage, iam=iam)


@pytest.fixture
def inv(tmp_path: Path) -> IdentityCenterInventory:
    return _inventory(write_snapshot(tmp_path / "ic.awb", calls=_calls()))


def test_instance_and_permission_sets(inv: IdentityCenterInventory) -> None:
    (instance,) = inv.instances.values()
    assert instance.arn == INSTANCE and instance.region == REGION and instance.account_id == MGMT
    assert instance.identity_store_id == STORE and instance.permission_set_arns == (ADMIN_SET, AUDIT_SET)
    assert instance.users_state == "collected" and instance.permission_sets_state == "collected"
    admin, audit = inv.permission_sets[ADMIN_SET], inv.permission_sets[AUDIT_SET]
    assert admin.name == "AdministratorAccess" and admin.session_seconds == 12 * 3600
    assert audit.session_duration == "PT1H30M" and audit.session_seconds == 5400
    assert admin.managed_policy_arns == ("arn:aws:iam::aws:policy/AdministratorAccess",)
    assert admin.provisioned_account_ids == (MGMT, PROD)


def test_inline_customer_managed_and_boundary_states(inv: IdentityCenterInventory) -> None:
    admin, audit = inv.permission_sets[ADMIN_SET], inv.permission_sets[AUDIT_SET]
    # "" is AWS's "no inline policy": absent, not an empty document.
    assert admin.inline_policy is None and admin.inline_state == "absent"
    assert audit.inline_policy is not None and audit.inline_state == "collected"
    assert audit.inline_policy.statements[0].effect == "Deny"
    assert [(r.name, r.path) for r in admin.customer_managed_policies] == [("BreakGlass", "/ops/")]
    assert audit.customer_managed_policies == () and audit.customer_managed_state == "denied"
    assert admin.boundary_state == "absent" and admin.boundary_customer_managed is None
    assert audit.boundary_customer_managed is not None and audit.boundary_customer_managed.path == "/"


def test_assignments_resolved_to_people(inv: IdentityCenterInventory) -> None:
    got = {
        (a.account_id, a.permission_set_arn, a.principal_type, a.principal_name, a.user_ids)
        for a in inv.assignments
    }
    assert got == {
        (MGMT, ADMIN_SET, "USER", "bob@example.com", (BOB,)),
        (PROD, ADMIN_SET, "GROUP", "platform-admins", (ALICE,)),
        (PROD, ADMIN_SET, "USER", None, ("u-gone",)),  # not in the identity store: kept, unnamed
        (PROD, AUDIT_SET, "GROUP", "auditors", (CAROL,)),
    }
    assert all(a.call_ids for a in inv.assignments)
    assert len(inv.assignments_in(PROD)) == 3
    carol = inv.users[f"arn:aws:identitystore:::user/{CAROL}"]
    assert carol.group_ids == (GROUP_AUDIT,)
    assert inv.groups[f"arn:aws:identitystore:::group/{GROUP_ADMINS}"].member_user_ids == (ALICE,)


def test_provisioned_roles_traced_to_people(inv: IdentityCenterInventory) -> None:
    admin_role = f"arn:aws:iam::{PROD}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AdministratorAccess_0123456789abcdef"
    audit_role = f"arn:aws:iam::{PROD}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_SecurityAudit_fedcba9876543210"
    assert set(inv.role_index) == {
        admin_role,
        audit_role,
    }  # the look-alike outside the reserved path is not matched
    assert [u.user_name for u in inv.people_for_role(admin_role)] == ["alice@example.com"]
    assert [u.user_name for u in inv.people_for_role(audit_role)] == ["carol@example.com"]
    # The management account's role is not in the IAM Inventory: provisioning kept, role unknown.
    mgmt = [r for r in inv.provisioned_roles if r.account_id == MGMT]
    assert len(mgmt) == 1 and mgmt[0].role_arn is None and mgmt[0].user_ids == (BOB,)
    assert inv.people_for_role("arn:aws:iam::555555555555:role/other") == ()


def test_without_iam_inventory_roles_are_unmatched(tmp_path: Path) -> None:
    inv = _inventory(write_snapshot(tmp_path / "ic.awb", calls=_calls()), with_iam=False)
    assert inv.role_index == {} and len(inv.provisioned_roles) == 3


def test_denied_memberships_are_not_empty_groups(tmp_path: Path) -> None:
    inv = _inventory(write_snapshot(tmp_path / "ic.awb", calls=_calls(deny_memberships=True)))
    auditors = inv.groups[f"arn:aws:identitystore:::group/{GROUP_AUDIT}"]
    assert auditors.member_user_ids == () and auditors.members_state == "denied"


def test_only_instances_collected_leaves_the_rest_not_collected(tmp_path: Path) -> None:
    """What the collector records before the spec extension: instances and permission set ARNs only."""
    calls = _calls()[:2]
    inv = _inventory(write_snapshot(tmp_path / "ic.awb", calls=calls))
    admin = inv.permission_sets[ADMIN_SET]
    assert admin.name is None and admin.describe_state == "not_collected"
    assert admin.inline_state == "not_collected" and admin.boundary_state == "not_collected"
    assert inv.instances[INSTANCE].users_state == "not_collected"
    assert inv.assignments == () and inv.users == {}


def test_denied_list_instances_gives_no_instance(tmp_path: Path) -> None:
    inv = _inventory(write_snapshot(tmp_path / "ic.awb", calls=[_denied("ListInstances", {})]))
    assert inv.instances == {} and inv.permission_sets == {}
