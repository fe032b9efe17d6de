"""The "Organization policies" sheet: every SCP, RCP, tag, backup and AI opt-out policy, in full.

One row per policy: its facts, its content exactly as AWS returned it (a content longer than a
cell continues on the rows below, "Part" says which), where it is attached, and the accounts it
reaches (attached to them or to a root or OU above them). SCPs and RCPs never apply to the
management account (AWS Organizations User Guide, "Service control policies"), so it is not
counted as reached by them, and the row says so. A policy whose targets were not collected has an
unknown reach, said as such. Policy types whose listing failed follow the policies.

With an account or OU filter: the policies attached to a root, OU or account of the filtered
tree (see the Accounts and OUs sheet), and among the accounts reached only those in scope.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from typing import TYPE_CHECKING

from analysis.model.organizations import (
    CONTENT_PARSED,
    POLICY_TYPE_LABELS,
    POLICY_TYPES,
    OrganizationModel,
    OrgPolicy,
)
from exports.sheets.accounts_ous import node_words, shown_nodes
from exports.sheets.inventory_common import Cells, Row, fit_row, in_scope, lines, or_note
from exports.xlsx_writer import Column, SheetSpec

if TYPE_CHECKING:
    from exports.options import ExportOptions
    from exports.pack_data import PackData

SHEET = SheetSpec(
    "Organization policies",
    (
        # The first eight are what a printed page shows: the policy, where it applies, its content.
        Column("Name", 22, wrap=True),
        Column("Type", 7, wrap=True),
        Column("Policy id", 15, wrap=True),
        Column("Attached to", 28, wrap=True),
        Column("Accounts reached", 9, kind="int"),
        Column("Content readable", 10, wrap=True),
        Column("Content (JSON as collected)", 66, wrap=True),
        Column("Part", 8, wrap=True),
        Column("AWS managed", 9),
        Column("Description", 36),
        Column("Accounts reached (list)", 40),
        Column("Notes", 40),
    ),
    print_columns=8,
)
CELLS = Cells(SHEET)
# Continuation rows repeat the name, type and id; "Part" says which part of the content.
_KEEP = CELLS.index("Name", "Type", "Policy id")
(_PART,) = CELLS.index("Part")
# Policy types that never apply to the management account, wherever they are attached.
_NOT_ON_MANAGEMENT = frozenset({"SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"})


def rows(data: PackData, options: ExportOptions) -> Iterator[Row]:
    return or_note(_rows(data, options), CELLS.note("Name", _why_none(data.inventory.organization, options)))


def _why_none(org: OrganizationModel, options: ExportOptions) -> str:
    if org.policies and options.filters_accounts:
        return "No organization policy is attached to the accounts and OUs in the pack's scope"
    if org.collection.reason:
        return f"No organization policy in the snapshot: {org.collection.reason}"
    return "No organization policy in the snapshot"


def _rows(data: PackData, options: ExportOptions) -> Iterator[Row]:
    org = data.inventory.organization
    shown = shown_nodes(data, options)
    beneath = _accounts_beneath(org)
    order = {t: i for i, t in enumerate(POLICY_TYPES)}
    policies = sorted(
        org.policies.values(), key=lambda p: (order.get(p.type, len(order)), p.name.lower(), p.id)
    )
    for policy in policies:
        if options.filters_accounts and not any(t in shown for t in policy.target_ids):
            continue
        reached, notes = _reach(org, policy, beneath)
        if options.filters_accounts:
            reached = [a for a in reached if in_scope(data, options, a)]
        row = CELLS(
            {
                "Name": policy.name,
                "Type": policy.type_label,
                "Policy id": policy.id,
                "Attached to": lines(_target_words(org, t) for t in policy.target_ids),
                "Accounts reached": len(reached) if policy.targets_known else None,
                "Content readable": "Yes"
                if policy.content_state == CONTENT_PARSED
                else f"No: {policy.content_note}",
                "Content (JSON as collected)": policy.content_raw,
                "AWS managed": "Yes" if policy.aws_managed else "No",
                "Description": policy.description,
                "Accounts reached (list)": lines(_account_words(org, a) for a in reached)
                if policy.targets_known
                else "unknown",
                "Notes": lines(notes),
            }
        )
        yield from _parts(row)
    for gap in org.gaps:
        if any(gap.startswith(f"{label} policies:") for label in POLICY_TYPE_LABELS.values()):
            label, _, why = gap.partition(" policies:")
            yield CELLS(
                {
                    "Name": f"{label} policies not listed",
                    "Type": label,
                    "Content readable": f"No: {why.strip()}",
                    "Notes": f"not collected: {gap}",
                }
            )


def _parts(row: Row) -> Iterator[Row]:
    """The row, its long cells continued below with "Part" numbered ("1 of 3", "2 of 3"...)."""
    out = list(fit_row(row, keep=_KEEP))
    if len(out) == 1:
        yield row
        return
    for k, r in enumerate(out, start=1):
        cells = list(r)
        cells[_PART] = f"{k} of {len(out)}"
        yield tuple(cells)


def _accounts_beneath(org: OrganizationModel) -> Callable[[str], tuple[str, ...]]:
    @cache
    def beneath(unit_id: str) -> tuple[str, ...]:
        unit = org.units.get(unit_id)
        if unit is None:
            return ()
        out = list(unit.account_ids)
        for child in unit.child_ou_ids:
            out.extend(beneath(child))
        return tuple(out)

    return beneath


def _reach(
    org: OrganizationModel, policy: OrgPolicy, beneath: Callable[[str], tuple[str, ...]]
) -> tuple[list[str], list[str]]:
    """The accounts a policy applies to (sorted by name) and what the row should say about it."""
    notes: list[str] = []
    if not policy.targets_known:
        notes.append(
            "its targets were not collected (ListTargetsForPolicy denied, failed or not called): "
            "where it is attached and which accounts it reaches are unknown"
        )
        return [], notes
    reached: set[str] = set()
    for target in policy.target_ids:
        if target in org.accounts:
            reached.add(target)
        elif target in org.units:
            reached.update(beneath(target))
            if not org.units[target].children_known:
                notes.append(
                    f"the accounts beneath {_target_words(org, target)} are not all known: the reach may be larger"
                )
    management = org.management_account_id
    if policy.type in _NOT_ON_MANAGEMENT and management in reached:
        reached.discard(management)
        notes.append(
            f"does not apply to the management account {management}: "
            f"{policy.type_label}s never do, wherever they are attached"
        )
    if not policy.target_ids:
        notes.append("attached nowhere: it applies to no account")
    return sorted(reached, key=lambda a: (org.accounts[a].name.lower(), a)), notes


def _target_words(org: OrganizationModel, target: str) -> str:
    if target in org.units:
        return node_words(org.units[target])
    if target in org.accounts:
        return node_words(org.accounts[target])
    return f"{target} (not in the snapshot's tree)"


def _account_words(org: OrganizationModel, account_id: str) -> str:
    account = org.accounts.get(account_id)
    return f"{account_id} ({account.name})" if account is not None and account.name else account_id
