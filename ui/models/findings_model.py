"""The findings table: one row per assessment result, sorted by a sort role, filtered by precomputed keys.

Hundreds of thousands of rows stay smooth because nothing is computed per paint or per compare:

- :func:`build_finding_rows` (pure, runs in the assessment worker) turns each result into a
  :class:`FindingRow` holding its display texts, its OU ids, its frameworks and a lower-case
  search text, once.
- :class:`FindingsModel` sorts itself with Python's ``sorted`` over the ``SORT_ROLE`` keys (severity
  and status by their order of gravity, not alphabetically) and announces a layout change; a
  ``lessThan`` called from C++ for every comparison would take seconds at 300,000 rows.
- :class:`FindingsFilterProxy` computes one boolean per row when a filter changes; its
  ``filterAcceptsRow`` only reads that list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from analysis.rules.base import ERROR, FAIL, NOT_ASSESSED, PASS, PRACTICES, SEVERITIES, Control, Result
from ui.models.table_base import AnyIndex, ReadOnlyTableModel

WAIVED = "WAIVED"  # the workpaper's reported status for an accepted FAIL / NOT_ASSESSED
STATUS_ORDER: Mapping[str, int] = {FAIL: 0, ERROR: 1, NOT_ASSESSED: 2, WAIVED: 3, PASS: 4}
STATUS_LABELS: Mapping[str, str] = {
    FAIL: "Fail",
    ERROR: "Error",
    NOT_ASSESSED: "Not assessed",
    WAIVED: "Waived",
    PASS: "Pass",
}
SEVERITY_ORDER: Mapping[str, int] = {s: i for i, s in enumerate(SEVERITIES)}
STATUS_COLORS: Mapping[str, str] = {
    FAIL: "#c62828",
    ERROR: "#6a1b9a",
    NOT_ASSESSED: "#8a6d00",
    WAIVED: "#546e7a",
    PASS: "#2e7d32",
}
SEVERITY_COLORS: Mapping[str, str] = {
    "critical": "#8e0000",
    "high": "#d84315",
    "medium": "#f9a825",
    "low": "#1565c0",
    "informational": "#78909c",
}
FRAMEWORKS = ("CIS", "FSBP", "NIST")

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2  # the FindingRow of the index's row

# column key -> header
COLUMNS: Mapping[str, str] = {
    "status": "Status",
    "severity": "Severity",
    "control": "Control",
    "title": "Title",
    "account": "Account",
    "ou": "OU",
    "region": "Region",
    "service": "Service",
    "resource": "Resource",
    "message": "Reason",
}
FINDINGS_COLUMNS = (
    "status",
    "severity",
    "control",
    "title",
    "account",
    "ou",
    "region",
    "service",
    "resource",
)


@dataclass(frozen=True, slots=True)
class FindingRow:
    """One result, with everything the table shows, sorts and filters by, computed once."""

    index: int  # the result's position in the assessment
    result: Result
    status: str  # the reported status (WAIVED when a waiver applies)
    severity: str
    control_id: str
    title: str
    service: str
    practice: str
    account_id: str
    account_text: str  # "name (id)", or the id alone
    ou_text: str  # "Root / Workloads / Prod"
    ou_ids: tuple[str, ...]  # root and OUs above the account, root first
    frameworks: frozenset[str]
    resource: str
    search: str  # lower-case text the search box matches

    def text(self, key: str) -> str:
        if key == "status":
            return STATUS_LABELS.get(self.status, self.status)
        if key == "severity":
            return self.severity.capitalize()
        if key == "control":
            return self.control_id
        if key == "account":
            return self.account_text
        if key == "ou":
            return self.ou_text
        if key == "region":
            return self.result.region
        if key == "message":
            return self.result.message
        return str(getattr(self, key))

    def sort_key(self, key: str) -> Any:
        if key == "status":
            return STATUS_ORDER.get(self.status, 9)
        if key == "severity":
            return SEVERITY_ORDER.get(self.severity, 9)
        return self.text(key).lower()


Places = Callable[[str], tuple[str, Sequence[str], Sequence[str]]]  # id -> (name, OU names, OU ids)


def build_finding_rows(
    results: Sequence[Result],
    controls: Iterable[Control],
    *,
    place: Places,
    statuses: Sequence[str] | None = None,
) -> list[FindingRow]:
    """The rows of ``results`` (pure: safe in a worker). ``statuses`` overrides each reported status."""
    by_id = {c.id: c for c in controls}
    per_control: dict[str, tuple[str, str, str, str, frozenset[str], str]] = {}
    per_account: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    rows: list[FindingRow] = []
    for i, r in enumerate(results):
        meta = per_control.get(r.control_id)
        if meta is None:
            c = by_id.get(r.control_id)
            if c is None:
                meta = ("", r.control_id, "", "", frozenset(), r.control_id.lower())
            else:
                fw = frozenset(
                    name
                    for name, ids in (
                        ("CIS", c.mappings.cis),
                        ("FSBP", c.mappings.fsbp),
                        ("NIST", c.mappings.nist),
                    )
                    if ids
                )
                meta = (c.severity, c.title, c.service, c.practice, fw, f"{c.id} {c.title}".lower())
            per_control[r.control_id] = meta
        acct = per_account.get(r.account_id)
        if acct is None:
            if r.account_id:
                name, ou_names, ou_ids = place(r.account_id)
                text = f"{name} ({r.account_id})" if name else r.account_id
                acct = (text, " / ".join(ou_names), tuple(ou_ids))
            else:
                acct = ("(organization)", "", ())
            per_account[r.account_id] = acct
        severity, title, service, practice, fw, control_text = meta
        resource = r.resource_id or r.resource_arn
        rows.append(
            FindingRow(
                index=i,
                result=r,
                status=statuses[i] if statuses is not None else r.status,
                severity=severity,
                control_id=r.control_id,
                title=title,
                service=service,
                practice=practice,
                account_id=r.account_id,
                account_text=acct[0],
                ou_text=acct[1],
                ou_ids=acct[2],
                frameworks=fw,
                resource=resource,
                search=f"{control_text} {acct[0].lower()} {r.region} {r.resource_arn.lower()} {r.message.lower()}",
            )
        )
    return rows


class FindingsModel(ReadOnlyTableModel):
    """The rows, in the current sort order; ``columns`` picks which fields show (see ``COLUMNS``)."""

    def __init__(self, *, columns: Sequence[str] = FINDINGS_COLUMNS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self.headers = tuple(COLUMNS[c] for c in self.columns)
        self._rows: list[FindingRow] = []
        self._sort: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)

    def set_rows(self, rows: Sequence[FindingRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()
        if self._sort[0] >= 0:
            self.sort(*self._sort)

    def replace_rows(self, rows: Iterable[FindingRow]) -> None:
        """Put ``rows`` in place of the shown rows with the same ``index`` (a re-judged status, say).

        No reset: positions, the sort order, the selection and the scroll position stay; the changed
        span repaints. A filter that depends on the changed fields is the caller's to re-apply.
        """
        new = {r.index: r for r in rows}
        if not new:
            return
        first = last = -1
        for pos, old in enumerate(self._rows):
            row = new.get(old.index)
            if row is not None:
                self._rows[pos] = row
                if first < 0:
                    first = pos
                last = pos
        if first >= 0:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(self.columns) - 1))

    def rows(self) -> list[FindingRow]:
        return self._rows

    def row_at(self, row: int) -> FindingRow:
        return self._rows[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        key = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.text(key)
        if role == Qt.ItemDataRole.ToolTipRole:
            if key in ("resource", "message", "title"):
                return row.result.resource_arn if key == "resource" else row.text(key)
            return None
        if role == SORT_ROLE:
            return row.sort_key(key)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "status":
                return QBrush(QColor(STATUS_COLORS.get(row.status, "#000000")))
            if key == "severity":
                return QBrush(QColor(SEVERITY_COLORS.get(row.severity, "#000000")))
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by the column's ``SORT_ROLE`` key, ties broken by severity, then status, then position."""
        if not (0 <= column < len(self.columns)):
            return
        self._sort = (column, order)
        key = self.columns[column]
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()  # the selection and current index: a few
        kept = [(self._rows[i.row()], i.column()) for i in persistent if 0 <= i.row() < len(self._rows)]
        reverse = order == Qt.SortOrder.DescendingOrder
        self._rows.sort(key=lambda r: (r.sort_key(key), _tie(r)), reverse=reverse)
        if persistent:
            position = {id(r): n for n, r in enumerate(self._rows)}
            self.changePersistentIndexList(persistent, [self.index(position[id(r)], c) for r, c in kept])
        self.layoutChanged.emit()


