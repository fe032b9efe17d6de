"""No default VPC holds network interfaces (the network finding ``default_vpc_in_use``)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.network.findings import DEFAULT_VPC_IN_USE, DEFAULT_VPC_PRESENT
from analysis.network.findings import FAIL as FINDING_FAIL
from analysis.rules.base import MEDIUM, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.network._common import (
    INTERFACES,
    VPCS,
    area_calls,
    area_gaps,
    area_result,
    finding_result,
    findings,
    findings_by_area,
    places,
    region_of,
    result,
)

CONTROL = Control(
    id="vpc_default_vpc_in_use",
    title="No workload runs in a default VPC",
    severity=MEDIUM,
    practice="network",
    service="ec2",
    scope="resource",
    rationale=(
        "Interfaces in a default VPC belong to instances, databases, functions or endpoints that were "
        "placed outside the designed network: public-by-default subnets, the default security group, no "
        "flow logs or inspection unless someone added them. They are usually the forgotten test machine "
        "that ends up exposed; moving them into purpose-built VPCs brings them under the organization's "
        "controls."
    ),
    remediation=Remediation(
        console=(
            "EC2 console > Network interfaces, filter on the default VPC's id: for each owner (instance, RDS, "
            "Lambda, endpoint) recreate or move it into a purpose-built VPC, then delete the default VPC."
        ),
        cli=(
            "aws ec2 describe-network-interfaces --filters Name=vpc-id,Values=<default-vpc-id> "
            "--query 'NetworkInterfaces[].[NetworkInterfaceId,InterfaceType,Description]'"
        ),
        terraform=(
            "# Place workloads in the designed VPC's subnets, never the default ones:\n"
            'resource "aws_instance" "app" {\n'
            "  subnet_id = aws_subnet.private_a.id  # a subnet of aws_vpc.main, not of the default VPC\n"
            "  # ...\n"
            "}"
        ),
    ),
    inputs=(VPCS, INTERFACES),
    # Neither Prowler nor Security Hub CSPM has a check of this meaning: no framework mapping. See
    # docs/mappings.md.
    mappings=Mappings(),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    in_use = findings(ctx, DEFAULT_VPC_IN_USE)
    gaps = area_gaps(in_use)
    per_vpc = {f.resource: f for f in in_use if f.resource}
    defaults = [f for f in findings(ctx, DEFAULT_VPC_PRESENT) if f.status == FINDING_FAIL]
    results: dict[tuple[str, str], list[Result]] = {}
    for f in sorted(in_use, key=lambda f: f.resource_id):
        if f.resource:
            results.setdefault((f.account_id, region_of(f.region)), []).append(
                finding_result(ctx, CONTROL, f, f"Default VPC in use: {f.detail}.")
            )
    for f in defaults:  # present, and its interfaces were answered: none
        if f.resource in per_vpc:
            continue
        vpc = ctx.inventory.network.vpcs.get(f.resource)
        if vpc is None:
            continue
        results.setdefault((f.account_id, region_of(f.region)), []).append(
            result(
                CONTROL,
                vpc,
                PASS,
                f"The default VPC {vpc.vpc_id} holds no network interface.",
                resource_id=vpc.vpc_id,
                call_ids=f.call_ids,
            )
        )
    gap_findings = findings_by_area(in_use)
    for account_id, region in places(ctx):
        if (account_id, region) in gaps:
            yield from (
                finding_result(ctx, CONTROL, f)
                for f in gap_findings.get((account_id, region), ())
                if not f.resource
            )
            continue
        here = results.get((account_id, region))
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
            call_ids=area_calls(ctx, account_id, region, (VPCS,)),
        )
