"""The SCP guardrail controls on built organizations: PASS where every action is denied on each
member account's path, FAIL where one is not.

What AWS says the expectations follow (AWS Organizations User Guide):
- "SCP evaluation": an action is allowed only if an SCP allows it at every level from the root to
  the account, and denied if any SCP on that path denies it; "SCPs don't affect the management
  account", so it is not judged.
- "Example SCPs": deny organizations:LeaveOrganization, and protect CloudTrail, AWS Config and
  GuardDuty from being stopped or deleted, optionally exempting a privileged role with a condition
  on aws:PrincipalArn (an exemption the auditor must review).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from analysis.rules.base import FAIL, PASS
from analysis.rules.organizations import (
    organizations_scp_denies_leave_organization,
    organizations_scp_protects_cloudtrail,
    organizations_scp_protects_config,
    organizations_scp_protects_guardduty,
    organizations_scps_in_use,
)
from tests.analysis.model.builders import MGMT, Policy
from tests.analysis.rules.builders import run_control
from tests.analysis.rules.organizations.org_builders import FULL_ACCESS, ROOT, SECURITY_OU, deny, tree_org

MEMBERS = {"222222222222", "333333333333", "444444444444", "555555555555", "666666666666", "777777777777"}
SECURITY_MEMBERS = {"222222222222", "333333333333"}
EXEMPT = {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/OrganizationAccountAccessRole"}}
BASELINE = Policy(
    id="p-baseline001",
    name="SecurityBaseline",
    targets=(ROOT,),
    content={
        "Version": "2012-10-17",
        "Statement": [
            deny(
                "cloudtrail:StopLogging",
                "cloudtrail:DeleteTrail",
                "cloudtrail:UpdateTrail",
                "cloudtrail:PutEventSelectors",
                sid="ProtectCloudTrail",
            )["Statement"][0],
            deny("config:Stop*", "config:Delete*", sid="ProtectConfig")["Statement"][0],
            deny("guardduty:*", condition=EXEMPT, sid="ProtectGuardDuty")["Statement"][0],
        ],
    },
)


def _by_account(
    tmp_path: Path, module: Any, policies: tuple[Policy, ...], name: str = "org"
) -> dict[str, Any]:
    results = run_control(tmp_path, module, [], org=tree_org(policies), name=name)
    by = {r.account_id: r for r in results}
    assert set(by) == MEMBERS  # one result per member; the management account is not judged
    assert MGMT not in by
    return by


def test_root_baseline_protects_cloudtrail_config_and_guardduty(tmp_path: Path) -> None:
    policies = (FULL_ACCESS, BASELINE)
    trail = _by_account(tmp_path, organizations_scp_protects_cloudtrail, policies, "trail")
    assert {r.status for r in trail.values()} == {PASS}
    one = trail["555555555555"]
    assert one.message == (
        "SCPs deny CloudTrail logging (cloudtrail:StopLogging, cloudtrail:DeleteTrail, cloudtrail:UpdateTrail, "
        "cloudtrail:PutEventSelectors) to member principals of this account."
    )
    assert any("SecurityBaseline" in s for s in one.evidence.statements), one.evidence.statements
    assert one.evidence.values["ou_path"] and one.evidence.call_ids

    config = _by_account(tmp_path, organizations_scp_protects_config, policies, "config")
    assert {r.status for r in config.values()} == {PASS}  # config:Stop* / config:Delete* cover the three
    assert "AWS Config recording" in config["444444444444"].message

    guardduty = _by_account(tmp_path, organizations_scp_protects_guardduty, policies, "guardduty")
    assert {r.status for r in guardduty.values()} == {PASS}
    exempt = guardduty["666666666666"]
    # The deny does not apply to OrganizationAccountAccessRole: PASS, and the message says whom it spares.
    assert "Exemptions to review" in exempt.message and "OrganizationAccountAccessRole" in exempt.message
    assert exempt.evidence.values["exemptions"]


def test_leave_organization_denied_on_one_ou_only_fails_the_others(tmp_path: Path) -> None:
    on_security = Policy(
        id="p-denyleave01",
        name="DenyLeaveOrganization",
        targets=(SECURITY_OU,),
        content=deny("organizations:LeaveOrganization"),
    )
    by = _by_account(tmp_path, organizations_scp_denies_leave_organization, (FULL_ACCESS, on_security))
    assert {a for a, r in by.items() if r.status == PASS} == SECURITY_MEMBERS
    assert {a for a, r in by.items() if r.status == FAIL} == MEMBERS - SECURITY_MEMBERS
    dev = by["444444444444"]
    assert dev.message.startswith("No SCP on this account's path denies organizations:LeaveOrganization")
    assert dev.message.endswith("membership of the organization is not protected.")
    assert dev.evidence.values["actions"] == ["organizations:LeaveOrganization"]
    assert dev.evidence.values["ou_path"]  # root > Workloads > development, as the auditor follows it
    assert any("DenyLeaveOrganization" in s for s in by["222222222222"].evidence.statements)


def test_no_customer_managed_scp_fails(tmp_path: Path) -> None:
    [only_full] = run_control(
        tmp_path, organizations_scps_in_use, [], org=tree_org((FULL_ACCESS,)), name="full"
    )
    assert only_full.status == FAIL and only_full.account_id == ""
    assert only_full.message.startswith("SCPs are enabled but no customer-managed SCP is attached")
    assert only_full.evidence.values["custom SCPs attached"] == {}
    assert only_full.resource_id == "o-ab12cd34ef"
    billing = tree_org((), feature_set="CONSOLIDATED_BILLING", reported_types=())
    [off] = run_control(tmp_path, organizations_scps_in_use, [], org=billing, name="billing")
    assert off.status == FAIL and off.message == "The SCP policy type is not enabled at the root."
    assert off.evidence.values["SCP policy type"] == "not enabled"
