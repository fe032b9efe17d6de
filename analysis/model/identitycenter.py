"""The IAM Identity Center Inventory: instances, permission sets, assignments, the people behind them.

Built from the ``identitycenter`` collector's calls (sso-admin, and identitystore for the
instance's identity store, both recorded in the instance's account and region). Each
permission set provisions, in every account it is assigned to, an IAM role named
``AWSReservedSSO_<PermissionSetName>_<hash>`` under the path
``/aws-reserved/sso.amazonaws.com/`` (with the region appended for instances outside
us-east-1) (IAM Identity Center User Guide, "Referencing permission sets in resource
policies"). Matching those roles in the IAM Inventory traces a role back to the
users and groups who can use it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from analysis.model.coverage import ABSENT, COLLECTED, Coverage
from analysis.model.iam import IamInventory
from analysis.model.policy_doc import PolicyDocument, parse_policy_document
from analysis.model.records import Record, partition_of
from analysis.model.source import Page, PageSource
from snapshot.reader import CallRow
from snapshot.schema import SUCCESS_OUTCOMES

SSO_ADMIN = "sso-admin"
IDENTITY_STORE = "identitystore"
ROLE_PREFIX = "AWSReservedSSO_"
ROLE_PATH = "/aws-reserved/sso.amazonaws.com/"
_DURATION = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$")


@dataclass(frozen=True, kw_only=True)
class PolicyRef:
    """A customer-managed policy named by a permission set: it must exist in each target account."""

    name: str
    path: str


@dataclass(frozen=True, kw_only=True)
class Instance(Record):
    identity_store_id: str
    name: str | None
    owner_account_id: str
    status: str
    created: str | None
    permission_set_arns: tuple[str, ...]
    permission_sets_state: str  # coverage of ListPermissionSets
    users_state: str
    groups_state: str


@dataclass(frozen=True, kw_only=True)
class PermissionSet(Record):
    instance_arn: str
    name: str | None  # None: DescribePermissionSet not collected
    description: str
    session_duration: str | None  # ISO 8601, e.g. "PT8H"
    session_seconds: int | None
    relay_state: str | None
    describe_state: str
    managed_policy_arns: tuple[str, ...]
    managed_state: str
    inline_policy: PolicyDocument | None  # None: no inline policy (or not collected: see inline_state)
    inline_state: str
    customer_managed_policies: tuple[PolicyRef, ...]
    customer_managed_state: str
    boundary_managed_arn: str | None
    boundary_customer_managed: PolicyRef | None
    boundary_state: str  # absent: no boundary
    provisioned_account_ids: tuple[str, ...]
    provisioned_state: str


@dataclass(frozen=True, kw_only=True)
class StoreUser(Record):
    user_id: str
    identity_store_id: str
    user_name: str
    display_name: str
    emails: tuple[str, ...]
    group_ids: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class StoreGroup(Record):
    group_id: str
    identity_store_id: str
    display_name: str
    description: str
    member_user_ids: tuple[str, ...]
    members_state: str  # coverage of ListGroupMemberships for this group


@dataclass(frozen=True, kw_only=True)
class Assignment:
    """A principal given a permission set in an account."""

    instance_arn: str
    account_id: str  # the target account
    permission_set_arn: str
    principal_type: str  # USER | GROUP
    principal_id: str
    principal_name: str | None  # None: the principal is not in the collected identity store
    user_ids: tuple[str, ...]  # the people it reaches: the user, or the group's members
    call_ids: tuple[int, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ProvisionedRole:
    """The IAM role a permission set provisions in an account, and who can use it."""

    role_arn: str | None  # None: the role is not in the account's IAM Inventory
    account_id: str
    permission_set_arn: str
    assignments: tuple[Assignment, ...]
    user_ids: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class IdentityCenterInventory:
    instances: Mapping[str, Instance]
    permission_sets: Mapping[str, PermissionSet]
    users: Mapping[str, StoreUser]
    groups: Mapping[str, StoreGroup]
    assignments: tuple[Assignment, ...]
    provisioned_roles: tuple[ProvisionedRole, ...]
    role_index: Mapping[str, ProvisionedRole] = field(default_factory=dict)  # IAM role ARN -> provisioning

    def people_for_role(self, role_arn: str) -> tuple[StoreUser, ...]:
        """The identity store users who can sign in to an IAM role through Identity Center."""
        found = self.role_index.get(role_arn)
        if found is None:
            return ()
        by_id = {u.user_id: u for u in self.users.values()}
        return tuple(by_id[i] for i in found.user_ids if i in by_id)

    def assignments_in(self, account_id: str) -> tuple[Assignment, ...]:
        return tuple(a for a in self.assignments if a.account_id == account_id)


class _Index:
    """Calls by (service, operation, account, region, exact parameters): lookups without rescanning."""

    def __init__(self, source: PageSource, coverage: Coverage) -> None:
        self._source = source
        self._coverage = coverage
        self._calls: dict[tuple[str, str, str, str, tuple[tuple[str, str], ...]], list[CallRow]] = (
            defaultdict(list)
        )
        for service in (SSO_ADMIN, IDENTITY_STORE):
            for call in source.all_calls():
                if call.service == service:
                    key = (service, call.operation, call.account_id, call.region, _key(call.parameters))
                    self._calls[key].append(call)

    def pages(
        self, service: str, operation: str, where: tuple[str, str], params: Mapping[str, Any]
    ) -> list[Page]:
        out: list[Page] = []
        for call in self._calls.get((service, operation, *where, _key(params)), ()):
            if call.outcome in SUCCESS_OUTCOMES:
                out.extend(
                    Page(call=call, body=b)
                    for b in self._source.snapshot.pages(call.id)
                    if isinstance(b, dict)
                )
        return out

    def state(self, service: str, operation: str, where: tuple[str, str], params: Mapping[str, Any]) -> str:
        calls = self._calls.get((service, operation, *where, _key(params)), ())
        if calls and all(c.outcome in SUCCESS_OUTCOMES for c in calls):
            return COLLECTED
        account_id, region = where
        return self._coverage.state(
            account_id=account_id,
            region=region,
            service=service,
            operation=operation,
            parameters=dict(params),
        ).state


def _key(params: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((str(k), str(v)) for k, v in params.items()))


def normalize_identitycenter(
    source: PageSource, coverage: Coverage, *, iam: IamInventory | None = None
) -> IdentityCenterInventory:
    """Build the Identity Center Inventory; with ``iam``, match provisioned roles to IAM roles."""
    partition = partition_of(source.manifest)
    index = _Index(source, coverage)
    instances: dict[str, Instance] = {}
    sets: dict[str, PermissionSet] = {}
    users: dict[str, StoreUser] = {}
    groups: dict[str, StoreGroup] = {}
    assignments: list[Assignment] = []

    for page in source.pages(SSO_ADMIN, "ListInstances"):
        for raw in _dicts(page.body.get("Instances")):
            arn = str(raw.get("InstanceArn", ""))
            store_id = str(raw.get("IdentityStoreId", ""))
            where = (page.account_id, page.region)
            listing = {"InstanceArn": arn}
            set_arns = [
                str(a)
                for p in index.pages(SSO_ADMIN, "ListPermissionSets", where, listing)
                for a in p.body.get("PermissionSets") or []
            ]
            instances[arn] = Instance(
                arn=arn,
                account_id=page.account_id,
                region=page.region,
                call_ids=(page.call.id,),
                identity_store_id=store_id,
                name=_opt(raw.get("Name")),
                owner_account_id=str(raw.get("OwnerAccountId") or page.account_id),
                status=str(raw.get("Status") or ""),
                created=_opt(raw.get("CreatedDate")),
                permission_set_arns=tuple(set_arns),
                permission_sets_state=index.state(SSO_ADMIN, "ListPermissionSets", where, listing),
                users_state=index.state(IDENTITY_STORE, "ListUsers", where, {"IdentityStoreId": store_id}),
                groups_state=index.state(IDENTITY_STORE, "ListGroups", where, {"IdentityStoreId": store_id}),
            )
            for ps_arn in set_arns:
                sets[ps_arn] = _permission_set(index, where, arn, ps_arn)
            _store(index, where, store_id, partition, users, groups)
            users_by_id = {u.user_id: u for u in users.values()}
            groups_by_id = {g.group_id: g for g in groups.values()}
            for ps_arn in set_arns:
                for account_id in sets[ps_arn].provisioned_account_ids:
                    params = {"InstanceArn": arn, "PermissionSetArn": ps_arn, "AccountId": account_id}
                    for p in index.pages(SSO_ADMIN, "ListAccountAssignments", where, params):
                        for a in _dicts(p.body.get("AccountAssignments")):
                            assignments.append(_assignment(arn, a, p, users_by_id, groups_by_id))
    roles = _provisioned_roles(sets, assignments, iam)
    return IdentityCenterInventory(
        instances=instances,
        permission_sets=sets,
        users=users,
        groups=groups,
        assignments=tuple(assignments),
        provisioned_roles=roles,
        role_index={r.role_arn: r for r in roles if r.role_arn},
    )


def _permission_set(index: _Index, where: tuple[str, str], instance_arn: str, arn: str) -> PermissionSet:
    account_id, region = where
    params = {"InstanceArn": instance_arn, "PermissionSetArn": arn}
    call_ids: list[int] = []

    def body(op: str) -> tuple[Mapping[str, Any], str]:
        pages = index.pages(SSO_ADMIN, op, where, params)
        call_ids.extend(dict.fromkeys(p.call.id for p in pages))
        merged: dict[str, Any] = {}
        for p in pages:
            for k, v in p.body.items():
                if isinstance(v, list):
                    merged.setdefault(k, []).extend(v)
                else:
                    merged.setdefault(k, v)
        return merged, index.state(SSO_ADMIN, op, where, params)

    described, describe_state = body("DescribePermissionSet")
    ps = _obj(described.get("PermissionSet"))
    managed, managed_state = body("ListManagedPoliciesInPermissionSet")
    inline, inline_state = body("GetInlinePolicyForPermissionSet")
    customer, customer_state = body("ListCustomerManagedPolicyReferencesInPermissionSet")
    boundary, boundary_state = body("GetPermissionsBoundaryForPermissionSet")
    provisioned, provisioned_state = body("ListAccountsForProvisionedPermissionSet")
    inline_text = inline.get("InlinePolicy")
    b = _obj(boundary.get("PermissionsBoundary"))
    b_ref = b.get("CustomerManagedPolicyReference")
    duration = _opt(ps.get("SessionDuration"))
    return PermissionSet(
        arn=arn,
        account_id=account_id,
        region=region,
        call_ids=tuple(call_ids),
        instance_arn=instance_arn,
        name=_opt(ps.get("Name")),
        description=str(ps.get("Description") or ""),
        session_duration=duration,
        session_seconds=_seconds(duration),
        relay_state=_opt(ps.get("RelayState")),
        describe_state=describe_state,
        managed_policy_arns=tuple(
            str(m["Arn"]) for m in _dicts(managed.get("AttachedManagedPolicies")) if m.get("Arn")
        ),
        managed_state=managed_state,
        # An empty string is AWS's answer for "no inline policy" (GetInlinePolicyForPermissionSet).
        inline_policy=parse_policy_document(inline_text) if inline_text else None,
        inline_state=(ABSENT if inline_state == COLLECTED and not inline_text else inline_state),
        customer_managed_policies=tuple(
            _ref(r) for r in _dicts(customer.get("CustomerManagedPolicyReferences"))
        ),
        customer_managed_state=customer_state,
        boundary_managed_arn=_opt(b.get("ManagedPolicyArn")),
        boundary_customer_managed=_ref(b_ref) if isinstance(b_ref, Mapping) else None,
        boundary_state=boundary_state,
        provisioned_account_ids=tuple(str(a) for a in provisioned.get("AccountIds") or []),
        provisioned_state=provisioned_state,
    )


def _store(
    index: _Index,
    where: tuple[str, str],
    store_id: str,
    partition: str,
    users: dict[str, StoreUser],
    groups: dict[str, StoreGroup],
) -> None:
    account_id, region = where
    listing = {"IdentityStoreId": store_id}
    user_groups: dict[str, list[str]] = defaultdict(list)
    for page in index.pages(IDENTITY_STORE, "ListGroups", where, listing):
        for g in _dicts(page.body.get("Groups")):
            group_id = str(g.get("GroupId", ""))
            params = {"IdentityStoreId": store_id, "GroupId": group_id}
            members: list[str] = []
            call_ids = [page.call.id]
            for mp in index.pages(IDENTITY_STORE, "ListGroupMemberships", where, params):
                call_ids.append(mp.call.id)
                for m in _dicts(mp.body.get("GroupMemberships")):
                    member = m.get("MemberId")
                    if isinstance(member, Mapping) and member.get("UserId"):
                        members.append(str(member["UserId"]))
                        user_groups[str(member["UserId"])].append(group_id)
            arn = f"arn:{partition}:identitystore:::group/{group_id}"
            groups[arn] = StoreGroup(
                arn=arn,
                account_id=account_id,
                region=region,
                call_ids=tuple(dict.fromkeys(call_ids)),
                group_id=group_id,
                identity_store_id=store_id,
                display_name=str(g.get("DisplayName") or ""),
                description=str(g.get("Description") or ""),
                member_user_ids=tuple(dict.fromkeys(members)),
                members_state=index.state(IDENTITY_STORE, "ListGroupMemberships", where, params),
            )
    for page in index.pages(IDENTITY_STORE, "ListUsers", where, listing):
        for u in _dicts(page.body.get("Users")):
            user_id = str(u.get("UserId", ""))
            arn = f"arn:{partition}:identitystore:::user/{user_id}"
            users[arn] = StoreUser(
                arn=arn,
                account_id=account_id,
                region=region,
                call_ids=(page.call.id,),
                user_id=user_id,
                identity_store_id=store_id,
                user_name=str(u.get("UserName") or ""),
                display_name=str(u.get("DisplayName") or ""),
                emails=tuple(str(e["Value"]) for e in _dicts(u.get("Emails")) if e.get("Value")),
                group_ids=tuple(user_groups.get(user_id, ())),
            )


def _assignment(
    instance_arn: str,
    a: Mapping[str, Any],
    page: Page,
    users: Mapping[str, StoreUser],
    groups: Mapping[str, StoreGroup],
) -> Assignment:
    """``users`` and ``groups`` are keyed by identity store id here."""
    ptype = str(a.get("PrincipalType") or "")
    pid = str(a.get("PrincipalId") or "")
    name: str | None = None
    user_ids: tuple[str, ...] = ()
    if ptype == "GROUP":
        group = groups.get(pid)
        if group is not None:
            name, user_ids = group.display_name, group.member_user_ids
    elif ptype == "USER":
        user = users.get(pid)
        name = user.user_name if user else None
        user_ids = (pid,)
    return Assignment(
        instance_arn=instance_arn,
        account_id=str(a.get("AccountId") or page.call.parameters.get("AccountId", "")),
        permission_set_arn=str(a.get("PermissionSetArn") or page.call.parameters.get("PermissionSetArn", "")),
        principal_type=ptype,
        principal_id=pid,
        principal_name=name,
        user_ids=user_ids,
        call_ids=(page.call.id,),
    )


def _provisioned_roles(
    sets: Mapping[str, PermissionSet], assignments: list[Assignment], iam: IamInventory | None
) -> tuple[ProvisionedRole, ...]:
    grouped: dict[tuple[str, str], list[Assignment]] = defaultdict(list)
    for a in assignments:
        grouped[(a.account_id, a.permission_set_arn)].append(a)
    out: list[ProvisionedRole] = []
    for (account_id, ps_arn), items in sorted(grouped.items()):
        ps = sets.get(ps_arn)
        role_arn = _match_role(iam, account_id, ps.name if ps else None)
        out.append(
            ProvisionedRole(
                role_arn=role_arn,
                account_id=account_id,
                permission_set_arn=ps_arn,
                assignments=tuple(items),
                user_ids=tuple(dict.fromkeys(u for a in items for u in a.user_ids)),
            )
        )
    return tuple(out)


def _match_role(iam: IamInventory | None, account_id: str, set_name: str | None) -> str | None:
    if iam is None or not set_name:
        return None
    wanted = ROLE_PREFIX + set_name
    for arn in iam.roles_by_account.get(account_id, ()):
        role = iam.roles[arn]
        # The suffix after the last underscore is the hash; set names may contain underscores.
        if role.path.startswith(ROLE_PATH) and role.name.rsplit("_", 1)[0] == wanted:
            return arn
    return None


def _ref(r: Mapping[str, Any]) -> PolicyRef:
    return PolicyRef(name=str(r.get("Name") or ""), path=str(r.get("Path") or "/"))


def _obj(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _dicts(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _opt(value: Any) -> str | None:
    return None if value is None else str(value)


def _seconds(duration: str | None) -> int | None:
    m = _DURATION.match(duration or "")
    if not m or not any(m.groups()):
        return None
    h, mi, s = (int(x or 0) for x in m.groups())
    return h * 3600 + mi * 60 + s
