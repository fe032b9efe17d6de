"""The Accounts and OUs and Organization policies sheets on the demo organization, filtered, and odd cases."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from analysis.model.organizations import (
    CONTENT_UNKNOWN,
    DENIED,
    CollectionState,
    OrganizationModel,
)
from exports.options import ExportOptions
from exports.pack_data import PackData
from exports.sheets import accounts_ous, org_policies
from exports.sheets.inventory_common import fit_row
from exports.text import CELL_LIMIT, excel_length
from tests.exports.inventory_sheets_support import (
    account_id_named,
    ou_id_named,
    policy_id_named,
    table,
    with_org,
)


def accounts_table(data: PackData, options: ExportOptions | None = None) -> list[dict[str, Any]]:
    return table(accounts_ous.SHEET, accounts_ous.rows(data, options or ExportOptions()))


def policies_table(data: PackData, options: ExportOptions | None = None) -> list[dict[str, Any]]:
    return table(org_policies.SHEET, org_policies.rows(data, options or ExportOptions()))


# -- Accounts and OUs --------------------------------------------------------------------------------


def test_tree_lists_every_root_ou_and_account_depth_first(demo_pack: PackData) -> None:
    org = demo_pack.inventory.organization
    rows = accounts_table(demo_pack)
    assert len(rows) == len(org.units) + len(org.accounts)
    assert {r["Id"] for r in rows} == set(org.units) | set(org.accounts)
    assert rows[0]["Kind"] == "Root" and rows[0]["Depth"] == 0 and rows[0]["Id"] == org.root_ids[0]
    for i, row in enumerate(rows):
        node_id = str(row["Id"])
        depth = len(org.path_to(node_id))
        assert row["Depth"] == depth
        assert str(row["Name"]).startswith(accounts_ous.INDENT * depth)
        assert not str(row["Name"])[len(accounts_ous.INDENT * depth) :].startswith(" ")
        if i:  # every node comes after its parent, and the parent is the nearest shallower row above
            parent = next(r for r in reversed(rows[:i]) if r["Depth"] == depth - 1)
            assert parent["Id"] == org.node(node_id).parent_id


def test_account_row_has_its_facts_policies_and_collection(demo_pack: PackData) -> None:
    web_prod = account_id_named(demo_pack, "web-prod")
    row = next(r for r in accounts_table(demo_pack) if r["Id"] == web_prod)
    assert row["Kind"] == "Account" and row["Depth"] == 3
    assert row["OU path"] == "Root / Workloads / Prod"
    assert row["Email"] == "aws+web-prod@example-corp.example" and row["Status"] == "ACTIVE"
    assert row["Collection"].startswith("partial: 2 call(s) denied")
    attached = str(row["Policies attached here"]).splitlines()
    assert attached == ["SCP: FullAWSAccess (p-FullAWSAccess)", "RCP: RCPFullAWSAccess (p-RCPFullAWSAccess)"]
    inherited = str(row["Policies inherited"]).splitlines()
    org = demo_pack.inventory.organization
    workloads, prod, root = (
        ou_id_named(demo_pack, "Workloads"),
        ou_id_named(demo_pack, "Prod"),
        org.root_ids[0],
    )
    region, leave, deny_root = (
        policy_id_named(demo_pack, n) for n in ("RegionRestriction", "DenyLeaveOrganization", "DenyRootUser")
    )
    assert f"SCP: RegionRestriction ({region}) from OU Workloads ({workloads})" in inherited
    assert f"SCP: DenyLeaveOrganization ({leave}) from Root ({root})" in inherited
    assert f"SCP: DenyRootUser ({deny_root}) from OU Prod ({prod})" in inherited
    assert len(inherited) == len(org.inherited_policies(web_prod))


def test_suspended_account_says_why_it_was_not_collected(demo_pack: PackData) -> None:
    closed = account_id_named(demo_pack, "legacy-closed")
    row = next(r for r in accounts_table(demo_pack) if r["Id"] == closed)
    assert row["Status"] == "SUSPENDED"
    assert row["Collection"] == "skipped: account status SUSPENDED"


def test_management_account_note(demo_pack: PackData) -> None:
    org = demo_pack.inventory.organization
    row = next(r for r in accounts_table(demo_pack) if r["Id"] == org.management_account_id)
    assert "SCPs and RCPs do not apply to it" in str(row["Notes"])


def test_account_filter_keeps_the_path_above(demo_pack: PackData) -> None:
    web_prod = account_id_named(demo_pack, "web-prod")
    rows = accounts_table(demo_pack, ExportOptions(accounts=frozenset({web_prod})))
    assert [r["Name"].strip() for r in rows] == ["Root", "Workloads", "Prod", "web-prod"]


def test_ou_filter_keeps_the_subtree(demo_pack: PackData) -> None:
    workloads = ou_id_named(demo_pack, "Workloads")
    rows = accounts_table(demo_pack, ExportOptions(ous=frozenset({workloads})))
    names = [str(r["Name"]).strip() for r in rows]
    assert names == ["Root", "Workloads", "NonProd", "payments-dev", "Prod", "payments-prod", "web-prod"]


def test_filter_matching_nothing_says_so(demo_pack: PackData) -> None:
    rows = accounts_table(demo_pack, ExportOptions(accounts=frozenset({"000000000000"})))
    assert len(rows) == 1 and rows[0]["Name"] == "No account of the organization is in the pack's scope"


def test_organization_not_readable(demo_pack: PackData) -> None:
    empty = OrganizationModel(
        organization_id="",
        arn="",
        management_account_id="",
        management_account_email="",
        feature_set="",
        available_policy_types=(),
        root_ids=(),
        units={},
        accounts={},
        policies={},
        attachments={},
        delegated_admins={},
        service_access=(),
        service_access_known=False,
        collection=CollectionState(state=DENIED, reason="DescribeOrganization denied (AccessDenied)"),
        gaps=("organization: DescribeOrganization denied (AccessDenied)",),
    )
    data = with_org(demo_pack, empty)
    rows = accounts_table(data)
    assert rows[0]["Name"] == "The organization could not be read: DescribeOrganization denied (AccessDenied)"
    # The accounts the collection entered are still listed, said to be outside the listing.
    outcomes = demo_pack.manifest["account_outcomes"]
    assert {r["Id"] for r in rows[1:]} == set(outcomes)
    assert all("not in the organization's account listing" in str(r["Notes"]) for r in rows[1:])
    policies = policies_table(data)
    assert len(policies) == 1
    assert (
        policies[0]["Name"]
        == "No organization policy in the snapshot: DescribeOrganization denied (AccessDenied)"
    )


# -- Organization policies ---------------------------------------------------------------------------


def test_every_policy_with_its_exact_content(demo_pack: PackData) -> None:
    org = demo_pack.inventory.organization
    rows = policies_table(demo_pack)
    assert len(rows) == len(org.policies)
    order = ["SCP", "RCP", "Tag", "Backup", "AI opt-out"]
    assert [r["Type"] for r in rows] == sorted((r["Type"] for r in rows), key=order.index)
    for row in rows:
        policy = org.policies[str(row["Policy id"])]
        assert row["Content (JSON as collected)"] == policy.content_raw
        assert row["Name"] == policy.name and row["Description"] == policy.description
        assert row["AWS managed"] == ("Yes" if policy.aws_managed else "No")
        assert row["Content readable"] == "Yes" and row["Part"] in ("", None)
        assert len(str(row["Attached to"]).splitlines()) == len(policy.target_ids)


def test_reach_excludes_the_management_account_for_scps_only(demo_pack: PackData) -> None:
    org = demo_pack.inventory.organization
    by_name = {r["Name"]: r for r in policies_table(demo_pack)}
    members = len(org.accounts) - 1
    leave = by_name["DenyLeaveOrganization"]
    assert leave["Accounts reached"] == members
    assert org.management_account_id not in str(leave["Accounts reached (list)"])
    assert "does not apply to the management account" in str(leave["Notes"])
    region = by_name["RegionRestriction"]
    assert region["Accounts reached"] == 3
    assert str(region["Accounts reached (list)"]).splitlines() == [
        f"{account_id_named(demo_pack, n)} ({n})" for n in ("payments-dev", "payments-prod", "web-prod")
    ]
    tag = by_name["RequireCostCenter"]
    assert tag["Type"] == "Tag" and tag["Accounts reached"] == 3
    assert by_name["FullAWSAccess"]["Accounts reached"] == members  # attached to every node


def test_policy_filter_keeps_policies_reaching_the_scope(demo_pack: PackData) -> None:
    sandbox = account_id_named(demo_pack, "sandbox-alice")
    rows = policies_table(demo_pack, ExportOptions(accounts=frozenset({sandbox})))
    names = {r["Name"] for r in rows}
    assert "SandboxDenyExpensiveInstances" in names and "DenyLeaveOrganization" in names
    assert "RegionRestriction" not in names and "DenyRootUser" not in names
    leave = next(r for r in rows if r["Name"] == "DenyLeaveOrganization")
    assert leave["Accounts reached"] == 1 and leave["Accounts reached (list)"] == f"{sandbox} (sandbox-alice)"


def test_long_policy_continues_over_rows_never_cut(demo_pack: PackData) -> None:
    org = demo_pack.inventory.organization
    long_text = '{"Statement": [' + ", ".join(f'"{i:06d}"' for i in range(9000)) + "]}"
    assert len(long_text) > 2 * CELL_LIMIT
    policy = replace(org.policies[policy_id_named(demo_pack, "RegionRestriction")], content_raw=long_text)
    data = with_org(demo_pack, replace(org, policies={**org.policies, policy.id: policy}))
    rows = [r for r in policies_table(data) if r["Policy id"] == policy.id]
    assert len(rows) == 3
    assert "".join(str(r["Content (JSON as collected)"]) for r in rows) == long_text
    assert [r["Part"] for r in rows] == ["1 of 3", "2 of 3", "3 of 3"]
    assert all(r["Name"] == "RegionRestriction" and r["Type"] == "SCP" for r in rows)
    assert rows[0]["Accounts reached"] == 3 and rows[1]["Accounts reached"] is None
    assert all(len(str(r["Content (JSON as collected)"])) <= CELL_LIMIT for r in rows)


def test_unreadable_content_and_unknown_targets_are_said(demo_pack: PackData) -> None:
    org = demo_pack.inventory.organization
    policy = replace(
        org.policies[policy_id_named(demo_pack, "DenyRootUser")],
        content=None,
        content_raw=None,
        content_state=CONTENT_UNKNOWN,
        content_note="content unknown: DescribePolicy denied (AccessDenied)",
        targets_known=False,
        target_ids=(),
    )
    gaps = ("SCP policies: ListPolicies denied (AccessDenied)",)
    data = with_org(demo_pack, replace(org, policies={**org.policies, policy.id: policy}, gaps=gaps))
    rows = policies_table(data)
    row = next(r for r in rows if r["Policy id"] == policy.id)
    assert row["Content readable"] == "No: content unknown: DescribePolicy denied (AccessDenied)"
    assert row["Content (JSON as collected)"] in ("", None)
    assert row["Accounts reached"] is None and row["Accounts reached (list)"] == "unknown"
    assert "targets were not collected" in str(row["Notes"])
    last = rows[-1]
    assert last["Type"] == "SCP" and last["Content readable"] == "No: ListPolicies denied (AccessDenied)"


def test_fit_row_leaves_short_rows_alone_and_continues_long_ones() -> None:
    row = ("id", "name", "x" * (CELL_LIMIT + 5), "short")
    assert list(fit_row(("a", "b"), keep=(0,))) == [("a", "b")]
    out = list(fit_row(row, keep=(0, 1), mark=3))
    assert out == [
        ("id", "name", "x" * CELL_LIMIT, "short; continues below (2 rows)"),
        ("id", "name", "x" * 5, "continued (2 of 2)"),
    ]


def test_account_without_a_known_parent_follows_the_tree(demo_pack: PackData) -> None:
    org = demo_pack.inventory.organization
    sandbox = account_id_named(demo_pack, "sandbox-alice")
    ou = org.accounts[sandbox].parent_id
    assert ou is not None
    unit = replace(org.units[ou], account_ids=(), children_known=False)
    moved = replace(
        org,
        accounts={**org.accounts, sandbox: replace(org.accounts[sandbox], parent_id=None)},
        units={**org.units, ou: unit},
    )
    rows = accounts_table(with_org(demo_pack, moved))
    last = rows[-1]
    assert last["Id"] == sandbox and last["Depth"] == 0 and last["Name"] == "sandbox-alice"
    assert "does not record this account's parent" in str(last["Notes"])
    assert last["Policies inherited"] in ("", None)  # unknown, not empty by fact: the note says so
    # Its policies no longer reach it through the OU: the reach on the policies sheet follows.
    sandbox_policy = next(
        r for r in policies_table(with_org(demo_pack, moved)) if r["Name"] == "SandboxDenyExpensiveInstances"
    )
    assert sandbox_policy["Accounts reached"] == 0
    assert "are not all known" in str(sandbox_policy["Notes"])


def test_fit_row_counts_as_excel_counts() -> None:
    emoji = "\U0001f600"  # two UTF-16 units: Excel counts it twice
    text = emoji * (CELL_LIMIT // 2 + 1)
    assert len(text) < CELL_LIMIT
    out = list(fit_row(("k", text), keep=(0,)))
    assert len(out) == 2 and "".join(str(r[1]) for r in out) == text
    assert all(excel_length(str(r[1])) <= CELL_LIMIT for r in out)
