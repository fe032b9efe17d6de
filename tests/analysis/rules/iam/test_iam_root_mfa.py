"""iam_root_mfa: GetAccountSummary's AccountMFAEnabled (IAM User Guide, "Enable a virtual MFA device
for your AWS account root user"; GetAccountSummary reference: AccountMFAEnabled is 1 when the root
user has an MFA device)."""

from __future__ import annotations

from pathlib import Path

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS
from analysis.rules.iam import iam_root_mfa
from tests.analysis.model.builders import FakeCall
from tests.analysis.rules.builders import UNREACHABLE, by_account, run_control


def _summary(account_id: str, mfa: int) -> FakeCall:
    return FakeCall(
        service="iam",
        operation="GetAccountSummary",
        account_id=account_id,
        pages=[{"SummaryMap": {"AccountMFAEnabled": mfa, "AccountAccessKeysPresent": 0, "Users": 1}}],
    )


def test_pass_fail_and_not_assessed(tmp_path: Path) -> None:
    denied = FakeCall(
        service="iam",
        operation="GetAccountSummary",
        account_id="333333333333",
        outcome="access_denied",
        error_code="AccessDenied",
        error_message="not authorized to perform iam:GetAccountSummary",
    )
    results = by_account(
        run_control(
            tmp_path, iam_root_mfa, [_summary("111111111111", 1), _summary("222222222222", 0), denied]
        )
    )
    assert [r.status for r in results["111111111111"]] == [PASS]
    [fail] = results["222222222222"]
    assert fail.status == FAIL and fail.evidence.call_ids and fail.evidence.values["AccountMFAEnabled"] == 0
    [denied_result] = results["333333333333"]
    assert denied_result.status == NOT_ASSESSED and "was denied (AccessDenied" in denied_result.message
    [unreachable] = results[UNREACHABLE]
    assert unreachable.status == NOT_ASSESSED and "could not be collected" in unreachable.message
    [never_called] = results["444444444444"]
    assert never_called.status == NOT_ASSESSED and "not called" in never_called.message
