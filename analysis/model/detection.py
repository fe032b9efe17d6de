"""Detection and response as collected: Security Hub, GuardDuty, IAM Access Analyzer, EventBridge rules.

Pure, like :mod:`analysis.model.monitoring`. All four are regional and enabled per
account and region; each has a per (account, region) summary with the coverage of
its listing, so "GuardDuty has no detector here" (collected, empty) and "Security
Hub is not enabled here" (not_subscribed, an answer) stay distinct from "the call
was denied" (not assessed).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from analysis.model.coverage import Coverage, CoverageState
from analysis.model.monitoring import (
    AccountRegion,
    RegionCoverage,
    _bool,
    _dict,
    _dicts,
    _opt_str,
    _region_map,
    _str,
    _strs,
    region_pairs,
)
from analysis.model.policy_doc import PolicyDocument, parse_policy_document
from analysis.model.records import Record, partition_of
from analysis.model.source import PageSource, bulk_parsing

# -- Security Hub ------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class EnabledStandard:
    standards_arn: str
    subscription_arn: str
    status: str  # PENDING | READY | FAILED | DELETING | INCOMPLETE
    status_reason: str | None


@dataclass(frozen=True, kw_only=True)
class SecurityHub(Record):
    """Security Hub in one account and region (the hub ARN is per account and region)."""

    subscribed_at: str | None
    auto_enable_controls: bool | None
    control_finding_generator: str | None
    standards: tuple[EnabledStandard, ...]
    standards_coverage: CoverageState
    administrator_account_id: str | None
    administrator_status: str | None
    administrator_coverage: CoverageState
    # Organization configuration: answered only in the administrator account.
    org_auto_enable: bool | None
    org_auto_enable_standards: str | None  # DEFAULT | NONE
    org_configuration_type: str | None  # LOCAL | CENTRAL
    org_coverage: CoverageState


# -- GuardDuty ---------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class DetectorFeature:
    name: str  # S3_DATA_EVENTS, EKS_AUDIT_LOGS, RUNTIME_MONITORING, ...
    status: str  # ENABLED | DISABLED (for a detector); auto-enable value for the organization
    additional: Mapping[str, str] = field(default_factory=dict)  # additional configuration name -> status


@dataclass(frozen=True, kw_only=True)
class Detector(Record):
    detector_id: str
    status: str | None  # ENABLED | DISABLED; None when GetDetector was not answered
    finding_publishing_frequency: str | None
    features: tuple[DetectorFeature, ...]
    detector_coverage: CoverageState
    administrator_account_id: str | None
    administrator_status: str | None
    administrator_coverage: CoverageState
    # Organization configuration (administrator's detector only): AutoEnableOrganizationMembers
    # NEW | ALL | NONE, and per feature its auto-enable value.
    org_auto_enable_members: str | None
    org_features: tuple[DetectorFeature, ...]
    org_coverage: CoverageState

    def feature(self, name: str) -> DetectorFeature | None:
        return next((f for f in self.features if f.name == name), None)


@dataclass(frozen=True, kw_only=True)
class GuardDutyAdmin:
    """A delegated administrator for GuardDuty as ListOrganizationAdminAccounts saw it in one region."""

    account_id: str  # the administrator
    status: str  # ENABLED | DISABLE_IN_PROGRESS
    seen_from: AccountRegion
    call_id: int


# -- Access Analyzer -----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Analyzer(Record):
    name: str
    type: str  # ACCOUNT | ORGANIZATION | ACCOUNT_UNUSED_ACCESS | ORGANIZATION_UNUSED_ACCESS
    status: str
    status_reason: str | None
    active_findings: int | None  # None: not counted (unused-access analyzer, or not collected)
    active_finding_resource_types: Mapping[str, int]
    findings_coverage: CoverageState

    @property
    def external_access(self) -> bool:
        return self.type in ("ACCOUNT", "ORGANIZATION")


# -- EventBridge ---------------------------------------------------------------------------------

TARGET_KINDS = {"lambda": "lambda", "sns": "sns", "sqs": "sqs", "states": "stepfunctions"}


@dataclass(frozen=True, kw_only=True)
class RuleTarget:
    id: str
    arn: str
    kind: str  # lambda | sns | sqs | stepfunctions | <the ARN's service>
    role_arn: str | None


@dataclass(frozen=True, kw_only=True)
class EventBus(Record):
    name: str
    policy: PolicyDocument | None  # None: the bus has no resource policy (ListEventBuses answered)


@dataclass(frozen=True, kw_only=True)
class EventRule(Record):
    name: str
    event_bus_name: str
    state: str
    event_pattern: Mapping[str, Any] | None  # parsed; None for schedule rules or an unparsable pattern
    event_pattern_raw: str | None
    schedule_expression: str | None
    targets: tuple[RuleTarget, ...]
    targets_coverage: CoverageState

    @property
    def sources(self) -> tuple[str, ...]:
        """The event pattern's ``source`` values (e.g. aws.guardduty, aws.securityhub)."""
        value = (self.event_pattern or {}).get("source")
        return _strs(value)

    @property
    def enabled(self) -> bool:
        return self.state == "ENABLED"


