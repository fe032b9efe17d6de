"""Member accounts have no IAM users: people and workloads use roles (Identity Center, instance profiles, OIDC)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import MEDIUM, Control, Evidence, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.iam._common import AUTH_DETAILS, account_result, accounts_with_users, gc_paused_results

CONTROL = Control(
    id="iam_users_in_member_accounts",
    title="Member accounts have no IAM users",
    severity=MEDIUM,
    practice="identity",
    service="iam",
    scope="account",
    rationale=(
        "The white paper's identity practice is roles for cross-account access rather than static "
        "IAM users. An IAM user in a member account is a long-lived credential outside central "
        "identity management: people should arrive through Identity Center or federation, and "
        "workloads through roles (instance profiles, IRSA, OIDC, IAM Roles Anywhere)."
    ),
    remediation=Remediation(
        console=(
            "For each user: identify the person or system behind it; give people an Identity Center "
            "assignment and workloads a role; then delete the user (keys, password, MFA, groups first)."
        ),
        cli=(
            "aws iam list-users\n"
            "aws iam delete-access-key --user-name <user> --access-key-id <key-id>\n"
            "aws iam delete-login-profile --user-name <user>\n"
            "aws iam delete-user --user-name <user>"
        ),
        terraform=(
            "# An SCP on member OUs that stops new IAM users and keys:\n"
            'data "aws_iam_policy_document" "no_iam_users" {\n'
            "  statement {\n"
            '    effect    = "Deny"\n'
            '    actions   = ["iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile"]\n'
            '    resources = ["*"]\n'
            "  }\n"
            "}"
        ),
    ),
    inputs=(AUTH_DETAILS,),
    # Same check as Prowler iam_check_saml_providers_sts. Neither source lists a NIST 800-53 control. CIS 1.20
    # by meaning. See docs/mappings.md.
    mappings=Mappings(cis=("1.20",)),
)


@gc_paused_results
def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    mgmt = ctx.inventory.organization.management_account_id
    for account_id, gap, users in accounts_with_users(ctx, CONTROL, CONTROL.inputs):
        if account_id == mgmt:
            continue  # the management account is not a member account
        if gap is not None:
            yield gap
            continue
        names = [u.name for u in users]
        yield account_result(
            ctx,
            CONTROL,
            account_id,
            passed=not users,
            message="No IAM users."
            if not users
            else f"{len(users)} IAM user(s) in this member account: {', '.join(names[:20])}"
            + (" ..." if len(names) > 20 else "")
            + ".",
            evidence=Evidence(
                call_ids=tuple(dict.fromkeys(i for u in users for i in u.call_ids)), values={"users": names}
            ),
        )
