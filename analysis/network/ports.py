"""Port sets as interval arithmetic, with the rule that decided each piece.

A *partition* splits a protocol's whole port range (TCP/UDP ports 0-65535, ICMP types 0-255)
into pieces, each allowed or denied by one rule (a NACL's first matching entry, the first
security group rule allowing it, or the implicit deny). *Segments* are the port ranges still
reachable along a path, each carrying the hops that let it through so far; restricting them by
a partition keeps the allowed overlap and appends the deciding hop. Nothing probes port by port.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Generic, TypeVar

P = TypeVar("P")  # what decided a piece (a Hop in practice)

Range = tuple[int, int]  # inclusive


class Piece(Generic[P]):
    """One range of a partition: allowed or not, and what decided it."""

    __slots__ = ("allowed", "hi", "lo", "payload")

    def __init__(self, lo: int, hi: int, allowed: bool, payload: P) -> None:
        self.lo, self.hi, self.allowed, self.payload = lo, hi, allowed, payload

    def __repr__(self) -> str:
        return f"Piece({self.lo}-{self.hi}, {'allow' if self.allowed else 'deny'})"


class Segment(Generic[P]):
    """A reachable range and the hops (one per component crossed) that let it through."""

    __slots__ = ("hi", "hops", "lo")

    def __init__(self, lo: int, hi: int, hops: tuple[P, ...]) -> None:
        self.lo, self.hi, self.hops = lo, hi, hops

    def __repr__(self) -> str:
        return f"Segment({self.lo}-{self.hi}, {len(self.hops)} hops)"


def port_range(from_port: int | None, to_port: int | None, maximum: int) -> Range:
    """A TCP/UDP rule's range clipped to the domain; None or -1 (all) is the whole domain."""
    if from_port is None or from_port < 0:
        return (0, maximum)
    hi = to_port if to_port is not None and to_port >= 0 else from_port
    return (min(from_port, maximum), min(hi, maximum))


def icmp_range(icmp_type: int | None) -> Range:
    """The ICMP types a rule covers: one type, or all of them (None or -1)."""
    if icmp_type is None or icmp_type < 0:
        return (0, 255)
    return (min(icmp_type, 255), min(icmp_type, 255))


def subtract(ranges: Sequence[Range], cut: Range) -> list[Range]:
    out: list[Range] = []
    lo_c, hi_c = cut
    for lo, hi in ranges:
        if hi < lo_c or lo > hi_c:
            out.append((lo, hi))
            continue
        if lo < lo_c:
            out.append((lo, lo_c - 1))
        if hi > hi_c:
            out.append((hi_c + 1, hi))
    return out


def first_match(entries: Iterable[tuple[Range, bool, P]], maximum: int, default: P) -> list[Piece[P]]:
    """The partition of 0..maximum by ordered entries (range, allows, payload): the first entry
    covering a port decides it; ports no entry covers get ``default`` (denied).

    NACL entries in rule-number order give the NACL's answer; security group rules (all
    allowing) give the union of what the group allows, each port credited to its first rule.
    """
    remaining: list[Range] = [(0, maximum)]
    pieces: list[Piece[P]] = []
    for (lo_e, hi_e), allowed, payload in entries:
        if not remaining:
            break
        if lo_e > hi_e:
            continue
        next_remaining: list[Range] = []
        for lo, hi in remaining:
            a, b = max(lo, lo_e), min(hi, hi_e)
            if a > b:
                next_remaining.append((lo, hi))
                continue
            pieces.append(Piece(a, b, allowed, payload))
            if lo < a:
                next_remaining.append((lo, a - 1))
            if hi > b:
                next_remaining.append((b + 1, hi))
        remaining = next_remaining
    pieces.extend(Piece(lo, hi, False, default) for lo, hi in remaining)
    pieces.sort(key=lambda p: p.lo)
    return pieces


def restrict(
    segments: Sequence[Segment[P]], partition: Sequence[Piece[P]]
) -> tuple[list[Segment[P]], Piece[P] | None]:
    """Keep the parts of ``segments`` the partition allows, appending each deciding payload; also
    the first denied piece met (in port order), to explain a block."""
    out: list[Segment[P]] = []
    denied: Piece[P] | None = None
    j = 0
    for seg in segments:
        while j < len(partition) and partition[j].hi < seg.lo:
            j += 1
        k = j
        while k < len(partition) and partition[k].lo <= seg.hi:
            piece = partition[k]
            a, b = max(seg.lo, piece.lo), min(seg.hi, piece.hi)
            if a <= b:
                if piece.allowed:
                    out.append(Segment(a, b, (*seg.hops, piece.payload)))
                elif denied is None:
                    denied = Piece(a, b, False, piece.payload)
            k += 1
    return out, denied


def extend(segments: Sequence[Segment[P]], hop: P) -> list[Segment[P]]:
    """Append a port-independent hop (a gateway, a route) to every segment."""
    return [Segment(s.lo, s.hi, (*s.hops, hop)) for s in segments]


def merge(segments: Sequence[Segment[P]]) -> list[Segment[P]]:
    """Adjacent segments decided by the same hops become one."""
    out: list[Segment[P]] = []
    for seg in sorted(segments, key=lambda s: s.lo):
        if out and out[-1].hi + 1 >= seg.lo and out[-1].hops == seg.hops:
            last = out[-1]
            out[-1] = Segment(last.lo, max(last.hi, seg.hi), last.hops)
        else:
            out.append(seg)
    return out


def allowed_ranges(partition: Sequence[Piece[P]]) -> list[Range]:
    """The allowed ranges of a partition, adjacent ones joined."""
    out: list[Range] = []
    for piece in partition:
        if not piece.allowed:
            continue
        if out and out[-1][1] + 1 >= piece.lo:
            out[-1] = (out[-1][0], max(out[-1][1], piece.hi))
        else:
            out.append((piece.lo, piece.hi))
    return out


def range_label(ranges: Sequence[Range]) -> str:
    return ", ".join(str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in ranges)
