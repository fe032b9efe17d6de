"""Qt models of the network view: the account → region → VPC tree, the exposures, a path's hops.

Rows are records of ``analysis.network.results`` (Exposure, Hop); names (accounts, VPCs,
instances) come from the Inventory the analysis read. Sorting uses ``SORT_ROLE`` (severity by
rank, ports by number), filtering uses ``KEY_ROLE`` values, never display text.

Severity of an exposure: a remote-administration or control-plane port reachable from the
internet (SSH, RDP, Telnet, VNC, WinRM, the Kubernetes API, etcd, kubelet) is critical; another
management port (databases, caches, search, FTP) is high; any other port is medium.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel

from analysis.network.results import Exposure, Hop, NotAssessed
from ui.models.table_base import ReadOnlyTableModel

if TYPE_CHECKING:
    from analysis.model.inventory import Inventory

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
KEY_ROLE = Qt.ItemDataRole.UserRole + 2  # tree: ("account"|"region"|"vpc", account, region, vpc id)
RECORD_ROLE = Qt.ItemDataRole.UserRole + 3  # the Exposure / Hop of the row

CRITICAL, HIGH, MEDIUM = "critical", "high", "medium"
SEVERITY_RANK = {CRITICAL: 0, HIGH: 1, MEDIUM: 2}
SEVERITY_COLOURS = {CRITICAL: "#b71c1c", HIGH: "#e65100", MEDIUM: "#8d6e00"}
REMOTE_ADMIN = frozenset(
    {"SSH", "RDP", "Telnet", "VNC", "WinRM", "WinRM over HTTPS", "Kubernetes API", "etcd", "kubelet"}
)
DENY_COLOUR = "#c62828"

AnyIndex = QModelIndex | QPersistentModelIndex


def severity(exposure: Exposure) -> str:
    if any(m in REMOTE_ADMIN for m in exposure.management):
        return CRITICAL
    return HIGH if exposure.management else MEDIUM


def interface_label(
    inventory: Inventory | None, eni_id: str, instance_id: str | None, *, short: bool = False
) -> str:
    """An instance's interface as "web-1 (i-0abc)" (short: "web-1"), else the instance or interface id."""
    if inventory is None or not instance_id:
        return instance_id or eni_id
    instance = inventory.network.get(instance_id)
    name = getattr(instance, "name", "")
    if name and short:
        return str(name)
    return f"{name} ({instance_id})" if name else instance_id


def vpc_label(inventory: Inventory | None, vpc_id: str, *, short: bool = False) -> str:
    vpc = inventory.network.get(vpc_id) if inventory is not None else None
    name = getattr(vpc, "name", "")
    if name and short:
        return str(name)
    return f"{name} ({vpc_id})" if name else vpc_id


def account_label(inventory: Inventory | None, account_id: str, *, short: bool = False) -> str:
    name = inventory.account_name(account_id) if inventory is not None else ""
    if name and short:
        return name
    return f"{name} ({account_id})" if name else account_id


HOP_KINDS = {
    "internet": "Internet",
    "internet_gateway": "internet gateway",
    "egress_only_internet_gateway": "egress-only internet gateway",
    "nat_gateway": "NAT gateway",
    "route_table": "route table",
    "network_acl": "network ACL",
    "security_group": "security group",
    "network_interface": "interface",
    "load_balancer": "load balancer",
    "listener": "listener",
    "target_group": "target group",
    "vpc_peering": "peering",
    "transit_gateway": "transit gateway",
    "transit_gateway_route_table": "TGW route table",
    "transit_gateway_attachment": "TGW attachment",
    "vpc_endpoint": "VPC endpoint",
    "address": "address",
}


def hop_component(hop: Hop) -> str:
    """A hop's component in words: "network ACL acl-1"; an ARN by its resource ("load balancer app/web/01")."""
    if hop.kind == "internet":
        return "Internet" if hop.component_id == "internet" else f"Internet ({hop.component_id})"
    ident = hop.component_id
    if ident.startswith("arn:"):
        resource = ident.split(":", 5)[-1]
        ident = resource.split("/", 1)[1] if "/" in resource else resource
    return f"{HOP_KINDS.get(hop.kind, hop.kind.replace('_', ' '))} {ident}"


def ports_text(exposure: Exposure) -> str:
    text = exposure.ports.label()
    if exposure.listener_ports is not None:
        text = f"{exposure.listener_ports.label()} → {text}"
    if exposure.management:
        text += f" ({', '.join(exposure.management)})"
    return text


