"""detection_findings_routed_to_responder on built inventories.

What AWS says the expectations follow:
- GuardDuty User Guide, "Creating custom responses to GuardDuty findings with Amazon EventBridge",
  and Security Hub User Guide, "Using EventBridge for automated response": findings arrive as events
  with source aws.guardduty / aws.securityhub; an ENABLED rule whose pattern matches the source
  sends them to its targets (a Lambda function, Step Functions state machine, SNS topic or SQS queue
  is a responder; a log group only stores them). A DISABLED rule sends nothing.
- EventBridge API reference: ListRules lists the rules of one event bus; ListTargetsByRule lists a
  rule's targets. Without either answer the routing is unknown.
"""

from __future__ import annotations

from pathlib import Path

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS, Result
from analysis.rules.detection import detection_findings_routed_to_responder
from tests.analysis.model.builders import FakeCall
from tests.analysis.rules.builders import delegated_org, run_control
from tests.analysis.rules.detection.detection_builders import SECURITY, events, rule_arn

EU, US = "eu-west-1", "us-east-1"
DEV = "444444444444"
SECURITY_ADMIN = {SECURITY: ["guardduty.amazonaws.com", "securityhub.amazonaws.com"]}
LAMBDA = f"arn:aws:lambda:eu-west-1:{SECURITY}:function:isolate-instance"
LOG_GROUP = f"arn:aws:logs:eu-west-1:{SECURITY}:log-group:/aws/events/findings"


def _run(tmp_path: Path, calls: list[FakeCall], name: str = "rules") -> dict[str, Result]:
    results = run_control(
        tmp_path, detection_findings_routed_to_responder, calls, org=delegated_org(SECURITY_ADMIN), name=name
    )
    assert all(r.account_id == "" for r in results)  # organization-wide results, one per source
    return {r.resource_id: r for r in results}


def test_guardduty_routed_securityhub_only_logged(tmp_path: Path) -> None:
    calls = [
        *events(
            SECURITY,
            EU,
            [
                {"name": "gd-findings", "source": "aws.guardduty", "targets": [LAMBDA]},
                {"name": "sh-findings", "source": "aws.securityhub", "targets": [LOG_GROUP]},
                {"name": "sh-old", "source": "aws.securityhub", "targets": [LAMBDA], "state": "DISABLED"},
            ],
        ),
        *events(SECURITY, US),
        # A responder in another account is not the security account's routing.
        *events(DEV, EU, [{"name": "dev-sh", "source": "aws.securityhub", "targets": [LAMBDA]}]),
    ]
    by = _run(tmp_path, calls)
    assert set(by) == {"aws.guardduty", "aws.securityhub"}

    routed = by["aws.guardduty"]
    assert routed.status == PASS
    assert routed.message == f"GuardDuty findings go to {LAMBDA} by rule gd-findings in {SECURITY}/eu-west-1."
    assert routed.resource_arn == "arn:aws:events:::source/aws.guardduty"
    assert routed.evidence.values == {"rules": [rule_arn(SECURITY, EU, "gd-findings")]}
    assert len(routed.evidence.call_ids) == 2  # ListRules page and the rule's targets

    logged = by["aws.securityhub"]
    assert logged.status == FAIL
    assert logged.message == (
        f"No enabled EventBridge rule in {SECURITY} sends Security Hub findings "
        "to a Lambda, Step Functions, SNS or SQS responder."
    )
    assert logged.evidence.values == {"rules seen": [rule_arn(SECURITY, EU, "sh-findings")]}


def test_rule_targets_unknown_is_not_assessed(tmp_path: Path) -> None:
    calls = [
        *events(
            SECURITY,
            EU,
            [{"name": "gd-findings", "source": "aws.guardduty", "targets": [LAMBDA]}],
            targets_outcome="access_denied",
        ),
        *events(SECURITY, US),
    ]
    by = _run(tmp_path, calls)
    unknown = by["aws.guardduty"]
    assert unknown.status == NOT_ASSESSED
    assert "targets of gd-findings" in unknown.message and "denied" in unknown.message
    assert by["aws.securityhub"].status == FAIL  # no rule for it at all, every listing answered


def test_rules_not_listed_is_not_assessed(tmp_path: Path) -> None:
    """The buses were listed but ListRules was denied in one region: the rules there are unknown,
    so no source can FAIL (and none can PASS without a routed rule elsewhere)."""
    calls = [
        *events(SECURITY, EU, rules_outcome="access_denied"),
        *events(SECURITY, US, [{"name": "gd-findings", "source": "aws.guardduty", "targets": [LAMBDA]}]),
    ]
    by = _run(tmp_path, calls)
    assert by["aws.guardduty"].status == PASS  # a routed rule was seen: the unknown region cannot undo it
    unknown = by["aws.securityhub"]
    assert unknown.status == NOT_ASSESSED
    assert "ListRules" in unknown.message and "denied" in unknown.message


def test_event_buses_not_listed_is_not_assessed(tmp_path: Path) -> None:
    calls = [*events(SECURITY, EU, outcome="access_denied"), *events(SECURITY, US)]
    by = _run(tmp_path, calls)
    assert {r.status for r in by.values()} == {NOT_ASSESSED}
    assert (
        "ListEventBuses" in by["aws.guardduty"].message
        and f"{SECURITY}/eu-west-1" in by["aws.guardduty"].message
    )


def test_without_delegated_administrator_any_account_counts_and_says_so(tmp_path: Path) -> None:
    calls = [
        *events(DEV, EU, [{"name": "dev-gd", "source": "aws.guardduty", "targets": [LAMBDA]}]),
    ]
    results = run_control(tmp_path, detection_findings_routed_to_responder, calls)
    by = {r.resource_id: r for r in results}
    assert by["aws.guardduty"].status == PASS
    assert "no delegated administrator: the rule's account is taken as the security account" in (
        by["aws.guardduty"].message
    )
    # Other accounts' regions were never listed: Security Hub's routing is unknown, not absent.
    assert by["aws.securityhub"].status == NOT_ASSESSED
