"""Tag policies are in use (tag policies attached beyond the AWS-managed default)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import LOW, Control, Input, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.organizations._common import policy_in_use

POLICY_TYPE = "TAG_POLICY"

CONTROL = Control(
    id="organizations_tag_policies_in_use",
    title="Tag policies are in use",
    severity=LOW,
    practice="governance",
    service="organizations",
    scope="organization",
    rationale=(
        "Tag policies standardize the tags (owner, cost centre, data classification) that "
        "inventories, cost reports and attribute-based access control depend on. Informational: their "
        "absence makes ownership and classification of resources harder to establish."
    ),
    remediation=Remediation(
        console=(
            "Organizations > Policies > Tag policies > Enable; Create policy with the required keys and "
            "values > attach to the root or OUs."
        ),
        cli=(
            "aws organizations enable-policy-type --root-id <r-id> --policy-type TAG_POLICY\n"
            "aws organizations create-policy --type TAG_POLICY --name tagging --content file://tagging.json "
            "--description 'tag policy'\n"
            "aws organizations attach-policy --policy-id <p-id> --target-id <root-or-ou-id>"
        ),
        terraform=(
            'resource "aws_organizations_policy" "tagging" {\n'
            '  name    = "tagging"\n'
            '  type    = "TAG_POLICY"\n'
            '  content = file("tagging.json")\n'
            "}\n"
            "\n"
            'resource "aws_organizations_policy_attachment" "tagging" {\n'
            "  policy_id = aws_organizations_policy.tagging.id\n"
            "  target_id = aws_organizations_organization.org.roots[0].id\n"
            "}"
        ),
    ),
    inputs=(
        Input(service="organizations", operation="DescribeOrganization", regional=False),
        Input(service="organizations", operation="ListPolicies", regional=False),
        Input(service="organizations", operation="ListTargetsForPolicy", regional=False),
    ),
    # Same check as Prowler organizations_tags_policies_enabled_and_attached. Neither source lists a NIST
    # 800-53 control. See docs/mappings.md.
    mappings=Mappings(),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from policy_in_use(ctx, CONTROL, POLICY_TYPE, "tag")
