"""CloudTrail, Config and CloudWatch collectors against moto, and the whole monitoring area end to end
(demo seed -> real runner -> Inventory).

moto allows every call, so denials and AWS answers moto cannot give are injected at botocore's
transport (``FaultyFactory`` rules). Where moto lacks an operation, the test answers it with a
stubbed response and says so: Config ``DescribeComplianceByConfigRule`` and
``DescribeConformancePacks`` (moto raises NotImplementedError in-process; see ``config_gaps``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from moto import mock_aws

from analysis.model.coverage import Coverage
from analysis.model.monitoring import MonitoringInventory, normalize_monitoring
from analysis.model.source import PageSource
from collectors import cloudtrail, cloudwatch, config
from collectors.spec import Collector
from snapshot import Snapshot
from tests.analysis.model.builders import FakeCall, write_snapshot
from tests.support.collect_one import collect_one
from tests.support.faults import FaultyFactory, json_error

ACCOUNT = "123456789012"  # moto's default account


class _Body:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Any:
        yield self._body


def ok_json(payload: dict[str, Any], content_type: str = "application/x-amz-json-1.1") -> AWSResponse:
    """A successful response as the JSON and REST-JSON protocols send it (wire names)."""
    return AWSResponse(
        "https://example.invalid/", 200, {"Content-Type": content_type}, _Body(json.dumps(payload).encode())
    )


Rule = Callable[[str, str, dict[str, Any]], AWSResponse | None]


def answer(service: str, operation: str, response: AWSResponse | Callable[[], AWSResponse]) -> Rule:
    def rule(svc: str, op: str, params: dict[str, Any]) -> AWSResponse | None:
        if (svc, op) == (service, operation):
            return response() if callable(response) else response
        return None

    return rule


def deny(service: str, operation: str, code: str = "AccessDeniedException") -> Rule:
    return answer(service, operation, lambda: json_error(code, f"not authorized to perform {operation}", 400))


# Config operations moto does not implement, answered with stubs (see the module docstring).
COMPLIANCE = {
    "ComplianceByConfigRules": [
        {"ConfigRuleName": "cloudtrail-enabled", "Compliance": {"ComplianceType": "COMPLIANT"}},
        {
            "ConfigRuleName": "root-account-mfa-enabled",
            "Compliance": {
                "ComplianceType": "NON_COMPLIANT",
                "ComplianceContributorCount": {"CappedCount": 1, "CapExceeded": False},
            },
        },
    ]
}


@pytest.fixture
def config_gaps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stub the Config operations moto lacks. In-process moto raises NotImplementedError for them,
    and botocore runs every before-send handler (moto's included), so a transport rule cannot answer
    in its place: the stub is added to moto's Config responder instead."""
    from moto.config.responses import ConfigResponse

    monkeypatch.setattr(
        ConfigResponse,
        "describe_compliance_by_config_rule",
        lambda self: json.dumps(COMPLIANCE),
        raising=False,
    )
    monkeypatch.setattr(
        ConfigResponse,
        "describe_conformance_packs",
        lambda self: json.dumps({"ConformancePackDetails": []}),
        raising=False,
    )


def inventory(snap: Snapshot) -> MonitoringInventory:
    return normalize_monitoring(PageSource(snap), Coverage(calls=snap.calls(), manifest=snap.manifest))


def outcomes(snap: Snapshot, service: str) -> dict[tuple[str, str], list[str]]:
    out: dict[tuple[str, str], list[str]] = {}
    for c in snap.calls(service=service):
        out.setdefault((c.operation, json.dumps(c.parameters, sort_keys=True)), []).append(c.outcome)
    return out


def run(
    collector: Collector, path: Path, region: str = "us-east-1", rules: list[Rule] | None = None
) -> Snapshot:
    return collect_one(collector, path, region=region, factory=FaultyFactory(rules=list(rules or [])))


def only(collectors: tuple[Collector, ...], service: str) -> Collector:
    (found,) = [c for c in collectors if c.service == service]
    return found


# -- CloudTrail ----------------------------------------------------------------------------------


