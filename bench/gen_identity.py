"""IAM Identity Center: the organization's instance in the management account's home region.

Permission sets (the three whose roles bench.gen_iam provisions in every account, an auditor
set, and a few narrower ones), each provisioned to the accounts it is assigned in, with
group assignments across all accounts (now and then a user directly: the finding), and the
identity store's users, groups and memberships. Everywhere else ``ListInstances`` answers an
empty list, as AWS does.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bench.gen_common import COLLECTED_AT, Answer, ApiError, iso
from bench.gen_iam_policies import FIRST_NAMES, LAST_NAMES
from bench.gen_world import AccountContext, Handler, stable_hex, stable_rng

PAGE = 100
# (name, managed policies, session duration, who gets it: "all" | "workloads" | account kinds)
PERMISSION_SETS: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("AWSAdministratorAccess", ("AdministratorAccess",), "PT12H", "all"),
    ("AWSPowerUserAccess", ("PowerUserAccess",), "PT4H", "workloads"),
    ("AWSReadOnlyAccess", ("ReadOnlyAccess",), "PT8H", "all"),
    ("OrgAuditor", ("SecurityAudit", "ViewOnlyAccess"), "PT8H", "all"),
    ("SecurityResponder", ("SecurityAudit",), "PT1H", "all"),
    ("NetworkAdmin", ("job-function/NetworkAdministrator",), "PT4H", "network shared-services"),
    ("BillingAdmin", ("job-function/Billing",), "PT1H", "management"),
    ("BreakGlass", ("AdministratorAccess",), "PT1H", "management security-tooling"),
)
GROUP_FOR_SET = {
    "AWSAdministratorAccess": "aws-admins",
    "AWSPowerUserAccess": "developers",
    "AWSReadOnlyAccess": "readonly",
    "OrgAuditor": "auditors",
    "SecurityResponder": "security-team",
    "NetworkAdmin": "network-team",
    "BillingAdmin": "finance",
    "BreakGlass": "break-glass",
}


@dataclass
class IdentityCenter:
    instance: dict[str, Any]
    sets: dict[str, dict[str, Any]] = field(default_factory=dict)  # arn -> DescribePermissionSet item
    managed: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    inline: dict[str, str] = field(default_factory=dict)
    accounts: dict[str, list[str]] = field(default_factory=dict)  # set arn -> provisioned account ids
    assignments: dict[tuple[str, str], list[dict[str, str]]] = field(default_factory=dict)
    users: list[dict[str, Any]] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)
    members: dict[str, list[str]] = field(default_factory=dict)  # group id -> user ids


def _uuidish(*parts: object) -> str:
    h = stable_hex(32, *parts)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:32]}"


def build_identity_center(ctx: AccountContext, region: str) -> IdentityCenter | None:
    facts = ctx.facts
    if ctx.id != facts.management.id or region != facts.home_region_of_management:
        return None
    rng = stable_rng("identity-center", facts.seed)
    instance_id = f"ssoins-{stable_hex(16, facts.org.id, 'ssoins')}"
    store = f"d-{stable_hex(10, facts.org.id, 'store')}"
    ic = IdentityCenter(
        instance={
            "InstanceArn": f"arn:aws:sso:::instance/{instance_id}",
            "IdentityStoreId": store,
            "OwnerAccountId": ctx.id,
            "Name": "organization",
            "CreatedDate": iso(COLLECTED_AT - dt.timedelta(days=900)),
            "Status": "ACTIVE",
        }
    )
    accounts = [a for a in facts.org.accounts if a.status == "ACTIVE"]
    group_names = [*dict.fromkeys(GROUP_FOR_SET.values())]
    group_ids = {name: _uuidish(store, "group", name) for name in group_names}
    ic.groups = [
        {
            "GroupId": group_ids[name],
            "DisplayName": name,
            "Description": f"{name} (synced from the corporate directory)",
            "IdentityStoreId": store,
        }
        for name in group_names
    ]
    n_users = min(400, 40 + len(accounts) // 2)
    for i in range(n_users):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        user_name = f"{first}.{last}{i}@example.com"
        ic.users.append(
            {
                "UserName": user_name,
                "UserId": _uuidish(store, "user", i),
                "Name": {"FamilyName": last.title(), "GivenName": first.title()},
                "DisplayName": f"{first.title()} {last.title()}",
                "Emails": [{"Value": user_name, "Type": "work", "Primary": True}],
                "IdentityStoreId": store,
            }
        )
    for name in group_names:
        size = {"aws-admins": 6, "break-glass": 2, "finance": 4}.get(name, rng.randint(8, 60))
        ic.members[group_ids[name]] = [u["UserId"] for u in rng.sample(ic.users, min(size, len(ic.users)))]
    for name, policies, duration, who in PERMISSION_SETS:
        arn = f"arn:aws:sso:::permissionSet/{instance_id}/ps-{stable_hex(16, facts.org.id, name)}"
        ic.sets[arn] = {
            "Name": name,
            "PermissionSetArn": arn,
            "Description": f"{name} access",
            "CreatedDate": iso(COLLECTED_AT - dt.timedelta(days=800)),
            "SessionDuration": duration,
        }
        ic.managed[arn] = [
            {"Name": p.rsplit("/", 1)[-1], "Arn": f"arn:aws:iam::aws:policy/{p}"} for p in policies
        ]
        if name == "AWSPowerUserAccess":
            ic.inline[arn] = json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Deny", "Action": ["organizations:*", "account:*"], "Resource": "*"}
                    ],
                }
            )
        if who == "all":
            targets = accounts
        elif who == "workloads":
            targets = [a for a in accounts if a.kind in ("workload", "sandbox")]
        else:
            targets = [a for a in accounts if a.kind in who.split()]
        ic.accounts[arn] = [a.id for a in targets]
        group = group_ids[GROUP_FOR_SET[name]]
        for a in targets:
            rows = [
                {"AccountId": a.id, "PermissionSetArn": arn, "PrincipalType": "GROUP", "PrincipalId": group}
            ]
            if name == "AWSAdministratorAccess" and rng.random() < 0.03:
                # A user assigned directly, outside any group: the finding.
                rows.append(
                    {
                        "AccountId": a.id,
                        "PermissionSetArn": arn,
                        "PrincipalType": "USER",
                        "PrincipalId": rng.choice(ic.users)["UserId"],
                    }
                )
            ic.assignments[(arn, a.id)] = rows
    return ic


def _ic(ctx: AccountContext, region: str) -> IdentityCenter | None:
    result: IdentityCenter | None = ctx.cached("identity", region, build_identity_center)
    return result


def _pages(key: str, items: list[Any]) -> list[dict[str, Any]]:
    chunks = [items[i : i + PAGE] for i in range(0, len(items), PAGE)] or [[]]
    return [
        {key: chunk, **({"NextToken": stable_hex(48, key, i)} if i < len(chunks) - 1 else {})}
        for i, chunk in enumerate(chunks)
    ]


def _instances(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    ic = _ic(ctx, region)
    if ic is None:
        return [{"Instances": []}]
    ctx.tally.add("identity_center.instances", ic.instance["InstanceArn"])
    return [{"Instances": [ic.instance]}]


def _need(ctx: AccountContext, region: str) -> IdentityCenter:
    ic = _ic(ctx, region)
    assert ic is not None, "asked about an instance that was never listed"
    return ic


def _sets(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    arns = list(_need(ctx, region).sets)
    ctx.tally.add("identity_center.permission_sets", *arns)
    return _pages("PermissionSets", arns)


def _per_set(fn: Any) -> Handler:
    def handler(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
        result: Answer = fn(_need(ctx, region), str(params["PermissionSetArn"]), params)
        return result

    return handler


def _boundary(ic: IdentityCenter, arn: str, params: Mapping[str, Any]) -> Answer:
    if ic.sets[arn]["Name"] == "AWSPowerUserAccess":
        return [{"PermissionsBoundary": {"ManagedPolicyArn": "arn:aws:iam::aws:policy/PowerUserAccess"}}]
    return ApiError(
        code="ResourceNotFoundException", message="Could not find PermissionsBoundary", status=404
    )


def _users(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    ic = _need(ctx, region)
    ctx.tally.add("identity_center.users", *(f"arn:aws:identitystore:::user/{u['UserId']}" for u in ic.users))
    return _pages("Users", ic.users)


def _groups(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    ic = _need(ctx, region)
    ctx.tally.add(
        "identity_center.groups", *(f"arn:aws:identitystore:::group/{g['GroupId']}" for g in ic.groups)
    )
    return _pages("Groups", ic.groups)


def _memberships(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    ic = _need(ctx, region)
    group = str(params["GroupId"])
    rows = [
        {
            "IdentityStoreId": ic.instance["IdentityStoreId"],
            "MembershipId": _uuidish(group, user),
            "GroupId": group,
            "MemberId": {"UserId": user},
        }
        for user in ic.members.get(group, [])
    ]
    return _pages("GroupMemberships", rows)


HANDLERS: dict[tuple[str, str], Handler] = {
    ("sso-admin", "ListInstances"): _instances,
    ("sso-admin", "ListPermissionSets"): _sets,
    ("sso-admin", "DescribePermissionSet"): _per_set(lambda ic, arn, p: [{"PermissionSet": ic.sets[arn]}]),
    ("sso-admin", "ListManagedPoliciesInPermissionSet"): _per_set(
        lambda ic, arn, p: [{"AttachedManagedPolicies": ic.managed[arn]}]
    ),
    ("sso-admin", "GetInlinePolicyForPermissionSet"): _per_set(
        lambda ic, arn, p: [{"InlinePolicy": ic.inline.get(arn, "")}]
    ),
    ("sso-admin", "ListCustomerManagedPolicyReferencesInPermissionSet"): _per_set(
        lambda ic, arn, p: [{"CustomerManagedPolicyReferences": []}]
    ),
    ("sso-admin", "ListAccountsForProvisionedPermissionSet"): _per_set(
        lambda ic, arn, p: _pages("AccountIds", ic.accounts[arn])
    ),
    ("sso-admin", "ListAccountAssignments"): _per_set(
        lambda ic, arn, p: [{"AccountAssignments": ic.assignments.get((arn, str(p["AccountId"])), [])}]
    ),
    ("sso-admin", "GetPermissionsBoundaryForPermissionSet"): _per_set(_boundary),
    ("identitystore", "ListUsers"): _users,
    ("identitystore", "ListGroups"): _groups,
    ("identitystore", "ListGroupMemberships"): _memberships,
}
