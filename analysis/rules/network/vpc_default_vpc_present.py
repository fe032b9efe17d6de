"""No default VPC is left in any account and region (the network finding ``default_vpc_present``
or ``default_vpc_in_use``: a default VPC exists)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.network.findings import DEFAULT_VPC_IN_USE, DEFAULT_VPC_PRESENT
from analysis.network.findings import FAIL as FINDING_FAIL
from analysis.rules.base import LOW, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.network._common import (
    VPCS,
    area_calls,
    area_gaps,
    area_result,
    finding_result,
    findings,
    findings_by_area,
    places,
    region_of,
)

CONTROL = Control(
    id="vpc_default_vpc_present",
    title="No default VPC is left in any account and region",
    severity=LOW,
    practice="network",
    service="ec2",
    scope="resource",
    rationale=(
        "AWS creates a default VPC in every region of every account, with public subnets that give every "
        "instance a public address and a route to the internet. Nobody designed it, so nothing in the "
        "organization's network plan (inspection, flow logs, segmentation) applies to it; resources "
        "launched without naming a subnet land there. Deleting unused default VPCs removes that path."
    ),
    remediation=Remediation(
        console=(
            "Check that nothing runs in it (EC2 > Network interfaces filtered on the VPC), then VPC console > "
            "Your VPCs > the default VPC > Actions > Delete VPC. Repeat in every region; new accounts created "
            "by Control Tower can be set to have no default VPC."
        ),
        cli=(
            "aws ec2 describe-network-interfaces --filters Name=vpc-id,Values=<vpc-id> --query 'length(NetworkInterfaces)'\n"
            "# delete its internet gateway and subnets, then:\n"
            "aws ec2 delete-vpc --vpc-id <vpc-id>"
        ),
        terraform=(
            "# Terraform cannot delete a default VPC it did not create; adopt it to manage it explicitly,\n"
            "# or remove it with the CLI once empty:\n"
            'resource "aws_default_vpc" "default" {\n'
            "  force_destroy = true  # `terraform destroy` then deletes the default VPC\n"
            "}"
        ),
    ),
    inputs=(VPCS,),
    # Neither Prowler nor Security Hub CSPM has a check of this meaning: no framework mapping. See
    # docs/mappings.md.
    mappings=Mappings(),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    present = (*findings(ctx, DEFAULT_VPC_PRESENT), *findings(ctx, DEFAULT_VPC_IN_USE))
    gaps = area_gaps(findings(ctx, DEFAULT_VPC_PRESENT))
    by_area: dict[tuple[str, str], list[Result]] = {}
    for f in sorted((f for f in present if f.status == FINDING_FAIL), key=lambda f: f.resource_id):
        by_area.setdefault((f.account_id, region_of(f.region)), []).append(
            finding_result(ctx, CONTROL, f, f"Default VPC present: {f.detail}.")
        )
    gap_findings = findings_by_area(findings(ctx, DEFAULT_VPC_PRESENT))
    for account_id, region in places(ctx):
        if (account_id, region) in gaps:
            yield from (
                finding_result(ctx, CONTROL, f)
                for f in gap_findings.get((account_id, region), ())
                if not f.resource
            )
            continue
        here = by_area.get((account_id, region))
        if here:
            yield from here
            continue
        yield area_result(
            ctx,
            CONTROL,
            account_id,
            region,
            passed=True,
            message=f"No default VPC in {region}.",
            call_ids=area_calls(ctx, account_id, region, CONTROL.inputs),
        )
