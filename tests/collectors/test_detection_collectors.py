"""EventBridge, Security Hub, GuardDuty and Access Analyzer collectors, and the monitoring demo seed
collected by the real runner into both Inventories.

Stubbed (said per test): Security Hub ``GetEnabledStandards``, GuardDuty
``DescribeOrganizationConfiguration`` and all of IAM Access Analyzer, which moto does not
implement (it answers 404 "Not yet implemented"); they are answered at botocore's transport by
``FaultyFactory`` rules, as AWS would answer, in wire format.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from analysis.model.coverage import Coverage
from analysis.model.detection import DetectionInventory, normalize_detection
from analysis.model.monitoring import MonitoringInventory, normalize_monitoring
from analysis.model.source import PageSource
from collectors import accessanalyzer, events, guardduty, securityhub
from collectors.access import OrganizationsAccess
from collectors.clients import ClientFactory
from collectors.demo.seed import (
    MANAGEMENT,
    REGION,
    SeedContext,
    _seed_moto_random,
    seed_admin_baseline,
    seed_organization_tree,
)
from collectors.demo.seed_monitoring import CIS_FILTERS, CONFIG_RECORDERS, GUARDDUTY, seed_monitoring
from collectors.runner import CollectionRequest, collect
from snapshot import Snapshot, SnapshotWriter
from tests.collectors.test_monitoring_collectors import ACCOUNT, COMPLIANCE, Rule, answer, deny, ok_json, run
from tests.support.faults import json_error

REST_JSON = "application/json"


def detection(snap: Snapshot) -> DetectionInventory:
    return normalize_detection(PageSource(snap), Coverage(calls=snap.calls(), manifest=snap.manifest))


# -- EventBridge ---------------------------------------------------------------------------------


@pytest.fixture
def rules() -> Iterator[None]:
    with mock_aws():
        ev = boto3.client("events", region_name="us-east-1")
        ev.create_event_bus(Name="security")
        ev.put_rule(Name="gd", EventPattern=json.dumps({"source": ["aws.guardduty"]}), State="ENABLED")
        ev.put_targets(
            Rule="gd", Targets=[{"Id": "t", "Arn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:fn"}]
        )
        ev.put_rule(
            Name="hub",
            EventBusName="security",
            EventPattern=json.dumps({"source": ["aws.securityhub"]}),
            State="DISABLED",
        )
        ev.put_targets(
            Rule="hub",
            EventBusName="security",
            Targets=[{"Id": "q", "Arn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:findings"}],
        )
        yield


def test_event_rules_are_listed_per_bus_with_targets_per_rule_and_bus(rules: None, tmp_path: Path) -> None:
    (collector,) = events.COLLECTORS
    with run(collector, tmp_path / "events.snapshot") as snap:
        assert {c.outcome for c in snap.calls()} == {"ok"}
        listed = {c.parameters["EventBusName"] for c in snap.calls(service="events", operation="ListRules")}
        assert listed == {"default", "security"}
        targets = [c.parameters for c in snap.calls(service="events", operation="ListTargetsByRule")]
        assert sorted(targets, key=str) == [
            {"Rule": "gd", "EventBusName": "default"},
            {"Rule": "hub", "EventBusName": "security"},
        ]
        inv = detection(snap)
    by_name = {r.name: r for r in inv.event_rules.values()}
    assert [t.kind for t in by_name["gd"].targets] == ["lambda"]
    assert by_name["hub"].event_bus_name == "security" and [t.kind for t in by_name["hub"].targets] == ["sqs"]
    assert [r.name for r in inv.rules_for_source("aws.guardduty")] == ["gd"]
    assert inv.rules_for_source("aws.securityhub") == ()  # disabled
    assert len(inv.event_buses) == 2


def test_event_rules_denied_leaves_targets_unasked(rules: None, tmp_path: Path) -> None:
    (collector,) = events.COLLECTORS
    with run(collector, tmp_path / "events-denied.snapshot", rules=[deny("events", "ListRules")]) as snap:
        assert {c.outcome for c in snap.calls(service="events", operation="ListRules")} == {"access_denied"}
        assert snap.calls(service="events", operation="ListTargetsByRule") == []
        inv = detection(snap)
    assert inv.event_rules == {} and len(inv.event_buses) == 2
    assert inv.event_regions[(ACCOUNT, "us-east-1")].coverage.state == "collected"


# -- Security Hub --------------------------------------------------------------------------------

STANDARDS = {
    "StandardsSubscriptions": [
        {
            "StandardsSubscriptionArn": f"arn:aws:securityhub:us-east-1:{ACCOUNT}:subscription/cis-aws-foundations-benchmark/v/3.0.0",
            "StandardsArn": "arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/3.0.0",
            "StandardsInput": {},
            "StandardsStatus": "READY",
        }
    ]
}


def test_security_hub_enabled_with_stubbed_standards(tmp_path: Path) -> None:
    """GetEnabledStandards is stubbed (moto lacks it); DescribeHub and the rest are moto's."""
    (collector,) = securityhub.COLLECTORS
    with mock_aws():
        boto3.client("securityhub", region_name="us-east-1").enable_security_hub(EnableDefaultStandards=False)
        stub = answer("securityhub", "GetEnabledStandards", lambda: ok_json(STANDARDS, REST_JSON))
        with run(collector, tmp_path / "hub.snapshot", rules=[stub]) as snap:
            inv = detection(snap)
            outcomes = {c.operation: c.outcome for c in snap.calls()}
    assert outcomes["DescribeHub"] == "ok" and outcomes["GetEnabledStandards"] == "ok"
    (hub,) = inv.security_hubs.values()
    assert hub.account_id == ACCOUNT and [s.status for s in hub.standards] == ["READY"]
    assert "cis-aws-foundations-benchmark" in hub.standards[0].standards_arn


