"""Per-trail CloudTrail controls: logging, management events, validation, KMS, CloudWatch Logs.

CloudTrail API reference: Trail (LogFileValidationEnabled; KmsKeyId absent when the trail has
no SSE-KMS; CloudWatchLogsLogGroupArn/RoleArn), GetTrailStatus (IsLogging, LatestDeliveryError,
LatestCloudWatchLogsDeliveryError), EventSelector (ReadWriteType, ExcludeManagementEventSources).
Each trail is judged once, under its owner account and home region, not once per shadow listing.
"""

from __future__ import annotations

from pathlib import Path

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS, Result
from analysis.rules.logging import (
    cloudtrail_cloudwatch_logs,
    cloudtrail_kms_encryption,
    cloudtrail_log_file_validation,
    cloudtrail_management_events,
    cloudtrail_trail_logging,
)
from tests.analysis.rules.builders import run_control
from tests.analysis.rules.logging.calls import EU, TrailSpec, org_trail, trail_calls


def _by_trail(results: list[Result]) -> dict[str, Result]:
    out: dict[str, Result] = {}
    for r in results:
        assert r.resource_id not in out, f"trail {r.resource_id} judged twice"
        out[r.resource_id] = r
    return out


def test_trail_logging(tmp_path: Path) -> None:
    specs = [
        org_trail(),
        TrailSpec(
            account="555555555555",
            name="stopped",
            logging=False,
            extra_status={"StopLoggingTime": "2026-01-02T00:00:00Z"},
        ),
        TrailSpec(
            account="666666666666", name="undeliverable", extra_status={"LatestDeliveryError": "AccessDenied"}
        ),
        TrailSpec(account="444444444444", name="hidden", status_denied=True),
    ]
    results = _by_trail(run_control(tmp_path, cloudtrail_trail_logging, trail_calls(specs)))
    assert results["org-trail"].status == PASS
    assert results["org-trail"].account_id == "111111111111" and results["org-trail"].region == "us-east-1"
    assert results["stopped"].status == FAIL and "stopped 2026-01-02" in results["stopped"].message
    assert results["undeliverable"].status == FAIL and "AccessDenied" in results["undeliverable"].message
    assert results["hidden"].status == NOT_ASSESSED and "AccessDenied" in results["hidden"].message
    assert results["stopped"].evidence.values["IsLogging"] is False


def test_management_events(tmp_path: Path) -> None:
    specs = [
        org_trail(),
        TrailSpec(
            account="555555555555",
            name="reads",
            selectors=({"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True},),
        ),
        TrailSpec(
            account="666666666666",
            name="data-only",
            selectors=({"ReadWriteType": "All", "IncludeManagementEvents": False},),
        ),
        TrailSpec(
            account="333333333333",
            name="advanced",
            advanced=[
                {
                    "Name": "mgmt",
                    "FieldSelectors": [
                        {"Field": "eventCategory", "Equals": ["Management"]},
                        {"Field": "eventSource", "NotEquals": ["rdsdata.amazonaws.com"]},
                    ],
                }
            ],
        ),
        TrailSpec(account="444444444444", name="hidden", selectors_denied=True),
    ]
    results = _by_trail(run_control(tmp_path, cloudtrail_management_events, trail_calls(specs)))
    assert results["org-trail"].status == PASS
    assert results["reads"].status == FAIL and "ReadOnly" in results["reads"].message
    assert results["data-only"].status == FAIL and "Nothing" in results["data-only"].message
    assert results["advanced"].status == FAIL and "rdsdata.amazonaws.com" in results["advanced"].message
    assert results["hidden"].status == NOT_ASSESSED


def test_log_file_validation_and_kms(tmp_path: Path) -> None:
    specs = [
        org_trail(),
        TrailSpec(account="555555555555", name="plain", home=EU, validation=False, kms=None),
    ]
    calls = trail_calls(specs)
    validation = _by_trail(run_control(tmp_path, cloudtrail_log_file_validation, calls, name="v"))
    kms = _by_trail(run_control(tmp_path, cloudtrail_kms_encryption, calls, name="k"))
    assert validation["org-trail"].status == PASS and kms["org-trail"].status == PASS
    assert validation["plain"].status == FAIL and validation["plain"].region == EU
    assert kms["plain"].status == FAIL and kms["plain"].evidence.values == {"KmsKeyId": None}
    assert len(validation) == 2, "the multi-region trail listed in both regions is judged once"


def test_log_file_validation_not_assessed_when_listing_omits_it(tmp_path: Path) -> None:
    calls = trail_calls([TrailSpec(account="555555555555", name="terse")])
    for call in calls:  # a listing without the field (as some terse shadow entries are)
        for page in call.pages:
            for item in page.get("trailList", []):
                item.pop("LogFileValidationEnabled", None)
    [r] = run_control(tmp_path, cloudtrail_log_file_validation, calls)
    assert r.status == NOT_ASSESSED and "LogFileValidationEnabled" in r.message


def test_cloudwatch_logs_delivery(tmp_path: Path) -> None:
    specs = [
        org_trail(),
        TrailSpec(account="555555555555", name="s3-only"),
        TrailSpec(
            account="666666666666",
            name="broken",
            log_group="broken-logs",
            extra_status={"LatestCloudWatchLogsDeliveryError": "AccessDeniedException"},
        ),
        TrailSpec(account="444444444444", name="statusless", log_group="g", status_denied=True),
    ]
    results = _by_trail(run_control(tmp_path, cloudtrail_cloudwatch_logs, trail_calls(specs)))
    assert results["org-trail"].status == PASS and "org-trail-logs" in results["org-trail"].message
    assert results["s3-only"].status == FAIL and "does not deliver" in results["s3-only"].message
    assert results["broken"].status == FAIL and "AccessDeniedException" in results["broken"].message
    # The configuration is known from the listing; only a delivery error could be missed.
    assert results["statusless"].status == PASS and "not collected" in results["statusless"].message


def test_per_trail_controls_say_nothing_without_trails(tmp_path: Path) -> None:
    # No trail at all is the account-level controls' finding, not a per-trail one.
    assert run_control(tmp_path, cloudtrail_kms_encryption, trail_calls([])) == []


def test_kms_and_log_group_not_assessed_when_known_only_from_shadow_listings(tmp_path: Path) -> None:
    # The home listing was refused: the trail is known from its other region's (shadow) listing,
    # where an absent KmsKeyId or log group proves nothing.
    spec = TrailSpec(account="555555555555", name="far", kms=None)
    calls = trail_calls([spec], denied=[("555555555555", "us-east-1")])
    [kms] = run_control(tmp_path, cloudtrail_kms_encryption, calls, name="k")
    [logs] = run_control(tmp_path, cloudtrail_cloudwatch_logs, calls, name="l")
    assert kms.status == NOT_ASSESSED and "shadow listings" in kms.message
    assert logs.status == NOT_ASSESSED and "shadow listings" in logs.message
