"""What the inventory sheets (organization, IAM, trust, exposure, coverage, waivers) share.

The account filter as every sheet applies it, account labels, the words for yes/no/unknown, and
:func:`fit_row`: a row whose text would pass Excel's 32,767-character cell limit continues on the
rows below it (the key columns repeated, the continuation said), never truncated. Pure: no openpyxl.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from exports.text import CELL_LIMIT, excel_length, split_text

if TYPE_CHECKING:
    from exports.options import ExportOptions
    from exports.pack_data import PackData
    from exports.xlsx_writer import SheetSpec

Row = tuple[object, ...]
_HALF_LIMIT = CELL_LIMIT // 2  # a string this short fits a cell however Excel counts it


class Cells:
    """Rows of one sheet built by column name, so that reordering the columns cannot misplace a value.

    ``cells({"Name": "x", "Id": "1"})`` is the row in the sheet's column order (absent columns empty);
    a name that is not a column is a ``KeyError``, not a silently lost value.
    """

    def __init__(self, spec: SheetSpec) -> None:
        self.header = spec.header
        self._names = frozenset(self.header)
        self._index = {name: i for i, name in enumerate(self.header)}

    def __call__(self, values: Mapping[str, object]) -> Row:
        if not values.keys() <= self._names:
            raise KeyError(f"not columns of the sheet: {sorted(set(values) - self._names)}")
        return tuple(map(values.get, self.header))

    def index(self, *names: str) -> tuple[int, ...]:
        return tuple(self._index[n] for n in names)

    def note(self, column: str, text: str) -> Row:
        """A row with ``text`` in ``column`` and every other cell empty."""
        return self({column: text})


def in_scope(data: PackData, options: ExportOptions, account_id: str | None) -> bool:
    """Does a row about ``account_id`` belong in the pack (the account and OU filters)?

    Rows that belong to no account (organization-wide, a principal outside the organization)
    follow :meth:`ExportOptions.accepts_account`: kept unless an account or OU filter is set.
    """
    if not options.filters_accounts:
        return True
    if not account_id:
        return False
    return options.accepts_account(account_id, data.places.ou_ids(account_id))


def account_name(data: PackData, account_id: str | None) -> str:
    return data.inventory.account_name(account_id) if account_id else ""


def account_label(data: PackData, account_id: str | None) -> str:
    """``"123456789012 (payments-prod)"``, or the id alone when the snapshot has no name for it."""
    if not account_id:
        return ""
    name = account_name(data, account_id)
    return f"{account_id} ({name})" if name else account_id


def yes_no(value: bool | None, unknown: str = "unknown") -> str:
    if value is None:
        return unknown
    return "Yes" if value else "No"


def lines(items: Iterable[object]) -> str:
    """One item per line in a wrapped cell."""
    return "\n".join(str(i) for i in items)


def fit_row(row: Row, *, keep: Sequence[int], mark: int | None = None) -> Iterator[Row]:
    """``row``, or, when a text cell is longer than Excel's cell limit, that row and its continuations.

    Every long cell is cut with :func:`exports.xlsx_writer.split_text`; the first row holds the
    first part of each, each following row the next parts, with the ``keep`` columns repeated (so
    filters and sorting keep the rows together) and, in column ``mark``, "continued (k of n)".
    """
    for v in row:  # a plain loop: this runs for every row of the largest sheets
        if type(v) is str and len(v) > _HALF_LIMIT and excel_length(v) > CELL_LIMIT:
            break
    else:
        yield row
        return
    parts = [split_text(v) if isinstance(v, str) and _too_long(v) else None for v in row]
    count = max(len(p) for p in parts if p is not None)
    first = [p[0] if p is not None else v for v, p in zip(row, parts, strict=True)]
    if mark is not None and mark not in keep:
        first[mark] = _join_mark(first[mark], f"continues below ({count} rows)")
    yield tuple(first)
    for k in range(1, count):
        out: list[object] = [None] * len(row)
        for i in keep:
            out[i] = row[i]
        for i, p in enumerate(parts):
            if p is not None and k < len(p):
                out[i] = p[k]
        if mark is not None:
            out[mark] = f"continued ({k + 1} of {count})"
        yield tuple(out)


def or_note(rows: Iterable[Row], note: Row) -> Iterator[Row]:
    """``rows``, or the one row ``note`` when there are none: an empty sheet would say nothing."""
    empty = True
    for row in rows:
        empty = False
        yield row
    if empty:
        yield note


def _too_long(value: object) -> bool:
    """Over Excel's cell limit, counted as Excel counts (UTF-16 units); the cheap test first."""
    return isinstance(value, str) and len(value) > CELL_LIMIT // 2 and excel_length(value) > CELL_LIMIT


def _join_mark(value: object, mark: str) -> str:
    return f"{value}; {mark}" if isinstance(value, str) and value else mark
