"""Each account has a role with AWSSupportAccess to manage incidents with AWS Support (CIS; Security Hub IAM.18)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import LOW, Control, Evidence, Mappings, Remediation, Result
from analysis.rules.context import GLOBAL, AssessmentContext
from analysis.rules.iam._common import (
    AUTH_DETAILS,
    account_result,
    attachments_by_account,
    gc_paused_results,
    short_arn,
)

SUPPORT_ACCESS = ":iam::aws:policy/AWSSupportAccess"

CONTROL = Control(
    id="iam_support_role",
    title="A support role (AWSSupportAccess) exists to manage incidents with AWS Support",
    severity=LOW,
    practice="response",
    service="iam",
    scope="account",
    rationale=(
        "During an incident someone must open and follow AWS Support cases for the affected "
        "account. A role that carries AWSSupportAccess lets responders do that without root or "
        "administrator credentials, and makes who may talk to AWS Support an explicit, reviewable "
        "decision."
    ),
    remediation=Remediation(
        console=(
            "IAM > Roles > Create role > AWS account (this account or the security account) > attach "
            "AWSSupportAccess > name it (e.g. aws-support) > Create role."
        ),
        cli=(
            "aws iam create-role --role-name aws-support --assume-role-policy-document file://trust.json\n"
            "aws iam attach-role-policy --role-name aws-support --policy-arn arn:aws:iam::aws:policy/AWSSupportAccess"
        ),
        terraform=(
            'resource "aws_iam_role" "support" {\n'
            '  name               = "aws-support"\n'
            "  assume_role_policy = data.aws_iam_policy_document.security_team_trust.json\n"
            "}\n"
            'resource "aws_iam_role_policy_attachment" "support" {\n'
            "  role       = aws_iam_role.support.name\n"
            '  policy_arn = "arn:aws:iam::aws:policy/AWSSupportAccess"\n'
            "}"
        ),
    ),
    inputs=(AUTH_DETAILS,),
    # Same check as Security Hub CSPM IAM.18 (IAM.18: not in the FSBP standard); Prowler
    # iam_support_role_created. Neither source lists a NIST 800-53 control. See docs/mappings.md.
    mappings=Mappings(cis=("1.16",)),
)


@gc_paused_results
def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    attachments = attachments_by_account(ctx)
    roles = ctx.inventory.iam.roles
    for account_id in ctx.account_ids:
        gap = ctx.gaps_or(CONTROL, account_id, GLOBAL)
        if gap is not None:
            yield gap
            continue
        holders = [
            p
            for arn, principals in attachments.get(account_id, {}).items()
            if arn.endswith(SUPPORT_ACCESS)
            for p in principals
        ]
        support_roles = sorted(p for p in holders if p in roles)
        others = sorted(p for p in holders if p not in roles)
        values = {
            "roles": [short_arn(r) for r in support_roles],
            "users_and_groups": [short_arn(o) for o in others],
        }
        if support_roles:
            message = f"AWSSupportAccess is attached to role(s) {', '.join(values['roles'])}."
        elif others:
            message = f"AWSSupportAccess is attached only to {', '.join(values['users_and_groups'])}, not to a role."
        else:
            message = "No role has AWSSupportAccess: nobody is set up to manage AWS Support cases."
        yield account_result(
            ctx,
            CONTROL,
            account_id,
            passed=bool(support_roles),
            message=message,
            evidence=Evidence(
                call_ids=tuple(dict.fromkeys(i for r in support_roles for i in roles[r].call_ids)),
                values=values,
            ),
        )
