"""GuardDuty is administered by a delegated administrator that auto-enables every member account."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

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
from analysis.rules.detection._common import make

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
    inputs=(Input(service="guardduty", operation="DescribeOrganizationConfiguration"),),
    # NIST: ours (system monitoring across the organization, automated account management).
    mappings=Mappings(nist=("SI-4", "CA-7")),
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
        detectors = sorted(
            (d for d in det.detectors.values() if d.account_id == admin), key=lambda d: d.region
        )
        if not detectors:
            yield make(
                ctx,
                CONTROL,
                FAIL if ctx.regions(admin) else NOT_ASSESSED,
                f"the delegated administrator {admin} has no detector in any collected region",
                account_id=admin,
            )
        for d in detectors:
            kw: dict[str, Any] = {
                "account_id": admin,
                "region": d.region,
                "resource_arn": d.arn,
                "resource_id": d.detector_id,
                "call_ids": d.call_ids,
                "values": {"AutoEnableOrganizationMembers": d.org_auto_enable_members},
            }
            if not d.org_coverage.answered:
                yield make(
                    ctx,
                    CONTROL,
                    NOT_ASSESSED,
                    f"the organization configuration was not collected ({d.org_coverage.reason})",
                    **kw,
                )
            elif d.org_auto_enable_members == "ALL":
                yield make(
                    ctx, CONTROL, PASS, f"GuardDuty auto-enables all member accounts in {d.region}.", **kw
                )
            else:
                yield make(
                    ctx,
                    CONTROL,
                    FAIL,
                    f"GuardDuty auto-enable in {d.region} is "
                    f"{d.org_auto_enable_members or 'NONE'}: existing or new members are left out.",
                    **kw,
                )