@pytest.fixture
def trails() -> Iterator[dict[str, str]]:
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="trail-bucket")
        everywhere = boto3.client("cloudtrail", region_name="us-east-1").create_trail(
            Name="everywhere",
            S3BucketName="trail-bucket",
            IsMultiRegionTrail=True,
            EnableLogFileValidation=True,
        )["TrailARN"]
        eu = boto3.client("cloudtrail", region_name="eu-west-1")
        local = eu.create_trail(Name="eu-only", S3BucketName="trail-bucket")["TrailARN"]
        eu.start_logging(Name="eu-only")
        eu.put_event_selectors(
            TrailName="eu-only",
            EventSelectors=[{"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True}],
        )
        yield {"everywhere": everywhere, "local": local}


def test_cloudtrail_lists_shadow_trails_and_reads_each_trail_in_its_home_region(
    trails: dict[str, str], tmp_path: Path
) -> None:
    (collector,) = cloudtrail.COLLECTORS
    with run(collector, tmp_path / "ct.snapshot", region="eu-west-1") as snap:
        shadow = snap.calls(service="cloudtrail", operation="DescribeTrails")
        assert {json.dumps(c.parameters) for c in shadow} == {
            '{"includeShadowTrails": true}',
            '{"includeShadowTrails": false}',
        }
        # Status and selectors only for the trail whose home is eu-west-1.
        for op, param in (("GetTrailStatus", "Name"), ("GetEventSelectors", "TrailName")):
            calls = snap.calls(service="cloudtrail", operation=op)
            assert [c.parameters for c in calls] == [{param: trails["local"]}]
            assert calls[0].outcome == "ok"
        inv = inventory(snap)
    assert set(inv.trails) == {trails["everywhere"], trails["local"]}
    local = inv.trails[trails["local"]]
    assert local.status is not None and local.status.is_logging is True
    assert local.management_events == "ReadOnly"
    everywhere = inv.trails[trails["everywhere"]]
    assert (
        everywhere.multi_region and everywhere.log_file_validation and everywhere.home_region == "us-east-1"
    )
    assert everywhere.is_shadow_in(ACCOUNT, "eu-west-1")
    # Its status is read in us-east-1, which this snapshot did not collect: unknown, not "stopped".
    assert everywhere.status is None and everywhere.status_coverage.state == "not_collected"
    assert inv.trail_regions[(ACCOUNT, "eu-west-1")].arns == (trails["everywhere"], trails["local"])


def test_cloudtrail_denied_is_recorded_and_nothing_is_derived(trails: dict[str, str], tmp_path: Path) -> None:
    (collector,) = cloudtrail.COLLECTORS
    with run(collector, tmp_path / "denied.snapshot", rules=[deny("cloudtrail", "DescribeTrails")]) as snap:
        listed = snap.calls(service="cloudtrail", operation="DescribeTrails")
        assert len(listed) == 2 and {c.outcome for c in listed} == {"access_denied"}
        assert all(c.page_count == 0 for c in listed)
        assert snap.calls(service="cloudtrail", operation="GetTrailStatus") == []
        inv = inventory(snap)
    assert inv.trails == {}
    region = inv.trail_regions[(ACCOUNT, "us-east-1")]
    assert region.coverage.state == "denied" and not region.answered


def test_insights_not_enabled_is_absent(trails: dict[str, str], tmp_path: Path) -> None:
    (collector,) = cloudtrail.COLLECTORS
    rule = answer(
        "cloudtrail",
        "GetInsightSelectors",
        lambda: json_error("InsightNotEnabledException", "Trail does not have Insights enabled", 400),
    )
    with run(collector, tmp_path / "insights.snapshot", rules=[rule]) as snap:
        (call,) = snap.calls(service="cloudtrail", operation="GetInsightSelectors")
        assert call.outcome == "absent" and call.error_code == "InsightNotEnabledException"
        trail = inventory(snap).trails[trails["everywhere"]]
    assert trail.insights_coverage.state == "absent" and trail.insight_types == ()
    assert trail.status is not None and trail.status.is_logging is False


# -- AWS Config ----------------------------------------------------------------------------------


@pytest.fixture
def recorder() -> Iterator[None]:
    with mock_aws():
        cfg = boto3.client("config", region_name="us-east-1")
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="config-bucket")
        cfg.put_configuration_recorder(
            ConfigurationRecorder={
                "name": "default",
                "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config",
                "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
            }
        )
        cfg.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "config-bucket"})
        cfg.start_configuration_recorder(ConfigurationRecorderName="default")
        for name, ident in (
            ("cloudtrail-enabled", "CLOUD_TRAIL_ENABLED"),
            ("iam-root", "IAM_ROOT_ACCESS_KEY_CHECK"),
        ):
            cfg.put_config_rule(
                ConfigRule={"ConfigRuleName": name, "Source": {"Owner": "AWS", "SourceIdentifier": ident}}
            )
        cfg.put_configuration_aggregator(
            ConfigurationAggregatorName="org",
            OrganizationAggregationSource={
                "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/agg",
                "AllAwsRegions": True,
            },
        )
        yield


def test_config_collects_recorder_status_channel_rules_and_aggregator(
    recorder: None, config_gaps: None, tmp_path: Path
) -> None:
    (collector,) = config.COLLECTORS
    with run(collector, tmp_path / "config.snapshot") as snap:
        assert {c.operation for c in snap.calls()} == collector.operations()
        assert {c.outcome for c in snap.calls()} == {"ok"}
        inv = inventory(snap)
    (rec,) = inv.config_recorders.values()
    assert rec.all_supported and rec.include_global_resource_types and rec.recording is True
    assert rec.status_coverage.state == "collected"
    (channel,) = inv.delivery_channels.values()
    assert channel.s3_bucket == "config-bucket"
    rules = {r.name: r for r in inv.config_rules.values()}
    assert set(rules) == {"cloudtrail-enabled", "iam-root"}
    assert rules["cloudtrail-enabled"].compliance == "COMPLIANT"
    assert rules["iam-root"].compliance is None  # the stub has no result for it
    (agg,) = inv.config_aggregators.values()
    assert agg.organization and agg.all_regions
    summary = inv.config_regions[(ACCOUNT, "us-east-1")]
    assert summary.recorders.arns == (rec.arn,) and summary.conformance_packs.coverage.state == "collected"


