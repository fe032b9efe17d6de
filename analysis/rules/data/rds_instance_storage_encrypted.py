"""RDS DB instances encrypt their storage (RDS.3)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.model.rds import DbInstance
from analysis.rules.base import FAIL, MEDIUM, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._rds import LIST_INSTANCES, evaluate_instance_setting

CONTROL = Control(
    id="rds_instance_storage_encrypted",
    title="RDS DB instances have storage encryption enabled",
    severity=MEDIUM,
    practice="data",
    service="rds",
    scope="resource",
    rationale=(
        "RDS encryption at rest covers the instance's storage, automated backups, read replicas "
        "and snapshots with a KMS key. Without it, a shared or copied snapshot is readable by "
        "anyone who can restore it, and access to the data is not gated by a key policy. Encryption "
        "can only be chosen at creation: fixing it means restoring from an encrypted snapshot copy."
    ),
    remediation=Remediation(
        console=(
            "RDS console > Snapshots > take a snapshot of the instance > Actions > Copy snapshot with "
            "'Enable encryption' and a KMS key > restore the encrypted copy as a new instance > switch "
            "the application over > delete the unencrypted instance."
        ),
        cli=(
            "aws rds create-db-snapshot --db-instance-identifier <db> --db-snapshot-identifier <db>-plain\n"
            "aws rds copy-db-snapshot --source-db-snapshot-identifier <db>-plain "
            "--target-db-snapshot-identifier <db>-enc --kms-key-id <key-arn>\n"
            "aws rds restore-db-instance-from-db-snapshot --db-instance-identifier <db>-new --db-snapshot-identifier <db>-enc"
        ),
        terraform=(
            'resource "aws_db_instance" "ledger" {\n'
            '  identifier        = "payments-ledger"\n'
            "  storage_encrypted = true\n"
            "  kms_key_id        = aws_kms_key.rds.arn\n"
            "}"
        ),
    ),
    inputs=(LIST_INSTANCES,),
    # Same check as Security Hub CSPM RDS.3; Prowler rds_instance_storage_encrypted. NIST from Security Hub's
    # related requirements. See docs/mappings.md.
    mappings=Mappings(
        cis=("2.2.1",),
        fsbp=("RDS.3",),
        nist=("CA-9(1)", "CM-3(6)", "SC-13", "SC-28", "SC-28(1)", "SC-7(10)", "SI-7(6)"),
    ),
)


def _judge(db: DbInstance, encrypted: bool) -> tuple[str, str]:
    if encrypted:
        return PASS, f"DB instance {db.identifier} encrypts its storage."
    return FAIL, f"DB instance {db.identifier} stores its data, backups and snapshots unencrypted."


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    return evaluate_instance_setting(
        ctx,
        CONTROL,
        setting="StorageEncrypted",
        read=lambda db: db.storage_encrypted,
        judge=_judge,
        values=lambda db: {"StorageEncrypted": db.storage_encrypted, "KmsKeyId": db.kms_key_id},
    )
