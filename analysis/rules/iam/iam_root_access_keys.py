"""The root user has no access keys (GetAccountSummary's AccountAccessKeysPresent)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import CRITICAL, Control, Evidence, Mappings, Remediation, Result
from analysis.rules.context import GLOBAL, AssessmentContext
from analysis.rules.iam._common import ACCOUNT_SUMMARY, account_result, gc_paused_results

CONTROL = Control(
    id="iam_root_access_keys",
    title="The root user has no access keys",
    severity=CRITICAL,
    practice="identity",
    service="iam",
    scope="account",
    rationale=(
        "A root access key signs API requests with the root user's unlimited authority, cannot be "
        "scoped by IAM policies, and is a long-lived secret that ends up in scripts and laptops. "
        "Nothing an administrator does day to day needs it: roles do the same work with temporary "
        "credentials."
    ),
    remediation=Remediation(
        console=(
            "Sign in as the root user > account menu > Security credentials > Access keys: deactivate, "
            "then delete every key (first find and replace whatever still uses it). In member accounts, "
            "AWS Organizations' centralized root access can delete root credentials from the management account."
        ),
        cli=(
            "aws iam get-account-summary --query SummaryMap.AccountAccessKeysPresent\n"
            "# With centralized root access, from the management account:\n"
            "aws sts assume-root --region us-east-1 --target-principal <member-account-id> "
            "--task-policy-arn arn=arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials\n"
            "# then, with the returned credentials: aws iam delete-access-key --access-key-id <key-id>"
        ),
        terraform=(
            "# Root credentials are not Terraform resources; stop them coming back with an SCP:\n"
            'data "aws_iam_policy_document" "deny_root_keys" {\n'
            "  statement {\n"
            '    effect    = "Deny"\n'
            '    actions   = ["iam:CreateAccessKey"]\n'
            '    resources = ["*"]\n'
            "    condition {\n"
            '      test     = "StringLike"\n'
            '      variable = "aws:PrincipalArn"\n'
            '      values   = ["arn:aws:iam::*:root"]\n'
            "    }\n"
            "  }\n"
            "}"
        ),
    ),
    inputs=(ACCOUNT_SUMMARY,),
    # Same check as Security Hub CSPM IAM.4; Prowler iam_no_root_access_key. NIST from Security Hub's related
    # requirements. See docs/mappings.md.
    mappings=Mappings(
        cis=("1.3",), fsbp=("IAM.4",), nist=("AC-2(1)", "AC-3(15)", "AC-3(7)", "AC-6", "AC-6(10)", "AC-6(2)")
    ),
)


@gc_paused_results
def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    for account_id in ctx.account_ids:
        gap = ctx.gaps_or(CONTROL, account_id, GLOBAL)
        summary = ctx.inventory.iam.accounts.get(account_id)
        present = summary.root_access_keys_present if summary is not None else None
        if gap is not None or summary is None or present is None:
            yield gap or ctx.not_assessed(
                CONTROL,
                account_id=account_id,
                region=GLOBAL,
                reason="GetAccountSummary did not report AccountAccessKeysPresent",
            )
            continue
        values: dict[str, object] = {"AccountAccessKeysPresent": int(present)}
        root = summary.root_credentials
        if root is not None:  # the credential report's <root_account> row says which keys are active
            values["access_key_1_active"] = root.raw.get("access_key_1_active", "")
            values["access_key_2_active"] = root.raw.get("access_key_2_active", "")
        yield account_result(
            ctx,
            CONTROL,
            account_id,
            passed=not present,
            message="The root user has no access keys."
            if not present
            else "The root user has an access key: a long-lived secret with full control of the account.",
            evidence=Evidence(call_ids=summary.call_ids, values=values),
        )