class ExposureTableModel(ReadOnlyTableModel):
    """One row per exposure: severity, account, VPC, interface / instance, ports, via, entry."""

    headers = ("Severity", "Account", "VPC", "Interface / instance", "Ports", "Via", "Entry")
    COL_SEVERITY, COL_ACCOUNT, COL_VPC, COL_INTERFACE, COL_PORTS, COL_VIA, COL_ENTRY = range(7)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[Exposure, tuple[str, ...]]] = []
        self._tips: list[tuple[str, ...]] = []
        self._sort: list[tuple[int | str, ...]] = []  # per row and column, computed once: sorting asks often

    def set_exposures(self, exposures: Sequence[Exposure], *, inventory: Inventory | None) -> None:
        self.beginResetModel()
        self._rows = [
            (
                e,
                (
                    severity(e),
                    account_label(inventory, e.account_id, short=True),
                    vpc_label(inventory, e.vpc_id, short=True),
                    interface_label(inventory, e.network_interface_id, e.instance_id, short=True),
                    ports_text(e),
                    "load balancer" if e.via == "load_balancer" else "public IP",
                    e.entry,
                ),
            )
            for e in exposures
        ]
        self._tips = [
            (
                ", ".join(e.management) or "no management port",
                account_label(inventory, e.account_id),
                f"{vpc_label(inventory, e.vpc_id)} · {e.region}",
                f"{interface_label(inventory, e.network_interface_id, e.instance_id)} · "
                f"{e.network_interface_id} in {e.subnet_id}",
                texts[4],
                texts[5],
                e.load_balancer_arn or e.entry,
            )
            for e, texts in self._rows
        ]
        # Scalars only: Qt cannot order Python tuples (the proxy would leave the rows unsorted).
        self._sort = [
            (
                SEVERITY_RANK[texts[0]] * 1_000_000 + (e.ports.from_port or 0),
                *(t.casefold() for t in texts[1:4]),
                (e.ports.from_port or 0) * 100_000 + (e.ports.to_port or 0),
                *(t.casefold() for t in texts[5:]),
            )
            for e, texts in self._rows
        ]
        self.endResetModel()

    def exposure(self, row: int) -> Exposure | None:
        return self._rows[row][0] if 0 <= row < len(self._rows) else None

    def sort_key(self, row: int, column: int) -> int | str:
        """``data(SORT_ROLE)`` without the Qt round trip (the proxy compares thousands of rows)."""
        return self._sort[row][column]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = index.row()
        if not index.isValid() or not 0 <= row < len(self._rows):
            return None
        e, texts = self._rows[row]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return texts[col]
        if role == SORT_ROLE:
            return self._sort[row][col]
        if role == KEY_ROLE:
            return (e.account_id, e.region, e.vpc_id)
        if role == RECORD_ROLE:
            return e
        if role == Qt.ItemDataRole.ForegroundRole and col == self.COL_SEVERITY:
            return QBrush(QColor(SEVERITY_COLOURS[texts[0]]))
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tips[index.row()][col]
        return None


