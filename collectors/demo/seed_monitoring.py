"""Seed the demo organization's logging, monitoring and detection (CloudTrail, Config, CloudWatch,
GuardDuty, Security Hub, EventBridge), with the gaps an auditor must find and good examples.

What is created is recorded in ``ctx.resources["monitoring"]`` (structure in
``docs/demo-monitoring.md``); what moto refuses goes to ``ctx.skipped``. Every
weakness is deliberate:

- an organization trail in the management account (multi-region, log file
  validation, KMS, CloudWatch Logs): the good example;
- a single-region trail in payments-dev without validation or KMS, never started;
- Config recorders in us-east-1 only, and not in every account (eu-west-1 is a gap
  everywhere but the management account); web-prod records only two resource types;
- an organization aggregator in security-tooling;
- CIS metric filters for root use and unauthorized API calls with alarms, a
  console-without-MFA filter with no alarm, the rest of the CIS set missing;
- GuardDuty in some accounts and regions only, administered by security-tooling;
- Security Hub in the management and security-tooling accounts only;
- an EventBridge rule in security-tooling routing GuardDuty findings to a Lambda responder.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from botocore.exceptions import ClientError

from collectors.demo.seed import MANAGEMENT, SeedContext

US, EU = "us-east-1", "eu-west-1"
TRAIL_BUCKET = "example-corp-org-cloudtrail"
ORG_TRAIL = "org-trail"
DEV_TRAIL = "payments-dev-trail"
TRAIL_LOG_GROUP = "aws-cloudtrail-logs-org"
ALERT_TOPIC = "security-alerts"
# (account, region) with a customer-managed Config recorder; "partial" records two types only.
CONFIG_RECORDERS: tuple[tuple[str, str, str], ...] = (
    (MANAGEMENT, US, "all"),
    (MANAGEMENT, EU, "all"),
    ("log-archive", US, "all"),
    ("security-tooling", US, "all"),
    ("payments-prod", US, "all"),
    ("web-prod", US, "partial"),
)
CONFIG_RULES: tuple[tuple[str, str], ...] = (
    ("cloudtrail-enabled", "CLOUD_TRAIL_ENABLED"),
    ("root-account-mfa-enabled", "ROOT_ACCOUNT_MFA_ENABLED"),
)
# CIS AWS Foundations Benchmark v3.0, section 4 (Monitoring): (filter name, pattern, alarm?)
CIS_FILTERS: tuple[tuple[str, str, bool], ...] = (
    (
        "RootAccountUsage",
        '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS '
        '&& $.eventType != "AwsServiceEvent" }',
        True,
    ),
    (
        "UnauthorizedAPICalls",
        '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") '
        '&& ($.sourceIPAddress!="delivery.logs.amazonaws.com") '
        '&& ($.eventName!="HeadBucket") }',
        True,
    ),
    (
        "ConsoleSigninWithoutMFA",
        '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") '
        '&& ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
        False,
    ),
)
CIS_NAMESPACE = "CISBenchmark"
# (account, region) with a GuardDuty detector.
GUARDDUTY: tuple[tuple[str, str], ...] = (
    (MANAGEMENT, US),
    ("security-tooling", US),
    ("security-tooling", EU),
    ("log-archive", US),
    ("payments-prod", US),
    ("web-prod", US),
)
SECURITY_HUB: tuple[tuple[str, str], ...] = ((MANAGEMENT, US), ("security-tooling", US))
RESPONDER = "guardduty-responder"
RESPONDER_RULE = "guardduty-findings-to-responder"


def seed_monitoring(ctx: SeedContext) -> None:
    """Create the monitoring and detection resources; record them in ``ctx.resources["monitoring"]``."""
    out: dict[str, Any] = {
        "trails": {},
        "config_recorders": [],
        "config_rules": [],
        "config_aggregators": [],
        "metric_filters": [],
        "alarms": [],
        "guardduty_detectors": {},
        "guardduty_admin": None,
        "security_hubs": [],
        "security_hub_admin": None,
        "event_rules": {},
        "supporting": {},
    }
    ctx.resources["monitoring"] = out
    _seed_trails(ctx, out)
    _seed_config(ctx, out)
    _seed_cis_alarms(ctx, out)
    _seed_guardduty(ctx, out)
    _seed_security_hub(ctx, out)
    _seed_responder(ctx, out)


def _skip(ctx: SeedContext, what: str, exc: ClientError) -> None:
    err = exc.response.get("Error", {})
    ctx.skipped.append(f"{what}: moto answered {err.get('Code')}: {err.get('Message')}")


def _trust(service: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
        }
    )


def _seed_trails(ctx: SeedContext, out: dict[str, Any]) -> None:
    mgmt = ctx.accounts[MANAGEMENT]
    # The trail's bucket, key and log group live in the management account: moto checks the
    # bucket in the trail's own account (AWS would accept a log-archive bucket with a policy).
    ctx.client(MANAGEMENT, "s3").create_bucket(Bucket=TRAIL_BUCKET)
    key_arn = ctx.client(MANAGEMENT, "kms").create_key(Description="CloudTrail organization trail")[
        "KeyMetadata"
    ]["Arn"]
    logs = ctx.client(MANAGEMENT, "logs")
    logs.create_log_group(logGroupName=TRAIL_LOG_GROUP)
    group_arn = f"arn:aws:logs:{US}:{mgmt}:log-group:{TRAIL_LOG_GROUP}:*"
    role_arn = ctx.client(MANAGEMENT, "iam").create_role(
        RoleName="CloudTrailToCloudWatchLogs", AssumeRolePolicyDocument=_trust("cloudtrail.amazonaws.com")
    )["Role"]["Arn"]
    ct = ctx.client(MANAGEMENT, "cloudtrail")
    org_trail = ct.create_trail(
        Name=ORG_TRAIL,
        S3BucketName=TRAIL_BUCKET,
        IsMultiRegionTrail=True,
        IsOrganizationTrail=True,
        EnableLogFileValidation=True,
        IncludeGlobalServiceEvents=True,
        KmsKeyId=key_arn,
        CloudWatchLogsLogGroupArn=group_arn,
        CloudWatchLogsRoleArn=role_arn,
    )["TrailARN"]
    ct.start_logging(Name=ORG_TRAIL)
    ct.put_event_selectors(
        TrailName=ORG_TRAIL,
        EventSelectors=[
            {
                "ReadWriteType": "All",
                "IncludeManagementEvents": True,
                "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}],
            }
        ],
    )
    out["trails"][ORG_TRAIL] = {
        "arn": org_trail,
        "account": MANAGEMENT,
        "home_region": US,
        "multi_region": True,
        "organization": True,
        "validation": True,
        "kms_key": key_arn,
        "logging": True,
    }
    out["supporting"].update(trail_bucket=TRAIL_BUCKET, trail_key=key_arn, trail_log_group=TRAIL_LOG_GROUP)

    bucket = f"example-corp-payments-dev-trail-{ctx.accounts['payments-dev']}"
    ctx.client("payments-dev", "s3").create_bucket(Bucket=bucket)
    dev_trail = ctx.client("payments-dev", "cloudtrail").create_trail(Name=DEV_TRAIL, S3BucketName=bucket)[
        "TrailARN"
    ]
    # Never started: a trail that exists but does not log.
    out["trails"][DEV_TRAIL] = {
        "arn": dev_trail,
        "account": "payments-dev",
        "home_region": US,
        "multi_region": False,
        "organization": False,
        "validation": False,
        "kms_key": None,
        "logging": False,
    }
    out["supporting"]["dev_trail_bucket"] = bucket


def _seed_config(ctx: SeedContext, out: dict[str, Any]) -> None:
    for account, region, kind in CONFIG_RECORDERS:
        cfg = ctx.client(account, "config", region)
        role = f"arn:aws:iam::{ctx.accounts[account]}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
        group: dict[str, Any] = (
            {"allSupported": True, "includeGlobalResourceTypes": region == US}
            if kind == "all"
            else {
                "allSupported": False,
                "includeGlobalResourceTypes": False,
                "resourceTypes": ["AWS::EC2::Instance", "AWS::S3::Bucket"],
                "recordingStrategy": {"useOnly": "INCLUSION_BY_RESOURCE_TYPES"},
            }
        )
        cfg.put_configuration_recorder(
            ConfigurationRecorder={"name": "default", "roleARN": role, "recordingGroup": group}
        )
        cfg.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": TRAIL_BUCKET})
        cfg.start_configuration_recorder(ConfigurationRecorderName="default")
        out["config_recorders"].append({"account": account, "region": region, "all_supported": kind == "all"})
    tooling = ctx.client("security-tooling", "config", US)
    for name, identifier in CONFIG_RULES:
        tooling.put_config_rule(
            ConfigRule={"ConfigRuleName": name, "Source": {"Owner": "AWS", "SourceIdentifier": identifier}}
        )
        out["config_rules"].append({"account": "security-tooling", "region": US, "name": name})
    tooling.put_configuration_aggregator(
        ConfigurationAggregatorName="organization",
        OrganizationAggregationSource={
            "RoleArn": f"arn:aws:iam::{ctx.accounts['security-tooling']}:role/ConfigAggregator",
            "AllAwsRegions": True,
        },
    )
    out["config_aggregators"].append({"account": "security-tooling", "region": US, "name": "organization"})


def _seed_cis_alarms(ctx: SeedContext, out: dict[str, Any]) -> None:
    topic = ctx.client(MANAGEMENT, "sns").create_topic(Name=ALERT_TOPIC)["TopicArn"]
    out["supporting"]["alert_topic"] = topic
    logs = ctx.client(MANAGEMENT, "logs")
    cw = ctx.client(MANAGEMENT, "cloudwatch")
    for name, pattern, alarmed in CIS_FILTERS:
        logs.put_metric_filter(
            logGroupName=TRAIL_LOG_GROUP,
            filterName=name,
            filterPattern=pattern,
            metricTransformations=[
                {"metricName": name, "metricNamespace": CIS_NAMESPACE, "metricValue": "1"}
            ],
        )
        out["metric_filters"].append({"account": MANAGEMENT, "region": US, "name": name, "alarmed": alarmed})
        if alarmed:
            cw.put_metric_alarm(
                AlarmName=f"cis-{name}",
                MetricName=name,
                Namespace=CIS_NAMESPACE,
                Statistic="Sum",
                Period=300,
                EvaluationPeriods=1,
                Threshold=1.0,
                ComparisonOperator="GreaterThanOrEqualToThreshold",
                AlarmActions=[topic],
            )
            out["alarms"].append({"account": MANAGEMENT, "region": US, "name": f"cis-{name}", "metric": name})


def _seed_guardduty(ctx: SeedContext, out: dict[str, Any]) -> None:
    for account, region in GUARDDUTY:
        detector_id = ctx.client(account, "guardduty", region).create_detector(
            Enable=True,
            FindingPublishingFrequency="FIFTEEN_MINUTES",
            Features=[
                {"Name": "S3_DATA_EVENTS", "Status": "ENABLED"},
                {"Name": "EKS_AUDIT_LOGS", "Status": "DISABLED" if account == "web-prod" else "ENABLED"},
            ],
        )["DetectorId"]
        out["guardduty_detectors"][f"{account}/{region}"] = detector_id
    try:
        ctx.client(MANAGEMENT, "guardduty").enable_organization_admin_account(
            AdminAccountId=ctx.accounts["security-tooling"]
        )
        out["guardduty_admin"] = "security-tooling"
    except ClientError as exc:
        _skip(ctx, "GuardDuty delegated administrator", exc)


def _seed_security_hub(ctx: SeedContext, out: dict[str, Any]) -> None:
    for account, region in SECURITY_HUB:
        try:
            ctx.client(account, "securityhub", region).enable_security_hub(EnableDefaultStandards=True)
            out["security_hubs"].append({"account": account, "region": region})
        except ClientError as exc:
            _skip(ctx, f"Security Hub in {account}/{region}", exc)
    try:
        ctx.client(MANAGEMENT, "securityhub").enable_organization_admin_account(
            AdminAccountId=ctx.accounts["security-tooling"]
        )
        out["security_hub_admin"] = "security-tooling"
    except ClientError as exc:
        _skip(ctx, "Security Hub delegated administrator", exc)
    # Enabled standards cannot be seen: moto does not implement GetEnabledStandards.
    ctx.skipped.append("Security Hub enabled standards: moto does not implement GetEnabledStandards")


def _lambda_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(
            "responder.py",
            "def handler(event, context):\n    return {'finding': event.get('detail', {}).get('id')}\n",
        )
    return buf.getvalue()


def _seed_responder(ctx: SeedContext, out: dict[str, Any]) -> None:
    acct = "security-tooling"
    role = ctx.client(acct, "iam").create_role(
        RoleName="GuardDutyResponder", AssumeRolePolicyDocument=_trust("lambda.amazonaws.com")
    )["Role"]["Arn"]
    fn = ctx.client(acct, "lambda").create_function(
        FunctionName=RESPONDER,
        Runtime="python3.12",
        Role=role,
        Handler="responder.handler",
        Code={"ZipFile": _lambda_zip()},
        Description="Quarantines resources named in GuardDuty findings",
    )["FunctionArn"]
    events = ctx.client(acct, "events")
    rule = events.put_rule(
        Name=RESPONDER_RULE,
        EventPattern=json.dumps({"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"]}),
        State="ENABLED",
        Description="Send every GuardDuty finding to the responder",
    )["RuleArn"]
    events.put_targets(Rule=RESPONDER_RULE, Targets=[{"Id": "responder", "Arn": fn}])
    out["event_rules"][RESPONDER_RULE] = {"account": acct, "region": US, "arn": rule, "targets": [fn]}
    out["supporting"].update(responder_function=fn, responder_role=role)
