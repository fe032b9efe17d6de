"""The IAM password policy requires at least 14 characters (CIS; Security Hub IAM.15)."""

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

MIN_LENGTH = 14

CONTROL = Control(
    id="iam_password_policy_min_length",
    title=f"The IAM password policy requires at least {MIN_LENGTH} characters",
    severity=MEDIUM,
    practice="identity",
    service="iam",
    scope="account",
    rationale=(
        "Length is what makes a password expensive to guess or crack offline; every extra "
        f"character multiplies the work. {MIN_LENGTH} characters is the CIS benchmark's floor for IAM "
        "users' console passwords."
    ),
    remediation=Remediation(
        console=f"IAM > Account settings > Password policy > Edit > Custom > Password minimum length: {MIN_LENGTH}.",
        cli=(
            f"aws iam update-account-password-policy --minimum-password-length {MIN_LENGTH}  "
            "# the call replaces the whole policy: pass the other settings too"
        ),
        terraform=(
            'resource "aws_iam_account_password_policy" "this" {\n'
            f"  minimum_password_length = {MIN_LENGTH}\n"
            "}"
        ),
    ),
    inputs=(PASSWORD_POLICY,),
    # Same check as Security Hub CSPM IAM.15 (IAM.15: not in the FSBP standard); Prowler
    # iam_password_policy_minimum_length_14. NIST from Prowler's NIST 800-53 Rev. 5 file (Security Hub lists
    # none). See docs/mappings.md.
    mappings=Mappings(
        cis=("1.7",),
        nist=(
            "AC-2(1)",
            "AC-2(3)",
            "AC-2",
            "AC-3(3)",
            "AC-3(4)",
            "AC-3(8)",
            "AC-3(12)",
            "AC-3(13)",
            "AC-3(15)",
            "AC-4(28)",
            "AC-7(4)",
            "AC-24",
            "CM-5(1)",
            "CM-6",
            "CM-9",
            "CM-12",
            "IA-4",
            "IA-5",
            "IA-5(1)",
            "IA-5(18)",
            "IA-8(2)",
            "MA-4",
            "SC-23(3)",
        ),
    ),
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
                message=f"{NO_CUSTOM_POLICY}; they do not require {MIN_LENGTH} characters.",
                evidence=Evidence(call_ids=call_ids),
            )
            continue
        length = settings.get("MinimumPasswordLength")
        ok = isinstance(length, int) and length >= MIN_LENGTH
        yield account_result(
            ctx,
            CONTROL,
            account_id,
            passed=ok,
            message=f"The password policy requires {length} characters."
            if ok
            else f"The password policy requires only {length} characters (at least {MIN_LENGTH} expected).",
            evidence=Evidence(call_ids=call_ids, values={"MinimumPasswordLength": length}),
        )
