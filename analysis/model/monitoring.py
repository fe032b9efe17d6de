"""Logging and monitoring as collected: CloudTrail trails, AWS Config, CloudWatch metric filters and alarms.

Pure: reads the stored pages through :class:`PageSource` and answers gaps with
:class:`Coverage`. Everything is per account and region, because that is how
these services are enabled, and every (account, region) has a summary with the
coverage of its listing: "no recorder in eu-west-1" (collected, empty) is not
"DescribeConfigurationRecorders was denied in eu-west-1" (not assessed).

Values that come from per-resource calls (a trail's status and selectors, a rule's
compliance) carry the :class:`CoverageState` of that call, never a default.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from analysis.model.coverage import Coverage, CoverageState
from analysis.model.records import Record, partition_of
from analysis.model.source import PageSource, bulk_parsing

AccountRegion = tuple[str, str]

SHADOW_PARAMS = {"includeShadowTrails": True}


# -- small readers, tolerant of malformed pages ------------------------------------------------


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _opt_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _strs(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def region_pairs(source: PageSource, service: str, operation: str) -> set[AccountRegion]:
    """Every (account, region) where ``operation`` was called, or which the collection covered.

    The second part makes "never asked there" visible (Coverage answers not_collected with why).
    """
    pairs = {(c.account_id, c.region) for c in source.calls(service, operation) if c.region != "global"}
    outcomes = source.manifest.get("account_outcomes") or {}
    if isinstance(outcomes, Mapping):
        for account_id, outcome in outcomes.items():
            if isinstance(outcome, Mapping):
                pairs.update((str(account_id), str(r)) for r in outcome.get("regions_collected") or ())
    return pairs


@dataclass(frozen=True, kw_only=True)
class RegionCoverage:
    """One account and region of one area: whether its listing was answered, and what it holds."""

    account_id: str
    region: str
    coverage: CoverageState  # of the area's listing operation
    arns: tuple[str, ...] = ()  # what the listing showed there

    @property
    def answered(self) -> bool:
        return self.coverage.answered


def _region_map(
    source: PageSource,
    coverage: Coverage,
    service: str,
    operation: str,
    found: Mapping[AccountRegion, list[str]],
    parameters: Mapping[str, Any] | None = None,
    *,
    pairs: Iterable[AccountRegion] | None = None,
) -> dict[AccountRegion, RegionCoverage]:
    out: dict[AccountRegion, RegionCoverage] = {}
    wanted = set(pairs) if pairs is not None else region_pairs(source, service, operation)
    for account_id, region in sorted(wanted | set(found)):
        out[(account_id, region)] = RegionCoverage(
            account_id=account_id,
            region=region,
            coverage=coverage.state(
                account_id=account_id,
                region=region,
                service=service,
                operation=operation,
                parameters=parameters,
            ),
            arns=tuple(dict.fromkeys(found.get((account_id, region), ()))),
        )
    return out


# -- CloudTrail ------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class EventSelector:
    """A basic event selector (CloudTrail API reference, EventSelector)."""

    read_write_type: str  # All | ReadOnly | WriteOnly
    include_management_events: bool
    data_resources: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (type, values)
    exclude_management_event_sources: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class AdvancedEventSelector:
    """An advanced event selector: field -> operator (Equals, NotEquals, StartsWith, ...) -> values."""

    name: str
    fields: Mapping[str, Mapping[str, tuple[str, ...]]]

    def equals(self, name: str) -> tuple[str, ...]:
        return self.fields.get(name, {}).get("Equals", ())


@dataclass(frozen=True, kw_only=True)
class TrailStatus:
    is_logging: bool | None
    latest_delivery_error: str | None
    latest_delivery_time: str | None
    latest_cloudwatch_logs_delivery_error: str | None
    latest_cloudwatch_logs_delivery_time: str | None
    latest_digest_delivery_error: str | None
    start_logging_time: str | None
    stop_logging_time: str | None


@dataclass(frozen=True, kw_only=True)
class Trail(Record):
    """A trail, once, under its owner account and home region; ``seen_in`` lists where it is visible."""

    name: str
    home_region: str
    multi_region: bool | None
    organization_trail: bool | None
    log_file_validation: bool | None
    include_global_service_events: bool | None
    kms_key_id: str | None
    s3_bucket: str | None
    s3_key_prefix: str | None
    sns_topic_arn: str | None
    cloudwatch_logs_log_group_arn: str | None
    cloudwatch_logs_role_arn: str | None
    seen_in: tuple[AccountRegion, ...]
    status: TrailStatus | None
    status_coverage: CoverageState
    event_selectors: tuple[EventSelector, ...] = ()
    advanced_event_selectors: tuple[AdvancedEventSelector, ...] = ()
    selectors_coverage: CoverageState
    insight_types: tuple[str, ...] = ()
    insights_coverage: CoverageState

    def is_shadow_in(self, account_id: str, region: str) -> bool:
        """True where this trail is a replica: another region, or a member account of an org trail."""
        return (account_id, region) != (self.account_id, self.home_region)

    @property
    def management_events(self) -> str | None:
        """Management events logged: "All", "ReadOnly", "WriteOnly" or "Nothing"; None if selectors not collected."""
        if self.selectors_coverage.state != "collected":
            return None
        reads = writes = False
        for sel in self.event_selectors:
            if sel.include_management_events:
                reads |= sel.read_write_type in ("All", "ReadOnly")
                writes |= sel.read_write_type in ("All", "WriteOnly")
        for adv in self.advanced_event_selectors:
            if "Management" not in adv.equals("eventCategory"):
                continue
            read_only = adv.equals("readOnly")
            reads |= not read_only or "true" in read_only
            writes |= not read_only or "false" in read_only
        if reads and writes:
            return "All"
        return "ReadOnly" if reads else "WriteOnly" if writes else "Nothing"

    @property
    def data_event_types(self) -> tuple[str, ...]:
        """Resource types whose data events are logged (e.g. AWS::S3::Object, AWS::Lambda::Function)."""
        out = [t for sel in self.event_selectors for t, _ in sel.data_resources]
        for adv in self.advanced_event_selectors:
            if "Data" in adv.equals("eventCategory"):
                out.extend(adv.equals("resources.type"))
        return tuple(dict.fromkeys(out))


# -- AWS Config ------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ConfigRecorder(Record):
    name: str
    role_arn: str | None
    service_principal: str | None  # set for service-linked recorders
    all_supported: bool | None
    include_global_resource_types: bool | None
    resource_types: tuple[str, ...]
    exclusion_resource_types: tuple[str, ...]
    recording_strategy: str | None
    recording_frequency: str | None
    recording: bool | None  # None: status not collected
    last_status: str | None
    last_error_code: str | None
    last_error_message: str | None
    last_status_change_time: str | None
    status_coverage: CoverageState


@dataclass(frozen=True, kw_only=True)
class DeliveryChannel(Record):
    name: str
    s3_bucket: str | None
    s3_key_prefix: str | None
    s3_kms_key_arn: str | None
    sns_topic_arn: str | None
    delivery_frequency: str | None


@dataclass(frozen=True, kw_only=True)
class ConfigRule(Record):
    name: str
    rule_id: str
    state: str
    source_owner: str
    source_identifier: str
    scope_resource_types: tuple[str, ...]
    created_by: str | None
    compliance: str | None  # COMPLIANT | NON_COMPLIANT | NOT_APPLICABLE | INSUFFICIENT_DATA; None: unknown
    non_compliant_count: int | None
    count_capped: bool
    compliance_coverage: CoverageState


@dataclass(frozen=True, kw_only=True)
class ConfigAggregator(Record):
    name: str
    organization: bool  # an organization aggregator (all accounts of the organization)
    organization_role_arn: str | None
    account_ids: tuple[str, ...]
    all_regions: bool
    regions: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class ConformancePack(Record):
    name: str
    pack_id: str
    delivery_bucket: str | None
    created_by: str | None
    input_parameters: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class ConfigRegion:
    """AWS Config in one account and region."""

    account_id: str
    region: str
    recorders: RegionCoverage
    recorder_status: CoverageState
    delivery_channels: RegionCoverage
    rules: RegionCoverage
    aggregators: RegionCoverage
    conformance_packs: RegionCoverage


# -- CloudWatch ------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class MetricRef:
    namespace: str
    name: str


@dataclass(frozen=True, kw_only=True)
class MetricFilter(Record):
    """A CloudWatch Logs metric filter. Filters have no ARN: the key is the log group's ARN
    (documented format) followed by ``:metric-filter:<name>``."""

    name: str
    log_group_name: str
    log_group_arn: str
    pattern: str
    metrics: tuple[MetricRef, ...]


@dataclass(frozen=True, kw_only=True)
class Alarm(Record):
    name: str
    kind: str  # "metric" | "composite"
    metrics: tuple[MetricRef, ...]  # the metric, or every metric of a metric-math alarm
    dimensions: tuple[tuple[str, str], ...]
    statistic: str | None
    comparison: str | None
    threshold: float | None
    evaluation_periods: int | None
    actions_enabled: bool | None
    alarm_actions: tuple[str, ...]
    ok_actions: tuple[str, ...]
    insufficient_data_actions: tuple[str, ...]
    state_value: str | None
    alarm_rule: str | None  # composite alarms


@dataclass(frozen=True, kw_only=True)
class MonitoringInventory:
    trails: Mapping[str, Trail]
    trail_regions: Mapping[AccountRegion, RegionCoverage]
    config_recorders: Mapping[str, ConfigRecorder]
    delivery_channels: Mapping[str, DeliveryChannel]
    config_rules: Mapping[str, ConfigRule]
    config_aggregators: Mapping[str, ConfigAggregator]
    conformance_packs: Mapping[str, ConformancePack]
    config_regions: Mapping[AccountRegion, ConfigRegion]
    metric_filters: Mapping[str, MetricFilter]
    alarms: Mapping[str, Alarm]
    # filter key -> the alarms on a metric it publishes (same account and region)
    alarms_by_filter: Mapping[str, tuple[str, ...]]
    metric_filter_regions: Mapping[AccountRegion, RegionCoverage]
    alarm_regions: Mapping[AccountRegion, RegionCoverage]

    def trails_seen_in(self, account_id: str, region: str) -> tuple[Trail, ...]:
        summary = self.trail_regions.get((account_id, region))
        return tuple(self.trails[a] for a in summary.arns if a in self.trails) if summary else ()


def normalize_monitoring(source: PageSource, coverage: Coverage) -> MonitoringInventory:
    """Build the monitoring inventory from a snapshot's CloudTrail, Config, Logs and CloudWatch pages."""
    partition = partition_of(source.manifest)
    with bulk_parsing():
        trails, trail_regions = _trails(source, coverage)
        config = _config(source, coverage, partition)
        filters, filter_regions = _metric_filters(source, coverage, partition)
        alarms, alarm_regions = _alarms(source, coverage)
    return MonitoringInventory(
        trails=trails,
        trail_regions=trail_regions,
        config_recorders=config[0],
        delivery_channels=config[1],
        config_rules=config[2],
        config_aggregators=config[3],
        conformance_packs=config[4],
        config_regions=config[5],
        metric_filters=filters,
        alarms=alarms,
        alarms_by_filter=_join_filters_to_alarms(filters, alarms),
        metric_filter_regions=filter_regions,
        alarm_regions=alarm_regions,
    )


