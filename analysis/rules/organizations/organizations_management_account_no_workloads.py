"""The management account runs no workloads (EC2 instances, Lambda functions, RDS instances)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from analysis.rules.base import (
    FAIL,
    MEDIUM,
    NOT_ASSESSED,
    PASS,
    Control,
    Input,
    Mappings,
    Remediation,
    Result,
)
from analysis.rules.context import AssessmentContext
from analysis.rules.organizations._common import make, org_not_assessed

EC2 = Input(service="ec2", operation="DescribeInstances")
LAMBDA = Input(service="lambda", operation="ListFunctions")
RDS = Input(service="rds", operation="DescribeDBInstances")

CONTROL = Control(
    id="organizations_management_account_no_workloads",
    title="The management account holds no workloads",
    severity=MEDIUM,
    practice="governance",
    service="organizations",
    scope="region",
    rationale=(
        "SCPs do not apply to the management account, and whoever controls it controls the whole "
        "organization. The white paper therefore keeps it for organization and billing "
        "administration only: every workload there (an instance, a function, a database) is code "
        "and credentials running where no guardrail applies and where a compromise is a compromise "
        "of every account."
    ),
    remediation=Remediation(
        console=(
            "Move the workloads to a member account in a workload OU (re-create or migrate them), then "
            "terminate the instances, delete the functions and databases in the management account."
        ),
        cli=(
            "aws ec2 describe-instances --filters Name=instance-state-name,Values=running,stopped\n"
            "aws lambda list-functions\n"
            "aws rds describe-db-instances"
        ),
        terraform=(
            "# Deploy workloads with a provider that assumes a role in a member account:\n"
            'provider "aws" {\n'
            '  alias = "workload"\n'
            "  assume_role {\n"
            '    role_arn = "arn:aws:iam::<workload-account>:role/<deploy-role>"\n'
            "  }\n"
            "}"
        ),
    ),
    inputs=(EC2, LAMBDA, RDS),
    # Neither Prowler nor Security Hub CSPM has a check of this meaning: no framework mapping. See
    # docs/mappings.md.
    mappings=Mappings(),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    na = org_not_assessed(ctx, CONTROL)
    if na is not None:
        yield na
        return
    mgmt = ctx.inventory.organization.management_account_id
    regions = ctx.regions(mgmt)
    if not regions:
        state = ctx.inventory.coverage.state(
            account_id=mgmt, region="global", service="ec2", operation="DescribeInstances"
        )
        yield make(ctx, CONTROL, NOT_ASSESSED, state.reason or "no region collected", account_id=mgmt)
        return
    found: dict[str, list[str]] = defaultdict(list)
    for inst in ctx.inventory.network.instances.values():
        if inst.account_id == mgmt and inst.state not in ("terminated", "shutting-down"):
            found[inst.region].append(inst.arn)
    for fn in ctx.inventory.lambda_functions.functions.values():
        if fn.account_id == mgmt:
            found[fn.region].append(fn.arn)
    for db in ctx.inventory.rds.instances.values():
        if db.account_id == mgmt:
            found[db.region].append(db.arn)
    for region in regions:
        here = found.get(region, [])
        gaps = []
        ids: list[int] = []
        for inp in CONTROL.inputs:
            state = ctx.inventory.coverage.state(
                account_id=mgmt, region=region, service=inp.service, operation=inp.operation
            )
            ids.extend(state.call_ids)
            if not state.answered:
                gaps.append(f"{inp.service}:{inp.operation} ({state.reason})")
        if here:
            yield make(
                ctx,
                CONTROL,
                FAIL,
                f"The management account runs {len(here)} workload(s) in {region}: "
                + ", ".join(a.rsplit(":", 1)[-1] for a in here[:5])
                + (" ..." if len(here) > 5 else "")
                + ".",
                account_id=mgmt,
                region=region,
                call_ids=ids,
                values={"workloads": here},
            )
        elif gaps:
            yield make(
                ctx,
                CONTROL,
                NOT_ASSESSED,
                f"not every listing was answered in {region}: " + "; ".join(gaps),
                account_id=mgmt,
                region=region,
                call_ids=ids,
            )
        else:
            yield make(
                ctx,
                CONTROL,
                PASS,
                f"No EC2 instance, Lambda function or RDS instance in the management account in {region}.",
                account_id=mgmt,
                region=region,
                call_ids=ids,
            )