@dataclass(frozen=True, kw_only=True)
class DetectionInventory:
    security_hubs: Mapping[str, SecurityHub]
    security_hub_regions: Mapping[AccountRegion, RegionCoverage]
    detectors: Mapping[str, Detector]
    guardduty_regions: Mapping[AccountRegion, RegionCoverage]
    guardduty_admins: tuple[GuardDutyAdmin, ...]
    guardduty_admin_coverage: Mapping[AccountRegion, CoverageState]
    analyzers: Mapping[str, Analyzer]
    analyzer_regions: Mapping[AccountRegion, RegionCoverage]
    event_buses: Mapping[str, EventBus]
    event_rules: Mapping[str, EventRule]
    event_regions: Mapping[AccountRegion, RegionCoverage]

    def rules_for_source(self, source: str) -> tuple[EventRule, ...]:
        """Enabled rules whose pattern matches events from ``source`` (e.g. "aws.guardduty")."""
        return tuple(r for r in self.event_rules.values() if r.enabled and source in r.sources)


def normalize_detection(source: PageSource, coverage: Coverage) -> DetectionInventory:
    """Build the detection inventory from a snapshot's Security Hub, GuardDuty, Access Analyzer and
    EventBridge pages."""
    partition = partition_of(source.manifest)
    with bulk_parsing():
        hubs, hub_regions = _security_hubs(source, coverage)
        detectors, gd_regions = _detectors(source, coverage, partition)
        admins, admin_coverage = _guardduty_admins(source, coverage)
        analyzers, analyzer_regions = _analyzers(source, coverage)
        buses, rules, event_regions = _events(source, coverage)
    return DetectionInventory(
        security_hubs=hubs,
        security_hub_regions=hub_regions,
        detectors=detectors,
        guardduty_regions=gd_regions,
        guardduty_admins=admins,
        guardduty_admin_coverage=admin_coverage,
        analyzers=analyzers,
        analyzer_regions=analyzer_regions,
        event_buses=buses,
        event_rules=rules,
        event_regions=event_regions,
    )


def _first_body(
    source: PageSource, service: str, operation: str
) -> dict[AccountRegion, tuple[int, dict[str, Any]]]:
    out: dict[AccountRegion, tuple[int, dict[str, Any]]] = {}
    for page in source.pages(service, operation):
        out.setdefault((page.account_id, page.region), (page.call.id, page.body))
    return out


