"""GuardDuty is administered by a delegated administrator that auto-enables every member account."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from analysis.model.detection import Detector
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
from analysis.rules.detection._common import detector_subject, make, unreached_reason

CONTROL = Control(
    id="detection_guardduty_org_auto_enable",
    title="GuardDuty auto-enables every organization member from a delegated administrator",
    severity=MEDIUM,
    practice="monitoring",
    service="guardduty",
    scope="region",
    rationale=(
        "Enabling GuardDuty account by account leaves every new account unprotected until someone "
        "remembers it. The delegated administrator's organization configuration with "
        "AutoEnableOrganizationMembers ALL turns it on in every existing and new member account of "
        "the region, and sends their findings to the security account."
    ),
    remediation=Remediation(
        console="In the GuardDuty delegated administrator, each region: GuardDuty > Accounts > "
        "Auto-enable GuardDuty > For all accounts.",
        cli="aws guardduty update-organization-configuration --detector-id <id> --auto-enable-organization-members ALL",
        terraform=(
            'resource "aws_guardduty_organization_configuration" "this" {\n'
            '  auto_enable_organization_members = "ALL"\n'
            "  detector_id                      = aws_guardduty_detector.this.id\n"
            "}"
        ),
    ),
    inputs=(
        Input(service="guardduty", operation="ListOrganizationAdminAccounts"),
        Input(service="guardduty", operation="ListDetectors"),
        Input(service="guardduty", operation="DescribeOrganizationConfiguration"),
    ),
    # Same check as Prowler guardduty_delegated_admin_enabled_all_regions. Neither source lists a NIST 800-53
    # control. See docs/mappings.md.
    mappings=Mappings(),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    det = ctx.inventory.detection
    admins = sorted({a.account_id for a in det.guardduty_admins if a.status == "ENABLED"})
    org = ctx.inventory.organization
    admins = admins or sorted(
        a.account_id for a in org.delegated_admins.values() if "guardduty.amazonaws.com" in a.services
    )
    if not admins:
        listings = [s for s in det.guardduty_admin_coverage.values()]
        if listings and all(s.answered for s in listings):
            ids = [i for s in listings for i in s.call_ids]
            yield make(
                ctx,
                CONTROL,
                FAIL,
                "No GuardDuty delegated administrator: GuardDuty is not managed organization-wide.",
                account_id="",
                call_ids=ids,
            )
        else:
            reason = next(
                (s.reason for s in listings if not s.answered),
                "ListOrganizationAdminAccounts was not collected",
            )
            yield make(
                ctx,
                CONTROL,
                NOT_ASSESSED,
                f"the GuardDuty administrator is unknown ({reason})",
                account_id="",
            )
        return
    for admin in admins:
        regions = ctx.regions(admin)
        if not regions:
            yield make(
                ctx,
                CONTROL,
                NOT_ASSESSED,
                unreached_reason(ctx, admin, "guardduty", "ListDetectors"),
                account_id=admin,
            )
            continue
        # The organization configuration is per region: each collected region of the administrator
        # gets a result, and a region whose detectors could not be listed is not judged.
        for region in regions:
            detectors = sorted(
                (d for d in det.detectors.values() if d.account_id == admin and d.region == region),
                key=lambda d: d.arn,
            )
            if not detectors:
                yield _no_detector(ctx, admin, region)
            for d in detectors:
                yield _judge(ctx, d)


def _no_detector(ctx: AssessmentContext, admin: str, region: str) -> Result:
    listing = ctx.inventory.detection.guardduty_regions.get((admin, region))
    state = (
        listing.coverage
        if listing is not None
        else ctx.inventory.coverage.state(
            account_id=admin, region=region, service="guardduty", operation="ListDetectors"
        )
    )
    if not state.answered:
        return make(
            ctx,
            CONTROL,
            NOT_ASSESSED,
            f"the delegated administrator's detectors in {region} are unknown ({state.reason})",
            account_id=admin,
            region=region,
            call_ids=state.call_ids,
        )
    return make(
        ctx,
        CONTROL,
        FAIL,
        f"The delegated administrator {admin} has no detector in {region}: no organization "
        "configuration enables GuardDuty for the members there.",
        account_id=admin,
        region=region,
        call_ids=state.call_ids,
    )


def _judge(ctx: AssessmentContext, d: Detector) -> Result:
    kw: dict[str, Any] = {
        **detector_subject(d),
        "values": {"AutoEnableOrganizationMembers": d.org_auto_enable_members},
    }
    if not d.org_coverage.answered:
        return make(
            ctx,
            CONTROL,
            NOT_ASSESSED,
            f"the organization configuration was not collected ({d.org_coverage.reason})",
            **kw,
        )
    if d.org_auto_enable_members == "ALL":
        return make(ctx, CONTROL, PASS, f"GuardDuty auto-enables all member accounts in {d.region}.", **kw)
    return make(
        ctx,
        CONTROL,
        FAIL,
        f"GuardDuty auto-enable in {d.region} is "
        f"{d.org_auto_enable_members or 'NONE'}: existing or new members are left out.",
        **kw,
    )
