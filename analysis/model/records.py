"""The base of every Inventory record: what it is (ARN), where, and the calls it came from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Record:
    """Frozen and keyed by ARN. ``call_ids`` are the snapshot calls whose pages it was built from:
    the evidence a finding about it cites."""

    arn: str
    account_id: str
    region: str  # "global" for global resources
    call_ids: tuple[int, ...] = ()
