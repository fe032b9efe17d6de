"""Internet exposure of the whole organization: every interface, every way in, every port range.

For each network interface of every account and region whose VPC inputs were answered: from any
IPv4 internet address (0.0.0.0/0) to each of its public IPv4 addresses / Elastic IPs, from any
IPv6 address (::/0) to each of its IPv6 addresses, and through every listener of every
internet-facing load balancer that forwards to it, the TCP and UDP port ranges (and ICMP types)
that arrive, each with its hops. A load balancer node's own interface is reachable only on its
listeners. Security group rules open to the world are listed with the interfaces actually
reachable through them (path level) beside those merely using the group (rule level). Accounts
and regions whose inputs were not answered are NotAssessed, never "not exposed".
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from analysis.model.inventory import Inventory
from analysis.model.network import NetworkInterface
from analysis.network.addresses import ANY_V4, ANY_V6, ICMP, ICMPV6, TCP, UDP, Net, is_icmp, parse_address
from analysis.network.balancers import LbEntry, lb_entries, lb_gaps, listener_ports, via_load_balancer
from analysis.network.hops import listener_hop
from analysis.network.index import NetworkIndex, build_network_index
from analysis.network.legs import eni_side, internet_to
from analysis.network.open_rules import open_rules
from analysis.network.ports import Segment, first_match
from analysis.network.results import (
    INBOUND,
    MANAGEMENT_PORTS,
    NETWORK_ACL,
    SECURITY_GROUP,
    Exposure,
    ExposureReport,
    Hop,
    NotAssessed,
    PortRange,
)
from analysis.network.trace import Trace

Progress = Callable[[int, int, str], None]
_PROTOCOLS = {4: (TCP, UDP, ICMP), 6: (TCP, UDP, ICMPV6)}
_STEP = 250  # interfaces between two progress reports / cancel checks


class NetworkAnalysisCancelled(Exception):
    pass


def internet_exposure(
    inventory: Inventory,
    *,
    index: NetworkIndex | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ExposureReport:
    """Every interface of the organization reachable from the internet, and how (see the module)."""
    started = time.perf_counter()
    report = progress or (lambda done, total, message: None)
    is_cancelled = cancelled or (lambda: False)
    report(0, 1, "indexing the network")
    index = index or build_network_index(inventory)
    not_assessed: list[NotAssessed] = []
    skipped: set[tuple[str, str]] = set()
    for account_id, region in index.account_regions():
        gaps = index.gaps(account_id, region)
        if gaps:
            not_assessed.extend(gaps)
            skipped.add((account_id, region))
        else:
            not_assessed.extend(index.lb_gaps(account_id, region))
    not_assessed.extend(lb_gaps(index))
    entries = lb_entries(index)
    exposures: list[Exposure] = []
    notes: dict[str, None] = {}
    interfaces = sorted(index.enis.values(), key=lambda e: (e.account_id, e.region, e.network_interface_id))
    total, checked = len(interfaces), 0
    for i, eni in enumerate(interfaces):
        if i % _STEP == 0:
            if is_cancelled():
                raise NetworkAnalysisCancelled()
            report(i, total, f"interfaces checked: {i:,} of {total:,}")
        if (eni.account_id, eni.region) in skipped or not eni.subnet_id or not eni.vpc_id:
            continue
        gap = _subnet_gap(index, eni, skipped)
        if gap is not None:
            not_assessed.append(gap)
            continue
        checked += 1
        for exposure, trace_notes in _interface_exposures(
            index, eni, entries.get(eni.network_interface_id, ())
        ):
            exposures.extend(exposure)
            notes.update(dict.fromkeys(trace_notes))
    report(total, total, "security group rules open to the world")
    exposures.sort(key=_exposure_key)
    return ExposureReport(
        exposures=tuple(exposures),
        open_rules=tuple(open_rules(index, exposures)),
        not_assessed=tuple(dict.fromkeys(not_assessed)),
        interfaces_checked=checked,
        seconds=time.perf_counter() - started,
        notes=tuple(notes),
    )


def _subnet_gap(
    index: NetworkIndex, eni: NetworkInterface, skipped: set[tuple[str, str]]
) -> NotAssessed | None:
    """An interface whose subnet, route table or NACL is not in the Inventory (a subnet shared by
    an account or region whose answers are missing) is not assessed, not "not exposed"."""
    subnet = index.subnets.get(eni.subnet_id or "")
    what = f"interface {eni.network_interface_id} ({eni.subnet_id})"
    if subnet is None:
        reason = f"its subnet {eni.subnet_id} is not in the Inventory"
    elif (subnet.account_id, subnet.region) in skipped:
        reason = f"the VPC inputs of the subnet's owner {subnet.account_id}/{subnet.region} were not answered"
    elif index.route_table_of(subnet.subnet_id) is None:
        reason = f"the route table of {subnet.subnet_id} is not in the Inventory"
    elif index.nacl_of(subnet.subnet_id) is None:
        reason = f"the network ACL of {subnet.subnet_id} is not in the Inventory"
    else:
        return None
    return NotAssessed(account_id=eni.account_id, region=eni.region, what=what, reason=reason)


def _interface_exposures(
    index: NetworkIndex, eni: NetworkInterface, entries: Iterable[LbEntry]
) -> Iterable[tuple[list[Exposure], list[str]]]:
    lb_arn = index.lb_by_eni.get(eni.network_interface_id)
    hook = _listener_check(index, lb_arn) if lb_arn else None
    address = index.address_of(eni, 4)
    if address is not None:
        for public in eni.public_ips:
            yield _direct(index, eni, address, ANY_V4, public, hook)
    for ip in eni.ipv6_addresses:
        v6 = parse_address(ip)
        if v6 is not None and v6.version == 6:
            yield _direct(index, eni, v6, ANY_V6, ip, hook)
    for entry in entries:
        clients = _clients(entry.lb.ip_address_type)
        for client in clients:
            trace = via_load_balancer(index, entry, client)
            yield _exposures(index, eni, trace, via="load_balancer", client=client, entry=entry), trace.notes


def _clients(ip_address_type: str) -> tuple[Net, ...]:
    """Internet clients of a balancer by its IP address type (ELB "IP address types")."""
    if ip_address_type == "dualstack-without-public-ipv4":
        return (ANY_V6,)
    if ip_address_type.startswith("dualstack"):
        return (ANY_V4, ANY_V6)
    return (ANY_V4,)


def _direct(
    index: NetworkIndex,
    eni: NetworkInterface,
    address: Net,
    client: Net,
    public: str,
    hook: Callable[[Trace], None] | None,
) -> tuple[list[Exposure], list[str]]:
    out: list[Exposure] = []
    notes: list[str] = []
    traces = []
    for protocol in _PROTOCOLS[client.version]:
        trace = Trace(protocol)
        internet_to(index, trace, eni_side(index, eni, address, trace), client, public, before_arrival=hook)
        notes.extend(trace.notes)
        traces.append(trace)
    folded = _all_traffic(traces)
    if folded is not None:
        out.append(
            _exposure(eni, PortRange(protocol="-1"), folded, via="direct", client=client, entry_text=public)
        )
    else:
        for trace in traces:
            out.extend(_exposures(index, eni, trace, via="direct", client=client, public=public))
    return out, notes


def _all_traffic(traces: list[Trace]) -> tuple[Hop, ...] | None:
    """The hops when every protocol passes whole, through NACL and security group rules for all
    traffic (so other IP protocols pass too): one exposure "all traffic" instead of three."""
    hops = None
    for trace in traces:
        segments = trace.result()
        if (
            len(segments) != 1
            or segments[0].lo != 0
            or segments[0].hi != (255 if is_icmp(trace.protocol) else 65535)
        ):
            return None
        deciding = [
            h for h in segments[0].hops if h.kind in (NETWORK_ACL, SECURITY_GROUP) and h.direction == INBOUND
        ]
        if not deciding or any(h.detail.get("protocol") != "-1" for h in deciding):
            return None
        hops = hops or segments[0].hops
    return hops


def _exposures(
    index: NetworkIndex,
    eni: NetworkInterface,
    trace: Trace,
    *,
    via: str,
    client: Net,
    public: str = "",
    entry: LbEntry | None = None,
) -> list[Exposure]:
    out = []
    for seg in trace.result():
        for ports in _port_ranges(trace.protocol, seg):
            listener = (
                PortRange(protocol=entry.protocol, from_port=entry.listener_port, to_port=entry.listener_port)
                if entry
                else None
            )
            out.append(
                _exposure(
                    eni, ports, seg.hops, via=via, client=client, entry_text=entry.lb.dns_name if entry else public,
                    lb_arn=entry.lb.arn if entry else None, listener=listener,
                )
            )  # fmt: skip
    return out


def _port_ranges(protocol: str, seg: Segment[Hop]) -> list[PortRange]:
    if not is_icmp(protocol):
        return [PortRange(protocol=protocol, from_port=seg.lo, to_port=seg.hi)]
    if (seg.lo, seg.hi) == (0, 255):
        return [PortRange(protocol=protocol)]
    # ICMP: one record per type (from_port is the type, to_port the code; -1 is every code).
    return [PortRange(protocol=protocol, from_port=t, to_port=-1) for t in range(seg.lo, seg.hi + 1)]


def _exposure(
    eni: NetworkInterface,
    ports: PortRange,
    hops: tuple[Hop, ...],
    *,
    via: str,
    client: Net,
    entry_text: str,
    lb_arn: str | None = None,
    listener: PortRange | None = None,
) -> Exposure:
    return Exposure(
        network_interface_id=eni.network_interface_id,
        network_interface_arn=eni.arn,
        instance_id=eni.instance_id,
        account_id=eni.account_id,
        region=eni.region,
        vpc_id=eni.vpc_id or "",
        subnet_id=eni.subnet_id or "",
        via=via,
        load_balancer_arn=lb_arn,
        entry=entry_text,
        source_cidr=client.text,
        ports=ports,
        listener_ports=listener,
        hops=hops,
        management=tuple(
            dict.fromkeys(name for proto, port, name in MANAGEMENT_PORTS if ports.contains(proto, port))
        ),
    )


def _listener_check(index: NetworkIndex, lb_arn: str) -> Callable[[Trace], None] | None:
    """A balancer node accepts connections only on its listeners' ports."""
    lb = index.load_balancer(lb_arn)
    if lb is None:
        return None

    def check(trace: Trace) -> None:
        listeners = [
            (p, port, lp, arn) for p, port, lp, arn in listener_ports(index, lb) if p == trace.protocol
        ]
        entries = [
            (
                (port, port),
                True,
                listener_hop(
                    lb,
                    arn=arn,
                    protocol=lp,
                    port=port,
                    allowed=True,
                    rule=f"listener {lp}:{port} of {lb.name}",
                ),
            )
            for _, port, lp, arn in listeners
        ]
        no = listener_hop(
            lb, arn=None, protocol=trace.protocol, port=None, allowed=False,
            rule=f"{lb.name} has no {trace.protocol} listener on this port",
        )  # fmt: skip
        trace.restrict(first_match(entries, 255 if is_icmp(trace.protocol) else 65535, no))

    return check


def _exposure_key(e: Exposure) -> tuple[object, ...]:
    return (
        e.account_id,
        e.region,
        e.vpc_id,
        e.network_interface_id,
        e.via,
        e.load_balancer_arn or "",
        e.source_cidr,
        e.entry,
        e.ports.protocol,
        e.ports.from_port if e.ports.from_port is not None else -2,
        e.listener_ports.from_port if e.listener_ports and e.listener_ports.from_port is not None else -2,
    )
