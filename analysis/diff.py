"""Two snapshots of one organization compared: findings new, resolved and unchanged; resources added,
removed and changed (with the fields that changed). Pure and Qt-free; ``main.py diff`` prints it.

Results are matched by their key (control, account, region, resource: ``report.result_key``). A
*finding* is a ``FAIL`` result: **new** when it fails in the new snapshot and did not in the old
one (absent, or another status), **resolved** when it failed in the old one and does not in the
new one, **unchanged** when it fails in both. Other status changes (``PASS`` -> ``NOT_ASSESSED``,
say) are listed apart, as ``status_changed``: a finding that became not assessed is not resolved.

Resources are the Inventory records keyed by ARN, compared field by field as
``dataclasses.asdict`` gives them, without ``call_ids`` (the same resource collected twice has
other call ids).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from analysis.rules.base import FAIL, Result
from analysis.rules.report import jsonable, result_key

if TYPE_CHECKING:
    from analysis.model.inventory import Inventory

IGNORED_FIELDS = frozenset({"call_ids"})


class DifferentOrganizations(ValueError):
    """The snapshots are of different (or unknown) organizations."""


@dataclass(frozen=True, kw_only=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True, kw_only=True)
class ResourceChange:
    arn: str
    kind: str  # the record type ("S3Bucket")
    account_id: str
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True, kw_only=True)
class StatusChange:
    key: str
    old: Result
    new: Result


@dataclass(frozen=True, kw_only=True)
class SnapshotDiff:
    old_organization_id: str
    new_organization_id: str
    new_findings: tuple[Result, ...]
    resolved_findings: tuple[Result, ...]  # as they were in the old snapshot
    unchanged_findings: tuple[Result, ...]  # as they are in the new snapshot
    status_changed: tuple[StatusChange, ...]  # every other status change of a result present in both
    resources_added: tuple[str, ...]
    resources_removed: tuple[str, ...]
    resources_changed: tuple[ResourceChange, ...]
    notes: tuple[str, ...] = ()


def check_same_organization(old: Inventory, new: Inventory, *, force: bool = False) -> list[str]:
    """Raise :class:`DifferentOrganizations` unless both are of one known organization (or ``force``)."""
    a, b = old.organization.organization_id, new.organization.organization_id
    if a and b and a == b:
        return []
    if a and b:
        message = f"the snapshots are of different organizations ({a} and {b})"
    else:
        message = f"the organization of {'the old' if not a else 'the new'} snapshot is not recorded"
    if not force:
        raise DifferentOrganizations(message + "; use --force to compare them anyway")
    return [message + " (compared anyway: --force)"]


def diff_results(old: Iterable[Result], new: Iterable[Result]) -> dict[str, tuple[Any, ...]]:
    old_by = {result_key(r): r for r in old}
    new_by = {result_key(r): r for r in new}
    new_f: list[Result] = []
    resolved: list[Result] = []
    unchanged: list[Result] = []
    changed: list[StatusChange] = []
    for key, r in new_by.items():
        before = old_by.get(key)
        if r.status == FAIL:
            (unchanged if before is not None and before.status == FAIL else new_f).append(r)
        # every status change but into FAIL (a new finding): out of FAIL is resolved *and* says into what
        if before is not None and before.status != r.status and r.status != FAIL:
            changed.append(StatusChange(key=key, old=before, new=r))
    for key, r in old_by.items():
        if r.status == FAIL and (key not in new_by or new_by[key].status != FAIL):
            resolved.append(r)
    return {
        "new_findings": tuple(new_f),
        "resolved_findings": tuple(resolved),
        "unchanged_findings": tuple(unchanged),
        "status_changed": tuple(changed),
    }


def record_fields(record: Any) -> dict[str, Any]:
    """A record's fields as plain data, without the fields that differ between collections."""
    return {
        f.name: dataclasses.asdict(v) if dataclasses.is_dataclass(v) and not isinstance(v, type) else v
        for f in dataclasses.fields(record)
        if f.name not in IGNORED_FIELDS
        for v in (getattr(record, f.name),)
    }


def diff_resources(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, tuple[Any, ...]]:
    added = tuple(sorted(set(new) - set(old)))
    removed = tuple(sorted(set(old) - set(new)))
    changed = []
    for arn in sorted(set(old) & set(new)):
        a, b = old[arn], new[arn]
        if a == b:
            continue
        fa, fb = record_fields(a), record_fields(b)
        changes = tuple(
            FieldChange(field=name, old=fa.get(name), new=fb.get(name))
            for name in sorted(set(fa) | set(fb))
            if _normalized(fa.get(name)) != _normalized(fb.get(name))
        )
        if changes:
            changed.append(
                ResourceChange(
                    arn=arn,
                    kind=type(b).__name__,
                    account_id=str(getattr(b, "account_id", "")),
                    changes=changes,
                )
            )
    return {"resources_added": added, "resources_removed": removed, "resources_changed": tuple(changed)}


def _normalized(value: Any) -> Any:
    """Nested call ids removed too (a record inside a record carries its own)."""
    if isinstance(value, Mapping):
        return {k: _normalized(v) for k, v in value.items() if k not in IGNORED_FIELDS}
    if isinstance(value, (list, tuple)):
        return [_normalized(v) for v in value]
    return value


def diff_snapshots(
    old: Inventory,
    new: Inventory,
    old_results: Sequence[Result],
    new_results: Sequence[Result],
    *,
    force: bool = False,
) -> SnapshotDiff:
    notes = check_same_organization(old, new, force=force)
    return SnapshotDiff(
        old_organization_id=old.organization.organization_id,
        new_organization_id=new.organization.organization_id,
        notes=tuple(notes),
        **diff_results(old_results, new_results),
        **diff_resources(old.by_arn, new.by_arn),
    )


# -- JSON (docs/cli.md, ``diff --json``) -----------------------------------------------------------------


def _result_json(r: Result) -> dict[str, Any]:
    return {
        "key": result_key(r),
        "control_id": r.control_id,
        "status": r.status,
        "account_id": r.account_id,
        "region": r.region,
        "resource_arn": r.resource_arn,
        "resource_id": r.resource_id,
        "message": r.message,
    }


def diff_json(d: SnapshotDiff) -> dict[str, Any]:
    return {
        "format_version": 1,
        "old_organization_id": d.old_organization_id,
        "new_organization_id": d.new_organization_id,
        "summary": {
            "new_findings": len(d.new_findings),
            "resolved_findings": len(d.resolved_findings),
            "unchanged_findings": len(d.unchanged_findings),
            "status_changed": len(d.status_changed),
            "resources_added": len(d.resources_added),
            "resources_removed": len(d.resources_removed),
            "resources_changed": len(d.resources_changed),
        },
        "new_findings": [_result_json(r) for r in d.new_findings],
        "resolved_findings": [_result_json(r) for r in d.resolved_findings],
        "unchanged_findings": [_result_json(r) for r in d.unchanged_findings],
        "status_changed": [
            {"key": c.key, "old_status": c.old.status, "new_status": c.new.status, "message": c.new.message}
            for c in d.status_changed
        ],
        "resources_added": list(d.resources_added),
        "resources_removed": list(d.resources_removed),
        "resources_changed": [
            {
                "arn": c.arn,
                "kind": c.kind,
                "account_id": c.account_id,
                "changes": [
                    {"field": f.field, "old": jsonable(f.old), "new": jsonable(f.new)} for f in c.changes
                ],
            }
            for c in d.resources_changed
        ],
        "notes": list(d.notes),
    }
