"""RDS DB instances keep automated backups for at least 7 days (RDS.11)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.model.rds import DbInstance
from analysis.rules.base import FAIL, MEDIUM, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._rds import LIST_INSTANCES, evaluate_instance_setting

# Security Hub CSPM RDS.11 fails an instance whose retention is under its backupRetentionMinimum
# parameter, 7 days unless customized (Security Hub CSPM user guide, RDS controls).
MINIMUM_RETENTION_DAYS = 7

CONTROL = Control(
    id="rds_instance_backup_enabled",
    title="RDS DB instances keep automated backups for at least 7 days",
    severity=MEDIUM,
    practice="data",
    service="rds",
    scope="resource",
    rationale=(
        "Automated backups (daily snapshots plus transaction logs) are what lets a database be restored "
        "to any second of its retention window after a bad deployment, a ransomware-style wipe or an "
        "accidental DELETE. A retention of 0 days turns them off and deletes the existing automated "
        "backups; a few days may end before anyone notices the damage. Read replicas take their data "
        "from their source and Aurora instances take the cluster's setting: neither is judged here."
    ),
    remediation=Remediation(
        console=(
            "RDS console > Databases > the instance > Modify > Backup > Backup retention period: 7 days "
            "or more > Continue > Apply immediately."
        ),
        cli=(
            "aws rds modify-db-instance --db-instance-identifier <db> --backup-retention-period 7 "
            "--apply-immediately"
        ),
        terraform=(
            'resource "aws_db_instance" "ledger" {\n'
            '  identifier              = "payments-ledger"\n'
            "  backup_retention_period = 7\n"
            '  backup_window           = "02:00-03:00"\n'
            "}"
        ),
    ),
    inputs=(LIST_INSTANCES,),
    # Same check as Security Hub CSPM RDS.11; Prowler rds_instance_backup_enabled. NIST from Security Hub's
    # related requirements. See docs/mappings.md.
    mappings=Mappings(
        fsbp=("RDS.11",),
        nist=("CP-10", "CP-6", "CP-6(1)", "CP-6(2)", "CP-9", "SC-5(2)", "SI-12", "SI-13(5)"),
    ),
)


def _judge(db: DbInstance, days: int) -> tuple[str, str]:
    if days >= MINIMUM_RETENTION_DAYS:
        return PASS, f"DB instance {db.identifier} keeps automated backups for {days} days."
    if days == 0:
        return (
            FAIL,
            f"DB instance {db.identifier} has automated backups turned off (retention 0 days): it "
            "cannot be restored to a point in time.",
        )
    return (
        FAIL,
        f"DB instance {db.identifier} keeps automated backups for {days} "
        f"day{'s' if days != 1 else ''}, under the {MINIMUM_RETENTION_DAYS} days asked for.",
    )


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    return evaluate_instance_setting(
        ctx,
        CONTROL,
        setting="BackupRetentionPeriod",
        read=lambda db: db.backup_retention_days,
        judge=_judge,
        values=lambda db: {"BackupRetentionPeriod": db.backup_retention_days},
        # Aurora: a cluster setting (clusters are not collected); replicas: excluded by RDS.11
        judged=lambda db: not (db.cluster_identifier or db.read_replica_source),
    )
