"""The OU tree model and its proxy: Qt's model contract, structure, sort role and search."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt

from analysis.model.organizations import OrganizationModel, build_organization
from snapshot import Snapshot
from tests.analysis.model.builders import fixture_snapshot, realistic_snapshot
from ui.models.ou_tree_model import (
    COL_ID,
    COL_KIND,
    COL_NAME,
    COL_POLICIES,
    COL_STATUS,
    NODE_ID_ROLE,
    SORT_ROLE,
    UNPLACED_ID,
    OuTreeFilterProxy,
    OuTreeModel,
)


def org_from(path: Path) -> OrganizationModel:
    with Snapshot.open(path) as snap:
        return build_organization(snap)


@pytest.fixture
def realistic(tmp_path: Path) -> OrganizationModel:
    return org_from(realistic_snapshot(tmp_path / "r.awb"))


def names_under(model: object, parent: QModelIndex) -> list[str]:
    m = model  # type: ignore[assignment]
    return [m.index(r, COL_NAME, parent).data() for r in range(m.rowCount(parent))]  # type: ignore[attr-defined]


def test_qtmodeltester_on_model(qtmodeltester, realistic: OrganizationModel) -> None:  # type: ignore[no-untyped-def]
    model = OuTreeModel(organization=realistic)
    qtmodeltester.check(model, force_py=True)
    qtmodeltester.check(model)


def test_qtmodeltester_on_proxy_sorted_and_filtered(qtmodeltester, realistic: OrganizationModel) -> None:  # type: ignore[no-untyped-def]
    model = OuTreeModel(organization=realistic)
    proxy = OuTreeFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(COL_NAME, Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(proxy, force_py=True)
    proxy.set_search("prod")
    qtmodeltester.check(proxy, force_py=True)


def test_qtmodeltester_on_partial_and_empty(qtmodeltester, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    partial = OuTreeModel(organization=org_from(fixture_snapshot(tmp_path, "org_partial")))
    qtmodeltester.check(partial, force_py=True)
    empty = OuTreeModel(organization=org_from(fixture_snapshot(tmp_path, "not_an_org")))
    qtmodeltester.check(empty, force_py=True)
    assert empty.rowCount() == 0
    none = OuTreeModel()
    qtmodeltester.check(none, force_py=True)


def test_structure_and_columns(realistic: OrganizationModel) -> None:
    model = OuTreeModel(organization=realistic)
    assert model.rowCount() == 1
    root = model.index(0, 0)
    assert root.data() == "Root"
    assert names_under(model, root) == ["Security", "Workloads", "management"]
    workloads = model.index(1, 0, root)
    assert names_under(model, workloads) == ["Prod", "development"]
    prod = model.index(0, 0, workloads)
    assert names_under(model, prod) == ["PCI", "payments-prod", "web-prod"]
    pci = model.index(0, 0, prod)
    card = model.index(0, 0, pci)
    row = [
        model.index(card.row(), c, pci).data() for c in (COL_NAME, COL_ID, COL_KIND, COL_STATUS, COL_POLICIES)
    ]
    assert row == ["cardholder-data", "777777777777", "Account", "ACTIVE", "SCP 2"]
    assert model.index(root.row(), COL_POLICIES, QModelIndex()).data() == "SCP 2 · RCP 1"
    assert model.index(workloads.row(), COL_POLICIES, root).data() == "SCP 2 · Tag 1"
    assert card.data(NODE_ID_ROLE) == "777777777777"
    assert model.parent(card) == pci
    assert model.index_of("ou-ab12-pci00001") == pci


def test_unplaced_accounts_get_their_own_node(tmp_path: Path) -> None:
    model = OuTreeModel(organization=org_from(fixture_snapshot(tmp_path, "org_partial")))
    assert model.rowCount() == 2
    holder = model.index(1, 0)
    assert holder.data() == "Accounts without a known parent"
    assert holder.data(NODE_ID_ROLE) == UNPLACED_ID
    assert names_under(model, holder) == ["app-a", "app-b"]
    apps = model.index(0, 0, model.index(0, 0))
    assert model.index(apps.row(), COL_STATUS, model.index(0, 0)).data() == "children partly unknown"


def test_sort_uses_the_sort_role_not_display_text(realistic: OrganizationModel) -> None:
    model = OuTreeModel(organization=realistic)
    proxy = OuTreeFilterProxy()
    proxy.setSourceModel(model)
    root = model.index(0, 0)
    # OUs first, then accounts; names case-folded: "development" sorts before "Prod", which a
    # plain sort of the display text ("P" < "d") would not do.
    proxy.sort(COL_NAME, Qt.SortOrder.AscendingOrder)
    proot = proxy.mapFromSource(root)
    assert names_under(proxy, proot) == ["Security", "Workloads", "management"]
    workloads = proxy.index(1, 0, proot)
    assert names_under(proxy, workloads) == ["development", "Prod"]
    proxy.sort(COL_NAME, Qt.SortOrder.DescendingOrder)
    assert names_under(proxy, proxy.mapFromSource(root)) == ["management", "Workloads", "Security"]
    # Policy counts sort as numbers: Workloads (3 attached) after Security (2) and management (1).
    proxy.sort(COL_POLICIES, Qt.SortOrder.AscendingOrder)
    assert names_under(proxy, proxy.mapFromSource(root)) == ["management", "Security", "Workloads"]
    proxy.sort(COL_POLICIES, Qt.SortOrder.DescendingOrder)
    assert names_under(proxy, proxy.mapFromSource(root)) == ["Workloads", "Security", "management"]
    assert model.index(0, COL_POLICIES, root).data(SORT_ROLE) == 2


def test_search_keeps_ancestors_of_matches(realistic: OrganizationModel) -> None:
    model = OuTreeModel(organization=realistic)
    proxy = OuTreeFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_search("CARDHOLDER")
    root = proxy.index(0, 0)
    assert root.data() == "Root"
    assert names_under(proxy, root) == ["Workloads"]
    workloads = proxy.index(0, 0, root)
    assert names_under(proxy, workloads) == ["Prod"]
    assert names_under(proxy, proxy.index(0, 0, workloads)) == ["PCI"]
    # By id too.
    proxy.set_search("333333333333")
    assert names_under(proxy, proxy.index(0, 0)) == ["Security"]
    proxy.set_search("no such thing")
    assert proxy.rowCount() == 0
    proxy.set_search("")
    assert proxy.rowCount() == 1 and proxy.rowCount(proxy.index(0, 0)) == 3