# -- CloudTrail --------------------------------------------------------------------------------


def _trails(
    source: PageSource, coverage: Coverage
) -> tuple[dict[str, Trail], dict[AccountRegion, RegionCoverage]]:
    raw: dict[str, dict[str, Any]] = {}
    home_raw: dict[str, dict[str, Any]] = {}
    seen: dict[str, list[AccountRegion]] = defaultdict(list)
    call_ids: dict[str, list[int]] = defaultdict(list)
    found: dict[AccountRegion, list[str]] = defaultdict(list)
    for page in source.pages("cloudtrail", "DescribeTrails"):
        shadow_listing = page.call.parameters.get("includeShadowTrails", True) is not False
        for item in _dicts(page.body.get("trailList")):
            arn = _str(item.get("TrailARN"))
            if not arn:
                continue
            # Listings may differ in detail (shadow entries can be terser): keep every key seen,
            # the home region's values first.
            merged = raw.setdefault(arn, {})
            for k, v in item.items():
                merged.setdefault(k, v)
            call_ids[arn].append(page.call.id)
            where = (page.account_id, page.region)
            if shadow_listing:
                found[where].append(arn)
                if where not in seen[arn]:
                    seen[arn].append(where)
            if _owner_account(arn) == page.account_id and _str(item.get("HomeRegion")) == page.region:
                home_item = home_raw.setdefault(arn, {})
                home_item.update({k: v for k, v in item.items() if k not in home_item})
    statuses = _per_trail(source, "GetTrailStatus", "Name")
    selectors = _per_trail(source, "GetEventSelectors", "TrailName")
    insights = _per_trail(source, "GetInsightSelectors", "TrailName")
    trails: dict[str, Trail] = {}
    for arn, first in raw.items():
        item = {**first, **home_raw.get(arn, {})}
        owner = _owner_account(arn)
        home = _str(item.get("HomeRegion")) or _arn_region(arn)

        def state(
            operation: str, param: str, *, _owner: str = owner, _home: str = home, _arn: str = arn
        ) -> Any:
            return coverage.state(
                account_id=_owner,
                region=_home,
                service="cloudtrail",
                operation=operation,
                parameters={param: _arn},
            )

        status_page = statuses.get(arn)
        selector_page = selectors.get(arn)
        insight_page = insights.get(arn)
        ids = list(call_ids[arn])
        for extra in (status_page, selector_page, insight_page):
            if extra is not None:
                ids.append(extra[0])
        trails[arn] = Trail(
            arn=arn,
            account_id=owner,
            region=home,
            call_ids=tuple(dict.fromkeys(ids)),
            name=_str(item.get("Name")),
            home_region=home,
            multi_region=_bool(item.get("IsMultiRegionTrail")),
            organization_trail=_bool(item.get("IsOrganizationTrail")),
            log_file_validation=_bool(item.get("LogFileValidationEnabled")),
            include_global_service_events=_bool(item.get("IncludeGlobalServiceEvents")),
            kms_key_id=_opt_str(item.get("KmsKeyId")),
            s3_bucket=_opt_str(item.get("S3BucketName")),
            s3_key_prefix=_opt_str(item.get("S3KeyPrefix")),
            sns_topic_arn=_opt_str(item.get("SnsTopicARN")),
            cloudwatch_logs_log_group_arn=_opt_str(item.get("CloudWatchLogsLogGroupArn")),
            cloudwatch_logs_role_arn=_opt_str(item.get("CloudWatchLogsRoleArn")),
            seen_in=tuple(seen[arn]),
            status=_trail_status(status_page[1]) if status_page else None,
            status_coverage=state("GetTrailStatus", "Name"),
            event_selectors=tuple(
                _event_selector(s) for s in _dicts((selector_page or (0, {}))[1].get("EventSelectors"))
            ),
            advanced_event_selectors=tuple(
                _advanced_selector(s)
                for s in _dicts((selector_page or (0, {}))[1].get("AdvancedEventSelectors"))
            ),
            selectors_coverage=state("GetEventSelectors", "TrailName"),
            insight_types=tuple(
                _str(s.get("InsightType"))
                for s in _dicts((insight_page or (0, {}))[1].get("InsightSelectors"))
                if s.get("InsightType")
            ),
            insights_coverage=state("GetInsightSelectors", "TrailName"),
        )
    regions = _region_map(source, coverage, "cloudtrail", "DescribeTrails", found, SHADOW_PARAMS)
    return trails, regions


