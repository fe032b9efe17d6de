"""Logging, monitoring and detection of one account and region, as a Control Tower organization has them.

An organization trail from the management account (listed in every account and region as a
shadow trail), now and then an account's own legacy trail; Config recorders, delivery
channels and detective rules in nearly every region, the organization aggregator in the
security account; the CIS metric filters and alarms on the organization trail's log group
(some alarms missing); EventBridge rules with targets; Security Hub and GuardDuty enabled
with the security account as delegated administrator (Security Hub missing in a few
regions: not subscribed); the organization's Access Analyzer with active findings.
Denied where AWS denies: the organization-level calls outside the accounts that own them.

Longer than ~400 lines: eight services (CloudTrail, Config, Logs, CloudWatch, EventBridge,
Security Hub, GuardDuty, Access Analyzer) built together per account and region, as the
Inventory's monitoring and detection areas read them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bench.gen_common import COLLECTED_AT, Answer, ApiError, iso
from bench.gen_world import AccountContext, Handler, stable_hex

CT = "aws-controltower"
CIS_FILTERS = (
    (
        "UnauthorizedAPICalls",
        '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
    ),
    (
        "ConsoleSigninWithoutMFA",
        '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
    ),
    ("RootAccountUsage", '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS }'),
    ("IAMPolicyChanges", "{ ($.eventSource = iam.amazonaws.com) && ($.eventName = PutRolePolicy) }"),
    ("CloudTrailChanges", "{ ($.eventName = StopLogging) || ($.eventName = DeleteTrail) }"),
    (
        "ConsoleLoginFailures",
        '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
    ),
    ("DisableOrDeleteCMK", "{ ($.eventSource = kms.amazonaws.com) && ($.eventName = DisableKey) }"),
    ("S3BucketPolicyChanges", "{ ($.eventSource = s3.amazonaws.com) && ($.eventName = PutBucketPolicy) }"),
    (
        "AWSConfigChanges",
        "{ ($.eventSource = config.amazonaws.com) && ($.eventName = StopConfigurationRecorder) }",
    ),
    ("SecurityGroupChanges", "{ ($.eventName = AuthorizeSecurityGroupIngress) }"),
    ("NACLChanges", "{ ($.eventName = CreateNetworkAclEntry) }"),
    ("NetworkGatewayChanges", "{ ($.eventName = CreateCustomerGateway) }"),
    ("RouteTableChanges", "{ ($.eventName = CreateRoute) }"),
    ("VPCChanges", "{ ($.eventName = CreateVpc) }"),
)
CONFIG_RULES = (
    ("AWSControlTower_AWS-GR_ENCRYPTED_VOLUMES", "ENCRYPTED_VOLUMES", "AWS::EC2::Volume"),
    (
        "AWSControlTower_AWS-GR_RDS_INSTANCE_PUBLIC_ACCESS_CHECK",
        "RDS_INSTANCE_PUBLIC_ACCESS_CHECK",
        "AWS::RDS::DBInstance",
    ),
    ("AWSControlTower_AWS-GR_RESTRICTED_SSH", "INCOMING_SSH_DISABLED", "AWS::EC2::SecurityGroup"),
    (
        "AWSControlTower_AWS-GR_S3_BUCKET_PUBLIC_READ_PROHIBITED",
        "S3_BUCKET_PUBLIC_READ_PROHIBITED",
        "AWS::S3::Bucket",
    ),
    ("AWSControlTower_AWS-GR_EBS_OPTIMIZED_INSTANCE", "EBS_OPTIMIZED_INSTANCE", "AWS::EC2::Instance"),
)
STANDARDS = (
    "arn:aws:securityhub:{region}::standards/aws-foundational-security-best-practices/v/1.0.0",
    "arn:aws:securityhub:{region}::standards/cis-aws-foundations-benchmark/v/3.0.0",
)
ORG_FEATURES = (
    "S3_DATA_EVENTS",
    "EKS_AUDIT_LOGS",
    "EBS_MALWARE_PROTECTION",
    "RDS_LOGIN_EVENTS",
    "RUNTIME_MONITORING",
)
GUARDDUTY_FEATURES = (
    "CLOUD_TRAIL",
    "DNS_LOGS",
    "FLOW_LOGS",
    "S3_DATA_EVENTS",
    "EKS_AUDIT_LOGS",
    "RDS_LOGIN_EVENTS",
)


def _t(days: float) -> str:
    return iso(COLLECTED_AT - dt.timedelta(days=days))


@dataclass
class Monitoring:
    trails: list[dict[str, Any]] = field(default_factory=list)  # as seen here, shadow trails included
    home_trails: list[dict[str, Any]] = field(default_factory=list)
    recorder: bool = True
    recording: bool = True
    rules: list[dict[str, Any]] = field(default_factory=list)
    compliance: list[dict[str, Any]] = field(default_factory=list)
    aggregators: list[dict[str, Any]] = field(default_factory=list)
    packs: list[dict[str, Any]] = field(default_factory=list)
    filters: list[dict[str, Any]] = field(default_factory=list)
    alarms: list[dict[str, Any]] = field(default_factory=list)
    buses: list[dict[str, Any]] = field(default_factory=list)
    event_rules: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # bus -> rules
    event_targets: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    hub: bool = True
    detector: str | None = None
    analyzers: list[dict[str, Any]] = field(default_factory=list)
    findings: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def _org_trail(ctx: AccountContext) -> dict[str, Any]:
    facts = ctx.facts
    mgmt, home = facts.management.id, facts.home_region_of_management
    return {
        "Name": f"{CT}-BaselineCloudTrail",
        "S3BucketName": facts.log_bucket(),
        "S3KeyPrefix": facts.org.id,
        "SnsTopicName": f"arn:aws:sns:{home}:{facts.security.id}:{CT}-AllConfigNotifications",
        "SnsTopicARN": f"arn:aws:sns:{home}:{facts.security.id}:{CT}-AllConfigNotifications",
        "IncludeGlobalServiceEvents": True,
        "IsMultiRegionTrail": True,
        "HomeRegion": home,
        "TrailARN": facts.org_trail_arn(),
        "LogFileValidationEnabled": True,
        "CloudWatchLogsLogGroupArn": f"arn:aws:logs:{home}:{mgmt}:log-group:{CT}/CloudTrailLogs:*",
        "CloudWatchLogsRoleArn": f"arn:aws:iam::{mgmt}:role/{CT}-CloudWatchLogsRole",
        "KmsKeyId": f"arn:aws:kms:{home}:{mgmt}:key/{stable_hex(8, mgmt, 'trail')}-1111-4222-8333-{stable_hex(12, mgmt)}",
        "HasCustomEventSelectors": False,
        "HasInsightSelectors": True,
        "IsOrganizationTrail": True,
    }


def _local_trail(ctx: AccountContext, multi: bool) -> dict[str, Any]:
    home = ctx.home
    name = "account-trail" if multi else "legacy-trail"
    return {
        "Name": name,
        "S3BucketName": f"{ctx.account.name}-cloudtrail-{ctx.id}",
        "IncludeGlobalServiceEvents": multi,
        "IsMultiRegionTrail": multi,
        "HomeRegion": home,
        "TrailARN": f"arn:aws:cloudtrail:{home}:{ctx.id}:trail/{name}",
        "LogFileValidationEnabled": multi,
        "HasCustomEventSelectors": False,
        "HasInsightSelectors": False,
        "IsOrganizationTrail": False,
    }


def build_monitoring(ctx: AccountContext, region: str) -> Monitoring:
    rng = ctx.rng("monitoring", region)
    facts, acct, kind = ctx.facts, ctx.id, ctx.account.kind
    m = Monitoring()
    home = region == ctx.home
    # -- CloudTrail
    m.trails.append(_org_trail(ctx))
    trail_rng = ctx.rng("trails")
    local = trail_rng.random()
    if local < 0.03:
        m.trails.append(_local_trail(ctx, True))
    elif local < 0.15 and home:
        m.trails.append(_local_trail(ctx, False))
    m.home_trails = [t for t in m.trails if t["TrailARN"].split(":")[4] == acct and t["HomeRegion"] == region]
    # -- Config (Control Tower enrolls most accounts; some regions were never governed)
    m.recorder = rng.random() > (0.03 if home else 0.07)
    m.recording = rng.random() > 0.02
    if m.recorder:
        for name, identifier, rtype in CONFIG_RULES[: rng.randint(3, len(CONFIG_RULES))]:
            rule_id = f"config-rule-{stable_hex(6, acct, region, name)}"
            m.rules.append(
                {
                    "ConfigRuleName": name,
                    "ConfigRuleArn": f"arn:aws:config:{region}:{acct}:config-rule/{rule_id}",
                    "ConfigRuleId": rule_id,
                    "Description": f"Control Tower detective control {identifier}",
                    "Scope": {"ComplianceResourceTypes": [rtype]},
                    "Source": {"Owner": "AWS", "SourceIdentifier": identifier},
                    "MaximumExecutionFrequency": "TwentyFour_Hours",
                    "ConfigRuleState": "ACTIVE",
                    "CreatedBy": "controltower.amazonaws.com",
                }
            )
            bad = rng.random() < 0.25
            m.compliance.append(
                {
                    "ConfigRuleName": name,
                    "Compliance": {
                        "ComplianceType": "NON_COMPLIANT" if bad else "COMPLIANT",
                        **(
                            {
                                "ComplianceContributorCount": {
                                    "CappedCount": rng.randint(1, 30),
                                    "CapExceeded": False,
                                }
                            }
                            if bad
                            else {}
                        ),
                    },
                }
            )
        if home and ctx.rare(rng, 0.1):
            name = "Operational-Best-Practices-for-CIS"
            pack_id = f"conformance-pack-{stable_hex(9, acct, name)}"
            m.packs.append(
                {
                    "ConformancePackName": name,
                    "ConformancePackArn": f"arn:aws:config:{region}:{acct}:conformance-pack/{name}/{pack_id}",
                    "ConformancePackId": pack_id,
                    "DeliveryS3Bucket": facts.log_bucket(),
                    "ConformancePackInputParameters": [],
                    "LastUpdateRequestedTime": _t(40),
                    "CreatedBy": "config-conforms.amazonaws.com",
                }
            )
    if kind == "security-tooling" and home:
        agg = f"config-aggregator-{stable_hex(8, acct, 'agg')}"
        m.aggregators.append(
            {
                "ConfigurationAggregatorName": "aws-controltower-GuardrailsComplianceAggregator",
                "ConfigurationAggregatorArn": f"arn:aws:config:{region}:{acct}:config-aggregator/{agg}",
                "OrganizationAggregationSource": {
                    "RoleArn": f"arn:aws:iam::{acct}:role/aws-controltower-ConfigAggregatorRoleForOrganizations",
                    "AllAwsRegions": True,
                },
                "CreationTime": _t(700),
                "LastUpdatedTime": _t(30),
            }
        )
    # -- CloudWatch Logs metric filters and alarms (CIS 4.x) on the organization trail's log group
    if kind == "management" and home:
        topic = f"arn:aws:sns:{region}:{acct}:{CT}-SecurityNotifications"
        for i, (name, pattern) in enumerate(CIS_FILTERS):
            m.filters.append(
                {
                    "filterName": f"{name}-filter",
                    "filterPattern": pattern,
                    "metricTransformations": [
                        {"metricName": name, "metricNamespace": "CISBenchmark", "metricValue": "1"}
                    ],
                    "creationTime": 1_600_000_000_000 + i * 1000,
                    "logGroupName": f"{CT}/CloudTrailLogs",
                }
            )
            if rng.random() < 0.8:  # a few CIS alarms were never created
                m.alarms.append(_alarm(region, acct, f"CIS-{name}", "CISBenchmark", name, [topic]))
    elif home and rng.random() < 0.3:
        m.alarms.append(_alarm(region, acct, f"{ctx.account.name}-high-cpu", "AWS/EC2", "CPUUtilization", []))
    # -- EventBridge
    bus = f"arn:aws:events:{region}:{acct}:event-bus/default"
    default_bus: dict[str, Any] = {"Name": "default", "Arn": bus}
    if kind == "management":
        default_bus["Policy"] = json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "AllowOrgAccounts",
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "events:PutEvents",
                        "Resource": bus,
                        "Condition": {"StringEquals": {"aws:PrincipalOrgID": facts.org.id}},
                    }
                ],
            }
        )
    m.buses.append(default_bus)
    rules = [
        (
            f"{CT}-ConfigComplianceChangeEventRule",
            {"source": ["aws.config"], "detail-type": ["Config Rules Compliance Change"]},
            f"arn:aws:sns:{region}:{acct}:{CT}-SecurityNotifications",
        )
    ]
    if kind == "security-tooling":
        rules.append(
            (
                "guardduty-findings-to-ticketing",
                {"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"]},
                f"arn:aws:lambda:{region}:{acct}:function:findings-router",
            )
        )
    if home and rng.random() < 0.4:
        rules.append(
            ("nightly-report", {}, f"arn:aws:lambda:{region}:{acct}:function:{ctx.account.name}-report")
        )
    m.event_rules["default"] = []
    for name, pattern, target in rules:
        rule: dict[str, Any] = {
            "Name": name,
            "Arn": f"arn:aws:events:{region}:{acct}:rule/{name}",
            "State": "ENABLED",
            "EventBusName": "default",
        }
        if pattern:
            rule["EventPattern"] = json.dumps(pattern)
        else:
            rule["ScheduleExpression"] = "cron(0 2 * * ? *)"
        m.event_rules["default"].append(rule)
        m.event_targets[("default", name)] = [{"Id": "primary", "Arn": target}]
    # -- Security Hub, GuardDuty, Access Analyzer
    m.hub = rng.random() > 0.05
    if rng.random() > 0.03:
        m.detector = stable_hex(32, acct, region, "detector")
    if kind == "security-tooling":
        for name, kind_ in (
            ("org-analyzer", "ORGANIZATION"),
            ("org-unused-access", "ORGANIZATION_UNUSED_ACCESS"),
        ):
            if kind_ == "ORGANIZATION_UNUSED_ACCESS" and not home:
                continue
            arn = f"arn:aws:access-analyzer:{region}:{acct}:analyzer/{name}"
            m.analyzers.append(
                {"arn": arn, "name": name, "type": kind_, "createdAt": _t(600), "status": "ACTIVE"}
            )
            if kind_ == "ORGANIZATION":
                m.findings[arn] = _findings(ctx, region, rng.randint(0, 25), arn)
    elif home and rng.random() < 0.2:
        arn = f"arn:aws:access-analyzer:{region}:{acct}:analyzer/account-analyzer"
        m.analyzers.append(
            {
                "arn": arn,
                "name": "account-analyzer",
                "type": "ACCOUNT",
                "createdAt": _t(300),
                "status": "ACTIVE",
            }
        )
        m.findings[arn] = _findings(ctx, region, rng.randint(0, 4), arn)
    return m


def _alarm(
    region: str, acct: str, name: str, namespace: str, metric: str, actions: list[str]
) -> dict[str, Any]:
    return {
        "AlarmName": name,
        "AlarmArn": f"arn:aws:cloudwatch:{region}:{acct}:alarm:{name}",
        "ActionsEnabled": True,
        "OKActions": [],
        "AlarmActions": actions,
        "InsufficientDataActions": [],
        "StateValue": "OK",
        "StateUpdatedTimestamp": _t(3),
        "MetricName": metric,
        "Namespace": namespace,
        "Statistic": "Sum" if namespace == "CISBenchmark" else "Average",
        "Dimensions": [],
        "Period": 300,
        "EvaluationPeriods": 1,
        "Threshold": 1.0 if namespace == "CISBenchmark" else 80.0,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
    }


def _findings(ctx: AccountContext, region: str, n: int, analyzer: str) -> list[dict[str, Any]]:
    rng = ctx.rng("findings", analyzer)
    kinds = ("AWS::S3::Bucket", "AWS::IAM::Role", "AWS::KMS::Key", "AWS::Lambda::Function", "AWS::SQS::Queue")
    out = []
    for i in range(n):
        rtype = rng.choice(kinds)
        owner = rng.choice(ctx.facts.org.accounts).id
        out.append(
            {
                "id": f"{stable_hex(8, analyzer, i)}-aaaa-4bbb-8ccc-{stable_hex(12, analyzer, i)}",
                "principal": {"AWS": rng.choice(("*", "arn:aws:iam::464622532012:root"))},
                "action": ["s3:GetObject"] if rtype == "AWS::S3::Bucket" else ["sts:AssumeRole"],
                "resource": f"arn:aws:s3:::{owner}-shared-{i}"
                if rtype == "AWS::S3::Bucket"
                else f"arn:aws:iam::{owner}:role/shared-{i}",
                "isPublic": rng.random() < 0.3,
                "resourceType": rtype,
                "condition": {},
                "createdAt": _t(rng.randint(1, 200)),
                "analyzedAt": _t(1),
                "updatedAt": _t(1),
                "status": "ACTIVE",
                "resourceOwnerAccount": owner,
            }
        )
    return out


def _mon(ctx: AccountContext, region: str) -> Monitoring:
    result: Monitoring = ctx.cached("monitoring", region, build_monitoring)
    return result


# -- answers --------------------------------------------------------------------------------------


def _describe_trails(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    m = _mon(ctx, region)
    items = m.trails if params.get("includeShadowTrails", True) else m.home_trails
    ctx.tally.add("monitoring.trails", *(t["TrailARN"] for t in items))
    return [{"trailList": items}]


def _trail(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> dict[str, Any]:
    arn = str(params.get("Name") or params.get("TrailName"))
    return next(t for t in _mon(ctx, region).home_trails if t["TrailARN"] == arn)


def _trail_status(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    trail = _trail(ctx, region, params)
    logging = trail["IsOrganizationTrail"] or ctx.rng("trail-status").random() > 0.3
    body: dict[str, Any] = {"IsLogging": logging, "StartLoggingTime": _t(700)}
    if logging:
        body.update({"LatestDeliveryTime": _t(0.01), "LatestDigestDeliveryTime": _t(0.5)})
    else:
        body["StopLoggingTime"] = _t(90)
    return [body]


def _event_selectors(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    trail = _trail(ctx, region, params)
    selector = {
        "ReadWriteType": "All",
        "IncludeManagementEvents": True,
        "DataResources": [],
        "ExcludeManagementEventSources": [],
    }
    if trail["IsOrganizationTrail"]:
        selector["DataResources"] = [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]
    return [{"TrailARN": trail["TrailARN"], "EventSelectors": [selector]}]


def _insight_selectors(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    trail = _trail(ctx, region, params)
    if not trail["HasInsightSelectors"]:
        return ApiError(
            code="InsightNotEnabledException",
            message=f"Trail {trail['TrailARN']} does not have Insights enabled. Edit the trail settings to enable Insights, and then try the operation again.",
        )
    return [{"TrailARN": trail["TrailARN"], "InsightSelectors": [{"InsightType": "ApiCallRateInsight"}]}]


RECORDER = f"{CT}-BaselineConfigRecorder"


def _recorders(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    m = _mon(ctx, region)
    if not m.recorder:
        return [{"ConfigurationRecorders": []}]
    ctx.tally.add(
        "monitoring.config_recorders", f"arn:aws:config:{region}:{ctx.id}:configuration-recorder/{RECORDER}"
    )
    return [
        {
            "ConfigurationRecorders": [
                {
                    "name": RECORDER,
                    "roleARN": f"arn:aws:iam::{ctx.id}:role/{CT}-ConfigRecorderRole",
                    "recordingGroup": {
                        "allSupported": True,
                        "includeGlobalResourceTypes": region == ctx.home,
                        "resourceTypes": [],
                    },
                    "recordingMode": {"recordingFrequency": "CONTINUOUS"},
                }
            ]
        }
    ]


def _recorder_status(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    m = _mon(ctx, region)
    if not m.recorder:
        return [{"ConfigurationRecordersStatus": []}]
    return [
        {
            "ConfigurationRecordersStatus": [
                {
                    "name": RECORDER,
                    "lastStartTime": _t(600),
                    "recording": m.recording,
                    "lastStatus": "Success" if m.recording else "Failure",
                    "lastStatusChangeTime": _t(0.1),
                }
            ]
        }
    ]


def _channels(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    m = _mon(ctx, region)
    if not m.recorder:
        return [{"DeliveryChannels": []}]
    name = f"{CT}-BaselineConfigDeliveryChannel"
    ctx.tally.add("monitoring.delivery_channels", f"arn:aws:config:{region}:{ctx.id}:delivery-channel/{name}")
    return [
        {
            "DeliveryChannels": [
                {
                    "name": name,
                    "s3BucketName": ctx.facts.log_bucket(),
                    "s3KeyPrefix": ctx.facts.org.id,
                    "snsTopicARN": f"arn:aws:sns:{region}:{ctx.facts.security.id}:{CT}-AllConfigNotifications",
                    "configSnapshotDeliveryProperties": {"deliveryFrequency": "TwentyFour_Hours"},
                }
            ]
        }
    ]


def _config_list(attr: str, key: str, kind: str, arn_key: str) -> Handler:
    def handler(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
        items = getattr(_mon(ctx, region), attr)
        if kind:
            ctx.tally.add(kind, *(i[arn_key] for i in items))
        return [{key: items}]

    return handler


def _filters(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    items = _mon(ctx, region).filters
    ctx.tally.add(
        "monitoring.metric_filters",
        *(
            f"arn:aws:logs:{region}:{ctx.id}:log-group:{f['logGroupName']}:metric-filter:{f['filterName']}"
            for f in items
        ),
    )
    return [{"metricFilters": items}]


def _alarms(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    items = _mon(ctx, region).alarms
    ctx.tally.add("monitoring.alarms", *(a["AlarmArn"] for a in items))
    return [{"MetricAlarms": items, "CompositeAlarms": []}]


def _buses(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    items = _mon(ctx, region).buses
    ctx.tally.add("detection.event_buses", *(b["Arn"] for b in items))
    return [{"EventBuses": items}]


def _event_rules(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    items = _mon(ctx, region).event_rules.get(str(params["EventBusName"]), [])
    ctx.tally.add("detection.event_rules", *(r["Arn"] for r in items))
    return [{"Rules": items}]


def _event_targets(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    return [
        {
            "Targets": _mon(ctx, region).event_targets.get(
                (str(params["EventBusName"]), str(params["Rule"])), []
            )
        }
    ]


def _not_subscribed(ctx: AccountContext) -> ApiError:
    return ApiError(
        code="InvalidAccessException",
        message=f"Account {ctx.id} is not subscribed to AWS Security Hub",
        status=401,
    )


def _hub(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    if not _mon(ctx, region).hub:
        return _not_subscribed(ctx)
    arn = f"arn:aws:securityhub:{region}:{ctx.id}:hub/default"
    ctx.tally.add("detection.security_hubs", arn)
    return [
        {
            "HubArn": arn,
            "SubscribedAt": _t(500),
            "AutoEnableControls": True,
            "ControlFindingGenerator": "SECURITY_CONTROL",
        }
    ]


def _standards(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    if not _mon(ctx, region).hub:
        return _not_subscribed(ctx)
    subs = []
    for i, template in enumerate(STANDARDS[: 1 + (ctx.rng("standards").random() < 0.5)]):
        arn = template.format(region=region)
        subs.append(
            {
                "StandardsSubscriptionArn": f"arn:aws:securityhub:{region}:{ctx.id}:subscription/{arn.split('standards/')[1]}",
                "StandardsArn": arn,
                "StandardsInput": {},
                "StandardsStatus": "READY" if i == 0 or region == ctx.home else "INCOMPLETE",
            }
        )
    return [{"StandardsSubscriptions": subs}]


def _hub_admin(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    if not _mon(ctx, region).hub:
        return _not_subscribed(ctx)
    if ctx.id == ctx.facts.security.id:
        return [{}]
    return [
        {
            "Administrator": {
                "AccountId": ctx.facts.security.id,
                "InvitationId": stable_hex(32, ctx.id, region, "sh"),
                "InvitedAt": _t(480),
                "MemberStatus": "Enabled",
            }
        }
    ]


def _hub_org(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    if not _mon(ctx, region).hub:
        return _not_subscribed(ctx)
    if ctx.id != ctx.facts.security.id:
        return ctx.deny("securityhub:DescribeOrganizationConfiguration", code="AccessDeniedException")
    return [
        {
            "AutoEnable": True,
            "MemberAccountLimitReached": False,
            "AutoEnableStandards": "DEFAULT",
            "OrganizationConfiguration": {"ConfigurationType": "LOCAL", "Status": "ENABLED"},
        }
    ]


def _detectors(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    det = _mon(ctx, region).detector
    if det:
        ctx.tally.add("detection.detectors", f"arn:aws:guardduty:{region}:{ctx.id}:detector/{det}")
    return [{"DetectorIds": [det] if det else []}]


def _detector(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    rng = ctx.rng("gd-features", region)
    return [
        {
            "CreatedAt": _t(520),
            "FindingPublishingFrequency": "SIX_HOURS",
            "ServiceRole": f"arn:aws:iam::{ctx.id}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty",
            "Status": "ENABLED",
            "UpdatedAt": _t(20),
            "Features": [
                {
                    "Name": f,
                    "Status": "ENABLED" if i < 3 or rng.random() < 0.6 else "DISABLED",
                    "UpdatedAt": _t(20),
                }
                for i, f in enumerate(GUARDDUTY_FEATURES)
            ],
            "Tags": {},
        }
    ]


def _gd_admin(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    if ctx.id == ctx.facts.security.id:
        return [{}]
    return [
        {
            "Administrator": {
                "AccountId": ctx.facts.security.id,
                "InvitationId": stable_hex(32, ctx.id, region, "gd"),
                "RelationshipStatus": "Enabled",
                "InvitedAt": _t(500),
            }
        }
    ]


def _gd_org_admins(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    if ctx.id != ctx.facts.management.id:
        return ctx.deny("guardduty:ListOrganizationAdminAccounts", code="AccessDeniedException")
    return [{"AdminAccounts": [{"AdminAccountId": ctx.facts.security.id, "AdminStatus": "ENABLED"}]}]


def _gd_org(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    if ctx.id != ctx.facts.security.id:
        return ApiError(
            code="BadRequestException",
            message="The request is rejected because the current account is not the GuardDuty administrator account.",
        )
    return [
        {
            "AutoEnable": True,
            "MemberAccountLimitReached": False,
            "Features": [
                {"Name": f, "AutoEnable": "NEW" if i < 3 else "NONE"} for i, f in enumerate(ORG_FEATURES)
            ],
            "AutoEnableOrganizationMembers": "ALL",
        }
    ]


def _analyzers(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    items = _mon(ctx, region).analyzers
    ctx.tally.add("detection.analyzers", *(a["arn"] for a in items))
    return [{"analyzers": items}]


def _analyzer_findings(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    return [{"findings": _mon(ctx, region).findings.get(str(params["analyzerArn"]), [])}]


HANDLERS: dict[tuple[str, str], Handler] = {
    ("cloudtrail", "DescribeTrails"): _describe_trails,
    ("cloudtrail", "GetTrailStatus"): _trail_status,
    ("cloudtrail", "GetEventSelectors"): _event_selectors,
    ("cloudtrail", "GetInsightSelectors"): _insight_selectors,
    ("config", "DescribeConfigurationRecorders"): _recorders,
    ("config", "DescribeConfigurationRecorderStatus"): _recorder_status,
    ("config", "DescribeDeliveryChannels"): _channels,
    ("config", "DescribeConfigRules"): _config_list(
        "rules", "ConfigRules", "monitoring.config_rules", "ConfigRuleArn"
    ),
    ("config", "DescribeConfigurationAggregators"): _config_list(
        "aggregators",
        "ConfigurationAggregators",
        "monitoring.config_aggregators",
        "ConfigurationAggregatorArn",
    ),
    ("config", "DescribeComplianceByConfigRule"): _config_list(
        "compliance", "ComplianceByConfigRules", "", ""
    ),
    ("config", "DescribeConformancePacks"): _config_list(
        "packs", "ConformancePackDetails", "monitoring.conformance_packs", "ConformancePackArn"
    ),
    ("logs", "DescribeMetricFilters"): _filters,
    ("cloudwatch", "DescribeAlarms"): _alarms,
    ("events", "ListEventBuses"): _buses,
    ("events", "ListRules"): _event_rules,
    ("events", "ListTargetsByRule"): _event_targets,
    ("securityhub", "DescribeHub"): _hub,
    ("securityhub", "GetEnabledStandards"): _standards,
    ("securityhub", "GetAdministratorAccount"): _hub_admin,
    ("securityhub", "DescribeOrganizationConfiguration"): _hub_org,
    ("guardduty", "ListDetectors"): _detectors,
    ("guardduty", "GetDetector"): _detector,
    ("guardduty", "GetAdministratorAccount"): _gd_admin,
    ("guardduty", "ListOrganizationAdminAccounts"): _gd_org_admins,
    ("guardduty", "DescribeOrganizationConfiguration"): _gd_org,
    ("accessanalyzer", "ListAnalyzers"): _analyzers,
    ("accessanalyzer", "ListFindings"): _analyzer_findings,
}
