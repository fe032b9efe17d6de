"""The monitoring normalizer on small fixtures: trails (shadow, organization, selectors), Config, metric
filters joined to alarms, and "not collected" kept apart from "none there"."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from analysis.model.coverage import Coverage
from analysis.model.monitoring import MonitoringInventory, normalize_monitoring
from analysis.model.source import PageSource
from snapshot import Snapshot
from tests.analysis.model.builders import FIXTURES, FakeCall, write_snapshot

MGMT, MEMBER, OTHER = "111111111111", "222222222222", "333333333333"
ORG_TRAIL = "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail"
APP_TRAIL = "arn:aws:cloudtrail:us-east-1:222222222222:trail/app-trail"


def regional_fixture(tmp_path: Path, name: str) -> Path:
    """Like builders.fixture_snapshot, but each call keeps its region (regional services)."""
    data = json.loads((FIXTURES / f"{name}.json").read_text())
    calls = [
        FakeCall(
            service=c["service"],
            operation=c["operation"],
            account_id=c["account_id"],
            region=c["region"],
            params=c.get("params", {}),
            pages=c.get("pages", []),
            outcome=c.get("outcome", "ok"),
            error_code=c.get("error_code"),
            error_message=c.get("error_message"),
        )
        for c in data["calls"]
    ]
    return write_snapshot(tmp_path / f"{name}.awb", calls=calls, manifest=data.get("manifest", {}))


def inventory(tmp_path: Path, name: str) -> Iterator[MonitoringInventory]:
    with Snapshot.open(regional_fixture(tmp_path, name)) as snap:
        yield normalize_monitoring(PageSource(snap), Coverage(calls=snap.calls(), manifest=snap.manifest))


@pytest.fixture
def trails(tmp_path: Path) -> Iterator[MonitoringInventory]:
    yield from inventory(tmp_path, "monitoring_trails")


@pytest.fixture
def config(tmp_path: Path) -> Iterator[MonitoringInventory]:
    yield from inventory(tmp_path, "monitoring_config")


@pytest.fixture
def cloudwatch(tmp_path: Path) -> Iterator[MonitoringInventory]:
    yield from inventory(tmp_path, "monitoring_cloudwatch")


# -- CloudTrail ----------------------------------------------------------------------------------


def test_a_trail_is_one_record_seen_wherever_it_is_visible(trails: MonitoringInventory) -> None:
    assert set(trails.trails) == {ORG_TRAIL, APP_TRAIL}  # the malformed entries are dropped
    org = trails.trails[ORG_TRAIL]
    assert (org.account_id, org.region, org.home_region) == (MGMT, "us-east-1", "us-east-1")
    assert org.seen_in == ((MGMT, "us-east-1"), (MGMT, "eu-west-1"), (MEMBER, "us-east-1"))
    assert not org.is_shadow_in(MGMT, "us-east-1")
    assert org.is_shadow_in(MGMT, "eu-west-1") and org.is_shadow_in(MEMBER, "us-east-1")
    # Attributes merged from every listing, the home region's values first (shadow entries may be terser).
    assert org.multi_region and org.organization_trail and org.log_file_validation
    assert org.kms_key_id == "arn:aws:kms:us-east-1:111111111111:key/abcd"
    assert org.cloudwatch_logs_log_group_arn == "arn:aws:logs:us-east-1:111111111111:log-group:org-trail:*"
    assert len(org.call_ids) >= 6


def test_status_and_selectors_from_the_home_region(trails: MonitoringInventory) -> None:
    org = trails.trails[ORG_TRAIL]
    assert org.status is not None and org.status.is_logging is True
    assert org.status.latest_delivery_error == "AccessDenied"
    assert org.status_coverage.state == "collected"
    # Advanced selectors: management events (read and write) and Lambda data events.
    assert org.management_events == "All"
    assert org.data_event_types == ("AWS::Lambda::Function",)
    # InsightNotEnabledException: answered, no insights.
    assert org.insights_coverage.state == "absent" and org.insight_types == ()


def test_denied_status_is_unknown_not_stopped(trails: MonitoringInventory) -> None:
    app = trails.trails[APP_TRAIL]
    assert app.status is None
    assert app.status_coverage.state == "denied"
    assert "GetTrailStatus" in app.status_coverage.reason
    assert app.log_file_validation is False and app.multi_region is False
    # Basic selector, write-only; DataResources Values given as a string.
    assert app.management_events == "WriteOnly"
    assert app.event_selectors[0].data_resources == (("AWS::S3::Object", ("arn:aws:s3:::app-bucket/",)),)
    # Insight selectors were never asked for this trail.
    assert app.insights_coverage.state == "not_collected"


def test_per_region_summaries_distinguish_denied_empty_and_not_collected(trails: MonitoringInventory) -> None:
    regions = trails.trail_regions
    assert regions[(MGMT, "eu-west-1")].coverage.state == "collected"
    assert regions[(MGMT, "eu-west-1")].arns == (ORG_TRAIL,)
    assert [t.arn for t in trails.trails_seen_in(MEMBER, "us-east-1")] == [ORG_TRAIL, APP_TRAIL]
    denied = regions[(MEMBER, "eu-west-1")]
    assert denied.coverage.state == "denied" and denied.arns == () and not denied.answered
    # Account 333 was in the collection but CloudTrail was never called there.
    never = regions[(OTHER, "us-east-1")]
    assert never.coverage.state == "not_collected" and "was not called" in never.coverage.reason


def test_selectors_not_collected_means_management_events_unknown(tmp_path: Path) -> None:
    path = write_snapshot(
        tmp_path / "s.awb",
        calls=[
            FakeCall(
                service="cloudtrail",
                operation="DescribeTrails",
                account_id=MGMT,
                region="us-east-1",
                params={"includeShadowTrails": True},
                pages=[{"trailList": [{"Name": "t", "TrailARN": ORG_TRAIL, "HomeRegion": "us-east-1"}]}],
            ),
            FakeCall(
                service="cloudtrail",
                operation="GetEventSelectors",
                account_id=MGMT,
                region="us-east-1",
                params={"TrailName": ORG_TRAIL},
                outcome="error",
                error_code="TrailNotFoundException",
            ),
        ],
    )
    with Snapshot.open(path) as snap:
        inv = normalize_monitoring(PageSource(snap), Coverage(calls=snap.calls(), manifest=snap.manifest))
    trail = inv.trails[ORG_TRAIL]
    assert trail.selectors_coverage.state == "error"
    assert trail.management_events is None  # never "Nothing", never "All"
    assert trail.status is None and trail.status_coverage.state == "not_collected"


# -- AWS Config ----------------------------------------------------------------------------------


def test_recorders_with_status(config: MonitoringInventory) -> None:
    recs = {(r.account_id, r.region): r for r in config.config_recorders.values()}
    assert set(recs) == {(MGMT, "us-east-1"), (MEMBER, "us-east-1")}
    good = recs[(MGMT, "us-east-1")]
    assert good.arn == "arn:aws:config:us-east-1:111111111111:configuration-recorder/default"
    assert good.all_supported and good.include_global_resource_types and good.recording is True
    assert good.recording_frequency == "CONTINUOUS" and good.last_status == "SUCCESS"
    weak = recs[(MEMBER, "us-east-1")]
    assert (
        weak.arn == "arn:aws:config:us-east-1:222222222222:configuration-recorder/default/xyz"
    )  # as AWS gave it
    assert weak.all_supported is False and weak.resource_types == ("AWS::EC2::Instance",)
    assert weak.recording_strategy == "INCLUSION_BY_RESOURCE_TYPES"
    assert weak.recording is False and weak.last_error_code == "AccessDenied"


def test_no_recorder_is_not_the_same_as_denied(config: MonitoringInventory) -> None:
    empty = config.config_regions[(MGMT, "eu-west-1")]
    assert empty.recorders.coverage.state == "collected" and empty.recorders.arns == ()
    denied = config.config_regions[(MEMBER, "eu-west-1")]
    assert denied.recorders.coverage.state == "denied" and not denied.recorders.answered
    assert denied.delivery_channels.coverage.state == "not_collected"
    ok = config.config_regions[(MGMT, "us-east-1")]
    assert ok.recorders.answered and len(ok.recorders.arns) == 1 and len(ok.delivery_channels.arns) == 1


def test_rules_carry_compliance_or_why_not(config: MonitoringInventory) -> None:
    rules = {(r.account_id, r.name): r for r in config.config_rules.values()}
    assert len(rules) == 4  # the entry without an ARN is dropped
    assert rules[(MGMT, "cloudtrail-enabled")].compliance == "COMPLIANT"
    public = rules[(MGMT, "s3-public-read")]
    assert public.compliance == "NON_COMPLIANT" and public.non_compliant_count == 100 and public.count_capped
    assert public.scope_resource_types == ("AWS::S3::Bucket",)
    # Collected, but AWS has no compliance result for it yet: unknown, not compliant.
    fresh = rules[(MGMT, "new-rule")]
    assert fresh.compliance is None and fresh.compliance_coverage.state == "collected"
    member = rules[(MEMBER, "cloudtrail-enabled")]
    assert member.compliance is None and member.compliance_coverage.state == "denied"


def test_aggregators_channels_and_packs(config: MonitoringInventory) -> None:
    aggs = {a.name: a for a in config.config_aggregators.values()}
    assert not aggs["two-accounts"].organization
    assert aggs["two-accounts"].account_ids == (MGMT, MEMBER) and aggs["two-accounts"].regions == (
        "us-east-1",
    )
    assert aggs["org"].organization and aggs["org"].all_regions
    assert aggs["org"].organization_role_arn == "arn:aws:iam::222222222222:role/agg"
    (channel,) = config.delivery_channels.values()
    assert channel.s3_bucket == "config-bucket" and channel.delivery_frequency == "TwentyFour_Hours"
    (pack,) = config.conformance_packs.values()
    assert pack.name == "cis" and pack.input_parameters == {"MaxAge": "90"}


# -- CloudWatch ----------------------------------------------------------------------------------


def test_metric_filters_join_alarms_in_the_same_account_and_region(cloudwatch: MonitoringInventory) -> None:
    filters = {f.name: f for f in cloudwatch.metric_filters.values()}
    assert set(filters) == {"RootAccountUsage", "UnauthorizedAPICalls", "ConsoleSigninWithoutMFA", "broken"}
    root = filters["RootAccountUsage"]
    # The partition comes from the collecting identity (GovCloud here).
    assert root.log_group_arn == "arn:aws-us-gov:logs:us-east-1:111111111111:log-group:org-trail"
    assert root.arn == root.log_group_arn + ":metric-filter:RootAccountUsage"
    joined = cloudwatch.alarms_by_filter
    assert joined[root.arn] == ("arn:aws-us-gov:cloudwatch:us-east-1:111111111111:alarm:root",)
    # A metric-math alarm watches the metric through its MetricStat.
    assert joined[filters["UnauthorizedAPICalls"].arn] == (
        "arn:aws-us-gov:cloudwatch:us-east-1:111111111111:alarm:unauthorized-math",
    )
    # Same metric, but the alarm is in eu-west-1: no alarm for this filter.
    assert joined[filters["ConsoleSigninWithoutMFA"].arn] == ()
    assert filters["broken"].metrics == () and filters["broken"].pattern == ""


def test_alarm_details(cloudwatch: MonitoringInventory) -> None:
    alarms = {a.name: a for a in cloudwatch.alarms.values()}
    root = alarms["root"]
    assert root.kind == "metric" and root.threshold == 1.0 and root.actions_enabled is True
    assert root.alarm_actions == ("arn:aws-us-gov:sns:us-east-1:111111111111:alerts",)
    math = alarms["unauthorized-math"]
    assert math.actions_enabled is False and math.alarm_actions == (
        "arn:aws-us-gov:sns:us-east-1:111111111111:alerts",
    )
    assert alarms["any"].kind == "composite" and alarms["any"].alarm_rule == "ALARM(root)"


def test_cloudwatch_regions_keep_denied_apart(cloudwatch: MonitoringInventory) -> None:
    assert cloudwatch.alarm_regions[(MEMBER, "us-east-1")].coverage.state == "denied"
    assert cloudwatch.metric_filter_regions[(MEMBER, "us-east-1")].coverage.state == "collected"
    assert cloudwatch.metric_filter_regions[(MGMT, "eu-west-1")].arns == ()
    assert len(cloudwatch.metric_filter_regions[(MGMT, "us-east-1")].arns) == 4
