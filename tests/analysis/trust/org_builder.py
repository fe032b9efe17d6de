"""Small hand-built organizations for trust-graph tests: Organizations + IAM pages -> a real Inventory.

Snapshots are written with ``tests/analysis/model/builders.py`` (the real SnapshotWriter)
and normalized by the real ``build_inventory``; only the responses are made up, in the
shapes botocore returns for GetAccountAuthorizationDetails.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.model.inventory import Inventory, build_inventory
from snapshot import Snapshot
from tests.analysis.model.builders import MGMT, OU, FakeCall, Policy, org_calls, realistic_manifest

ORG_ID = "o-ab12cd34ef"
ROOT_ID = "r-ab12"
PROD_OU = "ou-ab12-prod0001"
DEV_OU = "ou-ab12-dev00001"
PROD = "222222222222"
DEV = "333333333333"
EXTERNAL = "999999999999"
ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"
FULL_ACCESS = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def allow(
    *actions: str, resource: str | list[str] = "*", condition: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    st: dict[str, Any] = {"Effect": "Allow", "Action": list(actions), "Resource": resource}
    if condition:
        st["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [st]}


def deny(*actions: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": list(actions), "Resource": "*"}],
    }


def trust(
    principal: Any, *, action: str = "sts:AssumeRole", condition: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    st: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": action}
    if condition:
        st["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [st]}


@dataclass(frozen=True, kw_only=True)
class U:
    name: str
    policies: Sequence[Mapping[str, Any]] = ()  # inline documents
    attached: Sequence[str] = ()
    groups: Sequence[str] = ()
    boundary: str | None = None


@dataclass(frozen=True, kw_only=True)
class R:
    name: str
    trust: Mapping[str, Any]
    policies: Sequence[Mapping[str, Any]] = ()
    attached: Sequence[str] = ()
    profile: str | None = None
    path: str = "/"
    last_used: str | None = None


@dataclass(frozen=True, kw_only=True)
class G:
    name: str
    policies: Sequence[Mapping[str, Any]] = ()
    attached: Sequence[str] = ()


@dataclass(frozen=True, kw_only=True)
class MP:
    """A customer-managed policy; ``versions`` newest first, the first is the default."""

    name: str
    versions: Sequence[Mapping[str, Any]]


@dataclass(frozen=True, kw_only=True)
class Acct:
    id: str
    users: Sequence[U] = ()
    roles: Sequence[R] = ()
    groups: Sequence[G] = ()
    managed: Sequence[MP] = ()
    extra_calls: Sequence[FakeCall] = field(default_factory=tuple)


def _details(a: Acct) -> dict[str, Any]:
    def arn(kind: str, name: str, path: str = "/") -> str:
        return f"arn:aws:iam::{a.id}:{kind}{path}{name}"

    def inline(docs: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        return [{"PolicyName": f"p{i}", "PolicyDocument": d} for i, d in enumerate(docs)]

    def attached(arns: Sequence[str]) -> list[dict[str, str]]:
        return [
            {
                "PolicyArn": x if x.startswith("arn:") else arn("policy/", x).replace("policy//", "policy/"),
                "PolicyName": x.rsplit("/", 1)[-1],
            }
            for x in arns
        ]

    users = [
        {
            "UserName": u.name,
            "UserId": f"AIDA{u.name.upper()}",
            "Arn": arn("user", u.name),
            "Path": "/",
            "UserPolicyList": inline(u.policies),
            "AttachedManagedPolicies": attached(u.attached),
            "GroupList": list(u.groups),
            **(
                {
                    "PermissionsBoundary": {
                        "PermissionsBoundaryArn": u.boundary,
                        "PermissionsBoundaryType": "Policy",
                    }
                }
                if u.boundary
                else {}
            ),
        }
        for u in a.users
    ]
    roles = []
    for r in a.roles:
        entry: dict[str, Any] = {
            "RoleName": r.name,
            "RoleId": f"AROA{r.name.upper()}",
            "Arn": arn("role", r.name, r.path),
            "Path": r.path,
            "AssumeRolePolicyDocument": r.trust,
            "RolePolicyList": inline(r.policies),
            "AttachedManagedPolicies": attached(r.attached),
            "InstanceProfileList": [
                {
                    "InstanceProfileName": r.profile,
                    "Path": "/",
                    "Arn": arn("instance-profile", r.profile),
                    "Roles": [{"Arn": arn("role", r.name, r.path)}],
                }
            ]
            if r.profile
            else [],
        }
        if r.last_used:
            entry["RoleLastUsed"] = {"LastUsedDate": r.last_used, "Region": "us-east-1"}
        roles.append(entry)
    groups = [
        {
            "GroupName": g.name,
            "GroupId": f"AGPA{g.name.upper()}",
            "Arn": arn("group", g.name),
            "Path": "/",
            "GroupPolicyList": inline(g.policies),
            "AttachedManagedPolicies": attached(g.attached),
        }
        for g in a.groups
    ]
    policies = [
        {
            "PolicyName": m.name,
            "PolicyId": f"ANPA{m.name.upper()}",
            "Arn": arn("policy", m.name),
            "Path": "/",
            "DefaultVersionId": f"v{len(m.versions)}",
            "AttachmentCount": 1,
            "IsAttachable": True,
            "PolicyVersionList": [
                {
                    "VersionId": f"v{len(m.versions) - i}",
                    "IsDefaultVersion": i == 0,
                    "Document": json.dumps(doc),
                }
                for i, doc in enumerate(m.versions)
            ],
        }
        for m in a.managed
    ]
    used_aws = {
        x for e in (*a.users, *a.roles, *a.groups) for x in e.attached if x.startswith("arn:aws:iam::aws:")
    }
    for x in sorted(used_aws):
        policies.append(
            {
                "PolicyName": x.rsplit("/", 1)[-1],
                "PolicyId": "ANPAADMIN",
                "Arn": x,
                "Path": "/",
                "DefaultVersionId": "v1",
                "AttachmentCount": 1,
                "IsAttachable": True,
                "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": True, "Document": FULL_ACCESS}],
            }
        )
    return {"UserDetailList": users, "GroupDetailList": groups, "RoleDetailList": roles, "Policies": policies}


def build_org(
    tmp_path: Path,
    *accounts: Acct,
    scps: Sequence[tuple[str, Mapping[str, Any], Sequence[str]]] = (),
    name: str = "org",
) -> Inventory:
    """An organization: management (root), PROD under OU Prod, DEV under OU Dev, with FullAWSAccess everywhere.

    ``scps``: (policy id, document, target ids) to attach besides FullAWSAccess.
    """
    from tests.analysis.model.builders import write_snapshot

    targets_all = (ROOT_ID, PROD_OU, DEV_OU, MGMT, PROD, DEV)
    policies = [
        Policy(
            id="p-FullAWSAccess",
            name="FullAWSAccess",
            aws_managed=True,
            targets=targets_all,
            content=FULL_ACCESS,
        )
    ]
    policies += [Policy(id=pid, name=pid, content=dict(doc), targets=tuple(t)) for pid, doc, t in scps]
    calls = org_calls(
        org_id=ORG_ID,
        root_id=ROOT_ID,
        root_accounts=((MGMT, "management"),),
        ous=(
            OU(id=PROD_OU, name="Prod", accounts=((PROD, "prod"),)),
            OU(id=DEV_OU, name="Dev", accounts=((DEV, "dev"),)),
        ),
        policies=tuple(policies),
    )
    for a in accounts:
        calls.append(
            FakeCall(
                service="iam",
                operation="GetAccountAuthorizationDetails",
                account_id=a.id,
                pages=[_details(a)],
            )
        )
        calls.extend(a.extra_calls)
    manifest = realistic_manifest()
    path = write_snapshot(tmp_path / f"{name}.awb", calls=calls, manifest=manifest)
    return build_inventory(Snapshot.open(path))


def user_arn(account: str, name: str) -> str:
    return f"arn:aws:iam::{account}:user/{name}"


def role_arn(account: str, name: str, path: str = "/") -> str:
    return f"arn:aws:iam::{account}:role{path}{name}"
