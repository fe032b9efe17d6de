"""The Cover sheet: what the pack covers and what it does not, where it came from, and who signed it off.

Two columns (Item, Value), one fact per row, grouped by a "Section" column: the organization, the
snapshot (file, SHA-256, integrity), the collection (times, identity, collector version), the scope
(accounts with names, OUs, regions, services; accounts not fully collected and why), the workpaper
and its sign-off, the export's filters and sheets, and when and by which version the pack was made.
A value longer than a cell continues on the next rows ("(continued)"), never cut. Pure, no openpyxl.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from exports.sheets.results_scope import scoped_results
from exports.xlsx_writer import CELL_LIMIT, Column, SheetSpec

if TYPE_CHECKING:
    from exports.options import ExportOptions
    from exports.pack_data import PackData

SHEET = SheetSpec(
    "Cover",
    (Column("Section", 16, wrap=True), Column("Item", 34, wrap=True), Column("Value", 110, wrap=True)),
)
TITLE = "AWS Organization security assessment: evidence pack"
INTEGRITY_WORDS = {
    "intact": "intact: every page matches its SHA-256 and the digest over all records matches the manifest",
    "tampered": "TAMPERED: the snapshot was modified after collection; its statements cannot be relied on",
    "incomplete": "INCOMPLETE: the collection did not finish (no integrity digest was written)",
}


def rows(data: PackData, options: ExportOptions) -> Iterator[tuple[Any, ...]]:
    for section, item, value in _facts(data, options):
        yield from _fit(section, item, value)


def _fit(section: str, item: str, value: object) -> Iterator[tuple[Any, ...]]:
    """One row, or several when the value passes the cell limit (split at line ends where it can)."""
    if not isinstance(value, str) or len(value) <= CELL_LIMIT:
        yield (section, item, value)
        return
    chunk: list[str] = []
    size = 0
    first = True
    for line in value.split("\n"):
        while len(line) > CELL_LIMIT:  # one line longer than a cell: cut it between characters
            head, line = line[:CELL_LIMIT], line[CELL_LIMIT:]
            if chunk:
                yield (section, item if first else f"{item} (continued)", "\n".join(chunk))
                first, chunk, size = False, [], 0
            yield (section, item if first else f"{item} (continued)", head)
            first = False
        if size + len(line) + 1 > CELL_LIMIT and chunk:
            yield (section, item if first else f"{item} (continued)", "\n".join(chunk))
            first, chunk, size = False, [], 0
        chunk.append(line)
        size += len(line) + 1
    if chunk:
        yield (section, item if first else f"{item} (continued)", "\n".join(chunk))


def _facts(data: PackData, options: ExportOptions) -> Iterator[tuple[str, str, object]]:
    inv, m = data.inventory, data.manifest
    org = inv.organization
    scope = m.get("scope") or {}
    outcomes: dict[str, Any] = dict(m.get("account_outcomes") or {})
    yield ("Pack", "Title", TITLE)
    yield ("Organization", "Organization id", org.organization_id or str(m.get("organization_id") or ""))
    mgmt = org.management_account_id or str(m.get("management_account_id") or "")
    name = inv.account_name(mgmt) if mgmt else ""
    yield ("Organization", "Management account", f"{mgmt} ({name})" if name else mgmt)

    yield ("Snapshot", "File", data.snapshot_path.name)
    yield ("Snapshot", "SHA-256 of the file", data.snapshot_sha256)
    yield ("Snapshot", "Integrity", INTEGRITY_WORDS.get(data.integrity, data.integrity))
    if data.integrity_problems:
        shown = list(data.integrity_problems[:50])
        more = len(data.integrity_problems) - len(shown)
        yield (
            "Snapshot",
            "Integrity problems",
            "\n".join(shown + ([f"... and {more} more (run 'verify' on the snapshot)"] if more else [])),
        )
    yield ("Snapshot", "Collection status", str(m.get("status") or "unknown"))

    yield ("Collection", "Started (UTC)", str(m.get("started_at") or ""))
    yield ("Collection", "Finished (UTC)", str(m.get("finished_at") or "not finished"))
    identity = m.get("identity") or {}
    yield ("Collection", "Collecting identity", str(identity.get("Arn") or "unknown"))
    yield ("Collection", "Method", _method(scope))
    yield ("Collection", "Collector version", str(m.get("tool_version") or "unknown"))

    yield from _scope_facts(data, scope, outcomes)
    yield from _workpaper_facts(data)

    yield ("Export", "Filters", "\n".join(options.describe()))
    yield ("Export", "Sheets", ", ".join(options.sheets))
    in_scope = sum(1 for _ in scoped_results(data, options))
    yield (
        "Export",
        "Results in the pack",
        f"{in_scope:,} of {len(data.assessment.results):,} result(s) of {len(data.assessment.controls)} control(s)",
    )
    yield ("Export", "Generated (UTC)", data.generated_at)
    yield ("Export", "Generated by", f"AWS Org Audit Workbench {data.tool_version}")


def _method(scope: dict[str, Any]) -> str:
    method = str(scope.get("method") or "unknown")
    role = scope.get("member_role")
    return f"{method}, member role {role}" if role else method


def _scope_facts(
    data: PackData, scope: dict[str, Any], outcomes: dict[str, Any]
) -> Iterator[tuple[str, str, object]]:
    org = data.inventory.organization
    asked_accounts = scope.get("accounts") or []
    asked_ous = scope.get("ous") or []
    yield (
        "Scope",
        "Accounts asked for",
        ", ".join(asked_accounts) if asked_accounts else "every account of the organization",
    )
    if asked_ous:
        yield ("Scope", "OUs asked for", ", ".join(asked_ous))
    known = sorted(set(org.accounts) | set(outcomes))
    collected = [
        a for a in known if str((outcomes.get(a) or {}).get("status", "")) in ("collected", "partial")
    ]
    yield (
        "Scope",
        f"Accounts collected ({len(collected)} of {len(known)})",
        "\n".join(f"{a} {data.inventory.account_name(a)} ({outcomes[a]['status']})" for a in collected)
        or "none",
    )
    partial = [a for a in collected if outcomes[a].get("status") == "partial"]
    if partial:
        yield (
            "Scope",
            "Accounts collected in part",
            "\n".join(
                f"{a} {data.inventory.account_name(a)}: {outcomes[a].get('denied_calls', 0)} call(s) denied, "
                f"{outcomes[a].get('failed_calls', 0)} failed (see Coverage gaps)"
                for a in partial
            ),
        )
    missing = [a for a in known if a not in collected]
    yield (
        "Scope",
        "Accounts not collected",
        "\n".join(_not_collected(data, a, outcomes.get(a)) for a in missing) or "none",
    )
    ous = sorted(org.ous.values(), key=lambda u: ([p.name for p in org.path_to(u.id)], u.name))
    yield (
        "Scope",
        f"OUs ({len(ous)})",
        "\n".join(
            f"{' / '.join([p.name or p.id for p in org.path_to(u.id)] + [u.name or u.id])} ({u.id})"
            for u in ous
        )
        or "none recorded",
    )
    regions_asked = scope.get("regions") or []
    yield (
        "Scope",
        "Regions asked for",
        ", ".join(regions_asked) if regions_asked else "every enabled region",
    )
    c = data.collection
    yield (
        "Scope",
        "Regions collected",
        ", ".join(f"{r} ({n:,} calls)" for r, n in c.by_region.items()) or "none",
    )
    services_asked = scope.get("services") or []
    yield ("Scope", "Services asked for", ", ".join(services_asked) if services_asked else "every service")
    yield (
        "Scope",
        f"Services collected ({c.calls:,} calls)",
        ", ".join(f"{s} ({n:,})" for s, n in c.by_service.items()) or "none",
    )
    yield (
        "Scope",
        "Call outcomes",
        ", ".join(f"{o} {n:,}" for o, n in c.by_outcome.items()) or "none",
    )
    yield (
        "Scope",
        "Not covered",
        "Accounts, regions and services not listed above were not collected; a control whose inputs were "
        "denied or not collected is NOT ASSESSED (never PASS); see the Coverage gaps sheet.",
    )


def _not_collected(data: PackData, account_id: str, outcome: dict[str, Any] | None) -> str:
    name = data.inventory.account_name(account_id)
    if not outcome:
        return f"{account_id} {name}: not in the collection's scope or not reached"
    detail = str(outcome.get("detail") or "")
    return f"{account_id} {name}: {outcome.get('status', 'unknown')}" + (f" ({detail})" if detail else "")


def _workpaper_facts(data: PackData) -> Iterator[tuple[str, str, object]]:
    wp = data.workpaper
    if wp is None:
        yield ("Workpaper", "Workpaper", "none: no waivers, notes or sign-off were applied")
        yield ("Workpaper", "Sign-off", "not signed off")
        return
    yield ("Workpaper", "Workpaper", str(wp.path) if wp.path else "not saved")
    yield ("Workpaper", "Waivers and notes", f"{len(wp.waivers)} waiver(s), {len(wp.notes)} note(s)")
    if wp.signoff is None:
        yield ("Workpaper", "Sign-off", "not signed off")
    else:
        s = wp.signoff
        yield ("Workpaper", "Signed off by", s.name)
        yield ("Workpaper", "Signed off at (UTC)", s.time)
        yield ("Workpaper", "Sign-off comment", s.comment or "none")
