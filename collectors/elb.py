"""Load balancers: ELBv2 (application, network, gateway) and classic, listeners, rules, target groups, targets.

Two collectors because they are two APIs (boto3 ``elbv2`` and ``elb``); both regional.
"""

from __future__ import annotations

from collectors.spec import Collector, From, Op

_LB_ARNS = From(
    sources=("DescribeLoadBalancers",), path="LoadBalancers[].LoadBalancerArn", param="LoadBalancerArn"
)
_CLASSIC_NAMES = From(
    sources=("DescribeLoadBalancers",),
    path="LoadBalancerDescriptions[].LoadBalancerName",
    param="LoadBalancerName",
)

COLLECTORS: tuple[Collector, ...] = (
    Collector(
        name="elbv2",
        service="elbv2",
        scope="regional",
        description="Application, network and gateway load balancers, listeners, rules, target groups, targets",
        ops=(
            Op(operation="DescribeLoadBalancers"),
            # Access logs, deletion protection, routing.http.drop_invalid_header_fields.enabled, ...
            Op(operation="DescribeLoadBalancerAttributes", for_each=_LB_ARNS),
            Op(operation="DescribeListeners", for_each=_LB_ARNS),
            # Listener rules: which target groups a listener can forward to beyond its default action.
            Op(
                operation="DescribeRules",
                for_each=From(
                    sources=("DescribeListeners",), path="Listeners[].ListenerArn", param="ListenerArn"
                ),
            ),
            Op(operation="DescribeTargetGroups"),
            # The registered targets (instance ids or IPs, ports) and their health.
            Op(
                operation="DescribeTargetHealth",
                for_each=From(
                    sources=("DescribeTargetGroups",),
                    path="TargetGroups[].TargetGroupArn",
                    param="TargetGroupArn",
                ),
            ),
        ),
    ),
    Collector(
        name="elb",
        service="elb",
        scope="regional",
        description="Classic load balancers: listeners, registered instances, policies, access logs",
        ops=(
            # Listeners, instances, subnets and security groups come inside each description.
            Op(operation="DescribeLoadBalancers"),
            Op(operation="DescribeLoadBalancerAttributes", for_each=_CLASSIC_NAMES),
            # SSL negotiation (TLS versions, ciphers) and proxy-protocol policies of each balancer.
            Op(operation="DescribeLoadBalancerPolicies", for_each=_CLASSIC_NAMES),
        ),
    ),
)
