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


def partition_of(manifest: dict[str, object]) -> str:
    """The AWS partition (aws, aws-us-gov, aws-cn) of the collection, from the collecting identity's ARN."""
    identity = manifest.get("identity")
    arn = identity.get("Arn", "") if isinstance(identity, dict) else ""
    parts = str(arn).split(":")
    return parts[1] if len(parts) > 2 and parts[1] else "aws"
