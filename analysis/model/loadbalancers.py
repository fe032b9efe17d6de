"""Load balancers: ELBv2 (application, network, gateway) and classic, with listeners, rules, target groups
and registered targets, resolved LB -> listeners -> target groups -> targets -> ENIs.

Pure. Per-resource answers (attributes, listeners, rules, target health, classic policies) carry
their coverage state, so "no listener" is distinguishable from "DescribeListeners was denied".
Targets are resolved to network interfaces when the network Inventory is given: an instance
target receives traffic on its primary ENI (ELB User Guide, "Register targets": instance targets
are routed to the primary private IP of the primary network interface), an IP target on the ENI
holding that address in the target group's VPC.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from analysis.model.coverage import NOT_COLLECTED, Coverage, CoverageState
from analysis.model.network import NetworkInventory
from analysis.model.records import Record, partition_of
from analysis.model.source import Page, PageSource

ELBV2 = "elbv2"
CLASSIC = "elb"


@dataclass(frozen=True, kw_only=True)
class Action:
    type: str  # forward | redirect | fixed-response | authenticate-oidc | authenticate-cognito
    target_group_arns: tuple[str, ...] = ()
    order: int | None = None
    redirect_protocol: str | None = None  # e.g. HTTPS for an HTTP->HTTPS redirect


@dataclass(frozen=True, kw_only=True)
class ListenerRule:
    arn: str
    priority: str  # "default" or a number as a string, as AWS returns it
    is_default: bool
    conditions: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (field, values)
    actions: tuple[Action, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Listener(Record):
    load_balancer_arn: str
    port: int | None
    protocol: str
    ssl_policy: str | None = None
    certificate_arns: tuple[str, ...] = ()
    default_actions: tuple[Action, ...] = ()
    rules: tuple[ListenerRule, ...] = ()
    rules_state: CoverageState

    def target_group_arns(self) -> tuple[str, ...]:
        """Every target group the listener can forward to (default actions and rules)."""
        arns = [a for act in self.default_actions for a in act.target_group_arns]
        arns += [a for rule in self.rules for act in rule.actions for a in act.target_group_arns]
        return tuple(dict.fromkeys(arns))


@dataclass(frozen=True, kw_only=True)
class ClassicListener:
    protocol: str
    port: int | None
    instance_protocol: str
    instance_port: int | None
    certificate_id: str | None = None
    policy_names: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Target:
    id: str  # an instance id, an IP address, a Lambda ARN or an ALB ARN
    port: int | None = None
    availability_zone: str | None = None
    health: str = ""  # healthy | unhealthy | unused | draining | initial | unavailable | ...
    health_reason: str | None = None
    # Resolved with the network Inventory: the ENI that receives the traffic.
    network_interface_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class TargetGroup(Record):
    name: str
    target_type: str  # instance | ip | lambda | alb
    protocol: str | None = None
    port: int | None = None
    vpc_id: str | None = None
    load_balancer_arns: tuple[str, ...] = ()
    targets: tuple[Target, ...] = ()
    targets_state: CoverageState


@dataclass(frozen=True, kw_only=True)
class LoadBalancer(Record):
    name: str
    type: str  # application | network | gateway | classic
    scheme: str  # internet-facing | internal
    vpc_id: str | None = None
    subnet_ids: tuple[str, ...] = ()
    security_group_ids: tuple[str, ...] = ()
    dns_name: str = ""
    state: str = ""
    ip_address_type: str = ""
    attributes: Mapping[str, str] = field(default_factory=dict)
    attributes_state: CoverageState
    listener_arns: tuple[str, ...] = ()  # ELBv2
    listeners_state: CoverageState
    # Classic only: listeners and registered instances come inside the description.
    classic_listeners: tuple[ClassicListener, ...] = ()
    instance_ids: tuple[str, ...] = ()
    instance_network_interface_ids: tuple[str, ...] = ()  # resolved primary ENIs of instance_ids
    policies: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # classic: name -> attributes
    policies_state: CoverageState | None = None

    @property
    def internet_facing(self) -> bool:
        return self.scheme == "internet-facing"


@dataclass(frozen=True, kw_only=True)
class LoadBalancerInventory:
    load_balancers: Mapping[str, LoadBalancer] = field(default_factory=dict)
    listeners: Mapping[str, Listener] = field(default_factory=dict)
    target_groups: Mapping[str, TargetGroup] = field(default_factory=dict)

    def listeners_of(self, lb_arn: str) -> tuple[Listener, ...]:
        lb = self.load_balancers.get(lb_arn)
        if lb is None:
            return ()
        return tuple(self.listeners[a] for a in lb.listener_arns if a in self.listeners)

    def target_groups_of(self, lb_arn: str) -> tuple[TargetGroup, ...]:
        """Target groups reachable through the balancer's listeners (default actions and rules)."""
        arns = [a for listener in self.listeners_of(lb_arn) for a in listener.target_group_arns()]
        return tuple(self.target_groups[a] for a in dict.fromkeys(arns) if a in self.target_groups)


