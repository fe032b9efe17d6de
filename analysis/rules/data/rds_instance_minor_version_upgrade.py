"""RDS DB instances apply minor engine versions automatically (RDS.13, CIS 2.2.2)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.model.rds import DbInstance
from analysis.rules.base import FAIL, HIGH, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._rds import LIST_INSTANCES, evaluate_instance_setting

CONTROL = Control(
    id="rds_instance_minor_version_upgrade",
    title="RDS DB instances have automatic minor version upgrades enabled",
    severity=HIGH,
    practice="data",
    service="rds",
    scope="resource",
    rationale=(
        "Minor engine versions carry the security fixes of the database engine. With automatic minor "
        "version upgrade, RDS applies them in the maintenance window; without it an instance stays on "
        "its version, with its known vulnerabilities, until someone plans an upgrade. Each instance is "
        "judged on its own setting; an Aurora cluster also needs the setting on the cluster itself, "
        "which is not collected."
    ),
    remediation=Remediation(
        console=(
            "RDS console > Databases > the instance > Modify > Maintenance > Auto minor version upgrade: "
            "Enable > Continue > Apply during the next maintenance window."
        ),
        cli="aws rds modify-db-instance --db-instance-identifier <db> --auto-minor-version-upgrade",
        terraform=(
            'resource "aws_db_instance" "ledger" {\n'
            '  identifier                 = "payments-ledger"\n'
            "  auto_minor_version_upgrade = true\n"
            '  maintenance_window         = "sun:03:00-sun:04:00"\n'
            "}"
        ),
    ),
    inputs=(LIST_INSTANCES,),
    # Same check as Security Hub CSPM RDS.13; Prowler rds_instance_minor_version_upgrade_enabled. NIST from
    # Security Hub's related requirements. See docs/mappings.md.
    mappings=Mappings(cis=("2.2.2",), fsbp=("RDS.13",), nist=("SI-2", "SI-2(2)", "SI-2(4)", "SI-2(5)")),
)


def _judge(db: DbInstance, upgrade: bool) -> tuple[str, str]:
    if upgrade:
        return PASS, f"DB instance {db.identifier} applies minor engine versions automatically."
    version = f" {db.engine} {db.engine_version}" if db.engine and db.engine_version else ""
    return (
        FAIL,
        f"DB instance {db.identifier} stays on{version or ' its engine version'} until upgraded by "
        "hand: automatic minor version upgrade is off.",
    )


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    return evaluate_instance_setting(
        ctx,
        CONTROL,
        setting="AutoMinorVersionUpgrade",
        read=lambda db: db.auto_minor_version_upgrade,
        judge=_judge,
        values=lambda db: {
            "AutoMinorVersionUpgrade": db.auto_minor_version_upgrade,
            "EngineVersion": db.engine_version,
        },
    )
