"""Every account is recorded by a multi-region trail that is logging all read and write management events."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import HIGH, Control, Input, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.logging._common import TrailIndex, account_verdict, judge_active

CONTROL = Control(
    id="cloudtrail_multi_region_trail",
    title="Each account is recorded by a multi-region trail logging all management events",
    severity=HIGH,
    practice="monitoring",
    service="cloudtrail",
    scope="account",
    rationale=(
        "CloudTrail is the record of who called which API, from where and when: without it an "
        "incident cannot be reconstructed and changes cannot be attributed. A trail that covers "
        "every region also catches activity in regions the organization does not use (a favourite "
        "hiding place) and the events of global services such as IAM; it must be logging and keep "
        "both read and write management events, with no event source left out. An organization "
        "trail from the management account satisfies this for every member account at once."
    ),
    remediation=Remediation(
        console=(
            "In the management account, open CloudTrail > Trails > Create trail, tick 'Enable for all "
            "accounts in my organization', keep the trail multi-region, choose the log archive bucket, "
            "and under Management events select Read and Write with no exclusions. On an existing trail, "
            "edit it to apply to all regions and start logging."
        ),
        cli=(
            "aws cloudtrail create-trail --name org-trail --s3-bucket-name <log-archive-bucket> "
            "--is-multi-region-trail --is-organization-trail --enable-log-file-validation\n"
            "aws cloudtrail put-event-selectors --trail-name org-trail "
            '--event-selectors \'[{"ReadWriteType":"All","IncludeManagementEvents":true}]\'\n'
            "aws cloudtrail start-logging --name org-trail"
        ),
        terraform=(
            'resource "aws_cloudtrail" "org" {\n'
            '  name                          = "org-trail"\n'
            "  s3_bucket_name                = aws_s3_bucket.log_archive.id\n"
            "  is_multi_region_trail         = true\n"
            "  is_organization_trail         = true\n"
            "  include_global_service_events = true\n"
            "  enable_logging                = true\n"
            "\n"
            "  event_selector {\n"
            '    read_write_type           = "All"\n'
            "    include_management_events = true\n"
            "  }\n"
            "}"
        ),
    ),
    inputs=(
        Input(service="cloudtrail", operation="DescribeTrails"),
        Input(service="cloudtrail", operation="GetTrailStatus"),
        Input(service="cloudtrail", operation="GetEventSelectors"),
    ),
    # Same check as Security Hub CSPM CloudTrail.1; Prowler cloudtrail_multi_region_enabled. NIST from
    # Security Hub's related requirements. See docs/mappings.md.
    mappings=Mappings(
        cis=("3.1",),
        fsbp=("CloudTrail.1",),
        nist=(
            "AC-2(4)",
            "AC-4(26)",
            "AC-6(9)",
            "AU-10",
            "AU-12",
            "AU-2",
            "AU-3",
            "AU-6(3)",
            "AU-6(4)",
            "AU-14(1)",
            "CA-7",
            "SC-7(9)",
            "SI-3(8)",
            "SI-4(20)",
            "SI-7(8)",
            "SA-8(22)",
        ),
    ),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    index = TrailIndex.build(ctx)
    for account_id in ctx.account_ids:
        yield account_verdict(
            ctx,
            CONTROL,
            index,
            account_id,
            index.multi_region(account_id),
            judge_active,
            what="a multi-region trail logging all read and write management events",
            passed="Recorded in every region with all read and write management events",
        )
