"""IAM user passwords and active access keys were used within the last 45 days (credential report)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import MEDIUM, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.iam._common import AUTH_DETAILS, CREDENTIAL_REPORT, evaluate_unused, gc_paused_results

DAYS = 45

CONTROL = Control(
    id="iam_credentials_unused_45_days",
    title=f"IAM user credentials unused for {DAYS} days are removed",
    severity=MEDIUM,
    practice="identity",
    service="iam",
    scope="resource",
    rationale=(
        "A password or key nobody uses still works for whoever else holds it: a former employee, a "
        f"leaked CI variable, an old backup. Credentials idle for {DAYS} days belong to someone who "
        "does not need them; disabling them shrinks the set an attacker can try at no cost to anyone."
    ),
    remediation=Remediation(
        console=(
            "IAM > Users: show Console last sign-in and Access key last used; for each credential idle for "
            f"{DAYS} days or more: Security credentials > Manage console access > Disable, and make the "
            "access key inactive (delete it once nothing breaks)."
        ),
        cli=(
            "aws iam generate-credential-report && aws iam get-credential-report --query Content "
            "--output text | base64 -d\n"
            "aws iam delete-login-profile --user-name <user>\n"
            "aws iam update-access-key --user-name <user> --access-key-id <key-id> --status Inactive"
        ),
        terraform=(
            "# Remove the login profile / key from the configuration, or keep a disabled key:\n"
            'resource "aws_iam_access_key" "legacy" {\n'
            "  user   = aws_iam_user.legacy.name\n"
            '  status = "Inactive"\n'
            "}"
        ),
    ),
    inputs=(AUTH_DETAILS, CREDENTIAL_REPORT),
    # Same check as Security Hub CSPM IAM.22 (IAM.22: not in the FSBP standard); Prowler
    # iam_user_accesskey_unused, iam_user_console_access_unused. NIST from Prowler's NIST 800-53 Rev. 5 file
    # (Security Hub lists none). See docs/mappings.md.
    mappings=Mappings(
        cis=("1.11",),
        nist=(
            "AC-2(1)",
            "AC-2(3)",
            "AC-2(6)",
            "AC-2",
            "AC-3",
            "AC-3(3)",
            "AC-3(4)",
            "AC-3(7)",
            "AC-3(8)",
            "AC-3(12)",
            "AC-3(13)",
            "AC-3(15)",
            "AC-4(28)",
            "AC-6",
            "AC-24",
            "CM-5(1)",
            "CM-6",
            "CM-9",
            "MP-2",
            "SC-23(3)",
        ),
    ),
)


@gc_paused_results
def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from evaluate_unused(ctx, CONTROL, DAYS)