@dataclass(frozen=True, kw_only=True)
class FindingsFilter:
    """What the findings table shows; an empty set or text means any."""

    statuses: frozenset[str] = frozenset()
    severities: frozenset[str] = frozenset()
    account_id: str | None = None
    ou_id: str | None = None  # an account beneath it at any depth
    region: str | None = None
    service: str | None = None
    framework: str | None = None  # "CIS" | "FSBP" | "NIST": results of controls mapped to it
    practice: str | None = None  # a key of PRACTICES
    control_id: str | None = None
    text: str = ""

    def accepts(self, row: FindingRow) -> bool:
        return (
            (not self.statuses or row.status in self.statuses)
            and (not self.severities or row.severity in self.severities)
            and (self.account_id is None or row.account_id == self.account_id)
            and (self.ou_id is None or self.ou_id in row.ou_ids)
            and (self.region is None or row.result.region == self.region)
            and (self.service is None or row.service == self.service)
            and (self.framework is None or self.framework in row.frameworks)
            and (self.practice is None or row.practice == self.practice)
            and (self.control_id is None or row.control_id == self.control_id)
            and (not self.text or self.text in row.search)
        )


class FindingsFilterProxy(QSortFilterProxyModel):
    """Filters by a :class:`FindingsFilter` (one pass when it changes); sorting is the source model's."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(False)
        self.filter = FindingsFilter()
        self._accepted: list[bool] | None = None  # by FindingRow.index: shown (None: all)

    def set_filter(self, value: FindingsFilter) -> None:
        # Qt 6.9+: begin/endFilterChange replace invalidateFilter.
        self.beginFilterChange()
        self.filter = replace(value, text=value.text.strip().lower())
        self._recompute()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def setSourceModel(self, model: Any) -> None:
        super().setSourceModel(model)
        model.modelReset.connect(self._recompute)

    def _recompute(self) -> None:
        model = self.sourceModel()
        if not isinstance(model, FindingsModel) or self.filter == FindingsFilter():
            self._accepted = None
            return
        accepts = self.filter.accepts
        rows = model.rows()
        accepted = [False] * (max((r.index for r in rows), default=-1) + 1)
        for r in rows:
            accepted[r.index] = accepts(r)
        self._accepted = accepted

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if self._accepted is None:
            return True
        model = self.sourceModel()
        return self._accepted[model.row_at(source_row).index]  # type: ignore[attr-defined]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)

    def row_at(self, proxy_row: int) -> FindingRow:
        source = self.mapToSource(self.index(proxy_row, 0))
        return self.sourceModel().row_at(source.row())  # type: ignore[attr-defined]


def _tie(row: FindingRow) -> tuple[int, int, int]:
    return (SEVERITY_ORDER.get(row.severity, 9), STATUS_ORDER.get(row.status, 9), row.index)


def practice_label(key: str) -> str:
    return PRACTICES.get(key, key)
