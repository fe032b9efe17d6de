"""Interval arithmetic of port sets: first-match partitions, restricting reachable ranges, merging."""

from __future__ import annotations

from analysis.network.ports import (
    Segment,
    allowed_ranges,
    first_match,
    icmp_range,
    merge,
    port_range,
    restrict,
    subtract,
)


def test_first_match_gives_each_port_to_the_first_entry_covering_it() -> None:
    pieces = first_match(
        [((22, 22), False, "deny-22"), ((0, 1023), True, "allow-low"), ((0, 65535), False, "deny-all")],
        65535,
        "implicit",
    )
    assert [(p.lo, p.hi, p.allowed, p.payload) for p in pieces] == [
        (0, 21, True, "allow-low"),
        (22, 22, False, "deny-22"),
        (23, 1023, True, "allow-low"),
        (1024, 65535, False, "deny-all"),
    ]


def test_ports_no_entry_covers_get_the_default_deny() -> None:
    pieces = first_match([((443, 443), True, "https")], 65535, "implicit")
    assert [(p.lo, p.hi, p.allowed, p.payload) for p in pieces] == [
        (0, 442, False, "implicit"),
        (443, 443, True, "https"),
        (444, 65535, False, "implicit"),
    ]
    assert allowed_ranges(pieces) == [(443, 443)]


def test_restrict_keeps_the_allowed_overlap_and_reports_the_first_denied_piece() -> None:
    partition = first_match([((80, 90), True, "a"), ((85, 100), True, "b")], 65535, "none")
    kept, denied = restrict([Segment(0, 65535, ("start",))], partition)
    assert [(s.lo, s.hi, s.hops) for s in kept] == [(80, 90, ("start", "a")), (91, 100, ("start", "b"))]
    assert denied is not None and (denied.lo, denied.hi, denied.payload) == (0, 79, "none")
    nothing, blocked = restrict([Segment(22, 22, ())], partition)
    assert nothing == [] and blocked is not None and (blocked.lo, blocked.hi) == (22, 22)


def test_merge_joins_adjacent_ranges_decided_by_the_same_hops_only() -> None:
    merged = merge([Segment(10, 19, ("x",)), Segment(20, 29, ("x",)), Segment(30, 39, ("y",))])
    assert [(s.lo, s.hi, s.hops) for s in merged] == [(10, 29, ("x",)), (30, 39, ("y",))]


def test_rule_ranges() -> None:
    assert port_range(None, None, 65535) == (0, 65535)
    assert port_range(-1, -1, 65535) == (0, 65535)
    assert port_range(22, 22, 65535) == (22, 22)
    assert port_range(1024, 65535, 65535) == (1024, 65535)
    assert icmp_range(-1) == (0, 255) and icmp_range(8) == (8, 8)
    assert subtract([(0, 100)], (10, 20)) == [(0, 9), (21, 100)]


def test_icmp_labels_name_the_type_and_code() -> None:
    """For ICMP, a rule's from/to ports are the type and code, -1 meaning any (EC2 API, IpPermission)."""
    from analysis.network.results import PortRange

    assert PortRange(protocol="icmp", from_port=8, to_port=-1).label() == "icmp type 8"
    assert PortRange(protocol="icmp", from_port=3, to_port=4).label() == "icmp type 3 code 4"
    assert PortRange(protocol="icmpv6", from_port=-1, to_port=-1).label() == "icmpv6/all"
    assert PortRange(protocol="tcp", from_port=22, to_port=22).label() == "tcp/22"
