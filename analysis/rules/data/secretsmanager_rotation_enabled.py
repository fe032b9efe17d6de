"""Secrets Manager secrets have automatic rotation configured (SecretsManager.1)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, MEDIUM, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._common import listing_gaps, result
from analysis.rules.data._secrets import LIST_SECRETS

CONTROL = Control(
    id="secretsmanager_rotation_enabled",
    title="Secrets Manager secrets have automatic rotation enabled",
    severity=MEDIUM,
    practice="data",
    service="secretsmanager",
    scope="resource",
    rationale=(
        "A secret that never changes stays valid for as long as anyone who ever saw it (a developer, "
        "a log line, a former employee, a leaked backup) keeps a copy. Automatic rotation replaces the "
        "credential on a schedule through a rotation function, bounding how long a leaked value is useful."
    ),
    remediation=Remediation(
        console=(
            "Secrets Manager console > the secret > Rotation > Edit rotation > turn on Automatic "
            "rotation, choose the schedule and the rotation function > Save."
        ),
        cli=(
            "aws secretsmanager rotate-secret --secret-id <secret> --rotation-lambda-arn <function-arn> "
            "--rotation-rules AutomaticallyAfterDays=30"
        ),
        terraform=(
            'resource "aws_secretsmanager_secret_rotation" "db" {\n'
            "  secret_id           = aws_secretsmanager_secret.db.id\n"
            "  rotation_lambda_arn = aws_lambda_function.rotate_db.arn\n"
            "  rotation_rules {\n"
            "    automatically_after_days = 30\n"
            "  }\n"
            "}"
        ),
    ),
    inputs=(LIST_SECRETS,),
    # Same check as Security Hub CSPM SecretsManager.1; Prowler secretsmanager_automatic_rotation_enabled.
    # NIST from Security Hub's related requirements. See docs/mappings.md.
    mappings=Mappings(fsbp=("SecretsManager.1",), nist=("AC-2(1)", "AC-3(15)")),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from listing_gaps(ctx, CONTROL, LIST_SECRETS)
    for secret in ctx.inventory.resource_policies.secrets.values():
        if secret.deleted:
            continue  # scheduled for deletion: no longer in use
        values = {"RotationEnabled": secret.rotation_enabled, "AutomaticallyAfterDays": secret.rotation_days}
        if secret.rotation_enabled:
            every = f" every {secret.rotation_days} days" if secret.rotation_days else ""
            yield result(
                CONTROL,
                secret,
                PASS,
                f"Secret {secret.name} rotates automatically{every}.",
                resource_id=secret.name,
                values=values,
            )
        else:
            yield result(
                CONTROL,
                secret,
                FAIL,
                f"Secret {secret.name} has no automatic rotation: its value never changes on its own.",
                resource_id=secret.name,
                values=values,
            )
