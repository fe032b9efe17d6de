"""Table models for the policy simulator: the statements that decided an evaluation, with their JSON.

The engine's ``StatementRef`` says where a statement lives (policy, kind, index) but not its
text; auditors want the text next to the verdict, so ``statement_json`` finds it again in the
Inventory the engine read.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from ui.models.table_base import ReadOnlyTableModel

if TYPE_CHECKING:
    from analysis.iam import Decision, StatementRef
    from analysis.model.inventory import Inventory
    from analysis.model.policy_doc import PolicyDocument

AnyIndex = QModelIndex | QPersistentModelIndex
COL_EFFECT, COL_KIND, COL_POLICY, COL_WHERE, COL_STATEMENT, COL_JSON = range(6)


def _document_for(inventory: Inventory, principal_arn: str, ref: StatementRef) -> PolicyDocument | None:
    """The policy document a statement reference points into, when the Inventory holds it."""
    from analysis.model.policy_doc import parse_policy_document

    iam = inventory.iam
    if ref.kind in ("identity", "group"):
        try:
            policies = iam.policies_for(principal_arn)
        except KeyError:
            return None
        for p in policies:
            owner = p.via_group_arn or principal_arn
            if (p.policy_arn or f"{owner}:inline/{p.policy_name}") == ref.policy:
                return p.document
        return None
    if ref.kind == "boundary":
        return iam.boundary_for(principal_arn) if principal_arn in (*iam.users, *iam.roles) else None
    if ref.kind in ("scp", "rcp"):
        policy = inventory.organization.policies.get(ref.policy)
        if policy is None or policy.content is None:
            return None
        return parse_policy_document(policy.content)
    if ref.kind == "trust":
        role = iam.roles.get(ref.policy)
        return role.trust_policy if role is not None else None
    return None


def statement_json(inventory: Inventory, principal_arn: str, ref: StatementRef) -> str:
    """The statement's JSON as the policy states it, or one line saying why it cannot be shown."""
    doc = _document_for(inventory, principal_arn, ref)
    if doc is None:
        return f"(the {ref.kind} policy text is not available in this view: {ref.policy})"
    for st in doc.statements:
        if st.index == ref.index:
            return json.dumps(st.raw, indent=2, sort_keys=False, default=str)
    return f"(statement {ref.index} not found in {ref.policy})"


class DecidingStatementsModel(ReadOnlyTableModel):
    """One row per statement that decided the evaluation: effect, layer, policy, where, index/Sid, JSON."""

    headers = ("Effect", "Layer", "Policy", "Where", "Statement", "JSON")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[StatementRef, str]] = []
        self._pending: set[int] = set()  # rows whose statement decides only if pending conditions hold

    def set_decision(
        self, decision: Decision | None, *, inventory: Inventory | None, principal_arn: str
    ) -> None:
        self.beginResetModel()
        self._rows = []
        self._pending = set()
        if decision is not None and inventory is not None:
            refs = list(decision.deciding)
            # A statement left undecided by unknown conditions (e.g. an SCP Deny on aws:RequestedRegion)
            # also decides the outcome: listed after the deciding ones, marked "if conditions".
            for c in decision.conditions:
                if c.statement not in refs:
                    self._pending.add(len(refs))
                    refs.append(c.statement)
            self._rows = [(ref, statement_json(inventory, principal_arn, ref)) for ref in refs]
        self.endResetModel()

    def is_pending(self, row: int) -> bool:
        return row in self._pending

    def ref(self, row: int) -> StatementRef:
        return self._rows[row][0]

    def statement_text(self, row: int) -> str:
        return self._rows[row][1]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        ref, text = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_EFFECT:
                return f"{ref.effect} (if conditions)" if index.row() in self._pending else ref.effect
            if col == COL_KIND:
                return ref.kind
            if col == COL_POLICY:
                return ref.policy
            if col == COL_WHERE:
                return ref.where
            if col == COL_STATEMENT:
                return f"#{ref.index}" + (f" ({ref.sid})" if ref.sid else "")
            if col == COL_JSON:
                return " ".join(text.split())  # one line in the cell; full text in the tooltip/panel
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_JSON:
            return text
        return None
