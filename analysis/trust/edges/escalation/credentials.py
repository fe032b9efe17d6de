"""Escalation by taking over another user's credentials (Rhino Security Labs methods 4-6).

``iam:CreateAccessKey`` on another user gives programmatic access as that user (a user may
have two keys); ``iam:CreateLoginProfile`` sets a console password for a user who has none;
``iam:UpdateLoginProfile`` changes the password of a user who has one. Whether a user has a
console password comes from the credential report; when unknown, both are considered.
"""

from __future__ import annotations

from analysis.trust.edges.base import BuildContext
from analysis.trust.edges.escalation import add_escalation, candidates

_ACTIONS = ("iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile")


def add_credential_edges(ctx: BuildContext) -> None:
    iam = ctx.inventory.iam
    users_by_account: dict[str, list[str]] = {}
    for arn, user in iam.users.items():
        users_by_account.setdefault(user.account_id, []).append(arn)
    for account_id, users in users_by_account.items():
        for principal in candidates(ctx, account_id):
            if not ctx.permissions.might_allow_any(principal, _ACTIONS):
                continue  # every decide() below would be None
            for target_arn in users:
                if target_arn == principal:
                    continue
                target = iam.users[target_arn]
                actions = ["iam:CreateAccessKey"]
                if target.console_password is not True:
                    actions.append("iam:CreateLoginProfile")
                if target.console_password is not False:
                    actions.append("iam:UpdateLoginProfile")
                for action in actions:
                    d = ctx.decide(principal, action, target_arn)
                    if d is None:
                        continue
                    add_escalation(
                        ctx,
                        source=principal,
                        target=target_arn,
                        technique=action,
                        reason=f"can give itself credentials of user {target.name} ({action})",
                        decisions=(d,),
                    )
                    break
