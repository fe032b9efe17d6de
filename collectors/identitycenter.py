"""IAM Identity Center instances, permission sets and policies, account assignments, users and groups.

Regional: an organization's instance lives in one region of the management (or delegated
administrator) account, and ``ListInstances`` elsewhere answers an empty list. Everything below
the instance needs the instance's ARN *and* a value from a later listing (a permission set, an
account), or, for the identity store, a value from another service's response
(``IdentityStoreId`` from sso-admin ``ListInstances``). Declaring those needs two small
additions to ``collectors/spec.py``: ``From.inherit`` (copy parameters of the source call into
the calls derived from its pages: a nested for-each) and ``Op.service`` (send an op to another
client of the same account and region). Until they exist, only what the current spec can
express is declared: the instances and their permission sets, with a recorded call each, so the
rest shows as not collected rather than empty.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from collectors.spec import Collector, From, Op

SSO_ADMIN = "sso-admin"
IDENTITY_STORE = "identitystore"

# True once collectors/spec.py has From.inherit and Op.service (the extension proposed with this module).
NESTED_PARAMETERS = "inherit" in {f.name for f in fields(From)} and "service" in {f.name for f in fields(Op)}


def _from(**kwargs: Any) -> From:
    # Keyword arguments pass through untyped so that this module type-checks with and without the
    # extension (``inherit``, ``service``) in collectors/spec.py.
    return From(**kwargs)


def _op(**kwargs: Any) -> Op:
    return Op(**kwargs)


def _per_set(operation: str, **extra: Any) -> Op:
    """An op called once per permission set, with the instance ARN of the listing that found it."""
    return _op(
        operation=operation,
        for_each=_from(
            sources=("ListPermissionSets",),
            path="PermissionSets",
            param="PermissionSetArn",
            inherit=("InstanceArn",),
        ),
        **extra,
    )


def _ops() -> tuple[Op, ...]:
    base = (
        Op(operation="ListInstances"),
        Op(
            operation="ListPermissionSets",
            for_each=From(sources=("ListInstances",), path="Instances[].InstanceArn", param="InstanceArn"),
        ),
    )
    if not NESTED_PARAMETERS:
        return base
    store = From(sources=("ListInstances",), path="Instances[].IdentityStoreId", param="IdentityStoreId")
    return (
        *base,
        _per_set("DescribePermissionSet"),
        _per_set("ListManagedPoliciesInPermissionSet"),
        _per_set("GetInlinePolicyForPermissionSet"),
        _per_set("ListCustomerManagedPolicyReferencesInPermissionSet"),
        _per_set("ListAccountsForProvisionedPermissionSet"),
        # One call per (instance, permission set, account): the accounts come from the provisioning
        # listing of that permission set, whose own parameters carry the instance and the set.
        _op(
            operation="ListAccountAssignments",
            for_each=_from(
                sources=("ListAccountsForProvisionedPermissionSet",),
                path="AccountIds",
                param="AccountId",
                inherit=("InstanceArn", "PermissionSetArn"),
            ),
        ),
        _op(operation="ListUsers", service=IDENTITY_STORE, for_each=store),
        _op(operation="ListGroups", service=IDENTITY_STORE, for_each=store),
        _op(
            operation="ListGroupMemberships",
            service=IDENTITY_STORE,
            for_each=_from(
                sources=("ListGroups",),
                path="Groups[].GroupId",
                param="GroupId",
                inherit=("IdentityStoreId",),
            ),
        ),
        # No boundary set: AWS answers ResourceNotFoundException (sso-admin API reference,
        # GetPermissionsBoundaryForPermissionSet), recorded as "absent". Last, because moto
        # lacks it and raises in-process, which would cut the ops after it short.
        _per_set(
            "GetPermissionsBoundaryForPermissionSet",
            absent_codes=frozenset({"ResourceNotFoundException"}),
        ),
    )


COLLECTORS: tuple[Collector, ...] = (
    Collector(
        name="identitycenter",
        service=SSO_ADMIN,
        scope="regional",
        description="IAM Identity Center: instances, permission sets and their policies, account assignments, "
        "identity store users, groups and memberships",
        ops=_ops(),
    ),
)