def _per_trail(source: PageSource, operation: str, param: str) -> dict[str, tuple[int, dict[str, Any]]]:
    out: dict[str, tuple[int, dict[str, Any]]] = {}
    for page in source.pages("cloudtrail", operation):
        arn = page.call.parameters.get(param)
        if isinstance(arn, str) and arn not in out:
            out[arn] = (page.call.id, page.body)
    return out


def _owner_account(arn: str) -> str:
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 else ""


def _arn_region(arn: str) -> str:
    parts = arn.split(":")
    return parts[3] if len(parts) > 5 else ""


def _trail_status(body: Mapping[str, Any]) -> TrailStatus:
    return TrailStatus(
        is_logging=_bool(body.get("IsLogging")),
        latest_delivery_error=_opt_str(body.get("LatestDeliveryError")),
        latest_delivery_time=_opt_str(body.get("LatestDeliveryTime")),
        latest_cloudwatch_logs_delivery_error=_opt_str(body.get("LatestCloudWatchLogsDeliveryError")),
        latest_cloudwatch_logs_delivery_time=_opt_str(body.get("LatestCloudWatchLogsDeliveryTime")),
        latest_digest_delivery_error=_opt_str(body.get("LatestDigestDeliveryError")),
        start_logging_time=_opt_str(body.get("StartLoggingTime")),
        stop_logging_time=_opt_str(body.get("StopLoggingTime")),
    )


