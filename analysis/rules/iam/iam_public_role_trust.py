"""No role trusts any AWS principal ("*") without a condition that narrows who can assume it."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import CRITICAL, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.iam._common import AUTH_DETAILS, gc_paused_results
from analysis.rules.iam._trust import trust_kind_results

CONTROL = Control(
    id="iam_public_role_trust",
    title='No role trusts "*" without a restricting condition',
    severity=CRITICAL,
    practice="identity",
    service="iam",
    scope="resource",
    rationale=(
        'A trust policy with Principal "*" (or NotPrincipal) and no condition on the caller\'s '
        "organization, account, ARN or an external ID lets any AWS account in the world assume the "
        "role and use its permissions."
    ),
    remediation=Remediation(
        console=(
            "IAM > Roles > (role) > Trust relationships > Edit trust policy: name the trusted accounts or "
            'roles, or add a condition such as {"StringEquals": {"aws:PrincipalOrgID": "o-..."}}.'
        ),
        cli="aws iam update-assume-role-policy --role-name <role> --policy-document file://scoped-trust.json",
        terraform=(
            'data "aws_iam_policy_document" "trust" {\n'
            "  statement {\n"
            '    actions = ["sts:AssumeRole"]\n'
            "    principals {\n"
            '      type        = "AWS"\n'
            '      identifiers = ["*"]\n'
            "    }\n"
            "    condition {\n"
            '      test     = "StringEquals"\n'
            '      variable = "aws:PrincipalOrgID"\n'
            "      values   = [var.organization_id]\n"
            "    }\n"
            "  }\n"
            "}"
        ),
    ),
    inputs=(AUTH_DETAILS,),
    # Neither Prowler nor Security Hub CSPM has a check of this meaning: no framework mapping. See
    # docs/mappings.md.
    mappings=Mappings(),
)


@gc_paused_results
def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from trust_kind_results(
        ctx,
        CONTROL,
        "public_trust",
        pass_message='No role trusts "*" without a restricting condition.',
    )
