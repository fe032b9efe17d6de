"""Private subnets that reach the internet through a NAT gateway reach Amazon S3 through a VPC
endpoint (informational): S3 traffic then stays on the AWS network, can be limited by an endpoint
policy, and does not need the NAT."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.model.network import NetworkInventory, RouteTable, VpcEndpoint
from analysis.rules.base import FAIL, INFORMATIONAL, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.network._common import (
    ENDPOINTS,
    ROUTE_TABLES,
    SUBNETS,
    area_not_assessed,
    by_area,
    places,
    result,
    shown,
)

CONTROL = Control(
    id="vpc_s3_endpoint_private_subnets",
    title="Private subnets reach S3 through a VPC endpoint",
    severity=INFORMATIONAL,
    practice="network",
    service="ec2",
    scope="resource",
    rationale=(
        "Without an S3 endpoint, instances in private subnets reach S3 through the NAT gateway and the "
        "public S3 endpoint: the traffic leaves the VPC, costs NAT processing, and cannot be held to the "
        "organization's buckets. A gateway endpoint keeps it on the AWS network and its policy (with "
        "aws:ResourceOrgID) is the network half of a data perimeter."
    ),
    remediation=Remediation(
        console=(
            "VPC console > Endpoints > Create endpoint > AWS services > com.amazonaws.<region>.s3, type "
            "Gateway > the VPC > tick the route tables of the private subnets > optionally a policy limited "
            "to the organization's buckets > Create endpoint."
        ),
        cli=(
            "aws ec2 create-vpc-endpoint --vpc-id <vpc-id> --vpc-endpoint-type Gateway "
            "--service-name com.amazonaws.<region>.s3 --route-table-ids <rtb-id> <rtb-id>"
        ),
        terraform=(
            'resource "aws_vpc_endpoint" "s3" {\n'
            "  vpc_id            = aws_vpc.main.id\n"
            '  service_name      = "com.amazonaws.${var.region}.s3"\n'
            '  vpc_endpoint_type = "Gateway"\n'
            "  route_table_ids   = [aws_route_table.private.id]\n"
            "}"
        ),
    ),
    inputs=(ROUTE_TABLES, SUBNETS, ENDPOINTS),
    # Neither Prowler nor Security Hub CSPM has a check of this meaning: no framework mapping. See
    # docs/mappings.md.
    mappings=Mappings(),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    net = ctx.inventory.network
    vpcs = by_area(net.vpcs.values())
    s3_endpoints: dict[str, list[VpcEndpoint]] = {}
    for ep in net.endpoints.values():
        if ep.service_name.endswith(".s3") and ep.state.lower() in ("available", ""):
            s3_endpoints.setdefault(ep.vpc_id, []).append(ep)
    for account_id, region in places(ctx):
        missing = area_not_assessed(ctx, CONTROL, account_id, region, CONTROL.inputs)
        if missing is not None:
            yield missing
            continue
        for vpc in sorted(vpcs.get((account_id, region), ()), key=lambda v: v.vpc_id):
            private = _nat_subnets(net, vpc.vpc_id)
            if not private:
                continue  # no subnet egresses through a NAT gateway: nothing to judge
            endpoints = s3_endpoints.get(vpc.vpc_id, [])
            interface = [e for e in endpoints if e.endpoint_type.lower() == "interface"]
            gateway_tables = {
                t for e in endpoints if e.endpoint_type.lower() == "gateway" for t in e.route_table_ids
            }
            uncovered = [
                s
                for s, table in private.items()
                if not interface and table.route_table_id not in gateway_tables
            ]
            names = ", ".join(e.endpoint_id for e in endpoints) or "none"
            call_ids = (*vpc.call_ids, *(i for e in endpoints for i in e.call_ids))
            if uncovered:
                yield result(
                    CONTROL, vpc, FAIL,
                    f"{vpc.vpc_id}: {len(uncovered)} private subnet(s) reach S3 through a NAT gateway, not an "
                    f"endpoint ({shown(uncovered)}); S3 endpoints in the VPC: {names}.",
                    resource_id=vpc.vpc_id, call_ids=call_ids, values={"subnets": uncovered},
                )  # fmt: skip
            else:
                yield result(
                    CONTROL, vpc, PASS,
                    f"{vpc.vpc_id}: the {len(private)} private subnet(s) with NAT egress reach S3 through {names}.",
                    resource_id=vpc.vpc_id, call_ids=call_ids,
                )  # fmt: skip


def _nat_subnets(net: NetworkInventory, vpc_id: str) -> dict[str, RouteTable]:
    """The subnets whose default route (0.0.0.0/0) goes to a NAT gateway, with their route table."""
    out = {}
    for subnet_id in net.subnets_by_vpc.get(vpc_id, ()):
        table = net.route_table_of_subnet(subnet_id)
        if table is not None and any(
            r.destination_cidr == "0.0.0.0/0" and r.target_kind == "nat" and r.state == "active"
            for r in table.routes
        ):
            out[subnet_id] = table
    return out
