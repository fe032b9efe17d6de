"""Every trail is actually logging (GetTrailStatus IsLogging) and delivering without errors."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, HIGH, NOT_ASSESSED, PASS, Control, Input, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.logging._common import all_trails, trail_result

CONTROL = Control(
    id="cloudtrail_trail_logging",
    title="Each trail is logging and delivering its log files",
    severity=HIGH,
    practice="monitoring",
    service="cloudtrail",
    scope="resource",
    rationale=(
        "A trail's configuration says nothing about whether it runs: StopLogging (or never calling "
        "StartLogging) leaves a perfectly configured trail that records nothing, and stopping the trail "
        "is one of the first things an intruder tries. A trail that logs but cannot write to its bucket "
        "(bucket policy, KMS key policy) loses its events just the same."
    ),
    remediation=Remediation(
        console=(
            "CloudTrail > Trails > the trail > Start logging. If the trail shows a delivery error, fix the "
            "bucket policy (cloudtrail.amazonaws.com needs s3:GetBucketAcl and s3:PutObject) or the KMS "
            "key policy. Protect it with an SCP denying cloudtrail:StopLogging and DeleteTrail."
        ),
        cli=(
            "aws cloudtrail get-trail-status --name <trail-arn>\n"
            "aws cloudtrail start-logging --name <trail-arn>"
        ),
        terraform=(
            'resource "aws_cloudtrail" "org" {\n'
            '  name           = "org-trail"\n'
            "  s3_bucket_name = aws_s3_bucket.log_archive.id\n"
            "  enable_logging = true\n"
            "}"
        ),
    ),
    inputs=(
        Input(service="cloudtrail", operation="DescribeTrails"),
        Input(service="cloudtrail", operation="GetTrailStatus"),
    ),
    # Same check as Security Hub CSPM CloudTrail.3 (CloudTrail.3: not in the FSBP standard). Neither source
    # lists a NIST 800-53 control. See docs/mappings.md.
    mappings=Mappings(),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    for trail in all_trails(ctx):
        status = trail.status
        if not trail.status_coverage.answered or status is None or status.is_logging is None:
            reason = trail.status_coverage.reason if not trail.status_coverage.answered else "no IsLogging"
            yield trail_result(
                ctx,
                CONTROL,
                trail,
                NOT_ASSESSED,
                f"the trail's status was not collected ({reason})",
                call_ids=trail.status_coverage.call_ids,
            )
            continue
        values: dict[str, object] = {
            "IsLogging": status.is_logging,
            "LatestDeliveryError": status.latest_delivery_error,
            "StopLoggingTime": status.stop_logging_time,
        }
        if not status.is_logging:
            stopped = (
                f" (stopped {status.stop_logging_time})" if status.stop_logging_time else " (never started)"
            )
            yield trail_result(
                ctx,
                CONTROL,
                trail,
                FAIL,
                f"Trail {trail.name} exists but is not logging{stopped}.",
                values=values,
            )
        elif status.latest_delivery_error:
            yield trail_result(
                ctx,
                CONTROL,
                trail,
                FAIL,
                f"Trail {trail.name} is logging but cannot deliver its log files: {status.latest_delivery_error}.",
                values=values,
            )
        else:
            yield trail_result(ctx, CONTROL, trail, PASS, f"Trail {trail.name} is logging.", values=values)
