"""Every account sets its own IAM password policy (GetAccountPasswordPolicy answers rather than NoSuchEntity)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import MEDIUM, Control, Evidence, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.iam._common import (
    NO_CUSTOM_POLICY,
    PASSWORD_POLICY,
    account_result,
    gc_paused_results,
    password_policies,
)

CONTROL = Control(
    id="iam_password_policy_exists",
    title="The account has a custom IAM password policy",
    severity=MEDIUM,
    practice="identity",
    service="iam",
    scope="account",
    rationale=(
        "Without a custom password policy an account falls back on IAM's default rules, which "
        "neither require a length of 14 nor prevent reuse. Even an account meant to have no IAM "
        "users should set one: the day someone creates a console user there, the rules are already "
        "in place."
    ),
    remediation=Remediation(
        console="IAM > Account settings > Password policy > Edit > Custom: set the rules, then Save changes.",
        cli=(
            "aws iam update-account-password-policy --minimum-password-length 14 --require-symbols "
            "--require-numbers --require-uppercase-characters --require-lowercase-characters "
            "--password-reuse-prevention 24 --allow-users-to-change-password"
        ),
        terraform=(
            'resource "aws_iam_account_password_policy" "this" {\n'
            "  minimum_password_length        = 14\n"
            "  require_symbols                = true\n"
            "  require_numbers                = true\n"
            "  require_uppercase_characters   = true\n"
            "  require_lowercase_characters   = true\n"
            "  password_reuse_prevention      = 24\n"
            "  allow_users_to_change_password = true\n"
            "}"
        ),
    ),
    inputs=(PASSWORD_POLICY,),
    # Neither Prowler nor Security Hub CSPM has a check of this meaning: no framework mapping. See
    # docs/mappings.md.
    mappings=Mappings(),
)


@gc_paused_results
def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    for account_id, gap, settings, call_ids in password_policies(ctx, CONTROL):
        if gap is not None:
            yield gap
            continue
        yield account_result(
            ctx,
            CONTROL,
            account_id,
            passed=settings is not None,
            message="The account has a custom password policy."
            if settings is not None
            else f"{NO_CUSTOM_POLICY}.",
            evidence=Evidence(call_ids=call_ids, values=dict(settings or {})),
        )
