"""IAM user and credential controls.

AWS docs followed: IAM User Guide "Generate credential reports" (password_enabled, mfa_active,
access_key_N_active / last_rotated / last_used_date; N/A and no_information); IAM API reference
ListAccessKeys (Status, CreateDate); Security Hub CSPM controls IAM.2, IAM.3 (90 days), IAM.5,
IAM.8 (90 days), IAM.19, IAM.22 (45 days); the CIS audit procedure for unused credentials (a
never-used password counts from password_last_changed, a never-used key from last_rotated).
"""

from __future__ import annotations

from pathlib import Path

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS
from analysis.rules.iam import (
    iam_access_key_rotated,
    iam_console_password_users,
    iam_credentials_unused_45_days,
    iam_credentials_unused_90_days,
    iam_user_console_mfa,
    iam_user_mfa,
    iam_user_multiple_active_keys,
    iam_user_policies_attached,
    iam_users_in_member_accounts,
)
from tests.analysis.rules.builders import UNREACHABLE
from tests.analysis.rules.iam.iam_builders import (
    FULL,
    MGMT,
    B,
    C,
    D,
    access_keys,
    ago,
    denied,
    details,
    one,
    report,
    row,
    run,
    user,
)


def test_console_users_need_mfa(tmp_path: Path) -> None:
    results = run(
        tmp_path,
        iam_user_console_mfa,
        [
            details(MGMT, users=[user(MGMT, n) for n in ("alice", "bob", "ci", "new", "odd")]),
            report(
                MGMT,
                [
                    row(MGMT, "alice", password_enabled="true", mfa_active="true"),
                    row(MGMT, "bob", password_enabled="true", mfa_active="false"),
                    row(MGMT, "ci"),
                    row(MGMT, "odd", password_enabled="true", mfa_active="unknown"),
                ],  # "new" was created after the report
            ),
            details(B, users=[user(B, "erin")]),
            denied("GetCredentialReport", B),
        ],
    )
    assert one(results, MGMT, "alice").status == PASS
    bob = one(results, MGMT, "bob")
    assert bob.status == FAIL and "no MFA" in bob.message and bob.resource_arn.endswith(":user/bob")
    assert (
        bob.evidence.values == {"password_enabled": "true", "mfa_active": "false"}
        and len(bob.evidence.call_ids) >= 2
    )
    assert one(results, MGMT, "ci").status == PASS  # no console password
    assert one(results, MGMT, "new").status == NOT_ASSESSED
    assert one(results, MGMT, "odd").status == NOT_ASSESSED  # an unreadable mfa_active is not "no MFA"
    assert one(results, B).status == NOT_ASSESSED and "denied" in one(results, B).message
    assert one(results, UNREACHABLE).status == NOT_ASSESSED


def test_every_user_needs_mfa(tmp_path: Path) -> None:
    results = run(
        tmp_path,
        iam_user_mfa,
        [
            details(MGMT, users=[user(MGMT, "alice"), user(MGMT, "ci")]),
            report(
                MGMT, [row(MGMT, "alice", mfa_active="true"), row(MGMT, "ci", access_key_1_active="true")]
            ),
            denied("GetAccountAuthorizationDetails", B),
        ],
    )
    assert one(results, MGMT, "alice").status == PASS
    assert one(results, MGMT, "ci").status == FAIL
    assert one(results, B).status == NOT_ASSESSED


def test_access_keys_rotated_within_90_days(tmp_path: Path) -> None:
    results = run(
        tmp_path,
        iam_access_key_rotated,
        [
            details(
                MGMT, users=[user(MGMT, "old"), user(MGMT, "fresh"), user(MGMT, "none"), user(MGMT, "report")]
            ),
            access_keys(MGMT, "old", [("AKIAOLD", "Active", 120), ("AKIAOFF", "Inactive", 500)]),
            access_keys(MGMT, "fresh", [("AKIAFRESH", "Active", 10), ("AKIAGONE", "Inactive", 300)]),
            access_keys(MGMT, "none", []),
            denied("ListAccessKeys", MGMT, UserName="report"),  # falls back on the credential report
            report(
                MGMT, [row(MGMT, "report", access_key_2_active="true", access_key_2_last_rotated=ago(95))]
            ),
            details(B, users=[user(B, "lost")]),
            denied("ListAccessKeys", B, UserName="lost"),
        ],
    )
    old = one(results, MGMT, "old")
    assert old.status == FAIL and "AKIAOLD (120 days)" in old.message and "AKIAOFF" not in old.message
    assert one(results, MGMT, "fresh").status == PASS
    assert one(results, MGMT, "none").status == PASS and "No active" in one(results, MGMT, "none").message
    fallback = one(results, MGMT, "report")
    assert fallback.status == FAIL and fallback.evidence.values["source"] == "the credential report"
    assert one(results, B, "lost").status == NOT_ASSESSED
    assert one(results, C).status == NOT_ASSESSED


