"""The findings rows: one per assessment result, with everything the table shows, sorts and filters by.

Qt-free (the assessment worker builds the rows): :func:`build_finding_rows` turns each result into a
:class:`FindingRow` holding its display texts, its OU ids, its frameworks and framework sections and
a lower-case search text, once. :class:`FindingsFilter` says which rows the table shows; its
``accepts`` is the definition the model's column index (``ui.models.findings_index``) computes in bulk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from analysis.rules.base import ERROR, FAIL, NOT_ASSESSED, PASS, PRACTICES, SEVERITIES, Control, Result
from analysis.rules.report import control_sections, section_title

WAIVED = "WAIVED"  # the workpaper's reported status for an accepted FAIL / NOT_ASSESSED
STATUS_ORDER: Mapping[str, int] = {FAIL: 0, ERROR: 1, NOT_ASSESSED: 2, WAIVED: 3, PASS: 4}
STATUS_LABELS: Mapping[str, str] = {
    FAIL: "Fail",
    ERROR: "Error",
    NOT_ASSESSED: "Not assessed",
    WAIVED: "Waived",
    PASS: "Pass",
}
SEVERITY_ORDER: Mapping[str, int] = {s: i for i, s in enumerate(SEVERITIES)}
STATUS_COLORS: Mapping[str, str] = {
    FAIL: "#c62828",
    ERROR: "#6a1b9a",
    NOT_ASSESSED: "#8a6d00",
    WAIVED: "#546e7a",
    PASS: "#2e7d32",
}
SEVERITY_COLORS: Mapping[str, str] = {
    "critical": "#8e0000",
    "high": "#d84315",
    "medium": "#f9a825",
    "low": "#1565c0",
    "informational": "#78909c",
}
FRAMEWORKS = ("CIS", "FSBP", "NIST")

# column key -> header
COLUMNS: Mapping[str, str] = {
    "status": "Status",
    "severity": "Severity",
    "control": "Control",
    "title": "Title",
    "account": "Account",
    "ou": "OU",
    "region": "Region",
    "service": "Service",
    "resource": "Resource",
    "message": "Reason",
}
FINDINGS_COLUMNS = (
    "status",
    "severity",
    "control",
    "title",
    "account",
    "ou",
    "region",
    "service",
    "resource",
)

Section = tuple[str, str]  # (framework, section): ("CIS", "1"), ("FSBP", "S3"), ("NIST", "AC")


@dataclass(frozen=True, slots=True)
class FindingRow:
    """One result, with everything the table shows, sorts and filters by, computed once.

    The fields that come from the control (severity, title, service, practice, frameworks,
    sections) are the same on every row of one control, and those that come from the account
    (account_text, ou_text, ou_ids) on every row of one account: the model's index reads them
    once per control and per account.
    """

    index: int  # the result's position in the assessment
    result: Result
    status: str  # the reported status (WAIVED when a waiver applies)
    severity: str
    control_id: str
    title: str
    service: str
    practice: str
    account_id: str
    account_text: str  # "name (id)", or the id alone
    ou_text: str  # "Root / Workloads / Prod"
    ou_ids: tuple[str, ...]  # root and OUs above the account, root first
    frameworks: frozenset[str]
    resource: str
    search: str  # lower-case text the search box matches
    sections: frozenset[Section] = frozenset()  # the framework sections the control maps into

    def text(self, key: str) -> str:
        if key == "status":
            return STATUS_LABELS.get(self.status, self.status)
        if key == "severity":
            return self.severity.capitalize()
        if key == "control":
            return self.control_id
        if key == "account":
            return self.account_text
        if key == "ou":
            return self.ou_text
        if key == "region":
            return self.result.region
        if key == "message":
            return self.result.message
        return str(getattr(self, key))

    def sort_key(self, key: str) -> Any:
        if key == "status":
            return STATUS_ORDER.get(self.status, 9)
        if key == "severity":
            return SEVERITY_ORDER.get(self.severity, 9)
        return self.text(key).lower()


Places = Callable[[str], tuple[str, Sequence[str], Sequence[str]]]  # id -> (name, OU names, OU ids)


def build_finding_rows(
    results: Sequence[Result],
    controls: Iterable[Control],
    *,
    place: Places,
    statuses: Sequence[str] | None = None,
) -> list[FindingRow]:
    """The rows of ``results`` (pure: safe in a worker). ``statuses`` overrides each reported status."""
    by_id = {c.id: c for c in controls}
    per_control: dict[str, tuple[str, str, str, str, frozenset[str], frozenset[Section], str]] = {}
    per_account: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    rows: list[FindingRow] = []
    for i, r in enumerate(results):
        meta = per_control.get(r.control_id)
        if meta is None:
            c = by_id.get(r.control_id)
            if c is None:
                meta = ("", r.control_id, "", "", frozenset(), frozenset(), r.control_id.lower())
            else:
                fw = frozenset(
                    name
                    for name, ids in (
                        ("CIS", c.mappings.cis),
                        ("FSBP", c.mappings.fsbp),
                        ("NIST", c.mappings.nist),
                    )
                    if ids
                )
                text = f"{c.id} {c.title}".lower()
                meta = (c.severity, c.title, c.service, c.practice, fw, control_sections(c), text)
            per_control[r.control_id] = meta
        acct = per_account.get(r.account_id)
        if acct is None:
            if r.account_id:
                name, ou_names, ou_ids = place(r.account_id)
                text = f"{name} ({r.account_id})" if name else r.account_id
                acct = (text, " / ".join(ou_names), tuple(ou_ids))
            else:
                acct = ("(organization)", "", ())
            per_account[r.account_id] = acct
        severity, title, service, practice, fw, sections, control_text = meta
        resource = r.resource_id or r.resource_arn
        rows.append(
            FindingRow(
                index=i,
                result=r,
                status=statuses[i] if statuses is not None else r.status,
                severity=severity,
                control_id=r.control_id,
                title=title,
                service=service,
                practice=practice,
                account_id=r.account_id,
                account_text=acct[0],
                ou_text=acct[1],
                ou_ids=acct[2],
                frameworks=fw,
                resource=resource,
                search=f"{control_text} {acct[0].lower()} {r.region} {r.resource_arn.lower()} {r.message.lower()}",
                sections=sections,
            )
        )
    return rows


@dataclass(frozen=True, kw_only=True)
class FindingsFilter:
    """What the findings table shows; an empty set or text means any."""

    statuses: frozenset[str] = frozenset()
    severities: frozenset[str] = frozenset()
    account_id: str | None = None
    ou_id: str | None = None  # an account beneath it at any depth
    region: str | None = None
    service: str | None = None
    framework: str | None = None  # "CIS" | "FSBP" | "NIST": results of controls mapped to it
    section: Section | None = None  # ("CIS", "1"): results of controls mapped into that section
    practice: str | None = None  # a key of PRACTICES
    control_id: str | None = None
    text: str = ""  # matched case-insensitively, trimmed

    def accepts(self, row: FindingRow) -> bool:
        text = self.text.strip().lower()
        return (
            (not self.statuses or row.status in self.statuses)
            and (not self.severities or row.severity in self.severities)
            and (self.account_id is None or row.account_id == self.account_id)
            and (self.ou_id is None or self.ou_id in row.ou_ids)
            and (self.region is None or row.result.region == self.region)
            and (self.service is None or row.service == self.service)
            and (self.framework is None or self.framework in row.frameworks)
            and (self.section is None or self.section in row.sections)
            and (self.practice is None or row.practice == self.practice)
            and (self.control_id is None or row.control_id == self.control_id)
            and (not text or text in row.search)
        )


def practice_label(key: str) -> str:
    return PRACTICES.get(key, key)


def section_label(section: Section) -> str:
    """ "CIS 1 Identity and Access Management", "FSBP S3", "NIST AC Access Control"."""
    framework, key = section
    title = section_title(framework, key)
    return f"{framework} {key}" if title == key else f"{framework} {key} {title}"
