"""RDS DB instances have deletion protection enabled (RDS.8)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.model.rds import DbInstance
from analysis.rules.base import FAIL, LOW, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._rds import LIST_INSTANCES, evaluate_instance_setting

CONTROL = Control(
    id="rds_instance_deletion_protection",
    title="RDS DB instances have deletion protection enabled",
    severity=LOW,
    practice="data",
    service="rds",
    scope="resource",
    rationale=(
        "With deletion protection, a DeleteDBInstance call fails until someone first modifies the "
        "instance to turn the protection off: an accidental delete, a mistaken infrastructure-as-code "
        "run or a hurried attacker cannot remove the database in one step. Instances in an Aurora "
        "cluster take the cluster's setting and are not judged here."
    ),
    remediation=Remediation(
        console=(
            "RDS console > Databases > the instance > Modify > Deletion protection: Enable > Continue > Apply immediately."
        ),
        cli="aws rds modify-db-instance --db-instance-identifier <db> --deletion-protection --apply-immediately",
        terraform=(
            'resource "aws_db_instance" "ledger" {\n'
            '  identifier          = "payments-ledger"\n'
            "  deletion_protection = true\n"
            "}"
        ),
    ),
    inputs=(LIST_INSTANCES,),
    # Same check as Security Hub CSPM RDS.8; Prowler rds_instance_deletion_protection. NIST from Security
    # Hub's related requirements. See docs/mappings.md.
    mappings=Mappings(fsbp=("RDS.8",), nist=("CM-3", "SC-5(2)", "SI-13(5)")),
)


def _judge(db: DbInstance, protected: bool) -> tuple[str, str]:
    if protected:
        return PASS, f"DB instance {db.identifier} has deletion protection."
    return FAIL, f"DB instance {db.identifier} can be deleted in one call: deletion protection is off."


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    return evaluate_instance_setting(
        ctx,
        CONTROL,
        setting="DeletionProtection",
        read=lambda db: db.deletion_protection,
        judge=_judge,
        values=lambda db: {"DeletionProtection": db.deletion_protection},
        # Aurora: deletion protection is a cluster setting (RDS.7), clusters are not collected
        judged=lambda db: not db.cluster_identifier,
    )
