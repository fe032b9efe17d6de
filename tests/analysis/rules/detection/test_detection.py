"""Detection controls on built inventories and on the demo organization.

GuardDuty.1 (Security Hub CSPM GuardDuty controls): an enabled detector in every account and region;
SecurityHub.1: DescribeHub answers InvalidAccessException (not subscribed) where the hub is off."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from analysis.rules.assessment import assess
from analysis.rules.detection import CONTROL_MODULES, detection_guardduty_enabled
from tests.analysis.model.builders import FakeCall
from tests.analysis.rules.builders import UNREACHABLE, run_control


def _gd(
    account: str, region: str, detector: str | None, status: str = "ENABLED", outcome: str = "ok"
) -> list[FakeCall]:
    if outcome != "ok":
        return [
            FakeCall(
                service="guardduty",
                operation="ListDetectors",
                account_id=account,
                region=region,
                outcome=outcome,
                error_code="AccessDeniedException",
            )
        ]
    calls = [
        FakeCall(
            service="guardduty",
            operation="ListDetectors",
            account_id=account,
            region=region,
            pages=[{"DetectorIds": [detector] if detector else []}],
        )
    ]
    if detector:
        calls.append(
            FakeCall(
                service="guardduty",
                operation="GetDetector",
                account_id=account,
                region=region,
                params={"DetectorId": detector},
                pages=[{"Status": status, "Features": []}],
            )
        )
    return calls


def test_guardduty_enabled_pass_fail_not_assessed(tmp_path: Path) -> None:
    calls = [
        *_gd("222222222222", "eu-west-1", "d1"),
        *_gd("222222222222", "us-east-1", None),
        *_gd("333333333333", "eu-west-1", "d2", status="DISABLED"),
        *_gd("333333333333", "us-east-1", None, outcome="access_denied"),
    ]
    got = {
        (r.account_id, r.region): r.status for r in run_control(tmp_path, detection_guardduty_enabled, calls)
    }
    assert got[("222222222222", "eu-west-1")] == "PASS"
    assert got[("222222222222", "us-east-1")] == "FAIL"
    assert got[("333333333333", "eu-west-1")] == "FAIL"  # suspended detector
    assert got[("333333333333", "us-east-1")] == "NOT_ASSESSED"  # denied
    assert got[("444444444444", "eu-west-1")] == "NOT_ASSESSED"  # never called
    # The unreachable account: one NOT_ASSESSED for the account, not one per region.
    assert [k for k in got if k[0] == UNREACHABLE] == [(UNREACHABLE, "global")]
    assert got[(UNREACHABLE, "global")] == "NOT_ASSESSED"


def test_nothing_collected_is_never_pass(tmp_path: Path) -> None:
    modules = [importlib.import_module(f"analysis.rules.detection.{n}") for n in CONTROL_MODULES]
    for module in modules:
        results = (
            run_control(tmp_path / module.CONTROL.id, module, [])
            if (tmp_path / module.CONTROL.id).mkdir() is None
            else []
        )
        assert "PASS" not in {r.status for r in results}, module.CONTROL.id


def test_demo_detection(demo_inventory: Any) -> None:
    modules = [importlib.import_module(f"analysis.rules.detection.{n}") for n in CONTROL_MODULES]
    results = list(assess(demo_inventory, modules=modules).results)
    by = {(r.control_id, r.account_id, r.region): r.status for r in results}
    # docs/demo.md: GuardDuty only in some accounts, EKS audit logs off in web-prod, the responder rule
    # for GuardDuty in security-tooling and none for Security Hub.
    assert by[("detection_guardduty_enabled", "159932468252", "us-east-1")] == "FAIL"
    assert by[("detection_guardduty_protection_plans", "724055834504", "us-east-1")] == "FAIL"
    routed = {
        r.resource_id: r.status for r in results if r.control_id == "detection_findings_routed_to_responder"
    }
    assert routed == {"aws.guardduty": "PASS", "aws.securityhub": "FAIL"}
    # Emulator gaps (collectors/demo/build.py EMULATOR_GAPS): NOT_ASSESSED, never PASS.
    assert {r.status for r in results if r.control_id == "detection_securityhub_standards"} == {
        "NOT_ASSESSED"
    }
    assert {r.status for r in results if r.control_id == "detection_access_analyzer_organization"} == {
        "NOT_ASSESSED"
    }
