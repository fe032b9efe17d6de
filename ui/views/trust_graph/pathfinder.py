"""Path finding between any two nodes: pick "from" and "to" by name (with completion) or the selection."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCompleter, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

if TYPE_CHECKING:
    from analysis.trust.graph import TrustGraph


def node_choice(tg: TrustGraph, node_id: str) -> str:
    """How a node reads in the from/to boxes: its label and where it lives (labels repeat across accounts)."""
    node = tg.node(node_id)
    if node.account_id and tg.org.in_org(node.account_id):
        where = tg.inventory.account_name(node.account_id) or node.account_id
        return f"{node.label} — {node.kind.replace('_', ' ')} in {where}"
    return f"{node.label} — {node.kind.replace('_', ' ')}"


def node_choices(tg: TrustGraph) -> dict[str, str]:
    """Completion text -> node id; a text two nodes share gets the node id appended."""
    by_text: dict[str, list[str]] = {}
    for n in tg.graph.nodes:
        by_text.setdefault(node_choice(tg, n), []).append(n)
    out: dict[str, str] = {}
    for text, ids in by_text.items():
        if len(ids) == 1:
            out[text] = ids[0]
        else:
            out.update({f"{text} ({n})": n for n in ids})
    return out


class PathFinderPanel(QWidget):
    """Two ends and a button; ``find_requested(source, target)`` once both resolve to nodes."""

    find_requested = Signal(str, str)
    message = Signal(str)  # why the ends do not resolve
    selected_wanted = Signal(str)  # "from" or "to": the view answers with set_end(...)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tg: TrustGraph | None = None
        self._choices: dict[str, str] = {}
        self.from_edit = QLineEdit()
        self.from_edit.setPlaceholderText("from: a principal, account, provider… (name or ARN)")
        self.to_edit = QLineEdit()
        self.to_edit.setPlaceholderText("to: e.g. admin of prod")
        self.from_selected = QPushButton("Selected")
        self.from_selected.setToolTip("Use the selected node as the start")
        self.to_selected = QPushButton("Selected")
        self.to_selected.setToolTip("Use the selected node as the end")
        self.swap_button = QPushButton("Swap")
        self.find_button = QPushButton("Find shortest paths")
        self.from_selected.clicked.connect(lambda: self.selected_wanted.emit("from"))
        self.to_selected.clicked.connect(lambda: self.selected_wanted.emit("to"))
        self.swap_button.clicked.connect(self.swap)
        self.find_button.clicked.connect(self.find)
        self.to_edit.returnPressed.connect(self.find)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(QLabel("From"), 0, 0)
        grid.addWidget(self.from_edit, 0, 1)
        grid.addWidget(self.from_selected, 0, 2)
        grid.addWidget(QLabel("To"), 1, 0)
        grid.addWidget(self.to_edit, 1, 1)
        grid.addWidget(self.to_selected, 1, 2)
        row = QHBoxLayout()
        row.addWidget(self.swap_button)
        row.addStretch(1)
        row.addWidget(self.find_button)
        grid.addLayout(row, 2, 0, 1, 3)
        grid.setRowStretch(3, 1)

    def set_graph(
        self, tg: TrustGraph | None, choices: dict[str, str] | None = None, *, keep_text: bool = False
    ) -> None:
        """The graph and its completion texts (``node_choices(tg)``, computed here when not given)."""
        self.tg = tg
        if not keep_text:
            self.from_edit.clear()
            self.to_edit.clear()
        self._choices = (choices if choices is not None else node_choices(tg)) if tg is not None else {}
        for edit in (self.from_edit, self.to_edit):
            completer = QCompleter(sorted(self._choices), edit)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            edit.setCompleter(completer)

    def set_end(self, end: str, node_id: str) -> None:
        if self.tg is None or node_id not in self.tg.graph:
            return
        text = next((t for t, n in self._choices.items() if n == node_id), node_id)
        (self.from_edit if end == "from" else self.to_edit).setText(text)

    def swap(self) -> None:
        a, b = self.from_edit.text(), self.to_edit.text()
        self.from_edit.setText(b)
        self.to_edit.setText(a)

    def resolve(self, text: str) -> tuple[str | None, str]:
        """The node a box names: a completion, an id/ARN, or a label that only one node has."""
        tg = self.tg
        text = text.strip()
        if tg is None or not text:
            return None, "Fill in both ends of the path."
        if text in self._choices:
            return self._choices[text], ""
        if text in tg.graph:
            return text, ""
        needle = text.lower()
        matches = [n for n, d in tg.graph.nodes(data=True) if d["node"].label.lower() == needle]
        if len(matches) == 1:
            return matches[0], ""
        if matches:
            return None, f"{len(matches)} nodes are called {text!r}: pick one from the completion list."
        return None, f"No node matches {text!r}."

    def find(self) -> None:
        source, why = self.resolve(self.from_edit.text())
        if source is None:
            self.message.emit(f"From: {why}")
            return
        target, why = self.resolve(self.to_edit.text())
        if target is None:
            self.message.emit(f"To: {why}")
            return
        self.find_requested.emit(source, target)


__all__ = ["PathFinderPanel", "node_choice", "node_choices"]
