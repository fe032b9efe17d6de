"""SCPs stop member accounts from disabling GuardDuty or leaving its administrator (SCPs judged per member account by the policy engine)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import HIGH, Control, Input, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.organizations._common import scp_protection_results

ACTIONS = (
    "guardduty:DeleteDetector",
    "guardduty:UpdateDetector",
    "guardduty:DisassociateFromAdministratorAccount",
    "guardduty:DisassociateFromMasterAccount",  # deprecated, still callable
)

CONTROL = Control(
    id="organizations_scp_protects_guardduty",
    title="SCPs stop member accounts from disabling GuardDuty or leaving its administrator",
    severity=HIGH,
    practice="governance",
    service="organizations",
    scope="account",
    rationale=(
        "GuardDuty is the organization's threat detection. Deleting or suspending a detector, or "
        "disassociating from the delegated administrator, silences it for that account. An SCP "
        "denying these actions to member principals keeps detection in place even for an intruder "
        "holding administrator rights in the account."
    ),
    remediation=Remediation(
        console=(
            "Organizations > Policies > Service control policies > Create policy: deny "
            "guardduty:DeleteDetector, guardduty:UpdateDetector, "
            "guardduty:DisassociateFromAdministratorAccount, guardduty:DisassociateFromMasterAccount, "
            "guardduty:DeleteMembers on all resources (exempt only a break-glass or pipeline role with an "
            "ArnNotLike aws:PrincipalArn condition) > attach it to the root (or every OU). SCPs never "
            "apply to the management account."
        ),
        cli=(
            "aws organizations create-policy --type SERVICE_CONTROL_POLICY --name scp_protects_guardduty --content file://deny.json --description 'security guardrail'\n"
            "aws organizations attach-policy --policy-id <p-id> --target-id <root-or-ou-id>"
        ),
        terraform=(
            'data "aws_iam_policy_document" "protects_guardduty" {\n'
            "  statement {\n"
            '    effect    = "Deny"\n'
            '    actions   = ["guardduty:DeleteDetector", "guardduty:UpdateDetector", "guardduty:DisassociateFromAdministratorAccount", "guardduty:DisassociateFromMasterAccount", "guardduty:DeleteMembers"]\n'
            '    resources = ["*"]\n'
            "    condition {\n"
            '      test     = "ArnNotLike"\n'
            '      variable = "aws:PrincipalArn"\n'
            '      values   = ["arn:aws:iam::*:role/<break-glass-role>"]\n'
            "    }\n"
            "  }\n"
            "}\n"
            "\n"
            'resource "aws_organizations_policy" "protects_guardduty" {\n'
            '  name    = "protects_guardduty"\n'
            '  type    = "SERVICE_CONTROL_POLICY"\n'
            "  content = data.aws_iam_policy_document.protects_guardduty.json\n"
            "}\n"
            "\n"
            'resource "aws_organizations_policy_attachment" "protects_guardduty" {\n'
            "  policy_id = aws_organizations_policy.protects_guardduty.id\n"
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
    yield from scp_protection_results(ctx, CONTROL, ACTIONS, "GuardDuty threat detection")
