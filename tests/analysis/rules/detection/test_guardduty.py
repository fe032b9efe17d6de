"""GuardDuty controls on built inventories.

What AWS says the expectations follow:
- Security Hub CSPM GuardDuty.1: an enabled detector in every account and region; a suspended
  detector (Status DISABLED) detects nothing.
- GuardDuty User Guide, "Protection plans": S3 Protection (S3_DATA_EVENTS), EKS Protection
  (EKS_AUDIT_LOGS), Runtime Monitoring, Malware Protection for EC2, RDS and Lambda Protection are
  features of the detector that GetDetector reports with their status (FSBP GuardDuty.5, GuardDuty.10).
- GuardDuty User Guide, "Managing GuardDuty accounts with AWS Organizations": the delegated
  administrator's DescribeOrganizationConfiguration says AutoEnableOrganizationMembers ALL (every
  member, existing and new), NEW (new members only) or NONE, per region.
"""

from __future__ import annotations

from pathlib import Path

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS
from analysis.rules.detection import (
    detection_guardduty_enabled,
    detection_guardduty_org_auto_enable,
    detection_guardduty_protection_plans,
)
from tests.analysis.rules.builders import UNREACHABLE, delegated_org, run_control
from tests.analysis.rules.detection.detection_builders import (
    SECURITY,
    detector_arn,
    guardduty,
    guardduty_admins,
)

EU, US = "eu-west-1", "us-east-1"
DEV = "444444444444"


def test_guardduty_enabled_pass_fail_not_assessed(tmp_path: Path) -> None:
    calls = [
        *guardduty("222222222222", EU, "d1"),
        *guardduty("222222222222", US, None),
        *guardduty(SECURITY, EU, "d2", status="DISABLED"),
        *guardduty(SECURITY, US, None, outcome="access_denied"),
    ]
    results = run_control(tmp_path, detection_guardduty_enabled, calls)
    got = {(r.account_id, r.region): r.status for r in results}
    assert got[("222222222222", EU)] == PASS
    assert got[("222222222222", US)] == FAIL
    assert got[(SECURITY, EU)] == FAIL  # suspended detector
    assert got[(SECURITY, US)] == NOT_ASSESSED  # denied
    assert got[(DEV, EU)] == NOT_ASSESSED  # never called
    # The unreachable account: one NOT_ASSESSED for the account, not one per region.
    assert [k for k in got if k[0] == UNREACHABLE] == [(UNREACHABLE, "global")]
    assert got[(UNREACHABLE, "global")] == NOT_ASSESSED


PLANS_ON = {"S3_DATA_EVENTS": "ENABLED", "EKS_AUDIT_LOGS": "ENABLED", "RUNTIME_MONITORING": "ENABLED"}


def test_protection_plans_enabled_disabled_and_unknown(tmp_path: Path) -> None:
    calls = [
        *guardduty("222222222222", EU, "d-all", features=PLANS_ON),
        *guardduty("222222222222", US, "d-eks", features={**PLANS_ON, "EKS_AUDIT_LOGS": "DISABLED"}),
        *guardduty(SECURITY, EU, "d-denied", detector_outcome="access_denied"),
        *guardduty(SECURITY, US, "d-bare", features={}),
        *guardduty(DEV, EU, "d-off", status="DISABLED", features={"S3_DATA_EVENTS": "DISABLED"}),
    ]
    results = run_control(tmp_path, detection_guardduty_protection_plans, calls)
    by = {r.resource_id: r for r in results if "detector/" in r.resource_arn}
    # A suspended detector is detection_guardduty_enabled's finding, not this control's.
    assert set(by) == {"d-all", "d-eks", "d-denied", "d-bare"}
    # Where no detector could be listed, the plans are unknown: said per region, never silent.
    unlisted = {(r.account_id, r.region): r for r in results if "detector/" not in r.resource_arn}
    assert (DEV, US) in unlisted and unlisted[(DEV, US)].status == NOT_ASSESSED
    assert all(r.status == NOT_ASSESSED for r in unlisted.values())
    assert unlisted[(UNREACHABLE, "global")].status == NOT_ASSESSED

    ok = by["d-all"]
    assert ok.status == PASS
    assert ok.message == "Enabled: S3 Protection, EKS Audit Log Monitoring, Runtime Monitoring."
    assert ok.resource_arn == detector_arn("222222222222", EU, "d-all")
    assert ok.evidence.values == PLANS_ON and ok.evidence.call_ids

    eks = by["d-eks"]
    assert eks.status == FAIL and (eks.account_id, eks.region) == ("222222222222", US)
    assert eks.message == "Detector d-eks in us-east-1 has disabled: EKS Audit Log Monitoring."
    assert eks.evidence.values["EKS_AUDIT_LOGS"] == "DISABLED"

    denied = by["d-denied"]
    assert denied.status == NOT_ASSESSED
    assert "GetDetector was not answered" in denied.message and "denied" in denied.message
    bare = by["d-bare"]
    assert bare.status == NOT_ASSESSED and "reported no protection plan features" in bare.message


