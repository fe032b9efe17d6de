"""The "Waive…" dialog: one result (control and resource pattern editable) or several selected results.

For one result the control id and the resource pattern are prefilled (the resource ARN, matched
exactly) and editable (``fnmatch``: ``*`` any text, ``?`` one character); the dialog says how
many results the waiver would match as it is typed, and refuses a waiver that does not cover the
result it was opened on. For several results it records one waiver per distinct control and
resource among the waivable ones (each matching its resource exactly), so that nothing the
auditor did not look at is waived by a pattern. Scope: the result's own account, any account,
chosen accounts, or chosen OUs (an OU covers every account beneath it). Reason and owner are
required; the expiry date is optional (the waiver applies up to and including that day).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from analysis.workpaper import WAIVABLE, WAIVED, Waiver
from ui.models.findings_model import FindingRow
from ui.views.workpaper_session import RowIndex, fnmatch_escape, waiver_matches

MAX_WAIVERS = 500  # distinct control + resource pairs waived in one go
DEFAULT_DAYS = 90
SCOPE_OWN, SCOPE_ANY, SCOPE_ACCOUNTS, SCOPE_OUS = range(4)
WARNING_STYLE = "background: #fff3e0; color: #bf360c; padding: 4px;"


def waivable(rows: Sequence[FindingRow]) -> list[FindingRow]:
    """The rows a new waiver can accept: failed or not assessed, and not waived already."""
    return [r for r in rows if r.result.status in WAIVABLE and r.status != WAIVED]


def distinct_pairs(rows: Sequence[FindingRow]) -> dict[tuple[str, str], set[str]]:
    """(control id, resource ARN) -> the accounts of those results, over ``rows`` in order."""
    pairs: dict[tuple[str, str], set[str]] = {}
    for r in rows:
        pairs.setdefault((r.control_id, r.result.resource_arn), set()).add(r.account_id)
    return pairs


def organization_choices(organization: Any) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """([(label, account id)], [(label, root or OU id)]) of the organization, sorted by label."""
    if organization is None:
        return [], []
    accounts = sorted(
        ((f"{a.name} ({a.id})" if a.name else a.id, a.id) for a in organization.accounts.values()),
        key=lambda x: x[0].lower(),
    )
    units = []
    for unit in organization.units.values():
        names = [u.name or u.id for u in organization.path_to(unit.id)] + [unit.name or unit.id]
        units.append((f"{' / '.join(names)} ({unit.id})", unit.id))
    return accounts, sorted(units, key=lambda x: x[0].lower())


class WaiveDialog(QDialog):
    """Asks for a waiver of ``rows`` (the selected results); ``waivers`` holds the result on accept.

    ``index`` holds every row of the assessment: the dialog counts what the waiver would match.
    """

    def __init__(
        self,
        *,
        rows: Sequence[FindingRow],
        index: RowIndex,
        organization: Any,
        today: date,
        signoff_warning: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.rows = list(rows)
        self.index = index  # every row of the assessment, for the match count
        self.today = today
        self.single = len(self.rows) == 1
        self.targets = waivable(self.rows)
        self.pairs = distinct_pairs(self.targets)
        self.waivers: list[Waiver] = []
        self.setWindowTitle("Waive result" if self.single else f"Waive {len(self.rows):,} selected results")
        self.resize(640, 620)
        layout = QVBoxLayout(self)
        if signoff_warning:
            banner = QLabel(signoff_warning)
            banner.setWordWrap(True)
            banner.setStyleSheet(WARNING_STYLE)
            layout.addWidget(banner)
        self.intro = QLabel(self._intro())
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.intro)

        form = QFormLayout()
        first = self.rows[0]
        self.control_edit = QLineEdit(first.control_id)
        self.pattern_edit = QLineEdit(fnmatch_escape(first.result.resource_arn) or "*")
        self.pattern_edit.setToolTip(
            "Matched on the resource ARN: * any text, ? one character, [*] a literal *."
        )
        if self.single:
            form.addRow("Control:", self.control_edit)
            form.addRow("Resource pattern:", self.pattern_edit)
            hint = QLabel("<small>* matches any text, ? one character; [*] is a literal *.</small>")
            form.addRow("", hint)
        layout.addLayout(form)

        # scope
        accounts, units = organization_choices(organization)
        self.scope = QButtonGroup(self)
        if self.single:
            own = (
                f"This account only: {first.account_text}"
                if first.account_id
                else "This account only (the result has no account)"
            )
        else:
            own = "Each result's own account"
        radios = (
            own,
            "Any account (the control and resource decide)",
            "These accounts:",
            "Accounts beneath these OUs:",
        )
        scope_box = QVBoxLayout()
        scope_box.addWidget(QLabel("<b>Scope</b>"))
        self.radios: list[QRadioButton] = []
        for i, text in enumerate(radios):
            radio = QRadioButton(text)
            self.scope.addButton(radio, i)
            self.radios.append(radio)
        self.account_list = self._checklist(accounts)
        self.ou_list = self._checklist(units)
        lists = QHBoxLayout()
        for radio, widget in ((self.radios[2], self.account_list), (self.radios[3], self.ou_list)):
            column = QVBoxLayout()
            column.addWidget(radio)
            column.addWidget(widget)
            lists.addLayout(column)
        scope_box.addWidget(self.radios[0])
        scope_box.addWidget(self.radios[1])
        scope_box.addLayout(lists)
        layout.addLayout(scope_box)
        has_account = all(r.account_id for r in self.targets) and bool(self.targets)
        self.radios[0].setEnabled(has_account)
        self.radios[2].setEnabled(bool(accounts))
        self.radios[3].setEnabled(bool(units))
        (self.radios[0] if has_account else self.radios[1]).setChecked(True)
        self.scope.idToggled.connect(lambda _id, _on: self._scope_changed())

        details = QFormLayout()
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setPlaceholderText("Why this result is accepted (required)")
        self.reason_edit.setMaximumHeight(80)
        self.owner_edit = QLineEdit()
        self.owner_edit.setPlaceholderText("Who answers for it, e.g. web-team@example.com (required)")
        self.expires_check = QCheckBox("Expires after")
        self.expires_check.setChecked(True)
        self.expires_edit = QDateEdit()
        self.expires_edit.setCalendarPopup(True)
        self.expires_edit.setDisplayFormat("yyyy-MM-dd")
        self.expires_edit.setMinimumDate(_qdate(today))
        self.expires_edit.setDate(_qdate(today + timedelta(days=DEFAULT_DAYS)))
        self.expires_check.toggled.connect(self.expires_edit.setEnabled)
        expiry = QHBoxLayout()
        expiry.addWidget(self.expires_check)
        expiry.addWidget(self.expires_edit)
        expiry.addWidget(QLabel("<small>(the last day it applies)</small>"))
        expiry.addStretch(1)
        details.addRow("Reason:", self.reason_edit)
        details.addRow("Owner:", self.owner_edit)
        details.addRow("", expiry)
        layout.addLayout(details)

        self.matches_label = QLabel()
        self.matches_label.setWordWrap(True)
        self.errors_label = QLabel()
        self.errors_label.setWordWrap(True)
        self.errors_label.setStyleSheet("color: #c62828;")
        layout.addWidget(self.matches_label)
        layout.addWidget(self.errors_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Waive")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self._count_timer = QTimer(self, singleShot=True, interval=250)
        self._count_timer.timeout.connect(self._update_matches)
        for edit in (self.control_edit, self.pattern_edit):
            edit.textChanged.connect(lambda _t: self._count_timer.start())
        self.account_list.itemChanged.connect(lambda _i: self._count_timer.start())
        self.ou_list.itemChanged.connect(lambda _i: self._count_timer.start())
        self._scope_changed()
        self._update_matches()

    # -- building -----------------------------------------------------------------------------------

    def _checklist(self, choices: list[tuple[str, str]]) -> QListWidget:
        widget = QListWidget()
        widget.setMinimumHeight(110)
        for label, value in choices:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            widget.addItem(item)
        return widget

    def _intro(self) -> str:
        if self.single:
            r = self.rows[0]
            return (
                f"<b>{html.escape(r.control_id)}</b> on "
                f"<code>{html.escape(r.result.resource_arn or r.resource)}</code>. "
                "The result will be reported as <b>waived</b>, with your reason, owner and expiry; "
                "it stays in every list and export."
            )
        left_out = len(self.rows) - len(self.targets)
        return (
            f"<b>{len(self.rows):,} results selected</b>: {len(self.targets):,} can be waived"
            + (f" ({left_out:,} passed, errored or already waived are left out)" if left_out else "")
            + f". One waiver is recorded per distinct control and resource: <b>{len(self.pairs):,} waivers</b>, "
            "each matching its resource exactly, all with the reason, owner, scope and expiry below. "
            "(One waiver per resource keeps each acceptance precise: a pattern could also waive "
            "results nobody looked at.)"
        )

    def _checked(self, widget: QListWidget) -> tuple[str, ...]:
        return tuple(
            widget.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked
        )

    def _scope_changed(self) -> None:
        self.account_list.setEnabled(self.scope.checkedId() == SCOPE_ACCOUNTS)
        self.ou_list.setEnabled(self.scope.checkedId() == SCOPE_OUS)
        self._count_timer.start()

    # -- the waivers --------------------------------------------------------------------------------

    def _scoped(self, waiver: Waiver, accounts_of_pair: set[str]) -> Waiver:
        scope = self.scope.checkedId()
        if scope == SCOPE_OWN:
            return replace(waiver, accounts=tuple(sorted(a for a in accounts_of_pair if a)))
        if scope == SCOPE_ACCOUNTS:
            return replace(waiver, accounts=self._checked(self.account_list))
        if scope == SCOPE_OUS:
            return replace(waiver, ous=self._checked(self.ou_list))
        return waiver

    def build_waivers(self) -> list[Waiver]:
        """The waivers the fields describe (not validated)."""
        reason, owner = self.reason_edit.toPlainText().strip(), self.owner_edit.text().strip()
        expires = _pydate(self.expires_edit.date()) if self.expires_check.isChecked() else None
        if self.single:
            r = self.rows[0]
            base = Waiver(
                control_id=self.control_edit.text().strip(),
                resource_pattern=self.pattern_edit.text().strip(),
                reason=reason,
                owner=owner,
                expires=expires,
            )
            return [self._scoped(base, {r.account_id})]
        return [
            self._scoped(
                Waiver(
                    control_id=control,
                    resource_pattern=fnmatch_escape(arn),
                    reason=reason,
                    owner=owner,
                    expires=expires,
                ),
                accounts,
            )
            for (control, arn), accounts in self.pairs.items()
        ]

    def problems(self) -> list[str]:
        """What stops the waiver from being recorded, in words ([] when it can be)."""
        out = []
        if self.single:
            if not self.control_edit.text().strip():
                out.append("The control id is required.")
            if not self.pattern_edit.text().strip():
                out.append("The resource pattern is required (* for every resource).")
        elif not self.targets:
            out.append("None of the selected results can be waived (only failed or not assessed ones).")
        elif len(self.pairs) > MAX_WAIVERS:
            out.append(
                f"{len(self.pairs):,} distinct resources: select at most {MAX_WAIVERS}, or waive one result "
                "and widen its resource pattern."
            )
        if not self.reason_edit.toPlainText().strip():
            out.append("The reason is required.")
        if not self.owner_edit.text().strip():
            out.append("The owner is required.")
        if self.scope.checkedId() == SCOPE_ACCOUNTS and not self._checked(self.account_list):
            out.append("Tick at least one account, or choose another scope.")
        if self.scope.checkedId() == SCOPE_OUS and not self._checked(self.ou_list):
            out.append("Tick at least one OU, or choose another scope.")
        if self.expires_check.isChecked() and _pydate(self.expires_edit.date()) < self.today:
            out.append("The expiry date is in the past: the waiver would never apply.")
        if self.single and not out:
            waiver = self.build_waivers()[0]
            if not waiver_matches(waiver, self.rows[0]):
                out.append(
                    "This waiver does not cover the result it is for: check the control id, the resource "
                    "pattern and the scope."
                )
        return out

    def _update_matches(self) -> None:
        if not self.single:
            self.matches_label.setText(
                f"The {len(self.pairs):,} waivers cover {len(self.targets):,} results."
            )
            return
        waiver = self.build_waivers()[0]
        if not waiver.control_id or not waiver.resource_pattern:
            self.matches_label.clear()
            return
        matched = self.index.matching(waiver)
        accepted = sum(1 for r in matched if r.result.status in WAIVABLE)
        self.matches_label.setText(
            f"As it stands, this waiver matches {len(matched):,} result(s) of this assessment; "
            f"{accepted:,} of them failed or were not assessed and would be reported as waived."
        )

    def accept(self) -> None:
        problems = self.problems()
        if problems:
            self.errors_label.setText("\n".join(problems))
            return
        self.errors_label.clear()
        self.waivers = self.build_waivers()
        super().accept()


def _pydate(d: QDate) -> date:
    return date(d.year(), d.month(), d.day())


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)
