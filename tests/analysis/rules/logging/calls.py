"""Made-up CloudTrail, Config, CloudWatch Logs/CloudWatch and S3 calls in botocore's response shapes.

The organization is the rules builders' realistic one (accounts 111111111111 to 666666666666
collected in eu-west-1 and us-east-1, 777777777777 unreachable). ``trail_calls`` lists trails
as AWS does (CloudTrail API reference, DescribeTrails with includeShadowTrails): a trail in
its home region, a multi-region trail in every region of its account, an organization trail
in every region of every member account; status and selectors are asked in the home region.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tests.analysis.model.builders import FakeCall
from tests.analysis.rules.builders import ACCOUNTS, REGIONS

MGMT = "111111111111"
LOG_ARCHIVE = "222222222222"
SECURITY = "333333333333"
US, EU = "us-east-1", "eu-west-1"
TOPIC = f"arn:aws:sns:{US}:{SECURITY}:security-alerts"
KEY = f"arn:aws:kms:{US}:{LOG_ARCHIVE}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ALL_MANAGEMENT = ({"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": []},)
DENIED = {"outcome": "access_denied", "error_code": "AccessDenied", "error_message": "not authorized"}


@dataclass(frozen=True, kw_only=True)
class TrailSpec:
    account: str
    name: str
    home: str = US
    multi: bool = True
    org: bool = False
    validation: bool = True
    kms: str | None = KEY
    bucket: str = "org-trail-logs"
    log_group: str | None = None  # a log group name in the trail's account and home region
    logging: bool = True
    selectors: Sequence[Mapping[str, Any]] = ALL_MANAGEMENT
    advanced: Sequence[Mapping[str, Any]] | None = None
    status_denied: bool = False
    selectors_denied: bool = False
    extra_status: Mapping[str, Any] = field(default_factory=dict)

    @property
    def arn(self) -> str:
        return f"arn:aws:cloudtrail:{self.home}:{self.account}:trail/{self.name}"

    def item(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "Name": self.name,
            "S3BucketName": self.bucket,
            "IncludeGlobalServiceEvents": True,
            "IsMultiRegionTrail": self.multi,
            "HomeRegion": self.home,
            "TrailARN": self.arn,
            "LogFileValidationEnabled": self.validation,
            "HasCustomEventSelectors": True,
            "HasInsightSelectors": False,
            "IsOrganizationTrail": self.org,
        }
        if self.kms:
            item["KmsKeyId"] = self.kms
        if self.log_group:
            item["CloudWatchLogsLogGroupArn"] = (
                f"arn:aws:logs:{self.home}:{self.account}:log-group:{self.log_group}:*"
            )
            item["CloudWatchLogsRoleArn"] = f"arn:aws:iam::{self.account}:role/CloudTrailToCloudWatch"
        return item


def trail_calls(
    specs: Iterable[TrailSpec],
    *,
    accounts: Sequence[str] = ACCOUNTS,
    regions: Sequence[str] = REGIONS,
    denied: Iterable[tuple[str, str]] = (),
) -> list[FakeCall]:
    """Listings in every account and region (``denied`` ones refused), status and selectors at home."""
    specs = list(specs)
    refused = set(denied)
    calls: list[FakeCall] = []
    for account in accounts:
        for region in regions:
            if (account, region) in refused:
                calls.append(
                    FakeCall(
                        service="cloudtrail",
                        operation="DescribeTrails",
                        params={"includeShadowTrails": True},
                        account_id=account,
                        region=region,
                        **DENIED,
                    )
                )
                continue
            seen = [
                s.item()
                for s in specs
                if (s.account == account and (s.multi or s.home == region)) or (s.org and s.multi)
            ]
            calls.append(
                FakeCall(
                    service="cloudtrail",
                    operation="DescribeTrails",
                    params={"includeShadowTrails": True},
                    account_id=account,
                    region=region,
                    pages=[{"trailList": seen}],
                )
            )
    for s in specs:
        where = {"account_id": s.account, "region": s.home, "service": "cloudtrail"}
        if s.status_denied:
            calls.append(FakeCall(operation="GetTrailStatus", params={"Name": s.arn}, **where, **DENIED))
        else:
            status = {"IsLogging": s.logging, **s.extra_status}
            calls.append(
                FakeCall(operation="GetTrailStatus", params={"Name": s.arn}, pages=[status], **where)
            )
        if s.selectors_denied:
            calls.append(
                FakeCall(operation="GetEventSelectors", params={"TrailName": s.arn}, **where, **DENIED)
            )
        else:
            body: dict[str, Any] = {"TrailARN": s.arn}
            if s.advanced is not None:
                body["AdvancedEventSelectors"] = list(s.advanced)
            else:
                body["EventSelectors"] = list(s.selectors)
            calls.append(
                FakeCall(operation="GetEventSelectors", params={"TrailName": s.arn}, pages=[body], **where)
            )
    return calls


def org_trail(**kw: Any) -> TrailSpec:
    """The good example: organization trail in the management account, everything on."""
    return TrailSpec(
        **{"account": MGMT, "name": "org-trail", "org": True, "log_group": "org-trail-logs", **kw}
    )


# -- CloudWatch Logs metric filters and CloudWatch alarms ------------------------------------------


def metric_filters(
    account: str, region: str, filters: Iterable[tuple[str, str, str, str]], **outcome: Any
) -> FakeCall:
    """``filters``: (log group, filter name, pattern, metric name), metrics in namespace CISBenchmark."""
    pages = (
        []
        if outcome
        else [
            {
                "metricFilters": [
                    {
                        "filterName": name,
                        "logGroupName": group,
                        "filterPattern": pattern,
                        "metricTransformations": [
                            {"metricName": metric, "metricNamespace": "CISBenchmark", "metricValue": "1"}
                        ],
                    }
                    for group, name, pattern, metric in filters
                ]
            }
        ]
    )
    return FakeCall(
        service="logs",
        operation="DescribeMetricFilters",
        account_id=account,
        region=region,
        pages=pages,
        **outcome,
    )


def alarms(
    account: str, region: str, items: Iterable[tuple[str, str, Sequence[str], bool]], **outcome: Any
) -> FakeCall:
    """``items``: (alarm name, metric name, alarm actions, actions enabled)."""
    pages = (
        []
        if outcome
        else [
            {
                "MetricAlarms": [
                    {
                        "AlarmName": name,
                        "AlarmArn": f"arn:aws:cloudwatch:{region}:{account}:alarm:{name}",
                        "MetricName": metric,
                        "Namespace": "CISBenchmark",
                        "Statistic": "Sum",
                        "Period": 300,
                        "EvaluationPeriods": 1,
                        "Threshold": 1.0,
                        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                        "ActionsEnabled": enabled,
                        "AlarmActions": list(actions),
                        "StateValue": "OK",
                    }
                    for name, metric, actions, enabled in items
                ],
                "CompositeAlarms": [],
            }
        ]
    )
    return FakeCall(
        service="cloudwatch",
        operation="DescribeAlarms",
        params={"AlarmTypes": ["MetricAlarm", "CompositeAlarm"]},
        account_id=account,
        region=region,
        pages=pages,
        **outcome,
    )


def empty_monitoring(
    skip: Iterable[tuple[str, str]] = (), accounts: Sequence[str] = ACCOUNTS, regions: Sequence[str] = REGIONS
) -> list[FakeCall]:
    """Answered, empty metric filter and alarm listings everywhere but ``skip``."""
    skipped = set(skip)
    out: list[FakeCall] = []
    for account in accounts:
        for region in regions:
            if (account, region) not in skipped:
                out += [metric_filters(account, region, []), alarms(account, region, [])]
    return out


# -- AWS Config --------------------------------------------------------------------------------


def recorder(
    name: str = "default",
    *,
    all_supported: bool = True,
    include_global: bool = True,
    types: Sequence[str] = (),
    exclusions: Sequence[str] = (),
    service_principal: str | None = None,
) -> dict[str, Any]:
    group: dict[str, Any] = {
        "allSupported": all_supported,
        "includeGlobalResourceTypes": include_global,
        "resourceTypes": list(types),
    }
    if exclusions:
        group["exclusionByResourceTypes"] = {"resourceTypes": list(exclusions)}
        group["recordingStrategy"] = {"useOnly": "EXCLUSION_BY_RESOURCE_TYPES"}
    elif all_supported:
        group["recordingStrategy"] = {"useOnly": "ALL_SUPPORTED_RESOURCE_TYPES"}
    else:
        group["recordingStrategy"] = {"useOnly": "INCLUSION_BY_RESOURCE_TYPES"}
    rec: dict[str, Any] = {
        "name": name,
        "roleARN": "arn:aws:iam::123456789012:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig",
        "recordingGroup": group,
    }
    if service_principal:
        rec["servicePrincipal"] = service_principal
    return rec


def config_calls(
    account: str,
    region: str,
    *,
    recorders: Sequence[Mapping[str, Any]] = (),
    statuses: Sequence[Mapping[str, Any]] | None = None,
    channels: Sequence[Mapping[str, Any]] | None = None,
    aggregators: Sequence[Mapping[str, Any]] = (),
    denied: Iterable[str] = (),
) -> list[FakeCall]:
    """One account and region of Config; operations named in ``denied`` are refused."""
    if statuses is None:
        statuses = [{"name": r["name"], "recording": True, "lastStatus": "SUCCESS"} for r in recorders]
    if channels is None:
        channels = [{"name": "default", "s3BucketName": "config-history"}] if recorders else []
    bodies = {
        "DescribeConfigurationRecorders": {"ConfigurationRecorders": list(recorders)},
        "DescribeConfigurationRecorderStatus": {"ConfigurationRecordersStatus": list(statuses)},
        "DescribeDeliveryChannels": {"DeliveryChannels": list(channels)},
        "DescribeConfigurationAggregators": {"ConfigurationAggregators": list(aggregators)},
    }
    refused = set(denied)
    return [
        FakeCall(service="config", operation=op, account_id=account, region=region, **DENIED)
        if op in refused
        else FakeCall(service="config", operation=op, account_id=account, region=region, pages=[body])
        for op, body in bodies.items()
    ]


def org_aggregator(
    account: str, region: str, *, all_regions: bool = True, regions: Sequence[str] = ()
) -> dict:
    source: dict[str, Any] = {
        "RoleArn": f"arn:aws:iam::{account}:role/ConfigAggregator",
        "AllAwsRegions": all_regions,
    }
    if regions:
        source["AwsRegions"] = list(regions)
    return {
        "ConfigurationAggregatorName": "organization",
        "ConfigurationAggregatorArn": f"arn:aws:config:{region}:{account}:config-aggregator/config-aggregator-abc",
        "OrganizationAggregationSource": source,
    }


# -- S3 ---------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class BucketSpec:
    name: str
    account: str = LOG_ARCHIVE
    policy: Mapping[str, Any] | None = None
    policy_public: bool | None = None  # GetBucketPolicyStatus IsPublic; None: not answered (as moto)
    grants: Sequence[Mapping[str, Any]] = ()
    block: Mapping[str, bool] | None = None  # bucket Block Public Access
    logging_target: str | None = None
    denied: Sequence[str] = ()  # per-bucket operations refused


def bucket_calls(spec: BucketSpec) -> list[FakeCall]:
    where = {"service": "s3", "account_id": spec.account, "region": "global", "params": {"Bucket": spec.name}}
    absent = {"outcome": "absent", "error_code": "NoSuch", "error_message": "none"}
    answers: dict[str, dict[str, Any]] = {
        "GetBucketLocation": {"pages": [{"LocationConstraint": None}]},
        "GetBucketAcl": {
            "pages": [
                {
                    "Owner": {"ID": "owner-canonical-id"},
                    "Grants": [
                        {
                            "Grantee": {"Type": "CanonicalUser", "ID": "owner-canonical-id"},
                            "Permission": "FULL_CONTROL",
                        },
                        *spec.grants,
                    ],
                }
            ]
        },
        "GetBucketPolicy": {"pages": [{"Policy": json.dumps(spec.policy)}]} if spec.policy else absent,
        "GetBucketPolicyStatus": (
            {"pages": [{"PolicyStatus": {"IsPublic": spec.policy_public}}]}
            if spec.policy is not None and spec.policy_public is not None
            else ({"pages": [{}]} if spec.policy else absent)
        ),
        "GetPublicAccessBlock": (
            {"pages": [{"PublicAccessBlockConfiguration": dict(spec.block)}]} if spec.block else absent
        ),
        "GetBucketLogging": {
            "pages": [
                {"LoggingEnabled": {"TargetBucket": spec.logging_target, "TargetPrefix": "logs/"}}
                if spec.logging_target
                else {}
            ]
        },
    }
    calls = [
        FakeCall(operation=op, **where, **DENIED)
        if op in spec.denied
        else FakeCall(operation=op, **where, **answer)
        for op, answer in answers.items()
    ]
    return calls


def s3_calls(
    buckets: Iterable[BucketSpec], *, account_blocks: Mapping[str, Mapping[str, bool] | None] = {}
) -> list[FakeCall]:
    """ListBuckets per owner, the per-bucket calls, the owners' account-level Block Public Access."""
    by_owner: dict[str, list[BucketSpec]] = {}
    for b in buckets:
        by_owner.setdefault(b.account, []).append(b)
    calls: list[FakeCall] = []
    for owner, specs in by_owner.items():
        calls.append(
            FakeCall(
                service="s3",
                operation="ListBuckets",
                account_id=owner,
                region="global",
                pages=[
                    {"Buckets": [{"Name": b.name, "CreationDate": "2025-01-01T00:00:00Z"} for b in specs]}
                ],
            )
        )
        for b in specs:
            calls += bucket_calls(b)
        block = account_blocks.get(owner)
        calls.append(
            FakeCall(
                service="s3control",
                operation="GetPublicAccessBlock",
                account_id=owner,
                region="global",
                params={"AccountId": owner},
                **(
                    {"pages": [{"PublicAccessBlockConfiguration": dict(block)}]}
                    if block
                    else {"outcome": "absent", "error_code": "NoSuchPublicAccessBlockConfiguration"}
                ),
            )
        )
    return calls


ALL_BLOCKED = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}
