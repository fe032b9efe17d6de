"""Path queries between two endpoints, as Reachability Analyzer answers them, offline.

``find_path`` answers "can SOURCE reach DESTINATION on PROTOCOL/PORT": the hops of the path, or
those up to the first component that blocks it, with the rule (or missing route) that does.
Endpoints are "internet", an instance, an interface, a subnet (any host in it; its security
groups are not evaluated) or an IP address: a private address in a collected VPC, a public IP or
Elastic IP of an interface, or any other address (that host on the internet). From the internet
to an interface that the direct way does not reach, the internet-facing load balancers
forwarding to it are tried (the port may be the listener's or the target's).
"""

from __future__ import annotations

from analysis.model.inventory import Inventory
from analysis.model.network import NetworkInterface
from analysis.network.addresses import (
    ALL,
    ICMP,
    ICMPV6,
    TCP,
    UDP,
    Net,
    any_net,
    domain_max,
    has_ports,
    is_icmp,
    is_public,
    normalize_protocol,
    parse_address,
    parse_net,
)
from analysis.network.balancers import lb_entries, via_load_balancer
from analysis.network.egress import to_internet
from analysis.network.hops import internet_hop
from analysis.network.index import NetworkIndex, build_network_index
from analysis.network.legs import Side, between, eni_side, internet_to
from analysis.network.ports import range_label
from analysis.network.results import ADDRESS, DENY, Endpoint, Hop, PathResult
from analysis.network.trace import Trace

INTERNET_WORDS = ("internet", "0.0.0.0/0", "::/0")
_USAGE = "'internet', an instance (i-...), an interface (eni-...), a subnet (subnet-...) or an IP address"


def resolve_endpoint(index: NetworkIndex, text: str) -> Endpoint:
    """The endpoint ``text`` names; ValueError with a clear message when it names nothing known."""
    value = (text or "").strip()
    if not value:
        raise ValueError(f"no endpoint given: expected {_USAGE}")
    if value.lower() in INTERNET_WORDS:
        return Endpoint(kind="internet", id="internet", label="the internet")
    if value.startswith("i-"):
        instance = index.instances.get(value)
        if instance is None:
            raise ValueError(f"instance {value} is not in the snapshot")
        enis = index.network.enis_by_instance.get(value, ())
        eni = index.enis.get(enis[0]) if enis else None
        if eni is None:
            raise ValueError(f"instance {value} has no network interface in the snapshot")
        label = f"{value} ({instance.name})" if instance.name else value
        return _eni_endpoint(eni, kind="instance", id=value, label=label)
    if value.startswith("eni-"):
        eni = index.enis.get(value)
        if eni is None:
            raise ValueError(f"network interface {value} is not in the snapshot")
        return _eni_endpoint(eni, kind="network_interface", id=value, label=value)
    if value.startswith("subnet-"):
        subnet = index.subnets.get(value)
        if subnet is None:
            raise ValueError(f"subnet {value} is not in the snapshot")
        label = (
            f"{value} ({subnet.name}, {subnet.cidr_block})"
            if subnet.name
            else f"{value} ({subnet.cidr_block})"
        )
        return Endpoint(
            kind="subnet", id=value, label=label, address=subnet.cidr_block,
            account_id=subnet.account_id, region=subnet.region, vpc_id=subnet.vpc_id,
        )  # fmt: skip
    address = parse_address(value)
    if address is None:
        raise ValueError(f"{value!r} is not an endpoint: expected {_USAGE}")
    ip = address.text.split("/")[0]
    public_eni = index.eni_by_public_ip.get(ip)
    if public_eni is not None:
        eni = index.enis[public_eni]
        return _eni_endpoint(eni, kind="ip", id=ip, label=f"{ip} (public IP of {public_eni})", address=ip)
    holders = index.enis_by_address.get(ip, [])
    if len(holders) > 1:
        where = ", ".join(f"{e} in {index.enis[e].vpc_id}" for e in holders)
        raise ValueError(f"{ip} is used by several interfaces ({where}): give the interface id")
    if holders:
        eni = index.enis[holders[0]]
        return _eni_endpoint(eni, kind="ip", id=ip, label=f"{ip} ({eni.network_interface_id})", address=ip)
    vpcs = index.vpc_containing(address)
    if vpcs:
        vpc = vpcs[0]
        if index.subnet_containing(vpc.vpc_id, address) is None:
            raise ValueError(f"{ip} is in {vpc.vpc_id} but in none of its collected subnets")
        return Endpoint(
            kind="ip", id=ip, label=f"{ip} (in {vpc.vpc_id})", address=ip,
            account_id=vpc.account_id, region=vpc.region, vpc_id=vpc.vpc_id,
        )  # fmt: skip
    return Endpoint(kind="ip", id=ip, label=f"{ip} (on the internet)", address=ip)


