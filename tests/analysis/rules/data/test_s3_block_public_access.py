"""Block Public Access, account level (S3.1) and per bucket (S3.8). S3 User Guide, "Blocking
public access to your Amazon S3 storage": S3 applies the most restrictive combination of the
bucket and account settings; s3control GetPublicAccessBlock answers
NoSuchPublicAccessBlockConfiguration when the account has none."""

from __future__ import annotations

from pathlib import Path

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS
from analysis.rules.data import s3_account_block_public_access, s3_bucket_block_public_access
from tests.analysis.rules.builders import UNREACHABLE
from tests.analysis.rules.data.data_builders import (
    ALL_OFF,
    ALL_ON,
    MGMT,
    B,
    C,
    D,
    E,
    F,
    account_block,
    bucket,
    by_resource,
    denied,
    run,
)


def test_account_level(tmp_path: Path) -> None:
    partly = {**ALL_ON, "RestrictPublicBuckets": False}
    calls = [
        account_block(MGMT, ALL_ON),
        account_block(B, partly),
        account_block(C, None),
        denied("s3control", "GetPublicAccessBlock", D, "global", AccountId=D),
    ]
    results = by_resource(run(tmp_path, s3_account_block_public_access, calls))
    assert results[MGMT].status == PASS
    assert results[B].status == FAIL and results[B].message.endswith("off for RestrictPublicBuckets.")
    assert results[B].evidence.values["RestrictPublicBuckets"] is False and results[B].evidence.call_ids
    assert results[C].status == FAIL and "no account-level Block Public Access" in results[C].message
    assert results[D].status == NOT_ASSESSED and "denied" in results[D].message
    assert results[E].status == NOT_ASSESSED and "not called" in results[E].message
    assert (
        results[UNREACHABLE].status == NOT_ASSESSED
        and "could not be collected" in results[UNREACHABLE].message
    )


def test_bucket_level_combined_with_account(tmp_path: Path) -> None:
    calls = [
        *bucket(B, "own-block", block=ALL_ON),
        *bucket(C, "account-block", block=None),
        account_block(C, ALL_ON),
        *bucket(D, "half", block={**ALL_OFF, "BlockPublicAcls": True, "IgnorePublicAcls": True}),
        account_block(D, {**ALL_OFF, "BlockPublicPolicy": True}),
        *bucket(E, "account-unknown", block=None),
        denied("s3control", "GetPublicAccessBlock", E, "global", AccountId=E),
        *bucket(F, "bucket-denied", deny_ops=("GetPublicAccessBlock",)),
    ]
    results = by_resource(
        [r for r in run(tmp_path, s3_bucket_block_public_access, calls) if not r.resource_id.isdigit()]
    )
    assert results["own-block"].status == PASS and "(the bucket)" in results["own-block"].message
    assert results["account-block"].status == PASS and "combined" in results["account-block"].message
    assert results["half"].status == FAIL and "RestrictPublicBuckets is off" in results["half"].message
    assert (
        results["account-unknown"].status == NOT_ASSESSED
        and "account level is unknown" in results["account-unknown"].message
    )
    assert (
        results["bucket-denied"].status == NOT_ASSESSED
        and "s3:GetPublicAccessBlock" in results["bucket-denied"].message
    )


def test_buckets_unknown_where_listing_was_not_answered(tmp_path: Path) -> None:
    results = run(tmp_path, s3_bucket_block_public_access, [denied("s3", "ListBuckets", B, "global")])
    gaps = by_resource(results)
    assert gaps[B].status == NOT_ASSESSED and "s3:ListBuckets" in gaps[B].message
    assert gaps[MGMT].status == NOT_ASSESSED and "not called" in gaps[MGMT].message