def _event_selector(item: Mapping[str, Any]) -> EventSelector:
    # Defaults per the API reference: ReadWriteType All, IncludeManagementEvents true.
    include = item.get("IncludeManagementEvents")
    return EventSelector(
        read_write_type=_str(item.get("ReadWriteType")) or "All",
        include_management_events=include if isinstance(include, bool) else True,
        data_resources=tuple(
            (_str(d.get("Type")), _strs(d.get("Values"))) for d in _dicts(item.get("DataResources"))
        ),
        exclude_management_event_sources=_strs(item.get("ExcludeManagementEventSources")),
    )


def _advanced_selector(item: Mapping[str, Any]) -> AdvancedEventSelector:
    fields: dict[str, dict[str, tuple[str, ...]]] = {}
    for fs in _dicts(item.get("FieldSelectors")):
        ops = {k: _strs(v) for k, v in fs.items() if k != "Field" and isinstance(v, list)}
        fields[_str(fs.get("Field"))] = ops
    return AdvancedEventSelector(name=_str(item.get("Name")), fields=fields)


# -- AWS Config --------------------------------------------------------------------------------


_ConfigParts = tuple[
    dict[str, ConfigRecorder],
    dict[str, DeliveryChannel],
    dict[str, ConfigRule],
    dict[str, ConfigAggregator],
    dict[str, ConformancePack],
    dict[AccountRegion, ConfigRegion],
]


