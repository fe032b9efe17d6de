"""The detection normalizer on a small fixture: Security Hub, GuardDuty, Access Analyzer, EventBridge,
with not subscribed / absent / denied / never asked kept apart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from analysis.model.coverage import Coverage
from analysis.model.detection import DetectionInventory, normalize_detection
from analysis.model.source import PageSource
from snapshot import Snapshot
from tests.analysis.model.test_monitoring import regional_fixture

MGMT, MEMBER = "111111111111", "222222222222"
HUB = "arn:aws:securityhub:us-east-1:111111111111:hub/default"
ADMIN_DETECTOR = "arn:aws:guardduty:us-east-1:111111111111:detector/d-admin"
MEMBER_DETECTOR = "arn:aws:guardduty:us-east-1:222222222222:detector/d-member"
ORG_ANALYZER = "arn:aws:access-analyzer:us-east-1:111111111111:analyzer/org"


@pytest.fixture
def inv(tmp_path: Path) -> Iterator[DetectionInventory]:
    with Snapshot.open(regional_fixture(tmp_path, "monitoring_detection")) as snap:
        yield normalize_detection(PageSource(snap), Coverage(calls=snap.calls(), manifest=snap.manifest))


def test_security_hub_with_standards_and_org_configuration(inv: DetectionInventory) -> None:
    assert set(inv.security_hubs) == {HUB}
    hub = inv.security_hubs[HUB]
    assert hub.auto_enable_controls is True and hub.control_finding_generator == "SECURITY_CONTROL"
    assert [s.status for s in hub.standards] == ["READY", "INCOMPLETE"]
    assert hub.standards[1].status_reason == "NO_AVAILABLE_CONFIGURATION_RECORDER"
    assert hub.org_auto_enable is True and hub.org_auto_enable_standards == "NONE"
    assert hub.org_configuration_type == "CENTRAL" and hub.org_coverage.state == "collected"
    assert hub.administrator_account_id is None and hub.administrator_coverage.state == "collected"
    assert len(hub.call_ids) == 4


def test_security_hub_regions_not_subscribed_is_an_answer_denied_is_not(inv: DetectionInventory) -> None:
    regions = inv.security_hub_regions
    off = regions[(MGMT, "eu-west-1")]
    assert off.coverage.state == "not_subscribed" and off.answered and off.arns == ()
    denied = regions[(MEMBER, "us-east-1")]
    assert denied.coverage.state == "denied" and not denied.answered
    assert regions[(MGMT, "us-east-1")].arns == (HUB,)


def test_guardduty_detectors_features_and_org_auto_enable(inv: DetectionInventory) -> None:
    admin = inv.detectors[ADMIN_DETECTOR]
    assert admin.status == "ENABLED" and admin.finding_publishing_frequency == "SIX_HOURS"
    runtime = admin.feature("RUNTIME_MONITORING")
    assert runtime is not None and runtime.additional == {"EKS_ADDON_MANAGEMENT": "DISABLED"}
    assert admin.org_auto_enable_members == "ALL"
    assert {f.name: f.status for f in admin.org_features} == {
        "S3_DATA_EVENTS": "ALL",
        "EKS_AUDIT_LOGS": "NONE",
    }
    member = inv.detectors[MEMBER_DETECTOR]
    # GetDetector failed: status unknown, not "disabled".
    assert member.status is None and member.features == () and member.detector_coverage.state == "error"
    assert member.administrator_account_id == MGMT and member.administrator_status == "Enabled"
    assert member.org_coverage.state == "absent" and member.org_auto_enable_members is None


def test_guardduty_regions_and_admins(inv: DetectionInventory) -> None:
    none_here = inv.guardduty_regions[(MGMT, "eu-west-1")]
    assert none_here.coverage.state == "collected" and none_here.arns == ()
    (admin,) = inv.guardduty_admins
    assert admin.account_id == MGMT and admin.status == "ENABLED" and admin.seen_from == (MGMT, "us-east-1")
    assert inv.guardduty_admin_coverage[(MEMBER, "us-east-1")].state == "denied"


def test_access_analyzer_counts_active_findings_over_pages(inv: DetectionInventory) -> None:
    org = inv.analyzers[ORG_ANALYZER]
    assert org.type == "ORGANIZATION" and org.external_access
    assert org.active_findings == 3
    assert org.active_finding_resource_types == {"AWS::S3::Bucket": 2, "AWS::IAM::Role": 1}
    unused = inv.analyzers["arn:aws:access-analyzer:us-east-1:111111111111:analyzer/unused"]
    assert unused.active_findings is None and unused.findings_coverage.state == "not_collected"
    member = inv.analyzers["arn:aws:access-analyzer:us-east-1:222222222222:analyzer/acct"]
    assert member.active_findings is None and member.findings_coverage.state == "denied"
    assert inv.analyzer_regions[(MGMT, "eu-west-1")].coverage.state == "collected"
    assert inv.analyzer_regions[(MGMT, "eu-west-1")].arns == ()


def test_event_rules_with_patterns_and_targets(inv: DetectionInventory) -> None:
    rules = {r.name: r for r in inv.event_rules.values()}
    gd = rules["gd-to-lambda"]
    assert gd.sources == ("aws.guardduty",) and gd.enabled
    assert [(t.kind, t.id) for t in gd.targets] == [
        ("lambda", "fn"),
        ("sns", "topic"),
        ("sqs", "q"),
        ("stepfunctions", "sfn"),
    ]
    assert gd.targets[3].role_arn == "arn:aws:iam::111111111111:role/events-sfn"
    assert rules["gd-disabled"].sources == ("aws.guardduty",)  # source given as a string
    assert rules["nightly"].event_pattern is None and rules["nightly"].schedule_expression == "rate(1 day)"
    assert rules["garbled"].event_pattern is None and rules["garbled"].event_pattern_raw == "{not json"
    hub = rules["hub-findings"]
    assert hub.event_bus_name == "shared" and hub.targets == () and hub.targets_coverage.state == "denied"
    # Only enabled rules count as routing GuardDuty findings.
    assert [r.name for r in inv.rules_for_source("aws.guardduty")] == ["gd-to-lambda"]


def test_event_bus_policy_parsed_from_a_string(inv: DetectionInventory) -> None:
    buses = {b.name: b for b in inv.event_buses.values()}
    assert buses["default"].policy is None
    policy = buses["shared"].policy
    assert policy is not None and policy.ok
    (statement,) = policy.statements  # a single statement object
    assert statement.principal == {"*": ("*",)} and statement.action == ("events:PutEvents",)
    assert inv.event_regions[(MEMBER, "us-east-1")].coverage.state == "not_collected"
