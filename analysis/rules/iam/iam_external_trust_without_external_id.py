"""Roles that trust an account outside the organization require sts:ExternalId (the confused-deputy guard)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import HIGH, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.iam._common import AUTH_DETAILS, ORG_ACCOUNTS, gc_paused_results
from analysis.rules.iam._trust import trust_kind_results

CONTROL = Control(
    id="iam_external_trust_without_external_id",
    title="Roles trusted by third-party accounts require an external ID",
    severity=HIGH,
    practice="identity",
    service="iam",
    scope="resource",
    rationale=(
        "A vendor that assumes roles in many customers' accounts can be tricked by one customer "
        "into using another customer's role ARN (the confused deputy). An sts:ExternalId condition "
        "with a value the vendor ties to you makes the vendor's request for your role fail unless "
        "it is made on your behalf (IAM User Guide, 'The confused deputy problem')."
    ),
    remediation=Remediation(
        console=(
            "IAM > Roles > (role) > Trust relationships > Edit trust policy: add "
            'Condition {"StringEquals": {"sts:ExternalId": "<id the vendor gave you>"}} to the statement that '
            "trusts the vendor's account."
        ),
        cli="aws iam update-assume-role-policy --role-name <role> --policy-document file://trust-with-external-id.json",
        terraform=(
            'data "aws_iam_policy_document" "vendor_trust" {\n'
            "  statement {\n"
            '    actions = ["sts:AssumeRole"]\n'
            "    principals {\n"
            '      type        = "AWS"\n'
            '      identifiers = ["arn:aws:iam::999988887777:root"]\n'
            "    }\n"
            "    condition {\n"
            '      test     = "StringEquals"\n'
            '      variable = "sts:ExternalId"\n'
            "      values   = [var.vendor_external_id]\n"
            "    }\n"
            "  }\n"
            "}"
        ),
    ),
    inputs=(AUTH_DETAILS, ORG_ACCOUNTS),
    # Neither Prowler nor Security Hub CSPM has a check of this meaning: no framework mapping. See
    # docs/mappings.md.
    mappings=Mappings(),
)


@gc_paused_results
def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from trust_kind_results(
        ctx,
        CONTROL,
        "external_trust_without_external_id",
        pass_message="No role trusts an account outside the organization without sts:ExternalId.",
        needs_organization=True,
    )