def _config(source: PageSource, coverage: Coverage, partition: str) -> _ConfigParts:
    statuses: dict[tuple[str, str, str], tuple[int, dict[str, Any]]] = {}
    for page in source.pages("config", "DescribeConfigurationRecorderStatus"):
        for st in _dicts(page.body.get("ConfigurationRecordersStatus")):
            statuses[(page.account_id, page.region, _str(st.get("name")))] = (page.call.id, st)
    recorders: dict[str, ConfigRecorder] = {}
    found_recorders: dict[AccountRegion, list[str]] = defaultdict(list)
    for page in source.pages("config", "DescribeConfigurationRecorders"):
        for rec in _dicts(page.body.get("ConfigurationRecorders")):
            name = _str(rec.get("name"))
            # Recorders have an "arn" since 2024 (service-linked recorders); older answers have none,
            # and the key is then built in the same format without the id suffix.
            arn = _str(rec.get("arn")) or (
                f"arn:{partition}:config:{page.region}:{page.account_id}:configuration-recorder/{name}"
            )
            group = _dict(rec.get("recordingGroup"))
            mode = _dict(rec.get("recordingMode"))
            strategy = _dict(group.get("recordingStrategy"))
            exclusions = group.get("exclusionByResourceTypes")
            status = statuses.get((page.account_id, page.region, name))
            st = status[1] if status else {}
            recorders[arn] = ConfigRecorder(
                arn=arn,
                account_id=page.account_id,
                region=page.region,
                call_ids=(page.call.id, *((status[0],) if status else ())),
                name=name,
                role_arn=_opt_str(rec.get("roleARN")),
                service_principal=_opt_str(rec.get("servicePrincipal")),
                all_supported=_bool(group.get("allSupported")),
                include_global_resource_types=_bool(group.get("includeGlobalResourceTypes")),
                resource_types=_strs(group.get("resourceTypes")),
                exclusion_resource_types=_strs(
                    exclusions.get("resourceTypes") if isinstance(exclusions, dict) else None
                ),
                recording_strategy=_opt_str(strategy.get("useOnly")),
                recording_frequency=_opt_str(mode.get("recordingFrequency")),
                recording=_bool(st.get("recording")) if status else None,
                last_status=_opt_str(st.get("lastStatus")),
                last_error_code=_opt_str(st.get("lastErrorCode")),
                last_error_message=_opt_str(st.get("lastErrorMessage")),
                last_status_change_time=_opt_str(st.get("lastStatusChangeTime")),
                status_coverage=coverage.state(
                    account_id=page.account_id,
                    region=page.region,
                    service="config",
                    operation="DescribeConfigurationRecorderStatus",
                ),
            )
            found_recorders[(page.account_id, page.region)].append(arn)

    channels: dict[str, DeliveryChannel] = {}
    found_channels: dict[AccountRegion, list[str]] = defaultdict(list)
    for page in source.pages("config", "DescribeDeliveryChannels"):
        for ch in _dicts(page.body.get("DeliveryChannels")):
            name = _str(ch.get("name"))
            # Delivery channels have no ARN; the key follows the recorder's format.
            key = f"arn:{partition}:config:{page.region}:{page.account_id}:delivery-channel/{name}"
            props = ch.get("configSnapshotDeliveryProperties")
            channels[key] = DeliveryChannel(
                arn=key,
                account_id=page.account_id,
                region=page.region,
                call_ids=(page.call.id,),
                name=name,
                s3_bucket=_opt_str(ch.get("s3BucketName")),
                s3_key_prefix=_opt_str(ch.get("s3KeyPrefix")),
                s3_kms_key_arn=_opt_str(ch.get("s3KmsKeyArn")),
                sns_topic_arn=_opt_str(ch.get("snsTopicARN")),
                delivery_frequency=_opt_str(props.get("deliveryFrequency"))
                if isinstance(props, dict)
                else None,
            )
            found_channels[(page.account_id, page.region)].append(key)

    compliance: dict[tuple[str, str, str], tuple[int, dict[str, Any]]] = {}
    for page in source.pages("config", "DescribeComplianceByConfigRule"):
        for c in _dicts(page.body.get("ComplianceByConfigRules")):
            compliance[(page.account_id, page.region, _str(c.get("ConfigRuleName")))] = (page.call.id, c)
    rules: dict[str, ConfigRule] = {}
    found_rules: dict[AccountRegion, list[str]] = defaultdict(list)
    for page in source.pages("config", "DescribeConfigRules"):
        for r in _dicts(page.body.get("ConfigRules")):
            arn = _str(r.get("ConfigRuleArn"))
            name = _str(r.get("ConfigRuleName"))
            if not arn:
                continue
            src = _dict(r.get("Source"))
            scope = _dict(r.get("Scope"))
            comp = compliance.get((page.account_id, page.region, name))
            detail = comp[1].get("Compliance") if comp else None
            detail = _dict(detail)
            count = detail.get("ComplianceContributorCount")
            count = _dict(count)
            rules[arn] = ConfigRule(
                arn=arn,
                account_id=page.account_id,
                region=page.region,
                call_ids=(page.call.id, *((comp[0],) if comp else ())),
                name=name,
                rule_id=_str(r.get("ConfigRuleId")),
                state=_str(r.get("ConfigRuleState")),
                source_owner=_str(src.get("Owner")),
                source_identifier=_str(src.get("SourceIdentifier")),
                scope_resource_types=_strs(scope.get("ComplianceResourceTypes")),
                created_by=_opt_str(r.get("CreatedBy")),
                compliance=_opt_str(detail.get("ComplianceType")),
                non_compliant_count=_int(count.get("CappedCount")),
                count_capped=count.get("CapExceeded") is True,
                compliance_coverage=coverage.state(
                    account_id=page.account_id,
                    region=page.region,
                    service="config",
                    operation="DescribeComplianceByConfigRule",
                ),
            )
            found_rules[(page.account_id, page.region)].append(arn)

    aggregators: dict[str, ConfigAggregator] = {}
    found_aggs: dict[AccountRegion, list[str]] = defaultdict(list)
    for page in source.pages("config", "DescribeConfigurationAggregators"):
        for a in _dicts(page.body.get("ConfigurationAggregators")):
            arn = _str(a.get("ConfigurationAggregatorArn"))
            if not arn:
                continue
            org = a.get("OrganizationAggregationSource")
            org = org if isinstance(org, dict) else None
            sources = _dicts(a.get("AccountAggregationSources"))
            all_regions = (org or {}).get("AllAwsRegions") is True or any(
                s.get("AllAwsRegions") is True for s in sources
            )
            regions = list(_strs((org or {}).get("AwsRegions")))
            for s in sources:
                regions.extend(_strs(s.get("AwsRegions")))
            aggregators[arn] = ConfigAggregator(
                arn=arn,
                account_id=page.account_id,
                region=page.region,
                call_ids=(page.call.id,),
                name=_str(a.get("ConfigurationAggregatorName")),
                organization=org is not None,
                organization_role_arn=_opt_str((org or {}).get("RoleArn")),
                account_ids=tuple(dict.fromkeys(i for s in sources for i in _strs(s.get("AccountIds")))),
                all_regions=all_regions,
                regions=tuple(dict.fromkeys(regions)),
            )
            found_aggs[(page.account_id, page.region)].append(arn)

    packs: dict[str, ConformancePack] = {}
    found_packs: dict[AccountRegion, list[str]] = defaultdict(list)
    for page in source.pages("config", "DescribeConformancePacks"):
        for p in _dicts(page.body.get("ConformancePackDetails")):
            arn = _str(p.get("ConformancePackArn"))
            if not arn:
                continue
            packs[arn] = ConformancePack(
                arn=arn,
                account_id=page.account_id,
                region=page.region,
                call_ids=(page.call.id,),
                name=_str(p.get("ConformancePackName")),
                pack_id=_str(p.get("ConformancePackId")),
                delivery_bucket=_opt_str(p.get("DeliveryS3Bucket")),
                created_by=_opt_str(p.get("CreatedBy")),
                input_parameters={
                    _str(i.get("ParameterName")): _str(i.get("ParameterValue"))
                    for i in _dicts(p.get("ConformancePackInputParameters"))
                },
            )
            found_packs[(page.account_id, page.region)].append(arn)

    ops = {
        "DescribeConfigurationRecorders": found_recorders,
        "DescribeDeliveryChannels": found_channels,
        "DescribeConfigRules": found_rules,
        "DescribeConfigurationAggregators": found_aggs,
        "DescribeConformancePacks": found_packs,
    }
    pairs: set[AccountRegion] = set()
    for operation, found in ops.items():
        pairs |= region_pairs(source, "config", operation) | set(found)
    maps = {
        operation: _region_map(source, coverage, "config", operation, found, pairs=pairs)
        for operation, found in ops.items()
    }
    config_regions: dict[AccountRegion, ConfigRegion] = {}
    for account_id, region in sorted(pairs):
        where = (account_id, region)
        config_regions[where] = ConfigRegion(
            account_id=account_id,
            region=region,
            recorders=maps["DescribeConfigurationRecorders"][where],
            recorder_status=coverage.state(
                account_id=account_id,
                region=region,
                service="config",
                operation="DescribeConfigurationRecorderStatus",
            ),
            delivery_channels=maps["DescribeDeliveryChannels"][where],
            rules=maps["DescribeConfigRules"][where],
            aggregators=maps["DescribeConfigurationAggregators"][where],
            conformance_packs=maps["DescribeConformancePacks"][where],
        )
    return recorders, channels, rules, aggregators, packs, config_regions


