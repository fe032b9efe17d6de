"""Organization structure controls on built organizations: feature set, accounts under the root,
delegated administrators of the security services, workloads in the management account.

What AWS says the expectations follow:
- Organizations API reference, Organization.FeatureSet: ALL or CONSOLIDATED_BILLING; only ALL
  offers SCPs, RCPs and delegated administrators.
- Organizations User Guide, "Best practices for the management account": no workloads in it; and
  ListAccountsForParent on the root lists the accounts outside every OU.
- ListDelegatedAdministrators / ListDelegatedServicesForAccount: the services delegated to each
  member; a service "delegated" to the management account is not delegated at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS
from analysis.rules.organizations import (
    organizations_accounts_outside_ou,
    organizations_all_features_enabled,
    organizations_management_account_no_workloads,
    organizations_security_delegated_admin,
)
from tests.analysis.model.builders import MGMT, FakeCall
from tests.analysis.rules.builders import delegated_org, run_control
from tests.analysis.rules.organizations.org_builders import DEV_OU, FULL_ACCESS, ROOT, tree_org

EU, US = "eu-west-1", "us-east-1"
SECURITY = "333333333333"


def test_consolidated_billing_fails_all_features(tmp_path: Path) -> None:
    billing = tree_org((), feature_set="CONSOLIDATED_BILLING", reported_types=())
    [result] = run_control(tmp_path, organizations_all_features_enabled, [], org=billing)
    assert result.status == FAIL and result.account_id == ""
    assert result.message.startswith("The organization's feature set is CONSOLIDATED_BILLING")
    assert result.evidence.values == {"FeatureSet": "CONSOLIDATED_BILLING"} and result.evidence.call_ids


def test_account_under_the_root_fails_and_unknown_parent_is_not_assessed(tmp_path: Path) -> None:
    org = tree_org(
        (FULL_ACCESS,),
        root_accounts=(("888888888888", "stray-sandbox"),),
        deny_calls=frozenset({("ListAccountsForParent", DEV_OU)}),
    )
    results = run_control(tmp_path, organizations_accounts_outside_ou, [], org=org)
    by = {r.account_id: r for r in results}
    assert MGMT not in by  # the management account sits at the root by design
    stray = by["888888888888"]
    assert stray.status == FAIL
    assert stray.message == (
        f"Account stray-sandbox sits directly under the root ({ROOT}): no OU guardrail applies to it."
    )
    assert stray.evidence.values == {"parent": ROOT}
    # development's account listing was denied: where 444444444444 sits is unknown, not "fine".
    dev = by["444444444444"]
    assert dev.status == NOT_ASSESSED and "parent" in dev.message
    placed = by["555555555555"]
    assert (
        placed.status == PASS and placed.message == "Account payments-prod is in OU Prod (ou-ab12-prod0001)."
    )


def _delegated(tmp_path: Path, org: list[FakeCall], name: str) -> dict[str, Any]:
    results = run_control(tmp_path, organizations_security_delegated_admin, [], org=org, name=name)
    return {r.resource_id: r for r in results}


def test_security_services_delegated(tmp_path: Path) -> None:
    org = delegated_org(
        {
            SECURITY: [
                "guardduty.amazonaws.com",
                "securityhub.amazonaws.com",
                "access-analyzer.amazonaws.com",
            ],
            MGMT: ["config.amazonaws.com"],
        }
    )
    by = _delegated(tmp_path, org, "delegated")
    assert {p: r.status for p, r in by.items()} == {
        "guardduty.amazonaws.com": PASS,
        "securityhub.amazonaws.com": PASS,
        "access-analyzer.amazonaws.com": PASS,
        "config.amazonaws.com": FAIL,  # registered to the management account: not delegated
        "cloudtrail.amazonaws.com": FAIL,
    }
    gd = by["guardduty.amazonaws.com"]
    assert gd.message == f"GuardDuty is delegated to account-333 ({SECURITY})."
    assert gd.evidence.values == {"delegated administrator": SECURITY}
    assert gd.resource_arn.endswith("/service/guardduty.amazonaws.com")
    config = by["config.amazonaws.com"]
    assert config.message.startswith("No delegated administrator is registered for AWS Config")
    assert config.evidence.values["delegated administrators"][MGMT] == ["config.amazonaws.com"]


def test_delegated_services_unknown_is_not_assessed(tmp_path: Path) -> None:
    calls = delegated_org({SECURITY: ["guardduty.amazonaws.com"]})
    denied = [
        FakeCall(
            operation=c.operation,
            params=c.params,
            outcome="access_denied",
            error_code="AccessDeniedException",
        )
        if c.operation == "ListDelegatedServicesForAccount"
        else c
        for c in calls
    ]
    by = _delegated(tmp_path, denied, "unknown")
    assert {r.status for r in by.values()} == {NOT_ASSESSED}
    assert f"the services of {SECURITY} were not collected" in by["guardduty.amazonaws.com"].message


def _listings(region: str, *, instances: list[dict[str, Any]] | None = None) -> list[FakeCall]:
    def listing(service: str, operation: str, body: dict[str, Any]) -> FakeCall:
        return FakeCall(service=service, operation=operation, account_id=MGMT, region=region, pages=[body])

    return [
        listing("ec2", "DescribeInstances", {"Reservations": [{"Instances": instances or []}]}),
        listing("lambda", "ListFunctions", {"Functions": []}),
        listing("rds", "DescribeDBInstances", {"DBInstances": []}),
    ]


def test_management_account_without_workloads_passes(tmp_path: Path) -> None:
    terminated = {
        "InstanceId": "i-0old",
        "State": {"Name": "terminated"},
        "VpcId": "vpc-1",
        "SubnetId": "subnet-1",
    }
    calls = [*_listings(EU, instances=[terminated]), *_listings(US)]
    results = run_control(tmp_path, organizations_management_account_no_workloads, calls)
    by = {r.region: r for r in results}
    assert set(by) == {EU, US} and {r.account_id for r in results} == {MGMT}
    eu = by[EU]
    assert eu.status == PASS  # a terminated instance is not a workload
    assert (
        eu.message
        == "No EC2 instance, Lambda function or RDS instance in the management account in eu-west-1."
    )
    assert len(eu.evidence.call_ids) == 3  # the three listings that were answered
    assert by[US].status == PASS
