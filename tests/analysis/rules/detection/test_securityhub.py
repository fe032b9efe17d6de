"""Security Hub controls on built inventories.

What AWS says the expectations follow:
- Security Hub API reference, DescribeHub: an account and region where Security Hub is not enabled
  answers InvalidAccessException ("Account ... is not subscribed to AWS Security Hub"): an answer,
  recorded as not_subscribed, so FAIL; AccessDenied is no answer, so NOT_ASSESSED.
- GetEnabledStandards: each StandardsSubscription has a StandardsStatus (PENDING, READY, FAILED,
  DELETING, INCOMPLETE); the FSBP and CIS AWS Foundations standards are identified by their
  StandardsArn ("standards/aws-foundational-security-best-practices/v/1.0.0").
"""

from __future__ import annotations

from pathlib import Path

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS
from analysis.rules.detection import detection_securityhub_enabled, detection_securityhub_standards
from tests.analysis.rules.builders import run_control
from tests.analysis.rules.detection.detection_builders import CIS, FSBP, PCI, SECURITY, hub_arn, security_hub

EU, US = "eu-west-1", "us-east-1"
LOGS = "222222222222"


def test_securityhub_enabled_subscribed_not_subscribed_denied(tmp_path: Path) -> None:
    calls = [
        *security_hub(LOGS, EU),
        *security_hub(LOGS, US, outcome="not_subscribed"),
        *security_hub(SECURITY, EU, outcome="access_denied"),
    ]
    results = run_control(tmp_path, detection_securityhub_enabled, calls)
    by = {(r.account_id, r.region): r for r in results}
    on = by[(LOGS, EU)]
    assert on.status == PASS
    assert on.message == "Security Hub is enabled in eu-west-1 (since 2024-03-01T10:00:00.000Z)."
    assert on.resource_arn == hub_arn(LOGS, EU) and on.evidence.call_ids
    off = by[(LOGS, US)]
    assert off.status == FAIL and off.message == "Security Hub is not enabled in us-east-1."
    assert off.evidence.values == {"DescribeHub": "not_subscribed"} and off.evidence.call_ids
    assert off.resource_id == LOGS  # the account is what fails
    denied = by[(SECURITY, EU)]
    assert denied.status == NOT_ASSESSED and "DescribeHub" in denied.message and "denied" in denied.message
    never = by[(SECURITY, US)]
    assert never.status == NOT_ASSESSED and "was not called" in never.message


def test_securityhub_standards(tmp_path: Path) -> None:
    calls = [
        *security_hub(LOGS, EU, standards={FSBP: "READY", PCI: "READY"}),
        *security_hub(LOGS, US, standards={PCI: "READY", CIS: "FAILED"}),
        *security_hub(SECURITY, EU, standards={}),
        *security_hub(SECURITY, US, standards_outcome="access_denied"),
        *security_hub("444444444444", EU, outcome="not_subscribed"),
    ]
    results = run_control(tmp_path, detection_securityhub_standards, calls)
    by = {(r.account_id, r.region): r for r in results}
    # One result per hub: an account without a hub is detection_securityhub_enabled's finding.
    assert set(by) == {(LOGS, EU), (LOGS, US), (SECURITY, EU), (SECURITY, US)}

    fsbp = by[(LOGS, EU)]
    assert fsbp.status == PASS
    assert fsbp.message == "Enabled: aws-foundational-security-best-practices/v/1.0.0."
    assert fsbp.resource_arn == hub_arn(LOGS, EU)
    assert fsbp.evidence.values == {FSBP.format(region=EU): "READY", PCI.format(region=EU): "READY"}

    failed = by[(LOGS, US)]  # CIS subscribed but FAILED, PCI alone is not what the control asks
    assert failed.status == FAIL
    assert (
        failed.message
        == "Security Hub in us-east-1 has neither FSBP nor CIS AWS Foundations enabled and ready."
    )
    assert failed.evidence.values[CIS.format(region=US)] == "FAILED"
    assert by[(SECURITY, EU)].status == FAIL and by[(SECURITY, EU)].evidence.values == {}

    denied = by[(SECURITY, US)]
    assert denied.status == NOT_ASSESSED
    assert "GetEnabledStandards was not answered" in denied.message and "denied" in denied.message
