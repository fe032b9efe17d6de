"""Password policy controls.

AWS docs followed: IAM API reference GetAccountPasswordPolicy (NoSuchEntity when the account has
no custom policy; PasswordReusePrevention omitted when reuse is not prevented); Security Hub CSPM
controls IAM.7 (uppercase, lowercase, symbols, numbers, length >= 8 by default), IAM.15 (length
>= 14) and IAM.16 (24 passwords remembered).
"""

from __future__ import annotations

from pathlib import Path

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS
from analysis.rules.iam import (
    iam_password_policy_exists,
    iam_password_policy_min_length,
    iam_password_policy_reuse,
    iam_password_policy_strong,
)
from tests.analysis.rules.builders import UNREACHABLE
from tests.analysis.rules.iam.iam_builders import MGMT, B, C, D, denied, one, password_policy, run

STRONG = {
    "MinimumPasswordLength": 14,
    "RequireSymbols": True,
    "RequireNumbers": True,
    "RequireUppercaseCharacters": True,
    "RequireLowercaseCharacters": True,
    "AllowUsersToChangePassword": True,
    "ExpirePasswords": True,
    "MaxPasswordAge": 90,
    "PasswordReusePrevention": 24,
    "HardExpiry": False,
}
WEAK = {  # the demo's payments-dev policy: length 8, numbers only, no reuse prevention
    "MinimumPasswordLength": 8,
    "RequireSymbols": False,
    "RequireNumbers": True,
    "RequireUppercaseCharacters": False,
    "RequireLowercaseCharacters": False,
    "AllowUsersToChangePassword": True,
    "ExpirePasswords": False,
    "HardExpiry": False,
}
CALLS = [
    password_policy(MGMT, STRONG),
    password_policy(B, WEAK),
    password_policy(C, None),
    denied("GetAccountPasswordPolicy", D),
]


def _common_gaps(results: list) -> None:  # type: ignore[type-arg]
    assert one(results, D).status == NOT_ASSESSED and "denied" in one(results, D).message
    assert one(results, UNREACHABLE).status == NOT_ASSESSED
    assert one(results, "555555555555").status == NOT_ASSESSED  # never called


def test_policy_exists(tmp_path: Path) -> None:
    results = run(tmp_path, iam_password_policy_exists, CALLS)
    assert one(results, MGMT).status == PASS and one(results, B).status == PASS
    absent = one(results, C)
    assert absent.status == FAIL and "NoSuchEntity" in absent.message and absent.evidence.call_ids
    _common_gaps(results)


def test_min_length(tmp_path: Path) -> None:
    results = run(tmp_path, iam_password_policy_min_length, CALLS)
    assert one(results, MGMT).status == PASS
    weak = one(results, B)
    assert (
        weak.status == FAIL
        and "only 8" in weak.message
        and weak.evidence.values["MinimumPasswordLength"] == 8
    )
    assert one(results, C).status == FAIL  # the default rules do not require 14
    _common_gaps(results)


def test_reuse_prevention(tmp_path: Path) -> None:
    some = dict(STRONG, PasswordReusePrevention=5)
    results = run(tmp_path, iam_password_policy_reuse, [*CALLS, password_policy("666666666666", some)])
    assert one(results, MGMT).status == PASS
    assert one(results, B).status == FAIL and "does not prevent" in one(results, B).message
    assert (
        one(results, "666666666666").status == FAIL and "remembers 5" in one(results, "666666666666").message
    )
    assert one(results, C).status == FAIL
    _common_gaps(results)


def test_strong_configuration(tmp_path: Path) -> None:
    short = dict(STRONG, MinimumPasswordLength=6)
    results = run(tmp_path, iam_password_policy_strong, [*CALLS, password_policy("666666666666", short)])
    assert one(results, MGMT).status == PASS
    weak = one(results, B)
    assert weak.status == FAIL
    for flag in ("RequireUppercaseCharacters", "RequireLowercaseCharacters", "RequireSymbols"):
        assert flag in weak.message
    assert "RequireNumbers" not in weak.message
    assert (
        one(results, "666666666666").status == FAIL
        and "MinimumPasswordLength is 6" in one(results, "666666666666").message
    )
    assert one(results, C).status == FAIL
    _common_gaps(results)
