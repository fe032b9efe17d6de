"""Roles were used in the 90 days before the collection (RoleLastUsed; new roles get the same grace).

RoleLastUsed is tracked for 400 days (IAM User Guide, "View role access"): no date means the
role was not used in that period, or since it was created. A role created less than 90 days
before the collection is not judged unused. Service-linked roles are AWS's to manage and left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from analysis.rules.base import LOW, Control, Evidence, Mappings, Remediation, Result
from analysis.rules.context import GLOBAL, AssessmentContext
from analysis.rules.iam._common import AUTH_DETAILS, days_since, gc_paused_results, memo, result

DAYS = 90

CONTROL = Control(
    id="iam_unused_role",
    title=f"Roles unused for {DAYS} days are removed",
    severity=LOW,
    practice="review",
    service="iam",
    scope="resource",
    rationale=(
        "A role nobody assumes still carries its permissions and its trust policy: whoever it "
        "trusts (a sibling account, a vendor, a CI system) can still use it. Unused roles are "
        "forgotten integrations and experiments; removing them shrinks what reviews must cover and "
        "what an attacker can pick up."
    ),
    remediation=Remediation(
        console=(
            "IAM > Roles: sort by Last activity; for roles idle beyond the period, confirm with the owner, "
            "then delete them (detach policies, remove from instance profiles first)."
        ),
        cli=(
            "aws iam get-role --role-name <role> --query Role.RoleLastUsed\n"
            "aws iam delete-role --role-name <role>"
        ),
        terraform="# Remove the aws_iam_role resource (and its attachments) from the configuration.",
    ),
    inputs=(AUTH_DETAILS,),
    # Neither Prowler nor Security Hub CSPM has a check of this meaning: no framework mapping. See
    # docs/mappings.md.
    mappings=Mappings(),
)


def _roles_by_account(ctx: AssessmentContext) -> dict[str, list[Any]]:
    def build() -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {}
        for role in ctx.inventory.iam.roles.values():
            if not role.service_linked:
                out.setdefault(role.account_id, []).append(role)
        for roles in out.values():
            roles.sort(key=lambda r: r.arn)
        return out

    return memo(ctx, "roles_by_account", build)


@gc_paused_results
def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    by_account = _roles_by_account(ctx)
    for account_id in ctx.account_ids:
        gap = ctx.gaps_or(CONTROL, account_id, GLOBAL)
        if gap is not None:
            yield gap
            continue
        for role in by_account.get(account_id, ()):
            used = days_since(ctx, role.last_used_date)
            age = days_since(ctx, role.created)
            values = {
                "last_used": role.last_used_date,
                "last_used_region": role.last_used_region,
                "created": role.created,
            }
            if used is not None:
                passed, message = (
                    used < DAYS,
                    f"Last used {used} day(s) before the collection."
                    if used < DAYS
                    else f"{role.name} was last used {used} days before the collection.",
                )
            elif age is not None:
                passed, message = (
                    age < DAYS,
                    f"Never used; created {age} day(s) before the collection."
                    if age < DAYS
                    else f"{role.name} has no recorded use and was created {age} days before the collection.",
                )
            else:
                yield ctx.not_assessed(
                    CONTROL,
                    account_id=account_id,
                    region=GLOBAL,
                    reason="the role has neither a last-used date nor a creation date",
                    call_ids=role.call_ids,
                    resource_arn=role.arn,
                    resource_id=role.name,
                )
                continue
            yield result(
                CONTROL,
                passed=passed,
                account_id=account_id,
                resource_arn=role.arn,
                resource_id=role.name,
                message=message,
                evidence=Evidence(call_ids=role.call_ids, values=values),
            )
