"""Backup policies are in use (backup policies attached beyond the AWS-managed default)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import LOW, Control, Input, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.organizations._common import policy_in_use

POLICY_TYPE = "BACKUP_POLICY"

CONTROL = Control(
    id="organizations_backup_policies_in_use",
    title="Backup policies are in use",
    severity=LOW,
    practice="governance",
    service="organizations",
    scope="organization",
    rationale=(
        "Backup policies apply AWS Backup plans to the accounts of an OU centrally, so that recovery "
        "does not depend on each team remembering to back up. Informational: backups may be managed "
        "otherwise (per account plans, Control Tower)."
    ),
    remediation=Remediation(
        console=(
            "Organizations > Policies > Backup policies > Enable; Create policy with the backup plan "
            "(schedule, vault, retention) > attach to the workload OUs."
        ),
        cli=(
            "aws organizations enable-policy-type --root-id <r-id> --policy-type BACKUP_POLICY\n"
            "aws organizations create-policy --type BACKUP_POLICY --name backup-baseline --content file://backup-baseline.json "
            "--description 'backup policy'\n"
            "aws organizations attach-policy --policy-id <p-id> --target-id <root-or-ou-id>"
        ),
        terraform=(
            'resource "aws_organizations_policy" "backup-baseline" {\n'
            '  name    = "backup-baseline"\n'
            '  type    = "BACKUP_POLICY"\n'
            '  content = file("backup-baseline.json")\n'
            "}\n"
            "\n"
            'resource "aws_organizations_policy_attachment" "backup-baseline" {\n'
            "  policy_id = aws_organizations_policy.backup-baseline.id\n"
            "  target_id = aws_organizations_organization.org.roots[0].id\n"
            "}"
        ),
    ),
    inputs=(
        Input(service="organizations", operation="DescribeOrganization", regional=False),
        Input(service="organizations", operation="ListPolicies", regional=False),
        Input(service="organizations", operation="ListTargetsForPolicy", regional=False),
    ),
    # Neither Prowler nor Security Hub CSPM has a check of this meaning: no framework mapping. See
    # docs/mappings.md.
    mappings=Mappings(),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from policy_in_use(ctx, CONTROL, POLICY_TYPE, "backup")
