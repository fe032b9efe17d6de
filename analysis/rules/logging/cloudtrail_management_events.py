"""Every trail records all read and write management events, with no event source left out."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import (
    FAIL,
    MEDIUM,
    NOT_ASSESSED,
    PASS,
    Control,
    Input,
    Mappings,
    Remediation,
    Result,
)
from analysis.rules.context import AssessmentContext
from analysis.rules.logging._common import (
    all_trails,
    excluded_management_sources,
    management_events_problem,
    records_all_management_events,
    trail_result,
)

CONTROL = Control(
    id="cloudtrail_management_events",
    title="Trails record all read and write management events",
    severity=MEDIUM,
    practice="monitoring",
    service="cloudtrail",
    scope="resource",
    rationale=(
        "Management events are the control-plane calls: creating users, changing policies, opening "
        "security groups. Write events show what was changed; read events show reconnaissance (an "
        "intruder listing roles and buckets before acting). Leaving out an event source, such as KMS "
        "or the RDS Data API, removes exactly the calls that reveal decryption of data. A trail "
        "whose selectors keep only one kind, or none, is an audit trail with holes."
    ),
    remediation=Remediation(
        console=(
            "CloudTrail > Trails > the trail > Management events > Edit > API activity: Read and Write; "
            "clear 'Exclude AWS KMS events' and 'Exclude Amazon RDS Data API events' > Save changes."
        ),
        cli=(
            "aws cloudtrail put-event-selectors --trail-name <trail> --event-selectors "
            '\'[{"ReadWriteType":"All","IncludeManagementEvents":true,"ExcludeManagementEventSources":[]}]\''
        ),
        terraform=(
            'resource "aws_cloudtrail" "org" {\n'
            '  name           = "org-trail"\n'
            "  s3_bucket_name = aws_s3_bucket.log_archive.id\n"
            "\n"
            "  event_selector {\n"
            '    read_write_type                  = "All"\n'
            "    include_management_events        = true\n"
            "    exclude_management_event_sources = []\n"
            "  }\n"
            "}"
        ),
    ),
    inputs=(Input(service="cloudtrail", operation="GetEventSelectors"),),
    # Same check as Security Hub CSPM CloudTrail.1; Prowler
    # cloudtrail_multi_region_enabled_logging_management_events. NIST from Security Hub's related
    # requirements. See docs/mappings.md.
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
    for trail in all_trails(ctx):
        ok = records_all_management_events(trail)
        values = {
            "management_events": trail.management_events,
            "excluded_sources": list(excluded_management_sources(trail)),
        }
        if ok is None:
            yield trail_result(
                ctx,
                CONTROL,
                trail,
                NOT_ASSESSED,
                f"the trail's event selectors were not collected ({trail.selectors_coverage.reason})",
                call_ids=trail.selectors_coverage.call_ids,
            )
        elif ok:
            yield trail_result(
                ctx,
                CONTROL,
                trail,
                PASS,
                f"Trail {trail.name} records all read and write management events.",
                values=values,
            )
        else:
            yield trail_result(
                ctx,
                CONTROL,
                trail,
                FAIL,
                f"Trail {trail.name} {management_events_problem(trail)}.",
                values=values,
            )