class ExposureFilterProxy(QSortFilterProxyModel):
    """Sorts by ``SORT_ROLE``; keeps the exposures of the chosen account / region / VPC (None: all)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self._scope: tuple[str | None, str | None, str | None] = (None, None, None)

    def set_scope(
        self, account: str | None = None, region: str | None = None, vpc: str | None = None
    ) -> None:
        self.beginFilterChange()
        self._scope = (account, region, vpc)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def lessThan(self, left: AnyIndex, right: AnyIndex) -> bool:
        model = self.sourceModel()
        if isinstance(model, ExposureTableModel):
            column = left.column()
            return model.sort_key(left.row(), column) < model.sort_key(right.row(), column)
        return super().lessThan(left, right)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if self._scope == (None, None, None):
            return True
        key = self.sourceModel().index(source_row, 0, source_parent).data(KEY_ROLE)
        return all(w is None or w == k for w, k in zip(self._scope, key, strict=True))


class HopTableModel(ReadOnlyTableModel):
    """One row per hop of a path: number, component, direction, verdict, the rule that decided it."""

    headers = ("#", "Component", "Direction", "Verdict", "Rule")
    COL_NUMBER, COL_COMPONENT, COL_DIRECTION, COL_VERDICT, COL_RULE = range(5)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hops: list[Hop] = []
        self._drawn: list[bool] = []

    def set_hops(self, hops: Sequence[Hop], *, drawn: Sequence[bool] = ()) -> None:
        self.beginResetModel()
        self._hops = list(hops)
        self._drawn = list(drawn) or [True] * len(self._hops)
        self.endResetModel()

    def hop(self, row: int) -> Hop | None:
        return self._hops[row] if 0 <= row < len(self._hops) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._hops)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._hops):
            return None
        hop, col = self._hops[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            component = hop_component(hop)
            if not self._drawn[index.row()]:
                component += " (not in this drawing)"
            return (str(index.row() + 1), component, hop.direction or "—", hop.verdict, hop.rule)[col]
        if role == SORT_ROLE:
            return index.row() if col == self.COL_NUMBER else self.data(index)
        if role == RECORD_ROLE:
            return hop
        if role == Qt.ItemDataRole.ForegroundRole and not hop.allowed:
            return QBrush(QColor(DENY_COLOUR))
        if role == Qt.ItemDataRole.BackgroundRole and not hop.allowed:
            return QBrush(QColor("#ffebee"))
        if role == Qt.ItemDataRole.ToolTipRole:
            where = " · ".join(x for x in (hop.account_id, hop.region, hop.arn) if x)
            return f"{hop.rule}\n{where}" if where else hop.rule
        return None


class NetworkTreeModel(QStandardItemModel):
    """Account → region → VPC, with each node's exposures and what could not be assessed."""

    HEADERS = ("Account / region / VPC", "Exposures")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setHorizontalHeaderLabels(list(self.HEADERS))

    def set_inventory(
        self,
        inventory: Inventory | None,
        *,
        exposures: Sequence[Exposure] = (),
        not_assessed: Sequence[NotAssessed] = (),
    ) -> None:
        self.clear()
        self.setHorizontalHeaderLabels(list(self.HEADERS))
        if inventory is None:
            return
        counts = Counter((e.account_id, e.region, e.vpc_id) for e in exposures)
        by_account = Counter(e.account_id for e in exposures)
        by_region = Counter((e.account_id, e.region) for e in exposures)
        gaps: dict[tuple[str, str], list[str]] = {}
        for n in not_assessed:
            gaps.setdefault((n.account_id, n.region), []).append(f"{n.what}: {n.reason}")
        tree: dict[str, dict[str, list[Any]]] = {}
        for vpc in inventory.network.vpcs.values():
            tree.setdefault(vpc.account_id, {}).setdefault(vpc.region, []).append(vpc)
        for account_id, region in gaps:  # a region not assessed at all still shows
            tree.setdefault(account_id, {}).setdefault(region, [])
        for account_id in sorted(tree, key=lambda a: (account_label(inventory, a).casefold(), a)):
            regions = tree[account_id]
            acct_gaps = any(a == account_id for a, _ in gaps)
            acct = self._row(
                account_label(inventory, account_id),
                ("account", account_id, None, None),
                by_account[account_id],
                ("not assessed" if (account_id, "*") in gaps else "partly not assessed") if acct_gaps else "",
            )
            for region in sorted(regions):
                # A region "*" is the whole account (it could not be collected at all).
                reasons = gaps.get((account_id, region), []) + (
                    gaps.get((account_id, "*"), []) if region != "*" else []
                )
                reg = self._row(
                    "all regions" if region == "*" else region,
                    ("region", account_id, region, None),
                    by_region[(account_id, region)],
                    "not assessed" if reasons else "",
                    tip="\n".join(reasons),
                )
                for vpc in sorted(regions[region], key=lambda v: (v.is_default, v.name.casefold(), v.vpc_id)):
                    text = f"{vpc.name or '(no name)'} · {vpc.vpc_id}" + (
                        " · default" if vpc.is_default else ""
                    )
                    count = counts.get((account_id, region, vpc.vpc_id), 0)
                    reg[0].appendRow(
                        self._row(
                            text,
                            ("vpc", account_id, region, vpc.vpc_id),
                            count,
                            "not assessed" if reasons else "",
                            tip="\n".join(reasons),
                        )
                    )
                acct[0].appendRow(reg)
            self.appendRow(acct)

    def vpc_indexes(self) -> list[QModelIndex]:
        """The index of every VPC row (column 0), accounts and regions walked in order."""
        out: list[QModelIndex] = []
        for a in range(self.rowCount()):
            account = self.index(a, 0)
            for r in range(self.rowCount(account)):
                region = self.index(r, 0, account)
                out.extend(self.index(v, 0, region) for v in range(self.rowCount(region)))
        return out

    @staticmethod
    def _row(
        text: str, key: tuple[str, str, str | None, str | None], count: int, note: str, tip: str = ""
    ) -> list[QStandardItem]:
        name = QStandardItem(text)
        name.setData(key, KEY_ROLE)
        name.setData(text.casefold(), SORT_ROLE)
        name.setEditable(False)
        shown = str(count) if count else ("—" if not note else "")
        if note:
            shown = f"{shown} {note}".strip()
        number = QStandardItem(shown)
        number.setData(count, SORT_ROLE)
        number.setData(key, KEY_ROLE)
        number.setEditable(False)
        if count:
            number.setForeground(QBrush(QColor(SEVERITY_COLOURS[HIGH])))
        if note:
            number.setForeground(QBrush(QColor(DENY_COLOUR)))
            for item in (name, number):
                item.setToolTip(tip or note)
        return [name, number]


class NetworkTreeProxy(QSortFilterProxyModel):
    """Filters the tree by name or id (case-insensitive), keeping the parents of what matches."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self.setAutoAcceptChildRows(True)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(0)
        self.setSortRole(SORT_ROLE)