def normalize_loadbalancers(
    source: PageSource, coverage: Coverage, *, network: NetworkInventory | None = None
) -> LoadBalancerInventory:
    """Every load balancer collected; targets resolved to ENIs when ``network`` is given."""
    b = _Builder(source, coverage)
    listeners = _listeners(b)
    lbs = _elbv2_load_balancers(b, listeners)
    lbs.update(_classic_load_balancers(b, network))
    target_groups = _target_groups(b, network)
    return LoadBalancerInventory(load_balancers=lbs, listeners=listeners, target_groups=target_groups)


class _Builder:
    def __init__(self, source: PageSource, coverage: Coverage) -> None:
        self.source = source
        self.coverage = coverage
        self.partition = partition_of(source.manifest)

    def items(self, service: str, operation: str, key: str) -> Iterable[tuple[Page, dict[str, Any]]]:
        for page in self.source.pages(service, operation):
            for item in _list(page.body.get(key)):
                if isinstance(item, dict):
                    yield page, item

    def states(self, service: str, operation: str, param: str) -> dict[tuple[str, str, str], CoverageState]:
        """Coverage of a per-resource call, per (account, region, parameter value)."""
        out: dict[tuple[str, str, str], CoverageState] = {}
        for call in self.source.calls(service, operation):
            value = call.parameters.get(param)
            if isinstance(value, str):
                out[(call.account_id, call.region, value)] = self.coverage.state(
                    account_id=call.account_id,
                    region=call.region,
                    service=service,
                    operation=operation,
                    parameters=call.parameters,
                )
        return out

    def state(
        self,
        states: Mapping[tuple[str, str, str], CoverageState],
        page: Page,
        service: str,
        operation: str,
        param: str,
        value: str,
    ) -> CoverageState:
        found = states.get((page.account_id, page.region, value))
        if found is not None:
            return found
        state = self.coverage.state(
            account_id=page.account_id,
            region=page.region,
            service=service,
            operation=operation,
            parameters={param: value},
        )
        return CoverageState(state=NOT_COLLECTED, reason=state.reason)


def _action(item: Mapping[str, Any]) -> Action:
    groups = [_str(item.get("TargetGroupArn"))] if item.get("TargetGroupArn") else []
    forward = _dict(item.get("ForwardConfig"))
    groups += [
        _str(g.get("TargetGroupArn")) for g in _list(forward.get("TargetGroups")) if isinstance(g, dict)
    ]
    return Action(
        type=_str(item.get("Type")),
        target_group_arns=tuple(dict.fromkeys(g for g in groups if g)),
        order=_int(item.get("Order")),
        redirect_protocol=_opt(_dict(item.get("RedirectConfig")).get("Protocol")),
    )


