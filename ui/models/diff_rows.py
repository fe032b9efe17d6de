"""The rows of the snapshot diff's tables, built once from an ``analysis.diff.Comparison``.

Pure (no Qt): :func:`build_finding_rows` and :func:`build_resource_rows` run in the comparison's
worker. A finding row is one result of the diff (new, resolved, status changed, unchanged) with
both statuses; a resource row is one record added, removed or changed, with its fields (every
field of an added or removed record; the changed leaf fields of a changed one).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from analysis.diff import Comparison, FieldChange, record_fields, without_call_ids
from analysis.rules.base import FAIL, Result
from analysis.rules.report import jsonable, result_key
from ui.models.findings_model import SEVERITY_ORDER, STATUS_LABELS, STATUS_ORDER

NEW, RESOLVED, STATUS_CHANGED, UNCHANGED = "new", "resolved", "status_changed", "unchanged"
FINDING_KINDS: Mapping[str, str] = {
    NEW: "New",
    RESOLVED: "Resolved",
    STATUS_CHANGED: "Status changed",
    UNCHANGED: "Unchanged",
}
ADDED, REMOVED, CHANGED = "added", "removed", "changed"
RESOURCE_KINDS: Mapping[str, str] = {ADDED: "Added", REMOVED: "Removed", CHANGED: "Changed"}
NO_RESULT = "no result"  # the status shown when a snapshot has no result for the key


def status_text(status: str) -> str:
    return STATUS_LABELS.get(status, status) if status else NO_RESULT


def value_text(value: Any, *, indent: int | None = None) -> str:
    """A field's value as one line (or indented JSON): text as is, ``null`` for None."""
    if isinstance(value, str):
        return value
    return json.dumps(jsonable(value), sort_keys=True, indent=indent, ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class DiffFindingRow:
    """One result of the diff, with what the table shows, sorts and searches, computed once."""

    index: int
    kind: str  # NEW | RESOLVED | STATUS_CHANGED | UNCHANGED
    result: Result  # the newer result; the older one for a resolved finding with no newer result
    # (then ``new_status`` is "" and ``old_message`` is its message)
    severity: str
    title: str
    account_text: str
    resource: str
    old_status: str  # "" when the older snapshot has no result for this key
    new_status: str  # "" when the newer snapshot has none
    old_message: str
    search: str

    def text(self, column: str) -> str:
        r = self.result
        return {
            "severity": self.severity.capitalize(),
            "control": r.control_id,
            "account": self.account_text,
            "region": r.region,
            "resource": self.resource,
            "status": f"{status_text(self.old_status)} → {status_text(self.new_status)}",
            "message": r.message,
        }[column]

    def sort_key(self, column: str) -> Any:
        if column == "severity":
            return SEVERITY_ORDER.get(self.severity, 9)
        if column == "status":
            return (STATUS_ORDER.get(self.old_status, 9), STATUS_ORDER.get(self.new_status, 9))
        return self.text(column).lower()

    def tie(self) -> Any:
        return (SEVERITY_ORDER.get(self.severity, 9), self.result.control_id, self.index)


@dataclass(frozen=True, slots=True)
class FieldRow:
    field: str  # "versioning.status": nested record fields joined by dots
    old: Any
    new: Any
    in_old: bool = True  # False: the record is new (an added resource)
    in_new: bool = True


@dataclass(frozen=True, slots=True)
class ResourceRow:
    index: int
    kind: str  # ADDED | REMOVED | CHANGED
    arn: str
    record_type: str
    account_text: str
    fields: tuple[FieldRow, ...]  # the changed fields; every field of an added or removed record
    search: str

    def text(self, column: str) -> str:
        if column == "type":
            return self.record_type
        if column == "account":
            return self.account_text
        if column == "resource":  # the ARN's resource part ("role/admin", a bucket's name)
            return self.arn.split(":", 5)[-1] if self.arn.startswith("arn:") else self.arn
        if self.kind != CHANGED:
            return ""
        return ", ".join(f.field for f in self.fields)

    def sort_key(self, column: str) -> Any:
        return self.text(column).lower()

    def tie(self) -> Any:
        return (self.arn, self.index)


def build_finding_rows(c: Comparison) -> list[DiffFindingRow]:
    d = c.diff
    names = {**c.old.account_names, **c.new.account_names}
    now = {ch.key: ch.new for ch in d.status_changed}  # a resolved finding's newer result, if any
    rows: list[DiffFindingRow] = []

    def add(kind: str, r: Result, old_status: str, new_status: str, old_message: str = "") -> None:
        control = c.controls.get(r.control_id)
        severity, title = (control.severity, control.title) if control else ("", "")
        name = names.get(r.account_id, "")
        account = (f"{name} ({r.account_id})" if name else r.account_id) if r.account_id else "(organization)"
        resource = r.resource_id or r.resource_arn
        search = f"{r.control_id} {title} {account} {r.region} {r.resource_arn} {r.message} {old_message}"
        rows.append(
            DiffFindingRow(
                index=len(rows),
                kind=kind,
                result=r,
                severity=severity,
                title=title,
                account_text=account,
                resource=resource,
                old_status=old_status,
                new_status=new_status,
                old_message=old_message,
                search=search.lower(),
            )
        )

    for r in d.new_findings:
        add(NEW, r, d.previous_status.get(result_key(r), ""), FAIL)
    for r in d.resolved_findings:
        after = now.get(result_key(r))
        add(RESOLVED, after or r, FAIL, after.status if after else "", r.message)
    for ch in d.status_changed:
        add(STATUS_CHANGED, ch.new, ch.old.status, ch.new.status, ch.old.message)
    for r in d.unchanged_findings:
        add(UNCHANGED, r, FAIL, FAIL)
    return rows


def flatten_change(change: FieldChange) -> list[FieldRow]:
    """A change of a nested record (``versioning``) as the leaf fields that changed (``versioning.status``)."""
    return [FieldRow(field=f, old=a, new=b) for f, a, b in _leaves(change.field, change.old, change.new)]


def _leaves(path: str, old: Any, new: Any) -> Iterable[tuple[str, Any, Any]]:
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in sorted(set(old) | set(new), key=str):
            if key != "call_ids" and without_call_ids(old.get(key)) != without_call_ids(new.get(key)):
                yield from _leaves(f"{path}.{key}", old.get(key), new.get(key))
    else:
        yield path, old, new


def build_resource_rows(c: Comparison) -> list[ResourceRow]:
    names = {**c.old.account_names, **c.new.account_names}
    rows: list[ResourceRow] = []

    def add(kind: str, arn: str, record_type: str, account_id: str, fields: Sequence[FieldRow]) -> None:
        name = names.get(account_id, "")
        account = f"{name} ({account_id})" if name else account_id
        search = f"{arn} {record_type} {account} {' '.join(f.field for f in fields)}".lower()
        rows.append(ResourceRow(index=len(rows), kind=kind, arn=arn, record_type=record_type,
                                account_text=account, fields=tuple(fields), search=search))  # fmt: skip

    for kind, records in ((ADDED, c.added_records), (REMOVED, c.removed_records)):
        for arn, record in records.items():
            values = record_fields(record) if dataclasses.is_dataclass(record) else {}
            fields = [
                FieldRow(
                    field=k,
                    old=v if kind == REMOVED else None,
                    new=v if kind == ADDED else None,
                    in_old=kind == REMOVED,
                    in_new=kind == ADDED,
                )
                for k, v in values.items()
            ]
            add(kind, arn, type(record).__name__, str(getattr(record, "account_id", "")), fields)
    for ch in c.diff.resources_changed:
        add(
            CHANGED,
            ch.arn,
            ch.kind,
            ch.account_id,
            [f for change in ch.changes for f in flatten_change(change)],
        )
    return rows
