"""Secrets Manager secrets were rotated within the last 90 days (SecretsManager.4)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, MEDIUM, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._common import listing_gaps, parse_time, result
from analysis.rules.data._secrets import LIST_SECRETS, MAX_DAYS

CONTROL = Control(
    id="secretsmanager_rotated_recently",
    title="Secrets Manager secrets were rotated within 90 days",
    severity=MEDIUM,
    practice="data",
    service="secretsmanager",
    scope="resource",
    rationale=(
        "Rotation configured is not rotation done: a rotation function that fails, or a schedule "
        "longer than the policy allows, leaves the same value in place. LastRotatedDate shows when "
        "the secret's value was last replaced by rotation; a secret never rotated is as old as the "
        "first copy anyone made of it."
    ),
    remediation=Remediation(
        console=(
            "Secrets Manager console > the secret > Rotation > Rotate secret immediately; fix the "
            "rotation function if it fails (its CloudWatch logs say why) and set a schedule of 90 days or less."
        ),
        cli="aws secretsmanager rotate-secret --secret-id <secret>",
        terraform=(
            'resource "aws_secretsmanager_secret_rotation" "db" {\n'
            "  secret_id           = aws_secretsmanager_secret.db.id\n"
            "  rotation_lambda_arn = aws_lambda_function.rotate_db.arn\n"
            '  rotation_rules { schedule_expression = "rate(30 days)" }\n'
            "}"
        ),
    ),
    inputs=(LIST_SECRETS,),
    # Same check as Security Hub CSPM SecretsManager.4; Prowler secretsmanager_secret_rotated_periodically.
    # NIST from Security Hub's related requirements. See docs/mappings.md.
    mappings=Mappings(fsbp=("SecretsManager.4",), nist=("AC-2(1)", "AC-3(15)")),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from listing_gaps(ctx, CONTROL, LIST_SECRETS)
    for secret in ctx.inventory.resource_policies.secrets.values():
        if secret.deleted:
            continue
        rotated = parse_time(secret.last_rotated)
        values = {
            "LastRotatedDate": secret.last_rotated,
            "RotationEnabled": secret.rotation_enabled,
            "CollectedAt": ctx.now.isoformat(),
        }
        if rotated is None:
            yield result(
                CONTROL,
                secret,
                FAIL,
                f"Secret {secret.name} has never been rotated.",
                resource_id=secret.name,
                values=values,
            )
            continue
        days = (ctx.now - rotated).days
        if days <= MAX_DAYS:
            yield result(
                CONTROL,
                secret,
                PASS,
                f"Secret {secret.name} was rotated {days} days before collection.",
                resource_id=secret.name,
                values=values,
            )
        else:
            yield result(
                CONTROL,
                secret,
                FAIL,
                f"Secret {secret.name} was last rotated {days} days before collection (more than {MAX_DAYS}).",
                resource_id=secret.name,
                values=values,
            )
