"""IAM responses for the IAM control tests, in the shapes botocore returns them.

Accounts (``tests/analysis/rules/builders.py``'s organization): 111111111111 is the management
account, 777777777777 could not be collected, and an account a test adds no call for was never
asked. ``run`` evaluates one control at a fixed collection time (``NOW``) so that ages in days
are exact.
"""

from __future__ import annotations

import csv
import io
import zlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

from analysis.rules.base import Result
from analysis.rules.context import AssessmentContext
from tests.analysis.model.builders import FakeCall
from tests.analysis.rules.builders import inventory_with

MGMT, B, C, D = "111111111111", "222222222222", "333333333333", "444444444444"
NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
FULL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}

# Column order of the credential report (IAM User Guide, "Generate credential reports").
REPORT_COLUMNS = [
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "password_next_rotation",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_1_last_used_region",
    "access_key_1_last_used_service",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
    "access_key_2_last_used_region",
    "access_key_2_last_used_service",
    "cert_1_active",
    "cert_1_last_rotated",
    "cert_2_active",
    "cert_2_last_rotated",
]


def ago(days: float) -> str:
    """An ISO date ``days`` before NOW, as IAM writes them."""
    return (NOW - timedelta(days=days)).isoformat()


def iam(operation: str, account: str, pages: Sequence[Mapping[str, Any]], **params: Any) -> FakeCall:
    return FakeCall(service="iam", operation=operation, account_id=account, params=params, pages=list(pages))


def denied(operation: str, account: str, **params: Any) -> FakeCall:
    return FakeCall(
        service="iam",
        operation=operation,
        account_id=account,
        params=params,
        outcome="access_denied",
        error_code="AccessDenied",
        error_message=f"not authorized to perform iam:{operation}",
    )


def user(
    account: str,
    name: str,
    *,
    attached: Sequence[str] = (),
    inline: Sequence[Mapping[str, Any]] = (),
    groups: Sequence[str] = (),
    boundary: str | None = None,
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "UserName": name,
        "UserId": f"AIDA{name.upper()}",
        "Arn": f"arn:aws:iam::{account}:user/{name}",
        "Path": "/",
        "CreateDate": ago(400),
        "UserPolicyList": [
            {"PolicyName": f"{name}-inline-{i}", "PolicyDocument": d} for i, d in enumerate(inline)
        ],
        "AttachedManagedPolicies": [{"PolicyArn": a, "PolicyName": a.rsplit("/", 1)[-1]} for a in attached],
        "GroupList": list(groups),
        "Tags": [],
    }
    if boundary:
        entry["PermissionsBoundary"] = {
            "PermissionsBoundaryType": "Policy",
            "PermissionsBoundaryArn": boundary,
        }
    return entry


def role(
    account: str,
    name: str,
    *,
    trust: Mapping[str, Any] | None = None,
    attached: Sequence[str] = (),
    inline: Sequence[Mapping[str, Any]] = (),
    path: str = "/",
    created_days: float = 400,
    last_used_days: float | None = None,
    boundary: str | None = None,
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "RoleName": name,
        "RoleId": f"AROA{name.upper()}",
        "Arn": f"arn:aws:iam::{account}:role{path}{name}",
        "Path": path,
        "CreateDate": ago(created_days),
        "AssumeRolePolicyDocument": trust
        or {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ],
        },
        "RolePolicyList": [
            {"PolicyName": f"{name}-inline-{i}", "PolicyDocument": d} for i, d in enumerate(inline)
        ],
        "AttachedManagedPolicies": [{"PolicyArn": a, "PolicyName": a.rsplit("/", 1)[-1]} for a in attached],
        "InstanceProfileList": [],
        "RoleLastUsed": {}
        if last_used_days is None
        else {"LastUsedDate": ago(last_used_days), "Region": "eu-west-1"},
        "Tags": [],
    }
    if boundary:
        entry["PermissionsBoundary"] = {
            "PermissionsBoundaryType": "Policy",
            "PermissionsBoundaryArn": boundary,
        }
    return entry


def group(account: str, name: str, *, attached: Sequence[str] = ()) -> dict[str, Any]:
    return {
        "GroupName": name,
        "GroupId": f"AGPA{name.upper()}",
        "Arn": f"arn:aws:iam::{account}:group/{name}",
        "Path": "/",
        "GroupPolicyList": [],
        "AttachedManagedPolicies": [{"PolicyArn": a, "PolicyName": a.rsplit("/", 1)[-1]} for a in attached],
    }


def managed(arn: str, document: Mapping[str, Any], *, attachments: int = 1) -> dict[str, Any]:
    return {
        "PolicyName": arn.rsplit("/", 1)[-1],
        "PolicyId": f"ANPA{zlib.crc32(arn.encode()):08X}",
        "Arn": arn,
        "Path": "/",
        "DefaultVersionId": "v2",
        "AttachmentCount": attachments,
        "IsAttachable": True,
        "PolicyVersionList": [
            {"VersionId": "v2", "IsDefaultVersion": True, "Document": dict(document), "CreateDate": ago(10)},
            {"VersionId": "v1", "IsDefaultVersion": False, "Document": FULL, "CreateDate": ago(20)},
        ],
    }


