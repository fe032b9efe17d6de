"""Organizations controls on built inventories (the realistic org of tests/analysis/model/builders.py:
DenyLeaveOrganization at the root, ProtectSecurityServices (StopLogging, DeleteDetector) on the Security
OU only, no region restriction, an RCP and a tag policy) and on the demo organization.

Expectations follow the AWS Organizations User Guide: SCP inheritance (an action must be allowed at
every level and denied at none) and "SCPs don't affect the management account"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from analysis.rules.assessment import assess
from analysis.rules.organizations import (
    CONTROL_MODULES,
    organizations_accounts_outside_ou,
    organizations_all_features_enabled,
    organizations_backup_policies_in_use,
    organizations_management_account_no_workloads,
    organizations_rcps_in_use,
    organizations_scp_denies_leave_organization,
    organizations_scp_protects_cloudtrail,
    organizations_scp_protects_config,
    organizations_scp_protects_guardduty,
    organizations_scp_region_restriction,
    organizations_scps_in_use,
    organizations_security_delegated_admin,
    organizations_tag_policies_in_use,
)
from tests.analysis.model.builders import FakeCall, realistic_manifest, realistic_org_calls, write_snapshot
from tests.analysis.rules.builders import UNREACHABLE, run_control

MEMBERS = ("222222222222", "333333333333", "444444444444", "555555555555", "666666666666", UNREACHABLE)
MGMT = "111111111111"


def statuses(results: list[Any]) -> dict[str, str]:
    return {r.account_id or r.resource_id: r.status for r in results}


def _without_org(tmp_path: Path, module: Any) -> list[Any]:
    from analysis.model.inventory import build_inventory
    from snapshot import Snapshot

    calls = [c for c in realistic_org_calls() if c.operation != "DescribeOrganization"]
    path = write_snapshot(tmp_path / "noorg.awb", calls=calls, manifest=realistic_manifest())
    with Snapshot.open(path) as snap:
        inv = build_inventory(snap)
    return list(assess(inv, modules=[module]).results)


def test_leave_organization_denied_at_root_passes_every_member(tmp_path: Path) -> None:
    got = statuses(run_control(tmp_path, organizations_scp_denies_leave_organization, []))
    assert got == dict.fromkeys(MEMBERS, "PASS")  # the management account is not judged


def test_cloudtrail_protection_only_on_security_ou(tmp_path: Path) -> None:
    results = run_control(tmp_path, organizations_scp_protects_cloudtrail, [])
    got = statuses(results)
    # StopLogging is denied on Security, but DeleteTrail/UpdateTrail/PutEventSelectors nowhere.
    assert set(got) == set(MEMBERS)
    assert set(got.values()) == {"FAIL"}
    fail = next(r for r in results if r.account_id == "222222222222")
    assert "cloudtrail:DeleteTrail" in fail.message and "cloudtrail:StopLogging" not in fail.message


def test_protections_fail_without_any_deny(tmp_path: Path) -> None:
    for module in (organizations_scp_protects_config, organizations_scp_protects_guardduty):
        got = statuses(run_control(tmp_path, module, [], name=module.CONTROL.id))
        assert set(got.values()) == {"FAIL"}, module


def test_protection_not_assessed_when_scp_content_denied(tmp_path: Path) -> None:
    calls = realistic_org_calls(deny=frozenset({("DescribePolicy", "p-denyleave01")}))
    from analysis.model.inventory import build_inventory
    from snapshot import Snapshot

    path = write_snapshot(tmp_path / "denied.awb", calls=calls, manifest=realistic_manifest())
    with Snapshot.open(path) as snap:
        inv = build_inventory(snap)
    got = statuses(list(assess(inv, modules=[organizations_scp_denies_leave_organization]).results))
    assert set(got.values()) == {"NOT_ASSESSED"}


def test_every_org_control_not_assessed_without_the_organization(tmp_path: Path) -> None:
    import importlib

    for name in CONTROL_MODULES:
        module = importlib.import_module(f"analysis.rules.organizations.{name}")
        results = _without_org(tmp_path / name, module) if (tmp_path / name).mkdir() is None else []
        assert results and {r.status for r in results} == {"NOT_ASSESSED"}, name


def test_region_restriction(tmp_path: Path) -> None:
    got = statuses(run_control(tmp_path, organizations_scp_region_restriction, []))
    # DenyUnapprovedRegions on Workloads denies ec2:RunInstances in every region; Security has none.
    assert got == {
        "222222222222": "FAIL",
        "333333333333": "FAIL",
        "444444444444": "PASS",
        "555555555555": "PASS",
        "666666666666": "PASS",
        UNREACHABLE: "PASS",  # SCPs are organization data: the account's own calls do not matter
    }


def test_all_features_scps_rcps_tag_pass_backup_fails(tmp_path: Path) -> None:
    assert [r.status for r in run_control(tmp_path, organizations_all_features_enabled, [], name="a")] == [
        "PASS"
    ]
    assert [r.status for r in run_control(tmp_path, organizations_scps_in_use, [], name="b")] == ["PASS"]
    assert [r.status for r in run_control(tmp_path, organizations_rcps_in_use, [], name="c")] == ["PASS"]
    assert [r.status for r in run_control(tmp_path, organizations_tag_policies_in_use, [], name="d")] == [
        "PASS"
    ]
    # No backup policy and the type is not enabled (DescribeOrganization lists only used types).
    assert [r.status for r in run_control(tmp_path, organizations_backup_policies_in_use, [], name="e")] == [
        "FAIL"
    ]


def test_accounts_in_ous_pass(tmp_path: Path) -> None:
    got = statuses(run_control(tmp_path, organizations_accounts_outside_ou, []))
    assert got == dict.fromkeys(MEMBERS, "PASS")


def test_no_delegated_admin_fails_every_service(tmp_path: Path) -> None:
    results = run_control(tmp_path, organizations_security_delegated_admin, [])
    assert len(results) == 5 and {r.status for r in results} == {"FAIL"}


def test_delegated_admin_listing_denied_is_not_assessed(tmp_path: Path) -> None:
    from analysis.model.inventory import build_inventory
    from snapshot import Snapshot

    calls = realistic_org_calls(deny=frozenset({("ListDelegatedAdministrators", "")}))
    path = write_snapshot(tmp_path / "d.awb", calls=calls, manifest=realistic_manifest())
    with Snapshot.open(path) as snap:
        inv = build_inventory(snap)
    results = list(assess(inv, modules=[organizations_security_delegated_admin]).results)
    assert {r.status for r in results} == {"NOT_ASSESSED"}


def _ec2(account: str, region: str, instances: list[dict[str, Any]], outcome: str = "ok") -> FakeCall:
    return FakeCall(
        service="ec2",
        operation="DescribeInstances",
        account_id=account,
        region=region,
        outcome=outcome,
        error_code="UnauthorizedOperation" if outcome != "ok" else None,
        pages=[{"Reservations": [{"Instances": instances}]}] if outcome == "ok" else [],
    )


def _empty(service: str, operation: str, key: str, region: str) -> FakeCall:
    return FakeCall(service=service, operation=operation, account_id=MGMT, region=region, pages=[{key: []}])


def test_management_account_workloads(tmp_path: Path) -> None:
    instance = {
        "InstanceId": "i-0abc",
        "State": {"Name": "running"},
        "VpcId": "vpc-1",
        "SubnetId": "subnet-1",
    }
    calls = [
        _ec2(MGMT, "eu-west-1", [instance]),
        _ec2(MGMT, "us-east-1", [], outcome="access_denied"),
        *(_empty("lambda", "ListFunctions", "Functions", r) for r in ("eu-west-1", "us-east-1")),
        *(_empty("rds", "DescribeDBInstances", "DBInstances", r) for r in ("eu-west-1", "us-east-1")),
    ]
    got = {
        r.region: r.status
        for r in run_control(tmp_path, organizations_management_account_no_workloads, calls)
    }
    assert got == {"eu-west-1": "FAIL", "us-east-1": "NOT_ASSESSED"}


def test_demo_organization(demo_inventory: Any) -> None:
    import importlib

    modules = [importlib.import_module(f"analysis.rules.organizations.{n}") for n in CONTROL_MODULES]
    results = list(assess(demo_inventory, modules=modules).results)
    by = {(r.control_id, r.account_id or r.resource_id): r for r in results}
    # docs/demo.md: RegionRestriction only on Workloads, no Security Hub/Config/CloudTrail delegation.
    assert by[("organizations_scp_region_restriction", "324787901983")].status == "FAIL"  # network
    assert by[("organizations_scp_region_restriction", "818875619390")].status == "PASS"  # payments-prod
    assert by[("organizations_security_delegated_admin", "securityhub.amazonaws.com")].status == "FAIL"
    assert by[("organizations_security_delegated_admin", "guardduty.amazonaws.com")].status == "PASS"
    # ProtectSecurityServices at the root exempts OrganizationAccountAccessRole: PASS, naming it.
    trail = by[("organizations_scp_protects_cloudtrail", "505610406628")]
    assert trail.status == "PASS" and "OrganizationAccountAccessRole" in trail.message
    assert by[("organizations_scp_denies_leave_organization", "505610406628")].status == "PASS"