# -- CloudWatch --------------------------------------------------------------------------------


def _metric_filters(
    source: PageSource, coverage: Coverage, partition: str
) -> tuple[dict[str, MetricFilter], dict[AccountRegion, RegionCoverage]]:
    out: dict[str, MetricFilter] = {}
    found: dict[AccountRegion, list[str]] = defaultdict(list)
    for page in source.pages("logs", "DescribeMetricFilters"):
        for f in _dicts(page.body.get("metricFilters")):
            group = _str(f.get("logGroupName"))
            name = _str(f.get("filterName"))
            group_arn = f"arn:{partition}:logs:{page.region}:{page.account_id}:log-group:{group}"
            key = f"{group_arn}:metric-filter:{name}"
            out[key] = MetricFilter(
                arn=key,
                account_id=page.account_id,
                region=page.region,
                call_ids=(page.call.id,),
                name=name,
                log_group_name=group,
                log_group_arn=group_arn,
                pattern=_str(f.get("filterPattern")),
                metrics=tuple(
                    MetricRef(namespace=_str(t.get("metricNamespace")), name=_str(t.get("metricName")))
                    for t in _dicts(f.get("metricTransformations"))
                ),
            )
            found[(page.account_id, page.region)].append(key)
    return out, _region_map(source, coverage, "logs", "DescribeMetricFilters", found)