def _eni_endpoint(
    eni: NetworkInterface, *, kind: str, id: str, label: str, address: str | None = None
) -> Endpoint:
    return Endpoint(
        kind=kind,
        id=id,
        label=label,
        network_interface_id=eni.network_interface_id,
        address=address or (eni.private_ips[0] if eni.private_ips else None),
        account_id=eni.account_id,
        region=eni.region,
        vpc_id=eni.vpc_id,
    )


def on_internet(endpoint: Endpoint) -> bool:
    return endpoint.kind == "internet" or (endpoint.vpc_id is None and endpoint.network_interface_id is None)


def find_path(
    inventory: Inventory,
    *,
    source: str,
    destination: str,
    protocol: str = "tcp",
    port: int | None = None,
    index: NetworkIndex | None = None,
) -> PathResult:
    """The path from ``source`` to ``destination`` on ``protocol``/``port`` (None: any port), or
    what blocks it. ``protocol``: tcp, udp, icmp, icmpv6 (``port`` is then the ICMP type), or "-1"
    / "all": all traffic, which passes only where rules allow every protocol and port. Raises
    ValueError for an endpoint, protocol or port that makes no sense."""
    index = index or build_network_index(inventory)
    proto = _protocol(protocol, port)
    src, dst = resolve_endpoint(index, source), resolve_endpoint(index, destination)
    if on_internet(src) and on_internet(dst):
        raise ValueError("both endpoints are on the internet: at least one must be inside a collected VPC")
    version = _version(src, dst)
    ports = (port, port) if port is not None else None
    trace = Trace(proto, ports)
    if on_internet(src):
        client = _net(src) or any_net(version)
        _inbound(index, trace, dst, client)
        if not trace.ok and dst.network_interface_id:
            trace = _through_balancers(index, trace, dst, client, proto, port)
    elif on_internet(dst):
        to_internet(index, trace, _side(index, src, version, trace), _net(dst) or any_net(version))
    elif dst.kind == "ip" and dst.network_interface_id and dst.address in _publics(index, dst):
        public = to_internet(index, trace, _side(index, src, version, trace), _net(dst) or any_net(version))
        if public is not None:
            _inbound(index, trace, dst, parse_address(public) or any_net(version))
    else:
        between(index, trace, _side(index, src, version, trace), _side(index, dst, version, trace))
    for end in (src, dst):
        for gap in index.gaps(end.account_id, end.region) if end.account_id and end.region else ():
            trace.note(f"{gap.what} of {gap.account_id}/{gap.region} not answered: {gap.reason}")
    return _result(trace, src, dst, proto, port)


def _protocol(protocol: str, port: int | None) -> str:
    proto = normalize_protocol(protocol)
    if proto not in (TCP, UDP, ICMP, ICMPV6, ALL):
        raise ValueError(f"protocol {protocol!r} is not one of tcp, udp, icmp, icmpv6, -1 (all traffic)")
    if proto == ALL and port is not None:
        raise ValueError("no port can be given with all traffic (-1)")
    if port is not None and not 0 <= port <= domain_max(proto):
        what = "ICMP type" if is_icmp(proto) else "port"
        raise ValueError(f"{what} {port} is out of range 0-{domain_max(proto)}")
    return proto


def _version(src: Endpoint, dst: Endpoint) -> int:
    for end in (src, dst):
        net = _net(end)
        if net is not None and end.kind == "ip":
            return net.version
    return 4


def _net(end: Endpoint) -> Net | None:
    return parse_net(end.address) if end.address else None


def _publics(index: NetworkIndex, end: Endpoint) -> tuple[str, ...]:
    eni = index.enis.get(end.network_interface_id or "")
    return eni.public_ips if eni else ()


