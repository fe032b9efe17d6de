"""What an evidence pack holds: the export's filters and the sheets chosen, validated.

``ExportOptions`` is a frozen record the CLI, the GUI dialog and the tests build; every value is
checked when it is made, so a typo in a sheet name or status is one clear message, never an empty
sheet. Filters by account, OU, severity, status and framework decide which results the pack is
about (Summary, Findings, Control matrix, Evidence); ``include_pass=False`` leaves PASS results out
of the Findings sheet only (the counts stay whole). Qt-free.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from analysis.rules.base import ERROR, FAIL, NOT_ASSESSED, PASS, SEVERITIES, Mappings
from analysis.workpaper import WAIVED

ALL_SHEETS: tuple[str, ...] = (
    "Cover",
    "Summary",
    "Findings",
    "Control matrix",
    "Accounts and OUs",
    "Organization policies",
    "IAM principals",
    "Trust relationships",
    "Escalation paths",
    "Internet exposure",
    "Coverage gaps",
    "Waivers",
    "Evidence",
)
REPORTED_STATUSES: tuple[str, ...] = (FAIL, ERROR, NOT_ASSESSED, WAIVED, PASS)
FRAMEWORK_KEYS: tuple[str, ...] = ("cis", "fsbp", "nist")


class ExportOptionsError(ValueError):
    """An option names a sheet, status, severity or framework that does not exist: the message says which."""


def _ids(value: Iterable[str], what: str) -> frozenset[str]:
    if isinstance(value, str):
        raise ExportOptionsError(f"{what} must be a collection of ids, not the single string {value!r}")
    out = frozenset(str(v).strip() for v in value)
    if "" in out:
        raise ExportOptionsError(f"{what}: an empty id")
    return out


def _known(value: Iterable[str], allowed: Sequence[str], what: str, *, fold: bool = False) -> frozenset[str]:
    if isinstance(value, str):
        raise ExportOptionsError(f"{what} must be a collection, not the single string {value!r}")
    given = [v.strip().lower() if fold else v.strip().upper() for v in value]
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        raise ExportOptionsError(
            f"unknown {what} {', '.join(map(repr, unknown))}; known: {', '.join(allowed)}"
        )
    return frozenset(given)


@dataclass(frozen=True, kw_only=True)
class ExportOptions:
    accounts: frozenset[str] = frozenset()  # account ids; empty: every account
    ous: frozenset[str] = frozenset()  # OU or root ids: the accounts beneath them at any depth
    severities: frozenset[str] = frozenset()  # of analysis.rules.base.SEVERITIES; empty: all
    statuses: frozenset[str] = frozenset()  # reported statuses (WAIVED included); empty: all
    frameworks: frozenset[str] = frozenset()  # "cis" | "fsbp" | "nist": controls mapped to any of them
    sheets: tuple[str, ...] = ALL_SHEETS
    include_pass: bool = True  # False: PASS results left out of the Findings sheet (counts stay whole)

    def __post_init__(self) -> None:
        object.__setattr__(self, "accounts", _ids(self.accounts, "accounts"))
        object.__setattr__(self, "ous", _ids(self.ous, "OUs"))
        object.__setattr__(self, "severities", _known(self.severities, SEVERITIES, "severity", fold=True))
        object.__setattr__(self, "statuses", _known(self.statuses, REPORTED_STATUSES, "status"))
        object.__setattr__(
            self, "frameworks", _known(self.frameworks, FRAMEWORK_KEYS, "framework", fold=True)
        )
        if isinstance(self.sheets, str):
            raise ExportOptionsError(f"sheets must be a sequence of sheet names, not {self.sheets!r}")
        sheets = tuple(self.sheets)
        unknown = [s for s in sheets if s not in ALL_SHEETS]
        if unknown:
            raise ExportOptionsError(
                f"unknown sheet {', '.join(map(repr, unknown))}; sheets are: {', '.join(ALL_SHEETS)}"
            )
        if not sheets:
            raise ExportOptionsError("choose at least one sheet")
        # Always in the workbook's order, whatever order they were given in; duplicates dropped.
        object.__setattr__(self, "sheets", tuple(s for s in ALL_SHEETS if s in sheets))
        if not isinstance(self.include_pass, bool):
            raise ExportOptionsError("include_pass must be True or False")

    # -- queries -------------------------------------------------------------------------------------

    @property
    def filters_accounts(self) -> bool:
        return bool(self.accounts or self.ous)

    def accepts_account(self, account_id: str, ou_ids: Sequence[str]) -> bool:
        """Is a result or record of ``account_id`` (beneath ``ou_ids``, root first) in the export's scope?

        With no account or OU filter, everything is (organization-wide results too). With one, an
        account named in ``accounts`` or beneath an OU of ``ous`` is; organization-wide results
        (``account_id`` "") are not: they are not about the accounts chosen.
        """
        if not self.filters_accounts:
            return True
        if not account_id:
            return False
        return account_id in self.accounts or any(ou in self.ous for ou in ou_ids)

    def accepts_control(self, severity: str, mappings: Mappings | None) -> bool:
        """The severity and framework filters: is a control's result in scope?"""
        if self.severities and severity not in self.severities:
            return False
        if self.frameworks:
            if mappings is None:
                return False
            return any(getattr(mappings, f) for f in self.frameworks)
        return True

    def accepts_status(self, status: str) -> bool:
        """The status filter (on the reported status, WAIVED included); PASS stays in scope here."""
        return not self.statuses or status in self.statuses

    def in_findings(self, status: str) -> bool:
        """Does a result in scope get a Findings row? (``include_pass``)."""
        return self.include_pass or status != PASS

    def describe(self) -> list[str]:
        """The filters in words, one line each (the Cover and Summary sheets)."""
        lines = []
        if self.accounts:
            lines.append("accounts: " + ", ".join(sorted(self.accounts)))
        if self.ous:
            lines.append("OUs (and every account beneath them): " + ", ".join(sorted(self.ous)))
        if self.filters_accounts:
            lines.append("organization-wide results are left out (they are not about the accounts chosen)")
        if self.severities:
            lines.append("severities: " + ", ".join(s for s in SEVERITIES if s in self.severities))
        if self.statuses:
            lines.append("statuses: " + ", ".join(s for s in REPORTED_STATUSES if s in self.statuses))
        if self.frameworks:
            lines.append(
                "controls mapped to: " + ", ".join(f.upper() for f in FRAMEWORK_KEYS if f in self.frameworks)
            )
        if not self.include_pass:
            lines.append("PASS results left out of the Findings sheet (counted on the Summary)")
        left_out = [s for s in ALL_SHEETS if s not in self.sheets]
        if left_out:
            lines.append("sheets left out: " + ", ".join(left_out))
        return lines or ["none: every result of every account, every sheet"]
