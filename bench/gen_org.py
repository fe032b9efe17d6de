"""The organization: OU tree, accounts, and the Organizations, STS and DescribeRegions calls.

Longer than ~400 lines: the OU tree and accounts, and the calls written as the runner writes
them (Organizations, AssumeRole evidence, GetCallerIdentity, DescribeRegions), moved as they
were from the first generator; the policies are in bench/gen_org_policies.py.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bench.gen_common import (
    COLLECTED_AT,
    LOWER_ALNUM,
    MEMBER_ROLE,
    ROLE_SESSION_NAME,
    _ident,
    _org_pages,
    _Recorder,
    iso,
)
from collectors.organizations import POLICY_TYPES
from collectors.runner import AccountOutcome
from snapshot.schema import OUTCOME_ACCESS_DENIED

if TYPE_CHECKING:
    from bench.gen_org_policies import _OrgPolicy

# Regions as ec2:DescribeRegions(AllRegions=True) lists them; the second group are opt-in regions
# (https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html).
DEFAULT_ENABLED_REGIONS = (
    "ap-south-1",
    "eu-north-1",
    "eu-west-3",
    "eu-west-2",
    "eu-west-1",
    "ap-northeast-3",
    "ap-northeast-2",
    "ap-northeast-1",
    "ca-central-1",
    "sa-east-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "eu-central-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
)
OPT_IN_REGIONS = (
    "af-south-1",
    "ap-east-1",
    "ap-south-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ca-west-1",
    "eu-central-2",
    "eu-south-1",
    "eu-south-2",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
)

# Root → top OUs → sub-OUs (→ a third level under Data-Prod), after AWS's recommended OU layout
# (https://docs.aws.amazon.com/whitepapers/latest/organizing-your-aws-environment/recommended-ous-and-scps.html).
OU_LAYOUT: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Security", ("Prod", "NonProd")),
    ("Infrastructure", ("Prod", "NonProd")),
    (
        "Workloads",
        (
            "Payments-Prod",
            "Payments-NonProd",
            "Retail-Prod",
            "Retail-NonProd",
            "Data-Prod",
            "Data-NonProd",
            "Platform-Prod",
            "Platform-NonProd",
            "ML-Prod",
            "ML-NonProd",
        ),
    ),
    ("Sandbox", ("Developers", "Hackathon")),
    ("PolicyStaging", ("SCP-Test", "Canary")),
    ("Suspended", ()),
)
THIRD_LEVEL = {"Workloads/Data-Prod": ("Analytics", "Lake")}
CORE_ACCOUNTS = (
    ("management", ""),
    ("log-archive", "Security/Prod"),
    ("security-tooling", "Security/Prod"),
    ("network", "Infrastructure/Prod"),
    ("shared-services", "Infrastructure/Prod"),
)
# Where the other accounts go (OU path, weight).
ACCOUNT_SPREAD: tuple[tuple[str, float], ...] = (
    ("Workloads/Payments-Prod", 8),
    ("Workloads/Payments-NonProd", 8),
    ("Workloads/Retail-Prod", 9),
    ("Workloads/Retail-NonProd", 9),
    ("Workloads/Data-Prod", 3),
    ("Workloads/Data-Prod/Analytics", 5),
    ("Workloads/Data-Prod/Lake", 4),
    ("Workloads/Data-NonProd", 7),
    ("Workloads/Platform-Prod", 6),
    ("Workloads/Platform-NonProd", 6),
    ("Workloads/ML-Prod", 4),
    ("Workloads/ML-NonProd", 5),
    ("Sandbox/Developers", 10),
    ("Sandbox/Hackathon", 3),
    ("Security/NonProd", 1),
    ("Infrastructure/NonProd", 3),
    ("PolicyStaging/SCP-Test", 2),
    ("PolicyStaging/Canary", 2),
    ("", 1),  # stragglers left under the root
)
DELEGATED_SERVICES = (
    "guardduty.amazonaws.com",
    "securityhub.amazonaws.com",
    "access-analyzer.amazonaws.com",
    "config-multiaccountsetup.amazonaws.com",
)
TRUSTED_SERVICES = (
    "access-analyzer.amazonaws.com",
    "cloudtrail.amazonaws.com",
    "config.amazonaws.com",
    "config-multiaccountsetup.amazonaws.com",
    "guardduty.amazonaws.com",
    "member.org.stacksets.cloudformation.amazonaws.com",
    "ram.amazonaws.com",
    "securityhub.amazonaws.com",
    "sso.amazonaws.com",
)


@dataclass(frozen=True, kw_only=True)
class _Ou:
    id: str
    name: str
    arn: str
    parent_id: str
    path: str  # "Workloads/Data-Prod"


@dataclass(frozen=True, kw_only=True)
class _Account:
    id: str
    name: str
    email: str
    parent_id: str
    kind: str  # management, log-archive, ..., workload, sandbox, suspended
    status: str
    joined: str
    joined_method: str


@dataclass(frozen=True, kw_only=True)
class _Org:
    id: str
    arn: str
    root_id: str
    root_arn: str
    management: _Account
    ous: tuple[_Ou, ...]
    accounts: tuple[_Account, ...]

    def ou_by_path(self, path: str) -> str:
        if not path:
            return self.root_id
        for ou in self.ous:
            if ou.path == path:
                return ou.id
        raise KeyError(path)

    def account_of_kind(self, kind: str) -> _Account:
        return next((a for a in self.accounts if a.kind == kind), self.management)


def build_org(*, accounts: int, seed: int) -> _Org:
    """The OU tree and the accounts in it (no calls written)."""
    rng = random.Random(f"org:{seed}")
    used_ids: set[str] = set()

    def account_id() -> str:
        while True:
            value = str(rng.randint(100000000000, 999999999999))
            if value not in used_ids:
                used_ids.add(value)
                return value

    mgmt_id = account_id()
    org_id = "o-" + _ident(rng, LOWER_ALNUM, 10)
    root_suffix = _ident(rng, LOWER_ALNUM, 4)
    root_id = "r-" + root_suffix
    prefix = f"arn:aws:organizations::{mgmt_id}"
    ous: list[_Ou] = []

    def add_ou(name: str, parent_id: str, path: str) -> str:
        ou_id = f"ou-{root_suffix}-{_ident(rng, LOWER_ALNUM, 8)}"
        ous.append(
            _Ou(id=ou_id, name=name, arn=f"{prefix}:ou/{org_id}/{ou_id}", parent_id=parent_id, path=path)
        )
        return ou_id

    for top, subs in OU_LAYOUT:
        top_id = add_ou(top, root_id, top)
        for sub in subs:
            sub_id = add_ou(sub, top_id, f"{top}/{sub}")
            for third in THIRD_LEVEL.get(f"{top}/{sub}", ()):
                add_ou(third, sub_id, f"{top}/{sub}/{third}")
    by_path = {ou.path: ou.id for ou in ous}
    by_path[""] = root_id

    def joined(min_days: int, max_days: int) -> str:
        seconds = rng.randint(min_days * 86400, max_days * 86400)
        stamp = COLLECTED_AT - dt.timedelta(seconds=seconds, microseconds=rng.randint(0, 999) * 1000)
        return iso(stamp)

    out: list[_Account] = []
    total = max(1, accounts)
    n_core = 1 if total == 1 else min(len(CORE_ACCOUNTS), total - 1)
    for kind, path in CORE_ACCOUNTS[:n_core]:
        name = "Management" if kind == "management" else kind
        out.append(
            _Account(
                id=mgmt_id if kind == "management" else account_id(),
                name=name,
                email=f"aws+{kind}@example.com",
                parent_id=by_path[path],
                kind=kind,
                status="ACTIVE",
                joined=joined(2200, 2400),
                joined_method="INVITED" if kind == "management" else "CREATED",
            )
        )
    paths = [p for p, _ in ACCOUNT_SPREAD]
    weights = [w for _, w in ACCOUNT_SPREAD]
    counters: dict[str, int] = {}
    for _ in range(total - n_core):
        suspended = total >= 20 and rng.random() < 0.02
        path = "Suspended" if suspended else rng.choices(paths, weights)[0]
        leaf = path.split("/")[-1].lower() if path else "legacy"
        if path.startswith("Workloads/Data-Prod/"):
            leaf = "data-" + leaf
        counters[leaf] = counters.get(leaf, 0) + 1
        name = f"{leaf}-{counters[leaf]:03d}"
        kind = "suspended" if suspended else ("sandbox" if path.startswith("Sandbox") else "workload")
        legacy = rng.random() < 0.08
        out.append(
            _Account(
                id=account_id(),
                name=name,
                email=f"aws+{name}@example.com",
                parent_id=by_path[path],
                kind=kind,
                status="SUSPENDED" if suspended else "ACTIVE",
                joined=joined(20, 2000),
                joined_method="INVITED" if legacy else "CREATED",
            )
        )
    return _Org(
        id=org_id,
        arn=f"{prefix}:organization/{org_id}",
        root_id=root_id,
        root_arn=f"{prefix}:root/{org_id}/{root_id}",
        management=out[0],
        ous=tuple(ous),
        accounts=tuple(out),
    )


def _account_arn(org: _Org, account: _Account) -> str:
    return f"arn:aws:organizations::{org.management.id}:account/{org.id}/{account.id}"


def _account_json(org: _Org, a: _Account) -> dict[str, Any]:
    # Keys in the service model's order, as botocore's JSON parser emits them.
    return {
        "Id": a.id,
        "Arn": _account_arn(org, a),
        "Email": a.email,
        "Name": a.name,
        "Status": a.status,
        "State": a.status,
        "JoinedMethod": a.joined_method,
        "JoinedTimestamp": a.joined,
    }


def _doc(statements: list[dict[str, Any]]) -> str:
    # Organizations returns the policy text as it was saved: a JSON string, not decoded.
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=4)


# Global services left out of region restriction, from AWS's example SCP
# (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html).


def _organizations_calls(
    rec: _Recorder, org: _Org, policies: Sequence[_OrgPolicy], identity_arn: str, seed: int
) -> None:
    """The Organizations collector's calls, in its order (collectors/organizations.py)."""
    rng = random.Random(f"org-pages:{seed}")
    mgmt = org.management.id

    def call(
        operation: str, pages: list[dict[str, Any]], params: Mapping[str, Any] | None = None, p: float = 0.0
    ) -> None:
        rec.record(
            account_id=mgmt,
            service="organizations",
            operation=operation,
            identity_arn=identity_arn,
            params=params,
            pages=pages,
            outcome=rec.maybe_throttled(p),
        )

    enabled_types = sorted({p.type for p in policies})
    call(
        "DescribeOrganization",
        [
            {
                "Organization": {
                    "Id": org.id,
                    "Arn": org.arn,
                    "FeatureSet": "ALL",
                    "MasterAccountArn": _account_arn(org, org.management),
                    "MasterAccountId": mgmt,
                    "MasterAccountEmail": org.management.email,
                    # Deprecated field: AWS only ever lists SCPs here.
                    "AvailablePolicyTypes": [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}],
                }
            }
        ],
    )
    call(
        "ListRoots",
        [
            {
                "Roots": [
                    {
                        "Id": org.root_id,
                        "Arn": org.root_arn,
                        "Name": "Root",
                        "PolicyTypes": [{"Type": t, "Status": "ENABLED"} for t in enabled_types],
                    }
                ]
            }
        ],
    )
    children: dict[str, list[_Ou]] = {}
    for ou in org.ous:
        children.setdefault(ou.parent_id, []).append(ou)
    # The collector recurses breadth-first from the root: one call per parent, leaves included.
    queue, order = [org.root_id], []
    while queue:
        parent = queue.pop(0)
        order.append(parent)
        kids = children.get(parent, [])
        call(
            "ListOrganizationalUnitsForParent",
            _org_pages(
                "OrganizationalUnits", [{"Id": o.id, "Arn": o.arn, "Name": o.name} for o in kids], rng
            ),
            {"ParentId": parent},
        )
        queue.extend(o.id for o in kids)
    call("ListAccounts", _org_pages("Accounts", [_account_json(org, a) for a in org.accounts], rng), p=0.3)
    for parent in order:
        members = [_account_json(org, a) for a in org.accounts if a.parent_id == parent]
        call("ListAccountsForParent", _org_pages("Accounts", members, rng), {"ParentId": parent})
    for ptype in POLICY_TYPES:
        summaries = [_policy_summary(p) for p in policies if p.type == ptype]
        call("ListPolicies", _org_pages("Policies", summaries, rng), {"Filter": ptype})
    ordered = [p for ptype in POLICY_TYPES for p in policies if p.type == ptype]
    # DescribePolicy is throttled at 2 requests/s per account: the SDK's retries are routine here.
    for p in ordered:
        call(
            "DescribePolicy",
            [{"Policy": {"PolicySummary": _policy_summary(p), "Content": p.content}}],
            {"PolicyId": p.id},
            0.25,
        )
    names = {org.root_id: ("Root", org.root_arn, "ROOT")}
    names.update({o.id: (o.name, o.arn, "ORGANIZATIONAL_UNIT") for o in org.ous})
    names.update({a.id: (a.name, _account_arn(org, a), "ACCOUNT") for a in org.accounts})
    for p in ordered:
        targets = [
            {"TargetId": t, "Arn": names[t][1], "Name": names[t][0], "Type": names[t][2]} for t in p.targets
        ]
        call("ListTargetsForPolicy", _org_pages("Targets", targets, rng), {"PolicyId": p.id})
    call(
        "ListAWSServiceAccessForOrganization",
        _org_pages(
            "EnabledServicePrincipals",
            [
                {"ServicePrincipal": s, "DateEnabled": iso(COLLECTED_AT - dt.timedelta(days=900 - 40 * i))}
                for i, s in enumerate(TRUSTED_SERVICES)
            ],
            rng,
        ),
    )
    security = org.account_of_kind("security-tooling")
    delegated = [] if security is org.management else [security]
    call(
        "ListDelegatedAdministrators",
        _org_pages(
            "DelegatedAdministrators",
            [
                {
                    "Id": a.id,
                    "Arn": _account_arn(org, a),
                    "Email": a.email,
                    "Name": a.name,
                    "Status": a.status,
                    "State": a.status,
                    "JoinedMethod": a.joined_method,
                    "JoinedTimestamp": a.joined,
                    "DelegationEnabledDate": iso(COLLECTED_AT - dt.timedelta(days=700)),
                }
                for a in delegated
            ],
            rng,
        ),
    )
    for a in delegated:
        call(
            "ListDelegatedServicesForAccount",
            _org_pages(
                "DelegatedServices",
                [
                    {
                        "ServicePrincipal": s,
                        "DelegationEnabledDate": iso(COLLECTED_AT - dt.timedelta(days=700 - 30 * i)),
                    }
                    for i, s in enumerate(DELEGATED_SERVICES)
                ],
                rng,
            ),
            {"AccountId": a.id},
        )


