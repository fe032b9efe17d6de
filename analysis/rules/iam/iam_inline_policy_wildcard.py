"""Inline policies of users, groups and roles do not allow whole services ("*" or "service:*").

Security Hub's IAM.21 looks at customer-managed policies only; inline policies carry the same
risk and are harder to find (they live inside each principal), so this control applies the same
test to them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from analysis.rules.base import MEDIUM, Control, Evidence, Mappings, Remediation, Result
from analysis.rules.context import GLOBAL, AssessmentContext
from analysis.rules.iam._common import (
    AUTH_DETAILS,
    describe_statement,
    gc_paused_results,
    memo,
    result,
    service_wildcards,
    short_arn,
)

CONTROL = Control(
    id="iam_inline_policy_wildcard",
    title='Inline policies do not allow every action of a service ("*" or "service:*")',
    severity=MEDIUM,
    practice="identity",
    service="iam",
    scope="resource",
    rationale=(
        "An inline policy is embedded in one user, group or role: it is not listed among the "
        "account's policies, cannot be reused or versioned, and is easily missed by reviews. A "
        'service wildcard ("iam:*", "s3:*") or "*" hidden there grants destructive and '
        "permission-changing actions nobody looked at."
    ),
    remediation=Remediation(
        console=(
            "IAM > Users / User groups / Roles > (principal) > Permissions > the inline policy > Edit: list "
            "the actions needed, or replace the inline policy by a reviewed customer-managed policy."
        ),
        cli=(
            "aws iam get-role-policy --role-name <role> --policy-name <name>\n"
            "aws iam put-role-policy --role-name <role> --policy-name <name> --policy-document file://scoped.json"
        ),
        terraform=(
            'resource "aws_iam_role_policy" "app" {\n'
            "  role   = aws_iam_role.app.id\n"
            "  policy = data.aws_iam_policy_document.app_scoped.json  # actions listed, no service:*\n"
            "}"
        ),
    ),
    inputs=(AUTH_DETAILS,),
    # Same check as Prowler iam_inline_policy_no_administrative_privileges. NIST from Prowler's NIST 800-53
    # Rev. 5 file (Security Hub lists none). The Prowler check covers the "*" case. See docs/mappings.md.
    mappings=Mappings(
        nist=(
            "AC-2(1)",
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
            "AC-5",
            "AC-6",
            "AC-6(2)",
            "AC-6(3)",
            "AC-6(10)",
            "AC-24",
            "CM-5(1)",
            "CM-6",
            "CM-9",
            "MP-2",
            "SC-23(3)",
            "SC-25",
        )
    ),
)


def _principals_by_account(ctx: AssessmentContext) -> dict[str, list[Any]]:
    def build() -> dict[str, list[Any]]:
        iam = ctx.inventory.iam
        out: dict[str, list[Any]] = {}
        everyone: Iterable[Any] = (
            *iam.users.values(),
            *iam.groups.values(),
            *(r for r in iam.roles.values() if not r.service_linked),  # AWS writes service-linked policies
        )
        for p in everyone:
            if p.inline_policies:
                out.setdefault(p.account_id, []).append(p)
        for items in out.values():
            items.sort(key=lambda p: p.arn)
        return out

    return memo(ctx, "principals_with_inline_policies", build)


@gc_paused_results
def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    by_account = _principals_by_account(ctx)
    for account_id in ctx.account_ids:
        gap = ctx.gaps_or(CONTROL, account_id, GLOBAL)
        if gap is not None:
            yield gap
            continue
        for principal in by_account.get(account_id, ()):
            statements: list[str] = []
            wildcards: set[str] = set()
            for inline in principal.inline_policies:
                for st, hits in service_wildcards(inline.document, every_service=True):
                    statements.append(
                        describe_statement(f"inline policy {inline.name} of {short_arn(principal.arn)}", st)
                    )
                    wildcards.update(hits)
            names = [p.name for p in principal.inline_policies]
            yield result(
                CONTROL,
                passed=not wildcards,
                account_id=account_id,
                resource_arn=principal.arn,
                resource_id=short_arn(principal.arn),
                message=f"Inline policies {', '.join(names)} allow no whole service."
                if not wildcards
                else f"{short_arn(principal.arn)} has inline policies allowing whole services: "
                f"{', '.join(sorted(wildcards))}.",
                evidence=Evidence(
                    call_ids=principal.call_ids,
                    statements=tuple(statements),
                    values={"inline_policies": names, "wildcards": sorted(wildcards)},
                ),
            )