def _actions(value: Any) -> tuple[Action, ...]:
    return tuple(_action(a) for a in _list(value) if isinstance(a, dict))


def _listeners(b: _Builder) -> dict[str, Listener]:
    rules: dict[str, list[ListenerRule]] = defaultdict(list)
    for _, item in b.items(ELBV2, "DescribeRules", "Rules"):
        conditions = []
        for c in _list(item.get("Conditions")):
            if isinstance(c, dict):
                values = [_str(v) for v in _list(c.get("Values"))]
                for cfg in c.values():
                    if isinstance(cfg, dict):
                        values += [_str(v) for v in _list(cfg.get("Values"))]
                conditions.append((_str(c.get("Field")), tuple(dict.fromkeys(v for v in values if v))))
        arn = _str(item.get("RuleArn"))
        listener_arn = arn.replace(":listener-rule/", ":listener/").rsplit("/", 1)[0]
        rules[listener_arn].append(
            ListenerRule(
                arn=arn,
                priority=_str(item.get("Priority")),
                is_default=item.get("IsDefault") is True,
                conditions=tuple(conditions),
                actions=_actions(item.get("Actions")),
            )
        )
    rule_states = b.states(ELBV2, "DescribeRules", "ListenerArn")
    out: dict[str, Listener] = {}
    for page, item in b.items(ELBV2, "DescribeListeners", "Listeners"):
        arn = _str(item.get("ListenerArn"))
        if not arn or arn in out:
            continue
        state = b.state(rule_states, page, ELBV2, "DescribeRules", "ListenerArn", arn)
        out[arn] = Listener(
            arn=arn,
            account_id=page.account_id,
            region=page.region,
            call_ids=(page.call.id, *state.call_ids),
            load_balancer_arn=_str(item.get("LoadBalancerArn")),
            port=_int(item.get("Port")),
            protocol=_str(item.get("Protocol")),
            ssl_policy=_opt(item.get("SslPolicy")),
            certificate_arns=tuple(
                _str(c.get("CertificateArn")) for c in _list(item.get("Certificates")) if isinstance(c, dict)
            ),
            default_actions=_actions(item.get("DefaultActions")),
            rules=tuple(rules.get(arn, ())),
            rules_state=state,
        )
    return out


def _elbv2_load_balancers(b: _Builder, listeners: Mapping[str, Listener]) -> dict[str, LoadBalancer]:
    attributes: dict[str, dict[str, str]] = defaultdict(dict)
    for page in b.source.pages(ELBV2, "DescribeLoadBalancerAttributes"):
        arn = _str(page.call.parameters.get("LoadBalancerArn"))
        for a in _list(page.body.get("Attributes")):
            if isinstance(a, dict) and a.get("Key"):
                attributes[arn][_str(a["Key"])] = str(a.get("Value", ""))
    attr_states = b.states(ELBV2, "DescribeLoadBalancerAttributes", "LoadBalancerArn")
    listener_states = b.states(ELBV2, "DescribeListeners", "LoadBalancerArn")
    by_lb: dict[str, list[str]] = defaultdict(list)
    for listener in listeners.values():
        by_lb[listener.load_balancer_arn].append(listener.arn)
    out: dict[str, LoadBalancer] = {}
    for page, item in b.items(ELBV2, "DescribeLoadBalancers", "LoadBalancers"):
        arn = _str(item.get("LoadBalancerArn"))
        if not arn or arn in out:
            continue
        attr_state = b.state(
            attr_states, page, ELBV2, "DescribeLoadBalancerAttributes", "LoadBalancerArn", arn
        )
        lst_state = b.state(listener_states, page, ELBV2, "DescribeListeners", "LoadBalancerArn", arn)
        zones = [z for z in _list(item.get("AvailabilityZones")) if isinstance(z, dict)]
        out[arn] = LoadBalancer(
            arn=arn,
            account_id=page.account_id,
            region=page.region,
            call_ids=(page.call.id, *attr_state.call_ids, *lst_state.call_ids),
            name=_str(item.get("LoadBalancerName")),
            type=_str(item.get("Type")),
            scheme=_str(item.get("Scheme")),
            vpc_id=_opt(item.get("VpcId")),
            subnet_ids=tuple(_str(z.get("SubnetId")) for z in zones if z.get("SubnetId")),
            security_group_ids=tuple(_str(g) for g in _list(item.get("SecurityGroups"))),
            dns_name=_str(item.get("DNSName")),
            state=_str(_dict(item.get("State")).get("Code")),
            ip_address_type=_str(item.get("IpAddressType")),
            attributes=dict(attributes.get(arn, {})),
            attributes_state=attr_state,
            listener_arns=tuple(by_lb.get(arn, ())),
            listeners_state=lst_state,
        )
    return out


