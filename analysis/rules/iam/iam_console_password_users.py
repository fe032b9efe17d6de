"""People do not sign in with IAM user console passwords: console access comes through Identity Center or federation."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import LOW, Control, Evidence, Mappings, Remediation, Result
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
    id="iam_console_password_users",
    title="IAM users have no console password (people use Identity Center or federation)",
    severity=LOW,
    practice="identity",
    service="iam",
    scope="resource",
    rationale=(
        "A console password on an IAM user is a per-account identity for a person: it is not "
        "disabled when they leave the directory, is subject to this account's password policy "
        "only, and multiplies with every account. Identity Center or SAML federation gives the "
        "same person temporary role sessions everywhere from one identity with central MFA and "
        "offboarding."
    ),
    remediation=Remediation(
        console=(
            "Assign the person an Identity Center permission set in the accounts they need, then IAM > Users "
            "> (user) > Security credentials > Console sign-in > Manage > Disable."
        ),
        cli="aws iam delete-login-profile --user-name <user>",
        terraform=(
            'resource "aws_ssoadmin_account_assignment" "ops" {\n'
            "  instance_arn       = local.sso_instance_arn\n"
            "  permission_set_arn = aws_ssoadmin_permission_set.ops.arn\n"
            '  principal_type     = "GROUP"\n'
            "  principal_id       = local.ops_group_id\n"
            '  target_type        = "AWS_ACCOUNT"\n'
            "  target_id          = var.account_id\n"
            "}"
        ),
    ),
    inputs=(AUTH_DETAILS, CREDENTIAL_REPORT),
    # Same check as Prowler iam_check_saml_providers_sts. Neither source lists a NIST 800-53 control. CIS 1.20
    # by meaning. See docs/mappings.md.
    mappings=Mappings(cis=("1.20",)),
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
            if row is None or row.password_enabled is None:
                yield user_not_assessed(
                    ctx, CONTROL, user, NO_REPORT_ROW if row is None else "password_enabled is unreadable"
                )
                continue
            yield user_result(
                CONTROL,
                user,
                passed=not row.password_enabled,
                message="No console password."
                if not row.password_enabled
                else f"{user.name} signs in to the console as an IAM user with a password.",
                evidence=Evidence(
                    call_ids=merge_ids(user.call_ids, report_ids),
                    values={
                        "password_enabled": row.raw.get("password_enabled"),
                        "password_last_used": row.raw.get("password_last_used"),
                    },
                ),
            )
