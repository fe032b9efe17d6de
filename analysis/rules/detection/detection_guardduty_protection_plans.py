"""Every enabled GuardDuty detector has its protection plans (S3, EKS, malware, RDS, runtime...) on."""

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
from analysis.rules.detection._common import detector_subject, make, region_listings

PLANS = {
    "S3_DATA_EVENTS": "S3 Protection",
    "EKS_AUDIT_LOGS": "EKS Audit Log Monitoring",
    "EBS_MALWARE_PROTECTION": "Malware Protection for EC2",
    "RDS_LOGIN_EVENTS": "RDS Protection",
    "LAMBDA_NETWORK_LOGS": "Lambda Protection",
    "RUNTIME_MONITORING": "Runtime Monitoring",
}

CONTROL = Control(
    id="detection_guardduty_protection_plans",
    title="GuardDuty protection plans are enabled",
    severity=MEDIUM,
    practice="monitoring",
    service="guardduty",
    scope="resource",
    rationale=(
        "A detector's foundational sources do not see S3 object access, Kubernetes audit logs, malware "
        "on EBS volumes, database logins or Lambda network activity: each is a protection plan turned "
        "on per detector. A plan reported DISABLED is an attack surface GuardDuty does not watch. Only "
        "the plans the detector reports are judged."
    ),
    remediation=Remediation(
        console="GuardDuty > Protection plans > enable S3 Protection, EKS Protection, Malware Protection, "
        "RDS Protection, Lambda Protection and Runtime Monitoring (for all accounts, from the administrator).",
        cli="aws guardduty update-detector --detector-id <id> --features "
        "Name=S3_DATA_EVENTS,Status=ENABLED Name=EKS_AUDIT_LOGS,Status=ENABLED "
        "Name=EBS_MALWARE_PROTECTION,Status=ENABLED",
        terraform=(
            'resource "aws_guardduty_detector_feature" "s3" {\n'
            "  detector_id = aws_guardduty_detector.this.id\n"
            '  name        = "S3_DATA_EVENTS"\n'
            '  status      = "ENABLED"\n'
            "}"
        ),
    ),
    inputs=(
        Input(service="guardduty", operation="ListDetectors"),
        Input(service="guardduty", operation="GetDetector"),
    ),
    # Same check as Security Hub CSPM GuardDuty.5, GuardDuty.6, GuardDuty.8, GuardDuty.9, GuardDuty.10,
    # GuardDuty.11; Prowler guardduty_s3_protection_enabled, guardduty_eks_audit_log_enabled,
    # guardduty_ec2_malware_protection_enabled, guardduty_rds_protection_enabled,
    # guardduty_lambda_protection_enabled, guardduty_runtime_monitoring_enabled. Neither source lists a NIST
    # 800-53 control. See docs/mappings.md.
    mappings=Mappings(
        fsbp=("GuardDuty.5", "GuardDuty.6", "GuardDuty.8", "GuardDuty.9", "GuardDuty.10", "GuardDuty.11")
    ),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    det = ctx.inventory.detection
    # Where the detectors could not be listed (denied, region not collected, account unreachable)
    # nothing is known about their plans: NOT_ASSESSED there, never silence.
    for _account_id, _region, listing in region_listings(
        ctx, CONTROL, det.guardduty_regions, "guardduty", "ListDetectors"
    ):
        if isinstance(listing, Result):
            yield listing
            continue
        for arn in sorted(listing.arns):
            d = det.detectors.get(arn)
            if d is not None:
                yield from _judge(ctx, d)


def _judge(ctx: AssessmentContext, d: Any) -> Iterator[Result]:
    if d.status == "DISABLED":
        return  # a suspended detector is detection_guardduty_enabled's finding
    kw = detector_subject(d)
    if not d.detector_coverage.answered or d.status is None:
        yield make(
            ctx, CONTROL, NOT_ASSESSED, f"GetDetector was not answered ({d.detector_coverage.reason})", **kw
        )
        return
    reported = {f.name: f.status for f in d.features if f.name in PLANS}
    if not reported:
        yield make(ctx, CONTROL, NOT_ASSESSED, "GetDetector reported no protection plan features", **kw)
        return
    off = [PLANS[n] for n, s in reported.items() if s != "ENABLED"]
    if off:
        yield make(
            ctx,
            CONTROL,
            FAIL,
            f"Detector {d.detector_id} in {d.region} has disabled: {', '.join(off)}.",
            values=reported,
            **kw,
        )
    else:
        yield make(
            ctx,
            CONTROL,
            PASS,
            "Enabled: " + ", ".join(PLANS[n] for n in reported) + ".",
            values=reported,
            **kw,
        )
