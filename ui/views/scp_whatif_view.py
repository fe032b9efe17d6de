"""SCP what-if: paste or load a draft SCP or RCP, pick where it would be attached, see what it takes away.

The white paper's practice "test SCPs before implementing them", offline: the same engine with
the draft attached (``analysis.trust.whatif.scp_what_if``) says which principals would lose which
of today's permissions, which administrators would stop being administrators and which of
today's paths to admin would be cut. It builds the trust graph a second time (seconds at 500
accounts), so it runs in a worker with progress and Cancel.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.models.whatif_models import (
    SORT_ROLE,
    RecordTableModel,
    admins_lost_model,
    cut_paths_model,
    lost_permissions_model,
)
from ui.views.scp_whatif_draft import (
    EXAMPLE,
    MAX_POLICY_CHARS,
    DraftError,
    check_draft,
    describe_cut,
    describe_lost,
    whatif_job,
)
from ui.workers import LatestJobRunner

if TYPE_CHECKING:
    from analysis.trust.graph import TrustGraph
    from analysis.trust.whatif import WhatIfResult


def _table(model: RecordTableModel[Any]) -> tuple[QTableView, QSortFilterProxyModel]:
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    proxy.setFilterKeyColumn(-1)
    view = QTableView()
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.verticalHeader().hide()
    view.setWordWrap(False)
    return view, proxy


POLICY_TYPES = (
    ("SCP (service control policy)", "SERVICE_CONTROL_POLICY"),
    ("RCP (resource control policy)", "RESOURCE_CONTROL_POLICY"),
)


class ScpWhatIfView(QWidget):
    """The draft and its target on the left; what it would take away on the right."""

    finished = Signal(object)  # WhatIfResult, or None when it failed or was cancelled

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tg: TrustGraph | None = None
        self.result: WhatIfResult | None = None
        self.runner = LatestJobRunner(self)
        self.runner.progress.connect(lambda _label, value: self._progress(value))
        self.runner.succeeded.connect(lambda _label, result: self._done(result))
        self.runner.failed.connect(self._failed)
        self.runner.cancelled.connect(lambda _label: self._stopped("Cancelled: nothing was changed."))
        self.runner.started.connect(lambda _label: self._busy(True))
        self.runner.idle.connect(lambda: self._busy(False))

        self.status_label = QLabel("Open a snapshot, then show this tab to build the trust graph.")
        self.status_label.setWordWrap(True)
        self.policy_edit = QPlainTextEdit()
        self.policy_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.policy_edit.setPlaceholderText(
            "Paste the draft policy JSON here, or load it from a file. For example:\n" + EXAMPLE
        )
        self.load_button = QPushButton("Load…")
        self.load_button.clicked.connect(self.choose_file)
        self.type_combo = QComboBox()
        for text, value in POLICY_TYPES:
            self.type_combo.addItem(text, value)
        self.target_combo = QComboBox()
        self.target_combo.setMinimumContentsLength(30)
        self.run_button = QPushButton("Run what-if")
        self.run_button.clicked.connect(self.run)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.runner.cancel)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.message = QLabel()  # invalid JSON or policy, and what the run is doing
        self.message.setWordWrap(True)

        form = QFormLayout()
        form.addRow("Policy type", self.type_combo)
        form.addRow("Attach at", self.target_combo)
        buttons = QHBoxLayout()
        buttons.addWidget(self.load_button)
        buttons.addStretch(1)
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("Draft policy"))
        left_layout.addWidget(self.policy_edit, 1)
        left_layout.addLayout(form)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.progress)
        left_layout.addWidget(self.message)

        self.summary = QLabel("Run a draft to see what it would take away.")
        self.summary.setWordWrap(True)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter the rows (principal, account, action…)")
        self.lost_model: RecordTableModel[Any] = RecordTableModel([], self)
        self.admins_model: RecordTableModel[Any] = RecordTableModel([], self)
        self.cut_model: RecordTableModel[Any] = RecordTableModel([], self)
        self.lost_table, self.lost_proxy = _table(self.lost_model)
        self.admins_table, self.admins_proxy = _table(self.admins_model)
        self.cut_table, self.cut_proxy = _table(self.cut_model)
        for table in (self.lost_table, self.admins_table, self.cut_table):
            table.selectionModel().currentRowChanged.connect(
                lambda cur, _prev, t=table: self._row_selected(t, cur)
            )
        self.result_tabs = QTabWidget()
        self.result_tabs.addTab(self.lost_table, "Permissions lost")
        self.result_tabs.addTab(self.admins_table, "Administrators lost")
        self.result_tabs.addTab(self.cut_table, "Paths to admin cut")
        self.filter_edit.textChanged.connect(self._filter_rows)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setPlaceholderText("Select a row: the decision before and after, or the path's hops.")
        right = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.summary)
        top_layout.addWidget(self.filter_edit)
        top_layout.addWidget(self.result_tabs, 1)
        right.addWidget(top)
        right.addWidget(self.details)
        right.setSizes([520, 240])

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([480, 920])
        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addWidget(split, 1)
        self.set_trust_graph(None)

    # -- the organization ------------------------------------------------------------------------

    def set_status(self, text: str) -> None:
        self.status_label.setText(text)

    def set_trust_graph(self, tg: TrustGraph | None) -> None:
        self.runner.wait()
        self.tg = tg
        self.result = None
        self.target_combo.clear()
        self.message.clear()
        self._show(None)
        self._busy(False)
        if tg is None:
            return
        org = tg.inventory.organization

        def add(unit_id: str, depth: int) -> None:
            unit = org.units[unit_id]
            kind = "root" if unit.kind == "root" else "OU"
            self.target_combo.addItem(f"{'    ' * depth}{unit.name} ({kind} {unit.id})", unit.id)
            for child in unit.child_ou_ids:
                if child in org.units:
                    add(child, depth + 1)
            for account_id in sorted(unit.account_ids, key=lambda a: (tg.inventory.account_name(a), a)):
                name = tg.inventory.account_name(account_id) or account_id
                note = (
                    ", management: SCPs and RCPs do not apply"
                    if account_id == org.management_account_id
                    else ""
                )
                self.target_combo.addItem(
                    f"{'    ' * (depth + 1)}{name} (account {account_id}{note})", account_id
                )

        for root in org.roots:
            add(root.id, 0)
        if not org.roots:
            self.set_status("This snapshot holds no organization: there is nothing to attach a draft to.")
        else:
            self.set_status("Paste or load a draft SCP or RCP, pick where it would be attached, and run it.")

    def select_target(self, target_id: str) -> bool:
        index = self.target_combo.findData(target_id)
        if index >= 0:
            self.target_combo.setCurrentIndex(index)
        return index >= 0

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Load a draft policy", "", "JSON (*.json);;All files (*)")
        if path:
            self.load_file(path)

    def load_file(self, path: str) -> bool:
        try:
            file = Path(path)
            if file.stat().st_size > MAX_POLICY_CHARS:
                raise DraftError(f"{file.name} is far too large for a policy document.")
            self.policy_edit.setPlainText(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, DraftError) as exc:
            self._say(f"Cannot load {path}: {exc}", error=True)
            return False
        self._say(f"Loaded {Path(path).name}.")
        return True

    # -- running ---------------------------------------------------------------------------------

    def run(self) -> bool:
        """Check the draft and start the what-if in a worker; False (with the reason shown) if it cannot."""
        tg = self.tg
        if tg is None:
            self._say("The trust graph is not built yet.", error=True)
            return False
        try:
            document = check_draft(self.policy_edit.toPlainText())
        except DraftError as exc:
            self._say(str(exc), error=True)
            return False
        target_id = self.target_combo.currentData()
        if not target_id:
            self._say("Pick where the draft would be attached.", error=True)
            return False
        from analysis.trust.whatif import accounts_under

        try:
            accounts = accounts_under(tg, target_id)
        except KeyError as exc:
            self._say(str(exc.args[0] if exc.args else exc), error=True)
            return False
        policy_type = self.type_combo.currentData()
        self._show(None)
        self.progress.setRange(0, 0)
        self._say(f"Testing the draft at {target_id} ({len(accounts)} account(s))…")
        job = whatif_job(tg, document=document, target_id=target_id, policy_type=policy_type, name="draft")
        self.runner.run("SCP what-if", job)
        return True

    def _busy(self, running: bool) -> None:
        running = running or self.runner.is_busy()
        self.cancel_button.setEnabled(running)
        self.progress.setVisible(running)
        ready = self.tg is not None
        for w in (self.run_button, self.load_button, self.policy_edit, self.type_combo, self.target_combo):
            w.setEnabled(ready)

    def _progress(self, value: object) -> None:
        if isinstance(value, tuple) and len(value) == 3:
            done, total, message = value
            self.progress.setRange(0, max(int(total), 1))
            self.progress.setValue(int(done))
            self._say(f"{message} ({done}/{total})…")

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #c62828; font-weight: bold;" if error else "")

    def _stopped(self, text: str) -> None:
        self._say(text)
        self.finished.emit(None)

    def _failed(self, _label: str, error: BaseException) -> None:
        self._say(f"The what-if failed: {type(error).__name__}: {error}", error=True)
        self.finished.emit(None)

    def _done(self, result: WhatIfResult | None) -> None:
        if result is None:
            return
        self._show(result)
        self._say("Done.")
        self.finished.emit(result)

    # -- the result ------------------------------------------------------------------------------

    def _show(self, result: WhatIfResult | None) -> None:
        self.result = result
        self.details.clear()
        tg = self.tg
        if tg is None or result is None:
            for model in (self.lost_model, self.admins_model, self.cut_model):
                model.set_records([])
            self.summary.setText("Run a draft to see what it would take away.")
            return
        for attr, factory, records in (
            ("lost_model", lost_permissions_model, result.lost),
            ("admins_model", admins_lost_model, result.admins_lost),
            ("cut_model", cut_paths_model, result.cut_paths),
        ):
            model = factory(tg, self)
            model.set_records(list(records))
            setattr(self, attr, model)
        for table, proxy, model in (
            (self.lost_table, self.lost_proxy, self.lost_model),
            (self.admins_table, self.admins_proxy, self.admins_model),
            (self.cut_table, self.cut_proxy, self.cut_model),
        ):
            proxy.setSourceModel(model)
            table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
            table.resizeColumnsToContents()
        principals = len({lp.principal for lp in result.lost})
        kind = "SCP" if result.policy_type == "SERVICE_CONTROL_POLICY" else "RCP"
        lines = [
            f"Draft {kind} at {self._target_name(result.target_id)}: applies to {len(result.accounts)} account(s), "
            f"{len(result.actions_checked)} action(s) checked.",
            f"{principals} principal(s) would lose {len(result.lost)} permission(s); "
            f"{len(result.admins_lost)} administrator(s) would no longer be; "
            f"{len(result.cut_paths)} path(s) to admin would be cut.",
        ]
        lines += [f"Note: {n}" for n in result.notes]
        self.summary.setText("\n".join(lines))
        self.result_tabs.setTabText(0, f"Permissions lost ({len(result.lost)})")
        self.result_tabs.setTabText(1, f"Administrators lost ({len(result.admins_lost)})")
        self.result_tabs.setTabText(2, f"Paths to admin cut ({len(result.cut_paths)})")

    def _target_name(self, target_id: str) -> str:
        index = self.target_combo.findData(target_id)
        return self.target_combo.itemText(index).strip() if index >= 0 else target_id

    def _filter_rows(self, text: str) -> None:
        for proxy in (self.lost_proxy, self.admins_proxy, self.cut_proxy):
            proxy.setFilterFixedString(text)

    def _row_selected(self, table: QTableView, current: Any) -> None:
        if not current.isValid() or self.tg is None:
            return
        proxy = table.model()
        assert isinstance(proxy, QSortFilterProxyModel)
        source = proxy.mapToSource(current)
        model = proxy.sourceModel()
        assert isinstance(model, RecordTableModel)
        record = model.record(source.row())
        if table is self.lost_table:
            self.details.setPlainText(describe_lost(self.tg, record))
        elif table is self.cut_table:
            self.details.setPlainText(describe_cut(self.tg, record))
        else:
            self.details.setPlainText(f"{record}\nis administrator today and would not be with the draft.")

    def select_cut_path(self, row: int) -> str:
        """Select a cut path (tests, screenshots): its hops go to the details pane."""
        self.result_tabs.setCurrentWidget(self.cut_table)
        self.cut_table.selectRow(row)
        return self.details.toPlainText()

    def select_lost(self, row: int) -> str:
        self.result_tabs.setCurrentWidget(self.lost_table)
        self.lost_table.selectRow(row)
        return self.details.toPlainText()


__all__ = ["ScpWhatIfView"]