def _policy_summary(p: _OrgPolicy) -> dict[str, Any]:
    return {
        "Id": p.id,
        "Arn": p.arn,
        "Name": p.name,
        "Description": p.description,
        "Type": p.type,
        "AwsManaged": p.aws_managed,
    }


def _sts_calls(rec: _Recorder, org: _Org, account: _Account, home_identity: str, denied: bool) -> str | None:
    """AssumeRole evidence (never credentials) and GetCallerIdentity; returns the identity ARN in the account."""
    if account.id == org.management.id:
        return home_identity  # the profile's own account: no role to assume (its identity call is already stored)
    role_arn = f"arn:aws:iam::{account.id}:role/{MEMBER_ROLE}"
    params = {"RoleArn": role_arn, "RoleSessionName": ROLE_SESSION_NAME}
    if denied:
        rec.record(
            account_id=account.id,
            service="sts",
            operation="AssumeRole",
            identity_arn=home_identity,
            params=params,
            outcome=OUTCOME_ACCESS_DENIED,
            error_code="AccessDenied",
            error_message=f"User: {home_identity} is not authorized to perform: sts:AssumeRole on resource: {role_arn}",
        )
        return None
    expiry = COLLECTED_AT + dt.timedelta(hours=1)
    # What collectors/access.py records: the assumed role and the expiry, never the credentials.
    rec.record(
        account_id=account.id,
        service="sts",
        operation="AssumeRole",
        identity_arn=home_identity,
        params=params,
        pages=[
            {
                "AssumedRoleUser": {"Arn": f"{role_arn} (session {ROLE_SESSION_NAME})"},
                "Expiration": str(expiry),
            }
        ],
    )
    rng = random.Random(f"sts:{account.id}")
    identity = f"arn:aws:sts::{account.id}:assumed-role/{MEMBER_ROLE}/{ROLE_SESSION_NAME}"
    rec.record(
        account_id=account.id,
        service="sts",
        operation="GetCallerIdentity",
        identity_arn=home_identity,
        pages=[
            {
                "UserId": f"AROA{_ident(rng, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 17)}:{ROLE_SESSION_NAME}",
                "Account": account.id,
                "Arn": identity,
            }
        ],
    )
    return identity