def test_security_hub_not_enabled_is_not_subscribed_and_denied_is_denied(tmp_path: Path) -> None:
    """moto answers InvalidAccessException where Security Hub is off; GetEnabledStandards is stubbed
    with the same answer AWS gives there."""
    (collector,) = securityhub.COLLECTORS
    off = answer(
        "securityhub",
        "GetEnabledStandards",
        lambda: json_error("InvalidAccessException", "Account is not subscribed to AWS Security Hub", 401),
    )
    with mock_aws():
        with run(collector, tmp_path / "off.snapshot", rules=[off]) as snap:
            hub_calls = {c.operation: c.outcome for c in snap.calls()}
            off_inv = detection(snap)
        with run(collector, tmp_path / "denied.snapshot", rules=[deny("securityhub", "DescribeHub")]) as snap:
            denied_inv = detection(snap)
    assert (
        hub_calls["DescribeHub"] == "not_subscribed" and hub_calls["GetEnabledStandards"] == "not_subscribed"
    )
    assert off_inv.security_hubs == {}
    assert off_inv.security_hub_regions[(ACCOUNT, "us-east-1")].coverage.state == "not_subscribed"
    assert denied_inv.security_hub_regions[(ACCOUNT, "us-east-1")].coverage.state == "denied"


# -- GuardDuty -----------------------------------------------------------------------------------

ORG_CONFIG = {
    "autoEnable": True,
    "memberAccountLimitReached": False,
    "autoEnableOrganizationMembers": "ALL",
    "features": [
        {"name": "S3_DATA_EVENTS", "autoEnable": "ALL"},
        {"name": "RUNTIME_MONITORING", "autoEnable": "NONE"},
    ],
}


