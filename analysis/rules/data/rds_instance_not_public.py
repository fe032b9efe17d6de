"""RDS DB instances are not publicly accessible (RDS.2)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.model.rds import DbInstance
from analysis.rules.base import CRITICAL, FAIL, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._rds import LIST_INSTANCES, evaluate_instance_setting

CONTROL = Control(
    id="rds_instance_not_public",
    title="RDS DB instances are not publicly accessible",
    severity=CRITICAL,
    practice="data",
    service="rds",
    scope="resource",
    rationale=(
        "A publicly accessible DB instance gets a DNS name resolving to a public IP address; with a "
        "route to an internet gateway and a permissive security group, the database listener is "
        "open to the internet and its password is the only barrier against brute force and engine "
        "exploits. Databases belong in private subnets, reached through the application tier. The "
        "network analysis says whether the listener is actually reachable."
    ),
    remediation=Remediation(
        console=(
            "RDS console > Databases > the instance > Modify > Connectivity > Additional configuration "
            "> Public access: Not publicly accessible > Continue > Apply immediately."
        ),
        cli="aws rds modify-db-instance --db-instance-identifier <db> --no-publicly-accessible --apply-immediately",
        terraform=(
            'resource "aws_db_instance" "reporting" {\n'
            '  identifier             = "payments-reporting"\n'
            "  publicly_accessible    = false\n"
            "  db_subnet_group_name   = aws_db_subnet_group.private.name\n"
            "  vpc_security_group_ids = [aws_security_group.db.id]\n"
            "}"
        ),
    ),
    inputs=(LIST_INSTANCES,),
    # Same check as Security Hub CSPM RDS.2; Prowler rds_instance_no_public_access. NIST from Security Hub's
    # related requirements. See docs/mappings.md.
    mappings=Mappings(
        cis=("2.2.3",),
        fsbp=("RDS.2",),
        nist=("AC-4", "AC-4(21)", "SC-7", "SC-7(11)", "SC-7(16)", "SC-7(21)", "SC-7(4)", "SC-7(5)"),
    ),
)


def _judge(db: DbInstance, public: bool) -> tuple[str, str]:
    if public:
        return (
            FAIL,
            f"DB instance {db.identifier} ({db.engine}) is publicly accessible: its endpoint resolves to a public address.",
        )
    return PASS, f"DB instance {db.identifier} is not publicly accessible."


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    return evaluate_instance_setting(
        ctx,
        CONTROL,
        setting="PubliclyAccessible",
        read=lambda db: db.publicly_accessible,
        judge=_judge,
        values=lambda db: {
            "PubliclyAccessible": db.publicly_accessible,
            "Endpoint": db.endpoint_address,
            "Port": db.port,
        },
    )