def details(
    account: str,
    *,
    users: Iterable[Mapping[str, Any]] = (),
    roles: Iterable[Mapping[str, Any]] = (),
    groups: Iterable[Mapping[str, Any]] = (),
    policies: Iterable[Mapping[str, Any]] = (),
) -> FakeCall:
    return iam(
        "GetAccountAuthorizationDetails",
        account,
        [
            {
                "UserDetailList": list(users),
                "GroupDetailList": list(groups),
                "RoleDetailList": list(roles),
                "Policies": list(policies),
                "IsTruncated": False,
            }
        ],
    )


def row(account: str, name: str, **values: str) -> dict[str, str]:
    """A credential report line for user ``name`` (no password, no MFA, no keys unless given)."""
    base = {c: "N/A" for c in REPORT_COLUMNS}
    base.update(
        user=name,
        arn=f"arn:aws:iam::{account}:user/{name}",
        user_creation_time=ago(400),
        password_enabled="false",
        password_last_used="N/A",
        password_last_changed="N/A",
        password_next_rotation="N/A",
        mfa_active="false",
        access_key_1_active="false",
        access_key_2_active="false",
        cert_1_active="false",
        cert_2_active="false",
    )
    base.update(values)
    return base


def root_row(account: str, **values: str) -> dict[str, str]:
    base = row(
        account, "<root_account>", password_enabled="not_supported", password_last_used="no_information"
    )
    base["arn"] = f"arn:aws:iam::{account}:root"
    base.update(values)
    return base


def report(account: str, rows: Iterable[Mapping[str, str]]) -> FakeCall:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=REPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow(dict(r))
    return iam(
        "GetCredentialReport",
        account,
        [{"Content": out.getvalue(), "ReportFormat": "text/csv", "GeneratedTime": NOW.isoformat()}],
    )


def summary(account: str, **values: int) -> FakeCall:
    base = {"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0, "Users": 1, "MFADevices": 1}
    base.update(values)
    return iam("GetAccountSummary", account, [{"SummaryMap": base}])


def password_policy(account: str, settings: Mapping[str, Any] | None) -> FakeCall:
    if settings is None:  # NoSuchEntity: no custom policy (recorded as absent by the collector)
        return FakeCall(
            service="iam",
            operation="GetAccountPasswordPolicy",
            account_id=account,
            outcome="absent",
            error_code="NoSuchEntity",
            error_message="The Password Policy with domain name ... cannot be found.",
        )
    return iam("GetAccountPasswordPolicy", account, [{"PasswordPolicy": dict(settings)}])


def mfa_devices(account: str, devices: Iterable[tuple[str, str | None]]) -> FakeCall:
    listed = []
    for serial, owner in devices:
        entry: dict[str, Any] = {"SerialNumber": serial, "EnableDate": ago(100)}
        if owner:
            entry["User"] = {"Arn": owner, "UserName": owner.rsplit("/", 1)[-1], "UserId": "X", "Path": "/"}
        listed.append(entry)
    return iam("ListVirtualMFADevices", account, [{"VirtualMFADevices": listed, "IsTruncated": False}])


def access_keys(account: str, name: str, keys: Iterable[tuple[str, str, float]]) -> FakeCall:
    """ListAccessKeys of one user: (key id, Active|Inactive, created days ago)."""
    return iam(
        "ListAccessKeys",
        account,
        [
            {
                "AccessKeyMetadata": [
                    {"UserName": name, "AccessKeyId": k, "Status": s, "CreateDate": ago(days)}
                    for k, s, days in keys
                ],
                "IsTruncated": False,
            }
        ],
        UserName=name,
    )


def run(
    tmp_path: Path, module: ModuleType, calls: Iterable[FakeCall], *, now: datetime = NOW
) -> list[Result]:
    """Evaluate one control on a built Inventory, collected at ``now``."""
    inventory = inventory_with(tmp_path, calls)
    return list(module.evaluate(AssessmentContext(inventory=inventory, now=now)))


def one(results: Sequence[Result], account: str, resource_id: str | None = None) -> Result:
    found = [
        r
        for r in results
        if r.account_id == account and (resource_id is None or r.resource_id == resource_id)
    ]
    assert len(found) == 1, f"expected one result for {account}/{resource_id}, got {found}"
    return found[0]


def run_without_organization(
    tmp_path: Path, module: ModuleType, calls: Iterable[FakeCall], *, now: datetime = NOW
) -> list[Result]:
    """Like ``run``, but the snapshot has no Organizations data (e.g. a single-account collection)."""
    from analysis.model.inventory import build_inventory
    from snapshot import Snapshot
    from tests.analysis.model.builders import realistic_manifest, write_snapshot

    path = write_snapshot(tmp_path / "no-org.awb", calls=list(calls), manifest=realistic_manifest())
    with Snapshot.open(path) as snap:
        inventory = build_inventory(snap)
    return list(module.evaluate(AssessmentContext(inventory=inventory, now=now)))