def test_one_active_key_per_user(tmp_path: Path) -> None:
    results = run(
        tmp_path,
        iam_user_multiple_active_keys,
        [
            details(MGMT, users=[user(MGMT, "two"), user(MGMT, "one")]),
            access_keys(MGMT, "two", [("AKIA1", "Active", 10), ("AKIA2", "Active", 300)]),
            access_keys(MGMT, "one", [("AKIA3", "Active", 10), ("AKIA4", "Inactive", 300)]),
            details(B, users=[user(B, "x")]),
        ],
    )
    two = one(results, MGMT, "two")
    assert two.status == FAIL and two.evidence.values["active_keys"] == ["AKIA1", "AKIA2"]
    assert one(results, MGMT, "one").status == PASS
    assert one(results, B, "x").status == NOT_ASSESSED  # ListAccessKeys never called, no report


def _unused_calls() -> list:  # type: ignore[type-arg]
    users = ["idle-password", "new-password", "idle-key", "key-60", "never-used-key", "active"]
    return [
        details(MGMT, users=[user(MGMT, u) for u in users]),
        report(
            MGMT,
            [
                row(MGMT, "idle-password", password_enabled="true", password_last_used=ago(120)),
                # never used, set 10 days ago: too new to be unused
                row(
                    MGMT,
                    "new-password",
                    password_enabled="true",
                    password_last_used="no_information",
                    password_last_changed=ago(10),
                ),
                row(
                    MGMT,
                    "idle-key",
                    access_key_1_active="true",
                    access_key_1_last_rotated=ago(300),
                    access_key_1_last_used_date=ago(100),
                ),
                row(
                    MGMT,
                    "key-60",
                    access_key_1_active="true",
                    access_key_1_last_rotated=ago(300),
                    access_key_1_last_used_date=ago(60),
                ),
                row(MGMT, "never-used-key", access_key_2_active="true", access_key_2_last_rotated=ago(50)),
                row(
                    MGMT,
                    "active",
                    password_enabled="true",
                    password_last_used=ago(1),
                    access_key_1_active="true",
                    access_key_1_last_used_date=ago(2),
                    access_key_1_last_rotated=ago(30),
                ),
            ],
        ),
        details(B, users=[user(B, "x")]),
        denied("GetCredentialReport", B),
    ]


def test_credentials_unused_45_days(tmp_path: Path) -> None:
    results = run(tmp_path, iam_credentials_unused_45_days, _unused_calls())
    assert one(results, MGMT, "idle-password").status == FAIL
    assert one(results, MGMT, "new-password").status == PASS
    assert one(results, MGMT, "idle-key").status == FAIL
    assert one(results, MGMT, "key-60").status == FAIL  # 60 >= 45
    never = one(results, MGMT, "never-used-key")
    assert never.status == FAIL and "never used, created 50 days ago" in never.message
    assert one(results, MGMT, "active").status == PASS
    assert one(results, B).status == NOT_ASSESSED


def test_credentials_unused_90_days(tmp_path: Path) -> None:
    results = run(tmp_path, iam_credentials_unused_90_days, _unused_calls())
    assert (
        one(results, MGMT, "idle-password").status == FAIL
        and "120 days" in one(results, MGMT, "idle-password").message
    )
    assert one(results, MGMT, "idle-key").status == FAIL
    assert one(results, MGMT, "key-60").status == PASS  # 60 < 90
    assert one(results, MGMT, "never-used-key").status == PASS
    assert one(results, B).status == NOT_ASSESSED


def test_policies_attached_to_users(tmp_path: Path) -> None:
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    results = run(
        tmp_path,
        iam_user_policies_attached,
        [
            details(
                MGMT,
                users=[
                    user(MGMT, "direct", attached=[admin]),
                    user(MGMT, "inline", inline=[FULL]),
                    user(MGMT, "grouped", groups=["Ops"]),
                ],
            ),
            denied("GetAccountAuthorizationDetails", B),
        ],
    )
    direct = one(results, MGMT, "direct")
    assert direct.status == FAIL and "AdministratorAccess" in direct.message and direct.evidence.statements
    assert one(results, MGMT, "inline").status == FAIL and "inline" in one(results, MGMT, "inline").message
    assert one(results, MGMT, "grouped").status == PASS
    assert one(results, B).status == NOT_ASSESSED


def test_console_password_users(tmp_path: Path) -> None:
    results = run(
        tmp_path,
        iam_console_password_users,
        [
            details(MGMT, users=[user(MGMT, "person"), user(MGMT, "robot")]),
            report(MGMT, [row(MGMT, "person", password_enabled="true"), row(MGMT, "robot")]),
        ],
    )
    assert one(results, MGMT, "person").status == FAIL
    assert one(results, MGMT, "robot").status == PASS
    assert one(results, B).status == NOT_ASSESSED


def test_users_in_member_accounts(tmp_path: Path) -> None:
    results = run(
        tmp_path,
        iam_users_in_member_accounts,
        [
            details(MGMT, users=[user(MGMT, "breakglass")]),  # the management account is not judged here
            details(B, users=[user(B, "app"), user(B, "dev")]),
            details(C),
            denied("GetAccountAuthorizationDetails", D),
        ],
    )
    assert not [r for r in results if r.account_id == MGMT]
    member = one(results, B)
    assert member.status == FAIL and member.evidence.values["users"] == ["app", "dev"]
    assert one(results, C).status == PASS
    assert one(results, D).status == NOT_ASSESSED
    assert one(results, UNREACHABLE).status == NOT_ASSESSED
