"""Every IAM user has an MFA device (Security Hub IAM.19), console users or not."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import MEDIUM, Control, Evidence, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.iam._common import (
    AUTH_DETAILS,
    CREDENTIAL_REPORT,
    NO_REPORT_ROW,
    accounts_with_users,
    gc_paused_results,
    merge_ids,
    report_call_ids,
    user_not_assessed,
    user_result,
)

CONTROL = Control(
    id="iam_user_mfa",
    title="Every IAM user has an MFA device",
    severity=MEDIUM,
    practice="identity",
    service="iam",
    scope="resource",
    rationale=(
        "A user without a console password still has access keys, and a policy can require "
        "aws:MultiFactorAuthPresent for sensitive API calls (GetSessionToken with an MFA code). A "
        "user with no MFA device can never meet such a condition, so the only protection left is "
        "the secrecy of a long-lived key."
    ),
    remediation=Remediation(
        console="IAM > Users > (user) > Security credentials > Multi-factor authentication > Assign MFA device.",
        cli="aws iam list-mfa-devices --user-name <user>\naws iam enable-mfa-device --user-name <user> ...",
        terraform=(
            'resource "aws_iam_virtual_mfa_device" "user" {\n'
            '  virtual_mfa_device_name = "<user>"\n'
            "}\n"
            "# then enable it for the user (requires two codes from the device) outside Terraform"
        ),
    ),
    inputs=(AUTH_DETAILS, CREDENTIAL_REPORT),
    # Same check as Security Hub CSPM IAM.19 (IAM.19: not in the FSBP standard). NIST from Security Hub's
    # related requirements. See docs/mappings.md.
    mappings=Mappings(nist=("AC-2(1)", "AC-3(15)", "IA-2(1)", "IA-2(2)", "IA-2(6)", "IA-2(8)")),
)


@gc_paused_results
def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    for account_id, gap, users in accounts_with_users(ctx, CONTROL, CONTROL.inputs):
        if gap is not None:
            yield gap
            continue
        report_ids = report_call_ids(ctx, account_id)
        for user in users:
            row = user.credential_report
            if row is None or row.mfa_active is None:
                yield user_not_assessed(
                    ctx, CONTROL, user, NO_REPORT_ROW if row is None else "mfa_active is unreadable"
                )
                continue
            yield user_result(
                CONTROL,
                user,
                passed=row.mfa_active,
                message="MFA device assigned." if row.mfa_active else f"{user.name} has no MFA device.",
                evidence=Evidence(
                    call_ids=merge_ids(user.call_ids, report_ids),
                    values={
                        "mfa_active": row.raw.get("mfa_active"),
                        "virtual_mfa_devices": list(user.mfa_serials),
                    },
                ),
            )