def _alarms(
    source: PageSource, coverage: Coverage
) -> tuple[dict[str, Alarm], dict[AccountRegion, RegionCoverage]]:
    out: dict[str, Alarm] = {}
    found: dict[AccountRegion, list[str]] = defaultdict(list)
    for page in source.pages("cloudwatch", "DescribeAlarms"):
        for kind, items in (
            ("metric", page.body.get("MetricAlarms")),
            ("composite", page.body.get("CompositeAlarms")),
        ):
            for a in _dicts(items):
                arn = _str(a.get("AlarmArn"))
                if not arn:
                    continue
                metrics = _alarm_metrics(a)
                out[arn] = Alarm(
                    arn=arn,
                    account_id=page.account_id,
                    region=page.region,
                    call_ids=(page.call.id,),
                    name=_str(a.get("AlarmName")),
                    kind=kind,
                    metrics=metrics,
                    dimensions=tuple(
                        (_str(d.get("Name")), _str(d.get("Value"))) for d in _dicts(a.get("Dimensions"))
                    ),
                    statistic=_opt_str(a.get("Statistic")) or _opt_str(a.get("ExtendedStatistic")),
                    comparison=_opt_str(a.get("ComparisonOperator")),
                    threshold=_float(a.get("Threshold")),
                    evaluation_periods=_int(a.get("EvaluationPeriods")),
                    actions_enabled=_bool(a.get("ActionsEnabled")),
                    alarm_actions=_strs(a.get("AlarmActions")),
                    ok_actions=_strs(a.get("OKActions")),
                    insufficient_data_actions=_strs(a.get("InsufficientDataActions")),
                    state_value=_opt_str(a.get("StateValue")),
                    alarm_rule=_opt_str(a.get("AlarmRule")),
                )
                found[(page.account_id, page.region)].append(arn)
    return out, _region_map(source, coverage, "cloudwatch", "DescribeAlarms", found)


