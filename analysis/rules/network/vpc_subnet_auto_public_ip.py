"""Subnets do not assign public IPv4 addresses automatically (EC2.15; the network finding
``subnet_auto_public_ip``)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.network.findings import SUBNET_AUTO_PUBLIC_IP
from analysis.rules.base import MEDIUM, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.network._common import (
    SUBNETS,
    area_gaps,
    by_area,
    finding_result,
    findings,
    findings_by_area,
    places,
    region_of,
    result,
)

CONTROL = Control(
    id="vpc_subnet_auto_public_ip",
    title="Subnets do not assign public IPv4 addresses automatically",
    severity=MEDIUM,
    practice="network",
    service="ec2",
    scope="resource",
    rationale=(
        "With MapPublicIpOnLaunch on, every instance launched in the subnet gets a public address unless "
        "its creator thinks to refuse one, so exposure becomes the default rather than a decision. Public "
        "addresses should be asked for explicitly (or held by load balancers and NAT gateways only)."
    ),
    remediation=Remediation(
        console="VPC console > Subnets > the subnet > Actions > Edit subnet settings > clear 'Enable auto-assign public IPv4 address' > Save.",
        cli="aws ec2 modify-subnet-attribute --subnet-id <subnet-id> --no-map-public-ip-on-launch",
        terraform=(
            'resource "aws_subnet" "public_a" {\n'
            "  vpc_id                  = aws_vpc.main.id\n"
            '  cidr_block              = "10.0.0.0/24"\n'
            "  map_public_ip_on_launch = false\n"
            "}"
        ),
    ),
    inputs=(SUBNETS,),
    # Same check as Security Hub CSPM EC2.15; Prowler vpc_subnet_no_public_ip_by_default. NIST from Security
    # Hub's related requirements. See docs/mappings.md.
    mappings=Mappings(
        fsbp=("EC2.15",),
        nist=(
            "AC-21",
            "AC-3",
            "AC-3(7)",
            "AC-4",
            "AC-4(21)",
            "AC-6",
            "SC-7",
            "SC-7(11)",
            "SC-7(16)",
            "SC-7(20)",
            "SC-7(21)",
            "SC-7(3)",
            "SC-7(4)",
            "SC-7(9)",
        ),
    ),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    found = findings(ctx, SUBNET_AUTO_PUBLIC_IP)
    gaps = area_gaps(found)
    failing: dict[tuple[str, str], list[Result]] = {}
    flagged = set()
    for f in found:
        if f.resource:
            flagged.add(f.resource)
            failing.setdefault((f.account_id, region_of(f.region)), []).append(
                finding_result(ctx, CONTROL, f)
            )
    subnets = by_area(ctx.inventory.network.subnets.values())
    gap_findings = findings_by_area(found)
    for account_id, region in places(ctx):
        if (account_id, region) in gaps:
            yield from (
                finding_result(ctx, CONTROL, f)
                for f in gap_findings.get((account_id, region), ())
                if not f.resource
            )
            continue
        yield from failing.get((account_id, region), ())
        for subnet in sorted(subnets.get((account_id, region), ()), key=lambda s: s.subnet_id):
            if subnet.arn in flagged:
                continue
            yield result(
                CONTROL,
                subnet,
                PASS,
                f"{subnet.subnet_id} in {subnet.vpc_id} does not assign public IPv4 addresses on launch.",
                resource_id=subnet.subnet_id,
                values={"MapPublicIpOnLaunch": subnet.map_public_ip_on_launch},
            )
