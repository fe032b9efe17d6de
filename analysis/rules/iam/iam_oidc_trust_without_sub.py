"""Web-identity (OIDC) trusts restrict the token's subject (GitHub Actions: the repository and branch)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import HIGH, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.iam._common import AUTH_DETAILS, gc_paused_results
from analysis.rules.iam._trust import trust_kind_results

CONTROL = Control(
    id="iam_oidc_trust_without_sub",
    title="OIDC (web identity) role trusts restrict the token subject",
    severity=HIGH,
    practice="identity",
    service="iam",
    scope="resource",
    rationale=(
        "An OIDC provider such as GitHub Actions issues tokens to every workflow of every "
        "repository on the platform. A role that checks only the audience accepts all of them: "
        "anyone can write a workflow that assumes it. The <provider>:sub condition pins the role "
        "to your repository (and branch or environment); for Cognito the aud condition pins the "
        "identity pool."
    ),
    remediation=Remediation(
        console=(
            "IAM > Roles > (role) > Trust relationships > Edit trust policy: add "
            '"StringEquals": {"token.actions.githubusercontent.com:sub": '
            '"repo:<org>/<repo>:ref:refs/heads/main"} (or StringLike on a narrow pattern).'
        ),
        cli="aws iam update-assume-role-policy --role-name <role> --policy-document file://trust-with-sub.json",
        terraform=(
            'data "aws_iam_policy_document" "github" {\n'
            "  statement {\n"
            '    actions = ["sts:AssumeRoleWithWebIdentity"]\n'
            "    principals {\n"
            '      type        = "Federated"\n'
            "      identifiers = [aws_iam_openid_connect_provider.github.arn]\n"
            "    }\n"
            "    condition {\n"
            '      test     = "StringEquals"\n'
            '      variable = "token.actions.githubusercontent.com:aud"\n'
            '      values   = ["sts.amazonaws.com"]\n'
            "    }\n"
            "    condition {\n"
            '      test     = "StringEquals"\n'
            '      variable = "token.actions.githubusercontent.com:sub"\n'
            '      values   = ["repo:example-corp/infra:ref:refs/heads/main"]\n'
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
        "oidc_trust_without_sub",
        pass_message="Every web-identity trust restricts the token subject (or the Cognito audience).",
    )
