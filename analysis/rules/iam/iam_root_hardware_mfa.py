"""The root user's MFA is a hardware device, not a virtual (authenticator app) one.

GetAccountSummary says whether the root user has MFA at all; ListVirtualMFADevices lists every
virtual device of the account. The CIS audit procedure reads a virtual device whose serial is
``arn:<partition>:iam::<account>:mfa/root-account-mfa-device`` as the root user's. Devices that
are assigned to no IAM user of the account could be the root user's under another name (the
console lets the root user name its device); when such a device exists the control cannot tell
and says so rather than pass.
"""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import HIGH, Control, Evidence, Mappings, Remediation, Result
from analysis.rules.context import GLOBAL, AssessmentContext
from analysis.rules.iam._common import (
    ACCOUNT_SUMMARY,
    VIRTUAL_MFA,
    account_result,
    gc_paused_results,
    root_has_no_credentials,
    users_by_account,
)

ROOT_VIRTUAL_SERIAL = ":mfa/root-account-mfa-device"

CONTROL = Control(
    id="iam_root_hardware_mfa",
    title="The root user's MFA is a hardware device",
    severity=HIGH,
    practice="identity",
    service="iam",
    scope="account",
    rationale=(
        "A virtual MFA lives on a phone that is also used for mail, chat and browsing, can be "
        "backed up or cloned with its seed, and leaves with whoever holds the phone. A hardware "
        "key (FIDO security key or hardware TOTP token) kept in a safe has a far smaller attack "
        "surface for the one identity that can do anything in the account."
    ),
    remediation=Remediation(
        console=(
            "Sign in as the root user > account menu > Security credentials > Multi-factor authentication "
            "(MFA) > Assign MFA device > Security key or Hardware TOTP token; then remove the virtual device. "
            "Keep the key (and a second registered key) in a safe."
        ),
        cli=(
            "aws iam get-account-summary --query SummaryMap.AccountMFAEnabled\n"
            "aws iam list-virtual-mfa-devices --query \"VirtualMFADevices[?ends_with(SerialNumber,'root-account-mfa-device')]\"\n"
            "# Hardware MFA for the root user is assigned in the console, signed in as root."
        ),
        terraform=(
            "# Root MFA devices cannot be managed by Terraform. Remove root credentials from member\n"
            "# accounts instead (centralized root access):\n"
            'resource "aws_iam_organizations_features" "root_access" {\n'
            '  enabled_features = ["RootCredentialsManagement", "RootSessions"]\n'
            "}"
        ),
    ),
    inputs=(ACCOUNT_SUMMARY, VIRTUAL_MFA),
    # Same check as Security Hub CSPM IAM.6; Prowler iam_root_hardware_mfa_enabled. NIST from Security Hub's
    # related requirements. See docs/mappings.md.
    mappings=Mappings(
        cis=("1.5",),
        fsbp=("IAM.6",),
        nist=("AC-2(1)", "AC-3(15)", "IA-2(1)", "IA-2(2)", "IA-2(6)", "IA-2(8)"),
    ),
)


@gc_paused_results
def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    users = users_by_account(ctx)
    for account_id in ctx.account_ids:
        gap = ctx.gaps_or(CONTROL, account_id, GLOBAL, (ACCOUNT_SUMMARY,))
        summary = ctx.inventory.iam.accounts.get(account_id)
        enabled = summary.root_mfa_enabled if summary is not None else None
        if gap is not None or summary is None or enabled is None:
            yield gap or ctx.not_assessed(
                CONTROL,
                account_id=account_id,
                region=GLOBAL,
                reason="GetAccountSummary did not report AccountMFAEnabled",
            )
            continue
        values: dict[str, object] = {"AccountMFAEnabled": int(enabled)}
        if root_has_no_credentials(summary):
            yield account_result(
                ctx,
                CONTROL,
                account_id,
                passed=True,
                message="The root user has no password and no access keys (root credentials removed).",
                evidence=Evidence(call_ids=summary.call_ids, values={**values, "AccountPasswordPresent": 0}),
            )
            continue
        if not enabled:
            yield account_result(
                ctx,
                CONTROL,
                account_id,
                passed=False,
                message="The root user has no MFA device at all.",
                evidence=Evidence(call_ids=summary.call_ids, values=values),
            )
            continue
        gap = ctx.gaps_or(CONTROL, account_id, GLOBAL, (VIRTUAL_MFA,))
        if gap is not None:
            yield gap
            continue
        serials = summary.virtual_mfa_serials
        root_virtual = [s for s in serials if s.endswith(ROOT_VIRTUAL_SERIAL)]
        assigned = {s for u in users.get(account_id, ()) for s in u.mfa_serials}
        unknown = [s for s in serials if s not in assigned and s not in root_virtual]
        values["virtual_mfa_devices"] = list(serials)
        evidence = Evidence(call_ids=summary.call_ids, values=values)
        if root_virtual:
            yield account_result(
                ctx,
                CONTROL,
                account_id,
                passed=False,
                message=f"The root user's MFA is a virtual device ({root_virtual[0]}), not a hardware key.",
                evidence=evidence,
            )
        elif unknown:
            yield ctx.not_assessed(
                CONTROL,
                account_id=account_id,
                region=GLOBAL,
                reason=(
                    f"virtual MFA device(s) {', '.join(unknown)} are assigned to no IAM user: one may be the "
                    "root user's, and the collected data does not say which"
                ),
                call_ids=summary.call_ids,
            )
        else:
            yield account_result(
                ctx,
                CONTROL,
                account_id,
                passed=True,
                message="The root user has MFA and no virtual device is the root user's: it is a hardware device.",
                evidence=evidence,
            )
