"""Addresses and protocols as the engine compares them: CIDRs as integer ranges, protocol names.

Every CIDR of the Inventory is parsed once (``ipaddress``) into a :class:`Net`, an integer range
with its family and prefix length, so matching a rule or a route is two integer comparisons.

A *remote* (the other end of the traffic a rule or route is checked against) is a Net too: one
address (/32, /128), a subnet's CIDR, or the whole internet (0.0.0.0/0, ::/0). A rule or route
applies to a remote when its CIDR contains the whole remote. For the internet that means a rule
for 0.0.0.0/0 (or ::/0): "reachable from the internet" is reachable from any address, so a rule
for 203.0.113.0/24 does not expose an interface to the internet, and a NACL that denies only
198.51.100.0/24 does not protect it from the internet.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class Net:
    """An IPv4 or IPv6 network as an inclusive integer range."""

    version: int  # 4 | 6
    lo: int
    hi: int
    prefixlen: int
    text: str

    def covers(self, other: Net) -> bool:
        """True when every address of ``other`` is in this network."""
        return self.version == other.version and self.lo <= other.lo and other.hi <= self.hi

    def overlaps(self, other: Net) -> bool:
        return self.version == other.version and self.lo <= other.hi and other.lo <= self.hi

    @property
    def is_any(self) -> bool:
        return self.prefixlen == 0


@lru_cache(maxsize=1 << 16)
def parse_net(text: str | None) -> Net | None:
    """A CIDR (or a bare address, as a /32 or /128), or None when it is not one."""
    if not text:
        return None
    try:
        network = ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None
    return Net(
        version=network.version,
        lo=int(network.network_address),
        hi=int(network.broadcast_address),
        prefixlen=network.prefixlen,
        # A host is shown as its address ("10.0.0.5"), a network as its CIDR.
        text=str(network.network_address) if network.prefixlen == network.max_prefixlen else str(network),
    )


def parse_address(text: str | None) -> Net | None:
    """One address as a host network, or None when ``text`` is not an IP address."""
    if not text:
        return None
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    return parse_net(f"{address}/{address.max_prefixlen}")


ANY_V4 = Net(version=4, lo=0, hi=(1 << 32) - 1, prefixlen=0, text="0.0.0.0/0")
ANY_V6 = Net(version=6, lo=0, hi=(1 << 128) - 1, prefixlen=0, text="::/0")


def any_net(version: int) -> Net:
    return ANY_V4 if version == 4 else ANY_V6


def is_public(net: Net) -> bool:
    """Whether an address is a global (internet) address: not private, shared, reserved or link-local."""
    address = ipaddress.ip_address(net.lo)
    return address.is_global


# -- protocols -----------------------------------------------------------------------------------

TCP, UDP, ICMP, ICMPV6, ALL = "tcp", "udp", "icmp", "icmpv6", "-1"
_BY_NUMBER = {"6": TCP, "17": UDP, "1": ICMP, "58": ICMPV6, "-1": ALL, "all": ALL}
PORT_MAX = 65535
ICMP_TYPE_MAX = 255


def normalize_protocol(value: str | int | None) -> str:
    """ "tcp", "udp", "icmp", "icmpv6", "-1" (all), or another IP protocol number as a string."""
    text = str(value if value is not None else "-1").strip().lower()
    return _BY_NUMBER.get(text, text)


def is_icmp(protocol: str) -> bool:
    return protocol in (ICMP, ICMPV6)


def has_ports(protocol: str) -> bool:
    return protocol in (TCP, UDP)


def domain_max(protocol: str) -> int:
    """The largest port (TCP/UDP) or ICMP type of a protocol; 0 for protocols without ports."""
    if has_ports(protocol):
        return PORT_MAX
    if is_icmp(protocol):
        return ICMP_TYPE_MAX
    return 0


def protocol_family_ok(protocol: str, version: int) -> bool:
    """ICMP is IPv4 only and ICMPv6 is IPv6 only (security group rules name one or the other)."""
    return not ((protocol == ICMP and version == 6) or (protocol == ICMPV6 and version == 4))
