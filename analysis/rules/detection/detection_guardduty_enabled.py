"""GuardDuty has an enabled detector in every collected account and region (GuardDuty.1)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from analysis.rules.base import FAIL, HIGH, NOT_ASSESSED, PASS, Control, Input, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.detection._common import make, region_listings

CONTROL = Control(
    id="detection_guardduty_enabled",
    title="GuardDuty is enabled in every account and region",
    severity=HIGH,
    practice="monitoring",
    service="guardduty",
    scope="region",
    rationale=(
        "GuardDuty is the organization's threat detection: it reads CloudTrail, VPC flow logs and DNS "
        "logs for credential misuse, crypto-mining and exfiltration. It works per account and region, "
        "and an intruder favours the region where nobody looks; AWS recommends enabling it in every "
        "supported region, including the ones not in use."
    ),
    remediation=Remediation(
        console=(
            "From the GuardDuty delegated administrator, in each region: GuardDuty > Accounts > "
            "Auto-enable for all accounts (ALL), and Add members for the existing ones."
        ),
        cli=(
            "aws guardduty create-detector --enable   # per account and region\n"
            "aws guardduty update-organization-configuration --detector-id <id> "
            "--auto-enable-organization-members ALL"
        ),
        terraform=('resource "aws_guardduty_detector" "this" {\n  enable = true\n}'),
    ),
    inputs=(
        Input(service="guardduty", operation="ListDetectors"),
        Input(service="guardduty", operation="GetDetector"),
    ),
    # Same check as Security Hub CSPM GuardDuty.1; Prowler guardduty_is_enabled. NIST from Security Hub's
    # related requirements. See docs/mappings.md.
    mappings=Mappings(
        fsbp=("GuardDuty.1",),
        nist=(
            "AC-2(12)",
            "AU-6(1)",
            "AU-6(5)",
            "CA-7",
            "CM-8(3)",
            "RA-3(4)",
            "SA-11(1)",
            "SA-11(6)",
            "SA-15(2)",
            "SA-15(8)",
            "SA-8(19)",
            "SA-8(21)",
            "SA-8(25)",
            "SC-5",
            "SC-5(1)",
            "SC-5(3)",
            "SI-20",
            "SI-3(8)",
            "SI-4",
            "SI-4(1)",
            "SI-4(13)",
            "SI-4(2)",
            "SI-4(22)",
            "SI-4(25)",
            "SI-4(4)",
            "SI-4(5)",
        ),
    ),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    det = ctx.inventory.detection
    for account_id, region, listing in region_listings(
        ctx, CONTROL, det.guardduty_regions, "guardduty", "ListDetectors"
    ):
        if isinstance(listing, Result):
            yield listing
            continue
        detectors = [det.detectors[a] for a in listing.arns if a in det.detectors]
        ids = [*listing.coverage.call_ids, *(i for d in detectors for i in d.call_ids)]
        enabled = [d for d in detectors if d.status == "ENABLED"]
        unknown = [d for d in detectors if d.status is None]
        kw: dict[str, Any] = {"account_id": account_id, "region": region, "call_ids": ids}
        if enabled:
            d = enabled[0]
            yield make(
                ctx,
                CONTROL,
                PASS,
                f"Detector {d.detector_id} is enabled in {region}.",
                resource_arn=d.arn,
                resource_id=d.detector_id,
                **kw,
            )
        elif unknown:
            d = unknown[0]
            yield make(
                ctx,
                CONTROL,
                NOT_ASSESSED,
                f"detector {d.detector_id}'s status was not collected ({d.detector_coverage.reason})",
                resource_arn=d.arn,
                resource_id=d.detector_id,
                **kw,
            )
        elif detectors:
            d = detectors[0]
            yield make(
                ctx,
                CONTROL,
                FAIL,
                f"Detector {d.detector_id} in {region} is suspended ({d.status}).",
                resource_arn=d.arn,
                resource_id=d.detector_id,
                **kw,
            )
        else:
            yield make(ctx, CONTROL, FAIL, f"No GuardDuty detector in {region}.", **kw)