def test_org_auto_enable_per_region_of_the_delegated_administrator(tmp_path: Path) -> None:
    calls = [
        guardduty_admins([SECURITY], EU),
        guardduty_admins([SECURITY], US),
        *guardduty(SECURITY, EU, "d-eu", org_auto_enable="ALL"),
        *guardduty(SECURITY, US, "d-us", org_auto_enable="NEW"),
        # A member's own detector has no organization configuration to judge.
        *guardduty("222222222222", EU, "d-member"),
    ]
    results = run_control(tmp_path, detection_guardduty_org_auto_enable, calls)
    by = {r.region: r for r in results}
    assert set(by) == {EU, US} and {r.account_id for r in results} == {SECURITY}
    assert (
        by[EU].status == PASS and by[EU].message == "GuardDuty auto-enables all member accounts in eu-west-1."
    )
    assert by[EU].resource_arn == detector_arn(SECURITY, EU, "d-eu")
    assert by[EU].evidence.values == {"AutoEnableOrganizationMembers": "ALL"}
    assert by[US].status == FAIL
    assert "auto-enable in us-east-1 is NEW" in by[US].message and "left out" in by[US].message
    assert by[US].evidence.values == {"AutoEnableOrganizationMembers": "NEW"}


def test_org_auto_enable_configuration_denied_is_not_assessed(tmp_path: Path) -> None:
    calls = [
        guardduty_admins([SECURITY], EU),
        *guardduty(SECURITY, EU, "d-eu", org_outcome="access_denied"),
        *guardduty(SECURITY, US, "d-us", org_auto_enable="ALL"),
    ]
    results = run_control(tmp_path, detection_guardduty_org_auto_enable, calls)
    by = {r.region: r for r in results}
    assert by[EU].status == NOT_ASSESSED
    assert "organization configuration was not collected" in by[EU].message and "denied" in by[EU].message
    assert by[US].status == PASS


def test_org_auto_enable_region_without_detector_listing_is_not_assessed(tmp_path: Path) -> None:
    """The administrator's detectors could not be listed in one region: that region is not judged
    (not a FAIL, and not silently left out), the other one is."""
    calls = [
        guardduty_admins([SECURITY], EU),
        *guardduty(SECURITY, EU, "d-eu", org_auto_enable="ALL"),
        *guardduty(SECURITY, US, None, outcome="access_denied"),
    ]
    results = run_control(tmp_path, detection_guardduty_org_auto_enable, calls)
    by = {r.region: r for r in results}
    assert set(by) == {EU, US}
    assert by[EU].status == PASS
    assert by[US].status == NOT_ASSESSED and "ListDetectors" in by[US].message and "denied" in by[US].message


def test_org_auto_enable_all_listings_denied_is_never_fail(tmp_path: Path) -> None:
    calls = [
        *guardduty(SECURITY, EU, None, outcome="access_denied"),
        *guardduty(SECURITY, US, None, outcome="error"),
    ]
    results = run_control(
        tmp_path,
        detection_guardduty_org_auto_enable,
        calls,
        org=delegated_org({SECURITY: ["guardduty.amazonaws.com"]}),
    )
    assert {r.region: r.status for r in results} == {EU: NOT_ASSESSED, US: NOT_ASSESSED}


def test_org_auto_enable_administrator_without_detector_fails_the_region(tmp_path: Path) -> None:
    calls = [
        guardduty_admins([SECURITY], EU),
        *guardduty(SECURITY, EU, "d-eu", org_auto_enable="ALL"),
        *guardduty(SECURITY, US, None),
    ]
    results = run_control(tmp_path, detection_guardduty_org_auto_enable, calls)
    us = next(r for r in results if r.region == US)
    assert us.status == FAIL and "no detector in us-east-1" in us.message


def test_org_auto_enable_without_administrator(tmp_path: Path) -> None:
    answered = [guardduty_admins([], EU), guardduty_admins([], US)]
    [none] = run_control(tmp_path, detection_guardduty_org_auto_enable, answered, name="none")
    assert none.status == FAIL and none.account_id == ""
    assert none.message == "No GuardDuty delegated administrator: GuardDuty is not managed organization-wide."
    assert none.resource_id == "o-ab12cd34ef" and len(none.evidence.call_ids) == 2
    denied = [guardduty_admins([], EU), guardduty_admins([], US, outcome="access_denied")]
    [unknown] = run_control(tmp_path, detection_guardduty_org_auto_enable, denied, name="denied")
    assert unknown.status == NOT_ASSESSED and "GuardDuty administrator is unknown" in unknown.message
    assert "denied" in unknown.message