def test_config_recorders_denied_is_not_no_recorder(
    recorder: None, config_gaps: None, tmp_path: Path
) -> None:
    (collector,) = config.COLLECTORS
    rules = [deny("config", "DescribeConfigurationRecorders")]
    with run(collector, tmp_path / "config-denied.snapshot", rules=rules) as snap:
        (call,) = snap.calls(service="config", operation="DescribeConfigurationRecorders")
        assert call.outcome == "access_denied" and call.page_count == 0
        assert snap.calls(service="config", operation="DescribeConfigRules")[0].outcome == "ok"
        inv = inventory(snap)
    assert inv.config_recorders == {}
    summary = inv.config_regions[(ACCOUNT, "us-east-1")]
    assert summary.recorders.coverage.state == "denied"
    assert (
        summary.delivery_channels.coverage.state == "collected" and len(summary.delivery_channels.arns) == 1
    )


# -- CloudWatch ----------------------------------------------------------------------------------


@pytest.fixture
def cis_alarm() -> Iterator[None]:
    with mock_aws():
        logs = boto3.client("logs", region_name="us-east-1")
        logs.create_log_group(logGroupName="trail")
        for name in ("RootUsage", "NoMFA"):
            logs.put_metric_filter(
                logGroupName="trail",
                filterName=name,
                filterPattern='{ $.userIdentity.type = "Root" }',
                metricTransformations=[{"metricName": name, "metricNamespace": "CIS", "metricValue": "1"}],
            )
        boto3.client("cloudwatch", region_name="us-east-1").put_metric_alarm(
            AlarmName="root",
            MetricName="RootUsage",
            Namespace="CIS",
            Statistic="Sum",
            Period=300,
            EvaluationPeriods=1,
            Threshold=1,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
            AlarmActions=[f"arn:aws:sns:us-east-1:{ACCOUNT}:alerts"],
        )
        yield


def test_metric_filters_and_alarms_are_collected_and_joined(cis_alarm: None, tmp_path: Path) -> None:
    (logs_path, cw_path) = (tmp_path / "logs.snapshot", tmp_path / "cw.snapshot")
    with run(only(cloudwatch.COLLECTORS, "logs"), logs_path) as snap:
        (call,) = snap.calls(service="logs", operation="DescribeMetricFilters")
        assert call.outcome == "ok"
    with run(only(cloudwatch.COLLECTORS, "cloudwatch"), cw_path) as snap:
        (call,) = snap.calls(service="cloudwatch", operation="DescribeAlarms")
        assert call.outcome == "ok" and call.parameters == {"AlarmTypes": ["MetricAlarm", "CompositeAlarm"]}
    # Both collectors' calls and pages, copied into one snapshot as a collection would hold them.
    copied: list[FakeCall] = []
    for part in (logs_path, cw_path):
        with Snapshot.open(part) as snap:
            copied.extend(
                FakeCall(
                    service=c.service,
                    operation=c.operation,
                    account_id=c.account_id,
                    region=c.region,
                    params=c.parameters,
                    pages=snap.pages(c.id),
                )
                for c in snap.calls()
            )
    with Snapshot.open(write_snapshot(tmp_path / "both.snapshot", calls=copied)) as snap:
        inv = inventory(snap)
    filters = {f.name: f for f in inv.metric_filters.values()}
    (alarm,) = inv.alarms.values()
    assert alarm.metrics[0].name == "RootUsage" and alarm.alarm_actions == (
        f"arn:aws:sns:us-east-1:{ACCOUNT}:alerts",
    )
    assert inv.alarms_by_filter[filters["RootUsage"].arn] == (alarm.arn,)
    assert inv.alarms_by_filter[filters["NoMFA"].arn] == ()


def test_cloudwatch_denials_are_recorded(cis_alarm: None, tmp_path: Path) -> None:
    rules = [
        deny("logs", "DescribeMetricFilters"),
        # CloudWatch: botocore picks the JSON protocol of those it supports (rpc-v2-cbor, json, query).
        answer("cloudwatch", "DescribeAlarms", lambda: json_error("AccessDenied", "not authorized", 403)),
    ]
    for collector in cloudwatch.COLLECTORS:
        with run(collector, tmp_path / f"{collector.name}.snapshot", rules=rules) as snap:
            (call,) = snap.calls(service=collector.service)
            assert call.outcome == "access_denied" and call.page_count == 0, call
            inv = inventory(snap)
            regions = inv.alarm_regions if collector.service == "cloudwatch" else inv.metric_filter_regions
            assert regions[(ACCOUNT, "us-east-1")].coverage.state == "denied"