def _primary_eni(network: NetworkInventory | None, instance_id: str) -> str | None:
    if network is None:
        return None
    enis = network.enis_by_instance.get(instance_id, ())
    return enis[0] if enis else None


def _classic_load_balancers(b: _Builder, network: NetworkInventory | None) -> dict[str, LoadBalancer]:
    attributes: dict[tuple[str, str, str], dict[str, str]] = defaultdict(dict)
    for page in b.source.pages(CLASSIC, "DescribeLoadBalancerAttributes"):
        name = _str(page.call.parameters.get("LoadBalancerName"))
        attrs = _dict(page.body.get("LoadBalancerAttributes"))
        flat = attributes[(page.account_id, page.region, name)]
        for group, values in attrs.items():
            if isinstance(values, dict):
                for key, value in values.items():
                    flat[f"{group}.{key}"] = str(value)
    policies: dict[tuple[str, str, str], dict[str, dict[str, str]]] = defaultdict(dict)
    for page in b.source.pages(CLASSIC, "DescribeLoadBalancerPolicies"):
        name = _str(page.call.parameters.get("LoadBalancerName"))
        for p in _list(page.body.get("PolicyDescriptions")):
            if isinstance(p, dict) and p.get("PolicyName"):
                policies[(page.account_id, page.region, name)][_str(p["PolicyName"])] = {
                    _str(a.get("AttributeName")): _str(a.get("AttributeValue"))
                    for a in _list(p.get("PolicyAttributeDescriptions"))
                    if isinstance(a, dict)
                }
    attr_states = b.states(CLASSIC, "DescribeLoadBalancerAttributes", "LoadBalancerName")
    policy_states = b.states(CLASSIC, "DescribeLoadBalancerPolicies", "LoadBalancerName")
    out: dict[str, LoadBalancer] = {}
    for page, item in b.items(CLASSIC, "DescribeLoadBalancers", "LoadBalancerDescriptions"):
        name = _str(item.get("LoadBalancerName"))
        if not name:
            continue
        # Classic load balancers have no ARN in the API; this is the documented resource format
        # (Service Authorization Reference, Elastic Load Balancing: loadbalancer/${LoadBalancerName}).
        arn = f"arn:{b.partition}:elasticloadbalancing:{page.region}:{page.account_id}:loadbalancer/{name}"
        key = (page.account_id, page.region, name)
        attr_state = b.state(
            attr_states, page, CLASSIC, "DescribeLoadBalancerAttributes", "LoadBalancerName", name
        )
        pol_state = b.state(
            policy_states, page, CLASSIC, "DescribeLoadBalancerPolicies", "LoadBalancerName", name
        )
        listeners = []
        for d in _list(item.get("ListenerDescriptions")):
            lst = _dict(_dict(d).get("Listener"))
            if lst:
                listeners.append(
                    ClassicListener(
                        protocol=_str(lst.get("Protocol")),
                        port=_int(lst.get("LoadBalancerPort")),
                        instance_protocol=_str(lst.get("InstanceProtocol")),
                        instance_port=_int(lst.get("InstancePort")),
                        certificate_id=_opt(lst.get("SSLCertificateId")),
                        policy_names=tuple(_str(p) for p in _list(_dict(d).get("PolicyNames"))),
                    )
                )
        instances = [_str(i.get("InstanceId")) for i in _list(item.get("Instances")) if isinstance(i, dict)]
        enis = [e for e in (_primary_eni(network, i) for i in instances) if e]
        out[arn] = LoadBalancer(
            arn=arn,
            account_id=page.account_id,
            region=page.region,
            call_ids=(page.call.id, *attr_state.call_ids, *pol_state.call_ids),
            name=name,
            type="classic",
            scheme=_str(item.get("Scheme")),
            vpc_id=_opt(item.get("VPCId")),
            subnet_ids=tuple(_str(s) for s in _list(item.get("Subnets"))),
            security_group_ids=tuple(_str(g) for g in _list(item.get("SecurityGroups"))),
            dns_name=_str(item.get("DNSName")),
            attributes=dict(attributes.get(key, {})),
            attributes_state=attr_state,
            listeners_state=CoverageState(state="collected", reason="inside DescribeLoadBalancers"),
            classic_listeners=tuple(listeners),
            instance_ids=tuple(i for i in instances if i),
            instance_network_interface_ids=tuple(enis),
            policies=dict(policies.get(key, {})),
            policies_state=pol_state,
        )
    return out


