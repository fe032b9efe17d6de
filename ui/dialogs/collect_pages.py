"""The collection wizard's first four pages: profile, method, scope, permissions.

Everything that talks to AWS or reads the disk at length (sign-in, the portal's
accounts, the organization's accounts) is a plain job run by a ``FunctionWorker``
through ``JobSlot``; the pages only react on the GUI thread. The run page and the
wizard itself are in ``collect_wizard.py``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt, QUrl
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from collectors.access import PortalAccount
from collectors.auth.profiles import ENV_PROFILE_NAME, ProfileError, ProfileInfo, list_profiles
from collectors.auth.sso_access import SsoAccess
from collectors.auth.sso_login import DeviceCode, LoginCancelled, LoginError, login
from collectors.calls import SignInRequired
from collectors.clients import ClientFactory
from collectors.registry import SELECTABLE
from collectors.runner import CollectionRequest
from snapshot import SnapshotError
from snapshot.reader import check_header, open_existing
from snapshot.schema import M_SCOPE, M_STATUS
from ui.models.profiles_model import (
    COL_NAME,
    COL_SIGN_IN,
    SORT_ROLE,
    SSO_KINDS,
    ProfilesModel,
    needs_sign_in,
)
from ui.workers import FunctionWorker, Job

FactoryMaker = Callable[[], ClientFactory]
OpenUrl = Callable[[QUrl], Any]
DEFAULT_MEMBER_ROLE = "OrganizationAccountAccessRole"
ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")  # IAM role name characters (IAM User Guide, quotas)
WARN = "color: #8a4b00;"
ERROR = "color: #c62828;"


def error_text(error: BaseException) -> str:
    """One line for the user: our errors carry their own message; anything else names its type."""
    if isinstance(error, LoginError | ProfileError | SignInRequired | SnapshotError | ValueError):
        return str(error)
    return f"unexpected error: {type(error).__name__}: {error}"


class JobSlot(QObject):
    """At most one job at a time for a page; ``shutdown`` cancels it and waits (no leaked thread)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker: FunctionWorker | None = None

    def start(
        self,
        job: Job,
        *,
        succeeded: Callable[[Any], None],
        failed: Callable[[BaseException], None],
        progress: Callable[[Any], None] | None = None,
        finished: Callable[[], None] | None = None,
    ) -> FunctionWorker:
        self.shutdown()
        worker = FunctionWorker(job=job, parent=self)
        self.worker = worker
        if progress is not None:
            worker.progress.connect(lambda value: self.worker is worker and progress(value))
        worker.succeeded.connect(lambda value: self.worker is worker and succeeded(value))
        worker.failed.connect(lambda error: self.worker is worker and failed(error))
        worker.finished.connect(lambda: self._done(worker, finished))
        worker.start()
        return worker

    def _done(self, worker: FunctionWorker, finished: Callable[[], None] | None) -> None:
        if self.worker is worker:
            self.worker = None
            if finished is not None:
                finished()
        worker.deleteLater()

    def running(self) -> bool:
        return self.worker is not None

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()

    def shutdown(self) -> None:
        worker, self.worker = self.worker, None
        if worker is not None:
            worker.cancel()
            worker.wait()


def checkable_list(items: list[tuple[str, str]], *, checked: bool) -> QListWidget:
    widget = QListWidget()
    fill_checkable(widget, items, checked=checked)
    return widget


def fill_checkable(widget: QListWidget, items: list[tuple[str, str]], *, checked: bool) -> None:
    """(label, value) items, each with a check box; the value is in ``UserRole``."""
    widget.clear()
    for label, value in items:
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, value)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        widget.addItem(item)


def checked_values(widget: QListWidget) -> list[str]:
    return [
        str(widget.item(i).data(Qt.ItemDataRole.UserRole))
        for i in range(widget.count())
        if widget.item(i).checkState() == Qt.CheckState.Checked
    ]


def set_all_checked(widget: QListWidget, checked: bool) -> None:
    for i in range(widget.count()):
        widget.item(i).setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)


