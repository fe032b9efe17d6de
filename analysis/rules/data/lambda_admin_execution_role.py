"""Lambda functions do not run with an administrator execution role."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.iam import ALLOW, CONDITIONAL, Decision
from analysis.rules.base import FAIL, HIGH, PASS, Control, Input, Mappings, Remediation, Result
from analysis.rules.context import GLOBAL, AssessmentContext
from analysis.rules.data._common import listing_gaps, result
from analysis.rules.data._lambda import LIST_FUNCTIONS

AUTH_DETAILS = Input(service="iam", operation="GetAccountAuthorizationDetails", regional=False)

CONTROL = Control(
    id="lambda_admin_execution_role",
    title="Lambda functions do not run with administrator execution roles",
    severity=HIGH,
    practice="identity",
    service="lambda",
    scope="resource",
    rationale=(
        "A function's code runs with its execution role's permissions. If that role is an "
        "administrator, any code injection, vulnerable dependency or person able to update the "
        "function owns the whole account; it is also the target of the PassRole escalation path "
        '(create a function with the admin role). The policy engine decides "administrator" with '
        "SCPs and permission boundaries applied."
    ),
    remediation=Remediation(
        console=(
            "IAM console > Roles > the execution role: detach AdministratorAccess (or the wildcard "
            "policy) and attach a policy with only the actions and resources the function uses "
            "(IAM Access Analyzer policy generation can draft it from CloudTrail)."
        ),
        cli=(
            "aws iam detach-role-policy --role-name <role> --policy-arn arn:aws:iam::aws:policy/AdministratorAccess\n"
            "aws iam put-role-policy --role-name <role> --policy-name least-privilege --policy-document file://policy.json"
        ),
        terraform=(
            'resource "aws_iam_role_policy" "worker" {\n'
            "  role = aws_iam_role.worker.id\n"
            "  policy = jsonencode({\n"
            '    Version = "2012-10-17"\n'
            '    Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "${aws_s3_bucket.in.arn}/*" }]\n'
            "  })\n"
            "}"
        ),
    ),
    inputs=(LIST_FUNCTIONS, AUTH_DETAILS),
    # Neither Prowler nor Security Hub CSPM has a check of this meaning: no framework mapping. See
    # docs/mappings.md.
    mappings=Mappings(),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from listing_gaps(ctx, CONTROL, LIST_FUNCTIONS)
    decisions: dict[str, Decision] = {}
    roles = ctx.inventory.iam.roles
    for fn in ctx.inventory.lambda_functions.functions.values():
        role_arn = fn.role_arn
        if not role_arn:
            continue
        role = roles.get(role_arn)
        if role is None:
            gap = ctx.coverage_gap(fn.account_id, GLOBAL, (AUTH_DETAILS,))
            reason = (
                gap[0]
                if gap
                else f"execution role {role_arn} is not in the account's IAM data (deleted, or never created)"
            )
            yield ctx.not_assessed(
                CONTROL,
                account_id=fn.account_id,
                region=fn.region,
                reason=reason,
                call_ids=gap[1] if gap else fn.call_ids,
                resource_arn=fn.arn,
                resource_id=fn.name,
            )
            continue
        decision = decisions.get(role_arn)
        if decision is None:
            decision = decisions[role_arn] = ctx.engine.is_admin(role_arn)
        call_ids = (*fn.call_ids, *role.call_ids)
        statements = tuple(s.describe() for s in decision.deciding)
        if decision.decision == ALLOW:
            yield result(
                CONTROL,
                fn,
                FAIL,
                f"Function {fn.name} runs as {role.name}, an administrator of account {role.account_id}.",
                resource_id=fn.name,
                statements=statements,
                call_ids=call_ids,
                values={"role": role_arn},
            )
        elif decision.decision == CONDITIONAL:
            yield result(
                CONTROL,
                fn,
                FAIL,
                f"Function {fn.name} runs as {role.name}, an administrator of account {role.account_id} "
                f"unless the snapshot's unknowns say otherwise: {decision.summary()}.",
                resource_id=fn.name,
                statements=statements,
                call_ids=call_ids,
                values={"role": role_arn},
            )
        else:
            yield result(
                CONTROL,
                fn,
                PASS,
                f"Function {fn.name} runs as {role.name}, which is not an administrator.",
                resource_id=fn.name,
                call_ids=call_ids,
                values={"role": role_arn},
            )
