"""Network reachability over the VPC model (issue 5): internet exposure, paths, VPC connectivity.

Offline, from the Inventory alone, what AWS's Reachability Analyzer and Network Access Analyzer
answer live: route tables by longest prefix, network ACLs in rule order in both directions,
security groups (stateful, group references, prefix lists), public IPs and Elastic IPs, internet
and NAT gateways, peering and transit gateways, internet-facing load balancers to their targets.
Every answer is a record of ``analysis.network.results``, explained hop by hop.

Entry points:

- ``build_network_index(inventory)``: the per-subnet / per-group indexes every query uses; build
  it once and pass it as ``index=`` to several queries.
- ``internet_exposure(inventory, index=, progress=, cancelled=)``: every interface of the
  organization reachable from the internet, directly or through a load balancer.
- ``find_path(inventory, source=, destination=, protocol=, port=, index=)``: the path, or the first
  component that blocks it.
- ``resolve_endpoint(index, text)``: "internet", i-..., eni-..., subnet-... or an IP address.
- ``vpc_connectivity(inventory, index=)``: which VPCs send traffic to which over peering and TGWs.
"""

from analysis.network.connectivity import vpc_connectivity
from analysis.network.exposure import NetworkAnalysisCancelled, internet_exposure
from analysis.network.index import NetworkIndex, build_network_index
from analysis.network.paths import find_path, resolve_endpoint

__all__ = [
    "NetworkAnalysisCancelled",
    "NetworkIndex",
    "build_network_index",
    "find_path",
    "internet_exposure",
    "resolve_endpoint",
    "vpc_connectivity",
]
