"""The IAM password policy has the strong configuration Security Hub's IAM.7 checks.

IAM.7's defaults: at least one uppercase letter, one lowercase letter, one symbol and one number,
and a minimum length of 8 (Security Hub CSPM control reference, [IAM.7] parameters). Length 14
and reuse are separate controls (iam_password_policy_min_length, iam_password_policy_reuse), as
CIS has them.
"""

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

REQUIRED_FLAGS = (
    "RequireUppercaseCharacters",
    "RequireLowercaseCharacters",
    "RequireSymbols",
    "RequireNumbers",
)
MIN_LENGTH = 8

CONTROL = Control(
    id="iam_password_policy_strong",
    title="The IAM password policy requires all four character classes",
    severity=MEDIUM,
    practice="identity",
    service="iam",
    scope="account",
    rationale=(
        "Requiring uppercase, lowercase, digits and symbols widens the character set an attacker "
        "must search and rules out the all-lowercase dictionary words people pick when nothing "
        "stops them."
    ),
    remediation=Remediation(
        console=(
            "IAM > Account settings > Password policy > Edit > Custom: tick require uppercase, lowercase, "
            "numbers and non-alphanumeric characters; minimum length 14."
        ),
        cli=(
            "aws iam update-account-password-policy --require-uppercase-characters "
            "--require-lowercase-characters --require-numbers --require-symbols --minimum-password-length 14"
        ),
        terraform=(
            'resource "aws_iam_account_password_policy" "this" {\n'
            "  minimum_password_length      = 14\n"
            "  require_uppercase_characters = true\n"
            "  require_lowercase_characters = true\n"
            "  require_numbers              = true\n"
            "  require_symbols              = true\n"
            "}"
        ),
    ),
    inputs=(PASSWORD_POLICY,),
    # Same check as Security Hub CSPM IAM.7. NIST from Security Hub's related requirements. See
    # docs/mappings.md.
    mappings=Mappings(fsbp=("IAM.7",), nist=("AC-2(1)", "AC-2(3)", "AC-3(15)", "IA-5(1)")),
)


@gc_paused_results
def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    for account_id, gap, settings, call_ids in password_policies(ctx, CONTROL):
        if gap is not None:
            yield gap
            continue
        if settings is None:
            yield account_result(
                ctx,
                CONTROL,
                account_id,
                passed=False,
                message=f"{NO_CUSTOM_POLICY}; they do not require all four character classes.",
                evidence=Evidence(call_ids=call_ids),
            )
            continue
        missing = [flag for flag in REQUIRED_FLAGS if settings.get(flag) is not True]
        length = settings.get("MinimumPasswordLength")
        short = not (isinstance(length, int) and length >= MIN_LENGTH)
        problems = [f"{flag} is not set" for flag in missing]
        if short:
            problems.append(f"MinimumPasswordLength is {length} (at least {MIN_LENGTH})")
        yield account_result(
            ctx,
            CONTROL,
            account_id,
            passed=not problems,
            message="The password policy requires uppercase, lowercase, numbers and symbols."
            if not problems
            else "The password policy is weak: " + "; ".join(problems) + ".",
            evidence=Evidence(
                call_ids=call_ids,
                values={k: settings.get(k) for k in (*REQUIRED_FLAGS, "MinimumPasswordLength")},
            ),
        )
