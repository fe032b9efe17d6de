"""Resource control policies are in use (resource control policies attached beyond the AWS-managed default)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import MEDIUM, Control, Input, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.organizations._common import policy_in_use

POLICY_TYPE = "RESOURCE_CONTROL_POLICY"

CONTROL = Control(
    id="organizations_rcps_in_use",
    title="Resource control policies are in use",
    severity=MEDIUM,
    practice="governance",
    service="organizations",
    scope="organization",
    rationale=(
        "RCPs cap what any principal, including ones outside the organization, may do with the "
        "resources of member accounts (S3, KMS, STS, SQS, Secrets Manager): the central data "
        "perimeter. Without a customer-managed RCP, a resource policy mistake in any account is the "
        "only thing between the data and the internet."
    ),
    remediation=Remediation(
        console=(
            "Organizations > Policies > Resource control policies > Enable; Create policy (e.g. deny "
            "access from outside the organization unless aws:PrincipalOrgID matches, enforce TLS) > "
            "attach to the root or OUs."
        ),
        cli=(
            "aws organizations enable-policy-type --root-id <r-id> --policy-type RESOURCE_CONTROL_POLICY\n"
            "aws organizations create-policy --type RESOURCE_CONTROL_POLICY --name data-perimeter --content file://data-perimeter.json "
            "--description 'resource control policy'\n"
            "aws organizations attach-policy --policy-id <p-id> --target-id <root-or-ou-id>"
        ),
        terraform=(
            'resource "aws_organizations_policy" "data-perimeter" {\n'
            '  name    = "data-perimeter"\n'
            '  type    = "RESOURCE_CONTROL_POLICY"\n'
            '  content = file("data-perimeter.json")\n'
            "}\n"
            "\n"
            'resource "aws_organizations_policy_attachment" "data-perimeter" {\n'
            "  policy_id = aws_organizations_policy.data-perimeter.id\n"
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
    yield from policy_in_use(ctx, CONTROL, POLICY_TYPE, "resource control")
