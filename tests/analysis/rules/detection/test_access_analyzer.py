"""IAM Access Analyzer controls on built inventories.

What AWS says the expectations follow:
- IAM User Guide, "Using AWS Identity and Access Management Access Analyzer": an external access
  analyzer's zone of trust is the account (type ACCOUNT) or the organization (type ORGANIZATION);
  an organization analyzer is created in the management account or the delegated administrator.
  The unused access analyzers (ACCOUNT_UNUSED_ACCESS, ORGANIZATION_UNUSED_ACCESS) report unused
  permissions, not external access.
- ListFindings with the filter status = ACTIVE lists the findings nobody archived or resolved;
  AnalyzerSummary.status is ACTIVE, CREATING, DISABLED or FAILED (statusReason.code says why).
"""

from __future__ import annotations

from pathlib import Path

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS
from analysis.rules.detection import (
    detection_access_analyzer_findings,
    detection_access_analyzer_organization,
)
from tests.analysis.rules.builders import delegated_org, run_control
from tests.analysis.rules.detection.detection_builders import SECURITY, analyzer_arn, analyzers, findings

EU, US = "eu-west-1", "us-east-1"
LOGS = "222222222222"
ANALYZER_ADMIN = {SECURITY: ["access-analyzer.amazonaws.com"]}


def test_active_findings_pass_fail_not_assessed(tmp_path: Path) -> None:
    calls = [
        analyzers(
            LOGS,
            EU,
            [
                {"name": "exposed", "type": "ACCOUNT"},
                {"name": "clean", "type": "ACCOUNT"},
                {"name": "unused", "type": "ACCOUNT_UNUSED_ACCESS"},
            ],
        ),
        findings(LOGS, EU, "exposed", ["AWS::S3::Bucket", "AWS::IAM::Role", "AWS::S3::Bucket"]),
        findings(LOGS, EU, "clean", []),
        analyzers(SECURITY, EU, [{"name": "org", "type": "ORGANIZATION"}]),
        findings(SECURITY, EU, "org", [], outcome="access_denied"),
        analyzers(SECURITY, US, [{"name": "never-listed", "type": "ACCOUNT"}]),  # ListFindings not called
    ]
    results = run_control(tmp_path, detection_access_analyzer_findings, calls)
    by = {r.resource_id: r for r in results}
    assert set(by) == {"exposed", "clean", "org", "never-listed"}  # unused-access analyzers are not judged

    exposed = by["exposed"]
    assert exposed.status == FAIL
    assert exposed.message == (
        "Analyzer exposed has 3 active external access finding(s) (AWS::IAM::Role: 1, AWS::S3::Bucket: 2)."
    )
    assert exposed.resource_arn == analyzer_arn(LOGS, EU, "exposed")
    assert exposed.evidence.values == {"AWS::S3::Bucket": 2, "AWS::IAM::Role": 1}
    assert len(exposed.evidence.call_ids) == 2  # the listing and the findings page

    clean = by["clean"]
    assert clean.status == PASS and clean.message == "Analyzer clean has no active finding."

    denied = by["org"]
    assert denied.status == NOT_ASSESSED
    assert "the findings were not collected" in denied.message and "denied" in denied.message
    never = by["never-listed"]
    assert never.status == NOT_ASSESSED and "ListFindings was not called" in never.message


def test_organization_analyzer_active_passes(tmp_path: Path) -> None:
    calls = [
        analyzers(SECURITY, EU, [{"name": "org-external", "type": "ORGANIZATION"}]),
        analyzers(SECURITY, US, [{"name": "acct", "type": "ACCOUNT"}]),
    ]
    results = run_control(
        tmp_path, detection_access_analyzer_organization, calls, org=delegated_org(ANALYZER_ADMIN)
    )
    [ok] = results
    assert ok.status == PASS and ok.account_id == ""
    assert ok.message == f"Organization analyzer org-external is active in {SECURITY}/eu-west-1."
    assert ok.evidence.values == {"analyzers": [analyzer_arn(SECURITY, EU, "org-external")]}
    assert ok.resource_id == "o-ab12cd34ef" and ok.evidence.call_ids


def test_organization_analyzer_missing_or_failed_fails(tmp_path: Path) -> None:
    only_account = [
        analyzers(SECURITY, EU, [{"name": "acct", "type": "ACCOUNT"}]),
        analyzers(SECURITY, US, []),
        analyzers(LOGS, EU, [{"name": "elsewhere", "type": "ACCOUNT"}]),
    ]
    [none] = run_control(
        tmp_path,
        detection_access_analyzer_organization,
        only_account,
        org=delegated_org(ANALYZER_ADMIN),
        name="none",
    )
    assert none.status == FAIL
    assert none.message == f"No analyzer with the organization as zone of trust in {SECURITY}."
    assert len(none.evidence.call_ids) == 2  # the administrator's two listings
    failed = [
        analyzers(SECURITY, EU, [{"name": "org-external", "type": "ORGANIZATION", "status": "FAILED", "reason": "SERVICE_LINKED_ROLE_CREATION_FAILED"}]),
        analyzers(SECURITY, US, []),
    ]  # fmt: skip
    [broken] = run_control(
        tmp_path,
        detection_access_analyzer_organization,
        failed,
        org=delegated_org(ANALYZER_ADMIN),
        name="failed",
    )
    assert broken.status == FAIL
    assert (
        broken.message
        == "Organization analyzer org-external is FAILED (SERVICE_LINKED_ROLE_CREATION_FAILED)."
    )


def test_organization_analyzer_unknown_where_it_would_live(tmp_path: Path) -> None:
    # No delegated administrator: the management account is where an organization analyzer lives.
    calls = [
        analyzers("111111111111", EU, []),
        analyzers("111111111111", US, [], outcome="access_denied"),
        analyzers(LOGS, EU, [{"name": "acct", "type": "ACCOUNT"}]),
    ]
    [unknown] = run_control(tmp_path, detection_access_analyzer_organization, calls)
    assert unknown.status == NOT_ASSESSED
    assert "analyzers could not be listed where an organization analyzer would live" in unknown.message
    assert "111111111111/us-east-1" in unknown.message and "denied" in unknown.message
