"""The root user of every account has MFA enabled (GetAccountSummary's AccountMFAEnabled)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import CRITICAL, FAIL, PASS, Control, Evidence, Input, Mappings, Remediation, Result
from analysis.rules.context import GLOBAL, AssessmentContext
from analysis.rules.iam._common import gc_paused_results, root_has_no_credentials

CONTROL = Control(
    id="iam_root_mfa",
    title="The root user has MFA enabled",
    severity=CRITICAL,
    practice="identity",
    service="iam",
    scope="account",
    rationale=(
        "The root user has unrestricted access to the account and cannot be limited by IAM policies "
        "(only by SCPs in member accounts). A password alone is one phishing or reuse away from a "
        "complete takeover; MFA makes a stolen password insufficient."
    ),
    remediation=Remediation(
        console=(
            "Sign in as the root user, open the account menu > Security credentials > Multi-factor "
            "authentication (MFA) > Assign MFA device, and register a hardware key or authenticator. "
            "For member accounts without root credentials, consider centralized root access management."
        ),
        cli=(
            "# Check: aws iam get-account-summary --query SummaryMap.AccountMFAEnabled\n"
            "# Root MFA can only be assigned while signed in as root (console)."
        ),
        terraform=(
            "# Root MFA cannot be managed by Terraform. Remove root credentials from member accounts:\n"
            'resource "aws_organizations_organization" "org" {\n'
            '  enabled_policy_types = ["SERVICE_CONTROL_POLICY"]\n'
            '  aws_service_access_principals = ["iam.amazonaws.com"]  # centralized root access\n'
            "}"
        ),
    ),
    inputs=(Input(service="iam", operation="GetAccountSummary", regional=False),),
    # Same check as Security Hub CSPM IAM.9 (IAM.9: not in the FSBP standard); Prowler iam_root_mfa_enabled.
    # NIST from Security Hub's related requirements. See docs/mappings.md.
    mappings=Mappings(cis=("1.4",), nist=("AC-2(1)", "AC-3(15)", "IA-2(1)", "IA-2(2)", "IA-2(6)", "IA-2(8)")),
)


@gc_paused_results
def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    for account_id in ctx.account_ids:
        gap = ctx.gaps_or(CONTROL, account_id, GLOBAL)
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
        # Security Hub passes IAM.9 when the root user has no credentials at all (centralized
        # root access): there is nothing to sign in with, so nothing for MFA to protect.
        no_credentials = root_has_no_credentials(summary)
        if enabled:
            message = "The root user has MFA enabled."
        elif no_credentials:
            message = "The root user has no password and no access keys (root credentials removed)."
        else:
            message = "The root user has no MFA device: a password alone signs in with full control."
        yield Result(
            control_id=CONTROL.id,
            status=PASS if enabled or no_credentials else FAIL,
            account_id=account_id,
            region=GLOBAL,
            resource_arn=ctx.account_arn(account_id),
            resource_id=account_id,
            message=message,
            evidence=Evidence(
                call_ids=summary.call_ids,
                values={
                    k: v
                    for k, v in (summary.summary or {}).items()
                    if k in ("AccountMFAEnabled", "AccountPasswordPresent", "AccountAccessKeysPresent")
                },
            ),
        )
