"""The findings rows as columns of integer codes: a filter is a few numpy operations, a sort one argsort.

Qt-free. At 300,000 rows a Python predicate per row (or a ``QSortFilterProxyModel`` asking for each
row) costs seconds; here each field is encoded once into an array of small integers (its distinct
values in a table), so that:

- a filter is a boolean mask: per-row codes compared with ``==``/``isin``; conditions on the
  control (severity, service, framework, section, practice) or on the account (OU) are decided
  once per distinct control or account and spread to the rows by fancy indexing; only the text
  search looks at strings, and only at the rows the other conditions kept;
- a sort is a stable argsort of one rank array over a precomputed tie order (severity, then status,
  then position), cached per column; descending is the ascending order reversed.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from operator import attrgetter
from typing import Any

import numpy as np
import numpy.typing as npt

from ui.models.findings_rows import SEVERITY_ORDER, STATUS_ORDER, FindingRow, FindingsFilter

Ints = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]

# Where each sortable column's key comes from: the row itself, its control or its account.
CONTROL_KEYS = {"severity", "control", "title", "service"}
ACCOUNT_KEYS = {"account", "ou"}
# Nearly one distinct value per row: sorted as strings (the first sort by one costs ~0.3 s at 300k).
ROW_TEXT_KEYS: dict[str, Callable[[FindingRow], str]] = {
    "resource": attrgetter("resource"),
    "message": attrgetter("result.message"),
}


class Codes:
    """One field of every row as integer codes into ``values`` (its distinct values, first seen first)."""

    def __init__(self, values: Sequence[Hashable]) -> None:
        self.table: dict[Hashable, int] = {v: i for i, v in enumerate(dict.fromkeys(values))}
        self.values: list[Any] = list(self.table)
        self.codes: Ints = np.fromiter(map(self.table.__getitem__, values), dtype=np.int64, count=len(values))

    def code(self, value: Hashable) -> int:
        """The code of ``value``, added to the table when new."""
        code = self.table.get(value)
        if code is None:
            code = self.table[value] = len(self.values)
            self.values.append(value)
        return code

    def equal(self, value: Hashable) -> Mask:
        code = self.table.get(value)
        return self.codes == code if code is not None else np.zeros(len(self.codes), dtype=bool)

    def where(self, keep: Callable[[Any], bool]) -> Mask:
        """Rows whose value ``keep`` accepts (asked once per distinct value)."""
        chosen = np.fromiter((keep(v) for v in self.values), dtype=bool, count=len(self.values))
        return chosen[self.codes]

    def ranks(self, key: Callable[[Any], Any]) -> Ints:
        """Per row, the rank of its value's ``key`` among the distinct values' keys (equal keys, equal rank)."""
        keys = [key(v) for v in self.values]
        distinct = sorted(set(keys))
        rank_of = {k: i for i, k in enumerate(distinct)}
        per_value = np.fromiter((rank_of[k] for k in keys), dtype=np.int64, count=len(keys))
        return per_value[self.codes]


class FindingsIndex:
    """Codes, masks and sort orders of ``rows`` (positions are indices into ``rows``)."""

    def __init__(self, rows: Sequence[FindingRow]) -> None:
        self.rows = list(rows)
        self._build()

    def __len__(self) -> int:
        return len(self.rows)

    def _build(self) -> None:
        rows = self.rows
        self.status = Codes([r.status for r in rows])
        self.region = Codes([r.result.region for r in rows])
        self.control = Codes([r.control_id for r in rows])
        self.account = Codes([r.account_id for r in rows])
        self.search = [r.search for r in rows]
        self._orders: dict[str, Ints] = {}  # column key -> positions, ascending
        self._text_keys: dict[str, list[str]] = {}
        self._tie: Ints | None = None

    def replace(self, rows: Sequence[FindingRow]) -> list[int]:
        """Take ``rows`` (as many, in the same order; some changed); the positions that changed."""
        if len(rows) != len(self.rows):
            raise ValueError(f"{len(rows):,} rows given for {len(self.rows):,} held")
        changed = [i for i, (old, new) in enumerate(zip(self.rows, rows, strict=True)) if old is not new]
        self.rows = list(rows)
        for i in changed:
            r = rows[i]
            self.status.codes[i] = self.status.code(r.status)
            self.region.codes[i] = self.region.code(r.result.region)
            self.control.codes[i] = self.control.code(r.control_id)
            self.account.codes[i] = self.account.code(r.account_id)
            self.search[i] = r.search
        if changed:  # any key may have changed, and the tie order with the status
            self._orders.clear()
            self._text_keys.clear()
            self._tie = None
        return changed

    # -- one row per control / per account ------------------------------------------------------------

    def _representatives(self, codes: Codes) -> list[FindingRow | None]:
        """Per code, the first row that has it (None: no row has it any more, after ``replace``).

        The control's (or account's) fields are the same on all its rows (see ``FindingRow``).
        """
        first = np.full(len(codes.values), -1, dtype=np.int64)
        present, where = np.unique(codes.codes, return_index=True)
        first[present] = where
        return [self.rows[i] if i >= 0 else None for i in first.tolist()]

    def control_rows(self) -> list[FindingRow]:
        """One row per control present (for the filter choices)."""
        return [r for r in self._representatives(self.control) if r is not None]

    def account_rows(self) -> list[FindingRow]:
        """One row per account present (for the filter choices)."""
        return [r for r in self._representatives(self.account) if r is not None]

    def distinct_statuses(self) -> set[str]:
        return {self.status.values[c] for c in np.unique(self.status.codes)}

    def distinct_regions(self) -> set[str]:
        return {self.region.values[c] for c in np.unique(self.region.codes)}

    def _per_group(self, codes: Codes, keep: Callable[[FindingRow], bool]) -> Mask:
        """Rows whose control's (or account's) representative row ``keep`` accepts."""
        reps = self._representatives(codes)
        chosen = np.fromiter((r is not None and keep(r) for r in reps), dtype=bool, count=len(reps))
        return chosen[codes.codes]

    # -- filtering -------------------------------------------------------------------------------------

    def mask(self, f: FindingsFilter) -> Mask | None:
        """The rows ``f`` accepts (None: every row), as ``f.accepts`` decides, in a few array operations."""
        masks: list[Mask] = []
        if f.statuses:
            masks.append(self.status.where(f.statuses.__contains__))
        if f.region is not None:
            masks.append(self.region.equal(f.region))
        if f.control_id is not None:
            masks.append(self.control.equal(f.control_id))
        if f.account_id is not None:
            masks.append(self.account.equal(f.account_id))
        per_control = [
            test
            for wanted, test in (
                (f.severities, lambda r: r.severity in f.severities),
                (f.service is not None, lambda r: r.service == f.service),
                (f.framework is not None, lambda r: f.framework in r.frameworks),
                (f.section is not None, lambda r: f.section in r.sections),
                (f.practice is not None, lambda r: r.practice == f.practice),
            )
            if wanted
        ]
        if per_control:
            masks.append(self._per_group(self.control, lambda r: all(test(r) for test in per_control)))
        if f.ou_id is not None:
            ou = f.ou_id
            masks.append(self._per_group(self.account, lambda r: ou in r.ou_ids))
        text = f.text.strip().lower()
        if not masks and not text:
            return None
        mask = np.ones(len(self.rows), dtype=bool)
        for m in masks:
            mask &= m
        if text:
            search = self.search
            candidates = np.flatnonzero(mask).tolist() if masks else range(len(search))
            hits = [i for i in candidates if text in search[i]]
            mask = np.zeros(len(self.rows), dtype=bool)
            mask[hits] = True
        return mask

    # -- sorting ---------------------------------------------------------------------------------------

    def tie(self) -> Ints:
        """Positions by severity (most severe first), then status (failures first), then position."""
        if self._tie is None:
            severity = self._group_ranks(self.control, lambda r: SEVERITY_ORDER.get(r.severity, 9))
            status = self.status.ranks(lambda s: STATUS_ORDER.get(s, 9))
            self._tie = np.lexsort((status, severity)).astype(np.int64)
        return self._tie

    def _group_ranks(self, codes: Codes, key: Callable[[FindingRow], Any]) -> Ints:
        """Per row, the rank of its control's (or account's) ``key``; codes no row has rank 0."""
        reps = self._representatives(codes)
        keys = {code: key(r) for code, r in enumerate(reps) if r is not None}
        rank_of = {k: i for i, k in enumerate(sorted(set(keys.values())))}
        per_code = np.zeros(len(reps), dtype=np.int64)
        for code, k in keys.items():
            per_code[code] = rank_of[k]
        return per_code[codes.codes]

    def order(self, key: str, *, descending: bool = False) -> Ints:
        """Positions sorted by column ``key``'s sort key, ties by :meth:`tie`; descending is the reverse."""
        ascending = self._orders.get(key)
        if ascending is None:
            ascending = self._orders[key] = self._ascending(key)
        return ascending[::-1] if descending else ascending

    def _ascending(self, key: str) -> Ints:
        tie = self.tie()
        if key in ROW_TEXT_KEYS:
            text = list(map(str.lower, map(ROW_TEXT_KEYS[key], self.rows)))
            return np.array(sorted(tie.tolist(), key=text.__getitem__), dtype=np.int64)
        if key == "status":
            ranks = self.status.ranks(lambda s: STATUS_ORDER.get(s, 9))
        elif key == "region":
            ranks = self.region.ranks(str.lower)
        elif key == "severity":
            ranks = self._group_ranks(self.control, lambda r: SEVERITY_ORDER.get(r.severity, 9))
        elif key in CONTROL_KEYS:
            ranks = self._group_ranks(self.control, lambda r: r.sort_key(key))
        elif key in ACCOUNT_KEYS:
            ranks = self._group_ranks(self.account, lambda r: r.sort_key(key))
        else:
            raise KeyError(key)
        return tie[np.argsort(ranks[tie], kind="stable")]
