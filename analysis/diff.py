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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from analysis.rules.base import FAIL, Control, Result
from analysis.rules.report import jsonable, result_key

if TYPE_CHECKING:
    from analysis.model.inventory import Inventory

IGNORED_FIELDS = frozenset({"call_ids"})
PROGRESS_EVERY = 2000  # resources compared between two progress reports (and cancel checks)

Progress = Callable[[int, int, str], None]  # (done, total, message)
Cancelled = Callable[[], bool]


class DifferentOrganizations(ValueError):
    """The snapshots are of different (or unknown) organizations; the ids are "" when not recorded."""

    def __init__(self, message: str, *, old_organization_id: str = "", new_organization_id: str = "") -> None:
        super().__init__(message)
        self.old_organization_id = old_organization_id
        self.new_organization_id = new_organization_id


class DiffCancelled(Exception):
    """The comparison was cancelled (``cancelled()`` turned true)."""


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
    # the old status of each new finding that had a result in the old snapshot (key -> status);
    # a new finding not in it had no result there (a new resource, control or region)
    previous_status: Mapping[str, str] = field(default_factory=dict)
    resources_added: tuple[str, ...]
    resources_removed: tuple[str, ...]
    resources_changed: tuple[ResourceChange, ...]
    notes: tuple[str, ...] = ()


def check_same_organization(old: Inventory, new: Inventory, *, force: bool = False) -> list[str]:
    """Raise :class:`DifferentOrganizations` unless both are of one known organization (or ``force``)."""
    return check_organization_ids(
        old.organization.organization_id, new.organization.organization_id, force=force
    )


def check_organization_ids(a: str, b: str, *, force: bool = False) -> list[str]:
    """:func:`check_same_organization` on the two organization ids (``""``: not recorded)."""
    if a and b and a == b:
        return []
    if a and b:
        message = f"the snapshots are of different organizations ({a} and {b})"
    else:
        message = f"the organization of {'the old' if not a else 'the new'} snapshot is not recorded"
    if not force:
        raise DifferentOrganizations(
            message + "; use --force to compare them anyway", old_organization_id=a, new_organization_id=b
        )
    return [message + " (compared anyway: --force)"]


def diff_results(old: Iterable[Result], new: Iterable[Result]) -> dict[str, Any]:
    old_by = {result_key(r): r for r in old}
    new_by = {result_key(r): r for r in new}
    new_f: list[Result] = []
    resolved: list[Result] = []
    unchanged: list[Result] = []
    changed: list[StatusChange] = []
    previous: dict[str, str] = {}
    for key, r in new_by.items():
        before = old_by.get(key)
        if r.status == FAIL:
            (unchanged if before is not None and before.status == FAIL else new_f).append(r)
            if before is not None and before.status != FAIL:
                previous[key] = before.status
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
        "previous_status": previous,
    }


def record_fields(record: Any) -> dict[str, Any]:
    """A record's fields as plain data, without the fields that differ between collections."""
    return {
        f.name: dataclasses.asdict(v) if dataclasses.is_dataclass(v) and not isinstance(v, type) else v
        for f in dataclasses.fields(record)
        if f.name not in IGNORED_FIELDS
        for v in (getattr(record, f.name),)
    }


