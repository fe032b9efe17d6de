"""Account- and organization-level CloudTrail controls.

Expectations follow the CloudTrail User Guide: "Creating a trail for an organization" (an
organization trail logs every member account and appears in each as a shadow trail),
"Working with multiple Regions" (a multi-region trail records every region), "Logging
management events" (ReadWriteType All; ExcludeManagementEventSources), "Logging data events"
(S3 object events for all buckets: value ``arn:aws:s3`` in basic selectors, or an advanced
selector on resources.type AWS::S3::Object), and the API reference, GetTrailStatus (IsLogging).
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS
from analysis.rules.logging import (
    cloudtrail_multi_region_trail,
    cloudtrail_organization_trail,
    cloudtrail_s3_data_events_read,
    cloudtrail_s3_data_events_write,
)
from tests.analysis.rules.builders import ACCOUNTS, UNREACHABLE, by_account, run_control
from tests.analysis.rules.logging.calls import (
    EU,
    MGMT,
    US,
    TrailSpec,
    org_trail,
    trail_calls,
)

WORKLOAD = "555555555555"


def test_multi_region_trail_organization_trail_covers_every_member(tmp_path: Path) -> None:
    results = by_account(run_control(tmp_path, cloudtrail_multi_region_trail, trail_calls([org_trail()])))
    for account in (*ACCOUNTS, UNREACHABLE):
        [r] = results[account]
        assert r.status == PASS, (account, r.message)
        assert "org-trail" in r.message and r.evidence.call_ids
    # The unreachable member is covered by the organization trail read in the management account.
    assert results[UNREACHABLE][0].evidence.values == {"trail": org_trail().arn}


def test_multi_region_trail_fail_single_region_stopped_and_write_only(tmp_path: Path) -> None:
    specs = [
        TrailSpec(account=WORKLOAD, name="regional", multi=False),
        TrailSpec(account="666666666666", name="stopped", logging=False),
        TrailSpec(
            account="444444444444",
            name="writes",
            selectors=({"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True},),
        ),
        TrailSpec(
            account="333333333333",
            name="nokms",
            selectors=(
                {
                    "ReadWriteType": "All",
                    "IncludeManagementEvents": True,
                    "ExcludeManagementEventSources": ["kms.amazonaws.com"],
                },
            ),
        ),
        TrailSpec(account="222222222222", name="good"),
    ]
    results = by_account(run_control(tmp_path, cloudtrail_multi_region_trail, trail_calls(specs)))
    assert [r.status for r in results["222222222222"]] == [PASS]
    [regional] = results[WORKLOAD]
    assert regional.status == FAIL and "No multi-region trail records this account" in regional.message
    [stopped] = results["666666666666"]
    assert stopped.status == FAIL and "is not logging" in stopped.message
    [writes] = results["444444444444"]
    assert writes.status == FAIL and "WriteOnly" in writes.message
    [nokms] = results["333333333333"]
    assert nokms.status == FAIL and "kms.amazonaws.com" in nokms.message
    [nothing] = results[MGMT]
    assert nothing.status == FAIL


def test_multi_region_trail_not_assessed_when_denied_or_unknown(tmp_path: Path) -> None:
    specs = [TrailSpec(account="222222222222", name="statusless", status_denied=True)]
    denied = [(WORKLOAD, US), (WORKLOAD, EU)]
    results = by_account(
        run_control(tmp_path, cloudtrail_multi_region_trail, trail_calls(specs, denied=denied))
    )
    [listing] = results[WORKLOAD]
    assert listing.status == NOT_ASSESSED and "could not be listed" in listing.message
    assert "AccessDenied" in listing.message
    [status] = results["222222222222"]
    assert status.status == NOT_ASSESSED and "logging status was not collected" in status.message
    [unreachable] = results[UNREACHABLE]
    assert unreachable.status == NOT_ASSESSED and "could not be collected" in unreachable.message
    # One region answered is enough: a multi-region trail is listed in every region.
    partly = by_account(
        run_control(
            tmp_path, cloudtrail_multi_region_trail, trail_calls([], denied=[(WORKLOAD, US)]), name="part"
        )
    )
    assert [r.status for r in partly[WORKLOAD]] == [FAIL]


def test_organization_trail_pass_fail_not_assessed(tmp_path: Path) -> None:
    [ok] = run_control(tmp_path, cloudtrail_organization_trail, trail_calls([org_trail()]), name="ok")
    assert ok.status == PASS and ok.account_id == "" and ok.resource_id == "o-ab12cd34ef"

    per_account = [TrailSpec(account=a, name="local") for a in ACCOUNTS]
    [none] = run_control(tmp_path, cloudtrail_organization_trail, trail_calls(per_account), name="none")
    assert none.status == FAIL and "no organization trail" in none.message

    stopped = [org_trail(logging=False)]
    [bad] = run_control(tmp_path, cloudtrail_organization_trail, trail_calls(stopped), name="stopped")
    assert bad.status == FAIL and "not logging" in bad.message

    denied = trail_calls([], denied=[(MGMT, US), (MGMT, EU)])
    [unknown] = run_control(tmp_path, cloudtrail_organization_trail, denied, name="denied")
    assert (
        unknown.status == NOT_ASSESSED
        and "management account's trails could not be listed" in unknown.message
    )


S3_ALL = {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}


def test_s3_data_events_basic_selectors(tmp_path: Path) -> None:
    specs = [
        org_trail(
            selectors=(
                {"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True, "DataResources": [S3_ALL]},
            )
        ),
    ]
    calls = trail_calls(specs)
    writes = by_account(run_control(tmp_path, cloudtrail_s3_data_events_write, calls, name="w"))
    reads = by_account(run_control(tmp_path, cloudtrail_s3_data_events_read, calls, name="r"))
    assert {r.status for rs in writes.values() for r in rs} == {PASS}
    [read] = reads[WORKLOAD]
    assert read.status == FAIL and "S3 object read events" in read.message


def test_s3_data_events_advanced_selectors_and_one_bucket_only(tmp_path: Path) -> None:
    reads_only = [
        {"Name": "mgmt", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]},
        {
            "Name": "s3 reads",
            "FieldSelectors": [
                {"Field": "eventCategory", "Equals": ["Data"]},
                {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                {"Field": "readOnly", "Equals": ["true"]},
            ],
        },
    ]
    one_bucket = (
        {
            "ReadWriteType": "All",
            "IncludeManagementEvents": True,
            "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::payroll/"]}],
        },
    )
    specs = [
        TrailSpec(account=WORKLOAD, name="reads", advanced=reads_only),
        TrailSpec(account="666666666666", name="payroll-only", selectors=one_bucket),
    ]
    calls = trail_calls(specs)
    reads = by_account(run_control(tmp_path, cloudtrail_s3_data_events_read, calls, name="r"))
    writes = by_account(run_control(tmp_path, cloudtrail_s3_data_events_write, calls, name="w"))
    assert [r.status for r in reads[WORKLOAD]] == [PASS]
    assert [r.status for r in writes[WORKLOAD]] == [FAIL]
    assert [r.status for r in reads["666666666666"]] == [FAIL], "one bucket is not all buckets"


@pytest.mark.parametrize("module", [cloudtrail_s3_data_events_write, cloudtrail_s3_data_events_read])
def test_s3_data_events_not_assessed_without_selectors(tmp_path: Path, module: ModuleType) -> None:
    calls = trail_calls([org_trail(selectors_denied=True)])
    results = by_account(run_control(tmp_path, module, calls))
    [r] = results[WORKLOAD]
    assert r.status == NOT_ASSESSED and "event selectors were not collected" in r.message
