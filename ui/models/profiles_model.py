"""The local AWS profiles as a table the collection wizard's first page shows.

Each row is one ``collectors.auth.profiles.ProfileInfo``: name, kind, region and,
for IAM Identity Center profiles, whether the cached sign-in is valid and until
when. An ``assume-role`` profile whose chain starts from an SSO profile needs
that profile's sign-in (``sso_profile_for``), so its row says so too.
Sorting uses ``SORT_ROLE``, never the display strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from collectors.auth.profiles import ENV_PROFILE_NAME, ProfileInfo
from ui.models.table_base import ReadOnlyTableModel

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
PROFILE_ROLE = Qt.ItemDataRole.UserRole + 2

COL_NAME, COL_KIND, COL_REGION, COL_SIGN_IN, COL_PROBLEM = range(5)
HEADERS = ("Profile", "Kind", "Region", "SSO sign-in", "Problem")
SSO_KINDS = ("sso", "sso-legacy")
KIND_LABELS = {
    "static": "access keys",
    "sso": "IAM Identity Center",
    "sso-legacy": "IAM Identity Center (legacy)",
    "assume-role": "assume role",
    "credential-process": "credential process",
    "env": "environment variables",
    "other": "other",
}

AnyIndex = QModelIndex | QPersistentModelIndex


def sso_source(info: ProfileInfo, by_name: dict[str, ProfileInfo]) -> ProfileInfo | None:
    """The SSO profile whose sign-in ``info`` uses (itself, or the start of its role chain), if any."""
    if info.kind in SSO_KINDS:
        return info
    if info.kind == "assume-role" and info.role_chain and info.problem is None:
        source = by_name.get(info.role_chain[-1])
        if source is not None and source.kind in SSO_KINDS:
            return source
    return None


def sign_in_text(info: ProfileInfo, by_name: dict[str, ProfileInfo]) -> str:
    """What the SSO sign-in column says: valid until …, not signed in, expired …, or empty."""
    source = sso_source(info, by_name)
    if source is None:
        return ""
    via = "" if source is info else f" (via {source.name})"
    if source.token_valid:
        return f"signed in until {source.token_expires_at or 'unknown'}{via}"
    if source.token_expires_at:
        return f"expired at {source.token_expires_at}{via}"
    return f"not signed in{via}"


def needs_sign_in(info: ProfileInfo, by_name: dict[str, ProfileInfo]) -> bool:
    """True when the profile's credentials come from an SSO sign-in that is not valid now."""
    source = sso_source(info, by_name)
    return source is not None and not source.token_valid


class ProfilesModel(ReadOnlyTableModel):
    """Read-only table of ``ProfileInfo``; never holds a secret (ProfileInfo has none)."""

    headers = HEADERS

    def __init__(self, *, profiles: Sequence[ProfileInfo] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._profiles: list[ProfileInfo] = []
        self._by_name: dict[str, ProfileInfo] = {}
        self.set_profiles(profiles)

    def set_profiles(self, profiles: Sequence[ProfileInfo]) -> None:
        self.beginResetModel()
        self._profiles = list(profiles)
        self._by_name = {p.name: p for p in self._profiles}
        self.endResetModel()

    def profile(self, row: int) -> ProfileInfo | None:
        return self._profiles[row] if 0 <= row < len(self._profiles) else None

    def row_of(self, name: str) -> int:
        return next((i for i, p in enumerate(self._profiles) if p.name == name), -1)

    def by_name(self) -> dict[str, ProfileInfo]:
        return dict(self._by_name)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._profiles)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._profiles)):
            return None
        info = self._profiles[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            name = info.name + (" (default)" if info.is_default else "")
            return (
                name,
                KIND_LABELS.get(info.kind, info.kind),
                info.region or "",
                sign_in_text(info, self._by_name),
                info.problem or "",
            )[column]
        if role == SORT_ROLE:
            return (
                # The environment's credentials first, as boto3 uses them first.
                f"{0 if info.name == ENV_PROFILE_NAME else 1}{info.name.casefold()}",
                info.kind,
                info.region or "",
                sign_in_text(info, self._by_name).casefold(),
                info.problem or "",
            )[column]
        if role == PROFILE_ROLE:
            return info.name
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_PROBLEM and info.problem:
                return info.problem
            if info.kind == "assume-role" and info.role_chain:
                return f"{info.role_arn or ''} via {' → '.join(info.role_chain)}"
            if info.sso_start_url:
                return f"{info.sso_start_url} ({info.sso_region})"
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == COL_PROBLEM and info.problem:
                return QBrush(QColor("#c62828"))
            if column == COL_SIGN_IN and needs_sign_in(info, self._by_name):
                return QBrush(QColor("#b35900"))
        return None
