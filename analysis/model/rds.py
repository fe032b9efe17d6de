"""RDS DB instances and manual DB / cluster snapshots, with who may restore each snapshot.

A manual snapshot is public when its ``restore`` attribute lists ``all``; other values are
the AWS accounts it is shared with (RDS API reference, DescribeDBSnapshotAttributes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from analysis.model.coverage import COLLECTED, Coverage
from analysis.model.records import Record, partition_of
from analysis.model.resource_policies import Answer, PerResource, as_str, items
from analysis.model.source import PageSource, bulk_parsing

INSTANCE_SNAPSHOT = "instance"
CLUSTER_SNAPSHOT = "cluster"


@dataclass(frozen=True, kw_only=True)
class DbInstance(Record):
    identifier: str
    engine: str | None
    engine_version: str | None
    instance_class: str | None
    status: str | None
    publicly_accessible: bool | None
    storage_encrypted: bool | None
    kms_key_id: str | None
    endpoint_address: str | None
    port: int | None
    vpc_id: str | None
    subnet_ids: tuple[str, ...]
    security_group_ids: tuple[str, ...]
    cluster_identifier: str | None
    iam_auth: bool | None
    deletion_protection: bool | None
    backup_retention_days: int | None  # BackupRetentionPeriod: 0 means automated backups are off
    auto_minor_version_upgrade: bool | None
    read_replica_source: str | None  # the instance or cluster this one replicates, for a read replica


@dataclass(frozen=True, kw_only=True)
class DbSnapshot(Record):
    identifier: str
    kind: str  # instance | cluster
    source_identifier: str | None  # DB instance or cluster it was taken from
    engine: str | None
    encrypted: bool | None
    kms_key_id: str | None
    created: str | None
    restore_shared_with: tuple[str, ...]  # account ids (and "all") in the restore attribute
    attributes_state: str  # coverage of Describe(DBCluster)SnapshotAttributes

    @property
    def public(self) -> bool | None:
        """True when anyone may restore it; None when the attributes were not collected."""
        if self.attributes_state != COLLECTED:
            return None
        return "all" in self.restore_shared_with


@dataclass(frozen=True, kw_only=True)
class RdsInventory:
    instances: Mapping[str, DbInstance]
    snapshots: Mapping[str, DbSnapshot]


def normalize_rds(source: PageSource, coverage: Coverage) -> RdsInventory:
    partition = partition_of(source.manifest)
    with bulk_parsing():
        return RdsInventory(instances=_instances(source, partition), snapshots=_snapshots(source, partition))


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _instances(source: PageSource, partition: str) -> dict[str, DbInstance]:
    out: dict[str, DbInstance] = {}
    for page in source.pages("rds", "DescribeDBInstances"):
        for db in items(page.body, "DBInstances"):
            ident = as_str(db.get("DBInstanceIdentifier"))
            if ident is None:
                continue
            endpoint = db.get("Endpoint") or {}
            subnets = (db.get("DBSubnetGroup") or {}) if isinstance(db.get("DBSubnetGroup"), dict) else {}
            port = endpoint.get("Port") if isinstance(endpoint, dict) else None
            arn = f"arn:{partition}:rds:{page.region}:{page.account_id}:db:{ident}"
            out[arn] = DbInstance(
                arn=arn,
                account_id=page.account_id,
                region=page.region,
                call_ids=(page.call.id,),
                identifier=ident,
                engine=as_str(db.get("Engine")),
                engine_version=as_str(db.get("EngineVersion")),
                instance_class=as_str(db.get("DBInstanceClass")),
                status=as_str(db.get("DBInstanceStatus")),
                publicly_accessible=_bool(db.get("PubliclyAccessible")),
                storage_encrypted=_bool(db.get("StorageEncrypted")),
                kms_key_id=as_str(db.get("KmsKeyId")),
                endpoint_address=as_str(endpoint.get("Address")) if isinstance(endpoint, dict) else None,
                port=port if isinstance(port, int) else None,
                vpc_id=as_str(subnets.get("VpcId")),
                subnet_ids=tuple(
                    str(s["SubnetIdentifier"]) for s in items(subnets, "Subnets") if s.get("SubnetIdentifier")
                ),
                security_group_ids=tuple(
                    str(g["VpcSecurityGroupId"])
                    for g in items(db, "VpcSecurityGroups")
                    if g.get("VpcSecurityGroupId")
                ),
                cluster_identifier=as_str(db.get("DBClusterIdentifier")),
                iam_auth=_bool(db.get("IAMDatabaseAuthenticationEnabled")),
                deletion_protection=_bool(db.get("DeletionProtection")),
                backup_retention_days=_int(db.get("BackupRetentionPeriod")),
                auto_minor_version_upgrade=_bool(db.get("AutoMinorVersionUpgrade")),
                read_replica_source=as_str(db.get("ReadReplicaSourceDBInstanceIdentifier"))
                or as_str(db.get("ReadReplicaSourceDBClusterIdentifier")),
            )
    return out


def _snapshots(source: PageSource, partition: str) -> dict[str, DbSnapshot]:
    out: dict[str, DbSnapshot] = {}
    kinds = (
        (
            INSTANCE_SNAPSHOT,
            "DescribeDBSnapshots",
            "DBSnapshots",
            "DBSnapshotIdentifier",
            "DescribeDBSnapshotAttributes",
            ("DBSnapshotAttributesResult", "DBSnapshotAttributes"),
            "DBInstanceIdentifier",
            "Encrypted",
            "snapshot",
        ),
        (
            CLUSTER_SNAPSHOT,
            "DescribeDBClusterSnapshots",
            "DBClusterSnapshots",
            "DBClusterSnapshotIdentifier",
            "DescribeDBClusterSnapshotAttributes",
            ("DBClusterSnapshotAttributesResult", "DBClusterSnapshotAttributes"),
            "DBClusterIdentifier",
            "StorageEncrypted",
            "cluster-snapshot",
        ),
    )
    for kind, list_op, list_key, id_key, attr_op, attr_path, source_key, enc_key, arn_kind in kinds:
        attributes = PerResource(source, service="rds", operation=attr_op, param=id_key)
        for page in source.pages("rds", list_op):
            for snap in items(page.body, list_key):
                ident = as_str(snap.get(id_key))
                if ident is None:
                    continue
                answer = attributes.answer(account_id=page.account_id, region=page.region, value=ident)
                arn = f"arn:{partition}:rds:{page.region}:{page.account_id}:{arn_kind}:{ident}"
                out[arn] = DbSnapshot(
                    arn=arn,
                    account_id=page.account_id,
                    region=page.region,
                    call_ids=(page.call.id, *answer.call_ids),
                    identifier=ident,
                    kind=kind,
                    source_identifier=as_str(snap.get(source_key)),
                    engine=as_str(snap.get("Engine")),
                    encrypted=_bool(snap.get(enc_key)),
                    kms_key_id=as_str(snap.get("KmsKeyId")),
                    created=as_str(snap.get("SnapshotCreateTime")),
                    restore_shared_with=_restore(answer, attr_path),
                    attributes_state=answer.state,
                )
    return out


def _restore(answer: Answer, path: tuple[str, str]) -> tuple[str, ...]:
    result = (answer.body or {}).get(path[0]) or {}
    for attribute in items(result, path[1]) if isinstance(result, dict) else []:
        if attribute.get("AttributeName") == "restore":
            values = attribute.get("AttributeValues") or []
            return tuple(sorted(v for v in values if isinstance(v, str)))
    return ()
