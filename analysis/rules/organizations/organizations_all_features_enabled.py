"""The organization has all features enabled (not consolidated billing only)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, HIGH, PASS, Control, Input, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.organizations._common import make, org_not_assessed

CONTROL = Control(
    id="organizations_all_features_enabled",
    title="The organization has all features enabled",
    severity=HIGH,
    practice="governance",
    service="organizations",
    scope="organization",
    rationale=(
        "An organization created for consolidated billing only cannot use service control policies, "
        "resource control policies, delegated administrators or trusted access for security services: "
        "none of the central guardrails the multi-account white paper builds on exist. Enabling all "
        "features is the precondition for every other governance control."
    ),
    remediation=Remediation(
        console=(
            "In the management account: AWS Organizations > Settings > Begin process to enable all "
            "features; every invited member account must approve, then finalize."
        ),
        cli=(
            "aws organizations enable-all-features\n"
            "aws organizations describe-organization --query Organization.FeatureSet"
        ),
        terraform=('resource "aws_organizations_organization" "org" {\n  feature_set = "ALL"\n}'),
    ),
    inputs=(Input(service="organizations", operation="DescribeOrganization", regional=False),),
    # Neither Prowler nor Security Hub CSPM has a check of this meaning: no framework mapping. See
    # docs/mappings.md.
    mappings=Mappings(),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    na = org_not_assessed(ctx, CONTROL)
    if na is not None:
        yield na
        return
    org = ctx.inventory.organization
    ids = org.collection.call_ids[:1]
    if org.feature_set == "ALL":
        yield make(
            ctx, CONTROL, PASS, "All features are enabled.", call_ids=ids, values={"FeatureSet": "ALL"}
        )
    else:
        yield make(
            ctx,
            CONTROL,
            FAIL,
            f"The organization's feature set is {org.feature_set or 'not reported'}: SCPs, RCPs and "
            "delegated administrators are unavailable.",
            call_ids=ids,
            values={"FeatureSet": org.feature_set},
        )
