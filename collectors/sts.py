"""STS: who the collector is in each account (recorded as evidence of the collecting identity)."""

from __future__ import annotations

from collectors.spec import Collector, Op

COLLECTOR = Collector(
    name="sts",
    service="sts",
    scope="global",
    description="The collecting identity in each account",
    ops=(Op(operation="GetCallerIdentity"),),
)
