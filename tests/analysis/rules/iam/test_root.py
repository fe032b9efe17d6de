"""Root user controls: access keys, hardware MFA, recent use.

AWS docs followed: IAM API reference GetAccountSummary (AccountAccessKeysPresent,
AccountMFAEnabled, AccountPasswordPresent); Security Hub CSPM controls IAM.4 and IAM.6 (passed
when the root user has no credentials); the CIS audit procedure for hardware root MFA (a
virtual device with serial ``...:mfa/root-account-mfa-device`` is the root user's); IAM User
Guide "Generate credential reports" (the ``<root_account>`` row, ``no_information`` / ``N/A``).
"""

from __future__ import annotations

from pathlib import Path

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS
from analysis.rules.iam import (
    iam_root_access_keys,
    iam_root_hardware_mfa,
    iam_root_mfa,
    iam_root_used_recently,
)
from tests.analysis.rules.builders import UNREACHABLE
from tests.analysis.rules.iam.iam_builders import (
    MGMT,
    B,
    C,
    D,
    ago,
    denied,
    details,
    mfa_devices,
    one,
    report,
    root_row,
    row,
    run,
    summary,
    user,
)


def test_root_access_keys(tmp_path: Path) -> None:
    results = run(
        tmp_path,
        iam_root_access_keys,
        [
            summary(MGMT, AccountAccessKeysPresent=0),
            summary(B, AccountAccessKeysPresent=1),
            report(B, [root_row(B, access_key_1_active="true", access_key_1_last_rotated=ago(900))]),
            denied("GetAccountSummary", C),
        ],
    )
    assert one(results, MGMT).status == PASS
    fail = one(results, B)
    assert fail.status == FAIL and "access key" in fail.message
    assert fail.evidence.call_ids and fail.evidence.values["AccountAccessKeysPresent"] == 1
    assert fail.evidence.values["access_key_1_active"] == "true"  # the credential report corroborates
    assert one(results, C).status == NOT_ASSESSED and "denied" in one(results, C).message
    assert one(results, D).status == NOT_ASSESSED and "not called" in one(results, D).message
    assert one(results, UNREACHABLE).status == NOT_ASSESSED


def test_root_mfa_passes_when_root_credentials_were_removed(tmp_path: Path) -> None:
    # Centralized root access: AccountPasswordPresent 0 and no keys -> nothing to protect (IAM.9 passes).
    results = run(
        tmp_path,
        iam_root_mfa,
        [
            summary(MGMT, AccountMFAEnabled=0, AccountPasswordPresent=0, AccountAccessKeysPresent=0),
            summary(B, AccountMFAEnabled=0, AccountPasswordPresent=1),
        ],
    )
    assert one(results, MGMT).status == PASS and "removed" in one(results, MGMT).message
    assert one(results, B).status == FAIL


def test_root_hardware_mfa(tmp_path: Path) -> None:
    alice = f"arn:aws:iam::{D}:user/alice"
    results = run(
        tmp_path,
        iam_root_hardware_mfa,
        [
            # MGMT: MFA on, the only virtual device belongs to an IAM user -> the root's is hardware.
            summary(MGMT, AccountMFAEnabled=1),
            details(MGMT, users=[user(MGMT, "alice")]),
            mfa_devices(MGMT, [(f"arn:aws:iam::{MGMT}:mfa/alice", f"arn:aws:iam::{MGMT}:user/alice")]),
            # B: the root user's virtual device, by the serial CIS names.
            summary(B, AccountMFAEnabled=1),
            mfa_devices(B, [(f"arn:aws:iam::{B}:mfa/root-account-mfa-device", f"arn:aws:iam::{B}:root")]),
            # C: no MFA at all.
            summary(C, AccountMFAEnabled=0, AccountPasswordPresent=1),
            # D: a virtual device assigned to no IAM user -> could be root's under another name.
            summary(D, AccountMFAEnabled=1),
            details(D, users=[user(D, "alice")]),
            mfa_devices(
                D, [(f"arn:aws:iam::{D}:mfa/my-phone", None), (f"arn:aws:iam::{D}:mfa/alice", alice)]
            ),
            # 555: MFA on but the device listing was denied.
            summary("555555555555", AccountMFAEnabled=1),
            denied("ListVirtualMFADevices", "555555555555"),
            # 666: root credentials removed.
            summary(
                "666666666666", AccountMFAEnabled=0, AccountPasswordPresent=0, AccountAccessKeysPresent=0
            ),
        ],
    )
    assert one(results, MGMT).status == PASS
    assert one(results, B).status == FAIL and "virtual device" in one(results, B).message
    assert one(results, C).status == FAIL and "no MFA device at all" in one(results, C).message
    unsure = one(results, D)
    assert unsure.status == NOT_ASSESSED and "my-phone" in unsure.message
    assert one(results, "555555555555").status == NOT_ASSESSED
    assert one(results, "666666666666").status == PASS
    assert one(results, UNREACHABLE).status == NOT_ASSESSED


def test_root_used_recently(tmp_path: Path) -> None:
    results = run(
        tmp_path,
        iam_root_used_recently,
        [
            report(MGMT, [root_row(MGMT, password_last_used=ago(200))]),
            report(B, [root_row(B, password_last_used=ago(3)), row(B, "bob")]),
            report(C, [root_row(C, access_key_2_active="true", access_key_2_last_used_date=ago(40))]),
            report(D, [row(D, "carol")]),  # a report without the <root_account> row
            denied("GetCredentialReport", "555555555555"),
        ],
    )
    assert one(results, MGMT).status == PASS and "200 days" in one(results, MGMT).message
    used = one(results, B)
    assert used.status == FAIL and "3 day(s)" in used.message and used.evidence.call_ids
    key = one(results, C)
    assert key.status == FAIL and "access_key_2_last_used_date" in key.message
    assert one(results, D).status == NOT_ASSESSED and "<root_account>" in one(results, D).message
    assert one(results, "555555555555").status == NOT_ASSESSED
    assert one(results, UNREACHABLE).status == NOT_ASSESSED


def test_root_never_used_passes(tmp_path: Path) -> None:
    results = run(tmp_path, iam_root_used_recently, [report(MGMT, [root_row(MGMT)])])
    assert one(results, MGMT).status == PASS and "no use" in one(results, MGMT).message