def _security_hubs(
    source: PageSource, coverage: Coverage
) -> tuple[dict[str, SecurityHub], dict[AccountRegion, RegionCoverage]]:
    standards: dict[AccountRegion, list[EnabledStandard]] = defaultdict(list)
    standards_ids: dict[AccountRegion, list[int]] = defaultdict(list)
    for page in source.pages("securityhub", "GetEnabledStandards"):
        where = (page.account_id, page.region)
        standards_ids[where].append(page.call.id)
        for s in _dicts(page.body.get("StandardsSubscriptions")):
            reason = _dict(s.get("StandardsStatusReason")).get("StatusReasonCode")
            standards[where].append(
                EnabledStandard(
                    standards_arn=_str(s.get("StandardsArn")),
                    subscription_arn=_str(s.get("StandardsSubscriptionArn")),
                    status=_str(s.get("StandardsStatus")),
                    status_reason=_opt_str(reason),
                )
            )
    admins = _first_body(source, "securityhub", "GetAdministratorAccount")
    orgs = _first_body(source, "securityhub", "DescribeOrganizationConfiguration")
    hubs: dict[str, SecurityHub] = {}
    found: dict[AccountRegion, list[str]] = defaultdict(list)
    for page in source.pages("securityhub", "DescribeHub"):
        arn = _str(page.body.get("HubArn"))
        if not arn:
            continue
        where = (page.account_id, page.region)
        admin = admins.get(where)
        administrator = _dict(admin[1].get("Administrator")) if admin else {}
        org = orgs.get(where)
        org_body = org[1] if org else {}

        def state(operation: str, _where: AccountRegion = where) -> CoverageState:
            return coverage.state(
                account_id=_where[0], region=_where[1], service="securityhub", operation=operation
            )

        hubs[arn] = SecurityHub(
            arn=arn,
            account_id=page.account_id,
            region=page.region,
            call_ids=tuple(
                [
                    page.call.id,
                    *standards_ids[where],
                    *((admin[0],) if admin else ()),
                    *((org[0],) if org else ()),
                ]
            ),
            subscribed_at=_opt_str(page.body.get("SubscribedAt")),
            auto_enable_controls=_bool(page.body.get("AutoEnableControls")),
            control_finding_generator=_opt_str(page.body.get("ControlFindingGenerator")),
            standards=tuple(standards[where]),
            standards_coverage=state("GetEnabledStandards"),
            administrator_account_id=_opt_str(administrator.get("AccountId")),
            administrator_status=_opt_str(administrator.get("MemberStatus")),
            administrator_coverage=state("GetAdministratorAccount"),
            org_auto_enable=_bool(org_body.get("AutoEnable")),
            org_auto_enable_standards=_opt_str(org_body.get("AutoEnableStandards")),
            org_configuration_type=_opt_str(
                _dict(org_body.get("OrganizationConfiguration")).get("ConfigurationType")
            ),
            org_coverage=state("DescribeOrganizationConfiguration"),
        )
        found[where].append(arn)
    return hubs, _region_map(source, coverage, "securityhub", "DescribeHub", found)


def _features(items: Any, *, status_key: str) -> tuple[DetectorFeature, ...]:
    return tuple(
        DetectorFeature(
            name=_str(f.get("Name")),
            status=_str(f.get(status_key)),
            additional={
                _str(a.get("Name")): _str(a.get(status_key)) for a in _dicts(f.get("AdditionalConfiguration"))
            },
        )
        for f in _dicts(items)
    )


