"""Member accounts sit in an organizational unit, not directly under the root."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, LOW, NOT_ASSESSED, PASS, Control, Input, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.organizations._common import make, org_not_assessed

CONTROL = Control(
    id="organizations_accounts_outside_ou",
    title="Member accounts are placed in an organizational unit",
    severity=LOW,
    practice="governance",
    service="organizations",
    scope="account",
    rationale=(
        "The white paper groups accounts into OUs by function (Security, Infrastructure, Workloads, "
        "Sandbox, Suspended) so that guardrails are attached once per OU and apply to every account "
        "with the same purpose. A member account directly under the root gets only the root's "
        "policies and is easily forgotten when OU guardrails are added. The management account "
        "belongs at the root and is not judged."
    ),
    remediation=Remediation(
        console=(
            "AWS Organizations > AWS accounts > select the account > Actions > Move > choose the OU "
            "matching its function > Move AWS account."
        ),
        cli="aws organizations move-account --account-id <id> --source-parent-id <r-root> "
        "--destination-parent-id <ou-id>",
        terraform=(
            'resource "aws_organizations_account" "workload" {\n'
            '  name      = "payments-prod"\n'
            '  email     = "aws+payments-prod@example.com"\n'
            "  parent_id = aws_organizations_organizational_unit.workloads_prod.id\n"
            "}"
        ),
    ),
    inputs=(
        Input(service="organizations", operation="ListRoots", regional=False),
        Input(service="organizations", operation="ListAccountsForParent", regional=False),
    ),
    # Neither Prowler nor Security Hub CSPM has a check of this meaning: no framework mapping. See
    # docs/mappings.md.
    mappings=Mappings(),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    na = org_not_assessed(ctx, CONTROL)
    if na is not None:
        yield na
        return
    org = ctx.inventory.organization
    for account_id, account in sorted(org.accounts.items()):
        if account_id == org.management_account_id:
            continue
        ids = account.call_ids
        if account.parent_id is None:
            yield make(
                ctx,
                CONTROL,
                NOT_ASSESSED,
                "the snapshot does not record this account's parent (its OU listing was not answered)",
                account_id=account_id,
                call_ids=ids,
            )
        elif account.parent_id in org.root_ids:
            yield make(
                ctx,
                CONTROL,
                FAIL,
                f"Account {account.name or account_id} sits directly under the root ({account.parent_id}): "
                "no OU guardrail applies to it.",
                account_id=account_id,
                call_ids=ids,
                values={"parent": account.parent_id},
            )
        else:
            unit = org.units.get(account.parent_id)
            where = unit.name if unit is not None else account.parent_id
            yield make(
                ctx,
                CONTROL,
                PASS,
                f"Account {account.name or account_id} is in OU {where} ({account.parent_id}).",
                account_id=account_id,
                call_ids=ids,
                values={"parent": account.parent_id},
            )
