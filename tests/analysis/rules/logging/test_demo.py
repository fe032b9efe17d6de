"""The demo organization's logging weaknesses (docs/demo.md, "Logging, monitoring and detection")
are found, and its good examples pass."""

from __future__ import annotations

import importlib
from typing import Any

from analysis.rules.assessment import assess
from analysis.rules.base import ERROR, FAIL, PASS
from analysis.rules.logging import CONTROL_MODULES


def test_demo_logging_findings(demo_inventory: Any) -> None:
    modules = [importlib.import_module(f"analysis.rules.logging.{name}") for name in CONTROL_MODULES]
    assessment = assess(demo_inventory, modules=modules)
    assert not [r for r in assessment.results if r.status == ERROR]
    assert {m.CONTROL.id for m in modules} == {r.control_id for r in assessment.results}, (
        "every control answers"
    )
    name = demo_inventory.account_name

    def statuses(control_id: str, **where: str) -> set[tuple[str, str]]:
        return {
            (r.status, r.resource_id)
            for r in assessment.by_control(control_id)
            if all(
                getattr(r, k) == v or (k == "account" and name(r.account_id) == v) for k, v in where.items()
            )
        }

    # payments-dev-trail: single-region, no validation, no KMS, never started.
    assert (FAIL, "payments-dev-trail") in statuses("cloudtrail_trail_logging")
    assert (FAIL, "payments-dev-trail") in statuses("cloudtrail_log_file_validation")
    assert (FAIL, "payments-dev-trail") in statuses("cloudtrail_kms_encryption")
    assert (PASS, "org-trail") in statuses("cloudtrail_kms_encryption")
    # The organization trail covers every account.
    assert {s for s, _ in statuses("cloudtrail_multi_region_trail")} == {PASS}
    assert {s for s, _ in statuses("cloudtrail_organization_trail")} == {PASS}
    # Config: eu-west-1 has no recorder outside the management account; web-prod records two types.
    eu = [r for r in assessment.by_control("config_recorder_enabled") if r.region == "eu-west-1"]
    assert {name(r.account_id) for r in eu if r.status == FAIL} >= {
        "log-archive",
        "security-tooling",
        "web-prod",
    }
    assert {name(r.account_id) for r in eu if r.status == PASS} == {"master"}
    [partial] = [r for r in assessment.by_control("config_records_all_resources") if r.status == FAIL]
    assert name(partial.account_id) == "web-prod"
    assert {s for s, _ in statuses("config_organization_aggregator")} == {PASS}
    # CIS alarms: root use and unauthorized calls alarm; sign-in without MFA has a filter, no alarm.
    master = demo_inventory.organization.management_account_id

    def status_of(control_id: str) -> str:
        [r] = [r for r in assessment.by_control(control_id) if r.account_id == master]
        return r.status

    assert status_of("cloudwatch_alarm_root_usage") == PASS
    assert status_of("cloudwatch_alarm_unauthorized_api_calls") == PASS
    no_mfa = [
        r
        for r in assessment.by_control("cloudwatch_alarm_console_signin_without_mfa")
        if r.account_id == master
    ]
    assert no_mfa[0].status == FAIL and "no alarm watches it" in no_mfa[0].message
    assert status_of("cloudwatch_alarm_iam_policy_changes") == FAIL
