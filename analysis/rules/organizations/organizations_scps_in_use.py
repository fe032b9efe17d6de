"""Service control policies are enabled and a custom SCP applies somewhere (not only FullAWSAccess)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, HIGH, NOT_ASSESSED, PASS, Control, Input, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.organizations._common import SCP, make, org_not_assessed, policy_type_gap

CONTROL = Control(
    id="organizations_scps_in_use",
    title="Service control policies beyond FullAWSAccess are attached",
    severity=HIGH,
    practice="governance",
    service="organizations",
    scope="organization",
    rationale=(
        "SCPs are the organization's preventive guardrails: the maximum permissions any principal in "
        "a member account can have. With SCPs disabled, or only the AWS-managed FullAWSAccess "
        "attached, nothing central limits what an administrator (or an intruder) in a member account "
        "can do. At least one customer-managed SCP must be attached to the root, an OU or an account."
    ),
    remediation=Remediation(
        console=(
            "AWS Organizations > Policies > Service control policies > Enable; then Create policy "
            "(e.g. deny leaving the organization, deny disabling CloudTrail/GuardDuty/Config, region "
            "restriction) and attach it to the root or the OUs."
        ),
        cli=(
            "aws organizations enable-policy-type --root-id <r-id> --policy-type SERVICE_CONTROL_POLICY\n"
            "aws organizations create-policy --type SERVICE_CONTROL_POLICY --name guardrails "
            "--content file://guardrails.json --description 'baseline guardrails'\n"
            "aws organizations attach-policy --policy-id <p-id> --target-id <r-id>"
        ),
        terraform=(
            'resource "aws_organizations_organization" "org" {\n'
            '  feature_set          = "ALL"\n'
            '  enabled_policy_types = ["SERVICE_CONTROL_POLICY"]\n'
            "}\n"
            "\n"
            'resource "aws_organizations_policy" "guardrails" {\n'
            '  name    = "guardrails"\n'
            '  type    = "SERVICE_CONTROL_POLICY"\n'
            '  content = file("guardrails.json")\n'
            "}\n"
            "\n"
            'resource "aws_organizations_policy_attachment" "root" {\n'
            "  policy_id = aws_organizations_policy.guardrails.id\n"
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
    na = org_not_assessed(ctx, CONTROL)
    if na is not None:
        yield na
        return
    org = ctx.inventory.organization
    enabled = dict(org.available_policy_types).get(SCP) == "ENABLED"
    scps = [p for p in org.policies.values() if p.type == SCP]
    custom = [p for p in scps if not p.aws_managed and p.target_ids]
    ids = [*org.collection.call_ids[:1], *(i for p in scps for i in p.call_ids)]
    values = {
        "SCP policy type": "ENABLED" if enabled else "not enabled",
        "custom SCPs attached": {p.name or p.id: list(p.target_ids) for p in custom},
    }
    if custom:
        yield make(
            ctx,
            CONTROL,
            PASS,
            f"{len(custom)} customer-managed SCP(s) attached: "
            + ", ".join(sorted(p.name or p.id for p in custom))
            + ".",
            call_ids=ids,
            values=values,
        )
        return
    if not enabled and org.available_policy_types is not None and org.feature_set:
        yield make(
            ctx, CONTROL, FAIL, "The SCP policy type is not enabled at the root.", call_ids=ids, values=values
        )
        return
    gap = policy_type_gap(ctx, SCP)
    if gap is not None:
        yield make(ctx, CONTROL, NOT_ASSESSED, gap, call_ids=ids)
        return
    yield make(
        ctx,
        CONTROL,
        FAIL,
        "SCPs are enabled but no customer-managed SCP is attached: only FullAWSAccess applies, which "
        "restricts nothing.",
        call_ids=ids,
        values=values,
    )