def diff_resources(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> dict[str, Any]:
    """Records added, removed and changed; raises :class:`DiffCancelled` when ``cancelled()`` turns true."""
    added = tuple(sorted(set(new) - set(old)))
    removed = tuple(sorted(set(old) - set(new)))
    changed = []
    both = sorted(set(old) & set(new))
    for i, arn in enumerate(both):
        if i % PROGRESS_EVERY == 0:
            if cancelled is not None and cancelled():
                raise DiffCancelled()
            if progress is not None:
                progress(i, len(both), f"comparing resources {i}/{len(both)}")
        a, b = old[arn], new[arn]
        if a == b:
            continue
        fa, fb = record_fields(a), record_fields(b)
        changes = tuple(
            FieldChange(field=name, old=fa.get(name), new=fb.get(name))
            for name in sorted(set(fa) | set(fb))
            if without_call_ids(fa.get(name)) != without_call_ids(fb.get(name))
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


def without_call_ids(value: Any) -> Any:
    """Nested call ids removed too (a record inside a record carries its own)."""
    if isinstance(value, Mapping):
        return {k: without_call_ids(v) for k, v in value.items() if k not in IGNORED_FIELDS}
    if isinstance(value, (list, tuple)):
        return [without_call_ids(v) for v in value]
    return value


def diff_snapshots(
    old: Inventory,
    new: Inventory,
    old_results: Sequence[Result],
    new_results: Sequence[Result],
    *,
    force: bool = False,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> SnapshotDiff:
    notes = check_same_organization(old, new, force=force)
    return SnapshotDiff(
        old_organization_id=old.organization.organization_id,
        new_organization_id=new.organization.organization_id,
        notes=tuple(notes),
        **diff_results(old_results, new_results),
        **diff_resources(old.by_arn, new.by_arn, progress=progress, cancelled=cancelled),
    )


# -- two snapshot files, as the GUI compares them ---------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class SnapshotSide:
    """One of the two compared snapshots, as the comparison read it."""

    path: str
    organization_id: str
    collected_at: str  # when the collection finished (or started), as the manifest says; "" if unknown
    tampered: bool  # opened read-only although its integrity digest does not match (asked for)
    account_names: Mapping[str, str]  # account id -> name, for every account the snapshot knows


@dataclass(frozen=True, kw_only=True)
class Comparison:
    """What :func:`compare_snapshot_files` found, with what a reader needs to show it."""

    diff: SnapshotDiff
    old: SnapshotSide
    new: SnapshotSide
    controls: Mapping[str, Control]  # control id -> control, of both assessments
    added_records: Mapping[str, Any]  # ARN -> the record in the new snapshot
    removed_records: Mapping[str, Any]  # ARN -> the record in the old snapshot


# The steps of one comparison, in order: the progress is (step * STEP + done within it, STEPS * STEP).
STEPS = ("organizations", "old inventory", "old trust graph", "old exposure", "old controls",
         "new inventory", "new trust graph", "new exposure", "new controls", "resources")  # fmt: skip
STEP = 1000


def compare_snapshot_files(
    old_path: str,
    new_path: str,
    *,
    force: bool = False,
    allow_tampered: bool = False,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Comparison:
    """Open, normalize and assess both snapshots, then :func:`diff_snapshots` them.

    The organizations are checked first (a second, not the minutes an assessment takes):
    :class:`DifferentOrganizations` unless ``force``. A file that is not a usable snapshot raises
    ``SnapshotError`` (its message names the file; ``SnapshotTamperedError`` unless
    ``allow_tampered``); ``cancelled()`` turning true raises :class:`DiffCancelled`. The trust graph
    and the exposure report are built here, with progress and cancel, and dropped once the
    controls have run: only the Inventories and the results are kept.
    """
    from analysis.model.organizations import build_organization
    from snapshot import Snapshot

    report = progress or (lambda done, total, message: None)
    is_cancelled = cancelled or (lambda: False)
    total = len(STEPS) * STEP

    def step(name: str) -> Progress:
        base = STEPS.index(name) * STEP

        def inner(done: int, of: int, message: str) -> None:
            report(base + (done * STEP // of if of > 0 else 0), total, f"{name}: {message}")

        inner(0, 0, "starting")
        return inner

    step("organizations")
    snaps: list[Any] = []
    try:
        for path in (old_path, new_path):
            snaps.append(Snapshot.open(path, allow_tampered=allow_tampered))
        ids = [build_organization(s).organization_id for s in snaps]
        check_organization_ids(ids[0], ids[1], force=force)
        sides: list[tuple[Inventory, SnapshotSide, tuple[Control, ...], tuple[Result, ...]]] = []
        for snap, which in zip(snaps, ("old", "new"), strict=True):
            sides.append(_assess_side(snap, which, step, is_cancelled))
    finally:
        for s in snaps:
            s.close()
    (old_inv, old_side, old_controls, old_results), (new_inv, new_side, new_controls, new_results) = sides
    d = diff_snapshots(
        old_inv,
        new_inv,
        old_results,
        new_results,
        force=force,
        progress=step("resources"),
        cancelled=is_cancelled,
    )
    report(total, total, "comparison ready")
    return Comparison(
        diff=d,
        old=old_side,
        new=new_side,
        controls={c.id: c for c in (*old_controls, *new_controls)},
        added_records={arn: new_inv.by_arn[arn] for arn in d.resources_added},
        removed_records={arn: old_inv.by_arn[arn] for arn in d.resources_removed},
    )


def _assess_side(
    snap: Any, which: str, step: Callable[[str], Progress], cancelled: Cancelled
) -> tuple[Inventory, SnapshotSide, tuple[Control, ...], tuple[Result, ...]]:
    """One snapshot's Inventory, description, controls and results (the slow part, reported)."""
    from analysis.model.inventory import InventoryCancelled, build_inventory
    from analysis.network import NetworkAnalysisCancelled, internet_exposure
    from analysis.rules.assessment import AssessmentCancelled, assess
    from analysis.trust import TrustGraphCancelled, build_trust_graph
    from snapshot import TAMPERED, PageTamperedError, SnapshotError

    try:
        inventory = build_inventory(snap, progress=step(f"{which} inventory"), cancelled=cancelled)
        if cancelled():
            raise DiffCancelled()
        graph = build_trust_graph(inventory, progress=step(f"{which} trust graph"), cancelled=cancelled)
        exposure = internet_exposure(inventory, progress=step(f"{which} exposure"), cancelled=cancelled)
        result = assess(
            inventory,
            trust_graph=graph,
            exposure=exposure,
            progress=step(f"{which} controls"),
            cancelled=cancelled,
        )
    except (InventoryCancelled, TrustGraphCancelled, NetworkAnalysisCancelled, AssessmentCancelled) as exc:
        raise DiffCancelled() from exc
    except PageTamperedError as exc:  # its message names the record, not the file
        raise SnapshotError(f"{snap.path}: {exc}") from exc
    manifest = inventory.manifest
    runs = manifest.get("runs") or []
    last_run = runs[-1] if runs and isinstance(runs[-1], Mapping) else {}
    known = set(inventory.organization.accounts) | set(manifest.get("account_outcomes") or {})
    side = SnapshotSide(
        path=str(snap.path),
        organization_id=inventory.organization.organization_id,
        collected_at=str(
            last_run.get("finished_at") or manifest.get("finished_at") or manifest.get("started_at") or ""
        ),
        tampered=snap.integrity == TAMPERED,
        account_names={a: inventory.account_name(a) for a in sorted(known)},
    )
    return inventory, side, result.controls, result.results


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