def _detectors(
    source: PageSource, coverage: Coverage, partition: str
) -> tuple[dict[str, Detector], dict[AccountRegion, RegionCoverage]]:
    def per_detector(operation: str) -> dict[tuple[str, str, str], tuple[int, dict[str, Any]]]:
        out: dict[tuple[str, str, str], tuple[int, dict[str, Any]]] = {}
        for page in source.pages("guardduty", operation):
            detector_id = _str(page.call.parameters.get("DetectorId"))
            out.setdefault((page.account_id, page.region, detector_id), (page.call.id, page.body))
        return out

    details = per_detector("GetDetector")
    admins = per_detector("GetAdministratorAccount")
    orgs = per_detector("DescribeOrganizationConfiguration")
    detectors: dict[str, Detector] = {}
    found: dict[AccountRegion, list[str]] = defaultdict(list)
    for page in source.pages("guardduty", "ListDetectors"):
        for detector_id in _strs(page.body.get("DetectorIds")):
            key = (page.account_id, page.region, detector_id)
            # Documented format: arn:${Partition}:guardduty:${Region}:${Account}:detector/${DetectorId}
            arn = f"arn:{partition}:guardduty:{page.region}:{page.account_id}:detector/{detector_id}"
            detail, admin, org = details.get(key), admins.get(key), orgs.get(key)
            body = detail[1] if detail else {}
            administrator = _dict(admin[1].get("Administrator")) if admin else {}
            org_body = org[1] if org else {}

            def state(operation: str, _key: tuple[str, str, str] = key) -> CoverageState:
                return coverage.state(
                    account_id=_key[0],
                    region=_key[1],
                    service="guardduty",
                    operation=operation,
                    parameters={"DetectorId": _key[2]},
                )

            detectors[arn] = Detector(
                arn=arn,
                account_id=page.account_id,
                region=page.region,
                call_ids=tuple([page.call.id, *(x[0] for x in (detail, admin, org) if x)]),
                detector_id=detector_id,
                status=_opt_str(body.get("Status")),
                finding_publishing_frequency=_opt_str(body.get("FindingPublishingFrequency")),
                features=_features(body.get("Features"), status_key="Status"),
                detector_coverage=state("GetDetector"),
                administrator_account_id=_opt_str(administrator.get("AccountId")),
                administrator_status=_opt_str(administrator.get("RelationshipStatus")),
                administrator_coverage=state("GetAdministratorAccount"),
                org_auto_enable_members=_opt_str(org_body.get("AutoEnableOrganizationMembers"))
                or (
                    # Older answers only have the deprecated AutoEnable flag (new members only).
                    "NEW" if org_body.get("AutoEnable") is True else None
                ),
                org_features=_features(org_body.get("Features"), status_key="AutoEnable"),
                org_coverage=state("DescribeOrganizationConfiguration"),
            )
            found[(page.account_id, page.region)].append(arn)
    return detectors, _region_map(source, coverage, "guardduty", "ListDetectors", found)


def _guardduty_admins(
    source: PageSource, coverage: Coverage
) -> tuple[tuple[GuardDutyAdmin, ...], dict[AccountRegion, CoverageState]]:
    admins: list[GuardDutyAdmin] = []
    for page in source.pages("guardduty", "ListOrganizationAdminAccounts"):
        for a in _dicts(page.body.get("AdminAccounts")):
            admins.append(
                GuardDutyAdmin(
                    account_id=_str(a.get("AdminAccountId")),
                    status=_str(a.get("AdminStatus")),
                    seen_from=(page.account_id, page.region),
                    call_id=page.call.id,
                )
            )
    states = {
        (a, r): coverage.state(
            account_id=a, region=r, service="guardduty", operation="ListOrganizationAdminAccounts"
        )
        for a, r in sorted(
            {(c.account_id, c.region) for c in source.calls("guardduty", "ListOrganizationAdminAccounts")}
        )
    }
    return tuple(admins), states


def _analyzers(
    source: PageSource, coverage: Coverage
) -> tuple[dict[str, Analyzer], dict[AccountRegion, RegionCoverage]]:
    counts: dict[str, int] = defaultdict(int)
    types: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    finding_calls: dict[str, list[int]] = defaultdict(list)
    for page in source.pages("accessanalyzer", "ListFindings"):
        arn = _str(page.call.parameters.get("analyzerArn"))
        finding_calls[arn].append(page.call.id)
        for f in _dicts(page.body.get("findings")):
            if f.get("status", "ACTIVE") == "ACTIVE":
                counts[arn] += 1
                types[arn][_str(f.get("resourceType"))] += 1
    analyzers: dict[str, Analyzer] = {}
    found: dict[AccountRegion, list[str]] = defaultdict(list)
    for page in source.pages("accessanalyzer", "ListAnalyzers"):
        for a in _dicts(page.body.get("analyzers")):
            arn = _str(a.get("arn"))
            if not arn:
                continue
            kind = _str(a.get("type"))
            findings = coverage.state(
                account_id=page.account_id,
                region=page.region,
                service="accessanalyzer",
                operation="ListFindings",
                parameters={"analyzerArn": arn, "filter": {"status": {"eq": ["ACTIVE"]}}},
            )
            counted = findings.state == "collected"
            analyzers[arn] = Analyzer(
                arn=arn,
                account_id=page.account_id,
                region=page.region,
                call_ids=tuple(dict.fromkeys([page.call.id, *finding_calls.get(arn, ())])),
                name=_str(a.get("name")),
                type=kind,
                status=_str(a.get("status")),
                status_reason=_opt_str(_dict(a.get("statusReason")).get("code")),
                active_findings=counts.get(arn, 0) if counted else None,
                active_finding_resource_types=dict(types.get(arn, {})) if counted else {},
                findings_coverage=findings,
            )
            found[(page.account_id, page.region)].append(arn)
    return analyzers, _region_map(source, coverage, "accessanalyzer", "ListAnalyzers", found)


