"""The policy simulator: pick a principal, an action, a resource and known context; see the verdict and why.

One evaluation takes well under 100 ms once the engine is built (docs/iam-evaluation.md), so
it runs on the GUI thread; building the engine is the slow part and happens in the window's
analysis worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.models.trust_models import COL_JSON, DecidingStatementsModel

if TYPE_CHECKING:
    from analysis.iam import Decision, PolicyEngine
    from analysis.model.inventory import Inventory

DECISION_TEXT = {
    "allow": ("ALLOWED", "#2e7d32"),
    "explicit_deny": ("EXPLICIT DENY", "#c62828"),
    "implicit_deny": ("IMPLICIT DENY (nothing allows it)", "#ef6c00"),
    "conditional": ("CONDITIONAL: allowed only if the conditions below hold", "#1565c0"),
}


class ContextError(ValueError):
    """A context line the simulator cannot read (one-line message for the user)."""


def parse_context(text: str) -> dict[str, tuple[str, ...]]:
    """``key=value`` lines into the engine's context; a key repeated on several lines has several values.

    ``key=`` (nothing after the sign) says the key is known to be absent from the request.
    """
    out: dict[str, list[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ContextError(f"context line {number} is not key=value: {line!r}")
        values = out.setdefault(key, [])
        if value.strip():
            values.append(value.strip())
    return {k: tuple(v) for k, v in out.items()}


class SimulatorView(QWidget):
    """Evaluate one request against the engine of the open snapshot."""

    evaluated = Signal(object)  # Decision

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine: PolicyEngine | None = None
        self.inventory: Inventory | None = None
        self.decision: Decision | None = None

        self.status_label = QLabel("Open a snapshot, then show this tab to build the policy engine.")
        self.principal_combo = QComboBox()
        self.principal_combo.setEditable(True)
        self.principal_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.principal_combo.setMinimumContentsLength(60)
        completer = QCompleter(self.principal_combo.model(), self.principal_combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.principal_combo.setCompleter(completer)
        self.action_edit = QLineEdit()
        self.action_edit.setPlaceholderText("service:Action, e.g. s3:GetObject")
        self.resource_edit = QLineEdit("*")
        self.resource_edit.setPlaceholderText("an ARN, or *")
        self.context_edit = QPlainTextEdit()
        self.context_edit.setPlaceholderText("key=value, one per line, e.g.\naws:MultiFactorAuthPresent=true")
        self.context_edit.setMaximumHeight(90)
        self.evaluate_button = QPushButton("Evaluate")
        self.evaluate_button.clicked.connect(self.evaluate)
        self.action_edit.returnPressed.connect(self.evaluate)
        self.resource_edit.returnPressed.connect(self.evaluate)

        form = QFormLayout()
        form.addRow("Principal", self.principal_combo)
        form.addRow("Action", self.action_edit)
        form.addRow("Resource", self.resource_edit)
        form.addRow("Context", self.context_edit)

        self.decision_label = QLabel()
        self.decision_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.conditions_text = QPlainTextEdit()
        self.conditions_text.setReadOnly(True)
        self.model = DecidingStatementsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.selectionModel().currentRowChanged.connect(self._show_statement)
        self.statement_text = QPlainTextEdit()
        self.statement_text.setReadOnly(True)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.conditions_text)
        split.addWidget(self.table)
        split.addWidget(self.statement_text)
        split.setSizes([160, 200, 160])

        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addLayout(form)
        layout.addWidget(self.evaluate_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.decision_label)
        layout.addWidget(split, 1)
        self.set_engine(None, None)

    def set_status(self, text: str) -> None:
        self.status_label.setText(text)

    def set_engine(
        self, engine: PolicyEngine | None, inventory: Inventory | None, *, actions: Sequence[str] = ()
    ) -> None:
        """Show the principals of ``inventory``; ``None`` clears (snapshot closed or still building).

        ``actions``: the catalogue's actions for completion (expanding it takes ~0.7 s: the
        caller computes it off the GUI thread)."""
        self.engine = engine
        self.inventory = inventory
        self.principal_combo.clear()
        self.decision = None
        self.model.set_decision(None, inventory=None, principal_arn="")
        self.decision_label.clear()
        self.conditions_text.clear()
        self.statement_text.clear()
        ready = engine is not None and inventory is not None
        self.evaluate_button.setEnabled(ready)
        if inventory is not None:
            arns = sorted(inventory.iam.users) + sorted(inventory.iam.roles)
            self.principal_combo.addItems(arns)
            if actions:
                completer = QCompleter(list(actions), self.action_edit)
                completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
                completer.setFilterMode(Qt.MatchFlag.MatchContains)
                self.action_edit.setCompleter(completer)
            self.set_status(f"{len(arns)} principals. Pick one, an action and a resource, then Evaluate.")

    def evaluate(self) -> Decision | None:
        """Run the engine on the form; a bad form gives a one-line message instead of a verdict."""
        from analysis.iam import Request

        if self.engine is None or self.inventory is None:
            return None
        principal = self.principal_combo.currentText().strip()
        action = self.action_edit.text().strip()
        resource = self.resource_edit.text().strip() or "*"
        problem = ""
        if not principal:
            problem = "pick a principal"
        elif not action or ":" not in action:
            problem = "the action must look like service:Action (e.g. s3:GetObject)"
        try:
            context = parse_context(self.context_edit.toPlainText())
        except ContextError as exc:
            problem = problem or str(exc)
        if problem:
            self._show_error(problem)
            return None
        try:
            decision = self.engine.evaluate(
                Request(principal_arn=principal, action=action, resource=resource, context=context)
            )
        except (KeyError, ValueError) as exc:
            self._show_error(f"cannot evaluate: {exc}")
            return None
        self.decision = decision
        text, colour = DECISION_TEXT.get(decision.decision, (decision.decision, "#424242"))
        self.decision_label.setText(text)
        self.decision_label.setStyleSheet(
            f"color: white; background: {colour}; font-weight: bold; padding: 4px;"
        )
        lines: list[str] = []
        if decision.conditions:
            lines.append("Pending conditions (unknown offline):")
            lines.extend(f"  • {c.describe()}" for c in decision.conditions)
            lines.append("")
        lines.append("Evaluation:")
        lines.extend(f"  {i}. {r}" for i, r in enumerate(decision.reasons, start=1))
        self.conditions_text.setPlainText("\n".join(lines))
        self.model.set_decision(decision, inventory=self.inventory, principal_arn=principal)
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(COL_JSON, 400)
        self.statement_text.clear()
        if self.model.rowCount():
            # A deny (decided or pending) says the most; otherwise the first allow.
            rows = range(self.model.rowCount())
            self.table.selectRow(next((r for r in rows if self.model.ref(r).effect == "Deny"), 0))
        self.evaluated.emit(decision)
        return decision

    def _show_error(self, message: str) -> None:
        self.decision = None
        self.decision_label.setText(message)
        self.decision_label.setStyleSheet("color: #c62828; font-weight: bold; padding: 4px;")
        self.conditions_text.clear()
        self.model.set_decision(None, inventory=None, principal_arn="")
        self.statement_text.clear()

    def _show_statement(self, current: object, _previous: object) -> None:
        row = getattr(current, "row", lambda: -1)()
        if 0 <= row < self.model.rowCount():
            ref = self.model.ref(row)
            self.statement_text.setPlainText(f"{ref.describe()}\n\n{self.model.statement_text(row)}")
        else:
            self.statement_text.clear()
