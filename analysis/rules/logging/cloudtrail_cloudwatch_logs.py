"""Every trail also delivers to CloudWatch Logs, where metric filters and alarms can watch it."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, LOW, NOT_ASSESSED, PASS, Control, Input, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.logging._common import all_trails, home_listed, shadow_only_reason, trail_result

CONTROL = Control(
    id="cloudtrail_cloudwatch_logs",
    title="CloudTrail trails deliver to CloudWatch Logs",
    severity=LOW,
    practice="monitoring",
    service="cloudtrail",
    scope="resource",
    rationale=(
        "Log files in S3 are for after the fact; events sent to a CloudWatch Logs group can be "
        "matched as they arrive by metric filters and alarms (root use, policy changes, logging "
        "switched off). A trail with no log group leaves the monitoring alarms nothing to watch. "
        "Delivery also needs a role CloudTrail can assume, and a delivery error means events are "
        "not arriving."
    ),
    remediation=Remediation(
        console=(
            "CloudTrail > Trails > the trail > CloudWatch Logs > Edit > Enabled; choose or create the "
            "log group and let the console create the CloudTrail role (or choose one that allows "
            "logs:CreateLogStream and logs:PutLogEvents on that group) > Save changes."
        ),
        cli=(
            "aws logs create-log-group --log-group-name aws-cloudtrail-logs-org\n"
            "aws cloudtrail update-trail --name <trail> "
            "--cloud-watch-logs-log-group-arn arn:aws:logs:<region>:<account>:log-group:aws-cloudtrail-logs-org:* "
            "--cloud-watch-logs-role-arn arn:aws:iam::<account>:role/CloudTrailToCloudWatchLogs"
        ),
        terraform=(
            'resource "aws_cloudwatch_log_group" "trail" {\n'
            '  name              = "aws-cloudtrail-logs-org"\n'
            "  retention_in_days = 365\n"
            "}\n"
            "\n"
            'resource "aws_cloudtrail" "org" {\n'
            '  name                       = "org-trail"\n'
            "  s3_bucket_name             = aws_s3_bucket.log_archive.id\n"
            '  cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.trail.arn}:*"\n'
            "  cloud_watch_logs_role_arn  = aws_iam_role.cloudtrail_to_logs.arn\n"
            "}"
        ),
    ),
    inputs=(
        Input(service="cloudtrail", operation="DescribeTrails"),
        Input(service="cloudtrail", operation="GetTrailStatus"),
    ),
    # Same check as Security Hub CSPM CloudTrail.5; Prowler cloudtrail_cloudwatch_logging_enabled. NIST from
    # Security Hub's related requirements. See docs/mappings.md.
    mappings=Mappings(
        fsbp=("CloudTrail.5",),
        nist=(
            "AC-2(4)",
            "AC-4(26)",
            "AC-6(9)",
            "AU-10",
            "AU-12",
            "AU-2",
            "AU-3",
            "AU-6(1)",
            "AU-6(3)",
            "AU-6(4)",
            "AU-6(5)",
            "AU-7(1)",
            "CA-7",
            "SC-7(9)",
            "SI-20",
            "SI-3(8)",
            "SI-4(20)",
            "SI-4(5)",
            "SI-7(8)",
        ),
    ),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    for trail in all_trails(ctx):
        group = trail.cloudwatch_logs_log_group_arn
        values = {"CloudWatchLogsLogGroupArn": group, "CloudWatchLogsRoleArn": trail.cloudwatch_logs_role_arn}
        if not group and not home_listed(ctx, trail):
            yield trail_result(ctx, CONTROL, trail, NOT_ASSESSED, shadow_only_reason(trail))
            continue
        if not group:
            yield trail_result(
                ctx,
                CONTROL,
                trail,
                FAIL,
                f"Trail {trail.name} does not deliver to CloudWatch Logs: no metric filter or alarm can watch it.",
                values=values,
            )
            continue
        if not trail.cloudwatch_logs_role_arn:
            yield trail_result(
                ctx,
                CONTROL,
                trail,
                FAIL,
                f"Trail {trail.name} names log group {group} but no role for CloudTrail to deliver with.",
                values=values,
            )
            continue
        # The status is only read where the trail lives; a missing status does not undo the
        # configuration, it only hides a delivery error (GetTrailStatus, LatestCloudWatchLogsDeliveryError).
        status = trail.status if trail.status_coverage.answered else None
        error = status.latest_cloudwatch_logs_delivery_error if status else None
        if error:
            yield trail_result(
                ctx,
                CONTROL,
                trail,
                FAIL,
                f"Trail {trail.name} is configured for {group} but its last delivery failed: {error}.",
                values={**values, "LatestCloudWatchLogsDeliveryError": error},
            )
            continue
        note = "" if status else f" (its delivery status was not collected: {trail.status_coverage.reason})"
        yield trail_result(
            ctx, CONTROL, trail, PASS, f"Trail {trail.name} delivers to {group}{note}.", values=values
        )
