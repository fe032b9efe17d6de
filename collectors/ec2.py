"""EC2 and VPC: VPCs, subnets, route tables, gateways, peering, transit gateways, endpoints, prefix lists, security groups, NACLs, ENIs, instances, EIPs, flow logs, EBS default encryption.

Everything a reachability analysis needs, per account and region. What is
deliberately *not* collected:

- Instance user data: ``DescribeInstances`` does not return it, and
  ``DescribeInstanceAttribute(userData)`` is never called (user data often holds secrets).
- EBS snapshots and AMIs: ``DescribeSnapshots`` lists every public snapshot unless filtered,
  and is not needed for the network model.
"""

from __future__ import annotations

from collectors.spec import Collector, From, Op

# SearchTransitGatewayRoutes requires at least one filter ("Filters" is a required member, EC2 API
# reference). Filtering on both route types returns every route of the table, whatever its state
# (active or blackhole).
ALL_TGW_ROUTES = ({"Name": "type", "Values": ["static", "propagated"]},)

_TGW_ROUTE_TABLES = From(
    sources=("DescribeTransitGatewayRouteTables",),
    path="TransitGatewayRouteTables[].TransitGatewayRouteTableId",
    param="TransitGatewayRouteTableId",
)

COLLECTORS: tuple[Collector, ...] = (
    Collector(
        name="ec2",
        service="ec2",
        scope="regional",
        description="VPCs, subnets, route tables, gateways, peering, transit gateways, endpoints, "
        "prefix lists, security groups, NACLs, ENIs, instances, EIPs, flow logs, EBS default encryption",
        ops=(
            Op(operation="DescribeVpcs"),
            Op(operation="DescribeSubnets"),
            # Route tables carry their subnet associations and the VPC's main-table flag.
            Op(operation="DescribeRouteTables"),
            Op(operation="DescribeInternetGateways"),
            Op(operation="DescribeEgressOnlyInternetGateways"),
            Op(operation="DescribeNatGateways"),
            # Lists peerings where this account is requester or accepter: both sides are seen
            # from both accounts (and from both regions for inter-region peering).
            Op(operation="DescribeVpcPeeringConnections"),
            Op(operation="DescribeTransitGateways"),
            Op(operation="DescribeTransitGatewayAttachments"),
            Op(operation="DescribeTransitGatewayRouteTables"),
            Op(
                operation="SearchTransitGatewayRoutes",
                params={"Filters": [dict(f) for f in ALL_TGW_ROUTES]},
                for_each=_TGW_ROUTE_TABLES,
            ),
            Op(operation="GetTransitGatewayRouteTableAssociations", for_each=_TGW_ROUTE_TABLES),
            Op(operation="GetTransitGatewayRouteTablePropagations", for_each=_TGW_ROUTE_TABLES),
            # Endpoints come with their policy documents (PolicyDocument, a JSON string).
            Op(operation="DescribeVpcEndpoints"),
            # Customer and AWS-managed prefix lists; SG rules and routes refer to them by id.
            Op(operation="DescribeManagedPrefixLists"),
            Op(
                operation="GetManagedPrefixListEntries",
                for_each=From(
                    sources=("DescribeManagedPrefixLists",),
                    path="PrefixLists[].PrefixListId",
                    param="PrefixListId",
                ),
            ),
            Op(operation="DescribeSecurityGroups"),
            # One row per rule with its id, SG references and prefix lists resolved to ids.
            Op(operation="DescribeSecurityGroupRules"),
            Op(operation="DescribeNetworkAcls"),
            Op(operation="DescribeNetworkInterfaces"),
            Op(operation="DescribeInstances"),
            Op(operation="DescribeAddresses"),
            Op(operation="DescribeFlowLogs"),
            Op(operation="GetEbsEncryptionByDefault"),
        ),
    ),
)
