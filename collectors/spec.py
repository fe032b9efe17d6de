"""Collection declared as data: which operations a collector calls, with what.

A collector is a :class:`Collector`: a service, a scope and an ordered list of
:class:`Op`. An op's parameters are fixed (``params``), one call per variant
(``variants``), or drawn from the results of earlier ops (``for_each``), and
an op may follow its own results (``recurse``, for trees such as OUs).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

# organization: once per collection, with the management (or delegated admin) account's credentials.
# global: once per account, against the partition's global endpoint (IAM, Organizations).
# regional: once per account and enabled region.
Scope = Literal["organization", "global", "regional"]

GLOBAL_REGION = "global"  # the region column of calls to global services

# A pseudo-source every collector run starts with: [{"AccountId": <account>, "Region": <region column>}],
# for operations whose parameters name the account being collected (s3control GetPublicAccessBlock).
TARGET_SOURCE = "$target"


@dataclass(frozen=True, kw_only=True)
class From:
    """Parameter values drawn from an earlier op's pages.

    ``path`` is a JMESPath expression evaluated on each page of every op in
    ``sources``; each value it yields becomes one call with ``param`` set to it.
    Values that are objects can fill several parameters: ``fields`` maps a
    parameter name to a key of the object. ``inherit`` names parameters copied
    from the source call that returned the page: a nested for-each, e.g. the
    permission sets listed for an instance carry that instance's ARN on to the
    calls made for each of them.
    """

    sources: tuple[str, ...]
    path: str
    param: str | None = None
    fields: Mapping[str, str] = field(default_factory=dict)
    inherit: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Poll:
    """Repeat a call until a field of its response has a value (credential report generation)."""

    path: str
    until: tuple[str, ...]
    interval_s: float = 2.0
    max_polls: int = 30


@dataclass(frozen=True, kw_only=True)
class Op:
    operation: str  # the API name, e.g. "ListAccounts"
    name: str = ""  # how later ops refer to this one; defaults to the operation
    params: Mapping[str, Any] = field(default_factory=dict)
    variants: tuple[Mapping[str, Any], ...] = ()
    for_each: From | None = None
    recurse: From | None = None
    poll: Poll | None = None
    # Error codes that are an answer: the thing does not exist (outcome "absent")...
    absent_codes: frozenset[str] = frozenset()
    # ...or the service is not enabled/subscribed in that account or region.
    not_subscribed_codes: frozenset[str] = frozenset()
    # Error codes after which the call is tried again after a pause (e.g. report not ready yet).
    retry_codes: frozenset[str] = frozenset()
    # Regional collectors only: call this op only in these regions (e.g. WAFv2 CLOUDFRONT scope,
    # which exists only in us-east-1). Empty: every collected region.
    regions: tuple[str, ...] = ()
    # Send this op to another boto3 client of the same account and region, recorded under that
    # service (e.g. identitystore ListUsers, whose IdentityStoreId comes from sso-admin
    # ListInstances). Empty: the collector's service.
    service: str = ""

    @property
    def key(self) -> str:
        return self.name or self.operation


@dataclass(frozen=True, kw_only=True)
class Collector:
    name: str  # the --services name
    service: str  # boto3 client name
    scope: Scope
    ops: tuple[Op, ...]
    description: str = ""

    def operations(self) -> frozenset[str]:
        return frozenset(op.operation for op in self.ops)
