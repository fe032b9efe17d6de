"""AWS Config controls.

AWS Config Developer Guide: "Managing the configuration recorder" (one recorder per region;
DescribeConfigurationRecorderStatus ``recording`` and ``lastStatus``), "Selecting which
resources AWS Config records" (allSupported, includeGlobalResourceTypes, recordingStrategy,
exclusionByResourceTypes), "Managing the delivery channel" (a recorder needs one to start),
"Multi-account multi-region data aggregation" (OrganizationAggregationSource, AllAwsRegions;
created in the management account or by a delegated administrator).
"""

from __future__ import annotations

from pathlib import Path

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS, Result
from analysis.rules.logging import (
    config_delivery_channel,
    config_global_resources_recorded,
    config_organization_aggregator,
    config_recorder_enabled,
    config_records_all_resources,
)
from tests.analysis.model.builders import FakeCall
from tests.analysis.rules.builders import ACCOUNTS, UNREACHABLE, by_account, run_control
from tests.analysis.rules.logging.calls import EU, MGMT, SECURITY, US, config_calls, org_aggregator, recorder

WORKLOAD = "555555555555"


def _everywhere_empty(skip: set[tuple[str, str]]) -> list[FakeCall]:
    return [
        call
        for account in ACCOUNTS
        for region in (EU, US)
        if (account, region) not in skip
        for call in config_calls(account, region)
    ]


def _where(results: list[Result]) -> dict[tuple[str, str], Result]:
    return {(r.account_id, r.region): r for r in results}


def test_recorder_enabled(tmp_path: Path) -> None:
    calls = [
        *config_calls(MGMT, US, recorders=[recorder()]),
        *config_calls(MGMT, EU, recorders=[recorder()], statuses=[{"name": "default", "recording": False}]),
        *config_calls(
            WORKLOAD,
            US,
            recorders=[recorder()],
            statuses=[
                {
                    "name": "default",
                    "recording": True,
                    "lastStatus": "FAILURE",
                    "lastErrorCode": "NoSuchBucketException",
                }
            ],
        ),
        *config_calls(WORKLOAD, EU, recorders=[recorder()], denied=["DescribeConfigurationRecorderStatus"]),
        *config_calls("666666666666", US, denied=["DescribeConfigurationRecorders"]),
        *_everywhere_empty({(MGMT, US), (MGMT, EU), (WORKLOAD, US), (WORKLOAD, EU), ("666666666666", US)}),
    ]
    results = _where(run_control(tmp_path, config_recorder_enabled, calls))
    assert results[(MGMT, US)].status == PASS
    assert results[(MGMT, EU)].status == FAIL and "stopped" in results[(MGMT, EU)].message
    assert (
        results[(WORKLOAD, US)].status == FAIL and "NoSuchBucketException" in results[(WORKLOAD, US)].message
    )
    assert (
        results[(WORKLOAD, EU)].status == NOT_ASSESSED and "AccessDenied" in results[(WORKLOAD, EU)].message
    )
    assert results[("666666666666", US)].status == NOT_ASSESSED
    assert (
        results[("666666666666", EU)].status == FAIL
        and "No configuration recorder" in results[("666666666666", EU)].message
    )
    unreachable = [r for r in results.values() if r.account_id == UNREACHABLE]
    assert [r.status for r in unreachable] == [NOT_ASSESSED], (
        "one result for an account with no region collected"
    )
    assert len(results) == 6 * 2 + 1


def test_records_all_resources(tmp_path: Path) -> None:
    calls = [
        *config_calls(MGMT, US, recorders=[recorder()]),
        *config_calls(WORKLOAD, US, recorders=[recorder(all_supported=False, types=["AWS::EC2::Instance"])]),
        *config_calls(
            SECURITY, US, recorders=[recorder(all_supported=False, exclusions=["AWS::EC2::NetworkInterface"])]
        ),
        # Security Hub's service-linked recorder records what Security Hub needs: not judged.
        *config_calls(
            "666666666666",
            US,
            recorders=[
                recorder(
                    "sl",
                    all_supported=False,
                    types=["AWS::S3::Bucket"],
                    service_principal="securityhub.amazonaws.com",
                )
            ],
        ),
    ]
    results = by_account(run_control(tmp_path, config_records_all_resources, calls))
    assert [r.status for r in results[MGMT]] == [PASS]
    [limited] = results[WORKLOAD]
    assert limited.status == FAIL and "only 1 resource type" in limited.message
    [excluding] = results[SECURITY]
    assert excluding.status == FAIL and "AWS::EC2::NetworkInterface" in excluding.message
    assert "666666666666" not in results


