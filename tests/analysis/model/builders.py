"""Build snapshot files for tests without AWS or moto.

Calls are written with the real ``SnapshotWriter`` (so integrity, pages and
outcomes are exactly what a collection would store); only the responses are
made up, in the shapes botocore returns for the Organizations API.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from snapshot import CallRecord, SnapshotWriter
from snapshot.schema import (
    M_ACCOUNT_OUTCOMES,
    M_IDENTITY,
    M_MANAGEMENT_ACCOUNT_ID,
    M_ORGANIZATION_ID,
    M_SCOPE,
)

FIXTURES = Path(__file__).parent / "fixtures"
MGMT = "111111111111"
STARTED = "2026-01-15T09:00:00.000Z"


@dataclass(frozen=True, kw_only=True)
class FakeCall:
    operation: str
    params: Mapping[str, Any] = field(default_factory=dict)
    pages: Sequence[Mapping[str, Any]] = ()
    outcome: str = "ok"
    error_code: str | None = None
    error_message: str | None = None
    service: str = "organizations"
    account_id: str = MGMT
    region: str = "global"


def write_snapshot(
    path: Path,
    *,
    calls: Iterable[FakeCall],
    manifest: Mapping[str, Any] | None = None,
    status: str = "complete",
    finish: bool = True,
) -> Path:
    """Write ``calls`` (and manifest entries) into a new snapshot at ``path``."""
    with SnapshotWriter.create(path, tool_version="0.1.0+test") as writer:
        for key, value in (manifest or {}).items():
            writer.set_manifest(key, value)
        for call in calls:
            writer.record_call(
                CallRecord(
                    account_id=call.account_id,
                    region=call.region,
                    service=call.service,
                    operation=call.operation,
                    parameters=dict(call.params),
                    identity_arn=f"arn:aws:sts::{call.account_id}:assumed-role/Auditor/test",
                    started_at=STARTED,
                    duration_ms=12.5,
                    outcome=call.outcome,
                    error_code=call.error_code,
                    error_message=call.error_message,
                ),
                list(call.pages),
            )
        if finish:
            writer.finish(status=status)
    return path


def load_fixture(name: str) -> tuple[list[FakeCall], dict[str, Any]]:
    """The calls and manifest of ``fixtures/<name>.json``."""
    data = json.loads((FIXTURES / f"{name}.json").read_text())
    calls = [
        FakeCall(
            operation=c["operation"],
            params=c.get("params", {}),
            pages=c.get("pages", []),
            outcome=c.get("outcome", "ok"),
            error_code=c.get("error_code"),
            error_message=c.get("error_message"),
            service=c.get("service", "organizations"),
            account_id=c.get("account_id", MGMT),
        )
        for c in data["calls"]
    ]
    return calls, dict(data.get("manifest", {}))


def fixture_snapshot(tmp_path: Path, name: str) -> Path:
    calls, manifest = load_fixture(name)
    return write_snapshot(tmp_path / f"{name}.awb", calls=calls, manifest=manifest)


# -- a generated organization, consistent across every call --------------------------------


@dataclass(frozen=True, kw_only=True)
class OU:
    id: str
    name: str
    children: tuple[OU, ...] = ()
    accounts: tuple[tuple[str, str], ...] = ()  # (account id, name)


@dataclass(frozen=True, kw_only=True)
class Policy:
    id: str
    name: str
    type: str = "SERVICE_CONTROL_POLICY"
    targets: tuple[str, ...] = ()
    aws_managed: bool = False
    content: Any = None  # dumped to a JSON string, as AWS returns it; a str is stored as is
    description: str = ""


def org_calls(
    *,
    org_id: str,
    root_id: str,
    root_accounts: tuple[tuple[str, str], ...],
    ous: tuple[OU, ...],
    policies: tuple[Policy, ...],
    management_account: str = MGMT,
    deny: frozenset[tuple[str, str]] = frozenset(),
    omit: frozenset[tuple[str, str]] = frozenset(),
) -> list[FakeCall]:
    """Every Organizations call a collection of this tree would store.

    ``deny`` and ``omit`` name calls as (operation, parameter value or "") to record
    as AccessDenied, or to leave out, the way a partial collection would.
    """
    calls: list[FakeCall] = []

    def add(operation: str, params: dict[str, Any], pages: list[dict[str, Any]]) -> None:
        key = (operation, next(iter(params.values()), "") if params else "")
        if key in omit:
            return
        if key in deny:
            calls.append(
                FakeCall(
                    operation=operation,
                    params=params,
                    outcome="access_denied",
                    error_code="AccessDeniedException",
                    error_message=f"not authorized to perform organizations:{operation}",
                )
            )
        else:
            calls.append(FakeCall(operation=operation, params=params, pages=pages))

    arn = f"arn:aws:organizations::{management_account}"
    used_types = sorted({p.type for p in policies})
    add(
        "DescribeOrganization",
        {},
        [
            {
                "Organization": {
                    "Id": org_id,
                    "Arn": f"{arn}:organization/{org_id}",
                    "FeatureSet": "ALL",
                    "MasterAccountArn": f"{arn}:account/{org_id}/{management_account}",
                    "MasterAccountId": management_account,
                    "MasterAccountEmail": "aws-root@example.com",
                    "AvailablePolicyTypes": [{"Type": t, "Status": "ENABLED"} for t in used_types],
                }
            }
        ],
    )
    add(
        "ListRoots",
        {},
        [
            {
                "Roots": [
                    {
                        "Id": root_id,
                        "Arn": f"{arn}:root/{org_id}/{root_id}",
                        "Name": "Root",
                        "PolicyTypes": [{"Type": t, "Status": "ENABLED"} for t in used_types],
                    }
                ]
            }
        ],
    )
    all_accounts: list[tuple[str, str, str]] = []  # (id, name, parent)

    def walk(parent: str, children: tuple[OU, ...], accounts: tuple[tuple[str, str], ...]) -> None:
        add(
            "ListOrganizationalUnitsForParent",
            {"ParentId": parent},
            [
                {
                    "OrganizationalUnits": [
                        {"Id": c.id, "Arn": f"{arn}:ou/{org_id}/{c.id}", "Name": c.name} for c in children
                    ]
                }
            ],
        )
        add(
            "ListAccountsForParent",
            {"ParentId": parent},
            [{"Accounts": [_account(a, n, org_id, arn) for a, n in accounts]}],
        )
        all_accounts.extend((a, n, parent) for a, n in accounts)
        for c in children:
            walk(c.id, c.children, c.accounts)

    walk(root_id, ous, root_accounts)
    add("ListAccounts", {}, [{"Accounts": [_account(a, n, org_id, arn) for a, n, _ in all_accounts]}])
    names = {root_id: ("Root", "ROOT")}
    names.update({a: (n, "ACCOUNT") for a, n, _ in all_accounts})

    def ou_names(items: tuple[OU, ...]) -> None:
        for o in items:
            names[o.id] = (o.name, "ORGANIZATIONAL_UNIT")
            ou_names(o.children)

    ou_names(ous)
    for ptype in (
        "SERVICE_CONTROL_POLICY",
        "RESOURCE_CONTROL_POLICY",
        "TAG_POLICY",
        "BACKUP_POLICY",
        "AISERVICES_OPT_OUT_POLICY",
    ):
        add(
            "ListPolicies",
            {"Filter": ptype},
            [{"Policies": [_summary(p, arn, org_id) for p in policies if p.type == ptype]}],
        )
    for p in policies:
        content = p.content if isinstance(p.content, str) else json.dumps(p.content or {})
        add(
            "DescribePolicy",
            {"PolicyId": p.id},
            [{"Policy": {"PolicySummary": _summary(p, arn, org_id), "Content": content}}],
        )
    for p in policies:
        add(
            "ListTargetsForPolicy",
            {"PolicyId": p.id},
            [
                {
                    "Targets": [
                        {"TargetId": t, "Arn": f"{arn}:target/{t}", "Name": names[t][0], "Type": names[t][1]}
                        for t in p.targets
                    ]
                }
            ],
        )
    add(
        "ListAWSServiceAccessForOrganization",
        {},
        [
            {
                "EnabledServicePrincipals": [
                    {"ServicePrincipal": "guardduty.amazonaws.com", "DateEnabled": "2024-03-01T10:00:00Z"},
                    {"ServicePrincipal": "securityhub.amazonaws.com", "DateEnabled": "2024-03-01T10:05:00Z"},
                ]
            }
        ],
    )
    add("ListDelegatedAdministrators", {}, [])
    return calls


def _account(account_id: str, name: str, org_id: str, arn: str) -> dict[str, Any]:
    return {
        "Id": account_id,
        "Arn": f"{arn}:account/{org_id}/{account_id}",
        "Email": f"{name}@example.com",
        "Name": name,
        "Status": "ACTIVE",
        "JoinedMethod": "CREATED",
        "JoinedTimestamp": "2023-05-02T08:30:00+00:00",
    }


def _summary(p: Policy, arn: str, org_id: str) -> dict[str, Any]:
    kind = p.type.lower()
    owner = "aws:policy" if p.aws_managed else f"{arn}:policy/{org_id}"
    return {
        "Id": p.id,
        "Arn": f"{owner}/{kind}/{p.id}",
        "Name": p.name,
        "Description": p.description,
        "Type": p.type,
        "AwsManaged": p.aws_managed,
    }


def _deny(*actions: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "Deny", "Effect": "Deny", "Action": list(actions), "Resource": "*"}],
    }


def realistic_org_calls(**kwargs: Any) -> list[FakeCall]:
    """A root, three levels of OUs, seven accounts, SCPs at several levels, an RCP and a tag policy."""
    prod = OU(
        id="ou-ab12-prod0001",
        name="Prod",
        accounts=(("555555555555", "payments-prod"), ("666666666666", "web-prod")),
    )
    pci = OU(id="ou-ab12-pci00001", name="PCI", accounts=(("777777777777", "cardholder-data"),))
    prod = OU(id=prod.id, name=prod.name, accounts=prod.accounts, children=(pci,))
    dev = OU(id="ou-ab12-dev00001", name="development", accounts=(("444444444444", "sandbox-dev"),))
    workloads = OU(id="ou-ab12-work0001", name="Workloads", children=(prod, dev))
    security = OU(
        id="ou-ab12-secu0001",
        name="Security",
        accounts=(("222222222222", "log-archive"), ("333333333333", "security-tooling")),
    )
    ou_ids = [security.id, workloads.id, prod.id, pci.id, dev.id]
    account_ids = [
        MGMT,
        "222222222222",
        "333333333333",
        "444444444444",
        "555555555555",
        "666666666666",
        "777777777777",
    ]
    policies = (
        Policy(
            id="p-FullAWSAccess",
            name="FullAWSAccess",
            aws_managed=True,
            description="Allows access to every operation",
            targets=("r-ab12", *ou_ids, *account_ids),
            content={
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
            },
        ),
        Policy(
            id="p-denyleave01",
            name="DenyLeaveOrganization",
            targets=("r-ab12",),
            content=_deny("organizations:LeaveOrganization"),
        ),
        Policy(
            id="p-denyregion1",
            name="DenyUnapprovedRegions",
            targets=(workloads.id,),
            content=_deny("ec2:RunInstances"),
        ),
        Policy(
            id="p-protectlog1",
            name="ProtectSecurityServices",
            targets=(security.id,),
            content=_deny("cloudtrail:StopLogging", "guardduty:DeleteDetector"),
        ),
        Policy(
            id="p-prodguard01",
            name="ProdGuardrails",
            targets=(prod.id,),
            content=_deny("iam:CreateUser", "iam:CreateAccessKey"),
        ),
        Policy(
            id="p-pcilock0001",
            name="PCILockdown",
            targets=(pci.id, "777777777777"),
            content=_deny("s3:PutBucketPolicy"),
        ),
        Policy(
            id="p-rcptls00001",
            name="EnforceTLS",
            type="RESOURCE_CONTROL_POLICY",
            targets=("r-ab12",),
            content=_deny("s3:*"),
        ),
        Policy(
            id="p-tagcost0001",
            name="CostCenterTags",
            type="TAG_POLICY",
            targets=(workloads.id,),
            content={"tags": {"costcenter": {"tag_key": {"@@assign": "CostCenter"}}}},
        ),
    )
    return org_calls(
        org_id="o-ab12cd34ef",
        root_id="r-ab12",
        root_accounts=((MGMT, "management"),),
        ous=(security, workloads),
        policies=policies,
        **kwargs,
    )


def realistic_manifest() -> dict[str, Any]:
    accounts = [
        "111111111111",
        "222222222222",
        "333333333333",
        "444444444444",
        "555555555555",
        "666666666666",
        "777777777777",
    ]
    names = [
        "management",
        "log-archive",
        "security-tooling",
        "sandbox-dev",
        "payments-prod",
        "web-prod",
        "cardholder-data",
    ]
    outcomes = {
        a: {
            "account_id": a,
            "name": n,
            "status": "collected",
            "detail": "",
            "regions_collected": ["eu-west-1", "us-east-1"],
            "regions_disabled": ["af-south-1"],
            "denied_calls": 0,
            "failed_calls": 0,
        }
        for a, n in zip(accounts, names, strict=True)
    }
    outcomes["777777777777"].update(
        status="access_failed",
        detail="sts:AssumeRole denied (AccessDenied)",
        regions_collected=[],
        regions_disabled=[],
    )
    outcomes["444444444444"].update(status="partial", denied_calls=3)
    return {
        M_IDENTITY: {
            "Account": MGMT,
            "Arn": f"arn:aws:sts::{MGMT}:assumed-role/Auditor/jane",
            "UserId": "AROA:jane",
        },
        M_ORGANIZATION_ID: "o-ab12cd34ef",
        M_MANAGEMENT_ACCOUNT_ID: MGMT,
        M_SCOPE: {
            "method": "organizations",
            "profile": "audit-mgmt",
            "member_role": "OrganizationAccountAccessRole",
            "accounts": [],
            "ous": [],
            "regions": ["eu-west-1", "us-east-1"],
            "services": [],
        },
        M_ACCOUNT_OUTCOMES: outcomes,
    }


def realistic_snapshot(path: Path) -> Path:
    return write_snapshot(path, calls=realistic_org_calls(), manifest=realistic_manifest())
