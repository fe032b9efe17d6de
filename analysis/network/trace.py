"""A path being evaluated: the port ranges still reachable, each with its hops, or what blocked it.

Each component the traffic crosses either restricts the reachable ports (a NACL or a security
group: a partition of the protocol's ports) or passes or stops them all (a gateway, a route).
The first component that leaves nothing reachable is the answer to "what blocks it", with the
rule (or missing route) that did, as Reachability Analyzer reports a blocked path.
"""

from __future__ import annotations

from dataclasses import replace

from analysis.network.addresses import domain_max, has_ports, is_icmp
from analysis.network.ports import Piece, Range, Segment, extend, merge, range_label, restrict
from analysis.network.results import NETWORK_ACL, SECURITY_GROUP, Hop


class Trace:
    """Reachable ranges of one protocol along a path (ports, ICMP types; one point otherwise)."""

    def __init__(self, protocol: str, ports: Range | None = None) -> None:
        self.protocol = protocol
        lo, hi = ports if ports is not None else (0, domain_max(protocol))
        self.segments: list[Segment[Hop]] = [Segment(lo, hi, ())]
        self.blocked: Hop | None = None
        self.hops_before_block: tuple[Hop, ...] = ()
        self.notes: list[str] = []

    @property
    def ok(self) -> bool:
        return self.blocked is None

    def add(self, hop: Hop) -> bool:
        """A hop that passes (allow) or stops (deny) every reachable port."""
        if not self.ok:
            return False
        if hop.allowed:
            self.segments = extend(self.segments, hop)
            return True
        self._block(hop)
        return False

    def restrict(self, pieces: list[Piece[Hop]]) -> bool:
        """Keep what the partition allows; when nothing is left, the first denied piece blocks."""
        if not self.ok:
            return False
        kept, denied = restrict(self.segments, pieces)
        if kept:
            self.segments = kept
            return True
        if denied is None:  # nothing to restrict (cannot happen with a full partition)
            return True
        self._block(self._with_ports(denied))
        return False

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def result(self) -> list[Segment[Hop]]:
        return merge(self.segments) if self.ok else []

    def hops(self) -> tuple[Hop, ...]:
        """The hops of the first reachable range, or those up to and including the block."""
        if self.blocked is not None:
            return (*self.hops_before_block, self.blocked)
        return self.segments[0].hops if self.segments else ()

    def _block(self, hop: Hop) -> None:
        self.hops_before_block = self.segments[0].hops if self.segments else ()
        self.blocked = hop
        self.segments = []

    def _with_ports(self, piece: Piece[Hop]) -> Hop:
        hop = piece.payload
        label = self.label(piece.lo, piece.hi)
        detail = {**hop.detail, "blocked": label}
        if hop.kind == SECURITY_GROUP or (hop.kind == NETWORK_ACL and hop.detail.get("rule_number") == "*"):
            return replace(hop, rule=f"{hop.rule} [blocks {label}]", detail=detail)
        return replace(hop, detail=detail)

    def label(self, lo: int, hi: int) -> str:
        if has_ports(self.protocol):
            return f"{self.protocol} {range_label([(lo, hi)])}"
        if is_icmp(self.protocol):
            return f"{self.protocol} type {range_label([(lo, hi)])}"
        return f"protocol {self.protocol}"