def _target_kind(arn: str) -> str:
    parts = arn.split(":")
    service = parts[2] if len(parts) > 2 else ""
    return TARGET_KINDS.get(service, service)


def _events(
    source: PageSource, coverage: Coverage
) -> tuple[dict[str, EventBus], dict[str, EventRule], dict[AccountRegion, RegionCoverage]]:
    buses: dict[str, EventBus] = {}
    found: dict[AccountRegion, list[str]] = defaultdict(list)
    for page in source.pages("events", "ListEventBuses"):
        for b in _dicts(page.body.get("EventBuses")):
            arn = _str(b.get("Arn"))
            if not arn:
                continue
            policy = b.get("Policy")
            buses[arn] = EventBus(
                arn=arn,
                account_id=page.account_id,
                region=page.region,
                call_ids=(page.call.id,),
                name=_str(b.get("Name")),
                policy=parse_policy_document(policy) if policy else None,
            )
            found[(page.account_id, page.region)].append(arn)
    targets: dict[tuple[str, str, str, str], list[RuleTarget]] = defaultdict(list)
    target_calls: dict[tuple[str, str, str, str], list[int]] = defaultdict(list)
    for page in source.pages("events", "ListTargetsByRule"):
        params = page.call.parameters
        key = (page.account_id, page.region, _str(params.get("EventBusName")), _str(params.get("Rule")))
        target_calls[key].append(page.call.id)
        for t in _dicts(page.body.get("Targets")):
            arn = _str(t.get("Arn"))
            targets[key].append(
                RuleTarget(
                    id=_str(t.get("Id")), arn=arn, kind=_target_kind(arn), role_arn=_opt_str(t.get("RoleArn"))
                )
            )
    rules: dict[str, EventRule] = {}
    for page in source.pages("events", "ListRules"):
        for r in _dicts(page.body.get("Rules")):
            arn = _str(r.get("Arn"))
            if not arn:
                continue
            name = _str(r.get("Name"))
            bus = _str(r.get("EventBusName")) or _str(page.call.parameters.get("EventBusName")) or "default"
            key = (page.account_id, page.region, bus, name)
            raw_pattern = _opt_str(r.get("EventPattern"))
            rules[arn] = EventRule(
                arn=arn,
                account_id=page.account_id,
                region=page.region,
                call_ids=tuple([page.call.id, *target_calls.get(key, ())]),
                name=name,
                event_bus_name=bus,
                state=_str(r.get("State")),
                event_pattern=_pattern(raw_pattern),
                event_pattern_raw=raw_pattern,
                schedule_expression=_opt_str(r.get("ScheduleExpression")),
                targets=tuple(targets.get(key, ())),
                targets_coverage=coverage.state(
                    account_id=page.account_id,
                    region=page.region,
                    service="events",
                    operation="ListTargetsByRule",
                    parameters={"Rule": name, "EventBusName": bus},
                ),
            )
    return buses, rules, _region_map(source, coverage, "events", "ListEventBuses", found)


def _pattern(raw: str | None) -> Mapping[str, Any] | None:
    if not raw:
        return None
    try:
        parsed = json.loads(raw)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


__all__ = [
    "Analyzer",
    "DetectionInventory",
    "Detector",
    "DetectorFeature",
    "EnabledStandard",
    "EventBus",
    "EventRule",
    "GuardDutyAdmin",
    "RuleTarget",
    "SecurityHub",
    "normalize_detection",
    "region_pairs",
]