def _side(index: NetworkIndex, end: Endpoint, version: int, trace: Trace) -> Side:
    """The end inside a VPC: its interface at its private address, or a subnet / address."""
    eni = index.enis.get(end.network_interface_id or "")
    if eni is not None:
        address = index.address_of(eni, version)
        if end.kind == "ip" and end.address and end.address not in eni.public_ips:
            address = parse_address(end.address) or address
        if address is None:
            raise ValueError(f"{eni.network_interface_id} has no IPv{version} address")
        return eni_side(index, eni, address, trace)
    if end.kind == "subnet":
        subnet = index.subnets[end.id]
        nets = [n for n in index.subnet_nets.get(end.id, ()) if n.version == version]
        if not nets:
            raise ValueError(f"{end.id} has no IPv{version} range")
        trace.note(f"{end.id}: any host of the subnet; security groups are not evaluated for a subnet")
        return Side(
            subnet_id=end.id,
            vpc_id=subnet.vpc_id,
            address=nets[0],
            account_id=subnet.account_id,
            region=subnet.region,
        )
    address = _net(end)
    holder = index.subnet_containing(end.vpc_id, address) if address else None
    if address is None or holder is None:
        raise ValueError(f"{end.label} is not inside a collected subnet")
    trace.note(f"{end.id}: no interface holds this address; security groups are not evaluated")
    return Side(
        subnet_id=holder.subnet_id,
        vpc_id=holder.vpc_id,
        address=address,
        account_id=holder.account_id,
        region=holder.region,
    )


def _inbound(index: NetworkIndex, trace: Trace, dst: Endpoint, client: Net) -> None:
    side = _side(index, dst, client.version, trace)
    public: str | None = None
    eni = side.eni
    if eni is not None:
        if client.version == 6:
            public = side.address.text.split("/")[0]
        elif dst.address in eni.public_ips:
            public = dst.address
        elif eni.public_ips:
            public = eni.public_ips[0]
    elif dst.kind == "ip" and not is_public(side.address):
        trace.add(internet_hop(client.text))
        rule = f"{side.address.text} is a private address with no interface holding a public one: the internet cannot reach it"
        trace.add(
            Hop(
                kind=ADDRESS, component_id=side.address.text, arn=None, account_id=side.account_id,
                region=side.region, direction="", verdict=DENY, rule=rule,
            )
        )  # fmt: skip
        return
    internet_to(index, trace, side, client, public)


def _through_balancers(
    index: NetworkIndex, direct: Trace, dst: Endpoint, client: Net, proto: str, port: int | None
) -> Trace:
    """The direct way is blocked: the first internet-facing balancer path that reaches, else the
    direct answer (with the balancers tried in its notes)."""
    tried = []
    for entry in lb_entries(index).get(dst.network_interface_id or "", []):
        if entry.protocol != proto or (
            port is not None and port not in (entry.listener_port, entry.target_port)
        ):
            continue
        trace = via_load_balancer(index, entry, client)
        if trace.ok and trace.result():
            trace.note(
                f"not reachable directly ({direct.blocked.rule if direct.blocked else 'blocked'}); reachable through {entry.lb.name}"
            )
            return trace
        tried.append(f"{entry.lb.name}:{entry.listener_port}")
    if tried:
        direct.note(f"through the load balancer(s) {', '.join(tried)}: blocked too")
    return direct


def _result(trace: Trace, src: Endpoint, dst: Endpoint, proto: str, port: int | None) -> PathResult:
    segments = trace.result()
    reachable = bool(segments)
    hops = trace.hops()
    what = "all traffic" if proto == ALL else f"{proto}/{port}" if port is not None else proto
    if reachable:
        route = " -> ".join(h.component_id for h in hops)
        ranges = range_label([(s.lo, s.hi) for s in segments])
        on = (
            f" on {'types' if is_icmp(proto) else 'ports'} {ranges}"
            if port is None and (has_ports(proto) or is_icmp(proto))
            else ""
        )
        explanation = f"{src.label} reaches {dst.label} on {what}{on}: {route}"
    elif trace.blocked is not None:
        b = trace.blocked
        explanation = f"{what} from {src.label} to {dst.label} is blocked by {b.component_id}: {b.rule}"
    else:
        explanation = f"{what} from {src.label} to {dst.label} could not be assessed"
    return PathResult(
        source=src, destination=dst, protocol=proto, port=port, reachable=reachable,
        hops=hops, blocked_by=trace.blocked, explanation=explanation, notes=tuple(trace.notes),
    )  # fmt: skip
