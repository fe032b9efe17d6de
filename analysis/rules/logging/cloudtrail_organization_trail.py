"""An organization trail, multi-region and logging all management events, records every account."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, HIGH, NOT_ASSESSED, PASS, Control, Input, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.logging._common import TrailIndex, describe, judge_active, organization_result, trail_ids

CONTROL = Control(
    id="cloudtrail_organization_trail",
    title="An organization trail records every account of the organization",
    severity=HIGH,
    practice="monitoring",
    service="cloudtrail",
    scope="organization",
    rationale=(
        "The multi-account white paper asks for API activity to be logged across all accounts into "
        "one place. An organization trail, owned by the management account, is applied by AWS to "
        "every current and future member account and cannot be stopped or deleted from a member "
        "account, so a new account is never left unrecorded and a compromised workload account "
        "cannot switch its own logging off. Per-account trails leave gaps whenever an account is "
        "created or a team changes its trail."
    ),
    remediation=Remediation(
        console=(
            "Sign in to the management account (or the CloudTrail delegated administrator), open "
            "CloudTrail > Trails > Create trail, tick 'Enable for all accounts in my organization', keep "
            "it multi-region, deliver to the log archive account's bucket and record read and write "
            "management events."
        ),
        cli=(
            "aws organizations enable-aws-service-access --service-principal cloudtrail.amazonaws.com\n"
            "aws cloudtrail create-trail --name org-trail --s3-bucket-name <log-archive-bucket> "
            "--is-organization-trail --is-multi-region-trail --enable-log-file-validation "
            "--kms-key-id <key-arn>\n"
            "aws cloudtrail start-logging --name org-trail"
        ),
        terraform=(
            'resource "aws_cloudtrail" "org" {\n'
            '  name                  = "org-trail"\n'
            "  s3_bucket_name        = aws_s3_bucket.log_archive.id\n"
            "  is_organization_trail = true\n"
            "  is_multi_region_trail = true\n"
            "  enable_log_file_validation = true\n"
            "  kms_key_id            = aws_kms_key.cloudtrail.arn\n"
            "}"
        ),
    ),
    inputs=(
        Input(service="cloudtrail", operation="DescribeTrails"),
        Input(service="cloudtrail", operation="GetTrailStatus"),
        Input(service="cloudtrail", operation="GetEventSelectors"),
    ),
    # Neither Prowler nor Security Hub CSPM has a check of this meaning: no framework mapping. See
    # docs/mappings.md.
    mappings=Mappings(),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    index = TrailIndex.build(ctx)
    problems: list[str] = []
    unknowns: list[str] = []
    ids: list[int] = []
    for trail in index.org_trails:
        judgement = judge_active(trail)
        ids.extend(trail_ids(ctx, trail))
        if judgement.ok:
            yield organization_result(
                ctx,
                CONTROL,
                PASS,
                f"The {describe(trail)} records every account of the organization, in every region, "
                "with all read and write management events.",
                call_ids=trail_ids(ctx, trail),
                values={"trail": trail.arn, "s3_bucket": trail.s3_bucket or ""},
            )
            return
        if judgement.problems:
            problems.append(f"the {describe(trail)} " + "; ".join(judgement.problems))
        else:
            unknowns.append(f"the {describe(trail)}: " + "; ".join(judgement.unknowns))
    if unknowns:
        yield organization_result(
            ctx,
            CONTROL,
            NOT_ASSESSED,
            "an organization trail's state is unknown: " + " / ".join(unknowns),
            call_ids=ids,
        )
        return
    management = ctx.inventory.organization.management_account_id
    listing = index.listing(management) if management else None
    if listing is None or not listing.answered:
        why = listing.reason if listing else "the organization's management account is not known"
        yield organization_result(
            ctx,
            CONTROL,
            NOT_ASSESSED,
            f"the management account's trails could not be listed ({why})",
            call_ids=(*ids, *(listing.call_ids if listing else ())),
        )
        return
    message = (
        "The organization trail does not meet it: " + " / ".join(problems) + "."
        if problems
        else "There is no organization trail: each account depends on its own trails, and new accounts "
        "start unrecorded."
    )
    yield organization_result(ctx, CONTROL, FAIL, message, call_ids=(*ids, *listing.call_ids))
