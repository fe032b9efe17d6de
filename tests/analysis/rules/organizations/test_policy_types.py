"""RCP, tag and backup policy controls on built organizations.

What AWS says the expectations follow:
- Organizations API reference, DescribeOrganization: "The AvailablePolicyTypes part of the response
  is deprecated ... It doesn't include any policy type supported by Organizations other than SCPs."
  So a type missing there is not evidence that it is disabled: an absent policy is judged from
  ListPolicies (filtered on the type) and ListTargetsForPolicy, and NOT_ASSESSED when those were not
  answered.
- Organizations User Guide, "Resource control policies", "Tag policies", "Backup policies": a policy
  does something only once attached to the root, an OU or an account.
"""

from __future__ import annotations

from pathlib import Path

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS
from analysis.rules.organizations import (
    organizations_backup_policies_in_use,
    organizations_rcps_in_use,
    organizations_tag_policies_in_use,
)
from tests.analysis.model.builders import Policy
from tests.analysis.rules.builders import run_control
from tests.analysis.rules.organizations.org_builders import FULL_ACCESS, PROD_OU, ROOT, deny, tree_org

SCP_ONLY = ("SERVICE_CONTROL_POLICY",)  # what DescribeOrganization reports in a real organization


def test_no_rcp_fails_and_says_the_type_is_off_on_the_root(tmp_path: Path) -> None:
    """ListRoots reports each root's PolicyTypes (only SCPs enabled here): the type is off, a fact."""
    org = tree_org((FULL_ACCESS,), reported_types=SCP_ONLY)
    [result] = run_control(tmp_path, organizations_rcps_in_use, [], org=org)
    assert result.status == FAIL and result.account_id == ""
    assert result.message == (
        "The resource control policy type is not enabled on the organization's root (ListRoots), "
        "so no resource control policy can apply."
    )
    assert result.evidence.values == {"policy type": "not enabled (ListRoots)", "attached": {}}
    assert result.resource_id == "o-ab12cd34ef" and result.evidence.call_ids


def test_no_rcp_with_the_roots_unlisted_fails_without_claiming_the_type_is_off(tmp_path: Path) -> None:
    org = tree_org((FULL_ACCESS,), reported_types=SCP_ONLY, deny_calls=frozenset({("ListRoots", "")}))
    [result] = run_control(tmp_path, organizations_rcps_in_use, [], org=org)
    assert result.status == FAIL  # ListPolicies answered: no RCP exists, whatever the roots say
    assert (
        result.message
        == "No customer-managed resource control policy is attached anywhere in the organization."
    )
    assert result.evidence.values["policy type"] == "not reported enabled"


def test_rcp_listing_denied_is_not_assessed(tmp_path: Path) -> None:
    """DescribeOrganization never lists RCPs: with ListPolicies denied nothing says there is none."""
    org = tree_org(
        (FULL_ACCESS,),
        reported_types=SCP_ONLY,
        deny_calls=frozenset({("ListPolicies", "RESOURCE_CONTROL_POLICY")}),
    )
    [result] = run_control(tmp_path, organizations_rcps_in_use, [], org=org)
    assert result.status == NOT_ASSESSED
    assert "ListPolicies (RESOURCE_CONTROL_POLICY) was not answered" in result.message
    assert "denied" in result.message


def test_tag_policy_enabled_but_not_attached_fails(tmp_path: Path) -> None:
    detached = Policy(
        id="p-tagcost0001",
        name="CostCenterTags",
        type="TAG_POLICY",
        targets=(),
        content={"tags": {"costcenter": {"tag_key": {"@@assign": "CostCenter"}}}},
    )
    org = tree_org((FULL_ACCESS, detached))  # DescribeOrganization reports TAG_POLICY ENABLED here
    [result] = run_control(tmp_path, organizations_tag_policies_in_use, [], org=org)
    assert result.status == FAIL
    assert result.message == (
        "The tag policy type is enabled but no customer-managed tag policy is attached. Not attached: CostCenterTags."
    )
    assert result.evidence.values["policy type"] == "ENABLED"


def test_tag_policy_targets_unknown_is_not_assessed(tmp_path: Path) -> None:
    tags = Policy(
        id="p-tagcost0001", name="CostCenterTags", type="TAG_POLICY", targets=(PROD_OU,), content={}
    )
    org = tree_org((FULL_ACCESS, tags), deny_calls=frozenset({("ListTargetsForPolicy", "p-tagcost0001")}))
    [result] = run_control(tmp_path, organizations_tag_policies_in_use, [], org=org)
    assert (
        result.status == NOT_ASSESSED and "the targets of CostCenterTags were not collected" in result.message
    )


def test_backup_policy_attached_passes(tmp_path: Path) -> None:
    backup = Policy(
        id="p-backup00001",
        name="DailyBackups",
        type="BACKUP_POLICY",
        targets=(PROD_OU,),
        content={"plans": {"daily": {"regions": {"@@assign": ["eu-west-1"]}}}},
    )
    rcp = Policy(
        id="p-rcptls00001",
        name="EnforceTLS",
        type="RESOURCE_CONTROL_POLICY",
        targets=(ROOT,),
        content=deny("s3:*", condition={"Bool": {"aws:SecureTransport": "false"}}),
    )
    org = tree_org((FULL_ACCESS, backup, rcp), reported_types=SCP_ONLY)
    [result] = run_control(tmp_path, organizations_backup_policies_in_use, [], org=org)
    assert result.status == PASS
    assert result.message == "1 backup policy(ies) attached: DailyBackups."
    assert result.evidence.values["attached"] == {"DailyBackups": [PROD_OU]}
    # An attached policy is its own proof that the type is in use, whatever DescribeOrganization says.
    [rcps] = run_control(tmp_path, organizations_rcps_in_use, [], org=org, name="rcp")
    assert rcps.status == PASS and rcps.message == "1 resource control policy(ies) attached: EnforceTLS."
