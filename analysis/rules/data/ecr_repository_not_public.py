"""ECR repository policies do not let everyone pull or push images."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import HIGH, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._resource_policy import ECR_REPOSITORIES, evaluate_not_public

CONTROL = Control(
    id="ecr_repository_not_public",
    title="ECR repository policies do not allow public access",
    severity=HIGH,
    practice="data",
    service="ecr",
    scope="resource",
    rationale=(
        'A private repository policy for Principal "*" lets any AWS account pull the images (with '
        "the code, configuration and sometimes credentials baked into them), or push images that "
        "the organization's workloads will then run. Images meant to be public belong in ECR Public; "
        "private repositories should name the accounts or the organization that may pull."
    ),
    remediation=Remediation(
        console=(
            "ECR console > Repositories > the repository > Permissions > Edit policy JSON: replace "
            'Principal "*" with account ARNs or add an aws:PrincipalOrgID condition > Save.'
        ),
        cli="aws ecr set-repository-policy --repository-name <repository> --policy-text file://policy.json",
        terraform=(
            'resource "aws_ecr_repository_policy" "base" {\n'
            "  repository = aws_ecr_repository.base.name\n"
            "  policy = jsonencode({\n"
            '    Version = "2012-10-17"\n'
            "    Statement = [{\n"
            '      Effect = "Allow", Principal = "*"\n'
            '      Action = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]\n'
            '      Condition = { StringEquals = { "aws:PrincipalOrgID" = var.organization_id } }\n'
            "    }]\n"
            "  })\n"
            "}"
        ),
    ),
    inputs=(ECR_REPOSITORIES.listing, ECR_REPOSITORIES.policy_input),
    # Same check as Prowler ecr_repositories_not_publicly_accessible. Neither source lists a NIST 800-53
    # control. See docs/mappings.md.
    mappings=Mappings(),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from evaluate_not_public(ctx, CONTROL, ECR_REPOSITORIES)
