"""The network view's panels: the account → region → VPC tree, the exposures list, a path's hops."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from analysis.network.results import Exposure, Hop, NotAssessed
from ui.models.network_models import (
    CRITICAL,
    HIGH,
    KEY_ROLE,
    ExposureFilterProxy,
    ExposureTableModel,
    HopTableModel,
    NetworkTreeModel,
    NetworkTreeProxy,
    account_label,
    hop_component,
    severity,
)

if TYPE_CHECKING:
    from analysis.model.inventory import Inventory
    from analysis.network.results import ExposureReport

MAX_GAPS_LISTED = 2  # in the label; all of them in its tooltip
EMPTY_HOPS = "Hops: select an exposure or run a path query."


def gap_text(inventory: Inventory, gap: NotAssessed) -> str:
    """ "network ACLs in prod (1111) us-east-1: access denied (DescribeNetworkAcls)"."""
    where = "all regions" if gap.region == "*" else gap.region
    return f"{gap.what} in {account_label(inventory, gap.account_id)}, {where}: {gap.reason}"


def make_table(model: Any) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(False)
    table.horizontalHeader().setStretchLastSection(True)
    # Fitting columns reads this many rows, not every row (thousands of exposures at 500 accounts).
    table.verticalHeader().setResizeContentsPrecision(200)
    table.horizontalHeader().setResizeContentsPrecision(200)
    return table


def _column(layout_parent: QWidget, *widgets: QWidget) -> None:
    layout = QVBoxLayout(layout_parent)
    layout.setContentsMargins(2, 2, 2, 2)
    for i, w in enumerate(widgets):
        layout.addWidget(w, 1 if i == len(widgets) - 1 else 0)


class VpcTreePanel(QWidget):
    """The tree with its filter. ``chosen(key)``: an account, region or VPC row became current, with its
    ``KEY_ROLE`` ("account"|"region"|"vpc", account, region, vpc) and whether the user chose it."""

    chosen = Signal(object, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._quiet = False
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter accounts, regions, VPCs (name or id)")
        self.filter_edit.setClearButtonEnabled(True)
        self.model = NetworkTreeModel(self)
        self.proxy = NetworkTreeProxy(self)
        self.proxy.setSourceModel(self.model)
        self.filter_edit.textChanged.connect(self._filter)
        self.tree = QTreeView()
        self.tree.setModel(self.proxy)
        self.tree.setUniformRowHeights(True)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        _column(self, self.filter_edit, self.tree)
        self._fit_columns()

    def _fit_columns(self) -> None:
        header = self.tree.header()
        header.setStretchLastSection(False)
        if header.count() >= 2:
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)

    def set_inventory(
        self,
        inventory: Inventory | None,
        *,
        exposures: Sequence[Exposure] = (),
        not_assessed: Sequence[NotAssessed] = (),
    ) -> None:
        self.model.set_inventory(inventory, exposures=exposures, not_assessed=not_assessed)
        self._fit_columns()  # the model's reset dropped the sections' modes
        self.tree.expandToDepth(0)

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        if text.strip():
            self.tree.expandAll()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        key = current.data(KEY_ROLE) if current.isValid() else None
        if key:
            self.chosen.emit(key, not self._quiet)

    def select_vpc(self, vpc_id: str, *, quiet: bool = False) -> bool:
        """Make a VPC current (clearing a filter that hides it); False when the tree does not list it.
        ``quiet``: ``chosen`` says the program chose it, not the user."""
        for index in self.model.vpc_indexes():
            if index.data(KEY_ROLE)[3] != vpc_id:
                continue
            proxy_index = self.proxy.mapFromSource(index)
            if not proxy_index.isValid():
                self.filter_edit.clear()
                proxy_index = self.proxy.mapFromSource(index)
            self._quiet = quiet
            try:
                self.tree.selectionModel().setCurrentIndex(
                    proxy_index,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
                )
            finally:
                self._quiet = False
            self.tree.scrollTo(proxy_index)
            return True
        return False


class ExposuresPanel(QWidget):
    """The summary, what was not assessed, and the sortable exposures; ``chosen(exposure)`` on selection."""

    chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ExposureTableModel(self)
        self.proxy = ExposureFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = make_table(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(ExposureTableModel.COL_SEVERITY, Qt.SortOrder.AscendingOrder)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.gaps_label = QLabel()
        self.gaps_label.setWordWrap(True)
        self.gaps_label.setStyleSheet("color: #c62828;")
        _column(self, self.summary_label, self.gaps_label, self.table)

    def set_report(self, report: ExposureReport | None, inventory: Inventory | None) -> None:
        self.model.set_exposures(report.exposures if report is not None else (), inventory=inventory)
        self.proxy.set_scope()
        self.table.resizeColumnsToContents()
        if report is None or inventory is None:
            self.summary_label.setText("")
            self.gaps_label.setVisible(False)
            return
        levels = [severity(e) for e in report.exposures]
        interfaces = len({e.network_interface_id for e in report.exposures})
        self.summary_label.setText(
            f"{len(report.exposures)} exposure(s) on {interfaces} interface(s) "
            f"({levels.count(CRITICAL)} critical, {levels.count(HIGH)} high); "
            f"{report.interfaces_checked} interfaces checked in {report.seconds:.1f} s."
            + "".join(f"\n{note}" for note in report.notes)
        )
        gaps = [gap_text(inventory, g) for g in report.not_assessed]
        shown = gaps[:MAX_GAPS_LISTED]
        more = f"; … and {len(gaps) - len(shown)} more (hover for all)" if len(gaps) > len(shown) else ""
        self.gaps_label.setText(f"Not assessed ({len(gaps)}): " + "; ".join(shown) + more)
        self.gaps_label.setToolTip("\n".join(gaps))
        self.gaps_label.setVisible(bool(gaps))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            exposure = self.model.exposure(self.proxy.mapToSource(current).row())
            if exposure is not None:
                self.chosen.emit(exposure)

    def select_row(self, row: int) -> Exposure | None:
        """Select the exposure on ``row`` of the sorted, scoped list (``chosen`` follows)."""
        index = self.proxy.index(row, 0)
        if not index.isValid():
            return None
        self.table.setCurrentIndex(index)
        self.table.selectRow(row)
        return self.model.exposure(self.proxy.mapToSource(index).row())


class HopsPanel(QWidget):
    """What is shown (one sentence), its hops (component, direction, verdict, the deciding rule) and the
    selected hop's rule in full; ``selected(row)`` when a hop is picked."""

    selected = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = HopTableModel(self)
        self.table = make_table(self.model)
        header = self.table.horizontalHeader()
        for col in (HopTableModel.COL_NUMBER, HopTableModel.COL_DIRECTION, HopTableModel.COL_VERDICT):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(HopTableModel.COL_COMPONENT, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(HopTableModel.COL_RULE, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.title = QLabel(EMPTY_HOPS)
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.rule_label = QLabel()
        self.rule_label.setWordWrap(True)
        self.rule_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.rule_label)

    def set_hops(self, hops: Sequence[Hop], *, drawn: Sequence[bool] = (), title: str = "") -> None:
        self.model.set_hops(hops, drawn=drawn)
        self.table.setColumnWidth(HopTableModel.COL_COMPONENT, 250)
        self.title.setText(title or EMPTY_HOPS)
        blocking = next((i for i, h in enumerate(hops) if not h.allowed), None)
        self.rule_label.setText(self._describe(blocking) if blocking is not None else "")
        self.rule_label.setStyleSheet("color: #c62828;" if blocking is not None else "")

    def _describe(self, row: int) -> str:
        hop = self.model.hop(row)
        if hop is None:
            return ""
        where = f" ({hop.direction})" if hop.direction else ""
        return f"Hop {row + 1}, {hop_component(hop)}{where}: {hop.verdict}: {hop.rule}"

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            hop = self.model.hop(current.row())
            self.rule_label.setText(self._describe(current.row()))
            self.rule_label.setStyleSheet("color: #c62828;" if hop is not None and not hop.allowed else "")
            self.selected.emit(current.row())
