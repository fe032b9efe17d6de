"""SCPs stop member accounts from leaving the organization (SCPs judged per member account by the policy engine)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import HIGH, Control, Input, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.organizations._common import scp_protection_results

ACTIONS = ("organizations:LeaveOrganization",)

CONTROL = Control(
    id="organizations_scp_denies_leave_organization",
    title="SCPs stop member accounts from leaving the organization",
    severity=HIGH,
    practice="governance",
    service="organizations",
    scope="account",
    rationale=(
        "An account that leaves the organization drops every SCP, the organization trail, delegated "
        "security services and consolidated billing at once. Denying organizations:LeaveOrganization "
        "to member principals with an SCP at the root is one of the guardrails AWS recommends for "
        "every organization."
    ),
    remediation=Remediation(
        console=(
            "Organizations > Policies > Service control policies > Create policy: deny "
            "organizations:LeaveOrganization on all resources (exempt only a break-glass or pipeline role "
            "with an ArnNotLike aws:PrincipalArn condition) > attach it to the root (or every OU). SCPs "
            "never apply to the management account."
        ),
        cli=(
            "aws organizations create-policy --type SERVICE_CONTROL_POLICY --name scp_denies_leave_organization --content file://deny.json --description 'security guardrail'\n"
            "aws organizations attach-policy --policy-id <p-id> --target-id <root-or-ou-id>"
        ),
        terraform=(
            'data "aws_iam_policy_document" "denies_leave_organization" {\n'
            "  statement {\n"
            '    effect    = "Deny"\n'
            '    actions   = ["organizations:LeaveOrganization"]\n'
            '    resources = ["*"]\n'
            "    condition {\n"
            '      test     = "ArnNotLike"\n'
            '      variable = "aws:PrincipalArn"\n'
            '      values   = ["arn:aws:iam::*:role/<break-glass-role>"]\n'
            "    }\n"
            "  }\n"
            "}\n"
            "\n"
            'resource "aws_organizations_policy" "denies_leave_organization" {\n'
            '  name    = "denies_leave_organization"\n'
            '  type    = "SERVICE_CONTROL_POLICY"\n'
            "  content = data.aws_iam_policy_document.denies_leave_organization.json\n"
            "}\n"
            "\n"
            'resource "aws_organizations_policy_attachment" "denies_leave_organization" {\n'
            "  policy_id = aws_organizations_policy.denies_leave_organization.id\n"
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
    yield from scp_protection_results(ctx, CONTROL, ACTIONS, "membership of the organization")
