"""RDS instances and snapshots, and EBS encryption by default.

RDS API reference, DescribeDBInstances (PubliclyAccessible, StorageEncrypted,
DeletionProtection; Aurora instances carry DBClusterIdentifier) and
DescribeDBSnapshotAttributes ("restore" lists the accounts allowed to restore, "all" for
public). EC2 API reference, GetEbsEncryptionByDefault (per account and region)."""

from __future__ import annotations

from pathlib import Path

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS, Result
from analysis.rules.data import (
    ebs_default_encryption,
    rds_instance_deletion_protection,
    rds_instance_not_public,
    rds_instance_storage_encrypted,
    rds_snapshot_encrypted,
    rds_snapshot_not_public,
    rds_snapshot_shared_outside_org,
)
from tests.analysis.rules.builders import UNREACHABLE
from tests.analysis.rules.data.data_builders import (
    EU,
    OUTSIDER,
    US,
    B,
    C,
    D,
    by_resource,
    call,
    db_instance,
    db_snapshot,
    denied,
    run,
)


def _named(results: list[Result]) -> dict[str, Result]:
    return by_resource([r for r in results if not r.resource_id.isdigit()])


def test_instances(tmp_path: Path) -> None:
    calls = [
        db_instance(B, "open", public=True, encrypted=False, deletion_protection=False),
        db_instance(C, "closed"),
        db_instance(D, "aurora-member", cluster="aurora-1", deletion_protection=False, public=None),
    ]
    public = _named(run(tmp_path / "p", rds_instance_not_public, calls))
    assert public["open"].status == FAIL and public["closed"].status == PASS
    assert (
        public["aurora-member"].status == NOT_ASSESSED
        and "PubliclyAccessible" in public["aurora-member"].message
    )
    encrypted = _named(run(tmp_path / "e", rds_instance_storage_encrypted, calls))
    assert encrypted["open"].status == FAIL and encrypted["closed"].status == PASS
    protected = _named(run(tmp_path / "d", rds_instance_deletion_protection, calls))
    assert protected["open"].status == FAIL and protected["closed"].status == PASS
    assert "aurora-member" not in protected  # a cluster setting (RDS.7)


def test_instance_listing_gaps(tmp_path: Path) -> None:
    results = run(tmp_path, rds_instance_not_public, [denied("rds", "DescribeDBInstances", B, EU)])
    gaps = {(r.account_id, r.region): r for r in results}
    assert gaps[(B, EU)].status == NOT_ASSESSED and "denied" in gaps[(B, EU)].message
    assert gaps[(B, US)].status == NOT_ASSESSED and "not called" in gaps[(B, US)].message
    assert gaps[(UNREACHABLE, "global")].status == NOT_ASSESSED


def test_snapshots(tmp_path: Path) -> None:
    calls = [
        *db_snapshot(B, "public-plain", encrypted=False, restore=("all",)),
        *db_snapshot(B, "shared-vendor", restore=(OUTSIDER,)),
        *db_snapshot(B, "shared-sister", restore=(C,)),
        *db_snapshot(B, "private-cluster", cluster=True),
        *db_snapshot(C, "attributes-denied", restore=None),
    ]
    public = _named(run(tmp_path / "p", rds_snapshot_not_public, calls))
    assert (
        public["public-plain"].status == FAIL and "public and unencrypted" in public["public-plain"].message
    )
    assert public["shared-vendor"].status == PASS and public["private-cluster"].status == PASS
    assert public["attributes-denied"].status == NOT_ASSESSED
    assert "rds:DescribeDBSnapshotAttributes" in public["attributes-denied"].message
    encrypted = _named(run(tmp_path / "e", rds_snapshot_encrypted, calls))
    assert encrypted["public-plain"].status == FAIL and encrypted["shared-vendor"].status == PASS
    assert encrypted["private-cluster"].status == PASS
    outside = _named(run(tmp_path / "o", rds_snapshot_shared_outside_org, calls))
    assert outside["shared-vendor"].status == FAIL and OUTSIDER in outside["shared-vendor"].message
    assert outside["shared-sister"].status == PASS and outside["public-plain"].status == PASS
    assert outside["attributes-denied"].status == NOT_ASSESSED


def test_ebs_default_encryption(tmp_path: Path) -> None:
    calls = [
        call(
            "ec2", "GetEbsEncryptionByDefault", B, EU, {"EbsEncryptionByDefault": True, "SseType": "sse-ebs"}
        ),
        call("ec2", "GetEbsEncryptionByDefault", B, US, {"EbsEncryptionByDefault": False}),
        denied("ec2", "GetEbsEncryptionByDefault", C, EU),
    ]
    results = {r.resource_id: r for r in run(tmp_path, ebs_default_encryption, calls)}
    assert results[f"{B}/{EU}"].status == PASS
    off = results[f"{B}/{US}"]
    assert (
        off.status == FAIL
        and off.evidence.values == {"EbsEncryptionByDefault": False}
        and off.evidence.call_ids
    )
    assert results[f"{C}/{EU}"].status == NOT_ASSESSED and "denied" in results[f"{C}/{EU}"].message
    assert "not called" in results[f"{C}/{US}"].message
    assert results[UNREACHABLE].status == NOT_ASSESSED
