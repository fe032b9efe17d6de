"""The IAM password policy remembers 24 passwords (CIS; Security Hub IAM.16)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import LOW, Control, Evidence, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.iam._common import (
    NO_CUSTOM_POLICY,
    PASSWORD_POLICY,
    account_result,
    gc_paused_results,
    password_policies,
)

REMEMBERED = 24  # IAM's maximum for PasswordReusePrevention

CONTROL = Control(
    id="iam_password_policy_reuse",
    title=f"The IAM password policy prevents reuse of the last {REMEMBERED} passwords",
    severity=LOW,
    practice="identity",
    service="iam",
    scope="account",
    rationale=(
        "When passwords can be reused, a forced change ends with the old, possibly leaked password "
        f"back in place. Remembering {REMEMBERED} (IAM's maximum) makes cycling back impractical."
    ),
    remediation=Remediation(
        console=(
            "IAM > Account settings > Password policy > Edit > Custom > Prevent password reuse, "
            f"remember {REMEMBERED} passwords."
        ),
        cli=(
            f"aws iam update-account-password-policy --password-reuse-prevention {REMEMBERED}  "
            "# the call replaces the whole policy: pass the other settings too"
        ),
        terraform=(
            'resource "aws_iam_account_password_policy" "this" {\n'
            f"  password_reuse_prevention = {REMEMBERED}\n"
            "}"
        ),
    ),
    inputs=(PASSWORD_POLICY,),
    # Same check as Security Hub CSPM IAM.16 (IAM.16: not in the FSBP standard); Prowler
    # iam_password_policy_reuse_24. Neither source lists a NIST 800-53 control. See docs/mappings.md.
    mappings=Mappings(cis=("1.8",)),
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
                message=f"{NO_CUSTOM_POLICY}; they do not prevent password reuse.",
                evidence=Evidence(call_ids=call_ids),
            )
            continue
        # PasswordReusePrevention is omitted from the response when reuse is not prevented.
        remembered = settings.get("PasswordReusePrevention")
        ok = isinstance(remembered, int) and remembered >= REMEMBERED
        yield account_result(
            ctx,
            CONTROL,
            account_id,
            passed=ok,
            message=f"The password policy remembers {remembered} passwords."
            if ok
            else (
                f"The password policy remembers {remembered} passwords ({REMEMBERED} expected)."
                if remembered is not None
                else "The password policy does not prevent password reuse."
            ),
            evidence=Evidence(call_ids=call_ids, values={"PasswordReusePrevention": remembered}),
        )
