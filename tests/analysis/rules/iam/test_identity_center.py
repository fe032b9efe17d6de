"""iam_identity_center_in_use: an organization instance of IAM Identity Center with permission sets.

AWS docs followed: IAM Identity Center API reference ListInstances (an organization instance
lives in the management account, in one region; other regions answer an empty list) and
ListPermissionSets; IAM Identity Center User Guide "Permission sets".
"""

from __future__ import annotations

from pathlib import Path

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS
from analysis.rules.iam import iam_identity_center_in_use
from tests.analysis.model.builders import FakeCall
from tests.analysis.rules.iam.iam_builders import MGMT, run

INSTANCE = "arn:aws:sso:::instance/ssoins-1234567890abcdef"


def instances(region: str, *found: str) -> FakeCall:
    return FakeCall(
        service="sso-admin",
        operation="ListInstances",
        account_id=MGMT,
        region=region,
        pages=[
            {
                "Instances": [
                    {
                        "InstanceArn": arn,
                        "IdentityStoreId": "d-1234567890",
                        "OwnerAccountId": MGMT,
                        "Status": "ACTIVE",
                    }
                    for arn in found
                ]
            }
        ],
    )


def permission_sets(region: str, *sets: str) -> FakeCall:
    return FakeCall(
        service="sso-admin",
        operation="ListPermissionSets",
        account_id=MGMT,
        region=region,
        params={"InstanceArn": INSTANCE},
        pages=[{"PermissionSets": list(sets)}],
    )


def test_in_use(tmp_path: Path) -> None:
    sets = [f"{INSTANCE}/ps-{i:016x}".replace("instance/", "permissionSet/") for i in (1, 2)]
    [result] = run(
        tmp_path,
        iam_identity_center_in_use,
        [instances("eu-west-1", INSTANCE), permission_sets("eu-west-1", *sets), instances("us-east-1")],
    )
    assert result.status == PASS and result.account_id == "" and result.region == "eu-west-1"
    assert "2 permission set(s)" in result.message and result.evidence.call_ids


def test_enabled_but_unused(tmp_path: Path) -> None:
    [result] = run(
        tmp_path,
        iam_identity_center_in_use,
        [instances("eu-west-1", INSTANCE), permission_sets("eu-west-1"), instances("us-east-1")],
    )
    assert result.status == FAIL and "no permission set" in result.message


def test_not_enabled(tmp_path: Path) -> None:
    [result] = run(tmp_path, iam_identity_center_in_use, [instances("eu-west-1"), instances("us-east-1")])
    assert result.status == FAIL and "No IAM Identity Center instance" in result.message


def test_a_region_not_answered_is_not_assessed(tmp_path: Path) -> None:
    denied = FakeCall(
        service="sso-admin",
        operation="ListInstances",
        account_id=MGMT,
        region="us-east-1",
        outcome="access_denied",
        error_code="AccessDeniedException",
        error_message="not authorized to perform sso:ListInstances",
    )
    [result] = run(tmp_path, iam_identity_center_in_use, [instances("eu-west-1"), denied])
    assert result.status == NOT_ASSESSED and "us-east-1" in result.message


def test_permission_sets_not_collected_is_not_assessed(tmp_path: Path) -> None:
    [result] = run(
        tmp_path, iam_identity_center_in_use, [instances("eu-west-1", INSTANCE), instances("us-east-1")]
    )
    assert result.status == NOT_ASSESSED and "permission sets" in result.message


def test_unknown_management_account_is_not_assessed(tmp_path: Path) -> None:
    from analysis.model.inventory import build_inventory
    from analysis.rules.context import AssessmentContext
    from snapshot import Snapshot
    from snapshot.schema import M_MANAGEMENT_ACCOUNT_ID, M_ORGANIZATION_ID
    from tests.analysis.model.builders import realistic_manifest, write_snapshot

    manifest = realistic_manifest()
    del manifest[M_MANAGEMENT_ACCOUNT_ID], manifest[M_ORGANIZATION_ID]  # e.g. a single-account collection
    path = write_snapshot(tmp_path / "alone.awb", calls=[instances("eu-west-1", INSTANCE)], manifest=manifest)
    with Snapshot.open(path) as snap:
        inventory = build_inventory(snap)
    [result] = iam_identity_center_in_use.evaluate(AssessmentContext(inventory=inventory))
    assert result.status == NOT_ASSESSED and "management account is unknown" in result.message
