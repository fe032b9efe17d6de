"""IAM users are not administrators: administrator access goes through roles (the policy engine's judgement)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import HIGH, Control, Evidence, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.iam._common import (
    AUTH_DETAILS,
    SCPS,
    accounts_with_users,
    gc_paused_results,
    user_result,
)
from analysis.rules.iam._trust import trust_findings_by_kind

CONTROL = Control(
    id="iam_user_admin",
    title="No IAM user has administrator permissions",
    severity=HIGH,
    practice="identity",
    service="iam",
    scope="resource",
    rationale=(
        "An administrator that is an IAM user holds long-lived credentials (a password, access "
        "keys) with full control of the account: nothing expires, and a leaked key is a complete "
        "compromise. Administrators should reach that level through a role, with temporary "
        "credentials, MFA at sign-in and a session that ends (white paper: roles rather than static "
        "IAM users)."
    ),
    remediation=Remediation(
        console=(
            "Give the person an Identity Center permission set (or a federated role) with the access needed; "
            "then IAM > Users > (user) > Permissions: remove the administrator policies and groups, and "
            "delete the user's access keys and console password."
        ),
        cli=(
            "aws iam remove-user-from-group --group-name Administrators --user-name <user>\n"
            "aws iam detach-user-policy --user-name <user> --policy-arn arn:aws:iam::aws:policy/AdministratorAccess"
        ),
        terraform=(
            'resource "aws_ssoadmin_permission_set" "admin" {\n'
            '  name             = "Administrator"\n'
            "  instance_arn     = local.sso_instance_arn\n"
            '  session_duration = "PT1H"\n'
            "}"
        ),
    ),
    inputs=(AUTH_DETAILS, SCPS),
    # Same check as Prowler iam_user_administrator_access_policy. Neither source lists a NIST 800-53 control.
    # See docs/mappings.md.
    mappings=Mappings(),
)


@gc_paused_results
def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    admins = trust_findings_by_kind(ctx).get("principal_with_admin", {})
    for account_id, gap, users in accounts_with_users(ctx, CONTROL, (AUTH_DETAILS,)):
        if gap is not None:
            yield gap
            continue
        by_arn = {f.resource: f for f in admins.get(account_id, ())}
        for user in users:
            finding = by_arn.get(user.arn)
            if finding is None:
                yield user_result(
                    CONTROL,
                    user,
                    passed=True,
                    message="Not an administrator.",
                    evidence=Evidence(call_ids=user.call_ids),
                )
                continue
            yield user_result(
                CONTROL,
                user,
                passed=False,
                message=f"{user.name} is an administrator of the account: {finding.detail}",
                evidence=Evidence(call_ids=finding.call_ids or user.call_ids, statements=finding.statements),
            )
