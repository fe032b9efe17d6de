"""RDS DB instances keep automated backups for at least 7 days (RDS.11)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, MEDIUM, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._common import listing_gaps, result
from analysis.rules.data._rds import LIST_INSTANCES

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


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from listing_gaps(ctx, CONTROL, LIST_INSTANCES)
    for db in ctx.inventory.rds.instances.values():
        if db.cluster_identifier or db.read_replica_source:
            continue  # Aurora: a cluster setting (clusters are not collected); replicas: excluded by RDS.11
        days = db.backup_retention_days
        values = {"BackupRetentionPeriod": days}
        if days is None:
            yield ctx.not_assessed(
                CONTROL,
                account_id=db.account_id,
                region=db.region,
                reason=f"DescribeDBInstances did not report BackupRetentionPeriod for {db.identifier}",
                call_ids=db.call_ids,
                resource_arn=db.arn,
                resource_id=db.identifier,
            )
        elif days >= MINIMUM_RETENTION_DAYS:
            yield result(
                CONTROL,
                db,
                PASS,
                f"DB instance {db.identifier} keeps automated backups for {days} days.",
                resource_id=db.identifier,
                values=values,
            )
        elif days == 0:
            yield result(
                CONTROL,
                db,
                FAIL,
                f"DB instance {db.identifier} has automated backups turned off (retention 0 days): it "
                "cannot be restored to a point in time.",
                resource_id=db.identifier,
                values=values,
            )
        else:
            yield result(
                CONTROL,
                db,
                FAIL,
                f"DB instance {db.identifier} keeps automated backups for {days} "
                f"day{'s' if days != 1 else ''}, under the {MINIMUM_RETENTION_DAYS} days asked for.",
                resource_id=db.identifier,
                values=values,
            )
