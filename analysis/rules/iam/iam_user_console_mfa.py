"""Every IAM user with a console password has MFA (credential report: password_enabled, mfa_active)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import HIGH, Control, Evidence, Mappings, Remediation, Result
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
    id="iam_user_console_mfa",
    title="IAM users with a console password have MFA",
    severity=HIGH,
    practice="identity",
    service="iam",
    scope="resource",
    rationale=(
        "A console password can be phished, guessed or reused from another breach; with MFA the "
        "password alone no longer signs in. The white paper asks for MFA on every account, above "
        "all those with administrative access."
    ),
    remediation=Remediation(
        console=(
            "IAM > Users > (user) > Security credentials > Multi-factor authentication > Assign MFA device "
            "(passkey/security key preferred). Better: move people to IAM Identity Center and remove the "
            "console password."
        ),
        cli=(
            "aws iam create-virtual-mfa-device --virtual-mfa-device-name <user> --outfile qr.png "
            "--bootstrap-method QRCodePNG\n"
            "aws iam enable-mfa-device --user-name <user> --serial-number <arn> "
            "--authentication-code1 <code1> --authentication-code2 <code2>"
        ),
        terraform=(
            "# Deny everything but MFA self-service until the user signs in with MFA:\n"
            'data "aws_iam_policy_document" "require_mfa" {\n'
            "  statement {\n"
            '    effect        = "Deny"\n'
            '    not_actions   = ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:ListMFADevices", '
            '"iam:ResyncMFADevice", "sts:GetSessionToken"]\n'
            '    resources     = ["*"]\n'
            "    condition {\n"
            '      test     = "BoolIfExists"\n'
            '      variable = "aws:MultiFactorAuthPresent"\n'
            '      values   = ["false"]\n'
            "    }\n"
            "  }\n"
            "}"
        ),
    ),
    inputs=(AUTH_DETAILS, CREDENTIAL_REPORT),
    # Same check as Security Hub CSPM IAM.5; Prowler iam_user_mfa_enabled_console_access. NIST from Security
    # Hub's related requirements. See docs/mappings.md.
    mappings=Mappings(
        cis=("1.9",),
        fsbp=("IAM.5",),
        nist=("AC-2(1)", "AC-3(15)", "IA-2(1)", "IA-2(2)", "IA-2(6)", "IA-2(8)"),
    ),
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
            if (
                row is None
                or row.password_enabled is None
                or (row.password_enabled and row.mfa_active is None)
            ):
                yield user_not_assessed(
                    ctx,
                    CONTROL,
                    user,
                    NO_REPORT_ROW
                    if row is None
                    else "the credential report's password_enabled/mfa_active are unreadable",
                )
                continue
            evidence = Evidence(
                call_ids=merge_ids(user.call_ids, report_ids),
                values={
                    "password_enabled": row.raw.get("password_enabled"),
                    "mfa_active": row.raw.get("mfa_active"),
                },
            )
            if not row.password_enabled:
                yield user_result(
                    CONTROL, user, passed=True, message="No console password.", evidence=evidence
                )
            elif row.mfa_active:
                yield user_result(
                    CONTROL, user, passed=True, message="Console password with MFA.", evidence=evidence
                )
            else:
                yield user_result(
                    CONTROL,
                    user,
                    passed=False,
                    message=f"{user.name} signs in to the console with a password and no MFA device.",
                    evidence=evidence,
                )
