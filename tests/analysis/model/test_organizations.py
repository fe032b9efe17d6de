"""The Organizations normalizer on small fixtures: exact tree, targets, inheritance, partial and odd data."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.model.organizations import (
    COLLECTED,
    CONTENT_MALFORMED,
    CONTENT_PARSED,
    CONTENT_UNKNOWN,
    DENIED,
    MISSING,
    NOT_AN_ORGANIZATION,
    OrganizationModel,
    build_organization,
)
from snapshot import Snapshot
from tests.analysis.model.builders import FakeCall, fixture_snapshot, realistic_snapshot, write_snapshot

SCP = "SERVICE_CONTROL_POLICY"


def model_of(tmp_path: Path, name: str) -> OrganizationModel:
    with Snapshot.open(fixture_snapshot(tmp_path, name)) as snap:
        return build_organization(snap)


@pytest.fixture
def small(tmp_path: Path) -> OrganizationModel:
    return model_of(tmp_path, "org_small")


def test_organization_facts(small: OrganizationModel) -> None:
    assert small.collection.state == COLLECTED
    assert small.organization_id == "o-small12345"
    assert small.arn == "arn:aws:organizations::111111111111:organization/o-small12345"
    assert small.management_account_id == "111111111111"
    assert small.feature_set == "ALL"
    assert small.available_policy_types == (("SERVICE_CONTROL_POLICY", "ENABLED"),)
    assert small.gaps == ()
    # Every Organizations call of the fixture is cited.
    assert small.collection.call_ids == tuple(range(1, 30))


def test_exact_tree_across_pages(small: OrganizationModel) -> None:
    (root,) = small.roots
    assert (root.id, root.kind, root.parent_id) == ("r-sm01", "root", None)
    # ListRoots' per-root PolicyTypes (the authoritative answer; DescribeOrganization's is deprecated).
    assert root.policy_types == (("SERVICE_CONTROL_POLICY", "ENABLED"),)
    assert all(small.units[o].policy_types is None for o in small.ous)
    # The second OU came on a second page of the listing.
    assert root.child_ou_ids == ("ou-sm01-security", "ou-sm01-workload")
    assert root.account_ids == ("111111111111",)
    assert small.units["ou-sm01-workload"].child_ids == ("ou-sm01-prod0001", "444444444444")
    assert small.units["ou-sm01-prod0001"].parent_id == "ou-sm01-workload"
    assert small.units["ou-sm01-prod0001"].name == "Prod"
    assert sorted(small.ous) == ["ou-sm01-prod0001", "ou-sm01-security", "ou-sm01-workload"]
    assert {a.id: a.parent_id for a in small.accounts.values()} == {
        "111111111111": "r-sm01",
        "222222222222": "ou-sm01-security",
        "333333333333": "ou-sm01-prod0001",
        "444444444444": "ou-sm01-workload",
    }
    assert small.unplaced_accounts == []


def test_account_facts(small: OrganizationModel) -> None:
    prod = small.accounts["333333333333"]
    assert prod.name == "prod-app"
    assert prod.email == "prod@example.com"
    assert prod.status == "SUSPENDED"
    assert prod.joined_method == "CREATED"
    assert prod.joined_timestamp == "2022-03-04T05:06:07+00:00"
    assert prod.arn.endswith("/333333333333")
    assert len(prod.call_ids) == 2  # ListAccounts and ListAccountsForParent(Prod)


def test_policies_and_targets(small: OrganizationModel) -> None:
    assert sorted(small.policies) == [
        "p-FullAWSAccess",
        "p-denyleave",
        "p-prodguard",
        "p-rcp00001",
        "p-tag00001",
    ]
    full = small.policies["p-FullAWSAccess"]
    assert full.aws_managed is True
    assert full.type == SCP
    assert full.content == {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    }
    assert full.content_state == CONTENT_PARSED
    # Targets span two pages.
    assert len(full.target_ids) == 8
    assert full.targets_known
    assert small.policies["p-prodguard"].target_ids == ("ou-sm01-prod0001",)
    assert small.policies["p-rcp00001"].type_label == "RCP"
    assert small.policies["p-tag00001"].content == {
        "tags": {"costcenter": {"tag_key": {"@@assign": "CostCenter"}}}
    }
    assert [p.id for p in small.attached_policies("r-sm01")] == [
        "p-FullAWSAccess",
        "p-denyleave",
        "p-tag00001",
    ]
    assert [p.id for p in small.attached_policies("r-sm01", SCP)] == ["p-FullAWSAccess", "p-denyleave"]


def test_path_and_inheritance(small: OrganizationModel) -> None:
    assert [u.id for u in small.path_to("333333333333")] == ["r-sm01", "ou-sm01-workload", "ou-sm01-prod0001"]
    assert small.path_to("r-sm01") == []
    inherited = small.inherited_policies("333333333333", SCP)
    assert [(p.id, node.id) for p, node in inherited] == [
        ("p-FullAWSAccess", "r-sm01"),
        ("p-denyleave", "r-sm01"),
        ("p-FullAWSAccess", "ou-sm01-workload"),
        ("p-FullAWSAccess", "ou-sm01-prod0001"),
        ("p-prodguard", "ou-sm01-prod0001"),
    ]
    # The RCP on Workloads reaches the account through it; the tag policy through the root.
    assert [
        (x.policy.id, x.node.id) for x in small.inherited_policies("333333333333", "RESOURCE_CONTROL_POLICY")
    ] == [("p-rcp00001", "ou-sm01-workload")]
    # An OU's inheritance stops at its parent: nothing from itself.
    assert [x.policy.id for x in small.inherited_policies("ou-sm01-prod0001", SCP)] == [
        "p-FullAWSAccess",
        "p-denyleave",
        "p-FullAWSAccess",
    ]
    effective = small.effective_policies("333333333333", SCP)
    assert [(x.policy.id, x.node.id) for x in effective][-1] == ("p-FullAWSAccess", "333333333333")
    assert len(effective) == 6
    # The Security OU does not inherit Prod's guardrail.
    assert "p-prodguard" not in {x.policy.id for x in small.effective_policies("222222222222")}


def test_delegation_and_service_access(small: OrganizationModel) -> None:
    admin = small.delegated_admins["222222222222"]
    assert admin.services == ("guardduty.amazonaws.com", "securityhub.amazonaws.com")
    assert admin.services_known
    assert small.service_access == (("guardduty.amazonaws.com", "2024-01-01T00:00:00Z"),)
    assert small.service_access_known


def test_unknown_node_is_a_clear_error(small: OrganizationModel) -> None:
    with pytest.raises(KeyError, match="neither a root, an OU nor an account"):
        small.path_to("ou-nope")


def test_partial_collection_says_what_is_missing(tmp_path: Path) -> None:
    m = model_of(tmp_path, "org_partial")
    assert m.collection.state == COLLECTED
    apps = m.units["ou-pt01-apps0001"]
    assert apps.children_known is False
    assert apps.account_ids == ()
    # Denied ListAccountsForParent: the accounts exist but their parent is unknown, not "the root".
    assert {a.id for a in m.unplaced_accounts} == {"222222222222", "333333333333"}
    assert m.path_to("222222222222") == []
    assert m.inherited_policies("222222222222") == []
    notes = m.notes_for("222222222222")
    assert any("does not record this account's parent" in n for n in notes)
    assert any("HiddenTargets" in n for n in notes)
    assert any("accounts directly in it unknown" in n for n in m.notes_for("ou-pt01-apps0001"))
    # Missing DescribePolicy: content unknown, never invented; its targets are still known.
    apps_guard = m.policies["p-appsscp1"]
    assert apps_guard.content_state == CONTENT_UNKNOWN
    assert apps_guard.content is None and apps_guard.content_raw is None
    assert "DescribePolicy not collected" in apps_guard.content_note
    assert apps_guard.target_ids == ("ou-pt01-apps0001",)
    hidden = m.policies["p-hidden01"]
    assert hidden.targets_known is False and hidden.target_ids == ()
    assert m.service_access_known is False
    assert m.delegated_admins == {}
    gaps = "\n".join(m.gaps)
    for expected in (
        "2 account(s) without a known parent (222222222222, 333333333333)",
        "RCP policies: ListPolicies denied",
        "Backup policies: ListPolicies not collected",
        "policy AppsGuard (p-appsscp1): content unknown",
        "targets of policy HiddenTargets (p-hidden01) unknown",
        "delegated administrators: ListDelegatedAdministrators denied",
        "trusted service access: ListAWSServiceAccessForOrganization error (ServiceException: internal error)",
        "child OUs of ou-pt01-apps0001: ListOrganizationalUnitsForParent denied",
    ):
        assert expected in gaps


def test_malformed_pages(tmp_path: Path) -> None:
    m = model_of(tmp_path, "org_malformed")
    assert m.collection.state == COLLECTED
    assert m.organization_id == "o-odd12345"
    assert m.feature_set == "" and m.management_account_id == ""
    assert m.root_ids == ("r-od01",)
    assert m.units["r-od01"].name == "Root"  # AWS names every root "Root"
    assert m.units["r-od01"].child_ou_ids == ("ou-od01-nameless",)
    assert m.units["ou-od01-nameless"].name == ""
    assert m.accounts["666666666666"].name == "only-in-parent-listing"
    assert m.accounts["555555555555"].parent_id == "ou-od01-nameless"
    broken = m.policies["p-broken01"]
    assert broken.content_state == CONTENT_MALFORMED
    assert broken.content is None
    assert broken.content_raw is not None and broken.content_raw.endswith("{not json")
    assert "not valid JSON" in broken.content_note
    assert broken.type == SCP  # from the ListPolicies filter when the summary omits it
    assert broken.target_ids == ("ou-od01-nameless",)
    assert m.policies["p-nocont01"].content_state == CONTENT_UNKNOWN
    assert m.policies["p-struct01"].content == {"Version": "2012-10-17", "Statement": []}
    gaps = "\n".join(m.gaps)
    assert "ListOrganizationalUnitsForParent (call 3): 2 entries without Id skipped" in gaps
    assert "1 entries without TargetId skipped" in gaps
    assert [x.policy.id for x in m.inherited_policies("555555555555")] == ["p-broken01"]


def test_empty_organization(tmp_path: Path) -> None:
    m = model_of(tmp_path, "org_empty")
    assert m.collection.state == COLLECTED
    assert m.feature_set == "CONSOLIDATED_BILLING"
    assert list(m.units) == ["r-em01"] and m.accounts == {} and m.policies == {}
    assert m.gaps == ()
    assert m.effective_policies("r-em01") == []


def test_not_an_organization(tmp_path: Path) -> None:
    m = model_of(tmp_path, "not_an_org")
    assert m.collection.state == NOT_AN_ORGANIZATION
    assert "not a member of an organization" in m.collection.reason
    assert len(m.collection.call_ids) == 3
    assert m.units == {} and m.accounts == {}
    assert len(m.gaps) == 1


def test_denied_organization_keeps_what_was_allowed(tmp_path: Path) -> None:
    m = model_of(tmp_path, "org_denied")
    assert m.collection.state == DENIED
    assert "DescribeOrganization denied (AccessDeniedException" in m.collection.reason
    assert sorted(m.accounts) == ["111111111111", "222222222222"]
    assert all(a.parent_id is None for a in m.accounts.values())
    assert any("ListRoots denied" in g for g in m.gaps)


def test_nothing_collected(tmp_path: Path) -> None:
    path = write_snapshot(tmp_path / "x.awb", calls=[FakeCall(service="sts", operation="GetCallerIdentity")])
    with Snapshot.open(path) as snap:
        m = build_organization(snap)
    assert m.collection.state == MISSING
    assert "no DescribeOrganization call" in m.collection.reason


def test_a_retried_success_wins_over_an_earlier_failure(tmp_path: Path) -> None:
    calls = [
        FakeCall(operation="DescribeOrganization", account_id="222222222222", outcome="access_denied"),
        FakeCall(
            operation="DescribeOrganization", pages=[{"Organization": {"Id": "o-x", "FeatureSet": "ALL"}}]
        ),
    ]
    with Snapshot.open(write_snapshot(tmp_path / "x.awb", calls=calls)) as snap:
        m = build_organization(snap)
    assert m.collection.state == COLLECTED and m.organization_id == "o-x"


def test_realistic_org_from_builder(tmp_path: Path) -> None:
    with Snapshot.open(realistic_snapshot(tmp_path / "r.awb")) as snap:
        m = build_organization(snap)
    assert len(m.accounts) == 7 and len(m.ous) == 5
    assert [u.name for u in m.path_to("777777777777")] == ["Root", "Workloads", "Prod", "PCI"]
    scps = [(x.policy.name, x.node.name) for x in m.effective_policies("777777777777", SCP)]
    assert ("DenyUnapprovedRegions", "Workloads") in scps
    assert scps[-1] == ("PCILockdown", "cardholder-data")
    assert m.gaps == ()


def test_denied_targets_from_builder(tmp_path: Path) -> None:
    from tests.analysis.model.builders import realistic_org_calls

    calls = realistic_org_calls(
        deny=frozenset({("ListTargetsForPolicy", "p-prodguard01")}),
        omit=frozenset({("DescribePolicy", "p-pcilock0001")}),
    )
    with Snapshot.open(write_snapshot(tmp_path / "d.awb", calls=calls)) as snap:
        m = build_organization(snap)
    assert "p-prodguard01" not in {x.policy.id for x in m.effective_policies("555555555555")}
    assert m.policies["p-prodguard01"].targets_known is False
    assert any("ProdGuardrails" in n for n in m.notes_for("555555555555"))
    assert m.policies["p-pcilock0001"].content_state == CONTENT_UNKNOWN


def test_management_account_is_noted_as_outside_scps(small: OrganizationModel) -> None:
    note = [n for n in small.notes_for(small.management_account_id) if "management account" in n]
    assert note and "do not apply" in note[0]
    others = [a for a in small.accounts if a != small.management_account_id]
    assert others and all(not any("management account" in n for n in small.notes_for(a)) for a in others)
