"""Manual RDS snapshots are encrypted (RDS.4)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, MEDIUM, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._common import result
from analysis.rules.data._rds import LIST_CLUSTER_SNAPSHOTS, LIST_SNAPSHOTS, snapshot_listing_gaps

CONTROL = Control(
    id="rds_snapshot_encrypted",
    title="RDS snapshots are encrypted at rest",
    severity=MEDIUM,
    practice="data",
    service="rds",
    scope="resource",
    rationale=(
        "A snapshot holds a full copy of the database. Encrypted, it can only be restored by "
        "someone also allowed to use its KMS key, so sharing it by mistake does not hand over the "
        "data; unencrypted, whoever can see it can read it. A snapshot is encrypted when its "
        "instance was, or when it was copied with a KMS key."
    ),
    remediation=Remediation(
        console=(
            "RDS console > Snapshots > the snapshot > Actions > Copy snapshot > Enable encryption with "
            "a KMS key > Copy; then delete the unencrypted snapshot."
        ),
        cli=(
            "aws rds copy-db-snapshot --source-db-snapshot-identifier <snapshot> "
            "--target-db-snapshot-identifier <snapshot>-enc --kms-key-id <key-arn>\n"
            "aws rds delete-db-snapshot --db-snapshot-identifier <snapshot>"
        ),
        terraform=(
            'resource "aws_db_snapshot_copy" "encrypted" {\n'
            "  source_db_snapshot_identifier = aws_db_snapshot.export.db_snapshot_arn\n"
            '  target_db_snapshot_identifier = "reporting-export-encrypted"\n'
            "  kms_key_id                    = aws_kms_key.rds.arn\n"
            "}"
        ),
    ),
    inputs=(LIST_SNAPSHOTS, LIST_CLUSTER_SNAPSHOTS),
    # Same check as Security Hub CSPM RDS.4; Prowler rds_snapshots_encrypted. NIST from Security Hub's related
    # requirements. See docs/mappings.md.
    mappings=Mappings(
        fsbp=("RDS.4",), nist=("CA-9(1)", "CM-3(6)", "SC-13", "SC-28", "SC-28(1)", "SC-7(10)", "SI-7(6)")
    ),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from snapshot_listing_gaps(ctx, CONTROL)
    for snap in ctx.inventory.rds.snapshots.values():
        values = {"Encrypted": snap.encrypted, "KmsKeyId": snap.kms_key_id}
        if snap.encrypted is None:
            yield ctx.not_assessed(
                CONTROL,
                account_id=snap.account_id,
                region=snap.region,
                reason=f"the snapshot listing did not report whether {snap.identifier} is encrypted",
                call_ids=snap.call_ids,
                resource_arn=snap.arn,
                resource_id=snap.identifier,
            )
        elif snap.encrypted:
            yield result(
                CONTROL,
                snap,
                PASS,
                f"Snapshot {snap.identifier} is encrypted.",
                resource_id=snap.identifier,
                values=values,
            )
        else:
            yield result(
                CONTROL,
                snap,
                FAIL,
                f"{snap.kind.capitalize()} snapshot {snap.identifier} is not encrypted: anyone allowed to restore it reads the data.",
                resource_id=snap.identifier,
                values=values,
            )
