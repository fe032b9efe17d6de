"""Secrets Manager hygiene: automatic rotation (SecretsManager.1; ListSecrets omits RotationEnabled
when rotation is off), rotation within 90 days (SecretsManager.4, maxDaysSinceRotation 90) and
secrets unused for 90 days (SecretsManager.3, unusedForDays 90), counted at collection time."""

from __future__ import annotations

from pathlib import Path

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS
from analysis.rules.data import (
    secretsmanager_rotated_recently,
    secretsmanager_rotation_enabled,
    secretsmanager_secret_unused,
)
from tests.analysis.rules.data.data_builders import EU, B, C, ago, by_resource, denied, run, secret


def test_rotation_enabled(tmp_path: Path) -> None:
    calls = [*secret(B, "rotating", rotation=True), *secret(B, "static"), *secret(B, "going", deleted=ago(1))]
    results = run(tmp_path, secretsmanager_rotation_enabled, calls)
    r = by_resource([x for x in results if not x.resource_id.isdigit()])
    assert r["rotating"].status == PASS and "every 30 days" in r["rotating"].message
    assert r["static"].status == FAIL and "going" not in r


def test_rotated_recently(tmp_path: Path) -> None:
    calls = [
        *secret(B, "fresh", rotation=True, last_rotated=ago(10)),
        *secret(B, "stale", rotation=True, last_rotated=ago(120)),
        *secret(B, "never"),
    ]
    r = by_resource(
        [x for x in run(tmp_path, secretsmanager_rotated_recently, calls) if not x.resource_id.isdigit()]
    )
    assert r["fresh"].status == PASS and "10 days" in r["fresh"].message
    assert r["stale"].status == FAIL and "120 days" in r["stale"].message
    assert r["never"].status == FAIL and "never been rotated" in r["never"].message


def test_unused(tmp_path: Path) -> None:
    calls = [
        *secret(B, "used", last_accessed=ago(3)),
        *secret(B, "forgotten", last_accessed=ago(200)),
        *secret(B, "new-unread", last_changed=ago(5)),
        *secret(B, "old-unread", last_changed=ago(365)),
        *secret(B, "no-dates"),
        denied("secretsmanager", "ListSecrets", C, EU),
    ]
    results = run(tmp_path, secretsmanager_secret_unused, calls)
    r = by_resource([x for x in results if not x.resource_id.isdigit()])
    assert r["used"].status == PASS
    assert r["forgotten"].status == FAIL and "200 days" in r["forgotten"].message
    assert r["new-unread"].status == PASS and r["old-unread"].status == FAIL
    assert r["no-dates"].status == NOT_ASSESSED
    [gap] = [x for x in results if (x.account_id, x.region) == (C, EU)]
    assert gap.status == NOT_ASSESSED and "denied" in gap.message
