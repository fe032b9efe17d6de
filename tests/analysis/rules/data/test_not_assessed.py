"""Never PASS on missing data: with nothing collected every data control answers NOT_ASSESSED,
for reachable accounts (calls never made) and for the account that could not be entered; and a
denied per-resource call makes that resource NOT_ASSESSED (DESIGN.md, "Not collected is not empty")."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import pytest

from analysis.rules.base import NOT_ASSESSED
from analysis.rules.data import (
    CONTROL_MODULES,
    data_resource_policy_outside_org,
    kms_key_in_use_enabled,
    s3_bucket_access_outside_org,
    s3_bucket_policy_other_accounts,
    s3_bucket_public_write,
    s3_bucket_tls_only,
)
from tests.analysis.model.builders import FakeCall
from tests.analysis.rules.builders import UNREACHABLE
from tests.analysis.rules.data.data_builders import (
    EU,
    B,
    bucket,
    denied,
    key_arn,
    kms_key,
    repository,
    run,
    topic,
)

MODULES = [importlib.import_module(f"analysis.rules.data.{name}") for name in CONTROL_MODULES]


@pytest.mark.parametrize("module", MODULES, ids=CONTROL_MODULES)
def test_nothing_collected_is_not_assessed_everywhere(tmp_path: Path, module: ModuleType) -> None:
    results = run(tmp_path, module, [])
    assert results, "the control says something about every account"
    assert {r.status for r in results} == {NOT_ASSESSED}
    accounts = {r.account_id for r in results}
    assert B in accounts and UNREACHABLE in accounts
    [unreachable] = [r for r in results if r.account_id == UNREACHABLE]
    assert "could not be collected" in unreachable.message


@pytest.mark.parametrize(
    "module",
    [
        s3_bucket_public_write,
        s3_bucket_policy_other_accounts,
        s3_bucket_access_outside_org,
        s3_bucket_tls_only,
    ],
)
def test_bucket_policy_denied(tmp_path: Path, module: ModuleType) -> None:
    calls = bucket(B, "hidden", deny_ops=("GetBucketPolicy",))
    [r] = [r for r in run(tmp_path, module, calls) if r.resource_id == "hidden"]
    assert r.status == NOT_ASSESSED and "s3:GetBucketPolicy" in r.message and r.evidence.call_ids


def _without(calls: list[FakeCall], operation: str) -> list[FakeCall]:
    return [c for c in calls if c.operation != operation]


def test_key_in_use_with_unknown_state(tmp_path: Path) -> None:
    calls = [
        *_without(kms_key(B, "k-used"), "DescribeKey"),
        denied("kms", "DescribeKey", B, EU, KeyId="k-used"),
        *bucket(B, "user", encryption="aws:kms", kms_key=key_arn(B, "k-used")),
    ]
    [r] = [r for r in run(tmp_path, kms_key_in_use_enabled, calls) if r.resource_id == "k-used"]
    assert r.status == NOT_ASSESSED and "kms:DescribeKey" in r.message


def test_resource_policies_denied(tmp_path: Path) -> None:
    calls = [
        *_without(topic(B, "t", None), "GetTopicAttributes"),
        denied("sns", "GetTopicAttributes", B, EU, TopicArn=f"arn:aws:sns:{EU}:{B}:t"),
        *_without(repository(B, "r", None), "GetRepositoryPolicy"),
        denied("ecr", "GetRepositoryPolicy", B, EU, repositoryName="r"),
    ]
    results = {r.resource_id: r for r in run(tmp_path, data_resource_policy_outside_org, calls)}
    assert results["t"].status == NOT_ASSESSED and "sns:GetTopicAttributes" in results["t"].message
    assert results["r"].status == NOT_ASSESSED and "ecr:GetRepositoryPolicy" in results["r"].message
