"""A metric filter and an alarm with an SNS action fire on S3 bucket policy changes (CIS 4.8)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import LOW, Control, Input, Mappings, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.logging._alarms import FilterSpec, alarm_remediation, evaluate_alarm_control

SPEC = FilterSpec(
    name="s3-bucket-policy-changes",
    what="S3 bucket policy, ACL, CORS, lifecycle and replication changes",
    terms=(),
    events=(
        "PutBucketAcl",
        "PutBucketPolicy",
        "PutBucketCors",
        "PutBucketLifecycle",
        "PutBucketReplication",
        "DeleteBucketPolicy",
        "DeleteBucketCors",
        "DeleteBucketLifecycle",
        "DeleteBucketReplication",
    ),
    event_source="s3.amazonaws.com",
    pattern="{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }",
)

CONTROL = Control(
    id="cloudwatch_alarm_s3_bucket_policy_changes",
    title="An alarm fires on S3 bucket policy changes",
    severity=LOW,
    practice="monitoring",
    service="cloudwatch",
    scope="account",
    rationale=(
        "Opening a bucket to everyone, replicating it to an outside account, or adding a lifecycle "
        "rule that expires its objects are all one API call on the bucket's configuration. "
        "Alerting on those calls shortens the time a bucket stays exposed, or data keeps flowing "
        "out, from whenever someone notices to minutes."
    ),
    remediation=alarm_remediation(SPEC),
    inputs=(
        Input(service="cloudtrail", operation="DescribeTrails"),
        Input(service="cloudtrail", operation="GetTrailStatus"),
        Input(service="cloudtrail", operation="GetEventSelectors"),
        Input(service="logs", operation="DescribeMetricFilters"),
        Input(service="cloudwatch", operation="DescribeAlarms"),
    ),
    # Same check as Security Hub CSPM CloudWatch.8 (CloudWatch.8: not in the FSBP standard); Prowler
    # cloudwatch_log_metric_filter_for_s3_bucket_policy_changes. Neither source lists a NIST 800-53 control.
    # See docs/mappings.md.
    mappings=Mappings(cis=("4.8",)),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    return evaluate_alarm_control(ctx, CONTROL, SPEC)
