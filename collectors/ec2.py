"""EC2 and VPC: VPCs, subnets, route tables, gateways, peering, transit gateways, endpoints, prefix lists, security groups, NACLs, ENIs, instances, EIPs, flow logs, EBS default encryption."""

from __future__ import annotations

from collectors.spec import Collector

# Being written: the operations are declared here as data (see collectors/spec.py).
COLLECTORS: tuple[Collector, ...] = ()