def test_records_all_resources_not_assessed_without_recording_group(tmp_path: Path) -> None:
    bare = {"name": "default", "roleARN": "arn:aws:iam::555555555555:role/config"}
    [r] = run_control(tmp_path, config_records_all_resources, config_calls(WORKLOAD, US, recorders=[bare]))
    assert r.status == NOT_ASSESSED


def test_global_resources_recorded(tmp_path: Path) -> None:
    calls = [
        *config_calls(MGMT, US, recorders=[recorder()]),
        *config_calls(MGMT, EU, recorders=[recorder(include_global=False)]),
        *config_calls(WORKLOAD, US, recorders=[recorder(include_global=False)]),
        *config_calls(WORKLOAD, EU, recorders=[recorder(include_global=False)]),
        *config_calls(SECURITY, US, recorders=[recorder(all_supported=False, types=["AWS::IAM::Role"])]),
        *config_calls(
            "444444444444", US, recorders=[recorder()], statuses=[{"name": "default", "recording": False}]
        ),
        *config_calls("666666666666", US, denied=["DescribeConfigurationRecorders"]),
        *_everywhere_empty(
            {
                (MGMT, US),
                (MGMT, EU),
                (WORKLOAD, US),
                (WORKLOAD, EU),
                (SECURITY, US),
                ("444444444444", US),
                ("666666666666", US),
            }
        ),
    ]
    results = by_account(run_control(tmp_path, config_global_resources_recorded, calls))
    assert [r.status for r in results[MGMT]] == [PASS]
    assert [r.status for r in results[SECURITY]] == [PASS], "listing the IAM types records them too"
    [none] = results[WORKLOAD]
    assert none.status == FAIL and "IAM users, roles and policies" in none.message
    [stopped] = results["444444444444"]
    assert stopped.status == FAIL and "is stopped" in stopped.message
    [denied] = results["666666666666"]
    assert denied.status == NOT_ASSESSED and "us-east-1" in denied.message
    assert [r.status for r in results[UNREACHABLE]] == [NOT_ASSESSED]


def test_delivery_channel(tmp_path: Path) -> None:
    calls = [
        *config_calls(MGMT, US, recorders=[recorder()]),
        *config_calls(WORKLOAD, US, recorders=[recorder()], channels=[]),
        *config_calls(SECURITY, US, recorders=[recorder()], denied=["DescribeDeliveryChannels"]),
        *config_calls("666666666666", US),  # no recorder: nothing to deliver
    ]
    results = by_account(run_control(tmp_path, config_delivery_channel, calls))
    assert [r.status for r in results[MGMT]] == [PASS]
    assert "s3://config-history" in results[MGMT][0].message
    assert [r.status for r in results[WORKLOAD]] == [FAIL]
    assert [r.status for r in results[SECURITY]] == [NOT_ASSESSED]
    assert "666666666666" not in results


def test_organization_aggregator(tmp_path: Path) -> None:
    good = [
        *config_calls(SECURITY, US, aggregators=[org_aggregator(SECURITY, US)]),
        *_everywhere_empty({(SECURITY, US)}),
    ]
    [ok] = run_control(tmp_path, config_organization_aggregator, good, name="ok")
    assert ok.status == PASS and "all regions" in ok.message and "management account" not in ok.message

    narrow = [
        *config_calls(MGMT, US, aggregators=[org_aggregator(MGMT, US, all_regions=False, regions=[US])]),
        *_everywhere_empty({(MGMT, US)}),
    ]
    [short] = run_control(tmp_path, config_organization_aggregator, narrow, name="narrow")
    assert short.status == FAIL and "eu-west-1" in short.message

    [none] = run_control(tmp_path, config_organization_aggregator, _everywhere_empty(set()), name="none")
    assert none.status == FAIL and "no organization aggregator" in none.message

    denied = [
        *config_calls(MGMT, EU, denied=["DescribeConfigurationAggregators"]),
        *_everywhere_empty({(MGMT, EU)}),
    ]
    [unknown] = run_control(tmp_path, config_organization_aggregator, denied, name="denied")
    assert unknown.status == NOT_ASSESSED and f"{MGMT}/{EU}" in unknown.message
