"""Secrets Manager resource policies do not let everyone read the secret."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import CRITICAL, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._resource_policy import SECRETS, evaluate_not_public

CONTROL = Control(
    id="secretsmanager_secret_not_public",
    title="Secrets Manager resource policies do not allow public access",
    severity=CRITICAL,
    practice="data",
    service="secretsmanager",
    scope="resource",
    rationale=(
        "A secret's resource policy is evaluated with the caller's own permissions: a statement for "
        'Principal "*" without a condition identifying the caller lets a principal of any AWS '
        "account call GetSecretValue (if the secret's KMS key also allows it), and the credential "
        "it holds is then everyone's. Secrets Manager's BlockPublicPolicy check refuses such "
        "policies when they are written, but older policies stay."
    ),
    remediation=Remediation(
        console=(
            "Secrets Manager console > the secret > Overview > Resource permissions > Edit permissions: "
            'remove the statement for "*" or name the accounts or roles that need the secret > Save.'
        ),
        cli=(
            "aws secretsmanager put-resource-policy --secret-id <secret> --resource-policy file://policy.json "
            "--block-public-policy"
        ),
        terraform=(
            'resource "aws_secretsmanager_secret_policy" "db" {\n'
            "  secret_arn          = aws_secretsmanager_secret.db.arn\n"
            "  block_public_policy = true\n"
            "  policy = jsonencode({\n"
            '    Version = "2012-10-17"\n'
            "    Statement = [{\n"
            '      Effect = "Allow", Principal = { AWS = aws_iam_role.app.arn }\n'
            '      Action = "secretsmanager:GetSecretValue", Resource = "*"\n'
            "    }]\n"
            "  })\n"
            "}"
        ),
    ),
    inputs=(SECRETS.listing, SECRETS.policy_input),
    # Same check as Prowler secretsmanager_not_publicly_accessible. Neither source lists a NIST 800-53
    # control. See docs/mappings.md.
    mappings=Mappings(),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from evaluate_not_public(ctx, CONTROL, SECRETS)