# -- 1. profile -----------------------------------------------------------------------------


def sign_in_job(profile: str, factory_maker: FactoryMaker) -> Job:
    """``login`` with the device code sent as progress (the page shows it)."""

    def job(progress: Callable[[Any], None], cancelled: Callable[[], bool]) -> Any:
        return login(profile, on_code=progress, cancelled=cancelled, factory=factory_maker())

    return job


class ProfilePage(QWizardPage):
    """Choose the local profile to collect with; sign an SSO profile in if its token is not valid."""

    def __init__(self, *, factory_maker: FactoryMaker, open_url: OpenUrl) -> None:
        super().__init__()
        self.setTitle("1. Profile")
        self.setSubTitle("The AWS profile whose credentials start the collection.")
        self._factory_maker = factory_maker
        self._open_url = open_url
        self.device: DeviceCode | None = None
        self.slot = JobSlot(self)
        self.model = ProfilesModel(parent=self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_NAME, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.reload_button = QPushButton("Reload profiles")
        self.reload_button.clicked.connect(self.reload)
        self.sign_in_button = QPushButton("Sign in…")
        self.sign_in_button.clicked.connect(self.sign_in)
        self.status = QLabel()
        self.status.setWordWrap(True)

        big = QFont()
        big.setPointSize(big.pointSize() + 8)
        big.setBold(True)
        url_font = QFont()
        url_font.setPointSize(url_font.pointSize() + 3)
        self.url_label = QLabel()
        self.url_label.setFont(url_font)
        self.url_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.url_label.setWordWrap(True)
        self.code_label = QLabel()
        self.code_label.setFont(big)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_browser_button = QPushButton("Open the browser again")
        self.open_browser_button.clicked.connect(self._open_browser)
        self.cancel_sign_in_button = QPushButton("Cancel sign-in")
        self.cancel_sign_in_button.clicked.connect(self.slot.cancel)
        self.sign_in_box = QGroupBox("Sign in to IAM Identity Center")
        box = QVBoxLayout(self.sign_in_box)
        box.addWidget(QLabel("In the browser, open this address and confirm this code:"))
        box.addWidget(self.url_label)
        box.addWidget(self.code_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_browser_button)
        buttons.addWidget(self.cancel_sign_in_button)
        buttons.addStretch(1)
        box.addLayout(buttons)
        self.sign_in_box.hide()

        row = QHBoxLayout()
        row.addWidget(self.reload_button)
        row.addWidget(self.sign_in_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.sign_in_box)

    def initializePage(self) -> None:
        if self.model.rowCount() == 0:
            self.reload()

    def reload(self) -> None:
        """Read the AWS config again (quick, local files); keep the selected profile."""
        keep = self.profile_info()
        try:
            profiles = list_profiles()
        except ProfileError as exc:
            profiles = []
            self._say(str(exc), ERROR)
        self.model.set_profiles(profiles)
        if not profiles and self.status.text() == "":
            self._say("No AWS profiles found: configure one with the AWS CLI (aws configure sso).", WARN)
        names = [p.name for p in profiles]
        default = next((p.name for p in profiles if p.is_default), names[0] if names else None)
        self.select(keep.name if keep is not None and keep.name in names else default)

    def select(self, name: str | None) -> None:
        row = self.model.row_of(name) if name is not None else -1
        if row < 0:
            self.table.clearSelection()
        else:
            self.table.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())
        self._selection_changed()

    def profile_info(self) -> ProfileInfo | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        return self.model.profile(self.proxy.mapToSource(rows[0]).row())

    def profile_name(self) -> str | None:
        """The profile for the collection request; None for the environment's credentials."""
        info = self.profile_info()
        return None if info is None or info.name == ENV_PROFILE_NAME else info.name

    def _selection_changed(self) -> None:
        info = self.profile_info()
        by_name = self.model.by_name()
        needs = info is not None and needs_sign_in(info, by_name)
        self.sign_in_button.setEnabled(needs and not self.slot.running())
        if not self.slot.running():
            if info is None:
                self._say("Choose a profile.", "")
            elif info.problem:
                self._say(f"This profile cannot be used: {info.problem}", ERROR)
            elif needs:
                self._say(f"{info.name} is not signed in: use Sign in… first.", WARN)
            else:
                signed = self.model.index(self.model.row_of(info.name), COL_SIGN_IN).data()
                self._say(f"{info.name}: {signed}" if signed else f"Collect with {info.name}.", "")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        info = self.profile_info()
        return (
            info is not None
            and not info.problem
            and not needs_sign_in(info, self.model.by_name())
            and not self.slot.running()
        )

    def _say(self, text: str, style: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(style)

    # -- sign-in -------------------------------------------------------------------------

    def sign_in(self) -> None:
        info = self.profile_info()
        if info is None:
            return
        self.device = None
        self.url_label.clear()
        self.code_label.setText("…")
        self.sign_in_box.show()
        self.sign_in_button.setEnabled(False)
        self._say(f"Starting the sign-in for {info.name}…", "")
        self.slot.start(
            sign_in_job(info.name, self._factory_maker),
            progress=self._show_code,
            succeeded=lambda token: self._signed_in(info.name),
            failed=self._sign_in_failed,
            finished=self._sign_in_finished,
        )
        self.completeChanged.emit()

    def _show_code(self, value: Any) -> None:
        if not isinstance(value, DeviceCode):
            return
        self.device = value
        self.url_label.setText(value.verification_uri_complete or value.verification_uri)
        self.code_label.setText(value.user_code)
        self._say("Waiting for you to approve the request in the browser…", "")
        self._open_browser()

    def _open_browser(self) -> None:
        if self.device is not None:
            self._open_url(QUrl(self.device.verification_uri_complete or self.device.verification_uri))

    def _signed_in(self, name: str) -> None:
        self.sign_in_box.hide()
        self.reload()
        self.select(name)

    def _sign_in_failed(self, error: BaseException) -> None:
        self.sign_in_box.hide()
        text = "Sign-in cancelled." if isinstance(error, LoginCancelled) else error_text(error)
        self._say(text, WARN if isinstance(error, LoginCancelled) else ERROR)

    def _sign_in_finished(self) -> None:
        info = self.profile_info()
        self.sign_in_button.setEnabled(info is not None and needs_sign_in(info, self.model.by_name()))
        self.completeChanged.emit()

    def cleanupPage(self) -> None:
        self.slot.shutdown()


# -- 2. method --------------------------------------------------------------------------------


def portal_job(profile: str, factory_maker: FactoryMaker) -> Job:
    def job(progress: Callable[[Any], None], cancelled: Callable[[], bool]) -> list[PortalAccount]:
        return SsoAccess(factory=factory_maker(), profile=profile).portal_accounts()

    return job


class MethodPage(QWizardPage):
    """How to enter each account: a member role from the management account, or SSO role credentials."""

    def __init__(self, *, profile_page: ProfilePage, factory_maker: FactoryMaker) -> None:
        super().__init__()
        self.setTitle("2. Method")
        self.setSubTitle("How the collector enters each account.")
        self.profile_page = profile_page
        self._factory_maker = factory_maker
        self.slot = JobSlot(self)
        self.portal: list[PortalAccount] | None = None
        self._portal_profile: str | None = None
        self.org_radio = QRadioButton("Organizations: assume a member role in each account")
        self.sso_radio = QRadioButton(
            "IAM Identity Center: the portal's accounts, with one permission set role"
        )
        group = QButtonGroup(self)
        group.addButton(self.org_radio)
        group.addButton(self.sso_radio)
        self.org_radio.setChecked(True)
        self.org_radio.toggled.connect(self._method_changed)

        self.member_role = QLineEdit(DEFAULT_MEMBER_ROLE)
        self.external_id = QLineEdit()
        self.external_id.setPlaceholderText("optional: only if the member role requires one")
        self.org_box = QGroupBox("Member role")
        form = QFormLayout(self.org_box)
        form.addRow("Role name:", self.member_role)
        form.addRow("External id:", self.external_id)
        self.member_role.textChanged.connect(lambda _t: self.completeChanged.emit())

        self.list_button = QPushButton("List the portal's accounts")
        self.list_button.clicked.connect(self.list_portal)
        self.portal_table = QListWidget()
        self.role_combo = QComboBox()
        self.role_combo.currentIndexChanged.connect(lambda _i: self._check_roles())
        self.portal_status = QLabel()
        self.portal_status.setWordWrap(True)
        self.sso_box = QGroupBox("Accounts and role from the IAM Identity Center portal")
        sso = QVBoxLayout(self.sso_box)
        sso.addWidget(self.list_button, 0, Qt.AlignmentFlag.AlignLeft)
        sso.addWidget(self.portal_table, 1)
        role_row = QHBoxLayout()
        role_row.addWidget(QLabel("Role in each account:"))
        role_row.addWidget(self.role_combo, 1)
        sso.addLayout(role_row)
        sso.addWidget(self.portal_status)

        layout = QVBoxLayout(self)
        layout.addWidget(self.org_radio)
        layout.addWidget(self.sso_radio)
        layout.addWidget(self.org_box)
        layout.addWidget(self.sso_box, 1)

    def initializePage(self) -> None:
        info = self.profile_page.profile_info()
        is_sso = info is not None and info.kind in SSO_KINDS
        self.sso_radio.setEnabled(is_sso)
        self.sso_radio.setToolTip("" if is_sso else "Needs an IAM Identity Center profile (page 1)")
        if not is_sso:
            self.org_radio.setChecked(True)
        if self._portal_profile != self.profile_page.profile_name():
            self.portal, self._portal_profile = None, None
            self.portal_table.clear()
            self.role_combo.clear()
        self._method_changed()

    def method(self) -> str:
        return "sso" if self.sso_radio.isChecked() else "organizations"

    def sso_role(self) -> str | None:
        data = self.role_combo.currentData()
        return str(data) if data else None

    def _method_changed(self) -> None:
        sso = self.sso_radio.isChecked()
        self.org_box.setVisible(not sso)
        self.sso_box.setVisible(sso)
        if sso and self.portal is None and not self.slot.running():
            self.list_portal()
        self.completeChanged.emit()

    def list_portal(self) -> None:
        profile = self.profile_page.profile_name()
        if profile is None:
            return
        self.portal_status.setText("Listing the accounts and roles the portal offers you…")
        self.portal_status.setStyleSheet("")
        self.list_button.setEnabled(False)
        self.slot.start(
            portal_job(profile, self._factory_maker),
            succeeded=lambda accounts: self._portal_listed(profile, accounts),
            failed=self._portal_failed,
            finished=lambda: (self.list_button.setEnabled(True), self.completeChanged.emit()),
        )
        self.completeChanged.emit()

    def _portal_listed(self, profile: str, accounts: list[PortalAccount]) -> None:
        self.portal, self._portal_profile = accounts, profile
        self.portal_table.clear()
        for a in accounts:
            self.portal_table.addItem(f"{a.account_id}  {a.name}  —  roles: {', '.join(a.roles) or 'none'}")
        self.role_combo.blockSignals(True)
        self.role_combo.clear()
        self.role_combo.addItem("(the profile's role, or the only role offered)", None)
        for role in sorted({r for a in accounts for r in a.roles}):
            self.role_combo.addItem(role, role)
        self.role_combo.blockSignals(False)
        self._check_roles()

    def _portal_failed(self, error: BaseException) -> None:
        self.portal_status.setText(f"Cannot list the portal's accounts: {error_text(error)}")
        self.portal_status.setStyleSheet(ERROR)

    def _check_roles(self) -> None:
        problem = self.role_problem()
        if self.portal is not None:
            text = problem or f"{len(self.portal)} account(s) offered."
            self.portal_status.setText(text)
            self.portal_status.setStyleSheet(WARN if problem else "")
        self.completeChanged.emit()

    def role_problem(self) -> str | None:
        """Why the chosen role does not work for every account (the runner would skip them)."""
        if self.portal is None:
            return None
        if not self.portal:
            return "The portal offers this profile no account."
        role = self.sso_role()
        info = self.profile_page.profile_info()
        profile_role = info.sso_role_name if info is not None else None
        if role is None:
            unclear = [a.account_id for a in self.portal if len(a.roles) != 1 and profile_role not in a.roles]
            if unclear:
                return f"Choose a role: {len(unclear)} account(s) offer several roles or none."
            return None
        missing = [a.account_id for a in self.portal if role not in a.roles]
        if missing:
            return f"{role} is not offered in {len(missing)} account(s) ({', '.join(missing[:5])}): they will be recorded as not collected."
        return None

    def isComplete(self) -> bool:
        if self.slot.running():
            return False
        if self.method() == "organizations":
            return bool(ROLE_NAME.match(self.member_role.text().strip()))
        problem = self.role_problem()
        return bool(self.portal) and (problem is None or "will be recorded" in problem)

    def cleanupPage(self) -> None:
        self.slot.shutdown()


# -- 4. permissions ---------------------------------------------------------------------------

PERMISSIONS_DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"


def permissions_policy(markdown: str) -> str | None:
    """The inline policy: the first ```json block of docs/permissions.md, checked to be JSON."""
    match = re.search(r"```json\s*\n(.*?)\n```", markdown, re.DOTALL)
    if match is None:
        return None
    try:
        json.loads(match.group(1))
    except ValueError:
        return None
    return match.group(1)


class PermissionsPage(QWizardPage):
    """What to ask the client for, as docs/permissions.md says it, with the policy to copy."""

    def __init__(self, *, doc_path: Path = PERMISSIONS_DOC) -> None:
        super().__init__()
        self.setTitle("4. Permissions")
        self.setSubTitle(
            "What the collecting role needs in every account. Denied calls are recorded, never ignored."
        )
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "Start collection")
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.copy_button = QPushButton("Copy the inline policy (JSON)")
        self.copy_button.clicked.connect(self.copy_policy)
        self.copied = QLabel()
        try:
            text = doc_path.read_text(encoding="utf-8")
        except OSError as exc:
            text = (
                f"**{doc_path} cannot be read** ({exc.strerror}). Ask for SecurityAudit and ViewOnlyAccess."
            )
        self.policy = permissions_policy(text)
        self.browser.setMarkdown(text)
        self.copy_button.setEnabled(self.policy is not None)
        row = QHBoxLayout()
        row.addWidget(self.copy_button)
        row.addWidget(self.copied, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addLayout(row)

    def copy_policy(self) -> None:
        if self.policy is not None:
            QGuiApplication.clipboard().setText(self.policy)
            self.copied.setText("Copied to the clipboard.")


def default_snapshot_path() -> Path:
    return Path.home() / f"org-{datetime.now():%Y%m%d-%H%M}.awb"


def browse_button(edit: QLineEdit, *, save: bool, parent: QWidget) -> QPushButton:
    button = QPushButton("Browse…")

    def choose() -> None:
        filters = "Snapshots (*.awb *.snapshot *.sqlite *.db);;All files (*)"
        if save:
            path, _ = QFileDialog.getSaveFileName(parent, "New snapshot", edit.text(), filters)
        else:
            path, _ = QFileDialog.getOpenFileName(parent, "Snapshot to resume", edit.text(), filters)
        if path:
            edit.setText(path)

    button.clicked.connect(choose)
    return button


# -- 3. scope ------------------------------------------------------------------------------------

ACCOUNT_ID = re.compile(r"^\d{12}$")
OU_ID = re.compile(r"^(ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}|r-[0-9a-z]{4,32})$")  # Organizations API reference
RESUMABLE = ("collecting", "cancelled")


def org_accounts_job(profile: str | None, factory_maker: FactoryMaker) -> Job:
    """A quick ``organizations:ListAccounts`` with the profile, for the checkable account list."""

    def job(progress: Callable[[Any], None], cancelled: Callable[[], bool]) -> list[PortalAccount]:
        factory = factory_maker()
        session = factory.profile_session(profile)
        client = factory.client(
            session, "organizations", session.get_config_variable("region") or "us-east-1"
        )
        out: list[PortalAccount] = []
        try:
            for page in client.get_paginator("list_accounts").paginate():
                if cancelled():
                    break
                out.extend(
                    PortalAccount(account_id=a["Id"], name=f"{a.get('Name', '')}", email=a.get("Status", ""))
                    for a in page.get("Accounts", [])
                )
        except ClientError as exc:
            err = exc.response.get("Error", {})
            raise ValueError(
                f"cannot list the organization's accounts ({err.get('Code')}: {err.get('Message')}); "
                "type the account ids instead"
            ) from None
        except BotoCoreError as exc:
            raise ValueError(f"cannot list the organization's accounts: {exc}") from None
        return sorted(out, key=lambda a: a.account_id)

    return job


def resumable_scope(path: Path) -> dict[str, Any]:
    """The recorded scope of a snapshot that can be resumed; ValueError (one line) otherwise."""
    try:
        conn = check_header(open_existing(path, read_only=True), path)
    except SnapshotError as exc:
        raise ValueError(str(exc)) from None
    try:
        rows = dict(conn.execute("SELECT key, value FROM manifest WHERE key IN (?, ?)", (M_STATUS, M_SCOPE)))
    finally:
        conn.close()
    status = json.loads(rows.get(M_STATUS, '"unknown"'))
    if status not in RESUMABLE:
        raise ValueError(
            f"{path.name} is {status}: only an interrupted or cancelled collection can be resumed"
        )
    scope = json.loads(rows.get(M_SCOPE, "null"))
    if not isinstance(scope, dict):
        raise ValueError(f"{path.name} records no scope to resume (status {status})")
    return scope


def _ids(text: str) -> list[str]:
    return [t for t in re.split(r"[\s,;]+", text.strip()) if t]


class ScopePage(QWizardPage):
    """Accounts, regions, services and the output file, or an interrupted snapshot to resume."""

    def __init__(
        self, *, profile_page: ProfilePage, method_page: MethodPage, factory_maker: FactoryMaker
    ) -> None:
        super().__init__()
        self.setTitle("3. Scope")
        self.setSubTitle("What to collect, and where to write it.")
        self.profile_page, self.method_page = profile_page, method_page
        self._factory_maker = factory_maker
        self.slot = JobSlot(self)
        self.names: dict[str, str] = {}
        self.request: CollectionRequest | None = None
        self.path: Path | None = None
        self.resume = False

        self.new_radio = QRadioButton("New snapshot:")
        self.resume_radio = QRadioButton("Resume an interrupted snapshot:")
        QButtonGroup(self).addButton(self.new_radio)
        self.new_radio.group().addButton(self.resume_radio)
        self.new_radio.setChecked(True)
        self.out_path = QLineEdit(str(default_snapshot_path()))
        self.resume_path = QLineEdit()
        self.resume_path.setPlaceholderText("a snapshot whose collection was interrupted or cancelled")
        self.resume_info = QLabel()
        self.resume_info.setWordWrap(True)
        output = QGroupBox("Snapshot file")
        grid = QFormLayout(output)
        for radio, edit, save in (
            (self.new_radio, self.out_path, True),
            (self.resume_radio, self.resume_path, False),
        ):
            line = QHBoxLayout()
            line.addWidget(edit, 1)
            line.addWidget(browse_button(edit, save=save, parent=self))
            grid.addRow(radio, line)
        grid.addRow(self.resume_info)
        self.resume_radio.toggled.connect(self._mode_changed)
        self.resume_path.textChanged.connect(lambda _t: self._mode_changed())

        self.all_accounts = QRadioButton("Every account")
        self.some_accounts = QRadioButton("Only the accounts checked or typed below")
        QButtonGroup(self).addButton(self.all_accounts)
        self.all_accounts.group().addButton(self.some_accounts)
        self.all_accounts.setChecked(True)
        self.load_accounts_button = QPushButton("Read the organization's accounts")
        self.load_accounts_button.clicked.connect(self.load_org_accounts)
        self.accounts_list = QListWidget()
        self.typed_accounts = QLineEdit()
        self.typed_accounts.setPlaceholderText("account ids, 12 digits, comma-separated")
        self.ous = QLineEdit()
        self.ous.setPlaceholderText("optional: only accounts under these OU ids (ou-… or r-…)")
        self.accounts_status = QLabel()
        self.accounts_status.setWordWrap(True)
        self.accounts_box = QGroupBox("Accounts")
        acc = QVBoxLayout(self.accounts_box)
        for w in (self.all_accounts, self.some_accounts, self.load_accounts_button):
            acc.addWidget(w, 0, Qt.AlignmentFlag.AlignLeft)
        acc.addWidget(self.accounts_list, 1)
        acc.addWidget(self.typed_accounts)
        acc.addWidget(self.ous)
        acc.addWidget(self.accounts_status)

        self.all_regions = QRadioButton("Every region enabled in each account")
        self.some_regions = QRadioButton("Only the regions checked below")
        QButtonGroup(self).addButton(self.all_regions)
        self.all_regions.group().addButton(self.some_regions)
        self.all_regions.setChecked(True)
        self.regions_list = QListWidget()
        self.regions_box = QGroupBox("Regions")
        reg = QVBoxLayout(self.regions_box)
        reg.addWidget(self.all_regions)
        reg.addWidget(self.some_regions)
        reg.addWidget(self.regions_list, 1)

        self.services_list = checkable_list([(s, s) for s in SELECTABLE], checked=True)
        all_button, none_button = QPushButton("All"), QPushButton("None")
        all_button.clicked.connect(lambda: set_all_checked(self.services_list, True))
        none_button.clicked.connect(lambda: set_all_checked(self.services_list, False))
        self.services_box = QGroupBox("Services")
        svc = QVBoxLayout(self.services_box)
        svc.addWidget(self.services_list, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(all_button)
        buttons.addWidget(none_button)
        buttons.addStretch(1)
        svc.addLayout(buttons)

        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR)
        columns = QHBoxLayout()
        columns.addWidget(self.accounts_box, 3)
        columns.addWidget(self.regions_box, 2)
        columns.addWidget(self.services_box, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(output)
        layout.addLayout(columns, 1)
        layout.addWidget(self.error)

    def initializePage(self) -> None:
        if self.regions_list.count() == 0:
            import botocore.session

            regions = botocore.session.Session().get_available_regions("ec2")
            fill_checkable(self.regions_list, [(r, r) for r in sorted(regions)], checked=False)
        sso = self.method_page.method() == "sso"
        self.load_accounts_button.setVisible(not sso)
        self.ous.setEnabled(not sso)
        if sso and self.method_page.portal is not None:
            self._fill_accounts(self.method_page.portal, "the IAM Identity Center portal")
        self._mode_changed()

    def _fill_accounts(self, accounts: list[PortalAccount], source: str) -> None:
        self.names = {a.account_id: a.name for a in accounts}
        fill_checkable(
            self.accounts_list, [(f"{a.account_id}  {a.name}", a.account_id) for a in accounts], checked=True
        )
        self.accounts_status.setText(f"{len(accounts)} account(s) from {source}.")
        self.accounts_status.setStyleSheet("")

    def load_org_accounts(self) -> None:
        self.load_accounts_button.setEnabled(False)
        self.accounts_status.setText("Reading the organization's accounts…")
        self.slot.start(
            org_accounts_job(self.profile_page.profile_name(), self._factory_maker),
            succeeded=lambda accounts: self._fill_accounts(accounts, "the organization"),
            failed=lambda e: (
                self.accounts_status.setText(error_text(e)),
                self.accounts_status.setStyleSheet(ERROR),
            ),
            finished=lambda: self.load_accounts_button.setEnabled(True),
        )

    def _mode_changed(self) -> None:
        resume = self.resume_radio.isChecked()
        for box in (self.accounts_box, self.regions_box, self.services_box):
            box.setEnabled(not resume)
        self.out_path.setEnabled(not resume)
        self.resume_path.setEnabled(resume)
        self.resume_info.setStyleSheet("")
        if not resume:
            self.resume_info.clear()
            return
        text = self.resume_path.text().strip()
        if not text:
            self.resume_info.setText("Choose the snapshot to resume; its recorded scope is used.")
            return
        try:
            scope = resumable_scope(Path(text))
        except ValueError as exc:
            self.resume_info.setText(str(exc))
            self.resume_info.setStyleSheet(ERROR)
            return
        self.resume_info.setText(
            "Resumes with the recorded scope: method {m}, accounts {a}, regions {r}, services {s}. "
            "Calls already answered are not made again.".format(
                m=scope.get("method"),
                a=", ".join(scope.get("accounts") or []) or "all",
                r=", ".join(scope.get("regions") or []) or "all enabled",
                s=", ".join(scope.get("services") or []) or "all",
            )
        )

    def build(self) -> tuple[CollectionRequest, Path, bool]:
        """The request, the file and whether it is a resume; ValueError with a one-line reason."""
        profile = self.profile_page.profile_name()
        external_id = self.method_page.external_id.text().strip() or None
        if self.resume_radio.isChecked():
            text = self.resume_path.text().strip()
            if not text:
                raise ValueError("choose the snapshot to resume")
            path = Path(text).expanduser()
            request = CollectionRequest.from_manifest(resumable_scope(path))
            overrides: dict[str, Any] = {}
            if profile:
                overrides["profile"] = profile
            if external_id and request.method == "organizations":
                overrides["external_id"] = external_id
            return CollectionRequest(**{**request.__dict__, **overrides}), path, True
        text = self.out_path.text().strip()
        if not text:
            raise ValueError("choose the snapshot file to write")
        path = Path(text).expanduser()
        if path.exists():
            raise ValueError(f"{path} already exists: choose a new file, or resume it")
        if not path.parent.is_dir():
            raise ValueError(f"the folder {path.parent} does not exist")
        accounts: list[str] = []
        if self.some_accounts.isChecked():
            typed = _ids(self.typed_accounts.text())
            bad = [t for t in typed if not ACCOUNT_ID.match(t)]
            if bad:
                raise ValueError(f"{bad[0]!r} is not a 12-digit account id")
            accounts = sorted(set(checked_values(self.accounts_list)) | set(typed))
            if not accounts:
                raise ValueError("check or type at least one account, or choose every account")
        ous = _ids(self.ous.text()) if self.ous.isEnabled() else []
        bad_ous = [o for o in ous if not OU_ID.match(o)]
        if bad_ous:
            raise ValueError(f"{bad_ous[0]!r} is not an OU or root id (ou-xxxx-xxxxxxxx or r-xxxx)")
        regions: list[str] = []
        if self.some_regions.isChecked():
            regions = checked_values(self.regions_list)
            if not regions:
                raise ValueError("check at least one region, or choose every enabled region")
        services = checked_values(self.services_list)
        if not services:
            raise ValueError("check at least one service")
        sso = self.method_page.method() == "sso"
        request = CollectionRequest(
            method=self.method_page.method(),
            profile=profile,
            member_role=self.method_page.member_role.text().strip() or DEFAULT_MEMBER_ROLE,
            external_id=None if sso else external_id,
            sso_role=self.method_page.sso_role() if sso else None,
            accounts=tuple(accounts),
            ous=tuple(ous),
            regions=tuple(regions),
            services=() if len(services) == len(SELECTABLE) else tuple(services),
        )
        return request, path, False

    def validatePage(self) -> bool:
        try:
            self.request, self.path, self.resume = self.build()
        except ValueError as exc:
            self.error.setText(str(exc))
            return False
        self.error.clear()
        return True

    def cleanupPage(self) -> None:
        self.slot.shutdown()
