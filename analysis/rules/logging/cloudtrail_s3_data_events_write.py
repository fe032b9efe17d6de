"""Each account is recorded by a multi-region trail logging S3 object-level write events for all buckets."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from analysis.rules.base import MEDIUM, Control, Input, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.logging._common import TrailIndex, account_verdict, judge_s3_data_events

CONTROL = Control(
    id="cloudtrail_s3_data_events_write",
    title="S3 object-level write events are logged in every account",
    severity=MEDIUM,
    practice="monitoring",
    service="cloudtrail",
    scope="account",
    rationale=(
        "Management events record changes to buckets, not what happens to the objects in them. "
        "Object-level write calls (PutObject, DeleteObject, CopyObject) are data events, which trails "
        "do not log unless asked; without them an overwritten or deleted object cannot be attributed. A multi-region trail "
        "with an S3 data event selector for all buckets (an organization trail covers every account) "
        "closes that gap; mind the volume and cost."
    ),
    remediation=Remediation(
        console=(
            "CloudTrail > Trails > the organization (or multi-region) trail > Data events > Edit > Add data "
            "event type: S3, log selector template 'Log all events' (or the write events only) for all "
            "current and future buckets > Save changes."
        ),
        cli=(
            "aws cloudtrail put-event-selectors --trail-name <trail> --advanced-event-selectors "
            '\'[{"Name":"Management","FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]}]},'
            '{"Name":"S3 writes","FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},'
            '{"Field":"resources.type","Equals":["AWS::S3::Object"]},'
            '{"Field":"readOnly","Equals":["false"]}]}]\''
        ),
        terraform=(
            'resource "aws_cloudtrail" "org" {\n'
            '  name                  = "org-trail"\n'
            "  s3_bucket_name        = aws_s3_bucket.log_archive.id\n"
            "  is_multi_region_trail = true\n"
            "\n"
            "  event_selector {\n"
            '    read_write_type           = "All"  # or "WriteOnly"\n'
            "    include_management_events = true\n"
            "    data_resource {\n"
            '      type   = "AWS::S3::Object"\n'
            '      values = ["arn:aws:s3"]\n'
            "    }\n"
            "  }\n"
            "}"
        ),
    ),
    inputs=(
        Input(service="cloudtrail", operation="DescribeTrails"),
        Input(service="cloudtrail", operation="GetTrailStatus"),
        Input(service="cloudtrail", operation="GetEventSelectors"),
    ),
    # Same check as Security Hub CSPM S3.22 (S3.22: not in the FSBP standard); Prowler
    # cloudtrail_s3_dataevents_write_enabled. NIST from Prowler's NIST 800-53 Rev. 5 file (Security Hub lists
    # none). See docs/mappings.md.
    mappings=Mappings(
        cis=("3.8",),
        nist=(
            "AC-2(4)",
            "AC-3(1)",
            "AC-3(10)",
            "AC-4(26)",
            "AC-6(9)",
            "AU-2",
            "AU-3",
            "AU-6(3)",
            "AU-6(4)",
            "AU-6(6)",
            "AU-6(9)",
            "AU-8",
            "AU-10",
            "AU-12",
            "AU-12(1)",
            "AU-12(2)",
            "AU-12(3)",
            "AU-12(4)",
            "AU-14",
            "AU-14(3)",
            "CA-7",
            "CM-5(1)",
            "CM-6",
            "CM-9",
            "IA-3(3)",
            "MA-4(1)",
            "PM-14",
            "PM-31",
            "SC-7(9)",
            "SI-1(1)",
            "SI-3(8)",
            "SI-4(2)",
            "SI-4(17)",
            "SI-4(20)",
            "SI-7(8)",
            "SI-10(1)",
        ),
    ),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    index = TrailIndex.build(ctx)
    judge = partial(judge_s3_data_events, write=True)
    for account_id in ctx.account_ids:
        yield account_verdict(
            ctx,
            CONTROL,
            index,
            account_id,
            index.multi_region(account_id),
            judge,
            what="a logging multi-region trail with S3 object write events for all buckets",
            passed="S3 object write events are logged",
        )