def _target_groups(b: _Builder, network: NetworkInventory | None) -> dict[str, TargetGroup]:
    targets: dict[str, list[Target]] = defaultdict(list)
    for page in b.source.pages(ELBV2, "DescribeTargetHealth"):
        tg_arn = _str(page.call.parameters.get("TargetGroupArn"))
        for d in _list(page.body.get("TargetHealthDescriptions")):
            if not isinstance(d, dict):
                continue
            target, health = _dict(d.get("Target")), _dict(d.get("TargetHealth"))
            if not target.get("Id"):
                continue
            targets[tg_arn].append(
                Target(
                    id=_str(target.get("Id")),
                    port=_int(target.get("Port")),
                    availability_zone=_opt(target.get("AvailabilityZone")),
                    health=_str(health.get("State")),
                    health_reason=_opt(health.get("Reason")),
                )
            )
    health_states = b.states(ELBV2, "DescribeTargetHealth", "TargetGroupArn")
    out: dict[str, TargetGroup] = {}
    for page, item in b.items(ELBV2, "DescribeTargetGroups", "TargetGroups"):
        arn = _str(item.get("TargetGroupArn"))
        if not arn or arn in out:
            continue
        state = b.state(health_states, page, ELBV2, "DescribeTargetHealth", "TargetGroupArn", arn)
        target_type = _str(item.get("TargetType")) or "instance"
        vpc_id = _opt(item.get("VpcId"))
        resolved = tuple(_resolve(t, target_type, vpc_id, network) for t in targets.get(arn, ()))
        out[arn] = TargetGroup(
            arn=arn,
            account_id=page.account_id,
            region=page.region,
            call_ids=(page.call.id, *state.call_ids),
            name=_str(item.get("TargetGroupName")),
            target_type=target_type,
            protocol=_opt(item.get("Protocol")),
            port=_int(item.get("Port")),
            vpc_id=vpc_id,
            load_balancer_arns=tuple(_str(a) for a in _list(item.get("LoadBalancerArns"))),
            targets=resolved,
            targets_state=state,
        )
    return out


def _resolve(
    target: Target, target_type: str, vpc_id: str | None, network: NetworkInventory | None
) -> Target:
    if network is None:
        return target
    if target_type == "instance":
        return replace(target, network_interface_id=_primary_eni(network, target.id))
    if target_type == "ip":
        return replace(target, network_interface_id=network.enis_by_private_ip.get((vpc_id or "", target.id)))
    return target


# -- small readers: responses may lack keys or hold odd types; never raise -------------------


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _opt(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return None
    return None