def _ec2_regions_calls(
    rec: _Recorder, account: _Account, identity_arn: str, requested: Sequence[str], outcome: AccountOutcome
) -> None:
    """ec2:DescribeRegions(AllRegions=True); fills the account's region outcome as the runner does."""
    rng = random.Random(f"regions:{account.id}")
    opted_in = {r for r in OPT_IN_REGIONS if rng.random() < 0.06}
    regions = [
        {"OptInStatus": "opt-in-not-required", "RegionName": r, "Endpoint": f"ec2.{r}.amazonaws.com"}
        for r in DEFAULT_ENABLED_REGIONS
    ] + [
        {
            "OptInStatus": "opted-in" if r in opted_in else "not-opted-in",
            "RegionName": r,
            "Endpoint": f"ec2.{r}.amazonaws.com",
        }
        for r in OPT_IN_REGIONS
    ]
    rec.record(
        account_id=account.id,
        service="ec2",
        operation="DescribeRegions",
        identity_arn=identity_arn,
        params={"AllRegions": True},
        pages=[{"Regions": regions}],
    )
    enabled = {r["RegionName"] for r in regions if r["OptInStatus"] in ("opt-in-not-required", "opted-in")}
    if requested:
        outcome.regions_collected = [r for r in requested if r in enabled]
        outcome.regions_disabled = sorted(r for r in requested if r not in enabled)
    else:
        outcome.regions_collected = sorted(enabled)
        outcome.regions_disabled = sorted(r["RegionName"] for r in regions if r["RegionName"] not in enabled)
