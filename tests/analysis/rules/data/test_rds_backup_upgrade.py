"""RDS automated backups (RDS.11) and automatic minor version upgrades (RDS.13, CIS 2.2.2).

RDS API reference, DescribeDBInstances: BackupRetentionPeriod (days; 0 turns automated backups
off), AutoMinorVersionUpgrade, ReadReplicaSourceDBInstanceIdentifier on a read replica,
DBClusterIdentifier on an Aurora instance. Security Hub CSPM RDS.11 asks for a retention of at
least 7 days (its default backupRetentionMinimum) and excludes read replicas; RDS.13 judges every
instance on its own setting.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS, Result
from analysis.rules.data import rds_instance_backup_enabled, rds_instance_minor_version_upgrade
from tests.analysis.model.builders import FakeCall
from tests.analysis.rules.builders import UNREACHABLE, inventory_with
from tests.analysis.rules.data.data_builders import (
    EU,
    US,
    B,
    C,
    by_resource,
    call,
    combine,
    denied,
    run,
)


def _instances(account: str, *dbs: dict[str, Any], region: str = EU) -> FakeCall:
    listed = [
        {"DBInstanceIdentifier": "?", "Engine": "postgres", "DBInstanceStatus": "available", **d} for d in dbs
    ]
    return call("rds", "DescribeDBInstances", account, region, {"DBInstances": listed})


def _named(results: list[Result]) -> dict[str, Result]:
    return by_resource([r for r in results if not r.resource_id.isdigit()])


CALLS = [
    _instances(
        B,
        {"DBInstanceIdentifier": "weekly", "BackupRetentionPeriod": 7, "AutoMinorVersionUpgrade": True},
        {
            "DBInstanceIdentifier": "short",
            "BackupRetentionPeriod": 1,
            "AutoMinorVersionUpgrade": False,
            "EngineVersion": "13.4",
        },
        {"DBInstanceIdentifier": "off", "BackupRetentionPeriod": 0},
        {
            "DBInstanceIdentifier": "replica",
            "BackupRetentionPeriod": 0,
            "AutoMinorVersionUpgrade": True,
            "ReadReplicaSourceDBInstanceIdentifier": "weekly",
        },
    ),
    _instances(
        C,
        {
            "DBInstanceIdentifier": "aurora-member",
            "Engine": "aurora-postgresql",
            "DBClusterIdentifier": "aurora-1",
            "BackupRetentionPeriod": 1,
            "AutoMinorVersionUpgrade": False,
        },
        {"DBInstanceIdentifier": "silent"},
    ),
]


def test_backup_retention_of_seven_days_passes_shorter_or_off_fails(tmp_path: Path) -> None:
    got = _named(run(tmp_path, rds_instance_backup_enabled, CALLS))
    weekly = got["weekly"]
    assert weekly.status == PASS and weekly.evidence.values == {"BackupRetentionPeriod": 7}
    assert weekly.evidence.call_ids, "the DescribeDBInstances page is cited"
    short = got["short"]
    assert short.status == FAIL and "1 day," in short.message and "7 days" in short.message
    off = got["off"]
    assert off.status == FAIL and "turned off" in off.message
    assert off.evidence.values == {"BackupRetentionPeriod": 0}
    # a read replica (RDS.11 excludes them) and an Aurora instance (a cluster setting) are not judged
    assert "replica" not in got and "aurora-member" not in got
    silent = got["silent"]
    assert silent.status == NOT_ASSESSED and "BackupRetentionPeriod" in silent.message


def test_minor_version_upgrade_per_instance(tmp_path: Path) -> None:
    got = _named(run(tmp_path, rds_instance_minor_version_upgrade, CALLS))
    assert got["weekly"].status == PASS and got["replica"].status == PASS
    short = got["short"]
    assert short.status == FAIL and "postgres 13.4" in short.message
    assert short.evidence.values == {"AutoMinorVersionUpgrade": False, "EngineVersion": "13.4"}
    # Aurora instances carry their own setting (RDS.13 judges each instance)
    assert got["aurora-member"].status == FAIL
    assert got["off"].status == NOT_ASSESSED and "AutoMinorVersionUpgrade" in got["off"].message
    assert got["silent"].status == NOT_ASSESSED


def test_instances_not_listed_are_not_assessed(tmp_path: Path) -> None:
    for module in (rds_instance_backup_enabled, rds_instance_minor_version_upgrade):
        results = run(tmp_path / module.CONTROL.id, module, [denied("rds", "DescribeDBInstances", B, EU)])
        gaps = {(r.account_id, r.region): r for r in results}
        assert all(r.status == NOT_ASSESSED for r in results)
        assert "denied" in gaps[(B, EU)].message
        assert "not called" in gaps[(B, US)].message
        assert gaps[(UNREACHABLE, "global")].status == NOT_ASSESSED


def test_normalizer_reads_the_new_fields_and_refuses_wrong_types(tmp_path: Path) -> None:
    calls = [
        _instances(
            B,
            {
                "DBInstanceIdentifier": "typed",
                "BackupRetentionPeriod": 14,
                "AutoMinorVersionUpgrade": False,
                "ReadReplicaSourceDBClusterIdentifier": "arn:aws:rds:eu-west-1:1:cluster:src",
            },
            {"DBInstanceIdentifier": "odd", "BackupRetentionPeriod": True, "AutoMinorVersionUpgrade": "yes"},
        )
    ]
    inventory = inventory_with(tmp_path, combine(calls))
    dbs = {db.identifier: db for db in inventory.rds.instances.values()}
    typed = dbs["typed"]
    assert (typed.backup_retention_days, typed.auto_minor_version_upgrade) == (14, False)
    assert typed.read_replica_source == "arn:aws:rds:eu-west-1:1:cluster:src"
    odd = dbs["odd"]
    assert (odd.backup_retention_days, odd.auto_minor_version_upgrade, odd.read_replica_source) == (
        None,
        None,
        None,
    )
