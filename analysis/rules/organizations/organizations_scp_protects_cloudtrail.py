"""SCPs stop member accounts from disabling or changing CloudTrail (SCPs judged per member account by the policy engine)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import HIGH, Control, Input, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.organizations._common import scp_protection_results

ACTIONS = (
    "cloudtrail:StopLogging",
    "cloudtrail:DeleteTrail",
    "cloudtrail:UpdateTrail",
    "cloudtrail:PutEventSelectors",
)

CONTROL = Control(
    id="organizations_scp_protects_cloudtrail",
    title="SCPs stop member accounts from disabling or changing CloudTrail",
    severity=HIGH,
    practice="governance",
    service="organizations",
    scope="account",
    rationale=(
        "The first thing an intruder with administrator rights in a member account does is stop the "
        "trail that records them. An SCP denying StopLogging, DeleteTrail, UpdateTrail and "
        "PutEventSelectors to member principals keeps the audit trail running whatever IAM "
        "permissions exist in the account; the white paper lists protecting security services with "
        "SCPs among the preventive guardrails. Judged by the policy engine along each account's OU "
        "path; exemptions (conditions on the deny) are named for review."
    ),
    remediation=Remediation(
        console=(
            "Organizations > Policies > Service control policies > Create policy: deny "
            "cloudtrail:StopLogging, cloudtrail:DeleteTrail, cloudtrail:UpdateTrail, "
            "cloudtrail:PutEventSelectors on all resources (exempt only a break-glass or pipeline role "
            "with an ArnNotLike aws:PrincipalArn condition) > attach it to the root (or every OU). SCPs "
            "never apply to the management account."
        ),
        cli=(
            "aws organizations create-policy --type SERVICE_CONTROL_POLICY --name scp_protects_cloudtrail --content file://deny.json --description 'security guardrail'\n"
            "aws organizations attach-policy --policy-id <p-id> --target-id <root-or-ou-id>"
        ),
        terraform=(
            'data "aws_iam_policy_document" "protects_cloudtrail" {\n'
            "  statement {\n"
            '    effect    = "Deny"\n'
            '    actions   = ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail", "cloudtrail:PutEventSelectors"]\n'
            '    resources = ["*"]\n'
            "    condition {\n"
            '      test     = "ArnNotLike"\n'
            '      variable = "aws:PrincipalArn"\n'
            '      values   = ["arn:aws:iam::*:role/<break-glass-role>"]\n'
            "    }\n"
            "  }\n"
            "}\n"
            "\n"
            'resource "aws_organizations_policy" "protects_cloudtrail" {\n'
            '  name    = "protects_cloudtrail"\n'
            '  type    = "SERVICE_CONTROL_POLICY"\n'
            "  content = data.aws_iam_policy_document.protects_cloudtrail.json\n"
            "}\n"
            "\n"
            'resource "aws_organizations_policy_attachment" "protects_cloudtrail" {\n'
            "  policy_id = aws_organizations_policy.protects_cloudtrail.id\n"
            "  target_id = aws_organizations_organization.org.roots[0].id\n"
            "}"
        ),
    ),
    inputs=(
        Input(service="organizations", operation="ListPolicies", regional=False),
        Input(service="organizations", operation="DescribePolicy", regional=False),
        Input(service="organizations", operation="ListTargetsForPolicy", regional=False),
    ),
    # Neither Prowler nor Security Hub CSPM has a check of this meaning: no framework mapping. See
    # docs/mappings.md.
    mappings=Mappings(),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from scp_protection_results(ctx, CONTROL, ACTIONS, "CloudTrail logging")
