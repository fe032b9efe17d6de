"""Load balancers and WAF of one account and region: ELBv2, classic ELB, WAFv2 web ACLs.

Built with the network (``bench.gen_network``), whose VPCs, subnets, security groups and
instances they sit in and target: 0-2 application balancers per workload home region
(internet-facing or internal), HTTPS listeners with TLS policies (old ones now and then),
HTTP listeners that redirect or, the finding, forward; listener rules, target groups with
instance targets; a classic balancer in about one account in twelve; WAFv2 web ACLs with
managed rule groups on most internet-facing balancers, logging on some, and CloudFront-scope
ACLs in us-east-1.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bench import gen_network
from bench.gen_common import COLLECTED_AT, Answer, ApiError, iso
from bench.gen_world import AccountContext, Handler, stable_hex

if TYPE_CHECKING:
    from bench.gen_network import Builder

AZ_SUFFIXES = ("a", "b", "c")
TLS_POLICIES = (
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-2016-08",
    "ELBSecurityPolicy-TLS-1-0-2015-04",
)
WAF_RESOURCE_TYPES_WITH_RESOURCES = ("APPLICATION_LOAD_BALANCER",)


def load_balancers(
    b: Builder,
    vid: str,
    public: list[str],
    private: list[str],
    public_cidr: str,
    private_cidr: str,
    web: str,
    instances: list[str],
) -> None:
    rng, net = b.rng, b.net
    prefix = f"arn:aws:elasticloadbalancing:{b.region}:{b.acct}"
    for k in range(max(rng.choice((0, 1, 1, 2)), int(b.ctx.showcase))):
        facing = b.ctx.rare(rng, 0.6) if k == 0 else rng.random() < 0.6
        name = f"{b.ctx.account.name}-{'web' if facing else 'int'}-{k}"[:32]
        lb_arn = f"{prefix}:loadbalancer/app/{name}/{stable_hex(16, b.acct, b.region, name)}"
        subnets = public if facing else private
        for s in subnets:
            b.eni(
                vid,
                s,
                public_cidr if facing else private_cidr,
                [web],
                f"ELB app/{name}/{lb_arn[-16:]}",
                public_ip=b.public_ip() if facing else None,
                requester_managed=True,
            )
        net.lbs.append(
            {
                "LoadBalancerArn": lb_arn,
                "DNSName": f"{'internal-' if not facing else ''}{name}-1234567890.{b.region}.elb.amazonaws.com",
                "CanonicalHostedZoneId": "Z35SXDOTRQ7X7K",
                "CreatedTime": iso(COLLECTED_AT),
                "LoadBalancerName": name,
                "Scheme": "internet-facing" if facing else "internal",
                "VpcId": vid,
                "State": {"Code": "active"},
                "Type": "application",
                "AvailabilityZones": [
                    {"ZoneName": f"{b.region}{AZ_SUFFIXES[i]}", "SubnetId": s} for i, s in enumerate(subnets)
                ],
                "SecurityGroups": [web],
                "IpAddressType": "ipv4",
            }
        )
        net.lb_attributes[lb_arn] = [
            {"Key": "access_logs.s3.enabled", "Value": "true" if rng.random() < 0.5 else "false"},
            {"Key": "deletion_protection.enabled", "Value": "true" if rng.random() < 0.4 else "false"},
            {
                "Key": "routing.http.drop_invalid_header_fields.enabled",
                "Value": "true" if rng.random() < 0.3 else "false",
            },
            {"Key": "idle_timeout.timeout_seconds", "Value": "60"},
        ]
        tg_arn = f"{prefix}:targetgroup/{name[:26]}-tg/{stable_hex(16, lb_arn, 'tg')}"
        net.target_groups.append(
            {
                "TargetGroupArn": tg_arn,
                "TargetGroupName": f"{name[:26]}-tg",
                "Protocol": "HTTP",
                "Port": 8080,
                "VpcId": vid,
                "HealthCheckProtocol": "HTTP",
                "HealthCheckPort": "traffic-port",
                "HealthCheckEnabled": True,
                "HealthCheckIntervalSeconds": 30,
                "HealthCheckTimeoutSeconds": 5,
                "HealthyThresholdCount": 5,
                "UnhealthyThresholdCount": 2,
                "HealthCheckPath": "/health",
                "Matcher": {"HttpCode": "200"},
                "LoadBalancerArns": [lb_arn],
                "TargetType": "instance",
                "ProtocolVersion": "HTTP1",
                "IpAddressType": "ipv4",
            }
        )
        net.target_health[tg_arn] = [
            {
                "Target": {"Id": i, "Port": 8080},
                "HealthCheckPort": "8080",
                "TargetHealth": {"State": "healthy"},
            }
            for i in instances
        ]
        listeners = []
        https = f"{prefix}:listener/app/{name}/{lb_arn[-16:]}/{stable_hex(16, lb_arn, 443)}"
        listeners.append(
            {
                "ListenerArn": https,
                "LoadBalancerArn": lb_arn,
                "Port": 443,
                "Protocol": "HTTPS",
                "Certificates": [
                    {"CertificateArn": f"arn:aws:acm:{b.region}:{b.acct}:certificate/{stable_hex(32, https)}"}
                ],
                "SslPolicy": rng.choice(TLS_POLICIES),
                "DefaultActions": [{"Type": "forward", "TargetGroupArn": tg_arn, "Order": 1}],
            }
        )
        if facing:
            http = f"{prefix}:listener/app/{name}/{lb_arn[-16:]}/{stable_hex(16, lb_arn, 80)}"
            redirect = rng.random() < 0.75
            action = (
                {
                    "Type": "redirect",
                    "Order": 1,
                    "RedirectConfig": {
                        "Protocol": "HTTPS",
                        "Port": "443",
                        "Host": "#{host}",
                        "Path": "/#{path}",
                        "Query": "#{query}",
                        "StatusCode": "HTTP_301",
                    },
                }
                if redirect
                else {"Type": "forward", "TargetGroupArn": tg_arn, "Order": 1}
            )
            listeners.append(
                {
                    "ListenerArn": http,
                    "LoadBalancerArn": lb_arn,
                    "Port": 80,
                    "Protocol": "HTTP",
                    "DefaultActions": [action],
                }
            )
        net.listeners[lb_arn] = listeners
        for listener in listeners:
            rule_prefix = listener["ListenerArn"].replace(":listener/", ":listener-rule/")
            rules = [
                {
                    "RuleArn": f"{rule_prefix}/{stable_hex(16, listener['ListenerArn'], 'default')}",
                    "Priority": "default",
                    "Conditions": [],
                    "Actions": listener["DefaultActions"],
                    "IsDefault": True,
                }
            ]
            if listener["Port"] == 443 and rng.random() < 0.4:
                rules.insert(
                    0,
                    {
                        "RuleArn": f"{rule_prefix}/{stable_hex(16, listener['ListenerArn'], 'api')}",
                        "Priority": "10",
                        "Conditions": [
                            {"Field": "path-pattern", "PathPatternConfig": {"Values": ["/api/*"]}}
                        ],
                        "Actions": [{"Type": "forward", "TargetGroupArn": tg_arn, "Order": 1}],
                        "IsDefault": False,
                    },
                )
            net.rules[listener["ListenerArn"]] = rules
        if facing and b.ctx.rare(rng, 0.7):
            web_acl(b, lb_arn)
    if b.ctx.rare(rng, 0.08):
        classic(b, vid, public, web, instances)


def classic(b: Builder, vid: str, subnets: list[str], web: str, instances: list[str]) -> None:
    name = f"{b.ctx.account.name}-legacy"[:32]
    b.net.classic.append(
        {
            "LoadBalancerName": name,
            "DNSName": f"{name}-987654321.{b.region}.elb.amazonaws.com",
            "CanonicalHostedZoneName": f"{name}-987654321.{b.region}.elb.amazonaws.com",
            "CanonicalHostedZoneNameID": "Z35SXDOTRQ7X7K",
            "ListenerDescriptions": [
                {
                    "Listener": {
                        "Protocol": "HTTP",
                        "LoadBalancerPort": 80,
                        "InstanceProtocol": "HTTP",
                        "InstancePort": 8080,
                    },
                    "PolicyNames": [],
                }
            ],
            "Policies": {
                "AppCookieStickinessPolicies": [],
                "LBCookieStickinessPolicies": [],
                "OtherPolicies": [],
            },
            "BackendServerDescriptions": [],
            "AvailabilityZones": [f"{b.region}a", f"{b.region}b"],
            "Subnets": subnets,
            "VPCId": vid,
            "Instances": [{"InstanceId": i} for i in instances],
            "HealthCheck": {
                "Target": "HTTP:8080/",
                "Interval": 30,
                "Timeout": 5,
                "UnhealthyThreshold": 2,
                "HealthyThreshold": 10,
            },
            "SourceSecurityGroup": {"OwnerAlias": b.acct, "GroupName": web},
            "SecurityGroups": [web],
            "CreatedTime": iso(COLLECTED_AT),
            "Scheme": "internet-facing",
        }
    )


def web_acl(b: Builder, lb_arn: str) -> None:
    name = f"{lb_arn.split('/')[-2]}-acl"
    web_acl_of(b, "REGIONAL", name, [lb_arn], b.rng.random() < 0.4)


def web_acl_of(b: Builder, scope: str, name: str, resources: list[str], logging: bool) -> None:
    acl_id = (
        stable_hex(8, b.acct, b.region, scope, name)
        + "-"
        + stable_hex(4, name)
        + "-4abc-8def-"
        + stable_hex(12, scope, name)
    )
    where = "regional" if scope == "REGIONAL" else "global"
    region = b.region if scope == "REGIONAL" else "us-east-1"
    arn = f"arn:aws:wafv2:{region}:{b.acct}:{where}/webacl/{name}/{acl_id}"
    b.net.acls.setdefault(scope, []).append(
        {"Name": name, "Id": acl_id, "Description": "", "LockToken": stable_hex(36, arn), "ARN": arn}
    )
    managed = ("AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet")
    rules: list[dict[str, Any]] = [
        {
            "Name": f"AWS-{group}",
            "Priority": i,
            "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": group}},
            "OverrideAction": {"None": {}} if i else {"Count": {}},
            "VisibilityConfig": {
                "SampledRequestsEnabled": True,
                "CloudWatchMetricsEnabled": True,
                "MetricName": group,
            },
        }
        for i, group in enumerate(managed)
    ]
    rules.append(
        {
            "Name": "rate-limit",
            "Priority": 10,
            "Statement": {"RateBasedStatement": {"Limit": 2000, "AggregateKeyType": "IP"}},
            "Action": {"Block": {}},
            "VisibilityConfig": {
                "SampledRequestsEnabled": True,
                "CloudWatchMetricsEnabled": True,
                "MetricName": "rate-limit",
            },
        }
    )
    b.net.acl_details[(scope, name, acl_id)] = {
        "WebACL": {
            "Name": name,
            "Id": acl_id,
            "ARN": arn,
            "DefaultAction": {"Allow": {}},
            "Description": "",
            "Rules": rules,
            "VisibilityConfig": {
                "SampledRequestsEnabled": True,
                "CloudWatchMetricsEnabled": True,
                "MetricName": name,
            },
            "Capacity": 1200,
            "ManagedByFirewallManager": False,
            "LabelNamespace": f"awswaf:{b.acct}:webacl:{name}:",
        },
        "LockToken": stable_hex(36, arn),
    }
    b.net.acl_logging[arn] = (
        {
            "LoggingConfiguration": {
                "ResourceArn": arn,
                "LogDestinationConfigs": [f"arn:aws:logs:{region}:{b.acct}:log-group:aws-waf-logs-{name}"],
                "RedactedFields": [{"SingleHeader": {"Name": "authorization"}}],
                "ManagedByFirewallManager": False,
            }
        }
        if logging
        else None
    )
    b.net.acl_resources[arn] = resources


# -- answers --------------------------------------------------------------------------------


def _lbs(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    items = gen_network.network_of(ctx, region).lbs
    ctx.tally.add("load_balancers.load_balancers", *(lb["LoadBalancerArn"] for lb in items))
    return [{"LoadBalancers": items}]


def _lb_attributes(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    return [
        {
            "Attributes": gen_network.network_of(ctx, region).lb_attributes.get(
                str(params["LoadBalancerArn"]), []
            )
        }
    ]


def _listeners(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    items = gen_network.network_of(ctx, region).listeners.get(str(params["LoadBalancerArn"]), [])
    ctx.tally.add("load_balancers.listeners", *(x["ListenerArn"] for x in items))
    return [{"Listeners": items}]


def _rules(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    return [{"Rules": gen_network.network_of(ctx, region).rules.get(str(params["ListenerArn"]), [])}]


def _target_groups(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    items = gen_network.network_of(ctx, region).target_groups
    ctx.tally.add("load_balancers.target_groups", *(t["TargetGroupArn"] for t in items))
    return [{"TargetGroups": items}]


def _target_health(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    return [
        {
            "TargetHealthDescriptions": gen_network.network_of(ctx, region).target_health.get(
                str(params["TargetGroupArn"]), []
            )
        }
    ]


def _classic(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    items = gen_network.network_of(ctx, region).classic
    ctx.tally.add(
        "load_balancers.load_balancers",
        *(
            f"arn:aws:elasticloadbalancing:{region}:{ctx.id}:loadbalancer/{lb['LoadBalancerName']}"
            for lb in items
        ),
    )
    return [{"LoadBalancerDescriptions": items}]


def _classic_attributes(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    return [
        {
            "LoadBalancerAttributes": {
                "CrossZoneLoadBalancing": {"Enabled": True},
                "AccessLog": {"Enabled": False},
                "ConnectionDraining": {"Enabled": True, "Timeout": 300},
                "ConnectionSettings": {"IdleTimeout": 60},
                "AdditionalAttributes": [{"Key": "elb.http.desyncmitigationmode", "Value": "defensive"}],
            }
        }
    ]


def _web_acls(scope: str) -> Handler:
    def handler(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
        items = gen_network.network_of(ctx, region).acls.get(scope, [])
        ctx.tally.add("waf.web_acls", *(a["ARN"] for a in items))
        return [{"WebACLs": items}]

    return handler


def _web_acl(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    key = (str(params["Scope"]), str(params["Name"]), str(params["Id"]))
    return [gen_network.network_of(ctx, region).acl_details[key]]


def _waf_logging(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    found = gen_network.network_of(ctx, region).acl_logging.get(str(params["ResourceArn"]))
    if found is None:
        return ApiError(
            code="WAFNonexistentItemException",
            message="AWS WAF couldn’t perform the operation because your resource doesn’t exist.",
        )
    return [found]


def _waf_resources(ctx: AccountContext, region: str, params: Mapping[str, Any]) -> Answer:
    if params.get("ResourceType", "APPLICATION_LOAD_BALANCER") not in WAF_RESOURCE_TYPES_WITH_RESOURCES:
        return [{"ResourceArns": []}]
    return [
        {"ResourceArns": gen_network.network_of(ctx, region).acl_resources.get(str(params["WebACLArn"]), [])}
    ]


HANDLERS: dict[tuple[str, str], Handler] = {
    ("elbv2", "DescribeLoadBalancers"): _lbs,
    ("elbv2", "DescribeLoadBalancerAttributes"): _lb_attributes,
    ("elbv2", "DescribeListeners"): _listeners,
    ("elbv2", "DescribeRules"): _rules,
    ("elbv2", "DescribeTargetGroups"): _target_groups,
    ("elbv2", "DescribeTargetHealth"): _target_health,
    ("elb", "DescribeLoadBalancers"): _classic,
    ("elb", "DescribeLoadBalancerAttributes"): _classic_attributes,
    ("elb", "DescribeLoadBalancerPolicies"): lambda ctx, region, params: [{"PolicyDescriptions": []}],
    ("wafv2", "ListWebACLs"): lambda ctx, region, params: _web_acls(str(params["Scope"]))(
        ctx, region, params
    ),
    ("wafv2", "GetWebACL"): _web_acl,
    ("wafv2", "GetLoggingConfiguration"): _waf_logging,
    ("wafv2", "ListResourcesForWebACL"): _waf_resources,
}