def _alarm_metrics(alarm: Mapping[str, Any]) -> tuple[MetricRef, ...]:
    refs: list[MetricRef] = []
    if alarm.get("MetricName"):
        refs.append(MetricRef(namespace=_str(alarm.get("Namespace")), name=_str(alarm.get("MetricName"))))
    for q in _dicts(alarm.get("Metrics")):  # metric math: each MetricStat names a metric
        stat = q.get("MetricStat")
        metric = stat.get("Metric") if isinstance(stat, dict) else None
        if isinstance(metric, dict) and metric.get("MetricName"):
            refs.append(
                MetricRef(namespace=_str(metric.get("Namespace")), name=_str(metric.get("MetricName")))
            )
    return tuple(dict.fromkeys(refs))


def _join_filters_to_alarms(
    filters: Mapping[str, MetricFilter], alarms: Mapping[str, Alarm]
) -> dict[str, tuple[str, ...]]:
    """A filter publishes metrics; an alarm watches metrics in its own account and region."""
    by_metric: dict[tuple[str, str, str, str], list[str]] = defaultdict(list)
    for alarm in alarms.values():
        for m in alarm.metrics:
            by_metric[(alarm.account_id, alarm.region, m.namespace, m.name)].append(alarm.arn)
    out: dict[str, tuple[str, ...]] = {}
    for key, f in filters.items():
        arns: Iterable[str] = (
            a for m in f.metrics for a in by_metric.get((f.account_id, f.region, m.namespace, m.name), ())
        )
        out[key] = tuple(dict.fromkeys(arns))
    return out
