"""The "Accounts and OUs" sheet: the organization's tree as an indented list, with its policies.

One row per root, OU and account, depth first (child OUs by name, then the accounts directly in
the node by name), each with the Organizations policies attached there and those inherited from
above (and from which node), and, for accounts, the account's facts and how its collection ended
(the manifest's per-account outcome). Accounts whose place in the tree the snapshot does not
record, and accounts collected but missing from the organization's listing, follow the tree.

With an account or OU filter, the accounts in scope are listed with the roots and OUs above them
(an OU chosen by the filter is listed with everything beneath it).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from analysis.model.organizations import (
    COLLECTED,
    KIND_ROOT,
    Account,
    OrganizationModel,
    OrgUnit,
)
from exports.sheets.inventory_common import Cells, Row, fit_row, in_scope, lines, or_note
from exports.xlsx_writer import Column, SheetSpec

if TYPE_CHECKING:
    from exports.options import ExportOptions
    from exports.pack_data import PackData

INDENT = "    "

SHEET = SheetSpec(
    "Accounts and OUs",
    (
        # The first seven are what a printed page shows: the tree, each node's state and policies.
        Column("Name", 34, wrap=True),
        Column("Kind", 8, wrap=True),
        Column("Id", 17, wrap=True),
        Column("Status", 11, wrap=True),
        Column("Collection", 28, wrap=True),
        Column("Policies attached here", 36, wrap=True),
        Column("Policies inherited", 50, wrap=True),
        Column("Depth", 7, kind="int"),
        Column("OU path", 36),
        Column("Email", 34),
        Column("Joined", 26),
        Column("Joined method", 10),
        Column("Notes", 60),
    ),
    print_columns=7,
)
CELLS = Cells(SHEET)
# Continuation rows (a cell over Excel's limit) repeat the node's name, kind, id and depth.
_KEEP = CELLS.index("Name", "Kind", "Id", "Depth")
(_NOTES,) = CELLS.index("Notes")
_KIND_WORDS = {KIND_ROOT: "Root", "ou": "OU", "account": "Account"}


def rows(data: PackData, options: ExportOptions) -> Iterator[Row]:
    empty = (
        "No account of the organization is in the pack's scope"
        if options.filters_accounts
        else "The snapshot records no organization and no account"
    )
    return or_note(_rows(data, options), CELLS.note("Name", empty))


def _rows(data: PackData, options: ExportOptions) -> Iterator[Row]:
    org = data.inventory.organization
    outcomes: Mapping[str, Any] = data.manifest.get("account_outcomes") or {}
    shown = shown_nodes(data, options)
    if org.collection.state != COLLECTED and not org.units and not org.accounts:
        yield CELLS.note("Name", f"The organization could not be read: {org.collection.reason}")
    for root_id in org.root_ids:
        yield from _walk(org, org.units[root_id], 0, shown, outcomes)
    unplaced = sorted(
        (a for a in org.unplaced_accounts if a.id in shown), key=lambda a: (a.name.lower(), a.id)
    )
    for account in unplaced:
        yield from fit_row(_account_row(org, account, 0, outcomes), keep=_KEEP, mark=_NOTES)
    for account_id in sorted(outcomes):
        if account_id in org.accounts or not in_scope(data, options, account_id):
            continue
        outcome = outcomes[account_id] or {}
        yield CELLS(
            {
                "Name": str(outcome.get("name") or account_id),
                "Kind": "Account",
                "Id": account_id,
                "Collection": _collection(outcome),
                "Depth": 0,
                "Notes": "collected, but not in the organization's account listing: its place in the tree "
                "and its organization policies are unknown",
            }
        )


def shown_nodes(data: PackData, options: ExportOptions) -> set[str]:
    """Ids of the roots, OUs and accounts the sheet lists under the filter."""
    org = data.inventory.organization
    if not options.filters_accounts:
        return set(org.units) | set(org.accounts)
    shown: set[str] = set()
    for account_id in org.accounts:
        if in_scope(data, options, account_id):
            shown.add(account_id)
            shown.update(u.id for u in org.path_to(account_id))
    for unit_id in org.units:
        if unit_id in options.ous or any(u.id in options.ous for u in org.path_to(unit_id)):
            shown.add(unit_id)
            shown.update(u.id for u in org.path_to(unit_id))
    return shown


def _walk(
    org: OrganizationModel, unit: OrgUnit, depth: int, shown: set[str], outcomes: Mapping[str, Any]
) -> Iterator[Row]:
    if unit.id not in shown:
        return
    yield from fit_row(_unit_row(org, unit, depth), keep=_KEEP, mark=_NOTES)
    children = sorted(
        (org.units[c] for c in unit.child_ou_ids if c in org.units), key=lambda u: (u.name.lower(), u.id)
    )
    for child in children:
        yield from _walk(org, child, depth + 1, shown, outcomes)
    accounts = sorted(
        (org.accounts[a] for a in unit.account_ids if a in org.accounts and a in shown),
        key=lambda a: (a.name.lower(), a.id),
    )
    for account in accounts:
        yield from fit_row(_account_row(org, account, depth + 1, outcomes), keep=_KEEP, mark=_NOTES)


def _unit_row(org: OrganizationModel, unit: OrgUnit, depth: int) -> Row:
    return CELLS(
        {
            "Name": INDENT * depth + (unit.name or unit.id),
            "Kind": _KIND_WORDS.get(unit.kind, unit.kind),
            "Id": unit.id,
            "Policies attached here": _attached(org, unit.id),
            "Policies inherited": _inherited(org, unit.id),
            "Depth": depth,
            "OU path": _ou_path(org, unit.id),
            "Notes": lines(org.notes_for(unit.id)),
        }
    )


def _account_row(org: OrganizationModel, account: Account, depth: int, outcomes: Mapping[str, Any]) -> Row:
    return CELLS(
        {
            "Name": INDENT * depth + (account.name or account.id),
            "Kind": "Account",
            "Id": account.id,
            "Status": account.status,
            "Collection": _collection(outcomes.get(account.id)),
            "Policies attached here": _attached(org, account.id),
            "Policies inherited": _inherited(org, account.id),
            "Depth": depth,
            "OU path": _ou_path(org, account.id),
            "Email": account.email,
            "Joined": account.joined_timestamp,
            "Joined method": account.joined_method,
            "Notes": lines(org.notes_for(account.id)),
        }
    )


def _ou_path(org: OrganizationModel, node_id: str) -> str:
    return " / ".join(u.name or u.id for u in org.path_to(node_id))


def node_words(node: OrgUnit | Account) -> str:
    """ "Root (r-1)", "OU Prod (ou-1)", "Account web-prod (1111)"."""
    if node.kind == KIND_ROOT:
        return f"{node.name or 'Root'} ({node.id})" if node.name != node.id else f"Root {node.id}"
    kind = _KIND_WORDS.get(node.kind, node.kind)
    return f"{kind} {node.name} ({node.id})" if node.name else f"{kind} {node.id}"


def _attached(org: OrganizationModel, node_id: str) -> str:
    return lines(f"{p.type_label}: {p.name or p.id} ({p.id})" for p in org.attached_policies(node_id))


def _inherited(org: OrganizationModel, node_id: str) -> str:
    return lines(
        f"{f.policy.type_label}: {f.policy.name or f.policy.id} ({f.policy.id}) from {node_words(f.node)}"
        for f in org.inherited_policies(node_id)
    )


def _collection(outcome: Mapping[str, Any] | None) -> str:
    """How the account's collection ended, from the manifest (collected / partial / access failed...)."""
    if not outcome:
        return "not in the collection's scope"
    status = str(outcome.get("status") or "unknown")
    detail = str(outcome.get("detail") or "")
    words = status.replace("_", " ")
    if status == "partial":
        denied, failed = int(outcome.get("denied_calls") or 0), int(outcome.get("failed_calls") or 0)
        words = f"partial: {denied} call(s) denied, {failed} failed (see Coverage gaps)"
    elif status == "collected":
        words = "collected"
    if detail:
        words += f": {detail}"
    disabled = outcome.get("regions_disabled") or []
    if disabled:
        words += f"; regions not enabled: {', '.join(map(str, disabled))}"
    return words
