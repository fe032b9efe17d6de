"""S3 normalizer on a small fixture: TLS-only log bucket, public-by-policy bucket, public-ACL
bucket, a bucket whose calls were denied, malformed entries, and account Block Public Access."""

from __future__ import annotations

from pathlib import Path

from analysis.model.coverage import ABSENT, COLLECTED, DENIED, ERROR, NOT_COLLECTED, Coverage
from analysis.model.s3 import S3Inventory, normalize_s3
from analysis.model.source import PageSource
from snapshot import Snapshot
from tests.analysis.model.builders import FakeCall, write_snapshot
from tests.analysis.model.test_kms import data_source

A, B = "222222222222", "333333333333"
P = "payments-prod-"


def _inventory(tmp_path: Path) -> S3Inventory:
    return normalize_s3(*data_source(tmp_path, "s3"))


def bucket_arn(name: str) -> str:
    return f"arn:aws:s3:::{P}{name}"


def test_buckets_keyed_by_arn_with_their_region(tmp_path: Path) -> None:
    inv = _inventory(tmp_path)
    assert set(inv.buckets) == {bucket_arn(n) for n in ("logs", "public-site", "acl", "denied")}
    regions = {b.name: b.region for b in inv.buckets.values()}
    # null constraint = us-east-1; "EU" = eu-west-1; denied location falls back to ListBuckets' BucketRegion
    assert regions == {
        P + "logs": "us-east-1",
        P + "public-site": "eu-west-1",
        P + "acl": "ap-southeast-2",
        P + "denied": "eu-central-1",
    }
    assert inv.buckets[bucket_arn("denied")].location_state == DENIED
    assert all(b.account_id == A for b in inv.buckets.values())


def test_log_bucket_settings(tmp_path: Path) -> None:
    b = _inventory(tmp_path).buckets[bucket_arn("logs")]
    assert b.policy is not None and b.policy.statements[0].effect == "Deny"
    assert b.policy.statements[0].condition == {"Bool": {"aws:SecureTransport": ("false",)}}
    assert (b.policy_is_public, b.policy_status_state) == (False, COLLECTED)
    assert b.public_access_block is not None and b.public_access_block.all_on
    assert (
        b.encryption_algorithm == "aws:kms"
        and b.encryption_kms_key
        and b.encryption_kms_key.endswith("1111aaaa-0000-0000-0000-000000000001")
    )
    assert b.bucket_key_enabled is True
    assert (b.versioning, b.mfa_delete) == ("Enabled", "Enabled")
    assert b.logging_target_bucket is None and b.logging_state == COLLECTED  # access logging off
    assert (b.object_lock_enabled, b.object_lock_mode) == (True, "COMPLIANCE")
    assert b.object_ownership == "BucketOwnerEnforced"
    assert b.public_acl_groups == ()  # LogDelivery is not public
    assert {g.group for g in b.acl_grants} == {None, "LogDelivery"}


def test_public_site_partial_answers(tmp_path: Path) -> None:
    b = _inventory(tmp_path).buckets[bucket_arn("public-site")]
    assert b.policy is not None and b.policy.statements[0].principal == {"AWS": ("*",)}  # single statement
    # PolicyStatus without IsPublic (moto): not "not public", unknown
    assert (b.policy_is_public, b.policy_status_state) == (None, ERROR)
    pab = b.public_access_block
    assert pab is not None and pab.block_public_acls and not pab.block_public_policy and not pab.all_on
    assert b.encryption_algorithm == "AES256" and b.encryption_kms_key is None
    assert (b.versioning, b.mfa_delete) == ("Suspended", "Disabled")
    assert (b.logging_target_bucket, b.logging_target_prefix) == (P + "logs", "site/")
    assert (b.object_lock_enabled, b.object_lock_state) == (None, ABSENT)
    assert b.acl_grants == () and b.acl_state == NOT_COLLECTED
    assert b.object_ownership is None and b.ownership_state == NOT_COLLECTED


def test_public_acl_bucket_and_absent_settings(tmp_path: Path) -> None:
    b = _inventory(tmp_path).buckets[bucket_arn("acl")]
    assert b.public_acl_groups == ("AllUsers", "AuthenticatedUsers")
    assert len(b.acl_grants) == 2  # the malformed grant is skipped
    assert (b.policy, b.policy_state) == (None, ABSENT)
    assert (b.policy_is_public, b.policy_status_state) == (None, ABSENT)
    assert (b.public_access_block, b.public_access_block_state) == (None, ABSENT)
    assert (b.encryption_algorithm, b.encryption_state) == (None, ABSENT)
    assert (b.versioning, b.mfa_delete) == ("NeverEnabled", "Disabled")
    assert b.ownership_state == ABSENT


def test_denied_bucket_is_not_compliant_by_default(tmp_path: Path) -> None:
    b = _inventory(tmp_path).buckets[bucket_arn("denied")]
    assert (b.policy, b.policy_state) == (None, DENIED)
    assert b.public_access_block is None and b.public_access_block_state == NOT_COLLECTED
    assert b.encryption_algorithm is None and b.encryption_state == NOT_COLLECTED
    assert b.versioning is None and b.mfa_delete is None


def test_account_public_access_block(tmp_path: Path) -> None:
    inv = _inventory(tmp_path)
    a = inv.account_block(A)
    assert a is not None and a.state == COLLECTED and a.configuration is not None
    assert a.configuration.block_public_acls and not a.configuration.block_public_policy
    assert not a.configuration.all_on
    b = inv.account_block(B)
    assert b is not None and (b.configuration, b.state) == (None, ABSENT)
    assert inv.account_block("444444444444") is None


def test_account_block_never_asked_is_not_collected(tmp_path: Path) -> None:
    calls = [
        FakeCall(service="s3", operation="ListBuckets", pages=[{"Buckets": [{"Name": "x"}]}], account_id=A)
    ]
    manifest = {"account_outcomes": {A: {"status": "collected", "regions_collected": ["us-east-1"]}}}
    snap = Snapshot.open(write_snapshot(tmp_path / "s.awb", calls=calls, manifest=manifest))
    inv = normalize_s3(PageSource(snap), Coverage(calls=snap.calls(), manifest=snap.manifest))
    block = inv.account_block(A)
    assert block is not None and (block.configuration, block.state) == (None, NOT_COLLECTED)
    assert inv.buckets["arn:aws:s3:::x"].region == "unknown"
