"""SCPs stop member accounts from stopping or deleting AWS Config (SCPs judged per member account by the policy engine)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import MEDIUM, Control, Input, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.organizations._common import scp_protection_results

ACTIONS = (
    "config:StopConfigurationRecorder",
    "config:DeleteConfigurationRecorder",
    "config:DeleteDeliveryChannel",
)

CONTROL = Control(
    id="organizations_scp_protects_config",
    title="SCPs stop member accounts from stopping or deleting AWS Config",
    severity=MEDIUM,
    practice="governance",
    service="organizations",
    scope="account",
    rationale=(
        "AWS Config is the configuration history an investigation relies on. A member account "
        "administrator who can stop the recorder or delete the delivery channel can make changes that "
        "leave no history. An SCP denying those actions to member principals keeps the recorder on "
        "regardless of IAM permissions in the account."
    ),
    remediation=Remediation(
        console=(
            "Organizations > Policies > Service control policies > Create policy: deny "
            "config:StopConfigurationRecorder, config:DeleteConfigurationRecorder, "
            "config:DeleteDeliveryChannel on all resources (exempt only a break-glass or pipeline role "
            "with an ArnNotLike aws:PrincipalArn condition) > attach it to the root (or every OU). SCPs "
            "never apply to the management account."
        ),
        cli=(
            "aws organizations create-policy --type SERVICE_CONTROL_POLICY --name scp_protects_config --content file://deny.json --description 'security guardrail'\n"
            "aws organizations attach-policy --policy-id <p-id> --target-id <root-or-ou-id>"
        ),
        terraform=(
            'data "aws_iam_policy_document" "protects_config" {\n'
            "  statement {\n"
            '    effect    = "Deny"\n'
            '    actions   = ["config:StopConfigurationRecorder", "config:DeleteConfigurationRecorder", "config:DeleteDeliveryChannel"]\n'
            '    resources = ["*"]\n'
            "    condition {\n"
            '      test     = "ArnNotLike"\n'
            '      variable = "aws:PrincipalArn"\n'
            '      values   = ["arn:aws:iam::*:role/<break-glass-role>"]\n'
            "    }\n"
            "  }\n"
            "}\n"
            "\n"
            'resource "aws_organizations_policy" "protects_config" {\n'
            '  name    = "protects_config"\n'
            '  type    = "SERVICE_CONTROL_POLICY"\n'
            "  content = data.aws_iam_policy_document.protects_config.json\n"
            "}\n"
            "\n"
            'resource "aws_organizations_policy_attachment" "protects_config" {\n'
            "  policy_id = aws_organizations_policy.protects_config.id\n"
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
    yield from scp_protection_results(ctx, CONTROL, ACTIONS, "AWS Config recording")
