"""Conditions the policy evaluation leaves open offline, carried onto trust edges with their sense.

IAM User Guide, "Policy evaluation logic": an explicit Deny applies when its conditions hold. A
Deny the engine cannot settle offline therefore leaves the edge standing only if its condition
does NOT hold; an Allow's condition must hold. The edge says which.
"""

from __future__ import annotations

import pytest

from analysis.iam.request import Decision, PendingCondition, StatementRef
from analysis.trust.edges.base import engine_conditions


def _ref(effect: str) -> StatementRef:
    return StatementRef(kind="scp", policy="p-1", where="root", index=0, sid=None, effect=effect)


def test_deny_conditions_are_negated_and_say_so() -> None:
    allow = PendingCondition(
        operator="IpAddress", key="aws:SourceIp", values=("10.0.0.0/8",), statement=_ref("Allow")
    )
    deny = PendingCondition(
        operator="StringNotEquals",
        key="aws:RequestedRegion",
        values=("eu-west-1",),
        statement=_ref("Deny"),
        negated=True,
    )
    missing = PendingCondition(
        operator="NotCollected", key="bucket policy of b", values=("denied",), statement=_ref("Allow")
    )
    got = engine_conditions(
        [Decision(decision="conditional", deciding=(), conditions=(allow, deny, missing))]
    )
    by_key = {c.key: c for c in got}
    assert not by_key["aws:SourceIp"].negated
    assert by_key["aws:SourceIp"].text() == "IpAddress aws:SourceIp ['10.0.0.0/8']"
    assert by_key["aws:RequestedRegion"].negated
    assert by_key["aws:RequestedRegion"].text() == (
        "NOT StringNotEquals aws:RequestedRegion ['eu-west-1'] (a Deny applies if it holds)"
    )
    assert (
        by_key["bucket policy of b"].text()
        == "bucket policy of b was not collected (denied) and could change the decision"
    )


def test_the_same_condition_from_an_allow_and_a_deny_stays_two_conditions() -> None:
    common = {"operator": "Bool", "key": "aws:MultiFactorAuthPresent", "values": ("true",)}
    got = engine_conditions(
        [
            Decision(
                decision="conditional",
                deciding=(),
                conditions=(
                    PendingCondition(**common, statement=_ref("Allow")),
                    PendingCondition(**common, statement=_ref("Deny"), negated=True),
                ),
            )
        ]
    )
    assert sorted(c.negated for c in got) == [False, True]


def test_times_without_a_zone_are_read_as_utc_whatever_the_machine_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """AWS reports times in UTC; a finding's age must not depend on the auditor's laptop time zone."""
    import os
    import time
    from datetime import UTC, datetime

    from analysis.trust import findings

    mp = monkeypatch
    mp.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        assert findings._date("2026-01-02T03:04:05") == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
        assert findings._date("2026-01-02T03:04:05Z") == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
        assert findings._date("not a time") is None and findings._date(None) is None
    finally:
        mp.undo()
        time.tzset()
        assert "TZ" not in os.environ or os.environ["TZ"] != "Asia/Tokyo"
