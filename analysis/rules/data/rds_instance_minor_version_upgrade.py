"""RDS DB instances apply minor engine versions automatically (RDS.13, CIS 2.2.2)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, HIGH, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._common import listing_gaps, result
from analysis.rules.data._rds import LIST_INSTANCES

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


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from listing_gaps(ctx, CONTROL, LIST_INSTANCES)
    for db in ctx.inventory.rds.instances.values():
        upgrade = db.auto_minor_version_upgrade
        values = {"AutoMinorVersionUpgrade": upgrade, "EngineVersion": db.engine_version}
        if upgrade is None:
            yield ctx.not_assessed(
                CONTROL,
                account_id=db.account_id,
                region=db.region,
                reason=f"DescribeDBInstances did not report AutoMinorVersionUpgrade for {db.identifier}",
                call_ids=db.call_ids,
                resource_arn=db.arn,
                resource_id=db.identifier,
            )
        elif upgrade:
            yield result(
                CONTROL,
                db,
                PASS,
                f"DB instance {db.identifier} applies minor engine versions automatically.",
                resource_id=db.identifier,
                values=values,
            )
        else:
            version = f" {db.engine} {db.engine_version}" if db.engine and db.engine_version else ""
            yield result(
                CONTROL,
                db,
                FAIL,
                f"DB instance {db.identifier} stays on{version or ' its engine version'} until upgraded by "
                "hand: automatic minor version upgrade is off.",
                resource_id=db.identifier,
                values=values,
            )