def test_guardduty_detector_features_and_stubbed_org_configuration(tmp_path: Path) -> None:
    """DescribeOrganizationConfiguration is stubbed (moto lacks it); the rest is moto's."""
    (collector,) = guardduty.COLLECTORS
    with mock_aws():
        detector_id = boto3.client("guardduty", region_name="us-east-1").create_detector(
            Enable=True, Features=[{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"}]
        )["DetectorId"]
        stub = answer(
            "guardduty", "DescribeOrganizationConfiguration", lambda: ok_json(ORG_CONFIG, REST_JSON)
        )
        with run(collector, tmp_path / "gd.snapshot", rules=[stub]) as snap:
            assert {c.outcome for c in snap.calls()} == {"ok"}
            assert [c.parameters for c in snap.calls(service="guardduty", operation="GetDetector")] == [
                {"DetectorId": detector_id}
            ]
            inv = detection(snap)
    (detector,) = inv.detectors.values()
    assert detector.detector_id == detector_id and detector.status == "ENABLED"
    assert detector.arn == f"arn:aws:guardduty:us-east-1:{ACCOUNT}:detector/{detector_id}"
    assert [(f.name, f.status) for f in detector.features] == [("S3_DATA_EVENTS", "ENABLED")]
    assert detector.org_auto_enable_members == "ALL"
    assert {f.name: f.status for f in detector.org_features} == {
        "S3_DATA_EVENTS": "ALL",
        "RUNTIME_MONITORING": "NONE",
    }


def test_guardduty_member_answers_and_denials_are_recorded(tmp_path: Path) -> None:
    """A member's detector: the organization configuration is refused with BadRequestException (stubbed,
    as AWS answers a non-administrator), ListOrganizationAdminAccounts is denied (management only)."""
    (collector,) = guardduty.COLLECTORS
    rules_: list[Rule] = [
        answer(
            "guardduty",
            "DescribeOrganizationConfiguration",
            lambda: json_error(
                "BadRequestException",
                "The request is rejected because the account is not the administrator",
                400,
            ),
        ),
        deny("guardduty", "ListOrganizationAdminAccounts"),
    ]
    with mock_aws():
        boto3.client("guardduty", region_name="us-east-1").create_detector(Enable=True)
        with run(collector, tmp_path / "member.snapshot", rules=rules_) as snap:
            outcomes = {c.operation: c.outcome for c in snap.calls()}
            inv = detection(snap)
        with run(collector, tmp_path / "denied.snapshot", rules=[deny("guardduty", "ListDetectors")]) as snap:
            assert snap.calls(service="guardduty", operation="GetDetector") == []
            denied = detection(snap)
    assert outcomes["DescribeOrganizationConfiguration"] == "absent"
    assert outcomes["ListOrganizationAdminAccounts"] == "access_denied"
    assert outcomes["GetDetector"] == "ok" and outcomes["GetAdministratorAccount"] == "ok"
    (detector,) = inv.detectors.values()
    assert detector.org_coverage.state == "absent" and detector.org_auto_enable_members is None
    assert inv.guardduty_admin_coverage[(ACCOUNT, "us-east-1")].state == "denied"
    assert (
        denied.detectors == {} and denied.guardduty_regions[(ACCOUNT, "us-east-1")].coverage.state == "denied"
    )


# -- Access Analyzer (stubbed entirely: moto has no Access Analyzer) -----------------------------

ORG_ANALYZER = f"arn:aws:access-analyzer:us-east-1:{ACCOUNT}:analyzer/org"
UNUSED_ANALYZER = f"arn:aws:access-analyzer:us-east-1:{ACCOUNT}:analyzer/unused"


def analyzer_rules(sent: list[dict[str, Any]]) -> list[Rule]:
    analyzers = {
        "analyzers": [
            {"arn": ORG_ANALYZER, "name": "org", "type": "ORGANIZATION", "status": "ACTIVE"},
            {"arn": UNUSED_ANALYZER, "name": "unused", "type": "ACCOUNT_UNUSED_ACCESS", "status": "ACTIVE"},
        ]
    }

    def findings(service: str, operation: str, params: dict[str, Any]) -> Any:
        if (service, operation) != ("accessanalyzer", "ListFindings"):
            return None
        sent.append(dict(params))
        if params.get("nextToken") is None:
            page = {
                "findings": [_finding("f1", "AWS::S3::Bucket"), _finding("f2", "AWS::KMS::Key")],
                "nextToken": "p2",
            }
        else:
            page = {"findings": [_finding("f3", "AWS::S3::Bucket")]}
        return ok_json(page, REST_JSON)

    return [answer("accessanalyzer", "ListAnalyzers", lambda: ok_json(analyzers, REST_JSON)), findings]


def _finding(finding_id: str, resource_type: str) -> dict[str, Any]:
    return {
        "id": finding_id,
        "resourceType": resource_type,
        "status": "ACTIVE",
        "condition": {},
        "resourceOwnerAccount": ACCOUNT,
        "createdAt": "2026-01-10T10:00:00Z",
        "analyzedAt": "2026-01-10T10:00:00Z",
        "updatedAt": "2026-01-10T10:00:00Z",
    }


def test_access_analyzer_counts_active_findings_of_external_access_analyzers(tmp_path: Path) -> None:
    """Stubbed: ListAnalyzers and two pages of ListFindings, as AWS sends them."""
    (collector,) = accessanalyzer.COLLECTORS
    sent: list[dict[str, Any]] = []
    with mock_aws(), run(collector, tmp_path / "aa.snapshot", rules=analyzer_rules(sent)) as snap:
        (call,) = snap.calls(service="accessanalyzer", operation="ListFindings")
        assert call.outcome == "ok" and call.page_count == 2
        assert call.parameters == {"analyzerArn": ORG_ANALYZER, "filter": {"status": {"eq": ["ACTIVE"]}}}
        inv = detection(snap)
    # Only the external-access analyzer is asked; the filter went out on both pages.
    assert [p["analyzerArn"] for p in sent] == [ORG_ANALYZER, ORG_ANALYZER]
    assert all(p["filter"] == {"status": {"eq": ["ACTIVE"]}} for p in sent)
    org = inv.analyzers[ORG_ANALYZER]
    assert org.active_findings == 3 and org.active_finding_resource_types == {
        "AWS::S3::Bucket": 2,
        "AWS::KMS::Key": 1,
    }
    assert inv.analyzers[UNUSED_ANALYZER].active_findings is None


def test_access_analyzer_denied_is_recorded(tmp_path: Path) -> None:
    """Stubbed: ListAnalyzers denied."""
    (collector,) = accessanalyzer.COLLECTORS
    with (
        mock_aws(),
        run(
            collector, tmp_path / "aa-denied.snapshot", rules=[deny("accessanalyzer", "ListAnalyzers")]
        ) as snap,
    ):
        (call,) = snap.calls(service="accessanalyzer")
        assert call.operation == "ListAnalyzers" and call.outcome == "access_denied"
        inv = detection(snap)
    assert inv.analyzers == {}
    assert inv.analyzer_regions[(ACCOUNT, "us-east-1")].coverage.state == "denied"


# -- The demo seed, collected by the real runner -------------------------------------------------

MONITORING_SERVICES = (
    "cloudtrail",
    "config",
    "logs",
    "cloudwatch",
    "events",
    "securityhub",
    "guardduty",
    "accessanalyzer",
)


@pytest.fixture(scope="module")
def seeded(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[SeedContext, MonitoringInventory, DetectionInventory, Snapshot]]:
    """The organization tree, the admin baseline and seed_monitoring, collected in us-east-1 and
    eu-west-1. moto's Config gaps are stubbed in its responder (see test_monitoring_collectors);
    Security Hub standards, GuardDuty organization configuration and Access Analyzer are left to
    moto's 404: they must come out as errors (not assessed), never as empty."""
    from moto.config.responses import ConfigResponse

    path = tmp_path_factory.mktemp("seeded") / "monitoring.snapshot"
    with pytest.MonkeyPatch.context() as mp, mock_aws():
        mp.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
        mp.setattr(
            ConfigResponse,
            "describe_compliance_by_config_rule",
            lambda self: json.dumps(COMPLIANCE),
            raising=False,
        )
        mp.setattr(
            ConfigResponse,
            "describe_conformance_packs",
            lambda self: json.dumps({"ConformancePackDetails": []}),
            raising=False,
        )
        _seed_moto_random()
        session = boto3.Session(region_name=REGION)
        ctx = SeedContext(session=session, org=session.client("organizations", region_name=REGION))
        seed_organization_tree(ctx)
        seed_admin_baseline(ctx)
        seed_monitoring(ctx)
        factory = ClientFactory()
        writer = SnapshotWriter.create(path, tool_version="test")
        try:
            result = collect(
                request=CollectionRequest(regions=("us-east-1", "eu-west-1"), services=MONITORING_SERVICES),
                access=OrganizationsAccess(factory=factory, profile=None),
                factory=factory,
                writer=writer,
            )
        finally:
            writer.close()
    assert result.status == "complete"
    with Snapshot.open(path) as snap:
        src, cov = PageSource(snap), Coverage(calls=snap.calls(), manifest=snap.manifest)
        yield ctx, normalize_monitoring(src, cov), normalize_detection(src, cov), snap


def test_seeded_trails(seeded: Any) -> None:
    ctx, mon, _, _ = seeded
    seeded_trails = ctx.resources["monitoring"]["trails"]
    assert {t["arn"] for t in seeded_trails.values()} == set(mon.trails)
    for spec in seeded_trails.values():
        trail = mon.trails[spec["arn"]]
        assert trail.account_id == ctx.accounts[spec["account"]] and trail.home_region == spec["home_region"]
        assert trail.multi_region is spec["multi_region"] and trail.organization_trail is spec["organization"]
        assert trail.log_file_validation is spec["validation"]
        assert trail.kms_key_id == spec["kms_key"]
        assert trail.status is not None and trail.status.is_logging is spec["logging"]
    org = mon.trails[seeded_trails["org-trail"]["arn"]]
    mgmt = ctx.accounts[MANAGEMENT]
    # Seen in both regions of the management account (moto does not show it in members).
    assert set(org.seen_in) == {(mgmt, "us-east-1"), (mgmt, "eu-west-1")}
    assert org.management_events == "All" and org.data_event_types == ("AWS::S3::Object",)


def test_seeded_config_gaps_per_account_and_region(seeded: Any) -> None:
    ctx, mon, _, _ = seeded
    expected = {(ctx.accounts[a], r) for a, r, _ in CONFIG_RECORDERS}
    assert {(r.account_id, r.region) for r in mon.config_recorders.values()} == expected
    assert all(r.recording for r in mon.config_recorders.values())
    partial = {(r.account_id, r.all_supported) for r in mon.config_recorders.values() if not r.all_supported}
    assert partial == {(ctx.accounts["web-prod"], False)}
    # Every active account and region has an answered summary; the gaps are collected-empty.
    gaps = {k for k, v in mon.config_regions.items() if v.recorders.answered and not v.recorders.arns}
    everyone = set(ctx.accounts.values())  # no account is closed in this seed
    assert gaps == {(a, r) for a in everyone for r in ("us-east-1", "eu-west-1")} - expected
    (agg,) = mon.config_aggregators.values()
    assert agg.account_id == ctx.accounts["security-tooling"] and agg.organization
    rules = {r.name: r for r in mon.config_rules.values()}
    assert set(rules) == {"cloudtrail-enabled", "root-account-mfa-enabled"}
    assert rules["root-account-mfa-enabled"].compliance == "NON_COMPLIANT"  # stubbed compliance


def test_seeded_cis_filters_and_alarms(seeded: Any) -> None:
    ctx, mon, _, _ = seeded
    names = {f.name: f for f in mon.metric_filters.values()}
    assert set(names) == {n for n, _, _ in CIS_FILTERS}
    for name, _, alarmed in CIS_FILTERS:
        joined = mon.alarms_by_filter[names[name].arn]
        assert bool(joined) is alarmed, name
    topic = ctx.resources["monitoring"]["supporting"]["alert_topic"]
    assert all(a.alarm_actions == (topic,) for a in mon.alarms.values()) and len(mon.alarms) == 2


def test_seeded_guardduty_security_hub_and_responder(seeded: Any) -> None:
    ctx, _, det, _ = seeded
    assert {(d.account_id, d.region) for d in det.detectors.values()} == {
        (ctx.accounts[a], r) for a, r in GUARDDUTY
    }
    # No detector in payments-dev: collected, empty (not denied).
    dev = det.guardduty_regions[(ctx.accounts["payments-dev"], "us-east-1")]
    assert dev.coverage.state == "collected" and dev.arns == ()
    assert {a.account_id for a in det.guardduty_admins} == {ctx.accounts["security-tooling"]}
    # moto lacks DescribeOrganizationConfiguration: an error, so org auto-enable is unknown.
    assert all(
        d.org_coverage.state == "error" and d.org_auto_enable_members is None for d in det.detectors.values()
    )
    hubs = {(h.account_id, h.region) for h in det.security_hubs.values()}
    assert hubs == {
        (ctx.accounts[a["account"]], a["region"]) for a in ctx.resources["monitoring"]["security_hubs"]
    }
    assert all(
        h.standards_coverage.state == "error" and h.standards == () for h in det.security_hubs.values()
    )
    off = det.security_hub_regions[(ctx.accounts["web-prod"], "us-east-1")]
    assert off.coverage.state == "not_subscribed"
    (rule,) = det.rules_for_source("aws.guardduty")
    assert rule.account_id == ctx.accounts["security-tooling"]
    assert [t.arn for t in rule.targets] == [ctx.resources["monitoring"]["supporting"]["responder_function"]]
    # Access Analyzer is not in moto: every region is an error, never "no analyzer".
    assert {s.coverage.state for s in det.analyzer_regions.values()} == {"error"}
